/* ps-window-faults.c: faults from the window
 *
 * A right click on a cell of the pack layout opens a menu of faults to
 * inject into that cell now (win.inject-fault, its parameter the fault as
 * one line of text, as --fault takes it). The sidebar's warnings list the
 * faults that are active and the cells that ran away, from the frame's
 * event log.
 */
#include "config.h"

#include <stdio.h>
#include <string.h>

#include <glib/gi18n.h>

#include "ps-window-private.h"

/* the menu: a label and the fault's fields after "cell=N" */
static const struct
{
  const char *label;
  const char *fields;
} fault_items[] = {
  { N_("Hard internal short (0.1 Ω)"), "kind=internal_short,resistance_ohm=0.1" },
  { N_("Soft internal short (10 Ω)"), "kind=internal_short,resistance_ohm=10" },
  { N_("Open cell (tab break)"), "kind=open_cell" },
  { N_("Heater, 50 W for 10 min"), "kind=heater,power_w=50,duration_s=600" },
  { N_("Force thermal runaway"), "kind=thermal_runaway" },
};

static void
inject_fault (GtkWidget  *widget,
              const char *action_name,
              GVariant   *parameter)
{
  PsWindow *self = PS_WINDOW (widget);
  g_autoptr(GError) error = NULL;
  const char *text = g_variant_get_string (parameter, NULL);
  PsFault fault;

  if (self->runner == NULL || self->scenario == NULL)
    return;
  if (!ps_fault_parse_text (text, ps_scenario_get_pack (self->scenario), &fault, &error))
    {
      ps_window_toast (self, error->message);
      return;
    }
  ps_runner_add_fault (self->runner, &fault);
}

static void
on_popover_closed (GtkPopover *popover)
{
  /* (after the menu's action ran) */
  g_idle_add_once ((GSourceOnceFunc) gtk_widget_unparent, popover);
}

static void
on_secondary_pressed (GtkGestureClick *gesture,
                      int              n_press,
                      double           x,
                      double           y,
                      PsWindow        *self)
{
  GtkWidget *view = GTK_WIDGET (self->pack_view);
  g_autoptr(PsFrame) frame = NULL;
  g_autoptr(GMenu) menu = g_menu_new ();
  g_autofree char *title = NULL;
  GMenu *section;
  GtkWidget *popover;
  GdkRectangle at = { (int) x, (int) y, 1, 1 };
  int cell;

  if (self->runner == NULL || (frame = ps_runner_dup_frame (self->runner)) == NULL)
    return;
  cell = ps_render_layout_hit_test (frame, ps_pack_view_get_style (self->pack_view),
                                    gtk_widget_get_width (view), gtk_widget_get_height (view),
                                    x, y);
  if (cell < 0)
    return;
  gtk_gesture_set_state (GTK_GESTURE (gesture), GTK_EVENT_SEQUENCE_CLAIMED);

  title = g_strdup_printf (_("Inject a fault into cell %d now"), cell + 1);
  section = g_menu_new ();
  for (guint k = 0; k < G_N_ELEMENTS (fault_items); k++)
    {
      g_autofree char *text = g_strdup_printf ("%s,cell=%d", fault_items[k].fields, cell + 1);
      g_autoptr(GMenuItem) item = g_menu_item_new (_(fault_items[k].label), NULL);

      g_menu_item_set_action_and_target_value (item, "win.inject-fault",
                                               g_variant_new_string (text));
      g_menu_append_item (section, item);
    }
  g_menu_append_section (menu, title, G_MENU_MODEL (section));
  g_object_unref (section);

  popover = gtk_popover_menu_new_from_model (G_MENU_MODEL (menu));
  gtk_widget_set_parent (popover, view);
  gtk_popover_set_pointing_to (GTK_POPOVER (popover), &at);
  gtk_popover_set_has_arrow (GTK_POPOVER (popover), FALSE);
  g_signal_connect (popover, "closed", G_CALLBACK (on_popover_closed), NULL);
  gtk_popover_popup (GTK_POPOVER (popover));
}

void
_ps_window_faults_class_init (GtkWidgetClass *widget_class)
{
  gtk_widget_class_install_action (widget_class, "win.inject-fault", "s", inject_fault);
}

void
_ps_window_faults_init (PsWindow *self)
{
  GtkGesture *gesture = gtk_gesture_click_new ();

  gtk_gesture_single_set_button (GTK_GESTURE_SINGLE (gesture), GDK_BUTTON_SECONDARY);
  g_signal_connect (gesture, "pressed", G_CALLBACK (on_secondary_pressed), self);
  gtk_widget_add_controller (GTK_WIDGET (self->pack_view), GTK_EVENT_CONTROLLER (gesture));
}

static int
compare_uint (gconstpointer a,
              gconstpointer b)
{
  guint x = *(const guint *) a, y = *(const guint *) b;

  return (x > y) - (x < y);
}

void
_ps_window_faults_describe (const PsFrame *frame,
                            GString       *out)
{
  g_autoptr(GArray) events = NULL;
  g_autoptr(GHashTable) active = NULL;   /* fault number -> what it does */
  g_autoptr(GString) runaway = NULL;
  GHashTableIter iter;
  gpointer value;
  guint n_runaway = 0;

  if (frame->events == NULL || frame->n_events == 0)
    return;

  active = g_hash_table_new_full (NULL, NULL, NULL, g_free);
  runaway = g_string_new (NULL);
  events = ps_event_log_copy (frame->events, 0, frame->n_events);
  for (guint i = 0; i < events->len; i++)
    {
      const PsEvent *e = &g_array_index (events, PsEvent, i);
      const char *what = e->message != NULL ? strstr (e->message, ": ") : NULL;
      guint number;

      /* "fault N starts: ..." and "fault N ends: ..." (ps-simulation.c) */
      if ((e->kind == PS_EVENT_FAULT || e->kind == PS_EVENT_FAULT_END) && what != NULL
          && sscanf (e->message, "fault %u", &number) == 1)
        {
          if (e->kind == PS_EVENT_FAULT)
            g_hash_table_insert (active, GUINT_TO_POINTER (number), g_strdup (what + 2));
          else
            g_hash_table_remove (active, GUINT_TO_POINTER (number));
        }
      else if (e->kind == PS_EVENT_RUNAWAY && e->cell >= 0)
        {
          guint s = (guint) e->time_s;

          if (n_runaway < 8)
            g_string_append_printf (runaway, "%s#%d at %u:%02u:%02u", n_runaway > 0 ? ", " : "",
                                    e->cell + 1, s / 3600, s / 60 % 60, s % 60);
          n_runaway++;
        }
    }

  /* in the order they were given */
  {
    g_autoptr(GArray) numbers = g_array_new (FALSE, FALSE, sizeof (guint));
    gpointer key;

    g_hash_table_iter_init (&iter, active);
    while (g_hash_table_iter_next (&iter, &key, &value))
      {
        guint number = GPOINTER_TO_UINT (key);

        g_array_append_val (numbers, number);
      }
    g_array_sort (numbers, compare_uint);
    for (guint k = 0; k < numbers->len; k++)
      g_string_append_printf (out, _("Fault: %s\n"),
                              (const char *) g_hash_table_lookup (active,
                                                                  GUINT_TO_POINTER (g_array_index (numbers, guint, k))));
  }
  if (n_runaway > 0)
    g_string_append_printf (out, ngettext ("Thermal runaway: %u cell (%s%s)\n",
                                           "Thermal runaway: %u cells (%s%s)\n", n_runaway),
                            n_runaway, runaway->str, n_runaway > 8 ? ", …" : "");
}
