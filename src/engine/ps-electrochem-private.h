/* ps-electrochem-private.h: parameter sets to and from JSON, and the BPX
 * expressions; engine (and engine tests) only */
#pragma once

#include <json-glib/json-glib.h>

#include "ps-electrochem.h"

G_BEGIN_DECLS

/* A set from a JSON object (the schema of ps-electrochem.c; "base" allowed);
 * errors read "source: path: what". */
PsElectrochem *_ps_electrochem_new_from_json_node (JsonNode            *node,
                                                   const char          *source,
                                                   const char          *path,
                                                   GError             **error);
/* The whole set as that schema (loadable again, without "base"). */
JsonNode      *_ps_electrochem_to_json_node       (const PsElectrochem *ec);

/* BPX expressions in x (ps-electrochem-expr.c) */
PsEcExpr      *_ps_ec_expr_compile                (const char          *text,
                                                   const char          *source,
                                                   const char          *path,
                                                   GError             **error);
double         _ps_ec_expr_eval                   (const PsEcExpr      *expr,
                                                   double               x);
const char    *_ps_ec_expr_get_text               (const PsEcExpr      *expr);
PsEcExpr      *_ps_ec_expr_copy                   (const PsEcExpr      *expr);
void           _ps_ec_expr_free                   (PsEcExpr            *expr);

G_END_DECLS
