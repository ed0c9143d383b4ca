/* ps-thermal-network-private.h: the pack's cells as a thermal network
 *
 *   C dT_i/dt = q_i + sum_j G_ij (T_j - T_i) - ha_i (T_i - T_f,i)
 *
 * integrated with backward Euler (see ps-thermal-network.c). The network
 * owns the cell temperatures; the simulation hands it each step's heat.
 * Internal to the engine.
 */
#pragma once

#include <glib.h>

#include "ps-pack.h"
#include "ps-workers-private.h"

G_BEGIN_DECLS

typedef struct _PsThermalNetwork PsThermalNetwork;

/* pack must outlive the network; heat_capacity_j_k is one cell's m c_p */
PsThermalNetwork *_ps_thermal_network_new        (const PsPack     *pack,
                                                  double            heat_capacity_j_k,
                                                  double            coolant_inlet_k);
void              _ps_thermal_network_free       (PsThermalNetwork *net);
/* every cell at temp_k, nothing removed yet */
void              _ps_thermal_network_reset      (PsThermalNetwork *net,
                                                  double            temp_k,
                                                  double            ambient_k,
                                                  gboolean          cooling_enabled);
void              _ps_thermal_network_set_conditions (PsThermalNetwork *net,
                                                  double            ambient_k,
                                                  gboolean          cooling_enabled);
/* cells whose cooling is lost (blocked[i] != 0: natural convection to the
 * ambient, out of their coolant channel); NULL for none. Copied. */
void              _ps_thermal_network_set_blocked (PsThermalNetwork *net,
                                                  const guint8     *blocked);
/* the threads the right-hand side of a step is shared over (NULL: none;
 * not owned; the results do not depend on them) */
void              _ps_thermal_network_set_workers (PsThermalNetwork *net,
                                                  PsWorkers        *workers);
/* advances the temperatures by dt with each cell generating heat_w[i] */
void              _ps_thermal_network_step       (PsThermalNetwork *net,
                                                  const double     *heat_w,
                                                  double            dt);
/* snapshot of the state (temperatures, totals), restored by restore */
void              _ps_thermal_network_save       (PsThermalNetwork *net);
void              _ps_thermal_network_restore    (PsThermalNetwork *net);

const double     *_ps_thermal_network_get_temp   (PsThermalNetwork *net);
double            _ps_thermal_network_get_temp_max (PsThermalNetwork *net);
double            _ps_thermal_network_get_temp_min (PsThermalNetwork *net);
/* the largest |temperature change| of any cell in the last step, K */
/* each cell's temperature change in the last step, K */
const double     *_ps_thermal_network_get_change (PsThermalNetwork *net);
double            _ps_thermal_network_get_change_max (PsThermalNetwork *net);
double            _ps_thermal_network_get_coolant_outlet (PsThermalNetwork *net);
double            _ps_thermal_network_get_heat_removed_j (PsThermalNetwork *net);

G_END_DECLS
