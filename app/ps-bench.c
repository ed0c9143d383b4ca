/* ps-bench.c: `packscope --bench`, the engine part
 *
 * Prints "name: value" lines. The headline figures are for the largest
 * preset, model-s-85 (7,104 cells), at dt = 1 s with the ECM and the thermal
 * network, on one thread: the median of several runs of two simulated hours
 * each. Rates are given per second of the benchmark thread's CPU time (the
 * work of one core, which does not depend on what else the machine runs)
 * and per second of wall-clock time (the _wall lines). The soak_ lines are
 * 24 simulated hours of model-s-85 through the runner and its recorder, with
 * the RSS sampled. The threads_ lines are the pack step shared over one
 * and two threads (wall-clock time). ps_bench_render and ps_bench_ui live in
 * ps-bench-render.c and ps-bench-ui.c.
 */
#include "config.h"

#include <string.h>

#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "ps-bench.h"
#include "ps-engine.h"

#define BENCH_PRESET       "model-s-85"
#define BENCH_DT_S         1.0
#define BENCH_SIM_HOURS    2.0
#define BENCH_RUNS         5

static int
compare_doubles (const void *a,
                 const void *b)
{
  double x = *(const double *) a;
  double y = *(const double *) b;

  return (x > y) - (x < y);
}

double
ps_bench_median (double *values,
                 guint   n)
{
  qsort (values, n, sizeof (double), compare_doubles);
  return (n % 2) ? values[n / 2] : 0.5 * (values[n / 2 - 1] + values[n / 2]);
}

/* the CPU time of this thread or (whole_process) of all the process's
 * threads, s; wall time where the clock is missing */
static double
cpu_seconds (gboolean whole_process)
{
#if defined (CLOCK_THREAD_CPUTIME_ID) && defined (CLOCK_PROCESS_CPUTIME_ID)
  struct timespec ts;

  if (clock_gettime (whole_process ? CLOCK_PROCESS_CPUTIME_ID : CLOCK_THREAD_CPUTIME_ID, &ts) == 0)
    return ts.tv_sec + ts.tv_nsec / 1e9;
#endif
  return g_get_monotonic_time () / 1e6;
}

double
ps_bench_thread_cpu_seconds (void)
{
  return cpu_seconds (FALSE);
}

/* Runs `hours` of the protocol (or until it ends); returns the number of
 * steps and the thread CPU and wall seconds it took. */
static guint64
time_run (PsSimulation *sim,
          double        hours,
          double       *cpu_s,
          double       *wall_s)
{
  gint64 wall_start = g_get_monotonic_time ();
  double cpu_start = ps_bench_thread_cpu_seconds ();
  guint64 steps = 0;
  double end_s = hours * 3600.0;

  while (ps_simulation_get_time (sim) < end_s - 1e-9
         && ps_simulation_advance (sim, BENCH_DT_S))
    steps++;

  *cpu_s = ps_bench_thread_cpu_seconds () - cpu_start;
  *wall_s = (g_get_monotonic_time () - wall_start) / 1e6;
  return steps;
}

static PsScenario *
bench_scenario (const char *preset,
                const char *protocol)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(PsScenario) scenario = ps_scenario_new_from_preset (preset, &error);

  if (scenario == NULL)
    {
      g_printerr ("bench: %s\n", error->message);
      return NULL;
    }
  ps_scenario_set_initial_soc (scenario, 1.0);
  if (!ps_scenario_set_protocol (scenario, protocol, &error))
    {
      g_printerr ("bench: %s\n", error->message);
      return NULL;
    }
  return g_steal_pointer (&scenario);
}

typedef struct
{
  double cell_steps_per_s;        /* per CPU second of this thread */
  double cell_steps_per_s_wall;
  double realtime_factor;         /* simulated seconds per CPU second */
  double realtime_factor_wall;
  double step_us;                 /* CPU time of one pack step */
} BenchResult;

/* medians over `runs` runs of one preset on one thread */
/* A simulation of the preset under the protocol on n_threads threads (the
 * CPU-time figures are one thread's: 1), the BMS on or off, the cells as
 * the preset has them or (spme) as SPMe cells: the packs' own cells have no
 * published physics parameters, so they get the Chen2020 (LG M50)
 * electrochemistry sized to their capacity (ps_scenario_set_cell_electrochem). */
static PsSimulation *
bench_simulation (const char *preset,
                  const char *protocol,
                  gboolean    bms,
                  gboolean    spme,
                  guint       n_threads)
{
  g_autoptr(PsScenario) scenario = bench_scenario (preset, protocol);
  g_autoptr(PsSimulation) sim = NULL;
  g_autoptr(GError) error = NULL;

  if (scenario == NULL)
    return NULL;
  ps_scenario_set_bms_enabled (scenario, bms);
  if ((spme
       && (!ps_scenario_set_cell_electrochem (scenario, "chen2020", &error)
           || !ps_scenario_set_cell_model (scenario, "spme", &error)))
      || (sim = ps_simulation_new (scenario, &error)) == NULL
      || !ps_simulation_set_threads (sim, n_threads, &error))
    {
      g_printerr ("bench: %s\n", error->message);
      return NULL;
    }
  return g_steal_pointer (&sim);
}

static gboolean
bench_preset_opts (const char  *preset,
                   const char  *protocol,
                   double       hours,
                   guint        runs,
                   gboolean     bms,
                   gboolean     spme,
                   BenchResult *result)
{
  g_autoptr(PsSimulation) sim = bench_simulation (preset, protocol, bms, spme, 1);
  double rate[16], rate_wall[16], factor[16], factor_wall[16], step_us[16];
  guint n_cells;

  g_assert (runs <= G_N_ELEMENTS (rate));

  if (sim == NULL)
    return FALSE;
  n_cells = ps_pack_get_info (ps_simulation_get_pack (sim))->n_cells;

  for (guint r = 0; r < runs; r++)
    {
      double cpu, wall, cell_steps;
      guint64 steps;

      ps_simulation_reset (sim);
      steps = time_run (sim, hours, &cpu, &wall);
      if (steps == 0 || !(cpu > 0.0) || !(wall > 0.0))
        return FALSE;
      cell_steps = (double) steps * n_cells;
      rate[r] = cell_steps / cpu;
      rate_wall[r] = cell_steps / wall;
      factor[r] = ps_simulation_get_time (sim) / cpu;
      factor_wall[r] = ps_simulation_get_time (sim) / wall;
      step_us[r] = cpu * 1e6 / steps;
    }

  result->cell_steps_per_s = ps_bench_median (rate, runs);
  result->cell_steps_per_s_wall = ps_bench_median (rate_wall, runs);
  result->realtime_factor = ps_bench_median (factor, runs);
  result->realtime_factor_wall = ps_bench_median (factor_wall, runs);
  result->step_us = ps_bench_median (step_us, runs);
  return TRUE;
}

/* the same with the BMS on or off (cells as the preset has them) */
static gboolean
bench_preset_bms (const char  *preset,
                  const char  *protocol,
                  double       hours,
                  guint        runs,
                  gboolean     bms,
                  BenchResult *result)
{
  return bench_preset_opts (preset, protocol, hours, runs, bms, FALSE, result);
}

/* the same without the BMS, the cells as an ECM or (spme) an SPMe */
static gboolean
bench_preset (const char  *preset,
              const char  *protocol,
              double       hours,
              guint        runs,
              gboolean     spme,
              BenchResult *result)
{
  return bench_preset_opts (preset, protocol, hours, runs, FALSE, spme, result);
}

/* Memory of the recorder after ten simulated hours of model-s-85 at 1 s:
 * 36,000 appended frames (the recorder's cost depends on the number of
 * appends, not on their values, so the same pack state is appended). */
/* VmRSS of this process (kB), 0 if unknown */
static double
read_vm_rss_kb (void)
{
  g_autofree char *status = NULL;
  const char *line;

  if (!g_file_get_contents ("/proc/self/status", &status, NULL, NULL) ||
      (line = strstr (status, "VmRSS:")) == NULL)
    return 0.0;
  return g_ascii_strtod (line + strlen ("VmRSS:"), NULL);
}

static void
bench_recorder (void)
{
  g_autoptr(PsScenario) scenario = bench_scenario (BENCH_PRESET, "Discharge at 0.3C for 1 minute");
  g_autoptr(PsSimulation) sim = NULL;
  g_autoptr(PsFrame) frame = NULL;
  g_autoptr(PsRecorder) recorder = NULL;
  gint64 start;
  double wall;
  guint n_frames = (guint) (10 * 3600 / BENCH_DT_S);

  if (scenario == NULL)
    return;
  sim = ps_simulation_new (scenario, NULL);
  if (sim == NULL)
    return;
  while (ps_simulation_advance (sim, BENCH_DT_S))
    ;

  frame = ps_frame_new (ps_scenario_get_pack (scenario));
  ps_simulation_fill_frame (sim, frame);
  recorder = ps_recorder_new (ps_pack_get_info (ps_scenario_get_pack (scenario))->n_cells);

  start = g_get_monotonic_time ();
  for (guint k = 0; k < n_frames; k++)
    {
      frame->time_s = k * BENCH_DT_S;
      frame->serial = k;
      ps_recorder_append (recorder, frame);
    }
  wall = (g_get_monotonic_time () - start) / 1e6;

  g_print ("recorder_10h_mb: %.1f\n",
           ps_recorder_get_memory_bytes (recorder) / (1024.0 * 1024.0));
  g_print ("recorder_append_us: %.1f\n", wall * 1e6 / n_frames);

  /* past the full-rate window (166 h at 1 s): the totals fold into the
   * decimated history and memory stops at the stated bound, whatever the
   * run length; the bound itself for Model S (< 300 MB with the pack) */
  for (guint k = n_frames; k < 600000; k++)
    {
      frame->time_s = k * BENCH_DT_S;
      frame->serial = k;
      ps_recorder_append (recorder, frame);
    }
  g_print ("recorder_166h_mb: %.1f\n",
           ps_recorder_get_memory_bytes (recorder) / (1024.0 * 1024.0));
  g_print ("recorder_166h_process_rss_mb: %.1f\n", read_vm_rss_kb () / 1024.0);
  g_print ("recorder_bound_mb: %.1f\n",
           ps_recorder_get_memory_bound (ps_pack_get_info (ps_scenario_get_pack (scenario))->n_cells) / (1024.0 * 1024.0));
}

/* Resident set size of this process, MiB (Linux /proc; NaN elsewhere) */
static double
rss_mb (void)
{
  g_autofree char *status = NULL;
  const char *line;

  if (!g_file_get_contents ("/proc/self/status", &status, NULL, NULL))
    return NAN;
  line = strstr (status, "\nVmRSS:");
  if (line == NULL)
    return NAN;
  return g_ascii_strtod (line + strlen ("\nVmRSS:"), NULL) / 1024.0;
}

/* Soak: 24 simulated hours of model-s-85 at dt 1 s through the runner, as
 * the window runs it (worker thread, recorder appending every step, frames
 * published), as fast as it goes; the bench thread samples the RSS every
 * half second of wall time. Reports the growth: what a long run costs in
 * memory (issue 13 bounds the recorder; this measures whatever it is). */
#define SOAK_SIM_HOURS 24.0

static void
bench_soak (void)
{
  g_autoptr(PsScenario) scenario =
    bench_scenario (BENCH_PRESET, "Discharge at 0.1C for 8 hours; Charge at 0.1C for 8 hours;"
                                  "Rest for 8 hours; Rest for 24 hours");
  g_autoptr(PsRunner) runner = NULL;
  g_autoptr(PsRecorder) recorder = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GArray) samples = g_array_new (FALSE, FALSE, sizeof (double) * 2);
  double rss_start, rss_peak, rss_end, sim_h = 0.0, slope = NAN;
  gint64 start;

  if (scenario == NULL)
    return;
  ps_scenario_set_dt_s (scenario, BENCH_DT_S);
  runner = ps_runner_new (scenario, &error);
  if (runner == NULL)
    {
      g_printerr ("bench: %s\n", error->message);
      return;
    }
  ps_runner_set_speed (runner, PS_RUNNER_SPEED_MAX);
  ps_runner_sync (runner);
  rss_start = rss_peak = rss_mb ();

  start = g_get_monotonic_time ();
  ps_runner_play (runner);
  while (sim_h < SOAK_SIM_HOURS)
    {
      g_autoptr(PsFrame) frame = NULL;
      double sample[2];

      g_usleep (G_USEC_PER_SEC / 2);
      frame = ps_runner_dup_frame (runner);
      sim_h = frame->time_s / 3600.0;
      sample[0] = sim_h;
      sample[1] = rss_mb ();
      rss_peak = MAX (rss_peak, sample[1]);
      g_array_append_vals (samples, sample, 1);
      if (frame->finished)
        break;
    }
  ps_runner_pause (runner);
  ps_runner_sync (runner);
  rss_end = rss_mb ();
  recorder = ps_runner_dup_recorder (runner);

  /* least-squares slope of RSS over simulated time, past the first hour
   * (start-up allocations are not growth) */
  {
    double n = 0, sx = 0, sy = 0, sxx = 0, sxy = 0;

    for (guint i = 0; i < samples->len; i++)
      {
        const double *p = &g_array_index (samples, double, 2 * i);

        if (p[0] < 1.0)
          continue;
        n++;
        sx += p[0];
        sy += p[1];
        sxx += p[0] * p[0];
        sxy += p[0] * p[1];
      }
    if (n >= 2 && sxx * n - sx * sx > 0)
      slope = (n * sxy - sx * sy) / (n * sxx - sx * sx);
  }

  g_print ("soak_sim_hours: %.2f\n", sim_h);
  g_print ("soak_wall_s: %.1f\n", (g_get_monotonic_time () - start) / 1e6);
  g_print ("soak_rss_start_mb: %.1f\n", rss_start);
  g_print ("soak_rss_end_mb: %.1f\n", rss_end);
  g_print ("soak_rss_peak_mb: %.1f\n", rss_peak);
  g_print ("soak_rss_growth_mb: %.1f\n", rss_end - rss_start);
  g_print ("soak_rss_growth_mb_per_sim_hour: %.2f\n", slope);
  g_print ("soak_recorder_mb: %.1f\n",
           ps_recorder_get_memory_bytes (recorder) / (1024.0 * 1024.0));
}

/* model-s-85 at rest with one cell forced into thermal runaway at t = 0
 * (it runs away after about half a minute and heats its neighbours): the
 * realtime factor over ten simulated minutes, and that of the slowest
 * simulated second (while the reactions substep). */
static void
bench_runaway (void)
{
  g_autoptr(PsScenario) scenario = bench_scenario (BENCH_PRESET, "Rest for 10 minutes");
  g_autoptr(PsSimulation) sim = NULL;
  g_autoptr(GError) error = NULL;
  double cpu_start, worst = INFINITY;

  if (scenario == NULL)
    return;
  if (!ps_scenario_add_fault_text (scenario, "kind=thermal_runaway,cell=3000", &error)
      || (sim = ps_simulation_new (scenario, &error)) == NULL
      || !ps_simulation_set_threads (sim, 1, &error))
    {
      g_printerr ("bench: %s\n", error->message);
      return;
    }

  cpu_start = ps_bench_thread_cpu_seconds ();
  for (;;)
    {
      double t0 = ps_simulation_get_time (sim), c0 = ps_bench_thread_cpu_seconds ();
      gboolean more = ps_simulation_advance (sim, BENCH_DT_S);
      double cpu = ps_bench_thread_cpu_seconds () - c0;

      if (ps_simulation_get_time (sim) > t0 && cpu > 0.0)
        worst = MIN (worst, (ps_simulation_get_time (sim) - t0) / cpu);
      if (!more)
        break;
    }
  if (ps_runaway_count_at_least (ps_simulation_get_runaway (sim), PS_RUNAWAY_RUNAWAY) == 0)
    {
      g_printerr ("bench: the forced cell did not run away\n");
      return;
    }
  g_print ("runaway_realtime_factor: %.0f\n",
           ps_simulation_get_time (sim) / (ps_bench_thread_cpu_seconds () - cpu_start));
  g_print ("runaway_realtime_factor_worst_second: %.1f\n", worst);
}

/* The physics cell model, single cell: one LG M50 (Chen2020) discharge at
 * 1C to 2.5 V as an SPMe, end to end (scenario to the last row, output every
 * 60 s, the engine substepping as it needs), median CPU time of 21 runs. */
static void
bench_spme_single (void)
{
  double ms[21];
  guint runs = G_N_ELEMENTS (ms);
  double ah = 0.0;

  for (guint r = 0; r < runs; r++)
    {
      g_autoptr(GError) error = NULL;
      g_autoptr(PsScenario) scenario = NULL;
      g_autoptr(PsSimulation) sim = NULL;
      double cpu_start = ps_bench_thread_cpu_seconds ();

      scenario = bench_scenario ("lg-m50", "Discharge at 1C until 2.5 V");
      if (scenario == NULL)
        return;
      ps_scenario_set_dt_s (scenario, 60.0);
      if (!ps_scenario_set_cell_model (scenario, "spme", &error)
          || (sim = ps_simulation_new (scenario, &error)) == NULL
          || !ps_simulation_set_threads (sim, 1, &error))
        {
          g_printerr ("bench: %s\n", error->message);
          return;
        }
      while (ps_simulation_advance (sim, 60.0))
        ;
      ms[r] = (ps_bench_thread_cpu_seconds () - cpu_start) * 1e3;
      ah = ps_simulation_get_charge_ah (sim);
    }
  g_print ("spme_1c_ms: %.2f\n", ps_bench_median (ms, runs));
  g_print ("spme_1c_ah: %.4f\n", ah);
}

static void
bench_spme (void)
{
  BenchResult r;

  bench_spme_single ();
  if (bench_preset ("leaf-2011",
                    "Discharge at 1C until 3.0 V; Charge at 0.5C until 4.1 V;"
                    "Hold at 4.1 V until C/20", 4.0, 3, TRUE, &r))
    g_print ("leaf_spme_realtime_factor: %.0f\n", r.realtime_factor);
  if (bench_preset (BENCH_PRESET, "Discharge at 0.4C for 3 hours", 0.5, 3, TRUE, &r))
    g_print ("model_s_spme_realtime_factor: %.1f\n", r.realtime_factor);
}

/* The pack step on one thread and on two (ps_simulation_set_threads), in
 * wall-clock time: `runs` pairs of runs, one thread then two, so that a
 * machine shared with other work slows both of a pair alike; medians of
 * the realtime factors and of each pair's ratio; cpu_ratio_2t is the
 * process's CPU time on two threads over that on one (what sharing costs
 * in handing work over and waiting, whatever else the machine runs).
 * parallel_fraction is the
 * share p of a one-thread run's wall time spent in the per-cell work the
 * threads share (the rest, the pack solve, the sums over cells and the
 * thermal sweeps, stays on one thread), and amdahl_Nt the speed-up that
 * allows on N cores, 1 / (1 - p + p / N). */
static void
bench_threads_preset (const char *label,
                      const char *preset,
                      const char *protocol,
                      double      hours,
                      guint       runs,
                      gboolean    spme)
{
  g_autoptr(PsSimulation) sim1 = bench_simulation (preset, protocol, FALSE, spme, 1);
  g_autoptr(PsSimulation) sim2 = bench_simulation (preset, protocol, FALSE, spme, 2);
  double factor1[8], factor2[8], ratio[8], cpu_ratio[8], shared[8], p;

  g_assert (runs <= G_N_ELEMENTS (ratio));
  if (sim1 == NULL || sim2 == NULL)
    return;

  for (guint r = 0; r < runs; r++)
    {
      double cpu, wall1, wall2, cpu1, cpu2, shared0 = ps_simulation_get_shared_seconds (sim1);

      ps_simulation_reset (sim1);
      cpu1 = cpu_seconds (TRUE);
      if (time_run (sim1, hours, &cpu, &wall1) == 0 || !(wall1 > 0.0))
        return;
      cpu1 = cpu_seconds (TRUE) - cpu1;
      shared[r] = (ps_simulation_get_shared_seconds (sim1) - shared0) / wall1;
      factor1[r] = ps_simulation_get_time (sim1) / wall1;
      ps_simulation_reset (sim2);
      cpu2 = cpu_seconds (TRUE);
      if (time_run (sim2, hours, &cpu, &wall2) == 0 || !(wall2 > 0.0))
        return;
      cpu2 = cpu_seconds (TRUE) - cpu2;
      factor2[r] = ps_simulation_get_time (sim2) / wall2;
      ratio[r] = wall1 / wall2;
      cpu_ratio[r] = cpu2 / cpu1;
    }
  p = ps_bench_median (shared, runs);
  g_print ("threads_%s_realtime_factor_wall_1t: %.1f\n", label, ps_bench_median (factor1, runs));
  g_print ("threads_%s_realtime_factor_wall_2t: %.1f\n", label, ps_bench_median (factor2, runs));
  g_print ("threads_%s_speedup_2t: %.2f\n", label, ps_bench_median (ratio, runs));
  g_print ("threads_%s_cpu_ratio_2t: %.2f\n", label, ps_bench_median (cpu_ratio, runs));
  g_print ("threads_%s_parallel_fraction: %.3f\n", label, p);
  g_print ("threads_%s_amdahl_2t: %.2f\n", label, 1.0 / (1.0 - p + p / 2.0));
  g_print ("threads_%s_amdahl_8t: %.2f\n", label, 1.0 / (1.0 - p + p / 8.0));
}

void
ps_bench_threads (void)
{
  g_print ("threads_processors: %u\n", g_get_num_processors ());
  /* 7,104 SPMe cells (the headline of the threaded step) */
  bench_threads_preset ("model_s_spme", BENCH_PRESET, "Discharge at 0.4C for 3 hours",
                        5.0 / 60.0, 3, TRUE);
  /* 192 SPMe cells */
  bench_threads_preset ("leaf_spme", "leaf-2011", "Discharge at 1C until 3.0 V",
                        0.25, 3, TRUE);
  /* 7,104 ECM cells: the thermal sweeps and the pack solve weigh more */
  bench_threads_preset ("model_s_ecm", BENCH_PRESET, "Discharge at 0.4C for 3 hours",
                        0.25, 3, FALSE);
  /* 192 ECM cells: too few to share (one thread unless asked) */
  bench_threads_preset ("leaf_ecm", "leaf-2011", "Discharge at 1C until 3.0 V",
                        0.5, 3, FALSE);
}

void
ps_bench_engine (void)
{
  BenchResult r;

  ps_bench_threads ();
  bench_spme ();
  if (bench_preset (BENCH_PRESET, "Discharge at 0.4C for 3 hours",
                    BENCH_SIM_HOURS, BENCH_RUNS, FALSE, &r))
    {
      g_print ("cell_steps_per_s: %.0f\n", r.cell_steps_per_s);
      g_print ("realtime_factor: %.0f\n", r.realtime_factor);
      g_print ("cell_steps_per_s_wall: %.0f\n", r.cell_steps_per_s_wall);
      g_print ("realtime_factor_wall: %.0f\n", r.realtime_factor_wall);
      g_print ("engine_step_us: %.1f\n", r.step_us);
    }

  /* a busy protocol (voltage limits, CV hold) on the default pack */
  if (bench_preset ("leaf-2011",
                    "Discharge at 1C until 3.0 V; Charge at 0.5C until 4.1 V;"
                    "Hold at 4.1 V until C/20",
                    4.0, 3, FALSE, &r))
    {
      g_print ("leaf_2011_cell_steps_per_s: %.0f\n", r.cell_steps_per_s);
      g_print ("leaf_2011_realtime_factor: %.0f\n", r.realtime_factor);
    }

  /* the headline run again under the BMS (derating tables, balancing,
   * contactor checks every substep, re-solved at least every 10 s) */
  if (bench_preset_bms (BENCH_PRESET, "Discharge at 0.4C for 3 hours",
                        BENCH_SIM_HOURS, BENCH_RUNS, TRUE, &r))
    {
      g_print ("bms_cell_steps_per_s: %.0f\n", r.cell_steps_per_s);
      g_print ("bms_realtime_factor: %.0f\n", r.realtime_factor);
    }

  /* driving: model-s-85 on four WLTC class 3b laps (2 h), the load
   * re-solved every second of the trace, under the BMS */
  if (bench_preset_bms (BENCH_PRESET, "Drive wltc-class3b x 4",
                        BENCH_SIM_HOURS, 3, TRUE, &r))
    {
      g_print ("model_s_drive_cell_steps_per_s: %.0f\n", r.cell_steps_per_s);
      g_print ("model_s_drive_realtime_factor: %.0f\n", r.realtime_factor);
    }

  bench_runaway ();

  ps_bench_dfn ();
  bench_recorder ();
  bench_soak ();
}
