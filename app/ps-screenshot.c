/* ps-screenshot.c: headless screenshots of the real window through GTK */
#include "config.h"

#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>

#include <adwaita.h>

#include "ps-engine.h"
#include "ps-pack-builder.h"
#include "ps-pack-view.h"
#include "ps-curve-view.h"
#include "ps-thermal-view.h"
#include "ps-screenshot.h"
#include "ps-parse.h"
#include "ps-window.h"

#define MIN_SIZE 64
#define MAX_SIZE 8192
#define MAX_RUN_S PS_SCREENSHOT_MAX_RUN_S
#define PAINT_TIMEOUT_MS 30000

gboolean
ps_screenshot_parse_size (const char  *text,
                          int         *width,
                          int         *height,
                          GError     **error)
{
  g_auto(GStrv) parts = NULL;
  guint64 w, h;

  /* WIDTHxHEIGHT, each part a strict whole number */
  if (text != NULL)
    parts = g_strsplit_set (text, "xX", -1);
  if (parts == NULL || g_strv_length (parts) != 2)
    {
      g_set_error (error, G_OPTION_ERROR, G_OPTION_ERROR_BAD_VALUE,
                   "--size: expected WIDTHxHEIGHT such as 1280x800, got “%s”",
                   text != NULL ? text : "");
      return FALSE;
    }
  if (!ps_parse_uint64 ("--size (width)", parts[0], MIN_SIZE, MAX_SIZE, &w, error) ||
      !ps_parse_uint64 ("--size (height)", parts[1], MIN_SIZE, MAX_SIZE, &h, error))
    return FALSE;

  *width = (int) w;
  *height = (int) h;
  return TRUE;
}

typedef struct
{
  guint    paints;
  gboolean timed_out;
} WaitData;

static void
on_after_paint (GdkFrameClock *frame_clock,
                WaitData      *data)
{
  data->paints++;
}

/* queue_draw on a widget redraws only that widget; its children keep their
 * last render nodes unless they queued a draw themselves */
static void
queue_draw_all (GtkWidget *widget)
{
  gtk_widget_queue_draw (widget);
  for (GtkWidget *child = gtk_widget_get_first_child (widget);
       child != NULL;
       child = gtk_widget_get_next_sibling (child))
    queue_draw_all (child);
}

static gboolean
keep_ticking (GtkWidget     *widget,
              GdkFrameClock *frame_clock,
              gpointer       user_data)
{
  /* a tick callback keeps the frame clock painting, and every widget draws
   * afresh at its final size */
  queue_draw_all (widget);
  return G_SOURCE_CONTINUE;
}

static gboolean
on_timeout (gpointer user_data)
{
  WaitData *data = user_data;

  data->timed_out = TRUE;
  return G_SOURCE_REMOVE;
}

gboolean
ps_screenshot_wait_painted (GtkWidget *widget,
                            guint      n_paints,
                            guint      timeout_ms)
{
  GtkRoot *root = gtk_widget_get_root (widget);
  GdkFrameClock *frame_clock;
  WaitData data = { 0, FALSE };
  guint timeout_id;
  guint tick_id;
  gulong handler;

  g_return_val_if_fail (GTK_IS_WIDGET (widget), FALSE);

  if (GTK_IS_WINDOW (root) && !gtk_widget_get_visible (GTK_WIDGET (root)))
    gtk_window_present (GTK_WINDOW (root));

  timeout_id = g_timeout_add (timeout_ms, on_timeout, &data);

  while (!data.timed_out && gtk_widget_get_frame_clock (widget) == NULL)
    g_main_context_iteration (NULL, TRUE);

  if (data.timed_out)
    return FALSE;

  frame_clock = gtk_widget_get_frame_clock (widget);
  handler = g_signal_connect (frame_clock, "after-paint", G_CALLBACK (on_after_paint), &data);
  tick_id = gtk_widget_add_tick_callback (widget, keep_ticking, NULL, NULL);

  while (!data.timed_out && data.paints < n_paints)
    g_main_context_iteration (NULL, TRUE);

  gtk_widget_remove_tick_callback (widget, tick_id);
  g_signal_handler_disconnect (frame_clock, handler);
  if (!data.timed_out)
    g_source_remove (timeout_id);

  return data.paints >= n_paints;
}

/* TRUE when every thermal view under widget has its field (the GL path
 * computes its interpolation nodes off the UI thread) */
static gboolean
thermal_fields_ready (GtkWidget *widget)
{
  if (PS_IS_THERMAL_VIEW (widget) &&
      !ps_thermal_view_get_field_ready (PS_THERMAL_VIEW (widget)))
    return FALSE;
  for (GtkWidget *child = gtk_widget_get_first_child (widget); child != NULL;
       child = gtk_widget_get_next_sibling (child))
    if (!thermal_fields_ready (child))
      return FALSE;
  return TRUE;
}

gboolean
ps_screenshot_present (GtkWidget  *target,
                       int         width,
                       int         height,
                       guint       timeout_ms,
                       GError    **error)
{
  GtkWindow *window;
  GtkWidget *content = target;

  g_return_val_if_fail (GTK_IS_WIDGET (target), FALSE);
  window = GTK_WINDOW (gtk_widget_get_root (target));
  g_return_val_if_fail (GTK_IS_WINDOW (window), FALSE);

  /* The window's own size counts the margin of its client-side decoration
   * (5 px under Xvfb even undecorated), and a default size only applies
   * before the window is first shown: size the content instead. */
  if (ADW_IS_APPLICATION_WINDOW (target))
    content = adw_application_window_get_content (ADW_APPLICATION_WINDOW (target));
  else if (GTK_IS_WINDOW (target))
    content = gtk_window_get_child (GTK_WINDOW (target));
  g_return_val_if_fail (content != NULL, FALSE);

  gtk_window_set_decorated (window, FALSE);
  gtk_widget_set_size_request (content, width, height);
  gtk_window_set_default_size (window, width, height);
  gtk_window_present (window);

  /* the X server resizes the surface asynchronously: wait until the
   * target has its size, then for a few frames drawn at that size */
  for (guint i = 0; i < 100; i++)
    {
      if (!ps_screenshot_wait_painted (target, 1, timeout_ms))
        goto timeout;
      if (gtk_widget_get_width (target) == width && gtk_widget_get_height (target) == height)
        break;
    }

  /* until the thermal maps have their fields (the GL path computes its
   * nodes off the UI thread), then a few frames more */
  for (guint i = 0; i < 1000 && !thermal_fields_ready (target); i++)
    if (!ps_screenshot_wait_painted (target, 1, timeout_ms))
      goto timeout;

  if (!ps_screenshot_wait_painted (target, 4, timeout_ms))
    goto timeout;

  if (gtk_widget_get_width (target) != width || gtk_widget_get_height (target) != height)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT,
                   "--size %dx%d: the %s needs at least %dx%d",
                   width, height, GTK_IS_WINDOW (target) ? "window" : "view",
                   gtk_widget_get_width (target), gtk_widget_get_height (target));
      return FALSE;
    }

  return TRUE;

timeout:
  g_set_error (error, G_IO_ERROR, G_IO_ERROR_TIMED_OUT,
               "Screenshot: the window did not draw within %u s (is there a display?)",
               timeout_ms / 1000);
  return FALSE;
}

GdkTexture *
ps_screenshot_render (GtkWidget  *widget,
                      GError    **error)
{
  g_autoptr(GdkPaintable) paintable = NULL;
  g_autoptr(GskRenderNode) node = NULL;
  GtkSnapshot *snapshot;
  GtkNative *native;
  GskRenderer *renderer;
  GdkTexture *texture;
  graphene_rect_t bounds;
  int width, height;

  g_return_val_if_fail (GTK_IS_WIDGET (widget), NULL);

  native = gtk_widget_get_native (widget);
  renderer = native != NULL ? gtk_native_get_renderer (native) : NULL;
  width = gtk_widget_get_width (widget);
  height = gtk_widget_get_height (widget);

  if (renderer == NULL || width < 1 || height < 1)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_FAILED,
                   "Screenshot: the %s is not on screen (no renderer or no size)",
                   G_OBJECT_TYPE_NAME (widget));
      return NULL;
    }

  /* The render node the widget drew in its last paint. The paintable maps
   * the widget's bounds (for a toplevel they include the margin of its
   * client-side decoration) onto the size it is drawn at: draw it at those
   * bounds, unscaled, and cut the widget itself out of them. */
  if (!gtk_widget_compute_bounds (widget, widget, &bounds))
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_FAILED,
                   "Screenshot: the %s has no bounds", G_OBJECT_TYPE_NAME (widget));
      return NULL;
    }
  paintable = gtk_widget_paintable_new (widget);
  snapshot = gtk_snapshot_new ();
  gdk_paintable_snapshot (paintable, snapshot, bounds.size.width, bounds.size.height);
  node = gtk_snapshot_free_to_node (snapshot);
  if (node == NULL)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_FAILED,
                   "Screenshot: the %s has not drawn anything",
                   G_OBJECT_TYPE_NAME (widget));
      return NULL;
    }

  texture = gsk_renderer_render_texture (renderer, node,
                                         &GRAPHENE_RECT_INIT (-bounds.origin.x, -bounds.origin.y,
                                                              width, height));
  if (texture == NULL)
    g_set_error (error, G_IO_ERROR, G_IO_ERROR_FAILED,
                 "Screenshot: the renderer %s could not render the %s",
                 G_OBJECT_TYPE_NAME (renderer), G_OBJECT_TYPE_NAME (widget));

  return texture;
}

gboolean
ps_screenshot_save_png (GdkTexture  *texture,
                        const char  *path,
                        GError     **error)
{
  g_autoptr(GBytes) png = NULL;

  g_return_val_if_fail (GDK_IS_TEXTURE (texture), FALSE);
  g_return_val_if_fail (path != NULL, FALSE);

  png = gdk_texture_save_to_png_bytes (texture);
  if (png == NULL)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_FAILED,
                   "Screenshot: encoding the PNG for %s failed", path);
      return FALSE;
    }

  /* A regular file (or a new one) is replaced whole through a temporary
   * file; anything else that exists (a symbolic link such as /dev/stdout, a
   * character device, a FIFO) is written in place, never replaced: as root,
   * a rename over /dev/full or /dev/stdout would put a PNG in their place. */
  if (g_file_test (path, G_FILE_TEST_IS_SYMLINK) ||
      (g_file_test (path, G_FILE_TEST_EXISTS) && !g_file_test (path, G_FILE_TEST_IS_REGULAR)))
    {
      FILE *out = fopen (path, "wb");
      gboolean written;
      int saved_errno;

      if (out == NULL)
        {
          saved_errno = errno;
          g_set_error (error, G_IO_ERROR, g_io_error_from_errno (saved_errno),
                       "Screenshot: cannot open %s: %s", path, g_strerror (saved_errno));
          return FALSE;
        }
      written = fwrite (g_bytes_get_data (png, NULL), 1, g_bytes_get_size (png), out) ==
                g_bytes_get_size (png);
      written = fflush (out) == 0 && written;
      saved_errno = errno;
      if (fclose (out) != 0 && written)
        {
          written = FALSE;
          saved_errno = errno;
        }
      if (!written)
        {
          g_set_error (error, G_IO_ERROR, g_io_error_from_errno (saved_errno),
                       "Screenshot: writing %s failed: %s", path, g_strerror (saved_errno));
          return FALSE;
        }
      return TRUE;
    }

  if (!g_file_set_contents (path, g_bytes_get_data (png, NULL), g_bytes_get_size (png), error))
    {
      g_prefix_error (error, "Screenshot: ");
      return FALSE;
    }

  return TRUE;
}

static int
fail (GError *error)
{
  g_printerr ("packscope: %s\n", error->message);
  g_error_free (error);
  return 2;
}

static int
save_timeline (PsRunner                  *runner,
               const PsScreenshotOptions *options)
{
  g_autoptr(PsFrame) frame = ps_runner_dup_frame (runner);
  g_autoptr(PsRunawayTimeline) tl = ps_runaway_timeline_new ();
  g_autoptr(GdkTexture) texture = NULL;
  g_autoptr(GBytes) bytes = NULL;
  cairo_surface_t *surface;
  PsRenderStyle style;
  GError *error = NULL;
  cairo_t *cr;

  if (frame == NULL)
    return fail (g_error_new (G_OPTION_ERROR, G_OPTION_ERROR_FAILED,
                              "--view timeline: the run made no frame"));
  ps_runaway_timeline_update (tl, frame);
  ps_render_style_init_default (&style);
  style.draw_background = TRUE;
  if (options->dark)
    for (guint k = 0; k < 3; k++)
      {
        style.fg[k] = 1.0;
        style.bg[k] = 0x1e / 255.0;
      }
  surface = cairo_image_surface_create (CAIRO_FORMAT_ARGB32, options->width, options->height);
  cr = cairo_create (surface);
  ps_render_runaway_timeline (cr, tl, frame, &style, options->width, options->height);
  cairo_destroy (cr);
  cairo_surface_flush (surface);
  /* through the window's PNG writer: a whole file or none */
  bytes = g_bytes_new (cairo_image_surface_get_data (surface),
                       (gsize) cairo_image_surface_get_stride (surface) * options->height);
  texture = gdk_memory_texture_new (options->width, options->height, GDK_MEMORY_DEFAULT, bytes,
                                    cairo_image_surface_get_stride (surface));
  cairo_surface_destroy (surface);
  if (!ps_screenshot_save_png (texture, options->output, &error))
    return fail (error);
  return 0;
}

int
ps_screenshot_run (GtkApplication            *application,
                   const PsScreenshotOptions *options)
{
  g_autoptr(PsScenario) scenario = NULL;
  g_autoptr(GdkTexture) texture = NULL;
  GtkWidget *window = NULL;
  GtkWidget *target = NULL;
  g_autoptr(PsRunner) own_runner = NULL;
  const char *view = options->view != NULL ? options->view : "window";
  GError *error = NULL;
  int status = 0;

  if (options->output == NULL || options->output[0] == '\0')
    return fail (g_error_new (G_OPTION_ERROR, G_OPTION_ERROR_BAD_VALUE,
                              "--screenshot: expected an output file name"));
  if (!isfinite (options->run_s) || options->run_s < 0.0 || options->run_s > MAX_RUN_S)
    return fail (g_error_new (G_OPTION_ERROR, G_OPTION_ERROR_BAD_VALUE,
                              "--run: expected simulated seconds in 0..%.0f, got %g",
                              MAX_RUN_S, options->run_s));
  if (options->width < MIN_SIZE || options->height < MIN_SIZE ||
      options->width > MAX_SIZE || options->height > MAX_SIZE)
    return fail (g_error_new (G_OPTION_ERROR, G_OPTION_ERROR_BAD_VALUE,
                              "--size: %dx%d is outside %dx%d..%dx%d",
                              options->width, options->height,
                              MIN_SIZE, MIN_SIZE, MAX_SIZE, MAX_SIZE));
  if (!g_str_equal (view, "window") && !g_str_equal (view, "layout") &&
      !g_str_equal (view, "curves") && !g_str_equal (view, "thermal") &&
      !g_str_equal (view, "builder") && !g_str_equal (view, "timeline"))
    return fail (g_error_new (G_OPTION_ERROR, G_OPTION_ERROR_BAD_VALUE,
                              "--view: expected window, layout, curves, thermal, timeline or builder, got “%s”",
                              view));

  /* the same picture whatever the desktop's light or dark preference */
  adw_style_manager_set_color_scheme (adw_style_manager_get_default (),
                                      options->dark ? ADW_COLOR_SCHEME_FORCE_DARK
                                                    : ADW_COLOR_SCHEME_FORCE_LIGHT);

  scenario = ps_scenario_new_lookup (options->scenario != NULL ? options->scenario : "leaf-2011",
                                     &error);
  if (scenario == NULL)
    return fail (error);
  if (options->protocol != NULL)
    {
      if (!ps_scenario_set_protocol (scenario, options->protocol, &error))
        return fail (error);
      ps_scenario_name_after_protocol (scenario);
    }

  if (g_str_equal (view, "window") || g_str_equal (view, "builder"))
    {
      PsWindow *win = ps_window_new (application);

      window = GTK_WIDGET (win);
      if (!ps_window_set_scenario (win, scenario, &error))
        {
          gtk_window_destroy (GTK_WINDOW (window));
          return fail (error);
        }
      ps_runner_run_until (ps_window_get_runner (win), options->run_s);

      /* the cell inspector shows the hottest cell, the one a person would
       * look at first (deterministic: it follows from the run) */
      {
        g_autoptr(PsFrame) frame = ps_runner_dup_frame (ps_window_get_runner (win));

        if (frame != NULL && frame->n_cells > 0)
          ps_pack_view_set_selected_cell (PS_PACK_VIEW (ps_window_get_view (win, PS_WINDOW_VIEW_LAYOUT)),
                                          frame->cell_temp_max_idx);
      }
      target = window;

      /* the pack builder over the scenario's window, which is not shown */
      if (g_str_equal (view, "builder"))
        {
          target = GTK_WIDGET (ps_pack_builder_new (win));
          window = target;
          gtk_window_set_transient_for (GTK_WINDOW (target), NULL);
          gtk_window_set_modal (GTK_WINDOW (target), FALSE);
          g_object_set_data_full (G_OBJECT (target), "ps-screenshot-parent", win,
                                  (GDestroyNotify) gtk_window_destroy);
        }
    }
  else
    {
      own_runner = ps_runner_new (scenario, &error);
      if (own_runner == NULL)
        return fail (error);
      ps_runner_run_until (own_runner, options->run_s);

      /* the runaway timeline is the window's panel's renderer alone: drawn
       * straight into the PNG, in the chosen style's colours */
      if (g_str_equal (view, "timeline"))
        return save_timeline (own_runner, options);

      if (g_str_equal (view, "layout"))
        {
          target = ps_pack_view_new ();
          ps_pack_view_set_runner (PS_PACK_VIEW (target), own_runner);
        }
      else if (g_str_equal (view, "curves"))
        {
          target = ps_curve_view_new ();
          ps_curve_view_set_runner (PS_CURVE_VIEW (target), own_runner);
        }
      else
        {
          target = ps_thermal_view_new ();
          ps_thermal_view_set_runner (PS_THERMAL_VIEW (target), own_runner);
        }

      window = gtk_window_new ();
      gtk_window_set_decorated (GTK_WINDOW (window), FALSE);
      gtk_window_set_child (GTK_WINDOW (window), target);
    }

  if (!PS_IS_PACK_BUILDER (window))
    gtk_window_set_title (GTK_WINDOW (window), "Packscope");
  if (ps_screenshot_present (target, options->width, options->height, PAINT_TIMEOUT_MS, &error) &&
      (texture = ps_screenshot_render (target, &error)) != NULL)
    ps_screenshot_save_png (texture, options->output, &error);

  if (error != NULL)
    status = fail (error);

  /* the view holds its own reference to the runner */
  gtk_window_destroy (GTK_WINDOW (window));
  g_clear_pointer (&own_runner, ps_runner_unref);

  /* let the destruction finish before the application shuts down */
  while (g_main_context_pending (NULL))
    g_main_context_iteration (NULL, FALSE);

  return status;
}
