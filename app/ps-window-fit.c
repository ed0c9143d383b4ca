/* ps-window-fit.c: how the window's views share its size
 *
 * The sidebar is an AdwFlap's flap (it folds over the views when the
 * window is too narrow for both; the header's sidebar button shows it),
 * the control bar wraps (PsWrapBox), and the vertical split between the
 * maps (layout and thermal map) and the curves follows the window: the
 * curves get what their panels need to be PS_RENDER_CURVES_MIN_PANEL_H
 * tall each while the maps keep at least MAPS_MIN_FRACTION of the height
 * and MAPS_MIN_HEIGHT px; past that the curves scroll. A split the user drags
 * to is kept, as a fraction, across resizes.
 *
 * Copyright 2026 The Packscope authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include "ps-window-private.h"

#define MAPS_MIN_FRACTION 0.33
#define MAPS_MIN_HEIGHT   220

static void
ps_window_place_split (PsWindow *self)
{
  GtkPaned *paned = self->views_paned;
  int max = 0, position, width, curves = 0;

  g_object_get (paned, "max-position", &max, NULL);
  if (max <= 0 || !gtk_widget_get_visible (self->maps_box) ||
      !gtk_widget_get_visible (self->curves_card))
    return;

  if (self->split >= 0.0)
    position = (int) (self->split * max + 0.5);
  else
    {
      /* the curves card's natural height: its panels at full height */
      width = gtk_widget_get_width (GTK_WIDGET (paned));
      gtk_widget_measure (self->curves_card, GTK_ORIENTATION_VERTICAL, width,
                          NULL, &curves, NULL, NULL);
      position = MAX (max - curves, MAX ((int) (MAPS_MIN_FRACTION * max + 0.5), MAPS_MIN_HEIGHT));
    }
  position = CLAMP (position, 0, max);
  if (position == gtk_paned_get_position (paned))
    return;

  self->placing_split = TRUE;
  gtk_paned_set_position (paned, position);
  self->placing_split = FALSE;
}

static void
on_max_position (PsWindow *self)
{
  ps_window_place_split (self);
}

static void
on_position (PsWindow *self)
{
  int max = 0;

  g_object_get (self->views_paned, "max-position", &max, NULL);
  /* the paned clamps a position itself when it shrinks: not a choice */
  if (self->placing_split || max <= 0)
    return;
  if (gtk_paned_get_position (self->views_paned) >= max ||
      gtk_paned_get_position (self->views_paned) <= 0)
    return;
  self->split = (double) gtk_paned_get_position (self->views_paned) / max;
}

void
_ps_window_init_fit (PsWindow *self)
{
  self->split = -1.0;
  g_signal_connect_swapped (self->views_paned, "notify::max-position",
                            G_CALLBACK (on_max_position), self);
  g_signal_connect_swapped (self->views_paned, "notify::position",
                            G_CALLBACK (on_position), self);
}
