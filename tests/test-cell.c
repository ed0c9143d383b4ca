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

#include "ps-cell-type-private.h"
#include "ps-error.h"
#include "ps-table.h"

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

/* ------------------------------------------- validation against ORNL data */

/* The 2-RC cell of DESIGN.md section 2, integrated the way the engine does:
 * current held over each interval, exact exponential update of the RC pairs,
 * Arrhenius resistances, entropic OCV shift, Bernardi heat into one lumped
 * thermal node with convection h A (T - T_ambient), updated exactly. Kept
 * here so that this test checks the cell data, independent of the pack engine. */
typedef struct
{
  const PsCellType *cell;
  double q_ah;                  /* SOC scale */
  double h_w_m2k;
  double ambient_k;
  double soc, v1, v2, temp_k;
} LumpedCell;

static double
lumped_cell_voltage (const LumpedCell *lc,
                     double            current_a)
{
  const PsCellType *c = lc->cell;
  double ocv = ps_table_eval (&c->ocv, lc->soc) + (lc->temp_k - c->t_ref_k) * ps_table_eval (&c->dudt, lc->soc);
  double r0 = ps_table_eval (&c->r0, lc->soc) * ps_cell_type_arrhenius (c->ea_r0_j_mol, c->t_ref_k, lc->temp_k);

  return ocv - lc->v1 - lc->v2 - r0 * current_a;
}

static void
lumped_cell_step (LumpedCell *lc,
                  double      current_a,
                  double      dt)
{
  const PsCellType *c = lc->cell;
  double f_rc = ps_cell_type_arrhenius (c->ea_rc_j_mol, c->t_ref_k, lc->temp_k);
  double f_r0 = ps_cell_type_arrhenius (c->ea_r0_j_mol, c->t_ref_k, lc->temp_k);
  double r0 = ps_table_eval (&c->r0, lc->soc) * f_r0;
  double r1 = ps_table_eval (&c->r1, lc->soc) * f_rc;
  double r2 = ps_table_eval (&c->r2, lc->soc) * f_rc;
  double a1 = exp (-dt / (r1 * ps_table_eval (&c->c1, lc->soc)));
  double a2 = exp (-dt / (r2 * ps_table_eval (&c->c2, lc->soc)));
  double dudt = ps_table_eval (&c->dudt, lc->soc);
  double heat, ha, t_inf;

  /* Bernardi with the state at the start of the interval */
  heat = current_a * (lc->v1 + lc->v2 + r0 * current_a) - current_a * lc->temp_k * dudt;

  lc->v1 = lc->v1 * a1 + r1 * current_a * (1.0 - a1);
  lc->v2 = lc->v2 * a2 + r2 * current_a * (1.0 - a2);
  lc->soc -= current_a * dt / (3600.0 * lc->q_ah);

  ha = lc->h_w_m2k * c->surface_area_m2;
  t_inf = lc->ambient_k + heat / ha;
  lc->temp_k = t_inf + (lc->temp_k - t_inf) * exp (-ha / (c->mass_kg * c->cp_j_kg_k) * dt);
}

typedef struct
{
  GArray *time_s;
  GArray *current_a;            /* positive on discharge */
  GArray *voltage_v;
  GArray *step;
  GPtrArray *mode;
} Bitrode;

static void
bitrode_free (Bitrode *b)
{
  g_array_unref (b->time_s);
  g_array_unref (b->current_a);
  g_array_unref (b->voltage_v);
  g_array_unref (b->step);
  g_ptr_array_unref (b->mode);
  g_free (b);
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC (Bitrode, bitrode_free)

/* The measurements are committed under tests/data/ornl-leaf-cell (a copy of
 * shared/data/experimental/ornl-leaf-cell), so a clean checkout checks them;
 * PS_SHARED_DATA is the fallback when the copy is missing. */
static char *
ornl_path (const char *name)
{
  const char *srcdir = g_getenv ("G_TEST_SRCDIR");
  const char *shared = g_getenv ("PS_SHARED_DATA");

  if (srcdir != NULL)
    {
      char *path = g_build_filename (srcdir, "data", "ornl-leaf-cell", name, NULL);

      if (g_file_test (path, G_FILE_TEST_IS_REGULAR))
        return path;
      g_free (path);
    }
  if (shared == NULL)
    return NULL;
  return g_build_filename (shared, "experimental", "ornl-leaf-cell", name, NULL);
}

/* Bitrode CSV: Exclude,Time(s),Cycle,Loop,Loop,Loop,Step,StepTime(s),
 * Current(A),Voltage(V),Power(W),Capacity(Ah),Energy(Wh),Mode,Data */
static Bitrode *
bitrode_load (const char *name)
{
  g_autofree char *path = ornl_path (name);
  g_autofree char *text = NULL;
  g_auto(GStrv) lines = NULL;
  Bitrode *b;

  if (path == NULL || !g_file_get_contents (path, &text, NULL, NULL))
    return NULL;

  b = g_new0 (Bitrode, 1);
  b->time_s = g_array_new (FALSE, FALSE, sizeof (double));
  b->current_a = g_array_new (FALSE, FALSE, sizeof (double));
  b->voltage_v = g_array_new (FALSE, FALSE, sizeof (double));
  b->step = g_array_new (FALSE, FALSE, sizeof (int));
  b->mode = g_ptr_array_new_with_free_func (g_free);

  lines = g_strsplit (text, "\n", -1);
  for (guint i = 1; lines[i] != NULL; i++)
    {
      g_auto(GStrv) f = g_strsplit (lines[i], ",", -1);
      double t, current, voltage;
      int step;

      if (g_strv_length (f) < 14)
        continue;
      t = g_ascii_strtod (f[1], NULL);
      step = atoi (f[6]);
      current = -g_ascii_strtod (f[8], NULL);
      voltage = g_ascii_strtod (f[9], NULL);
      g_array_append_val (b->time_s, t);
      g_array_append_val (b->current_a, current);
      g_array_append_val (b->voltage_v, voltage);
      g_array_append_val (b->step, step);
      g_ptr_array_add (b->mode, g_strdup (f[13]));
    }
  return b;
}

#define B_T(b, k) g_array_index ((b)->time_s, double, (k))
#define B_I(b, k) g_array_index ((b)->current_a, double, (k))
#define B_V(b, k) g_array_index ((b)->voltage_v, double, (k))
#define B_STEP(b, k) g_array_index ((b)->step, int, (k))
#define B_MODE(b, k) ((const char *) g_ptr_array_index ((b)->mode, (k)))

/* lvm: tab-separated rows every 3 s on the Bitrode's clock; columns 1-3 on the
 * cell surface, column 4 ambient, degrees C */
static GArray *
lvm_load (const char *name)
{
  g_autofree char *path = ornl_path (name);
  g_autofree char *text = NULL;
  g_auto(GStrv) lines = NULL;
  GArray *rows;

  if (path == NULL || !g_file_get_contents (path, &text, NULL, NULL))
    return NULL;

  rows = g_array_new (FALSE, FALSE, sizeof (double) * 4);
  lines = g_strsplit (text, "\n", -1);
  for (guint i = 0; lines[i] != NULL; i++)
    {
      double row[4];
      char *p = lines[i];
      guint n = 0;

      while (n < 4)
        {
          char *end;

          row[n] = g_ascii_strtod (p, &end);
          if (end == p)
            break;
          p = end;
          n++;
        }
      if (n == 4)
        g_array_append_vals (rows, row, 1);
    }
  return rows;
}

/* The aesc-leaf-2011 table's SOC scale: the cell is rated 33.1 Ah, but the
 * measured ORNL cell delivered q_hppc from full to 3.0 V at 10 A, and the
 * table's SOC 0 lies 1 % below that end (make-cells.py KNEE_EXTENSION); so
 * the ORNL cell is simulated with q = 1.01 q_hppc. */
#define KNEE_EXTENSION 0.01

static double
hppc_capacity_ah (const Bitrode *b,
                  guint         *first)
{
  double ah = 0.0;
  guint k0 = 0;

  while (k0 < b->time_s->len && B_STEP (b, k0) != 6)
    k0++;
  g_assert_cmpuint (k0, <, b->time_s->len);
  for (guint k = k0 + 1; k < b->time_s->len; k++)
    ah += B_I (b, k) * (B_T (b, k) - B_T (b, k - 1)) / 3600.0;
  *first = k0;
  return ah;
}

static gboolean
load_leaf (PsCellType **cell)
{
  g_autoptr(GError) error = NULL;

  *cell = ps_cell_type_new_from_id ("aesc-leaf-2011", &error);
  g_assert_no_error (error);
  return *cell != NULL;
}

/* HPPC at 25 C (30 A pulses, 10 A steps of 3 Ah, 1 h rests, full to 3.0 V):
 * the whole 16 h record, the voltage error over every sample. */
static void
test_ornl_leaf_hppc_25c (void)
{
  g_autoptr(Bitrode) b = bitrode_load ("cell-low-current-hppc-25c-2.csv");
  g_autoptr(PsCellType) cell = NULL;
  LumpedCell lc = { 0 };
  double sum_sq = 0.0, sum_sq_pulse = 0.0, max_err = 0.0, q_hppc;
  guint first, n = 0, n_pulse = 0;

  if (b == NULL)
    {
      g_test_skip ("tests/data/ornl-leaf-cell (or PS_SHARED_DATA) not available");
      return;
    }
  load_leaf (&cell);

  q_hppc = hppc_capacity_ah (b, &first);
  lc.cell = cell;
  lc.q_ah = q_hppc * (1.0 + KNEE_EXTENSION);
  lc.h_w_m2k = 9.5;
  lc.ambient_k = 298.15;
  lc.temp_k = 298.15;
  lc.soc = 1.0;

  for (guint k = first; k < b->time_s->len; k++)
    {
      double v, err;

      if (k > first)
        lumped_cell_step (&lc, B_I (b, k), B_T (b, k) - B_T (b, k - 1));
      v = lumped_cell_voltage (&lc, B_I (b, k));
      err = v - B_V (b, k);
      sum_sq += err * err;
      max_err = MAX (max_err, fabs (err));
      n++;
      /* steps 6-8: 30 A pulse, 40 s rest, charge pulse */
      if (B_STEP (b, k) >= 6 && B_STEP (b, k) <= 8)
        {
          sum_sq_pulse += err * err;
          n_pulse++;
        }
    }

  g_test_message ("ORNL Leaf cell, HPPC 25 C: %.2f Ah to 3.0 V, %u samples over %.1f h, "
                  "voltage RMS error %.1f mV (pulses %.1f mV), max %.0f mV",
                  q_hppc, n, (B_T (b, b->time_s->len - 1) - B_T (b, first)) / 3600.0,
                  sqrt (sum_sq / n) * 1e3, sqrt (sum_sq_pulse / n_pulse) * 1e3, max_err * 1e3);

  /* Each 1 h rest ends on a point of the fitted OCV and the pulses carry
   * R0 / RC, so the model follows the 12 h record to a few mV (4.8 mV with
   * this fit; the worst stretch is the 10 A step into the knee): 10 mV
   * catches OCV or SOC-scale errors (1 % of SOC is 5-20 mV over the record).
   * Over the pulses alone R0 dominates: 30 A x 20 % of 1.75 mOhm = 10 mV, so
   * 8 mV (with ~4 mV from this fit) catches a resistance error of 20 %. */
  g_assert_cmpuint (n, >, 10000);
  g_assert_cmpfloat (sqrt (sum_sq / n), <, 0.010);
  g_assert_cmpfloat (sqrt (sum_sq_pulse / n_pulse), <, 0.008);
}

typedef struct
{
  const char *c_rate;
  double      rms_limit_v;
  double      rms90_limit_v;
} DischargeCase;

/* First constant-current discharge of each file, from full to 3.0 V, current
 * as measured; surface temperatures from the lvm on the same clock. */
static void
run_ornl_discharge (const PsCellType    *cell,
                    double               q_ah,
                    const DischargeCase *dc,
                    double              *peak_error_k)
{
  g_autofree char *csv = g_strdup_printf ("cell-discharge-bitrode-%s.csv", dc->c_rate);
  g_autofree char *lvm_name = g_strdup_printf ("cell-discharge-temperature-%s.lvm", dc->c_rate);
  g_autoptr(Bitrode) b = bitrode_load (csv);
  g_autoptr(GArray) lvm = lvm_load (lvm_name);
  LumpedCell lc = { 0 };
  guint a = 0, end;
  double t0, t_end, temp0 = 0.0, ambient = 0.0, peak_measured = -1e9, peak_model = -1e9;
  double sum_sq = 0.0, sum_sq90 = 0.0, ah = 0.0, ah_total = 0.0;
  guint n_before = 0, n_during = 0, n = 0, n90 = 0;

  g_assert_nonnull (b);
  g_assert_nonnull (lvm);

  while (a < b->time_s->len && !g_str_equal (B_MODE (b, a), "DCHG"))
    a++;
  end = a;
  while (end < b->time_s->len && g_str_equal (B_MODE (b, end), "DCHG"))
    end++;
  g_assert_cmpuint (end, >, a + 50);

  /* the current flows in the interval before the first DCHG row */
  t0 = B_T (b, a) - 1.0;
  t_end = B_T (b, end - 1);
  for (guint k = a; k < end; k++)
    ah_total += B_I (b, k) * (B_T (b, k) - (k == a ? t0 : B_T (b, k - 1))) / 3600.0;

  for (guint r = 0; r < lvm->len; r++)
    {
      const double *row = &g_array_index (lvm, double, 4 * r);
      double t = 3.0 * r;

      if (t >= t0 - 600.0 && t < t0)
        {
          temp0 += (row[0] + row[1] + row[2]) / 3.0;
          n_before++;
        }
      if (t >= t0 && t <= t_end + 900.0)
        {
          ambient += row[3];
          n_during++;
          peak_measured = MAX (peak_measured, MAX (row[0], MAX (row[1], row[2])));
        }
    }
  if (n_before == 0)
    {
      const double *row = &g_array_index (lvm, double, 0);

      temp0 = (row[0] + row[1] + row[2]) / 3.0;
      n_before = 1;
    }
  g_assert_cmpuint (n_during, >, 10);
  temp0 /= n_before;
  ambient /= n_during;

  lc.cell = cell;
  lc.q_ah = q_ah;
  lc.h_w_m2k = 9.5;
  lc.ambient_k = ambient + 273.15;
  lc.temp_k = temp0 + 273.15;
  lc.soc = 1.0;

  for (guint k = a; k < end; k++)
    {
      double dt = B_T (b, k) - (k == a ? t0 : B_T (b, k - 1));
      double err;

      lumped_cell_step (&lc, B_I (b, k), dt);
      ah += B_I (b, k) * dt / 3600.0;
      err = lumped_cell_voltage (&lc, B_I (b, k)) - B_V (b, k);
      sum_sq += err * err;
      n++;
      if (ah <= 0.9 * ah_total)
        {
          sum_sq90 += err * err;
          n90++;
        }
      peak_model = MAX (peak_model, lc.temp_k - 273.15);
    }
  /* after the discharge the lumped node only cools */

  *peak_error_k = peak_model - peak_measured;
  g_test_message ("ORNL Leaf cell, %s discharge: %.2f Ah in %.0f s; voltage RMS error %.1f mV "
                  "(first 90 %% of the charge %.1f mV); peak surface %.1f C measured (hottest of "
                  "three thermocouples), %.1f C simulated (start %.1f C, ambient %.1f C)",
                  dc->c_rate, ah_total, t_end - t0, sqrt (sum_sq / n) * 1e3,
                  sqrt (sum_sq90 / n90) * 1e3, peak_measured, peak_model, temp0, ambient);

  g_assert_cmpfloat (sqrt (sum_sq / n), <, dc->rms_limit_v);
  g_assert_cmpfloat (sqrt (sum_sq90 / n90), <, dc->rms90_limit_v);
}

static void
test_ornl_leaf_discharges (void)
{
  /* Voltage thresholds. A 2-RC model has no rate-dependent capacity: the
   * ORNL cell delivers 30.5 Ah at 10 A but 30.3 / 30.0 / 28.6 Ah at 1C / 2C /
   * 3C, so over the last few per cent of a 3C discharge the model stays up
   * to ~0.3 V above the collapsing measured voltage. The whole-discharge
   * limits allow for that tail; the first-90 % limits check the body of the
   * curve, where the HPPC-fitted resistances must carry over to continuous
   * current (at 1C, 33 A x 4.3 mOhm = 0.14 V of polarisation: a 10 %
   * resistance error alone is 14 mV and breaks the 1C limit). The limits are
   * ~1.2-1.3x the figures this fit gives (12.0 / 8.2, 22.4 / 20.4,
   * 67.4 / 43.7 mV), so a regression in the data or the loader fails while
   * the known model limitation does not. */
  static const DischargeCase cases[] = {
    { "1c", 0.016, 0.010 },
    { "2c", 0.028, 0.026 },
    { "3c", 0.086, 0.055 },
  };
  g_autoptr(Bitrode) hppc = bitrode_load ("cell-low-current-hppc-25c-2.csv");
  g_autoptr(PsCellType) cell = NULL;
  double q_hppc;
  guint first;

  if (hppc == NULL)
    {
      g_test_skip ("tests/data/ornl-leaf-cell (or PS_SHARED_DATA) not available");
      return;
    }
  load_leaf (&cell);
  q_hppc = hppc_capacity_ah (hppc, &first);

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      double peak_error_k;

      run_ornl_discharge (cell, q_hppc * (1.0 + KNEE_EXTENSION), &cases[i], &peak_error_k);

      /* Temperature: one lumped node (h 9.5 W/m2K, ORNL's chamber) against
       * the hottest of three surface thermocouples, which themselves spread by
       * 1-2 K at 2C-3C (e.g. 41.0-43.0 C at 3C); cp is the only thermal
       * parameter fitted. 1.5 K is inside that spread and about a tenth of the
       * 3C rise, and a cp or h off by 20 % would break it at 3C. */
      g_assert_cmpfloat (fabs (peak_error_k), <, 1.5);
    }
}

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
  g_test_add_func ("/engine/cell/ornl-leaf-hppc-25c-voltage", test_ornl_leaf_hppc_25c);
  g_test_add_func ("/engine/cell/ornl-leaf-discharge-voltage-and-peak-temperature",
                   test_ornl_leaf_discharges);

  return g_test_run ();
}
