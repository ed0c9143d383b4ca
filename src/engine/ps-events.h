/* ps-events.h: what the BMS and the engine decided, in order, with the time
 *
 * An event is one decision or occurrence: the contactor opened (and why), a
 * current limit started or stopped derating the load, the charger went to
 * constant voltage, a cell's bleed resistor switched on or off, the fast
 * charger's power limit fell with the temperature, a fault was injected.
 * The simulation appends them to its PsEventLog as they happen (few per
 * step at most: the step loop allocates only when something happens).
 *
 * The log is append-only and shared: the worker that owns the simulation
 * appends, any thread reads (a mutex guards it). A frame holds a reference
 * and the number of events at its time, so the window reads exactly the
 * events up to the frame it shows. Resetting the simulation starts a new
 * log; frames already published keep the old one.
 *
 * As JSON lines (`--events FILE`), one object per event:
 *   {"time_s":12.5,"kind":"contactor-open","cell":12,"reason":"over-voltage",
 *    "message":"cell 12 at 4.251 V passed the BMS limit of 4.250 V"}
 * "cell" is 1-based as in the messages and the CSV, null when no cell;
 * "reason" only for contactor-open.
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* Stable: the ids below are written to files; add new kinds at the end. */
typedef enum
{
  PS_EVENT_CONTACTOR_OPEN,    /* "contactor-open": the BMS (or a fault) opened it */
  PS_EVENT_CONTACTOR_CLOSE,   /* "contactor-close" */
  PS_EVENT_DERATE,            /* "derate": a BMS current limit cut the load */
  PS_EVENT_DERATE_END,        /* "derate-end": the load is within the limits again */
  PS_EVENT_CV,                /* "cv": charging went to constant voltage on
                               * the highest cell */
  PS_EVENT_BALANCE_ON,        /* "balance-on": a cell's bleed resistor closed */
  PS_EVENT_BALANCE_OFF,       /* "balance-off" */
  PS_EVENT_CHARGE_POWER_LIMIT,/* "charge-power-limit": the fast charger's
                               * power limit changed with the temperature */
  PS_EVENT_FAULT,             /* "fault": a fault was injected or detected */
  PS_EVENT_WARNING,           /* "warning": anything else worth a line */
  PS_EVENT_FAULT_END,         /* "fault-end": a fault's duration passed */
  PS_EVENT_ONSET,             /* "onset": a cell self-heats (ps-runaway.h stages) */
  PS_EVENT_VENTING,           /* "venting": a cell reached its vent temperature */
  PS_EVENT_RUNAWAY,           /* "runaway": a cell runs away */
  PS_EVENT_BURNT,             /* "burnt": a cell's reactions are spent */
  PS_EVENT_N_KINDS
} PsEventKind;

/* Why the contactor opened. Stable ids, written to files. */
typedef enum
{
  PS_CONTACTOR_OK,                /* "ok": closed */
  PS_CONTACTOR_OVER_VOLTAGE,      /* "over-voltage" */
  PS_CONTACTOR_UNDER_VOLTAGE,     /* "under-voltage" */
  PS_CONTACTOR_OVER_CURRENT,      /* "over-current" */
  PS_CONTACTOR_OVER_TEMPERATURE,  /* "over-temperature" */
  PS_CONTACTOR_FAULT,             /* "fault": opened for a fault */
  PS_CONTACTOR_N_REASONS
} PsContactorReason;

typedef struct
{
  double             time_s;
  PsEventKind        kind;
  int                cell;      /* 0-based cell index, -1 when none */
  PsContactorReason  reason;    /* for PS_EVENT_CONTACTOR_OPEN, else OK */
  char              *message;   /* a sentence for people */
} PsEvent;

/* "contactor-open", ...; NULL for a value out of range */
const char *ps_event_kind_to_id        (PsEventKind        kind);
/* FALSE when id names no kind */
gboolean    ps_event_kind_from_id      (const char        *id,
                                        PsEventKind       *kind);
/* "over-voltage", ...; NULL for a value out of range */
const char *ps_contactor_reason_to_id  (PsContactorReason  reason);
gboolean    ps_contactor_reason_from_id (const char       *id,
                                         PsContactorReason *reason);

/* Clears the message of an event copy (for GArrays of copies). */
void        ps_event_clear             (PsEvent           *event);
/* One JSON object, no newline. Returns: (transfer full) */
char       *ps_event_to_json           (const PsEvent     *event);

/* The most events a log keeps: past it, one warning says the rest were
 * dropped (a hostile protocol cannot exhaust memory through events). */
#define PS_EVENT_LOG_MAX 200000

typedef struct _PsEventLog PsEventLog;

PsEventLog *ps_event_log_new           (void);
PsEventLog *ps_event_log_ref           (PsEventLog        *log);
void        ps_event_log_unref         (PsEventLog        *log);

/* Appends an event; cell is 0-based or -1. Times should not decrease. */
void        ps_event_log_add           (PsEventLog        *log,
                                        double             time_s,
                                        PsEventKind        kind,
                                        int                cell,
                                        PsContactorReason  reason,
                                        const char        *format,
                                        ...) G_GNUC_PRINTF (6, 7);
guint       ps_event_log_get_length    (PsEventLog        *log);
/* Copies events [from, MIN (to, length)) into a new array of PsEvent (each
 * with its own message; the array clears them).
 * Returns: (transfer full): never NULL */
GArray     *ps_event_log_copy          (PsEventLog        *log,
                                        guint              from,
                                        guint              to);
/* Counts the events of a kind in [0, length) (tests, summaries). */
guint       ps_event_log_count_kind    (PsEventLog        *log,
                                        PsEventKind        kind);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (PsEventLog, ps_event_log_unref)

G_END_DECLS
