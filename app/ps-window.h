/* ps-window.h: the main window
 *
 * Composes the pack layout, the curves and the thermal map over one runner,
 * with the run controls in the header bar, a live load control, the pack
 * summary and the cell inspector. Every command is an action in "win."
 * (see ps-window-actions.c).
 */
#pragma once

#include <adwaita.h>

#include "ps-engine.h"

G_BEGIN_DECLS

typedef enum
{
  PS_WINDOW_VIEW_NONE    = 0,
  PS_WINDOW_VIEW_LAYOUT  = 1,
  PS_WINDOW_VIEW_CURVES  = 2,
  PS_WINDOW_VIEW_THERMAL = 3,
} PsWindowView;

#define PS_TYPE_WINDOW (ps_window_get_type ())
G_DECLARE_FINAL_TYPE (PsWindow, ps_window, PS, WINDOW, AdwApplicationWindow)

/* application: (nullable): NULL for benchmarks and tests
 * Returns: (transfer none): GTK owns toplevels; gtk_window_destroy ends it */
PsWindow     *ps_window_new                (GtkApplication   *application);

/* Loads a copy of scenario into the window's runner (started with the first
 * scenario; later ones are a command to it, the UI never waits); plays if
 * "playing". Fails only for the first scenario, with the runner's error.
 * A later scenario shows (title, controls, ps_window_get_scenario) once the
 * runner has it; if the runner refuses it, the window keeps the old one and
 * shows the runner's error in a toast. */
gboolean      ps_window_set_scenario       (PsWindow         *self,
                                            const PsScenario *scenario,
                                            GError          **error);
/* A preset id or a scenario file path. */
gboolean      ps_window_open_scenario      (PsWindow         *self,
                                            const char       *id_or_path,
                                            GError          **error);
/* Returns: (nullable) (transfer none) */
const PsScenario *ps_window_get_scenario   (PsWindow         *self);
/* Returns: (nullable) (transfer none): take a reference to keep it */
PsRunner     *ps_window_get_runner         (PsWindow         *self);

/* Returns: (nullable) (transfer none): NULL for PS_WINDOW_VIEW_NONE */
GtkWidget    *ps_window_get_view           (PsWindow         *self,
                                            PsWindowView      view);
/* Returns: (transfer none) */
GtkWidget    *ps_window_get_cell_inspector (PsWindow         *self);

/* "enlarged-view": one view fills the views' area, or NONE */
PsWindowView  ps_window_get_enlarged_view  (PsWindow         *self);
void          ps_window_set_enlarged_view  (PsWindow         *self,
                                            PsWindowView      view);
/* "playing" */
gboolean      ps_window_get_playing        (PsWindow         *self);
void          ps_window_set_playing        (PsWindow         *self,
                                            gboolean          playing);
/* "speed": simulated seconds per second, PS_RUNNER_SPEED_MAX = max */
double        ps_window_get_speed          (PsWindow         *self);
void          ps_window_set_speed          (PsWindow         *self,
                                            double            speed);
/* "cooling" */
gboolean      ps_window_get_cooling        (PsWindow         *self);
void          ps_window_set_cooling        (PsWindow         *self,
                                            gboolean          cooling);

/* Restores size and state from settings, applies colour map and units now
 * and whenever they change, and saves the state on close. Not called for
 * headless screenshots, which stay deterministic. */
/* settings: (nullable) (transfer none): the window takes a reference */
void          ps_window_bind_settings      (PsWindow         *self,
                                            GSettings        *settings);

/* After --protocol replaced a scenario's protocol, its name (shown as the
 * window title) says what runs now: "<pack>: <steps>". */

/* Shows a message in a toast (errors as well as confirmations). */
void          ps_window_toast              (PsWindow         *self,
                                            const char       *message);
/* Shows a toast the caller keeps a reference to (to update or dismiss it). */
void          ps_window_add_toast          (PsWindow         *self,
                                            AdwToast         *toast);

G_END_DECLS
