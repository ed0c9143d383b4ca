/* ps-pack-design.c: the pack builder's choices, written as pack JSON
 *
 * The design is turned into the same compact JSON a preset is written in
 * and loaded by ps_pack_new_from_json_node, so every range, fit and
 * topology check is the loader's; only what the JSON cannot say (cells per
 * module in whole groups, enough places for the modules) is checked here.
 * Errors from the loader name a JSON path, which is mapped back to the
 * choice it came from.
 */
#include "config.h"

#include <math.h>
#include <string.h>

#include "ps-cell-type-private.h"
#include "ps-json-private.h"
#include "ps-pack-design.h"
#include "ps-pack-private.h"
#include "ps-scenario-private.h"

#define DESIGN_SOURCE      "pack builder"
#define MODULE_WALL_M      0.002    /* around the cells of a module */
#define STACK_GAP_M        0.05     /* between stacks */
#define OUTLINE_MARGIN_M   0.02     /* between the modules and the outline */
#define CELL_GAP_MAX_M     0.1
#define MODULE_GAP_MAX_M   1.0
#define COOLANT_CP_J_KG_K  3500.0   /* water-glycol, as the liquid-cooled presets */

static gboolean
design_fail (GError            **error,
             PsPackDesignField  *field,
             PsPackDesignField   which,
             const char         *format,
             ...) G_GNUC_PRINTF (4, 5);

static gboolean
design_fail (GError            **error,
             PsPackDesignField  *field,
             PsPackDesignField   which,
             const char         *format,
             ...)
{
  g_autofree char *what = NULL;
  va_list args;

  va_start (args, format);
  what = g_strdup_vprintf (format, args);
  va_end (args);

  if (field != NULL)
    *field = which;
  g_set_error (error, PS_ENGINE_ERROR, PS_ENGINE_ERROR_INVALID, "%s: %s", DESIGN_SOURCE, what);
  return FALSE;
}

/* The choice a loader error is about, from the JSON path it names */
static PsPackDesignField
field_from_message (const char *message)
{
  static const struct
  {
    const char        *path;
    PsPackDesignField  field;
  } paths[] = {
    { "$.name:", PS_PACK_DESIGN_FIELD_NAME },
    { "$.n_series:", PS_PACK_DESIGN_FIELD_SERIES },
    { "$.n_parallel:", PS_PACK_DESIGN_FIELD_PARALLEL },
    { ".groups:", PS_PACK_DESIGN_FIELD_CELLS_PER_MODULE },
    { ".rows:", PS_PACK_DESIGN_FIELD_CELLS_PER_MODULE },
    { ".columns:", PS_PACK_DESIGN_FIELD_CELLS_PER_MODULE },
    { ".pitch_m", PS_PACK_DESIGN_FIELD_CELL_GAP },
    { "$.conduction.max_gap_m", PS_PACK_DESIGN_FIELD_CELL_GAP },
    { "$.modules", PS_PACK_DESIGN_FIELD_MODULE_GAP },
    { "$.outline_m", PS_PACK_DESIGN_FIELD_MODULE_GAP },
    { "$.cooling.h_w_m2k", PS_PACK_DESIGN_FIELD_H },
    { "$.cooling.exposed_area_fraction", PS_PACK_DESIGN_FIELD_AREA_FRACTION },
    { "$.cooling.contact_area_fraction", PS_PACK_DESIGN_FIELD_AREA_FRACTION },
    { "$.cooling.coolant_flow_kg_s", PS_PACK_DESIGN_FIELD_COOLANT_FLOW },
    { "$.cooling", PS_PACK_DESIGN_FIELD_COOLING },
    { "$.cell", PS_PACK_DESIGN_FIELD_CELL },
  };

  for (guint i = 0; i < G_N_ELEMENTS (paths); i++)
    if (strstr (message, paths[i].path) != NULL)
      return paths[i].field;
  return PS_PACK_DESIGN_FIELD_NONE;
}

/* rounded to 0.1 micrometre, so sums of sizes and gaps read as typed */
static double
round_m (double metres)
{
  return round (metres * 1e7) / 1e7;
}

/* The module's own grid (cells centred in it, a wall around): pouch and
 * prismatic cells on edge in one column, cylindrical cells upright in one
 * column per series group; cells_per_module a multiple of n_parallel */
static void
module_grid (const PsPackDesign *design,
             const PsCellType   *cell,
             guint              *columns,
             guint              *rows,
             double             *pitch_x,
             double             *pitch_y,
             double             *module_w,
             double             *module_h)
{
  gboolean round_cells = cell->shape == PS_CELL_SHAPE_CYLINDRICAL;
  double cell_w, cell_h;

  if (round_cells)
    {
      cell_w = cell_h = cell->width_m;
      *columns = MAX (design->cells_per_module / MAX (design->n_parallel, 1), 1);
      *rows = design->n_parallel;
    }
  else
    {
      cell_w = cell->length_m;
      cell_h = cell->thickness_m;
      *columns = 1;
      *rows = design->cells_per_module;
    }
  *pitch_x = round_m (cell_w + (round_cells ? design->cell_gap_m : 0.0));
  *pitch_y = round_m (cell_h + design->cell_gap_m);
  *module_w = round_m (cell_w + (*columns - 1) * *pitch_x + 2 * MODULE_WALL_M);
  *module_h = round_m (cell_h + (*rows - 1) * *pitch_y + 2 * MODULE_WALL_M);
}

void
ps_pack_design_init_from_pack (PsPackDesign     *design,
                               const PsPack     *pack,
                               const PsCellType *cell)
{
  const PsPackInfo *info;
  guint n_modules, columns, rows;
  double pitch_x, pitch_y, module_w, module_h;

  g_return_if_fail (design != NULL);
  g_return_if_fail (pack != NULL);
  g_return_if_fail (cell != NULL);

  info = ps_pack_get_info (pack);
  memset (design, 0, sizeof *design);
  design->name = g_strdup_printf ("%uS%uP pack", info->n_series, info->n_parallel);
  design->n_series = info->n_series;
  design->n_parallel = info->n_parallel;

  /* whole groups per module, as the pack has them where it can */
  n_modules = MAX (info->n_modules, 1);
  design->cells_per_module = info->n_parallel;
  if (info->n_series % n_modules == 0)
    design->cells_per_module = info->n_series / n_modules * info->n_parallel;
  n_modules = info->n_series / (design->cells_per_module / info->n_parallel);

  design->stacks = 1;
  design->cell_gap_m = cell->shape == PS_CELL_SHAPE_CYLINDRICAL ? 0.001 : 0.0005;
  design->module_gap_m = 0.01;
  /* a stack about half as deep as it is wide, as packs under a car are */
  module_grid (design, cell, &columns, &rows, &pitch_x, &pitch_y, &module_w, &module_h);
  design->module_columns = CLAMP ((guint) round (sqrt (2.0 * n_modules * (module_h + design->module_gap_m) /
                                                       (module_w + design->module_gap_m))),
                                  1, n_modules);
  design->module_rows = (n_modules + design->module_columns - 1) / design->module_columns;

  design->cooling = info->cooling;
  design->h_w_m2k = pack->layout->h_w_m2k > 0.0 ? pack->layout->h_w_m2k
                    : info->cooling == PS_COOLING_AIR ? 5.0 : 500.0;
  design->area_fraction = pack->layout->area_fraction > 0.0 ? pack->layout->area_fraction
                          : info->cooling == PS_COOLING_AIR ? 0.3 : 0.15;
  design->coolant_flow_kg_s = info->coolant_flow_kg_s > 0.0 ? info->coolant_flow_kg_s : 0.02;
}

void
ps_pack_design_clear (PsPackDesign *design)
{
  g_return_if_fail (design != NULL);
  g_clear_pointer (&design->name, g_free);
}

static void
add_point (JsonBuilder *builder,
           double       x,
           double       y)
{
  json_builder_begin_array (builder);
  json_builder_add_double_value (builder, x);
  json_builder_add_double_value (builder, y);
  json_builder_end_array (builder);
}

static void
add_pair (JsonBuilder *builder,
          const char  *member,
          double       x,
          double       y)
{
  json_builder_set_member_name (builder, member);
  add_point (builder, x, y);
}


char *
ps_pack_design_to_json (const PsPackDesign *design,
                        const PsCellType   *cell,
                        PsPackDesignField  *field,
                        GError            **error)
{
  g_autoptr(JsonBuilder) builder = NULL;
  g_autoptr(JsonNode) root = NULL;
  g_autofree char *source = NULL;
  gboolean round_cells;
  guint groups, n_modules, per_stack, columns, rows, module_cols, module_rows_used;
  double pitch_x, pitch_y, module_w, module_h, stack_w, width, height;

  g_return_val_if_fail (design != NULL, NULL);
  g_return_val_if_fail (cell != NULL, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  if (field != NULL)
    *field = PS_PACK_DESIGN_FIELD_NONE;

  /* what the pack JSON cannot say; its loader checks the rest */
  if (design->n_series == 0)
    return design_fail (error, field, PS_PACK_DESIGN_FIELD_SERIES,
                        "cells in series: expected at least 1"), NULL;
  if (design->n_parallel == 0)
    return design_fail (error, field, PS_PACK_DESIGN_FIELD_PARALLEL,
                        "cells in parallel: expected at least 1"), NULL;
  if (design->cells_per_module == 0 || design->cells_per_module % design->n_parallel != 0)
    return design_fail (error, field, PS_PACK_DESIGN_FIELD_CELLS_PER_MODULE,
                        "cells per module: %u is not a whole number of parallel groups "
                        "of %u cells", design->cells_per_module, design->n_parallel), NULL;
  groups = design->cells_per_module / design->n_parallel;
  if (design->n_series % groups != 0)
    return design_fail (error, field, PS_PACK_DESIGN_FIELD_CELLS_PER_MODULE,
                        "cells per module: %u series groups do not split into modules "
                        "of %u groups (%u cells)", design->n_series, groups,
                        design->cells_per_module), NULL;
  n_modules = design->n_series / groups;
  if (design->stacks == 0)
    return design_fail (error, field, PS_PACK_DESIGN_FIELD_STACKS,
                        "stacks: expected at least 1"), NULL;
  if (design->module_columns == 0)
    return design_fail (error, field, PS_PACK_DESIGN_FIELD_MODULE_COLUMNS,
                        "module columns: expected at least 1"), NULL;
  if (design->module_rows == 0)
    return design_fail (error, field, PS_PACK_DESIGN_FIELD_MODULE_ROWS,
                        "module rows: expected at least 1"), NULL;
  per_stack = design->module_columns * design->module_rows;
  if ((guint64) design->stacks * per_stack < n_modules)
    return design_fail (error, field, PS_PACK_DESIGN_FIELD_MODULE_ROWS,
                        "module rows: %u stacks of %u x %u modules have places for %u; "
                        "the pack has %u modules (%u series groups, %u per module)",
                        design->stacks, design->module_columns, design->module_rows,
                        design->stacks * per_stack, n_modules, design->n_series, groups), NULL;
  if ((guint64) (design->stacks - 1) * per_stack >= n_modules)
    return design_fail (error, field, PS_PACK_DESIGN_FIELD_STACKS,
                        "stacks: %u modules fill %u stacks of %u x %u; the last would be "
                        "empty", n_modules, (n_modules + per_stack - 1) / per_stack,
                        design->module_columns, design->module_rows), NULL;
  if (!(design->cell_gap_m >= 0.0 && design->cell_gap_m <= CELL_GAP_MAX_M))
    return design_fail (error, field, PS_PACK_DESIGN_FIELD_CELL_GAP,
                        "gap between cells: expected 0 to %g mm, got %g mm",
                        CELL_GAP_MAX_M * 1e3, design->cell_gap_m * 1e3), NULL;
  if (!(design->module_gap_m >= 0.0 && design->module_gap_m <= MODULE_GAP_MAX_M))
    return design_fail (error, field, PS_PACK_DESIGN_FIELD_MODULE_GAP,
                        "gap between modules: expected 0 to %g mm, got %g mm",
                        MODULE_GAP_MAX_M * 1e3, design->module_gap_m * 1e3), NULL;

  round_cells = cell->shape == PS_CELL_SHAPE_CYLINDRICAL;
  module_grid (design, cell, &columns, &rows, &pitch_x, &pitch_y, &module_w, &module_h);

  module_cols = design->module_columns;
  module_rows_used = MIN (design->module_rows, (n_modules + module_cols - 1) / module_cols);
  stack_w = module_cols * module_w + (module_cols - 1) * design->module_gap_m;
  width = 2 * OUTLINE_MARGIN_M + design->stacks * stack_w + (design->stacks - 1) * STACK_GAP_M;
  height = 2 * OUTLINE_MARGIN_M + module_rows_used * module_h +
           (module_rows_used - 1) * design->module_gap_m;
  width = round_m (width);
  height = round_m (height);

  source = g_strdup_printf ("Built with Packscope's pack builder: %u %s cells, %uS%uP, "
                            "%u modules of %u cells in %u stack%s of %u x %u, "
                            "%g mm between cells and %g mm between modules. ASSUMPTIONS "
                            "of the builder: %s; a 2 mm module wall, stacks 50 mm apart; "
                            "modules in series stack by stack, row by row, alternating; "
                            "links of 0.1 mOhm per cell tab and per series connection; "
                            "conduction 300 W/m2K inside a module, 30 W/m2K between "
                            "modules, filler 0.05 W/mK%s.",
                            design->n_series * design->n_parallel, cell->name,
                            design->n_series, design->n_parallel, n_modules,
                            design->cells_per_module, design->stacks,
                            design->stacks == 1 ? "" : "s",
                            design->module_columns, design->module_rows,
                            design->cell_gap_m * 1e3, design->module_gap_m * 1e3,
                            round_cells ? "cells upright, one column per series group"
                                        : "cells on edge in one row per module",
                            design->cooling == PS_COOLING_COLD_PLATE
                              ? "; coolant heat capacity 3500 J/kgK (water-glycol)" : "");

  builder = json_builder_new ();
  json_builder_begin_object (builder);
  _ps_json_builder_add_string (builder, "id", "built");
  _ps_json_builder_add_string (builder, "name", design->name != NULL ? design->name : "");
  _ps_json_builder_add_string (builder, "source", source);
  _ps_json_builder_add_string (builder, "cell", cell->id);
  _ps_json_builder_add_int (builder, "n_series", design->n_series);
  _ps_json_builder_add_int (builder, "n_parallel", design->n_parallel);
  _ps_json_builder_add_double (builder, "r_tab_ohm", 1e-4);
  _ps_json_builder_add_double (builder, "r_busbar_ohm", 1e-4);

  json_builder_set_member_name (builder, "outline_m");
  json_builder_begin_array (builder);
  add_point (builder, 0.0, 0.0);
  add_point (builder, width, 0.0);
  add_point (builder, width, height);
  add_point (builder, 0.0, height);
  json_builder_end_array (builder);

  json_builder_set_member_name (builder, "modules");
  json_builder_begin_array (builder);
  for (guint m = 0; m < n_modules; m++)
    {
      guint stack = m / per_stack;
      guint place = m % per_stack;
      guint row = place / module_cols;
      guint col = place % module_cols;
      double x, y;

      if (row % 2 == 1)
        col = module_cols - 1 - col;
      x = OUTLINE_MARGIN_M + stack * (stack_w + STACK_GAP_M) + col * (module_w + design->module_gap_m);
      y = OUTLINE_MARGIN_M + row * (module_h + design->module_gap_m);

      json_builder_begin_object (builder);
      add_pair (builder, "origin_m", round_m (x), round_m (y));
      add_pair (builder, "size_m", module_w, module_h);
      _ps_json_builder_add_int (builder, "rotation_deg", 0);
      _ps_json_builder_add_string (builder, "arrangement", "grid");
      _ps_json_builder_add_int (builder, "columns", columns);
      _ps_json_builder_add_int (builder, "rows", rows);
      add_pair (builder, "pitch_m", pitch_x, pitch_y);
      _ps_json_builder_add_string (builder, "cell_orientation", round_cells ? "upright" : "edge");
      _ps_json_builder_add_int (builder, "groups", groups);
      _ps_json_builder_add_string (builder, "order", "columns");
      json_builder_end_object (builder);
    }
  json_builder_end_array (builder);

  json_builder_set_member_name (builder, "cooling");
  json_builder_begin_object (builder);
  if (design->cooling == PS_COOLING_COLD_PLATE)
    {
      _ps_json_builder_add_string (builder, "kind", "cold_plate");
      _ps_json_builder_add_double (builder, "h_w_m2k", design->h_w_m2k);
      _ps_json_builder_add_double (builder, "contact_area_fraction", design->area_fraction);
      _ps_json_builder_add_double (builder, "coolant_flow_kg_s", design->coolant_flow_kg_s);
      _ps_json_builder_add_double (builder, "coolant_cp_j_kg_k", COOLANT_CP_J_KG_K);
      _ps_json_builder_add_string (builder, "channel_path", "snake_rows");
    }
  else
    {
      _ps_json_builder_add_string (builder, "kind", "air");
      _ps_json_builder_add_double (builder, "h_w_m2k", design->h_w_m2k);
      _ps_json_builder_add_double (builder, "exposed_area_fraction", design->area_fraction);
    }
  json_builder_end_object (builder);

  json_builder_set_member_name (builder, "conduction");
  json_builder_begin_object (builder);
  _ps_json_builder_add_double (builder, "contact_w_m2k", 300.0);
  _ps_json_builder_add_double (builder, "module_contact_w_m2k", 30.0);
  _ps_json_builder_add_double (builder, "filler_k_w_mk", 0.05);
  /* cells of a module touch across their gap; modules conduct only when
   * they are as close */
  _ps_json_builder_add_double (builder, "max_gap_m",
                               round_m (MIN (design->cell_gap_m + 0.001, MAX_GAP_LIMIT_M)));
  json_builder_end_object (builder);

  json_builder_end_object (builder);

  root = json_builder_get_root (builder);
  return _ps_json_to_data (root);
}

PsScenario *
ps_scenario_new_from_design (const PsScenario   *base,
                             const PsPackDesign *design,
                             const PsCellType   *cell,
                             PsPackDesignField  *field,
                             GError            **error)
{
  g_autofree char *json = NULL;
  g_autoptr(JsonParser) parser = NULL;
  g_autoptr(PsPack) pack = NULL;
  g_autoptr(PsScenario) scenario = NULL;
  g_autofree char *steps = NULL;
  GError *local_error = NULL;

  g_return_val_if_fail (base != NULL, NULL);
  g_return_val_if_fail (design != NULL, NULL);
  g_return_val_if_fail (cell != NULL, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  json = ps_pack_design_to_json (design, cell, field, error);
  if (json == NULL)
    return NULL;

  parser = json_parser_new ();
  if (!json_parser_load_from_data (parser, json, -1, &local_error))
    {
      /* the engine wrote it: a bug, but said, not hidden */
      g_set_error (error, PS_ENGINE_ERROR, PS_ENGINE_ERROR_PARSE, "%s: %s",
                   DESIGN_SOURCE, local_error->message);
      g_error_free (local_error);
      return NULL;
    }

  pack = ps_pack_new_from_json_node (json_parser_get_root (parser), cell, DESIGN_SOURCE,
                                     "$", &local_error);
  if (pack == NULL)
    {
      if (field != NULL)
        *field = field_from_message (local_error->message);
      g_propagate_error (error, local_error);
      return NULL;
    }

  scenario = ps_scenario_copy (base);
  g_clear_pointer (&scenario->pack, ps_pack_unref);
  scenario->pack = g_steal_pointer (&pack);
  g_clear_pointer (&scenario->cell, ps_cell_type_free);
  scenario->cell = ps_cell_type_copy (cell);
  g_free (scenario->source_name);
  scenario->source_name = g_strdup (DESIGN_SOURCE);

  steps = g_strdup (scenario->protocol_text != NULL ? scenario->protocol_text : "");
  g_strstrip (g_strdelimit (steps, "\n", ';'));
  g_free (scenario->name);
  scenario->name = g_strdup_printf ("%s: %s", design->name, steps);

  /* the new cell's limits against the temperatures the scenario keeps */
  if (!ps_scenario_validate (scenario, &local_error) ||
      !ps_scenario_check_limits (scenario, "the initial temperature", "the ambient temperature",
                                 &local_error))
    {
      if (field != NULL)
        *field = PS_PACK_DESIGN_FIELD_CELL;
      g_propagate_error (error, local_error);
      return NULL;
    }

  return g_steal_pointer (&scenario);
}
