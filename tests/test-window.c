/* test-window.c: the main window, rendered the way --screenshot renders it
 *
 * Runs under a display (xvfb-run -a); without one every test is skipped.
 * The window is rendered through its own GskRenderer (GSK_RENDERER=cairo in
 * the test environment) and the pixels are checked: each view's region is
 * drawn, the layout shows every cell of leaf-2011, the thermal map has a
 * colour span. Actions are driven like a user would, and the views'
 * property notifications are checked with GtSignalLogger.
 */
#include "config.h"

#include <adwaita.h>
#include <epoxy/gl.h>
#include <glib/gstdio.h>
#include <libglib-testing/signal-logger.h>
#include <math.h>

#include "ps-engine.h"
#include "ps-scenario-private.h"   /* a scenario spoilt behind the loader's back */
#include "ps-application.h"
#include "ps-export.h"
#include "ps-gl-probe.h"
#include "ps-preferences-window.h"
#include "ps-render.h"
#include "ps-screenshot.h"
#include "ps-window-private.h"
#include "test-ui-common.h"
#include "ps-wrap-box.h"
#include "ps-app-enums.h"
#include "ps-ui-enums.h"

GResource *ps_ui_get_resource (void);

#define WIDTH  1280
#define HEIGHT 800

static gboolean have_display;

/* a window on a preset, run to run_s and painted at width x height */
static PsWindow *
window_new_painted_at (const char   *preset,
                       double        run_s,
                       PsWindowView  enlarged,
                       int           width,
                       int           height)
{
  g_autoptr(PsScenario) scenario = NULL;
  g_autoptr(GError) error = NULL;
  PsWindow *window;

  scenario = ps_scenario_new_from_preset (preset, &error);
  g_assert_no_error (error);

  window = ps_window_new (NULL);
  g_object_ref_sink (window);
  g_assert_true (ps_window_set_scenario (window, scenario, &error));
  g_assert_no_error (error);
  ps_runner_run_until (ps_window_get_runner (window), run_s);
  ps_window_set_enlarged_view (window, enlarged);
  ps_screenshot_present (GTK_WIDGET (window), width, height, 30000, &error);
  g_assert_no_error (error);
  g_assert_cmpint (gtk_widget_get_width (GTK_WIDGET (window)), ==, width);
  g_assert_cmpint (gtk_widget_get_height (GTK_WIDGET (window)), ==, height);
  return window;
}

/* the same at the default size */
static PsWindow *
window_new_painted (const char   *preset,
                    double        run_s,
                    PsWindowView  enlarged)
{
  return window_new_painted_at (preset, run_s, enlarged, WIDTH, HEIGHT);
}

/* as find_label_containing, outside popovers (a toast, not a menu's row) */
static GtkWidget *
find_label_outside_popovers (GtkWidget  *widget,
                             const char *needle)
{
  if (GTK_IS_POPOVER (widget))
    return NULL;
  if (GTK_IS_LABEL (widget) && strstr (gtk_label_get_label (GTK_LABEL (widget)), needle) != NULL)
    return widget;

  for (GtkWidget *child = gtk_widget_get_first_child (widget);
       child != NULL;
       child = gtk_widget_get_next_sibling (child))
    {
      GtkWidget *found = find_label_outside_popovers (child, needle);

      if (found != NULL)
        return found;
    }

  return NULL;
}


typedef struct
{
  int     width, height;
  gsize   stride;
  guchar *data;          /* GDK_MEMORY_DEFAULT: B G R A, premultiplied */
} Pixels;

static void
pixels_from_widget (GtkWidget *widget,
                    Pixels    *px)
{
  g_autoptr(GdkTexture) texture = NULL;
  g_autoptr(GError) error = NULL;

  texture = ps_screenshot_render (widget, &error);
  g_assert_no_error (error);
  g_assert_nonnull (texture);

  /* PS_TEST_DUMP=dir keeps every rendered window for a person to look at */
  if (g_getenv ("PS_TEST_DUMP") != NULL)
    {
      static guint n_dumps;
      g_autofree char *name = g_strdup_printf ("%s-%u.png", g_test_get_path (), n_dumps++);
      g_autofree char *path = NULL;

      g_strdelimit (name, "/", '_');
      path = g_build_filename (g_getenv ("PS_TEST_DUMP"), name, NULL);
      gdk_texture_save_to_png (texture, path);
    }

  px->width = gdk_texture_get_width (texture);
  px->height = gdk_texture_get_height (texture);
  px->stride = (gsize) px->width * 4;
  px->data = g_malloc (px->stride * px->height);
  gdk_texture_download (texture, px->data, px->stride);
}

static inline void
pixel_rgb (const Pixels *px,
           int           x,
           int           y,
           int          *r,
           int          *g,
           int          *b)
{
  const guchar *p = px->data + (gsize) y * px->stride + (gsize) x * 4;

  *b = p[0];
  *g = p[1];
  *r = p[2];
}

/* a cell's colour from a colour map, not the grey of text, lines and background */
static inline gboolean
is_colourful (int r,
              int g,
              int b)
{
  return MAX (r, MAX (g, b)) - MIN (r, MIN (g, b)) > 40;
}

typedef struct
{
  double luma_mean;
  double luma_sd;
  double luma_min, luma_max;
  guint  n_colours;    /* distinct colours, quantised to 5 bits a channel */
} RegionStats;

static void
region_stats (const Pixels          *px,
              const graphene_rect_t *rect,
              RegionStats           *stats)
{
  g_autoptr(GHashTable) colours = g_hash_table_new (NULL, NULL);
  int x0 = MAX (0, (int) ceil (rect->origin.x));
  int y0 = MAX (0, (int) ceil (rect->origin.y));
  int x1 = MIN (px->width, (int) floor (rect->origin.x + rect->size.width));
  int y1 = MIN (px->height, (int) floor (rect->origin.y + rect->size.height));
  double sum = 0.0, sum2 = 0.0;
  gsize n = 0;

  stats->luma_min = 255.0;
  stats->luma_max = 0.0;
  for (int y = y0; y < y1; y++)
    for (int x = x0; x < x1; x++)
      {
        int r, g, b;
        double l;

        pixel_rgb (px, x, y, &r, &g, &b);
        l = 0.2126 * r + 0.7152 * g + 0.0722 * b;
        sum += l;
        sum2 += l * l;
        n++;
        stats->luma_min = MIN (stats->luma_min, l);
        stats->luma_max = MAX (stats->luma_max, l);
        g_hash_table_add (colours, GUINT_TO_POINTER (1 + (((r >> 3) << 10) | ((g >> 3) << 5) | (b >> 3))));
      }

  g_assert_cmpuint (n, >, 0);
  stats->luma_mean = sum / n;
  stats->luma_sd = sqrt (MAX (0.0, sum2 / n - stats->luma_mean * stats->luma_mean));
  stats->n_colours = g_hash_table_size (colours);
}

static void
view_bounds (PsWindow        *window,
             PsWindowView     view,
             graphene_rect_t *bounds)
{
  GtkWidget *widget = ps_window_get_view (window, view);
  GtkWidget *scroll = gtk_widget_get_ancestor (widget, GTK_TYPE_SCROLLED_WINDOW);

  g_assert_true (gtk_widget_compute_bounds (widget, GTK_WIDGET (window), bounds));
  /* of a view in a scrolled window (the curves), the part that shows */
  if (scroll != NULL)
    {
      graphene_rect_t shown;

      g_assert_true (gtk_widget_compute_bounds (scroll, GTK_WIDGET (window), &shown));
      g_assert_true (graphene_rect_intersection (bounds, &shown, bounds));
    }
}

static void
test_window_views_drawn (void)
{
  static const char *names[] = { NULL, "layout", "curves", "thermal" };
  PsWindow *window;
  Pixels px;

  if (!have_display)
    {
      g_test_skip ("no display");
      return;
    }

  window = window_new_painted ("leaf-2011", 600.0, PS_WINDOW_VIEW_NONE);
  pixels_from_widget (GTK_WIDGET (window), &px);
  g_assert_cmpint (px.width, ==, gtk_widget_get_width (GTK_WIDGET (window)));
  g_assert_cmpint (px.height, ==, gtk_widget_get_height (GTK_WIDGET (window)));

  for (PsWindowView v = PS_WINDOW_VIEW_LAYOUT; v <= PS_WINDOW_VIEW_THERMAL; v++)
    {
      graphene_rect_t b;
      RegionStats s;

      view_bounds (window, v, &b);
      g_test_message ("%s at %.0f,%.0f %.0fx%.0f", names[v],
                      b.origin.x, b.origin.y, b.size.width, b.size.height);
      /* all three views are visible at once, each a real share of the window */
      g_assert_cmpfloat (b.size.width, >=, 250.0);
      g_assert_cmpfloat (b.size.height, >=, 180.0);
      g_assert_cmpfloat (b.origin.x + b.size.width, <=, px.width + 0.5);
      g_assert_cmpfloat (b.origin.y + b.size.height, <=, px.height + 0.5);

      region_stats (&px, &b, &s);
      g_test_message ("%s: luma mean %.1f sd %.1f, %u colours", names[v],
                      s.luma_mean, s.luma_sd, s.n_colours);
      /* drawn, not blank */
      g_assert_cmpfloat (s.luma_sd, >, 8.0);
      g_assert_cmpuint (s.n_colours, >, 20);
    }

  g_free (px.data);
  window_free (window);
}

/* Every widget under root that shows lies inside the window's width x
 * height and inside its parent (nothing hangs over an edge that clips it) */
static void
assert_shown_whole (GtkWidget *root,
                    GtkWidget *window,
                    int        width,
                    int        height)
{
  graphene_rect_t pb;

  g_assert_true (gtk_widget_compute_bounds (root, window, &pb));
  for (GtkWidget *child = gtk_widget_get_first_child (root);
       child != NULL;
       child = gtk_widget_get_next_sibling (child))
    {
      graphene_rect_t b;

      if (!gtk_widget_get_mapped (child) || GTK_IS_POPOVER (child))
        continue;
      g_assert_true (gtk_widget_compute_bounds (child, window, &b));
      /* (a header's handle reaches 1 px past the window's edge) */
      if (b.origin.x < -1.5 || b.origin.y < -1.5 ||
          b.origin.x + b.size.width > width + 1.5 || b.origin.y + b.size.height > height + 1.5 ||
          b.origin.x < pb.origin.x - 1.5 || b.origin.y < pb.origin.y - 1.5 ||
          b.origin.x + b.size.width > pb.origin.x + pb.size.width + 1.5 ||
          b.origin.y + b.size.height > pb.origin.y + pb.size.height + 1.5)
        g_error ("%s (%s) at %.0f,%.0f %.0fx%.0f is cut off (parent %.0f,%.0f %.0fx%.0f, window %dx%d)",
                 G_OBJECT_TYPE_NAME (child), gtk_widget_get_css_name (child),
                 b.origin.x, b.origin.y, b.size.width, b.size.height,
                 pb.origin.x, pb.origin.y, pb.size.width, pb.size.height, width, height);
      assert_shown_whole (child, window, width, height);
    }
}

/* The window fits a 1024x600 and an 800x600 screen: presented at that
 * size (ps_screenshot_present refuses a size under the window's minimum),
 * every control of the header and the control bar shows whole; at 800 px
 * the sidebar folds away behind the header's button, at 1280 it shows
 * beside the views; the views keep a usable size. */
static void
test_window_fits_small_screens (void)
{
  static const int sizes[][2] = { { 800, 600 }, { 1024, 600 }, { WIDTH, HEIGHT } };

  if (!have_display)
    {
      g_test_skip ("no display");
      return;
    }

  for (guint k = 0; k < G_N_ELEMENTS (sizes); k++)
    {
      int w = sizes[k][0], h = sizes[k][1];
      PsWindow *window = window_new_painted_at ("leaf-2011", 600.0, PS_WINDOW_VIEW_NONE, w, h);
      GtkWidget *header = gtk_widget_get_ancestor (GTK_WIDGET (window->play_button), ADW_TYPE_HEADER_BAR);
      GtkWidget *bar = gtk_widget_get_ancestor (GTK_WIDGET (window->cooling_switch), PS_TYPE_WRAP_BOX);
      GtkWidget *content;
      int min_w = 0, min_h = 0;

      g_test_message ("%dx%d: flap %s", w, h, adw_flap_get_folded (window->flap) ? "folded" : "open");
      /* what the window's content asks for (under the size the screenshot
       * code requests) is within the smallest screen */
      content = adw_toast_overlay_get_child (window->toast_overlay);
      gtk_widget_measure (content, GTK_ORIENTATION_HORIZONTAL, -1, &min_w, NULL, NULL, NULL);
      gtk_widget_measure (content, GTK_ORIENTATION_VERTICAL, 800, &min_h, NULL, NULL, NULL);
      g_test_message ("%dx%d: the content needs at least %dx%d", w, h, min_w, min_h);
      g_assert_cmpint (min_w, <=, 800);
      g_assert_cmpint (min_h, <=, 600);

      g_assert_nonnull (header);
      g_assert_nonnull (bar);
      assert_shown_whole (header, GTK_WIDGET (window), w, h);
      assert_shown_whole (bar, GTK_WIDGET (window), w, h);
      g_assert_true (gtk_widget_get_mapped (GTK_WIDGET (window->cooling_switch)));
      g_assert_true (gtk_widget_get_mapped (GTK_WIDGET (window->status_label)));

      if (w <= 1024)
        g_assert_true (adw_flap_get_folded (window->flap));
      else
        {
          g_assert_false (adw_flap_get_folded (window->flap));
          g_assert_true (adw_flap_get_reveal_flap (window->flap));
        }

      /* the three views show, each a real share of the window */
      for (PsWindowView v = PS_WINDOW_VIEW_LAYOUT; v <= PS_WINDOW_VIEW_THERMAL; v++)
        {
          graphene_rect_t b;

          view_bounds (window, v, &b);
          g_assert_cmpfloat (b.size.width, >=, 0.33 * w);
          g_assert_cmpfloat (b.size.height, >=, 120.0);
          g_assert_cmpfloat (b.origin.x + b.size.width, <=, w + 0.5);
          g_assert_cmpfloat (b.origin.y + b.size.height, <=, h + 0.5);
        }
      window_free (window);
    }
}

/* the boxes of a curve view's panels as drawn now */
static guint
curve_panels (PsCurveView *view,
              double      *boxes,
              guint        max_boxes)
{
  PsRunner *runner = ps_curve_view_get_runner (view);
  g_autoptr(PsFrame) frame = NULL;
  g_autoptr(PsRecorder) recorder = NULL;

  ps_runner_dup_frame_and_recorder (runner, &frame, &recorder);
  return ps_render_curves_panels (recorder, frame, ps_curve_view_get_style (view),
                                  gtk_widget_get_width (GTK_WIDGET (view)),
                                  gtk_widget_get_height (GTK_WIDGET (view)),
                                  boxes, max_boxes);
}

static GtkWidget *
find_descendant (GtkWidget *widget,
                 GType      type)
{
  for (GtkWidget *child = gtk_widget_get_first_child (widget);
       child != NULL;
       child = gtk_widget_get_next_sibling (child))
    {
      GtkWidget *found = G_TYPE_CHECK_INSTANCE_TYPE (child, type) ? child : find_descendant (child, type);

      if (found != NULL)
        return found;
    }
  return NULL;
}

static PsCurveView *
inspector_curve_view (PsWindow *window)
{
  return PS_CURVE_VIEW (find_descendant (GTK_WIDGET (window->cell_inspector), PS_TYPE_CURVE_VIEW));
}

static void
assert_panels_tall (PsCurveView *view,
                    const char  *what)
{
  double boxes[4 * 8];
  guint n = curve_panels (view, boxes, 8);

  g_assert_cmpuint (n, >=, 1);
  for (guint k = 0; k < MIN (n, 8); k++)
    {
      g_test_message ("%s: panel %u at y %.0f, %.0f px tall", what, k, boxes[4 * k + 1], boxes[4 * k + 3]);
      g_assert_cmpfloat (boxes[4 * k + 3], >=, PS_RENDER_CURVES_MIN_PANEL_H);
    }
}

static void
assert_button_off_panels (PsCurveView *view)
{
  GtkWidget *button = find_descendant (GTK_WIDGET (view), GTK_TYPE_BUTTON);
  double boxes[4 * 8];
  guint n = curve_panels (view, boxes, 8);
  graphene_rect_t b;

  g_assert_nonnull (button);
  g_assert_true (gtk_widget_get_mapped (button));
  g_assert_true (gtk_widget_compute_bounds (button, GTK_WIDGET (view), &b));
  for (guint k = 0; k < MIN (n, 8); k++)
    {
      graphene_rect_t p = GRAPHENE_RECT_INIT (boxes[4 * k], boxes[4 * k + 1],
                                              boxes[4 * k + 2], boxes[4 * k + 3]);

      if (graphene_rect_intersection (&b, &p, NULL))
        g_error ("the follow button (%.0f,%.0f %.0fx%.0f) covers panel %u (%.0f,%.0f %.0fx%.0f)",
                 b.origin.x, b.origin.y, b.size.width, b.size.height, k,
                 p.origin.x, p.origin.y, p.size.width, p.size.height);
    }
}

/* At the default size, and at 1024x600, every curve panel the window
 * shows, for every choice of curves and in the cell inspector, is at least
 * PS_RENDER_CURVES_MIN_PANEL_H tall (the curves scroll when they need more
 * than the window has) */
static void
test_window_panel_heights (void)
{
  static const int sizes[][2] = { { WIDTH, HEIGHT }, { 1024, 600 } };

  if (!have_display)
    {
      g_test_skip ("no display");
      return;
    }

  for (guint k = 0; k < G_N_ELEMENTS (sizes); k++)
    {
      PsWindow *window = window_new_painted_at ("leaf-2011", 600.0, PS_WINDOW_VIEW_NONE,
                                                sizes[k][0], sizes[k][1]);
      GListModel *choices = gtk_drop_down_get_model (window->curves_dropdown);
      PsCurveView *mini = inspector_curve_view (window);

      ps_pack_view_set_selected_cell (window->pack_view, 17);
      /* the follow button (shown once the view stops following) sits
       * beside the panels, never on one */
      ps_curve_view_set_follow (window->curve_view, FALSE);
      for (guint c = 0; c < g_list_model_get_n_items (choices); c++)
        {
          g_autofree char *what = g_strdup_printf ("%dx%d curves %u", sizes[k][0], sizes[k][1], c);

          gtk_drop_down_set_selected (window->curves_dropdown, c);
          g_assert_true (ps_screenshot_wait_painted (GTK_WIDGET (window), 3, 30000));
          assert_panels_tall (window->curve_view, what);
          assert_button_off_panels (window->curve_view);
        }
      if (adw_flap_get_folded (window->flap))
        {
          adw_flap_set_reveal_flap (window->flap, TRUE);
          g_assert_true (ps_screenshot_wait_painted (GTK_WIDGET (window), 3, 30000));
        }
      g_assert_nonnull (mini);
      assert_panels_tall (mini, "inspector");
      window_free (window);
    }
}

typedef struct
{
  graphene_rect_t views[5];
  double          panels[2][4 * 8];
  guint           n_panels[2];
} LayoutSnapshot;

static void
layout_snapshot (PsWindow       *window,
                 LayoutSnapshot *l)
{
  GtkWidget *widgets[5] = {
    ps_window_get_view (window, PS_WINDOW_VIEW_LAYOUT),
    ps_window_get_view (window, PS_WINDOW_VIEW_CURVES),
    ps_window_get_view (window, PS_WINDOW_VIEW_THERMAL),
    adw_flap_get_flap (window->flap),
    GTK_WIDGET (inspector_curve_view (window)),
  };

  memset (l, 0, sizeof *l);
  for (guint i = 0; i < G_N_ELEMENTS (widgets); i++)
    g_assert_true (gtk_widget_compute_bounds (widgets[i], GTK_WIDGET (window), &l->views[i]));
  l->n_panels[0] = curve_panels (window->curve_view, l->panels[0], 8);
  l->n_panels[1] = curve_panels (inspector_curve_view (window), l->panels[1], 8);
}

/* Selecting a cell (cells whose numbers and values differ in width, and
 * none) moves nothing: the views, the sidebar and the curves' panels, the
 * inspector's included, keep their places to the pixel, so the pointer
 * stays on the cell it clicked */
static void
test_window_selection_keeps_layout (void)
{
  static const int cells[] = { 0, 191, 8, -1, 113, 57 };
  PsWindow *window;
  LayoutSnapshot before, after;

  if (!have_display)
    {
      g_test_skip ("no display");
      return;
    }

  window = window_new_painted ("leaf-2011", 600.0, PS_WINDOW_VIEW_NONE);
  ps_pack_view_set_selected_cell (window->pack_view, 99);
  g_assert_true (ps_screenshot_wait_painted (GTK_WIDGET (window), 3, 30000));
  layout_snapshot (window, &before);
  for (guint k = 0; k < G_N_ELEMENTS (cells); k++)
    {
      ps_pack_view_set_selected_cell (window->pack_view, cells[k]);
      g_assert_true (ps_screenshot_wait_painted (GTK_WIDGET (window), 3, 30000));
      layout_snapshot (window, &after);
      for (guint i = 0; i < G_N_ELEMENTS (before.views); i++)
        {
          if (!graphene_rect_equal (&before.views[i], &after.views[i]))
            g_error ("cell %d moved widget %u from %.0f,%.0f %.0fx%.0f to %.0f,%.0f %.0fx%.0f",
                     cells[k], i, before.views[i].origin.x, before.views[i].origin.y,
                     before.views[i].size.width, before.views[i].size.height,
                     after.views[i].origin.x, after.views[i].origin.y,
                     after.views[i].size.width, after.views[i].size.height);
        }
      for (guint v = 0; v < 2; v++)
        {
          g_assert_cmpuint (after.n_panels[v], ==, before.n_panels[v]);
          for (guint j = 0; j < 4 * MIN (before.n_panels[v], 8); j++)
            if (after.panels[v][j] != before.panels[v][j])
              g_error ("cell %d moved panel %u of curve view %u (coordinate %u: %.0f to %.0f)",
                       cells[k], j / 4, v, j % 4, before.panels[v][j], after.panels[v][j]);
        }
    }
  window_free (window);
}

/* Every cell of leaf-2011 at its own place in the enlarged layout, drawn in
 * a colour-map colour: count the cells whose centre pixel is such a colour
 * and the distinct pixels they sit on, and the connected patches of
 * colour-map colour in the plot (overlays such as the series path can split
 * a cell, never merge two). */
static void
test_window_layout_cells (void)
{
  g_autoptr(PsFrame) frame = NULL;
  g_autoptr(GHashTable) positions = g_hash_table_new (NULL, NULL);
  PsViewTransform t;
  graphene_rect_t b;
  PsWindow *window;
  GtkWidget *view;
  Pixels px;
  guint coloured = 0;
  guint hidden_by_marker = 0;
  guint marked[2];
  guint components = 0;
  g_autofree guint8 *seen = NULL;
  g_autoptr(GArray) stack = NULL;

  if (!have_display)
    {
      g_test_skip ("no display");
      return;
    }

  window = window_new_painted ("leaf-2011", 600.0, PS_WINDOW_VIEW_LAYOUT);
  view = ps_window_get_view (window, PS_WINDOW_VIEW_LAYOUT);
  pixels_from_widget (GTK_WIDGET (window), &px);
  view_bounds (window, PS_WINDOW_VIEW_LAYOUT, &b);
  g_assert_cmpfloat (b.size.width, >, 0.6 * px.width);

  frame = ps_runner_dup_frame (ps_window_get_runner (window));
  g_assert_cmpuint (frame->n_cells, ==, 192);
  ps_render_view_transform (frame->pack, ps_pack_view_get_style (PS_PACK_VIEW (view)),
                            gtk_widget_get_width (view), gtk_widget_get_height (view), &t);

  /* the extreme cells' markers must not cover the cells right beside them
   * (they are drawn only in the gaps around the marked cell and inside it):
   * a cell beside a marker that shows no colour is counted apart, and there
   * must be none */
  {
    guint imin = 0, imax = 0;

    for (guint c = 1; c < frame->n_cells; c++)
      {
        if (frame->cell_soc[c] < frame->cell_soc[imin])
          imin = c;
        if (frame->cell_soc[c] > frame->cell_soc[imax])
          imax = c;
      }
    marked[0] = imin;
    marked[1] = imax;
  }

  for (guint c = 0; c < frame->n_cells; c++)
    {
      const PsPackInfo *pack = ps_pack_get_info (frame->pack);
      double cx = b.origin.x + t.offset_x + t.scale * pack->cell_x[c];
      double cy = b.origin.y + t.offset_y - t.scale * pack->cell_y[c];
      /* any pixel of its footprint (renderers inset cells and snap them
       * to the pixel grid; the series path may run through the centre) */
      int x0 = (int) ceil (cx - 0.5 * t.scale * pack->cell_w[c] + 0.25);
      int x1 = (int) floor (cx + 0.5 * t.scale * pack->cell_w[c] - 0.25);
      int y0 = (int) ceil (cy - 0.5 * t.scale * pack->cell_h[c] + 0.25);
      int y1 = (int) floor (cy + 0.5 * t.scale * pack->cell_h[c] - 0.25);
      gboolean is_coloured = FALSE;
      gboolean near_marker = FALSE;

      g_assert_cmpint (x0, >=, 0);
      g_assert_cmpint (y0, >=, 0);
      g_assert_cmpint (x1, <, px.width);
      g_assert_cmpint (y1, <, px.height);
      for (int y = y0; y <= y1 && !is_coloured; y++)
        for (int x = x0; x <= x1 && !is_coloured; x++)
          {
            int r, g, bl;

            pixel_rgb (&px, x, y, &r, &g, &bl);
            is_coloured = is_colourful (r, g, bl);
          }
      for (guint k = 0; k < G_N_ELEMENTS (marked); k++)
        {
          guint m = marked[k];
          double gap_x = fabs (pack->cell_x[c] - pack->cell_x[m]) - 0.5 * (pack->cell_w[c] + pack->cell_w[m]);
          double gap_y = fabs (pack->cell_y[c] - pack->cell_y[m]) - 0.5 * (pack->cell_h[c] + pack->cell_h[m]);

          if (m != c && MAX (gap_x, gap_y) * t.scale < 5.0)
            {
              near_marker = TRUE;
              break;
            }
        }

      if (is_coloured)
        coloured++;
      else if (near_marker)
        hidden_by_marker++;
      else if (g_test_verbose ())
        {
          GString *col = g_string_new (NULL);

          for (int dy = -3; dy <= 3; dy++)
            {
              int r, g, bl;

              pixel_rgb (&px, (int) floor (cx + 1), (int) floor (cy + dy), &r, &g, &bl);
              g_string_append_printf (col, " %02x%02x%02x", r, g, bl);
            }
          g_test_message ("cell %u at %.1f,%.1f (w %.1f h %.1f px) not coloured:%s",
                          c, cx, cy, t.scale * pack->cell_w[c], t.scale * pack->cell_h[c], col->str);
          g_string_free (col, TRUE);
        }
      g_hash_table_add (positions, GINT_TO_POINTER (1 + (int) floor (cy) * px.width + (int) floor (cx)));
    }
  g_test_message ("cells drawn in a colour-map colour: %u, beside a marker: %u, distinct centres: %u",
                  coloured, hidden_by_marker, g_hash_table_size (positions));
  g_assert_cmpuint (coloured + hidden_by_marker, ==, 192);
  g_assert_cmpuint (hidden_by_marker, ==, 0);
  g_assert_cmpuint (g_hash_table_size (positions), ==, 192);

  /* connected patches of colour inside the plot area */
  seen = g_new0 (guint8, (gsize) px.width * px.height);
  stack = g_array_new (FALSE, FALSE, sizeof (int));
  {
    int x0 = (int) ceil (b.origin.x + t.plot_x);
    int y0 = (int) ceil (b.origin.y + t.plot_y);
    int x1 = (int) floor (b.origin.x + t.plot_x + t.plot_w);
    int y1 = (int) floor (b.origin.y + t.plot_y + t.plot_h);

    for (int y = y0; y < y1; y++)
      for (int x = x0; x < x1; x++)
        {
          int r, g, bl;
          guint size = 0;

          if (seen[y * px.width + x])
            continue;
          pixel_rgb (&px, x, y, &r, &g, &bl);
          if (!is_colourful (r, g, bl))
            continue;

          g_array_set_size (stack, 0);
          seen[y * px.width + x] = 1;
          g_array_append_val (stack, (int) { y * px.width + x });
          while (stack->len > 0)
            {
              int p = g_array_index (stack, int, stack->len - 1);
              int px_ = p % px.width, py = p / px.width;
              const int nx[4] = { px_ - 1, px_ + 1, px_, px_ };
              const int ny[4] = { py, py, py - 1, py + 1 };

              g_array_set_size (stack, stack->len - 1);
              size++;
              for (guint k = 0; k < 4; k++)
                {
                  if (nx[k] < x0 || nx[k] >= x1 || ny[k] < y0 || ny[k] >= y1)
                    continue;
                  if (seen[ny[k] * px.width + nx[k]])
                    continue;
                  pixel_rgb (&px, nx[k], ny[k], &r, &g, &bl);
                  if (!is_colourful (r, g, bl))
                    continue;
                  seen[ny[k] * px.width + nx[k]] = 1;
                  g_array_append_val (stack, (int) { ny[k] * px.width + nx[k] });
                }
            }
          if (size >= 4)
            components++;
        }
  }
  g_test_message ("patches of colour-map colour in the plot: %u", components);
  g_assert_cmpuint (components, >=, 192 - hidden_by_marker);

  g_free (px.data);
  window_free (window);
}

/* On a software rasterizer (Xvfb's llvmpipe) the thermal map draws with
 * cairo, half the CPU there, and the program picks GTK's cairo renderer for
 * its windows; on a GPU both keep GL; PACKSCOPE_SOFTWARE_GL=1 keeps GL
 * anyway, and a GSK_RENDERER the user set always wins (ui/ps-gl-probe.h). */
static void
test_window_software_gl (void)
{
  g_autoptr(GdkGLContext) context = NULL;
  g_autofree char *gsk = g_strdup (g_getenv ("GSK_RENDERER"));
  g_autofree char *renderer = NULL;
  GdkDisplay *display;
  PsWindow *window;
  gboolean software;

  g_assert_true (ps_gl_renderer_is_software ("llvmpipe (LLVM 15.0.6, 256 bits)"));
  g_assert_true (ps_gl_renderer_is_software ("softpipe"));
  g_assert_true (ps_gl_renderer_is_software ("Software Rasterizer"));
  g_assert_false (ps_gl_renderer_is_software ("Mesa Intel(R) UHD Graphics 620 (KBL GT2)"));
  g_assert_false (ps_gl_renderer_is_software ("AMD Radeon RX 6600 (navi23, LLVM 15.0.6, DRM 3.49)"));
  g_assert_false (ps_gl_renderer_is_software (NULL));

  if (!have_display)
    {
      g_test_skip ("no display");
      return;
    }
  display = gdk_display_get_default ();
  context = gdk_display_create_gl_context (display, NULL);
  if (context == NULL || !gdk_gl_context_realize (context, NULL))
    {
      g_test_skip ("no OpenGL on this display");
      return;
    }
  gdk_gl_context_make_current (context);
  renderer = g_strdup ((const char *) glGetString (GL_RENDERER));
  gdk_gl_context_clear_current ();
  software = ps_gl_renderer_is_software (renderer);
  g_test_message ("OpenGL: %s (%s)", renderer, software ? "software" : "a GPU");

  /* the window's thermal map, and the frame it drew its field from (what
   * the frame pacing benchmark counts by) on either path */
  for (guint keep = 0; keep < 2; keep++)
    {
      g_autoptr(PsFrame) frame = NULL;
      GtkWidget *view;

      if (keep)
        g_setenv ("PACKSCOPE_SOFTWARE_GL", "1", TRUE);
      else
        g_unsetenv ("PACKSCOPE_SOFTWARE_GL");
      window = window_new_painted ("leaf-2011", 600.0, PS_WINDOW_VIEW_NONE);
      view = ps_window_get_view (window, PS_WINDOW_VIEW_THERMAL);
      g_assert_cmpint (ps_thermal_view_get_gl_active (PS_THERMAL_VIEW (view)), ==, keep || !software);
      frame = ps_runner_dup_frame (ps_window_get_runner (window));
      g_assert_cmpuint (ps_thermal_view_get_drawn_serial (PS_THERMAL_VIEW (view)), ==, frame->serial);
      window_free (window);
    }

  /* the windows' renderer (GTK read GSK_RENDERER when the first window
   * came: changing it now only shows what the program would choose) */
  g_assert_false (ps_gl_choose_renderer (display));
  g_unsetenv ("PACKSCOPE_SOFTWARE_GL");
  g_setenv ("GSK_RENDERER", "gl", TRUE);
  g_assert_false (ps_gl_choose_renderer (display));
  g_assert_cmpstr (g_getenv ("GSK_RENDERER"), ==, "gl");
  g_unsetenv ("GSK_RENDERER");
  g_assert_cmpint (ps_gl_choose_renderer (display), ==, software);
  g_assert_cmpstr (g_getenv ("GSK_RENDERER"), ==, software ? "cairo" : NULL);

  if (gsk != NULL)
    g_setenv ("GSK_RENDERER", gsk, TRUE);
  else
    g_unsetenv ("GSK_RENDERER");
}

static void
test_window_thermal_span (void)
{
  graphene_rect_t b;
  RegionStats s;
  PsWindow *window;
  Pixels px;

  if (!have_display)
    {
      g_test_skip ("no display");
      return;
    }

  /* after a 1C discharge for 20 minutes the cells differ in temperature */
  window = window_new_painted ("leaf-2011", 1200.0, PS_WINDOW_VIEW_THERMAL);
  pixels_from_widget (GTK_WIDGET (window), &px);
  view_bounds (window, PS_WINDOW_VIEW_THERMAL, &b);
  region_stats (&px, &b, &s);
  g_test_message ("thermal: luma %.0f..%.0f, %u colours, gl-active %d",
                  s.luma_min, s.luma_max, s.n_colours,
                  ps_thermal_view_get_gl_active (PS_THERMAL_VIEW (ps_window_get_view (window, PS_WINDOW_VIEW_THERMAL))));
  g_assert_cmpfloat (s.luma_max - s.luma_min, >, 100.0);
  g_assert_cmpuint (s.n_colours, >, 50);

  g_free (px.data);
  window_free (window);
}

static void
test_window_actions (void)
{
  g_autoptr(PsScenario) scenario = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GtSignalLogger) logger = gt_signal_logger_new ();
  PsWindow *window;
  PsRunner *runner;

  if (!have_display)
    {
      g_test_skip ("no display");
      return;
    }

  scenario = ps_scenario_new_from_preset ("leaf-2011", &error);
  g_assert_no_error (error);
  window = g_object_ref_sink (ps_window_new (NULL));
  g_assert_true (ps_window_set_scenario (window, scenario, &error));
  runner = ps_window_get_runner (window);
  gt_signal_logger_connect (logger, window, "notify");

  /* play / pause (space) drives the runner */
  g_assert_false (ps_window_get_playing (window));
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (window), "win.play", NULL));
  gt_signal_logger_assert_notify_emission_pop (logger, window, "playing");
  ps_runner_sync (runner);
  g_assert_true (ps_window_get_playing (window));
  g_assert_true (ps_runner_is_playing (runner));
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (window), "win.play", NULL));
  gt_signal_logger_assert_notify_emission_pop (logger, window, "playing");
  ps_runner_sync (runner);
  g_assert_false (ps_runner_is_playing (runner));

  /* single step (period) advances simulated time by one dt */
  {
    g_autoptr(PsFrame) before = ps_runner_dup_frame (runner);
    g_autoptr(PsFrame) after = NULL;

    gtk_widget_activate_action (GTK_WIDGET (window), "win.step", NULL);
    ps_runner_sync (runner);
    after = ps_runner_dup_frame (runner);
    g_assert_cmpfloat_with_epsilon (after->time_s - before->time_s, ps_scenario_get_dt_s (scenario), 1e-9);
  }

  /* reset (ctrl+r) goes back to t = 0 */
  ps_runner_run_until (runner, 120.0);
  gtk_widget_activate_action (GTK_WIDGET (window), "win.reset", NULL);
  ps_runner_sync (runner);
  {
    g_autoptr(PsFrame) frame = ps_runner_dup_frame (runner);

    g_assert_cmpfloat (frame->time_s, ==, 0.0);
  }

  /* speed: the menu's radio action, and ctrl+plus / ctrl+minus */
  gtk_widget_activate_action (GTK_WIDGET (window), "win.speed", "d", 600.0);
  gt_signal_logger_assert_notify_emission_pop (logger, window, "speed");
  ps_runner_sync (runner);
  g_assert_cmpfloat (ps_runner_get_speed (runner), ==, 600.0);
  gtk_widget_activate_action (GTK_WIDGET (window), "win.speed-up", NULL);
  gt_signal_logger_assert_notify_emission_pop (logger, window, "speed");
  g_assert_cmpfloat (ps_window_get_speed (window), ==, 3600.0);
  gtk_widget_activate_action (GTK_WIDGET (window), "win.speed-up", NULL);
  gt_signal_logger_assert_notify_emission_pop (logger, window, "speed");
  g_assert_cmpfloat (ps_window_get_speed (window), ==, PS_RUNNER_SPEED_MAX);
  gtk_widget_activate_action (GTK_WIDGET (window), "win.speed-down", NULL);
  gt_signal_logger_assert_notify_emission_pop (logger, window, "speed");
  g_assert_cmpfloat (ps_window_get_speed (window), ==, 3600.0);
  ps_runner_sync (runner);
  g_assert_cmpfloat (ps_runner_get_speed (runner), ==, 3600.0);

  /* enlarge (ctrl+1/2/3): again restores the three views */
  gtk_widget_activate_action (GTK_WIDGET (window), "win.enlarge", "i", 2);
  gt_signal_logger_assert_notify_emission_pop (logger, window, "enlarged-view");
  g_assert_cmpint (ps_window_get_enlarged_view (window), ==, PS_WINDOW_VIEW_CURVES);
  g_assert_false (gtk_widget_get_visible (window->layout_card));
  g_assert_false (gtk_widget_get_visible (window->thermal_card));
  g_assert_true (gtk_widget_get_visible (window->curves_card));
  gtk_widget_activate_action (GTK_WIDGET (window), "win.enlarge", "i", 2);
  gt_signal_logger_assert_notify_emission_pop (logger, window, "enlarged-view");
  g_assert_cmpint (ps_window_get_enlarged_view (window), ==, PS_WINDOW_VIEW_NONE);
  g_assert_true (gtk_widget_get_visible (window->layout_card));

  /* cooling (ctrl+k) reaches the runner's frames */
  {
    gboolean cooling = ps_window_get_cooling (window);
    g_autoptr(PsFrame) frame = NULL;

    gtk_widget_activate_action (GTK_WIDGET (window), "win.cooling", NULL);
    gt_signal_logger_assert_notify_emission_pop (logger, window, "cooling");
    g_assert_cmpint (ps_window_get_cooling (window), ==, !cooling);
    ps_runner_single_step (runner);
    ps_runner_sync (runner);
    frame = ps_runner_dup_frame (runner);
    g_assert_cmpint (frame->cooling_enabled, ==, !cooling);
  }

  /* a manual load overrides the protocol; follow-protocol clears it */
  {
    g_autoptr(PsFrame) frame = NULL;

    gtk_adjustment_set_value (window->load_adjustment, 20.0);
    gtk_drop_down_set_selected (window->load_mode, 0);
    gtk_drop_down_set_selected (window->load_direction, 0);
    gtk_widget_activate_action (GTK_WIDGET (window), "win.apply-load", NULL);
    ps_runner_single_step (runner);
    ps_runner_sync (runner);
    frame = ps_runner_dup_frame (runner);
    g_assert_true (frame->manual_load);
    g_assert_cmpfloat_with_epsilon (frame->pack_current_a, 20.0, 1e-6);
    g_clear_pointer (&frame, ps_frame_unref);

    gtk_widget_activate_action (GTK_WIDGET (window), "win.follow-protocol", NULL);
    ps_runner_single_step (runner);
    ps_runner_sync (runner);
    frame = ps_runner_dup_frame (runner);
    g_assert_false (frame->manual_load);
  }

  /* the preset menu replaces the scenario and the runner */
  gtk_widget_activate_action (GTK_WIDGET (window), "win.preset", "s", "volt-2011");
  window_wait_for_pack (window, "volt-2011");
  /* the same runner, given the new scenario */
  g_assert_true (ps_window_get_runner (window) == runner);
  ps_runner_sync (runner);
  {
    g_autoptr(PsFrame) frame = ps_runner_dup_frame (ps_window_get_runner (window));

    g_assert_cmpuint (frame->n_cells, ==, 288);
  }
  /* the scenario's cooling shows in the window (volt-2011 is liquid
   * cooled); a preset opened plays at once, as the first one at start */
  g_assert_true (ps_window_get_playing (window));
  while (gt_signal_logger_get_n_emissions (logger) > 0)
    {
      g_autofree char *type_name = NULL;
      g_autofree char *signal_name = NULL;
      GtSignalLoggerEmission *emission = NULL;
      gpointer obj = NULL;

      GParamSpec *pspec = NULL;

      g_assert_true (gt_signal_logger_pop_emission (logger, &obj, &type_name, &signal_name, &emission));
      g_assert_true (obj == window);
      g_assert_cmpstr (signal_name, ==, "notify");
      gt_signal_logger_emission_get_params (emission, &pspec);
      g_assert_true (g_str_equal (pspec->name, "cooling") || g_str_equal (pspec->name, "playing"));
      g_param_spec_unref (pspec);
      gt_signal_logger_emission_free (emission);
    }
  ps_window_set_playing (window, FALSE);
  gt_signal_logger_assert_notify_emission_pop (logger, window, "playing");

  /* every command of the brief is an action of the window */
  {
    static const char *actions[] = {
      "win.play", "win.step", "win.reset", "win.open", "win.export", "win.enlarge",
      "win.speed", "win.speed-up", "win.speed-down", "win.cooling", "win.preset",
      "win.apply-load", "win.follow-protocol",
    };
    GtkWidgetClass *klass = GTK_WIDGET_GET_CLASS (window);

    for (guint i = 0; i < G_N_ELEMENTS (actions); i++)
      {
        gboolean found = FALSE;
        const char *name;
        GType owner;
        const GVariantType *param_type;
        const char *property;

        for (guint k = 0; gtk_widget_class_query_action (klass, k, &owner, &name, &param_type, &property); k++)
          if (g_str_equal (name, actions[i]))
            found = TRUE;
        g_assert_true (found);
      }
  }

  gt_signal_logger_assert_no_emissions (logger);
  window_free (window);
}

static GtkShortcut *
find_shortcut_with (GtkWidget       *widget,
                    guint            keyval,
                    GdkModifierType  modifiers)
{
  g_autoptr(GListModel) controllers = gtk_widget_observe_controllers (widget);

  for (guint i = 0; i < g_list_model_get_n_items (controllers); i++)
    {
      g_autoptr(GObject) controller = g_list_model_get_item (controllers, i);

      if (!GTK_IS_SHORTCUT_CONTROLLER (controller))
        continue;
      for (guint k = 0; k < g_list_model_get_n_items (G_LIST_MODEL (controller)); k++)
        {
          g_autoptr(GtkShortcut) shortcut = g_list_model_get_item (G_LIST_MODEL (controller), k);
          GtkShortcutTrigger *trigger = gtk_shortcut_get_trigger (shortcut);

          if (GTK_IS_KEYVAL_TRIGGER (trigger) &&
              gtk_keyval_trigger_get_keyval (GTK_KEYVAL_TRIGGER (trigger)) == keyval &&
              gtk_keyval_trigger_get_modifiers (GTK_KEYVAL_TRIGGER (trigger)) == modifiers)
            return shortcut;   /* the controller keeps it alive */
        }
    }

  return NULL;
}

static GtkShortcut *
find_shortcut (GtkWidget *widget,
               guint      keyval)
{
  return find_shortcut_with (widget, keyval, 0);
}

static void
activate_shortcut (GtkWidget       *widget,
                   guint            keyval,
                   GdkModifierType  modifiers)
{
  GtkShortcut *shortcut = find_shortcut_with (widget, keyval, modifiers);

  g_assert_nonnull (shortcut);
  g_assert_true (gtk_shortcut_action_activate (gtk_shortcut_get_action (shortcut), 0, widget,
                                               gtk_shortcut_get_arguments (shortcut)));
}

/* Enum properties have enum types (gnome.mkenums_simple), so bindings,
 * GtkBuilder and the inspector see names, not numbers. */
static void
test_window_enum_properties (void)
{
  g_autoptr(GTypeClass) window_class = g_type_class_ref (PS_TYPE_WINDOW);
  g_autoptr(GTypeClass) view_class = g_type_class_ref (PS_TYPE_PACK_VIEW);
  struct { GTypeClass *klass; const char *property; GType type; int value; const char *nick; } cases[] = {
    { window_class, "enlarged-view", PS_TYPE_WINDOW_VIEW, PS_WINDOW_VIEW_THERMAL, "thermal" },
    { view_class, "quantity", PS_TYPE_QUANTITY, PS_QUANTITY_DEVIATION, "deviation" },
    { view_class, "colormap", PS_TYPE_COLORMAP_ID, PS_COLORMAP_AUTO, "auto" },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      GParamSpec *pspec = g_object_class_find_property (G_OBJECT_CLASS (cases[i].klass), cases[i].property);
      g_autoptr(GEnumClass) enum_class = NULL;
      GEnumValue *value;

      g_assert_nonnull (pspec);
      g_assert_true (G_IS_PARAM_SPEC_ENUM (pspec));
      g_assert_true (pspec->value_type == cases[i].type);
      enum_class = g_type_class_ref (cases[i].type);
      value = g_enum_get_value (enum_class, cases[i].value);
      g_assert_nonnull (value);
      g_assert_cmpstr (value->value_nick, ==, cases[i].nick);
    }
}

/* The window's shortcuts are its class's bindings: they work in a window
 * without an application, and reach the actions with their targets. */
static void
test_window_shortcuts (void)
{
  PsWindow *window;
  gboolean cooling;
  double speed;

  if (!have_display)
    {
      g_test_skip ("no display");
      return;
    }

  window = window_new_painted ("leaf-2011", 0.0, PS_WINDOW_VIEW_NONE);
  g_assert_null (gtk_window_get_application (GTK_WINDOW (window)));

  activate_shortcut (GTK_WIDGET (window), GDK_KEY_2, GDK_CONTROL_MASK);
  g_assert_cmpint (ps_window_get_enlarged_view (window), ==, PS_WINDOW_VIEW_CURVES);
  activate_shortcut (GTK_WIDGET (window), GDK_KEY_3, GDK_CONTROL_MASK);
  g_assert_cmpint (ps_window_get_enlarged_view (window), ==, PS_WINDOW_VIEW_THERMAL);
  activate_shortcut (GTK_WIDGET (window), GDK_KEY_3, GDK_CONTROL_MASK);
  g_assert_cmpint (ps_window_get_enlarged_view (window), ==, PS_WINDOW_VIEW_NONE);

  cooling = ps_window_get_cooling (window);
  activate_shortcut (GTK_WIDGET (window), GDK_KEY_k, GDK_CONTROL_MASK);
  g_assert_cmpint (ps_window_get_cooling (window), ==, !cooling);

  speed = ps_window_get_speed (window);
  activate_shortcut (GTK_WIDGET (window), GDK_KEY_plus, GDK_CONTROL_MASK);
  g_assert_cmpfloat (ps_window_get_speed (window), >, speed);
  activate_shortcut (GTK_WIDGET (window), GDK_KEY_minus, GDK_CONTROL_MASK);
  g_assert_cmpfloat (ps_window_get_speed (window), ==, speed);

  /* Ctrl+Shift+E is the CSV export: its chooser opens with "csv" */
  activate_shortcut (GTK_WIDGET (window), GDK_KEY_e, GDK_CONTROL_MASK | GDK_SHIFT_MASK);
  g_assert_nonnull (window->chooser);
  g_assert_cmpstr (g_object_get_data (G_OBJECT (window->chooser), "ps-export-what"), ==, "csv");
  gtk_native_dialog_hide (GTK_NATIVE_DIALOG (window->chooser));
  g_signal_emit_by_name (window->chooser, "response", GTK_RESPONSE_CANCEL);
  g_assert_null (window->chooser);

  window_free (window);
}

/* Space plays and pauses, period steps, except while typing a number into
 * the load or ambient field. */
static void
test_window_plain_keys (void)
{
  PsWindow *window;
  GtkShortcut *space, *period;
  g_autoptr(PsFrame) before = NULL;
  g_autoptr(PsFrame) after = NULL;
  PsRunner *runner;

  if (!have_display)
    {
      g_test_skip ("no display");
      return;
    }

  window = window_new_painted ("leaf-2011", 60.0, PS_WINDOW_VIEW_NONE);
  runner = ps_window_get_runner (window);
  space = find_shortcut (GTK_WIDGET (window), GDK_KEY_space);
  period = find_shortcut (GTK_WIDGET (window), GDK_KEY_period);
  g_assert_nonnull (space);
  g_assert_nonnull (period);

  /* focus on a button: space is play/pause, not a click */
  gtk_widget_grab_focus (GTK_WIDGET (window->play_button));
  g_assert_true (gtk_shortcut_action_activate (gtk_shortcut_get_action (space), 0,
                                               GTK_WIDGET (window), NULL));
  g_assert_true (ps_window_get_playing (window));
  g_assert_true (gtk_shortcut_action_activate (gtk_shortcut_get_action (space), 0,
                                               GTK_WIDGET (window), NULL));
  g_assert_false (ps_window_get_playing (window));

  ps_runner_sync (runner);
  before = ps_runner_dup_frame (runner);
  g_assert_true (gtk_shortcut_action_activate (gtk_shortcut_get_action (period), 0,
                                               GTK_WIDGET (window), NULL));
  ps_runner_sync (runner);
  after = ps_runner_dup_frame (runner);
  g_assert_cmpfloat (after->time_s, >, before->time_s);

  /* typing in the load value: both keys go to the text */
  g_assert_true (gtk_widget_grab_focus (GTK_WIDGET (window->load_value)));
  g_assert_true (GTK_IS_EDITABLE (gtk_root_get_focus (GTK_ROOT (window))));
  g_assert_false (gtk_shortcut_action_activate (gtk_shortcut_get_action (space), 0,
                                                GTK_WIDGET (window), NULL));
  g_assert_false (gtk_shortcut_action_activate (gtk_shortcut_get_action (period), 0,
                                                GTK_WIDGET (window), NULL));
  g_assert_false (ps_window_get_playing (window));

  window_free (window);
}

/* The summary warns when a cell reaches its limits, and only then. */
static void
test_window_limit_warning (void)
{
  g_autoptr(PsScenario) scenario = NULL;
  g_autoptr(GError) error = NULL;
  PsWindow *window;

  if (!have_display)
    {
      g_test_skip ("no display");
      return;
    }

  scenario = ps_scenario_new_from_preset ("leaf-2011", &error);
  g_assert_no_error (error);
  g_assert_true (ps_scenario_set_protocol (scenario, "Discharge at 3C for 2 hours", &error));
  window = g_object_ref_sink (ps_window_new (NULL));
  g_assert_true (ps_window_set_scenario (window, scenario, &error));

  ps_runner_run_until (ps_window_get_runner (window), 300.0);
  g_assert_true (ps_screenshot_present (GTK_WIDGET (window), WIDTH, HEIGHT, 30000, &error));
  g_assert_no_error (error);
  g_assert_false (gtk_widget_get_visible (GTK_WIDGET (window->warning_label)));

  /* 3C empties the pack in under 20 minutes: the step ends at the cut-off */
  ps_runner_run_until (ps_window_get_runner (window), 7200.0);
  g_assert_true (ps_screenshot_wait_painted (GTK_WIDGET (window), 4, 30000));
  g_test_message ("warning: %s", gtk_label_get_label (window->warning_label));
  g_assert_true (gtk_widget_get_visible (GTK_WIDGET (window->warning_label)));
  g_assert_nonnull (strstr (gtk_label_get_label (window->warning_label), "lower voltage limit"));
  g_assert_false (ps_window_get_playing (window));

  window_free (window);
}


/* The BMS's events reach the window: a contactor that opens is a toast and
 * a row of the events list, and a reset starts the list again */
static void
test_window_bms_events (void)
{
  g_autoptr(PsScenario) scenario = NULL;
  g_autoptr(GError) error = NULL;
  PsWindow *window;
  const char *json =
    "{ \"pack\": \"leaf-2011\", \"initial\": { \"soc\": 0.5 },"
    "  \"bms\": { \"cell_voltage_max_v\": 4.0 },"
    "  \"protocol\": [\"Charge at 0.5C for 2 hours\", \"Rest for 10 minutes\"] }";

  if (!have_display)
    {
      g_test_skip ("no display");
      return;
    }

  scenario = ps_scenario_new_from_data (json, -1, "ov.json", &error);
  g_assert_no_error (error);
  window = g_object_ref_sink (ps_window_new (NULL));
  g_assert_true (ps_window_set_scenario (window, scenario, &error));
  g_assert_null (gtk_list_box_get_row_at_index (window->events_list, 0));

  ps_runner_run_until (ps_window_get_runner (window), 7200.0);
  g_assert_true (ps_screenshot_present (GTK_WIDGET (window), WIDTH, HEIGHT, 30000, &error));
  g_assert_no_error (error);
  g_assert_true (ps_screenshot_wait_painted (GTK_WIDGET (window), 4, 30000));
  g_assert_nonnull (find_label_outside_popovers (GTK_WIDGET (window->toast_overlay),
                                                 "over-voltage threshold of 4.0000 V"));
  g_assert_nonnull (find_label_containing (GTK_WIDGET (window->events_list), "contactor opened"));

  window_free (window);
}

/* The summary row that says what runs (the protocol step or the manual load) */
static GtkLabel *
step_row_label (PsWindow *window)
{
  for (guint i = 0; i < G_N_ELEMENTS (window->summary_values); i++)
    {
      const char *text;

      if (window->summary_values[i] == NULL)
        continue;
      text = gtk_label_get_label (window->summary_values[i]);
      if (g_str_has_prefix (text, "Manual load") || g_str_has_prefix (text, "Protocol finished"))
        return window->summary_values[i];
    }
  return NULL;
}

static const char *
step_row_text (PsWindow *window)
{
  GtkLabel *label = step_row_label (window);

  return label != NULL ? gtk_label_get_label (label) : "";
}

/* The step row, as laid out in the window, shows every character of its
 * text: nothing ellipsized, no line cut off, all of it inside the label's
 * allocation, which is inside the sidebar */
static void
assert_step_row_readable (PsWindow *window)
{
  GtkLabel *label = step_row_label (window);
  PangoLayout *layout;
  PangoRectangle ink, logical;
  graphene_rect_t bounds, sidebar_bounds;
  GtkWidget *sidebar;
  int layout_chars;

  g_assert_nonnull (label);
  sidebar = gtk_widget_get_ancestor (GTK_WIDGET (label), GTK_TYPE_SCROLLED_WINDOW);
  g_assert_nonnull (sidebar);
  layout = gtk_label_get_layout (label);
  pango_layout_get_pixel_extents (layout, &ink, &logical);
  layout_chars = g_utf8_strlen (pango_layout_get_text (layout), -1);
  g_test_message ("step row: %d lines, %d x %d px, allocated %d x %d: %s",
                  pango_layout_get_line_count (layout), logical.width, logical.height,
                  gtk_widget_get_width (GTK_WIDGET (label)),
                  gtk_widget_get_height (GTK_WIDGET (label)),
                  gtk_label_get_label (label));
  g_assert_false (pango_layout_is_ellipsized (layout));
  g_assert_cmpint (layout_chars, ==, g_utf8_strlen (gtk_label_get_label (label), -1));
  g_assert_cmpint (logical.height, <=, gtk_widget_get_height (GTK_WIDGET (label)));
  g_assert_cmpint (logical.width, <=, gtk_widget_get_width (GTK_WIDGET (label)));
  g_assert_true (gtk_widget_compute_bounds (GTK_WIDGET (label), sidebar, &bounds));
  g_assert_true (gtk_widget_compute_bounds (sidebar, sidebar, &sidebar_bounds));
  g_assert_cmpfloat (bounds.origin.x + bounds.size.width, <=, sidebar_bounds.size.width);
}

/* The load bar's manual load obeys the cells' limits and the window says
 * what stopped it; Play after "Finished" says what to do instead. */
static void
test_window_manual_load_status (void)
{
  g_autoptr(PsScenario) scenario = NULL;
  g_autoptr(GError) error = NULL;
  PsWindow *window;
  int sidebar_width;

  if (!have_display)
    {
      g_test_skip ("no display");
      return;
    }

  scenario = ps_scenario_new_from_preset ("lg-m50", &error);
  g_assert_no_error (error);
  g_assert_true (ps_scenario_set_protocol (scenario, "Rest for 1 minute", &error));
  scenario->initial_soc = 0.3;
  window = g_object_ref_sink (ps_window_new (NULL));
  g_assert_true (ps_window_set_scenario (window, scenario, &error));
  /* the window at its default size */
  g_assert_true (ps_screenshot_present (GTK_WIDGET (window), WIDTH, HEIGHT, 30000, &error));
  g_assert_no_error (error);

  ps_runner_run_until (ps_window_get_runner (window), 3600.0);
  g_assert_true (ps_screenshot_wait_painted (GTK_WIDGET (window), 4, 30000));
  g_test_message ("finished: %s | %s", gtk_label_get_label (window->status_label),
                  step_row_text (window));
  g_assert_cmpstr (gtk_label_get_label (window->status_label), ==, "Finished");
  g_assert_nonnull (strstr (step_row_text (window), "its duration of 1 min elapsed"));
  assert_step_row_readable (window);
  sidebar_width = gtk_widget_get_width (gtk_widget_get_ancestor (GTK_WIDGET (step_row_label (window)), GTK_TYPE_SCROLLED_WINDOW));

  /* Play after the end says that it runs the protocol again, and does */
  g_assert_cmpstr (gtk_widget_get_tooltip_text (GTK_WIDGET (window->play_button)), ==,
                   "Finished: run the protocol again from the start (Space)");
  ps_window_set_playing (window, TRUE);
  g_assert_true (ps_window_get_playing (window));
  ps_window_set_playing (window, FALSE);
  ps_runner_sync (ps_window_get_runner (window));
  {
    g_autoptr(PsFrame) frame = ps_runner_dup_frame (ps_window_get_runner (window));

    g_assert_false (frame->finished);
    g_assert_cmpfloat (frame->time_s, <, 60.0);
  }
  g_assert_cmpstr (gtk_widget_get_tooltip_text (GTK_WIDGET (window->play_button)), ==, "Play (Space)");

  /* a 5 A discharge from the bar runs until the lower limit stops it */
  gtk_drop_down_set_selected (window->load_mode, 0);
  gtk_drop_down_set_selected (window->load_direction, 0);
  gtk_adjustment_set_value (window->load_adjustment, 5.0);
  _ps_window_apply_load (window);
  ps_runner_run_until (ps_window_get_runner (window), 3.0 * 3600.0);
  g_assert_true (ps_screenshot_wait_painted (GTK_WIDGET (window), 4, 30000));
  g_test_message ("discharged: %s | %s", gtk_label_get_label (window->status_label),
                  step_row_text (window));
  g_assert_cmpstr (gtk_label_get_label (window->status_label), !=, "Finished");
  g_assert_true (g_str_has_prefix (step_row_text (window), "Manual load stopped: "));
  g_assert_nonnull (strstr (step_row_text (window), "lower voltage limit, 2.500 V"));
  /* the whole reason is in the window, at its default size, and the
   * sidebar kept its width */
  assert_step_row_readable (window);
  g_assert_cmpint (gtk_widget_get_width (gtk_widget_get_ancestor (GTK_WIDGET (step_row_label (window)), GTK_TYPE_SCROLLED_WINDOW)), ==, sidebar_width);

  window_free (window);
}

static GtkWidget *
find_message_dialog (void)
{
  GListModel *toplevels = gtk_window_get_toplevels ();   /* owned by GTK */

  for (guint i = 0; i < g_list_model_get_n_items (toplevels); i++)
    {
      g_autoptr(GObject) w = g_list_model_get_item (toplevels, i);

      if (ADW_IS_MESSAGE_DIALOG (w) && gtk_widget_get_visible (GTK_WIDGET (w)))
        return GTK_WIDGET (w);
    }
  return NULL;
}

/* Opening a scenario file: a good one (a preset's --print-scenario JSON)
 * replaces the scenario; a bad one leaves it and says why in a dialog. */
static void
test_window_open_file (void)
{
  g_autoptr(PsScenario) preset = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *dir = NULL;
  g_autofree char *good = NULL;
  g_autofree char *bad = NULL;
  g_autofree char *json = NULL;
  PsWindow *window;
  gint64 deadline;

  if (!have_display)
    {
      g_test_skip ("no display");
      return;
    }

  dir = g_dir_make_tmp ("packscope-open-XXXXXX", &error);
  g_assert_no_error (error);
  preset = ps_scenario_new_from_preset ("forklift-48v", &error);
  g_assert_no_error (error);
  json = ps_scenario_to_json (preset);
  good = g_build_filename (dir, "forklift.json", NULL);
  bad = g_build_filename (dir, "bad.json", NULL);
  g_assert_true (g_file_set_contents (good, json, -1, NULL));
  g_assert_true (g_file_set_contents (bad, "{ \"packscope_scenario\": 1, \"pack\": 7 }", -1, NULL));

  window = window_new_painted ("leaf-2011", 0.0, PS_WINDOW_VIEW_NONE);

  {
    g_autoptr(GFile) file = g_file_new_for_path (good);

    _ps_window_load_file (window, file);
    deadline = g_get_monotonic_time () + 30 * G_USEC_PER_SEC;
    while (g_strcmp0 (ps_scenario_get_source_name (ps_window_get_scenario (window)), good) != 0 &&
           g_get_monotonic_time () < deadline)
      g_main_context_iteration (NULL, TRUE);
    g_assert_cmpstr (ps_scenario_get_source_name (ps_window_get_scenario (window)), ==, good);
    g_assert_cmpuint (ps_pack_get_info (ps_scenario_get_pack (ps_window_get_scenario (window)))->n_cells, ==, ps_pack_get_info (ps_scenario_get_pack (preset))->n_cells);
    g_assert_null (find_message_dialog ());
  }

  {
    g_autoptr(GFile) file = g_file_new_for_path (bad);
    GtkWidget *dialog = NULL;

    _ps_window_load_file (window, file);
    deadline = g_get_monotonic_time () + 30 * G_USEC_PER_SEC;
    while ((dialog = find_message_dialog ()) == NULL && g_get_monotonic_time () < deadline)
      g_main_context_iteration (NULL, TRUE);
    g_assert_nonnull (dialog);
    g_test_message ("error: %s", adw_message_dialog_get_body (ADW_MESSAGE_DIALOG (dialog)));
    g_assert_nonnull (strstr (adw_message_dialog_get_body (ADW_MESSAGE_DIALOG (dialog)), "bad.json"));
    g_assert_cmpstr (ps_scenario_get_source_name (ps_window_get_scenario (window)), ==, good);
    gtk_window_destroy (GTK_WINDOW (dialog));
  }

  window_free (window);
  g_unlink (good);
  g_unlink (bad);
  g_rmdir (dir);
}

/* Closing the window cancels its tasks: an export and a scenario load still
 * running end quietly (no dialog, no toast on a window that is gone), and
 * the window is finalized once they have. */
static void
test_window_close_cancels (void)
{
  g_autoptr(PsScenario) other = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GFile) file = NULL;
  g_autofree char *dir = NULL;
  g_autofree char *path = NULL;
  GCancellable *cancellable;
  PsWindow *window;
  gint64 deadline;

  if (!have_display)
    {
      g_test_skip ("no display");
      return;
    }

  dir = g_dir_make_tmp ("packscope-close-XXXXXX", &error);
  g_assert_no_error (error);
  path = g_build_filename (dir, "run.csv", NULL);
  file = g_file_new_for_path (path);

  window = window_new_painted ("model-s-85", 3600.0, PS_WINDOW_VIEW_NONE);
  cancellable = g_object_ref (window->cancellable);
  other = ps_scenario_new_from_preset ("volt-2011", &error);
  g_assert_no_error (error);

  _ps_window_export_to_file (window, "csv", file);
  g_assert_true (ps_window_set_scenario (window, other, &error));
  g_assert_false (g_cancellable_is_cancelled (cancellable));

  g_object_add_weak_pointer (G_OBJECT (window), (gpointer *) &window);
  gtk_window_close (GTK_WINDOW (window));
  g_assert_true (g_cancellable_is_cancelled (cancellable));
  g_object_unref (window);

  deadline = g_get_monotonic_time () + 30 * G_USEC_PER_SEC;
  while (window != NULL && g_get_monotonic_time () < deadline)
    g_main_context_iteration (NULL, TRUE);
  g_assert_null (window);
  g_assert_null (find_message_dialog ());

  g_object_unref (cancellable);
  g_unlink (path);
  g_rmdir (dir);
}

/* A scenario the runner refuses (its simulation cannot be built) leaves the
 * old one running: the window keeps its title and scenario and says why in
 * a toast; a good one after it is shown as usual. */
static void
test_window_refused_scenario (void)
{
  g_autoptr(PsScenario) bad = NULL;
  g_autoptr(PsScenario) good = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *title = NULL;
  GtkWidget *toast_label = NULL;
  PsWindow *window;
  gint64 deadline;

  if (!have_display)
    {
      g_test_skip ("no display");
      return;
    }

  window = window_new_painted ("leaf-2011", 0.0, PS_WINDOW_VIEW_NONE);
  title = g_strdup (adw_window_title_get_title (window->window_title));

  /* loaded fine, then spoilt behind the loader's back: only the runner's
   * simulation sees it */
  bad = ps_scenario_new_from_preset ("volt-2011", &error);
  g_assert_no_error (error);
  bad->dt_s = -1.0;
  g_assert_true (ps_window_set_scenario (window, bad, &error));
  g_assert_no_error (error);

  deadline = g_get_monotonic_time () + 30 * G_USEC_PER_SEC;
  while ((toast_label = find_label_containing (GTK_WIDGET (window), "dt_s")) == NULL &&
         g_get_monotonic_time () < deadline)
    g_main_context_iteration (NULL, TRUE);
  g_assert_nonnull (toast_label);
  g_test_message ("toast: %s", gtk_label_get_label (GTK_LABEL (toast_label)));
  g_assert_cmpstr (adw_window_title_get_title (window->window_title), ==, title);
  g_assert_cmpstr (ps_pack_get_info (ps_scenario_get_pack (ps_window_get_scenario (window)))->id, ==, "leaf-2011");
  ps_runner_sync (ps_window_get_runner (window));
  {
    g_autoptr(PsFrame) frame = ps_runner_dup_frame (ps_window_get_runner (window));

    g_assert_cmpuint (frame->n_cells, ==, ps_pack_get_info (ps_scenario_get_pack (ps_window_get_scenario (window)))->n_cells);
  }

  good = ps_scenario_new_from_preset ("volt-2011", &error);
  g_assert_no_error (error);
  g_assert_true (ps_window_set_scenario (window, good, &error));
  window_wait_for_pack (window, "volt-2011");
  g_assert_cmpstr (adw_window_title_get_title (window->window_title), !=, title);

  window_free (window);
}

/* The selection is one across the views; properties notify exactly once per
 * change and not at all when set to what they are. */
static void
test_window_selection_notify (void)
{
  g_autoptr(GtSignalLogger) logger = gt_signal_logger_new ();
  PsWindow *window;
  PsPackView *pack_view;
  PsCurveView *curve_view;
  PsCellInspector *inspector;

  if (!have_display)
    {
      g_test_skip ("no display");
      return;
    }

  window = window_new_painted ("leaf-2011", 60.0, PS_WINDOW_VIEW_NONE);
  pack_view = PS_PACK_VIEW (ps_window_get_view (window, PS_WINDOW_VIEW_LAYOUT));
  curve_view = PS_CURVE_VIEW (ps_window_get_view (window, PS_WINDOW_VIEW_CURVES));
  inspector = PS_CELL_INSPECTOR (ps_window_get_cell_inspector (window));

  gt_signal_logger_connect (logger, pack_view, "notify::selected-cell");
  gt_signal_logger_connect (logger, pack_view, "notify::quantity");
  gt_signal_logger_connect (logger, curve_view, "notify::selected-cell");
  gt_signal_logger_connect (logger, inspector, "notify::cell");

  /* the window's handlers run before the logger's (connected later), so
   * the followers' notifications are logged first */
  ps_pack_view_set_selected_cell (pack_view, 57);
  gt_signal_logger_assert_notify_emission_pop (logger, curve_view, "selected-cell");
  gt_signal_logger_assert_notify_emission_pop (logger, inspector, "cell");
  gt_signal_logger_assert_notify_emission_pop (logger, pack_view, "selected-cell");
  gt_signal_logger_assert_no_emissions (logger);
  g_assert_cmpint (ps_curve_view_get_selected_cell (curve_view), ==, 57);
  g_assert_cmpint (ps_cell_inspector_get_cell (inspector), ==, 57);

  ps_pack_view_set_selected_cell (pack_view, 57);
  gt_signal_logger_assert_no_emissions (logger);

  /* selecting in the inspector selects in the layout */
  ps_cell_inspector_set_cell (inspector, 3);
  gt_signal_logger_assert_notify_emission_pop (logger, curve_view, "selected-cell");
  gt_signal_logger_assert_notify_emission_pop (logger, pack_view, "selected-cell");
  gt_signal_logger_assert_notify_emission_pop (logger, inspector, "cell");
  gt_signal_logger_assert_no_emissions (logger);
  g_assert_cmpint (ps_pack_view_get_selected_cell (pack_view), ==, 3);

  /* the layout's quantity selector */
  gtk_drop_down_set_selected (window->quantity_dropdown, 3);
  gt_signal_logger_assert_notify_emission_pop (logger, pack_view, "quantity");
  gt_signal_logger_assert_no_emissions (logger);
  g_assert_cmpint (ps_pack_view_get_quantity (pack_view), ==, PS_QUANTITY_TEMPERATURE);
  ps_pack_view_set_quantity (pack_view, PS_QUANTITY_TEMPERATURE);
  gt_signal_logger_assert_no_emissions (logger);
  ps_pack_view_set_quantity (pack_view, PS_QUANTITY_HEAT);
  gt_signal_logger_assert_notify_emission_pop (logger, pack_view, "quantity");
  gt_signal_logger_assert_no_emissions (logger);
  g_assert_cmpuint (gtk_drop_down_get_selected (window->quantity_dropdown), ==, 5);

  /* the isotherms button and the thermal map's property are one */
  gtk_check_button_set_active (window->isotherms_toggle, TRUE);
  g_assert_true (ps_thermal_view_get_isotherms (window->thermal_view));
  ps_thermal_view_set_isotherms (window->thermal_view, FALSE);
  g_assert_false (gtk_check_button_get_active (window->isotherms_toggle));

  window_free (window);
}

/* Settings (issue 4): colour map and units reach the views live; the window
 * size comes from the settings; the state is saved on close. */
static void
test_window_settings (void)
{
  GSettingsSchemaSource *source = g_settings_schema_source_get_default ();
  g_autoptr(GSettingsSchema) schema = NULL;
  g_autoptr(GSettings) settings = NULL;
  g_autoptr(PsScenario) scenario = NULL;
  g_autoptr(GError) error = NULL;
  PsWindow *window;
  int w, h;

  if (!have_display)
    {
      g_test_skip ("no display");
      return;
    }
  if (source != NULL)
    schema = g_settings_schema_source_lookup (source, APPLICATION_ID, TRUE);
  if (schema == NULL)
    {
      g_test_skip ("GSettings schema " APPLICATION_ID " is not compiled (GSETTINGS_SCHEMA_DIR)");
      return;
    }

  settings = g_settings_new_full (schema, NULL, NULL);
  g_settings_set_int (settings, "window-width", 1100);
  g_settings_set_int (settings, "window-height", 700);
  g_settings_set_double (settings, "default-speed", 600.0);

  scenario = ps_scenario_new_from_preset ("leaf-2011", &error);
  g_assert_no_error (error);
  window = g_object_ref_sink (ps_window_new (NULL));
  ps_window_bind_settings (window, settings);
  g_assert_true (ps_window_set_scenario (window, scenario, &error));

  gtk_window_get_default_size (GTK_WINDOW (window), &w, &h);
  g_assert_cmpint (w, ==, 1100);
  g_assert_cmpint (h, ==, 700);
  g_assert_cmpfloat (ps_window_get_speed (window), ==, 600.0);

  g_settings_set_string (settings, "layout-colormap", "inferno");
  g_assert_cmpint (ps_pack_view_get_colormap (window->pack_view), ==, PS_COLORMAP_INFERNO);
  g_settings_set_string (settings, "layout-colormap", "auto");
  g_assert_cmpint (ps_pack_view_get_colormap (window->pack_view), ==, PS_COLORMAP_AUTO);

  g_settings_set_string (settings, "temperature-unit", "kelvin");
  g_assert_cmpint (ps_thermal_view_get_style (window->thermal_view)->temp_unit, ==, PS_TEMP_UNIT_KELVIN);
  g_assert_cmpint (ps_pack_view_get_style (window->pack_view)->temp_unit, ==, PS_TEMP_UNIT_KELVIN);
  g_assert_cmpint (ps_curve_view_get_style (window->curve_view)->temp_unit, ==, PS_TEMP_UNIT_KELVIN);
  /* the ambient control follows: 25 °C is 298.15 K */
  g_assert_cmpfloat_with_epsilon (gtk_adjustment_get_value (window->ambient_adjustment),
                                  ps_scenario_get_ambient_k (scenario), 1e-9);
  g_settings_set_string (settings, "power-unit", "watt");
  g_assert_cmpint (ps_curve_view_get_style (window->curve_view)->power_unit, ==, PS_POWER_UNIT_WATT);

  g_settings_set_string (settings, "temperature-unit", "celsius");
  g_assert_cmpfloat_with_epsilon (gtk_adjustment_get_value (window->ambient_adjustment),
                                  ps_scenario_get_ambient_k (scenario) - 273.15, 1e-9);

  /* the choices are actions too (the menu's units): activating one with a
   * target sets the key, and the state is the key */
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (window), "settings.temperature-unit", "s", "kelvin"));
  {
    g_autofree char *unit = g_settings_get_string (settings, "temperature-unit");

    g_assert_cmpstr (unit, ==, "kelvin");
  }
  g_assert_cmpint (ps_thermal_view_get_style (window->thermal_view)->temp_unit, ==, PS_TEMP_UNIT_KELVIN);
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (window), "settings.power-unit", "s", "kilowatt"));
  g_assert_cmpint (ps_curve_view_get_style (window->curve_view)->power_unit, ==, PS_POWER_UNIT_KILOWATT);
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (window), "settings.layout-colormap", "s", "viridis"));
  g_assert_cmpint (ps_pack_view_get_colormap (window->pack_view), ==, PS_COLORMAP_VIRIDIS);
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (window), "settings.temperature-unit", "s", "celsius"));

  /* closing saves the size and the scenario that was open */
  gtk_window_present (GTK_WINDOW (window));
  g_assert_true (ps_screenshot_wait_painted (GTK_WIDGET (window), 2, 30000));
  g_settings_set_int (settings, "window-width", 1);
  gtk_window_close (GTK_WINDOW (window));
  g_assert_cmpint (g_settings_get_int (settings, "window-width"), ==, 1100);
  {
    g_autofree char *last = g_settings_get_string (settings, "last-scenario");

    g_assert_cmpstr (last, ==, ps_scenario_get_source_name (scenario));
  }

  g_settings_reset (settings, "layout-colormap");
  g_settings_reset (settings, "temperature-unit");
  g_settings_reset (settings, "power-unit");
  window_free (window);
}

static void
collect_combo_rows (GtkWidget  *widget,
                    GPtrArray  *rows)
{
  if (ADW_IS_COMBO_ROW (widget))
    g_ptr_array_add (rows, widget);
  for (GtkWidget *child = gtk_widget_get_first_child (widget);
       child != NULL;
       child = gtk_widget_get_next_sibling (child))
    collect_combo_rows (child, rows);
}

/* The preferences write the settings the window listens to, and follow
 * them; the shortcuts window lists valid accelerators; the about window
 * credits the data. */
static void
test_window_dialogs (void)
{
  GSettingsSchemaSource *source = g_settings_schema_source_get_default ();
  g_autoptr(GSettingsSchema) schema = NULL;
  g_autoptr(GtkBuilder) builder = NULL;
  g_autoptr(GPtrArray) rows = g_ptr_array_new ();
  GtkWidget *prefs;
  GtkWidget *about;
  GObject *overlay;
  guint n_shortcuts = 0;

  if (!have_display)
    {
      g_test_skip ("no display");
      return;
    }

  /* shortcuts: the resource GtkApplication loads as the help overlay */
  builder = gtk_builder_new_from_resource (RESOURCE_PREFIX "/gtk/help-overlay.ui");
  overlay = gtk_builder_get_object (builder, "help_overlay");
  g_assert_true (GTK_IS_SHORTCUTS_WINDOW (overlay));
  {
    g_autoptr(GSList) objects = gtk_builder_get_objects (builder);

    for (GSList *l = objects; l != NULL; l = l->next)
      if (GTK_IS_SHORTCUTS_SHORTCUT (l->data))
        {
          g_autofree char *accel = NULL;
          guint key = 0;
          GdkModifierType mods = 0;

          g_object_get (l->data, "accelerator", &accel, NULL);
          g_assert_true (gtk_accelerator_parse (accel, &key, &mods));
          g_assert_cmpuint (key, !=, 0);
          n_shortcuts++;
        }
  }
  g_assert_cmpuint (n_shortcuts, >=, 15);
  gtk_window_destroy (GTK_WINDOW (overlay));

  /* about */
  about = ps_application_create_about_window ();
  g_assert_cmpstr (adw_about_window_get_application_name (ADW_ABOUT_WINDOW (about)), ==, "Packscope");
  g_assert_cmpint (adw_about_window_get_license_type (ADW_ABOUT_WINDOW (about)), ==, GTK_LICENSE_GPL_3_0);
  gtk_window_present (GTK_WINDOW (about));
  g_assert_true (ps_screenshot_wait_painted (about, 2, 30000));
  gtk_window_destroy (GTK_WINDOW (about));

  /* preferences without the schema: insensitive, no crash */
  prefs = ps_preferences_window_new (NULL);
  collect_combo_rows (prefs, rows);
  g_assert_cmpuint (rows->len, ==, 4);
  for (guint i = 0; i < rows->len; i++)
    g_assert_false (gtk_widget_get_sensitive (rows->pdata[i]));
  gtk_window_destroy (GTK_WINDOW (prefs));
  g_ptr_array_set_size (rows, 0);

  if (source != NULL)
    schema = g_settings_schema_source_lookup (source, APPLICATION_ID, TRUE);
  if (schema == NULL)
    {
      g_test_message ("schema not compiled: preferences with settings not checked");
      return;
    }

  {
    g_autoptr(GSettings) settings = g_settings_new_full (schema, NULL, NULL);
    g_autofree char *map = NULL;
    g_autofree char *unit = NULL;

    prefs = ps_preferences_window_new (settings);
    collect_combo_rows (prefs, rows);
    g_assert_cmpuint (rows->len, ==, 4);

    /* rows -> settings: colour map, temperature unit, power unit, speed */
    adw_combo_row_set_selected (rows->pdata[0], 2);
    map = g_settings_get_string (settings, "layout-colormap");
    g_assert_cmpstr (map, ==, "inferno");
    adw_combo_row_set_selected (rows->pdata[1], 1);
    unit = g_settings_get_string (settings, "temperature-unit");
    g_assert_cmpstr (unit, ==, "kelvin");
    adw_combo_row_set_selected (rows->pdata[3], 4);
    g_assert_cmpfloat (g_settings_get_double (settings, "default-speed"), ==, 3600.0);

    /* settings -> rows */
    g_settings_set_string (settings, "power-unit", "watt");
    g_assert_cmpuint (adw_combo_row_get_selected (rows->pdata[2]), ==, 1);
    g_settings_set_double (settings, "default-speed", 10.0);
    g_assert_cmpuint (adw_combo_row_get_selected (rows->pdata[3]), ==, 1);

    gtk_window_destroy (GTK_WINDOW (prefs));
    g_settings_reset (settings, "layout-colormap");
    g_settings_reset (settings, "temperature-unit");
    g_settings_reset (settings, "power-unit");
    g_settings_reset (settings, "default-speed");
  }
}

/* The export action: win.export opens a file chooser for what is asked
 * ("current" is the enlarged view or the layout); the name the user accepts
 * is written (GTask) with the default extension added when it has none. */
static void
test_window_export_action (void)
{
  g_autofree char *dir = NULL;
  g_autoptr(GError) error = NULL;
  PsWindow *window;
  static const struct { const char *what; const char *name; const char *written; const char *magic; } cases[] = {
    { "layout", "pack.svg", "pack.svg", "<?xml" },
    { "current", "shown", "shown.png", "\x89PNG" },
    { "csv", "run", "run.csv", PS_EXPORT_CSV_HEADER },
  };

  if (!have_display)
    {
      g_test_skip ("no display");
      return;
    }

  dir = g_dir_make_tmp ("packscope-export-action-XXXXXX", &error);
  g_assert_no_error (error);
  window = window_new_painted ("leaf-2011", 300.0, PS_WINDOW_VIEW_NONE);

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autofree char *path = g_build_filename (dir, cases[i].written, NULL);
      g_autofree char *contents = NULL;
      gint64 deadline = g_get_monotonic_time () + 30 * G_USEC_PER_SEC;

      g_autofree char *chosen_path = g_build_filename (dir, cases[i].name, NULL);
      g_autoptr(GFile) chosen = g_file_new_for_path (chosen_path);

      /* the action opens the file chooser; what the user accepts there
       * goes to _ps_window_export_to_file */
      g_assert_true (gtk_widget_activate_action (GTK_WIDGET (window), "win.export", "s", cases[i].what));
      g_assert_nonnull (window->chooser);
      g_assert_cmpstr (g_object_get_data (G_OBJECT (window->chooser), "ps-export-what"), ==,
                       g_str_equal (cases[i].what, "current") ? "layout" : cases[i].what);
      gtk_native_dialog_hide (GTK_NATIVE_DIALOG (window->chooser));
      g_signal_emit_by_name (window->chooser, "response", GTK_RESPONSE_CANCEL);
      g_assert_null (window->chooser);

      _ps_window_export_to_file (window, g_str_equal (cases[i].what, "current") ? "layout" : cases[i].what,
                                 chosen);
      while (!g_file_test (path, G_FILE_TEST_EXISTS) && g_get_monotonic_time () < deadline)
        g_main_context_iteration (NULL, TRUE);
      /* the toast comes when the task has finished */
      for (guint k = 0; k < 10; k++)
        g_main_context_iteration (NULL, FALSE);

      g_assert_true (g_file_get_contents (path, &contents, NULL, NULL));
      g_test_message ("%s -> %s", cases[i].what, cases[i].written);
      g_assert_true (g_str_has_prefix (contents, cases[i].magic));
      g_unlink (path);
    }

  window_free (window);
  g_rmdir (dir);
}

/* Fast-forwarding (speed Max, playing) through a protocol of known length
 * shows how far it has got beside the clock; at another speed, or paused,
 * the clock alone. */
static void
test_window_fast_forward_progress (void)
{
  g_autoptr(PsScenario) scenario = NULL;
  g_autoptr(GError) error = NULL;
  PsWindow *window;
  gint64 deadline;

  if (!have_display)
    {
      g_test_skip ("no display");
      return;
    }

  window = window_new_painted ("lg-m50", 0.0, PS_WINDOW_VIEW_NONE);
  scenario = ps_scenario_new_from_preset ("lg-m50", &error);
  g_assert_no_error (error);
  g_assert_true (ps_scenario_set_protocol (scenario, "Rest for 1000 hours", &error));
  g_assert_true (ps_window_set_scenario (window, scenario, &error));
  g_assert_no_error (error);

  ps_runner_set_speed (ps_window_get_runner (window), PS_RUNNER_SPEED_MAX);
  ps_window_set_playing (window, TRUE);
  deadline = g_get_monotonic_time () + 20 * G_USEC_PER_SEC;
  while (strchr (gtk_label_get_label (window->clock_label), '%') == NULL &&
         g_get_monotonic_time () < deadline)
    g_main_context_iteration (NULL, TRUE);
  g_test_message ("fast-forward: %s", gtk_label_get_label (window->clock_label));
  g_assert_nonnull (strstr (gtk_label_get_label (window->clock_label), " %"));

  ps_window_set_playing (window, FALSE);
  deadline = g_get_monotonic_time () + 20 * G_USEC_PER_SEC;
  while (strchr (gtk_label_get_label (window->clock_label), '%') != NULL &&
         g_get_monotonic_time () < deadline)
    g_main_context_iteration (NULL, TRUE);
  g_test_message ("paused: %s", gtk_label_get_label (window->clock_label));
  g_assert_null (strchr (gtk_label_get_label (window->clock_label), '%'));

  window_free (window);
}

/* Exports draw through the renderers into real PNG / SVG / PDF documents;
 * the CSV has the CLI's columns; a failed export leaves nothing behind. */
typedef struct
{
  gboolean done;
  gboolean ok;
  GError  *error;
} AsyncWait;

static void
export_done (GObject      *object,
             GAsyncResult *result,
             gpointer      user_data)
{
  AsyncWait *wait = user_data;

  wait->ok = ps_export_finish (result, &wait->error);
  wait->done = TRUE;
}

static gboolean
export_view_sync (GFile          *file,
                  PsExportView    view,
                  PsRunner       *runner,
                  PsExportFormat  format,
                  int             width,
                  int             height,
                  GError        **error)
{
  g_autoptr(PsFrame) frame = ps_runner_dup_frame (runner);
  g_autoptr(PsRecorder) recorder = ps_runner_dup_recorder (runner);
  PsRenderStyle style;
  AsyncWait wait = { FALSE, FALSE, NULL };

  ps_render_style_init_default (&style);
  ps_export_view_async (file, view, frame, recorder, &style, width, height, format,
                        NULL, export_done, &wait);
  while (!wait.done)
    g_main_context_iteration (NULL, TRUE);
  if (wait.error != NULL)
    g_propagate_error (error, wait.error);
  return wait.ok;
}

static void
test_export (void)
{
  g_autoptr(PsScenario) scenario = NULL;
  g_autoptr(PsRunner) runner = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *dir = NULL;
  static const struct { PsExportView view; PsExportFormat format; const char *name; const char *magic; } cases[] = {
    { PS_EXPORT_VIEW_LAYOUT, PS_EXPORT_PNG, "layout.png", "\x89PNG" },
    { PS_EXPORT_VIEW_CURVES, PS_EXPORT_SVG, "curves.svg", "<?xml" },
    { PS_EXPORT_VIEW_THERMAL, PS_EXPORT_PDF, "thermal.pdf", "%PDF" },
  };

  dir = g_dir_make_tmp ("packscope-export-XXXXXX", &error);
  g_assert_no_error (error);

  scenario = ps_scenario_new_from_preset ("leaf-2011", &error);
  g_assert_no_error (error);
  runner = ps_runner_new (scenario, &error);
  g_assert_no_error (error);
  ps_runner_run_until (runner, 300.0);

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autofree char *path = g_build_filename (dir, cases[i].name, NULL);
      g_autoptr(GFile) file = g_file_new_for_path (path);
      g_autofree char *contents = NULL;
      gsize length = 0;

      g_assert_true (export_view_sync (file, cases[i].view, runner, cases[i].format, 640, 400, &error));
      g_assert_no_error (error);
      g_assert_true (g_file_get_contents (path, &contents, &length, NULL));
      g_test_message ("%s: %" G_GSIZE_FORMAT " bytes", cases[i].name, length);
      g_assert_cmpuint (length, >, 1000);
      g_assert_true (memcmp (contents, cases[i].magic, strlen (cases[i].magic)) == 0);
      if (cases[i].format == PS_EXPORT_PNG)
        {
          g_autoptr(GdkTexture) texture = gdk_texture_new_from_filename (path, &error);

          g_assert_no_error (error);
          g_assert_cmpint (gdk_texture_get_width (texture), ==, 640);
          g_assert_cmpint (gdk_texture_get_height (texture), ==, 400);
        }
      g_unlink (path);
    }

  /* CSV: the CLI's header, one row per recorded sample */
  {
    g_autoptr(PsRecorder) recorder = ps_runner_dup_recorder (runner);
    g_autofree char *path = g_build_filename (dir, "run.csv", NULL);
    g_autoptr(GFile) file = g_file_new_for_path (path);
    g_autofree char *contents = NULL;
    g_auto(GStrv) lines = NULL;
    g_auto(GStrv) last = NULL;
    AsyncWait wait = { FALSE, FALSE, NULL };
    gsize n_samples = ps_recorder_get_length (recorder);

    ps_export_csv_async (file, recorder, NULL, export_done, &wait);
    while (!wait.done)
      g_main_context_iteration (NULL, TRUE);
    g_assert_no_error (wait.error);
    g_assert_true (wait.ok);
    g_assert_true (g_file_get_contents (path, &contents, NULL, NULL));
    lines = g_strsplit (contents, "\n", -1);
    g_assert_cmpstr (lines[0], ==, PS_EXPORT_CSV_HEADER);
    g_assert_cmpuint (n_samples, >, 100);
    /* header + samples + the empty string after the last newline */
    g_assert_cmpuint (g_strv_length (lines), ==, n_samples + 2);
    last = g_strsplit (lines[n_samples], ",", -1);
    g_assert_cmpuint (g_strv_length (last), ==, 17);
    g_assert_cmpfloat_with_epsilon (g_ascii_strtod (last[0], NULL), 300.0, ps_scenario_get_dt_s (scenario));
    g_unlink (path);
  }

  /* failures: a missing folder, and a bad size over an existing file that
   * must stay as it was */
  {
    g_autofree char *missing = g_build_filename (dir, "no-such-folder", "layout.png", NULL);
    g_autofree char *existing = g_build_filename (dir, "keep.png", NULL);
    g_autoptr(GFile) file = g_file_new_for_path (missing);
    g_autoptr(GFile) keep = g_file_new_for_path (existing);
    g_autofree char *contents = NULL;
    g_autoptr(GDir) d = NULL;
    guint n_files = 0;

    g_assert_false (export_view_sync (file, PS_EXPORT_VIEW_LAYOUT, runner, PS_EXPORT_PNG, 640, 400, &error));
    g_assert_nonnull (error);
    g_test_message ("missing folder: %s", error->message);
    g_assert_nonnull (strstr (error->message, "layout.png"));
    g_clear_error (&error);

    g_assert_true (g_file_set_contents (existing, "old", 3, NULL));
    g_assert_false (export_view_sync (keep, PS_EXPORT_VIEW_LAYOUT, runner, PS_EXPORT_PNG, 0, 400, &error));
    g_assert_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT);
    g_clear_error (&error);
    g_assert_true (g_file_get_contents (existing, &contents, NULL, NULL));
    g_assert_cmpstr (contents, ==, "old");

    /* nothing else was left in the folder (no temporary files) */
    d = g_dir_open (dir, 0, NULL);
    while (g_dir_read_name (d) != NULL)
      n_files++;
    g_assert_cmpuint (n_files, ==, 1);
    g_unlink (existing);
  }

  g_rmdir (dir);
}

/* The real program, as the Flatpak check and users run it: --screenshot with
 * GL disabled, and errors as exit 2 with one line. */
/* The window's CSV export and the CLI's --csv write the same run the same
 * way: same header, same rows, same number formats. */
static void
test_export_csv_matches_cli (void)
{
  const char *packscope = g_getenv ("PACKSCOPE");
  const char *protocol = "Discharge at 1C for 120 s";
  g_autoptr(PsScenario) scenario = NULL;
  g_autoptr(PsRunner) runner = NULL;
  g_autoptr(PsRecorder) recorder = NULL;
  g_autoptr(GBytes) bytes = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *dir = NULL;
  g_autofree char *path = NULL;
  g_autofree char *cli = NULL;
  g_autofree char *err = NULL;
  int status = -1;

  if (packscope == NULL)
    {
      g_test_skip ("PACKSCOPE (the program) is not set");
      return;
    }

  dir = g_dir_make_tmp ("packscope-csv-XXXXXX", &error);
  g_assert_no_error (error);
  path = g_build_filename (dir, "cli.csv", NULL);
  {
    const char *argv[] = { packscope, "--headless", "--scenario", "leaf-2011",
                           "--protocol", protocol, "--csv", path, NULL };

    g_assert_true (g_spawn_sync (NULL, (char **) argv, NULL, G_SPAWN_DEFAULT, NULL, NULL,
                                 NULL, &err, &status, &error));
    g_assert_no_error (error);
    g_assert_true (WIFEXITED (status) && WEXITSTATUS (status) == 0);
  }
  g_assert_true (g_file_get_contents (path, &cli, NULL, NULL));

  scenario = ps_scenario_new_from_preset ("leaf-2011", &error);
  g_assert_no_error (error);
  g_assert_true (ps_scenario_set_protocol (scenario, protocol, &error));
  runner = ps_runner_new (scenario, &error);
  g_assert_no_error (error);
  ps_runner_run_until (runner, 1.0e6);
  recorder = ps_runner_dup_recorder (runner);
  bytes = ps_export_csv (recorder, &error);
  g_assert_no_error (error);

  {
    g_auto(GStrv) a = g_strsplit (cli, "\n", -1);
    g_auto(GStrv) b = g_strsplit (g_bytes_get_data (bytes, NULL), "\n", -1);

    g_test_message ("CLI %u lines, export %u lines", g_strv_length (a), g_strv_length (b));
    for (guint i = 0; a[i] != NULL && b[i] != NULL; i++)
      if (g_strcmp0 (a[i], b[i]) != 0)
        g_test_message ("line %u differs:\n  cli    %s\n  export %s", i + 1, a[i], b[i]);
    g_assert_cmpuint (g_strv_length (a), ==, g_strv_length (b));
  }
  g_assert_cmpstr (g_bytes_get_data (bytes, NULL), ==, cli);

  g_unlink (path);
  g_rmdir (dir);
}

typedef struct
{
  guint  calls;
  double last;
  double previous;
  gboolean rising;
  gboolean freed;
} ProgressSeen;

static void
progress_seen (double   fraction,
               gpointer user_data)
{
  ProgressSeen *seen = user_data;

  if (seen->calls > 0 && fraction < seen->previous)
    seen->rising = FALSE;
  seen->previous = fraction;
  seen->last = fraction;
  seen->calls++;
}

static void
progress_freed (gpointer user_data)
{
  ((ProgressSeen *) user_data)->freed = TRUE;
}

/* The CSV streams into the file with progress reports that rise to 1 and
 * the same bytes as the in-memory export; a run whose start the recorder
 * keeps decimated is refused with the numbers and leaves no file. */
static void
test_export_csv_streams_with_progress (void)
{
  g_autoptr(PsScenario) scenario = NULL;
  g_autoptr(PsRunner) runner = NULL;
  g_autoptr(PsRecorder) recorder = NULL;
  g_autoptr(GBytes) bytes = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *dir = g_dir_make_tmp ("packscope-stream-XXXXXX", NULL);
  g_autofree char *path = g_build_filename (dir, "run.csv", NULL);
  g_autoptr(GFile) file = g_file_new_for_path (path);
  g_autofree char *contents = NULL;
  gsize length = 0;
  ProgressSeen seen = { 0, 0, 0, TRUE, FALSE };
  AsyncWait wait = { FALSE, FALSE, NULL };

  scenario = ps_scenario_new_from_preset ("lg-m50", &error);
  g_assert_no_error (error);
  g_assert_true (ps_scenario_set_protocol (scenario, "Discharge at 0.5C for 10 hours", &error));
  ps_scenario_set_dt_s (scenario, 0.5);
  runner = ps_runner_new (scenario, &error);
  g_assert_no_error (error);
  ps_runner_run_until (runner, 1.0e6);
  recorder = ps_runner_dup_recorder (runner);
  g_assert_cmpuint (ps_recorder_get_length (recorder), >, 3 * 4096);

  ps_export_csv_async_full (file, recorder, progress_seen, &seen, progress_freed,
                            NULL, export_done, &wait);
  while (!wait.done || !seen.freed)
    g_main_context_iteration (NULL, TRUE);
  g_assert_no_error (wait.error);
  g_assert_true (wait.ok);
  g_test_message ("%u progress reports, last %.3f", seen.calls, seen.last);
  g_assert_cmpuint (seen.calls, >=, 1);
  g_assert_true (seen.rising);
  g_assert_cmpfloat (seen.last, ==, 1.0);

  bytes = ps_export_csv (recorder, &error);
  g_assert_no_error (error);
  g_assert_true (g_file_get_contents (path, &contents, &length, NULL));
  g_assert_cmpuint (length, ==, g_bytes_get_size (bytes));
  g_assert_true (memcmp (contents, g_bytes_get_data (bytes, NULL), length) == 0);
  g_unlink (path);

  /* a recorder that keeps only the last 4,096 steps at full rate */
  {
    g_autoptr(PsRecorder) small = ps_recorder_new_full (ps_recorder_get_n_cells (recorder), 4096);
    g_autoptr(PsFrame) frame = ps_runner_dup_frame (runner);
    g_autoptr(GBytes) none = NULL;
    AsyncWait refused = { FALSE, FALSE, NULL };

    for (guint i = 0; i < 3 * 4096; i++)
      ps_recorder_append (small, frame);
    none = ps_export_csv (small, &error);
    g_assert_null (none);
    g_assert_error (error, G_IO_ERROR, G_IO_ERROR_NOT_SUPPORTED);
    g_test_message ("%s", error->message);
    g_assert_nonnull (strstr (error->message, "12288 steps"));
    g_assert_nonnull (strstr (error->message, "--headless --csv"));
    g_clear_error (&error);

    ps_export_csv_async (file, small, NULL, export_done, &refused);
    while (!refused.done)
      g_main_context_iteration (NULL, TRUE);
    g_assert_false (refused.ok);
    g_assert_error (refused.error, G_IO_ERROR, G_IO_ERROR_NOT_SUPPORTED);
    g_clear_error (&refused.error);
    g_assert_false (g_file_test (path, G_FILE_TEST_EXISTS));
  }

  g_rmdir (dir);
}

static void
run_packscope (const char * const *args,
               const char         *gdk_debug,
               gboolean            no_display,
               int                *exit_status,
               char              **err)
{
  const char *packscope = g_getenv ("PACKSCOPE");
  g_autoptr(GPtrArray) argv = g_ptr_array_new ();
  g_auto(GStrv) envp = g_get_environ ();
  g_autoptr(GError) error = NULL;
  int wait_status = 0;

  g_ptr_array_add (argv, (gpointer) packscope);
  for (guint i = 0; args[i] != NULL; i++)
    g_ptr_array_add (argv, (gpointer) args[i]);
  g_ptr_array_add (argv, NULL);

  if (gdk_debug != NULL)
    envp = g_environ_setenv (envp, "GDK_DEBUG", gdk_debug, TRUE);
  if (no_display)
    {
      envp = g_environ_unsetenv (envp, "DISPLAY");
      envp = g_environ_unsetenv (envp, "WAYLAND_DISPLAY");
    }

  g_assert_true (g_spawn_sync (NULL, (char **) argv->pdata, envp, G_SPAWN_DEFAULT,
                               NULL, NULL, NULL, err, &wait_status, &error));
  g_assert_no_error (error);
  g_assert_true (WIFEXITED (wait_status));
  *exit_status = WEXITSTATUS (wait_status);
}

/* Runs the program's --screenshot with args (GDK_DEBUG gdk_debug, or
 * none), expects exit 0 and a PNG of width x height at path; returns it */
static GdkTexture *
screenshot_of_size (const char * const *args,
                    const char         *gdk_debug,
                    const char         *path,
                    int                 width,
                    int                 height)
{
  g_autofree char *err = NULL;
  g_autoptr(GError) error = NULL;
  GdkTexture *texture;
  int status = -1;

  run_packscope (args, gdk_debug, FALSE, &status, &err);
  g_test_message ("stderr: %s", err);
  g_assert_cmpint (status, ==, 0);
  texture = gdk_texture_new_from_filename (path, &error);
  g_assert_no_error (error);
  g_assert_cmpint (gdk_texture_get_width (texture), ==, width);
  g_assert_cmpint (gdk_texture_get_height (texture), ==, height);
  return texture;
}

static void
test_screenshot_gl_disable (void)
{
  g_autofree char *dir = NULL;
  g_autofree char *path = NULL;
  g_autofree char *err = NULL;
  g_autoptr(GdkTexture) texture = NULL;
  g_autoptr(GError) error = NULL;
  int status = -1;

  if (!have_display)
    {
      g_test_skip ("no display");
      return;
    }
  if (g_getenv ("PACKSCOPE") == NULL)
    {
      g_test_skip ("PACKSCOPE (the program) is not set");
      return;
    }

  dir = g_dir_make_tmp ("packscope-shot-XXXXXX", &error);
  g_assert_no_error (error);
  path = g_build_filename (dir, "thermal.png", NULL);

  {
    const char *args[] = { "--screenshot", path, "--scenario", "leaf-2011",
                           "--run", "900", "--size", "1152x720", "--view", "window", NULL };

    texture = screenshot_of_size (args, "gl-disable", path, 1152, 720);
  }

  /* the smallest screen the window is made for, through the program
   * itself (its header carries the application's window controls, which
   * the in-process windows above may lay out narrower) */
  {
    g_autofree char *small = g_build_filename (dir, "small.png", NULL);
    const char *args[] = { "--screenshot", small, "--scenario", "leaf-2011",
                           "--run", "600", "--size", "800x600", NULL };

    g_object_unref (screenshot_of_size (args, NULL, small, 800, 600));
    g_unlink (small);
  }

  {
    Pixels px;
    RegionStats s;
    graphene_rect_t all = GRAPHENE_RECT_INIT (0, 0, 1152, 720);

    px.width = 1152;
    px.height = 720;
    px.stride = 1152 * 4;
    px.data = g_malloc (px.stride * px.height);
    gdk_texture_download (texture, px.data, px.stride);
    region_stats (&px, &all, &s);
    g_assert_cmpfloat (s.luma_sd, >, 8.0);
    g_assert_cmpuint (s.n_colours, >, 50);
    g_free (px.data);
  }
  g_unlink (path);

  /* one view alone */
  {
    const char *args[] = { "--screenshot", path, "--scenario", "model-s-85",
                           "--run", "300", "--size", "640x400", "--view", "thermal", NULL };

    g_object_unref (screenshot_of_size (args, "gl-disable", path, 640, 400));
    g_unlink (path);
  }

  /* the runaway timeline alone, at its panel's size */
  {
    const char *args[] = { "--screenshot", path, "--scenario", "leaf-2011",
                           "--run", "60", "--size", "600x160", "--view", "timeline", NULL };

    g_object_unref (screenshot_of_size (args, "gl-disable", path, 600, 160));
    g_unlink (path);
  }

  /* bad input: exit 2, one line on stderr, no file */
  {
    const char *bad[][10] = {
      { "--screenshot", path, "--scenario", "no-such-pack", NULL },
      { "--screenshot", path, "--scenario", "leaf-2011", "--size", "huge", NULL },
      { "--screenshot", path, "--scenario", "leaf-2011", "--view", "sideways", NULL },
      { "--screenshot", path, "--scenario", "leaf-2011", "--protocol", "Fly at 3 m", NULL },
      { "--screenshot", path, "--scenario", "leaf-2011", "--run", "-5", NULL },
      /* the strict number parser: no hex, no spaces, no junk */
      { "--screenshot", path, "--scenario", "leaf-2011", "--run", "0x10", NULL },
      { "--screenshot", path, "--scenario", "leaf-2011", "--size", " 640x400", NULL },
      { "--screenshot", path, "--scenario", "leaf-2011", "--size", "640x400px", NULL },
      { "--screenshot", path, "--scenario", "leaf-2011", "--size", "320x200", NULL },
      { "--screenshot", path, "--scenario", "leaf-2011", NULL },
    };

    for (guint i = 0; i < G_N_ELEMENTS (bad); i++)
      {
        g_clear_pointer (&err, g_free);
        /* the last one has no display at all */
        run_packscope (bad[i], NULL, i + 1 == G_N_ELEMENTS (bad), &status, &err);
        g_test_message ("bad %u: status %d, stderr: %s", i, status, err);
        g_assert_cmpint (status, ==, 2);
        g_assert_true (g_str_has_prefix (err, "packscope: "));
        g_assert_cmpint (strchr (err, '\n') - err, ==, (int) strlen (err) - 1);
        g_assert_false (g_file_test (path, G_FILE_TEST_EXISTS));
      }
  }

  g_rmdir (dir);
}

/* A screenshot never replaces what its path names unless it is a regular
 * file: through a symbolic link (/dev/stdout is one) the PNG goes to the
 * link's target and the link stays; a regular file is replaced whole. */
static void
test_screenshot_save_targets (void)
{
  static const guchar bgra[4 * 4] = { 0 };
  g_autoptr(GBytes) bytes = g_bytes_new_static (bgra, sizeof bgra);
  g_autoptr(GdkTexture) texture = gdk_memory_texture_new (2, 2, GDK_MEMORY_DEFAULT, bytes, 8);
  g_autoptr(GError) error = NULL;
  g_autofree char *dir = g_dir_make_tmp ("packscope-save-XXXXXX", &error);
  g_autofree char *target = g_build_filename (dir, "target.png", NULL);
  g_autofree char *link = g_build_filename (dir, "link.png", NULL);
  g_autofree char *contents = NULL;
  gsize length = 0;

  g_assert_no_error (error);
  g_assert_true (g_file_set_contents (target, "old", -1, NULL));
  g_assert_cmpint (symlink ("target.png", link), ==, 0);

  g_assert_true (ps_screenshot_save_png (texture, link, &error));
  g_assert_no_error (error);
  g_assert_true (g_file_test (link, G_FILE_TEST_IS_SYMLINK));
  g_assert_true (g_file_get_contents (target, &contents, &length, NULL));
  g_assert_cmpuint (length, >, 8);
  g_assert_cmpmem (contents, 4, "\x89PNG", 4);
  g_clear_pointer (&contents, g_free);

  /* a regular file: replaced, still a PNG */
  g_assert_true (ps_screenshot_save_png (texture, target, &error));
  g_assert_no_error (error);
  g_assert_true (g_file_get_contents (target, &contents, &length, NULL));
  g_assert_cmpmem (contents, 4, "\x89PNG", 4);

  g_unlink (link);
  g_unlink (target);
  g_rmdir (dir);
}


/* The Model drop-down: off for a pack whose cells have no physics
 * parameters; for lg-m50 it restarts the run as an SPMe; a model the build
 * or the cell cannot run is refused with a toast and the drop-down goes
 * back. */
static void
window_wait_for_model (PsWindow   *window,
                       const char *model)
{
  gint64 deadline = g_get_monotonic_time () + 30 * G_USEC_PER_SEC;

  while (g_strcmp0 (ps_scenario_get_cell_model (ps_window_get_scenario (window)), model) != 0 &&
         g_get_monotonic_time () < deadline)
    g_main_context_iteration (NULL, TRUE);
  g_assert_cmpstr (ps_scenario_get_cell_model (ps_window_get_scenario (window)), ==, model);
}

static void
test_window_cell_model (void)
{
  g_autoptr(PsScenario) m50 = NULL;
  g_autoptr(GError) error = NULL;
  PsWindow *window;

  if (!have_display)
    {
      g_test_skip ("no display");
      return;
    }

  window = window_new_painted ("leaf-2011", 0.0, PS_WINDOW_VIEW_NONE);
  g_assert_false (gtk_widget_get_sensitive (GTK_WIDGET (window->cell_model_dropdown)));
  g_assert_cmpuint (gtk_drop_down_get_selected (window->cell_model_dropdown), ==, 0);

  m50 = ps_scenario_new_from_preset ("lg-m50", &error);
  g_assert_no_error (error);
  g_assert_true (ps_window_set_scenario (window, m50, &error));
  window_wait_for_pack (window, "lg-m50");
  g_assert_true (gtk_widget_get_sensitive (GTK_WIDGET (window->cell_model_dropdown)));

  gtk_drop_down_set_selected (window->cell_model_dropdown, 1);
  window_wait_for_model (window, "spme");
  ps_runner_run_until (ps_window_get_runner (window), 600.0);
  {
    g_autoptr(PsFrame) frame = ps_runner_dup_frame (ps_window_get_runner (window));

    g_assert_cmpfloat (frame->time_s, >=, 600.0);
    g_assert_cmpfloat (frame->cell_voltage_v[0], <, 4.2);
    g_assert_cmpfloat (frame->cell_voltage_v[0], >, 3.5);
  }

  gtk_drop_down_set_selected (window->cell_model_dropdown, 2);
  if (ps_scenario_cell_supports_model (ps_window_get_scenario (window), "dfn"))
    window_wait_for_model (window, "dfn");
  else
    {
      g_assert_nonnull (find_label_containing (GTK_WIDGET (window), "cell model dfn"));
      g_assert_cmpuint (gtk_drop_down_get_selected (window->cell_model_dropdown), ==, 1);
      g_assert_cmpstr (ps_scenario_get_cell_model (ps_window_get_scenario (window)), ==, "spme");
    }

  window_free (window);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  /* the tests of a window need a display; without one they skip */
  have_display = gtk_init_check ();
  if (have_display)
    {
      adw_init ();
      (void) ps_ui_get_resource ();
    }

  g_test_add_func ("/ui/window/views-drawn", test_window_views_drawn);
  g_test_add_func ("/ui/window/layout-cells", test_window_layout_cells);
  g_test_add_func ("/ui/window/fits-small-screens", test_window_fits_small_screens);
  g_test_add_func ("/ui/window/panel-heights", test_window_panel_heights);
  g_test_add_func ("/ui/window/selection-keeps-layout", test_window_selection_keeps_layout);
  g_test_add_func ("/ui/window/thermal-span", test_window_thermal_span);
  g_test_add_func ("/ui/window/software-gl", test_window_software_gl);
  g_test_add_func ("/ui/window/actions", test_window_actions);
  g_test_add_func ("/ui/window/plain-keys", test_window_plain_keys);
  g_test_add_func ("/ui/window/shortcuts", test_window_shortcuts);
  g_test_add_func ("/ui/window/enum-properties", test_window_enum_properties);
  g_test_add_func ("/ui/window/limit-warning", test_window_limit_warning);
  g_test_add_func ("/ui/window/bms-events", test_window_bms_events);
  g_test_add_func ("/ui/window/manual-load-status", test_window_manual_load_status);
  g_test_add_func ("/ui/window/open-file", test_window_open_file);
  g_test_add_func ("/ui/window/refused-scenario", test_window_refused_scenario);
  g_test_add_func ("/ui/window/cell-model", test_window_cell_model);
  g_test_add_func ("/ui/window/close-cancels", test_window_close_cancels);
  g_test_add_func ("/ui/window/selection-notify", test_window_selection_notify);
  g_test_add_func ("/ui/window/settings", test_window_settings);
  g_test_add_func ("/ui/window/dialogs", test_window_dialogs);
  g_test_add_func ("/ui/export/formats-and-failures", test_export);
  g_test_add_func ("/ui/export/action", test_window_export_action);
  g_test_add_func ("/ui/window/fast-forward-progress", test_window_fast_forward_progress);
  g_test_add_func ("/ui/export/csv-matches-cli", test_export_csv_matches_cli);
  g_test_add_func ("/ui/export/csv-streams-with-progress", test_export_csv_streams_with_progress);
  g_test_add_func ("/ui/screenshot/gl-disable", test_screenshot_gl_disable);
  g_test_add_func ("/ui/screenshot/save-targets", test_screenshot_save_targets);

  return g_test_run ();
}
