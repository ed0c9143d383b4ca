/* test-protocol.c: the experiment language, accepted and rejected forms */
#include "config.h"

#include <math.h>
#include <string.h>

#include "ps-engine.h"

static PsProtocol *
parse_ok (const char *text)
{
  g_autoptr(GError) error = NULL;
  PsProtocol *protocol = ps_protocol_parse (text, &error);

  if (error != NULL)
    g_test_message ("'%s': %s", text, error->message);
  g_assert_no_error (error);
  g_assert_nonnull (protocol);
  return protocol;
}

static void
test_protocol_discharge_forms (void)
{
  const char *forms[] = {
    "Discharge at 1C until 3.0 V",
    "Discharge at 1C or until 3.0 V",
    "discharge at 1 C until 3.0V",
    "DISCHARGE AT 1c OR UNTIL 3V",
    "Discharge at 1.0C until 3 V",
  };

  for (guint i = 0; i < G_N_ELEMENTS (forms); i++)
    {
      g_autoptr(PsProtocol) p = parse_ok (forms[i]);

      g_assert_cmpuint (p->n_steps, ==, 1);
      g_assert_cmpint (p->steps[0].kind, ==, PS_STEP_DISCHARGE);
      g_assert_cmpint (p->steps[0].unit, ==, PS_STEP_UNIT_C_RATE);
      g_assert_cmpfloat (p->steps[0].value, ==, 1.0);
      g_assert_cmpuint (p->steps[0].n_until, ==, 1);
      g_assert_cmpint (p->steps[0].until[0].kind, ==, PS_UNTIL_VOLTAGE);
      g_assert_cmpfloat (p->steps[0].until[0].value, ==, 3.0);
      g_assert_true (isinf (p->steps[0].duration_s));
      g_assert_cmpstr (p->steps[0].text, ==, forms[i]);
    }
}

static void
test_protocol_units (void)
{
  g_autoptr(PsProtocol) p = parse_ok ("Discharge at 2 A for 60 s;"
                                      "Charge at 2A for 10 minutes;"
                                      "Discharge at 20 kW for 1 hour or until 2.5 V;"
                                      "Discharge at 500W for 2 h;"
                                      "Charge at 0.33C until 4.2 V;"
                                      "Discharge at C/3 until 2.5 V;"
                                      "Rest for 1.5 hours;"
                                      "Rest for 30 min;"
                                      "Rest for 45sec");

  g_assert_cmpuint (p->n_steps, ==, 9);

  g_assert_cmpint (p->steps[0].unit, ==, PS_STEP_UNIT_AMPERE);
  g_assert_cmpfloat (p->steps[0].value, ==, 2.0);
  g_assert_cmpfloat (p->steps[0].duration_s, ==, 60.0);
  g_assert_cmpuint (p->steps[0].n_until, ==, 0);

  g_assert_cmpint (p->steps[1].kind, ==, PS_STEP_CHARGE);
  g_assert_cmpfloat (p->steps[1].duration_s, ==, 600.0);

  g_assert_cmpint (p->steps[2].unit, ==, PS_STEP_UNIT_WATT);
  g_assert_cmpfloat (p->steps[2].value, ==, 20000.0);
  g_assert_cmpfloat (p->steps[2].duration_s, ==, 3600.0);
  g_assert_cmpuint (p->steps[2].n_until, ==, 1);
  g_assert_cmpfloat (p->steps[2].until[0].value, ==, 2.5);

  g_assert_cmpint (p->steps[3].unit, ==, PS_STEP_UNIT_WATT);
  g_assert_cmpfloat (p->steps[3].value, ==, 500.0);
  g_assert_cmpfloat (p->steps[3].duration_s, ==, 7200.0);

  g_assert_cmpint (p->steps[4].kind, ==, PS_STEP_CHARGE);
  g_assert_cmpfloat_with_epsilon (p->steps[4].value, 0.33, 1e-15);

  g_assert_cmpint (p->steps[5].unit, ==, PS_STEP_UNIT_C_RATE);
  g_assert_cmpfloat_with_epsilon (p->steps[5].value, 1.0 / 3.0, 1e-15);

  g_assert_cmpint (p->steps[6].kind, ==, PS_STEP_REST);
  g_assert_cmpfloat (p->steps[6].duration_s, ==, 5400.0);
  g_assert_cmpfloat (p->steps[7].duration_s, ==, 1800.0);
  g_assert_cmpfloat (p->steps[8].duration_s, ==, 45.0);
}

static void
test_protocol_hold (void)
{
  g_autoptr(PsProtocol) p = parse_ok ("Hold at 4.2 V until C/50\n"
                                      "Hold at 4.1V until 0.05C\n"
                                      "hold at 4.2 v until 1.5 A");

  g_assert_cmpuint (p->n_steps, ==, 3);
  g_assert_cmpint (p->steps[0].kind, ==, PS_STEP_HOLD);
  g_assert_cmpint (p->steps[0].unit, ==, PS_STEP_UNIT_VOLT);
  g_assert_cmpfloat (p->steps[0].value, ==, 4.2);
  g_assert_cmpint (p->steps[0].until[0].kind, ==, PS_UNTIL_CURRENT);
  g_assert_cmpint (p->steps[0].until[0].unit, ==, PS_STEP_UNIT_C_RATE);
  g_assert_cmpfloat (p->steps[0].until[0].value, ==, 1.0 / 50.0);
  g_assert_cmpint (p->steps[1].until[0].unit, ==, PS_STEP_UNIT_C_RATE);
  g_assert_cmpfloat (p->steps[1].until[0].value, ==, 0.05);
  g_assert_cmpint (p->steps[2].until[0].unit, ==, PS_STEP_UNIT_AMPERE);
  g_assert_cmpfloat (p->steps[2].until[0].value, ==, 1.5);
}

static void
test_protocol_separators (void)
{
  g_autoptr(PsProtocol) p = parse_ok ("  Charge at 0.5C until 4.2 V ;\n\n"
                                      "Hold at 4.2 V until C/20\r\n"
                                      "Rest for 1 hour;;\n"
                                      "Discharge at 1C until 3.0 V;");
  g_autoptr(PsProtocol) copy = NULL;

  g_assert_cmpuint (p->n_steps, ==, 4);
  g_assert_cmpstr (p->steps[0].text, ==, "Charge at 0.5C until 4.2 V");
  g_assert_cmpstr (p->steps[3].text, ==, "Discharge at 1C until 3.0 V");

  copy = ps_protocol_copy (p);
  g_assert_cmpuint (copy->n_steps, ==, 4);
  for (guint i = 0; i < 4; i++)
    {
      /* the texts are immutable and shared by reference */
      g_assert_true (copy->steps[i].text == p->steps[i].text);
      g_assert_cmpint (copy->steps[i].kind, ==, p->steps[i].kind);
    }
  /* and outlive the protocol they came from */
  g_clear_pointer (&p, ps_protocol_free);
  g_assert_cmpstr (copy->steps[0].text, ==, "Charge at 0.5C until 4.2 V");
  g_assert_cmpstr (copy->steps[3].text, ==, "Discharge at 1C until 3.0 V");
}

typedef struct
{
  const char *text;
  int         code;
  const char *message;   /* the whole message */
} BadCase;

static void
test_protocol_rejected (void)
{
  static const BadCase cases[] = {
    { "Discharge at 1C until 3.0 V; Charge at 1X",
      PS_ENGINE_ERROR_PARSE,
      "step 2 'Charge at 1X': unknown unit 'X', expected A, C, W or kW" },
    { "", PS_ENGINE_ERROR_INVALID,
      "protocol: no steps, expected at least one such as 'Discharge at 1C until 3.0 V'" },
    { " ;\n; ", PS_ENGINE_ERROR_INVALID,
      "protocol: no steps, expected at least one such as 'Discharge at 1C until 3.0 V'" },
    { "Discharge at -1C until 3.0 V", PS_ENGINE_ERROR_INVALID,
      "step 1 'Discharge at -1C until 3.0 V': the rate '-1' is negative, expected a "
      "positive number (the step's verb gives the direction)" },
    { "Discharge at 0C until 3.0 V", PS_ENGINE_ERROR_INVALID,
      "step 1 'Discharge at 0C until 3.0 V': the rate '0' must be greater than zero" },
    { "Discharge at 1C until 0 V", PS_ENGINE_ERROR_INVALID,
      "step 1 'Discharge at 1C until 0 V': the end voltage '0' must be greater than zero" },
    { "Discharge at 1e999C", PS_ENGINE_ERROR_INVALID,
      "step 1 'Discharge at 1e999C': the rate '1e999' is not a finite number" },
    { "Discharge at inf C", PS_ENGINE_ERROR_PARSE,
      "step 1 'Discharge at inf C': expected a number for the rate, found 'inf'" },
    { "Discharge at nan A", PS_ENGINE_ERROR_PARSE,
      "step 1 'Discharge at nan A': expected a number for the rate, found 'nan'" },
    { "Rest for 10000 hours", PS_ENGINE_ERROR_LIMIT,
      "step 1 'Rest for 10000 hours': duration of 3.6e+07 s is too long, expected at most 1e+07 s" },
    { "Rest for 0 s", PS_ENGINE_ERROR_INVALID,
      "step 1 'Rest for 0 s': the duration '0' must be greater than zero" },
    { "Rest for 10 fortnights", PS_ENGINE_ERROR_PARSE,
      "step 1 'Rest for 10 fortnights': unknown time unit 'fortnights', expected s, min or h "
      "(seconds, minutes, hours)" },
    { "Rest for 10", PS_ENGINE_ERROR_PARSE,
      "step 1 'Rest for 10': expected a time unit (s, min or h) after the duration, "
      "found the end of the step" },
    { "Rest", PS_ENGINE_ERROR_PARSE,
      "step 1 'Rest': expected 'for', found the end of the step" },
    { "Sprint at 1C", PS_ENGINE_ERROR_PARSE,
      "step 1 'Sprint at 1C': unknown instruction 'Sprint', expected Discharge, Charge, Hold or Rest" },
    { "Charge at 1C until 4.2", PS_ENGINE_ERROR_PARSE,
      "step 1 'Charge at 1C until 4.2': expected the unit V after the end voltage, "
      "found the end of the step" },
    { "Charge at 1C until 400 V", PS_ENGINE_ERROR_INVALID,
      "step 1 'Charge at 1C until 400 V': the end voltage of 400 V is not a cell voltage "
      "(voltages in a protocol are per cell), expected at most 10 V" },
    { "Charge at 1C until 4.2 V until 4.1 V", PS_ENGINE_ERROR_PARSE,
      "step 1 'Charge at 1C until 4.2 V until 4.1 V': 'until' is given twice, "
      "expected it at most once" },
    { "Charge at 1C to 4.2 V", PS_ENGINE_ERROR_PARSE,
      "step 1 'Charge at 1C to 4.2 V': unexpected 'to', expected 'for <duration>', "
      "'or until <x> V' or the end of the step" },
    { "Charge at 1", PS_ENGINE_ERROR_PARSE,
      "step 1 'Charge at 1': expected a unit (A, C, W or kW) after the rate, "
      "found the end of the step" },
    { "Hold at 4.2 V", PS_ENGINE_ERROR_PARSE,
      "step 1 'Hold at 4.2 V': expected 'until <x> A' or 'until C/<n>' after the hold "
      "voltage, found the end of the step" },
    { "Hold at 4.2 V until C/0", PS_ENGINE_ERROR_INVALID,
      "step 1 'Hold at 4.2 V until C/0': the C-rate divisor '0' must be greater than zero" },
    { "Hold at 4.2 V until 50 mA", PS_ENGINE_ERROR_PARSE,
      "step 1 'Hold at 4.2 V until 50 mA': unknown unit 'mA' for the end current, expected A or C" },
    { "Hold at 4.2 A until C/50", PS_ENGINE_ERROR_PARSE,
      "step 1 'Hold at 4.2 A until C/50': unknown unit 'A' for the hold voltage, expected V" },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr(GError) error = NULL;
      g_autoptr(PsProtocol) p = ps_protocol_parse (cases[i].text, &error);

      g_assert_null (p);
      g_assert_error (error, PS_ENGINE_ERROR, cases[i].code);
      g_assert_cmpstr (error->message, ==, cases[i].message);
    }
}

static void
test_protocol_too_many_steps (void)
{
  g_autoptr(GString) text = g_string_new (NULL);
  g_autoptr(GError) error = NULL;
  g_autoptr(PsProtocol) p = NULL;
  g_autoptr(PsProtocol) ok = NULL;

  for (guint i = 0; i < PS_MAX_PROTOCOL_STEPS; i++)
    g_string_append (text, "Rest for 1 s;");
  ok = ps_protocol_parse (text->str, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (ok->n_steps, ==, PS_MAX_PROTOCOL_STEPS);

  g_string_append (text, "Rest for 1 s");
  p = ps_protocol_parse (text->str, &error);
  g_assert_null (p);
  g_assert_error (error, PS_ENGINE_ERROR, PS_ENGINE_ERROR_LIMIT);
  g_assert_nonnull (strstr (error->message, "more than 10000 steps"));
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/engine/protocol/discharge-forms", test_protocol_discharge_forms);
  g_test_add_func ("/engine/protocol/units-and-durations", test_protocol_units);
  g_test_add_func ("/engine/protocol/hold", test_protocol_hold);
  g_test_add_func ("/engine/protocol/separators", test_protocol_separators);
  g_test_add_func ("/engine/protocol/rejected", test_protocol_rejected);
  g_test_add_func ("/engine/protocol/too-many-steps", test_protocol_too_many_steps);

  return g_test_run ();
}
