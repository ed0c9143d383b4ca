/* ps-workers.c: the pack step's worker threads (ps-workers-private.h)
 *
 * A job over n cells is cut into blocks of contiguous cells (a few per
 * thread); the caller and the workers take the blocks one at a time until
 * none is left, and the caller returns when every block is done. Which
 * thread runs a block changes from job to job, what the block computes
 * does not: each cell's arithmetic is its own.
 *
 * One mutex guards the job (its function, data, size and blocks), its
 * serial number, the next block to take and the count of blocks done. A
 * job is posted under the lock with a new serial and a broadcast; a block
 * is taken under the lock, run unlocked and counted done under the lock;
 * the worker that finishes the last block wakes the caller. The lock's
 * release and acquire order every cell a block wrote before the caller
 * reads it, and the caller's writes before the job before any block reads
 * them.
 *
 * The caller never waits for a worker to wake: a worker the system has not
 * run yet (the machine may be shared) finds the blocks taken, and the
 * caller waits only for blocks already running: awake for about as long
 * as a block takes (asleep it would need waking, and on a busy machine a
 * woken thread waits for a core), then asleep. A worker waits for the next
 * job asleep, leaving its core to others.
 */
#include "config.h"

#include "ps-workers-private.h"

/* blocks per thread and job: the caller can take over the blocks of a
 * worker the system is late to run */
#define BLOCKS_PER_THREAD (PS_WORKERS_MAX_BLOCKS / PS_WORKERS_MAX)
/* the caller waits awake for the workers' last blocks at most twice as long
 * as its own longest block took, and never more than this */
#define SPIN_MAX_US 2000

typedef struct
{
  PsWorkers *workers;
  GThread   *thread;
} Worker;

struct _PsWorkers
{
  guint       n_threads;   /* the caller's included */
  Worker     *worker;      /* [n_threads - 1] */
  gboolean    started;

  GMutex      lock;
  GCond       job_posted;  /* a new job, or quit */
  GCond       job_done;    /* the last block of the job finished */
  guint64     job_serial;
  gboolean    quit;
  PsWorkFunc  func;
  gpointer    data;
  guint       n;
  guint       n_blocks;
  guint       next_block;  /* the next block to take */
  gint        done_blocks; /* changed under the lock, atomically (the
                            * caller may read it without) */

  gint64      job_us;      /* wall time in jobs, the caller's clock */
};

static inline void
run_block (PsWorkFunc func,
           gpointer   data,
           guint      n,
           guint      n_blocks,
           guint      k)
{
  guint start, end;

  _ps_workers_block_range (n, n_blocks, k, &start, &end);
  if (start < end)
    func (data, k, start, end);
}

/* Takes and runs the job's blocks while there are any; called and returns
 * with the lock held. TRUE when this thread finished the job's last block.
 * longest_us (or NULL): the longest block it ran. */
static gboolean
take_blocks (PsWorkers *w,
             gint64    *longest_us)
{
  gboolean last = FALSE;

  while (w->next_block < w->n_blocks)
    {
      PsWorkFunc func = w->func;
      gpointer data = w->data;
      guint n = w->n, n_blocks = w->n_blocks;
      guint k = w->next_block++;
      gint64 start = longest_us != NULL ? g_get_monotonic_time () : 0;

      g_mutex_unlock (&w->lock);
      run_block (func, data, n, n_blocks, k);
      if (longest_us != NULL)
        *longest_us = MAX (*longest_us, g_get_monotonic_time () - start);
      g_mutex_lock (&w->lock);
      g_atomic_int_inc (&w->done_blocks);
      last = (guint) w->done_blocks == w->n_blocks;
    }
  return last;
}

static gpointer
worker_main (gpointer user_data)
{
  Worker *self = user_data;
  PsWorkers *w = self->workers;
  guint64 seen = 0;

  g_mutex_lock (&w->lock);
  for (;;)
    {
      while (w->job_serial == seen && !w->quit)
        g_cond_wait (&w->job_posted, &w->lock);
      if (w->quit)
        break;
      seen = w->job_serial;
      if (take_blocks (w, NULL))
        g_cond_signal (&w->job_done);
    }
  g_mutex_unlock (&w->lock);
  return NULL;
}

PsWorkers *
_ps_workers_new (guint n_threads)
{
  PsWorkers *w;

  g_return_val_if_fail (n_threads >= 1 && n_threads <= PS_WORKERS_MAX, NULL);

  w = g_new0 (PsWorkers, 1);
  w->n_threads = n_threads;
  w->worker = g_new0 (Worker, n_threads - 1);
  g_mutex_init (&w->lock);
  g_cond_init (&w->job_posted);
  g_cond_init (&w->job_done);
  return w;
}

/* The threads, at the first job (a simulation that never steps starts
 * none). A thread the system refuses leaves the jobs to fewer threads. */
static void
start_threads (PsWorkers *w)
{
  guint started = 1;

  w->started = TRUE;
  for (guint k = 1; k < w->n_threads; k++)
    {
      Worker *self = &w->worker[started - 1];
      g_autoptr(GError) error = NULL;
      char name[16];

      g_snprintf (name, sizeof name, "ps-step-%u", k);
      self->workers = w;
      self->thread = g_thread_try_new (name, worker_main, self, &error);
      if (self->thread == NULL)
        {
          g_warning ("the pack step runs on %u threads, not %u: %s",
                     started, w->n_threads, error->message);
          break;
        }
      started++;
    }
  w->n_threads = started;
}

void
_ps_workers_free (PsWorkers *w)
{
  if (w == NULL)
    return;

  g_mutex_lock (&w->lock);
  w->quit = TRUE;
  g_cond_broadcast (&w->job_posted);
  g_mutex_unlock (&w->lock);
  for (guint k = 0; w->started && k + 1 < w->n_threads; k++)
    g_thread_join (w->worker[k].thread);

  g_mutex_clear (&w->lock);
  g_cond_clear (&w->job_posted);
  g_cond_clear (&w->job_done);
  g_free (w->worker);
  g_free (w);
}

guint
_ps_workers_auto_count (guint n_cells,
                        guint min_cells)
{
  guint n = CLAMP (g_get_num_processors (), 1, PS_WORKERS_MAX);

  return CLAMP (n_cells / MAX (min_cells, 1), 1, n);
}

guint
_ps_workers_get_n_threads (PsWorkers *w)
{
  return w != NULL ? w->n_threads : 1;
}

gint64
_ps_workers_get_job_us (PsWorkers *w)
{
  return w != NULL ? w->job_us : 0;
}

/* a job over the threads: posted, blocks taken here too, the last one
 * waited for */
static void
run_shared (PsWorkers  *w,
            guint       n,
            PsWorkFunc  func,
            gpointer    data)
{
  gint64 longest = 0;

  g_mutex_lock (&w->lock);
  w->func = func;
  w->data = data;
  w->n = n;
  w->n_blocks = MIN (n, w->n_threads * BLOCKS_PER_THREAD);
  w->next_block = 0;
  w->done_blocks = 0;
  w->job_serial++;
  g_cond_broadcast (&w->job_posted);

  take_blocks (w, &longest);
  if ((guint) w->done_blocks < w->n_blocks)
    {
      gint n_blocks = (gint) w->n_blocks;
      gint64 until = g_get_monotonic_time () + MIN (2 * longest, SPIN_MAX_US);

      g_mutex_unlock (&w->lock);
      while (g_atomic_int_get (&w->done_blocks) < n_blocks && g_get_monotonic_time () < until)
        ;
      /* (the lock orders what the last block wrote before what comes next) */
      g_mutex_lock (&w->lock);
      while ((guint) w->done_blocks < w->n_blocks)
        g_cond_wait (&w->job_done, &w->lock);
    }
  g_mutex_unlock (&w->lock);
}

void
_ps_workers_run (PsWorkers  *w,
                 guint       n,
                 PsWorkFunc  func,
                 gpointer    data)
{
  gint64 start;

  if (w == NULL)
    {
      run_block (func, data, n, 1, 0);
      return;
    }

  start = g_get_monotonic_time ();
  if (!w->started && w->n_threads > 1 && n >= 2)
    start_threads (w);
  if (w->n_threads == 1 || n < 2)
    run_block (func, data, n, 1, 0);
  else
    run_shared (w, n, func, data);
  w->job_us += g_get_monotonic_time () - start;
}
