/* ps-preferences-window.c: colour map, units and default speed
 *
 * The rows are bound to GSettings; the main window listens to the same keys
 * and applies them to its views as they change.
 */
#include "config.h"

#include <glib/gi18n.h>

#include "ps-app-resources.h"
#include "ps-preferences-window.h"

struct _PsPreferencesWindow
{
  AdwPreferencesWindow  parent_instance;

  AdwPreferencesGroup  *display_group;
  AdwComboRow          *colormap_row;
  AdwComboRow          *temperature_row;
  AdwComboRow          *power_row;
  AdwComboRow          *speed_row;

  GSettings            *settings;
};

G_DEFINE_FINAL_TYPE (PsPreferencesWindow, ps_preferences_window, ADW_TYPE_PREFERENCES_WINDOW)

static const char *colormaps[] = { "auto", "viridis", "inferno", "diverging", NULL };
static const char *temperature_units[] = { "celsius", "kelvin", NULL };
static const char *power_units[] = { "kilowatt", "watt", NULL };
static const double speeds[] = { 1.0, 10.0, 60.0, 600.0, 3600.0 };

/* string key <-> "selected" of a combo row; the choices ride in user_data */
static gboolean
string_to_selected (GValue   *value,
                    GVariant *variant,
                    gpointer  user_data)
{
  const char * const *choices = user_data;
  const char *s = g_variant_get_string (variant, NULL);

  for (guint i = 0; choices[i] != NULL; i++)
    if (g_str_equal (choices[i], s))
      {
        g_value_set_uint (value, i);
        return TRUE;
      }

  g_value_set_uint (value, 0);
  return TRUE;
}

static GVariant *
selected_to_string (const GValue       *value,
                    const GVariantType *expected_type,
                    gpointer            user_data)
{
  const char * const *choices = user_data;
  guint selected = g_value_get_uint (value);

  if (selected >= g_strv_length ((char **) choices))
    return NULL;

  return g_variant_new_string (choices[selected]);
}

static gboolean
speed_to_selected (GValue   *value,
                   GVariant *variant,
                   gpointer  user_data)
{
  double speed = g_variant_get_double (variant);
  guint best = 0;

  for (guint i = 1; i < G_N_ELEMENTS (speeds); i++)
    if (ABS (speeds[i] - speed) < ABS (speeds[best] - speed))
      best = i;

  g_value_set_uint (value, best);
  return TRUE;
}

static GVariant *
selected_to_speed (const GValue       *value,
                   const GVariantType *expected_type,
                   gpointer            user_data)
{
  guint selected = g_value_get_uint (value);

  if (selected >= G_N_ELEMENTS (speeds))
    return NULL;

  return g_variant_new_double (speeds[selected]);
}

static void
bind_choice (GSettings   *settings,
             const char  *key,
             AdwComboRow *row,
             const char **choices)
{
  g_settings_bind_with_mapping (settings, key, row, "selected",
                                G_SETTINGS_BIND_DEFAULT,
                                string_to_selected, selected_to_string,
                                (gpointer) choices, NULL);
}

GtkWidget *
ps_preferences_window_new (GSettings *settings)
{
  PsPreferencesWindow *self;

  g_return_val_if_fail (!settings || G_IS_SETTINGS (settings), NULL);

  self = g_object_new (PS_TYPE_PREFERENCES_WINDOW, NULL);

  if (settings == NULL)
    {
      adw_preferences_group_set_description (self->display_group,
        _("The settings schema io.github.packscope.Packscope is not installed, "
          "so preferences cannot be changed or kept. Install Packscope (meson install), "
          "or run it from its build tree, which finds the schema compiled there."));
      gtk_widget_set_sensitive (GTK_WIDGET (self->colormap_row), FALSE);
      gtk_widget_set_sensitive (GTK_WIDGET (self->temperature_row), FALSE);
      gtk_widget_set_sensitive (GTK_WIDGET (self->power_row), FALSE);
      gtk_widget_set_sensitive (GTK_WIDGET (self->speed_row), FALSE);
      return GTK_WIDGET (self);
    }

  self->settings = g_object_ref (settings);
  bind_choice (settings, "layout-colormap", self->colormap_row, colormaps);
  bind_choice (settings, "temperature-unit", self->temperature_row, temperature_units);
  bind_choice (settings, "power-unit", self->power_row, power_units);
  g_settings_bind_with_mapping (settings, "default-speed", self->speed_row, "selected",
                                G_SETTINGS_BIND_DEFAULT,
                                speed_to_selected, selected_to_speed,
                                NULL, NULL);

  return GTK_WIDGET (self);
}

static void
ps_preferences_window_dispose (GObject *object)
{
  PsPreferencesWindow *self = PS_PREFERENCES_WINDOW (object);

  g_clear_object (&self->settings);
  gtk_widget_dispose_template (GTK_WIDGET (self), PS_TYPE_PREFERENCES_WINDOW);

  G_OBJECT_CLASS (ps_preferences_window_parent_class)->dispose (object);
}

static void
ps_preferences_window_class_init (PsPreferencesWindowClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = ps_preferences_window_dispose;

  (void) ps_app_get_resource ();
  gtk_widget_class_set_template_from_resource (widget_class,
                                               RESOURCE_PREFIX "/ps-preferences-window.ui");
  gtk_widget_class_bind_template_child (widget_class, PsPreferencesWindow, display_group);
  gtk_widget_class_bind_template_child (widget_class, PsPreferencesWindow, colormap_row);
  gtk_widget_class_bind_template_child (widget_class, PsPreferencesWindow, temperature_row);
  gtk_widget_class_bind_template_child (widget_class, PsPreferencesWindow, power_row);
  gtk_widget_class_bind_template_child (widget_class, PsPreferencesWindow, speed_row);
}

static void
ps_preferences_window_init (PsPreferencesWindow *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
}
