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
  _PS_SCRATCH_CURVES_BOXES,
  _PS_SCRATCH_THERMAL_VALUES,
  _PS_SCRATCH_THERMAL_RASTER,
  _PS_SCRATCH_THERMAL_ROWS,
  _PS_N_SCRATCH
} PsScratchSlot;

/* A buffer of at least n_bytes for this thread, kept between calls. */
gpointer     _ps_render_scratch            (PsScratchSlot        slot,
                                            gsize                n_bytes);
/* The per-thread caches of the thermal and layout renderers (see
 * ps-render-thermal.c and ps-render-layout.c): what depends only on the
 * pack's geometry and the view, kept between frames. */
gpointer    *_ps_render_thermal_cache_slot (void);
void         _ps_render_thermal_cache_free (gpointer             cache);
gpointer    *_ps_render_layout_cache_slot  (void);
void         _ps_render_layout_cache_free  (gpointer             cache);
/* A checksum of the cell centres and module outlines, which tells a cache
 * that a new pack at the same address has another geometry. */
double       _ps_render_geometry_sum       (const PsPackInfo    *pack);

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
/* The layout's colour-bar range for vmin..vmax (a quantity not centred on
 * 0): _ps_render_nice_range, kept within 0..100 % for a state of charge
 * unless a cell is past an end. */
double       _ps_render_layout_scale       (PsQuantity           quantity,
                                            double               vmin,
                                            double               vmax,
                                            double               min_span,
                                            int                  max_ticks,
                                            double              *lo,
                                            double              *hi);

/* A context to measure text on (a 1x1 image surface): the same metrics
 * whatever surface is drawn on; (transfer full) */
cairo_t     *_ps_render_measure_context    (void);

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
                                            const PsPackInfo    *pack,
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

/* ---------------------------------------------------------------------- */
/* Pixel targets
 *
 * On an image surface (or a recording surface, which GTK replays onto one)
 * the layout and thermal renderers fill a buffer of device pixels over the
 * plot area themselves and paint it once. */

typedef struct
{
  double s, dx, dy, ds;     /* view to target pixels: (v * s + d) * ds */
  double k;                 /* target pixels per view unit */
  int    ox, oy, ow, oh;    /* the buffer's rectangle in target pixels */
} PsRasterGeometry;

/* FALSE for vector targets and rotated or skewed transforms (draw paths) */
gboolean     _ps_render_raster_geometry    (cairo_t             *cr,
                                            const PsViewTransform *tr,
                                            PsRasterGeometry    *g);
/* A clear surface of the buffer's size that takes view coordinates through
 * a context from _ps_render_layer_context */
cairo_surface_t *_ps_render_layer_new      (const PsRasterGeometry *g,
                                            cairo_format_t       format);
/* A context on layer with cr's transform, antialiasing and tolerance,
 * clipped to the plot area if clip */
cairo_t     *_ps_render_layer_context      (cairo_t             *cr,
                                            cairo_surface_t     *layer,
                                            const PsViewTransform *tr,
                                            gboolean             clip);
/* Paints an ARGB32 buffer of g->ow x g->oh pixels (stride ow * 4) at the
 * buffer's place, pixel for pixel */
void         _ps_render_paint_buffer       (cairo_t             *cr,
                                            guint32             *data,
                                            const PsRasterGeometry *g);

/* When cr draws with OVER straight onto an ARGB32 image surface through a
 * clip of one rectangle that holds the whole buffer, the target's pixel at
 * the buffer's (0, 0) (*stride in pixels): a renderer can then composite
 * there itself instead of filling a buffer and painting it (the same
 * arithmetic as pixman's OVER). The surface is flushed; call
 * _ps_render_target_done after writing. NULL otherwise. */
guint32     *_ps_render_target_pixels      (cairo_t             *cr,
                                            const PsRasterGeometry *g,
                                            int                 *stride);
void         _ps_render_target_done        (cairo_t             *cr);

/* The pixels a layer touched, as a list (static decorations drawn once per
 * view, then composited per frame) */
typedef struct
{
  guint32 *off;             /* pixel index, y * ow + x */
  guint32 *px;              /* premultiplied ARGB */
  gsize    n;
} PsSparseLayer;

void         _ps_render_sparse_layer_take  (PsSparseLayer       *l,
                                            cairo_surface_t     *layer);
void         _ps_render_sparse_layer_clear (PsSparseLayer       *l);

/* All four channels of a premultiplied pixel times a / 255, two channels
 * per multiplication (rounded like pixman) */
static inline guint32
_ps_render_scale_pixel (guint32 p,
                        guint   a)
{
  guint32 rb = (p & 0x00ff00ffu) * a + 0x00800080u;
  guint32 ag = ((p >> 8) & 0x00ff00ffu) * a + 0x00800080u;

  rb = ((rb + ((rb >> 8) & 0x00ff00ffu)) >> 8) & 0x00ff00ffu;
  ag = (ag + ((ag >> 8) & 0x00ff00ffu)) & 0xff00ff00u;
  return rb | ag;
}

/* The premultiplied pixel cairo paints for a solid colour (16 bits a
 * channel, premultiplied, then the top 8) */
guint32      _ps_render_solid_pixel        (const double         rgba[4],
                                            double               alpha_scale);

/* A premultiplied pixel o over *p */
static inline void
_ps_render_over_pixel (guint32 *p,
                       guint32  o)
{
  guint oa = o >> 24;

  if (oa == 255 || *p == 0)
    *p = o;
  else
    *p = o + _ps_render_scale_pixel (*p, 255 - oa);
}

/* The row under the layout's and the thermal map's plot that explains
 * their marks: its height, and its entries (a swatch and a label each),
 * drawn from x to right at the row's top y, in a smaller font when they
 * do not fit at the normal one */
typedef enum
{
  _PS_LEGEND_LINE,          /* a thin line in the foreground colour */
  _PS_LEGEND_RING,          /* a cell's solid outline ring */
  _PS_LEGEND_RING_DASHED,   /* a dashed ring */
  _PS_LEGEND_ISOTHERM,      /* a white line on the map's colours */
  _PS_LEGEND_TEXT,          /* no swatch */
} PsLegendSwatch;

double       _ps_render_legend_row_height  (const PsRenderStyle *style);
void         _ps_render_legend_row         (cairo_t             *cr,
                                            const PsRenderStyle *style,
                                            double               x,
                                            double               y,
                                            double               right,
                                            const PsLegendSwatch *swatches,
                                            const char * const  *labels,
                                            guint                n);

/* The view's title line at the top left; when it does not fit the width,
 * its parts (separated by three spaces) go over two smaller lines, never
 * dropped. */
void         _ps_render_header             (cairo_t             *cr,
                                            const PsRenderStyle *style,
                                            double               width,
                                            const char          *text);

/* Thermal runaway in the views: a cell at or past the runaway stage
 * (frame->cell_runaway, PsRunawayStage) is left out of a temperature
 * colour scale, so the normal range keeps its colours (the cell clamps to
 * the top colour), and is marked: a red ring and a cross (white while it
 * burns, dark once burnt); a venting cell gets an orange dashed ring. */
#define _PS_RENDER_STAGE_VENTING 2
#define _PS_RENDER_STAGE_RUNAWAY 3
#define _PS_RENDER_STAGE_BURNT   4

static inline gboolean
_ps_render_cell_in_runaway (const PsFrame *frame,
                            guint          i)
{
  return frame->cell_runaway != NULL && frame->cell_runaway[i] >= _PS_RENDER_STAGE_RUNAWAY;
}

/* Draws the markers; returns how many cells are in runaway (or burnt). */
guint        _ps_render_runaway_markers    (cairo_t             *cr,
                                            const PsFrame       *frame,
                                            const PsPackInfo    *pack,
                                            const PsViewTransform *tr);

/* "1:02:03" (h:mm:ss, hours unbounded) */
void         _ps_render_format_hms         (char                *buf,
                                            gsize                len,
                                            double               time_s);

G_END_DECLS
