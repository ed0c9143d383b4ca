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

#include "ps-recorder.h"
#include "ps-simulation.h"

G_BEGIN_DECLS

#define PS_RUNNER_SPEED_MAX 0.0

typedef struct _PsRunner PsRunner;

/* Takes a copy of the scenario; starts the thread paused at t = 0 with a
 * first frame already published, at speed 1 (real time). */
PsRunner   *ps_runner_new            (const PsScenario *scenario,
                                      GError          **error);
/* Sends quit, joins the thread, frees everything. */
void        ps_runner_free           (PsRunner         *runner);

void        ps_runner_play           (PsRunner         *runner);
void        ps_runner_pause          (PsRunner         *runner);
void        ps_runner_single_step    (PsRunner         *runner);
void        ps_runner_set_speed      (PsRunner         *runner,
                                      double            speed);
void        ps_runner_set_load       (PsRunner         *runner,
                                      const PsLoad     *load);   /* manual, overrides protocol */
void        ps_runner_clear_load     (PsRunner         *runner);  /* back to the protocol */
void        ps_runner_set_ambient    (PsRunner         *runner,
                                      double            ambient_k);
void        ps_runner_set_cooling    (PsRunner         *runner,
                                      gboolean          enabled);
void        ps_runner_reset          (PsRunner         *runner);
/* Replaces the scenario (copied); the recorder is replaced too. */
void        ps_runner_load_scenario  (PsRunner         *runner,
                                      const PsScenario *scenario);

/* Never blocks: the latest published frame (a new reference). */
PsFrame    *ps_runner_dup_frame      (PsRunner         *runner);
/* The recorder of the present run (a new reference). */
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

G_DEFINE_AUTOPTR_CLEANUP_FUNC (PsRunner, ps_runner_free)

G_END_DECLS
