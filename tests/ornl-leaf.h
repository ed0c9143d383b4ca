/* ornl-leaf.h: the ORNL measurements of one AESC Leaf cell
 * (shared/data/experimental/ornl-leaf-cell) replayed through the engine
 *
 * A PsSimulation of a one-cell pack (tests/data/ornl-one-cell-pack.json: no
 * tab or link resistance, free air at ORNL's h = 9.5 W/m2K) is driven with
 * the measured current, row by row, and compared with the measured voltage
 * and surface temperature. Errors are RMS over time (each sample weighted by
 * the interval it closes), not over log rows. Shared by tests/test-cell.c
 * (which asserts the shipped cell) and tests/fit-leaf-ecm.c (which fits it).
 */
#pragma once

#include <glib.h>

#include "ps-engine.h"

G_BEGIN_DECLS

typedef struct _OrnlRecord OrnlRecord;

typedef struct
{
  double rms_v;             /* voltage RMS over time, the whole record */
  double rms_part_v;        /* ... over the first 90 % of the charge (discharges)
                             * or the pulses (HPPC) */
  double max_err_v;
  double ah_measured;       /* charge of the record (discharge: to 3.0 V) */
  double ah_model;          /* discharge: the model's charge to its cut-off at
                             * the mean current (when asked for), else 0 */
  double mean_current_a;
  double duration_s;
  double temp0_c;           /* start (mean of the surface thermocouples) */
  double ambient_c;
  double peak_measured_c;   /* hottest of three surface thermocouples */
  double peak_model_c;
  double temp_rms_k;        /* discharges: surface temperature RMS over time
                             * against the mean of the thermocouples, over
                             * the discharge and 40 min of rest after it */
} OrnlResult;

/* "1c", "2c", "3c": the first constant-current discharge of that file, from
 * full to 3.0 V, with its surface temperatures; NULL when the data are
 * missing */
OrnlRecord *ornl_discharge_load (const char *c_rate);
/* an HPPC record from its first pulse at the chamber's temperature */
OrnlRecord *ornl_hppc_load      (const char *file,
                                 double      temp_c);
void        ornl_record_free    (OrnlRecord *record);

/* Replays the record on the cell cell_json (a cell object as JSON text),
 * or the shipped aesc-leaf-2011 when NULL; FALSE with error when the cell
 * or the scenario does not load. */
gboolean    ornl_record_run     (const OrnlRecord *record,
                                 const char       *cell_json,
                                 gboolean          with_capacity,
                                 OrnlResult       *result,
                                 GError          **error);
/* the record's rows, and (after a run with trace) the model's voltage
 * at each: for plots */
guint       ornl_record_n_rows  (const OrnlRecord *record);
void        ornl_record_row     (const OrnlRecord *record,
                                 guint             k,
                                 double           *time_s,
                                 double           *current_a,
                                 double           *voltage_v);
/* as ornl_record_run, the model's voltage at each row into model_v
 * (ornl_record_n_rows of them) */
gboolean    ornl_record_trace   (const OrnlRecord *record,
                                 const char       *cell_json,
                                 double           *model_v,
                                 GError          **error);

/* the one-cell pack in ORNL's chamber, full, at initial_temp_c in
 * ambient_c, with cell_json (NULL: the shipped aesc-leaf-2011) */
PsSimulation *ornl_one_cell_simulation (const char  *cell_json,
                                        double       initial_temp_c,
                                        double       ambient_c,
                                        GError     **error);
/* the fit: the chamber's h in place of the fixture's (0: the fixture's) */
void          ornl_set_h               (double        h_w_m2k);
/* dt at a constant current (A, > 0 discharging); the cell's voltage after */
double        ornl_one_cell_step       (PsSimulation *sim,
                                        double        current_a,
                                        double        dt);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (OrnlRecord, ornl_record_free)

G_END_DECLS
