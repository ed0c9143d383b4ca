/* test-editor.c: the window's protocol editor (suite ui): checked as typed,
 * an error marked at its column, applied through the scenario, the running
 * step highlighted where it is written */
#include "config.h"

#include <adwaita.h>
#include <string.h>

#include "ps-engine.h"
#include "ps-protocol-editor.h"
#include "ps-screenshot.h"
#include "ps-window-private.h"
#include "test-ui-common.h"

static gboolean have_display;

static gboolean
wake (gpointer user_data)
{
  return G_SOURCE_CONTINUE;
}

/* one iteration of the main loop, which never waits past its deadline for
 * an event that does not come */
static void
iterate (void)
{
  guint id = g_timeout_add (50, wake, NULL);

  g_main_context_iteration (NULL, TRUE);
  g_source_remove (id);
}

/* types text as a user would and waits for the debounced check */
static void
editor_type (PsProtocolEditor *editor,
             const char       *text)
{
  gint64 deadline = g_get_monotonic_time () + 10 * G_USEC_PER_SEC;

  gtk_text_buffer_set_text (ps_protocol_editor_get_buffer (editor), text, -1);
  g_assert_false (ps_protocol_editor_get_checked (editor));
  /* nothing unchecked can be applied */
  g_assert_false (gtk_widget_get_sensitive (ps_protocol_editor_get_apply_button (editor)));
  while (!ps_protocol_editor_get_checked (editor) && g_get_monotonic_time () < deadline)
    iterate ();
  g_assert_true (ps_protocol_editor_get_checked (editor));
}

static gboolean
has_error_tag_at (PsProtocolEditor *editor,
                  int               offset)
{
  GtkTextBuffer *buffer = ps_protocol_editor_get_buffer (editor);
  GtkTextTag *tag = gtk_text_tag_table_lookup (gtk_text_buffer_get_tag_table (buffer), "error");
  GtkTextIter iter;

  gtk_text_buffer_get_iter_at_offset (buffer, &iter, offset);
  return gtk_text_iter_has_tag (&iter, tag);
}

/* A typo is underlined at the column the engine names, its message under
 * the text, Apply off; the fixed text turns it back on */
static void
test_invalid_marks_column (void)
{
  /* "Charge at 1.5 Q": the unit is wrong */
  const char *text = "Rest for 1 min\nCharge at 1.5 Q for 10 min";
  const char *bad = strstr (text, "Q");
  int column = (int) (bad - strchr (text, '\n'));  /* 1-based in step 2 */
  PsWindow *window;
  PsProtocolEditor *editor;
  g_autofree char *expected = NULL;

  if (!have_display)
    {
      g_test_skip ("no display");
      return;
    }

  window = window_new_on ("lg-m50", "Discharge at 1C until 3.0 V");
  editor = window->protocol_editor;
  editor_type (editor, text);

  expected = g_strdup_printf ("step 2, column %d:", column);
  g_assert_nonnull (ps_protocol_editor_get_error (editor));
  g_assert_nonnull (strstr (ps_protocol_editor_get_error (editor), expected));
  g_assert_true (has_error_tag_at (editor, (int) (bad - text)));
  g_assert_false (has_error_tag_at (editor, (int) (bad - text) - 1));
  g_assert_false (has_error_tag_at (editor, 0));
  g_assert_false (gtk_widget_get_sensitive (ps_protocol_editor_get_apply_button (editor)));
  /* the message is shown under the text, not in a dialog */
  g_assert_nonnull (find_label_containing (GTK_WIDGET (editor), expected));

  /* a character before it that takes two bytes: the mark is counted in
   * characters */
  {
    const char *wide = "Set ambient to 25 °C\nCharge at 1.5 Q for 10 min";

    editor_type (editor, wide);
    g_assert_nonnull (ps_protocol_editor_get_error (editor));
    g_assert_true (has_error_tag_at (editor, (int) g_utf8_pointer_to_offset (wide, strstr (wide, "Q"))));
    g_assert_false (has_error_tag_at (editor, (int) g_utf8_pointer_to_offset (wide, strstr (wide, "Q")) - 1));
  }

  editor_type (editor, "Rest for 1 min\nCharge at 1.5 A for 10 min");
  g_assert_null (ps_protocol_editor_get_error (editor));
  g_assert_false (has_error_tag_at (editor, (int) (bad - text)));
  g_assert_true (gtk_widget_get_sensitive (ps_protocol_editor_get_apply_button (editor)));

  window_free (window);
}

/* Apply restarts the run with the text: the window's and the runner's
 * scenario run it; the text stays as written */
static void
test_valid_applies (void)
{
  const char *text = "Rest for 10 min\ndischarge at 2A for 5 min";
  PsWindow *window;
  PsProtocolEditor *editor;
  const PsProtocol *protocol;
  g_autoptr(PsProtocol) expected = NULL;
  g_autoptr(PsFrame) frame = NULL;
  g_autofree char *shown = NULL;
  gint64 deadline;

  if (!have_display)
    {
      g_test_skip ("no display");
      return;
    }

  window = window_new_on ("lg-m50", "Discharge at 1C until 3.0 V");
  editor = window->protocol_editor;
  editor_type (editor, text);
  g_assert_null (ps_protocol_editor_get_error (editor));
  g_signal_emit_by_name (ps_protocol_editor_get_apply_button (editor), "clicked");

  deadline = g_get_monotonic_time () + 30 * G_USEC_PER_SEC;
  while (ps_scenario_get_protocol (ps_window_get_scenario (window))->n_steps != 2 &&
         g_get_monotonic_time () < deadline)
    iterate ();
  protocol = ps_scenario_get_protocol (ps_window_get_scenario (window));
  expected = ps_protocol_parse (text, NULL);
  {
    g_autofree char *a = ps_protocol_to_string (protocol);
    g_autofree char *b = ps_protocol_to_string (expected);

    g_assert_cmpstr (a, ==, b);
  }

  /* the runner runs it: its first step is the rest */
  ps_runner_sync (ps_window_get_runner (window));
  frame = ps_runner_dup_frame (ps_window_get_runner (window));
  g_assert_cmpuint (frame->step, ==, 1);
  g_assert_cmpstr (frame->step_text, ==, "Rest for 10 min");
  g_assert_cmpfloat (frame->pack_current_a, ==, 0.0);

  /* the text is kept as the user wrote it */
  {
    GtkTextIter start, end;

    gtk_text_buffer_get_bounds (ps_protocol_editor_get_buffer (editor), &start, &end);
    shown = gtk_text_buffer_get_text (ps_protocol_editor_get_buffer (editor), &start, &end, FALSE);
  }
  g_assert_cmpstr (shown, ==, text);

  window_free (window);
}

static char *
highlighted (PsProtocolEditor *editor)
{
  GtkTextBuffer *buffer = ps_protocol_editor_get_buffer (editor);
  GtkTextIter start, end;
  int a, b;

  if (!ps_protocol_editor_get_step_span (editor, &a, &b))
    return NULL;
  gtk_text_buffer_get_iter_at_offset (buffer, &start, a);
  gtk_text_buffer_get_iter_at_offset (buffer, &end, b);
  return gtk_text_buffer_get_text (buffer, &start, &end, FALSE);
}

/* The highlighted text is the frame's step as written: a cycle's step each
 * time the cycle runs */
static void
test_highlight_follows_step (void)
{
  const char *protocol = "Rest for 1 min\n(Discharge at 1 A for 2 min; Rest for 2 min) x 3\nCharge at 1 A for 1 min";
  PsWindow *window;
  PsProtocolEditor *editor;
  gint64 deadline;

  if (!have_display)
    {
      g_test_skip ("no display");
      return;
    }

  window = window_new_on ("lg-m50", protocol);
  editor = window->protocol_editor;
  ps_protocol_editor_show_step (editor, 0);
  g_assert_null (highlighted (editor));

  /* the steps as run: 1 rest, 2..7 the cycle, 8 the charge */
  {
    static const char * const expected[] = {
      NULL, "Rest for 1 min", "Discharge at 1 A for 2 min", "Rest for 2 min",
      "Discharge at 1 A for 2 min", "Rest for 2 min", "Discharge at 1 A for 2 min",
      "Rest for 2 min", "Charge at 1 A for 1 min",
    };
    int a, b;

    for (guint step = 1; step < G_N_ELEMENTS (expected); step++)
      {
        g_autofree char *text = NULL;

        ps_protocol_editor_show_step (editor, step);
        text = highlighted (editor);
        g_assert_cmpstr (text, ==, expected[step]);
      }
    /* the cycle's rest is its own, not the first step's */
    ps_protocol_editor_show_step (editor, 5);
    g_assert_true (ps_protocol_editor_get_step_span (editor, &a, &b));
    g_assert_cmpint (a, >, (int) strlen ("Rest for 1 min"));
  }

  /* the window follows the runner's frames: 5 min in is the cycle's
   * second discharge (step 4) */
  gtk_window_present (GTK_WINDOW (window));
  g_assert_true (ps_screenshot_wait_painted (GTK_WIDGET (window), 2, 30000));
  ps_runner_run_until (ps_window_get_runner (window), 330.0);
  deadline = g_get_monotonic_time () + 30 * G_USEC_PER_SEC;
  while (g_get_monotonic_time () < deadline)
    {
      g_autofree char *text = highlighted (editor);

      if (g_strcmp0 (text, "Discharge at 1 A for 2 min") == 0)
        break;
      iterate ();
    }
  {
    g_autoptr(PsFrame) frame = ps_runner_dup_frame (ps_window_get_runner (window));
    g_autofree char *text = highlighted (editor);
    int a, b;

    g_assert_cmpuint (frame->step, ==, 4);
    g_assert_cmpstr (text, ==, frame->step_text);
    g_assert_true (ps_protocol_editor_get_step_span (editor, &a, &b));
    g_assert_cmpint (a, >, (int) strlen ("Rest for 1 min"));
  }

  window_free (window);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  have_display = gtk_init_check ();
  if (have_display)
    adw_init ();

  g_test_add_func ("/ui/editor/invalid-marks-column", test_invalid_marks_column);
  g_test_add_func ("/ui/editor/valid-applies", test_valid_applies);
  g_test_add_func ("/ui/editor/highlight-follows-step", test_highlight_follows_step);

  return g_test_run ();
}
