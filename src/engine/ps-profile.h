/* ps-profile.h: a load profile over time for "Run <file.csv>" steps
 *
 * A CSV file of two columns, time and the load, like PyBaMM's drive-cycle
 * currents. The header names each quantity and its unit:
 *
 *   time [s], current [A]        (also "time_s,current_a", "time (min)", ...)
 *
 * time in s, min or h; the load as current (A, mA), C-rate (C) or power
 * (W, kW), positive discharging and negative charging (PyBaMM's sign).
 * Lines starting with '#' and empty lines are skipped; fields may be
 * separated by ',', ';' or a tab. Times start at 0 and increase.
 *
 * The load between two samples is their mean: the charge (or energy) of
 * PyBaMM's linear interpolation, exactly, at a load constant within each
 * interval. A step longer than the profile runs it again from its start
 * (period: the last sample's time), as PyBaMM does.
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

#define PS_PROFILE_MAX_SAMPLES 1000000

typedef enum
{
  PS_PROFILE_CURRENT,   /* A */
  PS_PROFILE_C_RATE,    /* of the pack capacity */
  PS_PROFILE_POWER,     /* W */
} PsProfileQuantity;

typedef struct
{
  PsProfileQuantity quantity;
  guint             n_samples;  /* >= 2 */
  double           *time_s;     /* time_s[0] = 0, increasing */
  double           *value;      /* in SI (A, C-rate, W), > 0 discharging */
  char             *name;       /* the file, for messages */
} PsProfile;

/* Errors name the file, the line and the column, and what was expected.
 * Returns: (transfer full) (nullable) */
PsProfile  *ps_profile_new_from_data (const char      *name,
                                      const char      *data,
                                      gsize            length,
                                      GError         **error);
PsProfile  *ps_profile_new_from_file (const char      *path,
                                      GError         **error);
void        ps_profile_free          (PsProfile       *profile);

/* One pass, the last sample's time (s). */
double      ps_profile_get_period    (const PsProfile *profile);
/* The load of the interval that holds time t (s, from the step's start;
 * a step longer than the profile runs it again), and the time at which that
 * interval ends. */
double      ps_profile_locate        (const PsProfile *profile,
                                      double           t,
                                      double          *interval_end_s);
const char *ps_profile_quantity_to_string (PsProfileQuantity quantity);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (PsProfile, ps_profile_free)

G_END_DECLS
