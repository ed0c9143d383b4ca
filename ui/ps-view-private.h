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
const char  *_ps_view_group_module_name (const PsPack        *pack,
                                         guint                group);

/* A tooltip/inspector description of one cell into buf (no allocation). */
void         _ps_view_format_cell       (const PsFrame       *frame,
                                         const PsRenderStyle *style,
                                         guint                cell,
                                         char                *buf,
                                         gsize                size);

G_END_DECLS
