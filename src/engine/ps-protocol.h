/* ps-protocol.h: the experiment language (a PyBaMM-compatible superset)
 *
 * A protocol is a list of steps and cycles separated by ';', ',' or
 * newlines. A cycle is "(<list>) x N" (nestable; "x N" may be left out for
 * once, '×' and '*' may stand for 'x'). Steps, as PyBaMM writes them:
 *
 *   Discharge|Charge at <x> <A|mA|C|C/<n>|W|mW|kW|Ohm|mOhm> [for <duration>] [or until <cond>]...
 *   Hold at <x> V|mV [for <duration>] [or until <cond>]...
 *   Rest for <duration> [or until <cond>]...   (or "Rest until <cond>")
 *   ... [(<duration> period)]                  (PyBaMM's output period, kept)
 *
 * and Packscope's own:
 *
 *   Drive <cycle>|<file.csv> [x N] [for <duration>] [or until <cond>]...
 *   Fast charge at <x> W|kW [for <duration>] [or until <cond>]...
 *   Set ambient to <t> C|°C|oC|degC|K          (instant)
 *   Set cooling on|off                         (instant)
 *   Run <file.csv> [for <duration>] [or until <cond>]...
 *
 * A file name with spaces or ',', ';' is quoted ("..."). Durations take
 * s/sec/second(s), m/min/minute(s), h/hr/hour(s). End conditions, any
 * number of them up to PS_STEP_MAX_UNTIL, each "until" or "or until":
 *
 *   <x> V | mV               cell voltage
 *   <x> V pack               pack (terminal) voltage
 *   <x> A | mA | C | C/<n>   pack current (|I| falls to it)
 *   <x>% SOC                 pack SOC
 *   <t> °C|oC|degC|K         temperature of the hottest cell; a bare "C"
 *                            means a temperature for t >= 10 or t < 0 and a
 *                            C-rate otherwise ("until 45 C", "until 0.05C")
 *
 * A condition may start with '<' or '>' (PyBaMM's operators: "until < 3.9 V"
 * ends when the value falls below, '>' when it rises above). Without one a
 * cell voltage or SOC is reached in the step's direction (falling on
 * discharge, rising on charge and fast charge) and, in steps without one
 * (rest, hold, drive, run, where PyBaMM has no voltage event at all), from
 * the side the value starts on; a current falls to its value; a temperature
 * rises to it (on a rest: from the side it starts on).
 *
 * Numbers and units may or may not be separated by a space ("1C", "2 A",
 * "4.2V"); keywords are case-insensitive.
 *
 * Meaning in a pack: currents (A, C-rate of the pack capacity
 * n_parallel * capacity), powers and resistances are pack-level; voltages
 * are cell-level unless "pack" follows: "until 3.0 V" on discharge ends when
 * the lowest cell reaches 3.0 V, on charge when the highest cell reaches it;
 * "Hold at 4.2 V" holds the highest cell at 4.2 V (constant voltage
 * charging). Every value is stored in SI units (mA as A, kW as W, °C as K,
 * % as a fraction).
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

/* end conditions a step may have ("or until" ... "or until") */
#define PS_STEP_MAX_UNTIL 4
/* steps of a protocol once its cycles are expanded */
#define PS_PROTOCOL_MAX_EXPANDED_STEPS 100000

typedef enum
{
  PS_STEP_DISCHARGE,
  PS_STEP_CHARGE,
  PS_STEP_HOLD,
  PS_STEP_REST,
  PS_STEP_DRIVE,         /* source: a drive cycle's name or a speed trace file;
                          * repeat: times it is driven */
  PS_STEP_FAST_CHARGE,   /* value: the charger's power (W) */
  PS_STEP_SET_AMBIENT,   /* value: the ambient temperature (K); instant */
  PS_STEP_SET_COOLING,   /* value: 1 (on) or 0 (off); instant */
  PS_STEP_RUN_PROFILE,   /* source: a current or power profile file */
} PsStepKind;

typedef enum
{
  PS_STEP_UNIT_NONE,
  PS_STEP_UNIT_AMPERE,     /* mA is stored as A */
  PS_STEP_UNIT_C_RATE,
  PS_STEP_UNIT_WATT,       /* kW and mW are stored as W */
  PS_STEP_UNIT_VOLT,
  PS_STEP_UNIT_OHM,        /* a resistor across the pack (discharge only) */
  PS_STEP_UNIT_KELVIN,     /* °C is stored as K */
} PsStepUnit;

typedef enum
{
  PS_UNTIL_VOLTAGE,        /* a cell's voltage (V) */
  PS_UNTIL_CURRENT,        /* the pack current (A or C-rate, by unit) */
  PS_UNTIL_SOC,            /* the pack SOC (a fraction in [0, 1]) */
  PS_UNTIL_TEMPERATURE,    /* the hottest cell's temperature (K) */
  PS_UNTIL_PACK_VOLTAGE,   /* the pack's terminal voltage (V) */
} PsUntilKind;

typedef enum
{
  PS_UNTIL_AUTO,           /* by the step's direction (see above) */
  PS_UNTIL_BELOW,          /* '<': when the value falls to it */
  PS_UNTIL_ABOVE,          /* '>': when the value rises to it */
} PsUntilOp;

typedef struct
{
  PsUntilKind kind;
  PsUntilOp   op;
  PsStepUnit  unit;        /* VOLT, AMPERE or C_RATE, NONE (SOC), KELVIN */
  double      value;       /* in unit; a current's magnitude */
} PsStepUntil;

typedef struct
{
  PsStepKind  kind;
  PsStepUnit  unit;             /* of value: A, C, W, Ohm (discharge/charge),
                                 * V (hold), W (fast charge), K (set ambient) */
  double      value;            /* magnitude, always >= 0 */
  double      duration_s;       /* +inf when not given (the engine then
                                 * ends it after PS_STEP_DEFAULT_DURATION_S) */
  double      period_s;         /* PyBaMM's "(<d> period)", NaN when not given
                                 * (kept for printing; rows come at the run's
                                 * output interval) */
  guint       n_until;
  PsStepUntil until[PS_STEP_MAX_UNTIL]; /* any one ends the step */
  char       *source;           /* DRIVE: cycle name or file; RUN_PROFILE:
                                 * file; NULL otherwise (a GRefString) */
  guint       repeat;           /* DRIVE: times the cycle is driven, else 1 */
  guint       cycle;            /* 0-based cycle it runs in, as PyBaMM counts
                                 * them: each repetition of a top-level
                                 * "(...) x N" and each top-level step is one */
  guint       written;          /* 0-based index of the step as written
                                 * (before cycles are expanded): its number
                                 * in error messages is written + 1 */
  char       *text;             /* the step as written, for display and errors:
                                 * an immutable GRefString, shared by copies
                                 * of the protocol and by frames */
} PsProtocolStep;

/* The protocol as written, for printing it back: its steps (each by the
 * index of its first run in steps[]) and the brackets of its cycles. */
typedef enum
{
  PS_PROTOCOL_ITEM_STEP,
  PS_PROTOCOL_ITEM_OPEN,      /* '(' */
  PS_PROTOCOL_ITEM_CLOSE,     /* ') x repeat' */
} PsProtocolItemKind;

typedef struct
{
  PsProtocolItemKind kind;
  guint              step;    /* STEP: index in steps[] */
  guint              repeat;  /* CLOSE: times the cycle runs */
} PsProtocolItem;

typedef struct
{
  guint           n_steps;    /* in run order, cycles expanded */
  PsProtocolStep *steps;
  guint           n_cycles;
  guint           n_items;    /* as written */
  PsProtocolItem *items;
} PsProtocol;

/* Errors name the step as written (1-based) and the column in its text
 * (1-based, in characters), and what was expected:
 *   step 2, column 14: expected a unit (A, mA, C, W, kW, V, Ohm) after "1.5"
 * Errors in the cycle structure name the line and column of the text.
 * Returns: (transfer full) (nullable): NULL with error set */
PsProtocol *ps_protocol_parse      (const char       *text,
                                    GError          **error);
/* As ps_protocol_parse(); on an error, *error_offset (when not NULL) is the
 * byte offset in text where it was found (for marking it in an editor). */
PsProtocol *ps_protocol_parse_full (const char       *text,
                                    gsize            *error_offset,
                                    GError          **error);
/* The protocol as text that parses back to the same protocol (steps,
 * values, conditions and cycles), one step or cycle per line.
 * Returns: (transfer full) */
char       *ps_protocol_to_string  (const PsProtocol *protocol);
/* One step as text that parses back to it. Returns: (transfer full) */
char       *ps_protocol_step_to_string (const PsProtocolStep *step);
/* "Discharge", "Fast charge", ... */
const char *ps_step_kind_to_string (PsStepKind        kind);
/* TRUE for steps that take no time (Set ambient, Set cooling) */
gboolean    ps_step_kind_is_instant (PsStepKind       kind);

/* Returns: (transfer full): the steps' texts are shared, not copied */
PsProtocol *ps_protocol_copy       (const PsProtocol *protocol);
void        ps_protocol_free       (PsProtocol       *protocol);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (PsProtocol, ps_protocol_free)

G_END_DECLS
