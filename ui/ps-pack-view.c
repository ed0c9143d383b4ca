/* ps-pack-view.c: the pack layout, every cell coloured by a chosen quantity
 *
 * Copyright 2026 The Packscope authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <glib/gi18n.h>
#include <math.h>

#include "ps-pack-view.h"
#include "ps-ui-enums.h"
#include "ps-view-private.h"

#define ZOOM_MIN        0.5
#define ZOOM_MAX        200.0
#define ZOOM_KEY_STEP   1.25
#define ZOOM_WHEEL_BASE 1.15
#define DRAG_THRESHOLD  4.0

struct _PsPackView
{
  GtkWidget      parent_instance;

  PsRunner      *runner;          /* a reference */
  PsFrame       *frame;           /* the frame drawn */
  PsViewPacer    pacer;

  PsRenderStyle  style;

  /* pointer and gestures */
  double         pointer_x;
  double         pointer_y;
  gboolean       pointer_inside;
  double         drag_start_pan_x;
  double         drag_start_pan_y;
  gboolean       dragged;
  double         pinch_start_zoom;
};

enum {
  PROP_0,
  PROP_QUANTITY,
  PROP_COLORMAP,
  PROP_SELECTED_CELL,
  PROP_ZOOM,
  N_PROPS
};

G_DEFINE_FINAL_TYPE (PsPackView, ps_pack_view, GTK_TYPE_WIDGET)

static GParamSpec *properties[N_PROPS];

static int
ps_pack_view_hit_test (PsPackView *self,
                       double      x,
                       double      y)
{
  int width = gtk_widget_get_width (GTK_WIDGET (self));
  int height = gtk_widget_get_height (GTK_WIDGET (self));

  if (self->frame == NULL || width <= 0 || height <= 0)
    return -1;

  return ps_render_layout_hit_test (self->frame, &self->style, width, height, x, y);
}

/* Sets the zoom keeping the pack point under view point (x, y) where it is:
 * the pan that does so is found from the renderer's own transform, so the
 * widget does not need to know how the renderer applies zoom and pan. */
static void
ps_pack_view_zoom_at (PsPackView *self,
                      double      zoom,
                      double      x,
                      double      y)
{
  PsViewTransform before, after;
  int width, height;

  if (!isfinite (zoom))
    return;
  zoom = CLAMP (zoom, ZOOM_MIN, ZOOM_MAX);
  if (zoom == self->style.zoom)
    return;

  width = gtk_widget_get_width (GTK_WIDGET (self));
  height = gtk_widget_get_height (GTK_WIDGET (self));

  if (self->frame != NULL && width > 0 && height > 0)
    ps_render_view_transform (self->frame->pack, &self->style, width, height, &before);
  else
    before.scale = 0.0;

  self->style.zoom = zoom;

  if (before.scale > 0.0)
    {
      double pack_x, pack_y;
      int i;

      /* view = offset + scale * pack, y flipped */
      pack_x = (x - before.offset_x) / before.scale;
      pack_y = (before.offset_y - y) / before.scale;

      /* pan is in view units; two rounds absorb any pan the renderer clamps
       * or scales */
      for (i = 0; i < 2; i++)
        {
          double err_x, err_y;

          ps_render_view_transform (self->frame->pack, &self->style, width, height, &after);
          err_x = x - (after.offset_x + after.scale * pack_x);
          err_y = y - (after.offset_y - after.scale * pack_y);
          if (fabs (err_x) < 0.01 && fabs (err_y) < 0.01)
            break;
          self->style.pan_x += err_x;
          self->style.pan_y += err_y;
        }
    }

  if (self->style.zoom <= 1.0)
    {
      /* at fit (or smaller) there is nothing to pan to */
      self->style.pan_x = 0.0;
      self->style.pan_y = 0.0;
    }

  gtk_widget_queue_draw (GTK_WIDGET (self));
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_ZOOM]);
}

static void
ps_pack_view_zoom_by (PsPackView *self,
                      double      factor)
{
  double x, y;

  if (self->pointer_inside)
    {
      x = self->pointer_x;
      y = self->pointer_y;
    }
  else
    {
      x = gtk_widget_get_width (GTK_WIDGET (self)) / 2.0;
      y = gtk_widget_get_height (GTK_WIDGET (self)) / 2.0;
    }

  ps_pack_view_zoom_at (self, self->style.zoom * factor, x, y);
}

void
ps_pack_view_reset_view (PsPackView *self)
{
  g_return_if_fail (PS_IS_PACK_VIEW (self));

  self->style.pan_x = 0.0;
  self->style.pan_y = 0.0;
  if (self->style.zoom != 1.0)
    {
      self->style.zoom = 1.0;
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_ZOOM]);
    }
  gtk_widget_queue_draw (GTK_WIDGET (self));
}

/* Takes the runner's newest frame; TRUE if it changed. */
static gboolean
ps_pack_view_poll (GtkWidget *widget)
{
  PsPackView *self = PS_PACK_VIEW (widget);
  const PsPack *old_pack = self->frame != NULL ? self->frame->pack : NULL;

  if (!_ps_view_poll_frame (self->runner, &self->frame))
    return FALSE;

  /* another pack: a zoom and pan into the old one mean nothing here */
  if (self->frame != NULL && old_pack != NULL && self->frame->pack != old_pack)
    ps_pack_view_reset_view (self);

  /* a new pack (another scenario) may have fewer cells */
  if (self->frame != NULL && self->style.selected_cell >= (int) self->frame->n_cells)
    ps_pack_view_set_selected_cell (self, -1);
  if (self->frame != NULL && self->style.hover_cell >= (int) self->frame->n_cells)
    self->style.hover_cell = -1;

  return TRUE;
}

static void
ps_pack_view_map (GtkWidget *widget)
{
  PsPackView *self = PS_PACK_VIEW (widget);

  GTK_WIDGET_CLASS (ps_pack_view_parent_class)->map (widget);

  _ps_view_pacer_start (&self->pacer);
}

static void
ps_pack_view_unmap (GtkWidget *widget)
{
  PsPackView *self = PS_PACK_VIEW (widget);

  _ps_view_pacer_stop (&self->pacer);

  GTK_WIDGET_CLASS (ps_pack_view_parent_class)->unmap (widget);
}

static void
ps_pack_view_snapshot (GtkWidget   *widget,
                       GtkSnapshot *snapshot)
{
  PsPackView *self = PS_PACK_VIEW (widget);
  int width = gtk_widget_get_width (widget);
  int height = gtk_widget_get_height (widget);
  gint64 begin;
  cairo_t *cr;

  if (width <= 0 || height <= 0)
    return;

  if (self->frame == NULL)
    {
      _ps_view_snapshot_empty (widget, snapshot, &self->style, _("No pack loaded"));
      return;
    }

  begin = _ps_view_pacer_draw_begin (&self->pacer);
  cr = gtk_snapshot_append_cairo (snapshot, &GRAPHENE_RECT_INIT (0, 0, width, height));
  ps_render_layout (cr, self->frame, &self->style, width, height);
  cairo_destroy (cr);
  _ps_view_pacer_draw_end (&self->pacer, begin);
}

static gboolean
ps_pack_view_query_tooltip (GtkWidget  *widget,
                            int         x,
                            int         y,
                            gboolean    keyboard_tooltip,
                            GtkTooltip *tooltip)
{
  PsPackView *self = PS_PACK_VIEW (widget);
  char text[512];
  int cell;

  if (keyboard_tooltip)
    cell = self->style.selected_cell;
  else
    cell = ps_pack_view_hit_test (self, x, y);

  if (self->frame == NULL || cell < 0 || cell >= (int) self->frame->n_cells)
    return FALSE;

  _ps_view_format_cell (self->frame, &self->style, cell, text, sizeof text);
  gtk_tooltip_set_text (tooltip, text);
  return TRUE;
}

static void
ps_pack_view_css_changed (GtkWidget         *widget,
                          GtkCssStyleChange *change)
{
  PsPackView *self = PS_PACK_VIEW (widget);

  GTK_WIDGET_CLASS (ps_pack_view_parent_class)->css_changed (widget, change);

  _ps_view_apply_theme (widget, &self->style);
  gtk_widget_queue_draw (widget);
}

/* pointer */

static void
ps_pack_view_set_hover (PsPackView *self,
                        int         cell)
{
  if (cell == self->style.hover_cell)
    return;

  self->style.hover_cell = cell;
  gtk_widget_queue_draw (GTK_WIDGET (self));
  gtk_widget_trigger_tooltip_query (GTK_WIDGET (self));
}

static void
on_motion (GtkEventControllerMotion *controller,
           double                    x,
           double                    y,
           PsPackView               *self)
{
  self->pointer_x = x;
  self->pointer_y = y;
  self->pointer_inside = TRUE;
  ps_pack_view_set_hover (self, ps_pack_view_hit_test (self, x, y));
}

static void
on_leave (GtkEventControllerMotion *controller,
          PsPackView               *self)
{
  self->pointer_inside = FALSE;
  ps_pack_view_set_hover (self, -1);
}

static gboolean
on_scroll (GtkEventControllerScroll *controller,
           double                    dx,
           double                    dy,
           PsPackView               *self)
{
  if (dy == 0.0 || !isfinite (dy))
    return FALSE;

  ps_pack_view_zoom_by (self, pow (ZOOM_WHEEL_BASE, -dy));
  return TRUE;
}

static void
on_pinch_begin (GtkGesture       *gesture,
                GdkEventSequence *sequence,
                PsPackView       *self)
{
  self->pinch_start_zoom = self->style.zoom;
}

static void
on_pinch_scale_changed (GtkGestureZoom *gesture,
                        double          scale,
                        PsPackView     *self)
{
  double x, y;

  if (!gtk_gesture_get_bounding_box_center (GTK_GESTURE (gesture), &x, &y))
    {
      x = gtk_widget_get_width (GTK_WIDGET (self)) / 2.0;
      y = gtk_widget_get_height (GTK_WIDGET (self)) / 2.0;
    }

  ps_pack_view_zoom_at (self, self->pinch_start_zoom * scale, x, y);
}

static void
on_drag_begin (GtkGestureDrag *gesture,
               double          x,
               double          y,
               PsPackView     *self)
{
  self->dragged = FALSE;
  self->drag_start_pan_x = self->style.pan_x;
  self->drag_start_pan_y = self->style.pan_y;
}

static void
on_drag_update (GtkGestureDrag *gesture,
                double          offset_x,
                double          offset_y,
                PsPackView     *self)
{
  if (!self->dragged && hypot (offset_x, offset_y) < DRAG_THRESHOLD)
    return;

  self->dragged = TRUE;
  self->style.pan_x = self->drag_start_pan_x + offset_x;
  self->style.pan_y = self->drag_start_pan_y + offset_y;
  gtk_widget_queue_draw (GTK_WIDGET (self));
}

static void
on_click_pressed (GtkGestureClick *gesture,
                  int              n_press,
                  double           x,
                  double           y,
                  PsPackView      *self)
{
  gtk_widget_grab_focus (GTK_WIDGET (self));

  if (n_press == 2)
    ps_pack_view_reset_view (self);
}

static void
on_click_released (GtkGestureClick *gesture,
                   int              n_press,
                   double           x,
                   double           y,
                   PsPackView      *self)
{
  if (n_press != 1 || self->dragged)
    return;

  ps_pack_view_set_selected_cell (self, ps_pack_view_hit_test (self, x, y));
}

/* actions (keyboard) */

static void
zoom_in_action (GtkWidget  *widget,
                const char *action_name,
                GVariant   *parameter)
{
  ps_pack_view_zoom_by (PS_PACK_VIEW (widget), ZOOM_KEY_STEP);
}

static void
zoom_out_action (GtkWidget  *widget,
                 const char *action_name,
                 GVariant   *parameter)
{
  ps_pack_view_zoom_by (PS_PACK_VIEW (widget), 1.0 / ZOOM_KEY_STEP);
}

static void
reset_view_action (GtkWidget  *widget,
                   const char *action_name,
                   GVariant   *parameter)
{
  ps_pack_view_reset_view (PS_PACK_VIEW (widget));
}

/* GObject */

static void
ps_pack_view_dispose (GObject *object)
{
  PsPackView *self = PS_PACK_VIEW (object);

  g_clear_pointer (&self->runner, ps_runner_unref);
  g_clear_pointer (&self->frame, ps_frame_unref);

  G_OBJECT_CLASS (ps_pack_view_parent_class)->dispose (object);
}

static void
ps_pack_view_get_property (GObject    *object,
                           guint       prop_id,
                           GValue     *value,
                           GParamSpec *pspec)
{
  PsPackView *self = PS_PACK_VIEW (object);

  switch (prop_id)
    {
    case PROP_QUANTITY:
      g_value_set_enum (value, self->style.quantity);
      break;

    case PROP_COLORMAP:
      g_value_set_enum (value, self->style.colormap);
      break;

    case PROP_SELECTED_CELL:
      g_value_set_int (value, self->style.selected_cell);
      break;

    case PROP_ZOOM:
      g_value_set_double (value, self->style.zoom);
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
ps_pack_view_set_property (GObject      *object,
                           guint         prop_id,
                           const GValue *value,
                           GParamSpec   *pspec)
{
  PsPackView *self = PS_PACK_VIEW (object);

  switch (prop_id)
    {
    case PROP_QUANTITY:
      ps_pack_view_set_quantity (self, g_value_get_enum (value));
      break;

    case PROP_COLORMAP:
      ps_pack_view_set_colormap (self, g_value_get_enum (value));
      break;

    case PROP_SELECTED_CELL:
      ps_pack_view_set_selected_cell (self, g_value_get_int (value));
      break;

    case PROP_ZOOM:
      ps_pack_view_set_zoom (self, g_value_get_double (value));
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
ps_pack_view_class_init (PsPackViewClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = ps_pack_view_dispose;
  object_class->get_property = ps_pack_view_get_property;
  object_class->set_property = ps_pack_view_set_property;

  widget_class->map = ps_pack_view_map;
  widget_class->unmap = ps_pack_view_unmap;
  widget_class->snapshot = ps_pack_view_snapshot;
  widget_class->query_tooltip = ps_pack_view_query_tooltip;
  widget_class->css_changed = ps_pack_view_css_changed;

  properties[PROP_QUANTITY] =
    g_param_spec_enum ("quantity", NULL, NULL,
                       PS_TYPE_QUANTITY, PS_QUANTITY_SOC,
                       (G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS));

  properties[PROP_COLORMAP] =
    g_param_spec_enum ("colormap", NULL, NULL,
                       PS_TYPE_COLORMAP_ID, PS_COLORMAP_AUTO,
                       (G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS));

  properties[PROP_SELECTED_CELL] =
    g_param_spec_int ("selected-cell", NULL, NULL,
                      -1, G_MAXINT, -1,
                      (G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS));

  properties[PROP_ZOOM] =
    g_param_spec_double ("zoom", NULL, NULL,
                         ZOOM_MIN, ZOOM_MAX, 1.0,
                         (G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS));

  g_object_class_install_properties (object_class, N_PROPS, properties);

  gtk_widget_class_set_css_name (widget_class, "packview");
  gtk_widget_class_set_accessible_role (widget_class, GTK_ACCESSIBLE_ROLE_IMG);

  gtk_widget_class_install_action (widget_class, "pack-view.zoom-in", NULL, zoom_in_action);
  gtk_widget_class_install_action (widget_class, "pack-view.zoom-out", NULL, zoom_out_action);
  gtk_widget_class_install_action (widget_class, "pack-view.reset-view", NULL, reset_view_action);

  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_plus, 0, "pack-view.zoom-in", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_equal, 0, "pack-view.zoom-in", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_KP_Add, 0, "pack-view.zoom-in", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_minus, 0, "pack-view.zoom-out", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_KP_Subtract, 0, "pack-view.zoom-out", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_0, 0, "pack-view.reset-view", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_KP_0, 0, "pack-view.reset-view", NULL);
}

static void
ps_pack_view_init (PsPackView *self)
{
  GtkEventController *controller;
  GtkGesture *gesture;

  _ps_view_pacer_init (&self->pacer, GTK_WIDGET (self), ps_pack_view_poll, NULL);
  ps_render_style_init_default (&self->style);
  self->style.selected_cell = -1;
  self->style.hover_cell = -1;
  self->style.zoom = 1.0;
  self->style.pan_x = 0.0;
  self->style.pan_y = 0.0;
  self->style.mark_extremes = TRUE;

  gtk_widget_set_focusable (GTK_WIDGET (self), TRUE);
  gtk_widget_set_has_tooltip (GTK_WIDGET (self), TRUE);
  gtk_accessible_update_property (GTK_ACCESSIBLE (self),
                                  GTK_ACCESSIBLE_PROPERTY_LABEL, _("Pack layout"),
                                  GTK_ACCESSIBLE_PROPERTY_DESCRIPTION, _("Every cell of the pack coloured by the chosen quantity"),
                                  -1);
  gtk_widget_set_hexpand (GTK_WIDGET (self), TRUE);
  gtk_widget_set_vexpand (GTK_WIDGET (self), TRUE);
  gtk_widget_set_size_request (GTK_WIDGET (self), 160, 120);

  controller = gtk_event_controller_motion_new ();
  g_signal_connect (controller, "motion", G_CALLBACK (on_motion), self);
  g_signal_connect (controller, "leave", G_CALLBACK (on_leave), self);
  gtk_widget_add_controller (GTK_WIDGET (self), controller);

  controller = gtk_event_controller_scroll_new (GTK_EVENT_CONTROLLER_SCROLL_VERTICAL);
  g_signal_connect (controller, "scroll", G_CALLBACK (on_scroll), self);
  gtk_widget_add_controller (GTK_WIDGET (self), controller);

  gesture = gtk_gesture_zoom_new ();
  g_signal_connect (gesture, "begin", G_CALLBACK (on_pinch_begin), self);
  g_signal_connect (gesture, "scale-changed", G_CALLBACK (on_pinch_scale_changed), self);
  gtk_widget_add_controller (GTK_WIDGET (self), GTK_EVENT_CONTROLLER (gesture));

  gesture = gtk_gesture_drag_new ();
  gtk_gesture_single_set_button (GTK_GESTURE_SINGLE (gesture), GDK_BUTTON_PRIMARY);
  g_signal_connect (gesture, "drag-begin", G_CALLBACK (on_drag_begin), self);
  g_signal_connect (gesture, "drag-update", G_CALLBACK (on_drag_update), self);
  gtk_widget_add_controller (GTK_WIDGET (self), GTK_EVENT_CONTROLLER (gesture));

  gesture = gtk_gesture_click_new ();
  gtk_gesture_single_set_button (GTK_GESTURE_SINGLE (gesture), GDK_BUTTON_PRIMARY);
  g_signal_connect (gesture, "pressed", G_CALLBACK (on_click_pressed), self);
  g_signal_connect (gesture, "released", G_CALLBACK (on_click_released), self);
  gtk_widget_add_controller (GTK_WIDGET (self), GTK_EVENT_CONTROLLER (gesture));
}

GtkWidget *
ps_pack_view_new (void)
{
  return g_object_new (PS_TYPE_PACK_VIEW, NULL);
}

void
ps_pack_view_set_runner (PsPackView *self,
                         PsRunner   *runner)
{
  g_return_if_fail (PS_IS_PACK_VIEW (self));

  if (self->runner == runner)
    return;

  _ps_view_set_runner (&self->runner, runner);
  g_clear_pointer (&self->frame, ps_frame_unref);
  self->style.hover_cell = -1;
  ps_pack_view_poll (GTK_WIDGET (self));
  gtk_widget_queue_draw (GTK_WIDGET (self));
}

PsRunner *
ps_pack_view_get_runner (PsPackView *self)
{
  g_return_val_if_fail (PS_IS_PACK_VIEW (self), NULL);

  return self->runner;
}

PsQuantity
ps_pack_view_get_quantity (PsPackView *self)
{
  g_return_val_if_fail (PS_IS_PACK_VIEW (self), PS_QUANTITY_SOC);

  return self->style.quantity;
}

void
ps_pack_view_set_quantity (PsPackView *self,
                           PsQuantity  quantity)
{
  g_return_if_fail (PS_IS_PACK_VIEW (self));
  g_return_if_fail ((int) quantity >= 0 && quantity < PS_N_QUANTITIES);

  if (self->style.quantity == quantity)
    return;

  self->style.quantity = quantity;
  gtk_widget_queue_draw (GTK_WIDGET (self));
  gtk_widget_trigger_tooltip_query (GTK_WIDGET (self));
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_QUANTITY]);
}

PsColormapId
ps_pack_view_get_colormap (PsPackView *self)
{
  g_return_val_if_fail (PS_IS_PACK_VIEW (self), PS_COLORMAP_AUTO);

  return self->style.colormap;
}

void
ps_pack_view_set_colormap (PsPackView   *self,
                           PsColormapId  colormap)
{
  g_return_if_fail (PS_IS_PACK_VIEW (self));
  g_return_if_fail ((int) colormap >= PS_COLORMAP_AUTO && colormap < PS_N_COLORMAPS);

  if (self->style.colormap == colormap)
    return;

  self->style.colormap = colormap;
  gtk_widget_queue_draw (GTK_WIDGET (self));
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_COLORMAP]);
}

int
ps_pack_view_get_selected_cell (PsPackView *self)
{
  g_return_val_if_fail (PS_IS_PACK_VIEW (self), -1);

  return self->style.selected_cell;
}

void
ps_pack_view_set_selected_cell (PsPackView *self,
                                int         cell)
{
  g_return_if_fail (PS_IS_PACK_VIEW (self));

  cell = MAX (cell, -1);
  if (self->frame != NULL && cell >= (int) self->frame->n_cells)
    cell = -1;

  if (self->style.selected_cell == cell)
    return;

  self->style.selected_cell = cell;
  gtk_widget_queue_draw (GTK_WIDGET (self));
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_SELECTED_CELL]);
}

double
ps_pack_view_get_zoom (PsPackView *self)
{
  g_return_val_if_fail (PS_IS_PACK_VIEW (self), 1.0);

  return self->style.zoom;
}

void
ps_pack_view_set_zoom (PsPackView *self,
                       double      zoom)
{
  g_return_if_fail (PS_IS_PACK_VIEW (self));

  /* programmatic zoom is about the centre of the view */
  ps_pack_view_zoom_at (self, zoom,
                        gtk_widget_get_width (GTK_WIDGET (self)) / 2.0,
                        gtk_widget_get_height (GTK_WIDGET (self)) / 2.0);
}

void
ps_pack_view_set_units (PsPackView  *self,
                        PsTempUnit   temp_unit,
                        PsPowerUnit  power_unit)
{
  g_return_if_fail (PS_IS_PACK_VIEW (self));

  if (self->style.temp_unit == temp_unit && self->style.power_unit == power_unit)
    return;

  self->style.temp_unit = temp_unit;
  self->style.power_unit = power_unit;
  gtk_widget_queue_draw (GTK_WIDGET (self));
}

const PsRenderStyle *
ps_pack_view_get_style (PsPackView *self)
{
  g_return_val_if_fail (PS_IS_PACK_VIEW (self), NULL);

  return &self->style;
}
