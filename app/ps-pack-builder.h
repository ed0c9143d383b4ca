/* ps-pack-builder.h: build a pack from a cell, counts, modules and cooling
 *
 * A dialog over a PsWindow: the choices of a PsPackDesign (ps-pack-design.h)
 * on the left, the pack's layout drawn live on the right by the layout
 * renderer. Each change rebuilds the pack through the engine's own loader;
 * a refused choice shows the engine's error under that choice, and "Run"
 * and "Save…" wait until the pack builds. "Run" runs the built scenario in
 * the window at once (the window's protocol, ambient, variation and seed);
 * "Save…" writes it as scenario JSON that `packscope --headless --scenario`
 * runs unchanged, and runs it.
 */
#pragma once

#include "ps-window.h"

G_BEGIN_DECLS

#define PS_TYPE_PACK_BUILDER (ps_pack_builder_get_type ())
G_DECLARE_FINAL_TYPE (PsPackBuilder, ps_pack_builder, PS, PACK_BUILDER, AdwWindow)

/* Starts from the window's scenario (its pack, cell and settings).
 * Returns: (transfer none): a toplevel, transient for window */
PsPackBuilder    *ps_pack_builder_new          (PsWindow          *window);

/* Sets a choice as a user would (the numeric ones, in SI units: metres,
 * W/m2K, fractions, kg/s); the pack rebuilds shortly after, or at once
 * with ps_pack_builder_rebuild. */
void              ps_pack_builder_set_value    (PsPackBuilder     *self,
                                                PsPackDesignField  field,
                                                double             value);
void              ps_pack_builder_set_cooling  (PsPackBuilder     *self,
                                                PsCoolingKind      cooling);
void              ps_pack_builder_set_name     (PsPackBuilder     *self,
                                                const char        *name);
/* a shipped cell id, or the id of a cell loaded from a file; FALSE if none */
gboolean          ps_pack_builder_select_cell  (PsPackBuilder     *self,
                                                const char        *id);
/* Loads a cell JSON file and selects it; FALSE with the loader's error */
gboolean          ps_pack_builder_add_cell_file (PsPackBuilder    *self,
                                                 const char       *path,
                                                 GError          **error);
void              ps_pack_builder_rebuild      (PsPackBuilder     *self);

/* The built scenario, or NULL while a choice is refused.
 * Returns: (nullable) (transfer none) */
const PsScenario *ps_pack_builder_get_scenario (PsPackBuilder     *self);
/* The engine's error while a choice is refused, else NULL; field: (out)
 * (optional): the choice it is about (PS_PACK_DESIGN_FIELD_NONE: the pack
 * as a whole) */
const char       *ps_pack_builder_get_error    (PsPackBuilder     *self,
                                                PsPackDesignField *field);
/* The row showing a choice (and its error); for tests.
 * Returns: (nullable) (transfer none) */
GtkWidget        *ps_pack_builder_get_row      (PsPackBuilder     *self,
                                                PsPackDesignField  field);
/* The live layout preview.  Returns: (transfer none) */
GtkWidget        *ps_pack_builder_get_preview  (PsPackBuilder     *self);

G_END_DECLS
