/* ps-curve-view.h: scrolling plots of the run against time
 *
 * Draws the runner's recorder with ps_render_curves: the series chosen by
 * "curves" (PsCurveSet flags), the band between the lowest and highest cell,
 * and the selected cell overlaid. While "follow" is TRUE the plot scrolls with
 * the newest sample; moving or scrolling over the plot sets it FALSE and
 * shows a cursor read-out; ps_curve_view_set_follow (TRUE) or a double-click
 * brings it back.
 *
 * The view holds a reference to its runner; see ps-pack-view.h.
 */
#pragma once

#include <gtk/gtk.h>

#include "ps-render.h"

G_BEGIN_DECLS

#define PS_TYPE_CURVE_VIEW (ps_curve_view_get_type ())
G_DECLARE_FINAL_TYPE (PsCurveView, ps_curve_view, PS, CURVE_VIEW, GtkWidget)

/* Returns: (transfer floating) */
GtkWidget           *ps_curve_view_new               (void);
/* runner: (nullable) (transfer none): the view takes its own reference */
void                 ps_curve_view_set_runner        (PsCurveView   *self,
                                                      PsRunner      *runner);
/* Returns: (nullable) (transfer none) */
PsRunner            *ps_curve_view_get_runner        (PsCurveView   *self);

guint                ps_curve_view_get_curves        (PsCurveView   *self);
void                 ps_curve_view_set_curves        (PsCurveView   *self,
                                                      guint          curves);
int                  ps_curve_view_get_selected_cell (PsCurveView   *self);
void                 ps_curve_view_set_selected_cell (PsCurveView   *self,
                                                      int            cell);
gboolean             ps_curve_view_get_follow        (PsCurveView   *self);
void                 ps_curve_view_set_follow        (PsCurveView   *self,
                                                      gboolean       follow);
double               ps_curve_view_get_time_window   (PsCurveView   *self);
void                 ps_curve_view_set_time_window   (PsCurveView   *self,
                                                      double         time_window_s);
void                 ps_curve_view_set_units         (PsCurveView   *self,
                                                      PsTempUnit     temp_unit,
                                                      PsPowerUnit    power_unit);
/* The style the view draws with (exports use the same one).
 * Returns: (transfer none): owned by the view, valid until it changes */
const PsRenderStyle *ps_curve_view_get_style         (PsCurveView   *self);

G_END_DECLS
