/* ps-render-common.c: ticks, text, colour bars and scratch buffers shared by
 * the renderers */
#include "config.h"

#include <math.h>
#include <stdio.h>

#include "ps-render-private.h"

typedef struct
{
  gpointer buf[_PS_N_SCRATCH];
  gsize    size[_PS_N_SCRATCH];
  gpointer thermal_cache;
  gpointer layout_cache;
} PsRenderScratch;

static void
scratch_free (gpointer data)
{
  PsRenderScratch *s = data;

  for (guint i = 0; i < _PS_N_SCRATCH; i++)
    g_free (s->buf[i]);
  _ps_render_thermal_cache_free (s->thermal_cache);
  _ps_render_layout_cache_free (s->layout_cache);
  g_free (s);
}

static GPrivate scratch_key = G_PRIVATE_INIT (scratch_free);

static PsRenderScratch *
get_scratch (void)
{
  PsRenderScratch *s = g_private_get (&scratch_key);

  if (s == NULL)
    {
      s = g_new0 (PsRenderScratch, 1);
      g_private_set (&scratch_key, s);
    }
  return s;
}

gpointer
_ps_render_scratch (PsScratchSlot slot,
                    gsize         n_bytes)
{
  PsRenderScratch *s = get_scratch ();

  g_assert (slot < _PS_N_SCRATCH);
  if (n_bytes == 0)
    n_bytes = 1;
  if (s->size[slot] < n_bytes)
    {
      /* grow geometrically so a slowly growing pack does not reallocate
       * every frame */
      gsize n = MAX (n_bytes, s->size[slot] + s->size[slot] / 2);

      g_free (s->buf[slot]);
      s->buf[slot] = g_malloc0 (n);
      s->size[slot] = n;
    }
  return s->buf[slot];
}

gpointer *
_ps_render_thermal_cache_slot (void)
{
  return &get_scratch ()->thermal_cache;
}

gpointer *
_ps_render_layout_cache_slot (void)
{
  return &get_scratch ()->layout_cache;
}

double
_ps_render_geometry_sum (const PsPackInfo *pack)
{
  double s = 0.0;

  for (guint i = 0; i < pack->n_cells; i++)
    s += pack->cell_x[i] * (1.0 + 1e-3 * i) + pack->cell_y[i] * (2.0 + 1e-3 * i) +
         pack->cell_w[i] * 3.0 + pack->cell_h[i] * 5.0;
  for (guint m = 0; m < pack->n_modules && pack->module_rect != NULL; m++)
    s += 3.0 * pack->module_rect[m].x + 5.0 * pack->module_rect[m].y +
         7.0 * pack->module_rect[m].w + 11.0 * pack->module_rect[m].h;
  return s;
}

double
_ps_render_nice_step (double span,
                      int    max_ticks)
{
  double raw, mag, norm;

  if (!isfinite (span) || span <= 0.0)
    return 1.0;
  if (max_ticks < 1)
    max_ticks = 1;

  raw = span / max_ticks;
  mag = pow (10.0, floor (log10 (raw)));
  norm = raw / mag;
  if (norm <= 1.0 + 1e-9)
    return mag;
  if (norm <= 2.0 + 1e-9)
    return 2.0 * mag;
  if (norm <= 5.0 + 1e-9)
    return 5.0 * mag;
  return 10.0 * mag;
}

int
_ps_render_step_decimals (double step)
{
  int d;

  if (!isfinite (step) || step <= 0.0)
    return 0;
  d = (int) -floor (log10 (step) + 1e-9);
  return CLAMP (d, 0, 6);
}

double
_ps_render_nice_range (double *lo,
                       double *hi,
                       double  min_span,
                       int     max_ticks)
{
  double a = *lo, b = *hi, step;

  if (!isfinite (a) || !isfinite (b))
    {
      a = 0.0;
      b = min_span;
    }
  if (a > b)
    {
      double t = a;
      a = b;
      b = t;
    }
  if (b - a < min_span)
    {
      double mid = 0.5 * (a + b);
      a = mid - 0.5 * min_span;
      b = mid + 0.5 * min_span;
    }

  step = _ps_render_nice_step (b - a, max_ticks);
  /* the small epsilon keeps a value that is already round from being
   * pushed out by one more step through rounding noise */
  a = floor (a / step + 1e-9) * step;
  b = ceil (b / step - 1e-9) * step;
  if (b <= a)
    b = a + step;
  *lo = a;
  *hi = b;
  return step;
}

/* style->hide_text travels with the font on the context: every label is
 * drawn after _ps_render_set_font, and _ps_render_text takes no style */
static const cairo_user_data_key_t hide_text_key;

cairo_t *
_ps_render_measure_context (void)
{
  cairo_surface_t *surface = cairo_image_surface_create (CAIRO_FORMAT_ARGB32, 1, 1);
  cairo_t *cr = cairo_create (surface);

  cairo_surface_destroy (surface);
  return cr;
}

void
_ps_render_set_font (cairo_t             *cr,
                     const PsRenderStyle *style,
                     double               rel_size,
                     gboolean             bold)
{
  cairo_set_user_data (cr, &hide_text_key, style->hide_text ? GINT_TO_POINTER (1) : NULL, NULL);
  cairo_select_font_face (cr,
                          style->font_family ? style->font_family : "DejaVu Sans",
                          CAIRO_FONT_SLANT_NORMAL,
                          bold ? CAIRO_FONT_WEIGHT_BOLD : CAIRO_FONT_WEIGHT_NORMAL);
  cairo_set_font_size (cr, (style->font_size > 0 ? style->font_size : 12.0) * rel_size);
}

double
_ps_render_text_width (cairo_t    *cr,
                       const char *text)
{
  cairo_text_extents_t ext;

  cairo_text_extents (cr, text, &ext);
  return ext.x_advance;
}

void
_ps_render_text (cairo_t    *cr,
                 double      x,
                 double      y,
                 double      ax,
                 double      ay,
                 const char *text)
{
  cairo_text_extents_t ext;
  cairo_font_extents_t fext;

  cairo_text_extents (cr, text, &ext);
  cairo_font_extents (cr, &fext);
  /* vertical anchoring on the cap height (about 0.78 of DejaVu's ascent),
   * not on each label's glyphs, so labels of different digits line up */
  cairo_move_to (cr,
                 x - ax * ext.x_advance,
                 y + 0.78 * fext.ascent * (1.0 - ay));
  if (cairo_get_user_data (cr, &hide_text_key) == NULL)
    cairo_show_text (cr, text);
}

void
_ps_render_set_rgba (cairo_t      *cr,
                     const double  rgba[4],
                     double        alpha_scale)
{
  cairo_set_source_rgba (cr, rgba[0], rgba[1], rgba[2], rgba[3] * alpha_scale);
}

double
_ps_render_colorbar_region (const PsRenderStyle *style)
{
  double fs = style->font_size > 0 ? style->font_size : 12.0;

  return round (_PS_RENDER_MARGIN * 2 + _PS_RENDER_BAR_WIDTH + 6.0 + 5.2 * fs);
}

void
_ps_render_colorbar (cairo_t             *cr,
                     const PsRenderStyle *style,
                     PsColormapId         map,
                     double               x,
                     double               y,
                     double               w,
                     double               h,
                     double               vmin,
                     double               vmax,
                     double               step,
                     const char          *unit)
{
  const guint32 *table = ps_colormap_table (map);
  int decimals = _ps_render_step_decimals (step);
  char label[64];

  if (h <= 2 || w <= 0)
    return;

  /* the map as a 1 x 256 image, stretched without smoothing: one paint,
   * and the bar's ends are exactly the map's ends */
  {
    cairo_surface_t *img = cairo_image_surface_create (CAIRO_FORMAT_RGB24, 1, 256);
    guint8 *data = cairo_image_surface_get_data (img);
    int stride = cairo_image_surface_get_stride (img);
    cairo_pattern_t *pat;
    cairo_matrix_t m;
    double x0 = round (x), y0 = round (y), bw = round (w), bh = round (y + h) - y0;

    cairo_surface_flush (img);
    for (int i = 0; i < 256; i++)
      *(guint32 *) (gpointer) (data + (gsize) (255 - i) * stride) = 0xff000000u | table[i];
    cairo_surface_mark_dirty (img);

    pat = cairo_pattern_create_for_surface (img);
    cairo_pattern_set_filter (pat, CAIRO_FILTER_NEAREST);
    cairo_pattern_set_extend (pat, CAIRO_EXTEND_PAD);
    cairo_matrix_init_scale (&m, 1.0 / bw, 256.0 / bh);
    cairo_matrix_translate (&m, -x0, -y0);
    cairo_pattern_set_matrix (pat, &m);
    cairo_save (cr);
    cairo_set_source (cr, pat);
    cairo_rectangle (cr, x0, y0, bw, bh);
    cairo_fill (cr);
    cairo_restore (cr);
    cairo_pattern_destroy (pat);
    cairo_surface_destroy (img);
  }

  cairo_save (cr);
  _ps_render_set_rgba (cr, style->fg, 0.8);
  cairo_set_line_width (cr, 1.0);
  cairo_rectangle (cr, round (x) - 0.5, round (y) - 0.5, round (w) + 1, round (y + h) - round (y) + 1);
  cairo_stroke (cr);

  _ps_render_set_font (cr, style, 0.85, FALSE);
  if (step > 0 && vmax > vmin && isfinite (vmin) && isfinite (vmax))
    {
      int n = (int) floor ((vmax - vmin) / step + 1e-6);

      for (int i = 0; i <= n && i <= 100; i++)
        {
          double v = vmin + i * step;
          double ty = round (y + h - (v - vmin) / (vmax - vmin) * h) + 0.5;

          if (fabs (v) < step * 1e-6)
            v = 0.0;   /* no "-0.0" */
          cairo_move_to (cr, round (x + w), ty);
          cairo_line_to (cr, round (x + w) + 4, ty);
          cairo_stroke (cr);
          g_snprintf (label, sizeof label, "%.*f %s", decimals, v, unit);
          _ps_render_text (cr, round (x + w) + 6, ty, 0.0, 0.5, label);
        }
    }
  cairo_restore (cr);
}

void
_ps_render_outline_path (cairo_t               *cr,
                         const PsPackInfo      *pack,
                         const PsViewTransform *tr)
{
  cairo_new_path (cr);
  if (pack->n_outline >= 3 && pack->outline_xy != NULL)
    {
      for (guint i = 0; i < pack->n_outline; i++)
        {
          double vx = _ps_view_x (tr, pack->outline_xy[2 * i]);
          double vy = _ps_view_y (tr, pack->outline_xy[2 * i + 1]);

          if (i == 0)
            cairo_move_to (cr, vx, vy);
          else
            cairo_line_to (cr, vx, vy);
        }
      cairo_close_path (cr);
    }
  else
    {
      cairo_rectangle (cr,
                       _ps_view_x (tr, pack->bounds.x),
                       _ps_view_y (tr, pack->bounds.y + pack->bounds.h),
                       pack->bounds.w * tr->scale, pack->bounds.h * tr->scale);
    }
}

/* ---------------------------------------------------------------------- */
/* Pixel targets */

gboolean
_ps_render_raster_geometry (cairo_t               *cr,
                            const PsViewTransform *tr,
                            PsRasterGeometry      *g)
{
  cairo_surface_t *target = cairo_get_group_target (cr);
  cairo_surface_type_t type = cairo_surface_get_type (target);
  cairo_matrix_t m;
  double sx = 1.0, sy = 1.0;

  if (type != CAIRO_SURFACE_TYPE_IMAGE && type != CAIRO_SURFACE_TYPE_RECORDING)
    return FALSE;
  cairo_get_matrix (cr, &m);
  if (m.xy != 0.0 || m.yx != 0.0 || m.xx <= 0.0 || fabs (m.xx - m.yy) > 1e-9 * m.xx)
    return FALSE;
  cairo_surface_get_device_scale (target, &sx, &sy);
  if (sx <= 0.0 || fabs (sx - sy) > 1e-9)
    return FALSE;
  g->s = m.xx;
  g->dx = m.x0;
  g->dy = m.y0;
  g->ds = sx;

  /* target pixels per view unit, and the plot area in target pixels */
  g->k = g->s * g->ds;
  g->ox = (int) floor ((tr->plot_x * g->s + g->dx) * g->ds);
  g->oy = (int) floor ((tr->plot_y * g->s + g->dy) * g->ds);
  g->ow = (int) ceil (((tr->plot_x + tr->plot_w) * g->s + g->dx) * g->ds) - g->ox;
  g->oh = (int) ceil (((tr->plot_y + tr->plot_h) * g->s + g->dy) * g->ds) - g->oy;
  return g->ow > 0 && g->oh > 0 && g->ow <= 16384 && g->oh <= 16384;
}

cairo_surface_t *
_ps_render_layer_new (const PsRasterGeometry *g,
                      cairo_format_t          format)
{
  cairo_surface_t *layer = cairo_image_surface_create (format, g->ow, g->oh);

  /* layer pixel (0, 0) is target pixel (ox, oy) */
  cairo_surface_set_device_scale (layer, g->ds, g->ds);
  cairo_surface_set_device_offset (layer, -g->ox, -g->oy);
  return layer;
}

cairo_t *
_ps_render_layer_context (cairo_t               *cr,
                          cairo_surface_t       *layer,
                          const PsViewTransform *tr,
                          gboolean               clip)
{
  cairo_t *lc = cairo_create (layer);
  cairo_matrix_t m;

  cairo_get_matrix (cr, &m);
  cairo_set_matrix (lc, &m);
  cairo_set_antialias (lc, cairo_get_antialias (cr));
  cairo_set_tolerance (lc, cairo_get_tolerance (cr));
  if (clip)
    {
      cairo_rectangle (lc, tr->plot_x, tr->plot_y, tr->plot_w, tr->plot_h);
      cairo_clip (lc);
    }
  cairo_new_path (lc);
  return lc;
}

void
_ps_render_paint_buffer (cairo_t                *cr,
                         guint32                *data,
                         const PsRasterGeometry *g)
{
  cairo_surface_t *img;

  img = cairo_image_surface_create_for_data ((guchar *) data, CAIRO_FORMAT_ARGB32,
                                             g->ow, g->oh, g->ow * 4);
  cairo_surface_set_device_scale (img, g->ds, g->ds);
  cairo_save (cr);
  cairo_identity_matrix (cr);
  cairo_set_source_surface (cr, img, g->ox / g->ds, g->oy / g->ds);
  cairo_pattern_set_filter (cairo_get_source (cr), CAIRO_FILTER_NEAREST);
  cairo_paint (cr);
  cairo_restore (cr);
  /* a recording surface keeps a reference and must not see the scratch
   * buffer change later: let it take a snapshot now */
  cairo_surface_finish (img);
  cairo_surface_destroy (img);
}

guint32 *
_ps_render_target_pixels (cairo_t                *cr,
                          const PsRasterGeometry *g,
                          int                    *stride)
{
  cairo_surface_t *target = cairo_get_group_target (cr);
  cairo_rectangle_list_t *list;
  double xo = 0.0, yo = 0.0;
  gboolean ok;
  int px, py;

  if (cairo_surface_get_type (target) != CAIRO_SURFACE_TYPE_IMAGE ||
      cairo_image_surface_get_format (target) != CAIRO_FORMAT_ARGB32 ||
      cairo_get_operator (cr) != CAIRO_OPERATOR_OVER ||
      cairo_surface_status (target) != CAIRO_STATUS_SUCCESS)
    return NULL;
  cairo_surface_get_device_offset (target, &xo, &yo);
  if (xo != floor (xo) || yo != floor (yo))
    return NULL;
  px = g->ox + (int) xo;
  py = g->oy + (int) yo;
  if (px < 0 || py < 0 ||
      px + g->ow > cairo_image_surface_get_width (target) ||
      py + g->oh > cairo_image_surface_get_height (target))
    return NULL;

  /* the clip, in target pixels less the device offset */
  cairo_save (cr);
  cairo_identity_matrix (cr);
  list = cairo_copy_clip_rectangle_list (cr);
  cairo_restore (cr);
  ok = list->status == CAIRO_STATUS_SUCCESS && list->num_rectangles == 1;
  if (ok)
    {
      const cairo_rectangle_t *r = &list->rectangles[0];
      double eps = 1e-6;

      ok = r->x * g->ds <= g->ox + eps && r->y * g->ds <= g->oy + eps &&
           (r->x + r->width) * g->ds >= g->ox + g->ow - eps &&
           (r->y + r->height) * g->ds >= g->oy + g->oh - eps;
    }
  cairo_rectangle_list_destroy (list);
  if (!ok)
    return NULL;

  cairo_surface_flush (target);
  *stride = cairo_image_surface_get_stride (target) / 4;
  return (guint32 *) (gpointer) (cairo_image_surface_get_data (target) +
                                 (gsize) py * cairo_image_surface_get_stride (target)) + px;
}

void
_ps_render_target_done (cairo_t *cr)
{
  cairo_surface_mark_dirty (cairo_get_group_target (cr));
}

guint32
_ps_render_solid_pixel (const double rgba[4],
                        double       alpha_scale)
{
  double a = CLAMP (rgba[3] * alpha_scale, 0.0, 1.0);
  guint r = (guint) (CLAMP (rgba[0], 0.0, 1.0) * a * 65535.0 + 0.5);
  guint g = (guint) (CLAMP (rgba[1], 0.0, 1.0) * a * 65535.0 + 0.5);
  guint b = (guint) (CLAMP (rgba[2], 0.0, 1.0) * a * 65535.0 + 0.5);
  guint a16 = (guint) (a * 65535.0 + 0.5);

  return ((a16 >> 8) << 24) | ((r >> 8) << 16) | ((g >> 8) << 8) | (b >> 8);
}

void
_ps_render_sparse_layer_take (PsSparseLayer   *l,
                              cairo_surface_t *layer)
{
  const guint32 *data;
  int stride, w, h;
  gsize n = 0;

  cairo_surface_flush (layer);
  data = (const guint32 *) (gconstpointer) cairo_image_surface_get_data (layer);
  stride = cairo_image_surface_get_stride (layer) / 4;
  w = cairo_image_surface_get_width (layer);
  h = cairo_image_surface_get_height (layer);
  _ps_render_sparse_layer_clear (l);
  for (int y = 0; y < h; y++)
    for (int x = 0; x < w; x++)
      n += data[(gsize) y * stride + x] != 0;
  l->off = g_new (guint32, MAX (n, 1));
  l->px = g_new (guint32, MAX (n, 1));
  l->n = n;
  n = 0;
  for (int y = 0; y < h; y++)
    for (int x = 0; x < w; x++)
      {
        guint32 p = data[(gsize) y * stride + x];

        if (p == 0)
          continue;
        l->off[n] = (guint32) ((gsize) y * w + x);
        l->px[n] = p;
        n++;
      }
}

void
_ps_render_sparse_layer_clear (PsSparseLayer *l)
{
  g_clear_pointer (&l->off, g_free);
  g_clear_pointer (&l->px, g_free);
  l->n = 0;
}

void
_ps_render_format_hms (char   *buf,
                       gsize   len,
                       double  time_s)
{
  gint64 t;
  const char *sign = "";

  if (!isfinite (time_s))
    {
      g_snprintf (buf, len, "-");
      return;
    }
  if (time_s < 0)
    {
      sign = "-";
      time_s = -time_s;
    }
  t = (gint64) floor (time_s + 0.5);
  g_snprintf (buf, len, "%s%" G_GINT64_FORMAT ":%02d:%02d", sign,
              t / 3600, (int) ((t / 60) % 60), (int) (t % 60));
}

/* the best split of parts[] over two lines: the widest line's width */
static double
header_two_lines (cairo_t  *cr,
                  char    **parts,
                  guint     n,
                  char    **line1,
                  char    **line2)
{
  double best = INFINITY;

  *line1 = *line2 = NULL;
  for (guint k = 1; k < n; k++)
    {
      g_autofree char *a = NULL, *b = NULL;
      char *saved = parts[k];
      double w;

      parts[k] = NULL;
      a = g_strjoinv ("   ", parts);
      parts[k] = saved;
      b = g_strjoinv ("   ", parts + k);
      w = MAX (_ps_render_text_width (cr, a), _ps_render_text_width (cr, b));
      if (w < best)
        {
          best = w;
          g_free (*line1);
          g_free (*line2);
          *line1 = g_steal_pointer (&a);
          *line2 = g_steal_pointer (&b);
        }
    }
  return best;
}

void
_ps_render_header (cairo_t             *cr,
                   const PsRenderStyle *style,
                   double               width,
                   const char          *text)
{
  double fs = style->font_size > 0 ? style->font_size : 12.0;
  double avail = width - 2 * _PS_RENDER_MARGIN;
  g_auto(GStrv) parts = NULL;
  g_autofree char *compact = NULL;
  char *line1 = NULL, *line2 = NULL;
  guint n;

  /* one line at full size */
  _ps_render_set_font (cr, style, 1.0, FALSE);
  if (_ps_render_text_width (cr, text) <= avail)
    {
      _ps_render_text (cr, _PS_RENDER_MARGIN, round (fs * 0.5), 0.0, 0.0, text);
      return;
    }

  /* else two smaller lines, split between the "   " parts; else the same
   * with the cells shortened ("(cell 126)" to "#126"): every part stays */
  _ps_render_set_font (cr, style, 0.8, FALSE);
  parts = g_strsplit (text, "   ", -1);
  n = g_strv_length (parts);
  if (n < 2 || header_two_lines (cr, parts, n, &line1, &line2) > avail)
    {
      g_autoptr(GRegex) re = g_regex_new (" \\(cell ([0-9]+)\\)", 0, 0, NULL);

      g_clear_pointer (&line1, g_free);
      g_clear_pointer (&line2, g_free);
      compact = g_regex_replace (re, text, -1, 0, " #\\1", 0, NULL);
      g_strfreev (parts);
      parts = g_strsplit (compact != NULL ? compact : text, "   ", -1);
      n = g_strv_length (parts);
      if (n >= 2)
        header_two_lines (cr, parts, n, &line1, &line2);
    }
  if (line1 == NULL)
    {
      _ps_render_text (cr, _PS_RENDER_MARGIN, round (fs * 0.5), 0.0, 0.0,
                       compact != NULL ? compact : text);
      return;
    }
  _ps_render_text (cr, _PS_RENDER_MARGIN, round (fs * 0.15), 0.0, 0.0, line1);
  _ps_render_text (cr, _PS_RENDER_MARGIN, round (fs * 0.15) + round (fs * 0.95), 0.0, 0.0, line2);
  g_free (line1);
  g_free (line2);
}

double
_ps_render_legend_row_height (const PsRenderStyle *style)
{
  return round ((style->font_size > 0 ? style->font_size : 12.0) * 1.5);
}

#define LEGEND_SWATCH_W 14.0
#define LEGEND_GAP      12.0

static double
legend_row_width (cairo_t             *cr,
                  const char * const  *labels,
                  const PsLegendSwatch *swatches,
                  guint                n)
{
  double w = 0.0;

  for (guint i = 0; i < n; i++)
    w += (swatches[i] != _PS_LEGEND_TEXT ? LEGEND_SWATCH_W + 4.0 : 0.0) +
         _ps_render_text_width (cr, labels[i]) + (i + 1 < n ? LEGEND_GAP : 0.0);
  return w;
}

void
_ps_render_legend_row (cairo_t             *cr,
                       const PsRenderStyle *style,
                       double               x,
                       double               y,
                       double               right,
                       const PsLegendSwatch *swatches,
                       const char * const  *labels,
                       guint                n)
{
  static const double dash[] = { 3.0, 2.0 };
  double fs = style->font_size > 0 ? style->font_size : 12.0;
  double rel = 0.8, cy = y + 0.5 * _ps_render_legend_row_height (style);

  _ps_render_set_font (cr, style, rel, FALSE);
  while (rel > 0.6 && x + legend_row_width (cr, labels, swatches, n) > right)
    {
      rel -= 0.05;
      _ps_render_set_font (cr, style, rel, FALSE);
    }

  cairo_save (cr);
  for (guint i = 0; i < n; i++)
    {
      cairo_new_path (cr);
      cairo_set_dash (cr, NULL, 0, 0);
      switch (swatches[i])
        {
        case _PS_LEGEND_LINE:
          cairo_move_to (cr, x, round (cy) + 0.5);
          cairo_line_to (cr, x + LEGEND_SWATCH_W, round (cy) + 0.5);
          cairo_set_line_width (cr, 1.0);
          _ps_render_set_rgba (cr, style->fg, 0.35);
          cairo_stroke (cr);
          break;
        case _PS_LEGEND_RING:
        case _PS_LEGEND_RING_DASHED:
          cairo_rectangle (cr, x + 2, round (cy - 0.3 * fs), LEGEND_SWATCH_W - 4, round (0.6 * fs));
          cairo_set_line_width (cr, 2.0);
          if (swatches[i] == _PS_LEGEND_RING_DASHED)
            cairo_set_dash (cr, dash, 2, 0);
          _ps_render_set_rgba (cr, style->fg, 1.0);
          cairo_stroke (cr);
          break;
        case _PS_LEGEND_ISOTHERM:
          cairo_rectangle (cr, x, round (cy - 0.35 * fs), LEGEND_SWATCH_W, round (0.7 * fs));
          cairo_set_source_rgb (cr, 0.55, 0.12, 0.35);
          cairo_fill (cr);
          cairo_move_to (cr, x, round (cy) + 0.5);
          cairo_line_to (cr, x + LEGEND_SWATCH_W, round (cy) + 0.5);
          cairo_set_line_width (cr, 1.0);
          cairo_set_source_rgba (cr, 1, 1, 1, 0.8);
          cairo_stroke (cr);
          break;
        case _PS_LEGEND_TEXT:
        default:
          break;
        }
      if (swatches[i] != _PS_LEGEND_TEXT)
        x += LEGEND_SWATCH_W + 4.0;
      _ps_render_set_rgba (cr, style->fg, 0.85);
      _ps_render_text (cr, x, cy, 0.0, 0.5, labels[i]);
      x += _ps_render_text_width (cr, labels[i]) + LEGEND_GAP;
    }
  cairo_restore (cr);
}

guint
_ps_render_runaway_markers (cairo_t               *cr,
                            const PsFrame         *frame,
                            const PsPackInfo      *pack,
                            const PsViewTransform *tr)
{
  static const double dash[] = { 3.0, 2.0 };
  guint n = 0;

  if (frame->cell_runaway == NULL)
    return 0;

  cairo_save (cr);
  cairo_set_line_cap (cr, CAIRO_LINE_CAP_ROUND);
  for (guint i = 0; i < frame->n_cells; i++)
    {
      guint stage = frame->cell_runaway[i];
      double x, y, hw, hh;

      if (stage < _PS_RENDER_STAGE_VENTING)
        continue;
      x = _ps_view_x (tr, pack->cell_x[i]);
      y = _ps_view_y (tr, pack->cell_y[i]);
      hw = MAX (0.5 * pack->cell_w[i] * tr->scale + 1.5, 4.0);
      hh = MAX (0.5 * pack->cell_h[i] * tr->scale + 1.5, 4.0);
      cairo_new_path (cr);
      if (pack->cell_shape == PS_CELL_SHAPE_CYLINDRICAL)
        cairo_arc (cr, x, y, MAX (hw, hh), 0, 2 * G_PI);
      else
        cairo_rectangle (cr, x - hw, y - hh, 2 * hw, 2 * hh);

      if (stage == _PS_RENDER_STAGE_VENTING)
        {
          cairo_set_dash (cr, dash, G_N_ELEMENTS (dash), 0.0);
          cairo_set_source_rgb (cr, 1.0, 0.55, 0.0);
          cairo_set_line_width (cr, 1.5);
          cairo_stroke (cr);
          cairo_set_dash (cr, NULL, 0, 0.0);
          continue;
        }

      n++;
      cairo_set_source_rgb (cr, 0.9, 0.0, 0.05);
      cairo_set_line_width (cr, 2.5);
      cairo_stroke (cr);
      /* the cross, inside the cell */
      hw = MAX (hw - 2.5, 2.5);
      hh = MAX (hh - 2.5, 2.5);
      cairo_move_to (cr, x - hw, y - hh);
      cairo_line_to (cr, x + hw, y + hh);
      cairo_move_to (cr, x - hw, y + hh);
      cairo_line_to (cr, x + hw, y - hh);
      if (stage >= _PS_RENDER_STAGE_BURNT)
        cairo_set_source_rgb (cr, 0.15, 0.15, 0.15);
      else
        cairo_set_source_rgb (cr, 1.0, 1.0, 1.0);
      cairo_set_line_width (cr, 1.5);
      cairo_stroke (cr);
    }
  cairo_restore (cr);
  return n;
}
