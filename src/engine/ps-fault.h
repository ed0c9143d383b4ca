/* ps-fault.h: faults injected into a pack: what breaks, where and when
 *
 * A fault is one line of fields, the same in a scenario's "faults" array and
 * on the command line (--fault):
 *
 *   JSON  {"kind": "internal_short", "cell": 57, "at_s": 600, "resistance_ohm": 0.1}
 *   text  kind=internal_short,cell=57,at_s=600,resistance_ohm=0.1
 *
 * kind              fields (required in capitals)        what it does
 * internal_short    CELL RESISTANCE_OHM at_s             a resistor across the cell's
 *                                                        electrodes (THERMAL-RUNAWAY.md
 *                                                        section 6: hard mOhm-0.1 Ohm,
 *                                                        soft 1-1000 Ohm)
 * external_short    RESISTANCE_OHM module at_s duration_s a resistor across a module's
 *                                                        series groups (no module: the
 *                                                        pack's terminals)
 * open_cell         CELL at_s                            the cell's tab breaks: it
 *                                                        carries no current, its group's
 *                                                        other cells take it over
 * weak_cell         CELL capacity_factor resistance_factor  from the start: its capacity
 *                                                        and resistance scaled
 * cooling_failure   channel at_s duration_s              a coolant channel blocked (no
 *                                                        channel: all cooling off, the
 *                                                        fan or pump stopped); the cells
 *                                                        keep natural convection
 * heater            CELL POWER_W at_s duration_s         a heater on the cell (oven or
 *                                                        heating-plate abuse test)
 * thermal_runaway   CELL at_s power_w                    the cell is heated (a nail or
 *                                                        heater trigger, power_w, by
 *                                                        default its heat capacity x
 *                                                        5 K/s) until it runs away
 *
 * Cells, modules and channels are numbered from 1, as everywhere. Times are
 * seconds of simulated time; duration_s absent means to the end.
 */
#pragma once

#include <glib.h>

#include "ps-pack.h"

G_BEGIN_DECLS

typedef enum
{
  PS_FAULT_INTERNAL_SHORT,
  PS_FAULT_EXTERNAL_SHORT,
  PS_FAULT_OPEN_CELL,
  PS_FAULT_WEAK_CELL,
  PS_FAULT_COOLING_FAILURE,
  PS_FAULT_HEATER,
  PS_FAULT_THERMAL_RUNAWAY,
  PS_FAULT_N_KINDS
} PsFaultKind;

typedef struct
{
  PsFaultKind kind;
  guint       cell;              /* 1-based; 0 = none */
  guint       module;            /* 1-based; 0 = the whole pack */
  guint       channel;           /* 1-based; 0 = all cooling */
  double      at_s;
  double      duration_s;        /* INFINITY = to the end */
  double      resistance_ohm;
  double      capacity_factor;
  double      resistance_factor;
  double      power_w;           /* 0 for thermal_runaway = the default */
} PsFault;

const char *ps_fault_kind_to_string (PsFaultKind    kind);

/* Parses "key=value,key=value" (see above) and checks it against pack;
 * errors read "--fault 'TEXT': key: what". */
gboolean    ps_fault_parse_text     (const char    *text,
                                     const PsPack  *pack,
                                     PsFault       *fault,
                                     GError       **error);
/* The same fields as text, loadable again. (transfer full) */
char       *ps_fault_to_text        (const PsFault *fault);
/* A sentence for people: "internal short of cell 57 (0.1 Ohm) at 600 s".
 * (transfer full) */
char       *ps_fault_describe       (const PsFault *fault);
/* TRUE if the fault applies at time_s */
gboolean    ps_fault_is_active      (const PsFault *fault,
                                     double         time_s);

G_END_DECLS
