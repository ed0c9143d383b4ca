/* test-ui-common.h: helpers the window tests share (test-window.c,
 * test-builder.c) */
#pragma once

#include <string.h>

#include "ps-window.h"

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
