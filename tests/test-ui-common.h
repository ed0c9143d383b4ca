/* test-ui-common.h: helpers the window tests share (test-window.c,
 * test-builder.c, test-editor.c) */
#pragma once

#include <string.h>

#include "ps-window.h"

/* A window running preset (its protocol replaced when protocol is not
 * NULL), paused; free it with window_free */
static G_GNUC_UNUSED PsWindow *
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

static G_GNUC_UNUSED void
window_free (PsWindow *window)
{
  gtk_window_destroy (GTK_WINDOW (window));
  g_object_unref (window);
  while (g_main_context_pending (NULL))
    g_main_context_iteration (NULL, FALSE);
}

/* A later scenario shows once the runner has it (a command, answered on
 * the main context): iterate until the window shows pack_id. */
static G_GNUC_UNUSED void
window_wait_for_pack (PsWindow   *window,
                      const char *pack_id)
{
  gint64 deadline = g_get_monotonic_time () + 30 * G_USEC_PER_SEC;

  while (g_strcmp0 (ps_pack_get_info (ps_scenario_get_pack (ps_window_get_scenario (window)))->id, pack_id) != 0 &&
         g_get_monotonic_time () < deadline)
    g_main_context_iteration (NULL, TRUE);
  g_assert_cmpstr (ps_pack_get_info (ps_scenario_get_pack (ps_window_get_scenario (window)))->id, ==, pack_id);
}

/* a label anywhere under widget whose text contains needle (a toast's) */
static G_GNUC_UNUSED GtkWidget *
find_label_containing (GtkWidget  *widget,
                       const char *needle)
{
  if (GTK_IS_LABEL (widget) && strstr (gtk_label_get_label (GTK_LABEL (widget)), needle) != NULL)
    return widget;

  for (GtkWidget *child = gtk_widget_get_first_child (widget);
       child != NULL;
       child = gtk_widget_get_next_sibling (child))
    {
      GtkWidget *found = find_label_containing (child, needle);

      if (found != NULL)
        return found;
    }

  return NULL;
}
