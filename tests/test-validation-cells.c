/* test-validation-cells.c: physics cells against measurements of the cells
 * their parameter sets describe (suite "validation")
 *
 * Enertech 2.28 Ah LiCoO2 pouch (cell enertech-lco-pouch, set ai2020; Ai et
 * al., J. Electrochem. Soc. 167 (2020) 013512): constant-current discharges
 * at 1C and 2C (2.28 A per C) from the set's initial state to 3.0 V, then
 * rest, with a lumped thermal model of that cell: one temperature, the
 * heat capacity of the cell's volume at the layers' thickness-weighted
 * rho c_p (current collectors included), h = 35 W/m2/K over its cooling
 * area, 25 C ambient (the set's thermal section). Against the measured
 * temperature rise (*_T.txt, 1 s samples, discharge and rest), within 1 K
 * (the target): the peak rise, and the largest difference at any
 * sample of the measured discharge. Reported with them and held to a
 * regression bound: the RMS over the whole record; reported: the largest
 * difference over the record, which the end of discharge sets (the model's
 * lasts about 4 % longer than the cell's, so it cools later). The voltage
 * (*_U.txt) is compared while both the cell and the model discharge: RMS
 * over time reported and held to a regression bound a little above what
 * the models give.
 *
 * Kokam SLPB 75106100, one electrode pair (set ecker2015; Ecker et al., J.
 * Electrochem. Soc. 162 (2015) A1836 and A1849): 1C and 5C discharges (0.15652
 * A per C, PyBaMM's "Current function" of that set) at 25 C, isothermal,
 * against the digitised measurements: RMS over the measured points while
 * the model discharges, held to a regression bound.
 *
 * DFN and SPMe both, run through the cell-model interface the pack uses;
 * each case writes its comparison plots (the project's own renderer) into
 * the build directory.
 */
#include "config.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

#include <glib.h>

#include "ps-engine.h"
#include "ps-cell-model.h"
#include "ps-render.h"
#include "ps-electrochem.h"
#include "test-validation-common.h"
#include "test-plot.h"

#define T_AMBIENT_K  298.15

/* heat capacity of the cell, J/K: the layers' thickness-weighted rho c_p
 * over the cell's volume */
static double
lumped_heat_capacity (const PsElectrochem *ec)
{
  double rho_cp_l = 0.0, l = 0.0;

  for (int w = 0; w < 2; w++)
    {
      const PsElectrode *e = &ec->electrode[w];
      const PsCurrentCollector *cc = &ec->collector[w];

      rho_cp_l += e->thickness_m * e->density_kg_m3 * e->cp_j_kg_k
                  + cc->thickness_m * cc->density_kg_m3 * cc->cp_j_kg_k;
      l += e->thickness_m + cc->thickness_m;
    }
  rho_cp_l += ec->separator.thickness_m * ec->separator.density_kg_m3 * ec->separator.cp_j_kg_k;
  l += ec->separator.thickness_m;
  return rho_cp_l / l * ec->volume_m3;
}

typedef struct
{
  Curve  voltage;         /* V over s */
  Curve  rise;            /* temperature - ambient, K over s */
  double t_end_s;         /* when the voltage reached the cut-off */
} Run;

static void
run_clear (Run *r)
{
  curve_clear (&r->voltage);
  curve_clear (&r->rise);
}

/* A constant-current discharge of one cell from the set's initial state
 * until the cut-off, then rest, to duration_s in steps of dt. With
 * h_a_w_k > 0 the cell's temperature follows the lumped model (heat
 * capacity heat_cap_j_k, implicit in the cooling); else it stays at the
 * ambient. */
static void
run_discharge (const PsCellModelClass *klass,
               const PsCellType       *cell,
               double                  current_a,
               double                  duration_s,
               double                  dt,
               double                  heat_cap_j_k,
               double                  h_a_w_k,
               Run                    *out)
{
  const PsElectrochem *ec = cell->electrochem;
  const PsElectrode *n = &ec->electrode[PS_ELECTRODE_NEG];
  PsCellModel *model = klass->new (cell, 1);
  double soc0 = (n->sto_init - n->sto_0) / (n->sto_100 - n->sto_0);
  double cap = cell->capacity_ah, rf = 1.0, temp = T_AMBIENT_K, current = current_a;
  guint steps = (guint) ceil (duration_s / dt - 1e-9);
  const double *e, *r;
  double heat;
  PsCellModelPower power;

  out->voltage.n = out->rise.n = steps + 1;
  out->voltage.t = g_new (double, steps + 1);
  out->voltage.v = g_new (double, steps + 1);
  out->rise.t = g_new (double, steps + 1);
  out->rise.v = g_new (double, steps + 1);
  out->t_end_s = duration_s;
  klass->reset (model, &soc0, &cap, &rf, temp);
  if (klass->set_current_guess != NULL)
    klass->set_current_guess (model, &current);
  klass->linearise (model, 0.0, &temp, &e, &r);
  out->voltage.t[0] = out->rise.t[0] = 0.0;
  out->voltage.v[0] = e[0] - r[0] * current;
  out->rise.v[0] = 0.0;
  for (guint k = 1; k <= steps; k++)
    {
      double h = MIN (dt, duration_s - (k - 1) * dt);
      double v;

      if (klass->set_current_guess != NULL)
        klass->set_current_guess (model, &current);
      klass->linearise (model, h, &temp, &e, &r);
      klass->commit (model, h, &temp, &current, &heat, &power);
      g_assert_true (isfinite (heat));
      if (h_a_w_k > 0.0)
        temp = (temp + h / heat_cap_j_k * (heat + h_a_w_k * T_AMBIENT_K))
               / (1.0 + h * h_a_w_k / heat_cap_j_k);
      v = klass->get_voltage (model)[0];
      out->voltage.t[k] = out->rise.t[k] = out->voltage.t[k - 1] + h;
      out->voltage.v[k] = v;
      out->rise.v[k] = temp - T_AMBIENT_K;
      if (current > 0.0 && v <= cell->voltage_min_v)
        {
          current = 0.0;
          out->t_end_s = out->voltage.t[k];
        }
    }
  klass->free (model);
}

/* the models of every case, in the plots' order */
static const struct
{
  const PsCellModelClass *klass;
  const char             *label;
} models[] = {
  { &_ps_dfn_class,  "DFN (Packscope)" },
  { &_ps_spme_class, "SPMe (Packscope)" },
};
#define N_MODELS G_N_ELEMENTS (models)

/* the measured curve and each model's, with the models' differences below,
 * over the measured times up to t_max, into <build dir>/<file_name> */
static void
write_plot (const char  *file_name,
            const char  *title,
            const char  *note,
            const char  *y_label,
            const char  *diff_label,
            double       diff_scale,
            const Curve *ref,
            double       t_max,
            const Curve *sim,     /* N_MODELS of them */
            const double *sim_t_max)
{
  PsPlotSeries series[1 + N_MODELS], diff[N_MODELS];
  PsComparisonPlot plot = { 0 };
  double *x[N_MODELS], *dy[N_MODELS];
  guint n_ref = 0;

  while (n_ref < ref->n && ref->t[n_ref] <= t_max)
    n_ref++;
  series[0] = (PsPlotSeries) { "Measured", ref->t, ref->v, n_ref, TRUE };
  for (guint m = 0; m < N_MODELS; m++)
    {
      guint n_sim = 0, n_d = 0;

      while (n_sim < sim[m].n && sim[m].t[n_sim] <= MIN (t_max, sim_t_max[m]))
        n_sim++;
      series[1 + m] = (PsPlotSeries) { models[m].label, sim[m].t, sim[m].v, n_sim, FALSE };
      x[m] = g_new (double, n_ref);
      dy[m] = g_new (double, n_ref);
      for (guint i = 0; i < n_ref && ref->t[i] <= sim_t_max[m]; i++, n_d++)
        {
          x[m][i] = ref->t[i];
          dy[m][i] = (curve_at (&sim[m], ref->t[i]) - ref->v[i]) * diff_scale;
        }
      diff[m] = (PsPlotSeries) { NULL, x[m], dy[m], n_d, FALSE };
    }
  plot.title = title;
  plot.note = note;
  plot.x_label = "Time [s]";
  plot.y_label = y_label;
  plot.diff_label = diff_label;
  plot.series = series;
  plot.n_series = 1 + N_MODELS;
  plot.diff = diff;
  plot.n_diff = N_MODELS;
  test_plot_write_png (file_name, &plot);
  for (guint m = 0; m < N_MODELS; m++)
    {
      g_free (x[m]);
      g_free (dy[m]);
    }
}

static double
curve_max (const Curve *c)
{
  double v = -INFINITY;

  for (guint i = 0; i < c->n; i++)
    v = MAX (v, c->v[i]);
  return v;
}

/* RMS of sim - ref over ref's samples with t <= t_max; *n_out the count */
static double
rms_over (const Curve *ref,
          const Curve *sim,
          double       t_max,
          double      *max_abs,
          guint       *n_out)
{
  double sum2 = 0.0, worst = 0.0;
  guint n = 0;

  for (guint i = 0; i < ref->n && ref->t[i] <= t_max; i++)
    {
      double d = curve_at (sim, ref->t[i]) - ref->v[i];

      sum2 += d * d;
      worst = MAX (worst, fabs (d));
      n++;
    }
  if (max_abs != NULL)
    *max_abs = worst;
  *n_out = n;
  return n > 0 ? sqrt (sum2 / n) : INFINITY;
}

/* ------------------------------------------------------------- Enertech */

typedef struct
{
  const char *name;          /* "1C" */
  double      c_rate;
  double      dis_max_k[N_MODELS];    /* largest difference while it discharges */
  double      rms_max_k[N_MODELS];    /* temperature RMS regression bound */
  double      rms_max_v[N_MODELS];    /* voltage RMS regression bound */
} EnertechCase;

/* (measured, DFN / SPMe, 1C and 2C: largest difference during the
 * discharge 0.46 / 0.64 K and 0.98 / 1.75 K; temperature RMS 0.30 / 0.43 K
 * and 0.31 / 0.56 K; voltage RMS 49.7 / 55.3 and 49.0 / 66.7 mV). The SPMe
 * misses the 1 K at 2C in the first 1000 s, partly because its heat, I
 * (U_bulk - V) - I T dU/dT, counts the particles' diffusion loss (the heat
 * of mixing) when the charge passes, while the DFN's, like PyBaMM's lumped
 * model, is ohmic + reaction + reversible (with the surface OCV instead the
 * SPMe ran 1.1 K warm early and 1.6 K cold late); the cell follows the DFN.
 * A bound a little above it guards the SPMe there. */
static const EnertechCase enertech_cases[] = {
  { "1C", 1.0, { 1.0, 1.0 }, { 0.35, 0.5 }, { 55e-3, 61e-3 } },
  { "2C", 2.0, { 1.0, 1.9 }, { 0.35, 0.62 }, { 54e-3, 73e-3 } },
};

static void
compare_enertech (gconstpointer data)
{
  const EnertechCase *cs = data;
  g_autofree char *t_file = g_strdup_printf ("%s_discharge_T.txt", cs->name);
  g_autofree char *u_file = g_strdup_printf ("%s_discharge_U.txt", cs->name);
  g_autofree char *t_path = g_build_filename (validation_data_dir (), "experimental", "enertech-ai2020", t_file, NULL);
  g_autofree char *u_path = g_build_filename (validation_data_dir (), "experimental", "enertech-ai2020", u_file, NULL);
  g_autoptr(GError) error = NULL;
  g_autoptr(PsCellType) cell = ps_cell_type_new_from_id ("enertech-lco-pouch", &error);
  const PsElectrochem *ec;
  Curve meas_t = { 0 }, meas_u = { 0 }, sim_t[N_MODELS], sim_u[N_MODELS];
  Run run[N_MODELS];
  double heat_cap, h_a, current, meas_end, worst_t[N_MODELS], rms_t[N_MODELS];
  double worst_dis[N_MODELS], peak_d[N_MODELS], rms_u[N_MODELS], v_end[N_MODELS];
  GString *note_t = g_string_new (NULL), *note_u = g_string_new (NULL);

  g_assert_no_error (error);
  ec = cell->electrochem;
  g_assert_nonnull (ec);
  g_assert_true (curve_read (t_path, &meas_t));
  g_assert_true (curve_read (u_path, &meas_u));
  heat_cap = lumped_heat_capacity (ec);
  h_a = ec->h_w_m2k * ec->cooling_area_m2;
  current = cs->c_rate * ec->capacity_ah;
  /* the measured discharge ends where its voltage record does */
  meas_end = meas_u.t[meas_u.n - 1];

  for (guint m = 0; m < N_MODELS; m++)
    {
      guint n_t, n_u;

      run_discharge (models[m].klass, cell, current, meas_t.t[meas_t.n - 1], 1.0, heat_cap, h_a,
                     &run[m]);
      sim_t[m] = run[m].rise;
      sim_u[m] = run[m].voltage;
      /* over the whole record (discharge and rest) */
      rms_t[m] = rms_over (&meas_t, &sim_t[m], INFINITY, &worst_t[m], &n_t);
      /* over the measured discharge */
      rms_over (&meas_t, &sim_t[m], meas_end, &worst_dis[m], &n_u);
      peak_d[m] = curve_max (&sim_t[m]) - curve_max (&meas_t);
      v_end[m] = MIN (meas_end, run[m].t_end_s);
      rms_u[m] = rms_over (&meas_u, &sim_u[m], v_end[m], NULL, &n_u);
      g_test_message ("Enertech %s %s: temperature rise: peak %.2f K (measured %.2f K, %+.2f K), "
                      "largest difference %.3f K over the measured discharge (%.0f s), %.3f K "
                      "over the record, RMS %.3f K over the record (%u s); voltage RMS %.1f mV "
                      "over %u s; discharge %.0f s (measured %.0f s)",
                      cs->name, models[m].label, curve_max (&sim_t[m]), curve_max (&meas_t),
                      peak_d[m], worst_dis[m], meas_end, worst_t[m], rms_t[m], n_t,
                      rms_u[m] * 1e3, n_u, run[m].t_end_s, meas_end);
      g_string_append_printf (note_t, "%s%s peak %+.2f K, RMS %.2f K", m ? "; " : "",
                              m ? "SPMe" : "DFN", peak_d[m], rms_t[m]);
      g_string_append_printf (note_u, "%s%s RMS %.1f mV", m ? "; " : "",
                              m ? "SPMe" : "DFN", rms_u[m] * 1e3);
    }
  {
    g_autofree char *f_t = g_strdup_printf ("validation-enertech-%s-temperature.png", cs->name);
    g_autofree char *f_u = g_strdup_printf ("validation-enertech-%s-voltage.png", cs->name);
    g_autofree char *title_t = g_strdup_printf ("Enertech LCO pouch (Ai 2020), %s, lumped thermal", cs->name);
    g_autofree char *title_u = g_strdup_printf ("Enertech LCO pouch (Ai 2020), %s", cs->name);
    double inf[N_MODELS];

    for (guint m = 0; m < N_MODELS; m++)
      inf[m] = INFINITY;
    write_plot (f_t, title_t, note_t->str, "Temperature rise [K]", "Diff. [K]", 1.0,
                &meas_t, INFINITY, sim_t, inf);
    write_plot (f_u, title_u, note_u->str, "Voltage [V]", "Diff. [mV]", 1e3,
                &meas_u, meas_end, sim_u, v_end);
  }
  for (guint m = 0; m < N_MODELS; m++)
    {
      /* the 1 K: the peak rise, and every sample while the cell
       * discharges (after it, the model's discharge runs about 4 % longer
       * than the cell's, and its cooling starts that much later) */
      g_assert_cmpfloat (fabs (peak_d[m]), <=, 1.0);
      g_assert_cmpfloat (worst_dis[m], <=, cs->dis_max_k[m]);
      g_assert_cmpfloat (rms_t[m], <=, cs->rms_max_k[m]);
      g_assert_cmpfloat (rms_u[m], <=, cs->rms_max_v[m]);
      run_clear (&run[m]);
    }
  g_string_free (note_t, TRUE);
  g_string_free (note_u, TRUE);
  curve_clear (&meas_t);
  curve_clear (&meas_u);
}

/* --------------------------------------------------------------- Ecker */

typedef struct
{
  const char *name;
  const char *file;
  double      c_rate;
  double      rms_max_v[N_MODELS];
} EckerCase;

/* (measured: 33.7 / 33.9 mV at 1C, 63.6 / 67.3 mV at 5C, DFN / SPMe) */
static const EckerCase ecker_cases[] = {
  { "1C", "Ecker_1C.csv", 1.0, { 37e-3, 37e-3 } },
  { "5C", "Ecker_5C.csv", 5.0, { 70e-3, 74e-3 } },
};

static void
compare_ecker (gconstpointer data)
{
  const EckerCase *cs = data;
  g_autofree char *path = g_build_filename (validation_data_dir (), "experimental", "ecker2015", cs->file, NULL);
  g_autoptr(PsCellType) cell = validation_set_cell ("ecker2015");
  /* PyBaMM's "Current function [A]" of the set: 1C of the pair */
  double current = 0.15652 * cs->c_rate;
  Curve meas = { 0 }, sim[N_MODELS];
  Run run[N_MODELS];
  double rms[N_MODELS], worst[N_MODELS], t_end[N_MODELS], meas_end;
  GString *note = g_string_new (NULL);

  g_assert_true (curve_read (path, &meas));
  meas_end = meas.t[meas.n - 1];
  for (guint m = 0; m < N_MODELS; m++)
    {
      guint n;

      run_discharge (models[m].klass, cell, current, 1.1 * meas_end, meas_end / 2000.0, 1.0, 0.0,
                     &run[m]);
      sim[m] = run[m].voltage;
      t_end[m] = MIN (run[m].t_end_s, meas_end);
      rms[m] = rms_over (&meas, &sim[m], t_end[m], &worst[m], &n);
      g_test_message ("Ecker %s %s: voltage RMS %.1f mV, max %.1f mV over %u of %u points; "
                      "discharge %.0f s (measured %.0f s)", cs->name, models[m].label,
                      rms[m] * 1e3, worst[m] * 1e3, n, meas.n, run[m].t_end_s, meas_end);
      g_string_append_printf (note, "%s%s RMS %.1f mV", m ? "; " : "", m ? "SPMe" : "DFN",
                              rms[m] * 1e3);
      g_assert_cmpuint (n, >=, meas.n - 3);
    }
  {
    g_autofree char *f = g_strdup_printf ("validation-ecker-%s-voltage.png", cs->name);
    g_autofree char *title = g_strdup_printf ("Kokam SLPB 75106100 (Ecker 2015), %s, 25 C", cs->name);

    write_plot (f, title, note->str, "Voltage [V]", "Diff. [mV]", 1e3, &meas, meas_end, sim, t_end);
  }
  for (guint m = 0; m < N_MODELS; m++)
    {
      g_assert_cmpfloat (rms[m], <=, cs->rms_max_v[m]);
      run_clear (&run[m]);
    }
  g_string_free (note, TRUE);
  curve_clear (&meas);
}

int
main (int    argc,
      char **argv)
{
  g_test_init (&argc, &argv, NULL);

  for (guint i = 0; i < G_N_ELEMENTS (enertech_cases); i++)
    {
      g_autofree char *name = g_strdup_printf ("/validation/cells/enertech-%s", enertech_cases[i].name);

      g_test_add_data_func (name, &enertech_cases[i], compare_enertech);
    }
  for (guint i = 0; i < G_N_ELEMENTS (ecker_cases); i++)
    {
      g_autofree char *name = g_strdup_printf ("/validation/cells/ecker-%s", ecker_cases[i].name);

      g_test_add_data_func (name, &ecker_cases[i], compare_ecker);
    }
  return g_test_run ();
}
