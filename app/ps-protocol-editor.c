/* ps-protocol-editor.c: the running scenario's protocol, editable */
#include "config.h"

#include <glib/gi18n.h>
#include <string.h>

#include "ps-protocol-editor.h"

/* how long the text stays unchanged before it is parsed again */
#define CHECK_DELAY_MS 150

struct _PsProtocolEditor
{
  GtkWidget      parent_instance;

  GtkWidget     *box;
  GtkTextView   *view;
  GtkTextBuffer *buffer;
  GtkTextTag    *error_tag;
  GtkTextTag    *step_tag;
  GtkLabel      *message;
  GtkWidget     *apply;

  guint          check_id;
  gboolean       checked;        /* the text as it is now has been parsed */
  gboolean       setting_text;   /* the editor, not the user, sets it */
  char          *error;          /* the engine's message, or NULL */
  char          *applied_text;   /* the text "Apply" last sent */

  /* the protocol shown, as parsed from the text, and where each of its
   * steps is written: marks[2 * written] and [2 * written + 1] */
  PsProtocol    *protocol;
  GPtrArray     *marks;
  guint          step;           /* highlighted, 1-based; 0 none */
};

enum { SIGNAL_APPLY, N_SIGNALS };
static guint signals[N_SIGNALS];

G_DEFINE_FINAL_TYPE (PsProtocolEditor, ps_protocol_editor, GTK_TYPE_WIDGET)

static char *
buffer_text (GtkTextBuffer *buffer)
{
  GtkTextIter start, end;

  gtk_text_buffer_get_bounds (buffer, &start, &end);
  return gtk_text_buffer_get_text (buffer, &start, &end, FALSE);
}

static void
clear_marks (PsProtocolEditor *self)
{
  for (guint i = 0; i < self->marks->len; i++)
    gtk_text_buffer_delete_mark (self->buffer, g_ptr_array_index (self->marks, i));
  g_ptr_array_set_size (self->marks, 0);
  g_clear_pointer (&self->protocol, ps_protocol_free);
}

/* Where each step of protocol (parsed from text) is written in text: the
 * steps as written come in the order of its items, each after the last */
static void
place_marks (PsProtocolEditor *self,
             PsProtocol       *protocol,
             const char       *text)
{
  const char *cursor = text;

  clear_marks (self);
  self->protocol = protocol;
  for (guint i = 0; i < protocol->n_items; i++)
    {
      const PsProtocolStep *step;
      const char *found;
      GtkTextIter iter;
      guint written;

      if (protocol->items[i].kind != PS_PROTOCOL_ITEM_STEP)
        continue;
      step = &protocol->steps[protocol->items[i].step];
      written = step->written;
      found = step->text != NULL ? strstr (cursor, step->text) : NULL;
      if (found == NULL || written != self->marks->len / 2)
        {
          /* cannot happen for a text the parser read; highlight nothing */
          clear_marks (self);
          return;
        }
      gtk_text_buffer_get_iter_at_offset (self->buffer, &iter,
                                          (int) g_utf8_pointer_to_offset (text, found));
      g_ptr_array_add (self->marks, gtk_text_buffer_create_mark (self->buffer, NULL, &iter, TRUE));
      cursor = found + strlen (step->text);
      gtk_text_buffer_get_iter_at_offset (self->buffer, &iter,
                                          (int) g_utf8_pointer_to_offset (text, cursor));
      g_ptr_array_add (self->marks, gtk_text_buffer_create_mark (self->buffer, NULL, &iter, FALSE));
    }
}

static void
highlight_step (PsProtocolEditor *self)
{
  GtkTextIter start, end;
  guint written;

  gtk_text_buffer_get_bounds (self->buffer, &start, &end);
  gtk_text_buffer_remove_tag (self->buffer, self->step_tag, &start, &end);
  if (self->step == 0 || self->protocol == NULL || self->step > self->protocol->n_steps)
    return;

  written = self->protocol->steps[self->step - 1].written;
  if (2 * written + 1 >= self->marks->len)
    return;
  gtk_text_buffer_get_iter_at_mark (self->buffer, &start, g_ptr_array_index (self->marks, 2 * written));
  gtk_text_buffer_get_iter_at_mark (self->buffer, &end, g_ptr_array_index (self->marks, 2 * written + 1));
  gtk_text_buffer_apply_tag (self->buffer, self->step_tag, &start, &end);
}

/* Underlines the word the parser stopped at (at least one character) */
static void
mark_error (PsProtocolEditor *self,
            const char       *text,
            gsize             offset)
{
  GtkTextIter start, end;
  gsize len = strlen (text);

  offset = MIN (offset, len);
  gtk_text_buffer_get_iter_at_offset (self->buffer, &start,
                                      (int) g_utf8_pointer_to_offset (text, text + offset));
  end = start;
  while (!gtk_text_iter_is_end (&end) &&
         !g_unichar_isspace (gtk_text_iter_get_char (&end)) &&
         strchr (";,()", (int) gtk_text_iter_get_char (&end)) == NULL)
    gtk_text_iter_forward_char (&end);
  if (gtk_text_iter_equal (&start, &end))
    {
      if (!gtk_text_iter_is_end (&end))
        gtk_text_iter_forward_char (&end);
      else
        gtk_text_iter_backward_char (&start);
    }
  gtk_text_buffer_apply_tag (self->buffer, self->error_tag, &start, &end);
}

static void
check_now (PsProtocolEditor *self)
{
  g_autoptr(PsProtocol) protocol = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *text = buffer_text (self->buffer);
  GtkTextIter start, end;
  gsize offset = 0;

  g_clear_handle_id (&self->check_id, g_source_remove);
  gtk_text_buffer_get_bounds (self->buffer, &start, &end);
  gtk_text_buffer_remove_tag (self->buffer, self->error_tag, &start, &end);
  g_clear_pointer (&self->error, g_free);

  protocol = ps_protocol_parse_full (text, &offset, &error);
  if (protocol == NULL)
    {
      self->error = g_strdup (error->message);
      mark_error (self, text, offset);
    }
  else if (protocol->n_steps == 0)
    self->error = g_strdup (_("The protocol has no steps"));

  gtk_label_set_label (self->message, self->error != NULL ? self->error : "");
  gtk_widget_set_visible (GTK_WIDGET (self->message), self->error != NULL);
  gtk_widget_set_sensitive (self->apply, self->error == NULL);
  self->checked = TRUE;
}

static gboolean
check_timeout (gpointer user_data)
{
  PsProtocolEditor *self = user_data;

  self->check_id = 0;
  check_now (self);
  return G_SOURCE_REMOVE;
}

static void
on_changed (PsProtocolEditor *self)
{
  if (self->setting_text)
    return;

  /* nothing unchecked is applied */
  self->checked = FALSE;
  gtk_widget_set_sensitive (self->apply, FALSE);
  g_clear_handle_id (&self->check_id, g_source_remove);
  self->check_id = g_timeout_add (CHECK_DELAY_MS, check_timeout, self);
}

static void
on_apply (PsProtocolEditor *self)
{
  g_autofree char *text = NULL;

  if (!self->checked)
    check_now (self);
  if (self->error != NULL)
    return;

  text = buffer_text (self->buffer);
  g_free (self->applied_text);
  self->applied_text = g_strdup (text);
  g_signal_emit (self, signals[SIGNAL_APPLY], 0, text);
}

void
ps_protocol_editor_set_protocol (PsProtocolEditor *self,
                                 const PsProtocol *protocol)
{
  g_autofree char *text = NULL;
  PsProtocol *parsed = NULL;

  g_return_if_fail (PS_IS_PROTOCOL_EDITOR (self));

  clear_marks (self);
  self->step = 0;
  if (protocol == NULL)
    {
      self->setting_text = TRUE;
      gtk_text_buffer_set_text (self->buffer, "", -1);
      self->setting_text = FALSE;
      check_now (self);
      return;
    }

  /* the text the user applied stays as written when it is what runs */
  text = buffer_text (self->buffer);
  if (self->applied_text != NULL && g_str_equal (text, self->applied_text))
    {
      parsed = ps_protocol_parse (text, NULL);
      if (parsed != NULL && parsed->n_steps != protocol->n_steps)
        g_clear_pointer (&parsed, ps_protocol_free);
    }
  g_clear_pointer (&self->applied_text, g_free);
  if (parsed == NULL)
    {
      g_free (text);
      text = ps_protocol_to_string (protocol);
      self->setting_text = TRUE;
      gtk_text_buffer_set_text (self->buffer, text, -1);
      self->setting_text = FALSE;
      parsed = ps_protocol_parse (text, NULL);
    }
  check_now (self);
  if (parsed != NULL)
    place_marks (self, parsed, text);
  highlight_step (self);
}

void
ps_protocol_editor_show_step (PsProtocolEditor *self,
                              guint             step)
{
  g_return_if_fail (PS_IS_PROTOCOL_EDITOR (self));

  if (step == self->step)
    return;
  self->step = step;
  highlight_step (self);
}

GtkTextBuffer *
ps_protocol_editor_get_buffer (PsProtocolEditor *self)
{
  g_return_val_if_fail (PS_IS_PROTOCOL_EDITOR (self), NULL);

  return self->buffer;
}

GtkWidget *
ps_protocol_editor_get_apply_button (PsProtocolEditor *self)
{
  g_return_val_if_fail (PS_IS_PROTOCOL_EDITOR (self), NULL);

  return self->apply;
}

const char *
ps_protocol_editor_get_error (PsProtocolEditor *self)
{
  g_return_val_if_fail (PS_IS_PROTOCOL_EDITOR (self), NULL);

  return self->error;
}

gboolean
ps_protocol_editor_get_checked (PsProtocolEditor *self)
{
  g_return_val_if_fail (PS_IS_PROTOCOL_EDITOR (self), FALSE);

  return self->checked;
}

gboolean
ps_protocol_editor_get_step_span (PsProtocolEditor *self,
                                  int              *start,
                                  int              *end)
{
  GtkTextIter iter;

  g_return_val_if_fail (PS_IS_PROTOCOL_EDITOR (self), FALSE);

  gtk_text_buffer_get_start_iter (self->buffer, &iter);
  if (!gtk_text_iter_starts_tag (&iter, self->step_tag) &&
      !gtk_text_iter_forward_to_tag_toggle (&iter, self->step_tag))
    return FALSE;
  *start = gtk_text_iter_get_offset (&iter);
  gtk_text_iter_forward_to_tag_toggle (&iter, self->step_tag);
  *end = gtk_text_iter_get_offset (&iter);
  return TRUE;
}

GtkWidget *
ps_protocol_editor_new (void)
{
  return g_object_new (PS_TYPE_PROTOCOL_EDITOR, NULL);
}

static void
ps_protocol_editor_dispose (GObject *object)
{
  PsProtocolEditor *self = PS_PROTOCOL_EDITOR (object);

  g_clear_handle_id (&self->check_id, g_source_remove);
  g_clear_pointer (&self->box, gtk_widget_unparent);

  G_OBJECT_CLASS (ps_protocol_editor_parent_class)->dispose (object);
}

static void
ps_protocol_editor_finalize (GObject *object)
{
  PsProtocolEditor *self = PS_PROTOCOL_EDITOR (object);

  g_clear_pointer (&self->protocol, ps_protocol_free);
  g_ptr_array_unref (self->marks);
  g_clear_object (&self->buffer);
  g_free (self->error);
  g_free (self->applied_text);

  G_OBJECT_CLASS (ps_protocol_editor_parent_class)->finalize (object);
}

static void
ps_protocol_editor_class_init (PsProtocolEditorClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = ps_protocol_editor_dispose;
  object_class->finalize = ps_protocol_editor_finalize;

  /**
   * PsProtocolEditor::apply:
   * @text: the protocol as written, which parses
   */
  signals[SIGNAL_APPLY] = g_signal_new ("apply", G_TYPE_FROM_CLASS (klass),
                                        G_SIGNAL_RUN_LAST, 0, NULL, NULL, NULL,
                                        G_TYPE_NONE, 1, G_TYPE_STRING);

  gtk_widget_class_set_layout_manager_type (widget_class, GTK_TYPE_BIN_LAYOUT);
}

static void
ps_protocol_editor_init (PsProtocolEditor *self)
{
  GtkWidget *heading, *scrolled, *actions;

  self->marks = g_ptr_array_new ();
  self->buffer = gtk_text_buffer_new (NULL);
  self->error_tag = gtk_text_buffer_create_tag (self->buffer, "error",
                                                "underline", PANGO_UNDERLINE_ERROR,
                                                NULL);
  self->step_tag = gtk_text_buffer_create_tag (self->buffer, "running-step",
                                               "background", "rgba(53,132,228,0.25)",
                                               NULL);
  g_signal_connect_swapped (self->buffer, "changed", G_CALLBACK (on_changed), self);

  self->box = gtk_box_new (GTK_ORIENTATION_VERTICAL, 6);
  gtk_widget_set_parent (self->box, GTK_WIDGET (self));

  heading = gtk_label_new (_("Protocol"));
  gtk_widget_add_css_class (heading, "heading");
  gtk_label_set_xalign (GTK_LABEL (heading), 0.0);
  gtk_box_append (GTK_BOX (self->box), heading);

  self->view = GTK_TEXT_VIEW (gtk_text_view_new_with_buffer (self->buffer));
  gtk_text_view_set_monospace (self->view, TRUE);
  gtk_text_view_set_wrap_mode (self->view, GTK_WRAP_WORD_CHAR);
  gtk_text_view_set_left_margin (self->view, 6);
  gtk_text_view_set_right_margin (self->view, 6);
  gtk_text_view_set_top_margin (self->view, 6);
  gtk_text_view_set_bottom_margin (self->view, 6);
  gtk_widget_set_tooltip_text (GTK_WIDGET (self->view),
                               _("Steps such as “Discharge at 1C until 3.0 V”, one a line or "
                                 "separated by “;”; cycles as “(…) x 3”"));
  scrolled = gtk_scrolled_window_new ();
  gtk_scrolled_window_set_policy (GTK_SCROLLED_WINDOW (scrolled),
                                  GTK_POLICY_NEVER, GTK_POLICY_AUTOMATIC);
  gtk_widget_set_size_request (scrolled, 460, -1);
  gtk_scrolled_window_set_min_content_height (GTK_SCROLLED_WINDOW (scrolled), 160);
  gtk_scrolled_window_set_max_content_height (GTK_SCROLLED_WINDOW (scrolled), 360);
  gtk_scrolled_window_set_propagate_natural_height (GTK_SCROLLED_WINDOW (scrolled), TRUE);
  gtk_scrolled_window_set_child (GTK_SCROLLED_WINDOW (scrolled), GTK_WIDGET (self->view));
  gtk_widget_add_css_class (scrolled, "card");
  gtk_widget_set_vexpand (scrolled, TRUE);
  gtk_box_append (GTK_BOX (self->box), scrolled);

  /* the engine's message, under the text */
  self->message = GTK_LABEL (gtk_label_new (NULL));
  gtk_label_set_wrap (self->message, TRUE);
  gtk_label_set_xalign (self->message, 0.0);
  gtk_label_set_max_width_chars (self->message, 50);
  gtk_label_set_selectable (self->message, TRUE);
  gtk_widget_add_css_class (GTK_WIDGET (self->message), "error");
  gtk_widget_set_visible (GTK_WIDGET (self->message), FALSE);
  gtk_box_append (GTK_BOX (self->box), GTK_WIDGET (self->message));

  actions = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 6);
  gtk_widget_set_halign (actions, GTK_ALIGN_END);
  self->apply = gtk_button_new_with_mnemonic (_("_Apply"));
  gtk_widget_set_tooltip_text (self->apply, _("Restart the run with this protocol"));
  gtk_widget_add_css_class (self->apply, "suggested-action");
  g_signal_connect_swapped (self->apply, "clicked", G_CALLBACK (on_apply), self);
  gtk_box_append (GTK_BOX (actions), self->apply);
  gtk_box_append (GTK_BOX (self->box), actions);

  check_now (self);
}
