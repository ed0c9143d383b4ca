/* ps-render-timeline.c: the propagation of a thermal runaway over time
 *
 * One row per cell that left the intact stage, ordered by the time it did
 * (its onset, or the first stage it reached when heat from outside took it
 * past onset at once), earliest at the top. Each row shows the stages the
 * cell went through as spans from the time it reached a stage to the time
 * it reached a later one (or the frame's time): onset yellow, venting
 * orange, runaway red (the layout's marker colours), burnt grey. A line
 * marks the frame's time; the axis is in minutes of simulated time.
 *
 * The stage times come from the frame's event log (PS_EVENT_ONSET ...
 * PS_EVENT_BURNT); a PsRunawayTimeline reads only the events it has not
 * read yet, so a view can update it every frame for the cost of the new
 * events.
 */
#include "config.h"

#include <math.h>
#include <string.h>

#include "ps-render-private.h"

#define N_STAGES 4      /* onset, venting, runaway, burnt */

struct _PsRunawayTimeline
{
  PsEventLog *log;        /* the log read (a reference), or NULL */
  guint       n_read;     /* its events read */
  guint       n_cells;
  double     *times;      /* [n_cells * N_STAGES], NaN: not reached */
  GArray     *order;      /* guint cells, by first-stage time */
  gboolean    sorted;
};

/* onset, venting, runaway, burnt; the first three as the layout's marks */
const double ps_runaway_timeline_colours[N_STAGES][3] = {
  { 0.98, 0.80, 0.08 },
  { 1.00, 0.55, 0.00 },
  { 0.90, 0.00, 0.05 },
  { 0.45, 0.45, 0.45 },
};

PsRunawayTimeline *
ps_runaway_timeline_new (void)
{
  PsRunawayTimeline *tl = g_new0 (PsRunawayTimeline, 1);

  tl->order = g_array_new (FALSE, FALSE, sizeof (guint));
  tl->sorted = TRUE;
  return tl;
}

static void
timeline_reset (PsRunawayTimeline *tl)
{
  g_clear_pointer (&tl->log, ps_event_log_unref);
  g_clear_pointer (&tl->times, g_free);
  tl->n_read = 0;
  tl->n_cells = 0;
  g_array_set_size (tl->order, 0);
  tl->sorted = TRUE;
}

void
ps_runaway_timeline_free (PsRunawayTimeline *tl)
{
  if (tl == NULL)
    return;
  timeline_reset (tl);
  g_array_unref (tl->order);
  g_free (tl);
}

static double
first_time (const PsRunawayTimeline *tl,
            guint                    cell)
{
  const double *t = tl->times + (gsize) cell * N_STAGES;
  double first = INFINITY;

  for (guint s = 0; s < N_STAGES; s++)
    if (!isnan (t[s]) && t[s] < first)
      first = t[s];
  return first;
}

static int
compare_rows (gconstpointer a,
              gconstpointer b,
              gpointer      data)
{
  const PsRunawayTimeline *tl = data;
  guint ca = *(const guint *) a, cb = *(const guint *) b;
  double ta = first_time (tl, ca), tb = first_time (tl, cb);

  if (ta != tb)
    return ta < tb ? -1 : 1;
  return ca < cb ? -1 : (ca > cb ? 1 : 0);
}

gboolean
ps_runaway_timeline_update (PsRunawayTimeline *tl,
                            const PsFrame     *frame)
{
  g_autoptr(GArray) events = NULL;
  gboolean changed = FALSE;

  g_return_val_if_fail (tl != NULL && frame != NULL, FALSE);

  /* another run, or a frame from before what was read: start again */
  if (frame->events != tl->log || frame->n_cells != tl->n_cells ||
      frame->n_events < tl->n_read)
    {
      changed = tl->order->len > 0;
      timeline_reset (tl);
      if (frame->events == NULL)
        return changed;
      tl->log = ps_event_log_ref (frame->events);
      tl->n_cells = frame->n_cells;
      tl->times = g_new (double, (gsize) MAX (tl->n_cells, 1) * N_STAGES);
      for (gsize i = 0; i < (gsize) MAX (tl->n_cells, 1) * N_STAGES; i++)
        tl->times[i] = NAN;
    }
  if (frame->n_events <= tl->n_read)
    return changed;

  events = ps_event_log_copy (frame->events, tl->n_read, frame->n_events);
  for (guint i = 0; i < events->len; i++)
    {
      const PsEvent *e = &g_array_index (events, PsEvent, i);
      double *t;
      gboolean fresh;
      guint cell, s;

      if (e->kind < PS_EVENT_ONSET || e->kind > PS_EVENT_BURNT ||
          e->cell < 0 || (guint) e->cell >= tl->n_cells || !isfinite (e->time_s))
        continue;
      cell = (guint) e->cell;
      s = e->kind - PS_EVENT_ONSET;
      t = tl->times + (gsize) cell * N_STAGES;
      if (!isnan (t[s]))
        continue;
      fresh = isinf (first_time (tl, cell));
      /* a stage reached before the cell's first one moves its row */
      if (!fresh && e->time_s < first_time (tl, cell))
        tl->sorted = FALSE;
      t[s] = e->time_s;
      if (fresh)
        {
          guint n = tl->order->len;

          if (n > 0 && first_time (tl, g_array_index (tl->order, guint, n - 1)) > e->time_s)
            tl->sorted = FALSE;
          g_array_append_val (tl->order, cell);
        }
      changed = TRUE;
    }
  tl->n_read = frame->n_events;
  if (!tl->sorted)
    {
      g_array_sort_with_data (tl->order, compare_rows, tl);
      tl->sorted = TRUE;
    }
  return changed;
}

guint
ps_runaway_timeline_get_n_rows (const PsRunawayTimeline *tl)
{
  g_return_val_if_fail (tl != NULL, 0);
  return tl->order->len;
}

gboolean
ps_runaway_timeline_get_row (const PsRunawayTimeline *tl,
                             guint                    row,
                             guint                   *cell,
                             double                  *times)
{
  guint c;

  g_return_val_if_fail (tl != NULL, FALSE);
  if (row >= tl->order->len)
    return FALSE;
  c = g_array_index (tl->order, guint, row);
  if (cell != NULL)
    *cell = c;
  if (times != NULL)
    memcpy (times, tl->times + (gsize) c * N_STAGES, N_STAGES * sizeof (double));
  return TRUE;
}

/* ---------------------------------------------------------------------- */

#define GUTTER_PAD   6.0
#define ROW_MIN_H    2.0
#define ROW_MAX_H   14.0

void
ps_render_runaway_timeline_geometry (const PsRunawayTimeline *tl,
                                     const PsRenderStyle     *style,
                                     double                   width,
                                     double                   height,
                                     PsTimelineGeometry      *g)
{
  double fs = style->font_size > 0 ? style->font_size : 12.0;
  double top, bottom, row_h;
  guint n = tl != NULL ? tl->order->len : 0;

  top = round (fs * 1.6) + _ps_render_legend_row_height (style);
  bottom = round (fs * 1.8);
  g->plot_x = round (fs * 5.0);
  g->plot_y = top;
  g->plot_w = MAX (1.0, width - g->plot_x - _PS_RENDER_MARGIN - fs);
  g->plot_h = MAX (1.0, height - top - bottom);
  row_h = n > 0 ? floor (g->plot_h / n) : ROW_MAX_H;
  row_h = CLAMP (row_h, ROW_MIN_H, ROW_MAX_H);
  g->row_h = row_h;
  g->n_shown = MIN (n, (guint) floor (g->plot_h / row_h));
}

double
ps_render_runaway_timeline_height (const PsRunawayTimeline *tl,
                                   const PsRenderStyle     *style,
                                   double                   row_h)
{
  PsTimelineGeometry g;
  double h = 200.0;

  ps_render_runaway_timeline_geometry (tl, style, 100.0, h, &g);
  return h - g.plot_h + (tl != NULL ? tl->order->len : 0) * row_h;
}

/* the time axis: [t0, t1] in seconds for the rows and the frame's time */
static void
time_range (const PsRunawayTimeline *tl,
            double                   now,
            double                  *t0,
            double                  *t1,
            double                  *step_min)
{
  double first = INFINITY, last = -INFINITY, lo, hi;

  for (guint r = 0; r < tl->order->len; r++)
    {
      const double *t = tl->times + (gsize) g_array_index (tl->order, guint, r) * N_STAGES;

      for (guint s = 0; s < N_STAGES; s++)
        if (!isnan (t[s]))
          {
            first = MIN (first, t[s]);
            last = MAX (last, t[s]);
          }
    }
  if (isfinite (now))
    last = MAX (last, now);
  if (!isfinite (first))
    first = 0.0;    /* no rows: the run so far */
  if (!isfinite (last))
    last = first;
  /* in minutes, at least one minute across, rounded out to the ticks */
  lo = first / 60.0;
  hi = MAX (last / 60.0, lo + 1.0);
  *step_min = _ps_render_nice_range (&lo, &hi, 1.0, 6);
  if (lo <= 0.0)
    lo = 0.0;    /* not -0 */
  *t0 = lo * 60.0;
  *t1 = hi * 60.0;
}

double
ps_render_runaway_timeline_x (const PsRunawayTimeline *tl,
                              const PsFrame           *frame,
                              const PsRenderStyle     *style,
                              double                   width,
                              double                   height,
                              double                   time_s)
{
  PsTimelineGeometry g;
  double t0, t1, step;

  ps_render_runaway_timeline_geometry (tl, style, width, height, &g);
  time_range (tl, frame != NULL ? frame->time_s : NAN, &t0, &t1, &step);
  return g.plot_x + g.plot_w * (time_s - t0) / (t1 - t0);
}

void
ps_render_runaway_timeline (cairo_t                 *cr,
                            const PsRunawayTimeline *tl,
                            const PsFrame           *frame,
                            const PsRenderStyle     *style,
                            double                   width,
                            double                   height)
{
  static const char *const stage_names[N_STAGES] = { "onset", "venting", "runaway", "burnt" };
  double fs = style->font_size > 0 ? style->font_size : 12.0;
  double now = frame != NULL ? frame->time_s : NAN;
  double t0, t1, step, x, label_every;
  PsTimelineGeometry g;
  char buf[128];
  guint n;

  g_return_if_fail (cr != NULL && tl != NULL && style != NULL);

  cairo_save (cr);
  if (style->draw_background)
    {
      _ps_render_set_rgba (cr, style->bg, 1.0);
      cairo_paint (cr);
    }
  n = tl->order->len;
  ps_render_runaway_timeline_geometry (tl, style, width, height, &g);
  time_range (tl, now, &t0, &t1, &step);

  /* header and legend */
  _ps_render_set_rgba (cr, style->fg, 1.0);
  if (n == 0)
    g_snprintf (buf, sizeof buf, "Thermal runaway: no cell has reached onset");
  else if (g.n_shown < n)
    g_snprintf (buf, sizeof buf, "Thermal runaway: %u cells past onset (the first %u shown)", n, g.n_shown);
  else
    g_snprintf (buf, sizeof buf, "Thermal runaway: %u %s past onset", n, n == 1 ? "cell" : "cells");
  _ps_render_header (cr, style, width, buf);

  _ps_render_set_font (cr, style, 0.9, FALSE);
  x = g.plot_x;
  for (guint s = 0; s < N_STAGES; s++)
    {
      double cy = round (fs * 1.6) + 0.5 * _ps_render_legend_row_height (style);

      cairo_rectangle (cr, x, round (cy - 0.35 * fs), 14.0, round (0.7 * fs));
      cairo_set_source_rgb (cr, ps_runaway_timeline_colours[s][0],
                            ps_runaway_timeline_colours[s][1], ps_runaway_timeline_colours[s][2]);
      cairo_fill (cr);
      x += 18.0;
      _ps_render_set_rgba (cr, style->fg, 0.85);
      _ps_render_text (cr, x, cy, 0.0, 0.5, stage_names[s]);
      x += _ps_render_text_width (cr, stage_names[s]) + 12.0;
    }

  /* the plot frame and the vertical grid in minutes */
  cairo_set_line_width (cr, 1.0);
  _ps_render_set_rgba (cr, style->fg, 0.3);
  cairo_rectangle (cr, g.plot_x + 0.5, g.plot_y + 0.5, g.plot_w - 1.0, g.plot_h - 1.0);
  cairo_stroke (cr);
  _ps_render_set_font (cr, style, 0.85, FALSE);
  for (double k = ceil (t0 / 60.0 / step - 1e-9); k * step <= t1 / 60.0 + 1e-9; k++)
    {
      double m = k * step + 0.0;
      double xm = round (g.plot_x + g.plot_w * (m * 60.0 - t0) / (t1 - t0)) + 0.5;

      _ps_render_set_rgba (cr, style->fg, 0.12);
      cairo_move_to (cr, xm, g.plot_y);
      cairo_line_to (cr, xm, g.plot_y + g.plot_h);
      cairo_stroke (cr);
      _ps_render_set_rgba (cr, style->fg, 0.8);
      g_snprintf (buf, sizeof buf, "%.*f", _ps_render_step_decimals (step), m);
      _ps_render_text (cr, xm, g.plot_y + g.plot_h + 3.0, 0.5, 0.0, buf);
    }
  _ps_render_text (cr, _PS_RENDER_MARGIN, g.plot_y + g.plot_h + 3.0, 0.0, 0.0, "min");

  /* the rows: a span per stage reached, to the next stage or the frame's time */
  label_every = ceil ((fs * 0.9) / g.row_h);
  cairo_save (cr);
  cairo_rectangle (cr, g.plot_x, g.plot_y, g.plot_w, g.plot_h);
  cairo_clip (cr);
  for (guint r = 0; r < g.n_shown; r++)
    {
      const double *t = tl->times + (gsize) g_array_index (tl->order, guint, r) * N_STAGES;
      double y = g.plot_y + r * g.row_h;
      double gap = g.row_h >= 4.0 ? 1.0 : 0.0;

      for (guint s = 0; s < N_STAGES; s++)
        {
          double end = isfinite (now) ? MAX (now, t[s]) : t1;
          double xa, xb;

          if (isnan (t[s]))
            continue;
          for (guint u = s + 1; u < N_STAGES; u++)
            if (!isnan (t[u]) && t[u] >= t[s] && t[u] < end)
              end = t[u];
          xa = round (g.plot_x + g.plot_w * (t[s] - t0) / (t1 - t0));
          xb = round (g.plot_x + g.plot_w * (end - t0) / (t1 - t0));
          /* a stage passed within a pixel still shows */
          if (xb < xa + 1.0)
            xb = xa + 1.0;
          cairo_rectangle (cr, xa, y, xb - xa, g.row_h - gap);
          cairo_set_source_rgb (cr, ps_runaway_timeline_colours[s][0],
                                ps_runaway_timeline_colours[s][1], ps_runaway_timeline_colours[s][2]);
          cairo_fill (cr);
        }
    }
  /* the frame's time */
  if (isfinite (now) && now >= t0 && now <= t1)
    {
      double xn = round (g.plot_x + g.plot_w * (now - t0) / (t1 - t0)) + 0.5;

      _ps_render_set_rgba (cr, style->fg, 0.9);
      cairo_set_line_width (cr, 1.5);
      cairo_move_to (cr, xn, g.plot_y);
      cairo_line_to (cr, xn, g.plot_y + g.plot_h);
      cairo_stroke (cr);
    }
  cairo_restore (cr);

  /* the cells' numbers at the left, as many as fit */
  _ps_render_set_font (cr, style, 0.75, FALSE);
  _ps_render_set_rgba (cr, style->fg, 0.8);
  for (guint r = 0; r < g.n_shown; r += (guint) label_every)
    {
      g_snprintf (buf, sizeof buf, "cell %u", g_array_index (tl->order, guint, r) + 1);
      _ps_render_text (cr, g.plot_x - GUTTER_PAD,
                       g.plot_y + (r + 0.5 * MIN (label_every, g.n_shown - r)) * g.row_h,
                       1.0, 0.5, buf);
    }
  cairo_restore (cr);
}
