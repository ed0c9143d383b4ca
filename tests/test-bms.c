/* test-bms.c: the event log, drive cycles, vehicles, the BMS and rapidgate */
#include "config.h"

#include <math.h>
#include <string.h>

#include <json-glib/json-glib.h>

#include "ps-engine.h"

/* ---- events ------------------------------------------------------------ */

static void
test_event_ids (void)
{
  /* every kind and reason has a distinct id that reads back */
  for (guint k = 0; k < PS_EVENT_N_KINDS; k++)
    {
      const char *id = ps_event_kind_to_id ((PsEventKind) k);
      PsEventKind back;

      g_assert_nonnull (id);
      g_assert_true (ps_event_kind_from_id (id, &back));
      g_assert_cmpint (back, ==, k);
    }
  for (guint r = 0; r < PS_CONTACTOR_N_REASONS; r++)
    {
      const char *id = ps_contactor_reason_to_id ((PsContactorReason) r);
      PsContactorReason back;

      g_assert_nonnull (id);
      g_assert_true (ps_contactor_reason_from_id (id, &back));
      g_assert_cmpint (back, ==, r);
    }
  g_assert_cmpstr (ps_event_kind_to_id (PS_EVENT_CONTACTOR_OPEN), ==, "contactor-open");
  g_assert_cmpstr (ps_contactor_reason_to_id (PS_CONTACTOR_OVER_TEMPERATURE), ==, "over-temperature");
  g_assert_null (ps_event_kind_to_id (PS_EVENT_N_KINDS));
}

static void
test_event_log (void)
{
  g_autoptr(PsEventLog) log = ps_event_log_new ();
  g_autoptr(GArray) all = NULL;
  g_autoptr(GArray) tail = NULL;
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autoptr(GError) error = NULL;
  g_autofree char *json = NULL;
  JsonObject *object;

  ps_event_log_add (log, 1.5, PS_EVENT_DERATE, -1, PS_CONTACTOR_OK, "charge limited to %g A", 30.0);
  ps_event_log_add (log, 2.25, PS_EVENT_CONTACTOR_OPEN, 11, PS_CONTACTOR_OVER_VOLTAGE,
                    "cell 12 \"quoted\"\nnew line");
  ps_event_log_add (log, 3.0, PS_EVENT_BALANCE_ON, 3, PS_CONTACTOR_OVER_CURRENT, "bleeding");
  g_assert_cmpuint (ps_event_log_get_length (log), ==, 3);
  g_assert_cmpuint (ps_event_log_count_kind (log, PS_EVENT_CONTACTOR_OPEN), ==, 1);

  all = ps_event_log_copy (log, 0, G_MAXUINT);
  tail = ps_event_log_copy (log, 2, 10);
  g_assert_cmpuint (all->len, ==, 3);
  g_assert_cmpuint (tail->len, ==, 1);
  /* in order, a reason only for a contactor opening */
  g_assert_cmpfloat (g_array_index (all, PsEvent, 0).time_s, ==, 1.5);
  g_assert_cmpstr (g_array_index (all, PsEvent, 0).message, ==, "charge limited to 30 A");
  g_assert_cmpint (g_array_index (tail, PsEvent, 0).reason, ==, PS_CONTACTOR_OK);
  g_assert_cmpint (g_array_index (tail, PsEvent, 0).cell, ==, 3);

  /* the JSON line parses back, cell 1-based, text escaped */
  json = ps_event_to_json (&g_array_index (all, PsEvent, 1));
  g_assert_null (strchr (json, '\n'));
  g_assert_true (json_parser_load_from_data (parser, json, -1, &error));
  g_assert_no_error (error);
  object = json_node_get_object (json_parser_get_root (parser));
  g_assert_cmpfloat (json_object_get_double_member (object, "time_s"), ==, 2.25);
  g_assert_cmpstr (json_object_get_string_member (object, "kind"), ==, "contactor-open");
  g_assert_cmpint (json_object_get_int_member (object, "cell"), ==, 12);
  g_assert_cmpstr (json_object_get_string_member (object, "reason"), ==, "over-voltage");
  g_assert_cmpstr (json_object_get_string_member (object, "message"), ==, "cell 12 \"quoted\"\nnew line");

  g_clear_pointer (&json, g_free);
  json = ps_event_to_json (&g_array_index (all, PsEvent, 0));
  g_assert_nonnull (strstr (json, "\"cell\":null"));
  g_assert_null (strstr (json, "reason"));
}

static void
test_event_log_bounded (void)
{
  g_autoptr(PsEventLog) log = ps_event_log_new ();

  for (guint i = 0; i < PS_EVENT_LOG_MAX + 10; i++)
    ps_event_log_add (log, i, PS_EVENT_BALANCE_ON, 0, PS_CONTACTOR_OK, "on");
  /* the last one kept says the rest were dropped */
  g_assert_cmpuint (ps_event_log_get_length (log), ==, PS_EVENT_LOG_MAX);
  g_assert_cmpuint (ps_event_log_count_kind (log, PS_EVENT_WARNING), ==, 1);
}

int
main (int    argc,
      char **argv)
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/events/ids", test_event_ids);
  g_test_add_func ("/events/log", test_event_log);
  g_test_add_func ("/events/bounded", test_event_log_bounded);

  return g_test_run ();
}
