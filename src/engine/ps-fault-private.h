/* ps-fault-private.h: faults as JSON; engine only
 */
#pragma once

#include <json-glib/json-glib.h>

#include "ps-fault.h"

G_BEGIN_DECLS

/* One element of a scenario's "faults" array at path (e.g. "$.faults[0]"),
 * checked against pack; errors read "source: path.key: what". */
gboolean _ps_fault_read_json  (JsonNode      *node,
                               const PsPack  *pack,
                               const char    *source,
                               const char    *path,
                               PsFault       *fault,
                               GError       **error);
void     _ps_fault_write_json (JsonBuilder   *builder,
                               const PsFault *fault);
/* checks a fault built in code against pack (the range of its numbers) */
gboolean _ps_fault_check      (const PsFault *fault,
                               const PsPack  *pack,
                               const char    *where,
                               GError       **error);

G_END_DECLS

G_BEGIN_DECLS

/* What the active faults do to the pack at one moment, per cell; the
 * simulation asks for it at every substep's start (ps-simulation.c). */
typedef struct
{
  guint     n_cells;
  guint     n_series;
  GArray   *faults;         /* PsFault: the scenario's, then those added live */
  GArray   *on;             /* gboolean per fault: active at the last update */

  double   *short_g;        /* [n_cells] internal-short conductance, S */
  guint8   *open;           /* [n_cells] no current (open fault, or burnt) */
  double   *extra_w;        /* [n_cells] heaters and the forced runaway's heating */
  guint8   *blocked;        /* [n_cells] cooling lost */
  double   *e_eff;          /* [n_cells] scratch: the cells' Thevenin pairs */
  double   *r_eff;
  double   *cell_i;         /* [n_cells] scratch: current through the electrodes */

  gboolean  electrical;     /* some cell shorted or open */
  gboolean  heat;           /* some cell heated by a fault */
  gboolean  cooling;        /* some cooling lost */
  gboolean  forcing;        /* a forced runaway heats its cell */
  gboolean  xs_active;      /* an external short across groups [xs_g0, xs_g1) */
  guint     xs_g0, xs_g1;
  double    xs_rx;
  double    xs_a, xs_b;     /* the shorted groups carry xs_a + xs_b I_pack */
  double    next_change_s;  /* next time a fault starts or ends */
} PsFaultState;

typedef struct
{
  double   time_s;
  guint    fault;           /* index into faults */
  gboolean on;
} PsFaultEvent;

/* a forced runaway heats its cell at this rate (unless told its power)
 * until its reactions heat it faster */
#define PS_FAULT_FORCE_K_S 5.0

PsFaultState *_ps_fault_state_new      (const PsPack   *pack,
                                        const PsFault  *faults,
                                        guint           n_faults);
void          _ps_fault_state_free     (PsFaultState   *fs);
/* weak cells: scales capacity_ah and resistance_factor (at the start) */
void          _ps_fault_state_apply_weak (PsFaultState *fs,
                                        double         *capacity_ah,
                                        double         *resistance_factor);
/* Makes the per-cell arrays those of time_s; runaway (nullable) marks cells
 * in runaway (open), sustained (nullable) those whose reactions heat them
 * faster than a forced runaway would (its heating stops); heat_capacity_j_k
 * sets the forced runaway's default heating. Appends starts and ends to
 * events. Returns TRUE when the cells whose cooling is lost changed. */
gboolean      _ps_fault_state_update   (PsFaultState   *fs,
                                        const PsPack   *pack,
                                        double          time_s,
                                        const guint8   *runaway,
                                        const guint8   *sustained,
                                        double          heat_capacity_j_k,
                                        GArray         *events);
/* each cell's Thevenin pair (E, R) seen from its terminals, with its short
 * or its open tab; returns arrays of fs */
void          _ps_fault_state_linearise (PsFaultState  *fs,
                                        const double   *ec,
                                        const double   *rc,
                                        const double  **ec_out,
                                        const double  **rc_out);
/* the current through each cell's electrodes, from its terminal current
 * and the terminal Thevenin pair of _ps_fault_state_linearise: a shorted
 * cell's electrodes carry the short's current V g_s too (out may be
 * terminal) */
void          _ps_fault_state_electrode_currents (const PsFaultState *fs,
                                                  const double       *ec,
                                                  const double       *rc,
                                                  const double       *terminal,
                                                  double             *out);
/* the external short: the pack's (E, R) with the shorted groups' part
 * replaced by what the short leaves of it */
void          _ps_fault_state_short_groups (PsFaultState *fs,
                                        const double   *group_e,
                                        const double   *group_r,
                                        double         *pack_e,
                                        double         *pack_r);

/* TRUE while a forced runaway heats its cell or is yet to start */
gboolean      _ps_fault_state_forcing  (PsFaultState   *fs,
                                        double          time_s);

/* The current through series group g when the pack carries pack_i. */
static inline double
_ps_fault_state_group_current (const PsFaultState *fs,
                               guint               g,
                               double              pack_i)
{
  if (fs->xs_active && g >= fs->xs_g0 && g < fs->xs_g1)
    return fs->xs_a + fs->xs_b * pack_i;
  return pack_i;
}

G_END_DECLS
