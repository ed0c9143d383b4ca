/* fit-nelder-mead.c: the Nelder-Mead minimiser the cell fit tools share */
#include "config.h"

#include <math.h>
#include <string.h>

#include "fit-nelder-mead.h"

double
fit_nelder_mead (FitObjective  f,
                 gpointer      data,
                 guint         n,
                 double       *x0,
                 double        step,
                 double        rel_tol,
                 guint         max_evals,
                 guint        *n_evals)
{
  g_autofree double *x = g_new (double, (n + 1) * n);
  g_autofree double *fx = g_new (double, n + 1);
  g_autofree double *c = g_new (double, n);
  g_autofree double *xr = g_new (double, n);
  g_autofree double *xe = g_new (double, n);
  g_autofree double *xc = g_new (double, n);
  guint best = 0;

#define X(i) (x + (gsize) (i) * n)
  for (guint i = 0; i <= n; i++)
    {
      memcpy (X (i), x0, sizeof (double) * n);
      if (i > 0)
        X (i)[i - 1] += step;
      fx[i] = f (X (i), data);
    }
  while (*n_evals < max_evals)
    {
      double fr, fe, fc;
      guint worst = 0, second;

      best = 0;
      for (guint i = 0; i <= n; i++)
        {
          if (fx[i] < fx[best])
            best = i;
          if (fx[i] > fx[worst])
            worst = i;
        }
      second = best;
      for (guint i = 0; i <= n; i++)
        if (i != worst && fx[i] > fx[second])
          second = i;
      if (fx[worst] - fx[best] < rel_tol * (1.0 + fabs (fx[best])))
        break;
      memset (c, 0, sizeof (double) * n);
      for (guint i = 0; i <= n; i++)
        if (i != worst)
          for (guint k = 0; k < n; k++)
            c[k] += X (i)[k] / n;
      for (guint k = 0; k < n; k++)
        xr[k] = c[k] + (c[k] - X (worst)[k]);
      fr = f (xr, data);
      if (fr < fx[best])
        {
          for (guint k = 0; k < n; k++)
            xe[k] = c[k] + 2.0 * (c[k] - X (worst)[k]);
          fe = f (xe, data);
          memcpy (X (worst), fe < fr ? xe : xr, sizeof (double) * n);
          fx[worst] = MIN (fe, fr);
          continue;
        }
      if (fr < fx[second])
        {
          memcpy (X (worst), xr, sizeof (double) * n);
          fx[worst] = fr;
          continue;
        }
      for (guint k = 0; k < n; k++)
        xc[k] = c[k] + 0.5 * (X (worst)[k] - c[k]);
      fc = f (xc, data);
      if (fc < fx[worst])
        {
          memcpy (X (worst), xc, sizeof (double) * n);
          fx[worst] = fc;
          continue;
        }
      /* shrink towards the best */
      for (guint i = 0; i <= n; i++)
        if (i != best)
          {
            for (guint k = 0; k < n; k++)
              X (i)[k] = X (best)[k] + 0.5 * (X (i)[k] - X (best)[k]);
            fx[i] = f (X (i), data);
          }
    }
  best = 0;
  for (guint i = 1; i <= n; i++)
    if (fx[i] < fx[best])
      best = i;
  memcpy (x0, X (best), sizeof (double) * n);
  return fx[best];
#undef X
}
