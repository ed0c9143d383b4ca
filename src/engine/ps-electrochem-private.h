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

/* An equivalent circuit derived from a set's physics, at its reference
 * temperature, over n SOC points 0..1 (n >= 2): the OCV (never falling),
 * dOCV/dT in mV/K, R0 = electrolyte and solid ohmic + linearised
 * Butler-Volmer of both electrodes (c_e0), R1 C1 / R2 C2 = the negative /
 * positive particles' diffusion, R = |dU/dc| R_p / (5 F D a L A), tau =
 * R_p^2 / (20.19 D) (a sphere's first mode). Returns the mean OCV over the
 * window (a nominal voltage). */
double         _ps_electrochem_derive_ecm         (const PsElectrochem *ec,
                                                   guint                n,
                                                   double              *soc,
                                                   double              *ocv,
                                                   double              *dudt_mv_k,
                                                   double              *r0,
                                                   double              *r1,
                                                   double              *c1,
                                                   double              *r2,
                                                   double              *c2);

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
