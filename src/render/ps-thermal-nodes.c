/* ps-thermal-nodes.c: where the temperature field takes its values from
 *
 * The thermal map (ps-render-thermal.c on cairo, ui/ps-thermal-view.c on
 * the GPU) shows the modified Shepard interpolation of Franke and Little:
 * at a point, the K nearest cell centres weigh w_k = ((R - d_k) /
 * (R d_k))^2, R the distance of the next nearest (R. Franke, "Scattered
 * data interpolation: tests of some methods", Math. Comp. 38 (1982)
 * 181-200). A cell's weight falls to zero exactly when it leaves the
 * nearest set, so, unlike plain inverse distance over a fixed neighbour
 * count, the field has no seams where the set changes.
 *
 * The neighbours, weights and masks depend only on the pack's geometry and
 * the points, so both paths compute them once per grid with
 * ps_thermal_nodes_new() (a pure function, safe on any thread) and a frame
 * then costs K multiply-adds per node.
 *
 * The mask: the field shows only "among cells": within max (12 mm, 0.6 x
 * the half footprint) of a nearby cell's footprint, or inside a module's
 * rectangle with that margin (modules are solid blocks of cells); not over
 * the empty parts of a pack, where there is nothing to interpolate.
 */
#include "config.h"

#include <math.h>
#include <string.h>

#include "ps-render.h"

#define K_NEAREST PS_THERMAL_NODES_K
#define K_SEARCH  (K_NEAREST + 1)

/* A uniform bucket grid over the cell centres for nearest-neighbour
 * queries, about 2 cells per bucket. */
typedef struct
{
  double   x0, y0, size;
  int      nx, ny;
  guint   *start;     /* [nx * ny + 1] */
  guint   *cells;     /* [n_cells] */
} BucketGrid;

static void
bucket_grid_init (BucketGrid       *bg,
                  const PsPackInfo *pack)
{
  double bw = MAX (pack->bounds.w, 1e-6), bh = MAX (pack->bounds.h, 1e-6);
  guint n = pack->n_cells;
  guint *fill;

  bg->size = sqrt (bw * bh / MAX (n, 1u)) * 1.5;
  bg->x0 = pack->bounds.x;
  bg->y0 = pack->bounds.y;
  bg->nx = CLAMP ((int) ceil (bw / bg->size), 1, 1024);
  bg->ny = CLAMP ((int) ceil (bh / bg->size), 1, 1024);
  bg->start = g_new0 (guint, (gsize) bg->nx * bg->ny + 1);
  bg->cells = g_new (guint, MAX (n, 1u));
  fill = g_new0 (guint, (gsize) bg->nx * bg->ny);

  for (guint i = 0; i < n; i++)
    {
      int bx = CLAMP ((int) floor ((pack->cell_x[i] - bg->x0) / bg->size), 0, bg->nx - 1);
      int by = CLAMP ((int) floor ((pack->cell_y[i] - bg->y0) / bg->size), 0, bg->ny - 1);

      bg->start[by * bg->nx + bx + 1]++;
    }
  for (int k = 1; k <= bg->nx * bg->ny; k++)
    bg->start[k] += bg->start[k - 1];
  for (guint i = 0; i < n; i++)
    {
      int bx = CLAMP ((int) floor ((pack->cell_x[i] - bg->x0) / bg->size), 0, bg->nx - 1);
      int by = CLAMP ((int) floor ((pack->cell_y[i] - bg->y0) / bg->size), 0, bg->ny - 1);
      int b = by * bg->nx + bx;

      bg->cells[bg->start[b] + fill[b]++] = i;
    }
  g_free (fill);
}

static void
bucket_grid_clear (BucketGrid *bg)
{
  g_free (bg->start);
  g_free (bg->cells);
}

/* The K_SEARCH nearest cells to (x, y), nearest first: a ring search over
 * the buckets. Returns how many were found (fewer only for packs with
 * fewer cells). */
static int
nearest_cells (const BucketGrid *bg,
               const PsPackInfo *pack,
               double            x,
               double            y,
               guint32           idx[K_SEARCH],
               double            d2[K_SEARCH])
{
  int found = 0;
  int bx = (int) floor ((x - bg->x0) / bg->size);
  int by = (int) floor ((y - bg->y0) / bg->size);
  int max_ring = MAX (bg->nx, bg->ny) + MAX (ABS (bx), ABS (by)) + 1;

  for (int ring = 0; ring <= max_ring; ring++)
    {
      for (int j = by - ring; j <= by + ring; j++)
        {
          if (j < 0 || j >= bg->ny)
            continue;
          for (int i = bx - ring; i <= bx + ring; i++)
            {
              int b;

              if (i < 0 || i >= bg->nx)
                continue;
              if (ABS (i - bx) != ring && ABS (j - by) != ring)
                continue;   /* inner buckets were done in earlier rings */
              b = j * bg->nx + i;
              for (guint k = bg->start[b]; k < bg->start[b + 1]; k++)
                {
                  guint c = bg->cells[k];
                  double dx = pack->cell_x[c] - x, dy = pack->cell_y[c] - y;
                  double dd = dx * dx + dy * dy;
                  int pos;

                  if (found == K_SEARCH && dd >= d2[K_SEARCH - 1])
                    continue;
                  pos = found < K_SEARCH ? found++ : K_SEARCH - 1;
                  while (pos > 0 && d2[pos - 1] > dd)
                    {
                      d2[pos] = d2[pos - 1];
                      idx[pos] = idx[pos - 1];
                      pos--;
                    }
                  d2[pos] = dd;
                  idx[pos] = c;
                }
            }
        }
      /* cells in the next ring are at least ring * size away */
      if (found == K_SEARCH && d2[K_SEARCH - 1] <= (ring * bg->size) * (ring * bg->size))
        break;
    }
  return found;
}

/* even-odd rule; a pack without an outline is its bounds */
static gboolean
point_in_outline (const PsPackInfo *pack,
                  double            x,
                  double            y)
{
  gboolean in = FALSE;

  if (pack->n_outline < 3 || pack->outline_xy == NULL)
    return TRUE;
  for (guint i = 0, j = pack->n_outline - 1; i < pack->n_outline; j = i++)
    {
      double xi = pack->outline_xy[2 * i], yi = pack->outline_xy[2 * i + 1];
      double xj = pack->outline_xy[2 * j], yj = pack->outline_xy[2 * j + 1];

      if ((yi > y) != (yj > y) && x < (xj - xi) * (y - yi) / (yj - yi) + xi)
        in = !in;
    }
  return in;
}

/* One node: neighbours, normalised weights, their sum and the flags. */
static void
node_compute (const BucketGrid *bg,
              const PsPackInfo *pack,
              double            x,
              double            y,
              guint32           cells[K_NEAREST],
              float             weights[K_NEAREST],
              double           *weight_sum,
              guint8           *flags_out)
{
  guint32 idx[K_SEARCH];
  double d2[K_SEARCH], wsum = 0.0, wk[K_NEAREST];
  int found = nearest_cells (bg, pack, x, y, idx, d2);
  /* R: the next nearest cell's distance (or a little beyond the farthest,
   * for packs with few cells) */
  double big_r = found == K_SEARCH ? sqrt (d2[K_NEAREST])
                                   : 1.5 * sqrt (d2[MAX (found - 1, 0)]) + 1e-6;
  double dmin = INFINITY, tol = 0.012;
  guint8 flags = 0;

  for (int k = 0; k < K_NEAREST; k++)
    {
      if (k >= found)
        {
          wk[k] = 0.0;
          idx[k] = found > 0 ? idx[0] : 0;
        }
      else
        {
          double d = MAX (sqrt (d2[k]), 1e-9);
          double f = MAX (big_r - d, 0.0) / (big_r * d);

          wk[k] = f * f;
        }
      wsum += wk[k];
    }
  if (found > 0 && !(wsum > 0))
    {
      /* all at the same distance as R: equal weights */
      for (int k = 0; k < MIN (found, K_NEAREST); k++)
        wk[k] = 1.0;
      wsum = MIN (found, K_NEAREST);
    }

  /* the distance to the nearest footprint among the nearest centres,
   * against a tolerance that bridges the gaps between neighbouring cells
   * but not the empty parts of a pack */
  for (int k = 0; k < MIN (found, K_NEAREST); k++)
    {
      guint c = idx[k];
      double hw = 0.5 * pack->cell_w[c], hh = 0.5 * pack->cell_h[c];
      double dx = fabs (x - pack->cell_x[c]), dy = fabs (y - pack->cell_y[c]);
      double d;

      if (pack->cell_shape == PS_CELL_SHAPE_CYLINDRICAL)
        d = MAX (0.0, sqrt (dx * dx + dy * dy) - MIN (hw, hh));
      else
        d = hypot (MAX (0.0, dx - hw), MAX (0.0, dy - hh));
      dmin = MIN (dmin, d);
      tol = MAX (tol, 0.6 * MIN (hw, hh));
    }
  if (dmin <= tol)
    flags |= PS_THERMAL_NODE_NEAR_CELL;
  for (guint m = 0; m < pack->n_modules && pack->module_rect != NULL &&
                    !(flags & PS_THERMAL_NODE_NEAR_CELL); m++)
    {
      const PsRect *r = &pack->module_rect[m];

      if (x >= r->x - tol && x <= r->x + r->w + tol &&
          y >= r->y - tol && y <= r->y + r->h + tol)
        flags |= PS_THERMAL_NODE_NEAR_CELL;
    }
  if (point_in_outline (pack, x, y))
    flags |= PS_THERMAL_NODE_IN_OUTLINE;
  *flags_out = flags;

  *weight_sum = 0.0;
  for (int k = 0; k < K_NEAREST; k++)
    {
      cells[k] = idx[k];
      weights[k] = wsum > 0 ? (float) (wk[k] / wsum) : 0.0f;
      /* as a frame with every temperature finite sums them */
      *weight_sum += weights[k];
    }
}

static GPrivate n_computed_here;

guint
ps_thermal_nodes_count_on_thread (void)
{
  return GPOINTER_TO_UINT (g_private_get (&n_computed_here));
}

PsThermalNodes *
ps_thermal_nodes_new (const PsPack *pack,
                      const double *xs,
                      int           nx,
                      const double *ys,
                      int           ny)
{
  const PsPackInfo *info;
  PsThermalNodes *nodes;
  BucketGrid bg;
  gsize n;

  g_return_val_if_fail (pack != NULL, NULL);
  g_return_val_if_fail (nx > 0 && ny > 0 && xs != NULL && ys != NULL, NULL);

  g_private_set (&n_computed_here, GUINT_TO_POINTER (ps_thermal_nodes_count_on_thread () + 1));
  info = ps_pack_get_info (pack);
  n = (gsize) nx * ny;
  nodes = g_new0 (PsThermalNodes, 1);
  nodes->nx = nx;
  nodes->ny = ny;
  nodes->cells = g_new (guint32, n * K_NEAREST);
  nodes->weights = g_new (float, n * K_NEAREST);
  nodes->weight_sum = g_new (double, n);
  nodes->flags = g_new (guint8, n);

  bucket_grid_init (&bg, info);
  for (int j = 0; j < ny; j++)
    for (int i = 0; i < nx; i++)
      {
        gsize p = (gsize) j * nx + i;

        if (info->n_cells == 0)
          {
            memset (&nodes->cells[p * K_NEAREST], 0, sizeof (guint32) * K_NEAREST);
            memset (&nodes->weights[p * K_NEAREST], 0, sizeof (float) * K_NEAREST);
            nodes->weight_sum[p] = 0.0;
            nodes->flags[p] = 0;
            continue;
          }
        node_compute (&bg, info, xs[i], ys[j], &nodes->cells[p * K_NEAREST],
                      &nodes->weights[p * K_NEAREST], &nodes->weight_sum[p],
                      &nodes->flags[p]);
      }
  bucket_grid_clear (&bg);

  return nodes;
}

void
ps_thermal_nodes_free (PsThermalNodes *nodes)
{
  if (nodes == NULL)
    return;
  g_free (nodes->cells);
  g_free (nodes->weights);
  g_free (nodes->weight_sum);
  g_free (nodes->flags);
  g_free (nodes);
}
