/* ps-bench-ui.c: the real window under a display, ui_frame_interval_p95_ms,
 * and the thermal view's paints when it switches to a new pack
 * (ui_thermal_new_pack_*, see bench_thermal_first_frames)
 *
 * Opens the main window on model-s-85 (7,104 cells) with the runner going as
 * fast as possible, and records the wall-clock time of every frame the frame
 * clock paints ("after-paint") for about five seconds. Prints the 95th
 * percentile of the intervals between painted frames; the target is at most
 * 33 ms (30 frames per second). Then the same with three cells forced
 * into thermal runaway and the cooling off (runaway_ui_frame_ms_p95: the
 * reactions' substeps running and the propagation timeline drawn; the
 * claim is 60 frames per second, 16.7 ms). Without a display it prints
 * nothing.
 */
#include "config.h"

#include <adwaita.h>
#include <stdio.h>

#include "ps-bench.h"
#include "ps-engine.h"
#include "ps-thermal-view.h"
#include "ps-window.h"

#include "ps-ui-resources.h"

#define BENCH_WARMUP_US   (1 * G_USEC_PER_SEC)
#define BENCH_DURATION_US (6 * G_USEC_PER_SEC)

typedef struct
{
  GArray   *paint_us;   /* gint64 */
  PsWindow *window;
} BenchData;

static void
on_after_paint (GdkFrameClock *frame_clock,
                BenchData     *data)
{
  PsRunner *runner = ps_window_get_runner (data->window);
  gint64 now = g_get_monotonic_time ();

  g_array_append_val (data->paint_us, now);

  /* keep the engine busy for the whole measurement */
  if (runner != NULL)
    {
      g_autoptr(PsFrame) frame = ps_runner_dup_frame (runner);

      if (frame != NULL && frame->finished)
        {
          ps_runner_reset (runner);
          ps_runner_play (runner);
        }
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

/* Opens the window on scenario with the runner going as fast as possible
 * and measures the intervals between painted frames after the warm-up:
 * their 95th percentile and how many frames were painted; *n_onset, when
 * not NULL, how many cells had reached onset at the end. FALSE (and a
 * message) when the window could not run. */
static gboolean
measure_window (PsScenario *scenario,
                double     *p95_ms,
                guint      *n_painted,
                guint      *n_onset)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GArray) intervals = NULL;
  GdkFrameClock *frame_clock;
  BenchData data = { NULL, NULL };
  gulong handler;
  gint64 start;
  guint n_after_warmup = 0;
  gboolean ok = FALSE;

  data.paint_us = g_array_new (FALSE, FALSE, sizeof (gint64));
  data.window = g_object_ref_sink (ps_window_new (NULL));
  ps_window_set_speed (data.window, PS_RUNNER_SPEED_MAX);
  ps_window_set_playing (data.window, TRUE);
  if (!ps_window_set_scenario (data.window, scenario, &error))
    {
      g_printerr ("ps_bench_ui: %s\n", error->message);
      goto out;
    }

  gtk_window_set_default_size (GTK_WINDOW (data.window), 1280, 800);
  gtk_window_present (GTK_WINDOW (data.window));

  start = g_get_monotonic_time ();
  while (gtk_widget_get_frame_clock (GTK_WIDGET (data.window)) == NULL &&
         g_get_monotonic_time () - start < 10 * G_USEC_PER_SEC)
    g_main_context_iteration (NULL, TRUE);

  frame_clock = gtk_widget_get_frame_clock (GTK_WIDGET (data.window));
  if (frame_clock == NULL)
    {
      g_printerr ("ps_bench_ui: the window was never mapped\n");
      goto out;
    }

  handler = g_signal_connect (frame_clock, "after-paint", G_CALLBACK (on_after_paint), &data);

  start = g_get_monotonic_time ();
  while (g_get_monotonic_time () - start < BENCH_DURATION_US)
    g_main_context_iteration (NULL, TRUE);

  g_signal_handler_disconnect (frame_clock, handler);

  intervals = g_array_new (FALSE, FALSE, sizeof (double));
  for (guint i = 1; i < data.paint_us->len; i++)
    {
      gint64 t0 = g_array_index (data.paint_us, gint64, i - 1);
      gint64 t1 = g_array_index (data.paint_us, gint64, i);
      double ms = (t1 - t0) / 1000.0;

      if (t0 - start < BENCH_WARMUP_US)
        continue;
      g_array_append_val (intervals, ms);
      n_after_warmup++;
    }

  if (intervals->len > 0)
    {
      guint idx;

      g_array_sort (intervals, compare_double);
      idx = (guint) (0.95 * (intervals->len - 1) + 0.5);
      *p95_ms = g_array_index (intervals, double, idx);
      *n_painted = n_after_warmup + 1;
      ok = TRUE;
    }
  if (n_onset != NULL)
    {
      g_autoptr(PsFrame) frame = ps_runner_dup_frame (ps_window_get_runner (data.window));

      *n_onset = frame != NULL && frame->events != NULL
                 ? ps_event_log_count_kind (frame->events, PS_EVENT_ONSET) : 0;
    }

out:
  ps_window_set_playing (data.window, FALSE);
  gtk_window_destroy (GTK_WINDOW (data.window));
  g_object_unref (data.window);
  g_array_unref (data.paint_us);

  while (g_main_context_pending (NULL))
    g_main_context_iteration (NULL, FALSE);
  return ok;
}

void
ps_bench_ui (void)
{
  g_autoptr(PsScenario) scenario = NULL;
  g_autoptr(PsScenario) runaway = NULL;
  g_autoptr(GError) error = NULL;
  double p95_ms;
  guint n_painted, n_onset;

  if (!gtk_init_check ())
    return;
  adw_init ();
  (void) ps_ui_get_resource ();

  bench_thermal_first_frames ();

  scenario = ps_scenario_new_from_preset ("model-s-85", &error);
  if (scenario == NULL)
    {
      g_printerr ("ps_bench_ui: %s\n", error->message);
      return;
    }
  if (measure_window (scenario, &p95_ms, &n_painted, NULL))
    {
      printf ("ui_frame_interval_p95_ms: %.1f\n", p95_ms);
      printf ("ui_frames_painted: %u\n", n_painted);
      fflush (stdout);
    }

  /* the same with three cells forced into runaway and the cooling off (the
   * runaway-model-s-85 screenshot): the reactions' substeps run, and the
   * propagation timeline shows under the curves */
  runaway = ps_scenario_copy (scenario);
  if (!ps_scenario_add_fault_text (runaway, "kind=thermal_runaway,cell=3000", &error) ||
      !ps_scenario_add_fault_text (runaway, "kind=thermal_runaway,cell=3001", &error) ||
      !ps_scenario_add_fault_text (runaway, "kind=thermal_runaway,cell=3002", &error) ||
      !ps_scenario_add_fault_text (runaway, "kind=cooling_failure", &error))
    {
      g_printerr ("ps_bench_ui: %s\n", error->message);
      return;
    }
  if (measure_window (runaway, &p95_ms, &n_painted, &n_onset))
    {
      printf ("runaway_ui_frame_ms_p95: %.1f\n", p95_ms);
      printf ("runaway_ui_frames_painted: %u\n", n_painted);
      printf ("runaway_ui_cells_past_onset: %u\n", n_onset);
      fflush (stdout);
    }
}
