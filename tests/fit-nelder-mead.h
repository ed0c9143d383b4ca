/* fit-nelder-mead.h: the Nelder-Mead minimiser the cell fit tools share
 * (tests/fit-leaf-ecm.c, tests/fit-m50-ecm.c); not a test */
#pragma once

#include <glib.h>

typedef double (*FitObjective) (const double *x,
                                gpointer      data);

/* Minimises f from x0 (n parameters, a first simplex of steps step along
 * each axis) with the standard coefficients until the simplex's values
 * agree to rel_tol (relative to 1 + |best|) or *n_evals (which f counts
 * its calls in) reaches max_evals;
 * x0 receives the best point; returns its value. */
double fit_nelder_mead (FitObjective  f,
                        gpointer      data,
                        guint         n,
                        double       *x0,
                        double        step,
                        double        rel_tol,
                        guint         max_evals,
                        guint        *n_evals);
