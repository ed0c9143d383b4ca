/* ps-runner.h: the worker thread that owns a simulation
 *
 * Commands go in through a GAsyncQueue and are applied by the worker between
 * steps; the runner never blocks the caller (the UI thread). The worker
 * publishes an immutable PsFrame by an atomic pointer swap after every batch
 * of steps (at most ~120 per second of wall time, and always after a command)
 * and appends every step to the recorder.
 *
 * Speed: simulated seconds per wall-clock second; PS_RUNNER_SPEED_MAX means
 * as fast as possible.
 */
#pragma once

#include <gio/gio.h>

#include "ps-recorder.h"
#include "ps-simulation.h"

G_BEGIN_DECLS

#define PS_RUNNER_SPEED_MAX 0.0

typedef struct _PsRunner PsRunner;

/* Takes a copy of the scenario; starts the thread paused at t = 0 with a
 * first frame already published, at speed 1 (real time).
 * Returns: (transfer full) (nullable): a runner with one reference */
PsRunner   *ps_runner_new            (const PsScenario *scenario,
                                      GError          **error);
/* Returns: (transfer full): runner, with one more reference. Widgets that
 * draw a runner's frames hold one, so the runner outlives every reader. */
PsRunner   *ps_runner_ref            (PsRunner         *runner);
/* Drops a reference; the last one sends quit, joins the thread and frees
 * everything (on the thread that drops it, never the worker). */
void        ps_runner_unref          (PsRunner         *runner);

void        ps_runner_play           (PsRunner         *runner);
void        ps_runner_pause          (PsRunner         *runner);
void        ps_runner_single_step    (PsRunner         *runner);
void        ps_runner_set_speed      (PsRunner         *runner,
                                      double            speed);
void        ps_runner_set_load       (PsRunner         *runner,
                                      const PsLoad     *load);   /* manual, overrides protocol */
void        ps_runner_clear_load     (PsRunner         *runner);  /* back to the protocol */
/* Injects a fault from the simulation's present time (ps_simulation_add_fault;
 * one it refuses becomes a warning event). */
void        ps_runner_add_fault      (PsRunner         *runner,
                                      const PsFault    *fault);
void        ps_runner_set_ambient    (PsRunner         *runner,
                                      double            ambient_k);
void        ps_runner_set_cooling    (PsRunner         *runner,
                                      gboolean          enabled);
void        ps_runner_reset          (PsRunner         *runner);
/* Replaces the scenario (copied); the recorder is replaced too. The worker
 * builds the new simulation; if it cannot (the error names the scenario and
 * the problem), it keeps running the old one, and callback learns why.
 * callback (nullable) runs in the thread-default main context of the
 * caller; a runner freed first completes it with G_IO_ERROR_CANCELLED. */
void        ps_runner_load_scenario_async  (PsRunner            *runner,
                                            const PsScenario    *scenario,
                                            GCancellable        *cancellable,
                                            GAsyncReadyCallback  callback,
                                            gpointer             user_data);
gboolean    ps_runner_load_scenario_finish (PsRunner            *runner,
                                            GAsyncResult        *result,
                                            GError             **error);
/* The same without a reply (tests): a failure is only logged. */
void        ps_runner_load_scenario        (PsRunner            *runner,
                                            const PsScenario    *scenario);

/* Never blocks: the latest published frame.
 * Returns: (transfer full): a new reference */
PsFrame    *ps_runner_dup_frame      (PsRunner         *runner);
/* Never blocks: the latest published frame and the recorder of the same run,
 * taken together, so a reader never pairs a frame with another run's
 * recorder (the recorder may already hold a few later samples).
 * frame: (out) (transfer full) (optional): the frame, a new reference
 * recorder: (out) (transfer full) (optional): its run's recorder */
void        ps_runner_dup_frame_and_recorder (PsRunner     *runner,
                                              PsFrame     **frame,
                                              PsRecorder  **recorder);
/* The recorder of the present run, alone (to pair it with a frame, use
 * ps_runner_dup_frame_and_recorder).
 * Returns: (transfer full): a new reference */
PsRecorder *ps_runner_dup_recorder   (PsRunner         *runner);
gboolean    ps_runner_is_playing     (PsRunner         *runner);
double      ps_runner_get_speed      (PsRunner         *runner);
/* Blocks until the worker has applied every command sent so far and
 * published a frame (tests and the headless screenshot path only). */
void        ps_runner_sync           (PsRunner         *runner);
/* Runs until simulated time t (or the protocol ends, unless a manual load
 * runs), as fast as possible,
 * then pauses; blocks (headless screenshots and tests only). A pause, reset,
 * load_scenario or another run_until sent meanwhile from another thread ends
 * the wait early. */
void        ps_runner_run_until      (PsRunner         *runner,
                                      double            time_s);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (PsRunner, ps_runner_unref)

G_END_DECLS
