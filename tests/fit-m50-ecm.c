/* fit-m50-ecm.c: fits the LG M50 ECM's Butler-Volmer, solid-diffusion and
 * electrolyte elements (and a scale on its derived R0, R1, R2 tables) to the
 * same cell's own DFN: the physics cell's simulated discharges and a pulse
 *
 * Not a test: run by hand, from the build directory,
 *
 *   tests/fit-m50-ecm [--write ../resources/cells/fit/m50-ecm-fit.json] [--from P1 ... P12]
 *
 * tests/test-validation.c asserts the result (the lg-m50 cell with it);
 * resources/cells/fit/make-cells.py puts it into lg-m50.json when its
 * M50_SHIP_FIT is set (resources/cells/fit/README.md says why not yet).
 * Both models are driven through their PsCellModelClass, as the pack
 * solver drives them, isothermal at 25 C, from full (the Chen2020
 * set's initial concentrations, SOC 1), at constant current with 5 s steps
 * (the cell's 7.3 A discharge limit is the simulation's, not the model's,
 * so 2C runs here).
 *
 * References (the DFN of the chen2020 set, default mesh):
 *   0.5C, 1C, 2C discharges until the DFN reaches 2.5 V
 *   a 2C pulse of 30 s at SOC 0.5 and 5 min of rest after it
 * Objective: sum of (RMS over time / target)^2 with targets 7 / 7 / 15 mV
 * for the discharges (under the 10 / 10 / 25 mV) and 4 mV for the
 * pulse.
 *
 * Parameters (Nelder-Mead on logarithms, each clamped to its range):
 *   R0, R1, R2 scale          factors on make-cells.py's derived tables (R0
 *                             held the linearised charge transfer)
 *   tau_d at mean SOC 0 / 0.1 / 0.3 / 0.6 / 1   diffusion time constants
 *   i0                        exchange current, one for all SOC
 *   I_lim, tau_e, B           the electrolyte element
 * Activation energies are not fitted (the references are isothermal): the
 * exchange current takes the R0 table's 25.3 kJ/mol (make-cells.py's fit of
 * the Chen2020 exchange currents), diffusion and electrolyte 0 (Chen2020's
 * diffusivities and conductivity are temperature-independent).
 */
#include "config.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <json-glib/json-glib.h>

#include "ps-engine.h"
#include "ps-cell-model.h"
#include "ps-cell-type-private.h"

#include "fit-nelder-mead.h"

#define N_PARAMS   12
#define N_TAU      5
#define N_RATES    3
#define DT_S       5.0
#define V_CUT      2.5
#define T_REF_K    298.15

static const double c_rates[N_RATES] = { 0.5, 1.0, 2.0 };
static const double rms_target_v[N_RATES] = { 0.007, 0.007, 0.015 };
static const double pulse_target_v = 0.004;
static const double tau_soc[N_TAU] = { 0.0, 0.1, 0.3, 0.6, 1.0 };

typedef struct
{
  guint   n;
  double *v;
} Run;

typedef struct
{
  PsCellType *base;
  Run         dfn[N_RATES];
  Run         dfn_pulse;
  guint       n_evals;
} Fit;

/* the current at step k of a case: a discharge at c_rate, or (c_rate < 0)
 * the pulse: 2C for 30 s then rest */
static double
case_current (const PsCellType *cell,
              double            c_rate,
              guint             k)
{
  if (c_rate > 0.0)
    return c_rate * cell->capacity_ah;
  return k * DT_S < 30.0 ? 2.0 * cell->capacity_ah : 0.0;
}

/* runs a model over n_max steps (or, when stop, until it reaches V_CUT);
 * the voltage at the end of each step */
static Run
run_case (const PsCellModelClass *klass,
          const PsCellType       *cell,
          double                  c_rate,
          guint                   n_max,
          gboolean                stop)
{
  PsCellModel *model = klass->new (cell, 1);
  double soc0 = c_rate > 0.0 ? 1.0 : 0.5, cap = cell->capacity_ah, rf = 1.0, temp = T_REF_K;
  GArray *v = g_array_new (FALSE, FALSE, sizeof (double));
  Run run;

  klass->reset (model, &soc0, &cap, &rf, temp);
  for (guint k = 0; k < n_max; k++)
    {
      double i = case_current (cell, c_rate, k), heat, vk;
      const double *e, *r;
      PsCellModelPower power;

      if (klass->set_current_guess != NULL)
        klass->set_current_guess (model, &i);
      klass->linearise (model, DT_S, &temp, &e, &r);
      klass->commit (model, DT_S, &temp, &i, &heat, &power);
      vk = klass->get_voltage (model)[0];
      if (!isfinite (vk) || (stop && vk < V_CUT))
        break;
      g_array_append_val (v, vk);
    }
  klass->free (model);
  run.n = v->len;
  run.v = (double *) g_array_free (v, FALSE);
  return run;
}

static double
rms (const Run *ref,
     const Run *sim)
{
  double s = 0.0;

  /* a model that reaches 2.5 V early is compared at 2.5 V after */
  for (guint k = 0; k < ref->n; k++)
    {
      double d = (k < sim->n ? sim->v[k] : V_CUT) - ref->v[k];

      s += d * d;
    }
  return sqrt (s / MAX (ref->n, 1));
}

static void
set_table (PsTable      *table,
           const double *x,
           const double *y,
           guint         n)
{
  g_autofree double *xc = g_memdup2 (x, sizeof (double) * n);
  g_autofree double *yc = g_memdup2 (y, sizeof (double) * n);

  ps_table_clear (table);
  g_assert_true (ps_table_init (table, xc, yc, n));
}

static void
scale_table (PsTable *table,
             double   factor)
{
  g_autofree double *y = g_memdup2 (table->y, sizeof (double) * table->n_points);

  for (guint k = 0; k < table->n_points; k++)
    y[k] *= factor;
  set_table (table, table->x, y, table->n_points);
}

/* the natural value of parameter k */
static double
param (const double *p,
       guint         k)
{
  static const double lo[N_PARAMS] = { 0.02, 0.02, 0.02, 1, 1, 1, 1, 1, 0.1, 1, 1, 0.005 };
  static const double hi[N_PARAMS] = { 3, 10, 10, 1e4, 1e4, 1e4, 1e4, 1e4, 1e3, 1e4, 1e4, 0.2 };

  return CLAMP (exp (p[k]), lo[k], hi[k]);
}

static PsCellType *
candidate (const Fit    *fit,
           const double *p)
{
  PsCellType *cell = ps_cell_type_copy (fit->base);
  double tau[N_TAU], i0[2], i0_soc[2] = { 0.0, 1.0 };

  scale_table (&cell->r0, param (p, 0));
  scale_table (&cell->r1, param (p, 1));
  scale_table (&cell->r2, param (p, 2));
  for (guint k = 0; k < N_TAU; k++)
    tau[k] = param (p, 3 + k);
  set_table (&cell->tau_diffusion, tau_soc, tau, N_TAU);
  cell->ea_diffusion_j_mol = 0.0;
  i0[0] = i0[1] = param (p, 8);
  set_table (&cell->i0, i0_soc, i0, 2);
  cell->ea_i0_j_mol = cell->ea_r0_j_mol;
  cell->electrolyte_i_lim_a = param (p, 9);
  cell->electrolyte_tau_s = param (p, 10);
  cell->electrolyte_scale_v = param (p, 11);
  cell->ea_electrolyte_j_mol = 0.0;
  return cell;
}

static double
evaluate (Fit          *fit,
          const double *p,
          gboolean      report)
{
  g_autoptr(PsCellType) cell = candidate (fit, p);
  double j = 0.0, r;
  Run sim;

  fit->n_evals++;
  for (guint c = 0; c < N_RATES; c++)
    {
      sim = run_case (&_ps_ecm_class, cell, c_rates[c], fit->dfn[c].n, TRUE);
      r = rms (&fit->dfn[c], &sim);
      j += pow (r / rms_target_v[c], 2.0);
      if (report)
        g_print ("  %.1fC: RMS %.2f mV over %.0f s of the DFN's discharge (%.0f s to 2.5 V)\n",
                 c_rates[c], r * 1e3, fit->dfn[c].n * DT_S, fit->dfn[c].n * DT_S);
      g_free (sim.v);
    }
  sim = run_case (&_ps_ecm_class, cell, -1.0, fit->dfn_pulse.n, FALSE);
  r = rms (&fit->dfn_pulse, &sim);
  j += pow (r / pulse_target_v, 2.0);
  if (report)
    g_print ("  2C pulse at SOC 0.5 (30 s + 5 min rest): RMS %.2f mV, at the end of the pulse ECM %.4f V vs DFN %.4f V\n",
             r * 1e3, sim.v[5], fit->dfn_pulse.v[5]);
  g_free (sim.v);
  return isfinite (j) ? j : INFINITY;
}

static double
objective (const double *x,
          gpointer      data)
{
  return evaluate (data, x, FALSE);
}

/* Nelder-Mead (fit-nelder-mead.c) from x0 with steps step */
static double
nelder_mead (Fit    *fit,
             double *x0,
             double  step,
             guint   max_evals)
{
  return fit_nelder_mead (objective, fit, N_PARAMS, x0, step, 1e-6, max_evals, &fit->n_evals);
}

static void
write_result (const char   *path,
              const double *p)
{
  g_autoptr(GString) s = g_string_new ("{\n  \"comment\": \"written by tests/fit-m50-ecm.c from the lg-m50 DFN's "
                                       "0.5C/1C/2C discharges and a 2C pulse (isothermal 25 C)\",\n");
  g_autoptr(GError) error = NULL;

  g_string_append_printf (s, "  \"r0_scale\": %.4f,\n  \"r1_scale\": %.4f,\n  \"r2_scale\": %.4f,\n",
                          param (p, 0), param (p, 1), param (p, 2));
  g_string_append (s, "  \"tau_soc\": [0, 0.1, 0.3, 0.6, 1],\n  \"tau_s\": [");
  for (guint k = 0; k < N_TAU; k++)
    g_string_append_printf (s, "%s%.4g", k ? ", " : "", param (p, 3 + k));
  g_string_append_printf (s, "],\n  \"i0_a\": %.4g,\n", param (p, 8));
  g_string_append_printf (s, "  \"electrolyte\": { \"limiting_current_a\": %.4g, \"tau_s\": %.4g, "
                          "\"voltage_scale_v\": %.4g, \"ea_j_mol\": 0 }\n}\n",
                          param (p, 9), param (p, 10), param (p, 11));
  if (!g_file_set_contents (path, s->str, -1, &error))
    g_printerr ("%s\n", error->message);
}

int
main (int    argc,
      char **argv)
{
  g_autoptr(GError) error = NULL;
  Fit fit = { 0 };
  /* start: the derived tables, the Chen2020 particles' Rp^2/(15 D) order
   * of time constants, i0 ~ a few A, the electrolyte a loose term */
  double p[N_PARAMS] = { log (0.5), log (1.0), log (1.0), log (300), log (300), log (300), log (300),
                         log (300), log (5.0), log (50.0), log (100.0), log (0.03) };
  const char *write = NULL;
  guint max_evals = g_getenv ("FIT_MAX_EVALS") ? atoi (g_getenv ("FIT_MAX_EVALS")) : 3000;
  g_autoptr(PsCellType) shipped = NULL;

  for (int a = 1; a < argc; a++)
    if (g_str_equal (argv[a], "--write") && a + 1 < argc)
      write = argv[++a];
    else if (g_str_equal (argv[a], "--from") && a + N_PARAMS < argc)
      for (guint k = 0; k < N_PARAMS; k++)
        p[k] = log (g_ascii_strtod (argv[++a], NULL));
    else
      {
        g_printerr ("usage: fit-m50-ecm [--write FILE] [--from P1 ... P%d]\n", N_PARAMS);
        return 2;
      }

  shipped = ps_cell_type_new_from_id ("lg-m50", &error);
  if (shipped == NULL)
    {
      g_printerr ("%s\n", error->message);
      return 1;
    }
  /* the base is make-cells.py's derived 2-RC cell: the shipped cell with
   * the stored fit's scales undone (m50-ecm-fit.json, beside make-cells.py)
   * so that re-running starts from the derived tables again */
  fit.base = ps_cell_type_copy (shipped);
  {
    g_autofree char *path = g_build_filename (g_getenv ("G_TEST_SRCDIR") ? g_getenv ("G_TEST_SRCDIR") : "../tests",
                                              "..", "resources", "cells", "fit", "m50-ecm-fit.json", NULL);
    g_autoptr(JsonParser) parser = json_parser_new ();

    if (shipped->i0.n_points > 0)
      {
        JsonObject *o;

        if (!json_parser_load_from_file (parser, path, &error))
          {
            g_printerr ("the shipped lg-m50 carries a fit but %s: %s\n", path, error->message);
            return 1;
          }
        o = json_node_get_object (json_parser_get_root (parser));
        scale_table (&fit.base->r0, 1.0 / json_object_get_double_member (o, "r0_scale"));
        scale_table (&fit.base->r1, 1.0 / json_object_get_double_member (o, "r1_scale"));
        scale_table (&fit.base->r2, 1.0 / json_object_get_double_member (o, "r2_scale"));
      }
  }

  for (guint c = 0; c < N_RATES; c++)
    fit.dfn[c] = run_case (&_ps_dfn_class, fit.base, c_rates[c], (guint) (4000.0 / c_rates[c] / DT_S), TRUE);
  fit.dfn_pulse = run_case (&_ps_dfn_class, fit.base, -1.0, (guint) (330.0 / DT_S), FALSE);

  {
    g_autoptr(PsCellType) plain = ps_cell_type_copy (fit.base);
    Run sim;

    g_print ("the 2-RC cell (no elements) against its DFN:\n");
    ps_table_clear (&plain->tau_diffusion);
    ps_table_clear (&plain->i0);
    plain->electrolyte_i_lim_a = 0.0;
    for (guint c = 0; c < N_RATES; c++)
      {
        sim = run_case (&_ps_ecm_class, plain, c_rates[c], fit.dfn[c].n, TRUE);
        g_print ("  %.1fC: RMS %.2f mV\n", c_rates[c], rms (&fit.dfn[c], &sim) * 1e3);
        g_free (sim.v);
      }
  }
  g_print ("start:\n");
  evaluate (&fit, p, TRUE);
  for (int restart = 0; restart < 4 && fit.n_evals < max_evals; restart++)
    {
      double f = nelder_mead (&fit, p, restart == 0 ? 0.5 : 0.2, max_evals);

      g_print ("after %u evaluations: objective %.4f\n", fit.n_evals, f);
    }
  g_print ("fitted: R0 x%.4f R1 x%.4f R2 x%.4f, tau_d", param (p, 0), param (p, 1), param (p, 2));
  for (guint k = 0; k < N_TAU; k++)
    g_print (" %.4g", param (p, 3 + k));
  g_print (" s, i0 %.4g A, electrolyte I_lim %.4g A tau %.4g s B %.4g V\n",
           param (p, 8), param (p, 9), param (p, 10), param (p, 11));
  evaluate (&fit, p, TRUE);
  g_print ("--from");
  for (guint k = 0; k < N_PARAMS; k++)
    g_print (" %.6g", param (p, k));
  g_print ("\n");
  if (write != NULL)
    write_result (write, p);
  for (guint c = 0; c < N_RATES; c++)
    g_free (fit.dfn[c].v);
  g_free (fit.dfn_pulse.v);
  ps_cell_type_free (fit.base);
  return 0;
}
