/* ps-bench-dfn.c: `packscope --bench`, the DFN line
 *
 * dfn_1c_ms: one LG M50 (Chen2020) discharge at 1C from full to 2.5 V with
 * the DFN cell model (ps-dfn.c, its default mesh), end to end: the preset
 * lg-m50 built into a simulation (parameters, mesh, the cell at rest) and
 * run through the pack solve with an output interval of DFN_BENCH_OUT_S
 * (the simulation's own substeps inside it: 0.5 % SOC, 5 mV OCV, and the
 * bisection onto the cut-off); the median of DFN_BENCH_RUNS runs, in CPU
 * milliseconds of the benchmark thread (as spme_1c_ms). dfn_1c_ah: the
 * charge it delivered.
 */
#include "config.h"

#include "ps-bench.h"
#include "ps-engine.h"

#define DFN_BENCH_RUNS   11
#define DFN_BENCH_OUT_S  60.0

static gboolean
dfn_1c_run (double *cpu_ms,
            double *ah)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(PsScenario) scenario = NULL;
  g_autoptr(PsSimulation) sim = NULL;
  double start = ps_bench_thread_cpu_seconds ();

  scenario = ps_scenario_new_from_preset ("lg-m50", &error);
  if (scenario == NULL
      || !ps_scenario_set_protocol (scenario, "Discharge at 1C until 2.5 V", &error)
      || !ps_scenario_set_cell_model (scenario, "dfn", &error))
    {
      g_printerr ("bench: dfn: %s\n", error->message);
      return FALSE;
    }
  ps_scenario_set_initial_soc (scenario, 1.0);
  ps_scenario_set_dt_s (scenario, DFN_BENCH_OUT_S);
  sim = ps_simulation_new (scenario, &error);
  if (sim == NULL)
    {
      g_printerr ("bench: dfn: %s\n", error->message);
      return FALSE;
    }
  while (ps_simulation_advance (sim, DFN_BENCH_OUT_S))
    ;
  *cpu_ms = (ps_bench_thread_cpu_seconds () - start) * 1e3;
  *ah = ps_simulation_get_charge_ah (sim);
  return TRUE;
}

void
ps_bench_dfn (void)
{
  double ms[DFN_BENCH_RUNS], ah = 0.0;

  for (guint r = 0; r < DFN_BENCH_RUNS; r++)
    if (!dfn_1c_run (&ms[r], &ah))
      return;
  g_print ("dfn_1c_ms: %.1f\n", ps_bench_median (ms, DFN_BENCH_RUNS));
  g_print ("dfn_1c_ah: %.4f\n", ah);
}
