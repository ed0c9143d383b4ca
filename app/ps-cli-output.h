/* ps-cli-output.h: what a headless run writes, how big it will be, how far
 * it has got, and how it stops when interrupted
 *
 * The CSV target: "-" is stdout; a regular file (new, or existing and
 * writable) is written to a hidden temporary file beside it and renamed over
 * it when the run is complete; a character device (/dev/null) is written in
 * place. Refused unless `force`: a symbolic link (with force the link itself
 * is replaced), a FIFO (with force it is written in place, waiting for a
 * reader), a block device, and an existing read-only file (with force it is
 * replaced). Always refused: a directory, a socket. Every write, the final
 * flush, fsync and close are checked: the first failure ends the run with one
 * line naming the file, how much was written and why, and the temporary file
 * is removed.
 *
 * Interrupts: SIGINT and SIGTERM set a flag that the step loop reads before
 * every step (a second one of either ends the program at once).
 */
#pragma once

#include <glib.h>

#include "ps-protocol.h"

G_BEGIN_DECLS

/* Exit statuses of the headless command line */
#define PS_CLI_EXIT_OK           0
#define PS_CLI_EXIT_BAD_INPUT    2  /* bad usage, bad input, a refused target or size */
#define PS_CLI_EXIT_WRITE_FAILED 3  /* the CSV could not be written (disk full, I/O error) */
#define PS_CLI_EXIT_INTERRUPTED  128 /* + the signal: 130 SIGINT, 143 SIGTERM */

/* A run needs --force beyond either of these (the estimate, up front) */
#define PS_CLI_LIMIT_STEPS       G_GUINT64_CONSTANT (50000000)
#define PS_CLI_LIMIT_CSV_BYTES   G_GUINT64_CONSTANT (4000000000)

typedef struct _PsCliOutput PsCliOutput;

PsCliOutput *ps_cli_output_open        (const char   *path,
                                        gboolean      force,
                                        GError      **error);
/* FALSE (error set: file, rows, bytes, reason) if the write failed */
gboolean     ps_cli_output_write       (PsCliOutput  *out,
                                        const char   *data,
                                        gsize         length,
                                        GError      **error);
/* Counts a row written (for the messages). */
void         ps_cli_output_add_row     (PsCliOutput  *out);
guint64      ps_cli_output_get_rows    (PsCliOutput  *out);
guint64      ps_cli_output_get_bytes   (PsCliOutput  *out);
/* The final path, or "stdout". */
const char  *ps_cli_output_get_name    (PsCliOutput  *out);
/* Flush, fsync, close, and rename into place. */
gboolean     ps_cli_output_commit      (PsCliOutput  *out,
                                        GError      **error);
/* Closes and removes a temporary file that was not committed. */
void         ps_cli_output_free        (PsCliOutput  *out);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (PsCliOutput, ps_cli_output_free)

/* The protocol's length: the sum of its steps' durations, or +inf when a
 * step has none (it ends on a condition only). */
double       ps_cli_protocol_duration  (const PsProtocol *protocol);
/* Rows (t = 0 and one per step) and CSV bytes (about) for a run of
 * duration_s at dt_s with n_columns columns; FALSE when unbounded. */
gboolean     ps_cli_estimate_run       (double        duration_s,
                                        double        dt_s,
                                        guint         n_columns,
                                        gboolean      csv,
                                        guint64      *rows,
                                        guint64      *csv_bytes);
/* "17.2 GB", "310 kB", "12 B" */
char        *ps_cli_format_bytes       (guint64       bytes);

void         ps_cli_interrupts_install (void);
void         ps_cli_interrupts_remove  (void);
/* The signal that asked the run to stop, 0 if none. */
int          ps_cli_interrupted        (void);

typedef struct _PsCliProgress PsCliProgress;

/* Shown only when `enabled` (stderr is a terminal); total_s may be +inf. */
PsCliProgress *ps_cli_progress_new     (double          total_s,
                                        gboolean        enabled);
/* Cheap to call every step: redraws at most 4 times a second. */
void         ps_cli_progress_update    (PsCliProgress  *progress,
                                        double          sim_s,
                                        guint64         rows,
                                        guint64         bytes);
/* Erases the progress line (before the summary); frees. */
void         ps_cli_progress_free      (PsCliProgress  *progress);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (PsCliProgress, ps_cli_progress_free)

G_END_DECLS
