/* ps-table.c: piecewise-linear tables and their uniform look-up grid
 *
 * A table keeps the points it was given (for files, round trips and the
 * inspector) and a PS_LUT_SIZE-point resampling over [x_min, x_max] that the
 * step loop reads in O(1) through ps_table_eval().
 */
#include "config.h"

#include <math.h>
#include <string.h>

#include "ps-error.h"
#include "ps-table.h"

/* Linear interpolation in the original points, clamped at both ends. The
 * points are few (<= PS_MAX_TABLE_POINTS) and this runs only while building
 * the LUT, so a forward walk is enough. */
static double
ps_table_interpolate_points (const double *x,
                             const double *y,
                             guint         n_points,
                             double        at,
                             guint        *cursor)
{
  guint i = *cursor;

  if (at <= x[0])
    return y[0];
  if (at >= x[n_points - 1])
    return y[n_points - 1];

  while (i + 2 < n_points && at > x[i + 1])
    i++;
  *cursor = i;

  return y[i] + (y[i + 1] - y[i]) * (at - x[i]) / (x[i + 1] - x[i]);
}

gboolean
ps_table_init (PsTable      *table,
               const double *x,
               const double *y,
               guint         n_points)
{
  double x_max;
  double step;
  guint cursor = 0;

  g_return_val_if_fail (table != NULL, FALSE);

  if (x == NULL || y == NULL || n_points < 2 || n_points > PS_MAX_TABLE_POINTS)
    return FALSE;

  for (guint i = 0; i < n_points; i++)
    {
      if (!isfinite (x[i]) || !isfinite (y[i]))
        return FALSE;
      if (i > 0 && !(x[i] > x[i - 1]))
        return FALSE;
    }

  x_max = x[n_points - 1];
  step = (x_max - x[0]) / (PS_LUT_SIZE - 1);
  if (!(step > 0.0) || !isfinite (step))
    return FALSE;

  table->n_points = n_points;
  table->x = g_memdup2 (x, sizeof (double) * n_points);
  table->y = g_memdup2 (y, sizeof (double) * n_points);
  table->x_min = x[0];
  table->inv_dx = (PS_LUT_SIZE - 1) / (x_max - x[0]);

  for (guint i = 0; i < PS_LUT_SIZE; i++)
    {
      /* the end points land exactly on the table's ends */
      double at = (i == PS_LUT_SIZE - 1) ? x_max : x[0] + i * step;

      table->lut[i] = ps_table_interpolate_points (x, y, n_points, at, &cursor);
    }

  return TRUE;
}

void
ps_table_clear (PsTable *table)
{
  if (table == NULL)
    return;

  g_clear_pointer (&table->x, g_free);
  g_clear_pointer (&table->y, g_free);
  memset (table, 0, sizeof *table);
}

/* dest is overwritten as if uninitialised: clear it first if it owns points. */
void
ps_table_copy (PsTable       *dest,
               const PsTable *src)
{
  g_return_if_fail (dest != NULL);
  g_return_if_fail (src != NULL);

  if (dest == src)
    return;

  memcpy (dest, src, sizeof *dest);
  dest->x = src->n_points ? g_memdup2 (src->x, sizeof (double) * src->n_points) : NULL;
  dest->y = src->n_points ? g_memdup2 (src->y, sizeof (double) * src->n_points) : NULL;
}
