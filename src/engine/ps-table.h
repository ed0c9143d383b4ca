/* ps-table.h: piecewise-linear tables, resampled to a uniform grid for the
 * step loop (O(1) lookup, no search, no allocation). */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

#define PS_LUT_SIZE 256

typedef struct
{
  /* the points as given in the file (x strictly ascending) */
  guint   n_points;
  double *x;
  double *y;
  /* uniform resampling over [x_min, x_max] for the hot path */
  double  x_min;
  double  inv_dx;              /* (PS_LUT_SIZE - 1) / (x_max - x_min) */
  double  lut[PS_LUT_SIZE];
} PsTable;

/* Copies the points and builds the LUT. x must be strictly ascending,
 * n_points >= 2, every value finite. Returns FALSE (and sets nothing) if not;
 * callers that parse files check and report with a JSON path first. */
gboolean ps_table_init  (PsTable      *table,
                         const double *x,
                         const double *y,
                         guint         n_points);
void     ps_table_clear (PsTable      *table);
void     ps_table_copy  (PsTable       *dest,
                         const PsTable *src);

/* Linear interpolation in the LUT, clamped at both ends. */
static inline double
ps_table_eval (const PsTable *table,
               double         x)
{
  double f = (x - table->x_min) * table->inv_dx;
  int i;

  if (!(f > 0.0))
    return table->lut[0];
  if (f >= PS_LUT_SIZE - 1)
    return table->lut[PS_LUT_SIZE - 1];
  i = (int) f;
  f -= i;
  return table->lut[i] + f * (table->lut[i + 1] - table->lut[i]);
}

G_END_DECLS
