/* ps-pack.c: pack designs from JSON, expanded into per-cell arrays
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
 * Thermal assumptions (documented, not measured):
 * - Two rectangular footprints are neighbours when they face each other (their
 *   projections overlap by a positive length) across a gap <= max_gap_m with
 *   no third cell in between. The contact area A is that overlap times the
 *   cell's upright height. Each cell adds the resistance from its mean
 *   temperature to the face of a slab with uniform heat generation,
 *   e / (6 k A) (e = the cell's extent along the contact normal; k the
 *   through-plane k when that is the cell's thickness, else in-plane k), and
 *   the gap adds 1 / (h_c A) + gap / (k_filler A):
 *     G = 1 / (e_i / (6 k_i A) + e_j / (6 k_j A) + 1 / (h_c A) + gap / (k_f A)).
 * - Cylinders on a grid: each neighbour faces one sixth of the mantle,
 *   A = pi D L / 6, and each cell adds 6 / (8 pi k_radial L) (mean temperature
 *   to surface of a cylinder with uniform generation, 1 / (8 pi k L), shared
 *   by six neighbours), with k_radial = k_through_w_mk; the gap term as above
 *   with gap = centre distance - D. free = 1 - n_neighbours / 6.
 * - Rectangles: free = 1 - (length of the footprint perimeter facing a
 *   neighbour) / perimeter.
 *
 * The hit test (ps_pack_cell_at) and the neighbour search use a uniform grid
 * over the pack bounds with about one cell per bucket.
 */
#include "config.h"

#include <math.h>
#include <string.h>

#include "ps-error.h"
#include "ps-json-private.h"
#include "ps-pack.h"

#define PS_PACK_RESOURCE_PREFIX "/io/github/packscope/Packscope/packs/"
#define GEOM_EPS                1e-7      /* metres: touching is not overlapping */
#define MAX_GAP_LIMIT_M         0.02
#define MAX_COORD_M             1000.0    /* no pack is a kilometre wide */
#define MAX_OUTLINE_POINTS      10000
#define MAX_GRID_BUCKETS        (4u * 1024u * 1024u)

static const char * const preset_ids[] = {
  "leaf-2011", "leaf-2018", "model-s-85", "volt-2011", "forklift-48v", "lg-m50", NULL
};

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

typedef enum { ORDER_COLUMNS, ORDER_ROWS, ORDER_SNAKE_COLUMNS, ORDER_SNAKE_ROWS } PsCellOrder;
static const char * const order_names[] = {
  "columns", "rows", "snake_columns", "snake_rows", NULL
};

typedef enum { ARRANGE_GRID, ARRANGE_HEX } PsArrangement;
static const char * const arrangement_names[] = { "grid", "hex", NULL };

typedef enum { ORIENT_EDGE, ORIENT_FLAT, ORIENT_UPRIGHT } PsOrientation;
static const char * const orientation_names[] = { "edge", "flat", "upright", NULL };

static const char * const cooling_names[] = { "air", "cold_plate", NULL };

typedef struct
{
  char          *name;          /* NULL: "M<n>" */
  guint          repeat;
  double         repeat_step[2];
  double         origin[2];
  double         size[2];
  guint          rotation_deg;
  PsArrangement  arrangement;
  guint          columns;
  guint          rows;
  double         pitch[2];
  PsOrientation  orientation;
  guint          groups;
  PsCellOrder    order;
} PsModuleSpec;

struct _PsPackLayout
{
  guint          n_specs;
  PsModuleSpec  *specs;

  /* cooling as given */
  double         h_w_m2k;
  double         area_fraction;   /* air: exposed; cold plate: contact */
  double         ha_w_k;          /* cold plate, if has_ha */
  gboolean       has_ha;
  PsCellOrder    channel_path;

  /* conduction */
  double         contact_w_m2k;
  double         module_contact_w_m2k;
  double         filler_k_w_mk;
  double         max_gap_m;

  /* per-cell upright height, thin axis (0 x, 1 y, 2 none) */
  double        *cell_z;
  guint8        *cell_thin_axis;
  gboolean       round;           /* cylindrical cells */

  /* uniform grid over bounds: bucket b holds grid_cells[grid_offset[b] ..] */
  double         grid_x0;
  double         grid_y0;
  double         grid_size;
  guint          grid_nx;
  guint          grid_ny;
  guint         *grid_offset;     /* [grid_nx * grid_ny + 1] */
  guint         *grid_cells;
};

/* ---------------------------------------------------------------- errors */

/* Errors read "source: path: what"; a pack read without a source or path (a
 * built-in preset) is named "pack" at "$". */
#define fail(error, code, source, path, ...) \
  _ps_json_set_error ((error), (code), (source) ? (source) : "pack", \
                      (path) ? (path) : "$", __VA_ARGS__)

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

/* ------------------------------------------------------------- geometry */

static gboolean
point_in_polygon (const double *xy,
                  guint         n,
                  double        x,
                  double        y)
{
  gboolean inside = FALSE;

  for (guint i = 0, j = n - 1; i < n; j = i++)
    {
      double xi = xy[2 * i], yi = xy[2 * i + 1];
      double xj = xy[2 * j], yj = xy[2 * j + 1];
      double ex = xj - xi, ey = yj - yi;
      double len2 = ex * ex + ey * ey;
      double t, dx, dy;

      /* on the boundary counts as inside */
      t = len2 > 0.0 ? ((x - xi) * ex + (y - yi) * ey) / len2 : 0.0;
      t = CLAMP (t, 0.0, 1.0);
      dx = xi + t * ex - x;
      dy = yi + t * ey - y;
      if (dx * dx + dy * dy <= 1e-12)
        return TRUE;

      if ((yi > y) != (yj > y) &&
          x < (xj - xi) * (y - yi) / (yj - yi) + xi)
        inside = !inside;
    }
  return inside;
}

static gboolean
segments_cross (double ax, double ay, double bx, double by,
                double cx, double cy, double dx, double dy)
{
  double d1 = (bx - ax) * (cy - ay) - (by - ay) * (cx - ax);
  double d2 = (bx - ax) * (dy - ay) - (by - ay) * (dx - ax);
  double d3 = (dx - cx) * (ay - cy) - (dy - cy) * (ax - cx);
  double d4 = (dx - cx) * (by - cy) - (dy - cy) * (bx - cx);

  /* proper crossings only; touching and collinear pieces are allowed */
  return ((d1 > 1e-12 && d2 < -1e-12) || (d1 < -1e-12 && d2 > 1e-12)) &&
         ((d3 > 1e-12 && d4 < -1e-12) || (d3 < -1e-12 && d4 > 1e-12));
}

/* A rect is inside the outline if its corners are and no outline edge
 * crosses into it (matters for concave outlines such as the Volt's T). */
static gboolean
rect_in_polygon (const double *xy,
                 guint         n,
                 double        x0,
                 double        y0,
                 double        x1,
                 double        y1)
{
  double cx[4] = { x0, x1, x1, x0 };
  double cy[4] = { y0, y0, y1, y1 };

  for (guint k = 0; k < 4; k++)
    if (!point_in_polygon (xy, n, cx[k], cy[k]))
      return FALSE;
  for (guint i = 0, j = n - 1; i < n; j = i++)
    for (guint k = 0; k < 4; k++)
      if (segments_cross (xy[2 * j], xy[2 * j + 1], xy[2 * i], xy[2 * i + 1],
                          cx[k], cy[k], cx[(k + 1) % 4], cy[(k + 1) % 4]))
        return FALSE;
  return TRUE;
}

/* ------------------------------------------------------------ lifecycle */

static void
layout_free (struct _PsPackLayout *layout)
{
  if (layout == NULL)
    return;
  for (guint i = 0; i < layout->n_specs; i++)
    g_free (layout->specs[i].name);
  g_free (layout->specs);
  g_free (layout->cell_z);
  g_free (layout->cell_thin_axis);
  g_free (layout->grid_offset);
  g_free (layout->grid_cells);
  g_free (layout);
}

static void
ps_pack_free (PsPack *self)
{
  g_free (self->id);
  g_free (self->name);
  g_free (self->source);
  g_free (self->cell_type_id);
  g_free (self->group_module);
  g_free (self->module_rect);
  g_strfreev (self->module_name);
  g_free (self->outline_xy);
  g_free (self->cell_x);
  g_free (self->cell_y);
  g_free (self->cell_w);
  g_free (self->cell_h);
  g_free (self->nb_offset);
  g_free (self->nb_index);
  g_free (self->nb_g_w_k);
  g_free (self->cell_ha_w_k);
  g_free (self->channel_offset);
  g_free (self->channel_cells);
  g_clear_pointer (&self->preset_scenario, json_node_unref);
  layout_free (self->layout);
  g_free (self);
}

PsPack *
ps_pack_ref (PsPack *pack)
{
  g_return_val_if_fail (pack != NULL, NULL);
  g_atomic_ref_count_inc (&pack->ref_count);
  return pack;
}

void
ps_pack_unref (PsPack *pack)
{
  g_return_if_fail (pack != NULL);
  if (g_atomic_ref_count_dec (&pack->ref_count))
    ps_pack_free (pack);
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

  if (!read_enum (object, "arrangement", arrangement_names, ARRANGE_GRID, source, path,
                  &value, error))
    return FALSE;
  spec->arrangement = value;
  if (!read_uint (object, "columns", 1, PS_MAX_CELLS, TRUE, 0, PS_ENGINE_ERROR_LIMIT,
                  source, path, &spec->columns, error) ||
      !read_uint (object, "rows", 1, PS_MAX_CELLS, TRUE, 0, PS_ENGINE_ERROR_LIMIT,
                  source, path, &spec->rows, error) ||
      !read_pair (object, "pitch_m", PS_JSON_RANGE_POSITIVE, source, path, spec->pitch, error))
    return FALSE;
  if (!read_enum (object, "cell_orientation", orientation_names, -1, source, path,
                  &value, error))
    return FALSE;
  spec->orientation = value;
  if (!read_uint (object, "groups", 1, PS_MAX_SERIES, TRUE, 0, PS_ENGINE_ERROR_LIMIT,
                  source, path, &spec->groups, error))
    return FALSE;
  if (!read_enum (object, "order", order_names, ORDER_COLUMNS, source, path, &value, error))
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
          if (segments_cross (self->outline_xy[2 * i], self->outline_xy[2 * i + 1],
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
        !read_enum (object, "channel_path", order_names, ORDER_SNAKE_ROWS, source, path,
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

/* ------------------------------------------------------------ expansion */

/* the i-th (column, row) of a module's cells in the given order */
static void
order_position (PsCellOrder  order,
                guint        columns,
                guint        rows,
                guint        s,
                guint       *col,
                guint       *row)
{
  guint major, minor;

  switch (order)
    {
    case ORDER_ROWS:
    case ORDER_SNAKE_ROWS:
      major = s / columns;
      minor = s % columns;
      if (order == ORDER_SNAKE_ROWS && (major & 1))
        minor = columns - 1 - minor;
      *row = major;
      *col = minor;
      break;
    case ORDER_COLUMNS:
    case ORDER_SNAKE_COLUMNS:
    default:
      major = s / rows;
      minor = s % rows;
      if (order == ORDER_SNAKE_COLUMNS && (major & 1))
        minor = rows - 1 - minor;
      *col = major;
      *row = minor;
      break;
    }
}

/* Expands the module specs: group_module, module_rect, module_name, per-cell
 * geometry and (cold plate) channels. */
static gboolean
expand_modules (PsPack            *self,
                const PsCellType  *cell,
                const char        *source,
                const char        *base,
                GError           **error)
{
  g_autofree char *modules_path = _ps_json_member_path (base, "modules");
  struct _PsPackLayout *layout = self->layout;
  guint64 n_modules = 0;
  guint64 n_groups = 0;
  guint module = 0;
  guint group = 0;
  guint channel_fill = 0;

  for (guint i = 0; i < layout->n_specs; i++)
    {
      n_modules += layout->specs[i].repeat;
      n_groups += (guint64) layout->specs[i].repeat * layout->specs[i].groups;
    }
  if (n_modules > PS_MAX_MODULES)
    return fail (error, PS_ENGINE_ERROR_LIMIT, source, modules_path,
                 "expected at most %u modules, got %" G_GUINT64_FORMAT,
                 PS_MAX_MODULES, n_modules);
  if (n_groups != self->n_series)
    return fail (error, PS_ENGINE_ERROR_INVALID, source, modules_path,
                 "the modules hold %" G_GUINT64_FORMAT " series groups, expected n_series = %u",
                 n_groups, self->n_series);

  self->n_modules = n_modules;
  self->group_module = g_new0 (guint, self->n_series);
  self->module_rect = g_new0 (PsRect, n_modules);
  self->module_name = g_new0 (char *, n_modules + 1);
  self->cell_x = g_new0 (double, self->n_cells);
  self->cell_y = g_new0 (double, self->n_cells);
  self->cell_w = g_new0 (double, self->n_cells);
  self->cell_h = g_new0 (double, self->n_cells);
  layout->cell_z = g_new0 (double, self->n_cells);
  layout->cell_thin_axis = g_new0 (guint8, self->n_cells);
  layout->round = cell->shape == PS_CELL_SHAPE_CYLINDRICAL;
  if (self->cooling == PS_COOLING_COLD_PLATE)
    {
      self->n_channels = n_modules;
      self->channel_offset = g_new0 (guint, n_modules + 1);
      self->channel_cells = g_new0 (guint, self->n_cells);
    }

  for (guint i = 0; i < layout->n_specs; i++)
    {
      const PsModuleSpec *spec = &layout->specs[i];
      g_autofree char *path = _ps_json_index_path (modules_path, i);
      double fw, fh, fz;      /* footprint in the module's own frame, upright height */
      guint thin;             /* own axis of the cell's thickness, 2 = upright */
      double extent_u, extent_v, ou, ov;
      guint n_in_module = spec->columns * spec->rows;  /* both <= PS_MAX_CELLS */

      if ((guint64) spec->columns * spec->rows != (guint64) spec->groups * self->n_parallel)
        return fail (error, PS_ENGINE_ERROR_INVALID, source, path,
                     "columns x rows = %u x %u cells, expected groups x n_parallel = %u x %u",
                     spec->columns, spec->rows, spec->groups, self->n_parallel);

      switch (spec->orientation)
        {
        case ORIENT_EDGE:
        case ORIENT_FLAT:
          if (cell->shape == PS_CELL_SHAPE_CYLINDRICAL)
            {
              g_autofree char *mpath = _ps_json_member_path (path, "cell_orientation");

              return fail (error, PS_ENGINE_ERROR_INVALID, source, mpath,
                           "\"%s\" needs a pouch or prismatic cell, but cell \"%s\" is "
                           "cylindrical (expected \"upright\")",
                           orientation_names[spec->orientation], cell->id ? cell->id : "");
            }
          fw = cell->length_m;
          if (spec->orientation == ORIENT_EDGE)
            {
              fh = cell->thickness_m;
              fz = cell->width_m;
              thin = 1;
            }
          else
            {
              fh = cell->width_m;
              fz = cell->thickness_m;
              thin = 2;
            }
          break;
        case ORIENT_UPRIGHT:
        default:
          if (cell->shape != PS_CELL_SHAPE_CYLINDRICAL)
            {
              g_autofree char *mpath = _ps_json_member_path (path, "cell_orientation");

              return fail (error, PS_ENGINE_ERROR_INVALID, source, mpath,
                           "\"upright\" needs a cylindrical cell, but cell \"%s\" is not "
                           "(expected \"edge\" or \"flat\")", cell->id ? cell->id : "");
            }
          fw = fh = cell->width_m;
          fz = cell->length_m;
          thin = 2;
          break;
        }

      /* centres in the module's own frame, centred in size_m */
      extent_u = (spec->columns - 1) * spec->pitch[0];
      extent_v = (spec->rows - 1) * spec->pitch[1] +
                 (spec->arrangement == ARRANGE_HEX && spec->columns > 1 ? 0.5 * spec->pitch[1] : 0.0);
      if (extent_u + fw > spec->size[0] + GEOM_EPS || extent_v + fh > spec->size[1] + GEOM_EPS)
        {
          g_autofree char *mpath = _ps_json_member_path (path, "size_m");

          return fail (error, PS_ENGINE_ERROR_INVALID, source, mpath,
                       "the cells (%u x %u at pitch %g x %g m, cell \"%s\" footprint "
                       "%g x %g m) need %g x %g m, larger than the module",
                       spec->columns, spec->rows, spec->pitch[0], spec->pitch[1],
                       cell->id ? cell->id : "", fw, fh, extent_u + fw, extent_v + fh);
        }
      ou = 0.5 * (spec->size[0] - extent_u);
      ov = 0.5 * (spec->size[1] - extent_v);

      for (guint r = 0; r < spec->repeat; r++, module++)
        {
          double x0 = spec->origin[0] + r * spec->repeat_step[0];
          double y0 = spec->origin[1] + r * spec->repeat_step[1];
          PsRect *rect = &self->module_rect[module];
          guint first_group = group;

          if (fabs (x0) > MAX_COORD_M || fabs (y0) > MAX_COORD_M)
            return fail (error, PS_ENGINE_ERROR_LIMIT, source, path,
                         "module %u lies beyond %g m", r + 1, MAX_COORD_M);

          rect->x = x0;
          rect->y = y0;
          rect->w = spec->rotation_deg == 90 ? spec->size[1] : spec->size[0];
          rect->h = spec->rotation_deg == 90 ? spec->size[0] : spec->size[1];

          if (spec->name == NULL)
            self->module_name[module] = g_strdup_printf ("M%u", module + 1);
          else if (spec->repeat > 1)
            self->module_name[module] = g_strdup_printf ("%s%u", spec->name, r + 1);
          else
            self->module_name[module] = g_strdup (spec->name);

          for (guint g = 0; g < spec->groups; g++)
            self->group_module[group + g] = module;
          group += spec->groups;

          for (guint s = 0; s < n_in_module; s++)
            {
              guint col, row, c;
              double u, v;

              order_position (spec->order, spec->columns, spec->rows, s, &col, &row);
              c = (first_group + s / self->n_parallel) * self->n_parallel +
                  s % self->n_parallel;
              u = ou + col * spec->pitch[0];
              v = ov + row * spec->pitch[1];
              if (spec->arrangement == ARRANGE_HEX && (col & 1))
                v += 0.5 * spec->pitch[1];

              if (spec->rotation_deg == 90)
                {
                  self->cell_x[c] = x0 + spec->size[1] - v;
                  self->cell_y[c] = y0 + u;
                  self->cell_w[c] = fh;
                  self->cell_h[c] = fw;
                  layout->cell_thin_axis[c] = thin == 1 ? 0 : thin;
                }
              else
                {
                  self->cell_x[c] = x0 + u;
                  self->cell_y[c] = y0 + v;
                  self->cell_w[c] = fw;
                  self->cell_h[c] = fh;
                  layout->cell_thin_axis[c] = thin;
                }
              layout->cell_z[c] = fz;
            }

          if (self->cooling == PS_COOLING_COLD_PLATE)
            {
              self->channel_offset[module] = channel_fill;
              for (guint s = 0; s < n_in_module; s++)
                {
                  guint col, row, s_order = 0;

                  /* position along the channel -> cell: invert the group order */
                  order_position (layout->channel_path, spec->columns, spec->rows, s,
                                  &col, &row);
                  switch (spec->order)
                    {
                    case ORDER_ROWS:
                      s_order = row * spec->columns + col;
                      break;
                    case ORDER_SNAKE_ROWS:
                      s_order = row * spec->columns +
                                ((row & 1) ? spec->columns - 1 - col : col);
                      break;
                    case ORDER_SNAKE_COLUMNS:
                      s_order = col * spec->rows + ((col & 1) ? spec->rows - 1 - row : row);
                      break;
                    case ORDER_COLUMNS:
                    default:
                      s_order = col * spec->rows + row;
                      break;
                    }
                  self->channel_cells[channel_fill++] =
                    (first_group + s_order / self->n_parallel) * self->n_parallel +
                    s_order % self->n_parallel;
                }
            }
        }
    }
  if (self->cooling == PS_COOLING_COLD_PLATE)
    self->channel_offset[n_modules] = channel_fill;
  return TRUE;
}

/* ---------------------------------------------------------- grid index */

static void
grid_range (const struct _PsPackLayout *layout,
            double                      x0,
            double                      y0,
            double                      x1,
            double                      y1,
            guint                      *ix0,
            guint                      *iy0,
            guint                      *ix1,
            guint                      *iy1)
{
  double inv = 1.0 / layout->grid_size;
  double fx0 = floor ((x0 - layout->grid_x0) * inv);
  double fy0 = floor ((y0 - layout->grid_y0) * inv);
  double fx1 = floor ((x1 - layout->grid_x0) * inv);
  double fy1 = floor ((y1 - layout->grid_y0) * inv);

  *ix0 = (guint) CLAMP (fx0, 0.0, layout->grid_nx - 1.0);
  *iy0 = (guint) CLAMP (fy0, 0.0, layout->grid_ny - 1.0);
  *ix1 = (guint) CLAMP (fx1, 0.0, layout->grid_nx - 1.0);
  *iy1 = (guint) CLAMP (fy1, 0.0, layout->grid_ny - 1.0);
}

static void
build_grid (PsPack *self)
{
  struct _PsPackLayout *layout = self->layout;
  double area = MAX (self->bounds.w * self->bounds.h, 1e-12);
  double size = sqrt (area / self->n_cells);
  guint n_buckets, total = 0;
  guint *fill;

  /* never finer than the smallest footprint side needs, never too many buckets */
  while ((self->bounds.w / size + 1) * (self->bounds.h / size + 1) > MAX_GRID_BUCKETS)
    size *= 2.0;
  layout->grid_size = size;
  layout->grid_x0 = self->bounds.x;
  layout->grid_y0 = self->bounds.y;
  layout->grid_nx = (guint) (self->bounds.w / size) + 1;
  layout->grid_ny = (guint) (self->bounds.h / size) + 1;
  n_buckets = layout->grid_nx * layout->grid_ny;

  layout->grid_offset = g_new0 (guint, n_buckets + 1);
  for (guint c = 0; c < self->n_cells; c++)
    {
      guint ix0, iy0, ix1, iy1;

      grid_range (layout,
                  self->cell_x[c] - 0.5 * self->cell_w[c], self->cell_y[c] - 0.5 * self->cell_h[c],
                  self->cell_x[c] + 0.5 * self->cell_w[c], self->cell_y[c] + 0.5 * self->cell_h[c],
                  &ix0, &iy0, &ix1, &iy1);
      for (guint iy = iy0; iy <= iy1; iy++)
        for (guint ix = ix0; ix <= ix1; ix++)
          layout->grid_offset[iy * layout->grid_nx + ix + 1]++;
    }
  for (guint b = 0; b < n_buckets; b++)
    {
      total += layout->grid_offset[b + 1];
      layout->grid_offset[b + 1] = total;
    }
  layout->grid_cells = g_new (guint, MAX (total, 1));
  fill = g_memdup2 (layout->grid_offset, sizeof (guint) * n_buckets);
  for (guint c = 0; c < self->n_cells; c++)
    {
      guint ix0, iy0, ix1, iy1;

      grid_range (layout,
                  self->cell_x[c] - 0.5 * self->cell_w[c], self->cell_y[c] - 0.5 * self->cell_h[c],
                  self->cell_x[c] + 0.5 * self->cell_w[c], self->cell_y[c] + 0.5 * self->cell_h[c],
                  &ix0, &iy0, &ix1, &iy1);
      for (guint iy = iy0; iy <= iy1; iy++)
        for (guint ix = ix0; ix <= ix1; ix++)
          layout->grid_cells[fill[iy * layout->grid_nx + ix]++] = c;
    }
  g_free (fill);
}

/* ------------------------------------------------------- neighbours, ha */

typedef struct
{
  guint  i;
  guint  j;
  double g;
} PsPair;

/* signed gap between footprints along each axis (< 0: projections overlap) */
static inline void
rect_gaps (const PsPack *self,
           guint         i,
           guint         j,
           double       *gx,
           double       *gy)
{
  *gx = fabs (self->cell_x[i] - self->cell_x[j]) - 0.5 * (self->cell_w[i] + self->cell_w[j]);
  *gy = fabs (self->cell_y[i] - self->cell_y[j]) - 0.5 * (self->cell_h[i] + self->cell_h[j]);
}

static gboolean
cells_overlap (const PsPack *self,
               guint         i,
               guint         j)
{
  if (self->layout->round)
    {
      double dx = self->cell_x[i] - self->cell_x[j];
      double dy = self->cell_y[i] - self->cell_y[j];
      double r = 0.5 * (self->cell_w[i] + self->cell_w[j]);

      return sqrt (dx * dx + dy * dy) < r - GEOM_EPS;
    }
  else
    {
      double gx, gy;

      rect_gaps (self, i, j, &gx, &gy);
      return gx < -GEOM_EPS && gy < -GEOM_EPS;
    }
}

/* does cell k's footprint reach into the open box (x0,x1) x (y0,y1)? */
static gboolean
cell_intersects_box (const PsPack *self,
                     guint         k,
                     double        x0,
                     double        y0,
                     double        x1,
                     double        y1)
{
  double hw = 0.5 * self->cell_w[k], hh = 0.5 * self->cell_h[k];

  if (self->layout->round)
    {
      double px = CLAMP (self->cell_x[k], x0, x1);
      double py = CLAMP (self->cell_y[k], y0, y1);
      double dx = self->cell_x[k] - px, dy = self->cell_y[k] - py;

      return dx * dx + dy * dy < hw * hw - GEOM_EPS * hw;
    }
  return self->cell_x[k] - hw < x1 - GEOM_EPS && self->cell_x[k] + hw > x0 + GEOM_EPS &&
         self->cell_y[k] - hh < y1 - GEOM_EPS && self->cell_y[k] + hh > y0 + GEOM_EPS;
}

/* is there a third cell in the box between i and j? */
static gboolean
pair_shadowed (const PsPack *self,
               guint         i,
               guint         j,
               double        x0,
               double        y0,
               double        x1,
               double        y1)
{
  const struct _PsPackLayout *layout = self->layout;
  guint ix0, iy0, ix1, iy1;

  if (x1 - x0 <= GEOM_EPS || y1 - y0 <= GEOM_EPS)
    return FALSE;
  grid_range (layout, x0, y0, x1, y1, &ix0, &iy0, &ix1, &iy1);
  for (guint iy = iy0; iy <= iy1; iy++)
    for (guint ix = ix0; ix <= ix1; ix++)
      {
        guint b = iy * layout->grid_nx + ix;

        for (guint e = layout->grid_offset[b]; e < layout->grid_offset[b + 1]; e++)
          {
            guint k = layout->grid_cells[e];

            if (k != i && k != j && cell_intersects_box (self, k, x0, y0, x1, y1))
              return TRUE;
          }
      }
  return FALSE;
}

static inline guint
module_of (const PsPack *self,
           guint         c)
{
  return self->group_module[c / self->n_parallel];
}

/* Tests the pair; on a neighbour, fills *g and the facing length (rects) */
static gboolean
pair_conductance (const PsPack      *self,
                  const PsCellType  *cell,
                  guint              i,
                  guint              j,
                  double            *g,
                  int               *axis,
                  double            *facing)
{
  const struct _PsPackLayout *layout = self->layout;
  double h_c = module_of (self, i) == module_of (self, j) ? layout->contact_w_m2k
                                                          : layout->module_contact_w_m2k;

  if (layout->round)
    {
      double dx = self->cell_x[j] - self->cell_x[i];
      double dy = self->cell_y[j] - self->cell_y[i];
      double d = sqrt (dx * dx + dy * dy);
      double ri = 0.5 * self->cell_w[i], rj = 0.5 * self->cell_w[j];
      double gap = MAX (d - ri - rj, 0.0);
      double len = MIN (layout->cell_z[i], layout->cell_z[j]);
      double area = G_PI * (ri + rj) * len / 6.0;
      double r_cells = 3.0 / (4.0 * G_PI * cell->k_through_w_mk * layout->cell_z[i]) +
                       3.0 / (4.0 * G_PI * cell->k_through_w_mk * layout->cell_z[j]);
      double bx0, by0, bx1, by1;

      if (d - ri - rj > layout->max_gap_m + GEOM_EPS)
        return FALSE;
      /* shadowed if a third cell crosses the band between the two centres */
      bx0 = MIN (self->cell_x[i], self->cell_x[j]);
      bx1 = MAX (self->cell_x[i], self->cell_x[j]);
      by0 = MIN (self->cell_y[i], self->cell_y[j]);
      by1 = MAX (self->cell_y[i], self->cell_y[j]);
      if (d > ri + rj + GEOM_EPS)
        {
          const struct _PsPackLayout *lay = layout;
          guint ix0, iy0, ix1, iy1;

          grid_range (lay, bx0, by0, bx1, by1, &ix0, &iy0, &ix1, &iy1);
          for (guint iy = iy0; iy <= iy1; iy++)
            for (guint ix = ix0; ix <= ix1; ix++)
              {
                guint b = iy * lay->grid_nx + ix;

                for (guint e = lay->grid_offset[b]; e < lay->grid_offset[b + 1]; e++)
                  {
                    guint k = lay->grid_cells[e];
                    double t, px, py, ex, ey;

                    if (k == i || k == j)
                      continue;
                    /* distance from k's centre to the segment i-j */
                    t = ((self->cell_x[k] - self->cell_x[i]) * dx +
                         (self->cell_y[k] - self->cell_y[i]) * dy) / (d * d);
                    if (t <= 0.0 || t >= 1.0)
                      continue;
                    px = self->cell_x[i] + t * dx;
                    py = self->cell_y[i] + t * dy;
                    ex = self->cell_x[k] - px;
                    ey = self->cell_y[k] - py;
                    if (ex * ex + ey * ey < 0.25 * self->cell_w[k] * self->cell_w[k])
                      return FALSE;
                  }
              }
        }
      *g = 1.0 / (r_cells + 1.0 / (h_c * area) + gap / (layout->filler_k_w_mk * area));
      *axis = -1;
      *facing = 0.0;
      return TRUE;
    }
  else
    {
      double gx, gy, gap, overlap, area, ei, ej, ki, kj, len;
      double x0, y0, x1, y1;
      int a;

      rect_gaps (self, i, j, &gx, &gy);
      if (gx >= -GEOM_EPS && gy < -GEOM_EPS)
        {
          a = 0;
          gap = MAX (gx, 0.0);
          overlap = -gy;
        }
      else if (gy >= -GEOM_EPS && gx < -GEOM_EPS)
        {
          a = 1;
          gap = MAX (gy, 0.0);
          overlap = -gx;
        }
      else
        return FALSE;   /* corner to corner, or overlapping */
      if (gap > layout->max_gap_m + GEOM_EPS)
        return FALSE;
      overlap = MIN (overlap, MIN (a == 0 ? self->cell_h[i] : self->cell_w[i],
                                   a == 0 ? self->cell_h[j] : self->cell_w[j]));

      /* the box between the facing sides */
      if (a == 0)
        {
          x0 = MIN (self->cell_x[i] + 0.5 * self->cell_w[i], self->cell_x[j] + 0.5 * self->cell_w[j]);
          x1 = MAX (self->cell_x[i] - 0.5 * self->cell_w[i], self->cell_x[j] - 0.5 * self->cell_w[j]);
          y0 = MAX (self->cell_y[i] - 0.5 * self->cell_h[i], self->cell_y[j] - 0.5 * self->cell_h[j]);
          y1 = MIN (self->cell_y[i] + 0.5 * self->cell_h[i], self->cell_y[j] + 0.5 * self->cell_h[j]);
        }
      else
        {
          y0 = MIN (self->cell_y[i] + 0.5 * self->cell_h[i], self->cell_y[j] + 0.5 * self->cell_h[j]);
          y1 = MAX (self->cell_y[i] - 0.5 * self->cell_h[i], self->cell_y[j] - 0.5 * self->cell_h[j]);
          x0 = MAX (self->cell_x[i] - 0.5 * self->cell_w[i], self->cell_x[j] - 0.5 * self->cell_w[j]);
          x1 = MIN (self->cell_x[i] + 0.5 * self->cell_w[i], self->cell_x[j] + 0.5 * self->cell_w[j]);
        }
      if (pair_shadowed (self, i, j, x0, y0, x1, y1))
        return FALSE;

      len = MIN (layout->cell_z[i], layout->cell_z[j]);
      area = overlap * len;
      ei = a == 0 ? self->cell_w[i] : self->cell_h[i];
      ej = a == 0 ? self->cell_w[j] : self->cell_h[j];
      ki = layout->cell_thin_axis[i] == a ? cell->k_through_w_mk : cell->k_in_plane_w_mk;
      kj = layout->cell_thin_axis[j] == a ? cell->k_through_w_mk : cell->k_in_plane_w_mk;
      *g = 1.0 / (ei / (6.0 * ki * area) + ej / (6.0 * kj * area) +
                  1.0 / (h_c * area) +
                  gap / (layout->filler_k_w_mk * area));
      *axis = a;
      *facing = overlap;
      return TRUE;
    }
}

static int
compare_guint_pair (gconstpointer a,
                    gconstpointer b)
{
  const guint *pa = a, *pb = b;

  return (pa[0] > pb[0]) - (pa[0] < pb[0]);
}

static gboolean
build_neighbours (PsPack            *self,
                  const PsCellType  *cell,
                  const char        *source,
                  const char        *base,
                  GError           **error)
{
  g_autofree char *modules_path = _ps_json_member_path (base, "modules");
  g_autofree char *conduction_path = _ps_json_member_path (base, "conduction");
  g_autofree char *cooling_path = _ps_json_member_path (base, "cooling");
  struct _PsPackLayout *layout = self->layout;
  g_autoptr(GArray) pairs = g_array_new (FALSE, FALSE, sizeof (PsPair));
  g_autofree guint *seen = g_new0 (guint, self->n_cells);
  g_autofree double *covered = g_new0 (double, 4 * (gsize) self->n_cells);  /* per side */
  g_autofree guint *count = g_new0 (guint, self->n_cells);
  g_autofree guint *fill = NULL;
  double gap = layout->max_gap_m + GEOM_EPS;

  for (guint i = 0; i < self->n_cells; i++)
    {
      guint ix0, iy0, ix1, iy1;

      grid_range (layout,
                  self->cell_x[i] - 0.5 * self->cell_w[i] - gap,
                  self->cell_y[i] - 0.5 * self->cell_h[i] - gap,
                  self->cell_x[i] + 0.5 * self->cell_w[i] + gap,
                  self->cell_y[i] + 0.5 * self->cell_h[i] + gap,
                  &ix0, &iy0, &ix1, &iy1);
      for (guint iy = iy0; iy <= iy1; iy++)
        for (guint ix = ix0; ix <= ix1; ix++)
          {
            guint b = iy * layout->grid_nx + ix;

            for (guint e = layout->grid_offset[b]; e < layout->grid_offset[b + 1]; e++)
              {
                guint j = layout->grid_cells[e];
                PsPair pair;
                int axis;
                double facing;

                if (j <= i || seen[j] == i + 1)
                  continue;
                seen[j] = i + 1;

                if (cells_overlap (self, i, j))
                  return fail (error, PS_ENGINE_ERROR_INVALID, source, modules_path,
                               "cells %u (module %s) and %u (module %s) overlap",
                               i, self->module_name[module_of (self, i)],
                               j, self->module_name[module_of (self, j)]);
                if (!pair_conductance (self, cell, i, j, &pair.g, &axis, &facing))
                  continue;
                if (!isfinite (pair.g) || pair.g <= 0.0)
                  return fail (error, PS_ENGINE_ERROR_INVALID, source, conduction_path,
                               "cells %u and %u: conductance %g W/K is not a positive number",
                               i, j, pair.g);
                pair.i = i;
                pair.j = j;
                g_array_append_val (pairs, pair);
                count[i]++;
                count[j]++;
                if (axis >= 0)
                  {
                    /* side 0: -x, 1: +x, 2: -y, 3: +y */
                    gboolean j_after = axis == 0 ? self->cell_x[j] > self->cell_x[i]
                                                 : self->cell_y[j] > self->cell_y[i];

                    covered[4 * (gsize) i + 2 * axis + (j_after ? 1 : 0)] += facing;
                    covered[4 * (gsize) j + 2 * axis + (j_after ? 0 : 1)] += facing;
                  }
              }
          }
    }

  /* CSR, both directions, each row sorted by neighbour index */
  self->nb_offset = g_new0 (guint, self->n_cells + 1);
  for (guint c = 0; c < self->n_cells; c++)
    self->nb_offset[c + 1] = self->nb_offset[c] + count[c];
  self->nb_index = g_new0 (guint, MAX (self->nb_offset[self->n_cells], 1));
  self->nb_g_w_k = g_new0 (double, MAX (self->nb_offset[self->n_cells], 1));
  fill = g_memdup2 (self->nb_offset, sizeof (guint) * self->n_cells);
  for (guint p = 0; p < pairs->len; p++)
    {
      const PsPair *pair = &g_array_index (pairs, PsPair, p);

      self->nb_index[fill[pair->i]] = pair->j;
      self->nb_g_w_k[fill[pair->i]++] = pair->g;
      self->nb_index[fill[pair->j]] = pair->i;
      self->nb_g_w_k[fill[pair->j]++] = pair->g;
    }
  for (guint c = 0; c < self->n_cells; c++)
    {
      guint n = count[c];
      g_autofree guint *tmp = NULL;

      if (n < 2)
        continue;
      /* sort (index, g) together: pack into (index, slot) pairs */
      tmp = g_new (guint, 2 * n);
      for (guint k = 0; k < n; k++)
        {
          tmp[2 * k] = self->nb_index[self->nb_offset[c] + k];
          tmp[2 * k + 1] = k;
        }
      qsort (tmp, n, 2 * sizeof (guint), compare_guint_pair);
      {
        g_autofree double *g = g_memdup2 (&self->nb_g_w_k[self->nb_offset[c]], sizeof (double) * n);

        for (guint k = 0; k < n; k++)
          {
            self->nb_index[self->nb_offset[c] + k] = tmp[2 * k];
            self->nb_g_w_k[self->nb_offset[c] + k] = g[tmp[2 * k + 1]];
          }
      }
    }

  /* cooling conductance per cell */
  self->cell_ha_w_k = g_new0 (double, self->n_cells);
  for (guint c = 0; c < self->n_cells; c++)
    {
      if (self->cooling == PS_COOLING_COLD_PLATE)
        {
          self->cell_ha_w_k[c] = layout->has_ha ? layout->ha_w_k
                                                : layout->h_w_m2k * layout->area_fraction *
                                                  cell->surface_area_m2;
        }
      else
        {
          double free_frac;

          if (layout->round)
            free_frac = 1.0 - MIN (count[c], 6u) / 6.0;
          else
            {
              double side[4] = { self->cell_h[c], self->cell_h[c], self->cell_w[c], self->cell_w[c] };
              double sum = 0.0;

              for (guint s = 0; s < 4; s++)
                sum += MIN (covered[4 * (gsize) c + s], side[s]);
              free_frac = 1.0 - sum / (2.0 * (self->cell_w[c] + self->cell_h[c]));
            }
          free_frac = CLAMP (free_frac, 0.0, 1.0);
          self->cell_ha_w_k[c] = layout->h_w_m2k * cell->surface_area_m2 *
                                 (layout->area_fraction + (1.0 - layout->area_fraction) * free_frac);
        }
      if (!isfinite (self->cell_ha_w_k[c]) || self->cell_ha_w_k[c] <= 0.0)
        return fail (error, PS_ENGINE_ERROR_INVALID, source, cooling_path,
                     "cell %u: cooling conductance %g W/K is not a positive number "
                     "(expected h and an area > 0)", c, self->cell_ha_w_k[c]);
    }
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
  g_autofree char *outline_path = NULL;
  const char *source = source_name ? source_name : "pack";
  const char *path = json_path ? json_path : "$";
  JsonObject *root = NULL;
  JsonNode *modules_node;
  JsonArray *modules;
  const char *str;
  guint64 n_cells;
  double bx0, by0, bx1, by1;

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

  if (!expand_modules (self, cell, source, path, error))
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

  /* modules inside the outline, and apart */
  outline_path = _ps_json_member_path (path, "outline_m");
  for (guint m = 0; m < self->n_modules; m++)
    {
      const PsRect *r = &self->module_rect[m];

      if (!rect_in_polygon (self->outline_xy, self->n_outline, r->x, r->y,
                            r->x + r->w, r->y + r->h))
        {
          fail (error, PS_ENGINE_ERROR_INVALID, source, outline_path,
                "module %s (%g, %g, %g x %g m) is not inside the pack outline",
                self->module_name[m], r->x, r->y, r->w, r->h);
          return NULL;
        }
    }
  if (self->n_modules <= 4000)
    for (guint m = 0; m < self->n_modules; m++)
      for (guint n = m + 1; n < self->n_modules; n++)
        {
          const PsRect *a = &self->module_rect[m], *b = &self->module_rect[n];

          if (a->x < b->x + b->w - GEOM_EPS && b->x < a->x + a->w - GEOM_EPS &&
              a->y < b->y + b->h - GEOM_EPS && b->y < a->y + a->h - GEOM_EPS)
            {
              g_autofree char *mpath = _ps_json_member_path (path, "modules");

              fail (error, PS_ENGINE_ERROR_INVALID, source, mpath,
                    "modules %s and %s overlap", self->module_name[m], self->module_name[n]);
              return NULL;
            }
        }

  /* bounds of outline and cells */
  bx0 = bx1 = self->outline_xy[0];
  by0 = by1 = self->outline_xy[1];
  for (guint i = 1; i < self->n_outline; i++)
    {
      bx0 = MIN (bx0, self->outline_xy[2 * i]);
      bx1 = MAX (bx1, self->outline_xy[2 * i]);
      by0 = MIN (by0, self->outline_xy[2 * i + 1]);
      by1 = MAX (by1, self->outline_xy[2 * i + 1]);
    }
  for (guint c = 0; c < self->n_cells; c++)
    {
      bx0 = MIN (bx0, self->cell_x[c] - 0.5 * self->cell_w[c]);
      bx1 = MAX (bx1, self->cell_x[c] + 0.5 * self->cell_w[c]);
      by0 = MIN (by0, self->cell_y[c] - 0.5 * self->cell_h[c]);
      by1 = MAX (by1, self->cell_y[c] + 0.5 * self->cell_h[c]);
    }
  self->bounds.x = bx0;
  self->bounds.y = by0;
  self->bounds.w = bx1 - bx0;
  self->bounds.h = by1 - by0;

  build_grid (self);
  if (!build_neighbours (self, cell, source, path, error))
    return NULL;

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

PsPack *
ps_pack_new_from_id (const char  *id,
                     GError     **error)
{
  g_autofree char *resource = NULL;
  g_autofree char *source = NULL;
  g_autofree char *cell_id = NULL;
  g_autoptr(GBytes) bytes = NULL;
  g_autoptr(JsonParser) parser = NULL;
  g_autoptr(PsCellType) cell = NULL;
  g_autoptr(PsPack) pack = NULL;
  GError *local_error = NULL;
  JsonNode *root;

  g_return_val_if_fail (id != NULL, NULL);

  if (!g_strv_contains (preset_ids, id))
    {
      g_autofree char *known = g_strjoinv (", ", (char **) preset_ids);

      g_set_error (error, PS_ENGINE_ERROR, PS_ENGINE_ERROR_NOT_FOUND,
                   "%s: unknown pack preset (expected one of: %s)", id, known);
      return NULL;
    }

  resource = g_strconcat (PS_PACK_RESOURCE_PREFIX, id, ".json", NULL);
  source = g_strconcat ("packs/", id, ".json", NULL);
  bytes = g_resources_lookup_data (resource, G_RESOURCE_LOOKUP_FLAGS_NONE, &local_error);
  if (bytes == NULL)
    {
      g_set_error (error, PS_ENGINE_ERROR, PS_ENGINE_ERROR_NOT_FOUND,
                   "%s: cannot read the built-in pack: %s", source, local_error->message);
      g_clear_error (&local_error);
      return NULL;
    }

  parser = json_parser_new_immutable ();
  if (!json_parser_load_from_data (parser, g_bytes_get_data (bytes, NULL),
                                   g_bytes_get_size (bytes), &local_error))
    {
      g_set_error (error, PS_ENGINE_ERROR, PS_ENGINE_ERROR_PARSE,
                   "%s: not valid JSON: %s", source, local_error->message);
      g_clear_error (&local_error);
      return NULL;
    }
  root = json_parser_get_root (parser);

  cell_id = ps_pack_json_get_cell_id (root, source, "$", error);
  if (cell_id == NULL)
    return NULL;
  cell = ps_cell_type_new_from_id (cell_id, &local_error);
  if (cell == NULL)
    {
      g_set_error (error, PS_ENGINE_ERROR, local_error->code, "%s: $.cell: %s",
                   source, local_error->message);
      g_clear_error (&local_error);
      return NULL;
    }

  pack = ps_pack_new_from_json_node (root, cell, source, "$", error);
  if (pack == NULL)
    return NULL;
  if (g_strcmp0 (pack->id, id) != 0)
    {
      g_set_error (error, PS_ENGINE_ERROR, PS_ENGINE_ERROR_INVALID,
                   "%s: $.id: expected \"%s\", got \"%s\"", source, id, pack->id);
      return NULL;
    }
  return g_steal_pointer (&pack);
}

char **
ps_pack_list_presets (void)
{
  return g_strdupv ((char **) preset_ids);
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
      _ps_json_builder_add_string (builder, "arrangement", arrangement_names[spec->arrangement]);
      _ps_json_builder_add_int (builder, "columns", spec->columns);
      _ps_json_builder_add_int (builder, "rows", spec->rows);
      _ps_json_builder_add_doubles (builder, "pitch_m", spec->pitch, 2, 1.0);
      _ps_json_builder_add_string (builder, "cell_orientation", orientation_names[spec->orientation]);
      _ps_json_builder_add_int (builder, "groups", spec->groups);
      _ps_json_builder_add_string (builder, "order", order_names[spec->order]);
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
      _ps_json_builder_add_string (builder, "channel_path", order_names[layout->channel_path]);
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

/* ------------------------------------------------------------- hit test */

int
ps_pack_cell_at (const PsPack *pack,
                 double        x,
                 double        y)
{
  const struct _PsPackLayout *layout;
  guint ix, iy, b;
  int best = -1;
  double best_d2 = G_MAXDOUBLE;
  double fx, fy;

  g_return_val_if_fail (pack != NULL, -1);
  layout = pack->layout;

  if (!isfinite (x) || !isfinite (y))
    return -1;
  fx = floor ((x - layout->grid_x0) / layout->grid_size);
  fy = floor ((y - layout->grid_y0) / layout->grid_size);
  if (fx < 0 || fy < 0 || fx >= layout->grid_nx || fy >= layout->grid_ny)
    return -1;
  ix = (guint) fx;
  iy = (guint) fy;
  b = iy * layout->grid_nx + ix;

  for (guint e = layout->grid_offset[b]; e < layout->grid_offset[b + 1]; e++)
    {
      guint c = layout->grid_cells[e];
      double dx = x - pack->cell_x[c], dy = y - pack->cell_y[c];
      double d2 = dx * dx + dy * dy;
      gboolean inside;

      if (layout->round)
        inside = d2 <= 0.25 * pack->cell_w[c] * pack->cell_w[c];
      else
        inside = fabs (dx) <= 0.5 * pack->cell_w[c] && fabs (dy) <= 0.5 * pack->cell_h[c];
      if (inside && d2 < best_d2)
        {
          best = (int) c;
          best_d2 = d2;
        }
    }
  return best;
}
