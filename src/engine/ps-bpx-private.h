/* ps-bpx-private.h: BPX from a parsed tree; engine (and engine tests) only */
#pragma once

#include <json-glib/json-glib.h>

#include "ps-bpx.h"

G_BEGIN_DECLS

gboolean    _ps_bpx_node_is_bpx           (JsonNode    *root);
PsCellType *_ps_bpx_cell_new_from_node    (JsonNode    *root,
                                           const char  *source,
                                           GError     **error);

G_END_DECLS
