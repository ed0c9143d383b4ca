/* ps-protocol.h: the experiment language (a PyBaMM-compatible subset)
 *
 *   Discharge|Charge at <x> <A|C|W|kW> [for <duration>] [or until <x> V]
 *   ("until" alone is accepted as well as PyBaMM's "or until")
 *   Hold at <x> V until <x> A | C/<n> | <x>C
 *   Rest for <duration>
 *
 * Steps are separated by ';' or newlines. Numbers and units may or may not be
 * separated by a space ("1C", "0.33C", "2 A", "4.2 V"); durations take
 * s/sec/second(s), min/minute(s), h/hour(s). Keywords are case-insensitive.
 *
 * Meaning in a pack: currents (A, C-rate of the pack capacity
 * n_parallel * capacity) and powers are pack-level; voltages are cell-level:
 * "until 3.0 V" on discharge ends when the lowest cell reaches 3.0 V, on
 * charge when the highest cell reaches it; "Hold at 4.2 V" holds the highest
 * cell at 4.2 V (constant voltage charging).
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* A step without "for <duration>" whose end condition is never reached (a
 * hold whose current cannot fall that low, a discharge whose cut-off lies
 * below the cell's lower limit, ...) ends after this long, reported as
 * PS_STEP_END_HORIZON: one day, PyBaMM's default duration of a step
 * (pybamm.step.BaseStep.default_duration, src/pybamm/experiment/step/base_step.py). */
#define PS_STEP_DEFAULT_DURATION_S (24.0 * 3600.0)

typedef enum
{
  PS_STEP_DISCHARGE,
  PS_STEP_CHARGE,
  PS_STEP_HOLD,
  PS_STEP_REST,
} PsStepKind;

typedef enum
{
  PS_STEP_UNIT_NONE,
  PS_STEP_UNIT_AMPERE,
  PS_STEP_UNIT_C_RATE,
  PS_STEP_UNIT_WATT,       /* kW is stored as W */
  PS_STEP_UNIT_VOLT,
} PsStepUnit;

typedef struct
{
  PsStepKind  kind;
  PsStepUnit  unit;             /* of value: A, C, W (discharge/charge) or V (hold) */
  double      value;            /* magnitude, always >= 0 */
  double      duration_s;       /* +inf when not given (the engine then
                                 * ends it after PS_STEP_DEFAULT_DURATION_S) */
  double      until_voltage_v;  /* NaN when not given */
  PsStepUnit  until_current_unit; /* AMPERE or C_RATE for hold, NONE otherwise */
  double      until_current;    /* magnitude in that unit, NaN when not given */
  char       *text;             /* the step as written, for display and errors:
                                 * an immutable GRefString, shared by copies
                                 * of the protocol and by frames */
} PsProtocolStep;

typedef struct
{
  guint           n_steps;
  PsProtocolStep *steps;
} PsProtocol;

/* Errors name the step (1-based) and its text, and what was expected.
 * Returns: (transfer full) (nullable): NULL with error set */
PsProtocol *ps_protocol_parse (const char       *text,
                               GError          **error);
/* Returns: (transfer full): the steps' texts are shared, not copied */
PsProtocol *ps_protocol_copy  (const PsProtocol *protocol);
void        ps_protocol_free  (PsProtocol       *protocol);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (PsProtocol, ps_protocol_free)

G_END_DECLS
