/* ps-bench.h: `packscope --bench`, printing "name: value" lines */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* engine: cell_steps_per_s, realtime_factor, recorder_10h_mb, ... */
void ps_bench_engine (void);
void ps_bench_dfn    (void);
/* the pack step on one and two threads: threads_* (part of the engine's) */
void ps_bench_threads (void);
/* renderers: render_frame_ms (app/ps-bench-render.c) */
void ps_bench_render (void);
/* the real window under a display: ui_frame_interval_p95_ms
 * (app/ps-bench-ui.c); prints nothing without a display */
void ps_bench_ui     (void);

/* shared by the benchmarks: the median (sorts values in place), and this
 * thread's CPU time in seconds (wall time where the clock is missing) */
double ps_bench_median             (double *values,
                                    guint   n);
double ps_bench_thread_cpu_seconds (void);

G_END_DECLS
