/* ps-bpx.h: cell types from BPX (Battery Parameter eXchange) files
 *
 * A BPX file (v0.x as published, or v1.x; ../shared/data/bpx/BPX.md) with a
 * DFN or SPMe parameterisation becomes a cell type with a physics parameter
 * set (ps-electrochem.h), so it runs as an SPMe or DFN, and with an ECM
 * derived from that set (OCV from the electrodes' OCPs over the BPX
 * stoichiometry window, R0 from the ohmic and linearised charge-transfer
 * resistances, R1 C1 / R2 C2 from the particles' diffusion), so it runs as
 * an ECM too. Errors name the file, the BPX key path ("$.Parameterisation.
 * Negative electrode.Porosity") and what was expected. GLib only.
 */
#pragma once

#include <glib.h>

#include "ps-cell-type.h"

G_BEGIN_DECLS

PsCellType *ps_bpx_cell_new_from_file (const char  *path,
                                       GError     **error);
/* TRUE when the file (or text) looks like BPX: a top-level object with
 * "Header" and "Parameterisation" */
gboolean    ps_bpx_file_is_bpx        (const char  *path);

G_END_DECLS
