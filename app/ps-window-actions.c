/* ps-window-actions.c: every command of the window is an action in "win."
 *
 * Buttons, menus, keyboard accelerators (set by PsApplication) and tests all
 * drive these same actions.
 */
#include "config.h"

#include <math.h>
#include <stdio.h>
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
    {
      _ps_window_set_scenario_file (self, NULL);
      /* a scenario opened plays at once, as the first one at start */
      ps_window_set_playing (self, TRUE);
    }
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
  g_autoptr(PsFrame) frame = NULL;

  if (self->runner == NULL)
    return;
  ps_runner_clear_load (self->runner);

  /* the load bar goes back to what the protocol runs */
  frame = ps_runner_dup_frame (self->runner);
  if (self->scenario != NULL)
    _ps_window_show_protocol_load (self, self->scenario,
                                   frame != NULL && frame->step > 0 ? frame->step : 1);
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
      /* a scenario opened plays at once, as the first one at start */
      ps_window_set_playing (self, TRUE);
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

/* the title and the load bar */

void
_ps_window_describe_scenario (const PsScenario  *scenario,
                              char             **title,
                              char             **subtitle,
                              char             **tooltip)
{
  const PsPackInfo *pack = ps_pack_get_info (ps_scenario_get_pack (scenario));
  const PsProtocol *protocol = ps_scenario_get_protocol (scenario);
  const char *name = pack->name != NULL && pack->name[0] != '\0' ? pack->name : pack->id;
  const char *paren = strstr (name, " (");
  g_autofree char *steps = NULL;
  g_autofree char *cells = NULL;

  /* "Nissan Leaf 2011 (AESC 24 kWh, 2P96S, passive air)": the name before
   * its details, which the subtitle gives */
  *title = paren != NULL && paren > name ? g_strndup (name, paren - name) : g_strdup (name);

  if (protocol == NULL || protocol->n_steps == 0)
    steps = g_strdup ("");
  else if (protocol->n_steps == 1)
    steps = g_strdup (protocol->steps[0].text);
  else
    /* Translators: the first protocol step, then how many follow */
    steps = g_strdup_printf (ngettext ("%s, then %u more step", "%s, then %u more steps",
                                       protocol->n_steps - 1),
                             protocol->steps[0].text, protocol->n_steps - 1);
  /* Translators: the cell count, then the arrangement, as in "2P96S" */
  cells = g_strdup_printf (ngettext ("%u cell, %uP%uS", "%u cells, %uP%uS", pack->n_cells),
                           pack->n_cells, pack->n_parallel, pack->n_series);
  *subtitle = steps[0] != '\0' ? g_strdup_printf ("%s · %s", steps, cells) : g_strdup (cells);

  {
    GString *text = g_string_new (name);

    for (guint i = 0; protocol != NULL && i < protocol->n_steps; i++)
      g_string_append_printf (text, "\n%u. %s", i + 1, protocol->steps[i].text);
    *tooltip = g_string_free (text, FALSE);
  }
}

void
_ps_window_show_protocol_load (PsWindow         *self,
                               const PsScenario *scenario,
                               guint             step)
{
  const PsProtocol *protocol = ps_scenario_get_protocol (scenario);
  const PsPackInfo *pack = ps_pack_get_info (ps_scenario_get_pack (scenario));
  const PsProtocolStep *s;
  double one_c = pack->n_parallel * ps_scenario_get_cell (scenario)->capacity_ah;
  double value = 0.0;
  gboolean power = gtk_drop_down_get_selected (self->load_mode) == 1;
  gboolean charge = gtk_drop_down_get_selected (self->load_direction) == 1;
  guint digits = 0;

  self->load_step_shown = step;
  if (protocol == NULL || step == 0 || step > protocol->n_steps)
    return;

  s = &protocol->steps[step - 1];
  if (s->kind == PS_STEP_DISCHARGE || s->kind == PS_STEP_CHARGE)
    {
      charge = s->kind == PS_STEP_CHARGE;
      power = s->unit == PS_STEP_UNIT_WATT;
      value = s->unit == PS_STEP_UNIT_WATT ? s->value / 1000.0
              : s->unit == PS_STEP_UNIT_C_RATE ? s->value * one_c
                                               : s->value;
    }
  else if (s->kind == PS_STEP_HOLD)
    charge = TRUE;

  /* as many decimals as the exact value needs, up to 3 */
  while (digits < 3 && fabs (value * pow (10.0, digits) - round (value * pow (10.0, digits))) > 1e-9)
    digits++;

  self->setting_controls = TRUE;
  gtk_drop_down_set_selected (self->load_direction, charge ? 1 : 0);
  gtk_drop_down_set_selected (self->load_mode, power ? 1 : 0);
  gtk_spin_button_set_digits (self->load_value, digits);
  if (gtk_adjustment_get_upper (self->load_adjustment) < value)
    gtk_adjustment_set_upper (self->load_adjustment, value);
  gtk_adjustment_set_value (self->load_adjustment, value);
  gtk_label_set_label (self->load_unit_label, power ? "kW" : "A");
  self->setting_controls = FALSE;
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
              else
                ps_window_set_playing (self, TRUE);
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

/* "Leaf 2011: discharge at 1C until 3.0 V, 1 h 02 min 03 s simulated" */
static char *
export_caption (PsWindow      *self,
                const PsFrame *frame)
{
  const char *name = self->scenario != NULL ? ps_scenario_get_name (self->scenario) : NULL;
  guint64 t = frame != NULL && frame->time_s > 0.0 ? (guint64) floor (frame->time_s) : 0;
  g_autofree char *time = NULL;

  if (t >= 3600)
    time = g_strdup_printf ("%" G_GUINT64_FORMAT " h %02u min %02u s", t / 3600,
                            (guint) (t % 3600 / 60), (guint) (t % 60));
  else if (t >= 60)
    time = g_strdup_printf ("%u min %02u s", (guint) (t / 60), (guint) (t % 60));
  else
    time = g_strdup_printf ("%.1f s", frame != NULL ? frame->time_s : 0.0);

  /* Translators: the scenario's name, then the simulated time */
  return g_strdup_printf (_("%s, %s simulated"), name != NULL ? name : "Packscope", time);
}

void
_ps_window_export_to_file (PsWindow   *self,
                           const char *what,
                           GFile      *chosen)
{
  _ps_window_export_to_file_full (self, what, chosen, 0, 0, FALSE);
}

/* Exports what ("layout", "curves", "thermal" or "csv") to file; a name
 * without an extension gets the default one, a name with one Packscope does
 * not write (curves.jpg) is refused, never renamed. A view is drawn at
 * width x height (0: the view's own size), with a caption line when asked.
 * Errors and the result are shown in a toast or a dialog. */
void
_ps_window_export_to_file_full (PsWindow   *self,
                                const char *what,
                                GFile      *chosen,
                                int         width,
                                int         height,
                                gboolean    caption)
{
  g_autoptr(GFile) file = g_object_ref (chosen);
  g_autofree char *basename = g_file_get_basename (file);
  g_autofree char *extension = ps_export_name_get_extension (basename);
  gboolean csv = g_str_equal (what, "csv");
  PsExportFormat format = csv ? PS_EXPORT_CSV : PS_EXPORT_PNG;

  if (extension == NULL)
    {
      g_autoptr(GFile) parent = g_file_get_parent (file);
      g_autofree char *named = g_strconcat (basename, ps_export_format_get_extension (format), NULL);

      g_object_unref (file);
      file = parent != NULL ? g_file_get_child (parent, named) : g_file_new_for_path (named);
    }
  else if (!ps_export_format_from_name (extension, &format))
    {
      g_autofree char *message = NULL;

      /* Translators: the extension typed, then the ones Packscope writes */
      message = g_strdup_printf (_("Packscope does not write “%s” files: name it %s"), extension,
                                 csv ? ".csv" : _(".png, .svg or .pdf"));
      ps_window_toast (self, message);
      return;
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

      /* the chosen size, else the view's own; a hidden view exports at a
       * sensible one */
      if (width < 16 || height < 16)
        {
          width = gtk_widget_get_width (view);
          height = gtk_widget_get_height (view);
        }
      if (width < 16 || height < 16)
        {
          width = 1024;
          height = 768;
        }

      {
        g_autofree char *text = caption ? export_caption (self, frame) : NULL;

        ps_export_view_captioned_async (file, which, frame, recorder, style, width, height,
                                        format, text, self->cancellable, export_done,
                                        export_done_new (self, file));
      }
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
        {
          const char *size = gtk_file_chooser_get_choice (GTK_FILE_CHOOSER (dialog), "size");
          const char *caption = gtk_file_chooser_get_choice (GTK_FILE_CHOOSER (dialog), "caption");
          int width = 0, height = 0;

          if (size == NULL || sscanf (size, "%dx%d", &width, &height) != 2)
            width = height = 0;
          _ps_window_export_to_file_full (self, what, file, width, height,
                                          g_strcmp0 (caption, "true") == 0);
        }
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

      const char *size_ids[] = { "view", "1280x800", "1920x1080", "3840x2160", NULL };
      const char *size_labels[] = { _("As on screen"), _("1280 × 800"), _("1920 × 1080"),
                                    _("3840 × 2160"), NULL };

      gtk_file_filter_set_name (filter, _("Images and documents (*.png, *.svg, *.pdf)"));
      gtk_file_filter_add_pattern (filter, "*.png");
      gtk_file_filter_add_pattern (filter, "*.svg");
      gtk_file_filter_add_pattern (filter, "*.pdf");
      gtk_file_chooser_add_filter (GTK_FILE_CHOOSER (self->chooser), filter);

      /* the size of the picture, and a line saying what and when */
      gtk_file_chooser_add_choice (GTK_FILE_CHOOSER (self->chooser), "size", _("Size"),
                                   size_ids, size_labels);
      gtk_file_chooser_set_choice (GTK_FILE_CHOOSER (self->chooser), "size", "view");
      gtk_file_chooser_add_choice (GTK_FILE_CHOOSER (self->chooser), "caption",
                                   _("Caption with the scenario and simulated time"), NULL, NULL);
      gtk_file_chooser_set_choice (GTK_FILE_CHOOSER (self->chooser), "caption", "true");
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

/* Tooltips and open pop-ups: a drop-down's or menu button's tooltip stays
 * up when its list opens and covers the first item. While the pop-up is
 * shown its owner has no tooltip. */
static void
on_popover_shown (GtkWidget *popover,
                  GtkWidget *owner)
{
  gtk_widget_set_has_tooltip (owner, FALSE);
  gtk_widget_trigger_tooltip_query (owner);
}

static void
on_popover_hidden (GtkWidget *popover,
                   GtkWidget *owner)
{
  gtk_widget_set_has_tooltip (owner, gtk_widget_get_tooltip_text (owner) != NULL);
}

static void quiet_tooltips_under (GtkWidget *widget);

/* a menu button's pop-up is new with each menu model (the pack menu's
 * recent scenarios) */
static void
on_menu_button_popover (GtkWidget *button)
{
  GtkPopover *popover = gtk_menu_button_get_popover (GTK_MENU_BUTTON (button));

  if (popover != NULL && g_object_get_data (G_OBJECT (popover), "ps-quiet-tooltip") == NULL)
    {
      g_object_set_data (G_OBJECT (popover), "ps-quiet-tooltip", GINT_TO_POINTER (1));
      g_signal_connect_object (popover, "show", G_CALLBACK (on_popover_shown), button, 0);
      g_signal_connect_object (popover, "hide", G_CALLBACK (on_popover_hidden), button, 0);
    }
}

static void
quiet_tooltips_under (GtkWidget *widget)
{
  if (GTK_IS_MENU_BUTTON (widget))
    {
      on_menu_button_popover (widget);
      g_signal_connect (widget, "notify::popover", G_CALLBACK (on_menu_button_popover), NULL);
      return;
    }

  for (GtkWidget *child = gtk_widget_get_first_child (widget);
       child != NULL;
       child = gtk_widget_get_next_sibling (child))
    {
      if (GTK_IS_DROP_DOWN (widget) && GTK_IS_POPOVER (child))
        {
          g_signal_connect_object (child, "show", G_CALLBACK (on_popover_shown), widget, 0);
          g_signal_connect_object (child, "hide", G_CALLBACK (on_popover_hidden), widget, 0);
          continue;
        }
      quiet_tooltips_under (child);
    }
}

void
_ps_window_init_popover_tooltips (PsWindow *self)
{
  quiet_tooltips_under (GTK_WIDGET (self));
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
