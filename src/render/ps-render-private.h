/* ps-render-private.h: helpers shared by the cairo renderers */
#pragma once

#include "ps-render.h"

G_BEGIN_DECLS

/* Geometry of the layout and thermal views, in view units */
#define _PS_RENDER_MARGIN        8.0
#define _PS_RENDER_BAR_WIDTH    14.0

/* per-thread scratch buffers (renderers may run on several threads, e.g. the
 * UI and an export task); slot numbers are owned by the renderers */
typedef enum
{
  _PS_SCRATCH_LAYOUT_VALUES,
  _PS_SCRATCH_LAYOUT_ORDER,
  _PS_SCRATCH_LAYOUT_RASTER,
  _PS_SCRATCH_LAYOUT_STAMPS,
  _PS_SCRATCH_CURVES_BLOCK,
  _PS_SCRATCH_CURVES_COLUMNS,
  _PS_SCRATCH_CURVES_CELL,
  _PS_SCRATCH_THERMAL_VALUES,
  _PS_N_SCRATCH
} PsScratchSlot;

/* A buffer of at least n_bytes for this thread, kept between calls. */
gpointer     _ps_render_scratch            (PsScratchSlot        slot,
                                            gsize                n_bytes);
/* The per-thread cache of the thermal renderer (see ps-render-thermal.c). */
gpointer    *_ps_render_thermal_cache_slot (void);
void         _ps_render_thermal_cache_free (gpointer             cache);

/* Round tick step (1-2-5 x 10^n) for a span with at most max_ticks ticks. */
double       _ps_render_nice_step          (double               span,
                                            int                  max_ticks);
/* Number of decimals that shows a tick step exactly. */
int          _ps_render_step_decimals      (double               step);
/* Widens [*lo, *hi] to at least min_span, then rounds it outwards to whole
 * multiples of a nice step, which it returns. NaN-safe (falls back to
 * [0, min_span]). */
double       _ps_render_nice_range         (double              *lo,
                                            double              *hi,
                                            double               min_span,
                                            int                  max_ticks);

void         _ps_render_set_font           (cairo_t             *cr,
                                            const PsRenderStyle *style,
                                            double               rel_size,
                                            gboolean             bold);
/* Draws text with its anchor at (x, y): ax, ay = 0 left/top, 0.5 centre,
 * 1 right/bottom of the text's extents (ay uses the font's ascent). */
void         _ps_render_text               (cairo_t             *cr,
                                            double               x,
                                            double               y,
                                            double               ax,
                                            double               ay,
                                            const char          *text);
double       _ps_render_text_width         (cairo_t             *cr,
                                            const char          *text);
void         _ps_render_set_rgba           (cairo_t             *cr,
                                            const double         rgba[4],
                                            double               alpha_scale);

/* Colour bar: a vertical bar of the map from vmin (bottom) to vmax (top),
 * ticks every step with unit; 256 bands, so its ends are the map's ends. */
void         _ps_render_colorbar           (cairo_t             *cr,
                                            const PsRenderStyle *style,
                                            PsColormapId         map,
                                            double               x,
                                            double               y,
                                            double               w,
                                            double               h,
                                            double               vmin,
                                            double               vmax,
                                            double               step,
                                            const char          *unit);
/* The area the colour bar takes at the right of a layout or thermal view */
double       _ps_render_colorbar_region    (const PsRenderStyle *style);

/* The pack outline as a closed path in view coordinates (or the bounds). */
void         _ps_render_outline_path       (cairo_t             *cr,
                                            const PsPack        *pack,
                                            const PsViewTransform *tr);

static inline double
_ps_view_x (const PsViewTransform *tr,
            double                 x)
{
  return tr->offset_x + tr->scale * x;
}

static inline double
_ps_view_y (const PsViewTransform *tr,
            double                 y)
{
  return tr->offset_y - tr->scale * y;
}

/* The view's title line at the top left; parts separated by three spaces
 * are dropped from the end until it fits the width. */
void         _ps_render_header             (cairo_t             *cr,
                                            double               width,
                                            double               font_size,
                                            const char          *text);

/* "1:02:03" (h:mm:ss, hours unbounded) */
void         _ps_render_format_hms         (char                *buf,
                                            gsize                len,
                                            double               time_s);

G_END_DECLS
