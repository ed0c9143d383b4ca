/* ps-cli.c: the headless command line (no display needed)
 *
 *   packscope --list-presets
 *   packscope --print-scenario ID
 *   packscope --headless [--scenario ID|FILE] [--protocol TEXT] [--csv FILE]
 *             [--dt S] [--seed N] [--ambient-c C] [--initial-c C] [--cells]
 *             [--cell-model ecm|spme|dfn] [--dfn-mesh N,N,N,N,N] [--cell FILE]
 *             [--threads N]
 *             [--force] [--keep-partial]
 *   packscope --bench
 *
 * Only GLib and the engine: this file never touches GTK, so it runs on a
 * machine without a display. Exit statuses in ps-cli-output.h: 0 on
 * success, 2 on bad usage or bad input (one line on stderr naming the
 * problem), 3 when the CSV could not be written, 128 + the signal when
 * interrupted. The output file, the size estimate, progress and interrupts
 * live in ps-cli-output.c.
 */
#include "config.h"

#include <errno.h>
#include <math.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>

#include <glib.h>
#include <glib/gstdio.h>
#include <sys/stat.h>
#include <unistd.h>

#include "ps-engine.h"
#include "ps-bench.h"
#include "ps-export.h"
#include "ps-cli.h"
#include "ps-cli-output.h"
#include "ps-parse.h"

#define PS_CLI_DEFAULT_PRESET "leaf-2011"
#define ZERO_C_IN_K           273.15

/* one header for the CLI and the window's export (ps-export.h) */
static const char *csv_header = PS_EXPORT_CSV_HEADER;

/* the summary names this many cells that ran away, then counts the rest */
#define PS_CLI_RUNAWAY_LISTED 10

typedef struct
{
  gboolean  headless;
  gboolean  list_presets;
  char     *print_scenario;
  gboolean  bench;
  char     *bench_only;
  gboolean  version;
  char     *scenario;
  char     *protocol;
  char     *protocol_file;
  char     *csv;
  char     *events;
  char    **faults;
  char     *runaway_model;
  char     *dt;
  char     *seed;
  char     *ambient_c;
  char     *initial_c;
  char     *cell_model;
  char     *dfn_mesh;
  char     *cell;
  char     *threads;
  gboolean  cells;
  gboolean  force;
  gboolean  keep_partial;
} CliOptions;

static void
cli_options_clear (CliOptions *o)
{
  g_free (o->print_scenario);
  g_free (o->bench_only);
  g_free (o->scenario);
  g_free (o->protocol);
  g_free (o->protocol_file);
  g_free (o->csv);
  g_free (o->events);
  g_strfreev (o->faults);
  g_free (o->runaway_model);
  g_free (o->dt);
  g_free (o->seed);
  g_free (o->ambient_c);
  g_free (o->initial_c);
  g_free (o->cell_model);
  g_free (o->dfn_mesh);
  g_free (o->cell);
  g_free (o->threads);
}

G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (CliOptions, cli_options_clear)

/* One line on stderr, whatever the message contains. */
static int
fail (const char *format,
      ...) G_GNUC_PRINTF (1, 2);

static int
fail (const char *format,
      ...)
{
  g_autofree char *message = NULL;
  va_list args;

  va_start (args, format);
  message = g_strdup_vprintf (format, args);
  va_end (args);

  g_strdelimit (message, "\r\n", ' ');
  fprintf (stderr, "packscope: %s\n", message);

  return PS_CLI_EXIT_BAD_INPUT;
}

gboolean
ps_cli_wants (int    argc,
              char **argv)
{
  static const char * const modes[] = {
    "--headless", "--list-presets", "--print-scenario", "--bench",
    "--version", "--help", "-h", "-?", NULL
  };

  for (int i = 1; i < argc; i++)
    {
      const char *arg = argv[i];

      if (g_str_equal (arg, "--"))
        break;
      for (guint m = 0; modes[m] != NULL; m++)
        {
          gsize len = strlen (modes[m]);

          if (strncmp (arg, modes[m], len) == 0 && (arg[len] == '\0' || arg[len] == '='))
            return TRUE;
        }
    }

  return FALSE;
}

/* Flushes stdout and says whether everything written to it arrived: a full
 * disk or a closed pipe is a failed write (exit 3), as for --csv. */
static int
finish_stdout (void)
{
  if (fflush (stdout) != 0 || ferror (stdout))
    {
      int saved = errno;

      fail ("writing to stdout failed: %s", g_strerror (saved));
      return PS_CLI_EXIT_WRITE_FAILED;
    }
  return PS_CLI_EXIT_OK;
}

static int
list_presets (void)
{
  g_auto(GStrv) ids = ps_pack_list_presets ();

  for (guint i = 0; ids != NULL && ids[i] != NULL; i++)
    {
      g_autoptr(GError) error = NULL;
      g_autoptr(PsPack) pack = ps_pack_new_from_id (ids[i], &error);
      const char *name;

      if (pack == NULL)
        return fail ("%s", error->message);
      name = ps_pack_get_info (pack)->name;
      printf ("%s\t%s\n", ids[i], name ? name : "");
    }
  {
    g_auto(GStrv) scenarios = ps_scenario_list_scenario_presets ();

    for (guint i = 0; scenarios[i] != NULL; i++)
      {
        g_autoptr(GError) error = NULL;
        g_autoptr(PsScenario) scenario = ps_scenario_new_lookup (scenarios[i], &error);

        if (scenario == NULL)
          return fail ("%s", error->message);
        printf ("%s\t%s\n", scenarios[i], ps_scenario_get_name (scenario));
      }
  }

  return finish_stdout ();
}

static int
print_scenario (const char *id)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(PsScenario) scenario = ps_scenario_new_lookup (id, &error);
  g_autofree char *json = NULL;

  if (scenario == NULL)
    return fail ("%s", error->message);

  json = ps_scenario_to_json (scenario);
  fputs (json, stdout);
  fputc ('\n', stdout);

  return finish_stdout ();
}

/* ---- CSV rows ------------------------------------------------------------ */

static void
append_number (GString    *row,
               double      value,
               const char *format)
{
  char buf[G_ASCII_DTOSTR_BUF_SIZE];

  g_string_append_c (row, ',');
  if (!isfinite (value))
    {
      /* never expected; keep the file parseable rather than print "nan" */
      g_string_append (row, "NaN");
      return;
    }
  /* -0 would print as "-0" */
  if (value == 0.0)
    value = 0.0;
  g_string_append (row, g_ascii_formatd (buf, sizeof buf, format, value));
}

static void
csv_format_header (GString *row,
                   gboolean cells,
                   guint    n_cells)
{
  g_string_assign (row, csv_header);

  if (cells)
    {
      char digits[16];
      int width;

      g_snprintf (digits, sizeof digits, "%u", n_cells);
      width = MAX (4, (int) strlen (digits));

      for (guint i = 0; i < n_cells; i++)
        g_string_append_printf (row, ",cell%0*u_v,cell%0*u_i_a,cell%0*u_soc,cell%0*u_t_c",
                                width, i + 1, width, i + 1, width, i + 1, width, i + 1);
    }

  g_string_append_c (row, '\n');
}

/* The step ends at a row, "step 1 until-voltage cell 12; step 2 ..." (no
 * commas or quotes, so the column needs no quoting); empty when none. */
static void
append_step_ends (GString             *row,
                  const PsStepEndInfo *ends,
                  guint                n_ends)
{
  g_autofree char *text = ps_step_end_format_ids (ends, n_ends);

  g_string_append_c (row, ',');
  if (text != NULL)
    g_string_append (row, text);
}

static void
csv_format_row (GString             *row,
                gboolean             cells,
                const PsFrame       *f,
                const PsStepEndInfo *ends,
                guint                n_ends)
{
  char buf[G_ASCII_DTOSTR_BUF_SIZE];

  g_string_truncate (row, 0);
  /* time keeps more digits: a long run at a short dt must stay monotonic */
  g_string_append (row, g_ascii_formatd (buf, sizeof buf, "%.10g", f->time_s));
  g_string_append_printf (row, ",%u", f->step);
  append_number (row, f->pack_voltage_v, "%.6g");
  append_number (row, f->pack_current_a, "%.6g");
  append_number (row, f->pack_power_w, "%.6g");
  append_number (row, f->pack_soc, "%.6g");
  append_number (row, f->cell_voltage_min_v, "%.6g");
  append_number (row, f->cell_voltage_max_v, "%.6g");
  append_number (row, f->cell_temp_min_k - ZERO_C_IN_K, "%.6g");
  append_number (row, f->cell_temp_max_k - ZERO_C_IN_K, "%.6g");
  append_number (row, f->heat_w, "%.6g");
  append_number (row, f->charge_ah, "%.6g");
  append_number (row, f->energy_wh, "%.6g");
  append_step_ends (row, ends, n_ends);
  append_number (row, f->speed_mps, "%.6g");
  append_number (row, f->distance_m, "%.9g");
  g_string_append_c (row, ',');
  g_string_append (row, ps_bms_state_to_text (f->bms_state, f->bms_reason));

  if (cells)
    {
      for (guint i = 0; i < f->n_cells; i++)
        {
          append_number (row, f->cell_voltage_v[i], "%.6g");
          append_number (row, f->cell_current_a[i], "%.6g");
          append_number (row, f->cell_soc[i], "%.6g");
          append_number (row, f->cell_temp_k[i] - ZERO_C_IN_K, "%.6g");
        }
    }

  g_string_append_c (row, '\n');
}

/* ---- events as JSON lines ---------------------------------------------- */

/* Writes the log's events from *written on, one JSON object a line, and
 * moves *written past them. */
static gboolean
write_events (PsCliOutput  *out,
              PsEventLog   *log,
              guint        *written,
              GString      *line,
              GError      **error)
{
  g_autoptr(GArray) events = ps_event_log_copy (log, *written, G_MAXUINT);

  for (guint i = 0; i < events->len; i++)
    {
      g_autofree char *json = ps_event_to_json (&g_array_index (events, PsEvent, i));

      g_string_assign (line, json);
      g_string_append_c (line, '\n');
      if (!ps_cli_output_write (out, line->str, line->len, error))
        return FALSE;
      ps_cli_output_add_row (out);
    }
  *written += events->len;
  return TRUE;
}

/* ---- headless run ------------------------------------------------------- */

static char *
format_duration (double seconds)
{
  guint64 s = (guint64) floor (seconds + 0.5);

  if (s >= 3600)
    return g_strdup_printf ("%" G_GUINT64_FORMAT " h %02u min %02u s",
                            s / 3600, (guint) (s % 3600 / 60), (guint) (s % 60));
  if (s >= 60)
    return g_strdup_printf ("%u min %02u s", (guint) (s / 60), (guint) (s % 60));
  return g_strdup_printf ("%g s", seconds);
}

static int
compare_runaway_time (gconstpointer a,
                      gconstpointer b,
                      gpointer      data)
{
  PsRunaway *rw = data;
  double ta = ps_runaway_get_stage_time (rw, *(const guint *) a, PS_RUNAWAY_RUNAWAY);
  double tb = ps_runaway_get_stage_time (rw, *(const guint *) b, PS_RUNAWAY_RUNAWAY);

  if (ta != tb)
    return ta < tb ? -1 : 1;
  return *(const guint *) a < *(const guint *) b ? -1 : 1;
}

/* --fault (each one line of fields, ps-fault.h) and --runaway-model */
static gboolean
apply_fault_options (CliOptions  *o,
                     PsScenario  *scenario,
                     GError     **error)
{
  if (o->runaway_model != NULL)
    {
      PsRunawayModel model;

      if (!ps_runaway_model_from_string (o->runaway_model, &model))
        {
          g_set_error (error, PS_ENGINE_ERROR, PS_ENGINE_ERROR_INVALID,
                       "--runaway-model: expected arrhenius, trigger or off, got '%s'",
                       o->runaway_model);
          return FALSE;
        }
      ps_scenario_set_runaway_model (scenario, model);
    }
  for (guint i = 0; o->faults != NULL && o->faults[i] != NULL; i++)
    if (!ps_scenario_add_fault_text (scenario, o->faults[i], error))
      return FALSE;
  /* a forced runaway needs a model: checked with the rest */
  return ps_scenario_validate (scenario, error);
}

/* "thermal runaway: 3 of 192 cells ran away: cell 57 at 12 min 01 s, ..."
 * for the summary, or NULL when no cell ran away. */
static char *
describe_runaway (PsSimulation *sim)
{
  PsRunaway *rw = ps_simulation_get_runaway (sim);
  guint n_cells = ps_pack_get_info (ps_simulation_get_pack (sim))->n_cells;
  g_autoptr(GArray) order = NULL;
  GString *text;
  guint n;

  if (rw == NULL || (n = ps_runaway_count_at_least (rw, PS_RUNAWAY_RUNAWAY)) == 0)
    return NULL;

  /* the cells in the order they ran away */
  order = g_array_new (FALSE, FALSE, sizeof (guint));
  for (guint i = 0; i < n_cells; i++)
    if (!isnan (ps_runaway_get_stage_time (rw, i, PS_RUNAWAY_RUNAWAY)))
      g_array_append_val (order, i);
  g_array_sort_with_data (order, compare_runaway_time, rw);

  text = g_string_new (NULL);
  g_string_append_printf (text, "thermal runaway: %u of %u cell%s ran away", n, n_cells,
                          n_cells == 1 ? "" : "s");
  for (guint k = 0; k < order->len && k < PS_CLI_RUNAWAY_LISTED; k++)
    {
      guint i = g_array_index (order, guint, k);
      g_autofree char *when = format_duration (ps_runaway_get_stage_time (rw, i, PS_RUNAWAY_RUNAWAY));

      g_string_append_printf (text, "%s cell %u at %s", k == 0 ? ":" : ",", i + 1, when);
    }
  if (order->len > PS_CLI_RUNAWAY_LISTED)
    g_string_append_printf (text, " and %u more", order->len - PS_CLI_RUNAWAY_LISTED);
  g_string_append_printf (text, "; %u burnt out", ps_runaway_count_at_least (rw, PS_RUNAWAY_BURNT));
  return g_string_free (text, FALSE);
}

/* --dt, --seed, --ambient-c and --initial-c over the scenario's own values */
static gboolean
apply_numeric_options (CliOptions  *o,
                       PsScenario  *scenario,
                       GError     **error)
{
  if (o->dt != NULL)
    {
      double dt_s;

      if (!ps_parse_double ("--dt", o->dt, PS_SCENARIO_DT_MIN_S, FALSE, PS_SCENARIO_DT_MAX_S,
                            &dt_s, error))
        return FALSE;
      ps_scenario_set_dt_s (scenario, dt_s);
    }

  if (o->seed != NULL)
    {
      guint64 seed;

      if (!ps_parse_uint64 ("--seed", o->seed, 0, G_MAXINT64, &seed, error))
        return FALSE;
      ps_scenario_set_seed (scenario, seed);
    }

  if (o->ambient_c != NULL)
    {
      double ambient_c;

      if (!ps_parse_double ("--ambient-c", o->ambient_c, -60.0, FALSE, 150.0, &ambient_c, error))
        return FALSE;
      /* (cells that start at the ambient temperature still do) */
      ps_scenario_set_ambient_k (scenario, ambient_c + ZERO_C_IN_K);
    }

  if (o->initial_c != NULL)
    {
      double initial_c;

      if (!ps_parse_double ("--initial-c", o->initial_c, -60.0, FALSE, 150.0, &initial_c, error))
        return FALSE;
      ps_scenario_set_initial_temp_k (scenario, initial_c + ZERO_C_IN_K);
    }

  if ((o->ambient_c != NULL || o->initial_c != NULL) &&
      !ps_scenario_check_limits (scenario,
                                 o->initial_c != NULL ? "--initial-c"
                                 : !ps_scenario_get_initial_temp_set (scenario) ? "--ambient-c"
                                 : "the scenario's initial temperature",
                                 o->ambient_c != NULL ? "--ambient-c" : "the scenario's ambient_c",
                                 error))
    return FALSE;

  return TRUE;
}

/* The run's size from the protocol, dt and columns, up front: beyond the
 * limits it needs --force. */
static gboolean
check_run_size (CliOptions        *o,
                const PsScenario  *scenario,
                guint              n_cells,
                double             total_s,
                GError           **error)
{
  guint n_columns = 17 + (o->cells ? 4 * n_cells : 0);
  guint64 rows, bytes;
  g_autofree char *size = NULL;
  g_autofree char *limit = NULL;

  if (o->force || !ps_cli_estimate_run (total_s, ps_scenario_get_dt_s (scenario), n_columns, o->csv != NULL,
                                        &rows, &bytes))
    return TRUE;
  if (rows - 1 <= PS_CLI_LIMIT_STEPS && bytes <= PS_CLI_LIMIT_CSV_BYTES)
    return TRUE;

  size = ps_cli_format_bytes (bytes);
  limit = ps_cli_format_bytes (PS_CLI_LIMIT_CSV_BYTES);
  if (o->csv != NULL)
    g_set_error (error, G_FILE_ERROR, G_FILE_ERROR_NOSPC,
                 "this run would take up to %" G_GUINT64_FORMAT " steps of %g s and write about %s "
                 "of CSV (%u columns a row); the limits are %" G_GUINT64_FORMAT " steps and %s: "
                 "add --force to run it anyway", rows - 1, ps_scenario_get_dt_s (scenario), size, n_columns,
                 PS_CLI_LIMIT_STEPS, limit);
  else
    g_set_error (error, G_FILE_ERROR, G_FILE_ERROR_NOSPC,
                 "this run would take up to %" G_GUINT64_FORMAT " steps of %g s; the limit is %"
                 G_GUINT64_FORMAT " steps: add --force to run it anyway",
                 rows - 1, ps_scenario_get_dt_s (scenario), PS_CLI_LIMIT_STEPS);
  return FALSE;
}

/* After an interrupt: the partial CSV kept (--keep-partial) or removed. */
static int
finish_interrupted (CliOptions  *o,
                    PsCliOutput *csv,
                    int          signo,
                    double       time_s)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *duration = format_duration (time_s);
  const char *name = signo == SIGINT ? "SIGINT" : signo == SIGTERM ? "SIGTERM" : "a signal";

  if (csv == NULL)
    fprintf (stderr, "packscope: interrupted by %s at %s simulated\n", name, duration);
  else if (o->keep_partial)
    {
      if (!ps_cli_output_commit (csv, &error))
        {
          fail ("%s", error->message);
          return PS_CLI_EXIT_WRITE_FAILED;
        }
      fprintf (stderr, "packscope: interrupted by %s at %s simulated; kept the partial CSV "
               "(%" G_GUINT64_FORMAT " rows) in %s\n", name, duration,
               ps_cli_output_get_rows (csv), ps_cli_output_get_name (csv));
    }
  else if (g_strcmp0 (o->csv, "-") == 0 ||
           (g_file_test (o->csv, G_FILE_TEST_EXISTS) &&
            !g_file_test (o->csv, G_FILE_TEST_IS_REGULAR)))
    /* stdout, a device or a FIFO is written in place: the rows so far are
     * already out, there is nothing to remove */
    fprintf (stderr, "packscope: interrupted by %s at %s simulated; the %" G_GUINT64_FORMAT
             " rows so far went to %s\n", name, duration,
             ps_cli_output_get_rows (csv), ps_cli_output_get_name (csv));
  else
    fprintf (stderr, "packscope: interrupted by %s at %s simulated; no CSV written to %s "
             "(--keep-partial keeps the rows so far)\n", name, duration,
             ps_cli_output_get_name (csv));

  return PS_CLI_EXIT_INTERRUPTED + signo;
}

static int
run_headless (CliOptions *o)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(PsScenario) scenario = NULL;
  g_autoptr(PsSimulation) sim = NULL;
  g_autoptr(PsFrame) frame = NULL;
  g_autoptr(PsCliOutput) csv = NULL;
  g_autoptr(PsCliOutput) events_out = NULL;
  g_autoptr(PsCliProgress) progress = NULL;
  g_autoptr(GString) row = NULL;
  g_autoptr(GArray) row_ends = NULL;
  g_autofree char *duration = NULL;
  g_autofree char *end_reason = NULL;
  const char *id = o->scenario ? o->scenario : PS_CLI_DEFAULT_PRESET;
  guint64 n_rows = 0;
  guint n_events_written = 0;
  gint64 wall_start;
  double dt, total_s;
  int signo = 0;

  if (o->cell != NULL)
    {
      g_autoptr(PsCellType) cell = NULL;

      if (o->scenario != NULL)
        return fail ("--cell runs the cell alone: it goes without --scenario");
      cell = ps_bpx_file_is_bpx (o->cell) ? ps_bpx_cell_new_from_file (o->cell, &error)
                                          : ps_cell_type_new_from_file (o->cell, &error);
      if (cell == NULL)
        return fail ("--cell: %s", error->message);
      scenario = ps_scenario_new_for_cell (cell, o->cell, &error);
    }
  else
    scenario = ps_scenario_new_lookup (id, &error);
  if (scenario == NULL)
    return fail ("%s", error->message);

  if (o->protocol != NULL)
    {
      if (!ps_scenario_set_protocol (scenario, o->protocol, &error))
        return fail ("--protocol: %s", error->message);
      ps_scenario_name_after_protocol (scenario);
    }
  if (o->protocol_file != NULL)
    {
      g_autofree char *text = NULL;

      if (!g_file_get_contents (o->protocol_file, &text, NULL, &error))
        return fail ("--protocol-file: %s", error->message);
      if (!ps_scenario_set_protocol (scenario, text, &error))
        return fail ("--protocol-file: %s: %s", o->protocol_file, error->message);
      ps_scenario_name_after_protocol (scenario);
    }

  if (!apply_numeric_options (o, scenario, &error)
      || !apply_fault_options (o, scenario, &error))
    return fail ("%s", error->message);

  if (o->cell_model != NULL && !ps_scenario_set_cell_model (scenario, o->cell_model, &error))
    return fail ("--cell-model: %s", error->message);
  if (o->dfn_mesh != NULL && !ps_scenario_set_dfn_mesh (scenario, o->dfn_mesh, &error))
    return fail ("--dfn-mesh: %s", error->message);

  sim = ps_simulation_new (scenario, &error);
  if (sim == NULL)
    return fail ("%s", error->message);
  if (o->threads != NULL)
    {
      guint64 n_threads;

      if (!ps_parse_uint64 ("--threads", o->threads, 0, PS_SIMULATION_THREADS_MAX,
                            &n_threads, &error)
          || !ps_simulation_set_threads (sim, (guint) n_threads, &error))
        return fail ("%s", error->message);
    }

  frame = ps_frame_new (ps_simulation_get_pack (sim));
  total_s = ps_cli_protocol_duration (ps_scenario_get_protocol (scenario));
  if (!check_run_size (o, scenario, frame->n_cells, total_s, &error))
    return fail ("%s", error->message);

  row = g_string_sized_new (256);
  if (o->csv != NULL)
    {
      csv = ps_cli_output_open (o->csv, o->force, &error);
      if (csv == NULL)
        return fail ("%s", error->message);
      csv_format_header (row, o->cells, frame->n_cells);
      if (!ps_cli_output_write (csv, row->str, row->len, &error))
        {
          fail ("%s", error->message);
          return PS_CLI_EXIT_WRITE_FAILED;
        }
    }

  if (o->events != NULL)
    {
      if (g_strcmp0 (o->events, o->csv) == 0 && g_strcmp0 (o->events, "/dev/null") != 0)
        return fail ("--events and --csv name the same file, %s", o->events);
      events_out = ps_cli_output_open (o->events, o->force, &error);
      if (events_out == NULL)
        return fail ("--events: %s", error->message);
    }

  ps_cli_interrupts_install ();
  progress = ps_cli_progress_new (total_s, isatty (STDERR_FILENO));
  wall_start = g_get_monotonic_time ();
  dt = ps_scenario_get_dt_s (scenario);

  /* the row at t = 0, then one row per output interval or step end; each
   * row carries the step ends at its time, including those found by a last
   * call that ended the protocol without time passing */
  row_ends = g_array_new (FALSE, FALSE, sizeof (PsStepEndInfo));
  for (;;)
    {
      const PsStepEndInfo *ends;
      guint n_ends;
      gboolean more = FALSE, over_limit;

      ends = ps_simulation_get_step_ends (sim, &n_ends);
      g_array_append_vals (row_ends, ends, n_ends);
      /* (the frame copies every cell: only for a row that is written) */
      if (csv != NULL)
        ps_simulation_fill_frame (sim, frame);
      n_rows++;

      signo = ps_cli_interrupted ();
      /* a protocol whose length is unknown (a step that ends only on its
       * condition) stops at the stated limit unless --force */
      over_limit = !o->force &&
                   (n_rows > PS_CLI_LIMIT_STEPS ||
                    (csv != NULL && ps_cli_output_get_bytes (csv) > PS_CLI_LIMIT_CSV_BYTES));
      if (signo == 0 && !over_limit)
        {
          more = ps_simulation_advance (sim, dt);
          if (!more)
            {
              ends = ps_simulation_get_step_ends (sim, &n_ends);
              g_array_append_vals (row_ends, ends, n_ends);
            }
        }

      if (csv != NULL)
        {
          csv_format_row (row, o->cells, frame,
                          (const PsStepEndInfo *) (gpointer) row_ends->data, row_ends->len);
          if (!ps_cli_output_write (csv, row->str, row->len, &error))
            {
              g_clear_pointer (&progress, ps_cli_progress_free);
              fail ("%s", error->message);
              return PS_CLI_EXIT_WRITE_FAILED;
            }
          ps_cli_output_add_row (csv);
        }
      g_array_set_size (row_ends, 0);

      if (events_out != NULL &&
          !write_events (events_out, ps_simulation_get_events (sim), &n_events_written, row, &error))
        {
          g_clear_pointer (&progress, ps_cli_progress_free);
          fail ("--events: %s", error->message);
          return PS_CLI_EXIT_WRITE_FAILED;
        }

      if (signo != 0)
        break;
      if (over_limit)
        {
          g_autofree char *limit = ps_cli_format_bytes (PS_CLI_LIMIT_CSV_BYTES);

          g_clear_pointer (&progress, ps_cli_progress_free);
          return fail ("the run passed the limit of %" G_GUINT64_FORMAT " steps of %g s or %s "
                       "of CSV without finishing its protocol (a step with no duration ends "
                       "only on its condition); no CSV written: add --force to run without "
                       "a limit", PS_CLI_LIMIT_STEPS, dt, limit);
        }
      if (!more)
        {
          guint n_steps = ps_scenario_get_protocol (scenario) ? ps_scenario_get_protocol (scenario)->n_steps : 0;

          end_reason = g_strdup_printf ("protocol finished (%u step%s)",
                                        n_steps, n_steps == 1 ? "" : "s");
          break;
        }
      if (progress != NULL)
        ps_cli_progress_update (progress, ps_simulation_get_time (sim), n_rows,
                                csv != NULL ? ps_cli_output_get_bytes (csv) : 0);
    }

  g_clear_pointer (&progress, ps_cli_progress_free);
  ps_simulation_fill_frame (sim, frame);

  if (signo != 0)
    {
      int status;

      /* the events so far are kept with --keep-partial, as the CSV is */
      if (events_out != NULL && o->keep_partial && !ps_cli_output_commit (events_out, &error))
        {
          fail ("--events: %s", error->message);
          return PS_CLI_EXIT_WRITE_FAILED;
        }
      status = finish_interrupted (o, csv, signo, frame->time_s);

      ps_cli_interrupts_remove ();
      return status;
    }
  ps_cli_interrupts_remove ();

  if (csv != NULL && !ps_cli_output_commit (csv, &error))
    {
      fail ("%s", error->message);
      return PS_CLI_EXIT_WRITE_FAILED;
    }
  if (events_out != NULL && !ps_cli_output_commit (events_out, &error))
    {
      fail ("--events: %s", error->message);
      return PS_CLI_EXIT_WRITE_FAILED;
    }

  duration = format_duration (frame->time_s);
  if (ps_simulation_get_last_end (sim) != NULL)
    {
      g_autofree char *last = ps_step_end_info_describe (ps_simulation_get_last_end (sim));
      char *with_last = g_strdup_printf ("%s; last step end: %s", end_reason, last);

      g_free (end_reason);
      end_reason = with_last;
    }

  /* a run that drove says how far and at what consumption */
  if (ps_simulation_get_distance (sim) > 0.0)
    {
      double km = ps_simulation_get_distance (sim) / 1000.0;
      char *with_drive = g_strdup_printf ("%s; drove %.4g km at %.4g Wh/km at the pack",
                                          end_reason, km,
                                          ps_simulation_get_drive_energy_j (sim) / 3600.0 / km);

      g_free (end_reason);
      end_reason = with_drive;
    }

  /* which cells ran away and when */
  {
    g_autofree char *runaway = describe_runaway (sim);

    if (runaway != NULL)
      {
        char *with_runaway = g_strdup_printf ("%s; %s", end_reason, runaway);

        g_free (end_reason);
        end_reason = with_runaway;
      }
  }

  fprintf (stderr,
           "packscope: %s: delivered %.6g Ah, %.6g Wh in %s simulated "
           "(%" G_GUINT64_FORMAT " steps of %g s, %.3f s wall); end: %s\n",
           ps_scenario_get_name (scenario) ? ps_scenario_get_name (scenario) : id,
           frame->charge_ah, frame->energy_wh, duration,
           n_rows - 1, dt,
           (g_get_monotonic_time () - wall_start) / (double) G_USEC_PER_SEC,
           end_reason);

  return PS_CLI_EXIT_OK;
}

int
ps_cli_main (int    argc,
             char **argv)
{
  g_auto(CliOptions) o = { 0 };
  g_autoptr(GOptionContext) context = NULL;
  g_autoptr(GError) error = NULL;
  g_auto(GStrv) args = NULL;
  guint n_modes;
  const GOptionEntry entries[] = {
    { "headless", 0, 0, G_OPTION_ARG_NONE, &o.headless,
      "Run a scenario without a window, as fast as possible", NULL },
    { "list-presets", 0, 0, G_OPTION_ARG_NONE, &o.list_presets,
      "Print the built-in pack presets, one \"id<TAB>name\" per line", NULL },
    { "print-scenario", 0, 0, G_OPTION_ARG_STRING, &o.print_scenario,
      "Print a preset's complete scenario JSON (loadable with --scenario)", "ID" },
    { "bench", 0, 0, G_OPTION_ARG_NONE, &o.bench,
      "Run the benchmarks and print \"name: value\" lines", NULL },
    { "bench-only", 0, 0, G_OPTION_ARG_STRING, &o.bench_only,
      "With --bench: only the engine, render or ui benchmarks, or threads (the "
      "pack step on one and two threads, part of engine)", "PART" },
    { "version", 0, 0, G_OPTION_ARG_NONE, &o.version,
      "Print the program's name and version and exit", NULL },
    { "scenario", 0, 0, G_OPTION_ARG_FILENAME, &o.scenario,
      "Preset id or scenario JSON file (default: " PS_CLI_DEFAULT_PRESET ")", "ID|FILE" },
    { "protocol", 0, 0, G_OPTION_ARG_STRING, &o.protocol,
      "Experiment steps separated by ';' or newlines (default: the scenario's)", "TEXT" },
    { "protocol-file", 0, 0, G_OPTION_ARG_FILENAME, &o.protocol_file,
      "Read the experiment steps from FILE (instead of --protocol)", "FILE" },
    { "csv", 0, 0, G_OPTION_ARG_FILENAME, &o.csv,
      "Write one CSV row per step to FILE ('-' for stdout)", "FILE" },
    { "events", 0, 0, G_OPTION_ARG_FILENAME, &o.events,
      "Write the BMS's and the engine's events to FILE as JSON lines ('-' for stdout)", "FILE" },
    { "fault", 0, 0, G_OPTION_ARG_STRING_ARRAY, &o.faults,
      "Inject a fault, e.g. kind=internal_short,cell=57,at_s=600,resistance_ohm=0.1 "
      "(repeatable; see below)", "TEXT" },
    { "runaway-model", 0, 0, G_OPTION_ARG_STRING, &o.runaway_model,
      "Thermal runaway model: arrhenius (default), trigger or off", "MODEL" },
    { "dt", 0, 0, G_OPTION_ARG_STRING, &o.dt,
      "Output interval in seconds, 0.001..3600 (default: the scenario's); the "
      "engine substeps as accuracy needs, so results do not depend on it", "S" },
    { "seed", 0, 0, G_OPTION_ARG_STRING, &o.seed,
      "Seed of the cell-to-cell variation (default: the scenario's)", "N" },
    { "ambient-c", 0, 0, G_OPTION_ARG_STRING, &o.ambient_c,
      "Ambient temperature in degrees C, -60..150 (default: the scenario's)", "C" },
    { "initial-c", 0, 0, G_OPTION_ARG_STRING, &o.initial_c,
      "Temperature the cells start at in degrees C, within the cell's limits "
      "(default: the scenario's, else the ambient)", "C" },
    { "cell-model", 0, 0, G_OPTION_ARG_STRING, &o.cell_model,
      "Cell model: ecm (2-RC circuit), spme (single particle with electrolyte) or "
      "dfn (Doyle-Fuller-Newman); spme and dfn need a cell with physics "
      "parameters (default: the scenario's, else ecm)", "ecm|spme|dfn" },
    { "dfn-mesh", 0, 0, G_OPTION_ARG_STRING, &o.dfn_mesh,
      "The DFN's finite volumes in the negative electrode, separator, positive "
      "electrode, negative and positive particles, each 1..200 (default: the "
      "scenario's, else 16,6,16,16,16)", "X_NEG,X_SEP,X_POS,R_NEG,R_POS" },
    { "cell", 0, 0, G_OPTION_ARG_FILENAME, &o.cell,
      "Run one cell alone (a 1C discharge, as an SPMe when it has physics "
      "parameters): a BPX file or a cell JSON file", "FILE" },
    { "threads", 0, 0, G_OPTION_ARG_STRING, &o.threads,
      "Threads the pack step shares its cells over, 1..64, or 0 for one per "
      "processor (fewer for a small pack); the results are the same to the "
      "last bit whatever the number (default: 0)", "N" },
    { "cells", 0, 0, G_OPTION_ARG_NONE, &o.cells,
      "Add four columns per cell to the CSV", NULL },
    { "force", 0, 0, G_OPTION_ARG_NONE, &o.force,
      "Run beyond the size limits; write to a symlink, FIFO or read-only file", NULL },
    { "keep-partial", 0, 0, G_OPTION_ARG_NONE, &o.keep_partial,
      "When interrupted (Ctrl+C, SIGTERM), keep the CSV rows written so far", NULL },
    { NULL }
  };

  context = g_option_context_new ("- watch a lithium-ion battery pack work");
  g_option_context_add_main_entries (context, entries, NULL);
  g_option_context_set_summary (context,
    "Packscope simulates a lithium-ion battery pack (a preset such as the\n"
    "Nissan Leaf's or a Tesla Model S's, or one you build from cells and\n"
    "modules) through charges, discharges, holds and rests, and shows it\n"
    "live: the pack layout coloured cell by cell, voltage, current, SOC and\n"
    "temperature curves, and a thermal map. Scenarios (pack, cell, protocol,\n"
    "ambient, cooling, variation) are JSON files the window saves and this\n"
    "program runs unchanged.\n"
    "\n"
    "Without the options below Packscope opens its window. With them it runs\n"
    "without a display:\n"
    "  packscope --list-presets\n"
    "  packscope --print-scenario ID > my.json\n"
    "  packscope --headless --scenario ID|FILE --protocol TEXT|--protocol-file FILE\n"
    "            --csv FILE [--events FILE]\n"
    "            [--dt S] [--seed N] [--ambient-c C] [--initial-c C] [--cells]\n"
    "            [--cell-model ecm|spme|dfn] [--dfn-mesh N,N,N,N,N] [--cell FILE]\n"
    "            [--threads N] [--force] [--keep-partial]\n"
    "  packscope --bench\n"
    "  packscope --version\n"
    "The window itself takes:\n"
    "  packscope [--scenario ID|FILE] [--protocol TEXT]\n"
    "  packscope --screenshot FILE --scenario ID|FILE [--protocol TEXT]\n"
    "            [--run SECONDS] [--size WxH]\n"
    "            [--view window|layout|curves|thermal|timeline|builder|editor] [--style light|dark]\n"
    "            (renders the real window or one view to a PNG; needs a display,\n"
    "            e.g. xvfb-run -a)");
  g_option_context_set_description (context,
    "Protocol steps (PyBaMM's experiment strings and more), separated by ';',\n"
    "',' or newlines; cycles as \"(<step>; <step>) x N\", nestable:\n"
    "  Discharge|Charge at <x> A|mA|C|C/<n>|W|kW|Ohm [for <duration>]\n"
    "                                        [or until <condition>]...\n"
    "  Hold at <x> V [for <duration>] [or until <condition>]...\n"
    "  Rest for <duration> | Rest until <condition>\n"
    "  Set ambient to <t> C, Set cooling on|off, Run <file.csv> (time and\n"
    "  current or power), Drive <cycle>|<file.csv> [x N],\n"
    "  Fast charge at <x> kW until <n>% SOC\n"
    "Durations: 60 s, 10 min, 1.5 hours. Conditions: <x> V (a cell), <x> V pack,\n"
    "<x> A|mA|C/<n> (current falls to), <n>% SOC, <t> C (the hottest cell;\n"
    "a bare C from 10 up is a temperature, below a C-rate).\n"
    "Currents and powers are pack-level; voltages are cell-level.\n"
    "\n"
    "CSV columns, one row per output interval --dt from t = 0 and one where a\n"
    "step ends (current > 0 discharging; charge_ah and energy_wh cumulative,\n"
    "> 0 discharged):\n"
    "  time_s,step,pack_voltage_v,pack_current_a,pack_power_w,pack_soc,\n"
    "  cell_voltage_min_v,cell_voltage_max_v,cell_temp_min_c,cell_temp_max_c,\n"
    "  heat_w,charge_ah,energy_wh,step_end,speed_mps,distance_m,bms_state\n"
    "step is the 1-based protocol step. step_end is empty except on a row\n"
    "where steps ended: \"step N REASON [cell K] [at once]\", several joined\n"
    "by \"; \", REASON one of duration, horizon (24 h without a duration),\n"
    "until-voltage, until-current, until-soc, until-temperature,\n"
    "until-pack-voltage, applied (Set steps), voltage-max, voltage-min,\n"
    "temperature-max, temperature-min, current-max, contactor-open.\n"
    "speed_mps and distance_m are the vehicle's on Drive steps (speed 0\n"
    "otherwise; distance since the start). bms_state is empty without a BMS,\n"
    "else ok, derated, cv, balancing or open:REASON (REASON over-voltage,\n"
    "under-voltage, over-current, over-temperature, fault).\n"
    "With --cells, four columns follow\n"
    "for each cell N (1-based, zero-padded to at least 4 digits): cellNNNN_v\n"
    "(V), cellNNNN_i_a (A), cellNNNN_soc (0..1), cellNNNN_t_c (degrees C).\n"
    "The CSV is written to a temporary file and renamed when the run is\n"
    "complete; a failed or interrupted run leaves no file (with --keep-partial\n"
    "an interrupted one keeps its complete rows). A symlink, a FIFO, a block\n"
    "device or a read-only file as --csv needs --force. A one-line summary\n"
    "goes to stderr, and progress too while it is a terminal.\n"
    "\n"
    "--events FILE writes one JSON object a line for each BMS or engine event:\n"
    "  {\"time_s\":..,\"kind\":..,\"cell\":N|null,[\"reason\":..,]\"message\":..}\n"
    "kind one of contactor-open (reason over-voltage, under-voltage,\n"
    "over-current, over-temperature or fault), contactor-close, derate,\n"
    "derate-end, cv, balance-on, balance-off, charge-power-limit, fault,\n"
    "warning, fault-end, onset, venting, runaway, burnt (a cell's thermal\n"
    "runaway stages); cell is 1-based. The file is written and renamed as the\n"
    "CSV is.\n"
    "\n"
    "--fault TEXT (repeatable) injects a fault: comma-separated key=value\n"
    "fields, the same as a scenario's \"faults\" entries. kind is one of\n"
    "  internal_short   cell, resistance_ohm, [at_s]\n"
    "  external_short   resistance_ohm, [module] (default the whole pack),\n"
    "                   [at_s], [duration_s]\n"
    "  open_cell        cell, [at_s]\n"
    "  weak_cell        cell, [capacity_factor], [resistance_factor]\n"
    "  cooling_failure  [channel] (default all cooling), [at_s], [duration_s]\n"
    "  heater           cell, power_w, [at_s], [duration_s]\n"
    "  thermal_runaway  cell, [at_s], [power_w] (the trigger heater)\n"
    "Cells, modules and channels count from 1; times are seconds. The summary\n"
    "names the cells that ran away and when."
    "\n"
    "Limits: a run whose protocol would take more than 50,000,000 steps or\n"
    "about 4 GB of CSV (from its durations, --dt and the columns) needs\n"
    "--force; so does one that passes 50,000,000 steps when a step has no\n"
    "duration.\n"
    "\n"
    "Exit status: 0 success, 2 bad usage or bad input (one line on stderr),\n"
    "3 the CSV could not be written (disk full, I/O error; no file left),\n"
    "130 interrupted by SIGINT (Ctrl+C), 143 by SIGTERM.");

  /* parse a copy: the strv variant frees what it consumes */
  args = g_new0 (char *, argc + 1);
  for (int i = 0; i < argc; i++)
    args[i] = g_strdup (argv[i]);

  if (!g_option_context_parse_strv (context, &args, &error))
    return fail ("%s (see --help)", error->message);
  if (args[0] != NULL && args[1] != NULL)
    return fail ("unexpected argument \"%s\" (see --help)", args[1]);

  if (o.version)
    {
      printf ("packscope %s\n", PACKAGE_VERSION);
      return finish_stdout ();
    }

  n_modes = !!o.headless + !!o.list_presets + (o.print_scenario != NULL) + !!o.bench;
  if (n_modes != 1)
    return fail ("expected exactly one of --headless, --list-presets, "
                 "--print-scenario, --bench (see --help)");

  if (!o.headless &&
      (o.scenario || o.protocol || o.protocol_file || o.csv || o.events || o.faults ||
       o.runaway_model || o.dt || o.seed || o.ambient_c || o.initial_c || o.cell_model ||
       o.dfn_mesh || o.cell || o.threads || o.cells || o.force || o.keep_partial))
    return fail ("--scenario, --protocol, --protocol-file, --csv, --events, --fault, "
                 "--runaway-model, --dt, --seed, --ambient-c, --initial-c, --cell-model, "
                 "--dfn-mesh, --cell, --threads, --cells, --force and --keep-partial "
                 "need --headless");
  if (o.protocol != NULL && o.protocol_file != NULL)
    return fail ("--protocol and --protocol-file both given, expected one of them");
  if (o.cells && o.csv == NULL)
    return fail ("--cells needs --csv FILE");
  if (o.keep_partial && o.csv == NULL)
    return fail ("--keep-partial needs --csv FILE");

  if (o.list_presets)
    return list_presets ();
  if (o.print_scenario != NULL)
    return print_scenario (o.print_scenario);
  if (o.bench_only != NULL && !o.bench)
    return fail ("--bench-only needs --bench");
  if (o.bench)
    {
      const char *only = o.bench_only;

      if (only != NULL && strcmp (only, "engine") != 0 && strcmp (only, "threads") != 0
          && strcmp (only, "render") != 0 && strcmp (only, "ui") != 0)
        return fail ("--bench-only: expected engine, threads, render or ui, got \"%s\"", only);
      if (only == NULL || strcmp (only, "engine") == 0)
        ps_bench_engine ();
      if (only != NULL && strcmp (only, "threads") == 0)
        ps_bench_threads ();
      if (only == NULL || strcmp (only, "render") == 0)
        ps_bench_render ();
      if (only == NULL || strcmp (only, "ui") == 0)
        ps_bench_ui ();
      return finish_stdout ();
    }

  return run_headless (&o);
}
