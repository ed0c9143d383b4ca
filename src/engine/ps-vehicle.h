/* ps-vehicle.h: a longitudinal vehicle model that turns a speed trace into
 * the pack's power
 *
 * Over each interval of the trace (speeds v0 -> v1 in dt, grade g, the mean
 * speed v = (v0 + v1) / 2, acceleration a = (v1 - v0) / dt):
 *   F = m_eff a + 1/2 rho CdA v^2 + Crr m g0 cos(atan g) + m g0 sin(atan g)
 *   P_wheel = F v
 * Driving (P_wheel > 0): P_pack = P_wheel / (eta_drivetrain eta_motor_inverter),
 *   the wheel power at most the motor's;
 * braking (P_wheel < 0): the motor recovers P_wheel eta_drivetrain
 *   eta_motor_inverter regen_fraction, at most regen_power_max (the friction
 *   brakes take the rest);
 * plus the auxiliary load (electronics, 12 V, climate) all the time.
 * m_eff = m (1 + rotating_mass_fraction). P_pack > 0 discharges.
 *
 * JSON (resources/vehicles/<id>.json, or inline as a scenario's "vehicle"):
 *   { "packscope_vehicle": 1, "id": "leaf-2011", "name": "...",
 *     "mass_kg": 1656, "cda_m2": 0.73, "rolling_resistance": 0.008,
 *     "drivetrain_efficiency": 0.97, "motor_inverter_efficiency": 0.89,
 *     "regen_fraction": 0.8, "regen_power_max_kw": 30,
 *     "motor_power_max_kw": 80, "aux_power_w": 250,
 *     "rotating_mass_fraction": 0.05, "sources": [ "..." ] }
 * Errors name the source, the JSON path and what was expected.
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

#define PS_VEHICLE_AIR_DENSITY_KG_M3 1.2
#define PS_VEHICLE_GRAVITY_M_S2      9.81

typedef struct
{
  char     id[64];
  char     name[128];
  double   mass_kg;                  /* test mass (curb + driver/payload) */
  double   cda_m2;                   /* drag coefficient x frontal area */
  double   rolling_resistance;       /* Crr */
  double   drivetrain_efficiency;    /* gear and transmission, 0..1 */
  double   motor_inverter_efficiency;/* motor x inverter, 0..1 */
  double   regen_fraction;           /* braking power the motor may take, 0..1 */
  double   regen_power_max_w;        /* at the pack */
  double   motor_power_max_w;        /* at the wheels, driving */
  double   aux_power_w;
  double   rotating_mass_fraction;
} PsVehicle;

/* NULL-terminated ids of the built-in vehicles. Returns: (transfer full) */
char     **ps_vehicle_list_builtin   (void);
/* FALSE (error set) if id names no built-in vehicle */
gboolean   ps_vehicle_load_builtin   (PsVehicle   *vehicle,
                                      const char  *id,
                                      GError     **error);
/* From a JSON object node (a JsonNode *), validated. */
gboolean   _ps_vehicle_load_node     (PsVehicle   *vehicle,
                                      gpointer     json_node,
                                      const char  *source,
                                      const char  *path,
                                      GError     **error);
/* The values in range (finite, positive, efficiencies in (0, 1]). */
gboolean   ps_vehicle_validate       (const PsVehicle *vehicle,
                                      const char      *where,
                                      GError         **error);
/* Adds member "vehicle" as an object (a JsonBuilder *). */
void       _ps_vehicle_to_json       (const PsVehicle *vehicle,
                                      gpointer         json_builder);

/* The pack's power (W, > 0 discharging) over one interval of a trace. */
double     ps_vehicle_pack_power_w   (const PsVehicle *vehicle,
                                      double           speed0_mps,
                                      double           speed1_mps,
                                      double           dt_s,
                                      double           grade);

G_END_DECLS
