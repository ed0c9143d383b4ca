/* ps-view-common.c: what the four views share
 *
 * Copyright 2026 The Packscope authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <math.h>

#include "ps-view-private.h"
#include "ps-ui-resources.h"

void
_ps_view_ensure_resources (void)
{
  /* referring to the resource links its object (whose constructor
   * registers it) */
  (void) ps_ui_get_resource ();
}

gboolean
_ps_view_poll_frame (PsRunner  *runner,
                     PsFrame  **frame)
{
  PsFrame *latest;

  g_assert (frame != NULL);

  if (runner == NULL)
    {
      if (*frame == NULL)
        return FALSE;
      g_clear_pointer (frame, ps_frame_unref);
      return TRUE;
    }

  latest = ps_runner_dup_frame (runner);
  if (latest == NULL)
    {
      if (*frame == NULL)
        return FALSE;
      g_clear_pointer (frame, ps_frame_unref);
      return TRUE;
    }

  if (latest == *frame ||
      (*frame != NULL &&
       latest->serial == (*frame)->serial &&
       latest->pack == (*frame)->pack))
    {
      ps_frame_unref (latest);
      return FALSE;
    }

  g_clear_pointer (frame, ps_frame_unref);
  *frame = latest;
  return TRUE;
}

void
_ps_view_apply_theme (GtkWidget     *widget,
                      PsRenderStyle *style)
{
  GtkStyleContext *context;
  GdkRGBA color;
  double luminance;

  g_return_if_fail (GTK_IS_WIDGET (widget));
  g_return_if_fail (style != NULL);

  /* gtk_widget_get_color() is GTK 4.10; the style context is the 4.8 way */
  G_GNUC_BEGIN_IGNORE_DEPRECATIONS
  context = gtk_widget_get_style_context (widget);
  gtk_style_context_get_color (context, &color);
  G_GNUC_END_IGNORE_DEPRECATIONS

  luminance = 0.2126 * color.red + 0.7152 * color.green + 0.0722 * color.blue;
  if (luminance > 0.5)
    {
      /* dark theme: the theme's text on libadwaita's dark view colour */
      style->fg[0] = color.red;
      style->fg[1] = color.green;
      style->fg[2] = color.blue;
      style->fg[3] = 1.0;
      style->bg[0] = 0x1e / 255.0;
      style->bg[1] = 0x1e / 255.0;
      style->bg[2] = 0x1e / 255.0;
      style->bg[3] = 1.0;
    }
  else
    {
      PsRenderStyle defaults;

      ps_render_style_init_default (&defaults);
      memcpy (style->fg, defaults.fg, sizeof style->fg);
      memcpy (style->bg, defaults.bg, sizeof style->bg);
    }
}

void
_ps_view_snapshot_empty (GtkWidget           *widget,
                         GtkSnapshot         *snapshot,
                         const PsRenderStyle *style,
                         const char          *message)
{
  g_autoptr(PangoLayout) layout = NULL;
  GdkRGBA bg, fg;
  int width, height, text_w, text_h;

  width = gtk_widget_get_width (widget);
  height = gtk_widget_get_height (widget);
  if (width <= 0 || height <= 0)
    return;

  bg = (GdkRGBA) { style->bg[0], style->bg[1], style->bg[2], style->bg[3] };
  fg = (GdkRGBA) { style->fg[0], style->fg[1], style->fg[2], 0.55 * style->fg[3] };

  if (style->draw_background)
    gtk_snapshot_append_color (snapshot, &bg, &GRAPHENE_RECT_INIT (0, 0, width, height));

  layout = gtk_widget_create_pango_layout (widget, message);
  pango_layout_get_pixel_size (layout, &text_w, &text_h);

  gtk_snapshot_save (snapshot);
  gtk_snapshot_translate (snapshot,
                          &GRAPHENE_POINT_INIT ((width - text_w) / 2.0,
                                                (height - text_h) / 2.0));
  gtk_snapshot_append_layout (snapshot, layout, &fg);
  gtk_snapshot_restore (snapshot);
}

double
_ps_view_temp_value (const PsRenderStyle *style,
                     double               temp_k)
{
  if (style->temp_unit == PS_TEMP_UNIT_KELVIN)
    return temp_k;
  return temp_k - 273.15;
}

const char *
_ps_view_temp_unit (const PsRenderStyle *style)
{
  return style->temp_unit == PS_TEMP_UNIT_KELVIN ? "K" : "°C";
}

const char *
_ps_view_group_module_name (const PsPack *pack,
                            guint         group)
{
  guint module;

  if (pack == NULL || group >= pack->n_series || pack->group_module == NULL)
    return NULL;

  module = pack->group_module[group];
  if (module >= pack->n_modules || pack->module_name == NULL)
    return NULL;

  return pack->module_name[module];
}

void
_ps_view_format_cell (const PsFrame       *frame,
                      const PsRenderStyle *style,
                      guint                cell,
                      char                *buf,
                      gsize                size)
{
  const PsPack *pack = frame->pack;
  const char *module;
  guint n_parallel, group, position;

  if (cell >= frame->n_cells)
    {
      g_strlcpy (buf, "", size);
      return;
    }

  n_parallel = MAX (pack->n_parallel, 1);
  group = cell / n_parallel;
  position = cell % n_parallel;
  module = _ps_view_group_module_name (pack, group);

  g_snprintf (buf, size,
              "Cell #%u · group %u/%u (position %u) · module %s\n"
              "%.4f V   %+.3f A   SOC %.1f %%\n"
              "%.2f %s   heat %.3f W",
              cell, group + 1, pack->n_series, position + 1,
              module != NULL ? module : "–",
              frame->cell_voltage_v[cell],
              frame->cell_current_a[cell],
              100.0 * frame->cell_soc[cell],
              _ps_view_temp_value (style, frame->cell_temp_k[cell]),
              _ps_view_temp_unit (style),
              frame->cell_heat_w[cell]);
}
