/* ps-bench-ui.c: the real window under a display, ui_frame_interval_*,
 * runaway_ui_*, runaway_map_alone_*, and the thermal view's paints when it
 * switches to a new pack (ui_thermal_new_pack_*, see
 * bench_thermal_first_frames)
 *
 * Opens the main window on model-s-85 (7,104 cells) with the runner going as
 * fast as possible and records the wall-clock time of every frame clock
 * cycle ("after-paint") for six seconds; prints the median and the 95th
 * percentile of the intervals after the first second (target: at most
 * 33 ms, 30 frames per second).
 *
 * Then the runaway: three cells forced into thermal runaway and the cooling
 * off (the runaway-model-s-85 screenshot), run headless to 240 s first so
 * the reactions substep in every measured frame (three cells in runaway,
 * neighbours past onset, more reaching it), then played at 1 min/s:
 * runaway_ui_frame_ms_* for the window, runaway_ui_map_interval_ms_* between
 * the thermal map's new pictures in it, runaway_ui_cells_reacting (cells at
 * onset, venting or in runaway in the measured frames) and the simulated
 * times measured; then runaway_map_alone_* for a thermal view alone at its
 * size in the window. The claim is 60 frames per second (16.7 ms).
 *
 * Besides wall time, which other processes on the machine skew, each
 * measurement prints the CPU per frame clock cycle of every thread but the
 * runner's (*_cpu_ms_per_frame: the UI thread, and a software rasterizer's
 * threads when GL draws), the UI thread's alone, and its wall time in the
 * cycle's update, layout and paint phases. Without a display it prints
 * nothing.
 */
#define _GNU_SOURCE   /* RUSAGE_THREAD */
#include "config.h"

#include <adwaita.h>
#include <math.h>
#include <stdio.h>
#include <string.h>
#include <sys/resource.h>
#include <unistd.h>

#include "ps-bench.h"
#include "ps-engine.h"
#include "ps-gl-probe.h"
#include "ps-thermal-view.h"
#include "ps-window.h"

#include "ps-ui-resources.h"

#define BENCH_WARMUP_US   (1 * G_USEC_PER_SEC)
#define BENCH_DURATION_US (6 * G_USEC_PER_SEC)

/* The runaway window: the scenario is run headless to this time first
 * (three forced cells in runaway since 28 s, two neighbours past onset at
 * 232 and 248 s), then played at the window's "1 min/s", so the measured
 * seconds cover about 300 to 660 s of propagation with every reacting cell
 * substepping (2977, 2978 and 3023 reach onset meanwhile) and never reach the
 * end of the run. */
#define BENCH_RUNAWAY_FROM_S 240.0
#define BENCH_RUNAWAY_SPEED  60.0
#define BENCH_RUNAWAY_DT_S   0.5

typedef struct
{
  GArray    *paint_us;     /* gint64: every frame clock cycle's after-paint */
  GArray    *map_us;       /* gint64: every render of the thermal map's GL */
  PsRunner  *runner;
  GtkWidget *map;          /* the thermal view, or NULL */
  guint64    map_serial;   /* the frame it drew last */
  gboolean   restart;      /* play a finished run again (keeps the engine busy) */
  gint64     start;
  /* the runner's frames during the measured seconds */
  guint64    last_serial;
  guint8    *reacting;     /* [n_cells]: seen at onset, venting or in runaway */
  guint      n_cells;
  double     sim_start_s, sim_end_s;
  /* the frame clock's phases in this cycle, and their sums after the
   * warm-up (ms): update (the views' and the window's ticks), layout,
   * paint (snapshots and the renderer) */
  gint64     cycle_us, update_us, layout_us, paint_us_end;
  double     phase_ms[3];
  double     update_max_ms, update_max_cpu_ms;
  double     cycle_cpu_ms, update_cpu_ms;   /* the UI thread's CPU time */
  long       cycle_vcsw, update_vcsw;       /* its voluntary context switches */
  long       update_max_vcsw;
  guint      n_cycles;
} BenchData;

/* what one measurement found */
typedef struct
{
  double   p50_ms, p95_ms;       /* frame clock cycles */
  guint    n_frames;
  double   map_p50_ms, map_p95_ms;   /* between the thermal map's new pictures */
  guint    n_map;
  double   cpu_ms;               /* per frame clock cycle: every thread but
                                  * the runner's (the UI and the GL
                                  * rasterizer's threads) */
  double   ui_cpu_ms;            /* per cycle: the UI thread alone */
  double   update_ms, layout_ms, paint_ms;   /* per cycle, UI thread wall */
  double   update_max_ms;        /* the longest update phase: the views and
                                  * the window taking the runner's frames,
                                  * events and recorder (a UI waiting on the
                                  * worker would show here: wall time
                                  * without the CPU time) */
  double   update_max_cpu_ms;
  long     update_max_vcsw;      /* times the UI thread slept in it: a
                                  * contended mutex or a round trip to the
                                  * display server is one, being preempted
                                  * by other processes is not */
  guint    n_reacting;           /* distinct cells reacting during them */
  const char *renderer;          /* the window's GskRenderer */
  gboolean map_gl;               /* the thermal map drew with GL */
  double   sim_start_s, sim_end_s;
} BenchStats;

static void
bench_data_init (BenchData *data,
                 PsRunner  *runner,
                 gboolean   restart)
{
  memset (data, 0, sizeof *data);
  data->paint_us = g_array_new (FALSE, FALSE, sizeof (gint64));
  data->map_us = g_array_new (FALSE, FALSE, sizeof (gint64));
  data->runner = runner;
  data->restart = restart;
  data->sim_start_s = NAN;
  data->sim_end_s = NAN;
}

static void
bench_data_clear (BenchData *data)
{
  g_clear_pointer (&data->paint_us, g_array_unref);
  g_clear_pointer (&data->map_us, g_array_unref);
  g_clear_pointer (&data->reacting, g_free);
}

/* The UI thread's voluntary context switches so far (0 where unknown). */
static long
thread_voluntary_switches (void)
{
#ifdef RUSAGE_THREAD
  struct rusage usage;

  if (getrusage (RUSAGE_THREAD, &usage) == 0)
    return usage.ru_nvcsw;
#endif
  return 0;
}

static void
on_before_paint (GdkFrameClock *frame_clock,
                 BenchData     *data)
{
  data->cycle_us = g_get_monotonic_time ();
  data->cycle_cpu_ms = 1e3 * ps_bench_thread_cpu_seconds ();
  data->cycle_vcsw = thread_voluntary_switches ();
  data->update_us = data->layout_us = data->paint_us_end = 0;
}

/* connected after GTK's own handlers: the end of each phase */
static void
on_update_done (GdkFrameClock *frame_clock,
                BenchData     *data)
{
  data->update_us = g_get_monotonic_time ();
  data->update_cpu_ms = 1e3 * ps_bench_thread_cpu_seconds ();
  data->update_vcsw = thread_voluntary_switches ();
}

static void
on_layout_phase_done (GdkFrameClock *frame_clock,
                      BenchData     *data)
{
  data->layout_us = g_get_monotonic_time ();
}

static void
on_paint_phase_done (GdkFrameClock *frame_clock,
                     BenchData     *data)
{
  data->paint_us_end = g_get_monotonic_time ();
}

static void
on_after_paint (GdkFrameClock *frame_clock,
                BenchData     *data)
{
  g_autoptr(PsFrame) frame = NULL;
  gint64 now = g_get_monotonic_time ();

  g_array_append_val (data->paint_us, now);
  /* the thermal map drew a new frame in this cycle */
  if (data->map != NULL &&
      ps_thermal_view_get_drawn_serial (PS_THERMAL_VIEW (data->map)) != data->map_serial)
    {
      data->map_serial = ps_thermal_view_get_drawn_serial (PS_THERMAL_VIEW (data->map));
      g_array_append_val (data->map_us, now);
    }

  if (data->start != 0 && now - data->start >= BENCH_WARMUP_US && data->cycle_us != 0)
    {
      gint64 t = data->cycle_us;

      if (data->update_us != 0)
        {
          data->phase_ms[0] += (data->update_us - t) / 1e3;
          if ((data->update_us - t) / 1e3 > data->update_max_ms)
            {
              data->update_max_ms = (data->update_us - t) / 1e3;
              data->update_max_cpu_ms = data->update_cpu_ms - data->cycle_cpu_ms;
              data->update_max_vcsw = data->update_vcsw - data->cycle_vcsw;
            }
          t = data->update_us;
        }
      if (data->layout_us != 0)
        {
          data->phase_ms[1] += (data->layout_us - t) / 1e3;
          t = data->layout_us;
        }
      if (data->paint_us_end != 0)
        data->phase_ms[2] += (data->paint_us_end - t) / 1e3;
      data->n_cycles++;
    }

  if (data->runner == NULL)
    return;
  frame = ps_runner_dup_frame (data->runner);
  if (frame == NULL)
    return;

  /* the cells the reactions substep while the window is measured */
  if (data->start != 0 && now - data->start >= BENCH_WARMUP_US &&
      frame->serial != data->last_serial && frame->cell_runaway != NULL)
    {
      if (data->reacting == NULL || data->n_cells != frame->n_cells)
        {
          g_free (data->reacting);
          data->reacting = g_new0 (guint8, frame->n_cells);
          data->n_cells = frame->n_cells;
        }
      for (guint i = 0; i < frame->n_cells; i++)
        if (frame->cell_runaway[i] >= PS_RUNAWAY_ONSET &&
            frame->cell_runaway[i] <= PS_RUNAWAY_RUNAWAY)
          data->reacting[i] = 1;
      if (isnan (data->sim_start_s))
        data->sim_start_s = frame->time_s;
      data->sim_end_s = frame->time_s;
      data->last_serial = frame->serial;
    }

  /* keep the engine busy for the whole measurement */
  if (data->restart && frame->finished)
    {
      ps_runner_reset (data->runner);
      ps_runner_play (data->runner);
    }
}

static int
compare_double (gconstpointer a,
                gconstpointer b)
{
  double x = *(const double *) a;
  double y = *(const double *) b;

  return (x > y) - (x < y);
}

/* The intervals between the times (µs) after the warm-up: their median and
 * 95th percentile in ms; FALSE when there are none. */
static gboolean
interval_percentiles (GArray *times_us,
                      gint64  start,
                      double *p50_ms,
                      double *p95_ms,
                      guint  *n)
{
  g_autoptr(GArray) intervals = g_array_new (FALSE, FALSE, sizeof (double));

  for (guint i = 1; i < times_us->len; i++)
    {
      gint64 t0 = g_array_index (times_us, gint64, i - 1);
      gint64 t1 = g_array_index (times_us, gint64, i);
      double ms = (t1 - t0) / 1000.0;

      if (t0 - start < BENCH_WARMUP_US)
        continue;
      g_array_append_val (intervals, ms);
    }
  *n = intervals->len;
  if (intervals->len == 0)
    return FALSE;

  g_array_sort (intervals, compare_double);
  *p50_ms = g_array_index (intervals, double, (guint) (0.50 * (intervals->len - 1) + 0.5));
  *p95_ms = g_array_index (intervals, double, (guint) (0.95 * (intervals->len - 1) + 0.5));
  return TRUE;
}

/* The CPU seconds of every thread of the process but the runner's worker
 * (the UI thread, llvmpipe's rasterizer threads, GLib's pool), from
 * /proc/self/task; -1 where that is missing. */
static double
render_cpu_seconds (void)
{
  g_autoptr(GDir) dir = g_dir_open ("/proc/self/task", 0, NULL);
  const char *tid;
  double ticks = 0.0;

  if (dir == NULL)
    return -1.0;
  while ((tid = g_dir_read_name (dir)) != NULL)
    {
      g_autofree char *comm_path = g_build_filename ("/proc/self/task", tid, "comm", NULL);
      g_autofree char *stat_path = g_build_filename ("/proc/self/task", tid, "stat", NULL);
      g_autofree char *comm = NULL;
      g_autofree char *stat = NULL;
      unsigned long utime, stime;
      const char *p;

      if (!g_file_get_contents (comm_path, &comm, NULL, NULL) ||
          g_str_has_prefix (comm, "ps-runner") ||
          !g_file_get_contents (stat_path, &stat, NULL, NULL) ||
          (p = strrchr (stat, ')')) == NULL)
        continue;
      /* after the name: state, then fields 4..13, then utime and stime */
      if (sscanf (p + 2, "%*c %*d %*d %*d %*d %*d %*u %*u %*u %*u %*u %lu %lu",
                  &utime, &stime) == 2)
        ticks += utime + stime;
    }
  return ticks / sysconf (_SC_CLK_TCK);
}

/* Runs the main loop for the measured seconds with toplevel shown, recording
 * its frame clock's cycles and the thermal map's new pictures; FALSE (and a
 * message) when the toplevel was never mapped or painted. */
static gboolean
bench_measure (GtkWidget  *toplevel,
               GtkWidget  *thermal_view,
               BenchData  *data,
               BenchStats *stats)
{
  GdkFrameClock *frame_clock;
  gulong handler;
  gint64 start;
  double cpu0 = -1.0, ui_cpu0 = 0.0;
  guint frames0 = 0;

  memset (stats, 0, sizeof *stats);
  start = g_get_monotonic_time ();
  while (gtk_widget_get_frame_clock (toplevel) == NULL &&
         g_get_monotonic_time () - start < 10 * G_USEC_PER_SEC)
    g_main_context_iteration (NULL, TRUE);

  frame_clock = gtk_widget_get_frame_clock (toplevel);
  if (frame_clock == NULL)
    {
      g_printerr ("ps_bench_ui: the window was never mapped\n");
      return FALSE;
    }

  handler = g_signal_connect (frame_clock, "after-paint", G_CALLBACK (on_after_paint), data);
  g_signal_connect (frame_clock, "before-paint", G_CALLBACK (on_before_paint), data);
  g_signal_connect_after (frame_clock, "update", G_CALLBACK (on_update_done), data);
  g_signal_connect_after (frame_clock, "layout", G_CALLBACK (on_layout_phase_done), data);
  g_signal_connect_after (frame_clock, "paint", G_CALLBACK (on_paint_phase_done), data);
  data->map = thermal_view;
  data->start = start = g_get_monotonic_time ();
  while (g_get_monotonic_time () - start < BENCH_DURATION_US)
    {
      /* the GL area exists once the view is realized */
      if (cpu0 < 0.0 && g_get_monotonic_time () - start >= BENCH_WARMUP_US)
        {
          cpu0 = render_cpu_seconds ();
          ui_cpu0 = ps_bench_thread_cpu_seconds ();
          frames0 = data->paint_us->len;
          if (cpu0 < 0.0)
            cpu0 = 0.0;
        }
      g_main_context_iteration (NULL, TRUE);
    }
  if (data->paint_us->len > frames0)
    {
      stats->cpu_ms = 1e3 * (render_cpu_seconds () - cpu0) / (data->paint_us->len - frames0);
      stats->ui_cpu_ms = 1e3 * (ps_bench_thread_cpu_seconds () - ui_cpu0) /
                         (data->paint_us->len - frames0);
    }
  g_signal_handler_disconnect (frame_clock, handler);
  g_signal_handlers_disconnect_by_data (frame_clock, data);

  if (!interval_percentiles (data->paint_us, start, &stats->p50_ms, &stats->p95_ms,
                             &stats->n_frames))
    {
      g_printerr ("ps_bench_ui: no frame was painted\n");
      return FALSE;
    }
  if (!interval_percentiles (data->map_us, start, &stats->map_p50_ms, &stats->map_p95_ms,
                             &stats->n_map))
    stats->n_map = 0;
  for (guint i = 0; data->reacting != NULL && i < data->n_cells; i++)
    stats->n_reacting += data->reacting[i];
  if (data->n_cycles > 0)
    {
      stats->update_ms = data->phase_ms[0] / data->n_cycles;
      stats->layout_ms = data->phase_ms[1] / data->n_cycles;
      stats->paint_ms = data->phase_ms[2] / data->n_cycles;
      stats->update_max_ms = data->update_max_ms;
      stats->update_max_cpu_ms = data->update_max_cpu_ms;
      stats->update_max_vcsw = data->update_max_vcsw;
    }
  stats->sim_start_s = data->sim_start_s;
  stats->sim_end_s = data->sim_end_s;
  return TRUE;
}

/* The UI thread's time per paint of a thermal view alone (1280 x 800)
 * when it switches from leaf-2011 to model-s-85, as when a person picks that
 * preset (the view's GL is set up on leaf-2011 first, so only the new pack
 * counts): from the end of the frame clock's layout phase to the end of its
 * paint, wall clock and the UI thread's CPU time, over the paints until the
 * field shows and three more; the first and the longest. Computing the
 * interpolation nodes (now off the UI thread) used to fall in the first. */
typedef struct
{
  gint64   paint_start;
  double   cpu_start;
  GArray  *paint_ms;    /* double */
  GArray  *cpu_ms;      /* double: the UI thread's CPU time */
} PaintTimes;

static void
on_layout_done (GdkFrameClock *frame_clock,
                PaintTimes    *t)
{
  t->paint_start = g_get_monotonic_time ();
  t->cpu_start = 1e3 * ps_bench_thread_cpu_seconds ();
}

static void
on_paint_done (GdkFrameClock *frame_clock,
               PaintTimes    *t)
{
  double ms;

  if (t->paint_start == 0)
    return;
  ms = (g_get_monotonic_time () - t->paint_start) / 1e3;
  g_array_append_val (t->paint_ms, ms);
  ms = 1e3 * ps_bench_thread_cpu_seconds () - t->cpu_start;
  g_array_append_val (t->cpu_ms, ms);
  t->paint_start = 0;
}

static PsRunner *
bench_runner (const char *preset)
{
  g_autoptr(PsScenario) scenario = NULL;
  g_autoptr(GError) error = NULL;
  PsRunner *runner = NULL;

  scenario = ps_scenario_new_from_preset (preset, &error);
  if (scenario != NULL)
    runner = ps_runner_new (scenario, &error);
  if (runner == NULL)
    {
      g_printerr ("ps_bench_ui: %s\n", error->message);
      return NULL;
    }
  ps_runner_run_until (runner, 300.0);
  return runner;
}

static void
count_paint (GdkFrameClock *frame_clock,
             guint         *n_paints)
{
  (*n_paints)++;
}

/* paints until the view shows its field, then three more */
static void
paint_until_field (GtkWidget *view)
{
  GdkFrameClock *frame_clock = gtk_widget_get_frame_clock (view);
  gint64 start = g_get_monotonic_time ();
  guint n_paints = 0;
  gulong handler;

  handler = g_signal_connect (frame_clock, "after-paint", G_CALLBACK (count_paint), &n_paints);
  while (n_paints < 3 && g_get_monotonic_time () - start < 10 * G_USEC_PER_SEC)
    {
      if (!ps_thermal_view_get_field_ready (PS_THERMAL_VIEW (view)))
        n_paints = 0;
      /* a layout phase in every frame: the paint is timed from its end */
      gtk_widget_queue_resize (view);
      g_main_context_iteration (NULL, TRUE);
    }
  g_signal_handler_disconnect (frame_clock, handler);
}

static void
bench_thermal_first_frames (void)
{
  g_autoptr(PsRunner) warm = NULL;
  g_autoptr(PsRunner) runner = NULL;
  PaintTimes t = { 0, 0.0, NULL, NULL };
  GdkFrameClock *frame_clock;
  GtkWidget *window, *view;
  gulong h_layout, h_paint;
  double max_ms = 0.0, max_cpu_ms = 0.0;

  warm = bench_runner ("leaf-2011");
  runner = bench_runner ("model-s-85");
  if (warm == NULL || runner == NULL)
    return;

  view = ps_thermal_view_new ();
  ps_thermal_view_set_runner (PS_THERMAL_VIEW (view), warm);
  window = gtk_window_new ();
  gtk_window_set_default_size (GTK_WINDOW (window), 1280, 800);
  gtk_window_set_child (GTK_WINDOW (window), view);
  gtk_window_present (GTK_WINDOW (window));
  while (gtk_widget_get_frame_clock (window) == NULL)
    g_main_context_iteration (NULL, TRUE);
  paint_until_field (view);

  frame_clock = gtk_widget_get_frame_clock (window);
  t.paint_ms = g_array_new (FALSE, FALSE, sizeof (double));
  t.cpu_ms = g_array_new (FALSE, FALSE, sizeof (double));
  h_layout = g_signal_connect_after (frame_clock, "layout", G_CALLBACK (on_layout_done), &t);
  h_paint = g_signal_connect (frame_clock, "after-paint", G_CALLBACK (on_paint_done), &t);
  ps_thermal_view_set_runner (PS_THERMAL_VIEW (view), runner);
  paint_until_field (view);
  g_signal_handler_disconnect (frame_clock, h_layout);
  g_signal_handler_disconnect (frame_clock, h_paint);

  for (guint i = 0; i < t.paint_ms->len; i++)
    {
      max_ms = MAX (max_ms, g_array_index (t.paint_ms, double, i));
      max_cpu_ms = MAX (max_cpu_ms, g_array_index (t.cpu_ms, double, i));
    }
  if (t.paint_ms->len > 0)
    {
      printf ("ui_thermal_new_pack_first_paint_ms: %.1f\n", g_array_index (t.paint_ms, double, 0));
      printf ("ui_thermal_new_pack_first_paint_cpu_ms: %.1f\n", g_array_index (t.cpu_ms, double, 0));
      printf ("ui_thermal_new_pack_max_paint_ms: %.1f\n", max_ms);
      printf ("ui_thermal_new_pack_max_paint_cpu_ms: %.1f\n", max_cpu_ms);
      printf ("ui_thermal_new_pack_paints: %u (%s)\n", t.paint_ms->len,
              ps_thermal_view_get_gl_active (PS_THERMAL_VIEW (view)) ? "GL" : "cairo");
      fflush (stdout);
    }

  ps_thermal_view_set_runner (PS_THERMAL_VIEW (view), NULL);
  gtk_window_destroy (GTK_WINDOW (window));
  g_array_unref (t.paint_ms);
  g_array_unref (t.cpu_ms);
  while (g_main_context_pending (NULL))
    g_main_context_iteration (NULL, FALSE);
}

/* Opens the window on scenario, runs it headless to from_s first (0: from
 * the start, a finished run played again so the engine stays busy), then
 * plays it at speed and measures the window's frame clock cycles and the
 * thermal map's renders after the warm-up. *map_w x *map_h: the thermal
 * view's size in the window. FALSE (and a message) when the window could
 * not run. */
static gboolean
measure_window (PsScenario *scenario,
                double      from_s,
                double      speed,
                BenchStats *stats,
                int        *map_w,
                int        *map_h)
{
  g_autoptr(GError) error = NULL;
  BenchData data;
  PsWindow *window;
  GtkWidget *map;
  gboolean ok = FALSE;

  bench_data_init (&data, NULL, from_s <= 0.0);
  window = g_object_ref_sink (ps_window_new (NULL));
  ps_window_set_speed (window, speed);
  if (!ps_window_set_scenario (window, scenario, &error))
    {
      g_printerr ("ps_bench_ui: %s\n", error->message);
      goto out;
    }
  if (from_s > 0.0)
    ps_runner_run_until (ps_window_get_runner (window), from_s);
  ps_window_set_playing (window, TRUE);
  data.runner = ps_window_get_runner (window);

  gtk_window_set_default_size (GTK_WINDOW (window), 1280, 800);
  gtk_window_present (GTK_WINDOW (window));

  map = ps_window_get_view (window, PS_WINDOW_VIEW_THERMAL);
  ok = bench_measure (GTK_WIDGET (window), map, &data, stats);
  stats->renderer = G_OBJECT_TYPE_NAME (gtk_native_get_renderer (GTK_NATIVE (window)));
  stats->map_gl = ps_thermal_view_get_gl_active (PS_THERMAL_VIEW (map));
  *map_w = gtk_widget_get_width (map);
  *map_h = gtk_widget_get_height (map);

out:
  ps_window_set_playing (window, FALSE);
  gtk_window_destroy (GTK_WINDOW (window));
  g_object_unref (window);
  bench_data_clear (&data);

  while (g_main_context_pending (NULL))
    g_main_context_iteration (NULL, FALSE);
  return ok;
}

/* The same with a thermal view alone in a window of width x height. */
static gboolean
measure_thermal_alone (PsScenario *scenario,
                       double      from_s,
                       double      speed,
                       int         width,
                       int         height,
                       BenchStats *stats)
{
  g_autoptr(PsRunner) runner = NULL;
  g_autoptr(GError) error = NULL;
  GtkWidget *window, *view;
  BenchData data;
  gboolean ok;

  runner = ps_runner_new (scenario, &error);
  if (runner == NULL)
    {
      g_printerr ("ps_bench_ui: %s\n", error->message);
      return FALSE;
    }
  ps_runner_run_until (runner, from_s);
  ps_runner_set_speed (runner, speed);

  view = ps_thermal_view_new ();
  ps_thermal_view_set_runner (PS_THERMAL_VIEW (view), runner);
  window = gtk_window_new ();
  gtk_window_set_decorated (GTK_WINDOW (window), FALSE);
  gtk_window_set_default_size (GTK_WINDOW (window), width, height);
  gtk_window_set_child (GTK_WINDOW (window), view);
  gtk_window_present (GTK_WINDOW (window));
  ps_runner_play (runner);

  bench_data_init (&data, runner, FALSE);
  ok = bench_measure (window, view, &data, stats);

  ps_runner_pause (runner);
  ps_thermal_view_set_runner (PS_THERMAL_VIEW (view), NULL);
  gtk_window_destroy (GTK_WINDOW (window));
  bench_data_clear (&data);
  while (g_main_context_pending (NULL))
    g_main_context_iteration (NULL, FALSE);
  return ok;
}

/* what a frame costs: "<prefix>_cpu_ms_per_frame: ..." and so on */
static void
print_costs (const char       *prefix,
             const BenchStats *stats)
{
  printf ("%s_cpu_ms_per_frame: %.1f\n", prefix, stats->cpu_ms);
  printf ("%s_ui_thread_cpu_ms_per_frame: %.1f\n", prefix, stats->ui_cpu_ms);
  printf ("%s_phases_ms: update %.1f layout %.1f paint %.1f\n",
          prefix, stats->update_ms, stats->layout_ms, stats->paint_ms);
  printf ("%s_update_ms_max: %.1f (UI thread CPU %.1f, slept %ld times)\n", prefix,
          stats->update_max_ms, stats->update_max_cpu_ms, stats->update_max_vcsw);
}

/* a measurement with the runaway under way */
static void
print_runaway (const char       *prefix,
               const BenchStats *stats)
{
  printf ("%s_frame_ms_p50: %.1f\n", prefix, stats->p50_ms);
  printf ("%s_frame_ms_p95: %.1f\n", prefix, stats->p95_ms);
  printf ("%s_frames_painted: %u\n", prefix, stats->n_frames + 1);
  print_costs (prefix, stats);
  if (stats->n_map > 0)
    {
      printf ("%s_map_interval_ms_p50: %.1f\n", prefix, stats->map_p50_ms);
      printf ("%s_map_interval_ms_p95: %.1f\n", prefix, stats->map_p95_ms);
    }
  printf ("%s_cells_reacting: %u\n", prefix, stats->n_reacting);
}

void
ps_bench_ui (void)
{
  g_autoptr(PsScenario) scenario = NULL;
  g_autoptr(PsScenario) runaway = NULL;
  g_autoptr(GError) error = NULL;
  BenchStats stats;
  int map_w = 0, map_h = 0;

  if (!gtk_init_check ())
    return;
  adw_init ();
  /* as the program does (a software rasterizer: GTK's cairo renderer) */
  ps_gl_choose_renderer (gdk_display_get_default ());
  (void) ps_ui_get_resource ();

  bench_thermal_first_frames ();

  scenario = ps_scenario_new_from_preset ("model-s-85", &error);
  if (scenario == NULL)
    {
      g_printerr ("ps_bench_ui: %s\n", error->message);
      return;
    }
  if (measure_window (scenario, 0.0, PS_RUNNER_SPEED_MAX, &stats, &map_w, &map_h))
    {
      printf ("ui_frame_interval_p50_ms: %.1f\n", stats.p50_ms);
      printf ("ui_frame_interval_p95_ms: %.1f\n", stats.p95_ms);
      printf ("ui_frames_painted: %u\n", stats.n_frames + 1);
      print_costs ("ui", &stats);
      fflush (stdout);
    }

  /* the same with three cells forced into runaway and the cooling off (the
   * runaway-model-s-85 screenshot), run to propagation first: the reactions'
   * substeps run all the time it is measured, and the propagation timeline
   * shows under the curves */
  runaway = ps_scenario_copy (scenario);
  if (!ps_scenario_add_fault_text (runaway, "kind=thermal_runaway,cell=3000", &error) ||
      !ps_scenario_add_fault_text (runaway, "kind=thermal_runaway,cell=3001", &error) ||
      !ps_scenario_add_fault_text (runaway, "kind=thermal_runaway,cell=3002", &error) ||
      !ps_scenario_add_fault_text (runaway, "kind=cooling_failure", &error))
    {
      g_printerr ("ps_bench_ui: %s\n", error->message);
      return;
    }
  /* rows every 0.5 s: at 1 min/s the runner publishes about 120 frames a
   * second, more than the display's 60, so a map interval over 16.7 ms is
   * the window's, not a frame that was not there yet (the engine substeps
   * as accuracy needs: the run does not depend on it) */
  ps_scenario_set_dt_s (runaway, BENCH_RUNAWAY_DT_S);
  if (measure_window (runaway, BENCH_RUNAWAY_FROM_S, BENCH_RUNAWAY_SPEED, &stats, &map_w, &map_h))
    {
      print_runaway ("runaway_ui", &stats);
      printf ("runaway_ui_renderer: %s, thermal map %s\n", stats.renderer,
              stats.map_gl ? "GL" : "cairo");
      printf ("runaway_ui_sim_start_s: %.0f\n", stats.sim_start_s);
      printf ("runaway_ui_sim_end_s: %.0f\n", stats.sim_end_s);
      fflush (stdout);
    }
  if (map_w > 0 && map_h > 0 &&
      measure_thermal_alone (runaway, BENCH_RUNAWAY_FROM_S, BENCH_RUNAWAY_SPEED,
                             map_w, map_h, &stats))
    {
      printf ("runaway_map_alone_size: %dx%d\n", map_w, map_h);
      print_runaway ("runaway_map_alone", &stats);
      fflush (stdout);
    }
}
