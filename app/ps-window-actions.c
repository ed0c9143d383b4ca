/* ps-window-actions.c: every command of the window is an action in "win."
 *
 * Buttons, menus, keyboard accelerators (set by PsApplication) and tests all
 * drive these same actions.
 */
#include "config.h"

#include <string.h>

#include <glib/gi18n.h>

#include "ps-export.h"
#include "ps-pack-builder.h"
#include "ps-window-private.h"

static void
play_step_action (GtkWidget  *widget,
                  const char *action_name,
                  GVariant   *param)
{
  PsWindow *self = PS_WINDOW (widget);

  if (self->runner == NULL)
    return;

  ps_window_set_playing (self, FALSE);
  ps_runner_single_step (self->runner);
}

static void
reset_action (GtkWidget  *widget,
              const char *action_name,
              GVariant   *param)
{
  PsWindow *self = PS_WINDOW (widget);

  if (self->runner == NULL)
    return;

  ps_runner_clear_load (self->runner);
  ps_runner_reset (self->runner);
  if (self->playing)
    ps_runner_play (self->runner);
  self->was_finished = FALSE;
  self->last_serial = G_MAXUINT64;
}

static void
preset_action (GtkWidget  *widget,
               const char *action_name,
               GVariant   *param)
{
  PsWindow *self = PS_WINDOW (widget);
  g_autoptr(GError) error = NULL;
  const char *id = g_variant_get_string (param, NULL);

  if (!ps_window_open_scenario (self, id, &error))
    ps_window_toast (self, error->message);
  else
    _ps_window_set_scenario_file (self, NULL);
}

static void
enlarge_action (GtkWidget  *widget,
                const char *action_name,
                GVariant   *param)
{
  PsWindow *self = PS_WINDOW (widget);
  int view = g_variant_get_int32 (param);

  if (view < PS_WINDOW_VIEW_NONE || view > PS_WINDOW_VIEW_THERMAL)
    return;

  /* pressing the same one again restores the three views */
  if ((int) self->enlarged == view)
    view = PS_WINDOW_VIEW_NONE;
  ps_window_set_enlarged_view (self, view);
}

static guint
speed_index (double speed)
{
  for (guint i = 0; i < _ps_window_n_speeds; i++)
    if (speed == _ps_window_speeds[i])
      return i;

  /* between steps: the next faster one */
  for (guint i = 0; i + 1 < _ps_window_n_speeds; i++)
    if (speed < _ps_window_speeds[i])
      return i;

  return _ps_window_n_speeds - 1;
}

static void
speed_up_action (GtkWidget  *widget,
                 const char *action_name,
                 GVariant   *param)
{
  PsWindow *self = PS_WINDOW (widget);
  guint i = speed_index (self->speed);

  if (self->speed != _ps_window_speeds[i])
    ps_window_set_speed (self, _ps_window_speeds[i]);
  else if (i + 1 < _ps_window_n_speeds)
    ps_window_set_speed (self, _ps_window_speeds[i + 1]);
}

static void
speed_down_action (GtkWidget  *widget,
                   const char *action_name,
                   GVariant   *param)
{
  PsWindow *self = PS_WINDOW (widget);
  guint i = speed_index (self->speed);

  if (i > 0)
    ps_window_set_speed (self, _ps_window_speeds[i - 1]);
}

static void
apply_load_action (GtkWidget  *widget,
                   const char *action_name,
                   GVariant   *param)
{
  _ps_window_apply_load (PS_WINDOW (widget));
}

static void
follow_protocol_action (GtkWidget  *widget,
                        const char *action_name,
                        GVariant   *param)
{
  PsWindow *self = PS_WINDOW (widget);

  if (self->runner != NULL)
    ps_runner_clear_load (self->runner);
}

static void
export_action (GtkWidget  *widget,
               const char *action_name,
               GVariant   *param)
{
  _ps_window_export (PS_WINDOW (widget), g_variant_get_string (param, NULL));
}

static void
open_action (GtkWidget  *widget,
             const char *action_name,
             GVariant   *param)
{
  _ps_window_open_file (PS_WINDOW (widget));
}

/* opening a scenario file: read and validated on a worker thread */

static void
load_scenario_thread (GTask        *task,
                      gpointer      source_object,
                      gpointer      task_data,
                      GCancellable *cancellable)
{
  GError *error = NULL;
  PsScenario *scenario = ps_scenario_new_from_file (task_data, &error);

  if (scenario == NULL)
    g_task_return_error (task, error);
  else
    g_task_return_pointer (task, scenario, (GDestroyNotify) ps_scenario_free);
}

static void
load_scenario_done (GObject      *object,
                    GAsyncResult *result,
                    gpointer      user_data)
{
  PsWindow *self = PS_WINDOW (object);
  g_autoptr(PsScenario) scenario = NULL;
  g_autoptr(GError) error = NULL;

  scenario = g_task_propagate_pointer (G_TASK (result), &error);
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;
  if (scenario != NULL && ps_window_set_scenario (self, scenario, &error))
    {
      g_autoptr(GFile) file = g_file_new_for_path (g_task_get_task_data (G_TASK (result)));

      /* "Save" writes back to it; it is a recent scenario */
      _ps_window_set_scenario_file (self, file);
    }
  else
    {
      AdwMessageDialog *dialog;

      dialog = ADW_MESSAGE_DIALOG (adw_message_dialog_new (GTK_WINDOW (self),
                                                           _("Could Not Open the Scenario"),
                                                           error->message));
      adw_message_dialog_add_response (dialog, "close", _("_Close"));
      gtk_window_present (GTK_WINDOW (dialog));
    }
}

static void
open_response (GtkNativeDialog *dialog,
               int              response,
               PsWindow        *self)
{
  if (response == GTK_RESPONSE_ACCEPT)
    {
      g_autoptr(GFile) file = gtk_file_chooser_get_file (GTK_FILE_CHOOSER (dialog));

      if (file != NULL)
        _ps_window_load_file (self, file);
    }

  _ps_window_drop_chooser (self, dialog);
}

/* Reads and validates the scenario file on a worker thread; then the
 * window shows it, or a dialog with the loader's error (file, JSON path,
 * what was expected) and the present scenario stays. */
void
_ps_window_load_file (PsWindow *self,
                      GFile    *file)
{
  g_autofree char *path = g_file_get_path (file);
  g_autoptr(GTask) task = NULL;

  if (path == NULL)
    {
      ps_window_toast (self, _("Only local scenario files can be opened"));
      return;
    }

  task = g_task_new (self, self->cancellable, load_scenario_done, NULL);
  g_task_set_task_data (task, g_steal_pointer (&path), g_free);
  g_task_run_in_thread (task, load_scenario_thread);
}

void
_ps_window_open_file (PsWindow *self)
{
  g_autoptr(GtkFileFilter) filter = gtk_file_filter_new ();

  if (self->chooser != NULL)
    return;

  self->chooser = gtk_file_chooser_native_new (_("Open Scenario"),
                                               GTK_WINDOW (self),
                                               GTK_FILE_CHOOSER_ACTION_OPEN,
                                               _("_Open"),
                                               _("_Cancel"));
  gtk_file_filter_set_name (filter, _("Packscope scenarios (*.json)"));
  gtk_file_filter_add_pattern (filter, "*.json");
  gtk_file_filter_add_mime_type (filter, "application/json");
  gtk_file_chooser_add_filter (GTK_FILE_CHOOSER (self->chooser), filter);
  gtk_native_dialog_set_modal (GTK_NATIVE_DIALOG (self->chooser), TRUE);
  g_signal_connect (self->chooser, "response", G_CALLBACK (open_response), self);
  gtk_native_dialog_show (GTK_NATIVE_DIALOG (self->chooser));
}

/* The chooser answers once; after that it may still emit (a portal that
 * fails late), so it is disconnected before it is let go. */
void
_ps_window_drop_chooser (PsWindow        *self,
                         GtkNativeDialog *dialog)
{
  g_signal_handlers_disconnect_by_data (dialog, self);
  if (self->chooser == GTK_FILE_CHOOSER_NATIVE (dialog))
    {
      gtk_native_dialog_destroy (dialog);
      g_clear_object (&self->chooser);
    }
}

/* scenario files: save, save as, recent */

#define RECENT_GROUP     "packscope-scenario"
#define RECENT_MAX_ITEMS 6

void
_ps_window_set_scenario_file (PsWindow *self,
                              GFile    *file)
{
  g_autofree char *uri = NULL;
  GtkRecentData data = {
    .mime_type = (char *) "application/json",
    .app_name = (char *) "Packscope",
    .app_exec = (char *) "packscope --scenario %f",
    .groups = (char *[]) { (char *) RECENT_GROUP, NULL },
  };

  g_set_object (&self->scenario_file, file);
  if (file == NULL)
    return;

  uri = g_file_get_uri (file);
  gtk_recent_manager_add_full (gtk_recent_manager_get_default (), uri, &data);
}

static int
recent_newest_first (gconstpointer a,
                     gconstpointer b)
{
  GtkRecentInfo *ia = *(GtkRecentInfo **) a;
  GtkRecentInfo *ib = *(GtkRecentInfo **) b;

  return g_date_time_compare (gtk_recent_info_get_modified (ib),
                              gtk_recent_info_get_modified (ia));
}

GMenuModel *
_ps_window_recent_section (void)
{
  GMenu *section = g_menu_new ();
  GList *items = gtk_recent_manager_get_items (gtk_recent_manager_get_default ());
  g_autoptr(GPtrArray) ours = g_ptr_array_new ();

  for (GList *l = items; l != NULL; l = l->next)
    if (gtk_recent_info_has_group (l->data, RECENT_GROUP) && gtk_recent_info_exists (l->data))
      g_ptr_array_add (ours, l->data);
  g_ptr_array_sort (ours, recent_newest_first);

  for (guint i = 0; i < ours->len && i < RECENT_MAX_ITEMS; i++)
    {
      GtkRecentInfo *info = g_ptr_array_index (ours, i);
      g_autoptr(GMenuItem) item = g_menu_item_new (gtk_recent_info_get_display_name (info), NULL);

      g_menu_item_set_action_and_target (item, "win.open-recent", "s", gtk_recent_info_get_uri (info));
      g_menu_append_item (section, item);
    }

  g_list_free_full (items, (GDestroyNotify) gtk_recent_info_unref);
  return G_MENU_MODEL (section);
}

static void
open_recent_action (GtkWidget  *widget,
                    const char *action_name,
                    GVariant   *param)
{
  g_autoptr(GFile) file = g_file_new_for_uri (g_variant_get_string (param, NULL));

  _ps_window_load_file (PS_WINDOW (widget), file);
}

PsScenario *
_ps_window_dup_running_scenario (PsWindow *self)
{
  PsScenario *scenario;
  double ambient;

  if (self->scenario == NULL)
    return NULL;

  scenario = ps_scenario_copy (self->scenario);
  ambient = gtk_adjustment_get_value (self->ambient_adjustment);
  ps_scenario_set_ambient_k (scenario, self->temp_unit == PS_TEMP_UNIT_KELVIN ? ambient
                                                                             : ambient + 273.15);
  ps_scenario_set_cooling_enabled (scenario, self->cooling);
  return scenario;
}

gboolean
_ps_window_write_scenario (const PsScenario  *scenario,
                           GFile             *file,
                           GError           **error)
{
  g_autofree char *json = NULL;

  /* what the loader would refuse is not written */
  if (!ps_scenario_check_limits (scenario, _("the initial temperature"),
                                 _("the ambient temperature"), error))
    return FALSE;

  json = ps_scenario_to_json (scenario);
  /* a temporary file renamed over the old one: whole or not at all */
  return g_file_replace_contents (file, json, strlen (json), NULL, FALSE,
                                  G_FILE_CREATE_REPLACE_DESTINATION, NULL, NULL, error);
}

static void
show_save_error (GtkWindow  *parent,
                 GFile      *file,
                 GError     *error)
{
  AdwMessageDialog *dialog;
  g_autofree char *name = g_file_get_basename (file);
  g_autofree char *heading = g_strdup_printf (_("Could Not Save “%s”"), name);

  dialog = ADW_MESSAGE_DIALOG (adw_message_dialog_new (parent, heading, error->message));
  adw_message_dialog_add_response (dialog, "close", _("_Close"));
  gtk_window_present (GTK_WINDOW (dialog));
}

static void
saved_toast (PsWindow *self,
             GFile    *file)
{
  g_autofree char *name = g_file_get_basename (file);
  g_autofree char *message = g_strdup_printf (_("Saved “%s”"), name);

  ps_window_toast (self, message);
}

static void
save_as_response (GtkNativeDialog *dialog,
                  int              response,
                  PsWindow        *self)
{
  PsScenario *scenario = g_object_get_data (G_OBJECT (dialog), "ps-save-scenario");
  GtkWindow *parent = g_object_get_data (G_OBJECT (dialog), "ps-save-parent");
  g_autoptr(GFile) file = NULL;
  g_autoptr(GError) error = NULL;

  if (response == GTK_RESPONSE_ACCEPT)
    file = gtk_file_chooser_get_file (GTK_FILE_CHOOSER (dialog));

  if (file != NULL)
    {
      g_autofree char *basename = g_file_get_basename (file);

      /* a name without an extension is a .json file; one with another
       * extension is kept as typed (the content is JSON either way) */
      if (strchr (basename, '.') == NULL)
        {
          g_autoptr(GFile) parent_dir = g_file_get_parent (file);
          g_autofree char *named = g_strconcat (basename, ".json", NULL);

          g_object_unref (file);
          file = parent_dir != NULL ? g_file_get_child (parent_dir, named) : g_file_new_for_path (named);
        }

      if (!_ps_window_write_scenario (scenario, file, &error))
        show_save_error (parent != NULL ? parent : GTK_WINDOW (self), file, error);
      else
        {
          /* the pack builder's scenario runs now */
          if (parent != NULL && parent != GTK_WINDOW (self))
            {
              if (!ps_window_set_scenario (self, scenario, &error))
                ps_window_toast (self, error->message);
              gtk_window_destroy (parent);
            }
          _ps_window_set_scenario_file (self, file);
          saved_toast (self, file);
        }
    }

  _ps_window_drop_chooser (self, dialog);
}

void
_ps_window_save_scenario_as (PsWindow         *self,
                             const PsScenario *scenario,
                             GtkWindow        *parent)
{
  g_autoptr(GtkFileFilter) filter = gtk_file_filter_new ();

  if (self->chooser != NULL || scenario == NULL)
    return;

  self->chooser = gtk_file_chooser_native_new (_("Save the Scenario"),
                                               parent != NULL ? parent : GTK_WINDOW (self),
                                               GTK_FILE_CHOOSER_ACTION_SAVE,
                                               _("_Save"),
                                               _("_Cancel"));
  gtk_native_dialog_set_modal (GTK_NATIVE_DIALOG (self->chooser), TRUE);
  gtk_file_filter_set_name (filter, _("Packscope scenarios (*.json)"));
  gtk_file_filter_add_pattern (filter, "*.json");
  gtk_file_chooser_add_filter (GTK_FILE_CHOOSER (self->chooser), filter);

  if (self->scenario_file != NULL && (parent == NULL || parent == GTK_WINDOW (self)))
    gtk_file_chooser_set_file (GTK_FILE_CHOOSER (self->chooser), self->scenario_file, NULL);
  else
    {
      const PsPackInfo *pack = ps_pack_get_info (ps_scenario_get_pack (scenario));
      g_autofree char *name = g_strdup_printf ("%s.json", pack->id);

      gtk_file_chooser_set_current_name (GTK_FILE_CHOOSER (self->chooser), name);
    }

  g_object_set_data_full (G_OBJECT (self->chooser), "ps-save-scenario",
                          ps_scenario_copy (scenario), (GDestroyNotify) ps_scenario_free);
  if (parent != NULL)
    g_object_set_data_full (G_OBJECT (self->chooser), "ps-save-parent",
                            g_object_ref (parent), g_object_unref);
  g_signal_connect (self->chooser, "response", G_CALLBACK (save_as_response), self);
  gtk_native_dialog_show (GTK_NATIVE_DIALOG (self->chooser));
}

static void
save_as_action (GtkWidget  *widget,
                const char *action_name,
                GVariant   *param)
{
  PsWindow *self = PS_WINDOW (widget);
  g_autoptr(PsScenario) scenario = _ps_window_dup_running_scenario (self);

  _ps_window_save_scenario_as (self, scenario, GTK_WINDOW (self));
}

static void
save_action (GtkWidget  *widget,
             const char *action_name,
             GVariant   *param)
{
  PsWindow *self = PS_WINDOW (widget);
  g_autoptr(PsScenario) scenario = _ps_window_dup_running_scenario (self);
  g_autoptr(GError) error = NULL;

  if (scenario == NULL)
    return;
  if (self->scenario_file == NULL)
    {
      _ps_window_save_scenario_as (self, scenario, GTK_WINDOW (self));
      return;
    }

  if (!_ps_window_write_scenario (scenario, self->scenario_file, &error))
    show_save_error (GTK_WINDOW (self), self->scenario_file, error);
  else
    saved_toast (self, self->scenario_file);
}

static void
build_pack_action (GtkWidget  *widget,
                   const char *action_name,
                   GVariant   *param)
{
  PsWindow *self = PS_WINDOW (widget);

  if (self->scenario == NULL)
    return;
  gtk_window_present (GTK_WINDOW (ps_pack_builder_new (self)));
}

/* export */

typedef struct
{
  PsWindow *self;
  GFile    *file;
  AdwToast *progress;     /* CSV: "Exporting … %" while it runs */
} ExportDone;

static ExportDone *
export_done_new (PsWindow *self,
                 GFile    *file)
{
  ExportDone *done = g_new0 (ExportDone, 1);

  done->self = g_object_ref (self);
  done->file = g_object_ref (file);
  return done;
}

static void
export_done (GObject      *object,
             GAsyncResult *result,
             gpointer      user_data)
{
  ExportDone *done = user_data;
  g_autoptr(PsWindow) self = done->self;
  g_autoptr(GFile) file = done->file;
  g_autoptr(GError) error = NULL;

  if (done->progress != NULL)
    {
      adw_toast_dismiss (done->progress);
      g_object_unref (done->progress);
    }
  g_free (done);

  if (!ps_export_finish (result, &error))
    {
      /* the window closed: nobody is there to tell */
      if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        return;

      AdwMessageDialog *dialog;

      dialog = ADW_MESSAGE_DIALOG (adw_message_dialog_new (GTK_WINDOW (self),
                                                           _("Export Failed"),
                                                           error->message));
      adw_message_dialog_add_response (dialog, "close", _("_Close"));
      gtk_window_present (GTK_WINDOW (dialog));
    }
  else
    {
      g_autofree char *name = g_file_get_basename (file);
      g_autofree char *message = g_strdup_printf (_("Exported “%s”"), name);

      ps_window_toast (self, message);
    }
}

static void
export_progress (double   fraction,
                 gpointer user_data)
{
  AdwToast *toast = user_data;
  g_autofree char *title = NULL;
  const char *old = adw_toast_get_title (toast);
  const char *ellipsis = old != NULL ? strstr (old, "…") : NULL;

  if (ellipsis == NULL)
    return;
  title = g_strdup_printf ("%.*s… %.0f %%", (int) (ellipsis - old), old, 100.0 * fraction);
  adw_toast_set_title (toast, title);
}

static const char *export_names[] = { "layout", "curves", "thermal" };

/* Exports what ("layout", "curves", "thermal" or "csv") to file; a name
 * without a known extension gets the default one. Errors and the result are
 * shown in a toast or a dialog. */
void
_ps_window_export_to_file (PsWindow   *self,
                           const char *what,
                           GFile      *chosen)
{
  g_autoptr(GFile) file = g_object_ref (chosen);
  g_autofree char *basename = g_file_get_basename (file);
  gboolean csv = g_str_equal (what, "csv");
  PsExportFormat format = csv ? PS_EXPORT_CSV : PS_EXPORT_PNG;

  if (!ps_export_format_from_name (basename, &format))
    {
      g_autoptr(GFile) parent = g_file_get_parent (file);
      g_autofree char *named = g_strconcat (basename, ps_export_format_get_extension (format), NULL);

      g_object_unref (file);
      file = parent != NULL ? g_file_get_child (parent, named) : g_file_new_for_path (named);
    }

  if (csv != (format == PS_EXPORT_CSV))
    {
      ps_window_toast (self, csv ? _("A run is exported as a .csv file")
                                 : _("A view is exported as a .png, .svg or .pdf file"));
      return;
    }

  if (self->runner == NULL)
    return;

  if (csv)
    {
      g_autoptr(PsRecorder) recorder = ps_runner_dup_recorder (self->runner);

      ExportDone *done = export_done_new (self, file);
      g_autofree char *name = g_file_get_basename (file);
      g_autofree char *title = g_strdup_printf (_("Exporting “%s”…"), name);

      /* a long run takes a while: the toast shows how far it has got */
      done->progress = adw_toast_new (title);
      adw_toast_set_timeout (done->progress, 0);
      ps_window_add_toast (self, done->progress);
      ps_export_csv_async_full (file, recorder, export_progress,
                                g_object_ref (done->progress), g_object_unref,
                                self->cancellable, export_done, done);
    }
  else
    {
      g_autoptr(PsFrame) frame = NULL;
      g_autoptr(PsRecorder) recorder = NULL;
      const PsRenderStyle *style = NULL;
      GtkWidget *view = NULL;
      PsExportView which = PS_EXPORT_VIEW_LAYOUT;
      int width, height;

      if (g_str_equal (what, "curves"))
        {
          which = PS_EXPORT_VIEW_CURVES;
          view = GTK_WIDGET (self->curve_view);
          style = ps_curve_view_get_style (self->curve_view);
        }
      else if (g_str_equal (what, "thermal"))
        {
          which = PS_EXPORT_VIEW_THERMAL;
          view = GTK_WIDGET (self->thermal_view);
          style = ps_thermal_view_get_style (self->thermal_view);
        }
      else
        {
          view = GTK_WIDGET (self->pack_view);
          style = ps_pack_view_get_style (self->pack_view);
        }

      /* the frame and the recorder of one run */
      ps_runner_dup_frame_and_recorder (self->runner, &frame, &recorder);

      /* the view's own size; a hidden view exports at a sensible one */
      width = gtk_widget_get_width (view);
      height = gtk_widget_get_height (view);
      if (width < 16 || height < 16)
        {
          width = 1024;
          height = 768;
        }

      ps_export_view_async (file, which, frame, recorder, style, width, height,
                            format, self->cancellable, export_done, export_done_new (self, file));
    }
}

static void
export_response (GtkNativeDialog *dialog,
                 int              response,
                 PsWindow        *self)
{
  const char *what = g_object_get_data (G_OBJECT (dialog), "ps-export-what");

  if (response == GTK_RESPONSE_ACCEPT && what != NULL)
    {
      g_autoptr(GFile) file = gtk_file_chooser_get_file (GTK_FILE_CHOOSER (dialog));

      if (file != NULL)
        _ps_window_export_to_file (self, what, file);
    }

  _ps_window_drop_chooser (self, dialog);
}

void
_ps_window_export (PsWindow   *self,
                   const char *what)
{
  g_autofree char *name = NULL;
  gboolean csv;

  if (self->chooser != NULL || self->runner == NULL)
    return;

  /* "current": the enlarged view, or the layout */
  if (g_strcmp0 (what, "current") == 0)
    what = self->enlarged != PS_WINDOW_VIEW_NONE ? export_names[self->enlarged - 1] : "layout";
  if (!g_strv_contains (export_names, what) && g_strcmp0 (what, "csv") != 0)
    return;

  csv = g_str_equal (what, "csv");
  name = g_strdup_printf ("%s-%s%s",
                          self->scenario != NULL ? ps_pack_get_info (ps_scenario_get_pack (self->scenario))->id : "packscope",
                          csv ? "run" : what,
                          csv ? ".csv" : ".png");

  self->chooser = gtk_file_chooser_native_new (csv ? _("Export the Recorded Run") : _("Export the View"),
                                               GTK_WINDOW (self),
                                               GTK_FILE_CHOOSER_ACTION_SAVE,
                                               _("_Export"),
                                               _("_Cancel"));
  gtk_native_dialog_set_modal (GTK_NATIVE_DIALOG (self->chooser), TRUE);
  gtk_file_chooser_set_current_name (GTK_FILE_CHOOSER (self->chooser), name);
  g_object_set_data_full (G_OBJECT (self->chooser), "ps-export-what", g_strdup (what), g_free);

  if (csv)
    {
      g_autoptr(GtkFileFilter) filter = gtk_file_filter_new ();

      gtk_file_filter_set_name (filter, _("CSV (*.csv)"));
      gtk_file_filter_add_pattern (filter, "*.csv");
      gtk_file_chooser_add_filter (GTK_FILE_CHOOSER (self->chooser), filter);
    }
  else
    {
      g_autoptr(GtkFileFilter) filter = gtk_file_filter_new ();

      gtk_file_filter_set_name (filter, _("Images and documents (*.png, *.svg, *.pdf)"));
      gtk_file_filter_add_pattern (filter, "*.png");
      gtk_file_filter_add_pattern (filter, "*.svg");
      gtk_file_filter_add_pattern (filter, "*.pdf");
      gtk_file_chooser_add_filter (GTK_FILE_CHOOSER (self->chooser), filter);
    }

  g_signal_connect (self->chooser, "response", G_CALLBACK (export_response), self);
  gtk_native_dialog_show (GTK_NATIVE_DIALOG (self->chooser));
}

void
_ps_window_update_actions (PsWindow *self)
{
  GtkWidget *widget = GTK_WIDGET (self);
  gboolean have_runner = self->runner != NULL;
  guint i = speed_index (self->speed);

  gtk_widget_action_set_enabled (widget, "win.play", have_runner);
  gtk_widget_action_set_enabled (widget, "win.step", have_runner);
  gtk_widget_action_set_enabled (widget, "win.reset", have_runner);
  gtk_widget_action_set_enabled (widget, "win.export", have_runner);
  gtk_widget_action_set_enabled (widget, "win.save", self->scenario != NULL);
  gtk_widget_action_set_enabled (widget, "win.save-as", self->scenario != NULL);
  gtk_widget_action_set_enabled (widget, "win.build-pack", self->scenario != NULL);
  gtk_widget_action_set_enabled (widget, "win.apply-load", have_runner);
  gtk_widget_action_set_enabled (widget, "win.follow-protocol", have_runner);
  gtk_widget_action_set_enabled (widget, "win.speed-up",
                                 !(self->speed == _ps_window_speeds[i] && i + 1 == _ps_window_n_speeds));
  gtk_widget_action_set_enabled (widget, "win.speed-down", i > 0);
}

/* Space and period without a modifier: before the focused widget sees
 * them (so a focused button does not take space), unless the focus is in a
 * text entry such as the load value, where they are typed. */
static gboolean
plain_key_shortcut (GtkWidget *widget,
                    GVariant  *args,
                    gpointer   user_data)
{
  GtkWidget *focus = gtk_root_get_focus (GTK_ROOT (widget));

  if (focus != NULL && GTK_IS_EDITABLE (focus))
    return FALSE;

  return gtk_widget_activate_action (widget, user_data, NULL);
}

void
_ps_window_init_shortcuts (PsWindow *self)
{
  GtkEventController *controller = gtk_shortcut_controller_new ();

  gtk_event_controller_set_propagation_phase (controller, GTK_PHASE_CAPTURE);
  gtk_shortcut_controller_add_shortcut (GTK_SHORTCUT_CONTROLLER (controller),
    gtk_shortcut_new (gtk_keyval_trigger_new (GDK_KEY_space, 0),
                      gtk_callback_action_new (plain_key_shortcut, (gpointer) "win.play", NULL)));
  gtk_shortcut_controller_add_shortcut (GTK_SHORTCUT_CONTROLLER (controller),
    gtk_shortcut_new (gtk_keyval_trigger_new (GDK_KEY_period, 0),
                      gtk_callback_action_new (plain_key_shortcut, (gpointer) "win.step", NULL)));
  gtk_widget_add_controller (GTK_WIDGET (self), controller);
}

void
_ps_window_class_init_actions (GtkWidgetClass *widget_class)
{
  gtk_widget_class_install_property_action (widget_class, "win.play", "playing");
  gtk_widget_class_install_property_action (widget_class, "win.speed", "speed");
  gtk_widget_class_install_property_action (widget_class, "win.cooling", "cooling");
  gtk_widget_class_install_action (widget_class, "win.step", NULL, play_step_action);
  gtk_widget_class_install_action (widget_class, "win.reset", NULL, reset_action);
  gtk_widget_class_install_action (widget_class, "win.preset", "s", preset_action);
  gtk_widget_class_install_action (widget_class, "win.open", NULL, open_action);
  gtk_widget_class_install_action (widget_class, "win.export", "s", export_action);
  gtk_widget_class_install_action (widget_class, "win.save", NULL, save_action);
  gtk_widget_class_install_action (widget_class, "win.save-as", NULL, save_as_action);
  gtk_widget_class_install_action (widget_class, "win.open-recent", "s", open_recent_action);
  gtk_widget_class_install_action (widget_class, "win.build-pack", NULL, build_pack_action);
  gtk_widget_class_install_action (widget_class, "win.enlarge", "i", enlarge_action);
  gtk_widget_class_install_action (widget_class, "win.speed-up", NULL, speed_up_action);
  gtk_widget_class_install_action (widget_class, "win.speed-down", NULL, speed_down_action);
  gtk_widget_class_install_action (widget_class, "win.apply-load", NULL, apply_load_action);
  gtk_widget_class_install_action (widget_class, "win.follow-protocol", NULL, follow_protocol_action);

  /* the window's keyboard shortcuts, with or without an application (the
   * shortcuts window, app/ps-shortcuts.ui, lists them). Space and period
   * are not here: a class binding runs in the bubble phase, after a focused
   * button has taken the key (see _ps_window_init_shortcuts). */
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_r, GDK_CONTROL_MASK, "win.reset", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_o, GDK_CONTROL_MASK, "win.open", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_s, GDK_CONTROL_MASK, "win.save", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_s, GDK_CONTROL_MASK | GDK_SHIFT_MASK,
                                       "win.save-as", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_b, GDK_CONTROL_MASK, "win.build-pack", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_e, GDK_CONTROL_MASK,
                                       "win.export", "s", "current");
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_e, GDK_CONTROL_MASK | GDK_SHIFT_MASK,
                                       "win.export", "s", "csv");
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_1, GDK_CONTROL_MASK, "win.enlarge", "i", 1);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_2, GDK_CONTROL_MASK, "win.enlarge", "i", 2);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_3, GDK_CONTROL_MASK, "win.enlarge", "i", 3);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_plus, GDK_CONTROL_MASK, "win.speed-up", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_equal, GDK_CONTROL_MASK, "win.speed-up", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_KP_Add, GDK_CONTROL_MASK, "win.speed-up", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_minus, GDK_CONTROL_MASK, "win.speed-down", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_KP_Subtract, GDK_CONTROL_MASK, "win.speed-down", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_l, GDK_CONTROL_MASK, "win.apply-load", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_l, GDK_CONTROL_MASK | GDK_SHIFT_MASK,
                                       "win.follow-protocol", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_k, GDK_CONTROL_MASK, "win.cooling", NULL);
}
