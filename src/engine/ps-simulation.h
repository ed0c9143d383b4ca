/* ps-simulation.h: the electro-thermal pack simulation
 *
 * State is structure-of-arrays over all cells, allocated once; stepping
 * allocates nothing. Each step: the cells' Thevenin linearisation
 * V = E - R I is formed from the 2-RC ECM; the parallel groups and the series
 * string are solved implicitly for the load (current, power, voltage hold on
 * the highest cell, resistance); the RC states advance exactly for constant
 * current over the step; Bernardi heat goes into the thermal network, which is
 * advanced implicitly (unconditionally stable).
 *
 * The protocol executor lives here too: ps_simulation_advance() applies the
 * current protocol step's load, checks its end conditions (duration, voltage,
 * current, and the cells' own limits), and moves to the next step.
 *
 * Not thread safe: one thread (the runner's worker, or the CLI) owns it.
 * A step may share its cells' work over threads of its own
 * (ps_simulation_set_threads); the results are the same to the last bit
 * whatever their number.
 */
#pragma once

#include "ps-bms.h"
#include "ps-events.h"
#include "ps-frame.h"
#include "ps-scenario.h"

G_BEGIN_DECLS

typedef enum
{
  PS_LOAD_REST,
  PS_LOAD_CURRENT,         /* value: pack current, A, > 0 discharge */
  PS_LOAD_POWER,           /* value: pack power, W, > 0 discharge */
  PS_LOAD_VOLTAGE_HOLD,    /* value: highest cell voltage held, V (CV charge) */
  PS_LOAD_RESISTANCE,      /* value: external resistance across the pack, Ohm */
  PS_LOAD_FAST_CHARGE,     /* value: the charger's power, W (> 0 into the
                            * pack): CC-CV on the highest cell at the BMS's
                            * charge voltage (the cell's upper limit without
                            * a BMS), within the BMS's power limit over
                            * temperature and its current limits */
  PS_LOAD_DRIVE,           /* value: the vehicle's pack power, W (> 0
                            * discharging); regenerative braking is cut
                            * back to hold the highest cell at its upper
                            * voltage limit (a drive does not end there) */
} PsLoadMode;

typedef struct
{
  PsLoadMode mode;
  double     value;
} PsLoad;

/* Why a protocol step (or a manual load) ended. Every step end has one. */
typedef enum
{
  PS_STEP_END_NONE,
  PS_STEP_END_DURATION,       /* its "for <duration>" has elapsed */
  PS_STEP_END_HORIZON,        /* no duration given and its end condition was
                               * not reached within the default duration,
                               * PS_STEP_DEFAULT_DURATION_S */
  PS_STEP_END_UNTIL_VOLTAGE,  /* its "until <x> V" was reached (by cell) */
  PS_STEP_END_UNTIL_CURRENT,  /* its "until <x> A | C/<n>" was reached */
  PS_STEP_END_VOLTAGE_MAX,    /* a cell reached its upper voltage limit */
  PS_STEP_END_VOLTAGE_MIN,    /* a cell reached its lower voltage limit */
  PS_STEP_END_TEMP_MAX,       /* a cell reached its upper temperature limit */
  PS_STEP_END_CURRENT_MAX,    /* a cell would pass its current limit */
  PS_STEP_END_TEMP_MIN,       /* a cell under load reached its lower
                               * temperature limit */
  PS_STEP_END_UNTIL_SOC,      /* its "until <x>% SOC" was reached (the pack's) */
  PS_STEP_END_UNTIL_TEMPERATURE, /* its "until <t> C" was reached (the hottest cell) */
  PS_STEP_END_UNTIL_PACK_VOLTAGE, /* its "until <x> V pack" was reached */
  PS_STEP_END_APPLIED,        /* an instant step (Set ambient, Set cooling) was applied */
  PS_STEP_END_CONTACTOR_OPEN, /* the BMS opened the contactor (or it was
                               * open: every step but a rest ends at once) */
} PsStepEnd;

/* One step end: what ended, why, where and when. */
typedef struct
{
  PsStepEnd reason;
  guint     step;        /* 1-based protocol step, 0 for the manual load */
  guint     cell;        /* 1-based cell that caused it, 0 when none did */
  double    time_s;      /* simulated time of the end */
  double    value;       /* what was reached: V, A (cell), K or s */
  double    limit;       /* the threshold it was compared with, same unit */
  gboolean  at_once;     /* the step ended where it started, no time passed */
} PsStepEndInfo;

/* A short, stable identifier ("until-voltage", "voltage-min", ...) for
 * files, and a sentence for people ("cell 12 reached its lower voltage
 * limit, 3.000 V"); free the sentence with g_free. */
const char   *ps_step_end_to_id              (PsStepEnd            reason);
/* The ends at one row as the CLI's step_end column writes them, "step 1
 * until-voltage cell 12; step 2 duration at once"; NULL when n_ends is 0 */
char         *ps_step_end_format_ids         (const PsStepEndInfo *ends,
                                              guint                n_ends);
char         *ps_step_end_info_describe      (const PsStepEndInfo *info);

typedef struct _PsSimulation PsSimulation;



/* scenario: (transfer none): copied
 * Returns: (transfer full) (nullable): NULL with error set (the scenario
 * fails ps_scenario_validate) */
PsSimulation *ps_simulation_new              (const PsScenario *scenario,
                                              GError          **error);
void          ps_simulation_free             (PsSimulation     *sim);
/* Back to the scenario's initial state (same seed, same variation). */
void          ps_simulation_reset            (PsSimulation     *sim);

/* Advances by one output interval of dt_s with the protocol's load (or the
 * manual load if set), or less when a step ends within it: a step that ends
 * returns at the moment it ended, so each step end is one row. Steps that
 * end at once (their end condition holds at their start) take no time and
 * are passed over within the same call, their ends recorded. Internally
 * the engine takes as many substeps as accuracy needs (fast RC pairs, OCV
 * curvature, heating, limit crossings), so dt_s is an output interval and
 * the results do not depend on it. Time always increases by more than zero.
 * Returns FALSE once the protocol has finished (and does nothing). */
gboolean      ps_simulation_advance          (PsSimulation     *sim,
                                              double            dt_s);
/* The step ends of the last ps_simulation_advance() call, in order (none
 * when n_ends is 0). Valid until the next call that changes the state. */
const PsStepEndInfo *ps_simulation_get_step_ends (PsSimulation *sim,
                                                  guint        *n_ends);
/* The BMS's and the engine's events since the start (or the last reset,
 * which starts a new log), in order; append to it (ps_event_log_add) to
 * record an event of your own at ps_simulation_get_time().
 * Returns: (transfer none): take a reference to keep it */
PsEventLog          *ps_simulation_get_events     (PsSimulation *sim);
/* The BMS (NULL-safe: PS_BMS_STATE_OFF without one): its state now and,
 * when open, why (a PsContactorReason). */
PsBmsState           ps_simulation_get_bms_state  (PsSimulation *sim,
                                                   PsContactorReason *reason);
/* Opens the contactor now for a fault (issue 11's faults): an event
 * "contactor-open" with reason "fault" and the message; the step that runs
 * ends (contactor-open) at the next advance. Works with the BMS off too (a
 * contactor is always there). cell: 0-based or -1. */
void                 ps_simulation_open_contactor (PsSimulation *sim,
                                                   PsContactorReason reason,
                                                   int           cell,
                                                   const char   *message);
/* The last step end since the start, or NULL when none yet. */
const PsStepEndInfo *ps_simulation_get_last_end  (PsSimulation *sim);
/* One step of dt_s with an explicit load, ignoring the protocol. */
void          ps_simulation_step             (PsSimulation     *sim,
                                              const PsLoad     *load,
                                              double            dt_s);

/* Live control (the window): a manual load overrides the protocol until
 * cleared; cooling and ambient can change at any time. A manual load obeys
 * the cells' limits as protocol steps do: a charge that brings a cell to
 * its upper voltage limit goes on at constant voltage there (the current
 * tapers), a discharge that brings a cell to its lower voltage limit, any
 * load that would pass a cell's current limit and any load that brings a
 * cell to its temperature limit stop (the manual load turns to rest) with
 * the reason recorded as a step end of step 0. */
/* Injects a fault from now on (its at_s if later); checked against the
 * pack; weak cells only from a scenario. */
gboolean      ps_simulation_add_fault        (PsSimulation     *sim,
                                              const PsFault    *fault,
                                              GError          **error);
/* the scenario's faults and those added, in order; (transfer none) */
const PsFault *ps_simulation_get_faults      (PsSimulation     *sim,
                                              guint            *n_faults);
gboolean      ps_simulation_fault_is_active  (PsSimulation     *sim,
                                              guint             index);
/* the runaway state, NULL when the scenario's model is off; (transfer none) */
PsRunaway    *ps_simulation_get_runaway      (PsSimulation     *sim);

#define PS_SIMULATION_THREADS_MAX 64

/* The threads a step shares its cells over (the calling thread counts as
 * one): n_threads 1 .. PS_SIMULATION_THREADS_MAX, at most one per cell; 0
 * (as a new simulation has it) for one per processor, fewer for a pack
 * whose step is too short to share. The results do not depend on it, to
 * the last bit. The threads start at the first step and end with the
 * simulation. FALSE with an error past the maximum. */
gboolean      ps_simulation_set_threads      (PsSimulation     *sim,
                                              guint             n_threads,
                                              GError          **error);
/* the threads a step runs on (1: the caller's alone) */
guint         ps_simulation_get_threads      (PsSimulation     *sim);
/* wall-clock seconds the steps spent in the work they share over the
 * threads, since the threads were last set (the rest of a step runs on
 * one thread whatever their number: the benchmark's serial part) */
double        ps_simulation_get_shared_seconds (PsSimulation   *sim);

void          ps_simulation_set_manual_load  (PsSimulation     *sim,
                                              const PsLoad     *load);
void          ps_simulation_clear_manual_load (PsSimulation    *sim);
void          ps_simulation_set_ambient      (PsSimulation     *sim,
                                              double            ambient_k);
void          ps_simulation_set_cooling      (PsSimulation     *sim,
                                              gboolean          enabled);

/* TRUE when the protocol finished and no cell's reactions (or forced
 * runaway) keep the run going */
gboolean      ps_simulation_is_finished      (PsSimulation     *sim);
/* TRUE while a manual load overrides the protocol (it runs even after the
 * protocol finished) */
gboolean      ps_simulation_has_manual_load  (PsSimulation     *sim);
double        ps_simulation_get_time         (PsSimulation     *sim);
guint         ps_simulation_get_step         (PsSimulation     *sim);  /* 1-based, 0 if none */
/* Returns: (transfer none): the simulation's own (take a reference to keep
 * the pack) */
PsPack       *ps_simulation_get_pack         (PsSimulation     *sim);
/* Returns: (transfer none): the simulation's own copy */
const PsScenario *ps_simulation_get_scenario (PsSimulation     *sim);

/* Copies the present state into a frame made for the same pack. */
void          ps_simulation_fill_frame       (PsSimulation     *sim,
                                              PsFrame          *frame);

/* Read access to the state arrays for tests and the CSV writer [n_cells]. */
const double *ps_simulation_get_cell_voltage (PsSimulation     *sim);
const double *ps_simulation_get_cell_current (PsSimulation     *sim);
const double *ps_simulation_get_cell_soc     (PsSimulation     *sim);
const double *ps_simulation_get_cell_temp    (PsSimulation     *sim);
const double *ps_simulation_get_cell_heat    (PsSimulation     *sim);
/* Cell parameters after variation [n_cells] */
const double *ps_simulation_get_cell_capacity_ah (PsSimulation *sim);

/* Driving (Drive steps): the speed now (0 when not driving), the distance
 * driven since the start, m, and the pack energy the drives took, J (> 0
 * discharged; regenerative braking counted off) */
double        ps_simulation_get_speed        (PsSimulation     *sim);
double        ps_simulation_get_distance     (PsSimulation     *sim);
double        ps_simulation_get_drive_energy_j (PsSimulation   *sim);

/* Pack totals of the last step */
double        ps_simulation_get_pack_voltage (PsSimulation     *sim);
double        ps_simulation_get_pack_current (PsSimulation     *sim);
double        ps_simulation_get_charge_ah    (PsSimulation     *sim);
double        ps_simulation_get_energy_wh    (PsSimulation     *sim);
/* cumulative Joule + polarisation + entropic heat generated, J, and the
 * thermal energy stored above the initial state plus what left to the
 * coolant/air, J: for the energy balance test */
double        ps_simulation_get_heat_generated_j (PsSimulation *sim);
double        ps_simulation_get_heat_accounted_j (PsSimulation *sim);
/* cumulative electrical loss: sum over steps of (sum_i I_i OCV_i - P_terminal
 * - entropic part) dt, J; equals heat generated to solver tolerance */
double        ps_simulation_get_electrical_loss_j (PsSimulation *sim);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (PsSimulation, ps_simulation_free)

G_END_DECLS
