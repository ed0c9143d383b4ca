/* ps-cell-type-private.h: cell types to and from JSON; engine (and engine
 * tests) only */
#pragma once

#include <json-glib/json-glib.h>

#include "ps-cell-type.h"

G_BEGIN_DECLS

PsCellType *ps_cell_type_new_from_json_node (JsonNode          *node,
                                             const char        *source_name,
                                             const char        *json_path,
                                             GError           **error);
JsonNode   *ps_cell_type_to_json_node       (const PsCellType  *cell);

G_END_DECLS
