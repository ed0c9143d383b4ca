/* ps-render-compare.c: a model against its reference, drawn for the
 * validation reports
 *
 * Two panels over one x axis: the curves (the reference first, drawn
 * thicker in the foreground colour, the models in the curve view's colours)
 * and below them each model's difference from the reference in its own
 * unit (mV). A legend, a title and a note (the figures) at the top. The
 * axes round to the same 1-2-5 steps as the curve view.
 */
#include "config.h"

#include <math.h>

#include "ps-render-private.h"

/* the models' colours: the curve view's voltage blue first */
static const double model_colours[][3] = {
  { 0.12, 0.47, 0.71 },
  { 0.84, 0.37, 0.00 },
  { 0.17, 0.56, 0.17 },
  { 0.50, 0.33, 0.70 },
};

typedef struct
{
  double x0, y0, w, h;      /* the panel in view units */
  double vx0, vx1, vy0, vy1;
  double xstep, ystep;
} Panel;

static inline double
px (const Panel *p,
    double       x)
{
  return p->x0 + (x - p->vx0) / (p->vx1 - p->vx0) * p->w;
}

static inline double
py (const Panel *p,
    double       y)
{
  return p->y0 + p->h - (y - p->vy0) / (p->vy1 - p->vy0) * p->h;
}

static void
series_colour (const PsPlotSeries  *s,
               guint                model_index,
               const PsRenderStyle *style,
               double               rgba[4])
{
  if (s->reference)
    {
      rgba[0] = style->fg[0];
      rgba[1] = style->fg[1];
      rgba[2] = style->fg[2];
      rgba[3] = 0.55;
      return;
    }
  model_index %= G_N_ELEMENTS (model_colours);
  rgba[0] = model_colours[model_index][0];
  rgba[1] = model_colours[model_index][1];
  rgba[2] = model_colours[model_index][2];
  rgba[3] = 1.0;
}

static void
range_of (const PsPlotSeries *series,
          guint               n_series,
          gboolean            use_x,
          double             *lo,
          double             *hi)
{
  *lo = INFINITY;
  *hi = -INFINITY;
  for (guint s = 0; s < n_series; s++)
    for (guint i = 0; i < series[s].n; i++)
      {
        double v = use_x ? series[s].x[i] : series[s].y[i];

        if (isfinite (v))
          {
            *lo = MIN (*lo, v);
            *hi = MAX (*hi, v);
          }
      }
}

static void
draw_frame (cairo_t             *cr,
            const PsRenderStyle *style,
            const Panel         *p,
            const char          *y_label,
            gboolean             x_labels,
            const char          *x_label)
{
  double fs = style->font_size;
  char text[64];
  int yd = _ps_render_step_decimals (p->ystep);
  int xd = _ps_render_step_decimals (p->xstep);

  _ps_render_set_font (cr, style, 0.85, FALSE);
  cairo_set_line_width (cr, 1.0);
  cairo_new_path (cr);
  for (double y = p->vy0; y <= p->vy1 + 1e-9 * p->ystep; y += p->ystep)
    {
      double yy = round (py (p, y)) + 0.5;

      cairo_move_to (cr, p->x0, yy);
      cairo_line_to (cr, p->x0 + p->w, yy);
    }
  for (double x = p->vx0; x <= p->vx1 + 1e-9 * p->xstep; x += p->xstep)
    {
      double xx = round (px (p, x)) + 0.5;

      cairo_move_to (cr, xx, p->y0);
      cairo_line_to (cr, xx, p->y0 + p->h);
    }
  _ps_render_set_rgba (cr, style->fg, 0.12);
  cairo_stroke (cr);

  _ps_render_set_rgba (cr, style->fg, 0.85);
  for (double y = p->vy0; y <= p->vy1 + 1e-9 * p->ystep; y += p->ystep)
    {
      g_snprintf (text, sizeof text, "%.*f", yd, fabs (y) < 1e-9 * p->ystep ? 0.0 : y);
      _ps_render_text (cr, p->x0 - 5, round (py (p, y)) + 0.5, 1.0, 0.5, text);
    }
  if (x_labels)
    {
      for (double x = p->vx0; x <= p->vx1 + 1e-9 * p->xstep; x += p->xstep)
        {
          g_snprintf (text, sizeof text, "%.*f", xd, fabs (x) < 1e-9 * p->xstep ? 0.0 : x);
          _ps_render_text (cr, round (px (p, x)) + 0.5, p->y0 + p->h + 4, 0.5, 0.0, text);
        }
      if (x_label != NULL)
        _ps_render_text (cr, p->x0 + 0.5 * p->w, p->y0 + p->h + 6 + 1.1 * fs, 0.5, 0.0, x_label);
    }

  /* the axis name, up the left edge */
  if (y_label != NULL)
    {
      cairo_save (cr);
      cairo_translate (cr, 4, p->y0 + 0.5 * p->h);
      cairo_rotate (cr, -G_PI / 2);
      _ps_render_text (cr, 0, 0, 0.5, 0.0, y_label);
      cairo_restore (cr);
    }

  cairo_rectangle (cr, round (p->x0) + 0.5, round (p->y0) + 0.5, round (p->w) - 1, round (p->h) - 1);
  _ps_render_set_rgba (cr, style->fg, 0.6);
  cairo_stroke (cr);
}

static void
draw_series (cairo_t             *cr,
             const Panel         *p,
             const PsPlotSeries  *s,
             const double         rgba[4],
             double               width)
{
  gboolean started = FALSE;

  cairo_save (cr);
  cairo_rectangle (cr, p->x0, p->y0, p->w, p->h);
  cairo_clip (cr);
  cairo_new_path (cr);
  for (guint i = 0; i < s->n; i++)
    {
      if (!isfinite (s->x[i]) || !isfinite (s->y[i]))
        {
          started = FALSE;
          continue;
        }
      if (started)
        cairo_line_to (cr, px (p, s->x[i]), py (p, s->y[i]));
      else
        cairo_move_to (cr, px (p, s->x[i]), py (p, s->y[i]));
      started = TRUE;
    }
  cairo_set_source_rgba (cr, rgba[0], rgba[1], rgba[2], rgba[3]);
  cairo_set_line_width (cr, width);
  cairo_set_line_join (cr, CAIRO_LINE_JOIN_ROUND);
  cairo_stroke (cr);
  cairo_restore (cr);
}

void
ps_render_comparison (cairo_t                *cr,
                      const PsComparisonPlot *plot,
                      const PsRenderStyle    *style,
                      double                  width,
                      double                  height)
{
  double fs, left, right = 16, top, bottom, gap, main_h, diff_h;
  double xlo, xhi, ylo, yhi, legend_x;
  Panel main, diff;
  guint model_index = 0;
  gboolean has_diff;

  g_return_if_fail (cr != NULL && plot != NULL && style != NULL);

  fs = style->font_size;
  left = 4.2 * fs + 18;
  top = 3.2 * fs + 10;
  bottom = 2.6 * fs + 10;
  gap = 0.8 * fs;
  has_diff = plot->n_diff > 0;

  cairo_save (cr);
  if (style->draw_background)
    {
      _ps_render_set_rgba (cr, style->bg, 1.0);
      cairo_paint (cr);
    }

  /* title and note */
  _ps_render_set_font (cr, style, 1.1, TRUE);
  _ps_render_set_rgba (cr, style->fg, 1.0);
  if (plot->title != NULL)
    _ps_render_text (cr, left, 6, 0.0, 0.0, plot->title);
  _ps_render_set_font (cr, style, 0.85, FALSE);
  if (plot->note != NULL)
    _ps_render_text (cr, width - right, 8, 1.0, 0.0, plot->note);

  main_h = height - top - bottom;
  diff_h = 0.0;
  if (has_diff)
    {
      diff_h = floor (0.3 * main_h);
      main_h -= diff_h + gap;
    }

  range_of (plot->series, plot->n_series, TRUE, &xlo, &xhi);
  range_of (plot->series, plot->n_series, FALSE, &ylo, &yhi);
  main.x0 = left;
  main.y0 = top;
  main.w = width - left - right;
  main.h = main_h;
  main.xstep = _ps_render_nice_range (&xlo, &xhi, 1e-9, MAX (2, (int) (main.w / (6.0 * fs))));
  main.ystep = _ps_render_nice_range (&ylo, &yhi, 1e-6, MAX (2, (int) (main.h / (2.5 * fs))));
  main.vx0 = xlo;
  main.vx1 = xhi;
  main.vy0 = ylo;
  main.vy1 = yhi;
  draw_frame (cr, style, &main, plot->y_label, !has_diff, plot->x_label);

  /* the reference under the models */
  for (guint pass = 0; pass < 2; pass++)
    for (guint s = 0; s < plot->n_series; s++)
      {
        const PsPlotSeries *ser = &plot->series[s];
        double rgba[4];

        if (ser->reference != (pass == 0))
          continue;
        series_colour (ser, ser->reference ? 0 : model_index++, style, rgba);
        draw_series (cr, &main, ser, rgba, ser->reference ? 4.0 : 1.8);
      }

  if (has_diff)
    {
      double dlo, dhi;

      range_of (plot->diff, plot->n_diff, FALSE, &dlo, &dhi);
      dlo = MIN (dlo, 0.0);
      dhi = MAX (dhi, 0.0);
      diff = main;
      diff.y0 = top + main_h + gap;
      diff.h = diff_h;
      diff.ystep = _ps_render_nice_range (&dlo, &dhi, 1e-6, MAX (2, (int) (diff.h / (2.0 * fs))));
      diff.vy0 = dlo;
      diff.vy1 = dhi;
      draw_frame (cr, style, &diff, plot->diff_label, TRUE, plot->x_label);
      model_index = 0;
      for (guint s = 0; s < plot->n_diff; s++)
        {
          double rgba[4];

          series_colour (&plot->diff[s], model_index++, style, rgba);
          draw_series (cr, &diff, &plot->diff[s], rgba, 1.5);
        }
    }

  /* legend along the top of the main panel */
  _ps_render_set_font (cr, style, 0.85, FALSE);
  legend_x = left;
  model_index = 0;
  for (guint s = 0; s < plot->n_series; s++)
    {
      const PsPlotSeries *ser = &plot->series[s];
      double rgba[4];
      double y = top - 1.2 * fs - 2;

      if (ser->label == NULL)
        continue;
      series_colour (ser, ser->reference ? 0 : model_index++, style, rgba);
      cairo_move_to (cr, legend_x, y + 0.45 * fs);
      cairo_line_to (cr, legend_x + 18, y + 0.45 * fs);
      cairo_set_source_rgba (cr, rgba[0], rgba[1], rgba[2], rgba[3]);
      cairo_set_line_width (cr, ser->reference ? 4.0 : 2.0);
      cairo_stroke (cr);
      _ps_render_set_rgba (cr, style->fg, 1.0);
      _ps_render_text (cr, legend_x + 22, y, 0.0, 0.0, ser->label);
      legend_x += 22 + _ps_render_text_width (cr, ser->label) + 14;
    }

  cairo_restore (cr);
}
