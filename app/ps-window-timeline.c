/* ps-window-timeline.c: the propagation timeline under the curves
 *
 * Once any cell of the run has reached onset (the frame's event log has a
 * thermal-runaway stage event), a panel under the curves draws
 * ps_render_runaway_timeline: a row per cell, its stages over simulated
 * time, the frame's time as a line. The window's tick hands it each new
 * frame; the timeline reads only the events it has not read, and the panel
 * redraws only when the rows or the frame's time changed, so it costs the
 * window's frame next to nothing while the substeps run. A reset or
 * another scenario (a new log) hides it until a cell reaches onset again.
 *
 * Copyright 2026 The Packscope authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <math.h>

#include "ps-view-private.h"
#include "ps-window-private.h"

/* the panel's height: rows TIMELINE_ROW_H tall, within these bounds (the
 * rows shrink past them) */
#define TIMELINE_MIN_H 120
#define TIMELINE_MAX_H 180
#define TIMELINE_ROW_H 11.0

static void
draw_timeline (GtkDrawingArea *area,
               cairo_t        *cr,
               int             width,
               int             height,
               gpointer        user_data)
{
  PsWindow *self = user_data;
  PsRenderStyle style;

  if (self->timeline == NULL)
    return;
  ps_render_style_init_default (&style);
  _ps_view_apply_theme (GTK_WIDGET (area), &style);
  style.draw_background = TRUE;
  ps_render_runaway_timeline (cr, self->timeline, self->timeline_frame, &style, width, height);
}

void
_ps_window_init_timeline (PsWindow *self)
{
  GtkWidget *area = gtk_drawing_area_new ();

  self->timeline = ps_runaway_timeline_new ();
  gtk_drawing_area_set_draw_func (GTK_DRAWING_AREA (area), draw_timeline, self, NULL);
  gtk_widget_set_size_request (area, -1, TIMELINE_MIN_H);
  gtk_widget_set_hexpand (area, TRUE);
  gtk_widget_set_vexpand (area, FALSE);
  gtk_widget_set_margin_top (area, 3);
  gtk_widget_set_visible (area, FALSE);
  gtk_widget_set_name (area, "runaway-timeline");
  gtk_box_append (GTK_BOX (self->curves_card), area);
  self->timeline_area = area;
}

void
_ps_window_take_timeline (PsWindow      *self,
                          const PsFrame *frame)
{
  gboolean changed, show;
  double before;

  if (self->timeline == NULL)
    return;
  before = self->timeline_frame != NULL ? self->timeline_frame->time_s : NAN;
  changed = ps_runaway_timeline_update (self->timeline, frame);
  g_clear_pointer (&self->timeline_frame, ps_frame_unref);
  self->timeline_frame = ps_frame_ref ((PsFrame *) frame);

  show = ps_runaway_timeline_get_n_rows (self->timeline) > 0;
  if (changed)
    {
      PsRenderStyle style;
      double h;

      ps_render_style_init_default (&style);
      h = ps_render_runaway_timeline_height (self->timeline, &style, TIMELINE_ROW_H);
      gtk_widget_set_size_request (self->timeline_area, -1,
                                   CLAMP ((int) ceil (h), TIMELINE_MIN_H, TIMELINE_MAX_H));
    }
  if (gtk_widget_get_visible (self->timeline_area) != show)
    gtk_widget_set_visible (self->timeline_area, show);
  if (show && (changed || before != frame->time_s))
    gtk_widget_queue_draw (self->timeline_area);
}

void
_ps_window_finalize_timeline (PsWindow *self)
{
  g_clear_pointer (&self->timeline, ps_runaway_timeline_free);
  g_clear_pointer (&self->timeline_frame, ps_frame_unref);
}
