/* test-threads.c: the pack step on several threads gives the same bits
 *
 * The same scenario runs in lockstep on 1, 2, 3 and 8 threads
 * (ps_simulation_set_threads); after every output interval each run must
 * equal the one-thread run to the last bit: time, pack voltage and current,
 * charge, energy, heat generated and accounted, electrical loss, every
 * cell's voltage, current, SOC, temperature and heat, the step ends and the
 * event log. Packs: Model S 85 with 7,104 SPMe cells, the Leaf 2011 pack as
 * ECM cells on a drive, a discharge to a voltage limit, a charge and a CV
 * hold with an internal short and a heater, and the Leaf pack as DFN cells.
 * Run under ThreadSanitizer by .ci/run.
 */
#include "config.h"

#include <string.h>

#include "ps-engine.h"

static const guint thread_counts[] = { 1, 2, 3, 8 };
#define N_RUNS G_N_ELEMENTS (thread_counts)

static PsScenario *
scenario_new (const char *preset,
              const char *protocol,
              const char *electrochem,
              const char *cell_model,
              const char *dfn_mesh)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(PsScenario) scenario = ps_scenario_new_from_preset (preset, &error);

  g_assert_no_error (error);
  g_assert_true (ps_scenario_set_protocol (scenario, protocol, &error));
  g_assert_no_error (error);
  if (electrochem != NULL)
    {
      g_assert_true (ps_scenario_set_cell_electrochem (scenario, electrochem, &error));
      g_assert_no_error (error);
    }
  if (cell_model != NULL)
    {
      g_assert_true (ps_scenario_set_cell_model (scenario, cell_model, &error));
      g_assert_no_error (error);
    }
  if (dfn_mesh != NULL)
    {
      g_assert_true (ps_scenario_set_dfn_mesh (scenario, dfn_mesh, &error));
      g_assert_no_error (error);
    }
  return g_steal_pointer (&scenario);
}

static void
check_same_array (const char   *what,
                  const double *ref,
                  const double *got,
                  guint         n,
                  guint         threads,
                  double        time_s)
{
  for (guint i = 0; i < n; i++)
    if (memcmp (&ref[i], &got[i], sizeof (double)) != 0)
      g_error ("%u threads, t = %.3f s: cell %u's %s is %.17g, on one thread %.17g",
               threads, time_s, i + 1, what, got[i], ref[i]);
}

static void
check_same_value (const char *what,
                  double      ref,
                  double      got,
                  guint       threads,
                  double      time_s)
{
  if (memcmp (&ref, &got, sizeof (double)) != 0)
    g_error ("%u threads, t = %.3f s: the %s is %.17g, on one thread %.17g",
             threads, time_s, what, got, ref);
}

/* run b equals run a (one thread) to the last bit */
static void
check_same (PsSimulation *a,
            PsSimulation *b,
            guint         threads)
{
  guint n = ps_pack_get_info (ps_simulation_get_pack (a))->n_cells;
  double t = ps_simulation_get_time (a);
  const PsStepEndInfo *ends_a, *ends_b;
  guint n_ends_a, n_ends_b;

  check_same_value ("time", t, ps_simulation_get_time (b), threads, t);
  check_same_value ("pack voltage", ps_simulation_get_pack_voltage (a),
                    ps_simulation_get_pack_voltage (b), threads, t);
  check_same_value ("pack current", ps_simulation_get_pack_current (a),
                    ps_simulation_get_pack_current (b), threads, t);
  check_same_value ("charge", ps_simulation_get_charge_ah (a),
                    ps_simulation_get_charge_ah (b), threads, t);
  check_same_value ("energy", ps_simulation_get_energy_wh (a),
                    ps_simulation_get_energy_wh (b), threads, t);
  check_same_value ("heat generated", ps_simulation_get_heat_generated_j (a),
                    ps_simulation_get_heat_generated_j (b), threads, t);
  check_same_value ("heat accounted", ps_simulation_get_heat_accounted_j (a),
                    ps_simulation_get_heat_accounted_j (b), threads, t);
  check_same_value ("electrical loss", ps_simulation_get_electrical_loss_j (a),
                    ps_simulation_get_electrical_loss_j (b), threads, t);

  check_same_array ("voltage", ps_simulation_get_cell_voltage (a),
                    ps_simulation_get_cell_voltage (b), n, threads, t);
  check_same_array ("current", ps_simulation_get_cell_current (a),
                    ps_simulation_get_cell_current (b), n, threads, t);
  check_same_array ("SOC", ps_simulation_get_cell_soc (a),
                    ps_simulation_get_cell_soc (b), n, threads, t);
  check_same_array ("temperature", ps_simulation_get_cell_temp (a),
                    ps_simulation_get_cell_temp (b), n, threads, t);
  check_same_array ("heat", ps_simulation_get_cell_heat (a),
                    ps_simulation_get_cell_heat (b), n, threads, t);

  ends_a = ps_simulation_get_step_ends (a, &n_ends_a);
  ends_b = ps_simulation_get_step_ends (b, &n_ends_b);
  g_assert_cmpuint (n_ends_b, ==, n_ends_a);
  for (guint k = 0; k < n_ends_a; k++)
    {
      g_assert_cmpint (ends_b[k].reason, ==, ends_a[k].reason);
      g_assert_cmpuint (ends_b[k].step, ==, ends_a[k].step);
      g_assert_cmpuint (ends_b[k].cell, ==, ends_a[k].cell);
      check_same_value ("step end's time", ends_a[k].time_s, ends_b[k].time_s, threads, t);
    }
  g_assert_cmpuint (ps_event_log_get_length (ps_simulation_get_events (b)), ==,
                    ps_event_log_get_length (ps_simulation_get_events (a)));
}

/* Runs the scenario on every thread count in lockstep, rows of dt_s, until
 * the protocol ends or max_rows; returns the number of rows and the step
 * ends seen. */
static guint
run_lockstep (PsScenario *scenario,
              double      dt_s,
              guint       max_rows,
              guint      *n_ends)
{
  g_autoptr(GError) error = NULL;
  PsSimulation *sim[N_RUNS];
  guint n_cells = ps_pack_get_info (ps_scenario_get_pack (scenario))->n_cells;
  guint rows = 0;

  *n_ends = 0;
  for (guint r = 0; r < N_RUNS; r++)
    {
      sim[r] = ps_simulation_new (scenario, &error);
      g_assert_no_error (error);
      g_assert_true (ps_simulation_set_threads (sim[r], thread_counts[r], &error));
      g_assert_no_error (error);
      g_assert_cmpuint (ps_simulation_get_threads (sim[r]), ==,
                        MIN (thread_counts[r], n_cells));
    }

  for (gboolean more = TRUE; more && rows < max_rows; rows++)
    {
      guint n;

      more = ps_simulation_advance (sim[0], dt_s);
      ps_simulation_get_step_ends (sim[0], &n);
      *n_ends += n;
      for (guint r = 1; r < N_RUNS; r++)
        {
          g_assert_cmpint (ps_simulation_advance (sim[r], dt_s), ==, more);
          check_same (sim[0], sim[r], thread_counts[r]);
        }
    }

  for (guint r = 0; r < N_RUNS; r++)
    ps_simulation_free (sim[r]);
  return rows;
}

/* Model S 85, 7,104 cells as SPMe (Chen2020 electrochemistry sized to the
 * pack's cells, as the bench runs them): a discharge, a rest, a faster discharge. */
static void
test_model_s_spme (void)
{
  g_autoptr(PsScenario) scenario =
    scenario_new ("model-s-85", "Discharge at 1C for 12 s; Rest for 4 s; Discharge at 1.5C for 8 s",
                  "chen2020", "spme", NULL);
  guint n_ends, rows = run_lockstep (scenario, 2.0, 100, &n_ends);

  g_assert_cmpuint (rows, ==, 13);
  g_assert_cmpuint (n_ends, ==, 3);
}

/* The Leaf 2011 pack (192 ECM cells with Butler-Volmer and diffusion
 * elements): a US06 drive, a 2C discharge to 3.2 V (a voltage end, found by
 * bisection), a charge and a CV hold, an internal short from 300 s and a
 * heater from 100 to 500 s, under the preset's BMS. */
static void
test_leaf_ecm_faults (void)
{
  g_autoptr(PsScenario) scenario =
    scenario_new ("leaf-2011", "Drive us06; Discharge at 2C until 3.2 V; "
                  "Charge at 1C until 4.1 V; Hold at 4.1 V until C/5", NULL, NULL, NULL);
  g_autoptr(GError) error = NULL;
  guint n_ends;

  g_assert_true (ps_scenario_add_fault_text (scenario,
                 "kind=internal_short,cell=57,at_s=300,resistance_ohm=0.5", &error));
  g_assert_true (ps_scenario_add_fault_text (scenario,
                 "kind=heater,cell=100,power_w=20,at_s=100,duration_s=400", &error));
  g_assert_no_error (error);
  run_lockstep (scenario, 5.0, 100000, &n_ends);
  g_assert_cmpuint (n_ends, >=, 2);
}

/* The Leaf 2011 pack as DFN cells on a coarse mesh. */
static void
test_leaf_dfn (void)
{
  g_autoptr(PsScenario) scenario =
    scenario_new ("leaf-2011", "Discharge at 1C for 10 s; Rest for 4 s",
                  "chen2020", "dfn", "4,2,4,4,4");
  guint n_ends, rows = run_lockstep (scenario, 2.0, 100, &n_ends);

  g_assert_cmpuint (rows, ==, 8);
  g_assert_cmpuint (n_ends, ==, 2);
}

/* the setting: automatic, bounded, refused past the maximum */
static void
test_setting (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(PsScenario) leaf = scenario_new ("leaf-2011", "Rest for 1 s", NULL, NULL, NULL);
  g_autoptr(PsScenario) cell = scenario_new ("lg-m50", "Rest for 1 s", NULL, "spme", NULL);
  g_autoptr(PsSimulation) sim = ps_simulation_new (leaf, &error);
  g_autoptr(PsSimulation) one = ps_simulation_new (cell, &error);
  guint auto_threads;

  g_assert_no_error (error);
  /* a new simulation is automatic: a step of 192 ECM cells is too short
   * to share */
  g_assert_cmpuint (ps_simulation_get_threads (sim), ==, 1);
  g_assert_true (ps_simulation_set_threads (sim, 0, &error));
  g_assert_cmpuint (ps_simulation_get_threads (sim), ==, 1);

  g_assert_true (ps_simulation_set_threads (sim, PS_SIMULATION_THREADS_MAX, &error));
  g_assert_cmpuint (ps_simulation_get_threads (sim), ==, PS_SIMULATION_THREADS_MAX);
  g_assert_false (ps_simulation_set_threads (sim, PS_SIMULATION_THREADS_MAX + 1, &error));
  g_assert_error (error, PS_ENGINE_ERROR, PS_ENGINE_ERROR_INVALID);
  g_assert_nonnull (strstr (error->message, "threads: expected 0"));
  g_clear_error (&error);
  /* (refused: the setting stays) */
  g_assert_cmpuint (ps_simulation_get_threads (sim), ==, PS_SIMULATION_THREADS_MAX);
  g_assert_true (ps_simulation_advance (sim, 1.0) || ps_simulation_is_finished (sim));

  /* at most one thread per cell */
  g_assert_true (ps_simulation_set_threads (one, 8, &error));
  g_assert_cmpuint (ps_simulation_get_threads (one), ==, 1);

  /* the Leaf as SPMe cells stays on one; Model S as SPMe cells takes one
   * per processor (up to one per 512 cells) */
  {
    g_autoptr(PsScenario) leaf_spme = scenario_new ("leaf-2011", "Rest for 1 s", "chen2020", "spme", NULL);
    g_autoptr(PsScenario) ms = scenario_new ("model-s-85", "Rest for 1 s", "chen2020", "spme", NULL);
    g_autoptr(PsSimulation) small = ps_simulation_new (leaf_spme, &error);
    g_autoptr(PsSimulation) big = ps_simulation_new (ms, &error);

    g_assert_no_error (error);
    g_assert_cmpuint (ps_simulation_get_threads (small), ==, 1);
    auto_threads = ps_simulation_get_threads (big);
    g_assert_cmpuint (auto_threads, ==, MIN (g_get_num_processors (), 7104 / 512));
    /* and Model S as ECM cells stays on one (its step is half pack solve
     * and thermal sweeps) */
    ps_simulation_free (g_steal_pointer (&big));
    g_assert_true (ps_scenario_set_cell_model (ms, "ecm", &error));
    big = ps_simulation_new (ms, &error);
    g_assert_no_error (error);
    g_assert_cmpuint (ps_simulation_get_threads (big), ==, 1);
  }
}

int
main (int    argc,
      char **argv)
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/engine/threads/setting", test_setting);
  g_test_add_func ("/engine/threads/model-s-spme", test_model_s_spme);
  g_test_add_func ("/engine/threads/leaf-ecm-drive-faults", test_leaf_ecm_faults);
  g_test_add_func ("/engine/threads/leaf-dfn", test_leaf_dfn);

  return g_test_run ();
}
