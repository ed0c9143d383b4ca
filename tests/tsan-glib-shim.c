/* tsan-glib-shim.c: GLib's synchronisation announced to ThreadSanitizer
 *
 * Debian's GLib is not built with -fsanitize=thread, and GMutex, GCond and
 * GAsyncQueue lock with futexes inside libglib, out of TSan's sight: without
 * this shim the runner test reports hundreds of races that are not there.
 * Linked into the test executables of a -Db_sanitize=thread build (see
 * tests/meson.build), it defines the GLib functions the project calls; each
 * calls the real one (dlsym RTLD_NEXT) and tells TSan the happens-before
 * edge it makes:
 *   - a mutex unlock releases the mutex, a lock acquires it (a condition
 *     wait unlocks and locks again);
 *   - g_async_queue_push and pop annotate the queue inside its own lock
 *     (what is pushed, and the node libglib keeps it in, is visible to
 *     whoever pops it), and a pop waits on the shim's side (see below);
 *   - g_atomic_ref_count_dec releases the count, and acquires it when it
 *     falls to zero (whoever frees sees every other owner's writes), as
 *     libstdc++ annotates shared_ptr;
 *   - g_once_init_leave releases the location its fast path reads;
 *   - a GTask's result is released where it is returned (the runner's
 *     worker) and acquired where it is propagated (the main thread): the
 *     callback in between runs through GMainContext's own locks, out of
 *     sight (what libglib allocates inside those calls is left to
 *     tests/tsan.supp).
 * Nothing else changes; CI runs with 0 reports allowed.
 */
#define _GNU_SOURCE
#include "config.h"

#include <dlfcn.h>
#include <errno.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdlib.h>
#include <time.h>

#include <glib.h>
#include <gio/gio.h>

void __tsan_acquire (void *addr);
void __tsan_release (void *addr);

static void *
real (const char *name)
{
  void *fn = dlsym (RTLD_NEXT, name);

  if (fn == NULL)
    abort ();
  return fn;
}

#define REAL(ret, name, args) \
  static ret (*real_fn) args = NULL; \
  if (real_fn == NULL) \
    real_fn = (ret (*) args) real (#name)

/* ---- GMutex, GRecMutex, GRWLock: lock acquires, unlock releases ---- */

#define ANNOTATED_LOCK(name, type) \
  void \
  name (type *lock) \
  { \
    REAL (void, name, (type *)); \
    real_fn (lock); \
    __tsan_acquire (lock); \
  }

#define ANNOTATED_UNLOCK(name, type) \
  void \
  name (type *lock) \
  { \
    REAL (void, name, (type *)); \
    __tsan_release (lock); \
    real_fn (lock); \
  }

#define ANNOTATED_TRYLOCK(name, type) \
  gboolean \
  name (type *lock) \
  { \
    REAL (gboolean, name, (type *)); \
    gboolean locked = real_fn (lock); \
    if (locked) \
      __tsan_acquire (lock); \
    return locked; \
  }

ANNOTATED_LOCK (g_mutex_lock, GMutex)
ANNOTATED_UNLOCK (g_mutex_unlock, GMutex)
ANNOTATED_TRYLOCK (g_mutex_trylock, GMutex)
ANNOTATED_LOCK (g_rec_mutex_lock, GRecMutex)
ANNOTATED_UNLOCK (g_rec_mutex_unlock, GRecMutex)
ANNOTATED_TRYLOCK (g_rec_mutex_trylock, GRecMutex)
ANNOTATED_LOCK (g_rw_lock_writer_lock, GRWLock)
ANNOTATED_UNLOCK (g_rw_lock_writer_unlock, GRWLock)
ANNOTATED_LOCK (g_rw_lock_reader_lock, GRWLock)
ANNOTATED_UNLOCK (g_rw_lock_reader_unlock, GRWLock)

/* ---- GCond: the wait unlocks the mutex and locks it again ---- */

void
g_cond_wait (GCond  *cond,
             GMutex *mutex)
{
  REAL (void, g_cond_wait, (GCond *, GMutex *));
  __tsan_release (mutex);
  real_fn (cond, mutex);
  __tsan_acquire (mutex);
}

gboolean
g_cond_wait_until (GCond  *cond,
                   GMutex *mutex,
                   gint64  end_time)
{
  REAL (gboolean, g_cond_wait_until, (GCond *, GMutex *, gint64));
  gboolean signalled;

  __tsan_release (mutex);
  signalled = real_fn (cond, mutex, end_time);
  __tsan_acquire (mutex);
  return signalled;
}

/* ---- GAsyncQueue ----
 * Each push and pop runs under the queue's own lock (g_async_queue_lock),
 * with the queue acquired after taking it and released before leaving it,
 * so the item and the list node libglib allocates for it are ordered before
 * the pop that takes and frees them. libglib's own waiting pop would free
 * the node after waking, inside libglib, where no annotation can reach; so
 * a pop never waits inside libglib: it tries, and if the queue is empty it
 * waits on the shim's own condition variable (pthread, which TSan sees),
 * which every push through the shim broadcasts. Blocking and timeouts behave
 * as before for queues only pushed through the public functions. */

typedef struct
{
  void     (*lock) (GAsyncQueue *);
  void     (*unlock) (GAsyncQueue *);
  void     (*push_unlocked) (GAsyncQueue *, gpointer);
  void     (*push_front_unlocked) (GAsyncQueue *, gpointer);
  gpointer (*try_pop_unlocked) (GAsyncQueue *);
} QueueFns;

static pthread_mutex_t pushed_lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t pushed_cond;
static guint64 pushed_generation;

static QueueFns queue_fns_table;

static void
queue_fns_init (void)
{
  pthread_condattr_t attr;

  queue_fns_table.lock = real ("g_async_queue_lock");
  queue_fns_table.unlock = real ("g_async_queue_unlock");
  queue_fns_table.push_unlocked = real ("g_async_queue_push_unlocked");
  queue_fns_table.push_front_unlocked = real ("g_async_queue_push_front_unlocked");
  queue_fns_table.try_pop_unlocked = real ("g_async_queue_try_pop_unlocked");
  /* g_get_monotonic_time() is CLOCK_MONOTONIC */
  pthread_condattr_init (&attr);
  pthread_condattr_setclock (&attr, CLOCK_MONOTONIC);
  pthread_cond_init (&pushed_cond, &attr);
  pthread_condattr_destroy (&attr);
}

static const QueueFns *
queue_fns (void)
{
  static pthread_once_t once = PTHREAD_ONCE_INIT;

  pthread_once (&once, queue_fns_init);
  return &queue_fns_table;
}

static void
push_annotated (GAsyncQueue *queue,
                gpointer     data,
                gboolean     front)
{
  const QueueFns *f = queue_fns ();

  f->lock (queue);
  __tsan_acquire (queue);
  (front ? f->push_front_unlocked : f->push_unlocked) (queue, data);
  __tsan_release (queue);
  f->unlock (queue);

  pthread_mutex_lock (&pushed_lock);
  pushed_generation++;
  pthread_cond_broadcast (&pushed_cond);
  pthread_mutex_unlock (&pushed_lock);
}

static gpointer
try_pop_annotated (GAsyncQueue *queue)
{
  const QueueFns *f = queue_fns ();
  gpointer data;

  f->lock (queue);
  __tsan_acquire (queue);
  data = f->try_pop_unlocked (queue);
  __tsan_release (queue);
  f->unlock (queue);
  return data;
}

/* The next item, waiting until end_us (monotonic, G_MAXINT64: for ever);
 * NULL at the deadline. */
static gpointer
pop_annotated (GAsyncQueue *queue,
               gint64       end_us)
{
  for (;;)
    {
      guint64 seen;
      gpointer data;

      pthread_mutex_lock (&pushed_lock);
      seen = pushed_generation;
      pthread_mutex_unlock (&pushed_lock);

      data = try_pop_annotated (queue);
      if (data != NULL)
        return data;

      pthread_mutex_lock (&pushed_lock);
      while (pushed_generation == seen)
        {
          if (end_us == G_MAXINT64)
            pthread_cond_wait (&pushed_cond, &pushed_lock);
          else
            {
              struct timespec ts = { end_us / G_USEC_PER_SEC, (end_us % G_USEC_PER_SEC) * 1000 };

              if (g_get_monotonic_time () >= end_us ||
                  pthread_cond_timedwait (&pushed_cond, &pushed_lock, &ts) == ETIMEDOUT)
                break;
            }
        }
      pthread_mutex_unlock (&pushed_lock);
      if (end_us != G_MAXINT64 && g_get_monotonic_time () >= end_us)
        {
          /* one last look, as libglib's timed pop makes */
          return try_pop_annotated (queue);
        }
    }
}

void
g_async_queue_push (GAsyncQueue *queue,
                    gpointer     data)
{
  push_annotated (queue, data, FALSE);
}

void
g_async_queue_push_front (GAsyncQueue *queue,
                          gpointer     data)
{
  push_annotated (queue, data, TRUE);
}

gpointer
g_async_queue_pop (GAsyncQueue *queue)
{
  return pop_annotated (queue, G_MAXINT64);
}

gpointer
g_async_queue_try_pop (GAsyncQueue *queue)
{
  return try_pop_annotated (queue);
}

gpointer
g_async_queue_timeout_pop (GAsyncQueue *queue,
                           guint64      timeout)
{
  return pop_annotated (queue, g_get_monotonic_time () + (gint64) MIN (timeout, (guint64) G_MAXINT64 / 2));
}

/* ---- reference counts ---- */

void
g_atomic_ref_count_inc (gatomicrefcount *arc)
{
  REAL (void, g_atomic_ref_count_inc, (gatomicrefcount *));
  real_fn (arc);
}

gboolean
g_atomic_ref_count_dec (gatomicrefcount *arc)
{
  REAL (gboolean, g_atomic_ref_count_dec, (gatomicrefcount *));
  gboolean last;

  __tsan_release (arc);
  last = real_fn (arc);
  if (last)
    __tsan_acquire (arc);
  return last;
}

gboolean
g_atomic_ref_count_compare (gatomicrefcount *arc,
                            gint             val)
{
  REAL (gboolean, g_atomic_ref_count_compare, (gatomicrefcount *, gint));
  gboolean equal = real_fn (arc, val);

  /* "am I the only owner?" (a recycled frame) orders like a last unref */
  if (equal && val == 1)
    __tsan_acquire (arc);
  return equal;
}

/* ---- g_once ---- */

void
(g_once_init_leave) (volatile void *location,
                     gsize          result)
{
  REAL (void, g_once_init_leave, (volatile void *, gsize));
  __tsan_release ((void *) location);
  real_fn (location, result);
}

gboolean
(g_once_init_enter) (volatile void *location)
{
  REAL (gboolean, g_once_init_enter, (volatile void *));
  gboolean enter = real_fn (location);

  if (!enter)
    __tsan_acquire ((void *) location);
  return enter;
}

/* ---- GTask: return releases the task, propagate acquires it ---- */

void
g_task_return_error (GTask  *task,
                     GError *error)
{
  REAL (void, g_task_return_error, (GTask *, GError *));
  __tsan_release (task);
  real_fn (task, error);
}

void
g_task_return_new_error (GTask      *task,
                         GQuark      domain,
                         gint        code,
                         const char *format,
                         ...)
{
  GError *error;
  va_list args;

  va_start (args, format);
  error = g_error_new_valist (domain, code, format, args);
  va_end (args);
  g_task_return_error (task, error);
}

void
g_task_return_boolean (GTask    *task,
                       gboolean  result)
{
  REAL (void, g_task_return_boolean, (GTask *, gboolean));
  __tsan_release (task);
  real_fn (task, result);
}

void
g_task_return_pointer (GTask          *task,
                       gpointer        result,
                       GDestroyNotify  result_destroy)
{
  REAL (void, g_task_return_pointer, (GTask *, gpointer, GDestroyNotify));
  __tsan_release (task);
  real_fn (task, result, result_destroy);
}

gboolean
g_task_propagate_boolean (GTask   *task,
                          GError **error)
{
  REAL (gboolean, g_task_propagate_boolean, (GTask *, GError **));
  __tsan_acquire (task);
  return real_fn (task, error);
}

gpointer
g_task_propagate_pointer (GTask   *task,
                          GError **error)
{
  REAL (gpointer, g_task_propagate_pointer, (GTask *, GError **));
  __tsan_acquire (task);
  return real_fn (task, error);
}
