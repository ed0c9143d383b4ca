/* ps-pack-json.c: pack designs read from and written to JSON
 *
 * Schema of a pack object (resources/packs/<id>.json, or "pack" inline in a
 * scenario). Every member is required unless marked optional; unknown members
 * are errors; numbers must be finite; lengths are in metres, top view, x to
 * the right and y upwards.
 *
 * {
 *   "id": "leaf-2011",                 non-empty string
 *   "name": "Nissan Leaf 2011 ...",    non-empty string
 *   "source": "...",                   citations and stated assumptions
 *   "cell": "aesc-leaf-2011",          the pack's default cell id
 *   "n_series": 96,                    1 .. PS_MAX_SERIES
 *   "n_parallel": 2,                   1 .. PS_MAX_PARALLEL, n_series * n_parallel <= PS_MAX_CELLS
 *   "r_tab_ohm": 1e-4,                 >= 0, in series with each cell inside its group
 *   "r_busbar_ohm": 1e-4,              >= 0, between consecutive series groups
 *   "outline_m": [[x, y], ...],        the pack outline, a simple polygon, >= 3 points
 *   "modules": [ module, ... ],        in series order from the negative terminal
 *   "cooling": cooling,
 *   "conduction": conduction,
 *   "preset_scenario": { ... }         optional: a scenario object without "pack"
 *                                      and "cell" (see ps-scenario.h); stored as is,
 *                                      the scenario loader parses it
 * }
 *
 * module (a compact description; the loader expands it):
 * {
 *   "name": "FL",                      optional; default "M<n>" (n = 1-based module
 *                                      index); with "repeat" a prefix, "FL1", "FL2", ...
 *   "repeat": 12,                      optional, default 1: this entry stands for
 *                                      that many identical modules, consecutive in
 *                                      series order, each "repeat_step_m" further
 *   "repeat_step_m": [0.035, 0],       required when repeat > 1
 *   "origin_m": [x, y],                lower-left corner of the (rotated) module rect
 *   "size_m": [w, h],                  module size in its own frame (before rotation)
 *   "rotation_deg": 0,                 0 or 90 (counter-clockwise): with 90 the
 *                                      module's own x runs along the pack's y
 *   "arrangement": "grid",             "grid" or "hex": in "hex", odd columns are
 *                                      shifted by half the row pitch along y
 *   "columns": 1, "rows": 4,           cells along the module's own x and y
 *   "pitch_m": [px, py],               centre spacing along own x (between columns)
 *                                      and own y (between rows)
 *   "cell_orientation": "edge",        pouch/prismatic: "edge" (standing on edge:
 *                                      length along own x, thickness along own y,
 *                                      face width upright) or "flat" (length along
 *                                      own x, width along own y); cylindrical:
 *                                      "upright"
 *   "groups": 2,                       series groups in the module; columns * rows
 *                                      must equal groups * n_parallel
 *   "order": "columns"                 how cells join groups: the cells are taken in
 *                                      this order ("columns": column by column,
 *                                      "rows": row by row, "snake_columns",
 *                                      "snake_rows": alternating direction) and each
 *                                      run of n_parallel cells is one group
 * }
 * The cell centres are centred in the module rect; a cell that does not fit
 * (module too small, or footprints that overlap because the pitch is smaller
 * than the chosen cell) is an error naming the module.
 *
 * cooling:
 *   { "kind": "air", "h_w_m2k": 5.0, "exposed_area_fraction": 0.3 }
 *     cell_ha = h * A_cell * (f + (1 - f) * free), where A_cell is the cell's
 *     surface_area_m2, f the fraction of its surface that is exposed even when
 *     surrounded (edges, top), and free (0..1) the fraction of its side faces
 *     that have no neighbour (so stack ends and outer rows cool better).
 *   { "kind": "cold_plate", "h_w_m2k": 500, "contact_area_fraction": 0.15,
 *     (or instead of these two: "ha_w_k": 0.3, the conductance per cell)
 *     "coolant_flow_kg_s": 0.02, "coolant_cp_j_kg_k": 3500,
 *     "channel_path": "snake_rows" }
 *     cell_ha = h * contact_area_fraction * A_cell (or ha_w_k). One coolant
 *     channel per module, visiting its cells in channel_path order ("rows",
 *     "columns", "snake_rows", "snake_columns" over the module's own grid);
 *     the flow is per channel.
 *
 * conduction (between neighbouring cells):
 *   { "contact_w_m2k": 500,            contact conductance between cells of one module
 *     "module_contact_w_m2k": 50,      ... between cells of different modules
 *     "filler_k_w_mk": 0.2,            conductivity of what fills the gap
 *     "max_gap_m": 0.003 }             0 .. 0.02; cells whose footprints are at most
 *                                      this far apart (and not shadowed by a third
 *                                      cell) are neighbours
 *
 */
#include "config.h"

#include <math.h>
#include <string.h>

#include "ps-json-private.h"
#include "ps-pack-private.h"

static const char * const pack_members[] = {
  "id", "name", "source", "cell", "n_series", "n_parallel", "r_tab_ohm",
  "r_busbar_ohm", "outline_m", "modules", "cooling", "conduction",
  "preset_scenario", NULL
};
static const char * const module_members[] = {
  "name", "repeat", "repeat_step_m", "origin_m", "size_m", "rotation_deg",
  "arrangement", "columns", "rows", "pitch_m", "cell_orientation", "groups",
  "order", NULL
};
static const char * const air_members[] = {
  "kind", "h_w_m2k", "exposed_area_fraction", NULL
};
static const char * const cold_plate_members[] = {
  "kind", "h_w_m2k", "contact_area_fraction", "ha_w_k", "coolant_flow_kg_s",
  "coolant_cp_j_kg_k", "channel_path", NULL
};
static const char * const conduction_members[] = {
  "contact_w_m2k", "module_contact_w_m2k", "filler_k_w_mk", "max_gap_m", NULL
};

const char * const _ps_pack_order_names[] = {
  "columns", "rows", "snake_columns", "snake_rows", NULL
};

const char * const _ps_pack_arrangement_names[] = { "grid", "hex", NULL };

const char * const _ps_pack_orientation_names[] = { "edge", "flat", "upright", NULL };

static const char * const cooling_names[] = { "air", "cold_plate", NULL };

/* ---------------------------------------------------------- JSON reading */

static JsonNode *
require_member (JsonObject  *object,
                const char  *name,
                const char  *source,
                const char  *path,
                GError     **error)
{
  JsonNode *node = json_object_get_member (object, name);

  if (node == NULL)
    {
      g_autofree char *mpath = _ps_json_member_path (path, name);

      fail (error, PS_ENGINE_ERROR_INVALID, source, mpath, "missing member");
    }
  return node;
}

/* optional members: has_default; *out keeps dflt when absent */
static gboolean
read_number (JsonObject  *object,
             const char  *name,
             PsJsonRange  range,
             gboolean     required,
             double       dflt,
             const char  *source,
             const char  *path,
             double      *out,
             GError     **error)
{
  g_autofree char *mpath = _ps_json_member_path (path, name);
  JsonNode *node = json_object_get_member (object, name);

  if (node == NULL)
    {
      if (required)
        return fail (error, PS_ENGINE_ERROR_INVALID, source, mpath,
                     "missing member (expected %s)", _ps_json_range_text (range));
      *out = dflt;
      return TRUE;
    }
  return _ps_json_read_number (node, range, source, mpath, out, error);
}

static gboolean
read_uint (JsonObject  *object,
           const char  *name,
           guint        min,
           guint        max,
           gboolean     required,
           guint        dflt,
           int          over_code,
           const char  *source,
           const char  *path,
           guint       *out,
           GError     **error)
{
  g_autofree char *mpath = _ps_json_member_path (path, name);
  JsonNode *node = json_object_get_member (object, name);
  double value;

  if (node == NULL)
    {
      if (required)
        return fail (error, PS_ENGINE_ERROR_INVALID, source, mpath,
                     "missing member (expected an integer from %u to %u)", min, max);
      *out = dflt;
      return TRUE;
    }
  if (!_ps_json_node_is_number (node))
    return fail (error, PS_ENGINE_ERROR_INVALID, source, mpath,
                 "expected an integer from %u to %u, got %s", min, max,
                 _ps_json_node_kind (node));
  value = json_node_get_double (node);
  if (!isfinite (value) || value != floor (value))
    return fail (error, PS_ENGINE_ERROR_INVALID, source, mpath,
                 "expected an integer from %u to %u, got %g", min, max, value);
  if (value < min || value > max)
    return fail (error, value > max ? over_code : PS_ENGINE_ERROR_INVALID,
                 source, mpath, "expected an integer from %u to %u, got %g",
                 min, max, value);
  *out = (guint) value;
  return TRUE;
}

static gboolean
read_string (JsonObject   *object,
             const char   *name,
             gboolean      required,
             const char   *source,
             const char   *path,
             const char  **out,
             GError      **error)
{
  g_autofree char *mpath = _ps_json_member_path (path, name);
  JsonNode *node = json_object_get_member (object, name);

  if (node == NULL)
    {
      if (required)
        return fail (error, PS_ENGINE_ERROR_INVALID, source, mpath,
                     "missing member (expected a non-empty string)");
      *out = NULL;
      return TRUE;
    }
  if (!JSON_NODE_HOLDS_VALUE (node) || json_node_get_value_type (node) != G_TYPE_STRING ||
      json_node_get_string (node)[0] == '\0')
    return fail (error, PS_ENGINE_ERROR_INVALID, source, mpath,
                 "expected a non-empty string, got %s", _ps_json_node_kind (node));
  *out = json_node_get_string (node);
  return TRUE;
}

static gboolean
read_enum (JsonObject         *object,
           const char         *name,
           const char * const *names,
           int                 dflt,     /* < 0: required */
           const char         *source,
           const char         *path,
           int                *out,
           GError            **error)
{
  g_autofree char *mpath = _ps_json_member_path (path, name);
  g_autofree char *expected = g_strjoinv ("\", \"", (char **) names);
  JsonNode *node = json_object_get_member (object, name);
  const char *value;

  if (node == NULL)
    {
      if (dflt < 0)
        return fail (error, PS_ENGINE_ERROR_INVALID, source, mpath,
                     "missing member (expected one of \"%s\")", expected);
      *out = dflt;
      return TRUE;
    }
  if (!JSON_NODE_HOLDS_VALUE (node) || json_node_get_value_type (node) != G_TYPE_STRING)
    return fail (error, PS_ENGINE_ERROR_INVALID, source, mpath,
                 "expected one of \"%s\", got %s", expected, _ps_json_node_kind (node));
  value = json_node_get_string (node);
  for (int i = 0; names[i] != NULL; i++)
    if (g_strcmp0 (names[i], value) == 0)
      {
        *out = i;
        return TRUE;
      }
  return fail (error, PS_ENGINE_ERROR_INVALID, source, mpath,
               "expected one of \"%s\", got \"%s\"", expected, value);
}

static gboolean
read_pair_node (JsonNode    *node,
                PsJsonRange  range,
                const char  *source,
                const char  *path,
                double       out[2],
                GError     **error)
{
  JsonArray *array;

  if (node == NULL || !JSON_NODE_HOLDS_ARRAY (node) ||
      json_array_get_length (array = json_node_get_array (node)) != 2)
    return fail (error, PS_ENGINE_ERROR_INVALID, source, path,
                 "expected an array of two numbers ([x, y] in metres), got %s",
                 _ps_json_node_kind (node));
  for (guint i = 0; i < 2; i++)
    {
      g_autofree char *ipath = _ps_json_index_path (path, i);

      if (!_ps_json_read_number (json_array_get_element (array, i), range, source, ipath,
                                 &out[i], error))
        return FALSE;
      if (fabs (out[i]) > MAX_COORD_M)
        return fail (error, PS_ENGINE_ERROR_LIMIT, source, ipath,
                     "expected at most %g m, got %g", MAX_COORD_M, out[i]);
    }
  return TRUE;
}

static gboolean
read_pair (JsonObject  *object,
           const char  *name,
           PsJsonRange  range,
           const char  *source,
           const char  *path,
           double       out[2],
           GError     **error)
{
  g_autofree char *mpath = _ps_json_member_path (path, name);
  JsonNode *node = json_object_get_member (object, name);

  if (node == NULL)
    return fail (error, PS_ENGINE_ERROR_INVALID, source, mpath,
                 "missing member (expected [x, y] in metres)");
  return read_pair_node (node, range, source, mpath, out, error);
}

/* --------------------------------------------------------------- parsing */

static gboolean
parse_module_spec (JsonNode      *node,
                   const char    *source,
                   const char    *path,
                   PsModuleSpec  *spec,
                   GError       **error)
{
  JsonObject *object = NULL;
  const char *name;
  int value;

  if (!_ps_json_get_object (node, source, path, &object, error) ||
      !_ps_json_check_members (object, module_members, source, path, error))
    return FALSE;

  if (!read_string (object, "name", FALSE, source, path, &name, error))
    return FALSE;
  spec->name = g_strdup (name);

  if (!read_uint (object, "repeat", 1, PS_MAX_MODULES, FALSE, 1, PS_ENGINE_ERROR_LIMIT,
                  source, path, &spec->repeat, error))
    return FALSE;
  if (json_object_has_member (object, "repeat_step_m"))
    {
      if (!read_pair (object, "repeat_step_m", PS_JSON_RANGE_ANY, source, path,
                      spec->repeat_step, error))
        return FALSE;
    }
  else if (spec->repeat > 1)
    {
      g_autofree char *mpath = _ps_json_member_path (path, "repeat_step_m");

      return fail (error, PS_ENGINE_ERROR_INVALID, source, mpath,
                   "missing member (expected [dx, dy] in metres when repeat > 1)");
    }

  if (!read_pair (object, "origin_m", PS_JSON_RANGE_ANY, source, path, spec->origin, error) ||
      !read_pair (object, "size_m", PS_JSON_RANGE_POSITIVE, source, path, spec->size, error) ||
      !read_uint (object, "rotation_deg", 0, 90, FALSE, 0, PS_ENGINE_ERROR_INVALID,
                  source, path, &spec->rotation_deg, error))
    return FALSE;
  if (spec->rotation_deg != 0 && spec->rotation_deg != 90)
    {
      g_autofree char *mpath = _ps_json_member_path (path, "rotation_deg");

      return fail (error, PS_ENGINE_ERROR_INVALID, source, mpath,
                   "expected 0 or 90, got %u", spec->rotation_deg);
    }

  if (!read_enum (object, "arrangement", _ps_pack_arrangement_names, ARRANGE_GRID, source, path,
                  &value, error))
    return FALSE;
  spec->arrangement = value;
  if (!read_uint (object, "columns", 1, PS_MAX_CELLS, TRUE, 0, PS_ENGINE_ERROR_LIMIT,
                  source, path, &spec->columns, error) ||
      !read_uint (object, "rows", 1, PS_MAX_CELLS, TRUE, 0, PS_ENGINE_ERROR_LIMIT,
                  source, path, &spec->rows, error) ||
      !read_pair (object, "pitch_m", PS_JSON_RANGE_POSITIVE, source, path, spec->pitch, error))
    return FALSE;
  if (!read_enum (object, "cell_orientation", _ps_pack_orientation_names, -1, source, path,
                  &value, error))
    return FALSE;
  spec->orientation = value;
  if (!read_uint (object, "groups", 1, PS_MAX_SERIES, TRUE, 0, PS_ENGINE_ERROR_LIMIT,
                  source, path, &spec->groups, error))
    return FALSE;
  if (!read_enum (object, "order", _ps_pack_order_names, ORDER_COLUMNS, source, path, &value, error))
    return FALSE;
  spec->order = value;
  return TRUE;
}

static gboolean
parse_outline (JsonObject  *root,
               const char  *source,
               const char  *base,
               PsPack      *self,
               GError     **error)
{
  g_autofree char *path = _ps_json_member_path (base, "outline_m");
  JsonNode *node = require_member (root, "outline_m", source, base, error);
  JsonArray *array;
  guint n;
  double area = 0.0;

  if (node == NULL)
    return FALSE;
  if (!JSON_NODE_HOLDS_ARRAY (node))
    return fail (error, PS_ENGINE_ERROR_INVALID, source, path,
                 "expected an array of [x, y] points, got %s", _ps_json_node_kind (node));
  array = json_node_get_array (node);
  n = json_array_get_length (array);
  if (n < 3)
    return fail (error, PS_ENGINE_ERROR_INVALID, source, path,
                 "expected at least 3 points, got %u", n);
  if (n > MAX_OUTLINE_POINTS)
    return fail (error, PS_ENGINE_ERROR_LIMIT, source, path,
                 "expected at most %u points, got %u", MAX_OUTLINE_POINTS, n);

  self->n_outline = n;
  self->outline_xy = g_new (double, 2 * n);
  for (guint i = 0; i < n; i++)
    {
      g_autofree char *ipath = _ps_json_index_path (path, i);

      if (!read_pair_node (json_array_get_element (array, i), PS_JSON_RANGE_ANY, source, ipath,
                           &self->outline_xy[2 * i], error))
        return FALSE;
    }
  for (guint i = 0, j = n - 1; i < n; j = i++)
    area += self->outline_xy[2 * j] * self->outline_xy[2 * i + 1] -
            self->outline_xy[2 * i] * self->outline_xy[2 * j + 1];
  if (fabs (area) < 1e-12)
    return fail (error, PS_ENGINE_ERROR_INVALID, source, path,
                 "expected a polygon with a positive area");
  /* simple polygon: no two non-adjacent edges cross (O(n^2), n is small) */
  if (n <= 1000)
    for (guint i = 0; i < n; i++)
      for (guint j = i + 2; j < n; j++)
        {
          guint i1 = (i + 1) % n, j1 = (j + 1) % n;

          if (j1 == i)
            continue;
          if (_ps_pack_segments_cross (self->outline_xy[2 * i], self->outline_xy[2 * i + 1],
                              self->outline_xy[2 * i1], self->outline_xy[2 * i1 + 1],
                              self->outline_xy[2 * j], self->outline_xy[2 * j + 1],
                              self->outline_xy[2 * j1], self->outline_xy[2 * j1 + 1]))
            return fail (error, PS_ENGINE_ERROR_INVALID, source, path,
                         "edges %u and %u cross (expected a simple polygon)", i, j);
        }
  return TRUE;
}

static gboolean
parse_cooling (JsonObject  *root,
               const char  *source,
               const char  *base,
               PsPack      *self,
               GError     **error)
{
  struct _PsPackLayout *layout = self->layout;
  g_autofree char *path = _ps_json_member_path (base, "cooling");
  JsonNode *node = require_member (root, "cooling", source, base, error);
  JsonObject *object = NULL;
  int kind;

  if (node == NULL || !_ps_json_get_object (node, source, path, &object, error) ||
      !read_enum (object, "kind", cooling_names, -1, source, path, &kind, error))
    return FALSE;

  if (kind == 0)
    {
      self->cooling = PS_COOLING_AIR;
      return _ps_json_check_members (object, air_members, source, path, error) &&
             read_number (object, "h_w_m2k", PS_JSON_RANGE_POSITIVE, TRUE, 0, source, path,
                          &layout->h_w_m2k, error) &&
             read_number (object, "exposed_area_fraction", PS_JSON_RANGE_FRACTION, TRUE, 0,
                          source, path, &layout->area_fraction, error);
    }

  self->cooling = PS_COOLING_COLD_PLATE;
  if (!_ps_json_check_members (object, cold_plate_members, source, path, error))
    return FALSE;
  if (json_object_has_member (object, "ha_w_k"))
    {
      if (json_object_has_member (object, "h_w_m2k") ||
          json_object_has_member (object, "contact_area_fraction"))
        return fail (error, PS_ENGINE_ERROR_INVALID, source, path,
                     "expected either \"ha_w_k\" or \"h_w_m2k\" with "
                     "\"contact_area_fraction\", not both");
      layout->has_ha = TRUE;
      if (!read_number (object, "ha_w_k", PS_JSON_RANGE_POSITIVE, TRUE, 0, source, path,
                        &layout->ha_w_k, error))
        return FALSE;
    }
  else if (!read_number (object, "h_w_m2k", PS_JSON_RANGE_POSITIVE, TRUE, 0, source, path,
                         &layout->h_w_m2k, error) ||
           !read_number (object, "contact_area_fraction", PS_JSON_RANGE_FRACTION, TRUE, 0,
                         source, path, &layout->area_fraction, error))
    return FALSE;
  else if (layout->area_fraction <= 0.0)
    {
      g_autofree char *mpath = _ps_json_member_path (path, "contact_area_fraction");

      return fail (error, PS_ENGINE_ERROR_INVALID, source, mpath,
                   "expected a number > 0 and <= 1, got 0");
    }

  {
    int path_kind;

    if (!read_number (object, "coolant_flow_kg_s", PS_JSON_RANGE_POSITIVE, TRUE, 0, source, path,
                      &self->coolant_flow_kg_s, error) ||
        !read_number (object, "coolant_cp_j_kg_k", PS_JSON_RANGE_POSITIVE, TRUE, 0, source, path,
                      &self->coolant_cp_j_kg_k, error) ||
        !read_enum (object, "channel_path", _ps_pack_order_names, ORDER_SNAKE_ROWS, source, path,
                    &path_kind, error))
      return FALSE;
    layout->channel_path = path_kind;
  }
  return TRUE;
}

static gboolean
parse_conduction (JsonObject  *root,
                  const char  *source,
                  const char  *base,
                  PsPack      *self,
                  GError     **error)
{
  struct _PsPackLayout *layout = self->layout;
  g_autofree char *path = _ps_json_member_path (base, "conduction");
  JsonNode *node = require_member (root, "conduction", source, base, error);
  JsonObject *object = NULL;

  if (node == NULL || !_ps_json_get_object (node, source, path, &object, error) ||
      !_ps_json_check_members (object, conduction_members, source, path, error) ||
      !read_number (object, "contact_w_m2k", PS_JSON_RANGE_POSITIVE, TRUE, 0, source, path,
                    &layout->contact_w_m2k, error) ||
      !read_number (object, "module_contact_w_m2k", PS_JSON_RANGE_POSITIVE, TRUE, 0, source, path,
                    &layout->module_contact_w_m2k, error) ||
      !read_number (object, "filler_k_w_mk", PS_JSON_RANGE_POSITIVE, TRUE, 0, source, path,
                    &layout->filler_k_w_mk, error) ||
      !read_number (object, "max_gap_m", PS_JSON_RANGE_NON_NEGATIVE, TRUE, 0, source, path,
                    &layout->max_gap_m, error))
    return FALSE;
  if (layout->max_gap_m > MAX_GAP_LIMIT_M)
    {
      g_autofree char *mpath = _ps_json_member_path (path, "max_gap_m");

      return fail (error, PS_ENGINE_ERROR_INVALID, source, mpath,
                   "expected at most %g m, got %g", MAX_GAP_LIMIT_M, layout->max_gap_m);
    }
  return TRUE;
}

static gboolean
check_cell (const PsCellType  *cell,
            const char        *source,
            const char        *path,
            GError           **error)
{
  struct { const char *name; double value; } fields[] = {
    { "length_m", cell->length_m },
    { "width_m", cell->width_m },
    { "thickness_m", cell->thickness_m },
    { "surface_area_m2", cell->surface_area_m2 },
    { "k_through_w_mk", cell->k_through_w_mk },
    { "k_in_plane_w_mk", cell->k_in_plane_w_mk },
  };

  for (guint i = 0; i < G_N_ELEMENTS (fields); i++)
    if (!isfinite (fields[i].value) || fields[i].value <= 0.0)
      return fail (error, PS_ENGINE_ERROR_INVALID, source, path,
                   "cell \"%s\": %s must be a finite number > 0 to lay out the pack, got %g",
                   cell->id ? cell->id : "(unnamed)", fields[i].name, fields[i].value);
  return TRUE;
}

/* ------------------------------------------------------------ the loader */

PsPack *
ps_pack_new_from_json_node (JsonNode          *node,
                            const PsCellType  *cell,
                            const char        *source_name,
                            const char        *json_path,
                            GError           **error)
{
  g_autoptr(PsPack) self = NULL;
  const char *source = source_name ? source_name : "pack";
  const char *path = json_path ? json_path : "$";
  JsonObject *root = NULL;
  JsonNode *modules_node;
  JsonArray *modules;
  const char *str;
  guint64 n_cells;

  g_return_val_if_fail (cell != NULL, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  if (!_ps_json_get_object (node, source, path, &root, error) ||
      !_ps_json_check_members (root, pack_members, source, path, error))
    return NULL;

  self = g_new0 (PsPack, 1);
  g_atomic_ref_count_init (&self->ref_count);
  self->layout = g_new0 (struct _PsPackLayout, 1);

  if (!read_string (root, "id", TRUE, source, path, &str, error))
    return NULL;
  self->id = g_strdup (str);
  if (!read_string (root, "name", TRUE, source, path, &str, error))
    return NULL;
  self->name = g_strdup (str);
  if (!read_string (root, "source", TRUE, source, path, &str, error))
    return NULL;
  self->source = g_strdup (str);
  if (!read_string (root, "cell", TRUE, source, path, &str, error))
    return NULL;
  self->cell_type_id = g_strdup (str);
  self->cell_shape = cell->shape;

  if (!read_uint (root, "n_series", 1, PS_MAX_SERIES, TRUE, 0, PS_ENGINE_ERROR_LIMIT,
                  source, path, &self->n_series, error) ||
      !read_uint (root, "n_parallel", 1, PS_MAX_PARALLEL, TRUE, 0, PS_ENGINE_ERROR_LIMIT,
                  source, path, &self->n_parallel, error))
    return NULL;
  n_cells = (guint64) self->n_series * self->n_parallel;
  if (n_cells > PS_MAX_CELLS)
    {
      fail (error, PS_ENGINE_ERROR_LIMIT, source, path,
            "n_series x n_parallel = %" G_GUINT64_FORMAT " cells, expected at most %u",
            n_cells, PS_MAX_CELLS);
      return NULL;
    }
  self->n_cells = n_cells;

  if (!read_number (root, "r_tab_ohm", PS_JSON_RANGE_NON_NEGATIVE, TRUE, 0, source, path,
                    &self->r_tab_ohm, error) ||
      !read_number (root, "r_busbar_ohm", PS_JSON_RANGE_NON_NEGATIVE, TRUE, 0, source, path,
                    &self->r_busbar_ohm, error))
    return NULL;

  if (!check_cell (cell, source, path, error))
    return NULL;

  if (!parse_outline (root, source, path, self, error) ||
      !parse_cooling (root, source, path, self, error) ||
      !parse_conduction (root, source, path, self, error))
    return NULL;

  modules_node = require_member (root, "modules", source, path, error);
  if (modules_node == NULL)
    return NULL;
  {
    g_autofree char *mpath = _ps_json_member_path (path, "modules");

    if (!JSON_NODE_HOLDS_ARRAY (modules_node) ||
        json_array_get_length (modules = json_node_get_array (modules_node)) == 0)
      {
        fail (error, PS_ENGINE_ERROR_INVALID, source, mpath,
              "expected a non-empty array of modules, got %s", _ps_json_node_kind (modules_node));
        return NULL;
      }
    if (json_array_get_length (modules) > PS_MAX_MODULES)
      {
        fail (error, PS_ENGINE_ERROR_LIMIT, source, mpath,
              "expected at most %u modules, got %u", PS_MAX_MODULES,
              json_array_get_length (modules));
        return NULL;
      }
    self->layout->n_specs = json_array_get_length (modules);
    self->layout->specs = g_new0 (PsModuleSpec, self->layout->n_specs);
    for (guint i = 0; i < self->layout->n_specs; i++)
      {
        g_autofree char *ipath = _ps_json_index_path (mpath, i);

        if (!parse_module_spec (json_array_get_element (modules, i), source, ipath,
                                &self->layout->specs[i], error))
          return NULL;
      }
  }

  {
    JsonNode *preset = json_object_get_member (root, "preset_scenario");

    if (preset != NULL)
      {
        g_autofree char *ppath = _ps_json_member_path (path, "preset_scenario");
        JsonObject *preset_object = NULL;

        if (!_ps_json_get_object (preset, source, ppath, &preset_object, error))
          return NULL;
        if (json_object_has_member (preset_object, "pack") ||
            json_object_has_member (preset_object, "cell"))
          {
            fail (error, PS_ENGINE_ERROR_INVALID, source, ppath,
                  "expected a scenario without \"pack\" or \"cell\" (the pack gives both)");
            return NULL;
          }
        self->preset_scenario = json_node_copy (preset);
      }
  }

  if (!_ps_pack_expand_modules (self, cell, source, path, error))
    return NULL;

  /* module names are unique (views and messages refer to modules by name) */
  {
    g_autoptr(GHashTable) names = g_hash_table_new (g_str_hash, g_str_equal);

    for (guint m = 0; m < self->n_modules; m++)
      if (!g_hash_table_add (names, self->module_name[m]))
        {
          g_autofree char *mpath = _ps_json_member_path (path, "modules");

          fail (error, PS_ENGINE_ERROR_INVALID, source, mpath,
                "two modules are named \"%s\" (expected unique names)", self->module_name[m]);
          return NULL;
        }
  }

  if (!_ps_pack_check_placement (self, source, path, error))
    return NULL;


  _ps_pack_build_grid (self);
  if (!_ps_pack_build_neighbours (self, cell, source, path, error))
    return NULL;

  _ps_pack_fill_info (self);
  return g_steal_pointer (&self);
}

char *
ps_pack_json_get_cell_id (JsonNode    *node,
                          const char  *source_name,
                          const char  *json_path,
                          GError     **error)
{
  const char *source = source_name ? source_name : "pack";
  const char *path = json_path ? json_path : "$";
  JsonObject *root = NULL;
  const char *cell_id = NULL;

  if (!_ps_json_get_object (node, source, path, &root, error) ||
      !read_string (root, "cell", TRUE, source, path, &cell_id, error))
    return NULL;
  return g_strdup (cell_id);
}


/* --------------------------------------------------------------- writing */

JsonNode *
ps_pack_to_json_node (const PsPack *pack)
{
  g_autoptr(JsonBuilder) builder = json_builder_new ();
  const struct _PsPackLayout *layout;

  g_return_val_if_fail (pack != NULL, NULL);
  layout = pack->layout;

  json_builder_begin_object (builder);
  _ps_json_builder_add_string (builder, "id", pack->id);
  _ps_json_builder_add_string (builder, "name", pack->name);
  _ps_json_builder_add_string (builder, "source", pack->source);
  _ps_json_builder_add_string (builder, "cell", pack->cell_type_id);
  _ps_json_builder_add_int (builder, "n_series", pack->n_series);
  _ps_json_builder_add_int (builder, "n_parallel", pack->n_parallel);
  _ps_json_builder_add_double (builder, "r_tab_ohm", pack->r_tab_ohm);
  _ps_json_builder_add_double (builder, "r_busbar_ohm", pack->r_busbar_ohm);

  json_builder_set_member_name (builder, "outline_m");
  json_builder_begin_array (builder);
  for (guint i = 0; i < pack->n_outline; i++)
    {
      json_builder_begin_array (builder);
      json_builder_add_double_value (builder, pack->outline_xy[2 * i]);
      json_builder_add_double_value (builder, pack->outline_xy[2 * i + 1]);
      json_builder_end_array (builder);
    }
  json_builder_end_array (builder);

  json_builder_set_member_name (builder, "modules");
  json_builder_begin_array (builder);
  for (guint i = 0; i < layout->n_specs; i++)
    {
      const PsModuleSpec *spec = &layout->specs[i];

      json_builder_begin_object (builder);
      if (spec->name != NULL)
        _ps_json_builder_add_string (builder, "name", spec->name);
      if (spec->repeat > 1)
        {
          _ps_json_builder_add_int (builder, "repeat", spec->repeat);
          _ps_json_builder_add_doubles (builder, "repeat_step_m", spec->repeat_step, 2, 1.0);
        }
      _ps_json_builder_add_doubles (builder, "origin_m", spec->origin, 2, 1.0);
      _ps_json_builder_add_doubles (builder, "size_m", spec->size, 2, 1.0);
      _ps_json_builder_add_int (builder, "rotation_deg", spec->rotation_deg);
      _ps_json_builder_add_string (builder, "arrangement", _ps_pack_arrangement_names[spec->arrangement]);
      _ps_json_builder_add_int (builder, "columns", spec->columns);
      _ps_json_builder_add_int (builder, "rows", spec->rows);
      _ps_json_builder_add_doubles (builder, "pitch_m", spec->pitch, 2, 1.0);
      _ps_json_builder_add_string (builder, "cell_orientation", _ps_pack_orientation_names[spec->orientation]);
      _ps_json_builder_add_int (builder, "groups", spec->groups);
      _ps_json_builder_add_string (builder, "order", _ps_pack_order_names[spec->order]);
      json_builder_end_object (builder);
    }
  json_builder_end_array (builder);

  json_builder_set_member_name (builder, "cooling");
  json_builder_begin_object (builder);
  if (pack->cooling == PS_COOLING_AIR)
    {
      _ps_json_builder_add_string (builder, "kind", "air");
      _ps_json_builder_add_double (builder, "h_w_m2k", layout->h_w_m2k);
      _ps_json_builder_add_double (builder, "exposed_area_fraction", layout->area_fraction);
    }
  else
    {
      _ps_json_builder_add_string (builder, "kind", "cold_plate");
      if (layout->has_ha)
        _ps_json_builder_add_double (builder, "ha_w_k", layout->ha_w_k);
      else
        {
          _ps_json_builder_add_double (builder, "h_w_m2k", layout->h_w_m2k);
          _ps_json_builder_add_double (builder, "contact_area_fraction", layout->area_fraction);
        }
      _ps_json_builder_add_double (builder, "coolant_flow_kg_s", pack->coolant_flow_kg_s);
      _ps_json_builder_add_double (builder, "coolant_cp_j_kg_k", pack->coolant_cp_j_kg_k);
      _ps_json_builder_add_string (builder, "channel_path", _ps_pack_order_names[layout->channel_path]);
    }
  json_builder_end_object (builder);

  json_builder_set_member_name (builder, "conduction");
  json_builder_begin_object (builder);
  _ps_json_builder_add_double (builder, "contact_w_m2k", layout->contact_w_m2k);
  _ps_json_builder_add_double (builder, "module_contact_w_m2k", layout->module_contact_w_m2k);
  _ps_json_builder_add_double (builder, "filler_k_w_mk", layout->filler_k_w_mk);
  _ps_json_builder_add_double (builder, "max_gap_m", layout->max_gap_m);
  json_builder_end_object (builder);

  if (pack->preset_scenario != NULL)
    {
      json_builder_set_member_name (builder, "preset_scenario");
      json_builder_add_value (builder, json_node_copy (pack->preset_scenario));
    }
  json_builder_end_object (builder);

  return json_builder_get_root (builder);
}

