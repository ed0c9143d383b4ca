/* ps-pack-geometry.c: a pack's layout geometry
 *
 * Expands the compact module descriptions (see ps-pack-json.c) into
 * per-cell centres and footprints, module rectangles and cold-plate
 * channels, checks that modules lie inside the outline and apart, and
 * builds the hit-test grid.
 *
 * The hit test (ps_pack_cell_at) and the neighbour search (ps-pack-thermal.c)
 * use a uniform grid over the pack bounds with about one cell per bucket.
 */
#include "config.h"

#include <math.h>
#include <string.h>

#include "ps-json-private.h"
#include "ps-pack-private.h"

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

gboolean
_ps_pack_segments_cross (double ax, double ay, double bx, double by,
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
      if (_ps_pack_segments_cross (xy[2 * j], xy[2 * j + 1], xy[2 * i], xy[2 * i + 1],
                          cx[k], cy[k], cx[(k + 1) % 4], cy[(k + 1) % 4]))
        return FALSE;
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
gboolean
_ps_pack_expand_modules (PsPack            *self,
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
                           _ps_pack_orientation_names[spec->orientation], cell->id ? cell->id : "");
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

/* Modules inside the outline and apart; then the bounds of outline and
 * cells. */
gboolean
_ps_pack_check_placement (PsPack      *self,
                          const char  *source,
                          const char  *path,
                          GError     **error)
{
  g_autofree char *outline_path = NULL;
  double bx0, by0, bx1, by1;

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
          return FALSE;
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
              return FALSE;
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

  return TRUE;
}

/* ---------------------------------------------------------- grid index */

void
_ps_pack_grid_range (const struct _PsPackLayout *layout,
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

/* The grid buckets cell c's footprint covers. */
static void
cell_grid_range (const PsPack                *self,
                 const struct _PsPackLayout  *layout,
                 guint                        c,
                 guint                       *ix0,
                 guint                       *iy0,
                 guint                       *ix1,
                 guint                       *iy1)
{
  double hw = 0.5 * self->cell_w[c], hh = 0.5 * self->cell_h[c];

  _ps_pack_grid_range (layout, self->cell_x[c] - hw, self->cell_y[c] - hh,
                       self->cell_x[c] + hw, self->cell_y[c] + hh, ix0, iy0, ix1, iy1);
}

void
_ps_pack_build_grid (PsPack *self)
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

      cell_grid_range (self, layout, c, &ix0, &iy0, &ix1, &iy1);
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

      cell_grid_range (self, layout, c, &ix0, &iy0, &ix1, &iy1);
      for (guint iy = iy0; iy <= iy1; iy++)
        for (guint ix = ix0; ix <= ix1; ix++)
          layout->grid_cells[fill[iy * layout->grid_nx + ix]++] = c;
    }
  g_free (fill);
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
