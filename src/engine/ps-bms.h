/* ps-bms.h: the battery management system a scenario may switch on
 *
 * What it does, each substep of the simulation (ps-simulation.c calls it):
 * - protects: a contactor opens when a cell passes the BMS's over- or
 *   under-voltage threshold, its over-current threshold or its
 *   over-temperature threshold; the reason is recorded (an event, the
 *   frame's bms_state "open:<reason>"). With the contactor open the pack
 *   carries no current: every step but a rest ends at once.
 * - derates: the pack current is kept within charge and discharge limits
 *   that are tables over the cell temperature and SOC (per cell, A; the
 *   hottest and the coldest cell, the fullest cell for charge, the emptiest
 *   for discharge).
 * - charges CC-CV on the highest cell (the fast-charge load): constant
 *   power or current up to the charge voltage, then constant voltage with a
 *   tapering current.
 * - balances passively: a bleed resistor across each parallel group whose
 *   voltage is above the mean of the groups by the threshold, while charging
 *   or resting; the bleed heat goes into the group's cells.
 * - limits DC fast charging power by temperature (a table over the hottest
 *   cell: rapidgate).
 * Every decision is an event (ps-events.h).
 *
 * Scenario JSON, member "bms" (a preset's scenario gives its defaults; a
 * scenario's values override them one by one):
 *   "bms": true | false | {
 *     "enabled": true,
 *     "cell_voltage_max_v": 4.25, "cell_voltage_min_v": 2.9,
 *     "cell_current_max_a": 200, "temperature_max_c": 55,
 *     "charge_voltage_v": 4.15, "charge_end_c": 0.05,
 *     "current_limits": { "temperature_c": [..], "soc": [..],
 *                         "charge_a": [[per soc] per temperature],
 *                         "discharge_a": [[..]] },
 *     "balancing": { "enabled": true, "resistance_ohm": 33, "threshold_v": 0.01,
 *                    "start_voltage_v": 3.9 },
 *     "fast_charge": { "temperature_c": [..], "power_kw": [..] }
 *   }
 * Unset values follow the cell: trips 50 mV above and 100 mV below its
 * voltage limits, 1.5 x its discharge current limit and 5 K below its upper
 * temperature limit; charge voltage at its upper limit (20 mV under the
 * over-voltage threshold if that is lower); balancing above 70 % of its
 * voltage window (top balancing: below it the voltages say little about
 * the SOC); current limits from
 * its maximum currents with generic derating (no charge below 0 C, less
 * above 45 C and above 80 % SOC; less discharge below 10 % SOC and above
 * 50 C).
 */
#pragma once

#include <glib.h>

#include "ps-cell-type.h"

G_BEGIN_DECLS

#define PS_BMS_TABLE_MAX 16

typedef struct
{
  gboolean enabled;

  /* protection thresholds (the contactor opens beyond them) */
  double   cell_voltage_max_v;
  double   cell_voltage_min_v;
  double   cell_current_max_a;      /* magnitude, either direction */
  double   temp_max_k;

  /* CC-CV charging (the fast-charge load) */
  double   charge_voltage_v;        /* highest cell held here */
  double   charge_end_c;            /* CV ends below this C-rate */

  /* current limits per cell, A, over temperature x SOC (bilinear, clamped) */
  guint    n_temp;
  guint    n_soc;
  double   limit_temp_k[PS_BMS_TABLE_MAX];
  double   limit_soc[PS_BMS_TABLE_MAX];
  double   limit_charge_a[PS_BMS_TABLE_MAX * PS_BMS_TABLE_MAX];    /* [temp][soc] */
  double   limit_discharge_a[PS_BMS_TABLE_MAX * PS_BMS_TABLE_MAX];

  /* passive balancing */
  gboolean balancing;
  double   balance_resistance_ohm;
  double   balance_threshold_v;
  double   balance_start_v;         /* only while the groups' mean is above */

  /* DC fast charging power limit over the hottest cell's temperature;
   * n_fast 0: only the charger's own power */
  guint    n_fast;
  double   fast_temp_k[PS_BMS_TABLE_MAX];
  double   fast_power_w[PS_BMS_TABLE_MAX];

  /* which of the above were given (the rest follow the cell) */
  guint    set_mask;
} PsBmsConfig;

/* A switched-off BMS whose values all follow the cell. */
void      ps_bms_config_init          (PsBmsConfig       *config);
/* Reads "bms" (true, false or an object) over config: only the members
 * given change. Errors name source, path and the problem. */
gboolean  _ps_bms_config_read         (PsBmsConfig       *config,
                                       gpointer           json_node,
                                       const char        *source,
                                       const char        *path,
                                       GError           **error);
/* Fills the values that follow the cell. */
void      ps_bms_config_resolve       (PsBmsConfig       *config,
                                       const PsCellType  *cell);
/* Checks the resolved values against the cell (thresholds on the right
 * side of each other, finite positive tables). */
gboolean  ps_bms_config_validate      (const PsBmsConfig *config,
                                       const char        *where,
                                       GError           **error);
/* Adds member "bms" with every resolved value (JsonBuilder). */
void      _ps_bms_config_to_json      (const PsBmsConfig *config,
                                       gpointer           json_builder);

/* Per-cell current limits, A (>= 0), at temperature_k and soc. */
double    ps_bms_config_charge_limit_a    (const PsBmsConfig *config,
                                           double             temperature_k,
                                           double             soc);
double    ps_bms_config_discharge_limit_a (const PsBmsConfig *config,
                                           double             temperature_k,
                                           double             soc);
/* The fast charger's power limit at the hottest cell's temperature, W;
 * +inf when the BMS gives none. */
double    ps_bms_config_fast_power_w      (const PsBmsConfig *config,
                                           double             temperature_k);

/* What the BMS is doing, for the CSV's bms_state and the window. */
typedef enum
{
  PS_BMS_STATE_OFF,           /* "" (no BMS) */
  PS_BMS_STATE_OK,            /* "ok" */
  PS_BMS_STATE_DERATED,       /* "derated": a current limit cut the load */
  PS_BMS_STATE_CV,            /* "cv": charging at constant voltage */
  PS_BMS_STATE_BALANCING,     /* "balancing": a bleed resistor is on */
  PS_BMS_STATE_OPEN,          /* "open:<reason>" */
} PsBmsState;

/* "ok", "derated", "cv", "balancing", "open:over-voltage", ...; "" for OFF.
 * reason: a PsContactorReason, used for OPEN */
const char *ps_bms_state_to_text      (PsBmsState         state,
                                       int                reason);

G_END_DECLS
