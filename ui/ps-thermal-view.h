/* ps-thermal-view.h: the thermal map of the pack
 *
 * A GtkGLArea child uploads the per-cell temperatures as a texture and a
 * fragment shader (GResource shaders/thermal.{vert,frag}) interpolates and
 * colour-maps them inside the pack outline; the colour bar and the hottest
 * cell are drawn on top with cairo. When GL is unavailable or fails
 * (GDK_DEBUG=gl-disable, a realize or shader error), the view falls back to
 * the cairo renderer ps_render_thermal; "gl-active" says which path draws.
 *
 * The view holds a reference to its runner; see ps-pack-view.h.
 */
#pragma once

#include <gtk/gtk.h>

#include "ps-render.h"

G_BEGIN_DECLS

#define PS_TYPE_THERMAL_VIEW (ps_thermal_view_get_type ())
G_DECLARE_FINAL_TYPE (PsThermalView, ps_thermal_view, PS, THERMAL_VIEW, GtkWidget)

/* Returns: (transfer floating) */
GtkWidget           *ps_thermal_view_new            (void);
/* runner: (nullable) (transfer none): the view takes its own reference */
void                 ps_thermal_view_set_runner     (PsThermalView *self,
                                                     PsRunner      *runner);
/* Returns: (nullable) (transfer none) */
PsRunner            *ps_thermal_view_get_runner     (PsThermalView *self);

gboolean             ps_thermal_view_get_isotherms  (PsThermalView *self);
void                 ps_thermal_view_set_isotherms  (PsThermalView *self,
                                                     gboolean       isotherms);
/* FALSE while the view waits for what it draws the field from, computed
 * off the UI thread (the GL path's interpolation nodes of a new pack and,
 * with isotherms, the grid their labels come from; the cairo path's grid);
 * meanwhile the view shows the pack without its field or labels. TRUE
 * otherwise */
gboolean             ps_thermal_view_get_field_ready (PsThermalView *self);
/* TRUE while the GL path draws (read-only property "gl-active") */
gboolean             ps_thermal_view_get_gl_active  (PsThermalView *self);
/* The serial of the runner's frame the view last drew its field from (0:
 * none yet); the frame pacing benchmark counts the map's new pictures by it */
guint64              ps_thermal_view_get_drawn_serial (PsThermalView *self);
void                 ps_thermal_view_set_units      (PsThermalView *self,
                                                     PsTempUnit     temp_unit,
                                                     PsPowerUnit    power_unit);
/* The style the view draws with (exports use the same one).
 * Returns: (transfer none): owned by the view, valid until it changes */
const PsRenderStyle *ps_thermal_view_get_style      (PsThermalView *self);

G_END_DECLS
