/* ps-view-common.c: what the four views share
 *
 * Copyright 2026 The Packscope authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <glib/gi18n.h>
#include <math.h>
#include <string.h>

#include "ps-view-private.h"
#include "ps-ui-resources.h"

void
_ps_view_ensure_resources (void)
{
  /* referring to the resource links its object (whose constructor
   * registers it) */
  (void) ps_ui_get_resource ();
}

/* Frame pacing */

#define PACER_BUDGET_US   10000   /* estimated draw time granted per frame */
#define PACER_CHEAP_US     1500   /* a view this cheap never waits */
#define PACER_MAX_WAIT        4   /* frames; then it draws whatever the cost */

static GPtrArray *pacers;          /* PsViewPacer*, registered (mapped) views */

static int
pacer_compare_waited (gconstpointer a,
                      gconstpointer b)
{
  const PsViewPacer *pa = *(PsViewPacer * const *) a;
  const PsViewPacer *pb = *(PsViewPacer * const *) b;

  /* longest waiting first; stable for equal waits (registration order) */
  return (int) pb->waited - (int) pa->waited;
}

/* Once per frame of a frame clock: poll every view on it and grant redraws. */
static void
pacer_arbitrate (GdkFrameClock *clock)
{
  PsViewPacer *order[32];
  guint n = 0, i;
  gint64 used = 0;

  for (i = 0; i < pacers->len && n < G_N_ELEMENTS (order); i++)
    {
      PsViewPacer *p = g_ptr_array_index (pacers, i);

      if (gtk_widget_get_frame_clock (p->widget) != clock)
        continue;
      if (p->poll (p->widget))
        p->pending = TRUE;
      p->granted = FALSE;
      if (p->pending)
        order[n++] = p;
    }

  /* insertion sort keeps registration order among equals */
  for (i = 1; i < n; i++)
    {
      PsViewPacer *p = order[i];
      guint j = i;

      while (j > 0 && pacer_compare_waited (&order[j - 1], &p) > 0)
        {
          order[j] = order[j - 1];
          j--;
        }
      order[j] = p;
    }

  for (i = 0; i < n; i++)
    {
      PsViewPacer *p = order[i];

      if (used == 0 || p->cost_us <= PACER_CHEAP_US ||
          used + p->cost_us <= PACER_BUDGET_US || p->waited >= PACER_MAX_WAIT)
        {
          p->granted = TRUE;
          used += MAX (p->cost_us, 1);
        }
    }
}

static void
pacer_redraw (PsViewPacer *pacer)
{
  if (pacer->redraw != NULL)
    pacer->redraw (pacer->widget);
  else
    gtk_widget_queue_draw (pacer->widget);
}

static gboolean
pacer_tick (GtkWidget     *widget,
            GdkFrameClock *clock,
            gpointer       user_data)
{
  PsViewPacer *pacer = user_data;
  gint64 counter = gdk_frame_clock_get_frame_counter (clock);
  static GdkFrameClock *last_clock;
  static gint64 last_counter = -1;

  /* the first view to tick in a frame arbitrates for all on its clock */
  if (clock != last_clock || counter != last_counter)
    {
      last_clock = clock;
      last_counter = counter;
      pacer_arbitrate (clock);
    }

  if (pacer->granted)
    {
      pacer->granted = FALSE;
      pacer->pending = FALSE;
      pacer->waited = 0;
      pacer_redraw (pacer);
    }
  else if (pacer->pending)
    {
      pacer->waited++;
    }

  return G_SOURCE_CONTINUE;
}

void
_ps_view_pacer_init (PsViewPacer      *pacer,
                     GtkWidget        *widget,
                     PsViewPollFunc    poll,
                     PsViewRedrawFunc  redraw)
{
  memset (pacer, 0, sizeof *pacer);
  pacer->widget = widget;
  pacer->poll = poll;
  pacer->redraw = redraw;
}

void
_ps_view_pacer_start (PsViewPacer *pacer)
{
  if (pacer->tick_id != 0)
    return;

  if (pacers == NULL)
    pacers = g_ptr_array_new ();
  g_ptr_array_add (pacers, pacer);
  pacer->tick_id = gtk_widget_add_tick_callback (pacer->widget, pacer_tick, pacer, NULL);

  /* a newly shown view draws what there is now */
  pacer->poll (pacer->widget);
  pacer->pending = FALSE;
  pacer->waited = 0;
  pacer_redraw (pacer);
}

void
_ps_view_pacer_stop (PsViewPacer *pacer)
{
  if (pacer->tick_id == 0)
    return;

  gtk_widget_remove_tick_callback (pacer->widget, pacer->tick_id);
  pacer->tick_id = 0;
  g_ptr_array_remove (pacers, pacer);
  pacer->pending = FALSE;
  pacer->granted = FALSE;
}

gint64
_ps_view_pacer_draw_begin (PsViewPacer *pacer)
{
  return g_get_monotonic_time ();
}

void
_ps_view_pacer_draw_end (PsViewPacer *pacer,
                         gint64       begin)
{
  gint64 cost = g_get_monotonic_time () - begin;

  /* a running mean over about four draws */
  pacer->cost_us = pacer->cost_us == 0 ? cost : (3 * pacer->cost_us + cost) / 4;
}

void
_ps_view_set_runner (PsRunner **slot,
                     PsRunner  *runner)
{
  if (runner != NULL)
    ps_runner_ref (runner);
  g_clear_pointer (slot, ps_runner_unref);
  *slot = runner;
}

gboolean
_ps_view_poll_frame (PsRunner  *runner,
                     PsFrame  **frame)
{
  return _ps_view_poll_frame_and_recorder (runner, frame, NULL);
}

gboolean
_ps_view_poll_frame_and_recorder (PsRunner    *runner,
                                  PsFrame    **frame,
                                  PsRecorder **recorder)
{
  PsRecorder *latest_recorder = NULL;
  PsFrame *latest = NULL;

  g_assert (frame != NULL);
  g_assert (recorder == NULL || *recorder == NULL);

  if (runner == NULL)
    {
      if (*frame == NULL)
        return FALSE;
      g_clear_pointer (frame, ps_frame_unref);
      return TRUE;
    }

  /* a runner always has a published frame */
  ps_runner_dup_frame_and_recorder (runner, &latest,
                                    recorder != NULL ? &latest_recorder : NULL);

  if (latest == *frame ||
      (*frame != NULL &&
       latest->serial == (*frame)->serial &&
       latest->pack == (*frame)->pack))
    {
      ps_frame_unref (latest);
      g_clear_pointer (&latest_recorder, ps_recorder_unref);
      return FALSE;
    }

  g_clear_pointer (frame, ps_frame_unref);
  *frame = latest;
  if (recorder != NULL)
    *recorder = latest_recorder;
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
_ps_view_group_module_name (const PsPackInfo *pack,
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
  const PsPackInfo *pack = ps_pack_get_info (frame->pack);
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

  /* Translators: a cell's tooltip; the module is a name or "–", then the
   * temperature's value and unit */
  g_snprintf (buf, size,
              _("Cell #%u · group %u/%u (position %u) · module %s\n"
                "%.4f V   %+.3f A   SOC %.1f %%\n"
                "%.2f %s   heat %.3f W"),
              cell + 1, group + 1, pack->n_series, position + 1,
              module != NULL ? module : "–",
              frame->cell_voltage_v[cell],
              frame->cell_current_a[cell],
              100.0 * frame->cell_soc[cell],
              _ps_view_temp_value (style, frame->cell_temp_k[cell]),
              _ps_view_temp_unit (style),
              frame->cell_heat_w[cell]);
}
