/* ps-runner.c: the worker thread that owns a simulation
 *
 * Threads: callers (the UI thread, tests) only push commands into a
 * GAsyncQueue and take references to the published frame and recorder. The
 * worker owns the PsSimulation and everything it steps.
 *
 * Publishing: the worker fills a frame that nobody else holds, then swaps it
 * in (with the recorder of its run, so the two always match) under
 * publish_lock, a mutex held only for that pointer swap (and by
 * readers only for the pointer read and the reference increment), never
 * while stepping or drawing. A replaced frame goes to a small pool; it is
 * filled again only when its reference count shows that the pool holds the
 * only reference. Since a reader can only take a reference to the frame that
 * is published at that moment, and does so under the same mutex, a frame in
 * the pool whose count is 1 can never gain a reader again.
 *
 * Pacing: playing at speed s, the worker keeps simulated time at
 * anchor_sim + s * (wall - anchor_wall) and sleeps in the queue (so a command
 * wakes it at once) until the next step is due. At PS_RUNNER_SPEED_MAX, and
 * during run_until, it steps in batches of about 4 ms of wall time and looks
 * at the queue between batches. Frames go out at most about 120 times per
 * wall second while running, and after every batch of commands.
 */
#include "config.h"

#include <math.h>

#include "ps-error.h"
#include "ps-pack-private.h"
#include "ps-scenario-private.h"
#include "ps-runner.h"

#define PS_RUNNER_BATCH_US        4000     /* wall time per batch of steps */
#define PS_RUNNER_PUBLISH_US      8333     /* ~120 frames per wall second */
#define PS_RUNNER_MAX_WAIT_US     G_USEC_PER_SEC
#define PS_RUNNER_MAX_LAG_S       0.25     /* wall seconds of lag before re-anchoring */
#define PS_RUNNER_POOL_SIZE       4

typedef enum
{
  CMD_PLAY,
  CMD_PAUSE,
  CMD_SINGLE_STEP,
  CMD_SPEED,
  CMD_SET_LOAD,
  CMD_CLEAR_LOAD,
  CMD_AMBIENT,
  CMD_COOLING,
  CMD_RESET,
  CMD_LOAD_SCENARIO,
  CMD_SYNC,
  CMD_RUN_UNTIL,
  CMD_ADD_FAULT,
  CMD_QUIT,
} CommandKind;

/* Lives on the stack of a caller that blocks until the worker signals it. */
typedef struct
{
  GMutex   mutex;
  GCond    cond;
  gboolean done;
} Waiter;

typedef struct
{
  CommandKind  kind;
  double       value;
  PsLoad       load;
  PsFault      fault;
  PsScenario  *scenario;
  GTask       *task;           /* load_scenario's reply, or NULL */
  Waiter      *waiter;
} Command;

struct _PsRunner
{
  gatomicrefcount ref_count;
  GThread      *thread;
  GAsyncQueue  *queue;

  /* shared with callers */
  GMutex        publish_lock;
  PsFrame      *frame;          /* published, under publish_lock */
  PsRecorder   *recorder;       /* the published frame's run, under publish_lock */
  double        speed;          /* as last set by a caller, under publish_lock */
  int           playing;        /* atomic */

  /* the worker's own */
  PsSimulation *sim;
  PsRecorder   *run_recorder;   /* the present run's, published with the next frame */
  PsFrame      *record_frame;   /* scratch frame for the recorder */
  GPtrArray    *pool;           /* replaced frames, for reuse */
  guint64       serial;
  gboolean      worker_playing;
  double        worker_speed;
  double        until_s;        /* run_until target, NaN when none */
  Waiter       *until_waiter;
  gint64        anchor_wall_us;
  double        anchor_sim_s;
  gint64        last_publish_us;
  gboolean      dirty;          /* stepped since the last publish */
  gboolean      quit;
  char         *load_note;      /* a manual load began or ended: noted at
                                 * the next sample (the CSV's step_end) */
};

static void
waiter_init (Waiter *waiter)
{
  g_mutex_init (&waiter->mutex);
  g_cond_init (&waiter->cond);
  waiter->done = FALSE;
}

static void
waiter_wait_and_clear (Waiter *waiter)
{
  g_mutex_lock (&waiter->mutex);
  while (!waiter->done)
    g_cond_wait (&waiter->cond, &waiter->mutex);
  g_mutex_unlock (&waiter->mutex);

  g_cond_clear (&waiter->cond);
  g_mutex_clear (&waiter->mutex);
}

static void
waiter_signal (Waiter *waiter)
{
  if (waiter == NULL)
    return;

  g_mutex_lock (&waiter->mutex);
  waiter->done = TRUE;
  g_cond_signal (&waiter->cond);
  g_mutex_unlock (&waiter->mutex);
}

static void
command_free (Command *cmd)
{
  /* a load nobody applied (the runner went first) */
  if (cmd->task != NULL)
    g_task_return_new_error (cmd->task, G_IO_ERROR, G_IO_ERROR_CANCELLED,
                             "The runner stopped before it loaded the scenario");
  g_clear_object (&cmd->task);
  g_clear_pointer (&cmd->scenario, ps_scenario_free);
  g_free (cmd);
}

static void
send (PsRunner    *self,
      CommandKind  kind,
      double       value)
{
  Command *cmd = g_new0 (Command, 1);

  cmd->kind = kind;
  cmd->value = value;
  g_async_queue_push (self->queue, cmd);
}

/* ---- worker side ------------------------------------------------------ */

static double
sim_dt (PsRunner *self)
{
  return ps_simulation_get_scenario (self->sim)->dt_s;
}

static void
anchor_pacing (PsRunner *self)
{
  self->anchor_wall_us = g_get_monotonic_time ();
  self->anchor_sim_s = ps_simulation_get_time (self->sim);
}

static void
set_worker_playing (PsRunner *self,
                    gboolean  playing)
{
  self->worker_playing = playing;
  g_atomic_int_set (&self->playing, playing);
  if (playing)
    anchor_pacing (self);
}

static void
finish_run_until (PsRunner *self)
{
  self->until_s = NAN;
  waiter_signal (g_steal_pointer (&self->until_waiter));
}

/* The step ends of the simulation's last call, noted at the recorder's
 * last sample (the CSV export's step_end column). */
static void
note_step_ends (PsRunner   *self,
                PsRecorder *recorder)
{
  const PsStepEndInfo *ends;
  guint n_ends;
  g_autofree char *text = NULL;

  ends = ps_simulation_get_step_ends (self->sim, &n_ends);
  text = ps_step_end_format_ids (ends, n_ends);
  if (text != NULL)
    ps_recorder_note_step_ends (recorder, text);
}

static void
record_step (PsRunner *self)
{
  ps_simulation_fill_frame (self->sim, self->record_frame);
  ps_recorder_append (self->run_recorder, self->record_frame);
  note_step_ends (self, self->run_recorder);
  /* the window's CSV says where a manual load ran (the CLI never has one) */
  if (self->load_note != NULL)
    {
      ps_recorder_note_step_ends (self->run_recorder, self->load_note);
      g_clear_pointer (&self->load_note, g_free);
    }
  self->dirty = TRUE;
}

/* "manual load: discharge at 20 A", noted at the first sample it makes */
static char *
format_load_note (const PsLoad *load)
{
  const char *direction = load->value < 0.0 ? "charge" : "discharge";
  double value = fabs (load->value);

  switch (load->mode)
    {
    case PS_LOAD_CURRENT:
      return g_strdup_printf ("manual load: %s at %g A", direction, value);
    case PS_LOAD_POWER:
      return g_strdup_printf ("manual load: %s at %g W", direction, value);
    case PS_LOAD_VOLTAGE_HOLD:
      return g_strdup_printf ("manual load: hold at %g V", load->value);
    case PS_LOAD_RESISTANCE:
      return g_strdup_printf ("manual load: %g Ohm across the pack", load->value);
    case PS_LOAD_REST:
    default:
      return g_strdup ("manual load: rest");
    }
}

static PsFrame *
take_free_frame (PsRunner *self)
{
  PsPack *pack = ps_simulation_get_pack (self->sim);

  for (guint i = 0; i < self->pool->len; i++)
    {
      PsFrame *frame = g_ptr_array_index (self->pool, i);

      if (frame->pack == pack && g_atomic_ref_count_compare (&frame->ref_count, 1))
        return g_ptr_array_steal_index_fast (self->pool, i);
    }

  return ps_frame_new (pack);
}

static void
publish (PsRunner *self)
{
  PsFrame *frame = take_free_frame (self);
  PsRecorder *old_recorder = NULL;
  PsFrame *old;

  ps_simulation_fill_frame (self->sim, frame);
  frame->serial = ++self->serial;

  g_mutex_lock (&self->publish_lock);
  old = self->frame;
  self->frame = frame;
  if (self->recorder != self->run_recorder)
    {
      old_recorder = self->recorder;
      self->recorder = ps_recorder_ref (self->run_recorder);
    }
  g_mutex_unlock (&self->publish_lock);

  g_clear_pointer (&old_recorder, ps_recorder_unref);

  if (old != NULL)
    {
      if (old->pack == frame->pack && self->pool->len < PS_RUNNER_POOL_SIZE)
        g_ptr_array_add (self->pool, old);
      else
        ps_frame_unref (old);
    }

  self->last_publish_us = g_get_monotonic_time ();
  self->dirty = FALSE;
}

/* A new, empty recorder whose first sample is the present state; readers
 * get it with the next published frame. */
static void
replace_recorder (PsRunner *self)
{
  PsPack *pack = ps_simulation_get_pack (self->sim);
  PsRecorder *recorder = ps_recorder_new (pack->n_cells);

  if (self->record_frame == NULL || self->record_frame->pack != pack)
    {
      g_clear_pointer (&self->record_frame, ps_frame_unref);
      self->record_frame = ps_frame_new (pack);
    }

  ps_simulation_fill_frame (self->sim, self->record_frame);
  ps_recorder_append (recorder, self->record_frame);
  note_step_ends (self, recorder);

  g_clear_pointer (&self->run_recorder, ps_recorder_unref);
  self->run_recorder = recorder;
}

/* One step of the protocol (or the manual load). FALSE when finished. */
static gboolean
step_once (PsRunner *self)
{
  /* a last call that ends the protocol without time passing: its step
   * ends belong to the last row */
  if (!ps_simulation_advance (self->sim, sim_dt (self)))
    {
      note_step_ends (self, self->run_recorder);
      return FALSE;
    }

  record_step (self);
  return TRUE;
}

/* Replies to the caller through task (if any); a scenario the simulation
 * refuses leaves the old one running. */
static void
load_scenario (PsRunner   *self,
               PsScenario *scenario,
               GTask      *task)
{
  g_autoptr(GError) error = NULL;
  PsSimulation *sim;

  sim = ps_simulation_new (scenario, &error);
  if (sim == NULL)
    {
      if (task != NULL)
        g_task_return_error (task, g_steal_pointer (&error));
      else
        g_debug ("Runner could not load scenario %s: %s",
                 scenario->source_name ? scenario->source_name : "(unnamed)",
                 error->message);
      return;
    }

  g_clear_pointer (&self->sim, ps_simulation_free);
  self->sim = sim;

  /* frames of another pack cannot be reused */
  g_ptr_array_set_size (self->pool, 0);
  replace_recorder (self);

  if (task != NULL)
    g_task_return_boolean (task, TRUE);
}

static void
apply_command (PsRunner *self,
               Command  *cmd)
{
  switch (cmd->kind)
    {
    case CMD_PLAY:
      set_worker_playing (self, TRUE);
      break;

    case CMD_PAUSE:
      set_worker_playing (self, FALSE);
      finish_run_until (self);
      break;

    case CMD_SINGLE_STEP:
      set_worker_playing (self, FALSE);
      step_once (self);
      break;

    case CMD_SPEED:
      self->worker_speed = cmd->value;
      anchor_pacing (self);
      break;

    case CMD_SET_LOAD:
      ps_simulation_set_manual_load (self->sim, &cmd->load);
      g_free (self->load_note);
      self->load_note = format_load_note (&cmd->load);
      break;

    case CMD_CLEAR_LOAD:
      if (ps_simulation_has_manual_load (self->sim))
        {
          g_free (self->load_note);
          self->load_note = g_strdup ("manual load ended: the protocol again");
        }
      ps_simulation_clear_manual_load (self->sim);
      break;

    case CMD_AMBIENT:
      ps_simulation_set_ambient (self->sim, cmd->value);
      break;

    case CMD_COOLING:
      ps_simulation_set_cooling (self->sim, cmd->value != 0.0);
      break;

    case CMD_ADD_FAULT:
      {
        g_autoptr(GError) error = NULL;

        /* (a fault the simulation refuses is a warning in its event log) */
        if (!ps_simulation_add_fault (self->sim, &cmd->fault, &error))
          ps_event_log_add (ps_simulation_get_events (self->sim), ps_simulation_get_time (self->sim),
                            PS_EVENT_WARNING, -1, PS_CONTACTOR_OK, "%s", error->message);
        publish (self);
      }
      break;

    case CMD_RESET:
      set_worker_playing (self, FALSE);
      finish_run_until (self);
      ps_simulation_reset (self->sim);
      replace_recorder (self);
      g_clear_pointer (&self->load_note, g_free);
      break;

    case CMD_LOAD_SCENARIO:
      set_worker_playing (self, FALSE);
      finish_run_until (self);
      load_scenario (self, cmd->scenario, cmd->task);
      g_clear_object (&cmd->task);
      g_clear_pointer (&self->load_note, g_free);
      break;

    case CMD_SYNC:
      /* every earlier command has been applied; the caller wants to see it */
      publish (self);
      waiter_signal (cmd->waiter);
      break;

    case CMD_RUN_UNTIL:
      finish_run_until (self);
      /* (a manual load runs after the protocol finished too) */
      if (ps_simulation_get_time (self->sim) >= cmd->value ||
          (ps_simulation_is_finished (self->sim) &&
           !ps_simulation_has_manual_load (self->sim)))
        {
          set_worker_playing (self, FALSE);
          publish (self);
          waiter_signal (cmd->waiter);
        }
      else
        {
          self->until_s = cmd->value;
          self->until_waiter = cmd->waiter;
        }
      break;

    case CMD_QUIT:
      self->quit = TRUE;
      break;

    default:
      g_assert_not_reached ();
    }
}

static gboolean
max_speed (PsRunner *self)
{
  return self->until_waiter != NULL || self->worker_speed == PS_RUNNER_SPEED_MAX;
}

/* Steps for at most one batch; returns FALSE when the run stopped (the
 * protocol finished or run_until reached its time). */
static gboolean
run_batch (PsRunner *self)
{
  gint64 start = g_get_monotonic_time ();
  gint64 now = start;
  gint64 deadline = start + PS_RUNNER_BATCH_US;
  double dt = sim_dt (self);
  double target;

  /* end the batch when the next frame is due, so frames go out on time */
  if (self->last_publish_us + PS_RUNNER_PUBLISH_US > start)
    deadline = MIN (deadline, self->last_publish_us + PS_RUNNER_PUBLISH_US);

  if (max_speed (self))
    target = isnan (self->until_s) ? INFINITY : self->until_s;
  else
    target = self->anchor_sim_s +
             self->worker_speed * (now - self->anchor_wall_us) / (double) G_USEC_PER_SEC;

  while (now < deadline)
    {
      double t = ps_simulation_get_time (self->sim);

      /* run_until stops at the first step at or past the target; pacing
       * takes a step once its end is due */
      if (self->until_waiter != NULL ? t >= target : t + dt > target)
        break;

      if (!step_once (self))
        {
          set_worker_playing (self, FALSE);
          return FALSE;
        }
      now = g_get_monotonic_time ();
    }

  if (self->until_waiter != NULL && ps_simulation_get_time (self->sim) >= self->until_s)
    {
      set_worker_playing (self, FALSE);
      return FALSE;
    }

  /* too slow for the asked speed: do not try to catch up a growing backlog */
  if (!max_speed (self) &&
      target - ps_simulation_get_time (self->sim) > self->worker_speed * PS_RUNNER_MAX_LAG_S)
    anchor_pacing (self);

  return TRUE;
}

/* How long the worker may sleep in the queue, in µs; -1 = until a command. */
static gint64
wait_time_us (PsRunner *self)
{
  double due_s;
  gint64 wait, now;

  if (!self->worker_playing && self->until_waiter == NULL)
    return -1;
  if (max_speed (self))
    return 0;

  due_s = (ps_simulation_get_time (self->sim) + sim_dt (self) - self->anchor_sim_s)
          / self->worker_speed;
  now = g_get_monotonic_time ();
  wait = self->anchor_wall_us + (gint64) (due_s * G_USEC_PER_SEC) - now;
  wait = CLAMP (wait, 0, PS_RUNNER_MAX_WAIT_US);
  /* a stepped state must not wait for the next step to be shown */
  if (self->dirty)
    wait = MIN (wait, MAX (0, self->last_publish_us + PS_RUNNER_PUBLISH_US - now));

  return wait;
}

static gpointer
ps_runner_worker (gpointer data)
{
  PsRunner *self = data;

  while (!self->quit)
    {
      gint64 wait = wait_time_us (self);
      gboolean had_command = FALSE;
      Command *cmd;

      if (wait < 0)
        cmd = g_async_queue_pop (self->queue);
      else if (wait == 0)
        cmd = g_async_queue_try_pop (self->queue);
      else
        cmd = g_async_queue_timeout_pop (self->queue, wait);

      while (cmd != NULL)
        {
          had_command = TRUE;
          apply_command (self, cmd);
          command_free (cmd);
          if (self->quit)
            break;
          cmd = g_async_queue_try_pop (self->queue);
        }

      if (self->quit)
        break;

      if (self->worker_playing || self->until_waiter != NULL)
        {
          gboolean running = run_batch (self);

          if (!running)
            {
              publish (self);
              finish_run_until (self);
              continue;
            }
        }

      if (had_command ||
          (self->dirty &&
           g_get_monotonic_time () - self->last_publish_us >= PS_RUNNER_PUBLISH_US))
        publish (self);
    }

  /* nobody may stay blocked on a runner that is gone */
  finish_run_until (self);

  return NULL;
}

/* ---- caller side ------------------------------------------------------ */

PsRunner *
ps_runner_new (const PsScenario  *scenario,
               GError           **error)
{
  PsRunner *self;
  PsSimulation *sim;

  g_return_val_if_fail (scenario != NULL, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  sim = ps_simulation_new (scenario, error);
  if (sim == NULL)
    return NULL;

  self = g_new0 (PsRunner, 1);
  g_atomic_ref_count_init (&self->ref_count);
  g_mutex_init (&self->publish_lock);
  self->queue = g_async_queue_new ();
  self->sim = sim;
  self->pool = g_ptr_array_new_with_free_func ((GDestroyNotify) ps_frame_unref);
  self->speed = 1.0;
  self->worker_speed = 1.0;
  self->until_s = NAN;

  replace_recorder (self);
  publish (self);

  self->thread = g_thread_new ("ps-runner", ps_runner_worker, self);

  return self;
}

PsRunner *
ps_runner_ref (PsRunner *self)
{
  g_return_val_if_fail (self != NULL, NULL);

  g_atomic_ref_count_inc (&self->ref_count);

  return self;
}

void
ps_runner_unref (PsRunner *self)
{
  Command *cmd;

  g_return_if_fail (self != NULL);

  if (!g_atomic_ref_count_dec (&self->ref_count))
    return;

  send (self, CMD_QUIT, 0.0);
  g_thread_join (self->thread);

  /* commands sent after quit: release whoever waits on them */
  while ((cmd = g_async_queue_try_pop (self->queue)) != NULL)
    {
      waiter_signal (cmd->waiter);
      command_free (cmd);
    }
  g_async_queue_unref (self->queue);

  g_clear_pointer (&self->pool, g_ptr_array_unref);
  g_clear_pointer (&self->frame, ps_frame_unref);
  g_clear_pointer (&self->record_frame, ps_frame_unref);
  g_clear_pointer (&self->recorder, ps_recorder_unref);
  g_clear_pointer (&self->run_recorder, ps_recorder_unref);
  g_clear_pointer (&self->sim, ps_simulation_free);
  g_free (self->load_note);
  g_mutex_clear (&self->publish_lock);
  g_free (self);
}

void
ps_runner_play (PsRunner *self)
{
  g_return_if_fail (self != NULL);

  g_atomic_int_set (&self->playing, TRUE);
  send (self, CMD_PLAY, 0.0);
}

void
ps_runner_pause (PsRunner *self)
{
  g_return_if_fail (self != NULL);

  g_atomic_int_set (&self->playing, FALSE);
  send (self, CMD_PAUSE, 0.0);
}

void
ps_runner_single_step (PsRunner *self)
{
  g_return_if_fail (self != NULL);

  g_atomic_int_set (&self->playing, FALSE);
  send (self, CMD_SINGLE_STEP, 0.0);
}

void
ps_runner_set_speed (PsRunner *self,
                     double    speed)
{
  g_return_if_fail (self != NULL);
  g_return_if_fail (isfinite (speed) && speed >= 0.0);

  g_mutex_lock (&self->publish_lock);
  self->speed = speed;
  g_mutex_unlock (&self->publish_lock);

  send (self, CMD_SPEED, speed);
}

void
ps_runner_set_load (PsRunner     *self,
                    const PsLoad *load)
{
  Command *cmd;

  g_return_if_fail (self != NULL);
  g_return_if_fail (load != NULL);
  g_return_if_fail (isfinite (load->value));

  cmd = g_new0 (Command, 1);
  cmd->kind = CMD_SET_LOAD;
  cmd->load = *load;
  g_async_queue_push (self->queue, cmd);
}

void
ps_runner_add_fault (PsRunner      *self,
                     const PsFault *fault)
{
  Command *cmd;

  g_return_if_fail (self != NULL);
  g_return_if_fail (fault != NULL);

  cmd = g_new0 (Command, 1);
  cmd->kind = CMD_ADD_FAULT;
  cmd->fault = *fault;
  g_async_queue_push (self->queue, cmd);
}

void
ps_runner_clear_load (PsRunner *self)
{
  g_return_if_fail (self != NULL);

  send (self, CMD_CLEAR_LOAD, 0.0);
}

void
ps_runner_set_ambient (PsRunner *self,
                       double    ambient_k)
{
  g_return_if_fail (self != NULL);
  g_return_if_fail (isfinite (ambient_k) && ambient_k > 0.0);

  send (self, CMD_AMBIENT, ambient_k);
}

void
ps_runner_set_cooling (PsRunner *self,
                       gboolean  enabled)
{
  g_return_if_fail (self != NULL);

  send (self, CMD_COOLING, enabled ? 1.0 : 0.0);
}

void
ps_runner_reset (PsRunner *self)
{
  g_return_if_fail (self != NULL);

  g_atomic_int_set (&self->playing, FALSE);
  send (self, CMD_RESET, 0.0);
}

void
ps_runner_load_scenario_async (PsRunner            *self,
                               const PsScenario    *scenario,
                               GCancellable        *cancellable,
                               GAsyncReadyCallback  callback,
                               gpointer             user_data)
{
  Command *cmd;

  g_return_if_fail (self != NULL);
  g_return_if_fail (scenario != NULL);
  g_return_if_fail (cancellable == NULL || G_IS_CANCELLABLE (cancellable));

  g_atomic_int_set (&self->playing, FALSE);

  cmd = g_new0 (Command, 1);
  cmd->kind = CMD_LOAD_SCENARIO;
  cmd->scenario = ps_scenario_copy (scenario);
  if (callback != NULL)
    {
      /* the source object stays NULL: a task must not keep the runner alive */
      cmd->task = g_task_new (NULL, cancellable, callback, user_data);
      g_task_set_source_tag (cmd->task, ps_runner_load_scenario_async);
      g_task_set_check_cancellable (cmd->task, TRUE);
    }
  g_async_queue_push (self->queue, cmd);
}

gboolean
ps_runner_load_scenario_finish (PsRunner      *self,
                                GAsyncResult  *result,
                                GError       **error)
{
  g_return_val_if_fail (self != NULL, FALSE);
  g_return_val_if_fail (g_task_is_valid (result, NULL), FALSE);
  g_return_val_if_fail (g_task_get_source_tag (G_TASK (result)) == ps_runner_load_scenario_async, FALSE);

  return g_task_propagate_boolean (G_TASK (result), error);
}

void
ps_runner_load_scenario (PsRunner         *self,
                         const PsScenario *scenario)
{
  ps_runner_load_scenario_async (self, scenario, NULL, NULL, NULL);
}

PsFrame *
ps_runner_dup_frame (PsRunner *self)
{
  PsFrame *frame;

  g_return_val_if_fail (self != NULL, NULL);

  g_mutex_lock (&self->publish_lock);
  frame = ps_frame_ref (self->frame);
  g_mutex_unlock (&self->publish_lock);

  return frame;
}

void
ps_runner_dup_frame_and_recorder (PsRunner    *self,
                                  PsFrame    **frame,
                                  PsRecorder **recorder)
{
  g_return_if_fail (self != NULL);

  g_mutex_lock (&self->publish_lock);
  if (frame != NULL)
    *frame = ps_frame_ref (self->frame);
  if (recorder != NULL)
    *recorder = ps_recorder_ref (self->recorder);
  g_mutex_unlock (&self->publish_lock);
}

PsRecorder *
ps_runner_dup_recorder (PsRunner *self)
{
  PsRecorder *recorder;

  g_return_val_if_fail (self != NULL, NULL);

  g_mutex_lock (&self->publish_lock);
  recorder = ps_recorder_ref (self->recorder);
  g_mutex_unlock (&self->publish_lock);

  return recorder;
}

gboolean
ps_runner_is_playing (PsRunner *self)
{
  g_return_val_if_fail (self != NULL, FALSE);

  return g_atomic_int_get (&self->playing);
}

double
ps_runner_get_speed (PsRunner *self)
{
  double speed;

  g_return_val_if_fail (self != NULL, 0.0);

  g_mutex_lock (&self->publish_lock);
  speed = self->speed;
  g_mutex_unlock (&self->publish_lock);

  return speed;
}

static void
send_and_wait (PsRunner    *self,
               CommandKind  kind,
               double       value)
{
  Waiter waiter;
  Command *cmd;

  waiter_init (&waiter);

  cmd = g_new0 (Command, 1);
  cmd->kind = kind;
  cmd->value = value;
  cmd->waiter = &waiter;
  g_async_queue_push (self->queue, cmd);

  waiter_wait_and_clear (&waiter);
}

void
ps_runner_sync (PsRunner *self)
{
  g_return_if_fail (self != NULL);

  send_and_wait (self, CMD_SYNC, 0.0);
}

void
ps_runner_run_until (PsRunner *self,
                     double    time_s)
{
  g_return_if_fail (self != NULL);
  g_return_if_fail (!isnan (time_s));

  send_and_wait (self, CMD_RUN_UNTIL, time_s);
}
