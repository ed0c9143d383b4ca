/* fit-leaf-ecm.c: fits the Leaf cell's solid-diffusion, Butler-Volmer and
 * electrolyte elements, its knee resistances and the thermal pair (cp, the
 * chamber's h) to ORNL's records of that very cell
 *
 * Not a test: run by hand, from the build directory,
 *
 *   G_TEST_SRCDIR=../tests tests/fit-leaf-ecm [--write ../resources/cells/fit/leaf-ecm-fit.json]
 *                                             [--from P1 ... P17]
 *
 * then resources/cells/fit/make-cells.py puts the result into the cell
 * (resources/cells/fit/README.md). Every candidate is the shipped
 * aesc-leaf-2011 cell with the elements replaced, replayed through the
 * engine itself (ornl-leaf.c), so what is fitted is what the engine does.
 *
 * Parameters (Nelder-Mead, on logarithms but for the activation energies;
 * each held within its physical range, see the bounds below):
 *   tau_d at mean SOC 0 / 0.1 / 0.25 / 0.5 / 0.75 / 1   diffusion time constants
 *   i0                         the exchange current (one for all SOC)
 *   cp                         the heat capacity
 *   Ea of tau_d and of i0
 *   I_lim, tau_e, B, Ea        the electrolyte element (switched off when
 *                              I_lim reaches its upper bound)
 *   h                          ORNL's chamber (tests/data/ornl-one-cell-pack.json)
 *   R1, R2 at the first ECM grid point (the knee), as factors
 *   x                          every activation energy times x above 25 C
 *                              (the cell's "ea_scale_above_ref")
 *   R1, R2 over all SOC, as factors (the HPPC's pairs held part of the
 *                              particles' diffusion the element carries)
 * R0 is the HPPC fit's instantaneous resistance at ORNL's 30 A pulses, which
 * holds the charge-transfer overpotential there: the cell's R0 becomes
 * R0_HPPC - eta(30 A) / 30 A, so the 30 A pulses keep their 1 s drop.
 * Objective: the sum over the three rates of (RMS / target)^2 with targets
 * 15 / 20 / 30 mV, (peak surface temperature error / 0.7 K)^2 and (surface
 * temperature RMS over the discharge and 40 min of rest / 0.5 K)^2, plus
 * the 25 C HPPC record's (RMS / 3.5 mV)^2 + (pulse RMS / 4.5 mV)^2 and the
 * 10 C record's (RMS / 7.5 mV)^2 + (pulse RMS / 14 mV)^2 and the 40 C
 * one's (RMS / 9 mV)^2 + (pulse RMS / 9 mV)^2, so the pulses and the
 * temperature dependence stay fitted. A sum of squares trades one target
 * against another (it shipped 10.7 / 21.6 / 32.1 mV: 1C well inside, 2C
 * and 3C outside), so each bound the issue sets is also a hinge,
 * HINGE_WEIGHT x (ratio - limit)^2 past its limit: each rate's RMS over
 * 0.97 x its target, each peak's error over 0.85 K (the issue: 1 K), and
 * each HPPC record's pulse RMS over about 1.1 x what the cell had before
 * the hinges (FIT_HINGE=0 gives the plain sum). The records are replayed
 * at the scenario's 1 s steps (ornl-leaf.c).
 *
 * Options: --from followed by the 20 parameters in natural units starts
 * there (FIT_MAX_EVALS=0 only evaluates it), --write FILE writes the result,
 * --trace 1c|2c|3c prints the shipped cell against a record, FIT_TRACE=3c
 * the fitted one; FIT_SMOOTH=N and FIT_EA_SCALE=x were experiments (smoothed
 * R1/R2 tables, scaled activation energies) left in for the next fit.
 */
#include "config.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <json-glib/json-glib.h>

#include "ps-engine.h"
#include "ps-cell-type-private.h"

#include "fit-nelder-mead.h"

#include "ornl-leaf.h"

#define N_PARAMS      20
#define N_TAU         6
#define PULSE_A       30.0
#define FARADAY       96485.33212
#define GAS_CONSTANT  8.314462618

/* the fit stays where the physics is: diffusion time constants of seconds
 * to an hour, an exchange current of 1 A to 10 kA (above, the term is
 * linear), activation energies of 0-60 kJ/mol, and cp within the range
 * measured for Li-ion pouch cells (about 900-1500 J/kgK) */
#define TAU_MIN_S     1.0
#define TAU_MAX_S     3600.0
#define I0_MIN_A      1.0
#define I0_MAX_A      1e4
#define EA_MAX_J_MOL  60000.0
#define CP_MIN        900.0
#define CP_MAX        1500.0
/* the electrolyte's 2 R T (1 - t+) / F: 0.032 V for t+ 0.38; a lumped
 * cell may stand for a deeper profile, so up to 3x that */
/* natural convection and radiation in a chamber: 5-25 W/m2K */
#define H_MIN         5.0
#define H_MAX         25.0
/* the salt's profile across the cell forms in about L^2 / D_e: 100 um
 * and 3e-10 m2/s give 30 s; a few minutes at most */
#define TAU_E_MAX_S   300.0
#define SCALE_MIN_V   0.01
#define SCALE_MAX_V   0.1
/* the activation energies above 25 C as a share of those below */
#define EA_SCALE_MAX  1.5
/* R1 and R2 over all SOC, as factors on the HPPC fit's */
#define RC_SCALE_MIN  0.05
#define RC_SCALE_MAX  2.0

static const char * const rates[] = { "1c", "2c", "3c" };
static const double rms_target_v[] = { 0.015, 0.020, 0.030 };
/* the bounds, as hinges the sum of squares alone does not keep:
 * each rate's RMS within RMS_MARGIN of its target, each peak within
 * PEAK_MARGIN_K of the hottest thermocouple (the issue allows 1 K), and
 * the HPPC pulses at 25 / 10 / 40 C no more than about 10 % above those of
 * the cell the hinges were first fitted from (2.95 / 8.22 / 5.66 mV) */
#define HINGE_WEIGHT  1000.0
#define RMS_MARGIN    0.97
#define PEAK_MARGIN_K 0.85
static const double hppc_pulse_bound_v[] = { 0.00325, 0.0090, 0.0062 };
static const double tau_soc[N_TAU] = { 0.0, 0.10, 0.25, 0.5, 0.75, 1.0 };

typedef struct
{
  PsCellType *base;            /* the shipped cell, R0 as the HPPC fit gave it */
  OrnlRecord *discharge[3];
  OrnlRecord *hppc;
  OrnlRecord *hppc_cold;
  OrnlRecord *hppc_hot;
  guint       n_evals;
} Fit;

/* eta(I) of symmetric Butler-Volmer at T_ref */
static double
bv_eta (double i,
        double i0,
        double t_k)
{
  return 2.0 * GAS_CONSTANT * t_k / FARADAY * asinh (i / (2.0 * i0));
}

/* the table's first n_scaled points (0: all) times factor */
static void
scale_points (PsTable *table,
              double   factor,
              guint    n_scaled)
{
  guint n = table->n_points;
  g_autofree double *x = g_memdup2 (table->x, sizeof (double) * n);
  g_autofree double *y = g_memdup2 (table->y, sizeof (double) * n);

  for (guint k = 0; k < (n_scaled > 0 ? MIN (n_scaled, n) : n); k++)
    y[k] *= factor;
  ps_table_clear (table);
  g_assert_true (ps_table_init (table, x, y, n));
}

static void
scale_first_point (PsTable *table,
                   double   factor)
{
  scale_points (table, factor, 1);
}

static void
scale_all_points (PsTable *table,
                  double   factor)
{
  scale_points (table, factor, 0);
}

/* one pass of a (1/4, 1/2, 1/4) filter over a table's interior points */
static void
smooth_table (PsTable *table)
{
  guint n = table->n_points;
  g_autofree double *x = g_memdup2 (table->x, sizeof (double) * n);
  g_autofree double *y = g_memdup2 (table->y, sizeof (double) * n);

  for (guint k = 1; k + 1 < n; k++)
    y[k] = 0.25 * table->y[k - 1] + 0.5 * table->y[k] + 0.25 * table->y[k + 1];
  ps_table_clear (table);
  g_assert_true (ps_table_init (table, x, y, n));
}

static char *
candidate_json (const Fit    *fit,
                const double *p)
{
  g_autoptr(PsCellType) cell = ps_cell_type_copy (fit->base);
  g_autoptr(JsonNode) node = NULL;
  double tau[N_TAU], i0 = CLAMP (exp (p[N_TAU]), I0_MIN_A, I0_MAX_A), i0s[2] = { i0, i0 }, i0_soc[2] = { 0.0, 1.0 };
  double chord = bv_eta (PULSE_A, i0, cell->t_ref_k) / PULSE_A;
  g_autofree double *r0 = g_new (double, cell->r0.n_points);

  for (guint k = 0; k < N_TAU; k++)
    tau[k] = CLAMP (exp (p[k]), TAU_MIN_S, TAU_MAX_S);
  ps_table_clear (&cell->tau_diffusion);
  ps_table_clear (&cell->i0);
  g_assert_true (ps_table_init (&cell->tau_diffusion, tau_soc, tau, N_TAU));
  g_assert_true (ps_table_init (&cell->i0, i0_soc, i0s, 2));
  cell->ea_diffusion_j_mol = CLAMP (p[N_TAU + 2] * 1e4, 0.0, EA_MAX_J_MOL);
  cell->ea_i0_j_mol = CLAMP (p[N_TAU + 3] * 1e4, 0.0, EA_MAX_J_MOL);
  for (guint k = 0; k < cell->r0.n_points; k++)
    r0[k] = MAX (cell->r0.y[k] - chord, 1e-5);
  {
    g_autofree double *x = g_memdup2 (cell->r0.x, sizeof (double) * cell->r0.n_points);
    guint n = cell->r0.n_points;

    ps_table_clear (&cell->r0);
    g_assert_true (ps_table_init (&cell->r0, x, r0, n));
  }
  cell->cp_j_kg_k = CLAMP (exp (p[N_TAU + 1]), CP_MIN, CP_MAX);
  /* the HPPC's last pulse block (the first ECM grid point, on the knee)
   * saw the knee's diffusion as polarisation: R1 and R2 there are fitted
   * again with the diffusion element beside them */
  scale_first_point (&cell->r1, CLAMP (exp (p[N_TAU + 9]), 0.05, 2.0));
  scale_first_point (&cell->r2, CLAMP (exp (p[N_TAU + 10]), 0.05, 2.0));
  /* the HPPC's slower RC pair stood for the particles' diffusion the
   * element now carries: both pairs scaled over all SOC */
  scale_all_points (&cell->r1, CLAMP (exp (p[N_TAU + 12]), RC_SCALE_MIN, RC_SCALE_MAX));
  scale_all_points (&cell->r2, CLAMP (exp (p[N_TAU + 13]), RC_SCALE_MIN, RC_SCALE_MAX));
  if (g_getenv ("FIT_EA_SCALE") != NULL)
    {
      cell->ea_rc_j_mol *= g_ascii_strtod (g_getenv ("FIT_EA_SCALE"), NULL);
      cell->ea_r0_j_mol *= g_ascii_strtod (g_getenv ("FIT_EA_SCALE"), NULL);
    }
  if (g_getenv ("FIT_SMOOTH") != NULL)
    for (int pass = 0; pass < atoi (g_getenv ("FIT_SMOOTH")); pass++)
      {
        smooth_table (&cell->r1);
        smooth_table (&cell->r2);
      }
  cell->electrolyte_i_lim_a = CLAMP (exp (p[N_TAU + 4]), 10.0, 1e4);
  cell->electrolyte_tau_s = CLAMP (exp (p[N_TAU + 5]), TAU_MIN_S, TAU_E_MAX_S);
  cell->electrolyte_scale_v = CLAMP (exp (p[N_TAU + 6]), SCALE_MIN_V, SCALE_MAX_V);
  cell->ea_electrolyte_j_mol = CLAMP (p[N_TAU + 7] * 1e4, 0.0, EA_MAX_J_MOL);
  cell->has_ea_scale_above_ref = TRUE;
  cell->ea_scale_above_ref = CLAMP (p[N_TAU + 11], 0.0, EA_SCALE_MAX);
  node = ps_cell_type_to_json_node (cell);
  return json_to_string (node, FALSE);
}

/* the penalty past a bound: HINGE_WEIGHT (FIT_HINGE overrides it, 0
 * leaves the plain sum of squares) times the squared excess of ratio over
 * limit */
static double
hinge (double ratio,
       double limit)
{
  static double weight = -1.0;

  if (weight < 0.0)
    weight = g_getenv ("FIT_HINGE") != NULL ? g_ascii_strtod (g_getenv ("FIT_HINGE"), NULL)
                                            : HINGE_WEIGHT;
  return ratio > limit ? weight * pow (ratio - limit, 2.0) : 0.0;
}

static double
evaluate (Fit          *fit,
          const double *p,
          gboolean      report)
{
  g_autofree char *json = candidate_json (fit, p);
  g_autoptr(GError) error = NULL;
  double j = 0.0;
  OrnlResult r;

  fit->n_evals++;
  ornl_set_h (CLAMP (exp (p[N_TAU + 8]), H_MIN, H_MAX));
  for (guint c = 0; c < 3; c++)
    {
      if (!ornl_record_run (fit->discharge[c], json, report, &r, &error))
        {
          if (report)
            g_printerr ("candidate refused: %s\n", error->message);
          return INFINITY;
        }
      j += pow (r.rms_v / rms_target_v[c], 2.0)
           + pow ((r.peak_model_c - r.peak_measured_c) / 0.7, 2.0)
           + pow (r.temp_rms_k / 0.5, 2.0)
           + hinge (r.rms_v / rms_target_v[c], RMS_MARGIN)
           + hinge (fabs (r.peak_model_c - r.peak_measured_c) / PEAK_MARGIN_K, 1.0);
      if (report)
        g_print ("  %s: RMS %.1f mV (first 90 %% %.1f mV), %.2f Ah simulated vs %.2f measured, "
                 "peak %.2f C simulated vs %.2f C measured, surface RMS %.2f K\n",
                 rates[c], r.rms_v * 1e3, r.rms_part_v * 1e3, r.ah_model, r.ah_measured,
                 r.peak_model_c, r.peak_measured_c, r.temp_rms_k);
    }
  if (!ornl_record_run (fit->hppc, json, FALSE, &r, &error))
    return INFINITY;
  j += pow (r.rms_v / 0.0035, 2.0) + pow (r.rms_part_v / 0.0045, 2.0)
       + hinge (r.rms_part_v / hppc_pulse_bound_v[0], 1.0);
  if (report)
    g_print ("  HPPC 25 C: RMS %.2f mV (pulses %.2f mV)\n", r.rms_v * 1e3, r.rms_part_v * 1e3);
  if (!ornl_record_run (fit->hppc_cold, json, FALSE, &r, &error))
    return INFINITY;
  j += pow (r.rms_v / 0.0075, 2.0) + pow (r.rms_part_v / 0.014, 2.0)
       + hinge (r.rms_part_v / hppc_pulse_bound_v[1], 1.0);
  if (!ornl_record_run (fit->hppc_hot, json, FALSE, &r, &error))
    return INFINITY;
  j += pow (r.rms_v / 0.009, 2.0) + pow (r.rms_part_v / 0.009, 2.0)
       + hinge (r.rms_part_v / hppc_pulse_bound_v[2], 1.0);
  if (report)
    {
      const OrnlRecord *records[] = { fit->hppc_cold, fit->hppc_hot };
      const double temps[] = { 10.0, 40.0 };

      for (guint k = 0; k < 2; k++)
        if (ornl_record_run (records[k], json, FALSE, &r, NULL))
          g_print ("  HPPC %.0f C: RMS %.2f mV (pulses %.2f mV)\n", temps[k],
                   r.rms_v * 1e3, r.rms_part_v * 1e3);
    }
  return j;
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
  return fit_nelder_mead (objective, fit, N_PARAMS, x0, step, 1e-4, max_evals, &fit->n_evals);
}

/* A cell (NULL: the shipped one) against one discharge record: time,
 * current, measured and simulated voltage, and the error in mV; every row
 * after the first minute's 1 s rows, every 10th of those */
static void
print_trace (const char *c_rate,
             const char *cell_json)
{
  g_autoptr(OrnlRecord) record = ornl_discharge_load (c_rate);
  g_autoptr(GError) error = NULL;
  g_autofree double *v = NULL;

  g_assert_nonnull (record);
  v = g_new (double, ornl_record_n_rows (record));
  g_assert_true (ornl_record_trace (record, cell_json, v, &error));
  for (guint k = 0; k < ornl_record_n_rows (record); k += k < 60 ? 10 : 1)
    {
      double t, i, vm;

      ornl_record_row (record, k, &t, &i, &vm);
      g_print ("%.0f %.2f %.4f %.4f %+.1f\n", t, i, vm, v[k], (v[k] - vm) * 1e3);
    }
}

int
main (int argc, char **argv)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(PsCellType) shipped = NULL;
  const char *write_path = NULL;
  gboolean from = FALSE;
  guint max_evals = 4000;
  Fit fit = { 0 };
  /* start: tau_d 60 s above SOC 0.25, 300 s at 0.1, 600 s at 0; i0 50 A */
  double p[N_PARAMS] = { log (200.0), log (200.0), log (200.0), log (200.0), log (200.0),
                         log (200.0), log (50.0), log (1420.0), 2.5, 1.3,
                         log (120.0), log (300.0), log (0.032), 1.7, log (9.5), 0.0, 0.0, 1.0, 0.0, 0.0 };
  double j;

  if (argc >= 3 && g_str_equal (argv[1], "--write"))
    write_path = argv[2];
  if (argc == 2 + 2 * (write_path != NULL) + N_PARAMS
      && g_str_equal (argv[1 + 2 * (write_path != NULL)], "--from"))
    {
      /* start from these (natural units: tau_d x N_TAU s, i0 A, cp J/kgK,
       * Ea_d, Ea_i0 J/mol, I_lim A, tau_e s, scale V, Ea_e J/mol, h W/m2K,
       * knee R1 and R2 factors, the activation energies' scale above 25 C,
       * R1 and R2 factors over all SOC) */
      char **v = argv + 2 + 2 * (write_path != NULL);

      for (guint k = 0; k < N_PARAMS; k++)
        {
          double x = g_ascii_strtod (v[k], NULL);

          p[k] = (k == N_TAU + 2 || k == N_TAU + 3 || k == N_TAU + 7) ? x * 1e-4
                 : k == N_TAU + 11 ? x : log (x);
        }
      from = TRUE;
    }
  else if (argc == 3 && g_str_equal (argv[1], "--trace"))
    {
      print_trace (argv[2], NULL);
      return 0;
    }
  else if (argc != 1 && !from && !(argc == 3 && write_path != NULL))
    {
      g_printerr ("usage: fit-leaf-ecm [--write leaf-ecm-fit.json]\n");
      return 2;
    }

  shipped = ps_cell_type_new_from_id ("aesc-leaf-2011", &error);
  g_assert_no_error (error);
  fit.base = ps_cell_type_copy (shipped);
  /* the shipped cell may carry an earlier fit: give R0 back its 30 A
   * charge-transfer share, so R0 is the HPPC fit's again */
  if (shipped->i0.n_points > 0)
    {
      g_autofree double *r0 = g_new (double, shipped->r0.n_points);
      guint n = shipped->r0.n_points;

      for (guint k = 0; k < n; k++)
        r0[k] = shipped->r0.y[k]
                + bv_eta (PULSE_A, ps_table_eval (&shipped->i0, shipped->r0.x[k]),
                          shipped->t_ref_k) / PULSE_A;
      ps_table_clear (&fit.base->r0);
      g_assert_true (ps_table_init (&fit.base->r0, shipped->r0.x, r0, n));
    }

  /* ... and R1, R2 on the knee theirs (resources/cells/fit/leaf-ecm-fit.json,
   * whose scales make-cells.py applied) */
  if (shipped->i0.n_points > 0)
    {
      g_autofree char *path = g_build_filename (g_getenv ("G_TEST_SRCDIR") ? g_getenv ("G_TEST_SRCDIR") : ".",
                                                "..", "resources", "cells", "fit",
                                                "leaf-ecm-fit.json", NULL);
      g_autoptr(JsonParser) parser = json_parser_new ();
      JsonObject *o;

      if (!json_parser_load_from_file (parser, path, &error))
        g_error ("the shipped cell carries a fit, but %s does not load: %s", path, error->message);
      o = json_node_get_object (json_parser_get_root (parser));
      scale_first_point (&fit.base->r1, 1.0 / json_object_get_double_member (o, "knee_r1_scale"));
      scale_first_point (&fit.base->r2, 1.0 / json_object_get_double_member (o, "knee_r2_scale"));
      if (json_object_has_member (o, "r1_scale"))
        {
          scale_all_points (&fit.base->r1, 1.0 / json_object_get_double_member (o, "r1_scale"));
          scale_all_points (&fit.base->r2, 1.0 / json_object_get_double_member (o, "r2_scale"));
        }
    }

  for (guint c = 0; c < 3; c++)
    {
      fit.discharge[c] = ornl_discharge_load (rates[c]);
      g_assert_nonnull (fit.discharge[c]);
    }
  fit.hppc = ornl_hppc_load ("cell-low-current-hppc-25c-2.csv", 25.0);
  g_assert_nonnull (fit.hppc);
  fit.hppc_cold = ornl_hppc_load ("cell-low-current-hppc-10c.csv", 10.0);
  g_assert_nonnull (fit.hppc_cold);
  fit.hppc_hot = ornl_hppc_load ("cell-low-current-hppc-40c-1.csv", 40.0);
  g_assert_nonnull (fit.hppc_hot);

  ornl_set_h (0.0);
  g_print ("shipped cell:\n");
  {
    OrnlResult r;

    for (guint c = 0; c < 3; c++)
      {
        g_assert_true (ornl_record_run (fit.discharge[c], NULL, FALSE, &r, &error));
        g_print ("  %s: RMS %.1f mV, peak %.2f C vs %.2f C, surface RMS %.2f K\n", rates[c],
                 r.rms_v * 1e3, r.peak_model_c, r.peak_measured_c, r.temp_rms_k);
      }
  }

  g_print ("start:\n");
  evaluate (&fit, p, TRUE);
  if (g_getenv ("FIT_MAX_EVALS") != NULL)
    max_evals = atoi (g_getenv ("FIT_MAX_EVALS"));
  /* (FIT_MAX_EVALS=0 only evaluates the start: Nelder-Mead would still
   * move to the best vertex of its first simplex) */
  if (max_evals > 0)
    {
      j = nelder_mead (&fit, p, 0.3, max_evals / 2);
      j = nelder_mead (&fit, p, 0.1, max_evals);
    }
  else
    j = evaluate (&fit, p, FALSE);
  g_print ("fit after %u evaluations, objective %.4f:\n", fit.n_evals, j);
  g_print ("  tau_d");
  for (guint k = 0; k < N_TAU; k++)
    g_print (" %.1f s (SOC %.2f)", CLAMP (exp (p[k]), TAU_MIN_S, TAU_MAX_S), tau_soc[k]);
  g_print ("\n  electrolyte I_lim %.1f A, tau %.1f s, scale %.4f V, Ea %.0f J/mol",
           CLAMP (exp (p[N_TAU + 4]), 10.0, 1e4), CLAMP (exp (p[N_TAU + 5]), TAU_MIN_S, TAU_E_MAX_S),
           CLAMP (exp (p[N_TAU + 6]), SCALE_MIN_V, SCALE_MAX_V),
           CLAMP (p[N_TAU + 7] * 1e4, 0.0, EA_MAX_J_MOL));
  g_print ("; h %.2f W/m2K; knee R1 x%.3f, R2 x%.3f", CLAMP (exp (p[N_TAU + 8]), H_MIN, H_MAX),
           CLAMP (exp (p[N_TAU + 9]), 0.05, 2.0), CLAMP (exp (p[N_TAU + 10]), 0.05, 2.0));
  g_print ("; Ea above 25 C x%.3f; R1 x%.3f, R2 x%.3f", CLAMP (p[N_TAU + 11], 0.0, EA_SCALE_MAX),
           CLAMP (exp (p[N_TAU + 12]), RC_SCALE_MIN, RC_SCALE_MAX),
           CLAMP (exp (p[N_TAU + 13]), RC_SCALE_MIN, RC_SCALE_MAX));
  g_print ("; Ea %.0f J/mol\n  i0 %.2f A, Ea %.0f J/mol; cp %.0f J/kgK\n",
           CLAMP (p[N_TAU + 2] * 1e4, 0.0, EA_MAX_J_MOL), CLAMP (exp (p[N_TAU]), I0_MIN_A, I0_MAX_A),
           CLAMP (p[N_TAU + 3] * 1e4, 0.0, EA_MAX_J_MOL), CLAMP (exp (p[N_TAU + 1]), CP_MIN, CP_MAX));
  evaluate (&fit, p, TRUE);

  if (g_getenv ("FIT_TRACE") != NULL)
    {
      g_autofree char *json = candidate_json (&fit, p);

      print_trace (g_getenv ("FIT_TRACE"), json);
    }

  if (write_path != NULL)
    {
      g_autoptr(GString) text = g_string_new ("{\n  \"comment\": \"written by tests/fit-leaf-ecm.c from ORNL's 1C/2C/3C discharges (voltage, surface temperature) and 25 C / 10 C / 40 C HPPC of the Leaf cell\",\n");

      g_string_append (text, "  \"tau_soc\": [");
      for (guint k = 0; k < N_TAU; k++)
        g_string_append_printf (text, "%s%g", k ? ", " : "", tau_soc[k]);
      g_string_append (text, "],\n  \"tau_s\": [");
      for (guint k = 0; k < N_TAU; k++)
        g_string_append_printf (text, "%s%.1f", k ? ", " : "", CLAMP (exp (p[k]), TAU_MIN_S, TAU_MAX_S));
      g_string_append_printf (text, "],\n  \"ea_diffusion_j_mol\": %.0f,\n"
                              "  \"i0_a\": %.2f,\n  \"ea_i0_j_mol\": %.0f,\n"
                              "  \"r0_pulse_a\": %g,\n  \"cp_j_kg_k\": %.0f,\n",
                              CLAMP (p[N_TAU + 2] * 1e4, 0.0, EA_MAX_J_MOL),
                              CLAMP (exp (p[N_TAU]), I0_MIN_A, I0_MAX_A),
                              CLAMP (p[N_TAU + 3] * 1e4, 0.0, EA_MAX_J_MOL), PULSE_A,
                              CLAMP (exp (p[N_TAU + 1]), CP_MIN, CP_MAX));
      g_string_append_printf (text, "  \"chamber_h_w_m2k\": %.2f,\n", CLAMP (exp (p[N_TAU + 8]), H_MIN, H_MAX));
      g_string_append_printf (text, "  \"knee_r1_scale\": %.4f,\n  \"knee_r2_scale\": %.4f,\n",
                              CLAMP (exp (p[N_TAU + 9]), 0.05, 2.0), CLAMP (exp (p[N_TAU + 10]), 0.05, 2.0));
      g_string_append_printf (text, "  \"ea_scale_above_ref\": %.3f,\n",
                              CLAMP (p[N_TAU + 11], 0.0, EA_SCALE_MAX));
      g_string_append_printf (text, "  \"r1_scale\": %.4f,\n  \"r2_scale\": %.4f,\n",
                              CLAMP (exp (p[N_TAU + 12]), RC_SCALE_MIN, RC_SCALE_MAX),
                              CLAMP (exp (p[N_TAU + 13]), RC_SCALE_MIN, RC_SCALE_MAX));
      /* at its upper bound the limiting current leaves the element
       * nothing to do: the fit switched it off */
      if (exp (p[N_TAU + 4]) >= 1e4)
        g_string_append (text, "  \"electrolyte\": null\n}\n");
      else
        g_string_append_printf (text, "  \"electrolyte\": { \"limiting_current_a\": %.2f, "
                              "\"tau_s\": %.1f, \"voltage_scale_v\": %.5f, \"ea_j_mol\": %.0f }\n}\n",
                              CLAMP (exp (p[N_TAU + 4]), 10.0, 1e4),
                              CLAMP (exp (p[N_TAU + 5]), TAU_MIN_S, TAU_E_MAX_S),
                              CLAMP (exp (p[N_TAU + 6]), SCALE_MIN_V, SCALE_MAX_V),
                              CLAMP (p[N_TAU + 7] * 1e4, 0.0, EA_MAX_J_MOL));
      if (!g_file_set_contents (write_path, text->str, -1, &error))
        {
          g_printerr ("%s\n", error->message);
          return 1;
        }
      g_print ("wrote %s\n", write_path);
    }

  for (guint c = 0; c < 3; c++)
    ornl_record_free (fit.discharge[c]);
  ornl_record_free (fit.hppc);
  ornl_record_free (fit.hppc_cold);
  ps_cell_type_free (fit.base);
  return 0;
}
