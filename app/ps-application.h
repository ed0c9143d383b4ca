/* ps-application.h */
#pragma once

#include <adwaita.h>

G_BEGIN_DECLS

#define PS_TYPE_APPLICATION (ps_application_get_type ())
G_DECLARE_FINAL_TYPE (PsApplication, ps_application, PS, APPLICATION, AdwApplication)

/* Returns: (transfer full) */
PsApplication *ps_application_new          (void);
/* The app's GSettings, or NULL when the schema is not installed (the app
 * then runs on the schema's defaults and saves nothing).
 * Returns: (nullable) (transfer none) */
GSettings     *ps_application_get_settings (PsApplication *self);
/* The about window, crediting the data sources (not yet shown).
 * Returns: (transfer none): GTK owns toplevels; gtk_window_destroy ends it */
GtkWidget     *ps_application_create_about_window (void);

G_END_DECLS
