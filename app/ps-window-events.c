/* ps-window-events.c: the BMS's events in the window
 *
 * Each new frame brings the events of its run up to its time (the frame
 * holds the run's log and its length then): they are added to the events
 * list in the header bar's popover (the newest last, at most
 * MAX_EVENT_ROWS), and a contactor opening or the start of derating is also
 * a toast. A reset or another scenario starts a new log, and the list
 * starts again.
 */
#include "config.h"

#include <glib/gi18n.h>

#include "ps-window-private.h"

#define MAX_EVENT_ROWS        500
#define DERATE_TOAST_EVERY_US (30 * G_USEC_PER_SEC)

static char *
format_sim_time (double seconds)
{
  guint64 s = (guint64) MAX (0.0, seconds);

  return g_strdup_printf ("%" G_GUINT64_FORMAT ":%02u:%02u", s / 3600,
                          (guint) (s % 3600 / 60), (guint) (s % 60));
}

static void
add_row (PsWindow      *self,
         const PsEvent *event)
{
  g_autofree char *when = format_sim_time (event->time_s);
  g_autofree char *text = g_strdup_printf ("%s  %s", when, event->message);
  GtkWidget *label = gtk_label_new (text);

  gtk_label_set_xalign (GTK_LABEL (label), 0.0);
  gtk_label_set_wrap (GTK_LABEL (label), TRUE);
  gtk_label_set_max_width_chars (GTK_LABEL (label), 60);
  gtk_widget_set_margin_start (label, 6);
  gtk_widget_set_margin_end (label, 6);
  gtk_widget_set_margin_top (label, 3);
  gtk_widget_set_margin_bottom (label, 3);
  if (event->kind == PS_EVENT_CONTACTOR_OPEN || event->kind == PS_EVENT_FAULT)
    gtk_widget_add_css_class (label, "error");
  else if (event->kind == PS_EVENT_DERATE || event->kind == PS_EVENT_CHARGE_POWER_LIMIT)
    gtk_widget_add_css_class (label, "warning");

  gtk_list_box_append (self->events_list, label);
  self->n_event_rows++;
  /* the oldest go first */
  while (self->n_event_rows > MAX_EVENT_ROWS)
    {
      GtkListBoxRow *first = gtk_list_box_get_row_at_index (self->events_list, 0);

      gtk_list_box_remove (self->events_list, GTK_WIDGET (first));
      self->n_event_rows--;
    }
}

static void
clear_rows (PsWindow *self)
{
  GtkListBoxRow *row;

  while ((row = gtk_list_box_get_row_at_index (self->events_list, 0)) != NULL)
    gtk_list_box_remove (self->events_list, GTK_WIDGET (row));
  self->n_event_rows = 0;
}

void
_ps_window_take_events (PsWindow      *self,
                        const PsFrame *frame)
{
  g_autoptr(GArray) events = NULL;
  guint from;

  if (frame->events == NULL)
    return;

  if (frame->events != self->events_log)
    {
      g_clear_pointer (&self->events_log, ps_event_log_unref);
      self->events_log = ps_event_log_ref (frame->events);
      self->n_events_seen = 0;
      clear_rows (self);
    }
  if (frame->n_events <= self->n_events_seen)
    return;

  /* a long run's backlog: only the newest rows are shown anyway */
  from = MAX (self->n_events_seen, frame->n_events > MAX_EVENT_ROWS
                                   ? frame->n_events - MAX_EVENT_ROWS : 0);
  events = ps_event_log_copy (frame->events, from, frame->n_events);
  for (guint i = 0; i < events->len; i++)
    {
      const PsEvent *event = &g_array_index (events, PsEvent, i);

      add_row (self, event);
      if (event->kind == PS_EVENT_CONTACTOR_OPEN)
        ps_window_toast (self, event->message);
      else if (event->kind == PS_EVENT_DERATE)
        {
          gint64 now = g_get_monotonic_time ();

          /* derating comes and goes with the load: a toast now and then */
          if (self->last_derate_toast_us == 0 || now - self->last_derate_toast_us > DERATE_TOAST_EVERY_US)
            {
              g_autofree char *title = g_strdup_printf (_("The BMS derates: %s"), event->message);

              self->last_derate_toast_us = now;
              ps_window_toast (self, title);
            }
        }
    }
  self->n_events_seen = frame->n_events;
}
