/* ps-render-layout.c: the pack layout, every cell coloured by a quantity
 *
 * Drawn in one pass over the frame's arrays: values are quantised to the 256
 * entries of the colour map, cells are bucketed by colour (a counting sort
 * into a per-thread scratch buffer, no per-cell allocation) and each bucket
 * is filled as one cairo path, so a 7,104-cell pack is 256 fills at most.
 */
#include "config.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "ps-render-private.h"

#define N_BINS 257        /* 256 colours + one for cells without a value */
#define NAN_BIN 256

typedef struct
{
  const char   *title;
  const char   *unit;
  double        min_span;  /* smallest colour-bar span, display units */
  PsColormapId  map;
  gboolean      symmetric; /* centred on 0 */
} QuantityInfo;

static void
quantity_info (const PsRenderStyle *style,
               PsQuantity           q,
               QuantityInfo        *info)
{
  memset (info, 0, sizeof *info);
  switch (q)
    {
    case PS_QUANTITY_VOLTAGE:
      *info = (QuantityInfo) { "Cell voltage", "V", 0.01, PS_COLORMAP_VIRIDIS, FALSE };
      break;
    case PS_QUANTITY_CURRENT:
      *info = (QuantityInfo) { "Cell current", "A", 0.1, PS_COLORMAP_VIRIDIS, FALSE };
      break;
    case PS_QUANTITY_TEMPERATURE:
      *info = (QuantityInfo) { "Cell temperature",
                               style->temp_unit == PS_TEMP_UNIT_KELVIN ? "K" : "°C",
                               1.0, PS_COLORMAP_INFERNO, FALSE };
      break;
    case PS_QUANTITY_DEVIATION:
      *info = (QuantityInfo) { "Voltage deviation from the pack mean", "mV", 2.0,
                               PS_COLORMAP_DIVERGING, TRUE };
      break;
    case PS_QUANTITY_HEAT:
      *info = (QuantityInfo) { "Cell heat generation", "W", 0.01, PS_COLORMAP_INFERNO, FALSE };
      break;
    case PS_QUANTITY_BALANCING:
      *info = (QuantityInfo) { "Balancing (bleed) current", "mA", 1.0, PS_COLORMAP_INFERNO, FALSE };
      break;
    case PS_QUANTITY_SOC:
    case PS_N_QUANTITIES:
    default:
      *info = (QuantityInfo) { "State of charge", "%", 1.0, PS_COLORMAP_VIRIDIS, FALSE };
      break;
    }
  if (style->colormap >= 0 && style->colormap < PS_N_COLORMAPS)
    info->map = style->colormap;
}

/* The values of the quantity in display units, into out[n_cells];
 * non-finite inputs stay NaN. Returns the mean cell voltage (for the
 * deviation) via *mean_v. */
static void
quantity_values (const PsFrame       *frame,
                 const PsRenderStyle *style,
                 PsQuantity           q,
                 double              *out)
{
  guint n = frame->n_cells;
  const double *src = NULL;
  double scale = 1.0, offset = 0.0;

  switch (q)
    {
    case PS_QUANTITY_VOLTAGE:
      src = frame->cell_voltage_v;
      break;
    case PS_QUANTITY_CURRENT:
      src = frame->cell_current_a;
      break;
    case PS_QUANTITY_TEMPERATURE:
      src = frame->cell_temp_k;
      if (style->temp_unit != PS_TEMP_UNIT_KELVIN)
        offset = -273.15;
      break;
    case PS_QUANTITY_HEAT:
      src = frame->cell_heat_w;
      break;
    case PS_QUANTITY_BALANCING:
      src = frame->cell_bleed_a;
      scale = 1000.0;
      break;
    case PS_QUANTITY_DEVIATION:
      {
        double sum = 0.0;
        guint m = 0;

        src = frame->cell_voltage_v;
        for (guint i = 0; i < n; i++)
          if (isfinite (src[i]))
            {
              sum += src[i];
              m++;
            }
        offset = m > 0 ? -1000.0 * sum / m : 0.0;
        scale = 1000.0;
      }
      break;
    case PS_QUANTITY_SOC:
    case PS_N_QUANTITIES:
    default:
      src = frame->cell_soc;
      scale = 100.0;
      break;
    }

  if (src == NULL)
    {
      for (guint i = 0; i < n; i++)
        out[i] = NAN;
      return;
    }
  for (guint i = 0; i < n; i++)
    out[i] = src[i] * scale + offset;   /* NaN stays NaN */
}

#define CONTENT_MARGIN 6.0

/* The bounding box of the cells and modules: what the view fits to when
 * the pack's outline (an enclosure around them) would make them small */
static PsRect
content_bounds (const PsPackInfo *pack)
{
  double x0 = INFINITY, y0 = INFINITY, x1 = -INFINITY, y1 = -INFINITY;
  PsRect r = pack->bounds;

  for (guint i = 0; i < pack->n_cells; i++)
    {
      x0 = MIN (x0, pack->cell_x[i] - 0.5 * pack->cell_w[i]);
      x1 = MAX (x1, pack->cell_x[i] + 0.5 * pack->cell_w[i]);
      y0 = MIN (y0, pack->cell_y[i] - 0.5 * pack->cell_h[i]);
      y1 = MAX (y1, pack->cell_y[i] + 0.5 * pack->cell_h[i]);
    }
  for (guint m = 0; m < pack->n_modules; m++)
    {
      const PsRect *mr = &pack->module_rect[m];

      x0 = MIN (x0, mr->x);
      x1 = MAX (x1, mr->x + mr->w);
      y0 = MIN (y0, mr->y);
      y1 = MAX (y1, mr->y + mr->h);
    }
  if (isfinite (x0) && x1 > x0 && y1 > y0)
    {
      r.x = x0;
      r.y = y0;
      r.w = x1 - x0;
      r.h = y1 - y0;
    }
  return r;
}

void
ps_render_view_transform (const PsPack        *pack_ref,
                          const PsRenderStyle *style,
                          double               width,
                          double               height,
                          PsViewTransform     *out)
{
  const PsPackInfo *pack = ps_pack_get_info (pack_ref);
  double fs = style->font_size > 0 ? style->font_size : 12.0;
  double header = round (fs * 2.1);
  PsRect fit_box;
  double zoom, fit, fit_all, fit_content;
  PsRect content;

  memset (out, 0, sizeof *out);
  out->plot_x = _PS_RENDER_MARGIN;
  out->plot_y = header;
  out->plot_w = MAX (1.0, width - _ps_render_colorbar_region (style) - _PS_RENDER_MARGIN);
  /* under the plot, the legend row (_ps_render_legend_row) */
  out->plot_h = MAX (1.0, height - header - _ps_render_legend_row_height (style));

  if (pack == NULL)
    {
      out->scale = 1.0;
      return;
    }

  /* the whole pack, outline included, unless that shrinks its cells by
   * more than a fifth: then the cells and modules fill the plot and the
   * outline runs past its edges */
  fit_box = pack->bounds;
  if (fit_box.w <= 0)
    fit_box.w = 1.0;
  if (fit_box.h <= 0)
    fit_box.h = 1.0;
  fit_all = MIN (out->plot_w / fit_box.w, out->plot_h / fit_box.h);
  content = content_bounds (pack);
  /* (a margin round the cells, for their markers and module outlines) */
  fit_content = content.w > 0 && content.h > 0 ?
                MIN (MAX (1.0, out->plot_w - 2 * CONTENT_MARGIN) / content.w,
                     MAX (1.0, out->plot_h - 2 * CONTENT_MARGIN) / content.h) : fit_all;
  fit = fit_all;
  if (fit_all < 0.8 * fit_content)
    {
      fit_box = content;
      fit = fit_content;
    }
  zoom = style->zoom > 0 && isfinite (style->zoom) ? style->zoom : 1.0;
  out->scale = fit * zoom;

  /* the centre of what is fitted at the centre of the plot area, then
   * panned */
  out->offset_x = out->plot_x + 0.5 * out->plot_w + style->pan_x
                  - out->scale * (fit_box.x + 0.5 * fit_box.w);
  out->offset_y = out->plot_y + 0.5 * out->plot_h + style->pan_y
                  + out->scale * (fit_box.y + 0.5 * fit_box.h);
}

/* The inset, in view units, that leaves a background gap between cells that
 * touch in the pack, so each cell stays a distinct blob at any size. */
static double
cell_inset (double size_px)
{
  return MIN (1.0, 0.12 * size_px);
}

static void
cell_path (cairo_t               *cr,
           const PsPackInfo      *pack,
           const PsViewTransform *tr,
           guint                  i,
           double                 grow)
{
  double cx = _ps_view_x (tr, pack->cell_x[i]);
  double cy = _ps_view_y (tr, pack->cell_y[i]);
  double w = pack->cell_w[i] * tr->scale;
  double h = pack->cell_h[i] * tr->scale;

  if (pack->cell_shape == PS_CELL_SHAPE_CYLINDRICAL)
    {
      double d = MIN (w, h);
      double r = 0.5 * d - cell_inset (d) + grow;

      cairo_new_sub_path (cr);
      cairo_arc (cr, cx, cy, MAX (r, 0.3), 0, 2 * G_PI);
    }
  else
    {
      double in = cell_inset (MIN (w, h)) - grow;

      cairo_rectangle (cr, cx - 0.5 * w + in, cy - 0.5 * h + in,
                       MAX (w - 2 * in, 0.6), MAX (h - 2 * in, 0.6));
    }
}

static gboolean
cell_in_box (const PsPackInfo      *pack,
             const PsViewTransform *tr,
             guint                  i,
             double                 x,
             double                 y,
             double                 w,
             double                 h)
{
  double cx = _ps_view_x (tr, pack->cell_x[i]);
  double cy = _ps_view_y (tr, pack->cell_y[i]);
  double hw = 0.5 * pack->cell_w[i] * tr->scale;
  double hh = 0.5 * pack->cell_h[i] * tr->scale;

  return cx + hw > x && cx - hw < x + w && cy + hh > y && cy - hh < y + h;
}

/* Whether a label box (view units) would cover any part of a cell. With
 * modules, only the cells of modules whose outline (plus a cell's size)
 * meets the box are looked at. */
static gboolean
box_hides_a_cell (const PsPackInfo      *pack,
                  const PsViewTransform *tr,
                  double                 x,
                  double                 y,
                  double                 w,
                  double                 h)
{
  gboolean by_module = pack->n_modules > 0 && pack->module_rect != NULL &&
                       pack->group_module != NULL && pack->n_parallel > 0 &&
                       pack->n_series * pack->n_parallel == pack->n_cells;

  if (!by_module)
    {
      for (guint i = 0; i < pack->n_cells; i++)
        if (cell_in_box (pack, tr, i, x, y, w, h))
          return TRUE;
      return FALSE;
    }

  for (guint g = 0; g < pack->n_series; g++)
    {
      guint m = pack->group_module[g];
      const PsRect *r;
      double margin, rx, ry;
      guint first = g * pack->n_parallel;

      if (m >= pack->n_modules)
        m = 0;
      r = &pack->module_rect[m];
      /* a cell may stick out of its module's outline by its own size */
      margin = MAX (pack->cell_w[first], pack->cell_h[first]) * tr->scale;
      rx = _ps_view_x (tr, r->x);
      ry = _ps_view_y (tr, r->y + r->h);
      if (rx - margin > x + w || rx + r->w * tr->scale + margin < x ||
          ry - margin > y + h || ry + r->h * tr->scale + margin < y)
        continue;
      for (guint p = 0; p < pack->n_parallel; p++)
        if (cell_in_box (pack, tr, first + p, x, y, w, h))
          return TRUE;
    }
  return FALSE;
}

/* TRUE if the segment (ax, ay)-(bx, by) passes through the box
 * (Liang-Barsky clipping) */
static gboolean
segment_meets_box (double ax,
                   double ay,
                   double bx,
                   double by,
                   double x,
                   double y,
                   double w,
                   double h)
{
  double dx = bx - ax, dy = by - ay, t0 = 0.0, t1 = 1.0;
  double p[4] = { -dx, dx, -dy, dy };
  double q[4] = { ax - x, x + w - ax, ay - y, y + h - ay };

  for (guint k = 0; k < 4; k++)
    {
      if (p[k] == 0.0)
        {
          if (q[k] < 0.0)
            return FALSE;
          continue;
        }
      if (p[k] < 0.0)
        t0 = MAX (t0, q[k] / p[k]);
      else
        t1 = MIN (t1, q[k] / p[k]);
      if (t0 > t1)
        return FALSE;
    }
  return TRUE;
}

/* TRUE if the pack's outline runs through the view box (a label there
 * would sit on the line) */
static gboolean
box_meets_outline (const PsPackInfo      *pack,
                   const PsViewTransform *tr,
                   double                 x,
                   double                 y,
                   double                 w,
                   double                 h)
{
  for (guint i = 0; i < pack->n_outline; i++)
    {
      guint j = (i + 1) % pack->n_outline;

      if (segment_meets_box (_ps_view_x (tr, pack->outline_xy[2 * i]),
                             _ps_view_y (tr, pack->outline_xy[2 * i + 1]),
                             _ps_view_x (tr, pack->outline_xy[2 * j]),
                             _ps_view_y (tr, pack->outline_xy[2 * j + 1]),
                             x - 1, y - 1, w + 2, h + 2))
        return TRUE;
    }
  return FALSE;
}

/* A place for a module's name that hides no cell: inside its top-left
 * corner, just above it or just below it; FALSE if none (then the name is
 * left out, e.g. for the packed modules of a large pack at full view; it
 * shows when zoomed). */
static gboolean
place_module_label (const PsPackInfo      *pack,
                    const PsViewTransform *tr,
                    const PsRect          *r,
                    double                 lw,
                    double                 lh,
                    double                *lx,
                    double                *ly)
{
  double x0 = _ps_view_x (tr, r->x);
  double top = _ps_view_y (tr, r->y + r->h);
  double bottom = _ps_view_y (tr, r->y);
  double cand[3][2] = {
    { x0 + 2, top + 2 },
    { x0 + 2, top - lh - 1 },
    { x0 + 2, bottom + 1 },
  };

  for (guint k = 0; k < G_N_ELEMENTS (cand); k++)
    {
      double x = cand[k][0], y = cand[k][1];

      if (x < tr->plot_x || y < tr->plot_y ||
          x + lw > tr->plot_x + tr->plot_w || y + lh > tr->plot_y + tr->plot_h)
        continue;
      if (box_hides_a_cell (pack, tr, x, y, lw, lh) ||
          box_meets_outline (pack, tr, x, y, lw, lh))
        continue;
      *lx = x;
      *ly = y;
      return TRUE;
    }
  return FALSE;
}

static gboolean
pack_is_drawable (const PsFrame *frame)
{
  const PsPackInfo *pack = frame ? ps_pack_get_info (frame->pack) : NULL;

  return pack != NULL && pack->n_cells > 0 && frame->n_cells == pack->n_cells &&
         pack->cell_x != NULL && pack->cell_y != NULL &&
         pack->cell_w != NULL && pack->cell_h != NULL;
}

static void
draw_message (cairo_t             *cr,
              const PsRenderStyle *style,
              double               width,
              double               height,
              const char          *text)
{
  cairo_save (cr);
  _ps_render_set_font (cr, style, 1.0, FALSE);
  _ps_render_set_rgba (cr, style->fg, 0.7);
  _ps_render_text (cr, width / 2, height / 2, 0.5, 0.5, text);
  cairo_restore (cr);
}

/* Restricts drawing to what lies outside every cell other than @cell: a
 * box around @cell, reach px wide, with the filled shapes of the cells in it
 * cut out (even-odd; the drawn shapes never overlap). A marker drawn under
 * this clip can use the gaps around its cell but never covers another
 * cell's colour. */
static void
clip_out_other_cells (cairo_t               *cr,
                      const PsPackInfo      *pack,
                      const PsViewTransform *tr,
                      guint                  cell,
                      double                 reach)
{
  double cx = _ps_view_x (tr, pack->cell_x[cell]);
  double cy = _ps_view_y (tr, pack->cell_y[cell]);
  double hw = 0.5 * pack->cell_w[cell] * tr->scale + reach;
  double hh = 0.5 * pack->cell_h[cell] * tr->scale + reach;

  cairo_new_path (cr);
  cairo_rectangle (cr, cx - hw, cy - hh, 2 * hw, 2 * hh);
  for (guint i = 0; i < pack->n_cells; i++)
    if (i != cell && cell_in_box (pack, tr, i, cx - hw, cy - hh, 2 * hw, 2 * hh))
      cell_path (cr, pack, tr, i, 0.0);
  cairo_set_fill_rule (cr, CAIRO_FILL_RULE_EVEN_ODD);
  cairo_clip (cr);
  cairo_set_fill_rule (cr, CAIRO_FILL_RULE_WINDING);
  cairo_new_path (cr);
}

/* An outline hugging a cell's filled shape from outside: a line of @width px
 * in @rgb (dashed if asked) right at the cell's edge, with a halo of the
 * background colour outside it, both clipped out of the other cells, so
 * they show in the gaps and around the pack's edge and never hide another
 * cell's colour (nor the marked cell's own). */
static void
draw_ring (cairo_t               *cr,
           const PsRenderStyle   *style,
           const PsPackInfo      *pack,
           const PsViewTransform *tr,
           guint                  cell,
           const double          *rgb,
           double                 alpha,
           double                 width,
           double                 halo,
           gboolean               dashed)
{
  static const double dash[] = { 3.0, 2.0 };

  cairo_save (cr);
  clip_out_other_cells (cr, pack, tr, cell, width + halo + 1.0);
  if (halo > 0)
    {
      cell_path (cr, pack, tr, cell, 0.5 * (width + halo));
      _ps_render_set_rgba (cr, style->bg, 1.0);
      cairo_set_line_width (cr, width + halo);
      cairo_stroke (cr);
    }
  cell_path (cr, pack, tr, cell, 0.5 * width);
  if (rgb != NULL)
    cairo_set_source_rgba (cr, rgb[0], rgb[1], rgb[2], alpha);
  else
    _ps_render_set_rgba (cr, style->fg, alpha);
  cairo_set_line_width (cr, width);
  if (dashed)
    cairo_set_dash (cr, dash, 2, 0);
  cairo_stroke (cr);
  cairo_restore (cr);
}

/* An extreme cell: a ring hugging it from outside (dashed for the minimum)
 * with a halo in the background colour, readable on any cell colour; where
 * the cell is large enough, an inner contrasting line too, inside its own
 * edge, that leaves most of its colour showing */
static void
draw_marker (cairo_t               *cr,
             const PsRenderStyle   *style,
             const PsPackInfo      *pack,
             const PsViewTransform *tr,
             guint                  cell,
             gboolean               dashed,
             const char            *label)
{
  double fs = style->font_size > 0 ? style->font_size : 12.0;
  double w = pack->cell_w[cell] * tr->scale;
  double h = pack->cell_h[cell] * tr->scale;

  /* a tiny cell (an 18650 in a large pack) only has the small gaps between
   * its neighbours for a ring: wider, so that more of them show, and
   * solid, as dashes would not read at that size (the header says which
   * cell is which) */
  if (MIN (w, h) < 8.0)
    draw_ring (cr, style, pack, tr, cell, NULL, 1.0, 3.0, 2.0, FALSE);
  else
    draw_ring (cr, style, pack, tr, cell, NULL, 1.0, 2.0, 2.0, dashed);
  if (MIN (w, h) >= 10.0)
    {
      /* a thin line of the background colour just inside the edge */
      cairo_save (cr);
      cairo_new_path (cr);
      cell_path (cr, pack, tr, cell, -0.5);
      _ps_render_set_rgba (cr, style->bg, 1.0);
      cairo_set_line_width (cr, 1.0);
      cairo_stroke (cr);
      cairo_restore (cr);
    }

  if (label != NULL)
    {
      double tw = _ps_render_text_width (cr, label);
      double cx = _ps_view_x (tr, pack->cell_x[cell]);
      double cy = _ps_view_y (tr, pack->cell_y[cell]);
      double hw = 0.5 * w;
      double lh = 0.8 * fs;
      double hh = 0.5 * h;
      double lx = cx - 0.5 * tw, ly = cy - 0.5 * lh;

      /* inside the cell only, with its colour showing around it: beside
       * it, it would hide other cells (the header always carries the
       * values) */
      if (tw + 10 > 2 * hw || lh + 10 > 2 * hh)
        return;
      cairo_rectangle (cr, lx - 2, ly - 2, tw + 4, lh + 4);
      _ps_render_set_rgba (cr, style->bg, 0.85);
      cairo_fill (cr);
      _ps_render_set_rgba (cr, style->fg, 1.0);
      _ps_render_text (cr, lx, ly, 0.0, 0.0, label);
    }
}

/* ---------------------------------------------------------------------- */
/* The raster path for pixel targets
 *
 * On an image surface (or a recording surface, which GTK replays onto one)
 * the cells are scan-converted here, analytically anti-aliased, straight
 * into a device-resolution buffer: coverage of a circle is its signed
 * distance, of a rectangle the product of its overlaps. That is exact at
 * every zoom (no bitmap is ever scaled), and an order of magnitude faster
 * than cairo's general polygon filler for thousands of small cells. Vector
 * targets (PDF, SVG, PostScript) and rotated or skewed transforms take the
 * cairo path instead, which draws the same shapes. */

#define CHANNELS_MASK G_GUINT64_CONSTANT (0x00ff00ff00ff00ff)

/* ARGB to four 16-bit lanes (b, r, g, a) and back */
static inline guint64
spread_channels (guint32 p)
{
  return ((guint64) p | ((guint64) p << 24)) & CHANNELS_MASK;
}

static inline guint32
pack_channels (guint64 t)
{
  return (guint32) (t | (t >> 24));
}

static inline guint64
scale_channels (guint64 s,
                guint   a)
{
  guint64 t = s * a + G_GUINT64_CONSTANT (0x0080008000800080);

  return ((t + ((t >> 8) & CHANNELS_MASK)) >> 8) & CHANNELS_MASK;
}

static inline void
blend_pixel_u8 (guint32 *p,
                guint32  colour,
                guint    ai)
{
  if (ai == 0)
    return;
  if (ai == 255)
    {
      *p = 0xff000000u | colour;
      return;
    }
  /* premultiplied OVER with an opaque source of alpha ai / 255, rounded as
   * _ps_render_scale_pixel rounds each term, all four channels of a term in
   * one 64-bit multiplication (16 bits a channel; the two rounded terms of
   * a channel never sum past 255) */
  *p = pack_channels (scale_channels (spread_channels (0xff000000u | colour), ai) +
                      scale_channels (spread_channels (*p), 255 - ai));
}

static inline void
blend_pixel (guint32 *p,
             guint32  colour,
             double   a)
{
  blend_pixel_u8 (p, colour, (guint) (a * 255.0 + 0.5));
}

/* Coverage stamps of one disc radius at STAMP_PHASES x STAMP_PHASES
 * sub-pixel positions of its centre: most packs have cells of one size, so
 * each cell is then a table walk (no square roots); an 1/8 px position step
 * is invisible. Kept per thread, rebuilt when the radius changes. */
#define STAMP_PHASES   8
#define STAMP_MAX_HALF 16

typedef struct
{
  double  radius;        /* buffer pixels */
  int     half;          /* stamp covers [-half, half] pixels around the base */
  int     size;          /* 2 * half + 1 */
  guint8 *spans;         /* [phase_y][phase_x][size][4]: per row the first
                          * covered column, the first and end of the fully
                          * covered run, the end of the covered columns */
  guint8  cov[];         /* [phase_y][phase_x][size][size] */
} DiscStamps;

static const DiscStamps *
disc_stamps (double radius)
{
  int half = (int) ceil (radius + 1.0);
  int size = 2 * half + 1;
  gsize n = (gsize) STAMP_PHASES * STAMP_PHASES * size * size;
  gsize n_spans = (gsize) STAMP_PHASES * STAMP_PHASES * size * 4;
  DiscStamps *st;

  if (half > STAMP_MAX_HALF)
    return NULL;
  st = _ps_render_scratch (_PS_SCRATCH_LAYOUT_STAMPS, sizeof (DiscStamps) + n + n_spans);
  if (st->radius == radius && st->half == half)
    return st;

  st->radius = radius;
  st->half = half;
  st->size = size;
  st->spans = st->cov + n;
  for (int fy = 0; fy < STAMP_PHASES; fy++)
    for (int fx = 0; fx < STAMP_PHASES; fx++)
      {
        gsize phase = (gsize) fy * STAMP_PHASES + fx;
        guint8 *c = st->cov + phase * size * size;
        /* the centre's offset inside its base pixel */
        double ox = (fx + 0.5) / STAMP_PHASES, oy = (fy + 0.5) / STAMP_PHASES;

        for (int v = 0; v < size; v++)
          {
            guint8 *row = c + v * size;
            guint8 *sp = st->spans + (phase * size + v) * 4;
            int u0 = size, u1 = 0, s0 = size, s1 = 0;

            for (int u = 0; u < size; u++)
              {
                double px = u - half + 0.5 - ox, py = v - half + 0.5 - oy;
                double a = radius + 0.5 - sqrt (px * px + py * py);

                row[u] = (guint8) (CLAMP (a, 0.0, 1.0) * 255.0 + 0.5);
                if (row[u] != 0)
                  {
                    u0 = MIN (u0, u);
                    u1 = u + 1;
                  }
                if (row[u] == 255)
                  {
                    s0 = MIN (s0, u);
                    s1 = u + 1;
                  }
              }
            if (u0 >= u1)
              u0 = u1 = s0 = s1 = 0;
            else if (s0 >= s1)
              s0 = s1 = u1;              /* no full pixel: all edge */
            else
              {
                /* a disc's full pixels are one run; anything else is
                 * walked pixel by pixel */
                for (int u = s0; u < s1; u++)
                  if (row[u] != 255)
                    {
                      s0 = s1 = u1;
                      break;
                    }
              }
            sp[0] = (guint8) u0;
            sp[1] = (guint8) s0;
            sp[2] = (guint8) s1;
            sp[3] = (guint8) u1;
          }
      }
  return st;
}

/* One anti-aliased edge pixel of a cell over whatever the buffer holds */
static inline void
stamp_pixel (guint32 *p,
             guint32  colour,
             guint32  solid,
             guint    a)
{
  if (a == 0)
    return;
  if (a == 255 || *p == 0)
    {
      /* alone on an empty pixel: premultiplied colour at alpha a */
      *p = a == 255 ? solid : _ps_render_scale_pixel (solid, a);
      return;
    }
  blend_pixel_u8 (p, colour, a);
}

static void
stamp_disc (guint32          *data,
            int               stride,
            int               ow,
            int               oh,
            const DiscStamps *st,
            double            cx,
            double            cy,
            guint32           colour)
{
  int bx = (int) floor (cx), by = (int) floor (cy);
  int fx = CLAMP ((int) ((cx - bx) * STAMP_PHASES), 0, STAMP_PHASES - 1);
  int fy = CLAMP ((int) ((cy - by) * STAMP_PHASES), 0, STAMP_PHASES - 1);
  gsize phase = (gsize) fy * STAMP_PHASES + fx;
  const guint8 *c = st->cov + phase * st->size * st->size;
  const guint8 *spans = st->spans + phase * st->size * 4;
  guint32 solid = 0xff000000u | colour;
  int left = bx - st->half;
  gboolean inside_x = left >= 0 && left + st->size <= ow;

  for (int v = 0; v < st->size; v++)
    {
      int y = by - st->half + v;
      const guint8 *cv = c + v * st->size, *sp = spans + v * 4;
      guint32 *row;

      if (y < 0 || y >= oh || sp[0] >= sp[3])
        continue;
      row = data + (gsize) y * stride + left;
      if (inside_x)
        {
          /* edge pixels, the fully covered run, edge pixels */
          for (int u = sp[0]; u < sp[1]; u++)
            stamp_pixel (&row[u], colour, solid, cv[u]);
          for (int u = sp[1]; u < sp[2]; u++)
            row[u] = solid;
          for (int u = sp[2]; u < sp[3]; u++)
            stamp_pixel (&row[u], colour, solid, cv[u]);
        }
      else
        {
          for (int u = sp[0]; u < sp[3]; u++)
            if (left + u >= 0 && left + u < ow)
              stamp_pixel (&row[u], colour, solid, cv[u]);
        }
    }
}

/* The series path: a thin line through the group centres in series order,
 * under the cells, so it shows in the gaps and never hides a cell */
static gboolean
has_series_path (const PsPackInfo *pack)
{
  return pack->n_series > 1 && pack->n_parallel > 0 &&
         pack->n_series * pack->n_parallel == pack->n_cells;
}

static void
draw_series_path (cairo_t               *cr,
                  const PsPackInfo      *pack,
                  const PsViewTransform *tr,
                  const PsRenderStyle   *style)
{
  if (!has_series_path (pack))
    return;

  for (guint g = 0; g < pack->n_series; g++)
    {
      double sx = 0, sy = 0;

      for (guint p = 0; p < pack->n_parallel; p++)
        {
          sx += pack->cell_x[g * pack->n_parallel + p];
          sy += pack->cell_y[g * pack->n_parallel + p];
        }
      sx /= pack->n_parallel;
      sy /= pack->n_parallel;
      if (g == 0)
        cairo_move_to (cr, _ps_view_x (tr, sx), _ps_view_y (tr, sy));
      else
        cairo_line_to (cr, _ps_view_x (tr, sx), _ps_view_y (tr, sy));
    }
  cairo_set_line_width (cr, 1.0);
  cairo_set_line_join (cr, CAIRO_LINE_JOIN_ROUND);
  _ps_render_set_rgba (cr, style->fg, 0.35);
  cairo_stroke (cr);
}

static void
draw_module_outlines (cairo_t               *cr,
                      const PsPackInfo      *pack,
                      const PsViewTransform *tr,
                      const PsRenderStyle   *style)
{
  if (pack->n_modules == 0 || pack->module_rect == NULL)
    return;

  cairo_set_line_width (cr, 1.0);
  _ps_render_set_rgba (cr, style->fg, 0.45);
  for (guint m = 0; m < pack->n_modules; m++)
    {
      const PsRect *r = &pack->module_rect[m];

      cairo_rectangle (cr, _ps_view_x (tr, r->x), _ps_view_y (tr, r->y + r->h),
                       r->w * tr->scale, r->h * tr->scale);
    }
  cairo_stroke (cr);
}

/* The parts of the raster that do not change from frame to frame (they
 * depend on the pack's geometry, the view and the foreground colour only):
 * the series path under the cells and the module outlines over them, as
 * sparse lists of premultiplied buffer pixels, drawn once with cairo into
 * a scratch surface of the buffer's size. A frame then writes the few
 * thousand pixels of each instead of stroking two long paths (compositing
 * is associative: the layer over the cells over the layer over the target
 * is the same picture as drawing them in turn onto the target). */
typedef struct
{
  /* key */
  const PsPackInfo *pack;
  guint           n_cells;
  double          geometry_sum;
  PsViewTransform tr;
  PsRasterGeometry rg;
  double          fg[4];
  cairo_antialias_t antialias;

  PsSparseLayer   under, over;
  /* the cells in raster order (by row of their centre pixel, then column),
   * so consecutive cells write neighbouring memory */
  guint32        *order;
} LayoutCache;

void
_ps_render_layout_cache_free (gpointer data)
{
  LayoutCache *c = data;

  if (c == NULL)
    return;
  _ps_render_sparse_layer_clear (&c->under);
  _ps_render_sparse_layer_clear (&c->over);
  g_free (c->order);
  g_free (c);
}

static int
compare_u64 (const void *a,
             const void *b)
{
  guint64 x = *(const guint64 *) a, y = *(const guint64 *) b;

  return (x > y) - (x < y);
}

static const LayoutCache *
layout_cache_get (cairo_t               *cr,
                  const PsPackInfo      *pack,
                  const PsViewTransform *tr,
                  const PsRenderStyle   *style,
                  const PsRasterGeometry *rg)
{
  gpointer *slot = _ps_render_layout_cache_slot ();
  LayoutCache *c = *slot;
  double gsum = _ps_render_geometry_sum (pack);
  cairo_antialias_t aa = cairo_get_antialias (cr);
  cairo_surface_t *layer;
  cairo_t *lc;

  if (c != NULL && c->pack == pack && c->n_cells == pack->n_cells &&
      c->geometry_sum == gsum && c->antialias == aa &&
      memcmp (&c->tr, tr, sizeof *tr) == 0 && memcmp (&c->rg, rg, sizeof *rg) == 0 &&
      memcmp (c->fg, style->fg, sizeof c->fg) == 0)
    return c;

  _ps_render_layout_cache_free (c);
  c = g_new0 (LayoutCache, 1);
  *slot = c;
  c->pack = pack;
  c->n_cells = pack->n_cells;
  c->geometry_sum = gsum;
  c->tr = *tr;
  c->rg = *rg;
  memcpy (c->fg, style->fg, sizeof c->fg);
  c->antialias = aa;

  layer = _ps_render_layer_new (rg, CAIRO_FORMAT_ARGB32);
  lc = _ps_render_layer_context (cr, layer, tr, TRUE);
  draw_series_path (lc, pack, tr, style);
  cairo_destroy (lc);
  _ps_render_sparse_layer_take (&c->under, layer);

  /* the module outlines on a clear layer, with the round joins the series
   * path leaves set for what follows it */
  lc = cairo_create (layer);
  cairo_set_operator (lc, CAIRO_OPERATOR_CLEAR);
  cairo_paint (lc);
  cairo_destroy (lc);
  lc = _ps_render_layer_context (cr, layer, tr, TRUE);
  if (has_series_path (pack))
    cairo_set_line_join (lc, CAIRO_LINE_JOIN_ROUND);
  draw_module_outlines (lc, pack, tr, style);
  cairo_destroy (lc);
  _ps_render_sparse_layer_take (&c->over, layer);

  c->order = g_new (guint32, MAX (pack->n_cells, 1u));
  for (guint i = 0; i < pack->n_cells; i++)
    c->order[i] = i;
  if (pack->n_cells < (1u << 24))
    {
      g_autofree guint64 *keys = g_new (guint64, MAX (pack->n_cells, 1u));

      for (guint i = 0; i < pack->n_cells; i++)
        {
          double cx = (_ps_view_x (tr, pack->cell_x[i]) * rg->s + rg->dx) * rg->ds - rg->ox;
          double cy = (_ps_view_y (tr, pack->cell_y[i]) * rg->s + rg->dy) * rg->ds - rg->oy;
          guint64 ky = (guint64) CLAMP (floor (cy) + 65536.0, 0.0, 1048575.0);
          guint64 kx = (guint64) CLAMP (floor (cx) + 65536.0, 0.0, 1048575.0);

          keys[i] = (ky << 44) | (kx << 24) | i;
        }
      qsort (keys, pack->n_cells, sizeof (guint64), compare_u64);
      for (guint i = 0; i < pack->n_cells; i++)
        c->order[i] = (guint32) (keys[i] & 0xffffff);
    }
  cairo_surface_destroy (layer);
  return c;
}

/* A layer over the pixels of a buffer or target of the given stride (the
 * layer's pixel indices are for rows of ow) */
static void
composite_layer (guint32             *data,
                 int                  stride,
                 int                  ow,
                 const PsSparseLayer *l)
{
  gsize row = 0, row_end = ow;

  for (gsize j = 0; j < l->n; j++)
    {
      /* the list is in raster order */
      while (l->off[j] >= row_end)
        {
          row++;
          row_end += ow;
        }
      _ps_render_over_pixel (&data[row * stride + (l->off[j] - (row_end - ow))], l->px[j]);
    }
}

/* The cells, with the series path under them and the module outlines over
 * them, straight onto an image target or into a buffer of device pixels
 * painted once */
static void
raster_cells (cairo_t               *cr,
              const PsPackInfo      *pack,
              const PsViewTransform *tr,
              const PsRenderStyle   *style,
              const PsRasterGeometry *rg,
              const double          *bins,
              const guint32         *table)
{
  const LayoutCache *lc = layout_cache_get (cr, pack, tr, style, rg);
  double s = rg->s, dx = rg->dx, dy = rg->dy, ds = rg->ds, k = rg->k;
  int ox = rg->ox, oy = rg->oy, ow = rg->ow, oh = rg->oh, stride = ow;
  guint32 *data;
  gboolean round_cells = pack->cell_shape == PS_CELL_SHAPE_CYLINDRICAL;
  const DiscStamps *stamps = NULL;
  /* straight onto an image target if it can be, else into a buffer */
  gboolean direct;

  data = _ps_render_target_pixels (cr, rg, &stride);
  direct = data != NULL;
  if (!direct)
    {
      stride = ow;
      data = _ps_render_scratch (_PS_SCRATCH_LAYOUT_RASTER, (gsize) ow * oh * 4);
      memset (data, 0, (gsize) ow * oh * 4);
    }
  composite_layer (data, stride, ow, &lc->under);

  for (guint j = 0; j < pack->n_cells; j++)
    {
      guint i = lc->order[j];
      int bin = (int) bins[i];
      guint32 colour = bin == NAN_BIN ? 0x999999u : table[bin];
      /* centre and half sizes in buffer pixels */
      double cx = (_ps_view_x (tr, pack->cell_x[i]) * s + dx) * ds - ox;
      double cy = (_ps_view_y (tr, pack->cell_y[i]) * s + dy) * ds - oy;
      double w = pack->cell_w[i] * tr->scale, h = pack->cell_h[i] * tr->scale;
      double hx, hy;
      int x0, x1, y0, y1;

      if (round_cells)
        {
          double d = MIN (w, h);
          hx = hy = MAX (0.5 * d - cell_inset (d), 0.3) * k;
        }
      else
        {
          double in = cell_inset (MIN (w, h));
          hx = 0.5 * MAX (w - 2 * in, 0.6) * k;
          hy = 0.5 * MAX (h - 2 * in, 0.6) * k;
        }

      if (round_cells)
        {
          if (stamps == NULL || stamps->radius != hx)
            stamps = disc_stamps (hx);
          if (stamps != NULL)
            {
              if (cx + hx + 1 >= 0 && cx - hx - 1 < ow && cy + hx + 1 >= 0 && cy - hx - 1 < oh)
                stamp_disc (data, stride, ow, oh, stamps, cx, cy, colour);
              continue;
            }
        }

      x0 = MAX ((int) floor (cx - hx - 1), 0);
      x1 = MIN ((int) ceil (cx + hx + 1), ow);
      y0 = MAX ((int) floor (cy - hy - 1), 0);
      y1 = MIN ((int) ceil (cy + hy + 1), oh);
      if (x0 >= x1 || y0 >= y1)
        continue;

      {
        /* squared radii where coverage is certainly full or empty */
        double r_in = MAX (hx - 0.5, 0.0), r_out = hx + 0.5;
        double r_in2 = r_in * r_in, r_out2 = r_out * r_out;
        guint32 solid = 0xff000000u | colour;

        for (int y = y0; y < y1; y++)
          {
            guint32 *row = data + (gsize) y * stride;
            double py = y + 0.5 - cy;

            for (int x = x0; x < x1; x++)
              {
                double a;

                if (round_cells)
                  {
                    double px = x + 0.5 - cx;
                    double dd = px * px + py * py;

                    if (dd >= r_out2)
                      continue;
                    if (dd <= r_in2 && row[x] == 0)
                      {
                        row[x] = solid;
                        continue;
                      }
                    a = hx + 0.5 - sqrt (dd);
                  }
                else
                  {
                    double ax = MIN (x + 1.0, cx + hx) - MAX ((double) x, cx - hx);
                    double ay = MIN (y + 1.0, cy + hy) - MAX ((double) y, cy - hy);
                    a = CLAMP (ax, 0.0, 1.0) * CLAMP (ay, 0.0, 1.0);
                  }
                if (a <= 0.0)
                  continue;
                blend_pixel (&row[x], colour, MIN (a, 1.0));
              }
          }
      }
    }

  /* the module outlines over the cells */
  composite_layer (data, stride, ow, &lc->over);

  if (direct)
    _ps_render_target_done (cr);
  else
    _ps_render_paint_buffer (cr, data, rg);
}

/* The colour bar's range for values vmin..vmax of a quantity that is not
 * centred on 0: nice ticks, at least min_span. A state of charge has no
 * colour past 0 and 100 % that no cell has: a scale reading 100.5 % for a
 * pack at 99.5-99.97 % would show a state no cell is in, so the range
 * slides inside (both ends stay on the tick steps, 0 and 100 being
 * multiples of any nice step). A cell that is past an end (overcharged by
 * a warmer parallel neighbour, say: the OCV's walls allow 1 %) keeps its
 * true colour and the scale reaches it. Returns the step. */
double
_ps_render_layout_scale (PsQuantity quantity,
                         double     vmin,
                         double     vmax,
                         double     min_span,
                         int        max_ticks,
                         double    *lo,
                         double    *hi)
{
  double step;

  *lo = vmin;
  *hi = vmax;
  step = _ps_render_nice_range (lo, hi, min_span, max_ticks);
  if (quantity == PS_QUANTITY_SOC)
    {
      if (*hi > 100.0 && vmax <= 100.0)
        {
          *lo = MAX (0.0, *lo - (*hi - 100.0));
          *hi = 100.0;
        }
      if (*lo < 0.0 && vmin >= 0.0)
        {
          *hi = *hi > 100.0 ? *hi : MIN (100.0, *hi - *lo);
          *lo = 0.0;
        }
    }
  return step;
}

void
ps_render_layout (cairo_t             *cr,
                  const PsFrame       *frame,
                  const PsRenderStyle *style,
                  double               width,
                  double               height)
{
  const PsPackInfo *pack;
  PsViewTransform tr;
  PsRasterGeometry rg;
  QuantityInfo info;
  double *values;
  guint *order;
  guint count[N_BINS + 1];
  double vmin = INFINITY, vmax = -INFINITY, step, lo, hi;
  guint imin = 0, imax = 0, n, n_runaway = 0;
  int max_ticks;
  double fs = style->font_size > 0 ? style->font_size : 12.0;
  const guint32 *table;
  char header[256], a[64], b[64];
  int decimals;

  g_return_if_fail (cr != NULL);
  g_return_if_fail (style != NULL);

  cairo_save (cr);
  if (style->draw_background)
    {
      _ps_render_set_rgba (cr, style->bg, 1.0);
      cairo_rectangle (cr, 0, 0, width, height);
      cairo_fill (cr);
    }

  if (frame == NULL || !pack_is_drawable (frame))
    {
      draw_message (cr, style, width, height, frame == NULL ? "No pack" : "No cells");
      cairo_restore (cr);
      return;
    }

  pack = ps_pack_get_info (frame->pack);
  n = frame->n_cells;
  ps_render_view_transform (frame->pack, style, width, height, &tr);
  quantity_info (style, style->quantity, &info);
  table = ps_colormap_table (info.map);

  /* values and their range, one pass */
  values = _ps_render_scratch (_PS_SCRATCH_LAYOUT_VALUES, n * sizeof (double));
  quantity_values (frame, style, style->quantity, values);
  for (guint i = 0; i < n; i++)
    {
      double v = values[i];

      if (!isfinite (v))
        continue;
      /* a cell in runaway stays out of the temperature scale (it clamps
       * to its top and is marked below) */
      if (style->quantity == PS_QUANTITY_TEMPERATURE && _ps_render_cell_in_runaway (frame, i))
        {
          n_runaway++;
          continue;
        }
      if (v < vmin)
        {
          vmin = v;
          imin = i;
        }
      if (v > vmax)
        {
          vmax = v;
          imax = i;
        }
    }

  max_ticks = MAX (2, (int) (tr.plot_h / (fs * 3.0)));
  if (info.symmetric)
    {
      double m = MAX (fabs (vmin), fabs (vmax));

      if (!isfinite (m))
        m = 0.0;
      m = MAX (m, 0.5 * info.min_span);
      lo = -m;
      hi = m;
      step = _ps_render_nice_range (&lo, &hi, info.min_span, max_ticks);
      m = MAX (-lo, hi);
      lo = -m;
      hi = m;
    }
  else
    step = _ps_render_layout_scale (style->quantity, vmin, vmax, info.min_span,
                                    max_ticks, &lo, &hi);

  /* bucket the cells by colour: count, prefix sums, scatter */
  order = _ps_render_scratch (_PS_SCRATCH_LAYOUT_ORDER, (n + 1) * sizeof (guint));
  memset (count, 0, sizeof count);
  for (guint i = 0; i < n; i++)
    {
      double v = values[i];
      int bin;

      if (isfinite (v))
        {
          bin = (int) floor ((v - lo) / (hi - lo) * 256.0);
          bin = CLAMP (bin, 0, 255);
        }
      else
        bin = NAN_BIN;
      /* reuse the value slot for the bin: the value is not needed again
       * except at the extremes, which are kept in vmin/vmax */
      values[i] = bin;
      count[bin + 1]++;
    }
  for (guint k = 1; k <= N_BINS; k++)
    count[k] += count[k - 1];
  for (guint i = 0; i < n; i++)
    order[count[(int) values[i]]++] = i;
  /* count[k] is now the end of bin k (and the start of bin k + 1) */

  cairo_save (cr);
  cairo_rectangle (cr, tr.plot_x, tr.plot_y, tr.plot_w, tr.plot_h);
  cairo_clip (cr);

  /* the series path, the cells and the module outlines */
  if (!style->vector_only && _ps_render_raster_geometry (cr, &tr, &rg))
    {
      raster_cells (cr, pack, &tr, style, &rg, values, table);
      /* the joins of the markers below as if the series path had been
       * stroked here */
      if (has_series_path (pack))
        cairo_set_line_join (cr, CAIRO_LINE_JOIN_ROUND);
    }
  else
  {
    draw_series_path (cr, pack, &tr, style);
    guint start = 0;
    double cx0 = tr.plot_x, cx1 = tr.plot_x + tr.plot_w;
    double cy0 = tr.plot_y, cy1 = tr.plot_y + tr.plot_h;

    for (guint k = 0; k < N_BINS; k++)
      {
        guint end = count[k];
        gboolean any = FALSE;

        for (guint j = start; j < end; j++)
          {
            guint i = order[j];
            double x = _ps_view_x (&tr, pack->cell_x[i]);
            double y = _ps_view_y (&tr, pack->cell_y[i]);
            double ext = 0.5 * MAX (pack->cell_w[i], pack->cell_h[i]) * tr.scale;

            /* skip what a zoom pushed out of view */
            if (x + ext < cx0 || x - ext > cx1 || y + ext < cy0 || y - ext > cy1)
              continue;
            cell_path (cr, pack, &tr, i, 0.0);
            any = TRUE;
          }
        if (any)
          {
            if (k == NAN_BIN)
              cairo_set_source_rgb (cr, 0.6, 0.6, 0.6);
            else
              {
                guint32 c = table[k];
                cairo_set_source_rgb (cr, ((c >> 16) & 0xff) / 255.0,
                                      ((c >> 8) & 0xff) / 255.0, (c & 0xff) / 255.0);
              }
            cairo_fill (cr);
          }
        start = end;
      }
    draw_module_outlines (cr, pack, &tr, style);
  }

  /* module names */
  if (pack->n_modules > 0 && pack->module_rect != NULL)
    {
      double name_fs = 0.8;

      /* boxes of the labels placed so far, so names never overlap */
      double placed[64][4];
      guint n_placed = 0;

      _ps_render_set_font (cr, style, name_fs, FALSE);
      for (guint m = 0; m < pack->n_modules && pack->module_name != NULL; m++)
        {
          gboolean clash = FALSE;

          const PsRect *r = &pack->module_rect[m];
          const char *name = pack->module_name[m];
          double lx, ly, lw, lh = fs * name_fs * 0.8 + 4;

          if (name == NULL)
            break;
          lw = _ps_render_text_width (cr, name) + 4;
          if (!place_module_label (pack, &tr, r, lw, lh, &lx, &ly))
            continue;
          for (guint q = 0; q < n_placed && !clash; q++)
            clash = lx < placed[q][0] + placed[q][2] + 2 && lx + lw + 2 > placed[q][0] &&
                    ly < placed[q][1] + placed[q][3] && ly + lh > placed[q][1];
          if (clash || n_placed == G_N_ELEMENTS (placed))
            continue;
          placed[n_placed][0] = lx;
          placed[n_placed][1] = ly;
          placed[n_placed][2] = lw;
          placed[n_placed][3] = lh;
          n_placed++;
          _ps_render_set_rgba (cr, style->fg, 0.9);
          _ps_render_text (cr, lx + 2, ly + 2, 0.0, 0.0, name);
        }
    }

  /* pack outline */
  _ps_render_outline_path (cr, pack, &tr);
  cairo_set_line_width (cr, 1.5);
  _ps_render_set_rgba (cr, style->fg, 1.0);
  cairo_stroke (cr);

  /* cells venting or in runaway, whatever the quantity */
  _ps_render_runaway_markers (cr, frame, pack, &tr);

  /* hover, selection and extremes */
  if (style->hover_cell >= 0 && (guint) style->hover_cell < n)
    draw_ring (cr, style, pack, &tr, style->hover_cell, NULL, 0.7, 1.5, 0.0, FALSE);
  if (style->selected_cell >= 0 && (guint) style->selected_cell < n)
    {
      static const double selection_rgb[] = { 0.0, 0.45, 0.95 };

      draw_ring (cr, style, pack, &tr, style->selected_cell, selection_rgb, 1.0, 2.0, 1.5, FALSE);
    }

  decimals = _ps_render_step_decimals (step) + 1;
  decimals = MIN (decimals, 4);
  if (isfinite (vmin))
    {
      g_snprintf (a, sizeof a, "%.*f %s", decimals, vmin, info.unit);
      g_snprintf (b, sizeof b, "%.*f %s", decimals, vmax, info.unit);
    }

  if (style->mark_extremes && isfinite (vmin) && vmax > vmin)
    {
      double cell_px = MIN (pack->cell_w[imax], pack->cell_h[imax]) * tr.scale;
      char label[80];
      /* labelled where the label fits inside the cell */
      gboolean labels = cell_px >= 1.6 * fs;

      _ps_render_set_font (cr, style, 0.8, FALSE);
      g_snprintf (label, sizeof label, "min %s", a);
      draw_marker (cr, style, pack, &tr, imin, TRUE, labels ? label : NULL);
      g_snprintf (label, sizeof label, "max %s", b);
      draw_marker (cr, style, pack, &tr, imax, FALSE, labels ? label : NULL);
    }
  cairo_restore (cr);

  /* header: what is shown, and the extremes with their cells */
  _ps_render_set_font (cr, style, 1.0, FALSE);
  _ps_render_set_rgba (cr, style->fg, 1.0);
  if (n_runaway > 0 && isfinite (vmin))
    g_snprintf (header, sizeof header,
                "%s (%s)   %u in runaway, above the scale   min %s (cell %u)   max %s (cell %u)",
                info.title, info.unit, n_runaway, a, imin + 1, b, imax + 1);
  else if (isfinite (vmin))
    g_snprintf (header, sizeof header, "%s (%s)   min %s (cell %u)   max %s (cell %u)",
                info.title, info.unit, a, imin + 1, b, imax + 1);
  else
    g_snprintf (header, sizeof header, "%s (%s)   no values", info.title, info.unit);
  _ps_render_header (cr, style, width, header);

  /* what the marks mean: the series path, the extremes' rings */
  {
    PsLegendSwatch sw[3];
    const char *labels[3];
    guint n_items = 0;

    if (has_series_path (pack))
      {
        sw[n_items] = _PS_LEGEND_LINE;
        labels[n_items++] = "series order";
      }
    if (style->mark_extremes && isfinite (vmin) && vmax > vmin)
      {
        /* as draw_marker: solid both on cells too small for dashes */
        if (MIN (pack->cell_w[imin], pack->cell_h[imin]) * tr.scale < 8.0)
          {
            sw[n_items] = _PS_LEGEND_RING;
            labels[n_items++] = "min and max cell";
          }
        else
          {
            sw[n_items] = _PS_LEGEND_RING_DASHED;
            labels[n_items++] = "min cell";
            sw[n_items] = _PS_LEGEND_RING;
            labels[n_items++] = "max cell";
          }
      }
    _ps_render_legend_row (cr, style, tr.plot_x, tr.plot_y + tr.plot_h,
                           width - _PS_RENDER_MARGIN, sw, labels, n_items);
  }

  /* colour bar */
  {
    double bx = width - _ps_render_colorbar_region (style) + _PS_RENDER_MARGIN;
    double by = tr.plot_y + 0.5 * fs;
    double bh = tr.plot_h - fs;

    _ps_render_colorbar (cr, style, info.map, bx, by, _PS_RENDER_BAR_WIDTH, bh,
                         lo, hi, step, info.unit);
  }

  cairo_restore (cr);
}

int
ps_render_layout_hit_test (const PsFrame       *frame,
                           const PsRenderStyle *style,
                           double               width,
                           double               height,
                           double               x,
                           double               y)
{
  const PsPackInfo *pack;
  PsViewTransform tr;
  double px, py, best = INFINITY;
  int hit = -1;

  g_return_val_if_fail (style != NULL, -1);

  if (frame == NULL || !pack_is_drawable (frame))
    return -1;
  pack = ps_pack_get_info (frame->pack);
  ps_render_view_transform (frame->pack, style, width, height, &tr);

  if (x < tr.plot_x || x > tr.plot_x + tr.plot_w ||
      y < tr.plot_y || y > tr.plot_y + tr.plot_h || !(tr.scale > 0))
    return -1;

  /* back to pack metres: the exact inverse of the drawing's transform */
  px = (x - tr.offset_x) / tr.scale;
  py = (tr.offset_y - y) / tr.scale;

  for (guint i = 0; i < pack->n_cells; i++)
    {
      double dx = px - pack->cell_x[i];
      double dy = py - pack->cell_y[i];
      double hw = 0.5 * pack->cell_w[i], hh = 0.5 * pack->cell_h[i];
      double d2 = dx * dx + dy * dy;
      gboolean inside;

      if (pack->cell_shape == PS_CELL_SHAPE_CYLINDRICAL)
        {
          double r = MIN (hw, hh);
          inside = d2 <= r * r;
        }
      else
        inside = fabs (dx) <= hw && fabs (dy) <= hh;

      if (inside && d2 < best)
        {
          best = d2;
          hit = (int) i;
        }
    }
  return hit;
}
