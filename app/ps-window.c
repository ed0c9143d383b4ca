/* ps-window.c: the main window
 *
 * The window starts the runner and holds a reference to it, as each view
 * does (the last one to let go stops the worker). A later scenario is a
 * command to the runner, answered on the main context: the window shows it
 * once it runs, or keeps the old one and shows the runner's error. Closing
 * the window cancels its tasks (exports, scenario loads) through its
 * cancellable. Its views each take the runner's latest frame
 * on their own frame-clock tick; the window's tick does the same for the
 * summary and the clock. Nothing here steps the physics or waits on the
 * worker: it only sends commands (ps_runner_play, _set_load, ...) and reads
 * published frames.
 */
#include "config.h"

#include <glib/gi18n.h>
#include <math.h>

#include "ps-app-enums.h"
#include "ps-app-resources.h"
#include "ps-application.h"
#include "ps-cli-output.h"
#include "ps-window-private.h"
#include "ps-wrap-box.h"

#define SUMMARY_INTERVAL_US (100 * 1000)

enum {
  PROP_0,
  PROP_ENLARGED_VIEW,
  PROP_PLAYING,
  PROP_SPEED,
  PROP_COOLING,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

enum {
  ROW_VOLTAGE,
  ROW_CURRENT,
  ROW_POWER,
  ROW_SOC,
  ROW_CHARGE,
  ROW_ENERGY,
  ROW_HEAT,
  ROW_CELL_V_MIN,
  ROW_CELL_V_MAX,
  ROW_CELL_T_MIN,
  ROW_CELL_T_MAX,
  ROW_CELL_T_MEAN,
  ROW_STEP,
  N_ROWS
};

static const char *row_titles[N_ROWS] = {
  N_("Voltage"),
  N_("Current"),
  N_("Power"),
  N_("State of charge"),
  N_("Discharged"),
  N_("Energy out"),
  N_("Heat"),
  N_("Lowest cell"),
  N_("Highest cell"),
  N_("Coolest cell"),
  N_("Hottest cell"),
  N_("Mean cell"),
  N_("Step"),
};

G_DEFINE_FINAL_TYPE (PsWindow, ps_window, ADW_TYPE_APPLICATION_WINDOW)

const double _ps_window_speeds[] = { 1.0, 10.0, 60.0, 600.0, 3600.0, PS_RUNNER_SPEED_MAX };
const guint _ps_window_n_speeds = G_N_ELEMENTS (_ps_window_speeds);

static void ps_window_update_summary (PsWindow      *self,
                                      const PsFrame *frame);

static void
format_clock (char   *buf,
              gsize   size,
              double  time_s)
{
  guint64 t = (guint64) MAX (0.0, floor (time_s));

  g_snprintf (buf, size, "%" G_GUINT64_FORMAT ":%02u:%02u",
              t / 3600, (guint) ((t / 60) % 60), (guint) (t % 60));
}

static char *
format_speed (double speed)
{
  if (speed == PS_RUNNER_SPEED_MAX)
    return g_strdup (_("Max"));
  return g_strdup_printf ("%g×", speed);
}

static char *
format_temp (PsWindow *self,
             double    temp_k)
{
  if (self->temp_unit == PS_TEMP_UNIT_KELVIN)
    return g_strdup_printf ("%.1f K", temp_k);
  return g_strdup_printf ("%.1f °C", temp_k - 273.15);
}

/* kilowatts, but a single cell's few watts in watts */
static char *
format_power (PsWindow *self,
              double    power_w)
{
  if (self->power_unit == PS_POWER_UNIT_WATT || fabs (power_w) < 1000.0)
    return g_strdup_printf (fabs (power_w) < 100.0 ? "%.2f W" : "%.0f W", power_w);
  return g_strdup_printf ("%.2f kW", power_w / 1000.0);
}

static char *
format_energy (PsWindow *self,
               double    energy_wh)
{
  if (self->power_unit == PS_POWER_UNIT_WATT || fabs (energy_wh) < 1000.0)
    return g_strdup_printf (fabs (energy_wh) < 100.0 ? "%.2f Wh" : "%.0f Wh", energy_wh);
  return g_strdup_printf ("%.2f kWh", energy_wh / 1000.0);
}

/* "#57 (group 28, M14)" */
static char *
describe_cell (const PsPackInfo *pack,
               guint         cell)
{
  guint group;
  guint module;

  if (pack == NULL || cell >= pack->n_cells || pack->n_parallel == 0)
    return g_strdup_printf ("#%u", cell + 1);

  group = cell / pack->n_parallel;
  if (pack->group_module != NULL && group < pack->n_series &&
      (module = pack->group_module[group]) < pack->n_modules &&
      pack->module_name != NULL && pack->module_name[module] != NULL)
    return g_strdup_printf ("#%u, %s", cell + 1, pack->module_name[module]);

  /* Translators: a cell's number and its series group's */
  return g_strdup_printf (_("#%u, group %u"), cell + 1, group + 1);
}

static void
set_row (PsWindow   *self,
         guint       row,
         const char *text)
{
  gtk_label_set_label (self->summary_values[row], text);
}

static void
ps_window_update_summary (PsWindow      *self,
                          const PsFrame *frame)
{
  char clock[64];
  char *s;

  format_clock (clock, sizeof clock, frame->time_s);
  /* fast-forwarding: how far through the protocol (by its durations) */
  if (self->runner != NULL && self->scenario != NULL &&
      ps_runner_get_speed (self->runner) == PS_RUNNER_SPEED_MAX &&
      ps_runner_is_playing (self->runner))
    {
      double total_s = ps_cli_protocol_duration (ps_scenario_get_protocol (self->scenario));

      if (isfinite (total_s) && total_s > 0)
        g_snprintf (clock + strlen (clock), sizeof clock - strlen (clock), "  %.0f %%",
                    100.0 * CLAMP (frame->time_s / total_s, 0.0, 1.0));
    }
  gtk_label_set_label (self->clock_label, clock);

  s = g_strdup_printf (frame->pack_voltage_v < 20.0 ? "%.3f V" : "%.1f V", frame->pack_voltage_v);
  set_row (self, ROW_VOLTAGE, s);
  g_free (s);

  s = g_strdup_printf (fabs (frame->pack_current_a) < 20.0 ? "%.2f A" : "%.1f A", frame->pack_current_a);
  set_row (self, ROW_CURRENT, s);
  g_free (s);

  s = format_power (self, frame->pack_power_w);
  set_row (self, ROW_POWER, s);
  g_free (s);

  s = g_strdup_printf ("%.1f %%  (%.1f–%.1f)",
                       100.0 * frame->pack_soc,
                       100.0 * frame->cell_soc_min,
                       100.0 * frame->cell_soc_max);
  set_row (self, ROW_SOC, s);
  g_free (s);

  s = g_strdup_printf ("%.2f Ah", frame->charge_ah);
  set_row (self, ROW_CHARGE, s);
  g_free (s);

  s = format_energy (self, frame->energy_wh);
  set_row (self, ROW_ENERGY, s);
  g_free (s);

  s = format_power (self, frame->heat_w);
  set_row (self, ROW_HEAT, s);
  g_free (s);

  if (frame->n_cells > 0)
    {
      g_autofree char *vmin_cell = describe_cell (ps_pack_get_info (frame->pack), frame->cell_voltage_min_idx);
      g_autofree char *vmax_cell = describe_cell (ps_pack_get_info (frame->pack), frame->cell_voltage_max_idx);
      g_autofree char *tmin_cell = describe_cell (ps_pack_get_info (frame->pack), frame->cell_temp_min_idx);
      g_autofree char *tmax_cell = describe_cell (ps_pack_get_info (frame->pack), frame->cell_temp_max_idx);
      g_autofree char *tmin = format_temp (self, frame->cell_temp_min_k);
      g_autofree char *tmax = format_temp (self, frame->cell_temp_max_k);
      g_autofree char *tmean = format_temp (self, frame->cell_temp_mean_k);

      s = g_strdup_printf ("%.3f V  %s", frame->cell_voltage_min_v, vmin_cell);
      set_row (self, ROW_CELL_V_MIN, s);
      g_free (s);
      s = g_strdup_printf ("%.3f V  %s", frame->cell_voltage_max_v, vmax_cell);
      set_row (self, ROW_CELL_V_MAX, s);
      g_free (s);
      s = g_strdup_printf ("%s  %s", tmin, tmin_cell);
      set_row (self, ROW_CELL_T_MIN, s);
      g_free (s);
      s = g_strdup_printf ("%s  %s", tmax, tmax_cell);
      set_row (self, ROW_CELL_T_MAX, s);
      g_free (s);
      set_row (self, ROW_CELL_T_MEAN, tmean);
    }

  /* what ran and, when a limit or the protocol's end stopped it, why */
  if (frame->manual_load && frame->manual_limited && frame->end_text != NULL)
    s = g_strdup_printf (frame->end_reason == PS_STEP_END_VOLTAGE_MAX
                         ? _("Manual load: %s") : _("Manual load stopped: %s"),
                         frame->end_text);
  else if (frame->manual_load)
    s = g_strdup (_("Manual load"));
  else if (frame->finished && frame->end_text != NULL)
    s = g_strdup_printf (_("Protocol finished: %s"), frame->end_text);
  else if (frame->finished)
    s = g_strdup (_("Protocol finished"));
  else if (frame->step > 0 && frame->step_text != NULL)
    s = g_strdup_printf ("%u/%u  %s", frame->step, frame->n_steps, frame->step_text);
  else
    s = g_strdup ("–");
  set_row (self, ROW_STEP, s);
  g_free (s);

  /* limit warnings */
  {
    GString *w = g_string_new (NULL);

    /* the BMS's flags, and the cells' own limits (within 5 mV) from the
     * cell data, so a protocol that stops at the cut-off still says so */
    const PsCellType *cell = self->scenario != NULL ? ps_scenario_get_cell (self->scenario) : NULL;
    gboolean low = frame->limit_voltage_low ||
                   (cell != NULL && frame->cell_voltage_min_v <= cell->voltage_min_v + 0.005);
    gboolean high = frame->limit_voltage_high ||
                    (cell != NULL && frame->cell_voltage_max_v >= cell->voltage_max_v - 0.005);
    gboolean hot = frame->limit_temp_high ||
                   (cell != NULL && frame->cell_temp_max_k >= cell->temp_max_k);

    if (low)
      g_string_append_printf (w, _("Cell #%u is at its lower voltage limit (%.2f V)\n"),
                              frame->cell_voltage_min_idx + 1,
                              cell != NULL ? cell->voltage_min_v : frame->cell_voltage_min_v);
    if (high)
      g_string_append_printf (w, _("Cell #%u is at its upper voltage limit (%.2f V)\n"),
                              frame->cell_voltage_max_idx + 1,
                              cell != NULL ? cell->voltage_max_v : frame->cell_voltage_max_v);
    if (hot)
      {
        g_autofree char *limit = format_temp (self, cell != NULL ? cell->temp_max_k : frame->cell_temp_max_k);

        g_string_append_printf (w, _("Cell #%u is over its temperature limit (%s)\n"),
                                frame->cell_temp_max_idx + 1, limit);
      }
    if (frame->limit_current)
      g_string_append_printf (w, "%s\n", _("The current is at the cells' limit"));
    /* active faults and the cells that ran away */
    _ps_window_faults_describe (frame, w);
    if (w->len > 0)
      g_string_truncate (w, w->len - 1);
    gtk_label_set_label (self->warning_label, w->str);
    gtk_widget_set_visible (GTK_WIDGET (self->warning_label), w->len > 0);
    g_string_free (w, TRUE);
  }

  {
    g_autofree char *speed = format_speed (self->speed);
    g_autofree char *status = NULL;

    /* a manual load runs after the protocol finished too */
    if (frame->finished && !frame->manual_load)
      status = g_strdup (_("Finished"));
    else
      status = g_strdup_printf ("%s · %s", self->playing ? _("Running") : _("Paused"), speed);
    gtk_label_set_label (self->status_label, status);
  }
}

static void ps_window_update_play_button (PsWindow *self);

static gboolean
ps_window_tick (GtkWidget     *widget,
                GdkFrameClock *frame_clock,
                gpointer       user_data)
{
  PsWindow *self = PS_WINDOW (widget);
  g_autoptr(PsFrame) frame = NULL;
  gint64 now;

  if (self->runner == NULL)
    return G_SOURCE_CONTINUE;

  frame = ps_runner_dup_frame (self->runner);
  if (frame == NULL || frame->serial == self->last_serial)
    return G_SOURCE_CONTINUE;

  /* the protocol ended (and no manual load runs): show the play button
   * as paused (not for the finished frame a replay started from) */
  if (frame->serial <= self->replayed_serial)
    return G_SOURCE_CONTINUE;
  if (frame->finished && !frame->manual_load && !self->was_finished && self->playing)
    ps_window_set_playing (self, FALSE);
  if (self->was_finished != (frame->finished && !frame->manual_load))
    {
      self->was_finished = frame->finished && !frame->manual_load;
      ps_window_update_play_button (self);
    }
  /* the load bar follows the protocol's step while no manual load runs */
  if (!frame->manual_load && frame->step != 0 && frame->step != self->load_step_shown &&
      self->scenario != NULL)
    _ps_window_show_protocol_load (self, self->scenario, frame->step);
  _ps_window_take_events (self, frame);
  _ps_window_take_timeline (self, frame);

  now = gdk_frame_clock_get_frame_time (frame_clock);
  if (self->playing && now - self->last_summary_us < SUMMARY_INTERVAL_US)
    return G_SOURCE_CONTINUE;

  self->last_summary_us = now;
  self->last_serial = frame->serial;
  ps_window_update_summary (self, frame);

  return G_SOURCE_CONTINUE;
}

static void
ps_window_update_speed_button (PsWindow *self)
{
  g_autofree char *label = format_speed (self->speed);

  gtk_menu_button_set_label (self->speed_button, label);
}

static void
ps_window_update_play_button (PsWindow *self)
{
  /* after the end, Play runs the protocol again, and says so */
  gboolean replay = !self->playing && self->was_finished;

  gtk_button_set_icon_name (self->play_button,
                            self->playing ? "media-playback-pause-symbolic"
                            : replay ? "media-playlist-repeat-symbolic"
                                     : "media-playback-start-symbolic");
  gtk_widget_set_tooltip_text (GTK_WIDGET (self->play_button),
                               self->playing ? _("Pause (Space)")
                               : replay ? _("Finished: run the protocol again from the start (Space)")
                                        : _("Play (Space)"));
}

static void
ps_window_update_enlarge_buttons (PsWindow *self)
{
  GtkButton *buttons[] = { self->layout_enlarge, self->curves_enlarge, self->thermal_enlarge };

  for (guint i = 0; i < G_N_ELEMENTS (buttons); i++)
    {
      gboolean enlarged = self->enlarged == (PsWindowView) (i + 1);

      gtk_button_set_icon_name (buttons[i], enlarged ? "view-restore-symbolic"
                                                     : "view-fullscreen-symbolic");
    }
}

static double
ambient_k_from_display (PsWindow *self,
                        double    value)
{
  return self->temp_unit == PS_TEMP_UNIT_KELVIN ? value : value + 273.15;
}

static void
on_ambient_changed (GtkAdjustment *adjustment,
                    PsWindow      *self)
{
  if (self->runner != NULL && !self->setting_controls)
    ps_runner_set_ambient (self->runner,
                           ambient_k_from_display (self, gtk_adjustment_get_value (adjustment)));
}

static void
ps_window_show_ambient (PsWindow *self,
                        double    ambient_k)
{
  self->setting_controls = TRUE;
  if (self->temp_unit == PS_TEMP_UNIT_KELVIN)
    {
      gtk_adjustment_configure (self->ambient_adjustment, ambient_k,
                                233.15, 333.15, 1.0, 5.0, 0.0);
      gtk_label_set_label (self->ambient_label, _("Ambient (K)"));
    }
  else
    {
      gtk_adjustment_configure (self->ambient_adjustment, ambient_k - 273.15,
                                -40.0, 60.0, 1.0, 5.0, 0.0);
      gtk_label_set_label (self->ambient_label, _("Ambient (°C)"));
    }
  self->setting_controls = FALSE;
}

static void
ps_window_update_load_unit (PsWindow *self)
{
  gboolean power = gtk_drop_down_get_selected (self->load_mode) == 1;

  gtk_label_set_label (self->load_unit_label, power ? "kW" : "A");
}

static void
on_load_control_changed (PsWindow *self)
{
  if (self->setting_controls)
    return;

  ps_window_update_load_unit (self);

  /* a manual load already running follows the controls live */
  if (self->runner != NULL)
    {
      g_autoptr(PsFrame) frame = ps_runner_dup_frame (self->runner);

      if (frame != NULL && frame->manual_load)
        _ps_window_apply_load (self);
    }
}

void
_ps_window_apply_load (PsWindow *self)
{
  PsLoad load;
  double value = gtk_adjustment_get_value (self->load_adjustment);
  double sign = gtk_drop_down_get_selected (self->load_direction) == 1 ? -1.0 : 1.0;

  if (self->runner == NULL)
    return;

  if (gtk_drop_down_get_selected (self->load_mode) == 1)
    {
      load.mode = PS_LOAD_POWER;
      load.value = sign * value * 1000.0;
    }
  else
    {
      load.mode = PS_LOAD_CURRENT;
      load.value = sign * value;
    }
  if (value == 0.0)
    load.mode = PS_LOAD_REST;

  ps_runner_set_load (self->runner, &load);
}

static const PsQuantity quantity_of_row[] = {
  PS_QUANTITY_SOC,
  PS_QUANTITY_VOLTAGE,
  PS_QUANTITY_CURRENT,
  PS_QUANTITY_TEMPERATURE,
  PS_QUANTITY_DEVIATION,
  PS_QUANTITY_HEAT,
  PS_QUANTITY_BALANCING,
};

static void
on_quantity_selected (PsWindow *self)
{
  guint row = gtk_drop_down_get_selected (self->quantity_dropdown);

  if (row < G_N_ELEMENTS (quantity_of_row))
    ps_pack_view_set_quantity (self->pack_view, quantity_of_row[row]);
}

static void
on_pack_view_quantity (PsWindow *self)
{
  PsQuantity q = ps_pack_view_get_quantity (self->pack_view);

  for (guint i = 0; i < G_N_ELEMENTS (quantity_of_row); i++)
    if (quantity_of_row[i] == q && gtk_drop_down_get_selected (self->quantity_dropdown) != i)
      gtk_drop_down_set_selected (self->quantity_dropdown, i);
}

static const guint curves_of_row[] = {
  PS_CURVE_VOLTAGE | PS_CURVE_SOC | PS_CURVE_TEMPERATURE,
  PS_CURVE_ALL_TIME,
  PS_CURVE_VOLTAGE,
  PS_CURVE_CURRENT,
  PS_CURVE_POWER,
  PS_CURVE_SOC,
  PS_CURVE_TEMPERATURE,
  PS_CURVE_DISCHARGE,
};

static void
on_curves_selected (PsWindow *self)
{
  guint row = gtk_drop_down_get_selected (self->curves_dropdown);

  if (row < G_N_ELEMENTS (curves_of_row))
    ps_curve_view_set_curves (self->curve_view, curves_of_row[row]);
}

static void
ps_window_set_runner_on_views (PsWindow *self,
                               PsRunner *runner)
{
  ps_pack_view_set_runner (self->pack_view, runner);
  ps_curve_view_set_runner (self->curve_view, runner);
  ps_thermal_view_set_runner (self->thermal_view, runner);
  ps_cell_inspector_set_runner (self->cell_inspector, runner);
}

/* id and display name of every preset, read once per process (loading a
 * pack expands its geometry, which for 7,104 cells is not free) */
static GMenuModel *
preset_section (void)
{
  static GMenu *section;

  if (section == NULL)
    {
      g_auto(GStrv) ids = ps_pack_list_presets ();

      section = g_menu_new ();
      for (guint i = 0; ids != NULL && ids[i] != NULL; i++)
        {
          g_autoptr(PsPack) pack = ps_pack_new_from_id (ids[i], NULL);
          g_autoptr(GMenuItem) item = NULL;
          const char *name = pack != NULL ? ps_pack_get_info (pack)->name : NULL;

          item = g_menu_item_new (name != NULL ? name : ids[i], NULL);
          g_menu_item_set_action_and_target (item, "win.preset", "s", ids[i]);
          g_menu_append_item (section, item);
        }
      g_menu_freeze (section);
    }

  return G_MENU_MODEL (section);
}

static void
ps_window_build_preset_menu (PsWindow *self)
{
  g_autoptr(GMenu) menu = g_menu_new ();
  g_autoptr(GMenu) file = g_menu_new ();

  g_autoptr(GMenuModel) recent = _ps_window_recent_section ();

  g_menu_append_section (menu, _("Pack Presets"), preset_section ());
  if (g_menu_model_get_n_items (recent) > 0)
    g_menu_append_section (menu, _("Recent Scenarios"), recent);
  g_menu_append (file, _("Open Scenario File…"), "win.open");
  g_menu_append (file, _("Build a Pack…"), "win.build-pack");
  g_menu_append_section (menu, NULL, G_MENU_MODEL (file));
  gtk_menu_button_set_menu_model (self->preset_button, G_MENU_MODEL (menu));
}

/* The runner runs scenario now: the window shows it. */
static const char * const cell_models[] = { "ecm", "spme", "dfn" };

/* The model drop-down shows the scenario's model; a cell without physics
 * parameters runs only as an ECM, so the drop-down is off for it. */
static void
ps_window_show_cell_model (PsWindow         *self,
                           const PsScenario *scenario)
{
  const char *model = ps_scenario_get_cell_model (scenario);
  gboolean physics = ps_scenario_cell_supports_model (scenario, "spme");

  self->setting_controls = TRUE;
  for (guint i = 0; i < G_N_ELEMENTS (cell_models); i++)
    if (g_str_equal (model, cell_models[i]))
      gtk_drop_down_set_selected (self->cell_model_dropdown, i);
  self->setting_controls = FALSE;
  gtk_widget_set_sensitive (GTK_WIDGET (self->cell_model_dropdown), physics);
  gtk_widget_set_tooltip_text (GTK_WIDGET (self->cell_model_dropdown),
                               physics ? _("Cell model: equivalent circuit, single particle with "
                                           "electrolyte, or Doyle-Fuller-Newman (restarts the run)")
                                       : _("This pack's cells have no physics parameters: "
                                           "they run as an equivalent circuit (ECM) only"));
}

/* A new model restarts the scenario with it; one the cell cannot run is
 * refused with a toast that says why. */
static void
on_cell_model_changed (PsWindow *self)
{
  g_autoptr(PsScenario) scenario = NULL;
  g_autoptr(GError) error = NULL;
  guint row = gtk_drop_down_get_selected (self->cell_model_dropdown);

  if (self->setting_controls || self->scenario == NULL || row >= G_N_ELEMENTS (cell_models)
      || g_str_equal (ps_scenario_get_cell_model (self->scenario), cell_models[row]))
    return;

  scenario = ps_scenario_copy (self->scenario);
  if (!ps_scenario_set_cell_model (scenario, cell_models[row], &error)
      || !ps_window_set_scenario (self, scenario, &error))
    {
      ps_window_toast (self, error->message);
      ps_window_show_cell_model (self, self->scenario);
    }
}

static void
ps_window_show_scenario (PsWindow         *self,
                         const PsScenario *scenario)
{
  const PsPackInfo *pack;
  double one_c;

  g_clear_pointer (&self->scenario, ps_scenario_free);
  self->scenario = ps_scenario_copy (scenario);
  g_free (self->scenario_source);
  self->scenario_source = g_strdup (ps_scenario_get_source_name (scenario));

  self->last_serial = G_MAXUINT64;
  self->was_finished = FALSE;
  ps_window_update_play_button (self);
  ps_pack_view_set_selected_cell (self->pack_view, -1);
  ps_pack_view_reset_view (self->pack_view);

  /* the header and the controls show the new scenario */
  pack = ps_pack_get_info (ps_scenario_get_pack (scenario));
  {
    const char *pack_name = pack->name != NULL ? pack->name : pack->id;
    g_autofree char *title = NULL;
    g_autofree char *subtitle = NULL;
    g_autofree char *tooltip = NULL;

    gtk_label_set_label (self->preset_label, pack_name);
    gtk_widget_set_tooltip_text (GTK_WIDGET (self->preset_button), pack_name);
    /* the pack's name and a short protocol; the whole one in the tooltip */
    _ps_window_describe_scenario (scenario, &title, &subtitle, &tooltip);
    adw_window_title_set_title (self->window_title, title);
    adw_window_title_set_subtitle (self->window_title, subtitle);
    gtk_widget_set_tooltip_text (GTK_WIDGET (self->window_title), tooltip);
  }

  ps_window_show_cell_model (self, scenario);

  one_c = pack->n_parallel * ps_scenario_get_cell (scenario)->capacity_ah;
  gtk_adjustment_set_upper (self->load_adjustment, MAX (2000.0, 10.0 * one_c));
  /* the load bar shows the protocol's first step until a manual load */
  _ps_window_show_protocol_load (self, scenario, 1);

  ps_window_show_ambient (self, ps_scenario_get_ambient_k (scenario));
  if (self->cooling != !!ps_scenario_get_cooling_enabled (scenario))
    {
      self->cooling = !!ps_scenario_get_cooling_enabled (scenario);
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_COOLING]);
    }

  _ps_window_update_actions (self);
}

typedef struct
{
  PsWindow   *self;       /* a reference */
  PsScenario *scenario;
} ScenarioLoad;

static void
scenario_load_free (ScenarioLoad *load)
{
  g_clear_object (&load->self);
  g_clear_pointer (&load->scenario, ps_scenario_free);
  g_free (load);
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC (ScenarioLoad, scenario_load_free)

/* The runner's answer to a later scenario: shown when it runs; when the
 * runner refused it (it keeps the old one), the window keeps its title and
 * says why. */
static void
scenario_loaded (GObject      *object,
                 GAsyncResult *result,
                 gpointer      user_data)
{
  g_autoptr(ScenarioLoad) load = user_data;
  g_autoptr(GError) error = NULL;
  PsWindow *self = load->self;

  if (self->runner == NULL)
    return;

  if (!ps_runner_load_scenario_finish (self->runner, result, &error))
    {
      const char *name;
      g_autofree char *message = NULL;

      if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        return;
      name = ps_scenario_get_name (load->scenario);
      if (name == NULL)
        name = ps_pack_get_info (ps_scenario_get_pack (load->scenario))->id;
      /* Translators: a scenario's name, then the engine's reason */
      message = g_strdup_printf (_("Could not run “%s”: %s"), name, error->message);
      ps_window_toast (self, message);
      return;
    }

  ps_window_show_scenario (self, load->scenario);
}

gboolean
ps_window_set_scenario (PsWindow          *self,
                        const PsScenario  *scenario,
                        GError           **error)
{
  g_return_val_if_fail (PS_IS_WINDOW (self), FALSE);
  g_return_val_if_fail (scenario != NULL, FALSE);

  /* the first scenario starts the runner; later ones are a command to it,
   * so the UI thread never waits for the worker to stop */
  if (self->runner == NULL)
    {
      self->runner = ps_runner_new (scenario, error);
      if (self->runner == NULL)
        return FALSE;
      ps_window_set_runner_on_views (self, self->runner);
      ps_window_show_scenario (self, scenario);
    }
  else
    {
      ScenarioLoad *load = g_new0 (ScenarioLoad, 1);

      load->self = g_object_ref (self);
      load->scenario = ps_scenario_copy (scenario);
      ps_runner_clear_load (self->runner);
      ps_runner_load_scenario_async (self->runner, scenario, self->cancellable,
                                     scenario_loaded, load);
    }

  ps_runner_set_speed (self->runner, self->speed);
  if (self->playing)
    ps_runner_play (self->runner);
  else
    ps_runner_pause (self->runner);

  return TRUE;
}

gboolean
ps_window_open_scenario (PsWindow    *self,
                         const char  *id_or_path,
                         GError     **error)
{
  g_autoptr(PsScenario) scenario = NULL;

  g_return_val_if_fail (PS_IS_WINDOW (self), FALSE);
  g_return_val_if_fail (id_or_path != NULL, FALSE);

  scenario = ps_scenario_new_lookup (id_or_path, error);
  if (scenario == NULL)
    return FALSE;

  return ps_window_set_scenario (self, scenario, error);
}

const PsScenario *
ps_window_get_scenario (PsWindow *self)
{
  g_return_val_if_fail (PS_IS_WINDOW (self), NULL);

  return self->scenario;
}

PsRunner *
ps_window_get_runner (PsWindow *self)
{
  g_return_val_if_fail (PS_IS_WINDOW (self), NULL);

  return self->runner;
}

GtkWidget *
ps_window_get_view (PsWindow     *self,
                    PsWindowView  view)
{
  g_return_val_if_fail (PS_IS_WINDOW (self), NULL);

  switch (view)
    {
    case PS_WINDOW_VIEW_LAYOUT:
      return GTK_WIDGET (self->pack_view);
    case PS_WINDOW_VIEW_CURVES:
      return GTK_WIDGET (self->curve_view);
    case PS_WINDOW_VIEW_THERMAL:
      return GTK_WIDGET (self->thermal_view);
    case PS_WINDOW_VIEW_NONE:
    default:
      return NULL;
    }
}

GtkWidget *
ps_window_get_cell_inspector (PsWindow *self)
{
  g_return_val_if_fail (PS_IS_WINDOW (self), NULL);

  return GTK_WIDGET (self->cell_inspector);
}

PsWindowView
ps_window_get_enlarged_view (PsWindow *self)
{
  g_return_val_if_fail (PS_IS_WINDOW (self), PS_WINDOW_VIEW_NONE);

  return self->enlarged;
}

void
ps_window_set_enlarged_view (PsWindow     *self,
                             PsWindowView  view)
{
  g_return_if_fail (PS_IS_WINDOW (self));

  if (view > PS_WINDOW_VIEW_THERMAL)
    view = PS_WINDOW_VIEW_NONE;
  if (self->enlarged == view)
    return;

  self->enlarged = view;
  gtk_widget_set_visible (self->layout_card,
                          view == PS_WINDOW_VIEW_NONE || view == PS_WINDOW_VIEW_LAYOUT);
  gtk_widget_set_visible (self->curves_card,
                          view == PS_WINDOW_VIEW_NONE || view == PS_WINDOW_VIEW_CURVES);
  gtk_widget_set_visible (self->thermal_card,
                          view == PS_WINDOW_VIEW_NONE || view == PS_WINDOW_VIEW_THERMAL);
  gtk_widget_set_visible (self->maps_box, view != PS_WINDOW_VIEW_CURVES);
  ps_window_update_enlarge_buttons (self);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_ENLARGED_VIEW]);
}

gboolean
ps_window_get_playing (PsWindow *self)
{
  g_return_val_if_fail (PS_IS_WINDOW (self), FALSE);

  return self->playing;
}

void
ps_window_set_playing (PsWindow *self,
                       gboolean  playing)
{
  g_return_if_fail (PS_IS_WINDOW (self));

  playing = !!playing;
  if (self->playing == playing)
    return;

  /* Play after the protocol finished runs it again from the start, as the
   * button says (a manual load is let go of) */
  if (playing && self->runner != NULL)
    {
      g_autoptr(PsFrame) frame = ps_runner_dup_frame (self->runner);

      if (frame != NULL && frame->finished && !frame->manual_load)
        {
          ps_runner_clear_load (self->runner);
          ps_runner_reset (self->runner);
          self->replayed_serial = frame->serial;
          self->was_finished = FALSE;
          self->last_serial = G_MAXUINT64;
        }
    }

  self->playing = playing;
  if (self->runner != NULL)
    {
      if (playing)
        ps_runner_play (self->runner);
      else
        ps_runner_pause (self->runner);
    }
  ps_window_update_play_button (self);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_PLAYING]);
}

double
ps_window_get_speed (PsWindow *self)
{
  g_return_val_if_fail (PS_IS_WINDOW (self), 0.0);

  return self->speed;
}

void
ps_window_set_speed (PsWindow *self,
                     double    speed)
{
  g_return_if_fail (PS_IS_WINDOW (self));

  if (!isfinite (speed) || speed < 0.0)
    speed = PS_RUNNER_SPEED_MAX;
  if (self->speed == speed)
    return;

  self->speed = speed;
  if (self->runner != NULL)
    ps_runner_set_speed (self->runner, speed);
  ps_window_update_speed_button (self);
  _ps_window_update_actions (self);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_SPEED]);
}

gboolean
ps_window_get_cooling (PsWindow *self)
{
  g_return_val_if_fail (PS_IS_WINDOW (self), FALSE);

  return self->cooling;
}

void
ps_window_set_cooling (PsWindow *self,
                       gboolean  cooling)
{
  g_return_if_fail (PS_IS_WINDOW (self));

  cooling = !!cooling;
  if (self->cooling == cooling)
    return;

  self->cooling = cooling;
  if (self->runner != NULL)
    ps_runner_set_cooling (self->runner, cooling);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_COOLING]);
}

void
ps_window_toast (PsWindow   *self,
                 const char *message)
{
  AdwToast *toast;

  g_return_if_fail (PS_IS_WINDOW (self));

  toast = adw_toast_new (message);
  adw_toast_set_timeout (toast, 8);
  adw_toast_overlay_add_toast (self->toast_overlay, toast);
}

void
ps_window_add_toast (PsWindow *self,
                     AdwToast *toast)
{
  g_return_if_fail (PS_IS_WINDOW (self));

  adw_toast_overlay_add_toast (self->toast_overlay, g_object_ref (toast));
}

/* settings */

static PsColormapId
colormap_from_string (const char *s)
{
  if (g_strcmp0 (s, "viridis") == 0)
    return PS_COLORMAP_VIRIDIS;
  if (g_strcmp0 (s, "inferno") == 0)
    return PS_COLORMAP_INFERNO;
  if (g_strcmp0 (s, "diverging") == 0)
    return PS_COLORMAP_DIVERGING;
  return PS_COLORMAP_AUTO;
}

static void
ps_window_apply_units (PsWindow    *self,
                       PsTempUnit   temp_unit,
                       PsPowerUnit  power_unit)
{
  double ambient_k = ambient_k_from_display (self, gtk_adjustment_get_value (self->ambient_adjustment));

  self->temp_unit = temp_unit;
  self->power_unit = power_unit;
  ps_pack_view_set_units (self->pack_view, temp_unit, power_unit);
  ps_curve_view_set_units (self->curve_view, temp_unit, power_unit);
  ps_thermal_view_set_units (self->thermal_view, temp_unit, power_unit);
  ps_cell_inspector_set_units (self->cell_inspector, temp_unit, power_unit);
  ps_window_show_ambient (self, ambient_k);

  self->last_serial = G_MAXUINT64;
  self->last_summary_us = 0;
}

static void
on_settings_changed (GSettings  *settings,
                     const char *key,
                     PsWindow   *self)
{
  if (key == NULL || g_str_equal (key, "layout-colormap"))
    {
      g_autofree char *map = g_settings_get_string (settings, "layout-colormap");

      ps_pack_view_set_colormap (self->pack_view, colormap_from_string (map));
    }

  if (key == NULL || g_str_equal (key, "temperature-unit") || g_str_equal (key, "power-unit"))
    {
      g_autofree char *t = g_settings_get_string (settings, "temperature-unit");
      g_autofree char *p = g_settings_get_string (settings, "power-unit");

      ps_window_apply_units (self,
                             g_strcmp0 (t, "kelvin") == 0 ? PS_TEMP_UNIT_KELVIN : PS_TEMP_UNIT_CELSIUS,
                             g_strcmp0 (p, "watt") == 0 ? PS_POWER_UNIT_WATT : PS_POWER_UNIT_KILOWATT);
    }
}

void
ps_window_bind_settings (PsWindow  *self,
                         GSettings *settings)
{
  g_return_if_fail (PS_IS_WINDOW (self));
  g_return_if_fail (!settings || G_IS_SETTINGS (settings));

  if (self->settings != NULL)
    g_signal_handlers_disconnect_by_func (self->settings, on_settings_changed, self);
  g_set_object (&self->settings, settings);
  gtk_widget_insert_action_group (GTK_WIDGET (self), "settings", NULL);
  if (settings == NULL)
    return;

  /* the preferences that are choices, as stateful actions ("settings.",
   * the menu's units section): the key is the state, a target sets it */
  {
    static const char * const keys[] = { "layout-colormap", "temperature-unit", "power-unit" };
    g_autoptr(GSimpleActionGroup) group = g_simple_action_group_new ();

    for (guint i = 0; i < G_N_ELEMENTS (keys); i++)
      {
        g_autoptr(GAction) action = g_settings_create_action (settings, keys[i]);

        g_action_map_add_action (G_ACTION_MAP (group), action);
      }
    gtk_widget_insert_action_group (GTK_WIDGET (self), "settings", G_ACTION_GROUP (group));
  }

  gtk_window_set_default_size (GTK_WINDOW (self),
                               MAX (640, g_settings_get_int (settings, "window-width")),
                               MAX (480, g_settings_get_int (settings, "window-height")));
  if (g_settings_get_boolean (settings, "window-maximized"))
    gtk_window_maximize (GTK_WINDOW (self));

  ps_window_set_speed (self, g_settings_get_double (settings, "default-speed"));

  g_signal_connect (settings, "changed", G_CALLBACK (on_settings_changed), self);
  on_settings_changed (settings, NULL, self);
}

static gboolean
ps_window_close_request (GtkWindow *window)
{
  PsWindow *self = PS_WINDOW (window);

  /* the window's tasks (exports, scenario loads) end with it; a task holds
   * the window until its callback has run */
  g_cancellable_cancel (self->cancellable);

  if (self->settings != NULL)
    {
      int width, height;

      gtk_window_get_default_size (window, &width, &height);
      g_settings_set_int (self->settings, "window-width", width);
      g_settings_set_int (self->settings, "window-height", height);
      g_settings_set_boolean (self->settings, "window-maximized",
                              gtk_window_is_maximized (window));
      g_settings_set_string (self->settings, "last-scenario",
                             self->scenario_source != NULL ? self->scenario_source : "");
    }

  return GTK_WINDOW_CLASS (ps_window_parent_class)->close_request (window);
}

static void
ps_window_build_summary (PsWindow *self)
{
  for (guint i = 0; i < N_ROWS; i++)
    {
      GtkWidget *title = gtk_label_new (_(row_titles[i]));
      GtkWidget *value = gtk_label_new ("–");

      gtk_label_set_xalign (GTK_LABEL (title), 0.0);
      gtk_widget_add_css_class (title, "dim-label");
      gtk_label_set_xalign (GTK_LABEL (value), 0.0);
      if (i == ROW_STEP)
        {
          /* what ended the step (which cell, which limit) is read in full:
           * as many lines as it takes. The sidebar keeps its width: its
           * scrolled window asks only for the label's narrowest wrap. */
          gtk_label_set_wrap (GTK_LABEL (value), TRUE);
          gtk_label_set_wrap_mode (GTK_LABEL (value), PANGO_WRAP_WORD_CHAR);
          gtk_widget_set_valign (title, GTK_ALIGN_START);
        }
      else
        gtk_label_set_ellipsize (GTK_LABEL (value), PANGO_ELLIPSIZE_END);
      gtk_label_set_selectable (GTK_LABEL (value), FALSE);
      gtk_widget_set_hexpand (value, TRUE);
      gtk_widget_add_css_class (value, "numeric");
      gtk_grid_attach (self->summary_grid, title, 0, i, 1, 1);
      gtk_grid_attach (self->summary_grid, value, 1, i, 1, 1);
      self->summary_values[i] = GTK_LABEL (value);
    }
}

PsWindow *
ps_window_new (GtkApplication *application)
{
  return g_object_new (PS_TYPE_WINDOW,
                       "application", application,
                       NULL);
}

static void
ps_window_dispose (GObject *object)
{
  PsWindow *self = PS_WINDOW (object);

  if (self->tick_id != 0)
    {
      gtk_widget_remove_tick_callback (GTK_WIDGET (self), self->tick_id);
      self->tick_id = 0;
    }

  /* the window's tasks (exports, scenario loads) end with it */
  g_cancellable_cancel (self->cancellable);

  /* the views hold their own references: the last one stops the worker */
  g_clear_pointer (&self->runner, ps_runner_unref);

  if (self->chooser != NULL)
    _ps_window_drop_chooser (self, GTK_NATIVE_DIALOG (self->chooser));

  if (self->settings != NULL)
    {
      g_signal_handlers_disconnect_by_func (self->settings, on_settings_changed, self);
      g_clear_object (&self->settings);
    }

  g_clear_signal_handler (&self->recent_changed_id, gtk_recent_manager_get_default ());
  g_clear_object (&self->scenario_file);

  gtk_widget_dispose_template (GTK_WIDGET (self), PS_TYPE_WINDOW);

  G_OBJECT_CLASS (ps_window_parent_class)->dispose (object);
}

static void
ps_window_finalize (GObject *object)
{
  PsWindow *self = PS_WINDOW (object);

  g_clear_pointer (&self->scenario, ps_scenario_free);
  g_clear_pointer (&self->scenario_source, g_free);
  g_clear_pointer (&self->events_log, ps_event_log_unref);
  _ps_window_finalize_timeline (self);
  g_clear_object (&self->cancellable);

  G_OBJECT_CLASS (ps_window_parent_class)->finalize (object);
}

static void
ps_window_get_property (GObject    *object,
                        guint       prop_id,
                        GValue     *value,
                        GParamSpec *pspec)
{
  PsWindow *self = PS_WINDOW (object);

  switch (prop_id)
    {
    case PROP_ENLARGED_VIEW:
      g_value_set_enum (value, self->enlarged);
      break;
    case PROP_PLAYING:
      g_value_set_boolean (value, self->playing);
      break;
    case PROP_SPEED:
      g_value_set_double (value, self->speed);
      break;
    case PROP_COOLING:
      g_value_set_boolean (value, self->cooling);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
ps_window_set_property (GObject      *object,
                        guint         prop_id,
                        const GValue *value,
                        GParamSpec   *pspec)
{
  PsWindow *self = PS_WINDOW (object);

  switch (prop_id)
    {
    case PROP_ENLARGED_VIEW:
      ps_window_set_enlarged_view (self, g_value_get_enum (value));
      break;
    case PROP_PLAYING:
      ps_window_set_playing (self, g_value_get_boolean (value));
      break;
    case PROP_SPEED:
      ps_window_set_speed (self, g_value_get_double (value));
      break;
    case PROP_COOLING:
      ps_window_set_cooling (self, g_value_get_boolean (value));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
ps_window_class_init (PsWindowClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);
  GtkWindowClass *window_class = GTK_WINDOW_CLASS (klass);

  object_class->dispose = ps_window_dispose;
  object_class->finalize = ps_window_finalize;
  object_class->get_property = ps_window_get_property;
  object_class->set_property = ps_window_set_property;

  window_class->close_request = ps_window_close_request;

  properties[PROP_ENLARGED_VIEW] =
    g_param_spec_enum ("enlarged-view", NULL, NULL,
                       PS_TYPE_WINDOW_VIEW, PS_WINDOW_VIEW_NONE,
                       (G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS));
  properties[PROP_PLAYING] =
    g_param_spec_boolean ("playing", NULL, NULL,
                          FALSE,
                          (G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS));
  properties[PROP_SPEED] =
    g_param_spec_double ("speed", NULL, NULL,
                         0.0, 1.0e6, 60.0,
                         (G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS));
  properties[PROP_COOLING] =
    g_param_spec_boolean ("cooling", NULL, NULL,
                          TRUE,
                          (G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS));
  g_object_class_install_properties (object_class, N_PROPS, properties);

  g_type_ensure (PS_TYPE_PACK_VIEW);
  g_type_ensure (PS_TYPE_CURVE_VIEW);
  g_type_ensure (PS_TYPE_THERMAL_VIEW);
  g_type_ensure (PS_TYPE_CELL_INSPECTOR);
  g_type_ensure (PS_TYPE_WRAP_BOX);

  /* the template is in the app library's resources: keep them linked */
  (void) ps_app_get_resource ();
  gtk_widget_class_set_template_from_resource (widget_class, RESOURCE_PREFIX "/ps-window.ui");
  gtk_widget_class_bind_template_child (widget_class, PsWindow, toast_overlay);
  gtk_widget_class_bind_template_child (widget_class, PsWindow, window_title);
  gtk_widget_class_bind_template_child (widget_class, PsWindow, preset_button);
  gtk_widget_class_bind_template_child (widget_class, PsWindow, events_button);
  gtk_widget_class_bind_template_child (widget_class, PsWindow, events_list);
  gtk_widget_class_bind_template_child (widget_class, PsWindow, preset_label);
  gtk_widget_class_bind_template_child (widget_class, PsWindow, speed_button);
  gtk_widget_class_bind_template_child (widget_class, PsWindow, play_button);
  gtk_widget_class_bind_template_child (widget_class, PsWindow, clock_label);
  gtk_widget_class_bind_template_child (widget_class, PsWindow, load_direction);
  gtk_widget_class_bind_template_child (widget_class, PsWindow, load_mode);
  gtk_widget_class_bind_template_child (widget_class, PsWindow, load_value);
  gtk_widget_class_bind_template_child (widget_class, PsWindow, load_adjustment);
  gtk_widget_class_bind_template_child (widget_class, PsWindow, load_unit_label);
  gtk_widget_class_bind_template_child (widget_class, PsWindow, ambient_label);
  gtk_widget_class_bind_template_child (widget_class, PsWindow, ambient_spin);
  gtk_widget_class_bind_template_child (widget_class, PsWindow, ambient_adjustment);
  gtk_widget_class_bind_template_child (widget_class, PsWindow, cooling_switch);
  gtk_widget_class_bind_template_child (widget_class, PsWindow, status_label);
  gtk_widget_class_bind_template_child (widget_class, PsWindow, views_paned);
  gtk_widget_class_bind_template_child (widget_class, PsWindow, maps_box);
  gtk_widget_class_bind_template_child (widget_class, PsWindow, layout_card);
  gtk_widget_class_bind_template_child (widget_class, PsWindow, curves_card);
  gtk_widget_class_bind_template_child (widget_class, PsWindow, thermal_card);
  gtk_widget_class_bind_template_child (widget_class, PsWindow, layout_enlarge);
  gtk_widget_class_bind_template_child (widget_class, PsWindow, curves_enlarge);
  gtk_widget_class_bind_template_child (widget_class, PsWindow, thermal_enlarge);
  gtk_widget_class_bind_template_child (widget_class, PsWindow, quantity_dropdown);
  gtk_widget_class_bind_template_child (widget_class, PsWindow, curves_dropdown);
  gtk_widget_class_bind_template_child (widget_class, PsWindow, cell_model_dropdown);
  gtk_widget_class_bind_template_child (widget_class, PsWindow, isotherms_toggle);
  gtk_widget_class_bind_template_child (widget_class, PsWindow, pack_view);
  gtk_widget_class_bind_template_child (widget_class, PsWindow, curve_view);
  gtk_widget_class_bind_template_child (widget_class, PsWindow, thermal_view);
  gtk_widget_class_bind_template_child (widget_class, PsWindow, cell_inspector);
  gtk_widget_class_bind_template_child (widget_class, PsWindow, summary_grid);
  gtk_widget_class_bind_template_child (widget_class, PsWindow, warning_label);
  gtk_widget_class_bind_template_child (widget_class, PsWindow, flap);
  gtk_widget_class_bind_template_callback (widget_class, on_load_control_changed);
  gtk_widget_class_bind_template_callback (widget_class, on_cell_model_changed);
  gtk_widget_class_bind_template_callback (widget_class, on_ambient_changed);
  gtk_widget_class_bind_template_callback (widget_class, on_quantity_selected);
  gtk_widget_class_bind_template_callback (widget_class, on_pack_view_quantity);
  gtk_widget_class_bind_template_callback (widget_class, on_curves_selected);

  _ps_window_class_init_actions (widget_class);
  _ps_window_faults_class_init (widget_class);
}

static void
ps_window_init (PsWindow *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));

  self->cancellable = g_cancellable_new ();
  self->speed = 60.0;
  self->cooling = TRUE;
  self->enlarged = PS_WINDOW_VIEW_NONE;
  self->temp_unit = PS_TEMP_UNIT_CELSIUS;
  self->power_unit = PS_POWER_UNIT_KILOWATT;
  self->last_serial = G_MAXUINT64;
  /* the template's actionables read the property actions' state already */
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_SPEED]);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_COOLING]);

  ps_window_build_summary (self);
  ps_window_build_preset_menu (self);
  /* a scenario saved or opened here or elsewhere joins the recent ones */
  self->recent_changed_id = g_signal_connect_swapped (gtk_recent_manager_get_default (), "changed",
                                                      G_CALLBACK (ps_window_build_preset_menu), self);
  ps_window_update_speed_button (self);
  ps_window_update_play_button (self);
  ps_window_update_enlarge_buttons (self);
  ps_window_update_load_unit (self);

  /* the controls' signals and the views' shared selection and isotherms
   * are in the template (callbacks and bindings) */
  on_pack_view_quantity (self);
  on_curves_selected (self);

  _ps_window_init_shortcuts (self);
  _ps_window_init_popover_tooltips (self);
  _ps_window_init_fit (self);
  _ps_window_init_timeline (self);
  _ps_window_faults_init (self);

  self->tick_id = gtk_widget_add_tick_callback (GTK_WIDGET (self), ps_window_tick, NULL, NULL);

  _ps_window_update_actions (self);
}
