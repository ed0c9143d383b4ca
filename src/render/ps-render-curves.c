/* ps-render-curves.c: stacked time plots and the discharge curve, from the
 * recorder
 *
 * Every time series is thinned to one column summary per pixel (first, last,
 * min and max of the samples that fall in it), read from the recorder in
 * fixed-size blocks into a per-thread scratch buffer: what is drawn is
 * bounded by the pixel width, so a 10 h run draws like a 10 min one, and
 * nothing proportional to the run is allocated per frame.
 */
#include "config.h"

#include <math.h>
#include <string.h>

#include "ps-render-private.h"

#define BLOCK        2048
#define MAX_COLUMNS  8192
#define CELL_BINS    2048
/* the data's margin inside a panel, a fraction of its span */
#define PANEL_HEADROOM 0.04

typedef struct
{
  double first, last, min, max;
  double x;                 /* exact x of a lone sample */
  guint  n;
} Column;

typedef struct
{
  double t0, t1;            /* visible time range */
  double x0, w;             /* plot columns, view units */
  int    n_cols;
  gsize  len;
  gsize  i0, i1;            /* sample range to read (incl. one each side) */
} TimeAxis;

typedef struct
{
  double v0, v1;            /* visible value range, display units */
  gboolean valid;
  /* the samples just outside the window, so lines reach the edges */
  double left_x, left_v, right_x, right_v;
  gboolean has_left, has_right;
} Summary;

typedef struct
{
  const char *title;
  double      y, h;         /* panel rectangle (x from the time axis) */
  double      v0, v1, step;
} Panel;

static const double col_voltage[3] = { 0.12, 0.47, 0.71 };
static const double col_current[3] = { 0.84, 0.37, 0.00 };
static const double col_power[3]   = { 0.17, 0.56, 0.17 };
static const double col_soc[3]     = { 0.50, 0.33, 0.70 };
static const double col_tmin[3]    = { 0.20, 0.40, 0.80 };
static const double col_tmean[3]   = { 0.35, 0.35, 0.35 };
static const double col_tmax[3]    = { 0.84, 0.15, 0.16 };
static const double col_cell[3]    = { 0.85, 0.10, 0.60 };

static double
font_size (const PsRenderStyle *style)
{
  return style->font_size > 0 ? style->font_size : 12.0;
}

static double
left_margin (const PsRenderStyle *style)
{
  return round (font_size (style) * 4.6);
}

/* the width given to the time plots (the discharge curve takes the rest) */
static double
time_area_width (const PsRenderStyle *style,
                 double               width)
{
  if ((style->curves & PS_CURVE_ALL_TIME) == 0)
    return 0.0;
  if (style->curves & PS_CURVE_DISCHARGE)
    return round (width * 0.64);
  return width;
}

static double
read_one (PsRecorder *rec,
          PsSeries    series,
          gsize       i)
{
  double v = NAN;

  if (ps_recorder_read (rec, series, i, 1, &v) != 1)
    return NAN;
  return v;
}

static gboolean
time_axis (PsRecorder          *rec,
           const PsRenderStyle *style,
           double               width,
           TimeAxis            *ax)
{
  double tw = time_area_width (style, width);
  double t_first = 0.0, t_last = 60.0;

  memset (ax, 0, sizeof *ax);
  if (tw <= 0)
    return FALSE;

  ax->x0 = left_margin (style);
  ax->w = MAX (1.0, tw - ax->x0 - round (font_size (style) * 1.2));
  ax->n_cols = CLAMP ((int) ceil (ax->w), 1, MAX_COLUMNS);
  ax->len = rec != NULL ? ps_recorder_get_length (rec) : 0;
  if (ax->len > 0)
    {
      t_first = read_one (rec, PS_SERIES_TIME_S, 0);
      t_last = read_one (rec, PS_SERIES_TIME_S, ax->len - 1);
      if (!isfinite (t_first) || !isfinite (t_last))
        t_first = t_last = 0.0;
    }

  ax->t1 = style->time_end_s >= 0 && isfinite (style->time_end_s) ? style->time_end_s : t_last;
  if (style->time_window_s > 0 && isfinite (style->time_window_s))
    ax->t0 = ax->t1 - style->time_window_s;
  else
    ax->t0 = MIN (t_first, ax->t1);
  if (ax->t1 - ax->t0 < 1e-6)
    ax->t1 = ax->t0 + 1.0;

  if (ax->len > 0)
    {
      gsize a = ps_recorder_find_time (rec, ax->t0);
      gsize b = ps_recorder_find_time (rec, ax->t1);

      ax->i0 = a > 0 ? a - 1 : 0;
      ax->i1 = MIN (b + 1, ax->len);
    }
  return TRUE;
}

static inline double
time_x (const TimeAxis *ax,
        double          t)
{
  return (t - ax->t0) / (ax->t1 - ax->t0) * ax->w;
}

/* Column summary of one series over the visible window, values mapped to
 * display units (v * scale + offset). */
static void
summarise (PsRecorder     *rec,
           PsSeries        series,
           double          scale,
           double          offset,
           const TimeAxis *ax,
           Column         *cols,
           Summary        *sum)
{
  double *tbuf = _ps_render_scratch (_PS_SCRATCH_CURVES_BLOCK, 2 * BLOCK * sizeof (double));
  double *vbuf = tbuf + BLOCK;

  memset (sum, 0, sizeof *sum);
  sum->v0 = INFINITY;
  sum->v1 = -INFINITY;
  for (int c = 0; c < ax->n_cols; c++)
    cols[c].n = 0;

  /* the recorder's points: every sample of the full-rate window, two a bin
   * of a long run's decimated history */
  for (gsize start = ax->i0, covered = 1; start < ax->i1 && covered > 0; start += covered)
    {
      gsize n = ps_recorder_read_points (rec, series, start, ax->i1 - start,
                                         tbuf, vbuf, BLOCK, &covered);

      for (gsize k = 0; k < n; k++)
        {
          double x = time_x (ax, tbuf[k]);
          double v = vbuf[k] * scale + offset;
          int c;
          Column *col;

          if (!isfinite (v) || !isfinite (x))
            continue;
          if (x < 0)
            {
              sum->has_left = TRUE;
              sum->left_x = x;
              sum->left_v = v;
              continue;
            }
          c = (int) floor (x);
          if (c >= ax->n_cols)
            {
              if (x > ax->w)
                {
                  if (!sum->has_right)
                    {
                      sum->has_right = TRUE;
                      sum->right_x = x;
                      sum->right_v = v;
                    }
                  continue;
                }
              c = ax->n_cols - 1;
            }
          col = &cols[c];
          if (col->n == 0)
            {
              col->first = col->min = col->max = v;
              col->x = x;
            }
          else
            {
              col->min = MIN (col->min, v);
              col->max = MAX (col->max, v);
            }
          col->last = v;
          col->n++;
          sum->v0 = MIN (sum->v0, v);
          sum->v1 = MAX (sum->v1, v);
          sum->valid = TRUE;
        }
    }
}

static inline double
panel_y (const Panel *p,
         double       v)
{
  return p->y + p->h - (v - p->v0) / (p->v1 - p->v0) * p->h;
}

/* The thinned polyline of a summary */
static void
line_path (cairo_t        *cr,
           const TimeAxis *ax,
           const Panel    *p,
           const Column   *cols,
           const Summary  *sum)
{
  gboolean started = FALSE;

  cairo_new_path (cr);
  if (sum->has_left)
    {
      cairo_move_to (cr, ax->x0 + sum->left_x, panel_y (p, sum->left_v));
      started = TRUE;
    }
  for (int c = 0; c < ax->n_cols; c++)
    {
      const Column *col = &cols[c];
      double x = ax->x0 + c + 0.5;

      if (col->n == 0)
        continue;
      if (col->n == 1)
        {
          x = ax->x0 + col->x;
          if (started)
            cairo_line_to (cr, x, panel_y (p, col->first));
          else
            cairo_move_to (cr, x, panel_y (p, col->first));
          started = TRUE;
          continue;
        }
      /* a vertical stroke over the column's range, entered at the end
       * nearer to the first sample and left at the other: two points per
       * column, and the line still passes through first, min, max, last */
      {
        gboolean down_first = fabs (col->first - col->min) <= fabs (col->first - col->max);
        double ya = panel_y (p, down_first ? col->min : col->max);
        double yb = panel_y (p, down_first ? col->max : col->min);

        if (started)
          cairo_line_to (cr, x, ya);
        else
          cairo_move_to (cr, x, ya);
        started = TRUE;
        if (yb != ya)
          cairo_line_to (cr, x, yb);
      }
    }
  if (sum->has_right && started)
    cairo_line_to (cr, ax->x0 + sum->right_x, panel_y (p, sum->right_v));
}

/* Pixel-aligned boxes of one fill, collected in a per-thread list: a box
 * is merged with the pending one when they continue the same span, so runs
 * of equal columns (flat stretches) become one rectangle */
typedef struct
{
  double x, y, w, h;
} PendingBox;

typedef struct
{
  PendingBox *b;
  gsize       n;
  PendingBox  pending;
} BoxList;

static void
box_list_start (BoxList        *l,
                const TimeAxis *ax)
{
  l->b = _ps_render_scratch (_PS_SCRATCH_CURVES_BOXES, ((gsize) ax->n_cols + 1) * sizeof (PendingBox));
  l->n = 0;
  l->pending.w = 0;
}

static inline void
push_box (BoxList *l,
          double   x,
          double   y,
          double   h)
{
  PendingBox *pb = &l->pending;

  if (pb->w > 0 && pb->x + pb->w == x && pb->y == y && pb->h == h)
    {
      pb->w += 1.0;
      return;
    }
  if (pb->w > 0)
    l->b[l->n++] = *pb;
  pb->x = x;
  pb->y = y;
  pb->w = 1.0;
  pb->h = h;
}

static inline void
flush_box (BoxList *l)
{
  if (l->pending.w > 0)
    l->b[l->n++] = l->pending;
  l->pending.w = 0;
}

/* Fills the boxes with the current source colour. On an image target
 * with a unit transform and the panel's clip, straight into its pixels
 * (solid boxes are plain stores, translucent ones pixman's OVER of a solid
 * colour: the same pixels), else as one cairo fill. */
static void
fill_boxes (cairo_t        *cr,
            const BoxList  *l,
            const TimeAxis *ax,
            const Panel    *p)
{
  PsViewTransform vt = { 0 };
  PsRasterGeometry rg;
  double r, g, b, a;
  guint32 *data = NULL;
  int stride = 0;

  vt.plot_x = ax->x0;
  vt.plot_y = p->y;
  vt.plot_w = ax->w;
  vt.plot_h = p->h;
  if (cairo_pattern_get_rgba (cairo_get_source (cr), &r, &g, &b, &a) == CAIRO_STATUS_SUCCESS &&
      _ps_render_raster_geometry (cr, &vt, &rg) &&
      rg.s == 1.0 && rg.ds == 1.0 && rg.dx == floor (rg.dx) && rg.dy == floor (rg.dy))
    data = _ps_render_target_pixels (cr, &rg, &stride);

  if (data == NULL)
    {
      cairo_new_path (cr);
      for (gsize k = 0; k < l->n; k++)
        cairo_rectangle (cr, l->b[k].x, l->b[k].y, l->b[k].w, l->b[k].h);
      cairo_fill (cr);
      return;
    }

  {
    double c[4] = { r, g, b, a };
    guint32 px = _ps_render_solid_pixel (c, 1.0);

    for (gsize k = 0; k < l->n; k++)
      {
        /* the box in buffer pixels, cut to the panel */
        int x0 = MAX ((int) (l->b[k].x + rg.dx) - rg.ox, 0);
        int x1 = MIN ((int) (l->b[k].x + l->b[k].w + rg.dx) - rg.ox, rg.ow);
        int y0 = MAX ((int) (l->b[k].y + rg.dy) - rg.oy, 0);
        int y1 = MIN ((int) (l->b[k].y + l->b[k].h + rg.dy) - rg.oy, rg.oh);

        for (int y = y0; y < y1; y++)
          {
            guint32 *row = data + (gsize) y * stride;

            if ((px >> 24) == 255)
              for (int x = x0; x < x1; x++)
                row[x] = px;
            else
              for (int x = x0; x < x1; x++)
                _ps_render_over_pixel (&row[x], px);
          }
      }
    cairo_new_path (cr);
    _ps_render_target_done (cr);
  }
}

/* Dense data (a sample or more per column): each column a pixel-aligned
 * bar over the values in it, joined to the previous column's last value.
 * That is exactly what a 1 px min/max line looks like, and cairo fills
 * pixel-aligned boxes far faster than it strokes long zig-zag polylines. */
static void
column_boxes (BoxList        *l,
              const TimeAxis *ax,
              const Panel    *p,
              const Column   *cols)
{
  gboolean have_prev = FALSE;
  double prev_last = 0.0;
  double x0 = round (ax->x0);

  box_list_start (l, ax);
  for (int c = 0; c < ax->n_cols; c++)
    {
      const Column *col = &cols[c];
      double lo, hi, y_top, y_bottom;

      if (col->n == 0)
        continue;
      lo = col->min;
      hi = col->max;
      if (have_prev)
        {
          lo = MIN (lo, prev_last);
          hi = MAX (hi, prev_last);
        }
      /* at least 2 px: the weight of the 1.6 px lines of sparse data */
      y_top = round (panel_y (p, hi) - 0.8);
      y_bottom = round (panel_y (p, lo) + 0.8);
      if (y_bottom < y_top + 2)
        y_bottom = y_top + 2;
      push_box (l, x0 + c, y_top, y_bottom - y_top);
      prev_last = col->last;
      have_prev = TRUE;
    }
  flush_box (l);
}

/* The same band for dense data, as one pixel-aligned box per column (no
 * anti-aliasing needed, and far cheaper than a polygon of thousands of
 * vertices) */
static void
band_boxes (BoxList        *l,
            const TimeAxis *ax,
            const Panel    *p,
            const Column   *lo,
            const Column   *hi)
{
  double x0 = round (ax->x0);

  box_list_start (l, ax);
  for (int c = 0; c < ax->n_cols; c++)
    {
      double y_top, y_bottom;

      if (hi[c].n == 0 || lo[c].n == 0)
        continue;
      y_top = round (panel_y (p, hi[c].max));
      y_bottom = round (panel_y (p, lo[c].min));
      if (y_bottom > y_top)
        push_box (l, x0 + c, y_top, y_bottom - y_top);
    }
  flush_box (l);
}

/* The band between the lowest of lo and the highest of hi per column */
static void
band_path (cairo_t        *cr,
           const TimeAxis *ax,
           const Panel    *p,
           const Column   *lo,
           const Column   *hi)
{
  gboolean started = FALSE;
  int last = -1;

  cairo_new_path (cr);
  for (int c = 0; c < ax->n_cols; c++)
    {
      double x;

      if (hi[c].n == 0 || lo[c].n == 0)
        continue;
      x = ax->x0 + (hi[c].n == 1 ? hi[c].x : c + 0.5);
      if (!started)
        cairo_move_to (cr, x, panel_y (p, hi[c].max));
      else
        cairo_line_to (cr, x, panel_y (p, hi[c].max));
      started = TRUE;
      last = c;
    }
  for (int c = last; c >= 0 && started; c--)
    {
      double x;

      if (hi[c].n == 0 || lo[c].n == 0)
        continue;
      x = ax->x0 + (lo[c].n == 1 ? lo[c].x : c + 0.5);
      cairo_line_to (cr, x, panel_y (p, lo[c].min));
    }
  if (started)
    cairo_close_path (cr);
}

static void
set_rgb (cairo_t      *cr,
         const double  c[3],
         double        alpha)
{
  cairo_set_source_rgba (cr, c[0], c[1], c[2], alpha);
}

/* A legend entry: a swatch (line or band) and a label; returns the x after */
static double
legend_item (cairo_t             *cr,
             const PsRenderStyle *style,
             double               x,
             double               y,
             const double         colour[3],
             gboolean             band,
             const char          *label)
{
  double fs = font_size (style);
  double tw = _ps_render_text_width (cr, label);

  cairo_rectangle (cr, x - 2, y - 1, 22 + tw + 4, 0.85 * fs + 3);
  _ps_render_set_rgba (cr, style->bg, 0.8);
  cairo_fill (cr);
  if (band)
    {
      cairo_rectangle (cr, x, y + 0.1 * fs, 16, 0.55 * fs);
      set_rgb (cr, colour, 0.3);
      cairo_fill (cr);
    }
  else
    {
      cairo_move_to (cr, x, y + 0.4 * fs);
      cairo_line_to (cr, x + 16, y + 0.4 * fs);
      set_rgb (cr, colour, 1.0);
      cairo_set_line_width (cr, 2.0);
      cairo_stroke (cr);
    }
  _ps_render_set_rgba (cr, style->fg, 1.0);
  _ps_render_text (cr, x + 20, y, 0.0, 0.0, label);
  return x + 22 + tw + 10;
}

static void
draw_panel_frame (cairo_t             *cr,
                  const PsRenderStyle *style,
                  const TimeAxis      *ax,
                  Panel               *p)
{
  double fs = font_size (style);
  int decimals = _ps_render_step_decimals (p->step);
  /* the first tick: v0 itself, unless a headroom put v0 between ticks */
  double first = ceil (p->v0 / p->step - 1e-6) * p->step;
  int n = (int) floor ((p->v1 - first) / p->step + 1e-6);
  int stride;
  char label[64];

  /* horizontal grid and y labels */
  _ps_render_set_font (cr, style, 0.85, FALSE);
  cairo_set_line_width (cr, 1.0);
  cairo_new_path (cr);
  for (int k = 0; k <= n && k <= 50; k++)
    {
      double y = round (panel_y (p, first + k * p->step)) + 0.5;

      cairo_move_to (cr, ax->x0, y);
      cairo_line_to (cr, ax->x0 + ax->w, y);
    }
  _ps_render_set_rgba (cr, style->fg, 0.12);
  cairo_stroke (cr);
  _ps_render_set_rgba (cr, style->fg, 0.85);
  /* in a short panel, label every stride-th tick so labels never overlap */
  stride = 1;
  if (n > 0 && p->h / n < 0.95 * 0.85 * fs)
    stride = (int) ceil (0.95 * 0.85 * fs / (p->h / n));
  for (int k = 0; k <= n && k <= 50; k++)
    {
      double v = first + k * p->step;
      double y = round (panel_y (p, v)) + 0.5;

      if (k % stride != 0 || (stride > 1 && k == n && n % stride != 0))
        continue;
      if (stride > 1 && k != 0 && k + stride > n && p->h < 2.0 * fs)
        continue;   /* room for one label only: the lowest */
      if (fabs (v) < 1e-9 * p->step)
        v = 0.0;
      g_snprintf (label, sizeof label, "%.*f", decimals, v);
      /* the end labels inside the panel's height, so stacked panels'
       * labels never collide */
      _ps_render_text (cr, ax->x0 - 5, y, 1.0,
                       k == 0 ? 1.0 : (k == n ? 0.0 : 0.5), label);
    }

  /* box */
  cairo_rectangle (cr, round (ax->x0) + 0.5, round (p->y) + 0.5,
                   round (ax->w) - 1, round (p->h) - 1);
  _ps_render_set_rgba (cr, style->fg, 0.6);
  cairo_stroke (cr);
}

static void
draw_time_grid (cairo_t             *cr,
                const PsRenderStyle *style,
                const TimeAxis      *ax,
                double               top,
                double               bottom,
                gboolean             labels)
{
  static const double steps[] = {
    1, 2, 5, 10, 15, 30, 60, 120, 300, 600, 900, 1800, 3600, 7200, 10800,
    21600, 43200, 86400, 172800, 432000, 864000,
  };
  double span = ax->t1 - ax->t0;
  double fs = font_size (style);
  int max_ticks = MAX (2, (int) (ax->w / (fs * 6.5)));
  double step = steps[G_N_ELEMENTS (steps) - 1];
  char label[64];

  for (guint k = 0; k < G_N_ELEMENTS (steps); k++)
    if (span / steps[k] <= max_ticks)
      {
        step = steps[k];
        break;
      }
  while (span / step > max_ticks)
    step *= 2;

  _ps_render_set_font (cr, style, 0.85, FALSE);
  cairo_set_line_width (cr, 1.0);
  cairo_new_path (cr);
  for (double t = ceil (ax->t0 / step - 1e-9) * step; t <= ax->t1 + 1e-9 * step; t += step)
    {
      double x = round (ax->x0 + time_x (ax, t)) + 0.5;

      cairo_move_to (cr, x, top);
      cairo_line_to (cr, x, bottom);
    }
  _ps_render_set_rgba (cr, style->fg, 0.12);
  cairo_stroke (cr);
  if (labels)
    {
      _ps_render_set_rgba (cr, style->fg, 0.85);
      for (double t = ceil (ax->t0 / step - 1e-9) * step; t <= ax->t1 + 1e-9 * step; t += step)
        {
          double x = round (ax->x0 + time_x (ax, t)) + 0.5;
          double tw;

          _ps_render_format_hms (label, sizeof label, t);
          tw = _ps_render_text_width (cr, label);
          /* the last label stays inside the view */
          if (x + 0.5 * tw > ax->x0 + ax->w + 0.9 * fs)
            _ps_render_text (cr, x, bottom + 4, 1.0, 0.0, label);
          else
            _ps_render_text (cr, x, bottom + 4, 0.5, 0.0, label);
        }
    }
}

typedef enum
{
  PANEL_PACK_VOLTAGE,
  PANEL_CELL_VOLTAGE,
  PANEL_CURRENT,
  PANEL_POWER,
  PANEL_SOC,
  PANEL_TEMPERATURE,
  PANEL_SPEED,
  PANEL_DISTANCE,
  N_PANELS
} PanelKind;

/* One series of a panel: what to read and how to show it */
typedef struct
{
  PsSeries      series;
  const double *colour;
  const char   *label;
} PanelSeries;

typedef struct
{
  const char   *title;
  const char   *unit;
  double        scale, offset, min_span;
  /* a quantity that belongs in [soft_lo, soft_hi] but may pass it a
   * little (SOC 1 % past its table): data within `headroom` of those
   * bounds keeps the axis at them plus the headroom, instead of jumping
   * to the next round range (0-150 %); headroom 0: none */
  double        soft_lo, soft_hi, headroom;
  PanelSeries   s[3];
  guint         n_series;
  gboolean      band;               /* s[0] .. s[n-1] bounded by a band */
  int           cell_quantity;      /* PsCellQuantity overlay, or -1 */
} PanelDef;

static void
panel_def (const PsRenderStyle *style,
           PanelKind            kind,
           PanelDef            *d)
{
  gboolean kelvin = style->temp_unit == PS_TEMP_UNIT_KELVIN;
  gboolean kw = style->power_unit == PS_POWER_UNIT_KILOWATT;

  memset (d, 0, sizeof *d);
  d->scale = 1.0;
  d->cell_quantity = -1;
  switch (kind)
    {
    case PANEL_PACK_VOLTAGE:
      d->title = "Pack voltage";
      d->unit = "V";
      d->min_span = 1.0;
      d->s[0] = (PanelSeries) { PS_SERIES_PACK_VOLTAGE_V, col_voltage, "pack" };
      d->n_series = 1;
      break;
    case PANEL_CELL_VOLTAGE:
      d->title = "Cell voltage";
      d->unit = "V";
      d->min_span = 0.05;
      d->s[0] = (PanelSeries) { PS_SERIES_CELL_VOLTAGE_MIN_V, col_voltage, "lowest / highest cell" };
      d->s[1] = (PanelSeries) { PS_SERIES_CELL_VOLTAGE_MAX_V, col_voltage, "highest" };
      d->n_series = 2;
      d->band = TRUE;
      d->cell_quantity = PS_CELL_QUANTITY_VOLTAGE;
      break;
    case PANEL_CURRENT:
      d->title = "Pack current";
      d->unit = "A";
      d->min_span = 1.0;
      d->s[0] = (PanelSeries) { PS_SERIES_PACK_CURRENT_A, col_current, "pack" };
      d->n_series = 1;
      break;
    case PANEL_POWER:
      d->title = "Pack power";
      d->unit = kw ? "kW" : "W";
      d->scale = kw ? 1e-3 : 1.0;
      d->min_span = kw ? 0.1 : 100.0;
      d->s[0] = (PanelSeries) { PS_SERIES_PACK_POWER_W, col_power, "pack" };
      d->n_series = 1;
      break;
    case PANEL_SOC:
      d->title = "State of charge";
      d->unit = "%";
      d->scale = 100.0;
      d->min_span = 1.0;
      d->soft_lo = 0.0;
      d->soft_hi = 100.0;
      d->headroom = 5.0;
      d->s[0] = (PanelSeries) { PS_SERIES_PACK_SOC, col_soc, "pack" };
      d->n_series = 1;
      d->cell_quantity = PS_CELL_QUANTITY_SOC;
      break;
    case PANEL_SPEED:
      d->title = "Vehicle speed";
      d->unit = "km/h";
      d->scale = 3.6;
      d->min_span = 10.0;
      d->s[0] = (PanelSeries) { PS_SERIES_SPEED_MPS, col_power, "speed" };
      d->n_series = 1;
      break;
    case PANEL_DISTANCE:
      d->title = "Distance driven";
      d->unit = "km";
      d->scale = 1e-3;
      d->min_span = 1.0;
      d->s[0] = (PanelSeries) { PS_SERIES_DISTANCE_M, col_soc, "distance" };
      d->n_series = 1;
      break;
    case PANEL_TEMPERATURE:
    case N_PANELS:
    default:
      d->title = "Cell temperature";
      d->unit = kelvin ? "K" : "°C";
      d->offset = kelvin ? 0.0 : -273.15;
      d->min_span = 1.0;
      d->s[0] = (PanelSeries) { PS_SERIES_CELL_TEMP_MIN_K, col_tmin, "min" };
      d->s[1] = (PanelSeries) { PS_SERIES_CELL_TEMP_MEAN_K, col_tmean, "mean" };
      d->s[2] = (PanelSeries) { PS_SERIES_CELL_TEMP_MAX_K, col_tmax, "max" };
      d->n_series = 3;
      d->band = TRUE;
      d->cell_quantity = PS_CELL_QUANTITY_TEMP;
      break;
    }
}

static guint
list_panels (PsRecorder          *rec,
             const PsRenderStyle *style,
             PanelKind            kinds[N_PANELS])
{
  gsize len = rec != NULL ? ps_recorder_get_length (rec) : 0;
  guint n = 0;

  if (style->curves & PS_CURVE_VOLTAGE)
    {
      kinds[n++] = PANEL_PACK_VOLTAGE;
      kinds[n++] = PANEL_CELL_VOLTAGE;
    }
  if (style->curves & PS_CURVE_CURRENT)
    kinds[n++] = PANEL_CURRENT;
  if (style->curves & PS_CURVE_POWER)
    kinds[n++] = PANEL_POWER;
  if (style->curves & PS_CURVE_SOC)
    kinds[n++] = PANEL_SOC;
  if (style->curves & PS_CURVE_TEMPERATURE)
    kinds[n++] = PANEL_TEMPERATURE;
  /* a run that drove shows its speed and distance too */
  if ((style->curves & PS_CURVE_ALL_TIME) != 0 && len > 0
      && read_one (rec, PS_SERIES_DISTANCE_M, len - 1) > 0.0)
    {
      kinds[n++] = PANEL_SPEED;
      kinds[n++] = PANEL_DISTANCE;
    }
  return n;
}

/* The selected cell's envelope from the recorder, in display units, as a
 * band and a mid line; extends the panel range. Reads up to CELL_BINS bins. */
static gsize
read_cell (PsRecorder     *rec,
           guint           cell,
           PsCellQuantity  q,
           double        **time_s,
           float         **mn,
           float         **mx)
{
  guint8 *buf = _ps_render_scratch (_PS_SCRATCH_CURVES_CELL,
                                    CELL_BINS * (sizeof (double) + 2 * sizeof (float)));

  *time_s = (double *) (gpointer) buf;
  *mn = (float *) (gpointer) (buf + CELL_BINS * sizeof (double));
  *mx = *mn + CELL_BINS;
  return ps_recorder_read_cell (rec, cell, q, *time_s, *mn, *mx, CELL_BINS);
}

/* The panel's value range [*v0, *v1] for data in [lo, hi], and its tick
 * step: a round range, except that data within a soft bound's headroom
 * that would push the round range past it (SOC 100.67 % to 0-150 %) gets
 * the round range of the bounded data and the headroom beyond the bound
 * it passes (0-105 %, ticks still at 0, 50, 100). */
static double
panel_range (const PanelDef *d,
             double          lo,
             double          hi,
             int             max_ticks,
             double         *v0,
             double         *v1)
{
  double step, pad;

  /* headroom: the data stays clear of the box's edges (a current held at
   * 200 A draws under a 250 A border, not on it) */
  pad = isfinite (lo) && isfinite (hi) ? PANEL_HEADROOM * MAX (hi - lo, d->min_span) : 0.0;
  *v0 = lo - pad;
  *v1 = hi + pad;
  step = _ps_render_nice_range (v0, v1, d->min_span, max_ticks);
  if (d->headroom <= 0.0 || !isfinite (lo) || !isfinite (hi) ||
      lo < d->soft_lo - d->headroom || hi > d->soft_hi + d->headroom ||
      (*v0 >= d->soft_lo - d->headroom && *v1 <= d->soft_hi + d->headroom))
    return step;

  *v0 = CLAMP (lo, d->soft_lo, d->soft_hi);
  *v1 = CLAMP (hi, d->soft_lo, d->soft_hi);
  step = _ps_render_nice_range (v0, v1, d->min_span, max_ticks);
  if (lo - pad < *v0)
    *v0 = d->soft_lo - d->headroom;
  if (hi + pad > *v1)
    *v1 = d->soft_hi + d->headroom;
  return step;
}

/* A panel's title line(s): the title, then its legend entries, wrapped to
 * the panel's width above the box, never over the data */
typedef struct
{
  const double *colour;
  gboolean      band;
  char          label[96];
} LegendEntry;

static double
header_line_height (const PsRenderStyle *style)
{
  return round (font_size (style) * 1.2);
}

/* The selected cell's present value, in the legend: its own precision per
 * quantity (mV, 0.1 %, 0.1 K), so the legend's width does not follow the
 * axis */
static void
cell_legend_label (const PanelDef *d,
                   const PsFrame  *frame,
                   int             sel,
                   char           *label,
                   gsize           size)
{
  double now = NAN;
  int decimals = d->cell_quantity == PS_CELL_QUANTITY_VOLTAGE ? 3 : 1;

  if (frame != NULL && sel >= 0 && (guint) sel < frame->n_cells)
    {
      const double *arr = d->cell_quantity == PS_CELL_QUANTITY_VOLTAGE ? frame->cell_voltage_v :
                          d->cell_quantity == PS_CELL_QUANTITY_SOC ? frame->cell_soc :
                          frame->cell_temp_k;
      now = arr[sel] * d->scale + d->offset;
    }
  if (isfinite (now))
    g_snprintf (label, size, "cell %d: %.*f %s", sel + 1, decimals, now, d->unit);
  else
    g_snprintf (label, size, "cell %d", sel + 1);
}

/* The panel's legend entries. The selected cell's entry is always listed:
 * for the layout (measure) its widest form, so selecting a cell or its
 * values changing never moves a panel; drawn, the real one, or none
 * without a cell (its place kept). */
static guint
panel_legend (const PanelDef *d,
              const PsFrame  *frame,
              int             sel,
              gboolean        measure,
              LegendEntry     e[5])
{
  guint n = 0;

  if (d->n_series > 1)
    {
      if (d->band)
        {
          e[n].colour = d->s[d->n_series - 1].colour;
          e[n].band = TRUE;
          g_strlcpy (e[n++].label, "min–max band", sizeof e[0].label);
        }
      for (guint s = 0; s < d->n_series; s++)
        if (d->s[s].colour != d->s[0].colour || s == 0)
          {
            e[n].colour = d->s[s].colour;
            e[n].band = FALSE;
            g_strlcpy (e[n++].label, d->s[s].label, sizeof e[0].label);
          }
    }
  if (d->cell_quantity >= 0)
    {
      e[n].colour = col_cell;
      e[n].band = FALSE;
      if (measure)
        g_snprintf (e[n].label, sizeof e[0].label, "cell 8888: %s %s",
                    d->cell_quantity == PS_CELL_QUANTITY_VOLTAGE ? "8.888" : "888.8", d->unit);
      else
        cell_legend_label (d, frame, sel, e[n].label, sizeof e[0].label);
      n++;
    }
  return n;
}

/* Lays out (and with draw, draws) the title and the entries from x0 on,
 * lines of width w (the first lines keep first_inset free at their right
 * end, for a view's button); returns the number of lines. An entry wider
 * than a whole line still gets a line of its own. */
static int
panel_header (cairo_t             *cr,
              const PsRenderStyle *style,
              const char          *title,
              const LegendEntry   *e,
              guint                n,
              double               x0,
              double               w,
              double               first_inset,
              double               y,
              gboolean             draw)
{
  double lh = header_line_height (style);
  double x = x0, tw;
  int line = 0;

  _ps_render_set_font (cr, style, 0.85, TRUE);
  tw = _ps_render_text_width (cr, title);
  if (draw)
    {
      _ps_render_set_rgba (cr, style->fg, 1.0);
      _ps_render_text (cr, x, y + 0.5 * lh, 0.0, 0.5, title);
    }
  x += tw + 12;
  _ps_render_set_font (cr, style, 0.8, FALSE);
  for (guint i = 0; i < n; i++)
    {
      double iw = 22 + _ps_render_text_width (cr, e[i].label);
      double right = x0 + w - (line == 0 ? first_inset : 0.0);

      if (x > x0 && x + iw > right)
        {
          line++;
          x = x0;
        }
      if (draw && e[i].colour != NULL)
        legend_item (cr, style, x, y + line * lh + 0.5 * lh - 0.42 * font_size (style),
                     e[i].colour, e[i].band, e[i].label);
      x += iw + 10;
    }
  return line + 1;
}

/* The time panels' vertical layout: each panel's title lines, then its
 * box; the time axis' labels under the last. */
typedef struct
{
  guint     n;
  PanelKind kinds[N_PANELS];
  int       lines[N_PANELS];
  double    top, bottom_margin, gap, lh, fixed;
} PanelLayout;

static void
panel_layout (cairo_t             *cr,
              PsRecorder          *rec,
              const PsFrame       *frame,
              const PsRenderStyle *style,
              const TimeAxis      *ax,
              PanelLayout         *l)
{
  double fs = font_size (style);
  int sel = style->selected_cell;

  l->n = list_panels (rec, style, l->kinds);
  l->top = round (fs * 0.3);
  l->bottom_margin = round (fs * 2.0);
  l->gap = round (fs * 0.5);
  l->lh = header_line_height (style);
  l->fixed = l->top + l->bottom_margin + (l->n > 0 ? l->gap * (l->n - 1) : 0.0);
  for (guint k = 0; k < l->n; k++)
    {
      PanelDef d;
      LegendEntry e[5];
      guint n_e;
      char title[128];

      panel_def (style, l->kinds[k], &d);
      n_e = panel_legend (&d, frame, sel, TRUE, e);
      g_snprintf (title, sizeof title, "%s (%s)", d.title, d.unit);
      l->lines[k] = panel_header (cr, style, title, e, n_e, ax->x0, ax->w,
                                  k == 0 ? style->legend_inset : 0.0, 0.0, FALSE);
      l->fixed += l->lines[k] * l->lh;
    }
  /* the first box below a view's button at the top right */
  if (l->n > 0 && style->legend_inset > 0 && style->legend_inset_h > l->top + l->lines[0] * l->lh)
    {
      l->fixed += style->legend_inset_h - (l->top + l->lines[0] * l->lh);
      l->top = style->legend_inset_h - l->lines[0] * l->lh;
    }
}

static void
draw_time_panels (cairo_t             *cr,
                  PsRecorder          *rec,
                  const PsFrame       *frame,
                  const PsRenderStyle *style,
                  const TimeAxis      *ax,
                  double               height)
{
  double fs = font_size (style);
  PanelLayout layout;
  guint n_panels;
  double top, bottom = height - round (fs * 2.0);
  double y;
  double ph;
  Column *cols = _ps_render_scratch (_PS_SCRATCH_CURVES_COLUMNS,
                                     5 * (gsize) ax->n_cols * sizeof (Column));
  gboolean have_data = ax->len > 0 && ax->i1 > ax->i0;
  /* a sample or more per pixel column: draw columns, not a polyline */
  gboolean dense = have_data && (double) (ax->i1 - ax->i0) >= ax->n_cols;
  int sel = style->selected_cell;
  BoxList boxes;
  gboolean cell_ok = rec != NULL && sel >= 0 && (guint) sel < ps_recorder_get_n_cells (rec);

  panel_layout (cr, rec, frame, style, ax, &layout);
  n_panels = layout.n;
  top = layout.top;
  if (n_panels == 0)
    return;
  ph = (height - layout.fixed) / n_panels;
  if (ph < fs)
    ph = fs;

  y = top;
  for (guint k = 0; k < n_panels; k++)
    {
      PanelDef d;
      Panel p;
      Summary sums[3];
      double lo = INFINITY, hi = -INFINITY;
      double *ct = NULL;
      float *cmin = NULL, *cmax = NULL;
      gsize n_bins = 0;
      double header_y;
      LegendEntry e[5];
      guint n_e;
      char label[128];

      panel_def (style, layout.kinds[k], &d);
      p.title = d.title;
      header_y = round (y);
      p.y = round (y + layout.lines[k] * layout.lh);
      p.h = round (ph);
      y += layout.lines[k] * layout.lh + ph + layout.gap;

      for (guint s = 0; s < d.n_series && have_data; s++)
        {
          summarise (rec, d.s[s].series, d.scale, d.offset, ax,
                     cols + s * ax->n_cols, &sums[s]);
          if (sums[s].valid)
            {
              lo = MIN (lo, sums[s].v0);
              hi = MAX (hi, sums[s].v1);
            }
        }
      if (cell_ok && d.cell_quantity >= 0 && have_data)
        {
          n_bins = read_cell (rec, sel, d.cell_quantity, &ct, &cmin, &cmax);
          for (gsize b = 0; b < n_bins; b++)
            if (ct[b] >= ax->t0 && ct[b] <= ax->t1 && isfinite (cmin[b]) && isfinite (cmax[b]))
              {
                lo = MIN (lo, cmin[b] * d.scale + d.offset);
                hi = MAX (hi, cmax[b] * d.scale + d.offset);
              }
        }
      if (!isfinite (lo))
        {
          lo = 0.0;
          hi = d.min_span;
        }
      p.step = panel_range (&d, lo, hi, MAX (2, (int) (p.h / (fs * 1.8))),
                            &p.v0, &p.v1);

      draw_panel_frame (cr, style, ax, &p);
      draw_time_grid (cr, style, ax, p.y, p.y + p.h, k + 1 == n_panels);

      cairo_save (cr);
      cairo_rectangle (cr, ax->x0, p.y, ax->w, p.h);
      cairo_clip (cr);
      cairo_set_line_join (cr, CAIRO_LINE_JOIN_ROUND);
      if (have_data)
        {
          if (d.band && d.n_series >= 2)
            {
              set_rgb (cr, d.s[d.n_series - 1].colour, 0.18);
              if (dense)
                {
                  band_boxes (&boxes, ax, &p, cols, cols + (d.n_series - 1) * ax->n_cols);
                  fill_boxes (cr, &boxes, ax, &p);
                }
              else
                {
                  band_path (cr, ax, &p, cols, cols + (d.n_series - 1) * ax->n_cols);
                  cairo_fill (cr);
                }
            }
          for (guint s = 0; s < d.n_series; s++)
            {
              if (!sums[s].valid)
                continue;
              set_rgb (cr, d.s[s].colour, 1.0);
              if (dense)
                {
                  column_boxes (&boxes, ax, &p, cols + s * ax->n_cols);
                  fill_boxes (cr, &boxes, ax, &p);
                  continue;
                }
              line_path (cr, ax, &p, cols + s * ax->n_cols, &sums[s]);
              cairo_set_line_width (cr, d.band ? 1.2 : 1.6);
              cairo_stroke (cr);
            }
          if (n_bins > 0)
            {
              /* the cell's envelope bins, thinned to columns like the
               * pack series: the envelope as a band, its middle as a line */
              Column *env = cols + 3 * ax->n_cols, *mid = cols + 4 * ax->n_cols;
              Summary msum;
              gsize n_cols_used = 0;

              memset (&msum, 0, sizeof msum);
              for (int c = 0; c < ax->n_cols; c++)
                env[c].n = mid[c].n = 0;
              for (gsize b = 0; b < n_bins; b++)
                {
                  double x = time_x (ax, ct[b]);
                  double lo_v = cmin[b] * d.scale + d.offset;
                  double hi_v = cmax[b] * d.scale + d.offset;
                  double m = 0.5 * (lo_v + hi_v);
                  int c;

                  if (!isfinite (m) || !isfinite (x))
                    continue;
                  if (x < 0)
                    {
                      msum.has_left = TRUE;
                      msum.left_x = x;
                      msum.left_v = m;
                      continue;
                    }
                  if (x > ax->w)
                    {
                      if (!msum.has_right)
                        {
                          msum.has_right = TRUE;
                          msum.right_x = x;
                          msum.right_v = m;
                        }
                      continue;
                    }
                  c = MIN ((int) floor (x), ax->n_cols - 1);
                  if (env[c].n == 0)
                    {
                      env[c].min = lo_v;
                      env[c].max = hi_v;
                      env[c].x = x;
                      mid[c].first = mid[c].min = mid[c].max = m;
                      mid[c].x = x;
                      n_cols_used++;
                    }
                  else
                    {
                      env[c].min = MIN (env[c].min, lo_v);
                      env[c].max = MAX (env[c].max, hi_v);
                      mid[c].min = MIN (mid[c].min, m);
                      mid[c].max = MAX (mid[c].max, m);
                    }
                  mid[c].last = m;
                  env[c].n++;
                  mid[c].n++;
                }
              set_rgb (cr, col_cell, 0.2);
              if (n_cols_used >= (gsize) ax->n_cols * 3 / 4)
                {
                  band_boxes (&boxes, ax, &p, env, env);
                  fill_boxes (cr, &boxes, ax, &p);
                }
              else
                {
                  band_path (cr, ax, &p, env, env);
                  cairo_fill (cr);
                }
              set_rgb (cr, col_cell, 1.0);
              if (n_cols_used >= (gsize) ax->n_cols * 3 / 4)
                {
                  column_boxes (&boxes, ax, &p, mid);
                  fill_boxes (cr, &boxes, ax, &p);
                }
              else
                {
                  line_path (cr, ax, &p, mid, &msum);
                  cairo_set_line_width (cr, 1.4);
                  cairo_stroke (cr);
                }
            }
        }
      cairo_restore (cr);

      /* title and legend above the box; the cell's entry only with its
       * curve (its place is kept either way, so nothing moves) */
      g_snprintf (label, sizeof label, "%s (%s)", d.title, d.unit);
      n_e = panel_legend (&d, frame, sel, FALSE, e);
      if (d.cell_quantity >= 0 && n_bins == 0)
        e[n_e - 1].colour = NULL;
      panel_header (cr, style, label, e, n_e, ax->x0, ax->w,
                    k == 0 ? style->legend_inset : 0.0, header_y, TRUE);
    }

  if (!have_data)
    {
      _ps_render_set_font (cr, style, 1.0, FALSE);
      _ps_render_set_rgba (cr, style->fg, 0.6);
      _ps_render_text (cr, ax->x0 + 0.5 * ax->w, 0.5 * (top + bottom), 0.5, 0.5, "no data");
    }
}

/* the box behind a note or the cursor's read-out: the background, nearly
 * opaque, over the plot, with a thin frame */
static void
draw_text_box (cairo_t             *cr,
               const PsRenderStyle *style,
               double               x,
               double               y,
               double               w,
               double               h)
{
  cairo_rectangle (cr, x, y, w, h);
  _ps_render_set_rgba (cr, style->bg, 0.92);
  cairo_fill_preserve (cr);
  _ps_render_set_rgba (cr, style->fg, 0.6);
  cairo_set_line_width (cr, 1.0);
  cairo_stroke (cr);
}

/* Cursor: a line over all time panels and a read-out of the sample nearest
 * to cursor_time_s */
static void
draw_cursor (cairo_t             *cr,
             PsRecorder          *rec,
             const PsRenderStyle *style,
             const TimeAxis      *ax,
             double               height)
{
  static const double dash[] = { 4.0, 3.0 };
  double fs = font_size (style);
  double t = style->cursor_time_s, x;
  gsize i;
  char lines[8][96];
  guint n_lines = 0;
  double bw = 0, bx, by;
  gboolean kelvin = style->temp_unit == PS_TEMP_UNIT_KELVIN;
  gboolean kw = style->power_unit == PS_POWER_UNIT_KILOWATT;
  double toff = kelvin ? 0.0 : -273.15;
  const char *tunit = kelvin ? "K" : "°C";

  if (!(t >= 0) || t < ax->t0 || t > ax->t1)
    return;
  /* the pixel column that holds the cursor's x */
  x = floor (ax->x0 + time_x (ax, t)) + 0.5;

  cairo_save (cr);
  cairo_set_dash (cr, dash, 2, 0);
  cairo_set_line_width (cr, 1.0);
  _ps_render_set_rgba (cr, style->fg, 0.8);
  cairo_move_to (cr, x, round (fs * 0.5));
  cairo_line_to (cr, x, height - round (fs * 2.0));
  cairo_stroke (cr);
  cairo_restore (cr);

  if (ax->len == 0)
    return;
  i = ps_recorder_find_time (rec, t);
  if (i >= ax->len)
    i = ax->len - 1;
  if (i > 0 && fabs (read_one (rec, PS_SERIES_TIME_S, i - 1) - t) <
               fabs (read_one (rec, PS_SERIES_TIME_S, i) - t))
    i--;

  _ps_render_format_hms (lines[n_lines], sizeof lines[0], read_one (rec, PS_SERIES_TIME_S, i));
  n_lines++;
  if (style->curves & PS_CURVE_VOLTAGE)
    {
      g_snprintf (lines[n_lines++], sizeof lines[0], "Pack %.2f V",
                  read_one (rec, PS_SERIES_PACK_VOLTAGE_V, i));
      g_snprintf (lines[n_lines++], sizeof lines[0], "Cells %.3f–%.3f V",
                  read_one (rec, PS_SERIES_CELL_VOLTAGE_MIN_V, i),
                  read_one (rec, PS_SERIES_CELL_VOLTAGE_MAX_V, i));
    }
  if (style->curves & PS_CURVE_CURRENT)
    g_snprintf (lines[n_lines++], sizeof lines[0], "Current %.1f A",
                read_one (rec, PS_SERIES_PACK_CURRENT_A, i));
  if (style->curves & PS_CURVE_POWER)
    g_snprintf (lines[n_lines++], sizeof lines[0], kw ? "Power %.2f kW" : "Power %.0f W",
                read_one (rec, PS_SERIES_PACK_POWER_W, i) * (kw ? 1e-3 : 1.0));
  if (style->curves & PS_CURVE_SOC)
    g_snprintf (lines[n_lines++], sizeof lines[0], "SOC %.1f %%",
                100.0 * read_one (rec, PS_SERIES_PACK_SOC, i));
  if (style->curves & PS_CURVE_TEMPERATURE)
    g_snprintf (lines[n_lines++], sizeof lines[0], "T %.1f / %.1f / %.1f %s",
                read_one (rec, PS_SERIES_CELL_TEMP_MIN_K, i) + toff,
                read_one (rec, PS_SERIES_CELL_TEMP_MEAN_K, i) + toff,
                read_one (rec, PS_SERIES_CELL_TEMP_MAX_K, i) + toff, tunit);

  _ps_render_set_font (cr, style, 0.85, FALSE);
  for (guint k = 0; k < n_lines; k++)
    bw = MAX (bw, _ps_render_text_width (cr, lines[k]));
  bx = x + 8;
  if (bx + bw + 8 > ax->x0 + ax->w)
    bx = x - 8 - bw - 8;
  by = round (fs * 0.5) + 1.4 * fs;
  draw_text_box (cr, style, bx, by, bw + 8, n_lines * 1.15 * fs + 6);
  _ps_render_set_rgba (cr, style->fg, 1.0);
  for (guint k = 0; k < n_lines; k++)
    _ps_render_text (cr, bx + 4, by + 4 + k * 1.15 * fs, 0.0, 0.0, lines[k]);
}

/* Charge and voltage points from start on (see ps_recorder_read_points:
 * both series come in the same points); tb takes the times. */
static gsize
read_discharge_points (PsRecorder *rec,
                       gsize       start,
                       gsize       n,
                       double     *qb,
                       double     *vb,
                       double     *tb,
                       gsize      *covered)
{
  gsize covered_v = 0;
  gsize nq = ps_recorder_read_points (rec, PS_SERIES_CHARGE_AH, start, n, tb, qb, BLOCK, covered);
  gsize nv = ps_recorder_read_points (rec, PS_SERIES_PACK_VOLTAGE_V, start, n, tb, vb, BLOCK, &covered_v);

  *covered = MIN (*covered, covered_v);
  return MIN (nq, nv);
}

/* Pack voltage against discharged charge, the classic discharge curve */
static void
draw_discharge (cairo_t             *cr,
                PsRecorder          *rec,
                const PsRenderStyle *style,
                double               x_left,
                double               width,
                double               height)
{
  double fs = font_size (style);
  double *buf = _ps_render_scratch (_PS_SCRATCH_CURVES_BLOCK, 3 * BLOCK * sizeof (double));
  double *qb = buf, *vb = buf + BLOCK, *tb = buf + 2 * BLOCK;
  gsize len = rec != NULL ? ps_recorder_get_length (rec) : 0;
  double q0 = INFINITY, q1 = -INFINITY, v0 = INFINITY, v1 = -INFINITY;
  double qstep, vstep;
  double px = x_left + round (fs * 4.6), pw = width - px - round (fs * 1.2);
  double py = MAX (round (fs * 0.3) + header_line_height (style),
                   style->legend_inset > 0 ? style->legend_inset_h : 0.0);
  double ph = height - py - round (fs * 2.0);
  Panel p;
  char label[64];

  if (pw < 10 || ph < 10)
    return;

  /* ranges over the whole run */
  for (gsize start = 0, covered = 1; start < len && covered > 0; start += covered)
    {
      gsize n = read_discharge_points (rec, start, len - start, qb, vb, tb, &covered);

      for (gsize k = 0; k < n; k++)
        if (isfinite (qb[k]) && isfinite (vb[k]))
          {
            q0 = MIN (q0, qb[k]);
            q1 = MAX (q1, qb[k]);
            v0 = MIN (v0, vb[k]);
            v1 = MAX (v1, vb[k]);
          }
    }
  if (!isfinite (q0))
    {
      q0 = 0;
      q1 = 1;
      v0 = 0;
      v1 = 1;
    }
  q0 = MIN (q0, 0.0);
  qstep = _ps_render_nice_range (&q0, &q1, 1.0, MAX (2, (int) (pw / (fs * 5))));
  {
    /* headroom, as in the time panels */
    double pad = PANEL_HEADROOM * MAX (v1 - v0, 1.0);

    v0 -= pad;
    v1 += pad;
  }
  vstep = _ps_render_nice_range (&v0, &v1, 1.0, MAX (2, (int) (ph / (fs * 1.8))));
  p.y = py;
  p.h = ph;
  p.v0 = v0;
  p.v1 = v1;
  p.step = vstep;

  {
    TimeAxis fake = { 0 };

    fake.x0 = px;
    fake.w = pw;
    draw_panel_frame (cr, style, &fake, &p);
  }

  /* x grid and labels in Ah */
  _ps_render_set_font (cr, style, 0.85, FALSE);
  cairo_set_line_width (cr, 1.0);
  for (int k = 0; k <= (int) floor ((q1 - q0) / qstep + 1e-6) && k <= 50; k++)
    {
      double q = q0 + k * qstep;
      double x = round (px + (q - q0) / (q1 - q0) * pw) + 0.5;

      cairo_move_to (cr, x, py);
      cairo_line_to (cr, x, py + ph);
      _ps_render_set_rgba (cr, style->fg, 0.12);
      cairo_stroke (cr);
      _ps_render_set_rgba (cr, style->fg, 0.85);
      g_snprintf (label, sizeof label, "%.*f", _ps_render_step_decimals (qstep), fabs (q) < 1e-9 ? 0.0 : q);
      _ps_render_text (cr, x, py + ph + 4, 0.5, 0.0, label);
    }

  /* the curve: consecutive points closer than half a pixel merge */
  cairo_save (cr);
  cairo_rectangle (cr, px, py, pw, ph);
  cairo_clip (cr);
  cairo_new_path (cr);
  {
    double lx = -1e9, ly = -1e9;
    gboolean started = FALSE;

    for (gsize start = 0, covered = 1; start < len && covered > 0; start += covered)
      {
        gsize n = read_discharge_points (rec, start, len - start, qb, vb, tb, &covered);

        for (gsize k = 0; k < n; k++)
          {
            double x, y;

            if (!isfinite (qb[k]) || !isfinite (vb[k]))
              continue;
            x = px + (qb[k] - q0) / (q1 - q0) * pw;
            y = panel_y (&p, vb[k]);
            if (started && fabs (x - lx) < 0.5 && fabs (y - ly) < 0.5)
              continue;
            if (started)
              cairo_line_to (cr, x, y);
            else
              cairo_move_to (cr, x, y);
            started = TRUE;
            lx = x;
            ly = y;
          }
      }
  }
  set_rgb (cr, col_voltage, 1.0);
  cairo_set_line_width (cr, 1.6);
  cairo_set_line_join (cr, CAIRO_LINE_JOIN_ROUND);
  cairo_stroke (cr);
  cairo_restore (cr);

  /* the title above the box, as the time panels' */
  panel_header (cr, style, "Pack voltage (V) vs discharged charge (Ah)", NULL, 0, px, pw,
                style->legend_inset,
                py - header_line_height (style), TRUE);
  if (len == 0)
    {
      _ps_render_set_font (cr, style, 1.0, FALSE);
      _ps_render_set_rgba (cr, style->fg, 0.6);
      _ps_render_text (cr, px + 0.5 * pw, py + 0.5 * ph, 0.5, 0.5, "no data");
    }
}

/* A protocol that ended at t = 0 leaves nothing to plot: the note over
 * the empty panels says why, word-wrapped to the plot's width */
static void
draw_ended_at_once (cairo_t             *cr,
                    const PsFrame       *frame,
                    const PsRenderStyle *style,
                    const TimeAxis      *ax,
                    double               height)
{
  double fs = font_size (style);
  double pad = round (fs * 0.6), lh = round (fs * 1.35);
  double max_w = MAX (fs * 4.0, ax->w - 4.0 * pad);
  g_autofree char *text = g_strdup_printf ("The protocol ended at once: %s", frame->end_text);
  g_auto(GStrv) words = g_strsplit (text, " ", -1);
  g_autoptr(GPtrArray) lines = g_ptr_array_new_with_free_func (g_free);
  GString *line = g_string_new (NULL);
  double box_w = 0.0, box_h, x, y;

  _ps_render_set_font (cr, style, 1.0, FALSE);
  for (guint i = 0; words[i] != NULL; i++)
    {
      gsize len = line->len;

      if (len > 0)
        g_string_append_c (line, ' ');
      g_string_append (line, words[i]);
      if (len > 0 && _ps_render_text_width (cr, line->str) > max_w)
        {
          g_string_truncate (line, len);
          g_ptr_array_add (lines, g_string_free (line, FALSE));
          line = g_string_new (words[i]);
        }
    }
  g_ptr_array_add (lines, g_string_free (line, FALSE));
  for (guint i = 0; i < lines->len; i++)
    box_w = MAX (box_w, _ps_render_text_width (cr, g_ptr_array_index (lines, i)));

  box_w = round (box_w + 2.0 * pad);
  box_h = lines->len * lh + 2.0 * pad;
  x = round (ax->x0 + 0.5 * (ax->w - box_w));
  y = round (0.5 * (height - box_h));
  draw_text_box (cr, style, x + 0.5, y + 0.5, box_w, box_h);
  _ps_render_set_rgba (cr, style->fg, 0.9);
  for (guint i = 0; i < lines->len; i++)
    _ps_render_text (cr, x + pad, y + pad + (i + 0.5) * lh, 0.0, 0.5,
                     g_ptr_array_index (lines, i));
}

void
ps_render_curves (cairo_t             *cr,
                  PsRecorder          *recorder,
                  const PsFrame       *frame,
                  const PsRenderStyle *style,
                  double               width,
                  double               height)
{
  TimeAxis ax;
  double tw;

  g_return_if_fail (cr != NULL);
  g_return_if_fail (style != NULL);

  cairo_save (cr);
  if (style->draw_background)
    {
      _ps_render_set_rgba (cr, style->bg, 1.0);
      cairo_rectangle (cr, 0, 0, width, height);
      cairo_fill (cr);
    }

  tw = time_area_width (style, width);
  if (time_axis (recorder, style, width, &ax))
    {
      draw_time_panels (cr, recorder, frame, style, &ax, height);
      draw_cursor (cr, recorder, style, &ax, height);
      if ((style->curves & PS_CURVE_ALL_TIME) != 0 && frame != NULL && frame->finished &&
          !frame->manual_load && frame->time_s <= 0.0 && frame->end_text != NULL)
        draw_ended_at_once (cr, frame, style, &ax, height);
    }
  if (style->curves & PS_CURVE_DISCHARGE)
    draw_discharge (cr, recorder, style, tw, width, height);
  if ((style->curves & (PS_CURVE_ALL_TIME | PS_CURVE_DISCHARGE)) == 0)
    {
      _ps_render_set_font (cr, style, 1.0, FALSE);
      _ps_render_set_rgba (cr, style->fg, 0.6);
      _ps_render_text (cr, width / 2, height / 2, 0.5, 0.5, "no curves chosen");
    }
  cairo_restore (cr);
}

double
ps_render_curves_time_at (PsRecorder          *recorder,
                          const PsRenderStyle *style,
                          double               width,
                          double               x)
{
  TimeAxis ax;
  double t;

  g_return_val_if_fail (style != NULL, -1.0);

  if (!time_axis (recorder, style, width, &ax))
    return -1.0;
  t = ax.t0 + (x - ax.x0) / ax.w * (ax.t1 - ax.t0);
  return CLAMP (t, ax.t0, ax.t1);
}

double
ps_render_curves_min_height (PsRecorder          *recorder,
                             const PsFrame       *frame,
                             const PsRenderStyle *style,
                             double               width,
                             double               panel_h)
{
  double fs, need = 0.0;
  TimeAxis ax;
  cairo_t *cr;

  g_return_val_if_fail (style != NULL, 0.0);

  fs = font_size (style);
  cr = _ps_render_measure_context ();
  if (time_axis (recorder, style, width, &ax))
    {
      PanelLayout l;

      panel_layout (cr, recorder, frame, style, &ax, &l);
      if (l.n > 0)
        need = l.fixed + l.n * panel_h;
    }
  if (style->curves & PS_CURVE_DISCHARGE)
    need = MAX (need, MAX (round (fs * 0.3) + header_line_height (style),
                           style->legend_inset > 0 ? style->legend_inset_h : 0.0) +
                      panel_h + round (fs * 2.0));
  cairo_destroy (cr);
  return ceil (need);
}

guint
ps_render_curves_panels (PsRecorder          *recorder,
                         const PsFrame       *frame,
                         const PsRenderStyle *style,
                         double               width,
                         double               height,
                         double              *boxes,
                         guint                max_boxes)
{
  double fs;
  TimeAxis ax;
  guint n = 0;
  cairo_t *cr;

  g_return_val_if_fail (style != NULL, 0);

  fs = font_size (style);
  cr = _ps_render_measure_context ();
  /* the same arithmetic as draw_time_panels and draw_discharge */
  if (time_axis (recorder, style, width, &ax))
    {
      PanelLayout l;
      double y, ph;

      panel_layout (cr, recorder, frame, style, &ax, &l);
      ph = l.n > 0 ? MAX (fs, (height - l.fixed) / l.n) : 0.0;
      y = l.top;
      for (guint k = 0; k < l.n; k++)
        {
          if (n < max_boxes)
            {
              boxes[4 * n + 0] = ax.x0;
              boxes[4 * n + 1] = round (y + l.lines[k] * l.lh);
              boxes[4 * n + 2] = ax.w;
              boxes[4 * n + 3] = round (ph);
            }
          n++;
          y += l.lines[k] * l.lh + ph + l.gap;
        }
    }
  if (style->curves & PS_CURVE_DISCHARGE)
    {
      double tw = time_area_width (style, width);
      double px = tw + round (fs * 4.6), pw = width - px - round (fs * 1.2);
      double py = MAX (round (fs * 0.3) + header_line_height (style),
                       style->legend_inset > 0 ? style->legend_inset_h : 0.0);
      double ph = height - py - round (fs * 2.0);

      if (pw >= 10 && ph >= 10)
        {
          if (n < max_boxes)
            {
              boxes[4 * n + 0] = px;
              boxes[4 * n + 1] = py;
              boxes[4 * n + 2] = pw;
              boxes[4 * n + 3] = ph;
            }
          n++;
        }
    }
  cairo_destroy (cr);
  return n;
}
