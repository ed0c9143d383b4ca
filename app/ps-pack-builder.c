/* ps-pack-builder.c: the pack builder dialog
 *
 * Every choice is a row; a change rebuilds the pack (ps_scenario_new_from_design)
 * shortly after, so typing a number is one rebuild. The engine's error goes
 * under the choice it names, the rest of the dialog keeps the last pack
 * that built.
 */
#include "config.h"

#include <math.h>

#include <glib/gi18n.h>

#include "ps-pack-builder.h"
#include "ps-render.h"
#include "ps-view-private.h"
#include "ps-window-private.h"

#define REBUILD_DELAY_MS 120

/* a numeric choice: its row, its spin button, and display = SI / scale */
typedef struct
{
  PsPackDesignField  field;
  const char        *title;
  const char        *subtitle;
  double             lower, upper, step;
  guint              digits;
  double             scale;      /* SI per displayed unit */
} FieldSpec;

static const FieldSpec field_specs[] = {
  { PS_PACK_DESIGN_FIELD_SERIES, N_("Cells in series"), NULL, 1, 20000, 1, 0, 1.0 },
  { PS_PACK_DESIGN_FIELD_PARALLEL, N_("Cells in parallel"), NULL, 1, 2000, 1, 0, 1.0 },
  { PS_PACK_DESIGN_FIELD_CELLS_PER_MODULE, N_("Cells per module"),
    N_("Whole parallel groups"), 1, 100000, 1, 0, 1.0 },
  { PS_PACK_DESIGN_FIELD_STACKS, N_("Stacks"), N_("Side by side, 50 mm apart"), 1, 100, 1, 0, 1.0 },
  { PS_PACK_DESIGN_FIELD_MODULE_COLUMNS, N_("Module columns"), N_("Per stack"), 1, 1000, 1, 0, 1.0 },
  { PS_PACK_DESIGN_FIELD_MODULE_ROWS, N_("Module rows"), N_("Per stack"), 1, 1000, 1, 0, 1.0 },
  { PS_PACK_DESIGN_FIELD_CELL_GAP, N_("Gap between cells"), N_("mm"), 0, 200, 0.1, 1, 1e-3 },
  { PS_PACK_DESIGN_FIELD_MODULE_GAP, N_("Gap between modules"), N_("mm"), 0, 2000, 1, 0, 1e-3 },
  { PS_PACK_DESIGN_FIELD_H, N_("Heat transfer coefficient"), N_("W/m²K"), 0, 100000, 1, 1, 1.0 },
  { PS_PACK_DESIGN_FIELD_AREA_FRACTION, N_("Surface cooled"), N_("% of each cell's surface"),
    0, 200, 1, 0, 0.01 },
  { PS_PACK_DESIGN_FIELD_COOLANT_FLOW, N_("Coolant flow"), N_("g/s through each module"),
    0, 100000, 1, 1, 1e-3 },
};

#define N_FIELD_SPECS G_N_ELEMENTS (field_specs)

typedef struct
{
  AdwActionRow  *row;
  GtkSpinButton *spin;
} FieldRow;

struct _PsPackBuilder
{
  AdwWindow          parent_instance;

  PsWindow          *window;         /* weak */
  PsScenario        *base;
  GPtrArray         *cells;          /* PsCellType, in the cell row's order */
  GtkStringList     *cell_names;

  AdwEntryRow       *name_row;
  AdwComboRow       *cell_row;
  AdwComboRow       *cooling_row;
  FieldRow           fields[N_FIELD_SPECS];
  GtkLabel          *error_label;    /* an error about no one choice */
  GtkLabel          *summary_label;
  GtkWidget         *preview;
  GtkFileChooserNative *chooser;

  PsScenario        *built;          /* NULL while a choice is refused */
  PsFrame           *frame;          /* the last pack that built, drawn */
  PsRenderStyle      style;
  char              *error;
  PsPackDesignField  error_field;
  guint              rebuild_id;
  gboolean           setting;        /* the builder, not the user, sets rows */
};

G_DEFINE_FINAL_TYPE (PsPackBuilder, ps_pack_builder, ADW_TYPE_WINDOW)

/* the index of field's spec and row, N_FIELD_SPECS for a choice that is
 * not a number */
static guint
field_index (PsPackDesignField field)
{
  for (guint i = 0; i < N_FIELD_SPECS; i++)
    if (field_specs[i].field == field)
      return i;
  return N_FIELD_SPECS;
}

static double
field_value (PsPackBuilder     *self,
             PsPackDesignField  field)
{
  guint i = field_index (field);

  g_return_val_if_fail (i < N_FIELD_SPECS, 0.0);
  return gtk_spin_button_get_value (self->fields[i].spin) * field_specs[i].scale;
}

static void
set_field_value (PsPackBuilder     *self,
                 PsPackDesignField  field,
                 double             value)
{
  guint i = field_index (field);

  g_return_if_fail (i < N_FIELD_SPECS);
  gtk_spin_button_set_value (self->fields[i].spin, value / field_specs[i].scale);
}

static const PsCellType *
selected_cell (PsPackBuilder *self)
{
  guint i = adw_combo_row_get_selected (self->cell_row);

  return i < self->cells->len ? g_ptr_array_index (self->cells, i) : NULL;
}

static PsCoolingKind
selected_cooling (PsPackBuilder *self)
{
  return adw_combo_row_get_selected (self->cooling_row) == 1 ? PS_COOLING_COLD_PLATE
                                                             : PS_COOLING_AIR;
}

static void
read_design (PsPackBuilder *self,
             PsPackDesign  *design)
{
  design->name = g_strdup (gtk_editable_get_text (GTK_EDITABLE (self->name_row)));
  design->n_series = (guint) field_value (self, PS_PACK_DESIGN_FIELD_SERIES);
  design->n_parallel = (guint) field_value (self, PS_PACK_DESIGN_FIELD_PARALLEL);
  design->cells_per_module = (guint) field_value (self, PS_PACK_DESIGN_FIELD_CELLS_PER_MODULE);
  design->stacks = (guint) field_value (self, PS_PACK_DESIGN_FIELD_STACKS);
  design->module_columns = (guint) field_value (self, PS_PACK_DESIGN_FIELD_MODULE_COLUMNS);
  design->module_rows = (guint) field_value (self, PS_PACK_DESIGN_FIELD_MODULE_ROWS);
  design->cell_gap_m = field_value (self, PS_PACK_DESIGN_FIELD_CELL_GAP);
  design->module_gap_m = field_value (self, PS_PACK_DESIGN_FIELD_MODULE_GAP);
  design->cooling = selected_cooling (self);
  design->h_w_m2k = field_value (self, PS_PACK_DESIGN_FIELD_H);
  design->area_fraction = field_value (self, PS_PACK_DESIGN_FIELD_AREA_FRACTION);
  design->coolant_flow_kg_s = field_value (self, PS_PACK_DESIGN_FIELD_COOLANT_FLOW);
}

/* The row an error is shown under: a numeric choice's, the name's, the
 * cell's or the cooling's; NULL for the pack as a whole */
GtkWidget *
ps_pack_builder_get_row (PsPackBuilder     *self,
                         PsPackDesignField  field)
{
  guint i = field_index (field);

  g_return_val_if_fail (PS_IS_PACK_BUILDER (self), NULL);

  switch (field)
    {
    case PS_PACK_DESIGN_FIELD_NAME:
      return GTK_WIDGET (self->name_row);
    case PS_PACK_DESIGN_FIELD_CELL:
      return GTK_WIDGET (self->cell_row);
    case PS_PACK_DESIGN_FIELD_COOLING:
      return GTK_WIDGET (self->cooling_row);
    case PS_PACK_DESIGN_FIELD_NONE:
      return NULL;
    default:
      return i < N_FIELD_SPECS ? GTK_WIDGET (self->fields[i].row) : NULL;
    }
}

/* The engine's message without its "pack builder: " source, which the
 * dialog is */
static const char *
error_text (const char *message)
{
  const char *prefix = "pack builder: ";

  return g_str_has_prefix (message, prefix) ? message + strlen (prefix) : message;
}

static void
show_error (PsPackBuilder *self)
{
  GtkWidget *error_row = self->error != NULL ? ps_pack_builder_get_row (self, self->error_field) : NULL;

  for (guint i = 0; i < N_FIELD_SPECS; i++)
    {
      gboolean bad = GTK_WIDGET (self->fields[i].row) == error_row;
      const char *subtitle = field_specs[i].subtitle != NULL ? _(field_specs[i].subtitle) : NULL;
      g_autofree char *text = NULL;

      if (bad)
        text = subtitle != NULL ? g_strdup_printf ("%s — %s", subtitle, error_text (self->error))
                                : g_strdup (error_text (self->error));
      adw_action_row_set_subtitle (self->fields[i].row, bad ? text : subtitle != NULL ? subtitle : "");
      if (bad)
        {
          gtk_widget_add_css_class (GTK_WIDGET (self->fields[i].row), "error");
          gtk_widget_add_css_class (GTK_WIDGET (self->fields[i].spin), "error");
        }
      else
        {
          gtk_widget_remove_css_class (GTK_WIDGET (self->fields[i].row), "error");
          gtk_widget_remove_css_class (GTK_WIDGET (self->fields[i].spin), "error");
        }
    }

  /* the name, cell and cooling rows say it in their subtitle / title */
  if (GTK_WIDGET (self->name_row) == error_row)
    gtk_widget_add_css_class (GTK_WIDGET (self->name_row), "error");
  else
    gtk_widget_remove_css_class (GTK_WIDGET (self->name_row), "error");
  adw_action_row_set_subtitle (ADW_ACTION_ROW (self->cell_row),
                               GTK_WIDGET (self->cell_row) == error_row ? error_text (self->error) : "");
  adw_action_row_set_subtitle (ADW_ACTION_ROW (self->cooling_row),
                               GTK_WIDGET (self->cooling_row) == error_row ? error_text (self->error) : "");

  /* an error about no row with a row of its own (the name's entry row has
   * no subtitle) */
  if (self->error != NULL &&
      (error_row == NULL || error_row == GTK_WIDGET (self->name_row)))
    {
      gtk_label_set_label (self->error_label, error_text (self->error));
      gtk_widget_set_visible (GTK_WIDGET (self->error_label), TRUE);
    }
  else
    gtk_widget_set_visible (GTK_WIDGET (self->error_label), FALSE);

  gtk_widget_action_set_enabled (GTK_WIDGET (self), "builder.run", self->built != NULL);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "builder.save", self->built != NULL);

  /* the layout drawn is the last pack that built: dimmed while a choice
   * is refused, so it does not pass for the one asked for */
  gtk_widget_set_opacity (self->preview, self->error != NULL ? 0.35 : 1.0);
  gtk_widget_set_opacity (GTK_WIDGET (self->summary_label), self->error != NULL ? 0.35 : 1.0);
}

static void
update_summary (PsPackBuilder *self)
{
  const PsPackInfo *info;
  const PsCellType *cell;
  g_autofree char *text = NULL;
  double energy_kwh;

  if (self->built == NULL)
    return;

  info = ps_pack_get_info (ps_scenario_get_pack (self->built));
  cell = ps_scenario_get_cell (self->built);
  energy_kwh = info->n_cells * cell->capacity_ah * cell->voltage_nominal_v / 1000.0;
  /* Translators: cells, modules, arrangement, energy, outline size */
  text = g_strdup_printf (_("%u cells in %u modules, %uS%uP, %.3g kWh, %.2f × %.2f m"),
                          info->n_cells, info->n_modules, info->n_series, info->n_parallel,
                          energy_kwh, info->bounds.w, info->bounds.h);
  gtk_label_set_label (self->summary_label, text);
}

void
ps_pack_builder_rebuild (PsPackBuilder *self)
{
  g_auto(PsPackDesign) design = { 0 };
  g_autoptr(GError) error = NULL;
  const PsCellType *cell;
  PsPackDesignField field = PS_PACK_DESIGN_FIELD_NONE;
  PsScenario *built = NULL;

  g_return_if_fail (PS_IS_PACK_BUILDER (self));

  g_clear_handle_id (&self->rebuild_id, g_source_remove);

  read_design (self, &design);
  cell = selected_cell (self);
  if (cell == NULL)
    g_set_error (&error, PS_ENGINE_ERROR, PS_ENGINE_ERROR_INVALID, "%s", _("Choose a cell"));
  else
    built = ps_scenario_new_from_design (self->base, &design, cell, &field, &error);

  g_clear_pointer (&self->built, ps_scenario_free);
  g_clear_pointer (&self->error, g_free);
  self->built = built;
  if (built == NULL)
    {
      self->error = g_strdup (error->message);
      self->error_field = cell == NULL ? PS_PACK_DESIGN_FIELD_CELL : field;
    }
  else
    {
      PsFrame *frame = ps_frame_new (ps_scenario_get_pack (built));
      double soc = ps_scenario_get_initial_soc (built);
      double temp_k = ps_scenario_get_initial_temp_k (built);

      /* the pack as it starts: every cell at the initial SOC */
      for (guint c = 0; c < frame->n_cells; c++)
        {
          frame->cell_soc[c] = soc;
          frame->cell_temp_k[c] = temp_k;
        }
      frame->ambient_k = ps_scenario_get_ambient_k (built);
      frame->pack_soc = soc;
      ps_frame_update_extremes (frame);
      g_clear_pointer (&self->frame, ps_frame_unref);
      self->frame = frame;
      update_summary (self);
      gtk_widget_queue_draw (self->preview);
    }

  show_error (self);
}

static gboolean
rebuild_timeout (gpointer user_data)
{
  PsPackBuilder *self = user_data;

  self->rebuild_id = 0;
  ps_pack_builder_rebuild (self);
  return G_SOURCE_REMOVE;
}

static void
schedule_rebuild (PsPackBuilder *self)
{
  if (self->setting)
    return;
  g_clear_handle_id (&self->rebuild_id, g_source_remove);
  self->rebuild_id = g_timeout_add (REBUILD_DELAY_MS, rebuild_timeout, self);
}

static void
update_cooling_rows (PsPackBuilder *self)
{
  gboolean plate = selected_cooling (self) == PS_COOLING_COLD_PLATE;

  gtk_widget_set_visible (ps_pack_builder_get_row (self, PS_PACK_DESIGN_FIELD_COOLANT_FLOW), plate);
  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (ps_pack_builder_get_row (self, PS_PACK_DESIGN_FIELD_AREA_FRACTION)),
                                 plate ? _("Contact with the plate") : _("Surface exposed"));
}

static void
on_cooling_changed (PsPackBuilder *self)
{
  update_cooling_rows (self);
  if (self->setting)
    return;

  /* typical values of the kind chosen, as the presets have them */
  self->setting = TRUE;
  if (selected_cooling (self) == PS_COOLING_COLD_PLATE)
    {
      set_field_value (self, PS_PACK_DESIGN_FIELD_H, 500.0);
      set_field_value (self, PS_PACK_DESIGN_FIELD_AREA_FRACTION, 0.15);
    }
  else
    {
      set_field_value (self, PS_PACK_DESIGN_FIELD_H, 5.0);
      set_field_value (self, PS_PACK_DESIGN_FIELD_AREA_FRACTION, 0.3);
    }
  self->setting = FALSE;
  schedule_rebuild (self);
}

static void
preview_draw (GtkDrawingArea *area,
              cairo_t        *cr,
              int             width,
              int             height,
              gpointer        user_data)
{
  PsPackBuilder *self = user_data;

  if (self->frame == NULL)
    return;
  _ps_view_apply_theme (GTK_WIDGET (area), &self->style);
  self->style.draw_background = FALSE;
  ps_render_layout (cr, self->frame, &self->style, width, height);
}

/* cells */

static guint
add_cell (PsPackBuilder *self,
          PsCellType    *cell,
          const char    *label)
{
  /* a cell with the id of one listed replaces it */
  for (guint i = 0; i < self->cells->len; i++)
    {
      PsCellType *known = g_ptr_array_index (self->cells, i);

      if (g_str_equal (known->id, cell->id))
        {
          self->cells->pdata[i] = cell;
          ps_cell_type_free (known);
          gtk_string_list_splice (self->cell_names, i, 1, (const char * const[]) { label, NULL });
          return i;
        }
    }

  g_ptr_array_add (self->cells, cell);
  gtk_string_list_append (self->cell_names, label);
  return self->cells->len - 1;
}

gboolean
ps_pack_builder_select_cell (PsPackBuilder *self,
                             const char    *id)
{
  g_return_val_if_fail (PS_IS_PACK_BUILDER (self), FALSE);

  for (guint i = 0; i < self->cells->len; i++)
    if (g_str_equal (((PsCellType *) g_ptr_array_index (self->cells, i))->id, id))
      {
        adw_combo_row_set_selected (self->cell_row, i);
        return TRUE;
      }
  return FALSE;
}

gboolean
ps_pack_builder_add_cell_file (PsPackBuilder  *self,
                               const char     *path,
                               GError        **error)
{
  PsCellType *cell;
  g_autofree char *basename = NULL;
  g_autofree char *label = NULL;
  guint index;

  g_return_val_if_fail (PS_IS_PACK_BUILDER (self), FALSE);

  cell = ps_cell_type_new_from_file (path, error);
  if (cell == NULL)
    return FALSE;

  basename = g_path_get_basename (path);
  label = g_strdup_printf ("%s (%s)", cell->name, basename);
  index = add_cell (self, cell, label);
  adw_combo_row_set_selected (self->cell_row, index);
  schedule_rebuild (self);
  return TRUE;
}

static void
cell_file_response (GtkNativeDialog *dialog,
                    int              response,
                    PsPackBuilder   *self)
{
  if (response == GTK_RESPONSE_ACCEPT)
    {
      g_autoptr(GFile) file = gtk_file_chooser_get_file (GTK_FILE_CHOOSER (dialog));
      g_autofree char *path = file != NULL ? g_file_get_path (file) : NULL;
      g_autoptr(GError) error = NULL;

      if (path != NULL && !ps_pack_builder_add_cell_file (self, path, &error))
        {
          g_clear_pointer (&self->error, g_free);
          g_clear_pointer (&self->built, ps_scenario_free);
          self->error = g_strdup (error->message);
          self->error_field = PS_PACK_DESIGN_FIELD_CELL;
          show_error (self);
        }
    }

  g_signal_handlers_disconnect_by_data (dialog, self);
  gtk_native_dialog_destroy (dialog);
  g_clear_object (&self->chooser);
}

static void
cell_file_action (GtkWidget  *widget,
                  const char *action_name,
                  GVariant   *param)
{
  PsPackBuilder *self = PS_PACK_BUILDER (widget);
  g_autoptr(GtkFileFilter) filter = gtk_file_filter_new ();

  if (self->chooser != NULL)
    return;

  self->chooser = gtk_file_chooser_native_new (_("Open a Cell"), GTK_WINDOW (self),
                                               GTK_FILE_CHOOSER_ACTION_OPEN,
                                               _("_Open"), _("_Cancel"));
  gtk_file_filter_set_name (filter, _("Packscope cells (*.json)"));
  gtk_file_filter_add_pattern (filter, "*.json");
  gtk_file_chooser_add_filter (GTK_FILE_CHOOSER (self->chooser), filter);
  gtk_native_dialog_set_modal (GTK_NATIVE_DIALOG (self->chooser), TRUE);
  g_signal_connect (self->chooser, "response", G_CALLBACK (cell_file_response), self);
  gtk_native_dialog_show (GTK_NATIVE_DIALOG (self->chooser));
}

/* run and save */

static void
run_action (GtkWidget  *widget,
            const char *action_name,
            GVariant   *param)
{
  PsPackBuilder *self = PS_PACK_BUILDER (widget);
  g_autoptr(GError) error = NULL;

  ps_pack_builder_rebuild (self);
  if (self->built == NULL || self->window == NULL)
    return;

  if (!ps_window_set_scenario (self->window, self->built, &error))
    {
      ps_window_toast (self->window, error->message);
      return;
    }
  _ps_window_set_scenario_file (self->window, NULL);
  ps_window_set_playing (self->window, TRUE);
  gtk_window_destroy (GTK_WINDOW (self));
}

static void
save_action (GtkWidget  *widget,
             const char *action_name,
             GVariant   *param)
{
  PsPackBuilder *self = PS_PACK_BUILDER (widget);

  ps_pack_builder_rebuild (self);
  if (self->built == NULL || self->window == NULL)
    return;

  /* the window asks where, saves, runs it and remembers the file */
  _ps_window_save_scenario_as (self->window, self->built, GTK_WINDOW (self));
}

static void
cancel_action (GtkWidget  *widget,
               const char *action_name,
               GVariant   *param)
{
  gtk_window_destroy (GTK_WINDOW (widget));
}

/* setters for tests and scripts */

void
ps_pack_builder_set_value (PsPackBuilder     *self,
                           PsPackDesignField  field,
                           double             value)
{
  g_return_if_fail (PS_IS_PACK_BUILDER (self));
  set_field_value (self, field, value);
}

void
ps_pack_builder_set_cooling (PsPackBuilder *self,
                             PsCoolingKind  cooling)
{
  g_return_if_fail (PS_IS_PACK_BUILDER (self));
  adw_combo_row_set_selected (self->cooling_row, cooling == PS_COOLING_COLD_PLATE ? 1 : 0);
}

void
ps_pack_builder_set_name (PsPackBuilder *self,
                          const char    *name)
{
  g_return_if_fail (PS_IS_PACK_BUILDER (self));
  gtk_editable_set_text (GTK_EDITABLE (self->name_row), name);
}

const PsScenario *
ps_pack_builder_get_scenario (PsPackBuilder *self)
{
  g_return_val_if_fail (PS_IS_PACK_BUILDER (self), NULL);
  return self->built;
}

const char *
ps_pack_builder_get_error (PsPackBuilder     *self,
                           PsPackDesignField *field)
{
  g_return_val_if_fail (PS_IS_PACK_BUILDER (self), NULL);
  if (field != NULL)
    *field = self->error != NULL ? self->error_field : PS_PACK_DESIGN_FIELD_NONE;
  return self->error;
}

GtkWidget *
ps_pack_builder_get_preview (PsPackBuilder *self)
{
  g_return_val_if_fail (PS_IS_PACK_BUILDER (self), NULL);
  return self->preview;
}

/* the dialog */

static AdwPreferencesGroup *
add_group (AdwPreferencesPage *page,
           const char         *title)
{
  AdwPreferencesGroup *group = ADW_PREFERENCES_GROUP (adw_preferences_group_new ());

  adw_preferences_group_set_title (group, title);
  adw_preferences_page_add (page, group);
  return group;
}

static void
add_field_row (PsPackBuilder       *self,
               AdwPreferencesGroup *group,
               guint                i)
{
  const FieldSpec *spec = &field_specs[i];
  GtkAdjustment *adjustment = gtk_adjustment_new (spec->lower, spec->lower, spec->upper,
                                                  spec->step, spec->step * 10, 0);
  AdwActionRow *row = ADW_ACTION_ROW (adw_action_row_new ());
  GtkWidget *spin = gtk_spin_button_new (adjustment, spec->step, spec->digits);

  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), _(spec->title));
  if (spec->subtitle != NULL)
    adw_action_row_set_subtitle (row, _(spec->subtitle));
  adw_action_row_set_subtitle_lines (row, 0);
  gtk_widget_set_valign (spin, GTK_ALIGN_CENTER);
  gtk_spin_button_set_numeric (GTK_SPIN_BUTTON (spin), TRUE);
  gtk_accessible_update_property (GTK_ACCESSIBLE (spin), GTK_ACCESSIBLE_PROPERTY_LABEL,
                                  _(spec->title), -1);
  adw_action_row_add_suffix (row, spin);
  adw_action_row_set_activatable_widget (row, spin);
  adw_preferences_group_add (group, GTK_WIDGET (row));
  g_signal_connect_swapped (spin, "value-changed", G_CALLBACK (schedule_rebuild), self);

  self->fields[i].row = row;
  self->fields[i].spin = GTK_SPIN_BUTTON (spin);
}

static void
build_dialog (PsPackBuilder *self)
{
  GtkWidget *toolbar = gtk_box_new (GTK_ORIENTATION_VERTICAL, 0);
  GtkWidget *header = adw_header_bar_new ();
  GtkWidget *cancel = gtk_button_new_with_mnemonic (_("_Cancel"));
  GtkWidget *run = gtk_button_new_with_mnemonic (_("_Run"));
  GtkWidget *save = gtk_button_new_with_mnemonic (_("_Save…"));
  GtkWidget *body = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 0);
  GtkWidget *page = adw_preferences_page_new ();
  GtkWidget *side = gtk_box_new (GTK_ORIENTATION_VERTICAL, 6);
  GtkWidget *file_button = gtk_button_new_from_icon_name ("document-open-symbolic");
  GtkWidget *frame = gtk_frame_new (NULL);
  AdwPreferencesGroup *group;
  const char * const cooling_kinds[] = { _("Air"), _("Cold plate"), NULL };

  gtk_window_set_title (GTK_WINDOW (self), _("Build a Pack"));
  gtk_window_set_default_size (GTK_WINDOW (self), 1000, 700);

  gtk_actionable_set_action_name (GTK_ACTIONABLE (cancel), "builder.cancel");
  gtk_actionable_set_action_name (GTK_ACTIONABLE (run), "builder.run");
  gtk_actionable_set_action_name (GTK_ACTIONABLE (save), "builder.save");
  gtk_widget_add_css_class (run, "suggested-action");
  gtk_widget_set_tooltip_text (run, _("Run this pack now with the window's protocol"));
  gtk_widget_set_tooltip_text (save, _("Save this pack's scenario as a file and run it"));
  adw_header_bar_pack_start (ADW_HEADER_BAR (header), cancel);
  adw_header_bar_pack_end (ADW_HEADER_BAR (header), run);
  adw_header_bar_pack_end (ADW_HEADER_BAR (header), save);
  adw_header_bar_set_show_end_title_buttons (ADW_HEADER_BAR (header), FALSE);
  adw_header_bar_set_show_start_title_buttons (ADW_HEADER_BAR (header), FALSE);
  gtk_box_append (GTK_BOX (toolbar), header);

  /* the choices */
  gtk_widget_set_size_request (page, 340, -1);
  group = add_group (ADW_PREFERENCES_PAGE (page), _("Cell"));
  self->name_row = ADW_ENTRY_ROW (adw_entry_row_new ());
  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (self->name_row), _("Pack name"));
  adw_preferences_group_add (group, GTK_WIDGET (self->name_row));
  self->cell_row = ADW_COMBO_ROW (adw_combo_row_new ());
  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (self->cell_row), _("Cell"));
  adw_action_row_set_subtitle_lines (ADW_ACTION_ROW (self->cell_row), 0);
  adw_combo_row_set_model (self->cell_row, G_LIST_MODEL (self->cell_names));
  gtk_widget_set_valign (file_button, GTK_ALIGN_CENTER);
  gtk_widget_add_css_class (file_button, "flat");
  gtk_widget_set_tooltip_text (file_button, _("Open a cell from a file"));
  gtk_actionable_set_action_name (GTK_ACTIONABLE (file_button), "builder.cell-file");
  adw_action_row_add_suffix (ADW_ACTION_ROW (self->cell_row), file_button);
  adw_preferences_group_add (group, GTK_WIDGET (self->cell_row));

  group = add_group (ADW_PREFERENCES_PAGE (page), _("Electrical"));
  for (guint i = 0; i < 3; i++)
    add_field_row (self, group, i);

  group = add_group (ADW_PREFERENCES_PAGE (page), _("Arrangement"));
  for (guint i = 3; i < 8; i++)
    add_field_row (self, group, i);

  group = add_group (ADW_PREFERENCES_PAGE (page), _("Cooling"));
  self->cooling_row = ADW_COMBO_ROW (adw_combo_row_new ());
  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (self->cooling_row), _("Cooling"));
  adw_action_row_set_subtitle_lines (ADW_ACTION_ROW (self->cooling_row), 0);
  adw_combo_row_set_model (self->cooling_row,
                           G_LIST_MODEL (gtk_string_list_new (cooling_kinds)));
  adw_preferences_group_add (group, GTK_WIDGET (self->cooling_row));
  for (guint i = 8; i < N_FIELD_SPECS; i++)
    add_field_row (self, group, i);

  /* the layout, live */
  self->preview = gtk_drawing_area_new ();
  gtk_widget_set_hexpand (self->preview, TRUE);
  gtk_widget_set_vexpand (self->preview, TRUE);
  gtk_widget_set_size_request (self->preview, 240, 200);
  gtk_drawing_area_set_draw_func (GTK_DRAWING_AREA (self->preview), preview_draw, self, NULL);
  gtk_accessible_update_property (GTK_ACCESSIBLE (self->preview), GTK_ACCESSIBLE_PROPERTY_LABEL,
                                  _("Layout of the pack being built"), -1);
  gtk_frame_set_child (GTK_FRAME (frame), self->preview);
  gtk_widget_add_css_class (frame, "view");

  self->summary_label = GTK_LABEL (gtk_label_new (NULL));
  gtk_label_set_wrap (self->summary_label, TRUE);
  gtk_label_set_xalign (self->summary_label, 0.0);
  self->error_label = GTK_LABEL (gtk_label_new (NULL));
  gtk_label_set_wrap (self->error_label, TRUE);
  gtk_label_set_xalign (self->error_label, 0.0);
  gtk_widget_add_css_class (GTK_WIDGET (self->error_label), "error");
  gtk_widget_set_visible (GTK_WIDGET (self->error_label), FALSE);

  gtk_widget_set_margin_start (side, 12);
  gtk_widget_set_margin_end (side, 12);
  gtk_widget_set_margin_top (side, 12);
  gtk_widget_set_margin_bottom (side, 12);
  gtk_widget_set_hexpand (side, TRUE);
  gtk_box_append (GTK_BOX (side), frame);
  gtk_box_append (GTK_BOX (side), GTK_WIDGET (self->summary_label));
  gtk_box_append (GTK_BOX (side), GTK_WIDGET (self->error_label));

  gtk_widget_set_vexpand (body, TRUE);
  gtk_box_append (GTK_BOX (body), page);
  gtk_box_append (GTK_BOX (body), gtk_separator_new (GTK_ORIENTATION_VERTICAL));
  gtk_box_append (GTK_BOX (body), side);
  gtk_box_append (GTK_BOX (toolbar), body);

  adw_window_set_content (ADW_WINDOW (self), toolbar);

  g_signal_connect_swapped (self->name_row, "changed", G_CALLBACK (schedule_rebuild), self);
  g_signal_connect_swapped (self->cell_row, "notify::selected", G_CALLBACK (schedule_rebuild), self);
  g_signal_connect_swapped (self->cooling_row, "notify::selected", G_CALLBACK (on_cooling_changed), self);
}

/* The choices of the window's scenario: its pack laid out by the builder's
 * rules, its cell selected */
static void
load_base (PsPackBuilder *self)
{
  g_auto(PsPackDesign) design = { 0 };
  g_auto(GStrv) ids = ps_cell_type_list_builtin ();
  const PsCellType *cell = ps_scenario_get_cell (self->base);

  for (guint i = 0; ids[i] != NULL; i++)
    {
      PsCellType *builtin = ps_cell_type_new_from_id (ids[i], NULL);

      if (builtin != NULL)
        add_cell (self, builtin, builtin->name);
    }
  /* the scenario's own cell (maybe from a file) is there as it has it */
  if (!ps_pack_builder_select_cell (self, cell->id))
    adw_combo_row_set_selected (self->cell_row,
                                add_cell (self, ps_cell_type_copy (cell), cell->name));

  ps_pack_design_init_from_pack (&design, ps_scenario_get_pack (self->base), cell);
  gtk_editable_set_text (GTK_EDITABLE (self->name_row), design.name);
  set_field_value (self, PS_PACK_DESIGN_FIELD_SERIES, design.n_series);
  set_field_value (self, PS_PACK_DESIGN_FIELD_PARALLEL, design.n_parallel);
  set_field_value (self, PS_PACK_DESIGN_FIELD_CELLS_PER_MODULE, design.cells_per_module);
  set_field_value (self, PS_PACK_DESIGN_FIELD_STACKS, design.stacks);
  set_field_value (self, PS_PACK_DESIGN_FIELD_MODULE_COLUMNS, design.module_columns);
  set_field_value (self, PS_PACK_DESIGN_FIELD_MODULE_ROWS, design.module_rows);
  set_field_value (self, PS_PACK_DESIGN_FIELD_CELL_GAP, design.cell_gap_m);
  set_field_value (self, PS_PACK_DESIGN_FIELD_MODULE_GAP, design.module_gap_m);
  adw_combo_row_set_selected (self->cooling_row, design.cooling == PS_COOLING_COLD_PLATE ? 1 : 0);
  update_cooling_rows (self);
  set_field_value (self, PS_PACK_DESIGN_FIELD_H, design.h_w_m2k);
  set_field_value (self, PS_PACK_DESIGN_FIELD_AREA_FRACTION, design.area_fraction);
  set_field_value (self, PS_PACK_DESIGN_FIELD_COOLANT_FLOW, design.coolant_flow_kg_s);
}

static void
ps_pack_builder_dispose (GObject *object)
{
  PsPackBuilder *self = PS_PACK_BUILDER (object);

  g_clear_handle_id (&self->rebuild_id, g_source_remove);
  if (self->chooser != NULL)
    {
      g_signal_handlers_disconnect_by_data (self->chooser, self);
      gtk_native_dialog_destroy (GTK_NATIVE_DIALOG (self->chooser));
      g_clear_object (&self->chooser);
    }
  if (self->window != NULL)
    g_object_remove_weak_pointer (G_OBJECT (self->window), (gpointer *) &self->window);
  self->window = NULL;

  G_OBJECT_CLASS (ps_pack_builder_parent_class)->dispose (object);
}

static void
ps_pack_builder_finalize (GObject *object)
{
  PsPackBuilder *self = PS_PACK_BUILDER (object);

  g_clear_pointer (&self->base, ps_scenario_free);
  g_clear_pointer (&self->built, ps_scenario_free);
  g_clear_pointer (&self->frame, ps_frame_unref);
  g_clear_pointer (&self->cells, g_ptr_array_unref);
  g_clear_object (&self->cell_names);
  g_free (self->error);

  G_OBJECT_CLASS (ps_pack_builder_parent_class)->finalize (object);
}

static void
ps_pack_builder_class_init (PsPackBuilderClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = ps_pack_builder_dispose;
  object_class->finalize = ps_pack_builder_finalize;

  gtk_widget_class_install_action (widget_class, "builder.run", NULL, run_action);
  gtk_widget_class_install_action (widget_class, "builder.save", NULL, save_action);
  gtk_widget_class_install_action (widget_class, "builder.cancel", NULL, cancel_action);
  gtk_widget_class_install_action (widget_class, "builder.cell-file", NULL, cell_file_action);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_Escape, 0, "builder.cancel", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_Return, GDK_CONTROL_MASK,
                                       "builder.run", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_s, GDK_CONTROL_MASK,
                                       "builder.save", NULL);
}

static void
ps_pack_builder_init (PsPackBuilder *self)
{
  self->cells = g_ptr_array_new_with_free_func ((GDestroyNotify) ps_cell_type_free);
  self->cell_names = gtk_string_list_new (NULL);
  ps_render_style_init_default (&self->style);
  self->style.quantity = PS_QUANTITY_SOC;
  build_dialog (self);
}

PsPackBuilder *
ps_pack_builder_new (PsWindow *window)
{
  PsPackBuilder *self;
  const PsScenario *scenario;

  g_return_val_if_fail (PS_IS_WINDOW (window), NULL);
  scenario = ps_window_get_scenario (window);
  g_return_val_if_fail (scenario != NULL, NULL);

  self = g_object_new (PS_TYPE_PACK_BUILDER,
                       "transient-for", window,
                       "modal", TRUE,
                       "destroy-with-parent", TRUE,
                       NULL);
  self->window = window;
  g_object_add_weak_pointer (G_OBJECT (window), (gpointer *) &self->window);
  self->base = ps_scenario_copy (scenario);

  self->setting = TRUE;
  load_base (self);
  self->setting = FALSE;
  ps_pack_builder_rebuild (self);

  return self;
}
