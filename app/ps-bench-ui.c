/* ps-bench-ui.c: the real window under a display, ui_frame_interval_p95_ms
 *
 * Opens the main window on model-s-85 (7,104 cells) with the runner going as
 * fast as possible, and records the wall-clock time of every frame the frame
 * clock paints ("after-paint") for about five seconds. Prints the 95th
 * percentile of the intervals between painted frames; the target is at most
 * 33 ms (30 frames per second). Without a display it prints nothing.
 */
#include "config.h"

#include <adwaita.h>
#include <stdio.h>

#include "ps-bench.h"
#include "ps-engine.h"
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

void
ps_bench_ui (void)
{
  g_autoptr(PsScenario) scenario = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GArray) intervals = NULL;
  GdkFrameClock *frame_clock;
  BenchData data = { NULL, NULL };
  gulong handler;
  gint64 start;
  guint n_after_warmup = 0;

  if (!gtk_init_check ())
    return;
  adw_init ();
  (void) ps_ui_get_resource ();

  scenario = ps_scenario_new_from_preset ("model-s-85", &error);
  if (scenario == NULL)
    {
      g_printerr ("ps_bench_ui: %s\n", error->message);
      return;
    }

  data.paint_us = g_array_new (FALSE, FALSE, sizeof (gint64));
  data.window = g_object_ref_sink (ps_window_new (NULL));
  ps_window_set_speed (data.window, PS_RUNNER_SPEED_MAX);
  ps_window_set_playing (data.window, TRUE);
  if (!ps_window_set_scenario (data.window, scenario, &error))
    {
      g_printerr ("ps_bench_ui: %s\n", error->message);
      gtk_window_destroy (GTK_WINDOW (data.window));
      g_object_unref (data.window);
      g_array_unref (data.paint_us);
      return;
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
      gtk_window_destroy (GTK_WINDOW (data.window));
      g_object_unref (data.window);
      g_array_unref (data.paint_us);
      return;
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
      printf ("ui_frame_interval_p95_ms: %.1f\n", g_array_index (intervals, double, idx));
      printf ("ui_frames_painted: %u\n", n_after_warmup + 1);
      fflush (stdout);
    }

  ps_window_set_playing (data.window, FALSE);
  gtk_window_destroy (GTK_WINDOW (data.window));
  g_object_unref (data.window);
  g_array_unref (data.paint_us);

  while (g_main_context_pending (NULL))
    g_main_context_iteration (NULL, FALSE);
}
