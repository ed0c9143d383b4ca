/* ps-workers.c: the pack step's worker threads (ps-workers-private.h)
 *
 * One mutex guards the job (its function, data and size), its serial
 * number and the count of blocks still running. A job is posted under the
 * lock with a new serial and a broadcast; each worker takes it under the
 * lock, runs its block unlocked, and counts itself out under the lock; the
 * last one wakes the caller. The lock's release and acquire order every
 * cell a block wrote before the caller reads it, and the caller's writes
 * before the job before the blocks read them.
 *
 * Waiting blocks in the kernel (no spinning): the machine may be shared,
 * and a spinning thread would take the core another needs.
 */
#include "config.h"

#include "ps-workers-private.h"

typedef struct
{
  PsWorkers *workers;
  guint      index;        /* the block this thread runs, 1.. */
  GThread   *thread;
} Worker;

struct _PsWorkers
{
  guint       n_threads;   /* blocks per job, the caller's included */
  Worker     *worker;      /* [n_threads - 1] */
  gboolean    started;

  GMutex      lock;
  GCond       job_posted;  /* a new job, or quit */
  GCond       job_done;    /* the last block of the job finished */
  guint64     job_serial;
  guint       pending;     /* worker blocks of the job still running */
  gboolean    quit;
  PsWorkFunc  func;
  gpointer    data;
  guint       n;
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

static gpointer
worker_main (gpointer user_data)
{
  Worker *self = user_data;
  PsWorkers *w = self->workers;
  guint64 seen = 0;

  g_mutex_lock (&w->lock);
  for (;;)
    {
      PsWorkFunc func;
      gpointer data;
      guint n;

      while (w->job_serial == seen && !w->quit)
        g_cond_wait (&w->job_posted, &w->lock);
      if (w->quit)
        break;
      seen = w->job_serial;
      func = w->func;
      data = w->data;
      n = w->n;
      g_mutex_unlock (&w->lock);

      run_block (func, data, n, w->n_threads, self->index);

      g_mutex_lock (&w->lock);
      if (--w->pending == 0)
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
 * none). A thread the system refuses leaves the jobs to fewer blocks: the
 * partition changes, the results do not. */
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
      self->index = started;
      self->thread = g_thread_try_new (name, worker_main, self, &error);
      if (self->thread == NULL)
        {
          g_warning ("the pack step runs on %u threads, not %u: %s",
                     started, w->n_threads, error->message);
          break;
        }
      started++;
    }
  /* (no worker has taken a job yet: each reads n_threads only after the
   * first job is posted under the lock) */
  g_mutex_lock (&w->lock);
  w->n_threads = started;
  g_mutex_unlock (&w->lock);
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

void
_ps_workers_run (PsWorkers  *w,
                 guint       n,
                 PsWorkFunc  func,
                 gpointer    data)
{
  if (w == NULL || w->n_threads == 1 || n < 2)
    {
      run_block (func, data, n, 1, 0);
      return;
    }
  if (!w->started)
    {
      start_threads (w);
      if (w->n_threads == 1)
        {
          run_block (func, data, n, 1, 0);
          return;
        }
    }

  g_mutex_lock (&w->lock);
  w->func = func;
  w->data = data;
  w->n = n;
  w->pending = w->n_threads - 1;
  w->job_serial++;
  g_cond_broadcast (&w->job_posted);
  g_mutex_unlock (&w->lock);

  run_block (func, data, n, w->n_threads, 0);

  g_mutex_lock (&w->lock);
  while (w->pending > 0)
    g_cond_wait (&w->job_done, &w->lock);
  g_mutex_unlock (&w->lock);
}
