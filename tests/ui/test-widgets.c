/* test-widgets.c: the four views on a real runner, rendered through GTK
 *
 * Runs under Xvfb (GSK_RENDERER=cairo); skips without a display. The runner
 * simulates the leaf-2011 preset to a fixed time and pauses, so what the
 * views draw is fixed while they are captured; the checks are about the
 * widgets (what reaches the renderers, notifications, the GL path matching
 * the cairo path), not about the physics.
 */
#include "config.h"

#include <math.h>
#include <string.h>

#include <gtk/gtk.h>
#include <libglib-testing/signal-logger.h>

#include "ps-cell-inspector.h"
#include "ps-curve-view.h"
#include "ps-pack-view.h"
#include "ps-thermal-view.h"
#include "ps-view-private.h"

#define VIEW_W 640
#define VIEW_H 420

static gboolean have_display;
static const char *test_program;     /* argv[0], to run again with another env */

/* ---------------------------------------------------------------------- */
/* helpers                                                                 */

static PsRunner *
runner_new_at (const char *preset,
               double      time_s)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(PsScenario) scenario = NULL;
  PsRunner *runner;

  scenario = ps_scenario_new_from_preset (preset, &error);
  g_assert_no_error (error);
  runner = ps_runner_new (scenario, &error);
  g_assert_no_error (error);
  ps_runner_run_until (runner, time_s);
  ps_runner_sync (runner);
  return runner;
}

static void
on_after_paint (GdkFrameClock *clock,
                guint         *n_paints)
{
  (*n_paints)++;
}

/* Shows widget alone in a window of the test size and waits until the window
 * has painted a few times (the views take their frame on the frame clock). */
/* a thermal view whose GL path still waits for its nodes */
static gboolean
field_pending (GtkWidget *widget)
{
  return PS_IS_THERMAL_VIEW (widget) &&
         !ps_thermal_view_get_field_ready (PS_THERMAL_VIEW (widget));
}

/* Paints the window until three frames have everything drawn (a thermal
 * view's field included). */
static void
paint_until_drawn (GtkWidget *window,
                   GtkWidget *widget)
{
  GdkFrameClock *clock = gtk_widget_get_frame_clock (window);
  gint64 deadline = g_get_monotonic_time () + 30 * G_USEC_PER_SEC;
  guint n_paints = 0;
  gulong id;

  id = g_signal_connect (clock, "after-paint", G_CALLBACK (on_after_paint), &n_paints);
  while ((n_paints < 3 || field_pending (widget)) && g_get_monotonic_time () < deadline)
    {
      if (field_pending (widget))
        n_paints = 0;
      gtk_widget_queue_draw (window);
      g_main_context_iteration (NULL, TRUE);
    }
  g_signal_handler_disconnect (clock, id);
  g_assert_cmpuint (n_paints, >=, 3);
  g_assert_false (field_pending (widget));
}

static GtkWidget *
window_show (GtkWidget *widget)
{
  GtkWidget *window = gtk_window_new ();

  gtk_window_set_default_size (GTK_WINDOW (window), VIEW_W, VIEW_H);
  gtk_window_set_child (GTK_WINDOW (window), widget);
  gtk_window_present (GTK_WINDOW (window));

  while (!gtk_widget_get_mapped (widget))
    g_main_context_iteration (NULL, TRUE);

  paint_until_drawn (window, widget);
  return window;
}

/* Lets the frame clock run a few more frames (after a property change). */
static void
window_settle (GtkWidget *window)
{
  GdkFrameClock *clock = gtk_widget_get_frame_clock (window);
  guint n_paints = 0;
  gint64 deadline = g_get_monotonic_time () + 5 * G_USEC_PER_SEC;
  gulong id;

  id = g_signal_connect (clock, "after-paint", G_CALLBACK (on_after_paint), &n_paints);
  while (n_paints < 2 && g_get_monotonic_time () < deadline)
    {
      gtk_widget_queue_draw (window);
      g_main_context_iteration (NULL, TRUE);
    }
  g_signal_handler_disconnect (clock, id);
}

/* The widget as the window's renderer draws it, as a cairo image surface. */
static cairo_surface_t *
capture (GtkWidget *widget)
{
  g_autoptr(GdkPaintable) paintable = NULL;
  g_autoptr(GdkTexture) texture = NULL;
  GtkSnapshot *snapshot;
  GskRenderNode *node;
  GskRenderer *renderer;
  cairo_surface_t *surface;
  int width = gtk_widget_get_width (widget);
  int height = gtk_widget_get_height (widget);

  g_assert_cmpint (width, >, 0);
  g_assert_cmpint (height, >, 0);

  paintable = gtk_widget_paintable_new (widget);
  snapshot = gtk_snapshot_new ();
  gdk_paintable_snapshot (paintable, snapshot, width, height);
  node = gtk_snapshot_free_to_node (snapshot);
  g_assert_nonnull (node);

  renderer = gtk_native_get_renderer (gtk_widget_get_native (widget));
  texture = gsk_renderer_render_texture (renderer, node, &GRAPHENE_RECT_INIT (0, 0, width, height));
  gsk_render_node_unref (node);

  surface = cairo_image_surface_create (CAIRO_FORMAT_ARGB32,
                                        gdk_texture_get_width (texture),
                                        gdk_texture_get_height (texture));
  cairo_surface_flush (surface);
  gdk_texture_download (texture, cairo_image_surface_get_data (surface),
                        cairo_image_surface_get_stride (surface));
  cairo_surface_mark_dirty (surface);

  return surface;
}

static guint32
pixel (cairo_surface_t *s,
       int              x,
       int              y)
{
  const guint8 *data = cairo_image_surface_get_data (s);

  return *(const guint32 *) (gconstpointer) (data + y * cairo_image_surface_get_stride (s) + 4 * x);
}

static int
pixel_diff (guint32 a,
            guint32 b)
{
  int d = 0;

  for (int shift = 0; shift < 32; shift += 8)
    d = MAX (d, ABS ((int) ((a >> shift) & 0xff) - (int) ((b >> shift) & 0xff)));
  return d;
}

/* number of distinct colours (capped), a cheap "is anything drawn" */
static guint
count_colours (cairo_surface_t *s,
               guint            cap)
{
  g_autoptr(GHashTable) seen = g_hash_table_new (NULL, NULL);
  int w = cairo_image_surface_get_width (s);
  int h = cairo_image_surface_get_height (s);

  for (int y = 0; y < h; y++)
    for (int x = 0; x < w; x++)
      {
        g_hash_table_add (seen, GUINT_TO_POINTER (pixel (s, x, y) | 0x1u));
        if (g_hash_table_size (seen) >= cap)
          return cap;
      }
  return g_hash_table_size (seen);
}

/* fraction of the pixels that have the top-left pixel's colour */
static double
background_fraction (cairo_surface_t *s)
{
  int w = cairo_image_surface_get_width (s);
  int h = cairo_image_surface_get_height (s);
  guint32 bg = pixel (s, 0, 0);
  guint64 n = 0;

  for (int y = 0; y < h; y++)
    for (int x = 0; x < w; x++)
      n += pixel (s, x, y) == bg;
  return (double) n / ((double) w * h);
}

typedef struct
{
  double mean;               /* mean of the per-pixel max channel difference */
  double frac_big;           /* fraction of pixels differing by more than 48 */
  int    x0, y0, x1, y1;     /* bounding box of pixels differing by more than 16 */
} DiffStats;

static void
diff_images (cairo_surface_t *a,
             cairo_surface_t *b,
             DiffStats       *st)
{
  int w = MIN (cairo_image_surface_get_width (a), cairo_image_surface_get_width (b));
  int h = MIN (cairo_image_surface_get_height (a), cairo_image_surface_get_height (b));
  double sum = 0.0;
  guint64 big = 0;

  st->x0 = st->y0 = G_MAXINT;
  st->x1 = st->y1 = -1;
  for (int y = 0; y < h; y++)
    for (int x = 0; x < w; x++)
      {
        int d = pixel_diff (pixel (a, x, y), pixel (b, x, y));

        sum += d;
        if (d > 48)
          big++;
        if (d > 16)
          {
            st->x0 = MIN (st->x0, x);
            st->y0 = MIN (st->y0, y);
            st->x1 = MAX (st->x1, x);
            st->y1 = MAX (st->y1, y);
          }
      }
  st->mean = sum / ((double) w * h);
  st->frac_big = (double) big / ((double) w * h);
}

static void
save_for_inspection (cairo_surface_t *s,
                     const char      *name)
{
  const char *dir = g_getenv ("G_TEST_BUILDDIR");
  g_autofree char *path = g_build_filename (dir != NULL ? dir : ".", name, NULL);

  cairo_surface_write_to_png (s, path);
  g_test_message ("wrote %s", path);
}

static GtkLabel *
find_label (GtkWidget  *root,
            const char *text)
{
  GtkWidget *child;

  if (GTK_IS_LABEL (root) && g_strcmp0 (gtk_label_get_text (GTK_LABEL (root)), text) == 0)
    return GTK_LABEL (root);

  for (child = gtk_widget_get_first_child (root); child != NULL; child = gtk_widget_get_next_sibling (child))
    {
      GtkLabel *found = find_label (child, text);

      if (found != NULL)
        return found;
    }
  return NULL;
}

#define REQUIRE_DISPLAY() \
  G_STMT_START { \
    if (!have_display) \
      { \
        g_test_skip ("no display (run under xvfb-run -a)"); \
        return; \
      } \
  } G_STMT_END

/* ---------------------------------------------------------------------- */
/* properties: notify once per real change, never for the same value       */

static void
test_pack_view_properties (void)
{
  g_autoptr(GtSignalLogger) logger = NULL;
  GtkWidget *view;

  REQUIRE_DISPLAY ();

  view = g_object_ref_sink (ps_pack_view_new ());
  logger = gt_signal_logger_new ();
  gt_signal_logger_connect (logger, view, "notify");

  ps_pack_view_set_quantity (PS_PACK_VIEW (view), PS_QUANTITY_TEMPERATURE);
  gt_signal_logger_assert_notify_emission_pop (logger, view, "quantity");
  ps_pack_view_set_quantity (PS_PACK_VIEW (view), PS_QUANTITY_TEMPERATURE);
  g_object_set (view, "colormap", PS_COLORMAP_DIVERGING, NULL);
  gt_signal_logger_assert_notify_emission_pop (logger, view, "colormap");
  g_object_set (view, "selected-cell", 7, NULL);
  gt_signal_logger_assert_notify_emission_pop (logger, view, "selected-cell");
  ps_pack_view_set_selected_cell (PS_PACK_VIEW (view), 7);
  ps_pack_view_set_zoom (PS_PACK_VIEW (view), 3.0);
  gt_signal_logger_assert_notify_emission_pop (logger, view, "zoom");
  ps_pack_view_set_zoom (PS_PACK_VIEW (view), 3.0);
  gt_signal_logger_assert_no_emissions (logger);

  g_assert_cmpint (ps_pack_view_get_quantity (PS_PACK_VIEW (view)), ==, PS_QUANTITY_TEMPERATURE);
  g_assert_cmpint (ps_pack_view_get_style (PS_PACK_VIEW (view))->quantity, ==, PS_QUANTITY_TEMPERATURE);
  g_assert_cmpint (ps_pack_view_get_style (PS_PACK_VIEW (view))->colormap, ==, PS_COLORMAP_DIVERGING);
  g_assert_cmpint (ps_pack_view_get_style (PS_PACK_VIEW (view))->selected_cell, ==, 7);
  g_assert_cmpfloat (ps_pack_view_get_zoom (PS_PACK_VIEW (view)), ==, 3.0);

  ps_pack_view_reset_view (PS_PACK_VIEW (view));
  gt_signal_logger_assert_notify_emission_pop (logger, view, "zoom");
  g_assert_cmpfloat (ps_pack_view_get_style (PS_PACK_VIEW (view))->pan_x, ==, 0.0);
  gt_signal_logger_assert_no_emissions (logger);

  g_object_unref (view);
}

static void
test_curve_view_properties (void)
{
  g_autoptr(GtSignalLogger) logger = NULL;
  GtkWidget *view;
  const PsRenderStyle *style;

  REQUIRE_DISPLAY ();

  view = g_object_ref_sink (ps_curve_view_new ());
  style = ps_curve_view_get_style (PS_CURVE_VIEW (view));
  logger = gt_signal_logger_new ();
  gt_signal_logger_connect (logger, view, "notify");

  g_assert_true (ps_curve_view_get_follow (PS_CURVE_VIEW (view)));
  g_assert_cmpfloat (style->time_end_s, <, 0.0);

  g_object_set (view, "curves", (guint) (PS_CURVE_VOLTAGE | PS_CURVE_SOC), NULL);
  gt_signal_logger_assert_notify_emission_pop (logger, view, "curves");
  g_assert_cmpuint (style->curves, ==, PS_CURVE_VOLTAGE | PS_CURVE_SOC);
  ps_curve_view_set_curves (PS_CURVE_VIEW (view), PS_CURVE_VOLTAGE | PS_CURVE_SOC);
  ps_curve_view_set_selected_cell (PS_CURVE_VIEW (view), 3);
  gt_signal_logger_assert_notify_emission_pop (logger, view, "selected-cell");
  ps_curve_view_set_time_window (PS_CURVE_VIEW (view), 600.0);
  gt_signal_logger_assert_notify_emission_pop (logger, view, "time-window");
  ps_curve_view_set_time_window (PS_CURVE_VIEW (view), 600.0);
  g_assert_cmpfloat (style->time_window_s, ==, 600.0);

  /* unfollowing freezes the right edge; following again lets it go */
  ps_curve_view_set_follow (PS_CURVE_VIEW (view), FALSE);
  gt_signal_logger_assert_notify_emission_pop (logger, view, "follow");
  g_assert_cmpfloat (style->time_end_s, >=, 0.0);
  ps_curve_view_set_follow (PS_CURVE_VIEW (view), FALSE);
  ps_curve_view_set_follow (PS_CURVE_VIEW (view), TRUE);
  gt_signal_logger_assert_notify_emission_pop (logger, view, "follow");
  g_assert_cmpfloat (style->time_end_s, <, 0.0);
  g_assert_cmpfloat (style->cursor_time_s, <, 0.0);
  gt_signal_logger_assert_no_emissions (logger);

  g_object_unref (view);
}

static void
test_thermal_view_properties (void)
{
  g_autoptr(GtSignalLogger) logger = NULL;
  GtkWidget *view;
  GParamSpec *pspec;

  REQUIRE_DISPLAY ();

  view = g_object_ref_sink (ps_thermal_view_new ());
  logger = gt_signal_logger_new ();
  gt_signal_logger_connect (logger, view, "notify");

  /* not realized: nothing draws with GL yet */
  g_assert_false (ps_thermal_view_get_gl_active (PS_THERMAL_VIEW (view)));
  pspec = g_object_class_find_property (G_OBJECT_GET_CLASS (view), "gl-active");
  g_assert_nonnull (pspec);
  g_assert_false (pspec->flags & G_PARAM_WRITABLE);

  g_object_set (view, "isotherms", TRUE, NULL);
  gt_signal_logger_assert_notify_emission_pop (logger, view, "isotherms");
  ps_thermal_view_set_isotherms (PS_THERMAL_VIEW (view), TRUE);
  g_assert_true (ps_thermal_view_get_style (PS_THERMAL_VIEW (view))->isotherms);
  gt_signal_logger_assert_no_emissions (logger);

  g_object_unref (view);
}

static void
test_cell_inspector_properties (void)
{
  g_autoptr(GtSignalLogger) logger = NULL;
  GtkWidget *inspector;

  REQUIRE_DISPLAY ();

  inspector = g_object_ref_sink (ps_cell_inspector_new ());
  logger = gt_signal_logger_new ();
  gt_signal_logger_connect (logger, inspector, "notify");

  g_assert_cmpint (ps_cell_inspector_get_cell (PS_CELL_INSPECTOR (inspector)), ==, -1);
  g_assert_nonnull (find_label (inspector, "No cell selected"));
  g_object_set (inspector, "cell", 12, NULL);
  gt_signal_logger_assert_notify_emission_pop (logger, inspector, "cell");
  ps_cell_inspector_set_cell (PS_CELL_INSPECTOR (inspector), 12);
  gt_signal_logger_assert_no_emissions (logger);

  g_object_unref (inspector);
}

/* ---------------------------------------------------------------------- */
/* on a runner                                                             */

static void
test_pack_view_selection_and_zoom (void)
{
  g_autoptr(PsRunner) runner = NULL;
  g_autoptr(PsFrame) frame = NULL;
  cairo_surface_t *plain, *selected, *zoomed;
  PsViewTransform before, after;
  PsRenderStyle style_before;
  GtkWidget *window, *view;
  DiffStats st;
  double cx, cy, px, py, vx, vy;
  int w, h, cell;

  REQUIRE_DISPLAY ();

  runner = runner_new_at ("leaf-2011", 600.0);
  frame = ps_runner_dup_frame (runner);
  g_assert_cmpuint (frame->n_cells, >, 10);

  view = ps_pack_view_new ();
  ps_pack_view_set_runner (PS_PACK_VIEW (view), runner);
  window = window_show (view);
  w = gtk_widget_get_width (view);
  h = gtk_widget_get_height (view);

  plain = capture (view);
  g_assert_cmpuint (count_colours (plain, 64), >=, 16);

  /* a selection out of range is no selection */
  ps_pack_view_set_selected_cell (PS_PACK_VIEW (view), frame->n_cells + 5);
  g_assert_cmpint (ps_pack_view_get_selected_cell (PS_PACK_VIEW (view)), ==, -1);

  /* the selected cell is drawn, where the cell is */
  cell = frame->n_cells / 3;
  ps_pack_view_set_selected_cell (PS_PACK_VIEW (view), cell);
  window_settle (window);
  selected = capture (view);
  diff_images (plain, selected, &st);
  save_for_inspection (selected, "widgets-pack-selected.png");
  g_assert_cmpint (st.x1, >=, 0);
  ps_render_view_transform (frame->pack, ps_pack_view_get_style (PS_PACK_VIEW (view)), w, h, &before);
  vx = before.offset_x + before.scale * ps_pack_get_info (frame->pack)->cell_x[cell];
  vy = before.offset_y - before.scale * ps_pack_get_info (frame->pack)->cell_y[cell];
  g_assert_cmpfloat (vx, >=, st.x0 - 2);
  g_assert_cmpfloat (vx, <=, st.x1 + 2);
  g_assert_cmpfloat (vy, >=, st.y0 - 2);
  g_assert_cmpfloat (vy, <=, st.y1 + 2);
  g_assert_cmpint (ps_render_layout_hit_test (frame, ps_pack_view_get_style (PS_PACK_VIEW (view)),
                                              w, h, vx, vy), ==, cell);

  /* zooming keeps the pack point at the view's centre where it is */
  style_before = *ps_pack_view_get_style (PS_PACK_VIEW (view));
  ps_render_view_transform (frame->pack, &style_before, w, h, &before);
  cx = w / 2.0;
  cy = h / 2.0;
  px = (cx - before.offset_x) / before.scale;
  py = (before.offset_y - cy) / before.scale;
  ps_pack_view_set_zoom (PS_PACK_VIEW (view), 4.0);
  ps_render_view_transform (frame->pack, ps_pack_view_get_style (PS_PACK_VIEW (view)), w, h, &after);
  g_assert_cmpfloat_with_epsilon (after.scale, 4.0 * before.scale, 1e-6 * before.scale);
  g_assert_cmpfloat_with_epsilon (after.offset_x + after.scale * px, cx, 0.05);
  g_assert_cmpfloat_with_epsilon (after.offset_y - after.scale * py, cy, 0.05);

  window_settle (window);
  zoomed = capture (view);
  save_for_inspection (zoomed, "widgets-pack-zoomed.png");
  diff_images (selected, zoomed, &st);
  g_assert_cmpfloat (st.frac_big, >, 0.05);

  ps_pack_view_reset_view (PS_PACK_VIEW (view));
  g_assert_cmpfloat (ps_pack_view_get_zoom (PS_PACK_VIEW (view)), ==, 1.0);

  cairo_surface_destroy (plain);
  cairo_surface_destroy (selected);
  cairo_surface_destroy (zoomed);
  ps_pack_view_set_runner (PS_PACK_VIEW (view), NULL);
  gtk_window_destroy (GTK_WINDOW (window));
}

static void
check_thermal_matches_cairo (const char *preset,
                             double      time_s,
                             gboolean    isotherms)
{
  g_autoptr(PsRunner) runner = NULL;
  g_autoptr(PsFrame) frame = NULL;
  g_autofree char *name = NULL, *ref_name = NULL;
  cairo_surface_t *shot, *reference, *other;
  GtkWidget *window, *view;
  gboolean gl;
  DiffStats st;
  cairo_t *cr;
  int w, h;

  runner = runner_new_at (preset, time_s);
  frame = ps_runner_dup_frame (runner);

  view = ps_thermal_view_new ();
  ps_thermal_view_set_runner (PS_THERMAL_VIEW (view), runner);
  ps_thermal_view_set_isotherms (PS_THERMAL_VIEW (view), isotherms);
  window = window_show (view);
  w = gtk_widget_get_width (view);
  h = gtk_widget_get_height (view);
  gl = ps_thermal_view_get_gl_active (PS_THERMAL_VIEW (view));
  g_test_message ("%s: thermal view draws with %s", preset, gl ? "GL" : "cairo");

  if (g_getenv ("PS_TEST_EXPECT_NO_GL") != NULL)
    g_assert_false (gl);

  shot = capture (view);
  reference = cairo_image_surface_create (CAIRO_FORMAT_ARGB32, w, h);
  cr = cairo_create (reference);
  ps_render_thermal (cr, frame, ps_thermal_view_get_style (PS_THERMAL_VIEW (view)), w, h);
  cairo_destroy (cr);
  cairo_surface_flush (reference);

  name = g_strdup_printf ("widgets-thermal-%s-%s%s.png", preset, gl ? "gl" : "cairo",
                          isotherms ? "-isotherms" : "");
  ref_name = g_strdup_printf ("widgets-thermal-%s-reference%s.png", preset,
                              isotherms ? "-isotherms" : "");
  save_for_inspection (shot, name);
  save_for_inspection (reference, ref_name);
  g_assert_cmpuint (count_colours (shot, 64), >=, 32);

  diff_images (shot, reference, &st);
  g_test_message ("%s: thermal view vs ps_render_thermal: mean %.2f, %.4f of pixels > 48",
                  preset, st.mean, st.frac_big);
  if (gl)
    {
      /* the two interpolate on different grids: edges, stripes only a few
       * pixels wide and isotherms land a pixel apart; a wrong mask, scale
       * or colour map is a mean difference of tens */
      g_assert_cmpfloat (st.mean, <, 8.0);
      g_assert_cmpfloat (st.frac_big, <, 0.05);
    }
  else
    {
      g_assert_cmpfloat (st.mean, <, 0.5);
      g_assert_cmpfloat (st.frac_big, <, 0.001);
    }

  /* the isotherms' value labels: where ps_render_thermal puts them, the
   * same boxes and texts on either path (a label missing from the GL
   * path leaves the field there: most pixels of the box differ by more
   * than 48) */
  if (isotherms)
    {
      g_autoptr(PsThermalGrid) grid = NULL;
      g_autoptr(GArray) labels = NULL;
      PsViewTransform tr;

      ps_render_view_transform (frame->pack, ps_thermal_view_get_style (PS_THERMAL_VIEW (view)),
                                w, h, &tr);
      grid = ps_thermal_grid_new (frame->pack, &tr);
      g_assert_nonnull (grid);
      ps_thermal_grid_compute (grid);
      labels = ps_render_thermal_isotherm_labels (frame,
                                                  ps_thermal_view_get_style (PS_THERMAL_VIEW (view)),
                                                  w, h, grid);
      g_test_message ("%s: %u isotherm labels", preset, labels->len);
      g_assert_cmpuint (labels->len, >=, 1);
      for (guint k = 0; k < labels->len; k++)
        {
          const PsThermalLabel *l = &g_array_index (labels, PsThermalLabel, k);
          guint n = 0, big = 0;

          for (int y = (int) l->y; y < (int) (l->y + l->height); y++)
            for (int x = (int) l->x; x < (int) (l->x + l->width); x++)
              {
                n++;
                big += pixel_diff (pixel (shot, x, y), pixel (reference, x, y)) > 48;
              }
          g_test_message ("label %s at %.0f,%.0f: %u of %u pixels differ by > 48",
                          l->text, l->x, l->y, big, n);
          g_assert_cmpuint (big, <=, n / 20);
        }
    }

  /* isotherms reach the picture (or leave it) on either path */
  ps_thermal_view_set_isotherms (PS_THERMAL_VIEW (view), !isotherms);
  window_settle (window);
  other = capture (view);
  diff_images (shot, other, &st);
  g_assert_cmpint (st.x1, >=, 0);
  cairo_surface_destroy (other);

  cairo_surface_destroy (shot);
  cairo_surface_destroy (reference);
  ps_thermal_view_set_runner (PS_THERMAL_VIEW (view), NULL);
  gtk_window_destroy (GTK_WINDOW (window));
}

/* The thermal view draws what ps_render_thermal draws: exactly on the cairo
 * path, closely (the same scale, colours and marks; the field interpolated
 * on the GPU) on the GL path; pouch cells (Leaf) and 7,104 cylinders
 * (Model S) with isotherms. */
static void
test_thermal_view_matches_cairo (void)
{
  REQUIRE_DISPLAY ();

  check_thermal_matches_cairo ("leaf-2011", 1200.0, FALSE);
  check_thermal_matches_cairo ("model-s-85", 900.0, TRUE);
}

/* A view that switches to another pack draws the new pack's field: on the
 * GL path it waits (field not ready) for the new pack's nodes, computed off
 * the UI thread, then matches ps_render_thermal as a fresh view does. */
static void
test_thermal_view_switch_pack (void)
{
  g_autoptr(PsRunner) first = NULL;
  g_autoptr(PsRunner) second = NULL;
  g_autoptr(PsFrame) frame = NULL;
  cairo_surface_t *shot, *reference;
  GtkWidget *window, *view;
  DiffStats st;
  cairo_t *cr;
  int w, h;

  REQUIRE_DISPLAY ();

  first = runner_new_at ("leaf-2011", 900.0);
  second = runner_new_at ("model-s-85", 900.0);
  frame = ps_runner_dup_frame (second);

  view = ps_thermal_view_new ();
  ps_thermal_view_set_runner (PS_THERMAL_VIEW (view), first);
  window = window_show (view);
  g_assert_true (ps_thermal_view_get_field_ready (PS_THERMAL_VIEW (view)));

  ps_thermal_view_set_runner (PS_THERMAL_VIEW (view), second);
  if (ps_thermal_view_get_gl_active (PS_THERMAL_VIEW (view)))
    g_assert_false (ps_thermal_view_get_field_ready (PS_THERMAL_VIEW (view)));

  paint_until_drawn (window, view);

  w = gtk_widget_get_width (view);
  h = gtk_widget_get_height (view);
  shot = capture (view);
  reference = cairo_image_surface_create (CAIRO_FORMAT_ARGB32, w, h);
  cr = cairo_create (reference);
  ps_render_thermal (cr, frame, ps_thermal_view_get_style (PS_THERMAL_VIEW (view)), w, h);
  cairo_destroy (cr);
  cairo_surface_flush (reference);
  save_for_inspection (shot, "widgets-thermal-switch.png");

  diff_images (shot, reference, &st);
  g_test_message ("after the switch: thermal view vs ps_render_thermal: mean %.2f, %.4f of pixels > 48",
                  st.mean, st.frac_big);
  /* the bounds of check_thermal_matches_cairo's GL path */
  g_assert_cmpfloat (st.mean, <, 8.0);
  g_assert_cmpfloat (st.frac_big, <, 0.05);

  cairo_surface_destroy (shot);
  cairo_surface_destroy (reference);
  ps_thermal_view_set_runner (PS_THERMAL_VIEW (view), NULL);
  gtk_window_destroy (GTK_WINDOW (window));
}

/* Moving the view to another window unrealizes it (GL objects deleted with
 * their context current) and realizes it again: it must draw as before. */
static void
test_thermal_view_rerealize (void)
{
  g_autoptr(PsRunner) runner = NULL;
  cairo_surface_t *first, *second;
  GtkWidget *window, *view;
  gboolean gl;
  DiffStats st;

  REQUIRE_DISPLAY ();

  runner = runner_new_at ("leaf-2011", 900.0);
  view = ps_thermal_view_new ();
  g_object_ref_sink (view);
  ps_thermal_view_set_runner (PS_THERMAL_VIEW (view), runner);
  window = window_show (view);
  gl = ps_thermal_view_get_gl_active (PS_THERMAL_VIEW (view));
  first = capture (view);

  gtk_window_set_child (GTK_WINDOW (window), NULL);
  g_assert_false (gtk_widget_get_realized (view));
  g_assert_false (ps_thermal_view_get_gl_active (PS_THERMAL_VIEW (view)));
  gtk_window_destroy (GTK_WINDOW (window));

  window = window_show (view);
  g_assert_cmpint (ps_thermal_view_get_gl_active (PS_THERMAL_VIEW (view)), ==, gl);
  second = capture (view);
  diff_images (first, second, &st);
  g_assert_cmpfloat (st.mean, <, 0.5);

  cairo_surface_destroy (first);
  cairo_surface_destroy (second);
  ps_thermal_view_set_runner (PS_THERMAL_VIEW (view), NULL);
  gtk_window_destroy (GTK_WINDOW (window));
  g_object_unref (view);
}

/* The field's readiness at the first paint that draws the view */
typedef struct
{
  GtkWidget *view;
  guint      n_paints;
  gboolean   ready_at_first;
} FirstPaint;

static void
on_first_paint (GdkFrameClock *clock,
                FirstPaint    *fp)
{
  if (!gtk_widget_get_mapped (fp->view) || fp->n_paints++ > 0)
    return;
  fp->ready_at_first = ps_thermal_view_get_field_ready (PS_THERMAL_VIEW (fp->view));
}

/* The thermal view computes its field's interpolation nodes off the UI
 * thread on either path (run with GDK_DEBUG=gl-disable by gl-disabled):
 * its first paint of model-s-85 (7,104 cells), and its first paint after
 * switching from leaf-2011 to model-s-85, show no field yet; the field
 * comes later, and the UI thread computes no node grid at all. */
static void
test_thermal_view_off_thread (void)
{
  g_autoptr(PsRunner) leaf = NULL;
  g_autoptr(PsRunner) model_s = NULL;
  FirstPaint fp = { NULL, 0, TRUE };
  GdkFrameClock *clock;
  GtkWidget *window, *view;
  guint n_nodes = ps_thermal_nodes_count_on_thread ();
  gulong id;

  REQUIRE_DISPLAY ();

  leaf = runner_new_at ("leaf-2011", 900.0);
  model_s = runner_new_at ("model-s-85", 900.0);

  /* a new view */
  view = ps_thermal_view_new ();
  ps_thermal_view_set_runner (PS_THERMAL_VIEW (view), model_s);
  window = gtk_window_new ();
  gtk_window_set_default_size (GTK_WINDOW (window), VIEW_W, VIEW_H);
  gtk_window_set_child (GTK_WINDOW (window), view);
  gtk_widget_realize (window);
  clock = gtk_widget_get_frame_clock (window);
  fp.view = view;
  id = g_signal_connect (clock, "after-paint", G_CALLBACK (on_first_paint), &fp);
  gtk_window_present (GTK_WINDOW (window));
  while (fp.n_paints == 0)
    g_main_context_iteration (NULL, TRUE);
  g_test_message ("thermal view draws with %s",
                  ps_thermal_view_get_gl_active (PS_THERMAL_VIEW (view)) ? "GL" : "cairo");
  if (g_getenv ("PS_TEST_EXPECT_NO_GL") != NULL)
    g_assert_false (ps_thermal_view_get_gl_active (PS_THERMAL_VIEW (view)));
  g_assert_false (fp.ready_at_first);
  paint_until_drawn (window, view);
  g_assert_cmpuint (ps_thermal_nodes_count_on_thread (), ==, n_nodes);

  /* a view that switches packs */
  ps_thermal_view_set_runner (PS_THERMAL_VIEW (view), leaf);
  paint_until_drawn (window, view);
  fp.n_paints = 0;
  fp.ready_at_first = TRUE;
  ps_thermal_view_set_runner (PS_THERMAL_VIEW (view), model_s);
  while (fp.n_paints == 0)
    g_main_context_iteration (NULL, TRUE);
  g_assert_false (fp.ready_at_first);
  paint_until_drawn (window, view);
  g_assert_true (ps_thermal_view_get_field_ready (PS_THERMAL_VIEW (view)));
  g_assert_cmpuint (ps_thermal_nodes_count_on_thread (), ==, n_nodes);

  g_signal_handler_disconnect (clock, id);
  ps_thermal_view_set_runner (PS_THERMAL_VIEW (view), NULL);
  gtk_window_destroy (GTK_WINDOW (window));
}

/* With GDK_DEBUG=gl-disable the view falls back to cairo, still draws and
 * still computes its field off the UI thread. */
static void
test_thermal_view_gl_disabled (void)
{
  g_autoptr(GError) error = NULL;
  g_auto(GStrv) envp = NULL;
  g_autofree char *out = NULL, *err = NULL;
  const char *argv[] = {
    NULL, "-p", "/ui/widgets/thermal-view/matches-cairo",
    "-p", "/ui/widgets/thermal-view/off-thread", NULL
  };
  int status = 0;

  REQUIRE_DISPLAY ();

  argv[0] = test_program;
  envp = g_get_environ ();
  envp = g_environ_setenv (envp, "GDK_DEBUG", "gl-disable", TRUE);
  envp = g_environ_setenv (envp, "PS_TEST_EXPECT_NO_GL", "1", TRUE);

  g_spawn_sync (NULL, (char **) argv, envp, G_SPAWN_DEFAULT, NULL, NULL,
                &out, &err, &status, &error);
  g_assert_no_error (error);
  if (!g_spawn_check_wait_status (status, NULL))
    g_error ("the gl-disable run failed:\n%s\n%s", out, err);
}

static void
test_curve_view_draws (void)
{
  g_autoptr(PsRunner) runner = NULL;
  g_autoptr(PsFrame) frame = NULL;
  cairo_surface_t *shot;
  GtkWidget *window, *view;
  const PsRenderStyle *style;

  REQUIRE_DISPLAY ();

  runner = runner_new_at ("leaf-2011", 900.0);
  frame = ps_runner_dup_frame (runner);

  view = ps_curve_view_new ();
  ps_curve_view_set_runner (PS_CURVE_VIEW (view), runner);
  window = window_show (view);
  style = ps_curve_view_get_style (PS_CURVE_VIEW (view));

  shot = capture (view);
  save_for_inspection (shot, "widgets-curves.png");
  g_assert_cmpuint (count_colours (shot, 16), >=, 8);
  cairo_surface_destroy (shot);

  /* unfollowing freezes the right edge at the newest frame's time */
  ps_curve_view_set_follow (PS_CURVE_VIEW (view), FALSE);
  g_assert_cmpfloat_with_epsilon (style->time_end_s, frame->time_s, 1e-9);
  ps_curve_view_set_follow (PS_CURVE_VIEW (view), TRUE);
  g_assert_cmpfloat (style->time_end_s, <, 0.0);

  ps_curve_view_set_runner (PS_CURVE_VIEW (view), NULL);
  gtk_window_destroy (GTK_WINDOW (window));
}

static void
test_cell_inspector_shows_cell (void)
{
  g_autoptr(PsRunner) runner = NULL;
  g_autoptr(PsFrame) frame = NULL;
  g_autofree char *voltage = NULL, *title = NULL;
  GtkWidget *window, *inspector;
  guint cell;

  REQUIRE_DISPLAY ();

  runner = runner_new_at ("leaf-2011", 600.0);
  frame = ps_runner_dup_frame (runner);
  cell = frame->n_cells - 1;

  inspector = ps_cell_inspector_new ();
  ps_cell_inspector_set_runner (PS_CELL_INSPECTOR (inspector), runner);
  ps_cell_inspector_set_cell (PS_CELL_INSPECTOR (inspector), cell);
  window = window_show (inspector);

  title = g_strdup_printf ("Cell #%u", cell + 1);
  voltage = g_strdup_printf ("%.4f V", frame->cell_voltage_v[cell]);
  g_assert_nonnull (find_label (inspector, title));
  g_assert_nonnull (find_label (inspector, voltage));
  {
    cairo_surface_t *shot = capture (inspector);

    save_for_inspection (shot, "widgets-inspector.png");
    cairo_surface_destroy (shot);
  }

  /* out of the pack: no cell */
  ps_cell_inspector_set_cell (PS_CELL_INSPECTOR (inspector), frame->n_cells + 3);
  g_assert_nonnull (find_label (inspector, "No cell selected"));

  ps_cell_inspector_set_runner (PS_CELL_INSPECTOR (inspector), NULL);
  g_assert_nonnull (find_label (inspector, "No pack loaded"));
  gtk_window_destroy (GTK_WINDOW (window));
}

/* The hover tooltip names the cell, its group and module, and its values
 * in the style's units. */
static void
test_tooltip_text (void)
{
  g_autoptr(PsRunner) runner = NULL;
  g_autoptr(PsFrame) frame = NULL;
  g_autofree char *expect_v = NULL, *expect_t = NULL, *expect_k = NULL, *expect_group = NULL;
  PsRenderStyle style;
  const PsPackInfo *pack;
  const char *module;
  char text[512];
  guint cell, group;

  REQUIRE_DISPLAY ();

  runner = runner_new_at ("leaf-2011", 300.0);
  frame = ps_runner_dup_frame (runner);
  pack = ps_pack_get_info (frame->pack);
  cell = pack->n_parallel + 1;          /* second group, second cell */
  group = cell / pack->n_parallel;
  module = _ps_view_group_module_name (pack, group);
  g_assert_nonnull (module);

  ps_render_style_init_default (&style);
  _ps_view_format_cell (frame, &style, cell, text, sizeof text);
  g_test_message ("%s", text);

  expect_group = g_strdup_printf ("Cell #%u · group %u/%u", cell + 1, group + 1, pack->n_series);
  expect_v = g_strdup_printf ("%.4f V", frame->cell_voltage_v[cell]);
  expect_t = g_strdup_printf ("%.2f °C", frame->cell_temp_k[cell] - 273.15);
  g_assert_true (g_str_has_prefix (text, expect_group));
  g_assert_nonnull (strstr (text, module));
  g_assert_nonnull (strstr (text, expect_v));
  g_assert_nonnull (strstr (text, expect_t));

  style.temp_unit = PS_TEMP_UNIT_KELVIN;
  _ps_view_format_cell (frame, &style, cell, text, sizeof text);
  expect_k = g_strdup_printf ("%.2f K", frame->cell_temp_k[cell]);
  g_assert_nonnull (strstr (text, expect_k));

  /* no such cell: nothing */
  _ps_view_format_cell (frame, &style, frame->n_cells, text, sizeof text);
  g_assert_cmpstr (text, ==, "");
}

/* The view's event controller of a type (the gestures are driven by
 * emitting their signals, as GTK does for real input). */
static GtkEventController *
find_controller (GtkWidget *widget,
                 GType      type)
{
  g_autoptr(GListModel) controllers = gtk_widget_observe_controllers (widget);

  for (guint i = 0; i < g_list_model_get_n_items (controllers); i++)
    {
      g_autoptr(GtkEventController) c = g_list_model_get_item (controllers, i);

      if (G_TYPE_CHECK_INSTANCE_TYPE (c, type))
        return c;
    }
  g_assert_not_reached ();
  return NULL;
}

static void
test_pack_view_gestures (void)
{
  g_autoptr(PsRunner) runner = NULL;
  g_autoptr(PsFrame) frame = NULL;
  GtkEventController *motion, *scroll, *drag, *click;
  const PsRenderStyle *style;
  PsViewTransform before, after;
  GtkWidget *window, *view;
  double vx, vy, px, py;
  gboolean handled = FALSE;
  guint cell;
  int w, h;

  REQUIRE_DISPLAY ();

  runner = runner_new_at ("leaf-2011", 300.0);
  frame = ps_runner_dup_frame (runner);
  view = ps_pack_view_new ();
  ps_pack_view_set_runner (PS_PACK_VIEW (view), runner);
  window = window_show (view);
  style = ps_pack_view_get_style (PS_PACK_VIEW (view));
  w = gtk_widget_get_width (view);
  h = gtk_widget_get_height (view);

  motion = find_controller (view, GTK_TYPE_EVENT_CONTROLLER_MOTION);
  scroll = find_controller (view, GTK_TYPE_EVENT_CONTROLLER_SCROLL);
  drag = find_controller (view, GTK_TYPE_GESTURE_DRAG);
  click = find_controller (view, GTK_TYPE_GESTURE_CLICK);

  /* hover, then a click, on one cell's centre */
  cell = frame->n_cells / 2 + 1;
  ps_render_view_transform (frame->pack, style, w, h, &before);
  vx = before.offset_x + before.scale * ps_pack_get_info (frame->pack)->cell_x[cell];
  vy = before.offset_y - before.scale * ps_pack_get_info (frame->pack)->cell_y[cell];
  g_signal_emit_by_name (motion, "motion", vx, vy);
  g_assert_cmpint (style->hover_cell, ==, cell);
  g_signal_emit_by_name (drag, "drag-begin", vx, vy);
  g_signal_emit_by_name (click, "pressed", 1, vx, vy);
  g_signal_emit_by_name (click, "released", 1, vx, vy);
  g_assert_cmpint (ps_pack_view_get_selected_cell (PS_PACK_VIEW (view)), ==, cell);

  /* the wheel zooms about the pointer */
  px = (vx - before.offset_x) / before.scale;
  py = (before.offset_y - vy) / before.scale;
  g_signal_emit_by_name (scroll, "scroll", 0.0, -2.0, &handled);
  g_assert_true (handled);
  g_assert_cmpfloat (ps_pack_view_get_zoom (PS_PACK_VIEW (view)), >, 1.2);
  ps_render_view_transform (frame->pack, style, w, h, &after);
  g_assert_cmpfloat_with_epsilon (after.offset_x + after.scale * px, vx, 0.05);
  g_assert_cmpfloat_with_epsilon (after.offset_y - after.scale * py, vy, 0.05);

  /* a drag pans by its offset, and its release selects nothing */
  g_signal_emit_by_name (drag, "drag-begin", 10.0, 10.0);
  g_signal_emit_by_name (drag, "drag-update", 40.0, -25.0);
  ps_render_view_transform (frame->pack, style, w, h, &before);
  g_assert_cmpfloat_with_epsilon (before.offset_x - after.offset_x, 40.0, 1e-6);
  g_assert_cmpfloat_with_epsilon (before.offset_y - after.offset_y, -25.0, 1e-6);
  g_signal_emit_by_name (click, "released", 1, 50.0, -15.0);
  g_assert_cmpint (ps_pack_view_get_selected_cell (PS_PACK_VIEW (view)), ==, cell);

  /* a double-click resets the view; leaving clears the hover */
  g_signal_emit_by_name (click, "pressed", 2, vx, vy);
  g_assert_cmpfloat (ps_pack_view_get_zoom (PS_PACK_VIEW (view)), ==, 1.0);
  g_assert_cmpfloat (style->pan_x, ==, 0.0);
  g_signal_emit_by_name (motion, "leave");
  g_assert_cmpint (style->hover_cell, ==, -1);

  ps_pack_view_set_runner (PS_PACK_VIEW (view), NULL);
  gtk_window_destroy (GTK_WINDOW (window));
}

static void
test_curve_view_gestures (void)
{
  g_autoptr(PsRunner) runner = NULL;
  GtkEventController *motion, *click;
  const PsRenderStyle *style;
  GtkWidget *window, *view;
  int w, h;

  REQUIRE_DISPLAY ();

  runner = runner_new_at ("leaf-2011", 900.0);
  view = ps_curve_view_new ();
  ps_curve_view_set_runner (PS_CURVE_VIEW (view), runner);
  window = window_show (view);
  style = ps_curve_view_get_style (PS_CURVE_VIEW (view));
  w = gtk_widget_get_width (view);
  h = gtk_widget_get_height (view);

  motion = find_controller (view, GTK_TYPE_EVENT_CONTROLLER_MOTION);
  click = find_controller (view, GTK_TYPE_GESTURE_CLICK);

  /* entering under a resting pointer is not inspecting */
  g_signal_emit_by_name (motion, "enter", w / 2.0, h / 2.0);
  g_signal_emit_by_name (motion, "motion", w / 2.0, h / 2.0);
  g_assert_true (ps_curve_view_get_follow (PS_CURVE_VIEW (view)));

  /* moving over the plot stops following and shows the cursor there */
  g_signal_emit_by_name (motion, "motion", w / 2.0 + 20, h / 2.0);
  g_assert_false (ps_curve_view_get_follow (PS_CURVE_VIEW (view)));
  g_assert_cmpfloat (style->time_end_s, >, 0.0);
  g_assert_cmpfloat (style->cursor_time_s, >, 0.0);
  g_assert_cmpfloat (style->cursor_time_s, <, style->time_end_s);

  g_signal_emit_by_name (motion, "leave");
  g_assert_cmpfloat (style->cursor_time_s, <, 0.0);

  /* a double-click follows again */
  g_signal_emit_by_name (click, "pressed", 2, w / 2.0, h / 2.0);
  g_assert_true (ps_curve_view_get_follow (PS_CURVE_VIEW (view)));
  g_assert_cmpfloat (style->time_end_s, <, 0.0);

  ps_curve_view_set_runner (PS_CURVE_VIEW (view), NULL);
  gtk_window_destroy (GTK_WINDOW (window));
}

/* A new scenario on the same runner: the pack view forgets a zoom into the
 * old pack, the curve view follows the new run. */
static void
test_views_new_scenario (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(PsRunner) runner = NULL;
  g_autoptr(PsScenario) other = NULL;
  GtkWidget *window, *box, *pack_view, *curve_view;

  REQUIRE_DISPLAY ();

  runner = runner_new_at ("leaf-2011", 600.0);
  box = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 0);
  pack_view = ps_pack_view_new ();
  curve_view = ps_curve_view_new ();
  gtk_widget_set_size_request (pack_view, 300, 300);
  gtk_widget_set_size_request (curve_view, 300, 300);
  gtk_box_append (GTK_BOX (box), pack_view);
  gtk_box_append (GTK_BOX (box), curve_view);
  ps_pack_view_set_runner (PS_PACK_VIEW (pack_view), runner);
  ps_curve_view_set_runner (PS_CURVE_VIEW (curve_view), runner);
  window = window_show (box);

  ps_pack_view_set_zoom (PS_PACK_VIEW (pack_view), 5.0);
  ps_pack_view_set_selected_cell (PS_PACK_VIEW (pack_view), 150);
  ps_curve_view_set_follow (PS_CURVE_VIEW (curve_view), FALSE);
  g_assert_cmpfloat (ps_curve_view_get_style (PS_CURVE_VIEW (curve_view))->time_end_s, >=, 600.0 - 1e-6);

  other = ps_scenario_new_from_preset ("lg-m50", &error);
  g_assert_no_error (error);
  ps_runner_load_scenario (runner, other);
  ps_runner_sync (runner);
  window_settle (window);

  g_assert_cmpfloat (ps_pack_view_get_zoom (PS_PACK_VIEW (pack_view)), ==, 1.0);
  /* lg-m50 is one cell: cell 150 is no more */
  g_assert_cmpint (ps_pack_view_get_selected_cell (PS_PACK_VIEW (pack_view)), ==, -1);
  g_assert_true (ps_curve_view_get_follow (PS_CURVE_VIEW (curve_view)));

  ps_pack_view_set_runner (PS_PACK_VIEW (pack_view), NULL);
  ps_curve_view_set_runner (PS_CURVE_VIEW (curve_view), NULL);
  gtk_window_destroy (GTK_WINDOW (window));
}

/* The layout, the curves, the thermal map (and with n_views 4 the cell
 * inspector) side by side on runner, shown in a window. */
static GtkWidget *
views_show_on (PsRunner   *runner,
               GtkWidget **views,
               guint       n_views)
{
  GtkWidget *box = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 0);

  g_assert (n_views == 3 || n_views == 4);
  views[0] = ps_pack_view_new ();
  views[1] = ps_curve_view_new ();
  views[2] = ps_thermal_view_new ();
  if (n_views == 4)
    views[3] = ps_cell_inspector_new ();
  for (guint i = 0; i < n_views; i++)
    gtk_box_append (GTK_BOX (box), views[i]);
  ps_pack_view_set_runner (PS_PACK_VIEW (views[0]), runner);
  ps_curve_view_set_runner (PS_CURVE_VIEW (views[1]), runner);
  ps_thermal_view_set_runner (PS_THERMAL_VIEW (views[2]), runner);
  if (n_views == 4)
    ps_cell_inspector_set_runner (PS_CELL_INSPECTOR (views[3]), runner);

  return window_show (box);
}

/* Views hold a reference to their runner: the one who made it may drop
 * its own, and the views go on showing (and the runner stepping) until
 * the last view lets go. */
static void
test_views_hold_runner (void)
{
  GtkWidget *window, *views[4];
  PsRunner *runner;
  double t;

  REQUIRE_DISPLAY ();

  runner = runner_new_at ("leaf-2011", 60.0);
  window = views_show_on (runner, views, 4);

  /* the maker lets go: the views' references keep it */
  ps_runner_unref (runner);
  runner = ps_pack_view_get_runner (PS_PACK_VIEW (views[0]));
  ps_runner_run_until (runner, 120.0);
  ps_runner_sync (runner);
  {
    g_autoptr(PsFrame) frame = ps_runner_dup_frame (runner);

    t = frame->time_s;
  }
  g_assert_cmpfloat (t, >=, 120.0);
  window_settle (window);
  g_assert_true (ps_curve_view_get_runner (PS_CURVE_VIEW (views[1])) == runner);

  /* two views let go; the other two still have it */
  ps_pack_view_set_runner (PS_PACK_VIEW (views[0]), NULL);
  ps_curve_view_set_runner (PS_CURVE_VIEW (views[1]), NULL);
  ps_runner_single_step (runner);
  ps_runner_sync (runner);
  window_settle (window);

  /* destroying the last views stops and frees it */
  gtk_window_destroy (GTK_WINDOW (window));
}

/* Views let go of a runner: after set_runner (NULL) the runner can be freed
 * and the views draw their empty state. */
static void
test_views_detach_runner (void)
{
  PsRunner *runner;
  GtkWidget *window, *views[3];
  cairo_surface_t *shot;

  REQUIRE_DISPLAY ();

  runner = runner_new_at ("leaf-2011", 60.0);
  window = views_show_on (runner, views, 3);

  ps_pack_view_set_runner (PS_PACK_VIEW (views[0]), NULL);
  ps_curve_view_set_runner (PS_CURVE_VIEW (views[1]), NULL);
  ps_thermal_view_set_runner (PS_THERMAL_VIEW (views[2]), NULL);
  ps_runner_unref (runner);
  window_settle (window);

  for (guint i = 0; i < 3; i++)
    {
      shot = capture (views[i]);
      /* background and the message's text, no picture */
      g_assert_cmpfloat (background_fraction (shot), >, 0.97);
      g_assert_cmpuint (count_colours (shot, 64), >=, 2);
      cairo_surface_destroy (shot);
    }

  gtk_window_destroy (GTK_WINDOW (window));
}

int
main (int   argc,
      char *argv[])
{
  test_program = argv[0];
  g_test_init (&argc, &argv, NULL);

  have_display = gtk_init_check ();

  g_test_add_func ("/ui/widgets/pack-view/properties", test_pack_view_properties);
  g_test_add_func ("/ui/widgets/curve-view/properties", test_curve_view_properties);
  g_test_add_func ("/ui/widgets/thermal-view/properties", test_thermal_view_properties);
  g_test_add_func ("/ui/widgets/cell-inspector/properties", test_cell_inspector_properties);
  g_test_add_func ("/ui/widgets/pack-view/selection-and-zoom", test_pack_view_selection_and_zoom);
  g_test_add_func ("/ui/widgets/thermal-view/matches-cairo", test_thermal_view_matches_cairo);
  g_test_add_func ("/ui/widgets/thermal-view/gl-disabled", test_thermal_view_gl_disabled);
  g_test_add_func ("/ui/widgets/thermal-view/rerealize", test_thermal_view_rerealize);
  g_test_add_func ("/ui/widgets/thermal-view/switch-pack", test_thermal_view_switch_pack);
  g_test_add_func ("/ui/widgets/thermal-view/off-thread", test_thermal_view_off_thread);
  g_test_add_func ("/ui/widgets/curve-view/draws", test_curve_view_draws);
  g_test_add_func ("/ui/widgets/cell-inspector/shows-cell", test_cell_inspector_shows_cell);
  g_test_add_func ("/ui/widgets/pack-view/tooltip-text", test_tooltip_text);
  g_test_add_func ("/ui/widgets/pack-view/gestures", test_pack_view_gestures);
  g_test_add_func ("/ui/widgets/curve-view/gestures", test_curve_view_gestures);
  g_test_add_func ("/ui/widgets/views/new-scenario", test_views_new_scenario);
  g_test_add_func ("/ui/widgets/views/detach-runner", test_views_detach_runner);
  g_test_add_func ("/ui/widgets/views/hold-runner", test_views_hold_runner);

  return g_test_run ();
}
