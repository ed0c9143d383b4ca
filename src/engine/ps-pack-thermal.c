/* ps-pack-thermal.c: a pack's thermal network: neighbours, conductances and
 * cooling
 *
 * Assumptions (documented, not measured; the members are read in
 * ps-pack-json.c):
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
 */
#include "config.h"

#include <math.h>
#include <string.h>

#include "ps-json-private.h"
#include "ps-pack-private.h"

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
  _ps_pack_grid_range (layout, x0, y0, x1, y1, &ix0, &iy0, &ix1, &iy1);
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

          _ps_pack_grid_range (lay, bx0, by0, bx1, by1, &ix0, &iy0, &ix1, &iy1);
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

gboolean
_ps_pack_build_neighbours (PsPack            *self,
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

      _ps_pack_grid_range (layout,
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

