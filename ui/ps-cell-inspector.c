/* ps-cell-inspector.c: the selected cell's values and curves
 *
 * Copyright 2026 The Packscope authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <glib/gi18n.h>
#include <math.h>

#include "ps-cell-inspector.h"
#include "ps-curve-view.h"
#include "ps-view-private.h"

/* labels change at most this often (a label change relayouts its parents) */
#define LABEL_INTERVAL_US (100 * 1000)

typedef enum
{
  ROW_VOLTAGE,
  ROW_CURRENT,
  ROW_SOC,
  ROW_TEMPERATURE,
  ROW_HEAT,
  N_ROWS
} Row;

static const char * const row_names[N_ROWS] = {
  N_("Voltage"), N_("Current"), N_("SOC"), N_("Temperature"), N_("Heat"),
};

struct _PsCellInspector
{
  GtkWidget      parent_instance;

  /* template */
  GtkWidget     *box;
  GtkLabel      *title_label;
  GtkLabel      *place_label;
  GtkGrid       *grid;
  PsCurveView   *curve_view;

  GtkLabel      *value_labels[N_ROWS];
  GtkLabel      *group_labels[N_ROWS];
  GtkLabel      *pack_labels[N_ROWS];

  PsRunner      *runner;          /* a reference */
  PsFrame       *frame;
  guint          tick_id;
  gint64         labels_time_us;
  gboolean       labels_stale;

  PsRenderStyle  style;           /* units */
  int            cell;
};

enum {
  PROP_0,
  PROP_CELL,
  N_PROPS
};

G_DEFINE_FINAL_TYPE (PsCellInspector, ps_cell_inspector, GTK_TYPE_WIDGET)

static GParamSpec *properties[N_PROPS];

static const double *
frame_row_values (const PsFrame *frame,
                  Row            row)
{
  switch (row)
    {
    case ROW_VOLTAGE:     return frame->cell_voltage_v;
    case ROW_CURRENT:     return frame->cell_current_a;
    case ROW_SOC:         return frame->cell_soc;
    case ROW_TEMPERATURE: return frame->cell_temp_k;
    case ROW_HEAT:        return frame->cell_heat_w;
    case N_ROWS:
    default:              return NULL;
    }
}

static void
format_value (const PsRenderStyle *style,
              Row                  row,
              double               value,
              gboolean             difference,
              char                *buf,
              gsize                size)
{
  if (!isfinite (value))
    {
      g_strlcpy (buf, "–", size);
      return;
    }

  switch (row)
    {
    case ROW_VOLTAGE:
      if (difference)
        g_snprintf (buf, size, "%+.1f mV", 1000.0 * value);
      else
        g_snprintf (buf, size, "%.4f V", value);
      break;

    case ROW_CURRENT:
      g_snprintf (buf, size, difference ? "%+.3f A" : "%+.2f A", value);
      break;

    case ROW_SOC:
      g_snprintf (buf, size, difference ? "%+.2f %%" : "%.1f %%", 100.0 * value);
      break;

    case ROW_TEMPERATURE:
      if (difference)
        g_snprintf (buf, size, "%+.2f K", value);
      else
        g_snprintf (buf, size, "%.2f %s",
                    _ps_view_temp_value (style, value), _ps_view_temp_unit (style));
      break;

    case ROW_HEAT:
      g_snprintf (buf, size, difference ? "%+.3f W" : "%.3f W", value);
      break;

    case N_ROWS:
    default:
      g_strlcpy (buf, "", size);
    }
}

static void
ps_cell_inspector_update_labels (PsCellInspector *self)
{
  const PsFrame *frame = self->frame;
  const PsPackInfo *pack;
  const char *module;
  char buf[256];
  guint n_parallel, group, position, first, i;
  Row row;

  self->labels_stale = FALSE;

  if (frame == NULL || self->cell < 0 || self->cell >= (int) frame->n_cells)
    {
      gtk_label_set_text (self->title_label,
                          frame == NULL ? _("No pack loaded") : _("No cell selected"));
      gtk_label_set_text (self->place_label,
                          _("Click a cell in the pack layout to inspect it."));
      /* the table keeps its place, unseen: the inspector's size (and
       * the sidebar's, and the views' beside it) is the same with and
       * without a cell */
      gtk_widget_set_opacity (GTK_WIDGET (self->grid), 0.0);
      gtk_widget_set_can_target (GTK_WIDGET (self->grid), FALSE);
      return;
    }

  pack = ps_pack_get_info (frame->pack);
  n_parallel = MAX (pack->n_parallel, 1);
  group = self->cell / n_parallel;
  position = self->cell % n_parallel;
  first = group * n_parallel;
  module = _ps_view_group_module_name (pack, group);

  g_snprintf (buf, sizeof buf, _("Cell #%d"), self->cell + 1);
  gtk_label_set_text (self->title_label, buf);
  /* Translators: where the cell sits; the module is a name or "–" */
  g_snprintf (buf, sizeof buf,
              _("Series group %u of %u · position %u of %u · module %s"),
              group + 1, pack->n_series, position + 1, n_parallel,
              module != NULL ? module : "–");
  gtk_label_set_text (self->place_label, buf);

  for (row = 0; row < N_ROWS; row++)
    {
      const double *values = frame_row_values (frame, row);
      double value = values[self->cell];
      double group_sum = 0.0, pack_sum = 0.0;
      guint group_n = 0;

      for (i = first; i < first + n_parallel && i < frame->n_cells; i++)
        {
          group_sum += values[i];
          group_n++;
        }
      for (i = 0; i < frame->n_cells; i++)
        pack_sum += values[i];

      format_value (&self->style, row, value, FALSE, buf, sizeof buf);
      gtk_label_set_text (self->value_labels[row], buf);

      /* a group of one cell has no spread */
      if (group_n > 1)
        format_value (&self->style, row, value - group_sum / group_n, TRUE, buf, sizeof buf);
      else
        g_strlcpy (buf, "–", sizeof buf);
      gtk_label_set_text (self->group_labels[row], buf);

      if (frame->n_cells > 1)
        format_value (&self->style, row, value - pack_sum / frame->n_cells, TRUE, buf, sizeof buf);
      else
        g_strlcpy (buf, "–", sizeof buf);
      gtk_label_set_text (self->pack_labels[row], buf);
    }

  gtk_widget_set_opacity (GTK_WIDGET (self->grid), 1.0);
  gtk_widget_set_can_target (GTK_WIDGET (self->grid), TRUE);
}

static gboolean
ps_cell_inspector_tick (GtkWidget     *widget,
                        GdkFrameClock *frame_clock,
                        gpointer       user_data)
{
  PsCellInspector *self = PS_CELL_INSPECTOR (widget);
  gint64 now = gdk_frame_clock_get_frame_time (frame_clock);

  if (_ps_view_poll_frame (self->runner, &self->frame))
    self->labels_stale = TRUE;

  if (self->labels_stale && now - self->labels_time_us >= LABEL_INTERVAL_US)
    {
      self->labels_time_us = now;
      ps_cell_inspector_update_labels (self);
    }

  return G_SOURCE_CONTINUE;
}

static void
ps_cell_inspector_map (GtkWidget *widget)
{
  PsCellInspector *self = PS_CELL_INSPECTOR (widget);

  GTK_WIDGET_CLASS (ps_cell_inspector_parent_class)->map (widget);

  if (self->tick_id == 0)
    self->tick_id = gtk_widget_add_tick_callback (widget, ps_cell_inspector_tick, NULL, NULL);
  _ps_view_poll_frame (self->runner, &self->frame);
  ps_cell_inspector_update_labels (self);
}

static void
ps_cell_inspector_unmap (GtkWidget *widget)
{
  PsCellInspector *self = PS_CELL_INSPECTOR (widget);

  if (self->tick_id != 0)
    {
      gtk_widget_remove_tick_callback (widget, self->tick_id);
      self->tick_id = 0;
    }

  GTK_WIDGET_CLASS (ps_cell_inspector_parent_class)->unmap (widget);
}

static GtkLabel *
add_label (PsCellInspector *self,
           const char      *text,
           int              column,
           int              row,
           gboolean         dim)
{
  GtkWidget *label = gtk_label_new (text);

  gtk_label_set_xalign (GTK_LABEL (label), column == 0 ? 0.0 : 1.0);
  if (column > 0)
    gtk_label_set_width_chars (GTK_LABEL (label), 10);
  /* the inspector's width does not follow the cell it shows (its values
   * ask for their width-chars, not their text): whatever cell is
   * selected, the sidebar (its width set by the window, where every value
   * fits) keeps its width and nothing beside it moves */
  if (column > 0)
    {
      gtk_label_set_ellipsize (GTK_LABEL (label), PANGO_ELLIPSIZE_END);
      gtk_widget_set_hexpand (label, TRUE);
    }
  if (dim)
    gtk_widget_add_css_class (label, "dim-label");
  gtk_grid_attach (self->grid, label, column, row, 1, 1);

  return GTK_LABEL (label);
}

/* GObject */

static void
ps_cell_inspector_dispose (GObject *object)
{
  PsCellInspector *self = PS_CELL_INSPECTOR (object);

  g_clear_pointer (&self->runner, ps_runner_unref);
  g_clear_pointer (&self->frame, ps_frame_unref);

  gtk_widget_dispose_template (GTK_WIDGET (self), PS_TYPE_CELL_INSPECTOR);

  G_OBJECT_CLASS (ps_cell_inspector_parent_class)->dispose (object);
}

static void
ps_cell_inspector_get_property (GObject    *object,
                                guint       prop_id,
                                GValue     *value,
                                GParamSpec *pspec)
{
  PsCellInspector *self = PS_CELL_INSPECTOR (object);

  switch (prop_id)
    {
    case PROP_CELL:
      g_value_set_int (value, self->cell);
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
ps_cell_inspector_set_property (GObject      *object,
                                guint         prop_id,
                                const GValue *value,
                                GParamSpec   *pspec)
{
  PsCellInspector *self = PS_CELL_INSPECTOR (object);

  switch (prop_id)
    {
    case PROP_CELL:
      ps_cell_inspector_set_cell (self, g_value_get_int (value));
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
ps_cell_inspector_class_init (PsCellInspectorClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = ps_cell_inspector_dispose;
  object_class->get_property = ps_cell_inspector_get_property;
  object_class->set_property = ps_cell_inspector_set_property;

  widget_class->map = ps_cell_inspector_map;
  widget_class->unmap = ps_cell_inspector_unmap;

  properties[PROP_CELL] =
    g_param_spec_int ("cell", NULL, NULL,
                      -1, G_MAXINT, -1,
                      (G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS));

  g_object_class_install_properties (object_class, N_PROPS, properties);

  _ps_view_ensure_resources ();
  g_type_ensure (PS_TYPE_CURVE_VIEW);
  gtk_widget_class_set_template_from_resource (widget_class, UI_RESOURCE_PREFIX "/ps-cell-inspector.ui");
  gtk_widget_class_bind_template_child (widget_class, PsCellInspector, box);
  gtk_widget_class_bind_template_child (widget_class, PsCellInspector, title_label);
  gtk_widget_class_bind_template_child (widget_class, PsCellInspector, place_label);
  gtk_widget_class_bind_template_child (widget_class, PsCellInspector, grid);
  gtk_widget_class_bind_template_child (widget_class, PsCellInspector, curve_view);

  gtk_widget_class_set_layout_manager_type (widget_class, GTK_TYPE_BIN_LAYOUT);
  gtk_widget_class_set_css_name (widget_class, "cellinspector");
}

static void
ps_cell_inspector_init (PsCellInspector *self)
{
  Row row;

  gtk_widget_init_template (GTK_WIDGET (self));

  ps_render_style_init_default (&self->style);
  self->cell = -1;

  for (row = 0; row < N_ROWS; row++)
    {
      add_label (self, _(row_names[row]), 0, row + 1, TRUE);
      self->value_labels[row] = add_label (self, "–", 1, row + 1, FALSE);
      self->group_labels[row] = add_label (self, "–", 2, row + 1, FALSE);
      self->pack_labels[row] = add_label (self, "–", 3, row + 1, FALSE);
    }
}

GtkWidget *
ps_cell_inspector_new (void)
{
  return g_object_new (PS_TYPE_CELL_INSPECTOR, NULL);
}

void
ps_cell_inspector_set_runner (PsCellInspector *self,
                              PsRunner        *runner)
{
  g_return_if_fail (PS_IS_CELL_INSPECTOR (self));

  if (self->runner == runner)
    return;

  _ps_view_set_runner (&self->runner, runner);
  ps_curve_view_set_runner (self->curve_view, runner);
  g_clear_pointer (&self->frame, ps_frame_unref);
  _ps_view_poll_frame (self->runner, &self->frame);
  ps_cell_inspector_update_labels (self);
}

PsRunner *
ps_cell_inspector_get_runner (PsCellInspector *self)
{
  g_return_val_if_fail (PS_IS_CELL_INSPECTOR (self), NULL);

  return self->runner;
}

int
ps_cell_inspector_get_cell (PsCellInspector *self)
{
  g_return_val_if_fail (PS_IS_CELL_INSPECTOR (self), -1);

  return self->cell;
}

void
ps_cell_inspector_set_cell (PsCellInspector *self,
                            int              cell)
{
  g_return_if_fail (PS_IS_CELL_INSPECTOR (self));

  cell = MAX (cell, -1);
  if (self->cell == cell)
    return;

  self->cell = cell;
  ps_curve_view_set_selected_cell (self->curve_view, cell);
  ps_cell_inspector_update_labels (self);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_CELL]);
}

void
ps_cell_inspector_set_units (PsCellInspector *self,
                             PsTempUnit       temp_unit,
                             PsPowerUnit      power_unit)
{
  g_return_if_fail (PS_IS_CELL_INSPECTOR (self));

  if (self->style.temp_unit == temp_unit && self->style.power_unit == power_unit)
    return;

  self->style.temp_unit = temp_unit;
  self->style.power_unit = power_unit;
  ps_curve_view_set_units (self->curve_view, temp_unit, power_unit);
  ps_cell_inspector_update_labels (self);
}
