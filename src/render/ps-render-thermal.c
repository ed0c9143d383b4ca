/* ps-render-thermal.c: the temperature field over the pack footprint
 *
 * The field is the modified Shepard interpolation of Franke and Little
 * (ps-thermal-nodes.c, shared with the GL thermal view), evaluated on a
 * grid of at most MAX_GRID pixels across the visible part of the pack and
 * scaled up bilinearly. The grid's neighbours and weights depend only on
 * the geometry and the view, so they are cached per thread (or, for a view
 * that computes them off its UI thread, held by the caller: PsThermalGrid);
 * a frame then costs K multiply-adds per grid pixel.
 * The result is clipped to the pack outline, coloured with inferno and
 * optionally contoured (marching squares) at the scale's round values.
 */
#include "config.h"

#include <math.h>
#include <string.h>

#include "ps-render-private.h"

#define K_NEAREST PS_THERMAL_NODES_K
#define MAX_GRID  320

/* grid pixel flags (PsThermalNodeFlags): the field is shown only on and
 * between cells (not over empty parts of the pack, where there is nothing
 * to interpolate), and contoured only inside the outline */
#define PIXEL_NEAR_CELL      PS_THERMAL_NODE_NEAR_CELL
#define PIXEL_IN_OUTLINE     PS_THERMAL_NODE_IN_OUTLINE

/* the neutral tint over the pack's empty parts: the foreground at this alpha */
#define TINT_ALPHA 0.08

struct _PsThermalGrid
{
  /* key */
  const PsPackInfo *pack;
  guint         n_cells;
  double        geometry_sum;     /* catches a new pack at the same address */
  double        rx0, ry0, rx1, ry1;  /* the grid's extent, metres */
  int           gw, gh;

  gatomicrefcount ref_count;
  PsPack       *pack_ref;         /* owned, for ps_thermal_grid_compute; NULL
                                   * in the per-thread cache */

  /* per grid pixel: K neighbours, normalised weights, flags (NULL until
   * computed) */
  PsThermalNodes *nodes;
  cairo_surface_t *surface;       /* gw x gh ARGB32 */
  float        *field;            /* gw x gh, display units; NaN outside */
};

typedef PsThermalGrid ThermalCache;

void
_ps_render_thermal_cache_free (gpointer data)
{
  ps_thermal_grid_unref (data);
}

PsThermalGrid *
ps_thermal_grid_ref (PsThermalGrid *grid)
{
  g_return_val_if_fail (grid != NULL, NULL);

  g_atomic_ref_count_inc (&grid->ref_count);
  return grid;
}

void
ps_thermal_grid_unref (PsThermalGrid *grid)
{
  if (grid == NULL || !g_atomic_ref_count_dec (&grid->ref_count))
    return;
  ps_thermal_nodes_free (grid->nodes);
  g_free (grid->field);
  g_clear_pointer (&grid->surface, cairo_surface_destroy);
  g_clear_pointer (&grid->pack_ref, ps_pack_unref);
  g_free (grid);
}

/* The key of the grid for pack under tr: FALSE when the view shows no part
 * of the pack (no field to draw) */
static gboolean
grid_key (const PsPack          *pack_ref,
          const PsViewTransform *tr,
          ThermalCache          *key)
{
  const PsPackInfo *pack = ps_pack_get_info (pack_ref);
  /* the visible part of the pack bounds, in metres */
  double vx0, vx1, vy0, vy1, rx0, rx1, ry0, ry1;
  double px_w, px_h;
  int gw, gh;

  if (!(tr->scale > 0) || !isfinite (tr->scale))
    return FALSE;
  vx0 = (tr->plot_x - tr->offset_x) / tr->scale;
  vx1 = (tr->plot_x + tr->plot_w - tr->offset_x) / tr->scale;
  vy1 = (tr->offset_y - tr->plot_y) / tr->scale;
  vy0 = (tr->offset_y - tr->plot_y - tr->plot_h) / tr->scale;
  rx0 = MAX (vx0, pack->bounds.x);
  rx1 = MIN (vx1, pack->bounds.x + pack->bounds.w);
  ry0 = MAX (vy0, pack->bounds.y);
  ry1 = MIN (vy1, pack->bounds.y + pack->bounds.h);
  if (!(rx1 > rx0) || !(ry1 > ry0))
    return FALSE;

  /* no finer than the view's pixels, no more than MAX_GRID across */
  px_w = (rx1 - rx0) * tr->scale;
  px_h = (ry1 - ry0) * tr->scale;
  if (px_w >= px_h)
    {
      gw = CLAMP ((int) ceil (px_w), 2, MAX_GRID);
      gh = CLAMP ((int) ceil (gw * px_h / px_w), 2, MAX_GRID);
    }
  else
    {
      gh = CLAMP ((int) ceil (px_h), 2, MAX_GRID);
      gw = CLAMP ((int) ceil (gh * px_w / px_h), 2, MAX_GRID);
    }

  key->pack = pack;
  key->n_cells = pack->n_cells;
  key->geometry_sum = _ps_render_geometry_sum (pack);
  key->rx0 = rx0; key->rx1 = rx1; key->ry0 = ry0; key->ry1 = ry1;
  key->gw = gw;
  key->gh = gh;
  return TRUE;
}

static gboolean
grid_key_equal (const ThermalCache *a,
                const ThermalCache *b)
{
  return a->pack == b->pack && a->n_cells == b->n_cells &&
         a->geometry_sum == b->geometry_sum && a->gw == b->gw && a->gh == b->gh &&
         a->rx0 == b->rx0 && a->rx1 == b->rx1 && a->ry0 == b->ry0 && a->ry1 == b->ry1;
}

static ThermalCache *
grid_new (const ThermalCache *key)
{
  ThermalCache *c = g_new0 (ThermalCache, 1);

  c->pack = key->pack;
  c->n_cells = key->n_cells;
  c->geometry_sum = key->geometry_sum;
  c->rx0 = key->rx0; c->rx1 = key->rx1; c->ry0 = key->ry0; c->ry1 = key->ry1;
  c->gw = key->gw;
  c->gh = key->gh;
  g_atomic_ref_count_init (&c->ref_count);
  return c;
}

/* The slow part: the grid's nodes (pack_ref is the grid's pack) */
static void
grid_compute (ThermalCache *c,
              const PsPack *pack_ref)
{
  int gw = c->gw, gh = c->gh;
  g_autofree double *xs = g_new (double, gw);
  g_autofree double *ys = g_new (double, gh);

  if (c->nodes != NULL)
    return;
  c->field = g_new (float, (gsize) gw * gh);
  c->surface = cairo_image_surface_create (CAIRO_FORMAT_ARGB32, gw, gh);

  /* grid pixel centres; row 0 is the top (largest y) */
  for (int i = 0; i < gw; i++)
    xs[i] = c->rx0 + (i + 0.5) * (c->rx1 - c->rx0) / gw;
  for (int j = 0; j < gh; j++)
    ys[j] = c->ry1 - (j + 0.5) * (c->ry1 - c->ry0) / gh;
  c->nodes = ps_thermal_nodes_new (pack_ref, xs, gw, ys, gh);
}

/* The calling thread's grid for pack under tr, computed here if it is not
 * the last one drawn */
static ThermalCache *
thermal_cache_get (const PsPack          *pack_ref,
                   const PsViewTransform *tr)
{
  gpointer *slot = _ps_render_thermal_cache_slot ();
  ThermalCache *c = *slot;
  ThermalCache key;

  if (!grid_key (pack_ref, tr, &key))
    return NULL;
  if (c != NULL && grid_key_equal (c, &key))
    return c;

  ps_thermal_grid_unref (c);
  c = grid_new (&key);
  *slot = c;
  grid_compute (c, pack_ref);
  return c;
}

PsThermalGrid *
ps_thermal_grid_new (const PsPack          *pack,
                     const PsViewTransform *tr)
{
  ThermalCache key, *c;

  g_return_val_if_fail (pack != NULL, NULL);
  g_return_val_if_fail (tr != NULL, NULL);

  if (!grid_key (pack, tr, &key))
    return NULL;
  c = grid_new (&key);
  c->pack_ref = ps_pack_ref ((PsPack *) pack);
  return c;
}

gboolean
ps_thermal_grid_matches (const PsThermalGrid   *grid,
                         const PsPack          *pack,
                         const PsViewTransform *tr)
{
  ThermalCache key;

  g_return_val_if_fail (pack != NULL, FALSE);
  g_return_val_if_fail (tr != NULL, FALSE);

  if (!grid_key (pack, tr, &key))
    return grid == NULL;
  return grid != NULL && grid_key_equal (grid, &key);
}

void
ps_thermal_grid_compute (PsThermalGrid *grid)
{
  g_return_if_fail (grid != NULL && grid->pack_ref != NULL);

  grid_compute (grid, grid->pack_ref);
}

gboolean
ps_thermal_grid_is_computed (const PsThermalGrid *grid)
{
  g_return_val_if_fail (grid != NULL, FALSE);

  return grid->nodes != NULL;
}

/* The field's grid for one frame: per grid pixel the interpolated value
 * (display units, for the contours) and its colour. Grid pixels away from
 * the cells hold the neutral tint of the pack's empty parts: scaled up
 * bilinearly, a field pixel next to them is the field over the tint, the
 * same as painting the tint under a field that is transparent there, in
 * one paint instead of two. */
static void
grid_colours (ThermalCache        *c,
              const double        *temp,
              gboolean             all_finite,
              double               offset,
              double               lo,
              double               hi,
              const guint32       *table,
              const PsRenderStyle *style)
{
  guint32 *data;
  int stride;
  double inv = 256.0 / (hi - lo);
  guint32 tint = _ps_render_solid_pixel (style->fg, TINT_ALPHA);

  cairo_surface_flush (c->surface);
  data = (guint32 *) (gpointer) cairo_image_surface_get_data (c->surface);
  stride = cairo_image_surface_get_stride (c->surface) / 4;
  for (int j = 0; j < c->gh; j++)
    for (int i = 0; i < c->gw; i++)
      {
        gsize p = (gsize) j * c->gw + i;
        const guint32 *nb = &c->nodes->cells[p * K_NEAREST];
        const float *w = &c->nodes->weights[p * K_NEAREST];
        double sum = 0.0, wsum = 0.0;
        guint32 *px = &data[(gsize) j * stride + i];

        if (all_finite)
          {
            /* away from the cells only the tint shows and no contour
             * runs: no sum needed */
            if (!(c->nodes->flags[p] & PIXEL_NEAR_CELL))
              {
                c->field[p] = NAN;
                *px = c->nodes->weight_sum[p] > 0 ? tint : 0xff999999u;
                continue;
              }
            /* the same sums as below, without a test per term */
            for (int k = 0; k < K_NEAREST; k++)
              sum += w[k] * temp[nb[k]];
            wsum = c->nodes->weight_sum[p];
          }
        else
          for (int k = 0; k < K_NEAREST; k++)
            {
              double t = temp[nb[k]];

              if (isfinite (t))
                {
                  sum += w[k] * t;
                  wsum += w[k];
                }
            }
        if (wsum > 0)
          {
            double v = sum / wsum + offset;
            guint8 flags = c->nodes->flags[p];
            int bin = (int) floor ((v - lo) * inv);

            /* contours stay inside the outline without a clip */
            c->field[p] = flags == (PIXEL_NEAR_CELL | PIXEL_IN_OUTLINE) ? (float) v : NAN;
            bin = CLAMP (bin, 0, 255);
            *px = (flags & PIXEL_NEAR_CELL) ? 0xff000000u | table[bin] : tint;
          }
        else
          {
            c->field[p] = NAN;
            *px = 0xff999999u;
          }
      }
  cairo_surface_mark_dirty (c->surface);
}

/* Where a level crosses grid edge `id` (horizontal edges first, then
 * vertical), in view coordinates */
static void
edge_point (const ThermalCache    *c,
            const PsViewTransform *tr,
            double                 level,
            gint32                 id,
            double                *x,
            double                *y)
{
  int n_h = c->gw * c->gh;
  gboolean vertical = id >= n_h;
  int k = vertical ? id - n_h : id;
  int i = k % c->gw, j = k / c->gw;
  double va = c->field[j * c->gw + i];
  double vb = vertical ? c->field[(j + 1) * c->gw + i] : c->field[j * c->gw + i + 1];
  double t = vb != va ? (level - va) / (vb - va) : 0.5;
  double gx = vertical ? i : i + t;
  double gy = vertical ? j + t : j;

  *x = _ps_view_x (tr, c->rx0 + (gx + 0.5) * (c->rx1 - c->rx0) / c->gw);
  *y = _ps_view_y (tr, c->ry1 - (gy + 0.5) * (c->ry1 - c->ry0) / c->gh);
}

/* Marching squares on the field at one level. The segments are chained
 * through the grid edges they share into polylines (and nearly coincident
 * points dropped), because cairo strokes a few long polylines much faster
 * than thousands of separate segments. Saddles are split by the cell's
 * mean value. NaN corners (outside the outline or away from cells) end a
 * line. */
static gint32 *
contour_buffers (const ThermalCache *c)
{
  gsize n_ids = 2 * (gsize) c->gw * c->gh;
  gsize max_segs = 2 * (gsize) (c->gw - 1) * (c->gh - 1) + 1;
  gint32 *links = _ps_render_scratch (_PS_SCRATCH_THERMAL_VALUES,
                                      (2 * n_ids + 5 * max_segs) * sizeof (gint32));

  /* every edge starts unlinked (-1); contour_level leaves them so */
  memset (links, 0xff, 2 * n_ids * sizeof (gint32));
  return links;
}

static void
contour_level (cairo_t               *cr,
               const ThermalCache    *c,
               const PsViewTransform *tr,
               gint32                *links,
               double                 level)
{
  int gw = c->gw, gh = c->gh;
  gsize n_ids = 2 * (gsize) gw * gh;
  gsize max_segs = 2 * (gsize) (gw - 1) * (gh - 1) + 1;
  /* after the per-edge slots: per segment two edges and a mark, and the
   * list of edges touched, to reset them cheaply */
  gint32 *seg = links + 2 * n_ids;
  gint32 *done = seg + 2 * max_segs;
  gint32 *touched = done + max_segs;
  gsize n_segs = 0, n_touched = 0;
  int n_h = gw * gh;

  for (int j = 0; j + 1 < gh; j++)
    for (int i = 0; i + 1 < gw; i++)
      {
        double v[4] = {
          c->field[j * gw + i], c->field[j * gw + i + 1],
          c->field[(j + 1) * gw + i + 1], c->field[(j + 1) * gw + i],
        };
        /* edges: 0 top, 1 right, 2 bottom, 3 left */
        gint32 edge[4] = {
          j * gw + i, n_h + j * gw + i + 1, (j + 1) * gw + i, n_h + j * gw + i,
        };
        gint32 cross[4];
        int n_cross = 0, mask = 0;

        if (!isfinite (v[0]) || !isfinite (v[1]) || !isfinite (v[2]) || !isfinite (v[3]))
          continue;
        for (int k = 0; k < 4; k++)
          if (v[k] >= level)
            mask |= 1 << k;
        if (mask == 0 || mask == 15)
          continue;
        for (int e = 0; e < 4; e++)
          if ((v[e] >= level) != (v[(e + 1) % 4] >= level))
            cross[n_cross++] = edge[e];

        for (int k = 0; k + 1 < n_cross; k += 2)
          {
            gint32 a = cross[k], b = cross[k + 1];

            if (n_cross == 4)
              {
                /* saddle: pair the crossings by the centre value */
                double centre = 0.25 * (v[0] + v[1] + v[2] + v[3]);
                gboolean pair01 = (centre >= level) == ((mask & 1) == 0);

                if (!pair01)
                  {
                    a = k == 0 ? cross[0] : cross[1];
                    b = k == 0 ? cross[3] : cross[2];
                  }
              }
            seg[2 * n_segs] = a;
            seg[2 * n_segs + 1] = b;
            done[n_segs] = 0;
            for (int end = 0; end < 2; end++)
              {
                gint32 id = end ? b : a;

                if (links[2 * id] < 0)
                  {
                    links[2 * id] = (gint32) n_segs;
                    touched[n_touched++] = id;
                  }
                else
                  links[2 * id + 1] = (gint32) n_segs;
              }
            n_segs++;
          }
      }

  for (gsize s0 = 0; s0 < n_segs; s0++)
    {
      gint32 cur = (gint32) s0, edge_in, e;
      double lx, ly, x, y;
      gsize guard = 0;

      if (done[s0])
        continue;

      /* walk back to the start of the line (or once round a loop) */
      edge_in = seg[2 * cur];
      for (guard = 0; guard < n_segs; guard++)
        {
          gint32 prev = links[2 * edge_in] == cur ? links[2 * edge_in + 1] : links[2 * edge_in];

          if (prev < 0 || prev == (gint32) s0 || done[prev])
            break;
          edge_in = seg[2 * prev] == edge_in ? seg[2 * prev + 1] : seg[2 * prev];
          cur = prev;
        }

      /* then forward, emitting points */
      edge_point (c, tr, level, edge_in, &lx, &ly);
      cairo_move_to (cr, lx, ly);
      for (guard = 0; guard <= n_segs; guard++)
        {
          gint32 next;

          done[cur] = 1;
          e = seg[2 * cur] == edge_in ? seg[2 * cur + 1] : seg[2 * cur];
          edge_point (c, tr, level, e, &x, &y);
          next = links[2 * e] == cur ? links[2 * e + 1] : links[2 * e];
          if (next < 0 || done[next])
            {
              cairo_line_to (cr, x, y);
              break;
            }
          if (fabs (x - lx) + fabs (y - ly) > 0.8)
            {
              cairo_line_to (cr, x, y);
              lx = x;
              ly = y;
            }
          edge_in = e;
          cur = next;
        }
    }

  for (gsize k = 0; k < n_touched; k++)
    links[2 * touched[k]] = links[2 * touched[k] + 1] = -1;
}

/* A frame ps_render_thermal can draw a field for */
static gboolean
thermal_frame_ok (const PsFrame *frame)
{
  const PsPackInfo *pack = frame ? ps_pack_get_info (frame->pack) : NULL;

  return pack != NULL && frame->n_cells > 0 && frame->n_cells == pack->n_cells &&
         pack->cell_x != NULL && pack->cell_y != NULL && pack->cell_w != NULL &&
         pack->cell_h != NULL && frame->cell_temp_k != NULL;
}

/* What the field and its decorations share for one frame at one size */
typedef struct
{
  PsViewTransform tr;
  double          fs;
  const char     *unit;
  double          offset;       /* display = kelvin + offset */
  double          tmin, tmax;   /* display units; +-INFINITY: no finite values */
  guint           icold, ihot;
  gboolean        all_finite;
  double          lo, hi, step; /* the colour scale, display units */
  guint           n_runaway;    /* cells in runaway, left out of the scale */
} ThermalScale;

/* The hottest cell's marker: its centre, the ring's (or the cell
 * rectangle's) half sizes and the box of its label, text at (lx, ly) */
typedef struct
{
  double x, y, hw, hh;
  gboolean round;
  double lx, ly, tw, th;
  char text[64];
} HotMarker;

static void
hot_marker (cairo_t             *cr,
            const PsPackInfo    *pack,
            const PsRenderStyle *style,
            const ThermalScale  *s,
            HotMarker           *m)
{
  const PsViewTransform *tr = &s->tr;
  double cell_px = MAX (pack->cell_w[s->ihot], pack->cell_h[s->ihot]) * tr->scale;
  double r = MAX (6.0, 0.5 * cell_px + 2.0);

  m->x = _ps_view_x (tr, pack->cell_x[s->ihot]);
  m->y = _ps_view_y (tr, pack->cell_y[s->ihot]);
  m->round = pack->cell_shape == PS_CELL_SHAPE_CYLINDRICAL;
  m->hw = m->hh = r;
  if (!m->round)
    {
      /* the cell's own rectangle, 2 px out */
      m->hw = MAX (0.5 * pack->cell_w[s->ihot] * tr->scale + 2.0, 4.0);
      m->hh = MAX (0.5 * pack->cell_h[s->ihot] * tr->scale + 2.0, 4.0);
      r = m->hh;
    }
  g_snprintf (m->text, sizeof m->text, "%.*f %s",
              MIN (_ps_render_step_decimals (s->step) + 1, 3), s->tmax, s->unit);
  _ps_render_set_font (cr, style, 0.85, TRUE);
  m->tw = _ps_render_text_width (cr, m->text);
  m->th = 0.85 * s->fs;
  m->lx = m->x + r + 4;
  m->ly = m->y - r - s->fs;
  if (m->lx + m->tw + 4 > tr->plot_x + tr->plot_w)
    m->lx = m->x - r - 4 - m->tw;
  if (m->ly < tr->plot_y)
    m->ly = m->y + r + 2;
}

/* Each isotherm's value where it first crosses the field's middle row (or
 * a row a quarter above or below), boxed, skipped where it would overlap
 * a label already placed or the hottest cell's marker and label. The
 * field must hold the frame's values (grid_colours). */
static GArray *
isotherm_labels (const PsFrame       *frame,
                 const PsRenderStyle *style,
                 const ThermalCache  *c,
                 const ThermalScale  *s)
{
  const PsViewTransform *tr = &s->tr;
  GArray *out = g_array_new (FALSE, TRUE, sizeof (PsThermalLabel));
  int n = (int) floor ((s->hi - s->lo) / s->step + 1e-6);
  int decimals = _ps_render_step_decimals (s->step);
  double placed[66][4];
  guint n_placed = 0;
  const int rows[3] = { c->gh / 2, c->gh / 4, (3 * c->gh) / 4 };
  cairo_t *cr = _ps_render_measure_context ();

  if (isfinite (s->tmax))
    {
      HotMarker m;

      hot_marker (cr, ps_pack_get_info (frame->pack), style, s, &m);
      placed[n_placed][0] = m.x - m.hw - 2;
      placed[n_placed][1] = m.y - m.hh - 2;
      placed[n_placed][2] = m.x + m.hw + 2;
      placed[n_placed][3] = m.y + m.hh + 2;
      n_placed++;
      placed[n_placed][0] = m.lx - 2;
      placed[n_placed][1] = m.ly - 2;
      placed[n_placed][2] = m.lx + m.tw + 2;
      placed[n_placed][3] = m.ly + m.th + 2;
      n_placed++;
    }

  _ps_render_set_font (cr, style, 0.75, FALSE);
  for (int k = 1; k < n && n_placed < G_N_ELEMENTS (placed); k++)
    {
      double level = s->lo + k * s->step;
      PsThermalLabel label = { 0 };
      double tw, th = 0.75 * s->fs;
      gboolean done = FALSE;

      g_snprintf (label.text, sizeof label.text, "%.*f", decimals, level);
      tw = _ps_render_text_width (cr, label.text);
      for (guint r = 0; r < G_N_ELEMENTS (rows) && !done; r++)
        {
          int j = rows[r];

          for (int i = 0; i + 1 < c->gw && !done; i++)
            {
              double va = c->field[j * c->gw + i], vb = c->field[j * c->gw + i + 1];
              double x, y, bx, by;
              gboolean free_place = TRUE;

              if (!isfinite (va) || !isfinite (vb) || (va >= level) == (vb >= level))
                continue;
              edge_point (c, tr, level, j * c->gw + i, &x, &y);
              bx = round (x - 0.5 * tw - 2);
              by = round (y - 0.5 * th - 2);
              if (bx < tr->plot_x || by < tr->plot_y ||
                  bx + tw + 4 > tr->plot_x + tr->plot_w || by + th + 4 > tr->plot_y + tr->plot_h)
                continue;
              for (guint p = 0; p < n_placed && free_place; p++)
                free_place = bx + tw + 4 < placed[p][0] || bx > placed[p][2] ||
                             by + th + 4 < placed[p][1] || by > placed[p][3];
              if (!free_place)
                continue;
              placed[n_placed][0] = bx;
              placed[n_placed][1] = by;
              placed[n_placed][2] = bx + tw + 4;
              placed[n_placed][3] = by + th + 4;
              n_placed++;
              label.value = level;
              label.x = bx;
              label.y = by;
              label.width = tw + 4;
              label.height = th + 4;
              g_array_append_val (out, label);
              done = TRUE;
            }
        }
    }
  cairo_destroy (cr);
  return out;
}

/* The labels on a box of the background */
static void
draw_isotherm_labels (cairo_t             *cr,
                      const PsRenderStyle *style,
                      GArray              *labels)
{
  _ps_render_set_font (cr, style, 0.75, FALSE);
  for (guint k = 0; k < labels->len; k++)
    {
      const PsThermalLabel *l = &g_array_index (labels, PsThermalLabel, k);

      cairo_rectangle (cr, l->x, l->y, l->width, l->height);
      _ps_render_set_rgba (cr, style->bg, 0.75);
      cairo_fill (cr);
      _ps_render_set_rgba (cr, style->fg, 1.0);
      _ps_render_text (cr, l->x + 2, l->y + 2, 0.0, 0.0, l->text);
    }
}

static void
thermal_scale (const PsFrame       *frame,
               const PsRenderStyle *style,
               double               width,
               double               height,
               ThermalScale        *s)
{
  gboolean kelvin = style->temp_unit == PS_TEMP_UNIT_KELVIN;
  const double *temp = frame->cell_temp_k;
  guint n_finite = 0;

  s->fs = style->font_size > 0 ? style->font_size : 12.0;
  s->unit = kelvin ? "K" : "°C";
  s->offset = kelvin ? 0.0 : -273.15;
  s->tmin = INFINITY;
  s->tmax = -INFINITY;
  s->icold = s->ihot = 0;
  s->n_runaway = 0;
  for (guint i = 0; i < frame->n_cells; i++)
    {
      double t = temp[i];

      if (!isfinite (t))
        continue;
      n_finite++;
      /* a cell in runaway stays out of the scale (it clamps to its top
       * and is marked) */
      if (_ps_render_cell_in_runaway (frame, i))
        {
          s->n_runaway++;
          continue;
        }
      if (t < s->tmin)
        {
          s->tmin = t;
          s->icold = i;
        }
      if (t > s->tmax)
        {
          s->tmax = t;
          s->ihot = i;
        }
    }
  s->tmin += s->offset;
  s->tmax += s->offset;
  s->all_finite = n_finite == frame->n_cells;

  ps_render_view_transform (frame->pack, style, width, height, &s->tr);
  s->lo = s->tmin;
  s->hi = s->tmax;
  /* at least the style's span (a 0.7 K spread is not a rainbow: cells
   * within a few kelvin of each other look alike), or the user's range */
  if (isfinite (style->thermal_lo) && isfinite (style->thermal_hi) &&
      style->thermal_hi > style->thermal_lo)
    {
      s->lo = style->thermal_lo + s->offset;
      s->hi = style->thermal_hi + s->offset;
    }
  s->step = _ps_render_nice_range (&s->lo, &s->hi,
                                   style->thermal_min_span > 0 ? style->thermal_min_span : 1.0,
                                   MAX (2, (int) (s->tr.plot_h / (s->fs * 3.0))));
}

/* Everything over the field: module outlines (when the field is shown),
 * the isotherms (from the cairo field's grid, when given), the pack
 * outline, the hottest cell's marker and label, the header and the colour
 * bar. */
static void
thermal_decorations (cairo_t             *cr,
                     const PsFrame       *frame,
                     const PsRenderStyle *style,
                     double               width,
                     const ThermalScale  *s,
                     gboolean             field_shown,
                     ThermalCache        *iso,
                     gboolean             contours)
{
  const PsPackInfo *pack = ps_pack_get_info (frame->pack);
  const PsViewTransform *tr = &s->tr;
  double fs = s->fs;
  char text[256], hot[64], cold[64];
  int decimals;

  cairo_save (cr);

  /* module outlines, faint, for orientation */
  if (field_shown && pack->n_modules > 0 && pack->module_rect != NULL)
    {
      cairo_save (cr);
      cairo_rectangle (cr, tr->plot_x, tr->plot_y, tr->plot_w, tr->plot_h);
      cairo_clip (cr);
      _ps_render_outline_path (cr, pack, tr);
      cairo_clip (cr);
      for (guint m = 0; m < pack->n_modules; m++)
        {
          const PsRect *r = &pack->module_rect[m];

          cairo_rectangle (cr, _ps_view_x (tr, r->x), _ps_view_y (tr, r->y + r->h),
                           r->w * tr->scale, r->h * tr->scale);
        }
      cairo_set_line_width (cr, 1.0);
      cairo_set_source_rgba (cr, 1, 1, 1, 0.25);
      cairo_stroke (cr);
      cairo_restore (cr);
    }

  /* pack outline */
  cairo_save (cr);
  cairo_rectangle (cr, tr->plot_x, tr->plot_y, tr->plot_w, tr->plot_h);
  cairo_clip (cr);
  if (iso != NULL && style->isotherms)
    {
      int n = (int) floor ((s->hi - s->lo) / s->step + 1e-6);
      gint32 *links;

      g_autoptr(GArray) labels = isotherm_labels (frame, style, iso, s);

      if (contours)
        {
          cairo_set_line_width (cr, 1.0);
          cairo_set_source_rgba (cr, 1, 1, 1, 0.6);
          links = contour_buffers (iso);
          for (int k = 1; k < n; k++)
            contour_level (cr, iso, tr, links, s->lo + k * s->step);
          cairo_stroke (cr);
        }
      draw_isotherm_labels (cr, style, labels);
    }
  _ps_render_outline_path (cr, pack, tr);
  cairo_set_line_width (cr, 1.5);
  _ps_render_set_rgba (cr, style->fg, 1.0);
  cairo_stroke (cr);

  decimals = MIN (_ps_render_step_decimals (s->step) + 1, 3);
  g_snprintf (hot, sizeof hot, "%.*f %s", decimals, s->tmax, s->unit);
  g_snprintf (cold, sizeof cold, "%.*f %s", decimals, s->tmin, s->unit);

  _ps_render_runaway_markers (cr, frame, pack, tr);

  /* hottest cell: a ring with a halo and a label */
  if (isfinite (s->tmax))
    {
      HotMarker m;

      hot_marker (cr, pack, style, s, &m);
      cairo_new_path (cr);
      if (m.round)
        cairo_arc (cr, m.x, m.y, m.hw, 0, 2 * G_PI);
      else
        cairo_rectangle (cr, m.x - m.hw, m.y - m.hh, 2 * m.hw, 2 * m.hh);
      _ps_render_set_rgba (cr, style->bg, 1.0);
      cairo_set_line_width (cr, 5.0);
      cairo_stroke_preserve (cr);
      _ps_render_set_rgba (cr, style->fg, 1.0);
      cairo_set_line_width (cr, 1.5);
      cairo_stroke (cr);

      cairo_rectangle (cr, m.lx - 2, m.ly - 2, m.tw + 4, m.th + 4);
      _ps_render_set_rgba (cr, style->bg, 0.8);
      cairo_fill (cr);
      _ps_render_set_rgba (cr, style->fg, 1.0);
      _ps_render_text (cr, m.lx, m.ly, 0.0, 0.0, m.text);
    }
  cairo_restore (cr);

  /* header and scale bar */
  _ps_render_set_font (cr, style, 1.0, FALSE);
  _ps_render_set_rgba (cr, style->fg, 1.0);
  if (isfinite (s->tmax) && s->n_runaway > 0)
    g_snprintf (text, sizeof text,
                "Temperature (%s)   %u in runaway, above the scale   min %s (cell %u)   max %s (cell %u)",
                s->unit, s->n_runaway, cold, s->icold + 1, hot, s->ihot + 1);
  else if (isfinite (s->tmax))
    g_snprintf (text, sizeof text, "Temperature (%s)   min %s (cell %u)   max %s (cell %u)",
                s->unit, cold, s->icold + 1, hot, s->ihot + 1);
  else
    g_snprintf (text, sizeof text, "Temperature (%s)   no values", s->unit);
  _ps_render_header (cr, style, width, text);

  /* what the marks mean */
  {
    PsLegendSwatch sw[3];
    const char *labels[3];
    char iso_text[96], range_text[96];
    guint n_items = 0;

    if (isfinite (s->tmax))
      {
        sw[n_items] = _PS_LEGEND_RING;
        labels[n_items++] = "hottest cell";
      }
    if (style->isotherms)
      {
        g_snprintf (iso_text, sizeof iso_text, "isotherms every %.*f %s",
                    _ps_render_step_decimals (s->step), s->step, s->unit);
        sw[n_items] = _PS_LEGEND_ISOTHERM;
        labels[n_items++] = iso_text;
      }
    if (isfinite (style->thermal_lo) && isfinite (style->thermal_hi) &&
        style->thermal_hi > style->thermal_lo)
      g_snprintf (range_text, sizeof range_text, "fixed range");
    else
      g_snprintf (range_text, sizeof range_text, "range at least %g K",
                  style->thermal_min_span > 0 ? style->thermal_min_span : 1.0);
    sw[n_items] = _PS_LEGEND_TEXT;
    labels[n_items++] = range_text;
    _ps_render_legend_row (cr, style, tr->plot_x, tr->plot_y + tr->plot_h,
                           width - _PS_RENDER_MARGIN, sw, labels, n_items);
  }

  _ps_render_colorbar (cr, style, PS_COLORMAP_INFERNO,
                       width - _ps_render_colorbar_region (style) + _PS_RENDER_MARGIN,
                       tr->plot_y + 0.5 * fs, _PS_RENDER_BAR_WIDTH, tr->plot_h - fs,
                       s->lo, s->hi, s->step, s->unit);
  cairo_restore (cr);
}

/* ps_render_thermal with the grid from the calling thread's cache or,
 * when own_grid, the caller's grid */
static void
render_thermal (cairo_t             *cr,
                const PsFrame       *frame,
                const PsRenderStyle *style,
                double               width,
                double               height,
                gboolean             own_grid,
                PsThermalGrid       *grid)
{
  const PsPackInfo *pack;
  PsViewTransform *tr;
  ThermalScale s;
  ThermalCache *c;
  gboolean field_shown;

  g_return_if_fail (cr != NULL);
  g_return_if_fail (style != NULL);

  cairo_save (cr);
  if (style->draw_background)
    {
      _ps_render_set_rgba (cr, style->bg, 1.0);
      cairo_rectangle (cr, 0, 0, width, height);
      cairo_fill (cr);
    }

  if (!thermal_frame_ok (frame))
    {
      pack = frame ? ps_pack_get_info (frame->pack) : NULL;
      _ps_render_set_font (cr, style, 1.0, FALSE);
      _ps_render_set_rgba (cr, style->fg, 0.7);
      _ps_render_text (cr, width / 2, height / 2, 0.5, 0.5, pack == NULL ? "No pack" : "No cells");
      cairo_restore (cr);
      return;
    }

  pack = ps_pack_get_info (frame->pack);
  thermal_scale (frame, style, width, height, &s);
  tr = &s.tr;

  if (!own_grid)
    c = thermal_cache_get (frame->pack, tr);
  else if (grid == NULL || ps_thermal_grid_matches (grid, frame->pack, tr))
    c = grid;
  else
    {
      g_critical ("ps_render_thermal_with_grid: the grid is not the one of the frame's pack at this size");
      c = NULL;
    }
  field_shown = c != NULL && isfinite (s.tmin);
  if (field_shown)
    {
      cairo_pattern_t *pat;
      cairo_matrix_t m;

      grid_colours (c, frame->cell_temp_k, s.all_finite, s.offset, s.lo, s.hi,
                    ps_colormap_table (PS_COLORMAP_INFERNO), style);

      cairo_save (cr);
      cairo_rectangle (cr, tr->plot_x, tr->plot_y, tr->plot_w, tr->plot_h);
      cairo_clip (cr);
      _ps_render_outline_path (cr, pack, tr);
      cairo_clip (cr);
      pat = cairo_pattern_create_for_surface (c->surface);
      cairo_pattern_set_filter (pat, CAIRO_FILTER_BILINEAR);
      cairo_pattern_set_extend (pat, CAIRO_EXTEND_PAD);
      /* grid pixel edges to view: pixel (0, 0) at the top-left of the
       * grid's extent */
      cairo_matrix_init_translate (&m, _ps_view_x (tr, c->rx0), _ps_view_y (tr, c->ry1));
      cairo_matrix_scale (&m, (c->rx1 - c->rx0) * tr->scale / c->gw,
                          (c->ry1 - c->ry0) * tr->scale / c->gh);
      cairo_matrix_invert (&m);
      cairo_pattern_set_matrix (pat, &m);
      cairo_set_source (cr, pat);
      cairo_paint (cr);
      cairo_pattern_destroy (pat);
      cairo_restore (cr);
    }

  thermal_decorations (cr, frame, style, width, &s, field_shown, field_shown ? c : NULL, TRUE);
  cairo_restore (cr);
}

void
ps_render_thermal (cairo_t             *cr,
                   const PsFrame       *frame,
                   const PsRenderStyle *style,
                   double               width,
                   double               height)
{
  render_thermal (cr, frame, style, width, height, FALSE, NULL);
}

void
ps_render_thermal_with_grid (cairo_t             *cr,
                             const PsFrame       *frame,
                             const PsRenderStyle *style,
                             double               width,
                             double               height,
                             PsThermalGrid       *grid)
{
  g_return_if_fail (grid == NULL || grid->nodes != NULL);

  render_thermal (cr, frame, style, width, height, TRUE, grid);
}

gboolean
ps_render_thermal_range (const PsFrame       *frame,
                         const PsRenderStyle *style,
                         double               width,
                         double               height,
                         double              *lo,
                         double              *hi,
                         double              *step)
{
  ThermalScale s;

  g_return_val_if_fail (style != NULL, FALSE);

  if (!thermal_frame_ok (frame))
    return FALSE;
  thermal_scale (frame, style, width, height, &s);
  if (!isfinite (s.tmin) || !(s.hi > s.lo) || !isfinite (s.hi - s.lo))
    return FALSE;
  if (lo != NULL)
    *lo = s.lo;
  if (hi != NULL)
    *hi = s.hi;
  if (step != NULL)
    *step = s.step;
  return TRUE;
}

/* The frame's values into the grid's field, for the labels: NULL when the
 * grid is not the frame's at this size or there is no field */
static ThermalCache *
labels_grid (const PsFrame       *frame,
             const PsRenderStyle *style,
             PsThermalGrid       *grid,
             const ThermalScale  *s)
{
  if (grid == NULL || grid->nodes == NULL || !isfinite (s->tmin) ||
      !ps_thermal_grid_matches (grid, frame->pack, &s->tr))
    return NULL;
  grid_colours (grid, frame->cell_temp_k, s->all_finite, s->offset, s->lo, s->hi,
                ps_colormap_table (PS_COLORMAP_INFERNO), style);
  return grid;
}

void
ps_render_thermal_decorations_with_grid (cairo_t             *cr,
                                         const PsFrame       *frame,
                                         const PsRenderStyle *style,
                                         double               width,
                                         double               height,
                                         PsThermalGrid       *grid)
{
  ThermalScale s;

  g_return_if_fail (cr != NULL);
  g_return_if_fail (style != NULL);

  if (!thermal_frame_ok (frame))
    return;
  thermal_scale (frame, style, width, height, &s);
  thermal_decorations (cr, frame, style, width, &s,
                       s.tr.scale > 0 && isfinite (s.tr.scale) && isfinite (s.tmin),
                       labels_grid (frame, style, grid, &s), FALSE);
}

void
ps_render_thermal_decorations (cairo_t             *cr,
                               const PsFrame       *frame,
                               const PsRenderStyle *style,
                               double               width,
                               double               height)
{
  ps_render_thermal_decorations_with_grid (cr, frame, style, width, height, NULL);
}

GArray *
ps_render_thermal_isotherm_labels (const PsFrame       *frame,
                                   const PsRenderStyle *style,
                                   double               width,
                                   double               height,
                                   PsThermalGrid       *grid)
{
  ThermalScale s;
  ThermalCache *c;

  g_return_val_if_fail (style != NULL, NULL);

  if (!style->isotherms || !thermal_frame_ok (frame))
    return g_array_new (FALSE, TRUE, sizeof (PsThermalLabel));
  thermal_scale (frame, style, width, height, &s);
  c = labels_grid (frame, style, grid, &s);
  if (c == NULL)
    return g_array_new (FALSE, TRUE, sizeof (PsThermalLabel));
  return isotherm_labels (frame, style, c, &s);
}

gboolean
ps_render_thermal_hottest_marker (const PsFrame       *frame,
                                  const PsRenderStyle *style,
                                  double               width,
                                  double               height,
                                  double               ring[4],
                                  double               label[4])
{
  ThermalScale s;
  HotMarker m;
  cairo_t *cr;

  g_return_val_if_fail (style != NULL, FALSE);

  if (!thermal_frame_ok (frame))
    return FALSE;
  thermal_scale (frame, style, width, height, &s);
  if (!isfinite (s.tmax))
    return FALSE;
  cr = _ps_render_measure_context ();
  hot_marker (cr, ps_pack_get_info (frame->pack), style, &s, &m);
  cairo_destroy (cr);
  ring[0] = m.x - m.hw;
  ring[1] = m.y - m.hh;
  ring[2] = m.x + m.hw;
  ring[3] = m.y + m.hh;
  label[0] = m.lx - 2;
  label[1] = m.ly - 2;
  label[2] = m.lx + m.tw + 2;
  label[3] = m.ly + m.th + 2;
  return TRUE;
}

void
ps_render_thermal_underlay (cairo_t             *cr,
                            const PsFrame       *frame,
                            const PsRenderStyle *style,
                            double               width,
                            double               height)
{
  PsViewTransform tr;

  g_return_if_fail (cr != NULL);
  g_return_if_fail (style != NULL);

  cairo_save (cr);
  if (style->draw_background)
    {
      _ps_render_set_rgba (cr, style->bg, 1.0);
      cairo_paint (cr);
    }
  if (thermal_frame_ok (frame))
    {
      ps_render_view_transform (frame->pack, style, width, height, &tr);
      cairo_rectangle (cr, tr.plot_x, tr.plot_y, tr.plot_w, tr.plot_h);
      cairo_clip (cr);
      _ps_render_outline_path (cr, ps_pack_get_info (frame->pack), &tr);
      cairo_clip (cr);
      _ps_render_set_rgba (cr, style->fg, TINT_ALPHA);
      cairo_paint (cr);
    }
  cairo_restore (cr);
}
