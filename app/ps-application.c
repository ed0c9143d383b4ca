/* ps-application.c: the GApplication
 *
 * Opens one window on the last scenario (or the default preset), playing.
 * `--screenshot` is handled in handle-local-options: the application turns
 * non-unique (so a screenshot never talks to a running instance), registers
 * itself, renders the window and returns the exit code without activating.
 */
#include "config.h"

#include <glib/gi18n.h>

#include "ps-application.h"
#include "ps-gl-probe.h"
#include "ps-parse.h"
#include "ps-preferences-window.h"
#include "ps-screenshot.h"
#include "ps-window.h"

#include "ps-app-resources.h"

struct _PsApplication
{
  AdwApplication  parent_instance;

  GSettings      *settings;
  char           *scenario;        /* --scenario */
  char           *protocol;        /* --protocol */
};

G_DEFINE_FINAL_TYPE (PsApplication, ps_application, ADW_TYPE_APPLICATION)

static const GOptionEntry main_entries[] = {
  { "screenshot", 0, 0, G_OPTION_ARG_FILENAME, NULL,
    N_("Render the window to a PNG file and exit"), N_("FILE") },
  { "scenario", 0, 0, G_OPTION_ARG_STRING, NULL,
    N_("Open this preset id or scenario file"), N_("ID|FILE") },
  { "protocol", 0, 0, G_OPTION_ARG_STRING, NULL,
    N_("Replace the scenario's protocol, steps separated by ';'"), N_("TEXT") },
  { "run", 0, 0, G_OPTION_ARG_STRING, NULL,
    N_("Screenshot: simulated seconds to run first (default 0)"), N_("SECONDS") },
  { "size", 0, 0, G_OPTION_ARG_STRING, NULL,
    N_("Screenshot: size of the picture (default 1280x800)"), N_("WxH") },
  { "view", 0, 0, G_OPTION_ARG_STRING, NULL,
    N_("Screenshot: window, layout, curves, thermal, timeline, builder or editor (default window)"), N_("VIEW") },
  { "style", 0, 0, G_OPTION_ARG_STRING, NULL,
    N_("Screenshot: light or dark (default light)"), N_("STYLE") },
  { NULL }
};

static const struct {
  const char *action;
  const char *accels[3];
} accels[] = {
  /* the window's own shortcuts are bindings of its class
   * (ps-window-actions.c); show-help-overlay is GtkApplicationWindow's */
  { "win.show-help-overlay", { "<Control>question", NULL } },
  { "app.preferences", { "<Control>comma", NULL } },
  { "app.about", { "F1", NULL } },
  { "app.quit", { "<Control>q", NULL } },
};

PsApplication *
ps_application_new (void)
{
  return g_object_new (PS_TYPE_APPLICATION,
                       "application-id", APPLICATION_ID,
                       "resource-base-path", RESOURCE_PREFIX,
                       "flags", G_APPLICATION_DEFAULT_FLAGS,
                       NULL);
}

GSettings *
ps_application_get_settings (PsApplication *self)
{
  g_return_val_if_fail (PS_IS_APPLICATION (self), NULL);

  return self->settings;
}

/* TRUE when this program is the one built in PS_BUILD_ROOT (run from the
 * build tree, not installed) */
static gboolean
running_from_build_tree (void)
{
  g_autofree char *exe = g_file_read_link ("/proc/self/exe", NULL);
  g_autofree char *root = g_strconcat (PS_BUILD_ROOT, G_DIR_SEPARATOR_S, NULL);

  return exe != NULL && g_str_has_prefix (exe, root);
}

static GSettings *
lookup_settings (void)
{
  GSettingsSchemaSource *source = g_settings_schema_source_get_default ();
  g_autoptr(GSettingsSchemaSource) build_source = NULL;
  g_autoptr(GSettingsSchema) schema = NULL;

  if (source != NULL)
    schema = g_settings_schema_source_lookup (source, APPLICATION_ID, TRUE);
  /* not installed: from the build tree, the schema compiled there */
  if (schema == NULL && running_from_build_tree ())
    {
      build_source = g_settings_schema_source_new_from_directory (PS_BUILD_SCHEMA_DIR, source,
                                                                  FALSE, NULL);
      if (build_source != NULL)
        schema = g_settings_schema_source_lookup (build_source, APPLICATION_ID, TRUE);
    }
  if (schema == NULL)
    {
      g_debug ("GSettings schema %s is not installed: running on defaults", APPLICATION_ID);
      return NULL;
    }

  return g_settings_new_full (schema, NULL, NULL);
}

static void
quit_action (GSimpleAction *action,
             GVariant      *param,
             gpointer       user_data)
{
  GApplication *app = user_data;
  GList *windows = g_list_copy (gtk_application_get_windows (GTK_APPLICATION (app)));

  /* close the windows so they save their state */
  for (GList *l = windows; l != NULL; l = l->next)
    gtk_window_close (l->data);
  g_list_free (windows);
  g_application_quit (app);
}

GtkWidget *
ps_application_create_about_window (void)
{
  const char *developers[] = { _("The Packscope developers"), NULL };
  const char *translators;
  AdwAboutWindow *about;

  about = ADW_ABOUT_WINDOW (adw_about_window_new ());
  adw_about_window_set_application_name (about, "Packscope");
  adw_about_window_set_application_icon (about, APPLICATION_ID);
  adw_about_window_set_version (about, PACKAGE_VERSION);
  adw_about_window_set_developer_name (about, _("The Packscope developers"));
  /* Translators: your name(s), one a line, to be credited in the about window */
  translators = _("translator-credits");
  if (!g_str_equal (translators, "translator-credits"))
    adw_about_window_set_translator_credits (about, translators);
  adw_about_window_set_developers (about, developers);
  adw_about_window_set_license_type (about, GTK_LICENSE_GPL_3_0);
  adw_about_window_set_comments (about,
    _("A lab for lithium-ion battery packs: build a pack, run it through "
      "charges, discharges and drives, and watch its cells' voltage, state of "
      "charge and temperature, cell by cell."));
  adw_about_window_add_legal_section (about,
    _("Nissan Leaf cell measurements"),
    "Oak Ridge National Laboratory, via batterysim/equiv-circ-model",
    GTK_LICENSE_MIT_X11, NULL);
  adw_about_window_add_legal_section (about,
    _("Chen2020 and Marquis2019 parameter sets, COMSOL reference solutions"),
    "Chen et al., J. Electrochem. Soc. 167 (2020) 080534; "
    "Marquis et al., J. Electrochem. Soc. 166 (2019) A3693; via PyBaMM",
    GTK_LICENSE_BSD_3, NULL);
  adw_about_window_add_legal_section (about,
    _("Drive cycles (UDDS, US06, HWFET, WLTC)"),
    "US EPA and UNECE test cycles, as distributed by NREL FASTSim",
    GTK_LICENSE_APACHE_2_0, NULL);
  adw_about_window_add_legal_section (about,
    _("Pack and cell facts"),
    NULL, GTK_LICENSE_CUSTOM,
    _("Pack arrangements, dimensions, cooling and cell parameters come from "
      "the published sources cited in each preset's and cell's “source” "
      "field (compiled in the project's FACTS.md): manufacturer data sheets "
      "and service information, teardowns, ORNL and INL test reports, and "
      "papers such as Chen et al. 2020 and Prada et al. 2013. Numbers that "
      "are assumptions are marked as such there."));
  adw_about_window_add_legal_section (about,
    _("Viridis and inferno colour maps"),
    "Nathaniel J. Smith, Stéfan van der Walt, Eric Firing (matplotlib)",
    GTK_LICENSE_CUSTOM,
    "CC0 1.0 Universal (public domain dedication)");

  return GTK_WIDGET (about);
}

static void
about_action (GSimpleAction *action,
              GVariant      *param,
              gpointer       user_data)
{
  GtkApplication *app = user_data;
  GtkWidget *about = ps_application_create_about_window ();

  gtk_window_set_transient_for (GTK_WINDOW (about), gtk_application_get_active_window (app));
  gtk_window_present (GTK_WINDOW (about));
}

static void
preferences_action (GSimpleAction *action,
                    GVariant      *param,
                    gpointer       user_data)
{
  PsApplication *self = user_data;
  GtkWidget *prefs;

  prefs = ps_preferences_window_new (self->settings);
  gtk_window_set_transient_for (GTK_WINDOW (prefs),
                                gtk_application_get_active_window (GTK_APPLICATION (self)));
  gtk_window_present (GTK_WINDOW (prefs));
}

static const GActionEntry app_actions[] = {
  { "quit", quit_action },
  { "about", about_action },
  { "preferences", preferences_action },
};

static void
ps_application_startup (GApplication *app)
{
  PsApplication *self = PS_APPLICATION (app);

  /* the program's resources (style.css and the shortcuts window under the
   * resource base path) are compiled into the app library; referring to
   * them makes the linker keep them (their constructor registers them) */
  (void) ps_app_get_resource ();

  G_APPLICATION_CLASS (ps_application_parent_class)->startup (app);

  /* on a software rasterizer GTK's cairo renderer draws the windows for a
   * fraction of the CPU (ps-gl-probe.h); before the first window */
  ps_gl_choose_renderer (gdk_display_get_default ());

  g_action_map_add_action_entries (G_ACTION_MAP (app), app_actions,
                                   G_N_ELEMENTS (app_actions), app);
  for (guint i = 0; i < G_N_ELEMENTS (accels); i++)
    gtk_application_set_accels_for_action (GTK_APPLICATION (app),
                                           accels[i].action, accels[i].accels);

  self->settings = lookup_settings ();
}

static void
ps_application_activate (GApplication *app)
{
  PsApplication *self = PS_APPLICATION (app);
  g_autoptr(GError) error = NULL;
  g_autoptr(PsScenario) scenario = NULL;
  g_autofree char *wanted = NULL;
  g_autofree char *fallback = NULL;
  GtkWindow *window;
  PsWindow *win;

  window = gtk_application_get_active_window (GTK_APPLICATION (app));
  if (window != NULL)
    {
      gtk_window_present (window);
      return;
    }

  win = ps_window_new (GTK_APPLICATION (app));
  ps_window_bind_settings (win, self->settings);

  /* --scenario, else the last one, else the default preset */
  if (self->settings != NULL)
    {
      fallback = g_settings_get_string (self->settings, "default-preset");
      if (self->scenario == NULL)
        wanted = g_settings_get_string (self->settings, "last-scenario");
    }
  if (fallback == NULL || fallback[0] == '\0')
    {
      g_free (fallback);
      fallback = g_strdup ("leaf-2011");
    }
  if (self->scenario != NULL)
    {
      g_free (wanted);
      wanted = g_strdup (self->scenario);
    }
  if (wanted == NULL || wanted[0] == '\0')
    {
      g_free (wanted);
      wanted = g_strdup (fallback);
    }

  scenario = ps_scenario_new_lookup (wanted, &error);
  if (scenario != NULL && self->protocol != NULL)
    {
      if (ps_scenario_set_protocol (scenario, self->protocol, &error))
        ps_scenario_name_after_protocol (scenario);
      else
        g_clear_pointer (&scenario, ps_scenario_free);
    }

  if (scenario == NULL)
    {
      g_autofree char *message = g_strdup_printf (_("Could not open “%s”: %s"), wanted, error->message);

      ps_window_toast (win, message);
      g_clear_error (&error);
      scenario = ps_scenario_new_lookup (fallback, &error);
      if (scenario == NULL)
        {
          g_clear_error (&error);
          scenario = ps_scenario_new_from_preset ("leaf-2011", &error);
        }
    }

  ps_window_set_playing (win, TRUE);
  if (scenario == NULL || !ps_window_set_scenario (win, scenario, &error))
    ps_window_toast (win, error != NULL ? error->message : _("No scenario could be opened"));

  gtk_window_present (GTK_WINDOW (win));
}

static int
ps_application_handle_local_options (GApplication *app,
                                     GVariantDict *options)
{
  PsApplication *self = PS_APPLICATION (app);
  PsScreenshotOptions shot = { NULL };
  const char *output = NULL;
  const char *size = NULL;
  const char *run = NULL;
  const char *style = NULL;
  g_autoptr(GError) error = NULL;

  g_variant_dict_lookup (options, "scenario", "s", &self->scenario);
  g_variant_dict_lookup (options, "protocol", "s", &self->protocol);

  if (!g_variant_dict_lookup (options, "screenshot", "^&ay", &output))
    {
      if (g_variant_dict_contains (options, "run") ||
          g_variant_dict_contains (options, "size") ||
          g_variant_dict_contains (options, "view") ||
          g_variant_dict_contains (options, "style"))
        {
          g_printerr ("packscope: --run, --size, --view and --style go with --screenshot FILE\n");
          return 2;
        }
      return -1;
    }

  shot.output = output;
  shot.scenario = self->scenario;
  shot.protocol = self->protocol;
  shot.width = 1280;
  shot.height = 800;
  shot.run_s = 0.0;
  if (g_variant_dict_lookup (options, "run", "&s", &run) &&
      !ps_parse_double ("--run", run, 0.0, FALSE, PS_SCREENSHOT_MAX_RUN_S, &shot.run_s, &error))
    {
      g_printerr ("packscope: %s\n", error->message);
      return 2;
    }
  g_variant_dict_lookup (options, "view", "&s", &shot.view);
  if (g_variant_dict_lookup (options, "style", "&s", &style))
    {
      if (!g_str_equal (style, "light") && !g_str_equal (style, "dark"))
        {
          g_printerr ("packscope: --style: expected light or dark, got “%s”\n", style);
          return 2;
        }
      shot.dark = g_str_equal (style, "dark");
    }
  if (g_variant_dict_lookup (options, "size", "&s", &size) &&
      !ps_screenshot_parse_size (size, &shot.width, &shot.height, &error))
    {
      g_printerr ("packscope: %s\n", error->message);
      return 2;
    }

  /* without a display GTK would exit 1 with a warning at startup */
  if (!gtk_init_check ())
    {
      g_printerr ("packscope: --screenshot needs a display and none could be opened "
                  "(DISPLAY or WAYLAND_DISPLAY; headless, use xvfb-run -a)\n");
      return 2;
    }

  /* never hand the screenshot to a running instance */
  g_application_set_flags (app, g_application_get_flags (app) | G_APPLICATION_NON_UNIQUE);
  if (!g_application_register (app, NULL, &error))
    {
      g_printerr ("packscope: %s\n", error->message);
      return 2;
    }

  return ps_screenshot_run (GTK_APPLICATION (app), &shot);
}

static void
ps_application_dispose (GObject *object)
{
  PsApplication *self = PS_APPLICATION (object);

  g_clear_object (&self->settings);

  G_OBJECT_CLASS (ps_application_parent_class)->dispose (object);
}

static void
ps_application_finalize (GObject *object)
{
  PsApplication *self = PS_APPLICATION (object);

  g_clear_pointer (&self->scenario, g_free);
  g_clear_pointer (&self->protocol, g_free);

  G_OBJECT_CLASS (ps_application_parent_class)->finalize (object);
}

static void
ps_application_class_init (PsApplicationClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GApplicationClass *app_class = G_APPLICATION_CLASS (klass);

  object_class->dispose = ps_application_dispose;
  object_class->finalize = ps_application_finalize;

  app_class->startup = ps_application_startup;
  app_class->activate = ps_application_activate;
  app_class->handle_local_options = ps_application_handle_local_options;
}

static void
ps_application_init (PsApplication *self)
{
  g_application_add_main_option_entries (G_APPLICATION (self), main_entries);
  g_application_set_option_context_summary (G_APPLICATION (self),
    _("Watch a lithium-ion battery pack work: layout, curves and thermal map."));
}
