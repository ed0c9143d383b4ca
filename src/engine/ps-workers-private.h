/* ps-workers-private.h: the pack step's worker threads; engine only
 *
 * A simulation owns one PsWorkers: a fixed set of threads that share the
 * per-cell work of a step (the cell models' linearise and commit, the
 * thermal network's right-hand side). A job over n cells is cut into B
 * contiguous blocks of cells, block k = [n k / B, n (k + 1) / B), a few per
 * thread; the caller and the workers take blocks until none is left, and
 * the caller returns when all are done. Each cell's arithmetic is its own,
 * the same in any block on any thread, so what a job writes per cell does
 * not depend on the number of threads; sums, extremes and decisions over
 * the cells are made by the caller afterwards, in cell order (what a block
 * may give back for the caller to combine must be exact whatever the
 * order and the partition: a flag to or).
 *
 * The threads start at the first job and are joined by _ps_workers_free;
 * between jobs they wait on a condition variable. A job's function runs
 * on several threads at once: it writes only its cells' entries (and its
 * block's).
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* the most threads a simulation uses, and blocks a job is cut into */
#define PS_WORKERS_MAX        64
#define PS_WORKERS_MAX_BLOCKS (4 * PS_WORKERS_MAX)

typedef struct _PsWorkers PsWorkers;

/* Cells [start, end) of a job, block `block` (< PS_WORKERS_MAX_BLOCKS) of
 * its partition. */
typedef void (*PsWorkFunc) (gpointer data,
                            guint    block,
                            guint    start,
                            guint    end);

/* n_threads >= 1 (the caller counts as one; 1: no threads); at most
 * PS_WORKERS_MAX. No thread starts before the first job. */
PsWorkers *_ps_workers_new           (guint       n_threads);
void       _ps_workers_free          (PsWorkers  *workers);
/* The threads for n_cells cells, each worth a thread from min_cells up:
 * one per processor (at most PS_WORKERS_MAX), fewer for fewer cells. */
guint      _ps_workers_auto_count    (guint       n_cells,
                                      guint       min_cells);
/* how many blocks a job is cut into (1 for NULL) */
guint      _ps_workers_get_n_threads (PsWorkers  *workers);
/* Runs func over cells [0, n) in contiguous blocks shared by the threads,
 * the caller's included; returns when every block is done. workers may be
 * NULL (one block, on the caller). Not reentrant: a job's function must not
 * start another job on the same workers. */
void       _ps_workers_run           (PsWorkers  *workers,
                                      guint       n,
                                      PsWorkFunc  func,
                                      gpointer    data);

/* wall-clock microseconds spent in jobs since the workers were made (the
 * part of a step that is shared: Amdahl's parallel part) */
gint64     _ps_workers_get_job_us    (PsWorkers  *workers);

/* Block k of n cells cut into n_blocks: [n k / n_blocks, n (k + 1) / n_blocks). */
static inline void
_ps_workers_block_range (guint  n,
                         guint  n_blocks,
                         guint  k,
                         guint *start,
                         guint *end)
{
  *start = (guint) ((guint64) n * k / n_blocks);
  *end = (guint) ((guint64) n * (k + 1) / n_blocks);
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC (PsWorkers, _ps_workers_free)

G_END_DECLS
