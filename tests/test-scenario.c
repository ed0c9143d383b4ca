/* test-scenario.c: scenario files: presets, strict validation, round trips */
#include "config.h"

#include <math.h>
#include <string.h>

#include "ps-engine.h"
#include "ps-cell-type-private.h"
#include "ps-json-private.h"
#include "ps-pack-private.h"
#include "ps-scenario-private.h"

static const struct
{
  const char *id;
  guint       n_cells;
} expected_presets[] = {
  { "leaf-2011", 192 },
  { "leaf-2018", 192 },
  { "model-s-85", 7104 },
  { "volt-2011", 288 },
  { "forklift-48v", 0 },      /* sized by assumption: any count */
  { "lg-m50", 1 },
};

static void
test_presets_load (void)
{
  g_auto(GStrv) ids = ps_pack_list_presets ();

  g_assert_nonnull (ids);
  g_assert_cmpstr (ids[0], ==, "leaf-2011");
  g_assert_cmpuint (g_strv_length (ids), ==, G_N_ELEMENTS (expected_presets));

  for (guint i = 0; i < G_N_ELEMENTS (expected_presets); i++)
    {
      g_autoptr(GError) error = NULL;
      g_autoptr(PsScenario) scenario = NULL;

      g_assert_true (g_strv_contains ((const char * const *) ids, expected_presets[i].id));

      scenario = ps_scenario_new_from_preset (expected_presets[i].id, &error);
      g_assert_no_error (error);
      g_assert_nonnull (scenario->pack);
      g_assert_nonnull (scenario->cell);
      g_assert_nonnull (scenario->protocol);
      g_assert_cmpuint (scenario->protocol->n_steps, >, 0);
      g_assert_cmpstr (scenario->source_name, ==, expected_presets[i].id);
      if (expected_presets[i].n_cells != 0)
        g_assert_cmpuint (scenario->pack->n_cells, ==, expected_presets[i].n_cells);
      g_assert_cmpfloat (scenario->dt_s, >, 0.0);
      g_assert_cmpfloat (scenario->dt_s, <=, 3600.0);
      g_assert_cmpfloat (scenario->initial_soc, >=, 0.0);
      g_assert_cmpfloat (scenario->initial_soc, <=, 1.0);
      g_assert_true (isfinite (scenario->ambient_k) && scenario->ambient_k > 200.0);
    }
}

/* Every malformed file gets an error in PS_ENGINE_ERROR whose message holds
 * the file name and each line of the file's .expected sidecar. */
static void
test_bad_files (void)
{
  g_autofree char *dir_path = g_test_build_filename (G_TEST_DIST, "data", "bad-scenarios", NULL);
  g_autoptr(GDir) dir = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) names = g_ptr_array_new_with_free_func (g_free);
  const char *name;

  dir = g_dir_open (dir_path, 0, &error);
  g_assert_no_error (error);

  while ((name = g_dir_read_name (dir)) != NULL)
    if (g_str_has_suffix (name, ".json"))
      g_ptr_array_add (names, g_strdup (name));

  g_assert_cmpuint (names->len, >=, 15);

  for (guint i = 0; i < names->len; i++)
    {
      const char *file = g_ptr_array_index (names, i);
      g_autofree char *path = g_build_filename (dir_path, file, NULL);
      g_autofree char *stem = g_strndup (file, strlen (file) - strlen (".json"));
      g_autofree char *expected_name = g_strconcat (stem, ".expected", NULL);
      g_autofree char *expected_path = g_build_filename (dir_path, expected_name, NULL);
      g_autofree char *expected = NULL;
      g_auto(GStrv) lines = NULL;
      g_autoptr(GError) load_error = NULL;
      g_autoptr(PsScenario) scenario = NULL;

      g_test_message ("%s", file);

      g_file_get_contents (expected_path, &expected, NULL, &error);
      g_assert_no_error (error);

      scenario = ps_scenario_new_from_file (path, &load_error);
      if (scenario != NULL)
        g_error ("%s loaded, but it should have failed", file);
      g_assert_nonnull (load_error);
      g_assert_true (load_error->domain == PS_ENGINE_ERROR);
      g_test_message ("  -> %s", load_error->message);

      /* one line, naming the file */
      g_assert_null (strchr (load_error->message, '\n'));
      g_assert_nonnull (strstr (load_error->message, file));

      lines = g_strsplit (expected, "\n", -1);
      for (guint l = 0; lines[l] != NULL; l++)
        {
          if (lines[l][0] == '\0')
            continue;
          if (strstr (load_error->message, lines[l]) == NULL)
            g_error ("%s: error \"%s\" lacks \"%s\"", file, load_error->message, lines[l]);
        }
    }
}

static void
test_lookup_errors (void)
{
  g_autoptr(GError) error = NULL;
  PsScenario *scenario;

  scenario = ps_scenario_new_lookup ("/nonexistent/dir/scenario.json", &error);
  g_assert_null (scenario);
  g_assert_error (error, PS_ENGINE_ERROR, PS_ENGINE_ERROR_NOT_FOUND);
  g_assert_nonnull (strstr (error->message, "/nonexistent/dir/scenario.json"));
  g_clear_error (&error);

  scenario = ps_scenario_new_lookup ("leaf-2099", &error);
  g_assert_null (scenario);
  g_assert_error (error, PS_ENGINE_ERROR, PS_ENGINE_ERROR_NOT_FOUND);
  g_assert_nonnull (strstr (error->message, "leaf-2099"));
  g_assert_nonnull (strstr (error->message, "leaf-2011"));
  g_clear_error (&error);

  scenario = ps_scenario_new_from_preset ("no-such-pack", &error);
  g_assert_null (scenario);
  g_assert_error (error, PS_ENGINE_ERROR, PS_ENGINE_ERROR_NOT_FOUND);
  g_clear_error (&error);

  /* a directory is not a scenario */
  scenario = ps_scenario_new_from_file ("/", &error);
  g_assert_null (scenario);
  g_assert_error (error, PS_ENGINE_ERROR, PS_ENGINE_ERROR_IO);
}

static void
test_size_limit (void)
{
  g_autoptr(GError) error = NULL;
  gsize size = 64 * 1024 * 1024 + 1;
  /* never touched: the length is checked first */
  g_autofree char *data = g_malloc (size);
  PsScenario *scenario;

  scenario = ps_scenario_new_from_data (data, size, "big.json", &error);
  g_assert_null (scenario);
  g_assert_error (error, PS_ENGINE_ERROR, PS_ENGINE_ERROR_LIMIT);
  g_assert_nonnull (strstr (error->message, "big.json: $: expected at most"));
}

/* json-glib would cut a string at a \u0000 escape (a protocol would lose
 * its later steps without a word): refused, naming the string's path; an
 * escaped backslash before "u0000" is only text. */
static void
test_nul_escape_refused (void)
{
  static const char *cases[][2] = {
    { "{ \"packscope_scenario\": 1, \"pack\": \"leaf-2011\", "
      "\"protocol\": [ \"Rest for 1 s\", \"Discharge at 1C for 1 s\\u0000; Rest for 1 hour\" ] }",
      "nul.json: $.protocol[1]: a \\u0000 (NUL) escape in a string" },
    { "{ \"packscope_scenario\": 1, \"name\": \"a\\u0000b\", \"pack\": \"leaf-2011\" }",
      "nul.json: $.name: a \\u0000" },
    { "{ \"packscope_scenario\": 1, \"pack\": \"leaf-2011\", \"initial\": { \"s\\u0000oc\": 0.5 } }",
      "nul.json: $.initial: a \\u0000 (NUL) escape in a member name" },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr(GError) error = NULL;
      g_autoptr(PsScenario) scenario = ps_scenario_new_from_data (cases[i][0], -1, "nul.json", &error);

      g_assert_null (scenario);
      g_assert_nonnull (error);
      g_test_message ("%s", error->message);
      g_assert_true (g_str_has_prefix (error->message, cases[i][1]));
    }

  /* "\\u0000" is a backslash and the text u0000: fine */
  {
    g_autoptr(GError) error = NULL;
    g_autoptr(PsScenario) scenario =
      ps_scenario_new_from_data ("{ \"packscope_scenario\": 1, \"name\": \"a\\\\u0000b\", "
                                 "\"pack\": \"leaf-2011\" }", -1, "ok.json", &error);

    g_assert_no_error (error);
    g_assert_cmpstr (scenario->name, ==, "a\\u0000b");
  }
}

static void
test_overrides (void)
{
  static const char *json =
    "{\n"
    "  \"packscope_scenario\": 1,\n"
    "  \"name\": \"warm start\",\n"
    "  \"pack\": \"leaf-2011\",\n"
    "  \"initial\": { \"soc\": 0.8, \"temperature_c\": 30 },\n"
    "  \"ambient_c\": 35,\n"
    "  \"variation\": { \"capacity_rel_sd\": 0.02 },\n"
    "  \"protocol\": [ \"Discharge at 1C for 10 minutes\", \"Rest for 1 hour\" ],\n"
    "  \"dt_s\": 2,\n"
    "  \"seed\": 42\n"
    "}\n";
  g_autoptr(GError) error = NULL;
  g_autoptr(PsScenario) scenario = NULL;
  g_autoptr(PsScenario) copy = NULL;
  g_autofree char *a = NULL;
  g_autofree char *b = NULL;

  scenario = ps_scenario_new_from_data (json, -1, "warm.json", &error);
  g_assert_no_error (error);
  g_assert_cmpstr (scenario->name, ==, "warm start");
  g_assert_cmpstr (scenario->source_name, ==, "warm.json");
  g_assert_cmpuint (scenario->pack->n_cells, ==, 192);
  g_assert_cmpfloat_with_epsilon (scenario->initial_soc, 0.8, 1e-12);
  g_assert_cmpfloat_with_epsilon (ps_scenario_get_initial_temp_k (scenario), 303.15, 1e-9);
  g_assert_cmpfloat_with_epsilon (scenario->ambient_k, 308.15, 1e-9);
  /* no inlet given: the coolant comes in at ambient */
  g_assert_cmpfloat_with_epsilon (scenario->coolant_inlet_k, 308.15, 1e-9);
  g_assert_cmpfloat_with_epsilon (scenario->capacity_rel_sd, 0.02, 1e-15);
  g_assert_cmpuint (scenario->protocol->n_steps, ==, 2);
  g_assert_cmpstr (scenario->protocol_text, ==,
                   "Discharge at 1C for 10 minutes\nRest for 1 hour");
  g_assert_cmpfloat (scenario->dt_s, ==, 2.0);
  g_assert_cmpuint (scenario->seed, ==, 42);

  /* a failed protocol change leaves the scenario as it was */
  g_assert_false (ps_scenario_set_protocol (scenario, "Discharge at lots", &error));
  g_assert_nonnull (error);
  g_clear_error (&error);
  g_assert_cmpuint (scenario->protocol->n_steps, ==, 2);
  g_assert_true (ps_scenario_set_protocol (scenario, "Rest for 5 s; Charge at 2 A for 1 s", &error));
  g_assert_no_error (error);
  g_assert_cmpuint (scenario->protocol->n_steps, ==, 2);
  g_assert_cmpstr (scenario->protocol->steps[0].text, ==, "Rest for 5 s");

  copy = ps_scenario_copy (scenario);
  a = ps_scenario_to_json (scenario);
  b = ps_scenario_to_json (copy);
  g_assert_cmpstr (a, ==, b);
}

/* One CSV row as the CLI writes it (the numbers of --headless --cells). */
static char *
csv_row (PsSimulation *sim,
         PsFrame      *frame)
{
  GString *row = g_string_new (NULL);
  char buf[G_ASCII_DTOSTR_BUF_SIZE];
  const double pack[] = {
    frame->pack_voltage_v, frame->pack_current_a, frame->pack_power_w, frame->pack_soc,
    frame->cell_voltage_min_v, frame->cell_voltage_max_v, frame->cell_temp_min_k,
    frame->cell_temp_max_k, frame->heat_w, frame->charge_ah, frame->energy_wh,
  };

  ps_simulation_fill_frame (sim, frame);
  g_string_append (row, g_ascii_formatd (buf, sizeof buf, "%.10g", frame->time_s));
  g_string_append_printf (row, ",%u", frame->step);
  for (guint i = 0; i < G_N_ELEMENTS (pack); i++)
    g_string_append_printf (row, ",%s", g_ascii_formatd (buf, sizeof buf, "%.6g", pack[i]));
  for (guint i = 0; i < frame->n_cells; i++)
    {
      g_string_append_printf (row, ",%s", g_ascii_formatd (buf, sizeof buf, "%.6g", frame->cell_voltage_v[i]));
      g_string_append_printf (row, ",%s", g_ascii_formatd (buf, sizeof buf, "%.6g", frame->cell_current_a[i]));
      g_string_append_printf (row, ",%s", g_ascii_formatd (buf, sizeof buf, "%.6g", frame->cell_soc[i]));
      g_string_append_printf (row, ",%s", g_ascii_formatd (buf, sizeof buf, "%.6g", frame->cell_temp_k[i]));
    }

  return g_string_free (row, FALSE);
}

static void
assert_same_text (const char *what,
                  const char *a,
                  const char *b)
{
  gsize i = 0;

  if (g_str_equal (a, b))
    return;
  while (a[i] == b[i])
    i++;
  g_error ("%s differs at byte %" G_GSIZE_FORMAT ": \"%.60s\" vs \"%.60s\"",
           what, i, a + (i > 20 ? i - 20 : 0), b + (i > 20 ? i - 20 : 0));
}

/* Writing a scenario and loading it again gives the same simulation (the
 * same CSV, per cell), and writing that again gives the same JSON. */
static void
test_round_trip (void)
{
  g_auto(GStrv) ids = ps_pack_list_presets ();

  for (guint i = 0; ids[i] != NULL; i++)
    {
      g_autoptr(GError) error = NULL;
      g_autoptr(PsScenario) original = NULL;
      g_autoptr(PsScenario) loaded = NULL;
      g_autoptr(PsScenario) loaded_again = NULL;
      g_autoptr(PsSimulation) sim_a = NULL;
      g_autoptr(PsSimulation) sim_b = NULL;
      g_autoptr(PsFrame) frame_a = NULL;
      g_autoptr(PsFrame) frame_b = NULL;
      g_autofree char *json = NULL;
      g_autofree char *json_loaded = NULL;
      g_autofree char *json_again = NULL;
      guint n_steps;

      g_test_message ("%s", ids[i]);
      original = ps_scenario_new_from_preset (ids[i], &error);
      g_assert_no_error (error);
      /* some spread, so that the seed and the variation are exercised */
      original->capacity_rel_sd = MAX (original->capacity_rel_sd, 0.01);
      original->soc_sd = MAX (original->soc_sd, 0.002);
      original->seed = 7;

      json = ps_scenario_to_json (original);
      loaded = ps_scenario_new_from_data (json, -1, "round-trip.json", &error);
      g_assert_no_error (error);
      g_assert_cmpuint (loaded->pack->n_cells, ==, original->pack->n_cells);
      g_assert_cmpstr (loaded->protocol_text, ==, original->protocol_text);
      g_assert_cmpuint (loaded->seed, ==, 7);

      /* written again, it loads again; unit conversions inside the cell and
       * pack writers (mV/K, degrees C) may move the last bit of a number, so
       * the text is not compared, the simulation below is */
      json_loaded = ps_scenario_to_json (loaded);
      loaded_again = ps_scenario_new_from_data (json_loaded, -1, "again.json", &error);
      g_assert_no_error (error);
      json_again = ps_scenario_to_json (loaded_again);
      g_assert_cmpuint (strlen (json_again), >, 0);
      if (!g_str_equal (json_loaded, json_again))
        g_test_message ("%s: the JSON written twice differs in the last digits", ids[i]);

      sim_a = ps_simulation_new (original, &error);
      g_assert_no_error (error);
      sim_b = ps_simulation_new (loaded, &error);
      g_assert_no_error (error);
      frame_a = ps_frame_new (ps_simulation_get_pack (sim_a));
      frame_b = ps_frame_new (ps_simulation_get_pack (sim_b));

      n_steps = original->pack->n_cells > 1000 ? 20 : 300;
      for (guint s = 0; s <= n_steps; s++)
        {
          g_autofree char *row_a = csv_row (sim_a, frame_a);
          g_autofree char *row_b = csv_row (sim_b, frame_b);
          gboolean more_a, more_b;

          assert_same_text ("CSV row", row_a, row_b);

          more_a = ps_simulation_advance (sim_a, original->dt_s);
          more_b = ps_simulation_advance (sim_b, loaded->dt_s);
          g_assert_cmpint (more_a, ==, more_b);
          if (!more_a)
            break;
        }
    }
}

/* A loaded scenario is valid; one changed in code afterwards is checked
 * again, and the error names the source and the value. */
static void
test_validate (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(PsScenario) scenario = ps_scenario_new_from_preset ("leaf-2011", &error);
  double r1;

  g_assert_no_error (error);
  g_assert_true (ps_scenario_validate (scenario, &error));
  g_assert_no_error (error);

  r1 = scenario->cell->r1.lut[7];
  scenario->cell->r1.lut[7] = -1e-3;
  g_assert_false (ps_scenario_validate (scenario, &error));
  g_assert_error (error, PS_ENGINE_ERROR, PS_ENGINE_ERROR_INVALID);
  g_assert_nonnull (strstr (error->message, "leaf-2011"));
  g_assert_nonnull (strstr (error->message, "R1 table has the value -0.001"));
  g_clear_error (&error);
  scenario->cell->r1.lut[7] = r1;

  scenario->dt_s = 0.0;
  g_assert_false (ps_scenario_validate (scenario, &error));
  g_assert_error (error, PS_ENGINE_ERROR, PS_ENGINE_ERROR_INVALID);
  g_assert_nonnull (strstr (error->message, "time step dt_s is 0"));
}

/* The cells start at the ambient temperature unless the scenario says
 * otherwise (as in PyBaMM); a start outside the cell's temperature limits,
 * or an ambient above the upper one, is refused naming the value and the
 * limit; an explicit start survives a round trip, a default one stays a
 * default. */
static void
test_initial_temperature (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(PsScenario) cold = NULL;
  g_autoptr(PsScenario) set = NULL;
  g_autoptr(PsScenario) again = NULL;
  g_autoptr(PsScenario) hot = NULL;
  g_autofree char *json = NULL;

  cold = ps_scenario_new_from_data ("{\"pack\": \"leaf-2011\", \"ambient_c\": -10}", -1,
                                    "cold.json", &error);
  g_assert_no_error (error);
  g_assert_false (cold->initial_temp_set);
  g_assert_cmpfloat_with_epsilon (ps_scenario_get_initial_temp_k (cold), 263.15, 1e-9);
  json = ps_scenario_to_json (cold);
  g_assert_null (strstr (json, "temperature_c"));

  set = ps_scenario_new_from_data ("{\"pack\": \"leaf-2011\", \"ambient_c\": -10,"
                                   " \"initial\": {\"temperature_c\": 20}}", -1,
                                   "set.json", &error);
  g_assert_no_error (error);
  g_assert_true (set->initial_temp_set);
  g_assert_cmpfloat_with_epsilon (ps_scenario_get_initial_temp_k (set), 293.15, 1e-9);
  g_clear_pointer (&json, g_free);
  json = ps_scenario_to_json (set);
  again = ps_scenario_new_from_data (json, -1, "again.json", &error);
  g_assert_no_error (error);
  g_assert_cmpfloat_with_epsilon (ps_scenario_get_initial_temp_k (again), 293.15, 1e-9);

  hot = ps_scenario_new_from_data ("{\"pack\": \"lg-m50\", \"initial\": {\"temperature_c\": 70},"
                                   " \"ambient_c\": 70}", -1, "hot.json", &error);
  g_assert_null (hot);
  g_assert_error (error, PS_ENGINE_ERROR, PS_ENGINE_ERROR_INVALID);
  g_test_message ("%s", error->message);
  g_assert_nonnull (strstr (error->message, "hot.json: $.initial.temperature_c: the cells "
                                            "would start at 70 degrees C, above the upper "
                                            "temperature limit of cell 'lg-m50', 60 degrees C"));
  g_clear_error (&error);

  hot = ps_scenario_new_from_data ("{\"pack\": \"lg-m50\", \"initial\": {\"temperature_c\": 25},"
                                   " \"ambient_c\": 65}", -1, "oven.json", &error);
  g_assert_null (hot);
  g_assert_nonnull (strstr (error->message, "oven.json: $.ambient_c: an ambient temperature of "
                                            "65 degrees C is above the upper temperature limit"));
}

/* The audit's inputs (issue 8): nesting the old depth guard could not see
 * (behind a comment json-glib skips, or a quote inside a '...' string)
 * crashed json-glib; now each is refused with the depth error, while
 * brackets inside strings and comments do not count. An unpaired UTF-16
 * surrogate escape (json-glib lets it through as bytes that are not UTF-8)
 * is refused, naming its path, instead of being written back. */
static void
test_hidden_nesting_and_surrogates (void)
{
  static const char * const prefixes[] = {
    "{\"pack\": \"leaf-2011\", \"name\": /* \" */ ",
    "{\"pack\": \"leaf-2011\", \"name\": '\"', \"protocol\": ",
    "{\"pack\": \"leaf-2011\", \"name\": \"a\\\"\", \"protocol\": ",
    "{\"pack\": \"leaf-2011\", \"name\": \"x\", / \" / \"protocol\": ",
  };
  static const struct { const char *json, *path; } surrogates[] = {
    { "{\"pack\": \"lg-m50\", \"name\": \"a\\udc00b\", \"protocol\": \"Rest for 1 s\"}", "$.name" },
    { "{\"pack\": \"lg-m50\", \"protocol\": [\"Rest for 1 s\", \"\\udfffx\"]}", "$.protocol[1]" },
    { "{\"pack\": \"lg-m50\", \"n\\udc00x\": 1}", "$: expected member names" },
  };

  for (guint i = 0; i < G_N_ELEMENTS (prefixes); i++)
    {
      g_autoptr(GString) json = g_string_new (prefixes[i]);
      g_autoptr(GError) error = NULL;
      g_autoptr(PsScenario) scenario = NULL;

      for (guint k = 0; k < 100000; k++)
        g_string_append_c (json, i % 2 ? '[' : '{');
      scenario = ps_scenario_new_from_data (json->str, json->len, "deep.json", &error);
      g_assert_null (scenario);
      g_assert_error (error, PS_ENGINE_ERROR, PS_ENGINE_ERROR_LIMIT);
      g_assert_cmpstr (error->message, ==, "deep.json: $: expected JSON nested at most 64 levels deep");
    }

  {
    g_autoptr(GString) json = g_string_new ("{\"pack\": \"lg-m50\", \"name\": \"");
    g_autoptr(GError) error = NULL;
    g_autoptr(PsScenario) scenario = NULL;

    for (guint k = 0; k < 200; k++)
      g_string_append (json, "[{");
    g_string_append (json, "\", /* [[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[ */"
                     " \"protocol\": 'Rest for 1 s [[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[' }");
    scenario = ps_scenario_new_from_data (json->str, json->len, "brackets.json", &error);
    /* not refused for depth (the protocol text itself is not valid) */
    g_assert_null (scenario);
    g_assert_false (g_error_matches (error, PS_ENGINE_ERROR, PS_ENGINE_ERROR_LIMIT));
    g_assert_nonnull (strstr (error->message, "$.protocol"));
  }

  for (guint i = 0; i < G_N_ELEMENTS (surrogates); i++)
    {
      g_autoptr(GError) error = NULL;
      g_autoptr(PsScenario) scenario =
        ps_scenario_new_from_data (surrogates[i].json, -1, "surrogate.json", &error);

      g_assert_null (scenario);
      g_assert_error (error, PS_ENGINE_ERROR, PS_ENGINE_ERROR_PARSE);
      g_test_message ("%s", error->message);
      g_assert_true (g_str_has_prefix (error->message, "surrogate.json: "));
      g_assert_nonnull (strstr (error->message, surrogates[i].path));
      g_assert_nonnull (strstr (error->message, "unpaired UTF-16 surrogate"));
    }
}


/* Numbers are written in their shortest exact form: as few significant
 * digits as read back to the same double, a ".0" on integral values */
static void
test_shortest_numbers (void)
{
  static const struct
  {
    double      value;
    const char *text;
  } cases[] = {
    { 0.0002, "0.0002" },
    { 1.547, "1.547" },
    { 0.1 + 0.2, "0.30000000000000004" },
    { 1.0, "1.0" },
    { 0.0, "0.0" },
    { -273.15, "-273.15" },
    { 3600.0, "3600.0" },
    { 1e-300, "1e-300" },
    { 5e-324, "5e-324" },
    { 1.7976931348623157e308, "1.7976931348623157e+308" },
    { 2.0 / 3.0, "0.6666666666666666" },
  };
  g_autoptr(GRand) rand = g_rand_new_with_seed (12);
  g_autoptr(PsScenario) scenario = NULL;
  g_autoptr(PsScenario) loaded = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *json = NULL;
  g_autofree char *again = NULL;
  g_autoptr(GRegex) long_number = g_regex_new ("[0-9]\\.[0-9]{15,}", 0, 0, NULL);

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      char buf[PS_JSON_DOUBLE_BUF_SIZE];

      _ps_json_format_double (buf, cases[i].value);
      g_assert_cmpstr (buf, ==, cases[i].text);
    }

  /* any double, tiny, huge or plain, reads back exactly and no shorter
   * text would */
  for (guint i = 0; i < 20000; i++)
    {
      char buf[PS_JSON_DOUBLE_BUF_SIZE];
      char shorter[PS_JSON_DOUBLE_BUF_SIZE];
      guint64 bits = ((guint64) g_rand_int (rand) << 32) | g_rand_int (rand);
      double value;
      int digits = 0;

      memcpy (&value, &bits, sizeof value);
      if (!isfinite (value))
        continue;
      if (i % 2 == 0)
        value = g_rand_double_range (rand, -1000.0, 1000.0);
      _ps_json_format_double (buf, value);
      g_assert_cmpfloat (g_ascii_strtod (buf, NULL), ==, value);

      for (const char *p = buf; *p != '\0' && *p != 'e'; p++)
        if (g_ascii_isdigit (*p))
          digits++;
      if (digits > 1)
        {
          g_autofree char *format = g_strdup_printf ("%%.%dg", digits - 2 > 0 ? digits - 2 : 1);

          /* one digit fewer than written (leading zeros aside) does not
           * read back: checked with the precision below the one used */
          g_ascii_formatd (shorter, sizeof shorter, format, value);
          if (strlen (shorter) < strlen (buf) - 2)
            g_assert_cmpfloat (g_ascii_strtod (shorter, NULL), !=, value);
        }
    }

  /* a scenario's JSON has no 17-digit noise and loads back the same */
  scenario = ps_scenario_new_from_preset ("leaf-2011", &error);
  g_assert_no_error (error);
  json = ps_scenario_to_json (scenario);
  g_assert_nonnull (strstr (json, "\"r_tab_ohm\": 0.0001,"));
  g_assert_nonnull (strstr (json, "[1.547, 1.188]"));
  g_assert_false (g_regex_match (long_number, json, 0, NULL));
  loaded = ps_scenario_new_from_data (json, -1, "shortest.json", &error);
  g_assert_no_error (error);
  again = ps_scenario_to_json (loaded);
  g_assert_cmpstr (again, ==, json);

  /* numbers the writer converts (mV/K from V/K, Celsius from kelvin) are
   * the shortest that the loader converts back to the same value */
  g_assert_nonnull (strstr (json, ", 0.21, "));
  g_assert_cmpfloat (_ps_json_shortest_converted (0.21e-3, 1e3, 0.0), ==, 0.21);
  g_assert_cmpfloat (_ps_json_shortest_converted (31.7 + 273.15, 1.0, -273.15), ==, 31.7);
  ps_scenario_set_ambient_k (loaded, 31.7 + 273.15);
  g_clear_pointer (&again, g_free);
  again = ps_scenario_to_json (loaded);
  g_assert_nonnull (strstr (again, "\"ambient_c\": 31.7,"));
}

/* The pack builder's design is written as pack JSON and loaded by the pack
 * loader: every shipped cell builds, the scenario keeps the base's settings,
 * and its JSON loads back to the same scenario */
static void
test_design_builds (void)
{
  g_auto(GStrv) cells = ps_cell_type_list_builtin ();
  g_autoptr(PsScenario) base = NULL;
  g_autoptr(GError) error = NULL;

  base = ps_scenario_new_from_preset ("leaf-2011", &error);
  g_assert_no_error (error);

  for (guint i = 0; cells[i] != NULL; i++)
    {
      g_auto(PsPackDesign) design = { 0 };
      g_autoptr(PsCellType) cell = ps_cell_type_new_from_id (cells[i], &error);
      g_autoptr(PsScenario) built = NULL;
      g_autoptr(PsScenario) loaded = NULL;
      g_autofree char *json = NULL;
      g_autofree char *again = NULL;
      PsPackDesignField field = PS_PACK_DESIGN_FIELD_NAME;
      const PsPackInfo *info;

      g_assert_no_error (error);
      ps_pack_design_init_from_pack (&design, ps_scenario_get_pack (base), cell);
      g_assert_cmpuint (design.n_series, ==, 96);
      g_assert_cmpuint (design.n_parallel, ==, 2);
      g_assert_cmpuint (design.cells_per_module, ==, 4);
      design.stacks = 2;
      design.module_columns = 4;
      design.module_rows = 6;
      built = ps_scenario_new_from_design (base, &design, cell, &field, &error);
      g_assert_no_error (error);
      g_assert_cmpint (field, ==, PS_PACK_DESIGN_FIELD_NONE);

      info = ps_pack_get_info (ps_scenario_get_pack (built));
      g_assert_cmpuint (info->n_cells, ==, 192);
      g_assert_cmpuint (info->n_modules, ==, 48);
      g_assert_cmpstr (ps_scenario_get_cell (built)->id, ==, cells[i]);
      g_assert_cmpfloat (ps_scenario_get_ambient_k (built), ==, ps_scenario_get_ambient_k (base));
      g_assert_cmpuint (ps_scenario_get_seed (built), ==, ps_scenario_get_seed (base));
      g_assert_true (g_str_has_prefix (ps_scenario_get_name (built), "96S2P pack: "));
      /* the cells lie inside the outline, one module's cells together */
      for (guint c = 0; c < info->n_cells; c++)
        {
          g_assert_cmpfloat (info->cell_x[c] - info->cell_w[c] / 2, >=, info->bounds.x - 1e-9);
          g_assert_cmpfloat (info->cell_x[c] + info->cell_w[c] / 2, <=, info->bounds.x + info->bounds.w + 1e-9);
        }

      json = ps_scenario_to_json (built);
      loaded = ps_scenario_new_from_data (json, -1, "built.json", &error);
      g_assert_no_error (error);
      again = ps_scenario_to_json (loaded);
      g_assert_cmpstr (again, ==, json);
    }
}

/* A bad choice is refused with an error naming it, whether the builder or
 * the pack loader found it */
static void
test_design_errors_name_the_field (void)
{
  static const struct
  {
    const char        *what;
    PsPackDesignField  field;
    const char        *words;
  } cases[] = {
    { "cells-per-module", PS_PACK_DESIGN_FIELD_CELLS_PER_MODULE, "whole number of parallel groups" },
    { "groups-split", PS_PACK_DESIGN_FIELD_CELLS_PER_MODULE, "do not split" },
    { "rows", PS_PACK_DESIGN_FIELD_MODULE_ROWS, "have places for" },
    { "empty-stack", PS_PACK_DESIGN_FIELD_STACKS, "would be empty" },
    { "h", PS_PACK_DESIGN_FIELD_H, "$.cooling.h_w_m2k" },
    { "fraction", PS_PACK_DESIGN_FIELD_AREA_FRACTION, "$.cooling.exposed_area_fraction" },
    { "flow", PS_PACK_DESIGN_FIELD_COOLANT_FLOW, "$.cooling.coolant_flow_kg_s" },
    { "name", PS_PACK_DESIGN_FIELD_NAME, "$.name" },
    { "series", PS_PACK_DESIGN_FIELD_SERIES, "$.n_series" },
    { "cell-gap", PS_PACK_DESIGN_FIELD_CELL_GAP, "gap between cells" },
  };
  g_autoptr(PsScenario) base = ps_scenario_new_from_preset ("lg-m50", NULL);
  const PsCellType *cell = ps_scenario_get_cell (base);

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_auto(PsPackDesign) design = { 0 };
      g_autoptr(PsScenario) built = NULL;
      g_autoptr(GError) error = NULL;
      PsPackDesignField field = PS_PACK_DESIGN_FIELD_NONE;
      const char *what = cases[i].what;

      ps_pack_design_init_from_pack (&design, ps_scenario_get_pack (base), cell);
      design.n_series = 12;
      design.n_parallel = 2;
      design.cells_per_module = 4;
      design.module_columns = 3;
      design.module_rows = 2;
      if (g_str_equal (what, "cells-per-module"))
        design.cells_per_module = 3;
      else if (g_str_equal (what, "groups-split"))
        design.cells_per_module = 10;
      else if (g_str_equal (what, "rows"))
        design.module_rows = 1;
      else if (g_str_equal (what, "empty-stack"))
        design.stacks = 2;
      else if (g_str_equal (what, "h"))
        design.h_w_m2k = 0.0;
      else if (g_str_equal (what, "fraction"))
        {
          design.cooling = PS_COOLING_AIR;
          design.area_fraction = 1.5;
        }
      else if (g_str_equal (what, "flow"))
        {
          design.cooling = PS_COOLING_COLD_PLATE;
          design.coolant_flow_kg_s = 0.0;
        }
      else if (g_str_equal (what, "name"))
        {
          g_free (design.name);
          design.name = g_strdup ("");
        }
      else if (g_str_equal (what, "series"))
        {
          design.n_series = PS_MAX_SERIES + 1;
          design.n_parallel = 1;
          design.cells_per_module = 1;
          design.module_columns = 200;
          design.module_rows = 200;
        }
      else if (g_str_equal (what, "cell-gap"))
        design.cell_gap_m = -0.001;

      built = ps_scenario_new_from_design (base, &design, cell, &field, &error);
      g_test_message ("%s: %s", what, error != NULL ? error->message : "(built)");
      g_assert_null (built);
      g_assert_nonnull (error);
      g_assert_true (error->domain == PS_ENGINE_ERROR);
      g_assert_true (g_str_has_prefix (error->message, "pack builder: "));
      g_assert_nonnull (strstr (error->message, cases[i].words));
      g_assert_cmpint (field, ==, cases[i].field);
    }
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/engine/scenario/presets-load", test_presets_load);
  g_test_add_func ("/engine/scenario/bad-files-name-file-path-and-expectation", test_bad_files);
  g_test_add_func ("/engine/scenario/lookup-errors", test_lookup_errors);
  g_test_add_func ("/engine/scenario/size-limit", test_size_limit);
  g_test_add_func ("/engine/scenario/hidden-nesting-and-surrogates-refused",
                   test_hidden_nesting_and_surrogates);
  g_test_add_func ("/engine/scenario/overrides", test_overrides);
  g_test_add_func ("/engine/scenario/nul-escape-refused", test_nul_escape_refused);
  g_test_add_func ("/engine/scenario/round-trip-same-simulation", test_round_trip);
  g_test_add_func ("/engine/scenario/validate", test_validate);
  g_test_add_func ("/engine/scenario/initial-temperature-follows-ambient-within-limits",
                   test_initial_temperature);
  g_test_add_func ("/engine/json/shortest-exact-numbers", test_shortest_numbers);
  g_test_add_func ("/engine/pack-design/every-cell-builds-and-round-trips", test_design_builds);
  g_test_add_func ("/engine/pack-design/errors-name-the-field", test_design_errors_name_the_field);

  return g_test_run ();
}
