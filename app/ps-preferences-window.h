/* ps-preferences-window.h: colour map, units and default speed */
#pragma once

#include <adwaita.h>

G_BEGIN_DECLS

#define PS_TYPE_PREFERENCES_WINDOW (ps_preferences_window_get_type ())
G_DECLARE_FINAL_TYPE (PsPreferencesWindow, ps_preferences_window, PS, PREFERENCES_WINDOW, AdwPreferencesWindow)

/* settings: (nullable) (transfer none): NULL when the schema is not
 * installed, and the rows are then insensitive; the window takes a reference
 * Returns: (transfer none): GTK owns toplevels; gtk_window_destroy ends it */
GtkWidget *ps_preferences_window_new (GSettings *settings);

G_END_DECLS
