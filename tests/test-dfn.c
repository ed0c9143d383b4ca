/* test-dfn.c: the DFN cell model (ps-dfn.c), suite validation
 *
 * Its voltage against COMSOL's at 0.1C to 3C is in test-validation.c with
 * the SPMe's. Here, with Marquis2019 and the COMSOL overrides
 * (marquis2019-comsol: 1 m2, 24 A per C, isothermal 298.15 K): the 1C
 * electrolyte profiles (c_e, phi_e) against COMSOL's
 * (shared/data/comsol-marquis2019/comsol_1C.json, PyBaMM's
 * input/comsol_results, BSD-3-Clause) at a few times; the voltage's current
 * derivative from the Jacobian against finite differences; conservation of
 * lithium and salt; the energy identity of the heat terms; Arrhenius; the
 * model behind ps-cell-model.h on the LG M50.
 */
#include "config.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

#include <glib.h>
#include <json-glib/json-glib.h>

#include "ps-engine.h"
#include "ps-cell-model.h"
#include "ps-dfn-private.h"
#include "ps-error.h"
#include "ps-electrochem.h"
#include "ps-render.h"
#include "test-plot.h"

#define T_REF 298.15

static char *
data_path (const char *name)
{
  const char *dir = g_getenv ("PS_SHARED_DATA");

  return g_build_filename (dir != NULL ? dir : ".", "comsol-marquis2019", name, NULL);
}

static PsElectrochem *
comsol_set (void)
{
  g_autoptr(GError) error = NULL;
  PsElectrochem *ec = ps_electrochem_new_from_id ("marquis2019-comsol", &error);

  g_assert_no_error (error);
  g_assert_cmpfloat_with_epsilon (ec->area_m2, 1.0, 1e-12);
  return ec;
}

static PsDfnCell *
comsol_cell (const PsElectrochem *ec,
             const PsDfnMesh     *mesh)
{
  g_autoptr(GError) error = NULL;
  PsDfnCell *cell = _ps_dfn_cell_new (ec, mesh, 1.0, 1.0, &error);

  g_assert_no_error (error);
  _ps_dfn_cell_set_rest (cell, ec->electrode[PS_ELECTRODE_NEG].sto_init,
                         ec->electrode[PS_ELECTRODE_POS].sto_init, T_REF);
  return cell;
}

/* Draws a model against a reference (x, y) with their difference below
 * (the project's own renderer) into <build dir>/<file_name>. */
static void
write_plot (const char   *file_name,
            const char   *title,
            const char   *note,
            const char   *x_label,
            const char   *y_label,
            const char   *diff_label,
            const double *x,
            const double *y_ref,
            const double *y_sim,
            guint         n,
            double        diff_scale)
{
  g_autofree double *dy = g_new (double, n);
  PsPlotSeries series[2], diff[1];
  PsComparisonPlot plot = { 0 };

  for (guint i = 0; i < n; i++)
    dy[i] = (y_sim[i] - y_ref[i]) * diff_scale;
  series[0] = (PsPlotSeries) { "COMSOL", x, y_ref, n, TRUE };
  series[1] = (PsPlotSeries) { "DFN (Packscope)", x, y_sim, n, FALSE };
  diff[0] = (PsPlotSeries) { NULL, x, dy, n, FALSE };
  plot.title = title;
  plot.note = note;
  plot.x_label = x_label;
  plot.y_label = y_label;
  plot.diff_label = diff_label;
  plot.series = series;
  plot.n_series = 2;
  plot.diff = diff;
  plot.n_diff = 1;
  test_plot_write_png (file_name, &plot);
}

/* ---------------------------------------------------------------- profiles */

static JsonArray *
member_array (JsonObject *o,
              const char *name)
{
  g_assert_true (json_object_has_member (o, name));
  return json_object_get_array_member (o, name);
}

/* value of a profile [x][time] at node ix and time it */
static double
grid_at (JsonArray *a,
         guint      ix,
         guint      it)
{
  return json_array_get_double_element (json_array_get_array_element (a, ix), it);
}

static double
interp (const double *x,
        const double *y,
        guint         n,
        double        xq)
{
  if (xq <= x[0])
    return y[0];
  for (guint i = 1; i < n; i++)
    if (xq <= x[i])
      return y[i - 1] + (y[i] - y[i - 1]) * (xq - x[i - 1]) / (x[i] - x[i - 1]);
  return y[n - 1];
}

/* c_e and phi_e across the cell at 1C against COMSOL's at a few times */
static void
test_comsol_1c_profiles (void)
{
  g_autofree char *path = data_path ("comsol_1C.json");
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autoptr(GError) error = NULL;
  g_autoptr(PsElectrochem) ec = comsol_set ();
  PsDfnMesh mesh = PS_DFN_MESH_DEFAULT;
  PsDfnCell *cell = comsol_cell (ec, &mesh);
  JsonObject *root;
  JsonArray *times, *xs, *ce, *phie;
  guint nx = _ps_dfn_cell_n_x (cell), ncx;
  double *x = g_new0 (double, nx), *c_e = g_new0 (double, nx), *phi_e = g_new0 (double, nx);
  const guint check_at[] = { 20, 60, 100, 150, 190 };
  double t = 0.0, dt = 18.09045226130653 / 4.0;
  guint step = 0;

  json_parser_load_from_file (parser, path, &error);
  g_assert_no_error (error);
  root = json_node_get_object (json_parser_get_root (parser));
  times = member_array (root, "time");
  xs = member_array (root, "x");
  ce = member_array (root, "c_e");
  phie = member_array (root, "phi_e");
  ncx = json_array_get_length (xs);

  for (guint c = 0; c < G_N_ELEMENTS (check_at); c++)
    {
      guint it = check_at[c];
      double t_ref = json_array_get_double_element (times, it);
      double worst_c = 0.0, worst_phi = 0.0, mean_phi_err = 0.0;

      /* COMSOL's times are multiples of 3600 / 199 s: 4 steps each */
      while (step < 4 * it)
        {
          g_assert_true (_ps_dfn_cell_step (cell, dt, T_REF, 24.0, NULL));
          t += dt;
          step++;
        }
      g_assert_cmpfloat (fabs (t - t_ref), <, 1e-6);
      _ps_dfn_cell_profiles (cell, x, c_e, phi_e, NULL, NULL);
      for (guint k = 0; k < ncx; k++)
        {
          double xq = json_array_get_double_element (xs, k);
          double ec_err = interp (x, c_e, nx, xq) - grid_at (ce, k, it);
          double phi_err = interp (x, phi_e, nx, xq) - grid_at (phie, k, it);

          worst_c = MAX (worst_c, fabs (ec_err));
          worst_phi = MAX (worst_phi, fabs (phi_err));
          mean_phi_err += phi_err / ncx;
        }
      g_test_message ("1C profiles at %.0f s: c_e max error %.2f mol/m3, phi_e max error %.3f mV",
                      t_ref, worst_c, 1000.0 * worst_phi);
      if (c + 1 == G_N_ELEMENTS (check_at))
        {
          g_autofree double *xu = g_new (double, ncx);
          g_autofree double *ref = g_new (double, ncx);
          g_autofree double *sim = g_new (double, ncx);
          g_autofree char *note = g_strdup_printf ("at %.0f s: max difference %.2f mol/m3",
                                                   t_ref, worst_c);

          for (guint k = 0; k < ncx; k++)
            {
              double xq = json_array_get_double_element (xs, k);

              xu[k] = xq * 1e6;
              ref[k] = grid_at (ce, k, it);
              sim[k] = interp (x, c_e, nx, xq);
            }
          write_plot ("validation-dfn-comsol-1C-electrolyte.png",
                      "DFN vs COMSOL, Marquis 2019, 1C: electrolyte concentration",
                      note, "x [um]", "c_e [mol/m3]", "Diff. [mol/m3]",
                      xu, ref, sim, ncx, 1.0);
        }
      /* c_e swings by about 200 mol/m3 across the cell at 1C and phi_e by
       * some 30 mV: within a few per cent of their range (the linear
       * interpolation between node centres and the mesh account for it) */
      g_assert_cmpfloat (worst_c, <, 5.0);
      g_assert_cmpfloat (worst_phi, <, 1.0e-3);
    }

  g_free (x);
  g_free (c_e);
  g_free (phi_e);
  _ps_dfn_cell_free (cell);
}

/* ------------------------------------------------------------- numerics */

/* The voltage's derivative with the current (from the factored Jacobian)
 * against a central difference of converged solves: a wrong Jacobian entry
 * on the path from the current to the voltage shows here (Newton would
 * still converge, only slower). */
static void
test_voltage_derivative (void)
{
  g_autoptr(PsElectrochem) ec = comsol_set ();
  PsDfnMesh mesh = PS_DFN_MESH_DEFAULT;
  PsDfnCell *cell = comsol_cell (ec, &mesh);
  const double currents[] = { 24.0, -12.0, 72.0 };

  /* a state with gradients in it */
  for (int i = 0; i < 40; i++)
    g_assert_true (_ps_dfn_cell_step (cell, 20.0, T_REF, 24.0, NULL));
  for (guint c = 0; c < G_N_ELEMENTS (currents); c++)
    {
      double i0 = currents[c], h = 1e-3;
      double v, dv, vp, vm, fd;

      g_assert_true (_ps_dfn_cell_solve (cell, 10.0, T_REF, i0, &v, &dv));
      g_assert_true (_ps_dfn_cell_solve (cell, 10.0, T_REF, i0 + h, &vp, NULL));
      g_assert_true (_ps_dfn_cell_solve (cell, 10.0, T_REF, i0 - h, &vm, NULL));
      fd = (vp - vm) / (2.0 * h);
      g_test_message ("dV/dI at %.0f A: Jacobian %.6e, difference %.6e ohm", i0, dv, fd);
      g_assert_cmpfloat (dv, <, 0.0);
      g_assert_cmpfloat (fabs (dv - fd), <, 1e-4 * fabs (fd));
    }
  _ps_dfn_cell_free (cell);
}

/* Lithium in the particles changes by exactly the charge passed, and the
 * electrolyte's salt is conserved (its equations are in conservation form). */
static void
test_lithium_conservation (void)
{
  g_autoptr(PsElectrochem) ec = comsol_set ();
  PsDfnMesh mesh = { 7, 3, 9, 6, 8 };
  PsDfnCell *cell = comsol_cell (ec, &mesh);
  double q_n = ps_electrochem_electrode_charge (ec, PS_ELECTRODE_NEG);
  double q_p = ps_electrochem_electrode_charge (ec, PS_ELECTRODE_POS);
  double sn0, sp0, sn, sp, charge = 0.0, salt0 = 0.0, salt = 0.0;
  guint nx = _ps_dfn_cell_n_x (cell);
  double *x = g_new0 (double, nx), *c_e = g_new0 (double, nx);
  double eps[3] = { ec->electrode[0].porosity, ec->separator.porosity,
                    ec->electrode[1].porosity };
  guint region_end[3] = { mesh.n_x_neg, mesh.n_x_neg + mesh.n_x_sep, nx };
  double width[3] = { ec->electrode[0].thickness_m / mesh.n_x_neg,
                      ec->separator.thickness_m / mesh.n_x_sep,
                      ec->electrode[1].thickness_m / mesh.n_x_pos };

  _ps_dfn_cell_mean_sto (cell, &sn0, &sp0);
  _ps_dfn_cell_profiles (cell, x, c_e, NULL, NULL, NULL);
  for (guint k = 0, r = 0; k < nx; k++)
    {
      while (k >= region_end[r])
        r++;
      salt0 += eps[r] * width[r] * c_e[k];
    }
  for (int i = 0; i < 50; i++)
    {
      double current = (i % 7 < 4 ? 48.0 : -30.0);
      double dt = 5.0 + i;

      g_assert_true (_ps_dfn_cell_step (cell, dt, T_REF, current, NULL));
      charge += current * dt;
    }
  _ps_dfn_cell_mean_sto (cell, &sn, &sp);
  _ps_dfn_cell_profiles (cell, x, c_e, NULL, NULL, NULL);
  for (guint k = 0, r = 0; k < nx; k++)
    {
      while (k >= region_end[r])
        r++;
      salt += eps[r] * width[r] * c_e[k];
    }
  g_assert_cmpfloat (fabs ((sn0 - sn) * q_n - charge), <, 1e-6 * fabs (charge));
  g_assert_cmpfloat (fabs ((sp - sp0) * q_p - charge), <, 1e-6 * fabs (charge));
  g_assert_cmpfloat (fabs (salt - salt0), <, 1e-9 * salt0);

  g_free (x);
  g_free (c_e);
  _ps_dfn_cell_free (cell);
}

/* ------------------------------------------------------------ the model */

static double
klass_soc_per_c (const PsCellModelClass *klass,
                 PsCellModel            *model,
                 guint                   i)
{
  const double *soc_per_c, *ocv_per_c;

  klass->get_charge_sensitivity (model, &soc_per_c, &ocv_per_c);
  g_assert_cmpfloat (ocv_per_c[i], >, 0.0);
  return soc_per_c[i];
}

/* The LG M50 (Chen2020) behind ps-cell-model.h: two cells (one with 10 %
 * more capacity and 20 % more resistance) discharged at 1C. The SOC follows
 * the charge; the voltage the pack solve uses (E - R I) is the cell's own
 * end-of-step voltage; the heat is ohmic + reaction + reversible, below
 * Bernardi's I (OCV - V) (dU/dT is 0 in Chen2020: the difference is the
 * particles' concentration gradients, stored and given back on relaxation,
 * which the DFN does not count as heat when it is made); the snapshot
 * restores the state exactly; the larger resistance gives the lower
 * voltage. */
static void
test_model_lg_m50 (void)
{
  g_autoptr(GError) error = NULL;
  PsCellType *type = ps_cell_type_new_from_id ("lg-m50", &error);
  const PsCellModelClass *klass;
  PsCellModel *model;
  const double soc0[2] = { 1.0, 1.0 }, cap[2] = { 5.0, 5.5 }, rf[2] = { 1.0, 1.2 };
  double temp[2] = { T_REF, T_REF }, cur[2], heat[2];
  double dt = 10.0, t = 0.0, e_heat = 0.0, e_bern = 0.0;
  double saved_v = 0.0, saved_soc = 0.0;
  const double *e, *r, *soc, *v, *ocv;
  PsCellModelPower power;
  guint steps = 0;

  g_assert_no_error (error);
  klass = _ps_cell_model_class_for_kind (PS_CELL_MODEL_DFN, type, &error);
  g_assert_no_error (error);
  g_assert_true (klass == &_ps_dfn_class);
  model = klass->new (type, 2);
  klass->reset (model, soc0, cap, rf, T_REF);
  soc = klass->get_soc (model);
  g_assert_cmpfloat_with_epsilon (soc[0], 1.0, 1e-9);
  ocv = klass->get_ocv (model);
  g_assert_cmpfloat_with_epsilon (ocv[0], type->electrochem->voltage_max_v, 1e-6);

  for (;;)
    {
      double soc_before[2], ocv_before[2], v_lin[2];

      klass->linearise (model, dt, temp, &e, &r);
      for (int i = 0; i < 2; i++)
        {
          cur[i] = cap[i];     /* 1C each */
          soc_before[i] = soc[i];
          ocv_before[i] = klass->get_ocv (model)[i];
          v_lin[i] = e[i] - r[i] * cur[i];
          g_assert_cmpfloat (r[i], >, 0.0);
        }
      if (steps == 100)
        {
          klass->save (model);
          saved_v = v_lin[0];
          saved_soc = soc[0];
        }
      klass->commit (model, dt, temp, cur, heat, &power);
      v = klass->get_voltage (model);
      steps++;
      t += dt;
      for (int i = 0; i < 2; i++)
        {
          double dsoc = cur[i] * dt * klass_soc_per_c (klass, model, i);
          double ocv_mid = 0.5 * (ocv_before[i] + klass->get_ocv (model)[i]);

          g_assert_cmpfloat (fabs (soc_before[i] - soc[i] - dsoc), <, 1e-9);
          g_assert_cmpfloat_with_epsilon (v[i], v_lin[i], 1e-12);
          g_assert_true (isfinite (heat[i]) && heat[i] > 0.0);
          if (i == 0)
            {
              e_heat += heat[i] * dt;
              /* dU/dT is 0 in Chen2020 */
              e_bern += cur[i] * (ocv_mid - v[i]) * dt;
            }
        }
      /* every coulomb's energy is accounted for */
      g_assert_cmpfloat (fabs (power.chemical_w - power.reversible_w
                               - (cur[0] * v[0] + cur[1] * v[1]) - (heat[0] + heat[1])),
                         <, 1e-9 * power.chemical_w);
      g_assert_cmpfloat (v[1], <, v[0]);
      if (v[0] < type->voltage_min_v || steps > 1000)
        break;
    }
  g_test_message ("lg-m50 DFN 1C: %.0f s to %.3f V, heat %.0f J, Bernardi %.0f J",
                  t, v[0], e_heat, e_bern);
  /* about an hour at 1C */
  g_assert_cmpfloat (t, >, 3000.0);
  g_assert_cmpfloat (t, <, 3800.0);
  g_assert_cmpfloat (e_heat, <, e_bern);
  g_assert_cmpfloat (e_heat, >, 0.4 * e_bern);

  /* back to step 100: the same voltage again */
  klass->restore (model);
  g_assert_cmpfloat (klass->get_soc (model)[0], ==, saved_soc);
  klass->linearise (model, dt, temp, &e, &r);
  g_assert_cmpfloat (fabs (e[0] - r[0] * cap[0] - saved_v), <, 1e-9);

  klass->free (model);
  ps_cell_type_free (type);
}

/* Warmer is faster: at 318 K the 2C voltage is higher; and each Arrhenius
 * term (j0 of either electrode, D_e, kappa_e, D_s) takes part: the same
 * set with that one activation energy at 0 gives another voltage at 318 K
 * (a term evaluated at the reference temperature would not). */
static double
voltage_2c_after_600s (const PsElectrochem *ec,
                       double               temp_k)
{
  PsDfnMesh mesh = PS_DFN_MESH_DEFAULT;
  PsDfnCell *cell = comsol_cell (ec, &mesh);
  double v;

  for (int i = 0; i < 60; i++)
    g_assert_true (_ps_dfn_cell_step (cell, 10.0, temp_k, 48.0, NULL));
  v = _ps_dfn_cell_voltage (cell);
  _ps_dfn_cell_free (cell);
  return v;
}

static void
test_temperature (void)
{
  g_autoptr(PsElectrochem) ec = comsol_set ();
  double v_cold = voltage_2c_after_600s (ec, T_REF);
  double v_warm = voltage_2c_after_600s (ec, T_REF + 20.0);
  const char *names[] = { "j0 negative", "j0 positive", "D_e", "kappa_e", "D_s negative" };

  g_test_message ("2C after 600 s: %.4f V at 298 K, %.4f V at 318 K", v_cold, v_warm);
  g_assert_cmpfloat (v_warm, >, v_cold + 0.005);

  for (guint term = 0; term < G_N_ELEMENTS (names); term++)
    {
      g_autoptr(PsElectrochem) off = ps_electrochem_copy (ec);
      double v;

      switch (term)
        {
        case 0: off->electrode[PS_ELECTRODE_NEG].j0_ea_j_mol = 0.0; break;
        case 1: off->electrode[PS_ELECTRODE_POS].j0_ea_j_mol = 0.0; break;
        case 2: off->electrolyte.diffusivity.ea_j_mol = 0.0; break;
        case 3: off->electrolyte.conductivity.ea_j_mol = 0.0; break;
        default: off->electrode[PS_ELECTRODE_NEG].diffusivity.ea_j_mol = 0.0; break;
        }
      v = voltage_2c_after_600s (off, T_REF + 20.0);
      g_test_message ("  without the Arrhenius factor of %s: %.4f V (%+.2f mV)",
                      names[term], v, 1e3 * (v - v_warm));
      g_assert_cmpfloat (fabs (v - v_warm), >, 1e-4);
    }
}

/* The 1+1D COMSOL run at 3C with temperature (comsol_1plus1D_3C.json:
 * Marquis2019 as set, D_s constant, every heat transfer coefficient 10
 * W/m2/K) against this 1D DFN and a lumped thermal model of the pouch: one
 * temperature, heat capacity of the layers (current collectors included)
 * over the cell's volume, h = 10 over its cooling area. The current
 * collectors' own resistance along the pouch (the "1+1D") is left out: a
 * few tenths of a milliohm. Volume-averaged temperature within 0.1 K (the
 * issue asks 0.5 K; the rise is only 1.2 K, so 0.5 K would let a heat term
 * go missing) and the voltage down to the cut-off within 2 mV RMS. */
static void
test_comsol_1plus1d_3c (void)
{
  g_autofree char *path = data_path ("comsol_1plus1D_3C.json");
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autoptr(GError) error = NULL;
  g_autoptr(PsElectrochem) ec = ps_electrochem_new_from_id ("marquis2019", &error);
  PsDfnMesh mesh = PS_DFN_MESH_DEFAULT;
  PsDfnCell *cell;
  JsonObject *root;
  JsonArray *times, *volts, *temps;
  guint n, n_used = 0;
  double current = 3.0 * 0.680616, t = 0.0, temp, dt = 2.0;
  double heat_cap = 0.0, thick = 0.0, ha, worst_t = 0.0, sum2_v = 0.0, worst_v = 0.0;
  double *ts, *t_ref, *t_sim, *v_ref, *v_sim;

  g_assert_no_error (error);
  json_parser_load_from_file (parser, path, &error);
  g_assert_no_error (error);
  root = json_node_get_object (json_parser_get_root (parser));
  times = member_array (root, "time");
  volts = member_array (root, "voltage");
  temps = member_array (root, "volume-averaged temperature");
  n = json_array_get_length (times);
  ts = g_new0 (double, n);
  t_ref = g_new0 (double, n);
  t_sim = g_new0 (double, n);
  v_ref = g_new0 (double, n);
  v_sim = g_new0 (double, n);

  /* the run's D_s are constants */
  ec->electrode[PS_ELECTRODE_NEG].diffusivity.ea_j_mol = 0.0;
  ec->electrode[PS_ELECTRODE_POS].diffusivity.ea_j_mol = 0.0;
  /* heat capacity per electrode area of the five layers, J/(m2 K) */
  for (int w = 0; w < 2; w++)
    {
      const PsElectrode *e = &ec->electrode[w];
      const PsCurrentCollector *cc = &ec->collector[w];

      heat_cap += e->thickness_m * e->density_kg_m3 * e->cp_j_kg_k
                  + cc->thickness_m * cc->density_kg_m3 * cc->cp_j_kg_k;
      thick += e->thickness_m + cc->thickness_m;
    }
  heat_cap += ec->separator.thickness_m * ec->separator.density_kg_m3 * ec->separator.cp_j_kg_k;
  thick += ec->separator.thickness_m;
  /* to the cell: the cell's volume is its area times the layers */
  g_assert_cmpfloat (fabs (ec->area_m2 * thick - ec->volume_m3), <, 0.01 * ec->volume_m3);
  heat_cap *= ec->area_m2;
  ha = ec->h_w_m2k * ec->cooling_area_m2;

  cell = _ps_dfn_cell_new (ec, &mesh, 1.0, 1.0, &error);
  g_assert_no_error (error);
  temp = ec->t_init_k;
  _ps_dfn_cell_set_rest (cell, ec->electrode[PS_ELECTRODE_NEG].sto_init,
                         ec->electrode[PS_ELECTRODE_POS].sto_init, temp);
  g_assert_true (_ps_dfn_cell_solve (cell, 0.0, temp, current, &v_sim[0], NULL));
  t_sim[0] = temp;
  for (guint i = 0; i < n; i++)
    {
      ts[i] = json_array_get_double_element (times, i);
      v_ref[i] = json_array_get_double_element (volts, i);
      t_ref[i] = json_array_get_double_element (temps, i);
      if (v_ref[i] < ec->voltage_min_v)
        break;
      /* steps of about dt up to this sample, the temperature implicit */
      while (t < ts[i] - 1e-9)
        {
          double h = MIN (dt, ts[i] - t);
          PsDfnHeat q;
          double q_w;

          g_assert_true (_ps_dfn_cell_step (cell, h, temp, current, &q));
          q_w = q.ohmic_w + q.reaction_w + q.reversible_w;
          temp = (temp + h / heat_cap * (q_w + ha * ec->t_init_k)) / (1.0 + h * ha / heat_cap);
          t += h;
        }
      if (i > 0)
        {
          v_sim[i] = _ps_dfn_cell_voltage (cell);
          t_sim[i] = temp;
        }
      worst_t = MAX (worst_t, fabs (t_sim[i] - t_ref[i]));
      worst_v = MAX (worst_v, fabs (v_sim[i] - v_ref[i]));
      sum2_v += (v_sim[i] - v_ref[i]) * (v_sim[i] - v_ref[i]);
      n_used++;
    }
  g_test_message ("1+1D 3C, lumped: temperature max difference %.3f K (COMSOL rise %.2f K), "
                  "voltage RMS %.2f mV, max %.2f mV over %u points to %.3f V",
                  worst_t, t_ref[n_used - 1] - t_ref[0], 1e3 * sqrt (sum2_v / n_used),
                  1e3 * worst_v, n_used, ec->voltage_min_v);
  {
    g_autofree char *note = g_strdup_printf ("max difference %.2f K", worst_t);

    for (guint i = 0; i < n_used; i++)
      {
        t_ref[i] -= 273.15;
        t_sim[i] -= 273.15;
      }
    write_plot ("validation-dfn-comsol-1plus1D-3C-temperature.png",
                "DFN (lumped thermal) vs COMSOL 1+1D, Marquis 2019, 3C",
                note, "Time [s]", "Mean temperature [C]", "Diff. [K]",
                ts, t_ref, t_sim, n_used, 1.0);
  }
  g_assert_cmpuint (n_used, >, 400);
  g_assert_cmpfloat (worst_t, <, 0.1);
  g_assert_cmpfloat (sqrt (sum2_v / n_used), <, 0.002);

  g_free (ts);
  g_free (t_ref);
  g_free (t_sim);
  g_free (v_ref);
  g_free (v_sim);
  _ps_dfn_cell_free (cell);
}

/* A current the cell cannot carry (the LG M50 at 10C: its electrolyte runs
 * dry in the positive electrode within a minute) ends with the voltage the
 * model offers the pack solve falling past the cut-off, never with a state
 * that stops moving or turns to NaN; the same for a charge. */
static void
test_model_depletion (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(PsCellType) type = ps_cell_type_new_from_id ("lg-m50", &error);
  const PsCellModelClass *klass = &_ps_dfn_class;
  const double rates[] = { 10.0, -6.0 };

  g_assert_no_error (error);
  for (guint c = 0; c < G_N_ELEMENTS (rates); c++)
    {
      PsCellModel *model = klass->new (type, 1);
      double soc0 = rates[c] > 0.0 ? 1.0 : 0.0, cap = type->capacity_ah, rf = 1.0;
      double temp = T_REF, current = rates[c] * cap, heat;
      const double *e, *r;
      PsCellModelPower power;
      guint steps = 0;
      gboolean ended = FALSE;

      klass->reset (model, &soc0, &cap, &rf, temp);
      for (; steps < 200 && !ended; steps++)
        {
          double v;

          klass->set_current_guess (model, &current);
          klass->linearise (model, 5.0, &temp, &e, &r);
          v = e[0] - r[0] * current;
          g_assert_true (isfinite (v));
          if (current > 0.0 ? v < type->voltage_min_v : v > type->voltage_max_v)
            {
              ended = TRUE;
              break;
            }
          klass->commit (model, 5.0, &temp, &current, &heat, &power);
          g_assert_true (isfinite (heat) && heat > 0.0);
          g_assert_cmpfloat (klass->get_soc (model)[0], >, -0.01);
          g_assert_cmpfloat (klass->get_soc (model)[0], <, 1.01);
        }
      g_test_message ("lg-m50 DFN at %+.0fC: past its limit after %u steps of 5 s (SOC %.3f)",
                      rates[c], steps, klass->get_soc (model)[0]);
      g_assert_true (ended);
      klass->free (model);
    }
}

/* Energy: the power drawn at the particles' surfaces is the terminal power
 * plus the ohmic and reaction heat, exactly (the discrete fluxes sum by
 * parts); a heat term with a wrong sign or a missing face breaks it. */
static void
test_energy_identity (void)
{
  g_autoptr(PsElectrochem) ec = comsol_set ();
  PsDfnMesh mesh = { 9, 4, 11, 7, 9 };
  PsDfnCell *cell = comsol_cell (ec, &mesh);
  const double currents[] = { 72.0, -24.0, 12.0 };

  for (guint c = 0; c < G_N_ELEMENTS (currents); c++)
    for (int i = 0; i < 20; i++)
      {
        PsDfnHeat h;
        double p_term, bal;

        g_assert_true (_ps_dfn_cell_step (cell, 15.0, T_REF + 10.0, currents[c], &h));
        p_term = currents[c] * _ps_dfn_cell_voltage (cell);
        bal = h.surface_w - p_term - h.ohmic_w - h.reaction_w;
        g_assert_cmpfloat (h.ohmic_w, >, 0.0);
        g_assert_cmpfloat (h.reaction_w, >, 0.0);
        g_assert_cmpfloat (fabs (bal), <, 1e-6 * fabs (p_term));
      }
  _ps_dfn_cell_free (cell);
}

/* The mesh is the user's: "dfn_mesh" in a scenario (and back out of it),
 * errors naming the member; a coarse mesh runs and lands near the default */
static double
scenario_voltage_after_20_min (const char *mesh_json)
{
  g_autofree char *json = g_strdup_printf (
    "{ \"packscope_scenario\": 1, \"pack\": \"lg-m50\", \"initial\": { \"soc\": 1.0 },"
    "  \"protocol\": \"Discharge at 1C for 20 minutes\", \"cell_model\": \"dfn\"%s%s }",
    mesh_json ? ", \"dfn_mesh\": " : "", mesh_json ? mesh_json : "");
  g_autoptr(GError) error = NULL;
  g_autoptr(PsScenario) scenario = ps_scenario_new_from_data (json, -1, "test.json", &error);
  g_autoptr(PsSimulation) sim = NULL;
  g_autofree char *back = NULL;

  g_assert_no_error (error);
  back = ps_scenario_to_json (scenario);
  g_assert_true ((mesh_json != NULL) == (strstr (back, "\"dfn_mesh\"") != NULL));
  sim = ps_simulation_new (scenario, &error);
  g_assert_no_error (error);
  while (ps_simulation_advance (sim, 60.0))
    ;
  return ps_simulation_get_cell_voltage (sim)[0];
}

/* Through the simulation: the discharge ends on the cut-off (the limit
 * bisection restores and re-linearises the DFN), no row passes it; the
 * charge that follows holds 4.2 V without passing it and tapers. */
static void
test_simulation_limits (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(PsScenario) scenario = ps_scenario_new_from_preset ("lg-m50", &error);
  g_autoptr(PsSimulation) sim = NULL;
  double v_min = INFINITY, v_max = -INFINITY, v_end_dis = 0.0, i_end = 0.0;
  guint step_prev = 1;

  g_assert_no_error (error);
  g_assert_true (ps_scenario_set_protocol (scenario, "Discharge at 1C until 2.5 V; "
                                           "Charge at 1C until 4.2 V; Hold at 4.2 V until C/20",
                                           &error));
  g_assert_true (ps_scenario_set_cell_model (scenario, "dfn", &error));
  ps_scenario_set_initial_soc (scenario, 1.0);
  sim = ps_simulation_new (scenario, &error);
  g_assert_no_error (error);
  while (ps_simulation_advance (sim, 60.0))
    {
      double v = ps_simulation_get_cell_voltage (sim)[0];

      g_assert_true (isfinite (v));
      v_min = MIN (v_min, v);
      v_max = MAX (v_max, v);
      if (ps_simulation_get_step (sim) == 1)
        v_end_dis = v;
      else if (step_prev == 1)
        g_assert_cmpfloat (fabs (v_end_dis - 2.5), <, 1e-6);
      step_prev = ps_simulation_get_step (sim);
      i_end = ps_simulation_get_pack_current (sim);
    }
  g_test_message ("lg-m50 DFN cycle: voltage %.6f .. %.6f V, last current %.3f A",
                  v_min, v_max, i_end);
  g_assert_cmpfloat (v_min, >, 2.5 - 1e-6);
  g_assert_cmpfloat (v_max, <, 4.2 + 1e-6);
  g_assert_cmpfloat (v_max, >, 4.2 - 1e-6);
  /* the hold ended at C/20 */
  g_assert_cmpfloat (fabs (i_end), <, 0.06 * 5.0);
  /* every joule the DFN reports as heat is one the pack's accounts lost */
  g_test_message ("heat generated %.1f J, electrical loss %.1f J",
                  ps_simulation_get_heat_generated_j (sim),
                  ps_simulation_get_electrical_loss_j (sim));
  g_assert_cmpfloat (fabs (ps_simulation_get_heat_generated_j (sim)
                           - ps_simulation_get_electrical_loss_j (sim)),
                     <, 1e-6 * ps_simulation_get_heat_generated_j (sim));
}

/* The output interval does not change the answer beyond the time
 * discretisation: the LG M50's 1C discharge at rows of 1 s and 60 s (the
 * engine's substeps 1 s and about 18 s) delivers the same charge to 1e-4 Ah
 * and passes the same voltages to 2 mV at the shared rows (backward Euler's
 * error; 1.05 mV measured, at the knee). */
static double
run_lg_m50_1c (double   dt,
               double  *v_at_min)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(PsScenario) scenario = ps_scenario_new_from_preset ("lg-m50", &error);
  g_autoptr(PsSimulation) sim = NULL;

  g_assert_no_error (error);
  g_assert_true (ps_scenario_set_protocol (scenario, "Discharge at 1C until 2.5 V", &error));
  g_assert_true (ps_scenario_set_cell_model (scenario, "dfn", &error));
  ps_scenario_set_initial_soc (scenario, 1.0);
  sim = ps_simulation_new (scenario, &error);
  g_assert_no_error (error);
  while (ps_simulation_advance (sim, dt))
    {
      double t = ps_simulation_get_time (sim);
      double m = floor (t / 60.0 + 1e-9);

      if (fabs (t - 60.0 * m) < 1e-6 && m < 60)
        v_at_min[(int) m] = ps_simulation_get_cell_voltage (sim)[0];
    }
  return ps_simulation_get_charge_ah (sim);
}

static void
test_output_interval (void)
{
  double v1[60] = { 0 }, v60[60] = { 0 }, worst = 0.0;
  double q1 = run_lg_m50_1c (1.0, v1);
  double q60 = run_lg_m50_1c (60.0, v60);

  for (int m = 1; m < 60; m++)
    if (v1[m] > 0.0 && v60[m] > 0.0)
      worst = MAX (worst, fabs (v1[m] - v60[m]));
  g_test_message ("lg-m50 DFN 1C: %.5f Ah at rows of 1 s, %.5f Ah at 60 s; voltages within %.2f mV",
                  q1, q60, 1e3 * worst);
  g_assert_cmpfloat (fabs (q1 - q60), <, 1e-4);
  g_assert_cmpfloat (worst, <, 2e-3);
  g_assert_cmpfloat (worst, >, 0.0);
}

static void
test_scenario_mesh (void)
{
  const char *bad[][2] = {
    { "{ \"x_neg\": 0 }", "$.dfn_mesh.x_neg" },
    { "{ \"r_pos\": 2.5 }", "$.dfn_mesh.r_pos" },
    { "{ \"x_sep\": 201 }", "$.dfn_mesh.x_sep" },
    { "{ \"x_middle\": 3 }", "x_middle" },
    { "[ 10, 5, 10 ]", "$.dfn_mesh" },
  };
  double v_default = scenario_voltage_after_20_min (NULL);
  double v_coarse = scenario_voltage_after_20_min ("{ \"x_neg\": 6, \"x_sep\": 3, "
                                                   "\"x_pos\": 6, \"r_neg\": 6, \"r_pos\": 6 }");

  g_test_message ("lg-m50 1C after 20 min: %.4f V on the default mesh, %.4f V on 6/3/6/6/6",
                  v_default, v_coarse);
  g_assert_cmpfloat (v_coarse, !=, v_default);
  g_assert_cmpfloat (fabs (v_coarse - v_default), <, 0.02);

  for (guint i = 0; i < G_N_ELEMENTS (bad); i++)
    {
      g_autofree char *json = g_strdup_printf (
        "{ \"packscope_scenario\": 1, \"pack\": \"lg-m50\", \"cell_model\": \"dfn\","
        "  \"dfn_mesh\": %s }", bad[i][0]);
      g_autoptr(GError) error = NULL;
      g_autoptr(PsScenario) scenario = ps_scenario_new_from_data (json, -1, "bad.json", &error);

      g_assert_null (scenario);
      g_assert_error (error, PS_ENGINE_ERROR, PS_ENGINE_ERROR_INVALID);
      g_assert_nonnull (strstr (error->message, bad[i][1]));
      g_assert_nonnull (strstr (error->message, "bad.json"));
    }
}

static void
test_bad_mesh (void)
{
  g_autoptr(PsElectrochem) ec = comsol_set ();
  g_autoptr(GError) error = NULL;
  PsDfnMesh mesh = { 10, 0, 10, 10, 10 };

  g_assert_null (_ps_dfn_cell_new (ec, &mesh, 1.0, 1.0, &error));
  g_assert_error (error, PS_ENGINE_ERROR, PS_ENGINE_ERROR_INVALID);
  g_assert_nonnull (strstr (error->message, "DFN mesh"));
  g_assert_nonnull (strstr (error->message, "marquis2019-comsol"));
}

int
main (int    argc,
      char **argv)
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/validation/dfn/comsol-1C-profiles", test_comsol_1c_profiles);
  g_test_add_func ("/validation/dfn/comsol-1plus1D-3C-thermal", test_comsol_1plus1d_3c);
  g_test_add_func ("/validation/dfn/voltage-derivative", test_voltage_derivative);
  g_test_add_func ("/validation/dfn/lithium-conservation", test_lithium_conservation);
  g_test_add_func ("/validation/dfn/bad-mesh", test_bad_mesh);
  g_test_add_func ("/validation/dfn/scenario-mesh", test_scenario_mesh);
  g_test_add_func ("/validation/dfn/simulation-limits", test_simulation_limits);
  g_test_add_func ("/validation/dfn/output-interval", test_output_interval);
  g_test_add_func ("/validation/dfn/energy-identity", test_energy_identity);
  g_test_add_func ("/validation/dfn/model-lg-m50", test_model_lg_m50);
  g_test_add_func ("/validation/dfn/temperature", test_temperature);
  g_test_add_func ("/validation/dfn/model-depletion", test_model_depletion);

  return g_test_run ();
}
