/* test-runaway.c: the thermal-runaway model against its oracles
 *
 * - the lumped oven regression of THERMAL-RUNAWAY.md section 2: an LCO 18650
 *   (rho c_p = 2.14e6 J/m^3 K, V = 1.654e-5 m^3, A/V = 253 1/m, h = 7.17
 *   W/m^2 K, emissivity 0.8, starting at 25 C) in ovens at 140, 150, 155 and
 *   160 C: no runaway at 140 C, runaway (dT/dt > 1 K/s) at the sheet's times
 *   within 10 % otherwise;
 * - the energy released equals what the reactions hold (section 1: 20.5 kJ
 *   in an 18650 volume), for both models.
 */
#include "config.h"

#include <math.h>

#include "ps-runaway.h"

#define SIGMA 5.670374419e-8
#define V_18650 1.654e-5
#define RHO_CP 2.14e6
#define AREA (253.0 * V_18650)
#define H_OVEN 7.17
#define EMISSIVITY 0.8

/* Runs the lumped oven case; returns the time dT/dt first exceeds 1 K/s
 * (NAN if never within t_end) and the peak temperature. */
static double
run_oven (double  oven_c,
          double  t_end,
          double *peak_k,
          double *released_j,
          double *available_j)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (PsRunawayParams) p = ps_runaway_params_for_chemistry ("LCO/graphite", &error);
  PsRunaway *rw;
  double c = RHO_CP * V_18650, oven = oven_c + 273.15;
  double t = 298.15, time = 0.0, dt = 0.5, onset = NAN;

  g_assert_no_error (error);
  g_assert_cmpstr (p->id, ==, "hatchard-kim-2007");
  rw = ps_runaway_new (PS_RUNAWAY_MODEL_ARRHENIUS, p, 1, V_18650, c, 0.0);
  *peak_k = t;
  while (time < t_end)
    {
      double q_b = -AREA * (H_OVEN * (t - oven)
                            + EMISSIVITY * SIGMA * (pow (t, 4) - pow (oven, 4)));
      double rxn, t_new;

      ps_runaway_step (rw, time, &t, &q_b, dt, &rxn);
      t_new = t + (rxn + q_b) * dt / c;
      if (isnan (onset) && (t_new - t) / dt > 1.0)
        onset = time + dt;
      t = t_new;
      g_assert_true (isfinite (t));
      *peak_k = MAX (*peak_k, t);
      time += dt;
    }
  *released_j = ps_runaway_get_released_total_j (rw);
  *available_j = ps_runaway_get_available_j (rw);
  ps_runaway_free (rw);
  return onset;
}

static void
test_oven_140 (void)
{
  double peak, released, available;
  double onset = run_oven (140.0, 8000.0, &peak, &released, &available);

  g_test_message ("140 C: onset %g s, peak %.1f C", onset, peak - 273.15);
  g_assert_true (isnan (onset));
  /* the sheet's peak is 148 C */
  g_assert_cmpfloat (peak - 273.15, <, 155.0);
}

static void
check_oven (double oven_c,
            double sheet_s)
{
  double peak, released, available;
  double onset = run_oven (oven_c, 1.5 * sheet_s, &peak, &released, &available);

  g_test_message ("%g C: onset %.0f s (sheet %.0f s), peak %.0f C", oven_c, onset,
                  sheet_s, peak - 273.15);
  g_assert_false (isnan (onset));
  g_assert_cmpfloat (fabs (onset - sheet_s), <=, 0.1 * sheet_s);
  /* the sheet's peaks are 482-540 C */
  g_assert_cmpfloat (peak - 273.15, >, 400.0);
}

static void
test_oven_150 (void)
{
  check_oven (150.0, 2168.0);
}

static void
test_oven_155 (void)
{
  check_oven (155.0, 1498.0);
}

static void
test_oven_160 (void)
{
  check_oven (160.0, 1231.0);
}

/* a cell heated through runaway releases what its reactions hold */
static void
check_energy (PsRunawayModel model,
              double         store_j)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (PsRunawayParams) p = ps_runaway_params_for_chemistry ("LCO/graphite", &error);
  double c = RHO_CP * V_18650, t = 298.15, time = 0.0, dt = 1.0;
  double heater = 20.0, sum = 0.0, available;
  PsRunaway *rw;
  const PsRunawayEvent *ev;
  guint n_ev, n_seen = 0;

  g_assert_no_error (error);
  rw = ps_runaway_new (model, p, 1, V_18650, c, store_j);
  available = ps_runaway_get_available_j (rw);
  while (time < 3600.0)
    {
      double rxn;
      double q = ps_runaway_get_stage (rw)[0] >= PS_RUNAWAY_RUNAWAY ? 0.0 : heater;

      /* adiabatic apart from the heater: every joule stays in the cell */
      ps_runaway_step (rw, time, &t, &q, dt, &rxn);
      sum += rxn * dt;
      t += (rxn + q) * dt / c;
      g_assert_true (isfinite (t));
      time += dt;
      ev = ps_runaway_take_events (rw, &n_ev);
      for (guint k = 0; k < n_ev; k++)
        g_assert_cmpfloat (ev[k].time_s, <=, time);
      n_seen += n_ev;
    }

  g_test_message ("%s: released %.1f J of %.1f J", ps_runaway_model_to_string (model),
                  ps_runaway_get_released_total_j (rw), available);
  g_assert_cmpuint (ps_runaway_get_stage (rw)[0], ==, PS_RUNAWAY_BURNT);
  g_assert_cmpuint (n_seen, ==, 4);  /* onset, venting, runaway, burnt */
  /* what the step handed out is what the reactions released */
  g_assert_cmpfloat (fabs (sum - ps_runaway_get_released_total_j (rw)), <=, 1e-9 * available);
  /* released + what the reactants still hold = what they held at first */
  g_assert_cmpfloat (fabs (ps_runaway_get_released_total_j (rw) + ps_runaway_get_remaining_j (rw, 0)
                           - available), <=, 1e-9 * available);
  /* and that is nearly all: the negative-electrolyte reaction quenches
   * itself as the SEI grows (e^(-t_sei/t_ref)), leaving about 4 % when the cell counts as burnt */
  g_assert_cmpfloat (ps_runaway_get_released_total_j (rw), >=, 0.95 * available);
  ps_runaway_free (rw);
}

static void
test_energy_arrhenius (void)
{
  /* section 1: 1.24e9 J/m^3, 20.5 kJ in an 18650 volume */
  g_autoptr (GError) error = NULL;
  g_autoptr (PsRunawayParams) p = ps_runaway_params_for_chemistry ("LCO/graphite", &error);
  PsRunaway *rw = ps_runaway_new (PS_RUNAWAY_MODEL_ARRHENIUS, p, 1, V_18650, 35.0, 0.0);

  g_assert_cmpfloat (fabs (ps_runaway_get_available_j (rw) - 20.5e3), <, 0.1e3);
  ps_runaway_free (rw);
  check_energy (PS_RUNAWAY_MODEL_ARRHENIUS, 0.0);
}

static void
test_energy_trigger (void)
{
  check_energy (PS_RUNAWAY_MODEL_TRIGGER, 3.6 * 3.35 * 3600.0);
}

static void
test_chemistry_sets (void)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (PsRunawayParams) nmc = ps_runaway_params_for_chemistry ("NMC811/graphite-SiOx", &error);
  g_autoptr (PsRunawayParams) lfp = NULL;

  g_assert_no_error (error);
  g_assert_cmpstr (nmc->id, ==, "tran-2024-nmc532");
  g_assert_cmpfloat (nmc->positive.h_j_g, ==, 790.0);
  lfp = ps_runaway_params_for_chemistry ("LFP/graphite", &error);
  g_assert_no_error (error);
  g_assert_cmpstr (lfp->id, ==, "hatchard-kim-2007");
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/runaway/oven/140", test_oven_140);
  g_test_add_func ("/runaway/oven/150", test_oven_150);
  g_test_add_func ("/runaway/oven/155", test_oven_155);
  g_test_add_func ("/runaway/oven/160", test_oven_160);
  g_test_add_func ("/runaway/energy/arrhenius", test_energy_arrhenius);
  g_test_add_func ("/runaway/energy/trigger", test_energy_trigger);
  g_test_add_func ("/runaway/chemistry", test_chemistry_sets);

  return g_test_run ();
}
