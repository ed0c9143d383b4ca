/* test-validation.c: the physics cell models against reference solutions
 * (suite "validation")
 *
 * SPMe (ps-spme.c) and DFN (ps-dfn.c) with the Marquis2019 parameters and the overrides of the
 * COMSOL runs (parameter set marquis2019-comsol) against COMSOL's DFN
 * (shared/data/comsol-marquis2019), isothermal 298.15 K, 24 A per C from the
 * set's initial concentrations, at 0.1C, 0.5C, 1C and 3C:
 *   - RMS voltage difference over COMSOL's times down to the cell's cut-off
 *     (3.105 V; the 3C run goes on to 2.25 V, past any cell's use)
 *   - delivered capacity: the charge when the voltage first reaches
 *     V* = max (cut-off, COMSOL's last voltage), against COMSOL's
 * Each case writes a comparison plot (drawn by src/render) into the build
 * directory.
 */
#include "config.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

#include <glib.h>

#include <cairo.h>

#include <json-glib/json-glib.h>

#include "ps-engine.h"
#include "ps-cell-model.h"
#include "ps-render.h"
#include "ps-electrochem.h"
#include "test-validation-common.h"
#include "test-plot.h"

/* the time a curve first falls to v (linear between samples), or -1 */
static double
curve_crossing (const Curve *c,
                double       v)
{
  for (guint i = 1; i < c->n; i++)
    if (c->v[i] <= v && c->v[i - 1] > v)
      return c->t[i - 1] + (c->v[i - 1] - v) * (c->t[i] - c->t[i - 1]) / (c->v[i - 1] - c->v[i]);
  return c->v[c->n - 1] == v ? c->t[c->n - 1] : -1.0;
}

/* Runs a model class on one cell at constant current from the set's initial
 * concentrations for duration s in steps of dt; fills the curve. */
static void
run_constant_current (const PsCellModelClass *klass,
                      const PsCellType       *cell,
                      double                  current_a,
                      double                  duration_s,
                      double                  dt,
                      Curve                  *out)
{
  const PsElectrochem *ec = cell->electrochem;
  const PsElectrode *n = &ec->electrode[PS_ELECTRODE_NEG];
  PsCellModel *model = klass->new (cell, 1);
  double soc0 = (n->sto_init - n->sto_0) / (n->sto_100 - n->sto_0);
  double cap = cell->capacity_ah, rf = 1.0, temp = 298.15;
  guint steps = (guint) ceil (duration_s / dt - 1e-9);
  const double *e, *r;
  double heat;
  PsCellModelPower power;

  out->n = steps + 1;
  out->t = g_new (double, out->n);
  out->v = g_new (double, out->n);
  klass->reset (model, &soc0, &cap, &rf, temp);
  /* the instant the current starts */
  if (klass->set_current_guess != NULL)
    klass->set_current_guess (model, &current_a);
  klass->linearise (model, 0.0, &temp, &e, &r);
  out->t[0] = 0.0;
  out->v[0] = e[0] - r[0] * current_a;
  for (guint k = 1; k <= steps; k++)
    {
      double h = MIN (dt, duration_s - (k - 1) * dt);

      klass->linearise (model, h, &temp, &e, &r);
      klass->commit (model, h, &temp, &current_a, &heat, &power);
      out->t[k] = out->t[k - 1] + h;
      out->v[k] = klass->get_voltage (model)[0];
    }
  klass->free (model);
}

/* Draws the reference and the model (voltage over the charge delivered)
 * with the difference below, into <build dir>/<file_name>. */
static void
write_comparison_png (const char  *file_name,
                      const char  *title,
                      const char  *note,
                      const char  *ref_label,
                      const Curve *ref,
                      double       ref_end,
                      const Curve *sim,
                      const char  *sim_label,
                      double       current_a)
{
  g_autofree double *rx = g_new (double, ref->n);
  g_autofree double *sx = g_new (double, sim->n);
  g_autofree double *dx = g_new (double, ref->n);
  g_autofree double *dy = g_new (double, ref->n);
  guint n_ref = 0, n_sim = 0;
  PsPlotSeries series[2], diff[1];
  PsComparisonPlot plot = { 0 };

  for (guint i = 0; i < ref->n && ref->t[i] <= ref_end; i++, n_ref++)
    {
      rx[i] = current_a * ref->t[i] / 3600.0;
      dx[i] = rx[i];
      dy[i] = (curve_at (sim, ref->t[i]) - ref->v[i]) * 1e3;
    }
  for (guint i = 0; i < sim->n && sim->t[i] <= ref_end; i++, n_sim++)
    sx[i] = current_a * sim->t[i] / 3600.0;

  series[0] = (PsPlotSeries) { ref_label, rx, ref->v, n_ref, TRUE };
  series[1] = (PsPlotSeries) { sim_label, sx, sim->v, n_sim, FALSE };
  diff[0] = (PsPlotSeries) { NULL, dx, dy, n_ref, FALSE };
  plot.title = title;
  plot.note = note;
  plot.x_label = "Discharged [Ah]";
  plot.y_label = "Voltage [V]";
  plot.diff_label = "Diff. [mV]";
  plot.series = series;
  plot.n_series = 2;
  plot.diff = diff;
  plot.n_diff = 1;
  test_plot_write_png (file_name, &plot);
}

typedef struct
{
  const char             *name;
  const char             *file;
  double                  c_rate;
  double                  rms_max_v;
  const PsCellModelClass *klass;
  const char             *model;      /* "SPMe", "DFN" */
  const char             *model_id;   /* in the plot's file name */
} Case;

static void
compare_model (gconstpointer data)
{
  const Case *cs = data;
  g_autofree char *path = g_build_filename (validation_data_dir (), "comsol-marquis2019", cs->file, NULL);
  g_autoptr(PsCellType) cell = validation_set_cell ("marquis2019-comsol");
  Curve ref = { 0 }, sim = { 0 };
  double current = 24.0 * cs->c_rate;
  double duration, cutoff = 3.105, sum2 = 0.0, v_star, t_ref, t_sim;
  guint n = 0;

  g_assert_true (curve_read (path, &ref));
  /* a little past COMSOL's end, so that the capacity to its last voltage
   * shows either way */
  duration = ref.t[ref.n - 1];
  run_constant_current (cs->klass, cell, current, 1.02 * duration, duration / 400.0, &sim);

  for (guint i = 0; i < ref.n; i++)
    {
      double d;

      if (ref.v[i] < cutoff)
        break;
      d = curve_at (&sim, ref.t[i]) - ref.v[i];
      sum2 += d * d;
      n++;
    }
  v_star = MAX (cutoff, ref.v[ref.n - 1]);
  t_ref = curve_crossing (&ref, v_star);
  t_sim = curve_crossing (&sim, v_star);
  g_test_message ("%s %s: RMS %.2f mV over %u points; capacity to %.3f V: COMSOL %.4f Ah, %s %.4f Ah (%+.2f %%)",
                  cs->model, cs->name, sqrt (sum2 / n) * 1e3, n, v_star, current * t_ref / 3600.0,
                  cs->model, current * t_sim / 3600.0, (t_sim / t_ref - 1.0) * 100.0);
  {
    g_autofree char *file_name = g_strdup_printf ("validation-%s-comsol-%s.png", cs->model_id, cs->name);
    g_autofree char *title = g_strdup_printf ("%s vs COMSOL DFN, Marquis 2019, %s", cs->model, cs->name);
    g_autofree char *label = g_strdup_printf ("%s (Packscope)", cs->model);
    g_autofree char *note = g_strdup_printf ("RMS %.2f mV, capacity %+.2f %%",
                                             sqrt (sum2 / n) * 1e3, (t_sim / t_ref - 1.0) * 100.0);
    double end = ref.t[MAX (n, 1) - 1];

    write_comparison_png (file_name, title, note, "COMSOL DFN", &ref, end, &sim,
                          label, current);
  }
  g_assert_cmpuint (n, >, 50);
  g_assert_cmpfloat (sqrt (sum2 / n), <=, cs->rms_max_v);
  g_assert_cmpfloat (t_ref, >, 0.0);
  g_assert_cmpfloat (t_sim, >, 0.0);
  g_assert_cmpfloat (fabs (t_sim / t_ref - 1.0), <=, 0.005);
  curve_clear (&ref);
  curve_clear (&sim);
}

static const Case cases[] = {
  { "0.1C", "comsol_01C_voltage.csv", 0.1, 3.5e-3, &_ps_spme_class, "SPMe", "spme" },
  { "0.5C", "comsol_05C_voltage.csv", 0.5, 3.5e-3, &_ps_spme_class, "SPMe", "spme" },
  { "1C",   "comsol_1C_voltage.csv",  1.0, 3.5e-3, &_ps_spme_class, "SPMe", "spme" },
  { "3C",   "comsol_3C_voltage.csv",  3.0, 15e-3, &_ps_spme_class, "SPMe", "spme" },
  /* the DFN (its own cases with its profiles and numerics: test-dfn.c) */
  { "0.1C", "comsol_01C_voltage.csv", 0.1, 1e-3, &_ps_dfn_class, "DFN", "dfn" },
  { "0.5C", "comsol_05C_voltage.csv", 0.5, 1e-3, &_ps_dfn_class, "DFN", "dfn" },
  { "1C",   "comsol_1C_voltage.csv",  1.0, 1e-3, &_ps_dfn_class, "DFN", "dfn" },
  { "3C",   "comsol_3C_voltage.csv",  3.0, 5e-3, &_ps_dfn_class, "DFN", "dfn" },
};


/* A BPX file's own validation data (an About:Energy NMC111 pouch, its
 * "Validation" section: voltage under a constant discharge at 298.15 K)
 * against the SPMe of the imported cell, isothermal as the data. */
typedef struct
{
  const char *name;
  const char *file;
  const char *run;          /* the Validation entry */
  double      rms_max_v;
  const PsCellModelClass *klass;
  const char *model;
  const char *model_id;
} BpxCase;

static void
compare_bpx (gconstpointer data)
{
  const BpxCase *cs = data;
  g_autofree char *path = g_build_filename (validation_data_dir (), "bpx", "examples", cs->file, NULL);
  g_autoptr(GError) error = NULL;
  g_autoptr(PsCellType) cell = ps_bpx_cell_new_from_file (path, &error);
  g_autoptr(JsonParser) parser = json_parser_new ();
  const PsElectrochem *ec;
  JsonObject *run;
  JsonArray *ta, *ia, *va;
  Curve ref = { 0 }, sim = { 0 };
  double current, sum2 = 0.0, soc0 = 1.0, rf = 1.0, temp = 298.15, cap;
  guint n = 0;

  g_assert_no_error (error);
  ec = cell->electrochem;
  g_assert_nonnull (ec);
  g_assert_true (json_parser_load_from_file (parser, path, NULL));
  run = json_object_get_object_member (json_object_get_object_member (
          json_node_get_object (json_parser_get_root (parser)), "Validation"), cs->run);
  ta = json_object_get_array_member (run, "Time [s]");
  ia = json_object_get_array_member (run, "Current [A]");
  va = json_object_get_array_member (run, "Voltage [V]");
  ref.n = json_array_get_length (ta);
  ref.t = g_new (double, ref.n);
  ref.v = g_new (double, ref.n);
  for (guint i = 0; i < ref.n; i++)
    {
      ref.t[i] = json_array_get_double_element (ta, i);
      ref.v[i] = json_array_get_double_element (va, i);
    }
  /* BPX's validation currents are negative for a discharge */
  current = -json_array_get_double_element (ia, 0);
  g_assert_cmpfloat (current, >, 0.0);

  /* full, isothermal, as the data */
  {
    PsCellModel *model = cs->klass->new (cell, 1);
    double dt = ref.t[ref.n - 1] / 1000.0, heat;
    const double *e, *r;
    PsCellModelPower power;
    guint steps = 1000;

    cap = cell->capacity_ah;
    cs->klass->reset (model, &soc0, &cap, &rf, temp);
    sim.n = steps + 1;
    sim.t = g_new (double, sim.n);
    sim.v = g_new (double, sim.n);
    cs->klass->set_current_guess (model, &current);
    cs->klass->linearise (model, 0.0, &temp, &e, &r);
    sim.t[0] = 0.0;
    sim.v[0] = e[0] - r[0] * current;
    for (guint k = 1; k <= steps; k++)
      {
        cs->klass->linearise (model, dt, &temp, &e, &r);
        cs->klass->commit (model, dt, &temp, &current, &heat, &power);
        sim.t[k] = k * dt;
        sim.v[k] = MAX (cs->klass->get_voltage (model)[0], 0.0);
      }
    cs->klass->free (model);
  }

  for (guint i = 0; i < ref.n; i++)
    {
      double d = curve_at (&sim, ref.t[i]) - ref.v[i];

      if (ref.v[i] < ec->voltage_min_v)
        break;
      sum2 += d * d;
      n++;
    }
  g_test_message ("%s %s (BPX %s, %s): RMS %.2f mV over %u points", cs->model, cs->name, cs->file,
                  cs->run, sqrt (sum2 / n) * 1e3, n);
  {
    g_autofree char *file_name = g_strdup_printf ("validation-%s-bpx-%s.png", cs->model_id, cs->name);
    g_autofree char *title = g_strdup_printf ("%s of a BPX import vs its validation data, %s",
                                              cs->model, cs->run);
    g_autofree char *label = g_strdup_printf ("%s (Packscope)", cs->model);
    g_autofree char *note = g_strdup_printf ("RMS %.2f mV", sqrt (sum2 / n) * 1e3);

    write_comparison_png (file_name, title, note, "BPX validation data", &ref, ref.t[n - 1],
                          &sim, label, current);
  }
  g_assert_cmpuint (n, >, 20);
  g_assert_cmpfloat (sqrt (sum2 / n), <=, cs->rms_max_v);
  curve_clear (&ref);
  curve_clear (&sim);
}

static const BpxCase bpx_cases[] = {
  /* (measured 17.4 and 19.7 mV: the data's end falls more steeply than the
   * imported OCPs; a regression guard, not a target of the issue) */
  { "nmc-pouch-c20", "FaradayInstitution-BPX/examples/nmc_pouch_cell_BPX.json", "C/20 discharge", 25e-3,
    &_ps_spme_class, "SPMe", "spme" },
  { "nmc-pouch-1c",  "FaradayInstitution-BPX/examples/nmc_pouch_cell_BPX.json", "1C discharge", 30e-3,
    &_ps_spme_class, "SPMe", "spme" },
  /* the DFN of the same import */
  { "nmc-pouch-c20", "FaradayInstitution-BPX/examples/nmc_pouch_cell_BPX.json", "C/20 discharge", 25e-3,
    &_ps_dfn_class, "DFN", "dfn" },
  { "nmc-pouch-1c",  "FaradayInstitution-BPX/examples/nmc_pouch_cell_BPX.json", "1C discharge", 30e-3,
    &_ps_dfn_class, "DFN", "dfn" },
};

/* The lg-m50 ECM with its Butler-Volmer, diffusion and electrolyte
 * elements fitted by tests/fit-m50-ecm.c against the same cell's DFN:
 * constant current from full, isothermal 25 C, 5 s steps, RMS over the
 * DFN's times until it reaches 2.5 V (an ECM that gets there first counts
 * as 2.5 V after); the targets 10 mV at <= 1C and 25 mV at 2C. The
 * models are driven directly, so 2C runs past the cell's 7.3 A limit. */
typedef struct
{
  const char *name;
  double      c_rate;
  double      rms_max_v;
} EcmCase;

static const EcmCase ecm_cases[] = {
  { "0.5C", 0.5, 10e-3 },
  { "1C",   1.0, 10e-3 },
  { "2C",   2.0, 25e-3 },
};

/* a table of the cell is the one in the fit's file */
static void
assert_table (const PsTable *table,
              JsonObject    *o,
              const char    *x_member,
              const char    *y_member)
{
  JsonArray *xa = json_object_get_array_member (o, x_member);
  JsonArray *ya = json_object_get_array_member (o, y_member);

  g_assert_cmpuint (table->n_points, ==, json_array_get_length (xa));
  for (guint k = 0; k < table->n_points; k++)
    {
      g_assert_cmpfloat (table->x[k], ==, json_array_get_double_element (xa, k));
      g_assert_cmpfloat (table->y[k], ==, json_array_get_double_element (ya, k));
    }
}

/* the shipped lg-m50 cell, which carries what tests/fit-m50-ecm.c found
 * (resources/cells/fit/m50-ecm-fit.json, put in by make-cells.py): its
 * elements are checked against that file, so a re-fit that is not shipped
 * (or a cell regenerated without it) fails here */
static PsCellType *
m50_fitted_cell (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autofree char *path = g_build_filename (g_getenv ("G_TEST_SRCDIR"), "..", "resources", "cells",
                                            "fit", "m50-ecm-fit.json", NULL);
  PsCellType *cell = ps_cell_type_new_from_id ("lg-m50", &error);
  JsonObject *o, *e;

  g_assert_no_error (error);
  g_assert_true (json_parser_load_from_file (parser, path, &error));
  g_assert_no_error (error);
  o = json_node_get_object (json_parser_get_root (parser));
  /* one exchange current for all SOC, as make-cells.py writes it */
  g_assert_cmpuint (cell->i0.n_points, ==, 2);
  for (guint k = 0; k < 2; k++)
    g_assert_cmpfloat (cell->i0.y[k], ==, json_object_get_double_member (o, "i0_a"));
  g_assert_cmpfloat (cell->ea_i0_j_mol, ==, cell->ea_r0_j_mol);
  assert_table (&cell->tau_diffusion, o, "tau_soc", "tau_s");
  g_assert_cmpfloat (cell->ea_diffusion_j_mol, ==, 0.0);
  e = json_object_get_object_member (o, "electrolyte");
  g_assert_cmpfloat (cell->electrolyte_i_lim_a, ==, json_object_get_double_member (e, "limiting_current_a"));
  g_assert_cmpfloat (cell->electrolyte_tau_s, ==, json_object_get_double_member (e, "tau_s"));
  g_assert_cmpfloat (cell->electrolyte_scale_v, ==, json_object_get_double_member (e, "voltage_scale_v"));
  g_assert_cmpfloat (cell->ea_electrolyte_j_mol, ==, json_object_get_double_member (e, "ea_j_mol"));
  return cell;
}

static void
compare_m50_ecm (gconstpointer data)
{
  const EcmCase *cs = data;
  g_autoptr(PsCellType) cell = m50_fitted_cell ();
  Curve dfn = { 0 }, ecm = { 0 };
  double current, sum2 = 0.0, rms;
  gboolean ecm_ended = FALSE;
  guint n = 0;

  current = cs->c_rate * cell->capacity_ah;
  run_constant_current (&_ps_dfn_class, cell, current, 1.1 * 3600.0 / cs->c_rate, 5.0, &dfn);
  run_constant_current (&_ps_ecm_class, cell, current, 1.1 * 3600.0 / cs->c_rate, 5.0, &ecm);
  /* from the first step (the instant the current starts is the 2-RC
   * linearisation's, not a state) */
  for (guint k = 1; k < dfn.n && dfn.v[k] >= cell->voltage_min_v; k++)
    {
      double v = ecm_ended ? cell->voltage_min_v : ecm.v[k];

      if (!ecm_ended && !(v >= cell->voltage_min_v))
        {
          ecm_ended = TRUE;
          v = cell->voltage_min_v;
        }
      sum2 += (v - dfn.v[k]) * (v - dfn.v[k]);
      n++;
    }
  rms = sqrt (sum2 / MAX (n, 1));
  g_test_message ("lg-m50 ECM vs DFN %s: RMS %.2f mV over %u steps (%.0f s, DFN to 2.5 V)",
                  cs->name, rms * 1e3, n, n * 5.0);
  {
    g_autofree char *file_name = g_strdup_printf ("validation-ecm-dfn-lg-m50-%s.png", cs->name);
    g_autofree char *title = g_strdup_printf ("LG M50 ECM vs its DFN, %s", cs->name);
    g_autofree char *note = g_strdup_printf ("RMS %.2f mV", rms * 1e3);

    write_comparison_png (file_name, title, note, "DFN (Packscope)", &dfn, n * 5.0, &ecm,
                          "ECM (Packscope)", current);
  }
  g_assert_cmpuint (n, >, 100);
  g_assert_cmpfloat (rms, <=, cs->rms_max_v);
  curve_clear (&dfn);
  curve_clear (&ecm);
}

int
main (int    argc,
      char **argv)
{
  g_test_init (&argc, &argv, NULL);

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autofree char *name = g_strdup_printf ("/validation/%s/comsol-%s",
                                               cases[i].model_id, cases[i].name);

      g_test_add_data_func (name, &cases[i], compare_model);
    }
  for (guint i = 0; i < G_N_ELEMENTS (bpx_cases); i++)
    {
      g_autofree char *name = g_strdup_printf ("/validation/%s/bpx-%s",
                                               bpx_cases[i].model_id, bpx_cases[i].name);

      g_test_add_data_func (name, &bpx_cases[i], compare_bpx);
    }
  for (guint i = 0; i < G_N_ELEMENTS (ecm_cases); i++)
    {
      g_autofree char *name = g_strdup_printf ("/validation/ecm/dfn-lg-m50-%s", ecm_cases[i].name);

      g_test_add_data_func (name, &ecm_cases[i], compare_m50_ecm);
    }
  return g_test_run ();
}
