/* ps-drive-cycle.h: speed traces to drive a vehicle by
 *
 * Built in (resources/drive-cycles, 1 Hz, as distributed by NREL FASTSim,
 * Apache-2.0; the cycles themselves are the US EPA's and UNECE's):
 *   udds          EPA Urban Dynamometer Driving Schedule, 1,369 s
 *   us06          EPA US06 (aggressive, high speed), 600 s
 *   hwfet         EPA Highway Fuel Economy Test, 765 s
 *   wltc-class3b  UNECE WLTC class 3b, 1,800 s
 *   motorway-110  Packscope's own: one hour at 110 km/h with 30 s ramps
 * (ids are case-insensitive; "wltc" and "wltc3b" name the last.)
 *
 * A user's trace is a CSV file: a header row, then rows of numbers. Two
 * columns are needed, time and speed, each with its unit in the header:
 *   time_s | time_min | time_h | "time (s)" | "time [s]" | cycSecs
 *   speed_mps | speed_kmh | speed_mph | "speed (km/h)" | "speed [m/s]" | cycMps
 * An optional grade column (grade, cycGrade: rise over run) is read; other
 * columns are ignored. Times start at 0 or later and increase strictly;
 * speeds are finite, 0 .. 150 m/s. Errors name the file, the line and the
 * column ("my.csv:12:2: expected a number, got \"fast\"").
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

#define PS_DRIVE_CYCLE_MAX_POINTS 1000000
#define PS_DRIVE_CYCLE_MAX_SPEED_MPS 150.0

typedef struct
{
  gatomicrefcount ref_count;
  char     *id;            /* the built-in id, or the file path */
  char     *name;          /* for people: "UDDS", or the file's base name */
  guint     n_points;
  double   *time_s;        /* strictly ascending, the first is the start */
  double   *speed_mps;
  double   *grade;         /* rise over run, 0 when not given */
} PsDriveCycle;

/* NULL-terminated ids of the built-in cycles. Returns: (transfer full) */
char        **ps_drive_cycle_list_builtin (void);
/* A built-in cycle by id. Returns: (transfer full) (nullable) */
PsDriveCycle *ps_drive_cycle_new_builtin  (const char   *id,
                                           GError      **error);
/* A CSV speed trace from memory; source names it in errors. */
PsDriveCycle *ps_drive_cycle_new_from_data (const char  *data,
                                            gsize        length,
                                            const char  *source,
                                            GError     **error);
PsDriveCycle *ps_drive_cycle_new_from_file (const char  *path,
                                            GError     **error);
/* A built-in id if one matches, otherwise a file path. */
PsDriveCycle *ps_drive_cycle_lookup        (const char  *id_or_path,
                                            GError     **error);
PsDriveCycle *ps_drive_cycle_ref           (PsDriveCycle *cycle);
void          ps_drive_cycle_unref         (PsDriveCycle *cycle);

/* From the first point to the last, s */
double        ps_drive_cycle_get_duration  (const PsDriveCycle *cycle);
/* Distance driven over the whole trace (trapezoids), m */
double        ps_drive_cycle_get_distance  (const PsDriveCycle *cycle);
/* Speed at t seconds after the start (linear between points, 0 outside) */
double        ps_drive_cycle_speed_at      (const PsDriveCycle *cycle,
                                            double              t_s);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (PsDriveCycle, ps_drive_cycle_unref)

G_END_DECLS
