/* test-builder.c: the pack builder, saving scenarios, and what a user sees
 * of them in the window (suite ui) */
#include "config.h"

#include <adwaita.h>
#include <glib/gstdio.h>
#include <string.h>
#include <sys/wait.h>

#include "ps-engine.h"
#include "ps-export.h"
#include "ps-pack-builder.h"
#include "ps-window-private.h"

static gboolean have_display;

static PsWindow *
window_new_on (const char *preset,
               const char *protocol)
{
  g_autoptr(PsScenario) scenario = NULL;
  g_autoptr(GError) error = NULL;
  PsWindow *window;

  scenario = ps_scenario_new_from_preset (preset, &error);
  g_assert_no_error (error);
  if (protocol != NULL)
    g_assert_true (ps_scenario_set_protocol (scenario, protocol, &error));

  window = ps_window_new (NULL);
  g_object_ref_sink (window);
  ps_window_set_playing (window, FALSE);
  g_assert_true (ps_window_set_scenario (window, scenario, &error));
  g_assert_no_error (error);
  return window;
}

static void
window_free (PsWindow *window)
{
  gtk_window_destroy (GTK_WINDOW (window));
  g_object_unref (window);
}

/* a later scenario shows once the runner has it */
static void
window_wait_for_pack (PsWindow   *window,
                      const char *pack_id)
{
  gint64 deadline = g_get_monotonic_time () + 30 * G_USEC_PER_SEC;

  while (g_strcmp0 (ps_pack_get_info (ps_scenario_get_pack (ps_window_get_scenario (window)))->id, pack_id) != 0 &&
         g_get_monotonic_time () < deadline)
    g_main_context_iteration (NULL, TRUE);
  g_assert_cmpstr (ps_pack_get_info (ps_scenario_get_pack (ps_window_get_scenario (window)))->id, ==, pack_id);
}

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

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  have_display = gtk_init_check ();
  if (have_display)
    adw_init ();

  g_test_add_func ("/ui/builder/built-pack-saved-runs-the-same-in-cli",
                   test_built_pack_saved_runs_the_same_in_cli);
  g_test_add_func ("/ui/builder/errors-inline", test_errors_inline);

  return g_test_run ();
}
