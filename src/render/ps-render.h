/* ps-render.h: cairo renderers of frames (no GTK)
 *
 * Pure functions: a cairo context, a frame (plus the recorder for curves), a
 * style and a size in device-independent units. The same code draws on
 * screen (gtk_snapshot_append_cairo), into PNG/SVG/PDF exports and in
 * golden-image tests.
 */
#pragma once

#include <cairo.h>

#include "ps-engine.h"
#include "ps-colormap.h"

G_BEGIN_DECLS

typedef enum
{
  PS_QUANTITY_SOC,
  PS_QUANTITY_VOLTAGE,
  PS_QUANTITY_CURRENT,
  PS_QUANTITY_TEMPERATURE,
  PS_QUANTITY_DEVIATION,      /* voltage deviation from the pack mean */
  PS_QUANTITY_HEAT,
  PS_QUANTITY_BALANCING,      /* the BMS's bleed current through the cell */
  PS_N_QUANTITIES /*< skip >*/
} PsQuantity;

typedef enum
{
  PS_TEMP_UNIT_CELSIUS,
  PS_TEMP_UNIT_KELVIN,
} PsTempUnit;

typedef enum
{
  PS_POWER_UNIT_KILOWATT,
  PS_POWER_UNIT_WATT,
} PsPowerUnit;

/* which curves the curve view draws (bit flags) */
typedef enum
{
  PS_CURVE_VOLTAGE        = 1 << 0,
  PS_CURVE_CURRENT        = 1 << 1,
  PS_CURVE_POWER          = 1 << 2,
  PS_CURVE_SOC            = 1 << 3,
  PS_CURVE_TEMPERATURE    = 1 << 4,   /* min / mean / max cell */
  PS_CURVE_DISCHARGE      = 1 << 5,   /* voltage against discharged Ah */
  PS_CURVE_ALL_TIME       = 0x1f,
} PsCurveSet;

typedef struct
{
  /* text and colours */
  const char   *font_family;        /* e.g. "DejaVu Sans" (tests pin fonts) */
  double        font_size;          /* px */
  double        fg[4];              /* RGBA 0..1 */
  double        bg[4];
  gboolean      draw_background;

  /* layout view */
  PsQuantity    quantity;
  PsColormapId  colormap;           /* PS_COLORMAP_AUTO picks per quantity */
  int           selected_cell;      /* -1 none */
  int           hover_cell;         /* -1 none */
  double        zoom;               /* 1 = fit to the view */
  double        pan_x, pan_y;       /* pan in view units */
  gboolean      mark_extremes;

  /* thermal view */
  gboolean      isotherms;
  double        thermal_min_span;   /* K: the automatic colour range spans
                                     * at least this (default 5) */
  double        thermal_lo;         /* a fixed colour range, K; NaN */
  double        thermal_hi;         /* (default): automatic */

  /* curves */
  PsCurveSet    curves;
  double        time_window_s;      /* visible span; <= 0 = whole run */
  double        time_end_s;         /* right edge; < 0 = follow the newest sample */
  double        cursor_time_s;      /* < 0 = no cursor */
  double        legend_inset;       /* width kept free at the right end of
                                     * the first panel's title line (a
                                     * view's button sits there); 0 none */
  double        legend_inset_h;     /* and its height: the first panel's
                                     * box starts below it */

  /* units */
  PsTempUnit    temp_unit;
  PsPowerUnit   power_unit;

  /* draw every cell as a cairo path even on pixel targets (image and
   * recording surfaces are otherwise scan-converted directly, which is
   * much faster and draws the same shapes); FALSE by default */
  gboolean      vector_only;

  /* draw no glyphs (every label keeps its place, boxes and leader lines
   * stay): golden images compare colours and geometry without depending on
   * font rendering, and check the text apart; FALSE by default */
  gboolean      hide_text;
} PsRenderStyle;

void     ps_render_style_init_default (PsRenderStyle       *style);

/* Pack layout: every cell at its geometry, coloured by style->quantity, with
 * module and pack outlines and a colour bar in real units. */
void     ps_render_layout             (cairo_t             *cr,
                                       const PsFrame       *frame,
                                       const PsRenderStyle *style,
                                       double               width,
                                       double               height);
/* The cell under view point (x, y) for the same style and size, or -1. */
int      ps_render_layout_hit_test    (const PsFrame       *frame,
                                       const PsRenderStyle *style,
                                       double               width,
                                       double               height,
                                       double               x,
                                       double               y);

/* Curves from the recorder (thinned to min/max per pixel column); the frame
 * supplies the selected cell's present values. */
void     ps_render_curves             (cairo_t             *cr,
                                       PsRecorder          *recorder,
                                       const PsFrame       *frame,
                                       const PsRenderStyle *style,
                                       double               width,
                                       double               height);
/* The least panel height at which a view reads at a glance (px) */
#define PS_RENDER_CURVES_MIN_PANEL_H 80.0

/* The height ps_render_curves needs at this width for each of its panels
 * (time panels and the discharge curve) to be at least panel_h tall: the
 * panels' title and legend lines and the time axis included. */
double   ps_render_curves_min_height  (PsRecorder          *recorder,
                                       const PsFrame       *frame,
                                       const PsRenderStyle *style,
                                       double               width,
                                       double               panel_h);
/* The boxes of the panels ps_render_curves draws at this size, top to
 * bottom (x, y, width, height each; the discharge curve's last): how many
 * there are, up to max_boxes written. */
guint    ps_render_curves_panels      (PsRecorder          *recorder,
                                       const PsFrame       *frame,
                                       const PsRenderStyle *style,
                                       double               width,
                                       double               height,
                                       double              *boxes,
                                       guint                max_boxes);
/* Time under view x for the same style and size (for the cursor read-out). */
double   ps_render_curves_time_at     (PsRecorder          *recorder,
                                       const PsRenderStyle *style,
                                       double               width,
                                       double               x);

/* A comparison of models with a reference (the validation reports): the
 * curves over a shared x axis and, below, each model's difference from the
 * reference. */
typedef struct
{
  const char   *label;       /* legend entry, NULL for none */
  const double *x;
  const double *y;
  guint         n;
  gboolean      reference;   /* the reference: drawn wide, under the models */
} PsPlotSeries;

typedef struct
{
  const char         *title;
  const char         *note;         /* right of the title: the figures */
  const char         *x_label;      /* with its unit */
  const char         *y_label;
  const char         *diff_label;   /* the difference panel's axis */
  const PsPlotSeries *series;
  guint               n_series;
  const PsPlotSeries *diff;         /* model - reference, one per model */
  guint               n_diff;       /* 0: no difference panel */
} PsComparisonPlot;

void     ps_render_comparison         (cairo_t                *cr,
                                       const PsComparisonPlot *plot,
                                       const PsRenderStyle    *style,
                                       double                  width,
                                       double                  height);

/* Thermal map: the temperature field interpolated between cell centres,
 * masked to the pack outline, inferno colour map, scale bar in degrees. */
void     ps_render_thermal            (cairo_t             *cr,
                                       const PsFrame       *frame,
                                       const PsRenderStyle *style,
                                       double               width,
                                       double               height);
/* What ps_render_thermal draws under its field, for a view that draws the
 * field itself: the background (if style->draw_background) and, inside the
 * pack outline, the neutral tint that shows where the pack has no cells. */
void     ps_render_thermal_underlay   (cairo_t             *cr,
                                       const PsFrame       *frame,
                                       const PsRenderStyle *style,
                                       double               width,
                                       double               height);
/* Everything of the thermal map but the field and its isotherms: module
 * outlines, pack outline, hottest-cell marker and label, header with the
 * extremes and their cells, colour bar; as ps_render_thermal draws them over
 * its field (for a view that draws the field itself, e.g. on the GPU).
 * Draws nothing for a frame ps_render_thermal has no field for. */
void     ps_render_thermal_decorations (cairo_t             *cr,
                                        const PsFrame       *frame,
                                        const PsRenderStyle *style,
                                        double               width,
                                        double               height);
/* The thermal map's colour scale for the frame drawn at width x height: the
 * temperatures (in style->temp_unit) at the two ends of the colour bar and
 * its tick step (the isotherm spacing). FALSE, leaving the outputs unset,
 * when there is no field to colour (no pack or cells, no finite
 * temperature). Any output may be NULL. */
gboolean ps_render_thermal_range      (const PsFrame       *frame,
                                       const PsRenderStyle *style,
                                       double               width,
                                       double               height,
                                       double              *lo,
                                       double              *hi,
                                       double              *step);

/* The pack-to-view transform the layout and thermal renderers use (so the GL
 * view and hit tests match): view = scale * (pack - origin) with y flipped. */
typedef struct
{
  double scale;         /* view units per metre */
  double offset_x;      /* view x of pack x = 0 */
  double offset_y;      /* view y of pack y = 0 */
  double plot_x, plot_y, plot_w, plot_h;   /* the area left of the colour bar */
} PsViewTransform;

void     ps_render_view_transform     (const PsPack        *pack,
                                       const PsRenderStyle *style,
                                       double               width,
                                       double               height,
                                       PsViewTransform     *out);

/* The thermal map's interpolation nodes (ps-thermal-nodes.c): for every
 * point (xs[i], ys[j]) of a grid, in metres, its PS_THERMAL_NODES_K
 * nearest cells and their normalised Franke-Little weights, and whether
 * the field shows there. Depends only on the pack's geometry and the
 * points: a pure function, safe to call on any thread. Both the cairo
 * renderer and the GL thermal view draw from it. */
#define PS_THERMAL_NODES_K 6

typedef enum
{
  PS_THERMAL_NODE_NEAR_CELL  = 1 << 0,   /* on or between cells: the field shows */
  PS_THERMAL_NODE_IN_OUTLINE = 1 << 1,   /* inside the pack outline */
} PsThermalNodeFlags;

typedef struct
{
  int       nx, ny;
  guint32  *cells;        /* [nx * ny * K] nearest first; unused slots
                           * (packs of fewer cells) repeat the nearest */
  float    *weights;      /* [nx * ny * K] sum to 1 (0 in unused slots) */
  double   *weight_sum;   /* [nx * ny] the sum of the K float weights */
  guint8   *flags;        /* [nx * ny] PsThermalNodeFlags */
} PsThermalNodes;

/* node (i, j) is (xs[i], ys[j]); (transfer full) */
PsThermalNodes *ps_thermal_nodes_new  (const PsPack        *pack,
                                       const double        *xs,
                                       int                  nx,
                                       const double        *ys,
                                       int                  ny);
void            ps_thermal_nodes_free (PsThermalNodes      *nodes);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (PsThermalNodes, ps_thermal_nodes_free)

/* How many node grids ps_thermal_nodes_new has computed on the calling
 * thread (for tests: a view's UI thread must not compute any). */
guint           ps_thermal_nodes_count_on_thread (void);

/* The cairo thermal map's grid for one pack and view transform: the visible
 * part of the pack's bounds sampled at most at the view's pixels (320 across
 * at most) and the grid's interpolation nodes. ps_render_thermal keeps one
 * per thread and computes it when the pack or the view changes (tens of ms
 * for thousands of cells); a view that must not block on that makes its
 * own: ps_thermal_grid_new (cheap), ps_thermal_grid_compute on another
 * thread, then ps_render_thermal_with_grid. */
typedef struct _PsThermalGrid PsThermalGrid;

/* NULL when tr shows no part of the pack (there is no field to draw). The
 * grid holds a reference to pack. (transfer full) */
PsThermalGrid *ps_thermal_grid_new         (const PsPack          *pack,
                                            const PsViewTransform *tr);
/* TRUE if grid (NULL included) is what ps_thermal_grid_new makes for pack
 * and tr, computed or not */
gboolean       ps_thermal_grid_matches     (const PsThermalGrid   *grid,
                                            const PsPack          *pack,
                                            const PsViewTransform *tr);
/* Computes the grid's nodes: a pure function of the grid's pack and
 * extent, safe on any thread while no other thread uses the grid. */
void           ps_thermal_grid_compute     (PsThermalGrid         *grid);
gboolean       ps_thermal_grid_is_computed (const PsThermalGrid   *grid);
PsThermalGrid *ps_thermal_grid_ref         (PsThermalGrid         *grid);
void           ps_thermal_grid_unref       (PsThermalGrid         *grid);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (PsThermalGrid, ps_thermal_grid_unref)

/* ps_render_thermal drawing the field from grid (computed, and what
 * ps_thermal_grid_new makes for the frame's pack at this style and size)
 * instead of the thread's cache: the same pixels, and no nodes computed
 * here. NULL draws no field (what ps_render_thermal draws where
 * ps_thermal_grid_new gives NULL). */
void     ps_render_thermal_with_grid  (cairo_t             *cr,
                                       const PsFrame       *frame,
                                       const PsRenderStyle *style,
                                       double               width,
                                       double               height,
                                       PsThermalGrid       *grid);

/* ps_render_thermal_decorations with, from grid (as for
 * ps_render_thermal_with_grid), the isotherms' value labels when
 * style->isotherms, placed and drawn as ps_render_thermal draws them: for
 * a view that draws the field and its isotherm lines itself. A NULL,
 * uncomputed or mismatched grid draws no labels. */
void     ps_render_thermal_decorations_with_grid (cairo_t             *cr,
                                                  const PsFrame       *frame,
                                                  const PsRenderStyle *style,
                                                  double               width,
                                                  double               height,
                                                  PsThermalGrid       *grid);

/* An isotherm's value label: its box in view units and its text */
typedef struct
{
  double x, y, width, height;
  double value;                 /* the isotherm, in style->temp_unit */
  char   text[32];
} PsThermalLabel;

/* The isotherm labels ps_render_thermal draws over the frame's field at
 * width x height with grid (as for ps_render_thermal_with_grid): one per
 * isotherm at most, none overlapping another or the hottest cell's marker
 * or its label. Empty without isotherms or a computed, matching grid.
 * (transfer full) (element-type PsThermalLabel) */
GArray  *ps_render_thermal_isotherm_labels (const PsFrame       *frame,
                                            const PsRenderStyle *style,
                                            double               width,
                                            double               height,
                                            PsThermalGrid       *grid);
/* The hottest cell's marker and its label's box, each x0, y0, x1, y1 in
 * view units; FALSE when there is none */
gboolean ps_render_thermal_hottest_marker  (const PsFrame       *frame,
                                            const PsRenderStyle *style,
                                            double               width,
                                            double               height,
                                            double               ring[4],
                                            double               label[4]);

/* Thermal runaway over time (ps-render-timeline.c): a row per cell that
 * left the intact stage, ordered by when it did (its onset), earliest at
 * the top; onset, venting, runaway and burnt as spans in
 * ps_runaway_timeline_colours, the frame's time as a line, the axis in
 * minutes. Made for a panel 120-200 px tall: rows shrink to 2 px, and the
 * earliest rows that fit are drawn (the header says how many of how many).
 *
 * A PsRunawayTimeline holds each cell's stage times read from a frame's
 * event log; _update reads the events it has not read yet (a new log, or a
 * frame from before what it read, starts it again) and says whether the
 * rows changed. One per view; not thread-safe. */
typedef struct _PsRunawayTimeline PsRunawayTimeline;

/* onset, venting, runaway, burnt (RGB 0..1) */
extern const double ps_runaway_timeline_colours[4][3];

PsRunawayTimeline *ps_runaway_timeline_new      (void);
void               ps_runaway_timeline_free     (PsRunawayTimeline       *tl);
gboolean           ps_runaway_timeline_update   (PsRunawayTimeline       *tl,
                                                 const PsFrame           *frame);
guint              ps_runaway_timeline_get_n_rows (const PsRunawayTimeline *tl);
/* row's cell (0-based) and its 4 stage times (s, NaN when not reached);
 * FALSE past the last row */
gboolean           ps_runaway_timeline_get_row  (const PsRunawayTimeline *tl,
                                                 guint                    row,
                                                 guint                   *cell,
                                                 double                  *times);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (PsRunawayTimeline, ps_runaway_timeline_free)

typedef struct
{
  double plot_x, plot_y, plot_w, plot_h;   /* the rows' area */
  double row_h;                            /* row r spans [plot_y + r row_h,
                                            * plot_y + (r + 1) row_h) */
  guint  n_shown;                          /* rows drawn */
} PsTimelineGeometry;

void     ps_render_runaway_timeline   (cairo_t                 *cr,
                                       const PsRunawayTimeline *tl,
                                       const PsFrame           *frame,
                                       const PsRenderStyle     *style,
                                       double                   width,
                                       double                   height);
void     ps_render_runaway_timeline_geometry (const PsRunawayTimeline *tl,
                                              const PsRenderStyle     *style,
                                              double                   width,
                                              double                   height,
                                              PsTimelineGeometry      *g);
/* view x of a simulated time, as ps_render_runaway_timeline draws it */
double   ps_render_runaway_timeline_x (const PsRunawayTimeline *tl,
                                       const PsFrame           *frame,
                                       const PsRenderStyle     *style,
                                       double                   width,
                                       double                   height,
                                       double                   time_s);
/* The height at which every row is row_h tall (px) */
double   ps_render_runaway_timeline_height (const PsRunawayTimeline *tl,
                                            const PsRenderStyle     *style,
                                            double                   row_h);

G_END_DECLS
