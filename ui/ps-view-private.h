/* ps-view-private.h: what the four views share (frame polling, theme
 * colours, the empty state, value formatting)
 */
#pragma once

#include <gtk/gtk.h>

#include "ps-render.h"

G_BEGIN_DECLS

/* Makes sure the UI GResource (templates, shaders) is linked in and
 * registered: from a static library its object is only linked when
 * something refers to it. */
void         _ps_view_ensure_resources  (void);

/* Takes the runner's latest frame into *frame if it differs from the one
 * held (another frame object or another serial). Returns TRUE when *frame
 * changed. With runner == NULL, clears *frame (TRUE if there was one). Only
 * reference counts change: nothing is allocated. */
gboolean     _ps_view_poll_frame        (PsRunner            *runner,
                                         PsFrame            **frame);
/* The same, and when the frame changed, *recorder (NULL on entry; the
 * caller keeps what it held) becomes a new reference to the recorder of the
 * new frame's run, taken together with it. */
gboolean     _ps_view_poll_frame_and_recorder (PsRunner       *runner,
                                               PsFrame       **frame,
                                               PsRecorder    **recorder);
/* Holds a reference to runner (nullable) in *slot, dropping the old one. */
void         _ps_view_set_runner        (PsRunner           **slot,
                                         PsRunner            *runner);

/* Frame pacing shared by the views of a window.
 *
 * Each view polls its runner for a new frame on the frame clock. When all of
 * a window's views have new frames at once (a big pack running fast), drawing
 * them all in one frame can take longer than a frame; the pacer lets views
 * take turns instead: once per frame clock frame, every registered view on
 * that clock is polled, and pending views are granted a redraw, longest
 * waiting first, while their measured draw costs fit a budget (the first
 * always does, and a cheap view always does). A view then shows a frame at
 * most a few display frames old, and the window keeps its frame rate.
 * Redraws that users cause (zoom, hover, selection) do not go through it. */
typedef gboolean (*PsViewPollFunc)   (GtkWidget *widget);
typedef void     (*PsViewRedrawFunc) (GtkWidget *widget);

typedef struct
{
  GtkWidget      *widget;
  PsViewPollFunc  poll;          /* takes a new frame; TRUE if it changed */
  PsViewRedrawFunc redraw;       /* NULL: gtk_widget_queue_draw */
  gint64          cost_us;       /* running estimate of one draw */
  guint           waited;        /* frames waited with a new frame */
  gboolean        pending;
  gboolean        granted;
  guint           tick_id;
} PsViewPacer;

void         _ps_view_pacer_init        (PsViewPacer         *pacer,
                                         GtkWidget           *widget,
                                         PsViewPollFunc       poll,
                                         PsViewRedrawFunc     redraw);
/* from map / unmap: adds or removes the tick callback and registration */
void         _ps_view_pacer_start       (PsViewPacer         *pacer);
void         _ps_view_pacer_stop        (PsViewPacer         *pacer);
/* around a draw, to measure its cost */
gint64       _ps_view_pacer_draw_begin  (PsViewPacer         *pacer);
void         _ps_view_pacer_draw_end    (PsViewPacer         *pacer,
                                         gint64               begin);

/* Fits the style's text and background colours to the widget's theme: dark
 * on light by default (the renderers' default, as in exports), light on dark
 * when the theme's text colour is light. */
void         _ps_view_apply_theme       (GtkWidget           *widget,
                                         PsRenderStyle       *style);

/* Background plus a centred message, for a view without a runner. */
void         _ps_view_snapshot_empty    (GtkWidget           *widget,
                                         GtkSnapshot         *snapshot,
                                         const PsRenderStyle *style,
                                         const char          *message);

/* Temperature in the style's unit: value and unit suffix ("°C" or "K"). */
double       _ps_view_temp_value        (const PsRenderStyle *style,
                                         double               temp_k);
const char  *_ps_view_temp_unit         (const PsRenderStyle *style);

/* The name of the module that holds series group g, or NULL. */
const char  *_ps_view_group_module_name (const PsPackInfo    *pack,
                                         guint                group);

/* A tooltip/inspector description of one cell into buf (no allocation). */
void         _ps_view_format_cell       (const PsFrame       *frame,
                                         const PsRenderStyle *style,
                                         guint                cell,
                                         char                *buf,
                                         gsize                size);

G_END_DECLS
