/* test-cell.c: cell types — loading, strict validation, round trips, LUT
 * tables, and the fitted AESC Leaf cell checked against the ORNL measurements
 * of that very cell (shared/data/experimental/ornl-leaf-cell).
 */
#include "config.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <glib.h>
#include <glib/gstdio.h>

#include "ps-engine.h"
#include "ps-cell-type-private.h"
#include "ps-pack-private.h"
#include "ps-scenario-private.h"

#include "ornl-leaf.h"

/* ------------------------------------------------------------- the loader */

static const char * const expected_builtin[] = {
  "aesc-leaf-2011", "aesc-leaf-2018", "panasonic-ncr18650b",
  "lg-volt-2011", "lg-m50", "a123-anr26650", NULL
};

static void
test_builtin_cells_load (void)
{
  g_auto(GStrv) ids = ps_cell_type_list_builtin ();

  g_assert_nonnull (ids);
  for (guint i = 0; expected_builtin[i] != NULL; i++)
    g_assert_true (g_strv_contains ((const char * const *) ids, expected_builtin[i]));

  for (guint i = 0; ids[i] != NULL; i++)
    {
      g_autoptr(GError) error = NULL;
      g_autoptr(PsCellType) cell = ps_cell_type_new_from_id (ids[i], &error);
      double previous = -1.0;

      g_assert_no_error (error);
      g_assert_nonnull (cell);
      g_assert_cmpstr (cell->id, ==, ids[i]);
      g_assert_nonnull (cell->source);
      g_assert_cmpuint (strlen (cell->source), >, 40);
      g_assert_cmpfloat (cell->capacity_ah, >, 0.0);
      g_assert_cmpfloat (cell->voltage_min_v, <, cell->voltage_nominal_v);
      g_assert_cmpfloat (cell->voltage_nominal_v, <, cell->voltage_max_v);
      g_assert_cmpfloat_with_epsilon (cell->t_ref_k, 298.15, 1e-9);

      /* the OCV never falls with SOC, spans the cut-off at the bottom, and
       * ends near the charge limit at the top */
      for (double soc = 0.0; soc <= 1.0; soc += 0.01)
        {
          double ocv = ps_table_eval (&cell->ocv, soc);

          g_assert_true (isfinite (ocv));
          g_assert_cmpfloat (ocv, >=, previous - 1e-12);
          previous = ocv;
        }
      g_assert_cmpfloat (ps_table_eval (&cell->ocv, 0.0), <=, cell->voltage_min_v + 0.1);
      g_assert_cmpfloat (fabs (ps_table_eval (&cell->ocv, 1.0) - cell->voltage_max_v), <, 0.1);

      for (double soc = 0.0; soc <= 1.0; soc += 0.05)
        {
          g_assert_cmpfloat (ps_table_eval (&cell->r0, soc), >, 0.0);
          g_assert_cmpfloat (ps_table_eval (&cell->r1, soc) * ps_table_eval (&cell->c1, soc), >, 0.1);
          g_assert_cmpfloat (ps_table_eval (&cell->r2, soc) * ps_table_eval (&cell->c2, soc), >, 0.1);
        }

      g_test_message ("%s: %.3f Ah, %.2f-%.2f V, R0(50%%) %.2f mOhm, cp %.0f J/kgK, %.3f kg",
                      cell->id, cell->capacity_ah, cell->voltage_min_v, cell->voltage_max_v,
                      ps_table_eval (&cell->r0, 0.5) * 1e3, cell->cp_j_kg_k, cell->mass_kg);
    }
}

static void
assert_tables_equal (const PsTable *a,
                     const PsTable *b)
{
  g_assert_cmpuint (a->n_points, ==, b->n_points);
  for (guint i = 0; i < a->n_points; i++)
    {
      g_assert_cmpfloat_with_epsilon (a->x[i], b->x[i], 1e-12);
      g_assert_cmpfloat_with_epsilon (a->y[i], b->y[i], 1e-12 * fabs (a->y[i]) + 1e-15);
    }
  for (guint i = 0; i < PS_LUT_SIZE; i++)
    g_assert_cmpfloat_with_epsilon (a->lut[i], b->lut[i], 1e-12 * fabs (a->lut[i]) + 1e-15);
}

static void
assert_cells_equal (const PsCellType *a,
                    const PsCellType *b)
{
  g_assert_cmpstr (a->id, ==, b->id);
  g_assert_cmpstr (a->name, ==, b->name);
  g_assert_cmpstr (a->chemistry, ==, b->chemistry);
  g_assert_cmpstr (a->source, ==, b->source);
  g_assert_cmpfloat (a->capacity_ah, ==, b->capacity_ah);
  g_assert_cmpfloat (a->voltage_min_v, ==, b->voltage_min_v);
  g_assert_cmpfloat (a->voltage_max_v, ==, b->voltage_max_v);
  g_assert_cmpfloat (a->voltage_nominal_v, ==, b->voltage_nominal_v);
  g_assert_cmpfloat (a->current_max_discharge_a, ==, b->current_max_discharge_a);
  g_assert_cmpfloat (a->current_max_charge_a, ==, b->current_max_charge_a);
  assert_tables_equal (&a->ocv, &b->ocv);
  assert_tables_equal (&a->dudt, &b->dudt);
  assert_tables_equal (&a->r0, &b->r0);
  assert_tables_equal (&a->r1, &b->r1);
  assert_tables_equal (&a->c1, &b->c1);
  assert_tables_equal (&a->r2, &b->r2);
  assert_tables_equal (&a->c2, &b->c2);
  g_assert_cmpfloat_with_epsilon (a->t_ref_k, b->t_ref_k, 1e-9);
  g_assert_cmpfloat (a->ea_r0_j_mol, ==, b->ea_r0_j_mol);
  g_assert_cmpfloat (a->ea_rc_j_mol, ==, b->ea_rc_j_mol);
  g_assert_cmpfloat (a->mass_kg, ==, b->mass_kg);
  g_assert_cmpfloat (a->cp_j_kg_k, ==, b->cp_j_kg_k);
  g_assert_cmpfloat (a->surface_area_m2, ==, b->surface_area_m2);
  g_assert_cmpfloat (a->k_through_w_mk, ==, b->k_through_w_mk);
  g_assert_cmpfloat (a->k_in_plane_w_mk, ==, b->k_in_plane_w_mk);
  g_assert_cmpfloat_with_epsilon (a->temp_min_k, b->temp_min_k, 1e-9);
  g_assert_cmpfloat_with_epsilon (a->temp_max_k, b->temp_max_k, 1e-9);
  g_assert_cmpint (a->shape, ==, b->shape);
  g_assert_cmpfloat (a->length_m, ==, b->length_m);
  g_assert_cmpfloat (a->width_m, ==, b->width_m);
  g_assert_cmpfloat (a->thickness_m, ==, b->thickness_m);
}

static void
test_round_trip (void)
{
  g_auto(GStrv) ids = ps_cell_type_list_builtin ();

  for (guint i = 0; ids[i] != NULL; i++)
    {
      g_autoptr(GError) error = NULL;
      g_autoptr(PsCellType) cell = ps_cell_type_new_from_id (ids[i], &error);
      g_autoptr(PsCellType) copy = NULL;
      g_autoptr(PsCellType) again = NULL;
      g_autoptr(JsonNode) node = NULL;
      g_autoptr(JsonNode) node_again = NULL;
      g_autofree char *text = NULL;
      g_autofree char *text_again = NULL;
      g_autofree char *path = NULL;
      g_autoptr(PsCellType) from_file = NULL;

      g_assert_no_error (error);

      /* copy is deep and equal */
      copy = ps_cell_type_copy (cell);
      g_assert_true (copy->ocv.x != cell->ocv.x);
      assert_cells_equal (cell, copy);

      /* JSON -> cell -> JSON -> cell gives the same cell (to rounding: dU/dT
       * is mV/K in the file, V/K inside, temperatures C and K) */
      node = ps_cell_type_to_json_node (cell);
      again = ps_cell_type_new_from_json_node (node, "round trip", "$", &error);
      g_assert_no_error (error);
      assert_cells_equal (cell, again);
      node_again = ps_cell_type_to_json_node (again);
      text = json_to_string (node, TRUE);
      text_again = json_to_string (node_again, TRUE);
      g_assert_cmpuint (strlen (text), >, 1000);
      g_assert_cmpuint (ABS ((gssize) strlen (text) - (gssize) strlen (text_again)), <, 64);

      /* and through a user's file */
      path = g_build_filename (g_get_tmp_dir (), "ps-test-cell-XXXXXX.json", NULL);
      {
        int fd = g_mkstemp (path);

        g_assert_cmpint (fd, >=, 0);
        close (fd);
      }
      g_assert_true (g_file_set_contents (path, text, -1, NULL));
      from_file = ps_cell_type_new_from_file (path, &error);
      g_assert_no_error (error);
      assert_cells_equal (cell, from_file);
      g_unlink (path);
    }
}

/* A small valid cell; the malformed cases below each change one thing. */
static const char *base_cell =
  "{"
  "  \"id\": \"test-cell\", \"name\": \"Test cell\", \"chemistry\": \"LMO/graphite\","
  "  \"source\": [\"made up for the loader test\"],"
  "  \"capacity_ah\": 10, \"voltage_min_v\": 3.0, \"voltage_nominal_v\": 3.7, \"voltage_max_v\": 4.2,"
  "  \"current_max_discharge_a\": 30, \"current_max_charge_a\": 10, \"temperature_ref_c\": 25,"
  "  \"ocv\": { \"soc\": [0, 0.25, 0.5, 0.75, 1], \"voltage_v\": [2.9, 3.6, 3.75, 3.9, 4.2] },"
  "  \"dudt\": { \"soc\": [0, 1], \"dudt_mv_k\": [-0.1, 0.1] },"
  "  \"ecm\": { \"soc\": [0, 0.5, 1], \"r0_ohm\": [0.004, 0.003, 0.003],"
  "            \"r1_ohm\": [0.002, 0.001, 0.001], \"c1_f\": [10000, 20000, 20000],"
  "            \"r2_ohm\": [0.002, 0.001, 0.001], \"c2_f\": [300000, 600000, 600000] },"
  "  \"ea_r0_j_mol\": 20000, \"ea_rc_j_mol\": 25000,"
  "  \"thermal\": { \"mass_kg\": 0.3, \"cp_j_kg_k\": 1100, \"surface_area_m2\": 0.03,"
  "                \"k_through_w_mk\": 0.5, \"k_in_plane_w_mk\": 25,"
  "                \"temperature_min_c\": -20, \"temperature_max_c\": 60 },"
  "  \"geometry\": { \"shape\": \"pouch\", \"length_m\": 0.2, \"width_m\": 0.1, \"thickness_m\": 0.006 }"
  "}";

typedef struct
{
  const char *what;
  const char *find;          /* text in base_cell to replace (NULL: replace all) */
  const char *replace;
  int         code;
  const char *message;       /* must appear in the error message */
} BadCell;

static const BadCell bad_cells[] = {
  { "unknown member", "\"capacity_ah\": 10,", "\"capacity_ah\": 10, \"colour\": \"red\",",
    PS_ENGINE_ERROR_INVALID, "test: $: unknown member \"colour\"" },
  { "missing member", "\"capacity_ah\": 10,", "",
    PS_ENGINE_ERROR_INVALID, "test: $: missing member \"capacity_ah\"" },
  { "negative capacity", "\"capacity_ah\": 10,", "\"capacity_ah\": -10,",
    PS_ENGINE_ERROR_INVALID, "$.capacity_ah: expected a number in (0" },
  { "string for a number", "\"capacity_ah\": 10,", "\"capacity_ah\": \"10\",",
    PS_ENGINE_ERROR_INVALID, "$.capacity_ah: expected a number, got a string" },
  { "SOC not ascending", "[0, 0.25, 0.5, 0.75, 1]", "[0, 0.25, 0.5, 0.4, 1]",
    PS_ENGINE_ERROR_INVALID, "$.ocv.soc[3]: expected strictly ascending SOC" },
  { "SOC out of range", "[0, 0.25, 0.5, 0.75, 1]", "[0, 0.25, 0.5, 0.75, 1.5]",
    PS_ENGINE_ERROR_INVALID, "$.ocv.soc[4]: expected a number in [0, 1], got 1.5" },
  { "OCV short of full", "[0, 0.25, 0.5, 0.75, 1]", "[0, 0.25, 0.5, 0.75, 0.9]",
    PS_ENGINE_ERROR_INVALID, "$.ocv.soc: expected the table to cover SOC 0 to 1" },
  { "OCV falls", "[2.9, 3.6, 3.75, 3.9, 4.2]", "[2.9, 3.6, 3.5, 3.9, 4.2]",
    PS_ENGINE_ERROR_INVALID, "$.ocv.voltage_v[2]: expected an OCV that does not fall" },
  { "table lengths differ", "[2.9, 3.6, 3.75, 3.9, 4.2]", "[2.9, 3.6, 3.75, 4.2]",
    PS_ENGINE_ERROR_INVALID, "$.ocv.voltage_v: expected 5 numbers (as many as $.ocv.soc), got 4" },
  { "zero capacitance", "[300000, 600000, 600000]", "[300000, 0, 600000]",
    PS_ENGINE_ERROR_INVALID, "$.ecm.c2_f[1]: expected a number in (0" },
  { "null in a table", "[0.004, 0.003, 0.003]", "[0.004, null, 0.003]",
    PS_ENGINE_ERROR_INVALID, "$.ecm.r0_ohm[1]: expected a number, got null" },
  { "unknown shape", "\"shape\": \"pouch\"", "\"shape\": \"hexagonal\"",
    PS_ENGINE_ERROR_INVALID, "$.geometry.shape: expected \"pouch\", \"cylindrical\" or \"prismatic\"" },
  { "cylinder with pouch members", "\"shape\": \"pouch\"", "\"shape\": \"cylindrical\"",
    PS_ENGINE_ERROR_INVALID, "$.geometry: unknown member \"length_m\"" },
  { "unknown thermal member", "\"mass_kg\": 0.3,", "\"mass_kg\": 0.3, \"density\": 2000,",
    PS_ENGINE_ERROR_INVALID, "$.thermal: unknown member \"density\"" },
  { "temperature limits swapped", "\"temperature_max_c\": 60", "\"temperature_max_c\": -30",
    PS_ENGINE_ERROR_INVALID, "$.thermal.temperature_max_c: expected more than temperature_min_c" },
  { "voltage window inverted", "\"voltage_nominal_v\": 3.7,", "\"voltage_nominal_v\": 4.3,",
    PS_ENGINE_ERROR_INVALID, "$.voltage_nominal_v: expected voltage_min_v" },
  { "bad id", "\"id\": \"test-cell\"", "\"id\": \"../Test\"",
    PS_ENGINE_ERROR_INVALID, "$.id: expected lower-case letters" },
  { "object for a table", "\"dudt\": { \"soc\": [0, 1], \"dudt_mv_k\": [-0.1, 0.1] }",
    "\"dudt\": [0, 1]", PS_ENGINE_ERROR_INVALID, "$.dudt: expected an object, got an array" },
  { "entropic coefficient out of range", "[-0.1, 0.1]", "[-0.1, 50]",
    PS_ENGINE_ERROR_INVALID, "$.dudt.dudt_mv_k[1]: expected a number in [-5, 5], got 50" },
  { "not JSON", "}", "", PS_ENGINE_ERROR_PARSE, "test: not valid JSON" },
};

static char *
replace_once (const char *text,
              const char *find,
              const char *replace)
{
  const char *at = strstr (text, find);
  g_autofree char *head = NULL;

  g_assert_nonnull (at);
  if (g_str_equal (find, "}"))
    {
      /* the last brace: cut the document short */
      at = strrchr (text, '}');
    }
  head = g_strndup (text, at - text);
  return g_strconcat (head, replace, at + strlen (find), NULL);
}

static PsCellType *
cell_from_text (const char  *text,
                const char  *json_path,
                GError     **error)
{
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autoptr(GError) parse_error = NULL;

  if (!json_parser_load_from_data (parser, text, -1, &parse_error))
    {
      g_set_error (error, PS_ENGINE_ERROR, PS_ENGINE_ERROR_PARSE,
                   "test: not valid JSON: %s", parse_error->message);
      return NULL;
    }
  return ps_cell_type_new_from_json_node (json_parser_get_root (parser), "test", json_path, error);
}

static void
test_malformed_cells (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(PsCellType) good = cell_from_text (base_cell, "$", &error);

  g_assert_no_error (error);
  g_assert_nonnull (good);
  g_assert_cmpfloat_with_epsilon (ps_table_eval (&good->dudt, 0.5), 0.0, 1e-15);
  g_assert_cmpfloat_with_epsilon (good->temp_max_k, 333.15, 1e-9);

  for (guint i = 0; i < G_N_ELEMENTS (bad_cells); i++)
    {
      const BadCell *bad = &bad_cells[i];
      g_autoptr(GError) bad_error = NULL;
      g_autofree char *text = replace_once (base_cell, bad->find, bad->replace);
      g_autoptr(PsCellType) cell = cell_from_text (text, "$", &bad_error);

      g_test_message ("%s -> %s", bad->what, bad_error ? bad_error->message : "(loaded)");
      g_assert_null (cell);
      g_assert_error (bad_error, PS_ENGINE_ERROR, bad->code);
      if (strstr (bad_error->message, bad->message) == NULL)
        g_error ("%s: expected \"%s\" in \"%s\"", bad->what, bad->message, bad_error->message);
    }
}

static void
test_malformed_limits_and_sources (void)
{
  g_autoptr(GString) big = g_string_new ("[");
  g_autoptr(GError) error = NULL;
  g_autofree char *text = NULL;
  g_autoptr(PsCellType) cell = NULL;
  g_autoptr(PsCellType) nested = NULL;
  g_autofree char *nested_text = NULL;
  g_autofree char *big_member = NULL;

  /* over PS_MAX_TABLE_POINTS: a limit error, not an allocation */
  for (guint i = 0; i <= PS_MAX_TABLE_POINTS; i++)
    g_string_append_printf (big, "%s%g", i ? "," : "", (double) i / (PS_MAX_TABLE_POINTS + 1));
  g_string_append (big, "]");
  big_member = g_strdup_printf ("\"soc\": %s", big->str);
  text = replace_once (base_cell, "\"soc\": [0, 1]", big_member);
  cell = cell_from_text (text, "$", &error);
  g_assert_null (cell);
  g_assert_error (error, PS_ENGINE_ERROR, PS_ENGINE_ERROR_LIMIT);
  g_assert_nonnull (strstr (error->message, "$.dudt.soc: expected at most 1000 points"));
  g_clear_error (&error);

  /* a cell inside a scenario reports its full path */
  nested_text = replace_once (base_cell, "[0, 0.25, 0.5, 0.75, 1]", "[0, 0.25, 0.5, 0.4, 1]");
  nested = cell_from_text (nested_text, "$.cell", &error);
  g_assert_null (nested);
  g_assert_nonnull (strstr (error->message, "test: $.cell.ocv.soc[3]:"));
  g_clear_error (&error);

  /* the root must be an object */
  g_assert_null (cell_from_text ("[1, 2]", "$", &error));
  g_assert_error (error, PS_ENGINE_ERROR, PS_ENGINE_ERROR_INVALID);
  g_assert_nonnull (strstr (error->message, "test: $: expected a cell object, got an array"));
  g_clear_error (&error);

  /* unknown built-in id and missing file */
  g_assert_null (ps_cell_type_new_from_id ("no-such-cell", &error));
  g_assert_error (error, PS_ENGINE_ERROR, PS_ENGINE_ERROR_NOT_FOUND);
  g_assert_nonnull (strstr (error->message, "aesc-leaf-2011"));
  g_clear_error (&error);

  g_assert_null (ps_cell_type_new_from_id ("../packs/leaf-2011", &error));
  g_assert_error (error, PS_ENGINE_ERROR, PS_ENGINE_ERROR_NOT_FOUND);
  g_clear_error (&error);

  g_assert_null (ps_cell_type_new_from_file ("/nonexistent/cell.json", &error));
  g_assert_error (error, PS_ENGINE_ERROR, PS_ENGINE_ERROR_NOT_FOUND);
  g_assert_nonnull (strstr (error->message, "/nonexistent/cell.json"));
  g_clear_error (&error);
}

/* ------------------------------------------------------------ tables */

static void
test_table_lut (void)
{
  const double x[] = { 0.0, 0.1, 0.5, 1.0 };
  const double y[] = { 3.0, 3.5, 3.8, 4.2 };
  const double bad_x[] = { 0.0, 0.5, 0.5, 1.0 };
  const double nan_y[] = { 3.0, NAN, 3.8, 4.2 };
  PsTable table = { 0 };
  PsTable copy = { 0 };
  PsTable unused = { 0 };

  g_assert_true (ps_table_init (&table, x, y, G_N_ELEMENTS (x)));
  g_assert_cmpuint (table.n_points, ==, 4);

  /* exact at the ends, clamped outside, linear between LUT nodes; the
   * resampling error is bounded by the slope change over one LUT cell */
  g_assert_cmpfloat (ps_table_eval (&table, 0.0), ==, 3.0);
  g_assert_cmpfloat (ps_table_eval (&table, 1.0), ==, 4.2);
  g_assert_cmpfloat (ps_table_eval (&table, -3.0), ==, 3.0);
  g_assert_cmpfloat (ps_table_eval (&table, 7.0), ==, 4.2);
  g_assert_cmpfloat (ps_table_eval (&table, NAN), ==, 3.0);
  for (double at = 0.0; at <= 1.0; at += 0.001)
    {
      double exact = at < 0.1 ? 3.0 + 5.0 * at
                   : at < 0.5 ? 3.5 + 0.75 * (at - 0.1)
                   : 3.8 + 0.8 * (at - 0.5);

      g_assert_cmpfloat (fabs (ps_table_eval (&table, at) - exact), <, 5.0 / (PS_LUT_SIZE - 1));
    }
  g_assert_cmpfloat_with_epsilon (ps_table_eval (&table, 0.75), 4.0, 1e-12);

  ps_table_copy (&copy, &table);
  g_assert_true (copy.x != table.x);
  g_assert_cmpfloat (ps_table_eval (&copy, 0.3), ==, ps_table_eval (&table, 0.3));

  g_assert_false (ps_table_init (&unused, bad_x, y, 4));
  g_assert_false (ps_table_init (&unused, x, nan_y, 4));
  g_assert_false (ps_table_init (&unused, x, y, 1));
  g_assert_null (unused.x);

  ps_table_clear (&table);
  ps_table_clear (&copy);
  g_assert_null (table.x);
}

static void
test_arrhenius (void)
{
  g_assert_cmpfloat_with_epsilon (ps_cell_type_arrhenius (24000.0, 298.15, 298.15), 1.0, 1e-15);
  /* 24 kJ/mol from 25 C to 10 C: exp(24000/8.314462618 * (1/283.15 - 1/298.15)) */
  g_assert_cmpfloat_with_epsilon (ps_cell_type_arrhenius (24000.0, 298.15, 283.15),
                                  exp (24000.0 / 8.314462618 * (1.0 / 283.15 - 1.0 / 298.15)), 1e-12);
  g_assert_cmpfloat (ps_cell_type_arrhenius (24000.0, 298.15, 313.15), <, 1.0);
  g_assert_cmpfloat (ps_cell_type_arrhenius (0.0, 298.15, 250.0), ==, 1.0);
}

/* ------------------------------------------ the optional ECM elements */

static char *leaf_with_all_elements (gboolean diffusion,
                                     gboolean kinetics,
                                     gboolean electrolyte,
                                     gboolean no_arrhenius);

/* The shipped Leaf cell with a diffusion element (tau_d 100 s everywhere),
 * Butler-Volmer kinetics (i0 20 A) and an electrolyte element (I_lim 100 A,
 * tau_e 100 s, B 0.032 V, no activation energy), or without, as JSON for a
 * scenario. */
static char *
leaf_with_elements (gboolean diffusion,
                    gboolean kinetics)
{
  return leaf_with_all_elements (diffusion, kinetics, FALSE, FALSE);
}

static char *
leaf_with_all_elements (gboolean diffusion,
                        gboolean kinetics,
                        gboolean electrolyte,
                        gboolean no_arrhenius)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(PsCellType) cell = ps_cell_type_new_from_id ("aesc-leaf-2011", &error);
  g_autoptr(JsonNode) node = NULL;
  const double soc[] = { 0.0, 1.0 }, tau[] = { 100.0, 100.0 }, i0[] = { 20.0, 20.0 };

  g_assert_no_error (error);
  ps_table_clear (&cell->tau_diffusion);
  ps_table_clear (&cell->i0);
  if (diffusion)
    g_assert_true (ps_table_init (&cell->tau_diffusion, soc, tau, 2));
  if (kinetics)
    g_assert_true (ps_table_init (&cell->i0, soc, i0, 2));
  cell->ea_diffusion_j_mol = 30000.0;
  cell->ea_i0_j_mol = 20000.0;
  cell->electrolyte_i_lim_a = electrolyte ? 100.0 : 0.0;
  cell->electrolyte_tau_s = 100.0;
  cell->electrolyte_scale_v = 0.032;
  cell->ea_electrolyte_j_mol = 0.0;
  if (no_arrhenius)
    {
      cell->ea_r0_j_mol = 0.0;
      cell->ea_rc_j_mol = 0.0;
    }
  node = ps_cell_type_to_json_node (cell);
  return json_to_string (node, FALSE);
}

static void
test_elements_round_trip (void)
{
  g_autofree char *json = leaf_with_all_elements (TRUE, TRUE, TRUE, FALSE);
  g_autoptr(GError) error = NULL;
  g_autoptr(PsCellType) cell = cell_from_text (json, "$", &error);
  g_autoptr(PsCellType) copy = NULL;
  g_autoptr(PsCellType) again = NULL;
  g_autoptr(JsonNode) node = NULL;
  g_autofree char *bad = NULL;
  g_autoptr(PsCellType) refused = NULL;

  g_assert_no_error (error);
  g_assert_cmpuint (cell->tau_diffusion.n_points, ==, 2);
  g_assert_cmpfloat (ps_table_eval (&cell->i0, 0.5), ==, 20.0);
  g_assert_cmpfloat (cell->ea_diffusion_j_mol, ==, 30000.0);
  copy = ps_cell_type_copy (cell);
  g_assert_true (copy->i0.x != cell->i0.x);
  assert_tables_equal (&copy->tau_diffusion, &cell->tau_diffusion);
  node = ps_cell_type_to_json_node (cell);
  again = ps_cell_type_new_from_json_node (node, "round trip", "$", &error);
  g_assert_no_error (error);
  assert_tables_equal (&again->tau_diffusion, &cell->tau_diffusion);
  assert_tables_equal (&again->i0, &cell->i0);
  g_assert_cmpfloat (again->ea_i0_j_mol, ==, cell->ea_i0_j_mol);
  g_assert_cmpfloat (again->electrolyte_i_lim_a, ==, 100.0);
  g_assert_cmpfloat (again->electrolyte_scale_v, ==, 0.032);

  /* a zero time constant is refused by name */
  bad = replace_once (json, "\"tau_s\":[100.0,100.0]", "\"tau_s\":[100.0,0]");
  refused = cell_from_text (bad, "$", &error);
  g_assert_null (refused);
  g_assert_nonnull (strstr (error->message, "$.diffusion.tau_s[1]: expected a number in (0"));
}

/* Charge to 3.0 V at a constant current from full, 1 s steps */
static double
capacity_to_cut_off (const char *cell_json,
                     double      current_a)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(PsSimulation) sim = ornl_one_cell_simulation (cell_json, 25.0, 25.0, &error);
  double t = 0.0;

  g_assert_no_error (error);
  while (ornl_one_cell_step (sim, current_a, 1.0) > 3.0)
    t += 1.0;
  return current_a * (t + 1.0) / 3600.0;
}

/* Solid diffusion: the delivered charge falls with the rate (the surface
 * runs ahead of the mean by about tau_d I / 3600 Q, a few per cent at 3C)
 * and not at a low rate. */
static void
test_diffusion_rate_capacity (void)
{
  g_autofree char *plain = leaf_with_elements (FALSE, FALSE);
  g_autofree char *diff = leaf_with_elements (TRUE, FALSE);
  double q_plain_3c = capacity_to_cut_off (plain, 92.0);
  double q_diff_3c = capacity_to_cut_off (diff, 92.0);
  double q_plain_low = capacity_to_cut_off (plain, 3.0);
  double q_diff_low = capacity_to_cut_off (diff, 3.0);

  g_test_message ("diffusion tau_d 100 s: 3C %.3f Ah (without %.3f), C/10 %.3f Ah (without %.3f)",
                  q_diff_3c, q_plain_3c, q_diff_low, q_plain_low);
  /* tau_d I / 3600 Q at 3C: 100 x 92 / 3600 / 30.8 = 8 % of the charge
   * at most; on the Leaf's knee the surface reaches the cut-off some
   * 0.3-2 Ah before the mean */
  g_assert_cmpfloat (q_diff_3c, <, q_plain_3c - 0.3);
  g_assert_cmpfloat (q_diff_3c, >, q_plain_3c - 2.5);
  g_assert_cmpfloat (fabs (q_diff_low - q_plain_low), <, 0.1);
}

/* Butler-Volmer: the 1 s drop from rest per amp falls with the current and
 * exceeds the linear cell's by exactly (2RT/F) asinh (I / 2 i0); a long
 * step gives the answer of many short ones (the pack solve re-linearises
 * about the current it finds, whatever it started from). */
static void
test_butler_volmer (void)
{
  g_autofree char *plain = leaf_with_elements (FALSE, FALSE);
  g_autofree char *bv = leaf_with_elements (FALSE, TRUE);
  const double currents[] = { 10.0, 30.0, 90.0 };
  double previous = INFINITY;

  for (guint k = 0; k < G_N_ELEMENTS (currents); k++)
    {
      g_autoptr(GError) error = NULL;
      g_autoptr(PsSimulation) a = ornl_one_cell_simulation (plain, 25.0, 25.0, &error);
      g_autoptr(PsSimulation) b = ornl_one_cell_simulation (bv, 25.0, 25.0, &error);
      g_autoptr(PsSimulation) c = ornl_one_cell_simulation (bv, 25.0, 25.0, &error);
      double i = currents[k];
      double v0 = ps_simulation_get_cell_voltage (b)[0];
      double va = ornl_one_cell_step (a, i, 1.0);
      double vb = ornl_one_cell_step (b, i, 1.0);
      double eta = 2.0 * 8.314462618 * 298.15 / 96485.33212 * asinh (i / 40.0);
      double per_amp = (v0 - vb) / i;
      double v_long, v_short;

      g_assert_no_error (error);
      g_test_message ("Butler-Volmer i0 20 A: %.0f A, 1 s drop %.2f mOhm, eta %.1f mV "
                      "(linear cell %.1f mV less)", i, per_amp * 1e3, eta * 1e3, (va - vb) * 1e3);
      /* (the cell warms by far less than a millikelvin in 1 s) */
      g_assert_cmpfloat (fabs ((va - vb) - eta), <, 2e-5);
      g_assert_cmpfloat (per_amp, <, previous);
      previous = per_amp;

      /* one 60 s step against sixty 1 s steps, with and without the
       * kinetics: the OCV's linearisation over a step differs between the
       * two by a fraction of a millivolt in either cell; the kinetics add
       * nothing to that */
      {
        g_autoptr(PsSimulation) d = ornl_one_cell_simulation (bv, 25.0, 25.0, &error);
        g_autoptr(PsSimulation) e = ornl_one_cell_simulation (plain, 25.0, 25.0, &error);
        g_autoptr(PsSimulation) f = ornl_one_cell_simulation (plain, 25.0, 25.0, &error);
        double v_plain_long = ornl_one_cell_step (e, i, 60.0), v_plain_short = 0.0;

        v_long = ornl_one_cell_step (c, i, 60.0);
        for (guint s = 0; s < 60; s++)
          {
            v_short = ornl_one_cell_step (d, i, 1.0);
            v_plain_short = ornl_one_cell_step (f, i, 1.0);
          }
        g_test_message ("  60 s at %.0f A: one step vs sixty %+.3f mV (linear cell %+.3f mV)",
                        i, (v_long - v_short) * 1e3, (v_plain_long - v_plain_short) * 1e3);
        /* one long step from rest: eta at the current found, not at the
         * current it was first linearised about (zero: 3 mV more at 30 A) */
        g_assert_cmpfloat (fabs ((v_plain_long - v_long) - eta), <, 2e-5);
        /* the step-length dependence is the linear cell's (the kinetics
         * take the step's starting temperature, as R0 does) */
        g_assert_cmpfloat (fabs ((v_long - v_short) - (v_plain_long - v_plain_short)), <,
                           0.1 * fabs (v_plain_long - v_plain_short) + 1e-5);
      }
    }
}

/* Electrolyte polarisation: after t at a constant I the cell sits
 * B (T/T_ref) ln ((1 + c) / (1 - c)) below the same cell without it, c =
 * (I / I_lim) (1 - e^(-t/tau_e)); per amp that grows with the current (the
 * other terms' step-length dependence cancels in the difference). */
static void
test_electrolyte (void)
{
  /* (no Arrhenius: the cell with the element warms more, by about a
   * kelvin at 90 A, which would lower its resistances) */
  g_autofree char *plain = leaf_with_all_elements (FALSE, FALSE, FALSE, TRUE);
  g_autofree char *elec = leaf_with_all_elements (FALSE, FALSE, TRUE, TRUE);
  const double currents[] = { 30.0, 90.0 };
  double per_amp[2];

  for (guint k = 0; k < G_N_ELEMENTS (currents); k++)
    {
      g_autoptr(GError) error = NULL;
      g_autoptr(PsSimulation) a = ornl_one_cell_simulation (plain, 25.0, 25.0, &error);
      g_autoptr(PsSimulation) b = ornl_one_cell_simulation (elec, 25.0, 25.0, &error);
      double i = currents[k], va = 0.0, vb = 0.0, c, eta;

      g_assert_no_error (error);
      for (guint s = 0; s < 300; s++)
        {
          va = ornl_one_cell_step (a, i, 1.0);
          vb = ornl_one_cell_step (b, i, 1.0);
        }
      c = i / 100.0 * (1.0 - exp (-300.0 / 100.0));
      eta = 0.032 * ps_simulation_get_cell_temp (b)[0] / 298.15 * log ((1.0 + c) / (1.0 - c));
      g_test_message ("electrolyte, 300 s at %.0f A: %.2f mV below the cell without it "
                      "(B ln((1+c)/(1-c)) %.2f mV)", i, (va - vb) * 1e3, eta * 1e3);
      /* (the entropic term of that warming is a fraction of a millivolt) */
      g_assert_cmpfloat (fabs ((va - vb) - eta), <, 0.01 * eta);
      per_amp[k] = (va - vb) / i;

      /* the same 300 s in one step from rest: the pack solve re-linearises
       * about the current it finds, so the term is eta at that current,
       * not its tangent at zero (2 B c: a third less at 90 A) */
      {
        g_autoptr(PsSimulation) a1 = ornl_one_cell_simulation (plain, 25.0, 25.0, &error);
        g_autoptr(PsSimulation) b1 = ornl_one_cell_simulation (elec, 25.0, 25.0, &error);
        double va1 = ornl_one_cell_step (a1, i, 300.0);
        double vb1 = ornl_one_cell_step (b1, i, 300.0);
        /* (over one step the cell's terms keep the step's starting
         * temperature, 25 C) */
        double eta1 = 0.032 * log ((1.0 + c) / (1.0 - c));

        g_test_message ("  in one 300 s step: %.2f mV below (%.2f mV)", (va1 - vb1) * 1e3,
                        eta1 * 1e3);
        g_assert_cmpfloat (fabs ((va1 - vb1) - eta1), <, 0.01 * eta1);
      }
    }
  g_assert_cmpfloat (per_amp[1], >, 1.3 * per_amp[0]);
}

/* The shipped Leaf cell as a linear 2-RC cell (no elements), its
 * activation energies scaled above 25 C by scale, or not at all (has
 * FALSE) */
static char *
leaf_with_ea_scale (gboolean has,
                    double   scale)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(PsCellType) cell = ps_cell_type_new_from_id ("aesc-leaf-2011", &error);
  g_autoptr(JsonNode) node = NULL;

  g_assert_no_error (error);
  ps_table_clear (&cell->tau_diffusion);
  ps_table_clear (&cell->i0);
  cell->electrolyte_i_lim_a = 0.0;
  cell->has_ea_scale_above_ref = has;
  cell->ea_scale_above_ref = scale;
  node = ps_cell_type_to_json_node (cell);
  return json_to_string (node, FALSE);
}

/* the drop over the first second at current_a from rest at temp_c */
static double
first_second_drop (const char *cell_json,
                   double      temp_c,
                   double      current_a)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(PsSimulation) sim = ornl_one_cell_simulation (cell_json, temp_c, temp_c, &error);
  double v0;

  g_assert_no_error (error);
  v0 = ps_simulation_get_cell_voltage (sim)[0];
  return v0 - ornl_one_cell_step (sim, current_a, 1.0);
}

/* Activation energies scaled above the reference temperature
 * ("ea_scale_above_ref"): below it the plain Arrhenius factor, above it
 * that of x Ea; through the engine a cell with x = 0 drops at 40 C exactly
 * as at 25 C (its resistances stay the reference's), at 10 C exactly as the
 * cell without the member, and the cell without it drops less at 40 C.
 * Round trip, and an out-of-range value refused by name. */
static void
test_ea_scale_above_ref (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(PsCellType) cell = ps_cell_type_new_from_id ("aesc-leaf-2011", &error);
  g_autofree char *flat = leaf_with_ea_scale (TRUE, 0.0);
  g_autofree char *plain = leaf_with_ea_scale (FALSE, 0.0);
  g_autofree char *half = leaf_with_ea_scale (TRUE, 0.5);
  g_autofree char *bad = NULL;
  g_autoptr(PsCellType) again = NULL;
  g_autoptr(PsCellType) refused = NULL;
  double t_ref, d25, d40, p40, d10, p10;

  g_assert_no_error (error);
  t_ref = cell->t_ref_k;
  cell->has_ea_scale_above_ref = TRUE;
  cell->ea_scale_above_ref = 0.25;
  g_assert_cmpfloat (ps_cell_type_arrhenius_cell (cell, 20000.0, 283.15), ==,
                     ps_cell_type_arrhenius (20000.0, t_ref, 283.15));
  g_assert_cmpfloat_with_epsilon (ps_cell_type_arrhenius_cell (cell, 20000.0, 313.15),
                                  ps_cell_type_arrhenius (5000.0, t_ref, 313.15), 1e-15);
  cell->has_ea_scale_above_ref = FALSE;
  g_assert_cmpfloat (ps_cell_type_arrhenius_cell (cell, 20000.0, 313.15), ==,
                     ps_cell_type_arrhenius (20000.0, t_ref, 313.15));

  d25 = first_second_drop (flat, 25.0, 30.0);
  d40 = first_second_drop (flat, 40.0, 30.0);
  p40 = first_second_drop (plain, 40.0, 30.0);
  d10 = first_second_drop (flat, 10.0, 30.0);
  p10 = first_second_drop (plain, 10.0, 30.0);
  g_test_message ("1 s drop at 30 A: 25 C %.3f mV; 40 C %.3f mV with Ea x0 above 25 C, %.3f mV "
                  "without; 10 C %.3f / %.3f mV", d25 * 1e3, d40 * 1e3, p40 * 1e3, d10 * 1e3,
                  p10 * 1e3);
  /* (the cell warms by about a millikelvin in that second) */
  g_assert_cmpfloat (fabs (d40 - d25), <, 1e-6);
  g_assert_cmpfloat (p40, <, 0.9 * d40);
  g_assert_cmpfloat (fabs (d10 - p10), <, 1e-9);
  g_assert_cmpfloat (d10, >, 1.1 * d25);

  g_assert_nonnull (strstr (half, "\"ea_scale_above_ref\":0.5"));
  again = cell_from_text (plain, "$", &error);
  g_assert_no_error (error);
  g_assert_false (again->has_ea_scale_above_ref);
  g_clear_pointer (&again, ps_cell_type_free);
  again = cell_from_text (half, "$", &error);
  g_assert_no_error (error);
  g_assert_true (again->has_ea_scale_above_ref);
  g_assert_cmpfloat (again->ea_scale_above_ref, ==, 0.5);
  bad = replace_once (half, "\"ea_scale_above_ref\":0.5", "\"ea_scale_above_ref\":7");
  refused = cell_from_text (bad, "$", &error);
  g_assert_null (refused);
  g_assert_nonnull (strstr (error->message, "$.ea_scale_above_ref: expected a number in [0"));
}

/* ------------------------------------------- validation against ORNL data */

/* The shipped cell (resources/cells/aesc-leaf-2011.json, as the engine loads
 * it) replayed through the engine against the ORNL records (ornl-leaf.c). */

typedef struct
{
  const char *file;
  double      temp_c;           /* chamber */
  double      rms_limit_v;
  double      rms_pulse_limit_v;
} HppcCase;

/* HPPC: the whole record, the voltage error over time and over the pulses
 * alone. */
static void
test_ornl_leaf_hppc (gconstpointer data)
{
  const HppcCase *hc = data;
  g_autoptr(OrnlRecord) record = ornl_hppc_load (hc->file, hc->temp_c);
  g_autoptr(GError) error = NULL;
  OrnlResult r;

  g_assert_nonnull (record);    /* committed under tests/data/ornl-leaf-cell */
  g_assert_true (ornl_record_run (record, NULL, FALSE, &r, &error));
  g_assert_no_error (error);

  g_test_message ("ORNL Leaf cell, HPPC %.0f C, shipped cell in the engine: "
                  "%.2f Ah measured to 3.0 V over %.1f h; voltage RMS over time %.1f mV "
                  "(pulses %.1f mV), max %.0f mV",
                  hc->temp_c, r.ah_measured, r.duration_s / 3600.0, r.rms_v * 1e3,
                  r.rms_part_v * 1e3, r.max_err_v * 1e3);

  g_assert_cmpfloat (r.duration_s, >, 10.0 * 3600.0);
  g_assert_cmpfloat (r.rms_v, <, hc->rms_limit_v);
  g_assert_cmpfloat (r.rms_part_v, <, hc->rms_pulse_limit_v);
}

typedef struct
{
  const char *c_rate;
  double      rms_limit_v;
  double      rms90_limit_v;
  double      ah_excess_min;    /* simulated minus measured charge to 3.0 V */
  double      ah_excess_max;
} DischargeCase;

/* First constant-current discharge of each file, from full to 3.0 V, current
 * as measured; surface temperatures from the lvm on the same clock. */
static void
test_ornl_leaf_discharge (gconstpointer data)
{
  const DischargeCase *dc = data;
  g_autoptr(OrnlRecord) record = ornl_discharge_load (dc->c_rate);
  g_autoptr(GError) error = NULL;
  OrnlResult r;

  g_assert_nonnull (record);
  g_assert_true (ornl_record_run (record, NULL, TRUE, &r, &error));
  g_assert_no_error (error);

  g_test_message ("ORNL Leaf cell, %s discharge at %.1f A, shipped cell in the engine: "
                  "%.2f Ah measured, %.2f Ah simulated to 3.0 V (%+.2f Ah); voltage RMS over "
                  "time %.1f mV (first 90 %% of the charge %.1f mV); peak surface %.1f C "
                  "measured (hottest of three thermocouples), %.1f C simulated (start %.1f C, "
                  "ambient %.1f C)",
                  dc->c_rate, r.mean_current_a, r.ah_measured, r.ah_model,
                  r.ah_model - r.ah_measured, r.rms_v * 1e3, r.rms_part_v * 1e3,
                  r.peak_measured_c, r.peak_model_c, r.temp0_c, r.ambient_c);

  g_assert_cmpfloat (r.rms_v, <, dc->rms_limit_v);
  g_assert_cmpfloat (r.rms_part_v, <, dc->rms90_limit_v);
  g_assert_cmpfloat (r.ah_model - r.ah_measured, >, dc->ah_excess_min);
  g_assert_cmpfloat (r.ah_model - r.ah_measured, <, dc->ah_excess_max);

  /* Temperature: the one cell in ORNL's chamber (h 17.5 W/m2K and cp
   * fitted together to the surface temperatures over the discharge and the
   * 40 min of rest after it, tests/data/ornl-one-cell-pack.json): the peak
   * against the hottest of three surface thermocouples (which spread by 1-2
   * K at 2C-3C) within the 1 K less a margin, 0.9 K (today -0.85 /
   * -0.54 / -0.15 K; the cell shipped before was -0.97 K at 1C), and the
   * whole trajectory against their mean within 1 K RMS (today 0.63 / 0.69 /
   * 0.82 K; ORNL's h 9.5 W/m2K with cp 1420 gave 1.3 / 2.7 / 3.6 K: it
   * cools twice as slowly as the cell) */
  g_test_message ("  surface temperature RMS over the discharge and 40 min of rest %.2f K",
                  r.temp_rms_k);
  g_assert_cmpfloat (fabs (r.peak_model_c - r.peak_measured_c), <, 0.9);
  g_assert_cmpfloat (r.temp_rms_k, <, 1.0);
}

/* The limits are ~1.1-1.3x what the shipped cell gives in the engine today
 * (HPPC 25 C: 2.6 mV over the record, 3.0 mV over the pulses; 10 C: 7.8 /
 * 8.4 mV; 40 C: 8.7 / 5.6 mV), so a regression in the data, the loader or
 * the engine fails; the cell shipped before (4.0 / 4.3, 8.6 / 9.7 and 8.9 /
 * 9.5 mV) fails all three. At 10 C every resistance carries its Arrhenius
 * factor (R0 at 13 kJ/mol, R1 and R2 at 26, the charge transfer's i0 at 35,
 * the diffusion at 28): a factor computed the wrong way round is tens of mV
 * on the 30 A pulses. At 40 C the activation energies are x0.501
 * (ea_scale_above_ref): the cell's pulses lose little resistance above 25 C
 * (1 s: 1.60 mOhm at 25 and at 40 C mid-SOC, 2.7 at 10 C); with one energy
 * over all temperatures the 40 C pulses are 10.0 mV off. (Before the
 * diffusion and charge-transfer elements: 3.2 / 4.0 and 7.6 / 14.0 mV.) */
static const HppcCase hppc_cases[] = {
  { "cell-low-current-hppc-25c-2.csv", 25.0, 0.0035, 0.0037 },
  { "cell-low-current-hppc-10c.csv", 10.0, 0.0085, 0.0095 },
  { "cell-low-current-hppc-40c-1.csv", 40.0, 0.0098, 0.0070 },
};

/* The ORNL cell delivers 30.5 Ah at 10 A but 30.3 / 30.0 / 28.6 Ah at 1C /
 * 2C / 3C. The shipped cell's solid-diffusion element (tests/fit-leaf-ecm.c)
 * gives that fall: -0.02 / -0.06 / +0.50 Ah against the measurement (a 2-RC
 * cell without it gave -0.17 / -0.09 / +1.04 and stayed up to 0.3 V high
 * through the 3C knee). Today's figures (RMS over time, whole / first 90 %,
 * the logged 60 s intervals stepped at the scenario's 1 s, ornl-leaf.c):
 * 1C 11.7 / 10.2, 2C 19.4 / 16.9, 3C 29.2 / 28.9 mV: the targets,
 * 15 / 20 / 30 mV, are met at all three rates, and at 2C and 3C they are
 * the limits. The cell fitted before the fit's hinges on those targets
 * (tests/fit-leaf-ecm.c) gave 10.7 / 7.9, 21.6 / 17.0, 32.1 / 33.3 mV and
 * fails at 2C and 3C (and its 1C peak, 0.97 K low); the cell shipped before
 * the elements' activation energies were scaled above 25 C (R1 and R2 as
 * the HPPC fit gave them beside the diffusion) gives 16.0 / 14.1, 24.3 /
 * 20.0, 49.3 / 43.5 mV here and fails every voltage limit. The other limits
 * are ~1.07x the voltage figures and +-0.35 Ah around the charge (+0.20
 * above it at 3C: a cell without the diffusion gives +1.04 Ah there and
 * fails; so does a resistance 10 % off at 2C: 61 A x 0.45 mOhm = 27 mV). */
static const DischargeCase discharge_cases[] = {
  { "1c", 0.0125, 0.0110, -0.38, 0.32 },
  { "2c", 0.0200, 0.0180, -0.41, 0.29 },
  { "3c", 0.0300, 0.0310, 0.15, 0.70 },
};

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/engine/cell/builtin-cells-load", test_builtin_cells_load);
  g_test_add_func ("/engine/cell/json-round-trip", test_round_trip);
  g_test_add_func ("/engine/cell/malformed-json-errors", test_malformed_cells);
  g_test_add_func ("/engine/cell/malformed-limits-and-sources", test_malformed_limits_and_sources);
  g_test_add_func ("/engine/cell/table-lut-interpolation", test_table_lut);
  g_test_add_func ("/engine/cell/arrhenius-factor", test_arrhenius);
  g_test_add_func ("/engine/cell/ecm-elements-round-trip", test_elements_round_trip);
  g_test_add_func ("/engine/cell/ecm-diffusion-capacity-falls-with-rate", test_diffusion_rate_capacity);
  g_test_add_func ("/engine/cell/ecm-butler-volmer-drop-and-step-length", test_butler_volmer);
  g_test_add_func ("/engine/cell/ecm-electrolyte-polarisation", test_electrolyte);
  g_test_add_func ("/engine/cell/ecm-activation-energy-above-reference", test_ea_scale_above_ref);
  for (guint i = 0; i < G_N_ELEMENTS (hppc_cases); i++)
    {
      g_autofree char *path = g_strdup_printf ("/engine/cell/ornl-leaf-hppc-%.0fc-voltage",
                                               hppc_cases[i].temp_c);

      g_test_add_data_func (path, &hppc_cases[i], test_ornl_leaf_hppc);
    }
  for (guint i = 0; i < G_N_ELEMENTS (discharge_cases); i++)
    {
      g_autofree char *path =
        g_strdup_printf ("/engine/cell/ornl-leaf-discharge-%s-voltage-charge-and-peak-temperature",
                         discharge_cases[i].c_rate);

      g_test_add_data_func (path, &discharge_cases[i], test_ornl_leaf_discharge);
    }

  return g_test_run ();
}
