/* test-builder.c: the pack builder, saving scenarios, and what a user sees
 * of them in the window (suite ui) */
#include "config.h"

#include <adwaita.h>
#include <glib/gstdio.h>
#include <math.h>
#include <string.h>
#include <sys/wait.h>

#include "ps-engine.h"
#include "ps-app-resources.h"
#include "ps-export.h"
#include "ps-pack-builder.h"
#include "ps-screenshot.h"
#include "ps-window-private.h"
#include "test-ui-common.h"

static gboolean have_display;

static gboolean
row_shows_error (GtkWidget  *row,
                 const char *words)
{
  const char *subtitle = adw_action_row_get_subtitle (ADW_ACTION_ROW (row));

  return gtk_widget_has_css_class (row, "error") && subtitle != NULL &&
         strstr (subtitle, words) != NULL;
}

/* The builder's pack, run in the window at once, saved by the window's
 * Save and run by the CLI from the file, gives the same CSV bytes */
static void
test_built_pack_saved_runs_the_same_in_cli (void)
{
  const char *packscope = g_getenv ("PACKSCOPE");
  PsWindow *window;
  PsPackBuilder *builder;
  g_autoptr(GError) error = NULL;
  g_autoptr(PsRecorder) recorder = NULL;
  g_autoptr(GBytes) window_csv = NULL;
  g_autoptr(GFile) file = NULL;
  g_autofree char *dir = NULL;
  g_autofree char *json_path = NULL;
  g_autofree char *csv_path = NULL;
  g_autofree char *cli_csv = NULL;
  g_autofree char *saved = NULL;
  const PsPackInfo *info;
  int status = -1;

  if (!have_display || packscope == NULL)
    {
      g_test_skip ("needs a display and PACKSCOPE");
      return;
    }

  window = window_new_on ("leaf-2011", "Discharge at 1C for 120 s; Rest for 30 s");
  builder = ps_pack_builder_new (window);
  g_object_ref (builder);

  /* a 12S4P pack of LG M50 cells in six modules, cold plate */
  g_assert_true (ps_pack_builder_select_cell (builder, "lg-m50"));
  ps_pack_builder_set_name (builder, "Test pack");
  ps_pack_builder_set_value (builder, PS_PACK_DESIGN_FIELD_SERIES, 12);
  ps_pack_builder_set_value (builder, PS_PACK_DESIGN_FIELD_PARALLEL, 4);
  ps_pack_builder_set_value (builder, PS_PACK_DESIGN_FIELD_CELLS_PER_MODULE, 8);
  ps_pack_builder_set_value (builder, PS_PACK_DESIGN_FIELD_STACKS, 1);
  ps_pack_builder_set_value (builder, PS_PACK_DESIGN_FIELD_MODULE_COLUMNS, 3);
  ps_pack_builder_set_value (builder, PS_PACK_DESIGN_FIELD_MODULE_ROWS, 2);
  ps_pack_builder_set_cooling (builder, PS_COOLING_COLD_PLATE);
  ps_pack_builder_set_value (builder, PS_PACK_DESIGN_FIELD_COOLANT_FLOW, 0.01);
  ps_pack_builder_rebuild (builder);
  g_assert_null (ps_pack_builder_get_error (builder, NULL));
  g_assert_nonnull (ps_pack_builder_get_scenario (builder));

  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (builder), "builder.run", NULL));
  window_wait_for_pack (window, "built");
  info = ps_pack_get_info (ps_scenario_get_pack (ps_window_get_scenario (window)));
  g_assert_cmpuint (info->n_cells, ==, 48);
  g_assert_cmpuint (info->n_modules, ==, 6);
  g_assert_true (info->cooling == PS_COOLING_COLD_PLATE);
  g_assert_cmpstr (ps_scenario_get_cell (ps_window_get_scenario (window))->id, ==, "lg-m50");
  /* the builder went away with the run */
  g_assert_false (gtk_widget_get_visible (GTK_WIDGET (builder)));
  g_object_unref (builder);

  /* the window runs it to the end */
  ps_runner_run_until (ps_window_get_runner (window), 1.0e6);
  recorder = ps_runner_dup_recorder (ps_window_get_runner (window));
  window_csv = ps_export_csv (recorder, &error);
  g_assert_no_error (error);

  /* Save writes it where the window was told to */
  dir = g_dir_make_tmp ("packscope-builder-XXXXXX", &error);
  g_assert_no_error (error);
  json_path = g_build_filename (dir, "built.json", NULL);
  file = g_file_new_for_path (json_path);
  _ps_window_set_scenario_file (window, file);
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (window), "win.save", NULL));
  g_assert_true (g_file_get_contents (json_path, &saved, NULL, NULL));
  g_assert_nonnull (strstr (saved, "\"name\": \"Test pack\""));
  g_assert_nonnull (strstr (saved, "\"kind\": \"cold_plate\""));

  csv_path = g_build_filename (dir, "cli.csv", NULL);
  {
    const char *argv[] = { packscope, "--headless", "--scenario", json_path,
                           "--csv", csv_path, NULL };
    g_autofree char *err = NULL;

    g_assert_true (g_spawn_sync (NULL, (char **) argv, NULL, G_SPAWN_DEFAULT, NULL, NULL,
                                 NULL, &err, &status, &error));
    g_assert_no_error (error);
    g_test_message ("%s", err);
    g_assert_true (WIFEXITED (status) && WEXITSTATUS (status) == 0);
  }
  g_assert_true (g_file_get_contents (csv_path, &cli_csv, NULL, NULL));
  g_assert_cmpuint (strlen (cli_csv), >, 1000);
  g_assert_cmpstr (g_bytes_get_data (window_csv, NULL), ==, cli_csv);

  g_unlink (csv_path);
  g_unlink (json_path);
  g_rmdir (dir);
  window_free (window);
}

/* A refused choice shows the engine's error under its own row, and Run
 * waits; put right, the error goes and the preview's pack follows */
static void
test_errors_inline (void)
{
  PsWindow *window;
  PsPackBuilder *builder;
  PsPackDesignField field;
  GtkWidget *row;

  if (!have_display)
    {
      g_test_skip ("needs a display");
      return;
    }

  window = window_new_on ("leaf-2011", NULL);
  builder = ps_pack_builder_new (window);
  g_object_ref (builder);
  g_assert_nonnull (ps_pack_builder_get_scenario (builder));
  g_assert_cmpuint (ps_pack_get_info (ps_scenario_get_pack (ps_pack_builder_get_scenario (builder)))->n_cells,
                    ==, 192);

  /* 3 cells per module with 2 in parallel: the builder's own rule */
  ps_pack_builder_set_value (builder, PS_PACK_DESIGN_FIELD_CELLS_PER_MODULE, 3);
  ps_pack_builder_rebuild (builder);
  g_assert_nonnull (ps_pack_builder_get_error (builder, &field));
  g_assert_cmpint (field, ==, PS_PACK_DESIGN_FIELD_CELLS_PER_MODULE);
  row = ps_pack_builder_get_row (builder, PS_PACK_DESIGN_FIELD_CELLS_PER_MODULE);
  g_assert_true (row_shows_error (row, "whole number of parallel groups"));
  g_assert_null (ps_pack_builder_get_scenario (builder));
  g_assert_false (row_shows_error (ps_pack_builder_get_row (builder, PS_PACK_DESIGN_FIELD_SERIES), ""));

  /* put right: the error goes */
  ps_pack_builder_set_value (builder, PS_PACK_DESIGN_FIELD_CELLS_PER_MODULE, 4);
  ps_pack_builder_rebuild (builder);
  g_assert_null (ps_pack_builder_get_error (builder, NULL));
  g_assert_false (gtk_widget_has_css_class (row, "error"));

  /* a heat transfer coefficient of 0: the pack loader's check, shown
   * under the coefficient's row */
  ps_pack_builder_set_value (builder, PS_PACK_DESIGN_FIELD_H, 0.0);
  ps_pack_builder_rebuild (builder);
  g_assert_nonnull (ps_pack_builder_get_error (builder, &field));
  g_assert_cmpint (field, ==, PS_PACK_DESIGN_FIELD_H);
  g_assert_true (row_shows_error (ps_pack_builder_get_row (builder, PS_PACK_DESIGN_FIELD_H), "> 0"));
  ps_pack_builder_set_value (builder, PS_PACK_DESIGN_FIELD_H, 8.0);

  /* too few places for the modules: under the rows */
  ps_pack_builder_set_value (builder, PS_PACK_DESIGN_FIELD_MODULE_ROWS, 1);
  ps_pack_builder_rebuild (builder);
  g_assert_true (row_shows_error (ps_pack_builder_get_row (builder, PS_PACK_DESIGN_FIELD_MODULE_ROWS),
                                  "have places for"));

  /* the preview follows the pack: 48 series groups now */
  ps_pack_builder_set_value (builder, PS_PACK_DESIGN_FIELD_MODULE_ROWS, 100);
  ps_pack_builder_set_value (builder, PS_PACK_DESIGN_FIELD_SERIES, 48);
  ps_pack_builder_rebuild (builder);
  g_assert_cmpstr (ps_pack_builder_get_error (builder, NULL), ==, NULL);
  ps_pack_builder_set_value (builder, PS_PACK_DESIGN_FIELD_MODULE_COLUMNS, 4);
  ps_pack_builder_set_value (builder, PS_PACK_DESIGN_FIELD_MODULE_ROWS, 6);
  ps_pack_builder_rebuild (builder);
  g_assert_cmpstr (ps_pack_builder_get_error (builder, NULL), ==, NULL);
  g_assert_cmpuint (ps_pack_get_info (ps_scenario_get_pack (ps_pack_builder_get_scenario (builder)))->n_cells,
                    ==, 96);

  gtk_window_destroy (GTK_WINDOW (builder));
  g_object_unref (builder);
  window_free (window);
}


/* An export is done when the window says so ("Exported “name”"): a new
 * file exists before it is complete */
static gboolean
wait_for_export (PsWindow   *window,
                 const char *path)
{
  g_autofree char *name = g_path_get_basename (path);
  g_autofree char *done = g_strdup_printf ("Exported “%s”", name);
  gint64 deadline = g_get_monotonic_time () + 30 * G_USEC_PER_SEC;

  while (find_label_containing (GTK_WIDGET (window), done) == NULL &&
         g_get_monotonic_time () < deadline)
    g_main_context_iteration (NULL, FALSE);
  return find_label_containing (GTK_WIDGET (window), done) != NULL &&
         g_file_test (path, G_FILE_TEST_EXISTS);
}

static void
remove_dir (const char *dir)
{
  g_autoptr(GDir) d = g_dir_open (dir, 0, NULL);
  const char *name;

  while (d != NULL && (name = g_dir_read_name (d)) != NULL)
    {
      g_autofree char *path = g_build_filename (dir, name, NULL);

      g_unlink (path);
    }
  g_rmdir (dir);
}

/* A typed extension is honoured (curves.SVG is an SVG) or refused
 * (curves.jpg is neither written nor renamed curves.jpg.png); a name
 * without one gets the default */
static void
test_export_extension (void)
{
  PsWindow *window;
  g_autoptr(GError) error = NULL;
  g_autofree char *dir = NULL;
  g_autofree char *jpg = NULL;
  g_autofree char *svg = NULL;
  g_autofree char *bare = NULL;
  g_autofree char *svg_text = NULL;

  if (!have_display)
    {
      g_test_skip ("needs a display");
      return;
    }

  window = window_new_on ("lg-m50", "Discharge at 1C for 60 s");
  ps_runner_run_until (ps_window_get_runner (window), 60.0);
  dir = g_dir_make_tmp ("packscope-export-XXXXXX", &error);
  g_assert_no_error (error);

  jpg = g_build_filename (dir, "curves.jpg", NULL);
  {
    g_autoptr(GFile) file = g_file_new_for_path (jpg);

    _ps_window_export_to_file (window, "curves", file);
  }
  for (guint i = 0; i < 50; i++)
    g_main_context_iteration (NULL, FALSE);
  g_assert_nonnull (find_label_containing (GTK_WIDGET (window), "does not write “.jpg” files"));
  g_assert_false (g_file_test (jpg, G_FILE_TEST_EXISTS));
  {
    g_autofree char *renamed = g_strconcat (jpg, ".png", NULL);

    g_assert_false (g_file_test (renamed, G_FILE_TEST_EXISTS));
  }

  svg = g_build_filename (dir, "curves.SVG", NULL);
  {
    g_autoptr(GFile) file = g_file_new_for_path (svg);

    _ps_window_export_to_file (window, "curves", file);
  }
  g_assert_true (wait_for_export (window, svg));
  g_assert_true (g_file_get_contents (svg, &svg_text, NULL, NULL));
  g_assert_nonnull (strstr (svg_text, "<svg"));

  bare = g_build_filename (dir, "layout", NULL);
  {
    g_autoptr(GFile) file = g_file_new_for_path (bare);
    g_autofree char *png = g_strconcat (bare, ".png", NULL);

    _ps_window_export_to_file (window, "layout", file);
    g_assert_true (wait_for_export (window, png));
  }

  remove_dir (dir);
  window_free (window);
}

static void
png_size (const char *path,
          int        *width,
          int        *height)
{
  cairo_surface_t *surface = cairo_image_surface_create_from_png (path);

  g_assert_cmpint (cairo_surface_status (surface), ==, CAIRO_STATUS_SUCCESS);
  *width = cairo_image_surface_get_width (surface);
  *height = cairo_image_surface_get_height (surface);
  cairo_surface_destroy (surface);
}

/* A view exports at the size chosen; the caption takes a strip at the
 * bottom, the view keeps the rest */
static void
test_export_size_and_caption (void)
{
  PsWindow *window;
  g_autoptr(GError) error = NULL;
  g_autofree char *dir = NULL;
  g_autofree char *path = NULL;
  g_autoptr(PsFrame) frame = NULL;
  g_autoptr(PsRecorder) recorder = NULL;
  g_autoptr(GBytes) none = NULL;
  g_autoptr(GBytes) a = NULL;
  g_autoptr(GBytes) b = NULL;
  PsRenderStyle style;
  int width = 0, height = 0;

  if (!have_display)
    {
      g_test_skip ("needs a display");
      return;
    }

  window = window_new_on ("lg-m50", "Discharge at 1C for 60 s");
  ps_runner_run_until (ps_window_get_runner (window), 60.0);
  dir = g_dir_make_tmp ("packscope-export-XXXXXX", &error);
  g_assert_no_error (error);
  path = g_build_filename (dir, "layout.png", NULL);
  {
    g_autoptr(GFile) file = g_file_new_for_path (path);

    _ps_window_export_to_file_full (window, "layout", file, 640, 480, TRUE);
  }
  g_assert_true (wait_for_export (window, path));
  png_size (path, &width, &height);
  g_assert_cmpint (width, ==, 640);
  g_assert_cmpint (height, ==, 480);

  /* the caption changes only its strip */
  ps_render_style_init_default (&style);
  ps_runner_dup_frame_and_recorder (ps_window_get_runner (window), &frame, &recorder);
  none = ps_export_render_view_captioned (PS_EXPORT_VIEW_CURVES, frame, recorder, &style,
                                          400, 300, PS_EXPORT_PNG, NULL, &error);
  g_assert_no_error (error);
  a = ps_export_render_view_captioned (PS_EXPORT_VIEW_CURVES, frame, recorder, &style,
                                       400, 300, PS_EXPORT_PNG, "A", &error);
  g_assert_no_error (error);
  b = ps_export_render_view_captioned (PS_EXPORT_VIEW_CURVES, frame, recorder, &style,
                                       400, 300, PS_EXPORT_PNG, "Another caption, 1 min 00 s simulated",
                                       &error);
  g_assert_no_error (error);
  g_assert_false (g_bytes_equal (none, a));
  g_assert_false (g_bytes_equal (a, b));
  {
    g_autofree char *pa = g_build_filename (dir, "a.png", NULL);
    g_autofree char *pb = g_build_filename (dir, "b.png", NULL);
    cairo_surface_t *sa, *sb;
    int stride, strip = (int) ceil (2.2 * style.font_size);
    gboolean strip_differs = FALSE;

    g_assert_true (g_file_set_contents (pa, g_bytes_get_data (a, NULL), g_bytes_get_size (a), NULL));
    g_assert_true (g_file_set_contents (pb, g_bytes_get_data (b, NULL), g_bytes_get_size (b), NULL));
    sa = cairo_image_surface_create_from_png (pa);
    sb = cairo_image_surface_create_from_png (pb);
    stride = cairo_image_surface_get_stride (sa);
    /* above the strip: the same view */
    g_assert_cmpint (memcmp (cairo_image_surface_get_data (sa), cairo_image_surface_get_data (sb),
                             (gsize) stride * (300 - strip)), ==, 0);
    strip_differs = memcmp (cairo_image_surface_get_data (sa) + (gsize) stride * (300 - strip),
                            cairo_image_surface_get_data (sb) + (gsize) stride * (300 - strip),
                            (gsize) stride * strip) != 0;
    g_assert_true (strip_differs);
    cairo_surface_destroy (sa);
    cairo_surface_destroy (sb);
  }

  remove_dir (dir);
  window_free (window);
}

/* The window's CSV says where a manual load ran, in the step_end column;
 * the protocol's rows around it stay as they were */
static void
test_csv_marks_manual_load (void)
{
  g_autoptr(PsScenario) scenario = NULL;
  g_autoptr(PsRunner) runner = NULL;
  g_autoptr(PsRecorder) recorder = NULL;
  g_autoptr(GBytes) csv = NULL;
  g_autoptr(GError) error = NULL;
  PsLoad load = { PS_LOAD_CURRENT, 5.0 };
  const char *text;
  const char *on, *off;

  scenario = ps_scenario_new_from_preset ("lg-m50", &error);
  g_assert_no_error (error);
  g_assert_true (ps_scenario_set_protocol (scenario, "Rest for 60 s", &error));
  runner = ps_runner_new (scenario, &error);
  g_assert_no_error (error);

  ps_runner_run_until (runner, 10.0);
  ps_runner_set_load (runner, &load);
  ps_runner_run_until (runner, 20.0);
  ps_runner_clear_load (runner);
  ps_runner_run_until (runner, 1000.0);

  recorder = ps_runner_dup_recorder (runner);
  csv = ps_export_csv (recorder, &error);
  g_assert_no_error (error);
  text = g_bytes_get_data (csv, NULL);
  on = strstr (text, ",manual load: discharge at 5 A,");
  off = strstr (text, ",manual load ended: the protocol again,");
  g_assert_nonnull (on);
  g_assert_nonnull (off);
  g_assert_true (on < off);
  /* the first row of the load carries the note: it discharges at 5 A */
  {
    const char *row = on;

    while (row > text && row[-1] != '\n')
      row--;
    g_assert_nonnull (g_strstr_len (row, on - row, ",5,"));
  }
}

/* The load bar shows what the protocol runs, exactly (0.5C of a 5.0995 Ah
 * cell is 2.54975 A, not 3 A), follows its steps, and comes back to it on
 * "Follow protocol" and with a new preset; the title is the pack's name and
 * a short protocol */
static void
test_load_bar_and_title (void)
{
  PsWindow *window;
  g_autoptr(GError) error = NULL;
  double one_c = 5.0995;

  if (!have_display)
    {
      g_test_skip ("needs a display");
      return;
    }

  window = window_new_on ("lg-m50", "Discharge at 0.5C for 10 s; Discharge at 3 W for 10 s; "
                                    "Discharge at 1C for 5 minutes; Charge at 1.25 A for 10 s");
  g_assert_true (ps_screenshot_present (GTK_WIDGET (window), 1280, 800, 30000, &error));
  g_assert_no_error (error);

  g_assert_cmpstr (adw_window_title_get_title (window->window_title), ==, "LG M50 21700 single cell");
  g_assert_cmpstr (adw_window_title_get_subtitle (window->window_title), ==,
                   "Discharge at 0.5C for 10 s, then 3 more steps · 1 cell, 1P1S");
  g_assert_nonnull (strstr (gtk_widget_get_tooltip_text (GTK_WIDGET (window->window_title)),
                            "4. Charge at 1.25 A for 10 s"));

  g_assert_cmpfloat (gtk_adjustment_get_value (window->load_adjustment), ==, 0.5 * one_c);
  g_assert_cmpuint (gtk_drop_down_get_selected (window->load_direction), ==, 0);
  g_assert_cmpuint (gtk_drop_down_get_selected (window->load_mode), ==, 0);
  g_assert_cmpuint (gtk_spin_button_get_digits (window->load_value), ==, 3);

  /* the second step: 3 W, as power in kW */
  ps_runner_run_until (ps_window_get_runner (window), 15.0);
  g_assert_true (ps_screenshot_wait_painted (GTK_WIDGET (window), 4, 30000));
  g_assert_cmpfloat (gtk_adjustment_get_value (window->load_adjustment), ==, 0.003);
  g_assert_cmpuint (gtk_drop_down_get_selected (window->load_mode), ==, 1);
  g_assert_cmpuint (gtk_drop_down_get_selected (window->load_direction), ==, 0);

  /* the fourth: a 1.25 A charge */
  ps_runner_run_until (ps_window_get_runner (window), 325.0);
  g_assert_true (ps_screenshot_wait_painted (GTK_WIDGET (window), 4, 30000));
  g_assert_cmpfloat (gtk_adjustment_get_value (window->load_adjustment), ==, 1.25);
  g_assert_cmpuint (gtk_drop_down_get_selected (window->load_direction), ==, 1);
  g_assert_cmpuint (gtk_drop_down_get_selected (window->load_mode), ==, 0);

  /* a manual load of 1 A discharge; Follow protocol brings the bar back */
  gtk_drop_down_set_selected (window->load_direction, 0);
  gtk_adjustment_set_value (window->load_adjustment, 1.0);
  gtk_widget_activate_action (GTK_WIDGET (window), "win.apply-load", NULL);
  ps_runner_single_step (ps_window_get_runner (window));
  ps_runner_sync (ps_window_get_runner (window));
  gtk_widget_activate_action (GTK_WIDGET (window), "win.follow-protocol", NULL);
  g_assert_cmpfloat (gtk_adjustment_get_value (window->load_adjustment), ==, 1.25);
  g_assert_cmpuint (gtk_drop_down_get_selected (window->load_direction), ==, 1);

  /* a new preset: its first step (Volt: 1C of 3 x 15 Ah cells) */
  gtk_widget_activate_action (GTK_WIDGET (window), "win.preset", "s", "volt-2011");
  window_wait_for_pack (window, "volt-2011");
  g_assert_cmpuint (gtk_drop_down_get_selected (window->load_mode), ==, 0);
  {
    const PsScenario *volt = ps_window_get_scenario (window);
    double capacity = 3 * ps_scenario_get_cell (volt)->capacity_ah;

    g_assert_cmpfloat (gtk_adjustment_get_value (window->load_adjustment), ==, capacity);
  }
  g_assert_cmpstr (adw_window_title_get_title (window->window_title), ==, "Chevrolet Volt 2011");
  /* opened from the menu, it plays as the first one did at start */
  g_assert_true (ps_window_get_playing (window));

  window_free (window);
}

/* The shortcuts window and the pack builder show without a GTK warning
 * (G_DEBUG=fatal-warnings makes one fail the test): the shortcuts window
 * printed "GtkLabel ... min width -3" twice */
static void
test_no_gtk_warnings (void)
{
  g_autoptr(GtkBuilder) builder = NULL;
  g_autoptr(GError) error = NULL;
  GtkWidget *overlay;
  PsWindow *window;
  PsPackBuilder *pack_builder;

  if (!have_display)
    {
      g_test_skip ("needs a display");
      return;
    }

  (void) ps_app_get_resource ();
  builder = gtk_builder_new_from_resource (RESOURCE_PREFIX "/gtk/help-overlay.ui");
  overlay = GTK_WIDGET (gtk_builder_get_object (builder, "help_overlay"));
  g_assert_nonnull (overlay);
  g_assert_true (ps_screenshot_present (overlay, 1280, 800, 30000, &error));
  g_assert_no_error (error);
  g_assert_true (ps_screenshot_present (overlay, 800, 600, 30000, &error));
  g_assert_no_error (error);
  gtk_window_destroy (GTK_WINDOW (overlay));

  window = window_new_on ("leaf-2011", NULL);
  pack_builder = ps_pack_builder_new (window);
  g_assert_true (ps_screenshot_present (GTK_WIDGET (pack_builder), 800, 600, 30000, &error));
  g_assert_no_error (error);
  gtk_window_destroy (GTK_WINDOW (pack_builder));
  window_free (window);
}

static GtkPopover *
popover_of (GtkWidget *owner)
{
  if (GTK_IS_MENU_BUTTON (owner))
    return gtk_menu_button_get_popover (GTK_MENU_BUTTON (owner));
  for (GtkWidget *child = gtk_widget_get_first_child (owner); child != NULL;
       child = gtk_widget_get_next_sibling (child))
    if (GTK_IS_POPOVER (child))
      return GTK_POPOVER (child);
  return NULL;
}

/* No tooltip over an open drop-down or menu: while the list is shown its
 * owner has none, and gets it back when the list closes */
static void
test_no_tooltip_over_open_list (void)
{
  PsWindow *window;
  g_autoptr(GError) error = NULL;

  if (!have_display)
    {
      g_test_skip ("needs a display");
      return;
    }

  window = window_new_on ("lg-m50", NULL);
  g_assert_true (ps_screenshot_present (GTK_WIDGET (window), 1280, 800, 30000, &error));
  g_assert_no_error (error);

  {
    GtkWidget *owners[] = { GTK_WIDGET (window->load_direction), GTK_WIDGET (window->load_mode),
                            GTK_WIDGET (window->quantity_dropdown),
                            GTK_WIDGET (window->preset_button) };

    for (guint i = 0; i < G_N_ELEMENTS (owners); i++)
      {
        GtkPopover *popover = popover_of (owners[i]);

        g_assert_nonnull (popover);
        g_assert_true (gtk_widget_get_has_tooltip (owners[i]));
        gtk_popover_popup (popover);
        for (guint k = 0; k < 20; k++)
          g_main_context_iteration (NULL, FALSE);
        g_assert_true (gtk_widget_get_visible (GTK_WIDGET (popover)));
        g_assert_false (gtk_widget_get_has_tooltip (owners[i]));
        gtk_popover_popdown (popover);
        for (guint k = 0; k < 20; k++)
          g_main_context_iteration (NULL, FALSE);
        g_assert_true (gtk_widget_get_has_tooltip (owners[i]));
      }
  }

  window_free (window);
}

/* A cell from a file joins the list and builds; a file that is not a cell
 * is refused with the loader's error naming the file */
static void
test_cell_from_file (void)
{
  PsWindow *window;
  PsPackBuilder *builder;
  g_autoptr(GError) error = NULL;
  g_autofree char *dir = NULL;
  g_autofree char *good = NULL;
  g_autofree char *bad = NULL;
  g_autofree char *text = NULL;
  g_autofree char *srcdir = NULL;
  char *renamed;

  if (!have_display)
    {
      g_test_skip ("needs a display");
      return;
    }

  srcdir = g_build_filename (g_getenv ("G_TEST_SRCDIR"), "..", "resources", "cells", "lg-m50.json", NULL);
  g_assert_true (g_file_get_contents (srcdir, &text, NULL, &error));
  g_assert_no_error (error);
  renamed = strstr (text, "\"id\": \"lg-m50\"");
  g_assert_nonnull (renamed);
  memcpy (renamed, "\"id\": \"my-m50\"", strlen ("\"id\": \"my-m50\""));

  dir = g_dir_make_tmp ("packscope-cell-XXXXXX", &error);
  g_assert_no_error (error);
  good = g_build_filename (dir, "my-m50.json", NULL);
  bad = g_build_filename (dir, "bad.json", NULL);
  g_assert_true (g_file_set_contents (good, text, -1, NULL));
  g_assert_true (g_file_set_contents (bad, "{ \"id\": 3 }", -1, NULL));

  window = window_new_on ("leaf-2011", NULL);
  builder = g_object_ref (ps_pack_builder_new (window));
  g_assert_true (ps_pack_builder_add_cell_file (builder, good, &error));
  g_assert_no_error (error);
  ps_pack_builder_rebuild (builder);
  g_assert_null (ps_pack_builder_get_error (builder, NULL));
  g_assert_cmpstr (ps_scenario_get_cell (ps_pack_builder_get_scenario (builder))->id, ==, "my-m50");

  g_assert_false (ps_pack_builder_add_cell_file (builder, bad, &error));
  g_assert_nonnull (error);
  g_assert_nonnull (strstr (error->message, "bad.json"));

  gtk_window_destroy (GTK_WINDOW (builder));
  g_object_unref (builder);
  window_free (window);
  g_unlink (good);
  g_unlink (bad);
  g_rmdir (dir);
}

int
main (int   argc,
      char *argv[])
{
  g_autofree char *data_home = NULL;

  g_test_init (&argc, &argv, NULL);

  /* saved scenarios join the recent files: those of a scratch directory,
   * not the user's */
  data_home = g_build_filename (g_get_tmp_dir (), "packscope-test-builder-data", NULL);
  g_setenv ("XDG_DATA_HOME", data_home, TRUE);

  have_display = gtk_init_check ();
  if (have_display)
    adw_init ();

  g_test_add_func ("/ui/builder/built-pack-saved-runs-the-same-in-cli",
                   test_built_pack_saved_runs_the_same_in_cli);
  g_test_add_func ("/ui/builder/errors-inline", test_errors_inline);
  g_test_add_func ("/ui/builder/cell-from-file", test_cell_from_file);
  g_test_add_func ("/ui/window/load-bar-follows-protocol-and-title", test_load_bar_and_title);
  g_test_add_func ("/ui/export/typed-extension-honoured-or-refused", test_export_extension);
  g_test_add_func ("/ui/export/size-and-caption", test_export_size_and_caption);
  g_test_add_func ("/ui/export/csv-marks-manual-load", test_csv_marks_manual_load);
  g_test_add_func ("/ui/window/no-gtk-warnings", test_no_gtk_warnings);
  g_test_add_func ("/ui/window/no-tooltip-over-open-list", test_no_tooltip_over_open_list);

  return g_test_run ();
}
