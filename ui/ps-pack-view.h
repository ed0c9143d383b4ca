/* ps-pack-view.h: the pack layout, every cell coloured by a chosen quantity
 *
 * Zoom with the scroll wheel, a pinch (GtkGestureZoom) or +/-; pan by
 * dragging; a double-click resets the view. Hovering a cell shows its values
 * in a tooltip; a click selects it ("selected-cell").
 *
 * The view draws the latest frame of its runner (ps_runner_dup_frame on the
 * frame clock, redrawing only when the frame's serial changed) with
 * ps_render_layout. The view holds a reference to its runner (the other
 * views and the cell inspector too), so a runner lives as long as a view
 * shows it.
 */
#pragma once

#include <gtk/gtk.h>

#include "ps-render.h"

G_BEGIN_DECLS

#define PS_TYPE_PACK_VIEW (ps_pack_view_get_type ())
G_DECLARE_FINAL_TYPE (PsPackView, ps_pack_view, PS, PACK_VIEW, GtkWidget)

/* Returns: (transfer floating) */
GtkWidget           *ps_pack_view_new               (void);
/* runner: (nullable) (transfer none): the view takes its own reference */
void                 ps_pack_view_set_runner        (PsPackView    *self,
                                                     PsRunner      *runner);
/* Returns: (nullable) (transfer none) */
PsRunner            *ps_pack_view_get_runner        (PsPackView    *self);

PsQuantity           ps_pack_view_get_quantity      (PsPackView    *self);
void                 ps_pack_view_set_quantity      (PsPackView    *self,
                                                     PsQuantity     quantity);
PsColormapId         ps_pack_view_get_colormap      (PsPackView    *self);
void                 ps_pack_view_set_colormap      (PsPackView    *self,
                                                     PsColormapId   colormap);
int                  ps_pack_view_get_selected_cell (PsPackView    *self);
void                 ps_pack_view_set_selected_cell (PsPackView    *self,
                                                     int            cell);
double               ps_pack_view_get_zoom          (PsPackView    *self);
void                 ps_pack_view_set_zoom          (PsPackView    *self,
                                                     double         zoom);
/* zoom 1, no pan */
void                 ps_pack_view_reset_view        (PsPackView    *self);
void                 ps_pack_view_set_units         (PsPackView    *self,
                                                     PsTempUnit     temp_unit,
                                                     PsPowerUnit    power_unit);
/* The style the view draws with (exports use the same one; its hover_cell
 * is the cell under the pointer, which an export may want to clear in its
 * copy).
 * Returns: (transfer none): owned by the view, valid until it changes */
const PsRenderStyle *ps_pack_view_get_style         (PsPackView    *self);

G_END_DECLS
