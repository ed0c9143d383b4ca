/* ps-events.c: the BMS's and the engine's events, in order */
#include "config.h"

#include <math.h>
#include <string.h>

#include "ps-events.h"

struct _PsEventLog
{
  gatomicrefcount ref_count;
  GMutex          lock;
  GArray         *events;     /* PsEvent */
  gboolean        overflowed;
};

static const char * const kind_ids[PS_EVENT_N_KINDS] = {
  [PS_EVENT_CONTACTOR_OPEN] = "contactor-open",
  [PS_EVENT_CONTACTOR_CLOSE] = "contactor-close",
  [PS_EVENT_DERATE] = "derate",
  [PS_EVENT_DERATE_END] = "derate-end",
  [PS_EVENT_CV] = "cv",
  [PS_EVENT_BALANCE_ON] = "balance-on",
  [PS_EVENT_BALANCE_OFF] = "balance-off",
  [PS_EVENT_CHARGE_POWER_LIMIT] = "charge-power-limit",
  [PS_EVENT_FAULT] = "fault",
  [PS_EVENT_WARNING] = "warning",
  [PS_EVENT_FAULT_END] = "fault-end",
  [PS_EVENT_ONSET] = "onset",
  [PS_EVENT_VENTING] = "venting",
  [PS_EVENT_RUNAWAY] = "runaway",
  [PS_EVENT_BURNT] = "burnt",
};

static const char * const reason_ids[PS_CONTACTOR_N_REASONS] = {
  [PS_CONTACTOR_OK] = "ok",
  [PS_CONTACTOR_OVER_VOLTAGE] = "over-voltage",
  [PS_CONTACTOR_UNDER_VOLTAGE] = "under-voltage",
  [PS_CONTACTOR_OVER_CURRENT] = "over-current",
  [PS_CONTACTOR_OVER_TEMPERATURE] = "over-temperature",
  [PS_CONTACTOR_FAULT] = "fault",
};

const char *
ps_event_kind_to_id (PsEventKind kind)
{
  if ((guint) kind >= PS_EVENT_N_KINDS)
    return NULL;
  return kind_ids[kind];
}

gboolean
ps_event_kind_from_id (const char  *id,
                       PsEventKind *kind)
{
  g_return_val_if_fail (kind != NULL, FALSE);

  for (guint k = 0; id != NULL && k < PS_EVENT_N_KINDS; k++)
    if (g_str_equal (id, kind_ids[k]))
      {
        *kind = (PsEventKind) k;
        return TRUE;
      }
  return FALSE;
}

const char *
ps_contactor_reason_to_id (PsContactorReason reason)
{
  if ((guint) reason >= PS_CONTACTOR_N_REASONS)
    return NULL;
  return reason_ids[reason];
}

gboolean
ps_contactor_reason_from_id (const char        *id,
                             PsContactorReason *reason)
{
  g_return_val_if_fail (reason != NULL, FALSE);

  for (guint r = 0; id != NULL && r < PS_CONTACTOR_N_REASONS; r++)
    if (g_str_equal (id, reason_ids[r]))
      {
        *reason = (PsContactorReason) r;
        return TRUE;
      }
  return FALSE;
}

void
ps_event_clear (PsEvent *event)
{
  g_clear_pointer (&event->message, g_free);
}

static void
append_json_string (GString    *out,
                    const char *text)
{
  g_string_append_c (out, '"');
  for (const char *p = text; *p != '\0'; p++)
    {
      unsigned char c = (unsigned char) *p;

      if (c == '"' || c == '\\')
        {
          g_string_append_c (out, '\\');
          g_string_append_c (out, (char) c);
        }
      else if (c == '\n')
        g_string_append (out, "\\n");
      else if (c < 0x20)
        g_string_append_printf (out, "\\u%04x", c);
      else
        g_string_append_c (out, (char) c);
    }
  g_string_append_c (out, '"');
}

char *
ps_event_to_json (const PsEvent *event)
{
  GString *out;
  char buf[G_ASCII_DTOSTR_BUF_SIZE];
  const char *kind;

  g_return_val_if_fail (event != NULL, NULL);

  kind = ps_event_kind_to_id (event->kind);
  out = g_string_sized_new (128);
  g_string_append (out, "{\"time_s\":");
  g_string_append (out, isfinite (event->time_s)
                        ? g_ascii_formatd (buf, sizeof buf, "%.10g", event->time_s) : "null");
  g_string_append (out, ",\"kind\":");
  append_json_string (out, kind != NULL ? kind : "unknown");
  if (event->cell >= 0)
    g_string_append_printf (out, ",\"cell\":%d", event->cell + 1);
  else
    g_string_append (out, ",\"cell\":null");
  if (event->kind == PS_EVENT_CONTACTOR_OPEN)
    {
      const char *reason = ps_contactor_reason_to_id (event->reason);

      g_string_append (out, ",\"reason\":");
      append_json_string (out, reason != NULL ? reason : "unknown");
    }
  g_string_append (out, ",\"message\":");
  append_json_string (out, event->message != NULL ? event->message : "");
  g_string_append_c (out, '}');

  return g_string_free (out, FALSE);
}

PsEventLog *
ps_event_log_new (void)
{
  PsEventLog *log = g_new0 (PsEventLog, 1);

  g_atomic_ref_count_init (&log->ref_count);
  g_mutex_init (&log->lock);
  log->events = g_array_new (FALSE, FALSE, sizeof (PsEvent));
  g_array_set_clear_func (log->events, (GDestroyNotify) ps_event_clear);
  return log;
}

PsEventLog *
ps_event_log_ref (PsEventLog *log)
{
  g_return_val_if_fail (log != NULL, NULL);

  g_atomic_ref_count_inc (&log->ref_count);
  return log;
}

void
ps_event_log_unref (PsEventLog *log)
{
  g_return_if_fail (log != NULL);

  if (g_atomic_ref_count_dec (&log->ref_count))
    {
      g_array_unref (log->events);
      g_mutex_clear (&log->lock);
      g_free (log);
    }
}

void
ps_event_log_add (PsEventLog        *log,
                  double             time_s,
                  PsEventKind        kind,
                  int                cell,
                  PsContactorReason  reason,
                  const char        *format,
                  ...)
{
  PsEvent event;
  va_list args;

  g_return_if_fail (log != NULL);
  g_return_if_fail ((guint) kind < PS_EVENT_N_KINDS);
  g_return_if_fail ((guint) reason < PS_CONTACTOR_N_REASONS);
  g_return_if_fail (cell >= -1);
  g_return_if_fail (format != NULL);

  g_mutex_lock (&log->lock);
  if (log->overflowed)
    {
      g_mutex_unlock (&log->lock);
      return;
    }

  event.time_s = time_s;
  event.cell = cell;
  if (log->events->len + 1 >= PS_EVENT_LOG_MAX)
    {
      event.kind = PS_EVENT_WARNING;
      event.reason = PS_CONTACTOR_OK;
      event.cell = -1;
      event.message = g_strdup_printf ("more than %u events: the rest are not recorded",
                                       (guint) PS_EVENT_LOG_MAX - 1);
      log->overflowed = TRUE;
    }
  else
    {
      event.kind = kind;
      event.reason = kind == PS_EVENT_CONTACTOR_OPEN ? reason : PS_CONTACTOR_OK;
      va_start (args, format);
      event.message = g_strdup_vprintf (format, args);
      va_end (args);
    }
  g_array_append_val (log->events, event);
  g_mutex_unlock (&log->lock);
}

guint
ps_event_log_get_length (PsEventLog *log)
{
  guint n;

  g_return_val_if_fail (log != NULL, 0);

  g_mutex_lock (&log->lock);
  n = log->events->len;
  g_mutex_unlock (&log->lock);
  return n;
}

GArray *
ps_event_log_copy (PsEventLog *log,
                   guint       from,
                   guint       to)
{
  GArray *copy = g_array_new (FALSE, FALSE, sizeof (PsEvent));

  g_array_set_clear_func (copy, (GDestroyNotify) ps_event_clear);
  g_return_val_if_fail (log != NULL, copy);

  g_mutex_lock (&log->lock);
  to = MIN (to, log->events->len);
  for (guint i = from; i < to; i++)
    {
      PsEvent e = g_array_index (log->events, PsEvent, i);

      e.message = g_strdup (e.message);
      g_array_append_val (copy, e);
    }
  g_mutex_unlock (&log->lock);

  return copy;
}

guint
ps_event_log_count_kind (PsEventLog  *log,
                         PsEventKind  kind)
{
  guint n = 0;

  g_return_val_if_fail (log != NULL, 0);

  g_mutex_lock (&log->lock);
  for (guint i = 0; i < log->events->len; i++)
    if (g_array_index (log->events, PsEvent, i).kind == kind)
      n++;
  g_mutex_unlock (&log->lock);
  return n;
}
