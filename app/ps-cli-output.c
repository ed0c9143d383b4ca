/* ps-cli-output.c: what a headless run writes, how big it will be, how far
 * it has got, and how it stops when interrupted */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <math.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>

#include <glib.h>
#include <glib/gstdio.h>
#include <sys/stat.h>
#include <unistd.h>

#include "ps-cli-output.h"

/* bytes buffered before a write reaches the file: a full disk shows within
 * this much */
#define OUTPUT_BUFFER_BYTES (256 * 1024)

struct _PsCliOutput
{
  FILE     *out;
  char     *path;          /* final path, NULL for stdout */
  char     *tmp_path;      /* written here, renamed to path at the end */
  gboolean  regular;       /* fsync it */
  guint64   rows;
  guint64   bytes;
};

static void
set_io_error (GError     **error,
              PsCliOutput *out,
              const char  *what,
              int          saved_errno)
{
  g_autofree char *written = ps_cli_format_bytes (out->bytes);

  g_set_error (error, G_FILE_ERROR, g_file_error_from_errno (saved_errno),
               "--csv %s: %s failed after %" G_GUINT64_FORMAT " rows (%s): %s",
               ps_cli_output_get_name (out), what, out->rows, written,
               g_strerror (saved_errno));
}

/* mode: the permissions of the file replaced, or 0 for a new file */
/* The temporary file being written, for a second Ctrl+C: the handler that
 * ends the program at once removes it first (unlink is async-signal-safe).
 * Set once the file exists, cleared before it is renamed or freed. */
static const char *volatile pending_tmp_path;

static gboolean
open_temporary (PsCliOutput  *out,
                const char   *path,
                mode_t        mode,
                GError      **error)
{
  g_autofree char *dir = g_path_get_dirname (path);
  g_autofree char *base = g_path_get_basename (path);
  mode_t mask;
  int fd;

  out->tmp_path = g_strdup_printf ("%s%c.%s.XXXXXX", dir, G_DIR_SEPARATOR, base);
  fd = g_mkstemp (out->tmp_path);
  if (fd < 0)
    {
      int saved = errno;

      g_clear_pointer (&out->tmp_path, g_free);
      g_set_error (error, G_FILE_ERROR, g_file_error_from_errno (saved),
                   "--csv %s: cannot write in %s: %s", path, dir, g_strerror (saved));
      return FALSE;
    }
  pending_tmp_path = out->tmp_path;

  /* mkstemp makes the file private; give it the mode of the file it
   * replaces, or the one any new file gets */
  mask = umask (0);
  umask (mask);
  if (fchmod (fd, mode != 0 ? mode : 0666 & ~mask) != 0 || (out->out = fdopen (fd, "w")) == NULL)
    {
      int saved = errno;

      close (fd);
      g_set_error (error, G_FILE_ERROR, g_file_error_from_errno (saved),
                   "--csv %s: %s", path, g_strerror (saved));
      return FALSE;
    }
  out->regular = TRUE;
  return TRUE;
}

static gboolean
open_in_place (PsCliOutput  *out,
               const char   *path,
               GError      **error)
{
  out->out = fopen (path, "w");
  if (out->out == NULL)
    {
      int saved = errno;

      g_set_error (error, G_FILE_ERROR, g_file_error_from_errno (saved),
                   "--csv %s: %s", path, g_strerror (saved));
      return FALSE;
    }
  return TRUE;
}

static gboolean
refuse (GError     **error,
        const char  *path,
        const char  *what,
        const char  *with_force)
{
  if (with_force != NULL)
    g_set_error (error, G_FILE_ERROR, G_FILE_ERROR_EXIST,
                 "--csv %s: %s; refusing to write to it (--force %s)", path, what, with_force);
  else
    g_set_error (error, G_FILE_ERROR, G_FILE_ERROR_INVAL,
                 "--csv %s: %s, expected a file", path, what);
  return FALSE;
}

PsCliOutput *
ps_cli_output_open (const char  *path,
                    gboolean     force,
                    GError     **error)
{
  g_autoptr(PsCliOutput) out = g_new0 (PsCliOutput, 1);
  GStatBuf st;
  gboolean ok;

  g_return_val_if_fail (path != NULL, NULL);

  if (path[0] == '\0')
    {
      g_set_error (error, G_FILE_ERROR, G_FILE_ERROR_INVAL,
                   "--csv: expected a file name or '-', got an empty string");
      return NULL;
    }
  if (g_str_equal (path, "-"))
    {
      out->out = stdout;
      setvbuf (out->out, NULL, _IOFBF, OUTPUT_BUFFER_BYTES);
      return g_steal_pointer (&out);
    }

  out->path = g_strdup (path);

  if (g_lstat (path, &st) != 0)
    {
      int saved = errno;

      if (saved != ENOENT)
        {
          g_set_error (error, G_FILE_ERROR, g_file_error_from_errno (saved),
                       "--csv %s: %s", path, g_strerror (saved));
          return NULL;
        }
      ok = open_temporary (out, path, 0, error);
    }
  else if (S_ISDIR (st.st_mode))
    ok = refuse (error, path, "is a directory", NULL);
  else if (S_ISSOCK (st.st_mode))
    ok = refuse (error, path, "is a socket", NULL);
  else if (S_ISLNK (st.st_mode))
    ok = force ? open_temporary (out, path, 0, error)
               : refuse (error, path, "is a symbolic link", "replaces the link with the CSV");
  else if (S_ISFIFO (st.st_mode))
    ok = force ? open_in_place (out, path, error)
               : refuse (error, path, "is a FIFO (a named pipe) and would block until read",
                         "writes to it");
  else if (S_ISBLK (st.st_mode))
    ok = force ? open_in_place (out, path, error)
               : refuse (error, path, "is a block device", "writes to it");
  else if (S_ISCHR (st.st_mode))
    ok = open_in_place (out, path, error);   /* /dev/null: written, never replaced */
  else if (!force &&
           (access (path, W_OK) != 0 || (st.st_mode & (S_IWUSR | S_IWGRP | S_IWOTH)) == 0))
    ok = refuse (error, path, "exists and is read-only", "replaces it");
  else
    ok = open_temporary (out, path, st.st_mode & 07777, error);

  if (!ok)
    return NULL;

  setvbuf (out->out, NULL, _IOFBF, OUTPUT_BUFFER_BYTES);
  return g_steal_pointer (&out);
}

gboolean
ps_cli_output_write (PsCliOutput  *out,
                     const char   *data,
                     gsize         length,
                     GError      **error)
{
  errno = 0;
  if (fwrite (data, 1, length, out->out) != length || ferror (out->out))
    {
      set_io_error (error, out, "write", errno != 0 ? errno : EIO);
      return FALSE;
    }
  out->bytes += length;
  return TRUE;
}

void
ps_cli_output_add_row (PsCliOutput *out)
{
  out->rows++;
}

guint64
ps_cli_output_get_rows (PsCliOutput *out)
{
  return out->rows;
}

guint64
ps_cli_output_get_bytes (PsCliOutput *out)
{
  return out->bytes;
}

const char *
ps_cli_output_get_name (PsCliOutput *out)
{
  return out->path != NULL ? out->path : "stdout";
}

gboolean
ps_cli_output_commit (PsCliOutput  *out,
                      GError      **error)
{
  FILE *f = out->out;

  errno = 0;
  if (fflush (f) != 0 || ferror (f))
    {
      set_io_error (error, out, "write", errno != 0 ? errno : EIO);
      return FALSE;
    }
  if (f == stdout)
    return TRUE;

  if (out->regular && fsync (fileno (f)) != 0)
    {
      set_io_error (error, out, "fsync", errno);
      return FALSE;
    }
  out->out = NULL;
  if (fclose (f) != 0)
    {
      set_io_error (error, out, "close", errno);
      return FALSE;
    }

  if (out->tmp_path == NULL)
    return TRUE;   /* written in place */

  pending_tmp_path = NULL;
  if (g_rename (out->tmp_path, out->path) != 0)
    {
      int saved = errno;

      g_set_error (error, G_FILE_ERROR, g_file_error_from_errno (saved),
                   "--csv %s: cannot rename the finished file into place: %s",
                   out->path, g_strerror (saved));
      return FALSE;
    }
  g_clear_pointer (&out->tmp_path, g_free);

  return TRUE;
}

void
ps_cli_output_free (PsCliOutput *out)
{
  if (out == NULL)
    return;

  if (out->out != NULL && out->out != stdout)
    fclose (out->out);
  /* a failed or interrupted run leaves no half file */
  if (out->tmp_path != NULL)
    {
      pending_tmp_path = NULL;
      g_unlink (out->tmp_path);
    }
  g_free (out->path);
  g_free (out->tmp_path);
  g_free (out);
}

/* ---- size ----------------------------------------------------------------- */

double
ps_cli_protocol_duration (const PsProtocol *protocol)
{
  double total = 0.0;

  if (protocol == NULL || protocol->n_steps == 0)
    return INFINITY;
  for (guint i = 0; i < protocol->n_steps; i++)
    if (!ps_step_kind_is_instant (protocol->steps[i].kind))
      total += protocol->steps[i].duration_s;
  return isfinite (total) ? total : INFINITY;
}

gboolean
ps_cli_estimate_run (double    duration_s,
                     double    dt_s,
                     guint     n_columns,
                     gboolean  csv,
                     guint64  *rows,
                     guint64  *csv_bytes)
{
  double n_rows;

  if (!isfinite (duration_s) || !(dt_s > 0))
    return FALSE;

  n_rows = ceil (duration_s / dt_s - 1e-9) + 1.0;
  n_rows = MIN (n_rows, 1e18);
  *rows = (guint64) n_rows;
  /* %.6g numbers with a sign and an exponent, and a comma: about 12 bytes
   * a column on average */
  *csv_bytes = csv ? (guint64) MIN (n_rows * 12.0 * n_columns, 1e18) : 0;
  return TRUE;
}

char *
ps_cli_format_bytes (guint64 bytes)
{
  char buf[G_ASCII_DTOSTR_BUF_SIZE];

  /* plain ASCII, decimal units, whatever the locale */
  if (bytes < 1000)
    return g_strdup_printf ("%" G_GUINT64_FORMAT " B", bytes);
  if (bytes < 1000000)
    return g_strconcat (g_ascii_formatd (buf, sizeof buf, "%.1f", bytes / 1e3), " kB", NULL);
  if (bytes < 1000000000)
    return g_strconcat (g_ascii_formatd (buf, sizeof buf, "%.1f", bytes / 1e6), " MB", NULL);
  return g_strconcat (g_ascii_formatd (buf, sizeof buf, "%.1f", bytes / 1e9), " GB", NULL);
}

/* ---- interrupts ---------------------------------------------------------- */

static volatile sig_atomic_t interrupted_by;

static void
on_interrupt (int signo)
{
  if (interrupted_by != 0)
    {
      /* a second one: stop now, the default way, without the half file */
      const char *tmp = pending_tmp_path;

      if (tmp != NULL)
        unlink (tmp);
      signal (signo, SIG_DFL);
      raise (signo);
      return;
    }
  interrupted_by = signo;
}

void
ps_cli_interrupts_install (void)
{
  struct sigaction sa;

  memset (&sa, 0, sizeof sa);
  sa.sa_handler = on_interrupt;
  sigemptyset (&sa.sa_mask);
  sa.sa_flags = SA_RESTART;
  interrupted_by = 0;
  sigaction (SIGINT, &sa, NULL);
  sigaction (SIGTERM, &sa, NULL);
}

void
ps_cli_interrupts_remove (void)
{
  signal (SIGINT, SIG_DFL);
  signal (SIGTERM, SIG_DFL);
}

int
ps_cli_interrupted (void)
{
  return interrupted_by;
}

/* ---- progress ------------------------------------------------------------- */

struct _PsCliProgress
{
  gboolean enabled;
  gboolean shown;
  double   total_s;
  gint64   wall_start;
  gint64   next_draw;
  guint    calls;
};

PsCliProgress *
ps_cli_progress_new (double   total_s,
                     gboolean enabled)
{
  PsCliProgress *p = g_new0 (PsCliProgress, 1);

  p->enabled = enabled;
  p->total_s = total_s;
  p->wall_start = g_get_monotonic_time ();
  /* nothing for runs shorter than half a second */
  p->next_draw = p->wall_start + G_USEC_PER_SEC / 2;
  return p;
}

static char *
format_hms (double seconds)
{
  guint64 s = (guint64) MAX (0.0, floor (seconds + 0.5));

  if (s >= 3600)
    return g_strdup_printf ("%" G_GUINT64_FORMAT " h %02u min", s / 3600, (guint) (s % 3600 / 60));
  if (s >= 60)
    return g_strdup_printf ("%u min %02u s", (guint) (s / 60), (guint) (s % 60));
  return g_strdup_printf ("%u s", (guint) s);
}

void
ps_cli_progress_update (PsCliProgress *p,
                        double         sim_s,
                        guint64        rows,
                        guint64        bytes)
{
  g_autofree char *sim = NULL;
  g_autofree char *size = NULL;
  g_autofree char *left = NULL;
  GString *line;
  gint64 now;

  if (p == NULL || !p->enabled || (++p->calls & 255) != 0)
    return;
  now = g_get_monotonic_time ();
  if (now < p->next_draw)
    return;
  p->next_draw = now + G_USEC_PER_SEC / 4;

  sim = format_hms (sim_s);
  line = g_string_new ("\rpackscope: ");
  g_string_append_printf (line, "%s simulated", sim);
  if (isfinite (p->total_s) && p->total_s > 0)
    {
      double fraction = CLAMP (sim_s / p->total_s, 0.0, 1.0);
      double elapsed = (now - p->wall_start) / (double) G_USEC_PER_SEC;

      g_string_append_printf (line, " (%.0f %% of the protocol)", 100.0 * fraction);
      if (fraction > 0.001)
        left = format_hms (elapsed * (1.0 - fraction) / fraction);
    }
  if (rows > 0)
    {
      size = ps_cli_format_bytes (bytes);
      g_string_append_printf (line, ", %" G_GUINT64_FORMAT " rows, %s written", rows, size);
    }
  if (left != NULL)
    g_string_append_printf (line, ", about %s left", left);
  g_string_append (line, "\033[K");
  fputs (line->str, stderr);
  fflush (stderr);
  g_string_free (line, TRUE);
  p->shown = TRUE;
}

void
ps_cli_progress_free (PsCliProgress *p)
{
  if (p == NULL)
    return;
  if (p->shown)
    {
      fputs ("\r\033[K", stderr);
      fflush (stderr);
    }
  g_free (p);
}
