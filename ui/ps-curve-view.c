/* ps-curve-view.c: scrolling plots of the run against time
 *
 * Copyright 2026 The Packscope authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <glib/gi18n.h>
#include <math.h>

#include "ps-curve-view.h"
#include "ps-view-private.h"

#define WINDOW_MIN_S       10.0
#define WHEEL_ZOOM_BASE    1.2
#define PAN_FRACTION       0.1
#define DRAG_THRESHOLD     3.0

struct _PsCurveView
{
  GtkWidget      parent_instance;

  PsRunner      *runner;          /* a reference */
  PsFrame       *frame;
  PsRecorder    *recorder;
  PsViewPacer    pacer;

  GtkWidget     *follow_button;

  PsRenderStyle  style;
  gboolean       follow;

  double         last_x;          /* last pointer position, to tell real motion */
  double         last_y;
  double         drag_start_end_s;
  gboolean       dragged;
};

enum {
  PROP_0,
  PROP_CURVES,
  PROP_SELECTED_CELL,
  PROP_FOLLOW,
  PROP_TIME_WINDOW,
  N_PROPS
};

G_DEFINE_FINAL_TYPE (PsCurveView, ps_curve_view, GTK_TYPE_WIDGET)

static GParamSpec *properties[N_PROPS];

/* the newest simulated time the view knows of */
static double
ps_curve_view_newest_time (PsCurveView *self)
{
  return self->frame != NULL ? self->frame->time_s : 0.0;
}

static double
ps_curve_view_time_at (PsCurveView *self,
                       double       x)
{
  int width = gtk_widget_get_width (GTK_WIDGET (self));

  if (self->recorder == NULL || width <= 0)
    return -1.0;

  return ps_render_curves_time_at (self->recorder, &self->style, width, x);
}

/* Stops following: the right edge stays where it is now. */
static void
ps_curve_view_unfollow (PsCurveView *self)
{
  if (!self->follow)
    return;

  self->style.time_end_s = ps_curve_view_newest_time (self);
  ps_curve_view_set_follow (self, FALSE);
}

static void
ps_curve_view_set_cursor_x (PsCurveView *self,
                            double       x)
{
  double t = x >= 0 ? ps_curve_view_time_at (self, x) : -1.0;

  if (!isfinite (t))
    t = -1.0;
  if (t == self->style.cursor_time_s)
    return;

  self->style.cursor_time_s = t;
  gtk_widget_queue_draw (GTK_WIDGET (self));
}

/* Takes the runner's newest frame (and its recorder); TRUE if it changed. */
static gboolean
ps_curve_view_poll (GtkWidget *widget)
{
  PsCurveView *self = PS_CURVE_VIEW (widget);
  double old_time = self->frame != NULL ? self->frame->time_s : 0.0;
  PsRecorder *old_recorder = self->recorder;

  /* the recorder is replaced with the scenario: take it with each new
   * frame, in one call, so the two are of the same run (references, no
   * copy) */
  self->recorder = NULL;
  if (!_ps_view_poll_frame_and_recorder (self->runner, &self->frame, &self->recorder))
    {
      self->recorder = old_recorder;
      return FALSE;
    }

  /* a new run (another scenario, or a reset) starts at t = 0: a frozen
   * right edge from the old one would show nothing */
  if (!self->follow && self->frame != NULL &&
      (self->recorder != old_recorder || self->frame->time_s < old_time))
    ps_curve_view_set_follow (self, TRUE);

  g_clear_pointer (&old_recorder, ps_recorder_unref);

  return TRUE;
}

static void
ps_curve_view_map (GtkWidget *widget)
{
  PsCurveView *self = PS_CURVE_VIEW (widget);

  GTK_WIDGET_CLASS (ps_curve_view_parent_class)->map (widget);

  _ps_view_pacer_start (&self->pacer);
}

static void
ps_curve_view_unmap (GtkWidget *widget)
{
  PsCurveView *self = PS_CURVE_VIEW (widget);

  _ps_view_pacer_stop (&self->pacer);

  GTK_WIDGET_CLASS (ps_curve_view_parent_class)->unmap (widget);
}

static void
ps_curve_view_snapshot (GtkWidget   *widget,
                        GtkSnapshot *snapshot)
{
  PsCurveView *self = PS_CURVE_VIEW (widget);
  int width = gtk_widget_get_width (widget);
  int height = gtk_widget_get_height (widget);

  if (width <= 0 || height <= 0)
    return;

  if (self->frame == NULL || self->recorder == NULL)
    {
      _ps_view_snapshot_empty (widget, snapshot, &self->style, _("No run"));
    }
  else
    {
      gint64 begin = _ps_view_pacer_draw_begin (&self->pacer);
      cairo_t *cr;

      cr = gtk_snapshot_append_cairo (snapshot, &GRAPHENE_RECT_INIT (0, 0, width, height));
      ps_render_curves (cr, self->recorder, self->frame, &self->style, width, height);
      cairo_destroy (cr);
      _ps_view_pacer_draw_end (&self->pacer, begin);
    }

  gtk_widget_snapshot_child (widget, self->follow_button, snapshot);
}

/* Its panels' least height is what it asks for: a view that gets less
 * (in a scrolled window) scrolls instead of squeezing them */
static GtkSizeRequestMode
ps_curve_view_get_request_mode (GtkWidget *widget)
{
  return GTK_SIZE_REQUEST_HEIGHT_FOR_WIDTH;
}

static void
ps_curve_view_measure (GtkWidget      *widget,
                       GtkOrientation  orientation,
                       int             for_size,
                       int            *minimum,
                       int            *natural,
                       int            *minimum_baseline,
                       int            *natural_baseline)
{
  PsCurveView *self = PS_CURVE_VIEW (widget);
  int bmin = 0, bnat = 0;

  gtk_widget_measure (self->follow_button, orientation, -1, &bmin, &bnat, NULL, NULL);
  if (orientation == GTK_ORIENTATION_HORIZONTAL)
    {
      *minimum = MAX (bmin, 200);
      *natural = MAX (bnat, 200);
    }
  else
    {
      /* without a width yet: a narrow one (more legend lines), so the
       * request is never short */
      double width = for_size > 0 ? for_size : 300;
      int bw = 0, bh = 0;

      /* the button's room, as size_allocate will give it */
      gtk_widget_measure (self->follow_button, GTK_ORIENTATION_HORIZONTAL, -1, &bw, NULL, NULL, NULL);
      gtk_widget_measure (self->follow_button, GTK_ORIENTATION_VERTICAL, bw, &bh, NULL, NULL, NULL);
      self->style.legend_inset = bw + 12;
      self->style.legend_inset_h = bh + 2;

      *minimum = (int) ps_render_curves_min_height (self->recorder, self->frame, &self->style,
                                                    width, PS_RENDER_CURVES_MIN_PANEL_H);
      *minimum = MAX (*minimum, bmin);
      *natural = *minimum;
    }
}

static void
ps_curve_view_size_allocate (GtkWidget *widget,
                             int        width,
                             int        height,
                             int        baseline)
{
  PsCurveView *self = PS_CURVE_VIEW (widget);
  int bw = 0, bh = 0;

  /* the follow button at the top right, in the room the first title line
   * keeps free for it (visible or not: the panels never move for it) */
  gtk_widget_measure (self->follow_button, GTK_ORIENTATION_HORIZONTAL, -1, &bw, NULL, NULL, NULL);
  gtk_widget_measure (self->follow_button, GTK_ORIENTATION_VERTICAL, bw, &bh, NULL, NULL, NULL);
  self->style.legend_inset = bw + 12;
  self->style.legend_inset_h = bh + 2;
  gtk_widget_size_allocate (self->follow_button,
                            &(GtkAllocation) { MAX (0, width - bw - 4), 0, bw, bh }, -1);
}

static void
ps_curve_view_css_changed (GtkWidget         *widget,
                           GtkCssStyleChange *change)
{
  PsCurveView *self = PS_CURVE_VIEW (widget);

  GTK_WIDGET_CLASS (ps_curve_view_parent_class)->css_changed (widget, change);

  _ps_view_apply_theme (widget, &self->style);
  gtk_widget_queue_resize (widget);
}

/* pointer */

static void
on_enter (GtkEventControllerMotion *controller,
          double                    x,
          double                    y,
          PsCurveView              *self)
{
  /* entering alone (a window mapped under a resting pointer) is not
   * inspecting: remember where the pointer is, act on real motion */
  self->last_x = x;
  self->last_y = y;
}

static void
on_motion (GtkEventControllerMotion *controller,
           double                    x,
           double                    y,
           PsCurveView              *self)
{
  if (fabs (x - self->last_x) < 1.0 && fabs (y - self->last_y) < 1.0)
    return;

  self->last_x = x;
  self->last_y = y;

  if (self->frame == NULL)
    return;

  ps_curve_view_unfollow (self);
  ps_curve_view_set_cursor_x (self, x);
}

static void
on_leave (GtkEventControllerMotion *controller,
          PsCurveView              *self)
{
  ps_curve_view_set_cursor_x (self, -1.0);
}

static gboolean
on_scroll (GtkEventControllerScroll *controller,
           double                    dx,
           double                    dy,
           PsCurveView              *self)
{
  GdkModifierType state;
  double newest, window, end;

  if (self->frame == NULL || !isfinite (dx) || !isfinite (dy))
    return FALSE;

  state = gtk_event_controller_get_current_event_state (GTK_EVENT_CONTROLLER (controller));
  if (state & GDK_SHIFT_MASK)
    {
      dx = dx != 0.0 ? dx : dy;
      dy = 0.0;
    }
  if (dx == 0.0 && dy == 0.0)
    return FALSE;

  ps_curve_view_unfollow (self);

  newest = ps_curve_view_newest_time (self);
  window = self->style.time_window_s > 0 ? self->style.time_window_s : newest;
  end = self->style.time_end_s >= 0 ? self->style.time_end_s : newest;
  if (window <= 0.0)
    return TRUE;

  if (dy != 0.0)
    {
      /* zoom the time axis about the pointer */
      double anchor = ps_curve_view_time_at (self, self->last_x);
      double new_window = CLAMP (window * pow (WHEEL_ZOOM_BASE, dy), WINDOW_MIN_S, MAX (newest, WINDOW_MIN_S));

      if (anchor >= 0.0 && isfinite (anchor))
        end = anchor + (end - anchor) * new_window / window;
      window = new_window;
      ps_curve_view_set_time_window (self, window >= newest ? 0.0 : window);
    }
  if (dx != 0.0)
    end += dx * PAN_FRACTION * window;

  self->style.time_end_s = CLAMP (end, MIN (window, newest), newest);
  ps_curve_view_set_cursor_x (self, self->last_x);
  gtk_widget_queue_draw (GTK_WIDGET (self));

  return TRUE;
}

static void
on_drag_begin (GtkGestureDrag *gesture,
               double          x,
               double          y,
               PsCurveView    *self)
{
  self->dragged = FALSE;
  self->drag_start_end_s = self->style.time_end_s >= 0
                         ? self->style.time_end_s
                         : ps_curve_view_newest_time (self);
}

static void
on_drag_update (GtkGestureDrag *gesture,
                double          offset_x,
                double          offset_y,
                PsCurveView    *self)
{
  double start_x, start_y, t0, t1, newest, window;

  if (self->frame == NULL)
    return;
  if (!self->dragged && fabs (offset_x) < DRAG_THRESHOLD)
    return;
  if (!gtk_gesture_drag_get_start_point (gesture, &start_x, &start_y))
    return;

  self->dragged = TRUE;
  ps_curve_view_unfollow (self);

  /* the time span of the drag, measured with the present mapping */
  t0 = ps_curve_view_time_at (self, start_x);
  t1 = ps_curve_view_time_at (self, start_x + offset_x);
  if (t0 < 0 || t1 < 0 || !isfinite (t0) || !isfinite (t1))
    return;

  newest = ps_curve_view_newest_time (self);
  window = self->style.time_window_s > 0 ? self->style.time_window_s : newest;
  self->style.time_end_s = CLAMP (self->drag_start_end_s - (t1 - t0),
                                  MIN (window, newest), newest);
  gtk_widget_queue_draw (GTK_WIDGET (self));
}

static void
on_click_pressed (GtkGestureClick *gesture,
                  int              n_press,
                  double           x,
                  double           y,
                  PsCurveView     *self)
{
  if (n_press == 2)
    ps_curve_view_set_follow (self, TRUE);
}

static void
on_follow_clicked (GtkButton   *button,
                   PsCurveView *self)
{
  ps_curve_view_set_follow (self, TRUE);
}

static void
follow_action (GtkWidget  *widget,
               const char *action_name,
               GVariant   *parameter)
{
  ps_curve_view_set_follow (PS_CURVE_VIEW (widget), TRUE);
}

/* GObject */

static void
ps_curve_view_dispose (GObject *object)
{
  PsCurveView *self = PS_CURVE_VIEW (object);

  g_clear_pointer (&self->runner, ps_runner_unref);
  g_clear_pointer (&self->frame, ps_frame_unref);
  g_clear_pointer (&self->recorder, ps_recorder_unref);
  g_clear_pointer (&self->follow_button, gtk_widget_unparent);

  G_OBJECT_CLASS (ps_curve_view_parent_class)->dispose (object);
}

static void
ps_curve_view_get_property (GObject    *object,
                            guint       prop_id,
                            GValue     *value,
                            GParamSpec *pspec)
{
  PsCurveView *self = PS_CURVE_VIEW (object);

  switch (prop_id)
    {
    case PROP_CURVES:
      g_value_set_uint (value, self->style.curves);
      break;

    case PROP_SELECTED_CELL:
      g_value_set_int (value, self->style.selected_cell);
      break;

    case PROP_FOLLOW:
      g_value_set_boolean (value, self->follow);
      break;

    case PROP_TIME_WINDOW:
      g_value_set_double (value, self->style.time_window_s);
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
ps_curve_view_set_property (GObject      *object,
                            guint         prop_id,
                            const GValue *value,
                            GParamSpec   *pspec)
{
  PsCurveView *self = PS_CURVE_VIEW (object);

  switch (prop_id)
    {
    case PROP_CURVES:
      ps_curve_view_set_curves (self, g_value_get_uint (value));
      break;

    case PROP_SELECTED_CELL:
      ps_curve_view_set_selected_cell (self, g_value_get_int (value));
      break;

    case PROP_FOLLOW:
      ps_curve_view_set_follow (self, g_value_get_boolean (value));
      break;

    case PROP_TIME_WINDOW:
      ps_curve_view_set_time_window (self, g_value_get_double (value));
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
ps_curve_view_class_init (PsCurveViewClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = ps_curve_view_dispose;
  object_class->get_property = ps_curve_view_get_property;
  object_class->set_property = ps_curve_view_set_property;

  widget_class->map = ps_curve_view_map;
  widget_class->unmap = ps_curve_view_unmap;
  widget_class->snapshot = ps_curve_view_snapshot;
  widget_class->css_changed = ps_curve_view_css_changed;

  properties[PROP_CURVES] =
    g_param_spec_uint ("curves", NULL, NULL,
                       0, PS_CURVE_ALL_TIME | PS_CURVE_DISCHARGE, PS_CURVE_ALL_TIME,
                       (G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS));

  properties[PROP_SELECTED_CELL] =
    g_param_spec_int ("selected-cell", NULL, NULL,
                      -1, G_MAXINT, -1,
                      (G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS));

  properties[PROP_FOLLOW] =
    g_param_spec_boolean ("follow", NULL, NULL,
                          TRUE,
                          (G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS));

  properties[PROP_TIME_WINDOW] =
    g_param_spec_double ("time-window", NULL, NULL,
                         0.0, G_MAXDOUBLE, 0.0,
                         (G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS));

  g_object_class_install_properties (object_class, N_PROPS, properties);

  widget_class->get_request_mode = ps_curve_view_get_request_mode;
  widget_class->measure = ps_curve_view_measure;
  widget_class->size_allocate = ps_curve_view_size_allocate;

  gtk_widget_class_set_css_name (widget_class, "curveview");
  gtk_widget_class_set_accessible_role (widget_class, GTK_ACCESSIBLE_ROLE_IMG);

  gtk_widget_class_install_action (widget_class, "curve-view.follow", NULL, follow_action);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_End, 0, "curve-view.follow", NULL);
}

static void
ps_curve_view_init (PsCurveView *self)
{
  GtkEventController *controller;
  GtkGesture *gesture;

  _ps_view_pacer_init (&self->pacer, GTK_WIDGET (self), ps_curve_view_poll, NULL);
  ps_render_style_init_default (&self->style);
  self->style.selected_cell = -1;
  self->style.hover_cell = -1;
  self->style.time_end_s = -1.0;
  self->style.cursor_time_s = -1.0;
  self->follow = TRUE;
  self->last_x = -1.0;
  self->last_y = -1.0;

  gtk_widget_set_focusable (GTK_WIDGET (self), TRUE);
  gtk_accessible_update_property (GTK_ACCESSIBLE (self),
                                  GTK_ACCESSIBLE_PROPERTY_LABEL, _("Curves"),
                                  GTK_ACCESSIBLE_PROPERTY_DESCRIPTION, _("The run against time"),
                                  -1);
  gtk_widget_set_hexpand (GTK_WIDGET (self), TRUE);
  gtk_widget_set_vexpand (GTK_WIDGET (self), TRUE);

  /* small, in the first title line (the window's style sizes it) */
  self->follow_button = gtk_button_new_from_icon_name ("go-last-symbolic");
  gtk_widget_set_tooltip_text (self->follow_button, _("Follow the newest sample (End)"));
  gtk_widget_add_css_class (self->follow_button, "flat");
  gtk_widget_add_css_class (self->follow_button, "follow");
  /* not mapped while following, but measured all the same: its room in
   * the first title line is kept, so the panels never move for it */
  gtk_widget_set_child_visible (self->follow_button, FALSE);
  g_signal_connect (self->follow_button, "clicked", G_CALLBACK (on_follow_clicked), self);
  gtk_widget_set_parent (self->follow_button, GTK_WIDGET (self));

  controller = gtk_event_controller_motion_new ();
  g_signal_connect (controller, "enter", G_CALLBACK (on_enter), self);
  g_signal_connect (controller, "motion", G_CALLBACK (on_motion), self);
  g_signal_connect (controller, "leave", G_CALLBACK (on_leave), self);
  gtk_widget_add_controller (GTK_WIDGET (self), controller);

  controller = gtk_event_controller_scroll_new (GTK_EVENT_CONTROLLER_SCROLL_BOTH_AXES);
  g_signal_connect (controller, "scroll", G_CALLBACK (on_scroll), self);
  gtk_widget_add_controller (GTK_WIDGET (self), controller);

  gesture = gtk_gesture_drag_new ();
  gtk_gesture_single_set_button (GTK_GESTURE_SINGLE (gesture), GDK_BUTTON_PRIMARY);
  g_signal_connect (gesture, "drag-begin", G_CALLBACK (on_drag_begin), self);
  g_signal_connect (gesture, "drag-update", G_CALLBACK (on_drag_update), self);
  gtk_widget_add_controller (GTK_WIDGET (self), GTK_EVENT_CONTROLLER (gesture));

  gesture = gtk_gesture_click_new ();
  gtk_gesture_single_set_button (GTK_GESTURE_SINGLE (gesture), GDK_BUTTON_PRIMARY);
  g_signal_connect (gesture, "pressed", G_CALLBACK (on_click_pressed), self);
  gtk_widget_add_controller (GTK_WIDGET (self), GTK_EVENT_CONTROLLER (gesture));
}

GtkWidget *
ps_curve_view_new (void)
{
  return g_object_new (PS_TYPE_CURVE_VIEW, NULL);
}

void
ps_curve_view_set_runner (PsCurveView *self,
                          PsRunner    *runner)
{
  g_return_if_fail (PS_IS_CURVE_VIEW (self));

  if (self->runner == runner)
    return;

  _ps_view_set_runner (&self->runner, runner);
  g_clear_pointer (&self->frame, ps_frame_unref);
  g_clear_pointer (&self->recorder, ps_recorder_unref);
  ps_curve_view_poll (GTK_WIDGET (self));
  gtk_widget_queue_draw (GTK_WIDGET (self));
}

PsRunner *
ps_curve_view_get_runner (PsCurveView *self)
{
  g_return_val_if_fail (PS_IS_CURVE_VIEW (self), NULL);

  return self->runner;
}

guint
ps_curve_view_get_curves (PsCurveView *self)
{
  g_return_val_if_fail (PS_IS_CURVE_VIEW (self), 0);

  return self->style.curves;
}

void
ps_curve_view_set_curves (PsCurveView *self,
                          guint        curves)
{
  g_return_if_fail (PS_IS_CURVE_VIEW (self));

  curves &= PS_CURVE_ALL_TIME | PS_CURVE_DISCHARGE;
  if ((guint) self->style.curves == curves)
    return;

  self->style.curves = curves;
  gtk_widget_queue_resize (GTK_WIDGET (self));
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_CURVES]);
}

int
ps_curve_view_get_selected_cell (PsCurveView *self)
{
  g_return_val_if_fail (PS_IS_CURVE_VIEW (self), -1);

  return self->style.selected_cell;
}

void
ps_curve_view_set_selected_cell (PsCurveView *self,
                                 int          cell)
{
  g_return_if_fail (PS_IS_CURVE_VIEW (self));

  cell = MAX (cell, -1);
  if (self->style.selected_cell == cell)
    return;

  self->style.selected_cell = cell;
  gtk_widget_queue_draw (GTK_WIDGET (self));
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_SELECTED_CELL]);
}

gboolean
ps_curve_view_get_follow (PsCurveView *self)
{
  g_return_val_if_fail (PS_IS_CURVE_VIEW (self), TRUE);

  return self->follow;
}

void
ps_curve_view_set_follow (PsCurveView *self,
                          gboolean     follow)
{
  g_return_if_fail (PS_IS_CURVE_VIEW (self));

  follow = !!follow;
  if (self->follow == follow)
    return;

  self->follow = follow;
  if (follow)
    {
      self->style.time_end_s = -1.0;
      self->style.cursor_time_s = -1.0;
    }
  else if (self->style.time_end_s < 0)
    {
      self->style.time_end_s = ps_curve_view_newest_time (self);
    }

  gtk_widget_set_child_visible (self->follow_button, !follow);
  gtk_widget_queue_draw (GTK_WIDGET (self));
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_FOLLOW]);
}

double
ps_curve_view_get_time_window (PsCurveView *self)
{
  g_return_val_if_fail (PS_IS_CURVE_VIEW (self), 0.0);

  return self->style.time_window_s;
}

void
ps_curve_view_set_time_window (PsCurveView *self,
                               double       time_window_s)
{
  g_return_if_fail (PS_IS_CURVE_VIEW (self));

  if (!isfinite (time_window_s) || time_window_s < 0.0)
    time_window_s = 0.0;
  if (self->style.time_window_s == time_window_s)
    return;

  self->style.time_window_s = time_window_s;
  gtk_widget_queue_draw (GTK_WIDGET (self));
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_TIME_WINDOW]);
}

void
ps_curve_view_set_units (PsCurveView *self,
                         PsTempUnit   temp_unit,
                         PsPowerUnit  power_unit)
{
  g_return_if_fail (PS_IS_CURVE_VIEW (self));

  if (self->style.temp_unit == temp_unit && self->style.power_unit == power_unit)
    return;

  self->style.temp_unit = temp_unit;
  self->style.power_unit = power_unit;
  gtk_widget_queue_resize (GTK_WIDGET (self));
}

const PsRenderStyle *
ps_curve_view_get_style (PsCurveView *self)
{
  g_return_val_if_fail (PS_IS_CURVE_VIEW (self), NULL);

  return &self->style;
}
