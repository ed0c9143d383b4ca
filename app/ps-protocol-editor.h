/* ps-protocol-editor.h: the running scenario's protocol, editable
 *
 * A text view with the protocol in the experiment language
 * (ps-protocol.h). Each change is parsed again shortly after (debounced,
 * on the main loop); an error is underlined at the byte the engine's parser
 * names (ps_protocol_parse_full) and its message shown under the text, and
 * "Apply" waits until the text parses. "Apply" emits ::apply with the text;
 * the window runs it through ps_scenario_set_protocol, as --protocol does.
 * While a run plays, the running step's text is highlighted where it is
 * written (a cycle's step once, however many times the cycle runs).
 */
#pragma once

#include <gtk/gtk.h>

#include "ps-protocol.h"

G_BEGIN_DECLS

#define PS_TYPE_PROTOCOL_EDITOR (ps_protocol_editor_get_type ())
G_DECLARE_FINAL_TYPE (PsProtocolEditor, ps_protocol_editor, PS, PROTOCOL_EDITOR, GtkWidget)

GtkWidget     *ps_protocol_editor_new           (void);

/* Shows protocol (the running one) as text, unless the text shown is the
 * one last applied and parses to it, which is kept as the user wrote it.
 * protocol: (nullable) */
void           ps_protocol_editor_set_protocol  (PsProtocolEditor *self,
                                                 const PsProtocol *protocol);
/* Highlights step (1-based, of the protocol's expanded steps, as
 * PsFrame.step counts them) where it is written; 0 highlights nothing. */
void           ps_protocol_editor_show_step     (PsProtocolEditor *self,
                                                 guint             step);

/* Returns: (transfer none) */
GtkTextBuffer *ps_protocol_editor_get_buffer    (PsProtocolEditor *self);
/* Returns: (transfer none) */
GtkWidget     *ps_protocol_editor_get_apply_button (PsProtocolEditor *self);
/* The engine's message for the text as last checked, or NULL when it
 * parses (or has not been checked yet). Returns: (nullable) */
const char    *ps_protocol_editor_get_error     (PsProtocolEditor *self);
/* TRUE once the text as it is now has been checked */
gboolean       ps_protocol_editor_get_checked   (PsProtocolEditor *self);
/* The highlighted step's span in the buffer, in characters: FALSE when
 * none is highlighted. */
gboolean       ps_protocol_editor_get_step_span (PsProtocolEditor *self,
                                                 int              *start,
                                                 int              *end);

G_END_DECLS
