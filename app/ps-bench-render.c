/* ps-bench-render.c: `packscope --bench`, the renderers
 *
 * render_frame_ms: the median wall time of one frame of all three views
 * (layout, curves, thermal map) of model-s-85 (7,104 cells) at 1280 x 800,
 * each into its own ARGB32 image surface with the cairo renderers. Every
 * frame has new per-cell values (so nothing that depends on the values can
 * be cached); the curves read a recorder holding one simulated hour at 1 s.
 * The per-cell values come from smooth formulas of the cell position and
 * time: the cost of drawing does not depend on the physics.
 *
 * render_frame_cpu_ms is the same frame's median CPU time of this thread,
 * which a machine shared with other work inflates much less than wall time.
 */
#include "config.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

#include "ps-bench.h"
#include "ps-render.h"

#define BENCH_PRESET   "model-s-85"
#define BENCH_WIDTH    1280
#define BENCH_HEIGHT   800
#define BENCH_FRAMES   40
#define BENCH_HISTORY  3600


static void
fill_frame (PsFrame *f,
            double   time_s)
{
  const PsPackInfo *pack = ps_pack_get_info (f->pack);
  double span = MAX (pack->bounds.w, pack->bounds.h);
  double u_t = time_s / 3600.0;

  for (guint i = 0; i < f->n_cells; i++)
    {
      double u = (pack->cell_x[i] - pack->bounds.x) / span;
      double v = (pack->cell_y[i] - pack->bounds.y) / span;

      f->cell_soc[i] = 0.9 - 0.6 * u_t + 0.02 * sin (9.0 * u + time_s * 0.01) * cos (7.0 * v);
      f->cell_voltage_v[i] = 3.3 + 0.9 * f->cell_soc[i];
      f->cell_current_a[i] = 3.4 + 0.2 * sin (5.0 * v);
      f->cell_temp_k[i] = 298.15 + 6.0 * u_t + 3.0 * exp (-6.0 * ((u - 0.4) * (u - 0.4) + (v - 0.5) * (v - 0.5)))
                          + 0.5 * sin (time_s * 0.02 + 3.0 * u);
      f->cell_heat_w[i] = 0.1 + 0.05 * u;
    }
  f->time_s = time_s;
  ps_frame_update_extremes (f);
  f->pack_current_a = 3.4 * pack->n_parallel;
  f->pack_voltage_v = (3.3 + 0.9 * (0.9 - 0.6 * u_t)) * pack->n_series;
  f->pack_power_w = f->pack_voltage_v * f->pack_current_a;
  f->pack_soc = 0.9 - 0.6 * u_t;
  f->charge_ah = 0.6 * u_t * 3.4 * pack->n_parallel;
  f->energy_wh = f->charge_ah * 3.6 * pack->n_series;
  f->heat_w = 0.12 * f->n_cells;
}

/* The runaway timeline panel (880 x 160) per frame: reading the frame's new
 * events and drawing, the window's cost while a runaway propagates. A log
 * of 400 cells of the pack passing onset, venting, runaway and burnt a
 * few seconds apart (more rows than the panel shows), revealed a frame's
 * worth at a time; the median over the frames. */
#define TIMELINE_CELLS 400
#define TIMELINE_W     880
#define TIMELINE_H     160

static double
bench_runaway_timeline (PsPack              *pack,
                        const PsRenderStyle *style)
{
  g_autoptr(PsFrame) frame = ps_frame_new (pack);
  g_autoptr(PsRunawayTimeline) tl = ps_runaway_timeline_new ();
  guint n_cells = MIN (TIMELINE_CELLS, ps_pack_get_info (pack)->n_cells);
  double ms[BENCH_FRAMES];
  cairo_surface_t *surface;
  guint n;

  frame->events = ps_event_log_new ();
  /* cell k reaches onset at 5 k s, then a stage every 40 s */
  for (guint step = 0; step < n_cells + 12; step++)
    for (guint s = 0; s < 4; s++)
      if (step >= 8 * s && step - 8 * s < n_cells)
        ps_event_log_add (frame->events, 5.0 * step, PS_EVENT_ONSET + s,
                          (int) ((step - 8 * s) * 17 % ps_pack_get_info (pack)->n_cells),
                          PS_CONTACTOR_OK, "stage %u", s);
  n = ps_event_log_get_length (frame->events);
  surface = cairo_image_surface_create (CAIRO_FORMAT_ARGB32, TIMELINE_W, TIMELINE_H);
  for (guint k = 0; k < BENCH_FRAMES; k++)
    {
      gint64 t0;
      cairo_t *cr;

      frame->n_events = (guint) ((guint64) n * (k + 1) / BENCH_FRAMES);
      frame->time_s = 5.0 * (n_cells + 12) * (k + 1) / BENCH_FRAMES;
      t0 = g_get_monotonic_time ();
      ps_runaway_timeline_update (tl, frame);
      cr = cairo_create (surface);
      ps_render_runaway_timeline (cr, tl, frame, style, TIMELINE_W, TIMELINE_H);
      cairo_destroy (cr);
      cairo_surface_flush (surface);
      ms[k] = (g_get_monotonic_time () - t0) / 1e3;
    }
  cairo_surface_destroy (surface);
  return ps_bench_median (ms, BENCH_FRAMES);
}

void
ps_bench_render (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(PsPack) pack = NULL;
  g_autoptr(PsRecorder) recorder = NULL;
  g_autoptr(PsFrame) frame = NULL;
  cairo_surface_t *surface[3];
  double total[BENCH_FRAMES], layout[BENCH_FRAMES], curves[BENCH_FRAMES], thermal[BENCH_FRAMES];
  double cpu[BENCH_FRAMES];
  double first_frame_ms = 0.0, first_thermal_ms = 0.0;
  PsRenderStyle style;

  pack = ps_pack_new_from_id (BENCH_PRESET, &error);
  if (pack == NULL)
    {
      g_printerr ("ps_bench_render: %s\n", error->message);
      return;
    }

  recorder = ps_recorder_new (ps_pack_get_info (pack)->n_cells);
  frame = ps_frame_new (pack);
  for (guint k = 0; k < BENCH_HISTORY; k++)
    {
      fill_frame (frame, k);
      ps_recorder_append (recorder, frame);
    }

  ps_render_style_init_default (&style);
  style.quantity = PS_QUANTITY_TEMPERATURE;
  style.selected_cell = ps_pack_get_info (pack)->n_cells / 3;
  for (guint v = 0; v < 3; v++)
    surface[v] = cairo_image_surface_create (CAIRO_FORMAT_ARGB32, BENCH_WIDTH, BENCH_HEIGHT);

  /* one frame untimed, as a window's first draw, then the timed frames */
  for (int k = -1; k < BENCH_FRAMES; k++)
    {
      gint64 t0, t1, t2, t3;
      double c0;
      cairo_t *cr;

      fill_frame (frame, BENCH_HISTORY + k);

      c0 = 1e3 * ps_bench_thread_cpu_seconds ();
      t0 = g_get_monotonic_time ();
      cr = cairo_create (surface[0]);
      ps_render_layout (cr, frame, &style, BENCH_WIDTH, BENCH_HEIGHT);
      cairo_destroy (cr);
      cairo_surface_flush (surface[0]);
      t1 = g_get_monotonic_time ();
      cr = cairo_create (surface[1]);
      ps_render_curves (cr, recorder, frame, &style, BENCH_WIDTH, BENCH_HEIGHT);
      cairo_destroy (cr);
      cairo_surface_flush (surface[1]);
      t2 = g_get_monotonic_time ();
      cr = cairo_create (surface[2]);
      ps_render_thermal (cr, frame, &style, BENCH_WIDTH, BENCH_HEIGHT);
      cairo_destroy (cr);
      cairo_surface_flush (surface[2]);
      t3 = g_get_monotonic_time ();

      if (k < 0)
        {
          /* the first frame fills the renderers' caches (the thermal
           * map's interpolation weights among them) */
          first_frame_ms = (t3 - t0) / 1e3;
          first_thermal_ms = (t3 - t2) / 1e3;
          continue;
        }
      layout[k] = (t1 - t0) / 1e3;
      curves[k] = (t2 - t1) / 1e3;
      thermal[k] = (t3 - t2) / 1e3;
      total[k] = (t3 - t0) / 1e3;
      cpu[k] = 1e3 * ps_bench_thread_cpu_seconds () - c0;
    }

  if (g_getenv ("PS_BENCH_RENDER_DIR") != NULL)
    {
      const char *names[3] = { "layout", "curves", "thermal" };

      for (guint v = 0; v < 3; v++)
        {
          g_autofree char *file = g_strdup_printf ("bench-%s.png", names[v]);
          g_autofree char *path = g_build_filename (g_getenv ("PS_BENCH_RENDER_DIR"), file, NULL);

          cairo_surface_write_to_png (surface[v], path);
        }
    }
  for (guint v = 0; v < 3; v++)
    cairo_surface_destroy (surface[v]);

  printf ("render_frame_ms: %.2f\n", ps_bench_median (total, BENCH_FRAMES));
  printf ("render_frame_cpu_ms: %.2f\n", ps_bench_median (cpu, BENCH_FRAMES));
  printf ("render_layout_ms: %.2f\n", ps_bench_median (layout, BENCH_FRAMES));
  printf ("render_curves_ms: %.2f\n", ps_bench_median (curves, BENCH_FRAMES));
  printf ("render_thermal_ms: %.2f\n", ps_bench_median (thermal, BENCH_FRAMES));
  printf ("render_first_frame_ms: %.2f\n", first_frame_ms);
  printf ("render_thermal_first_ms: %.2f\n", first_thermal_ms);
  printf ("render_runaway_timeline_ms: %.2f\n", bench_runaway_timeline (pack, &style));
  fflush (stdout);
}
