/* ps-cli.c: the headless command line (no display needed)
 *
 *   packscope --list-presets
 *   packscope --print-scenario ID
 *   packscope --headless [--scenario ID|FILE] [--protocol TEXT] [--csv FILE]
 *             [--dt S] [--seed N] [--ambient-c C] [--cells]
 *   packscope --bench
 *
 * Only GLib and the engine: this file never touches GTK, so it runs on a
 * machine without a display. Exit status 0 on success, 2 on bad usage or bad
 * input (one line on stderr naming the problem).
 */
#include "config.h"

#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <string.h>

#include <glib.h>
#include <glib/gstdio.h>
#include <sys/stat.h>
#include <unistd.h>

#include "ps-engine.h"
#include "ps-bench.h"
#include "ps-cli.h"

#define PS_CLI_EXIT_OK        0
#define PS_CLI_EXIT_BAD_INPUT 2
#define PS_CLI_DEFAULT_PRESET "leaf-2011"
/* a protocol that never ends must not run forever: at most this many
 * steps, and at most PS_CLI_MAX_CELL_STEPS / n_cells (but never fewer than
 * PS_CLI_MIN_STEP_CAP) */
#define PS_CLI_MAX_STEPS      G_GUINT64_CONSTANT (20000000)
#define PS_CLI_MAX_CELL_STEPS G_GUINT64_CONSTANT (4000000000)
#define PS_CLI_MIN_STEP_CAP   G_GUINT64_CONSTANT (100000)
#define ZERO_C_IN_K           273.15

static const char *csv_header =
  "time_s,step,pack_voltage_v,pack_current_a,pack_power_w,pack_soc,"
  "cell_voltage_min_v,cell_voltage_max_v,cell_temp_min_c,cell_temp_max_c,"
  "heat_w,charge_ah,energy_wh";

typedef struct
{
  gboolean  headless;
  gboolean  list_presets;
  char     *print_scenario;
  gboolean  bench;
  char     *scenario;
  char     *protocol;
  char     *csv;
  char     *dt;
  char     *seed;
  char     *ambient_c;
  gboolean  cells;
} CliOptions;

static void
cli_options_clear (CliOptions *o)
{
  g_free (o->print_scenario);
  g_free (o->scenario);
  g_free (o->protocol);
  g_free (o->csv);
  g_free (o->dt);
  g_free (o->seed);
  g_free (o->ambient_c);
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
    "--help", "-h", "-?", NULL
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

/* Strict number parsing: the whole string, C locale, finite. */
static gboolean
parse_double (const char *option,
              const char *text,
              double      min,
              gboolean    min_exclusive,
              double      max,
              double     *out)
{
  char *end = NULL;
  double value;

  errno = 0;
  value = g_ascii_strtod (text, &end);
  if (text[0] == '\0' || end == NULL || *end != '\0' || errno != 0 || !isfinite (value))
    {
      fail ("%s: expected a number, got \"%s\"", option, text);
      return FALSE;
    }
  if ((min_exclusive ? value <= min : value < min) || value > max)
    {
      fail ("%s: expected a number %s %g %s %g, got %s",
            option, min_exclusive ? "above" : "from", min,
            min_exclusive ? "and at most" : "to", max, text);
      return FALSE;
    }

  *out = value;
  return TRUE;
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

  return fflush (stdout) == 0 ? PS_CLI_EXIT_OK : fail ("writing to stdout failed");
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

  return fflush (stdout) == 0 ? PS_CLI_EXIT_OK : fail ("writing to stdout failed");
}

/* ---- CSV ---------------------------------------------------------------- */

typedef struct
{
  FILE     *out;
  char     *path;          /* final path, NULL for stdout */
  char     *tmp_path;      /* written here, renamed to path at the end */
  gboolean  cells;
  guint     n_cells;
  GString  *row;
} CsvWriter;

static void
csv_writer_free (CsvWriter *w)
{
  if (w == NULL)
    return;

  if (w->out != NULL && w->out != stdout)
    fclose (w->out);
  /* a failed run leaves no half file */
  if (w->tmp_path != NULL)
    g_unlink (w->tmp_path);
  g_free (w->path);
  g_free (w->tmp_path);
  if (w->row != NULL)
    g_string_free (w->row, TRUE);
  g_free (w);
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC (CsvWriter, csv_writer_free)

static CsvWriter *
csv_writer_open (const char  *path,
                 gboolean     cells,
                 guint        n_cells,
                 GError     **error)
{
  g_autoptr(CsvWriter) w = g_new0 (CsvWriter, 1);

  w->cells = cells;
  w->n_cells = n_cells;
  w->row = g_string_sized_new (256);

  if (path[0] == '\0')
    {
      g_set_error (error, G_FILE_ERROR, G_FILE_ERROR_INVAL,
                   "--csv: expected a file name or '-', got an empty string");
      return NULL;
    }
  else if (g_str_equal (path, "-"))
    {
      w->out = stdout;
    }
  else if (g_file_test (path, G_FILE_TEST_EXISTS) &&
           !g_file_test (path, G_FILE_TEST_IS_REGULAR))
    {
      /* a device, a pipe or a directory: write to it as it is, never
       * replace it with a regular file */
      if (g_file_test (path, G_FILE_TEST_IS_DIR))
        {
          g_set_error (error, G_FILE_ERROR, G_FILE_ERROR_ISDIR,
                       "--csv %s: is a directory, expected a file", path);
          return NULL;
        }
      w->out = fopen (path, "w");
      if (w->out == NULL)
        {
          int saved = errno;

          g_set_error (error, G_FILE_ERROR, g_file_error_from_errno (saved),
                       "--csv %s: %s", path, g_strerror (saved));
          return NULL;
        }
      w->path = g_strdup (path);
    }
  else
    {
      g_autofree char *dir = g_path_get_dirname (path);
      g_autofree char *base = g_path_get_basename (path);
      int fd;

      w->path = g_strdup (path);
      w->tmp_path = g_strdup_printf ("%s%c.%s.XXXXXX", dir, G_DIR_SEPARATOR, base);
      fd = g_mkstemp (w->tmp_path);
      if (fd < 0)
        {
          int saved = errno;

          g_clear_pointer (&w->tmp_path, g_free);
          g_set_error (error, G_FILE_ERROR, g_file_error_from_errno (saved),
                       "--csv %s: cannot write in %s: %s", path, dir, g_strerror (saved));
          return NULL;
        }
      /* mkstemp makes the file private; give it the mode any new file gets */
      {
        mode_t mask = umask (0);

        umask (mask);
        if (fchmod (fd, 0666 & ~mask) != 0)
          {
            int saved = errno;

            close (fd);
            g_set_error (error, G_FILE_ERROR, g_file_error_from_errno (saved),
                         "--csv %s: %s", path, g_strerror (saved));
            return NULL;
          }
      }
      w->out = fdopen (fd, "w");
      if (w->out == NULL)
        {
          int saved = errno;

          close (fd);
          g_set_error (error, G_FILE_ERROR, g_file_error_from_errno (saved),
                       "--csv %s: %s", path, g_strerror (saved));
          return NULL;
        }
    }

  setvbuf (w->out, NULL, _IOFBF, 1 << 20);

  return g_steal_pointer (&w);
}

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
csv_write_header (CsvWriter *w)
{
  fputs (csv_header, w->out);

  if (w->cells)
    {
      char digits[16];
      int width;

      g_snprintf (digits, sizeof digits, "%u", w->n_cells);
      width = MAX (4, (int) strlen (digits));

      for (guint i = 0; i < w->n_cells; i++)
        fprintf (w->out, ",cell%0*u_v,cell%0*u_i_a,cell%0*u_soc,cell%0*u_t_c",
                 width, i + 1, width, i + 1, width, i + 1, width, i + 1);
    }

  fputc ('\n', w->out);
}

static void
csv_write_row (CsvWriter     *w,
               const PsFrame *f)
{
  GString *row = w->row;
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

  if (w->cells)
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
  fwrite (row->str, 1, row->len, w->out);
}

static gboolean
csv_writer_finish (CsvWriter  *w,
                   GError    **error)
{
  const char *name = w->path ? w->path : "stdout";

  if (fflush (w->out) != 0 || ferror (w->out))
    {
      g_set_error (error, G_FILE_ERROR, G_FILE_ERROR_IO,
                   "--csv %s: write failed: %s", name, g_strerror (errno));
      return FALSE;
    }
  if (w->out == stdout)
    return TRUE;

  if (fclose (w->out) != 0)
    {
      w->out = NULL;
      g_set_error (error, G_FILE_ERROR, G_FILE_ERROR_IO,
                   "--csv %s: write failed: %s", name, g_strerror (errno));
      return FALSE;
    }
  w->out = NULL;

  if (w->tmp_path == NULL)
    return TRUE;   /* written in place */

  if (g_rename (w->tmp_path, w->path) != 0)
    {
      int saved = errno;

      g_set_error (error, G_FILE_ERROR, g_file_error_from_errno (saved),
                   "--csv %s: cannot rename the finished file into place: %s",
                   name, g_strerror (saved));
      return FALSE;
    }
  g_clear_pointer (&w->tmp_path, g_free);

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
run_headless (CliOptions *o)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(PsScenario) scenario = NULL;
  g_autoptr(PsSimulation) sim = NULL;
  g_autoptr(PsFrame) frame = NULL;
  g_autoptr(CsvWriter) csv = NULL;
  g_autofree char *duration = NULL;
  g_autofree char *end_reason = NULL;
  const char *id = o->scenario ? o->scenario : PS_CLI_DEFAULT_PRESET;
  guint64 n_rows = 0;
  guint64 max_steps;
  gint64 wall_start;
  double dt;

  scenario = ps_scenario_new_lookup (id, &error);
  if (scenario == NULL)
    return fail ("%s", error->message);

  if (o->protocol != NULL)
    {
      if (!ps_scenario_set_protocol (scenario, o->protocol, &error))
        return fail ("--protocol: %s", error->message);
      ps_scenario_name_after_protocol (scenario);
    }

  if (o->dt != NULL)
    {
      double dt_s;

      if (!parse_double ("--dt", o->dt, PS_SCENARIO_DT_MIN_S, FALSE, PS_SCENARIO_DT_MAX_S,
                         &dt_s))
        return PS_CLI_EXIT_BAD_INPUT;
      ps_scenario_set_dt_s (scenario, dt_s);
    }

  if (o->seed != NULL)
    {
      guint64 seed;

      if (!g_ascii_string_to_unsigned (o->seed, 10, 0, G_MAXINT64, &seed, &error))
        return fail ("--seed: expected a whole number from 0, got \"%s\"", o->seed);
      ps_scenario_set_seed (scenario, seed);
    }

  if (o->ambient_c != NULL)
    {
      double ambient_c;

      if (!parse_double ("--ambient-c", o->ambient_c, -60.0, FALSE, 150.0, &ambient_c))
        return PS_CLI_EXIT_BAD_INPUT;
      ps_scenario_set_ambient_k (scenario, ambient_c + ZERO_C_IN_K);
    }

  sim = ps_simulation_new (scenario, &error);
  if (sim == NULL)
    return fail ("%s", error->message);

  frame = ps_frame_new (ps_simulation_get_pack (sim));

  if (o->csv != NULL)
    {
      csv = csv_writer_open (o->csv, o->cells, frame->n_cells, &error);
      if (csv == NULL)
        return fail ("%s", error->message);
      csv_write_header (csv);
    }

  max_steps = PS_CLI_MAX_CELL_STEPS / MAX (1u, frame->n_cells);
  max_steps = CLAMP (max_steps, PS_CLI_MIN_STEP_CAP, PS_CLI_MAX_STEPS);

  wall_start = g_get_monotonic_time ();
  dt = ps_scenario_get_dt_s (scenario);

  /* the row at t = 0, then one row per step */
  for (;;)
    {
      if (csv != NULL)
        {
          ps_simulation_fill_frame (sim, frame);
          csv_write_row (csv, frame);
        }
      n_rows++;

      if (n_rows > max_steps)
        {
          end_reason = g_strdup_printf ("stopped at the limit of %" G_GUINT64_FORMAT
                                        " steps for %u cells", max_steps, frame->n_cells);
          break;
        }
      if (!ps_simulation_advance (sim, dt))
        {
          guint n_steps = ps_scenario_get_protocol (scenario) ? ps_scenario_get_protocol (scenario)->n_steps : 0;

          end_reason = g_strdup_printf ("protocol finished (%u step%s)",
                                        n_steps, n_steps == 1 ? "" : "s");
          break;
        }
    }

  if (csv != NULL && !csv_writer_finish (csv, &error))
    return fail ("%s", error->message);

  ps_simulation_fill_frame (sim, frame);
  duration = format_duration (frame->time_s);
  if (frame->limit_voltage_low || frame->limit_voltage_high || frame->limit_temp_high)
    {
      char *with_limits = g_strdup_printf ("%s, at the cells' %s limit", end_reason,
                                           frame->limit_temp_high ? "temperature"
                                           : frame->limit_voltage_low ? "lower voltage"
                                           : "upper voltage");

      g_free (end_reason);
      end_reason = with_limits;
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
    { "scenario", 0, 0, G_OPTION_ARG_FILENAME, &o.scenario,
      "Preset id or scenario JSON file (default: " PS_CLI_DEFAULT_PRESET ")", "ID|FILE" },
    { "protocol", 0, 0, G_OPTION_ARG_STRING, &o.protocol,
      "Experiment steps separated by ';' or newlines (default: the scenario's)", "TEXT" },
    { "csv", 0, 0, G_OPTION_ARG_FILENAME, &o.csv,
      "Write one CSV row per step to FILE ('-' for stdout)", "FILE" },
    { "dt", 0, 0, G_OPTION_ARG_STRING, &o.dt,
      "Time step in seconds, 0.001..3600 (default: the scenario's)", "S" },
    { "seed", 0, 0, G_OPTION_ARG_STRING, &o.seed,
      "Seed of the cell-to-cell variation (default: the scenario's)", "N" },
    { "ambient-c", 0, 0, G_OPTION_ARG_STRING, &o.ambient_c,
      "Ambient temperature in degrees C, -60..150 (default: the scenario's)", "C" },
    { "cells", 0, 0, G_OPTION_ARG_NONE, &o.cells,
      "Add four columns per cell to the CSV", NULL },
    { NULL }
  };

  context = g_option_context_new ("- the lithium-ion pack lab, headless");
  g_option_context_add_main_entries (context, entries, NULL);
  g_option_context_set_summary (context,
    "Without these options Packscope opens its window. With them it runs\n"
    "without a display:\n"
    "  packscope --list-presets\n"
    "  packscope --print-scenario ID > my.json\n"
    "  packscope --headless --scenario ID|FILE --protocol TEXT --csv FILE\n"
    "            [--dt S] [--seed N] [--ambient-c C] [--cells]\n"
    "  packscope --bench\n"
    "The window itself takes:\n"
    "  packscope [--scenario ID|FILE] [--protocol TEXT]\n"
    "  packscope --screenshot FILE --scenario ID|FILE [--protocol TEXT]\n"
    "            [--run SECONDS] [--size WxH] [--view window|layout|curves|thermal]\n"
    "            (renders the real window or one view to a PNG; needs a display,\n"
    "            e.g. xvfb-run -a)");
  g_option_context_set_description (context,
    "Protocol steps (PyBaMM experiment grammar):\n"
    "  Discharge|Charge at <x> A|C|W|kW [for <duration>] [or until <x> V]\n"
    "  Hold at <x> V until <x> A|C/<n>\n"
    "  Rest for <duration>            (durations: 60 s, 10 minutes, 1 hour)\n"
    "Currents and powers are pack-level; voltages are cell-level.\n"
    "\n"
    "CSV columns, one row per step from t = 0 (current > 0 discharging;\n"
    "charge_ah and energy_wh cumulative, > 0 discharged):\n"
    "  time_s,step,pack_voltage_v,pack_current_a,pack_power_w,pack_soc,\n"
    "  cell_voltage_min_v,cell_voltage_max_v,cell_temp_min_c,cell_temp_max_c,\n"
    "  heat_w,charge_ah,energy_wh\n"
    "step is the 1-based protocol step. With --cells, four columns follow\n"
    "for each cell N (1-based, zero-padded to at least 4 digits): cellNNNN_v\n"
    "(V), cellNNNN_i_a (A), cellNNNN_soc (0..1), cellNNNN_t_c (degrees C).\n"
    "The CSV is written to a temporary file and renamed when the run is\n"
    "complete. A one-line summary goes to stderr.\n"
    "\n"
    "Exit status: 0 success, 2 bad usage or bad input (one line on stderr).");

  /* parse a copy: the strv variant frees what it consumes */
  args = g_new0 (char *, argc + 1);
  for (int i = 0; i < argc; i++)
    args[i] = g_strdup (argv[i]);

  if (!g_option_context_parse_strv (context, &args, &error))
    return fail ("%s (see --help)", error->message);
  if (args[0] != NULL && args[1] != NULL)
    return fail ("unexpected argument \"%s\" (see --help)", args[1]);

  n_modes = !!o.headless + !!o.list_presets + (o.print_scenario != NULL) + !!o.bench;
  if (n_modes != 1)
    return fail ("expected exactly one of --headless, --list-presets, "
                 "--print-scenario, --bench (see --help)");

  if (!o.headless &&
      (o.scenario || o.protocol || o.csv || o.dt || o.seed || o.ambient_c || o.cells))
    return fail ("--scenario, --protocol, --csv, --dt, --seed, --ambient-c and "
                 "--cells need --headless");
  if (o.cells && o.csv == NULL)
    return fail ("--cells needs --csv FILE");

  if (o.list_presets)
    return list_presets ();
  if (o.print_scenario != NULL)
    return print_scenario (o.print_scenario);
  if (o.bench)
    {
      ps_bench_engine ();
      ps_bench_render ();
      ps_bench_ui ();
      return PS_CLI_EXIT_OK;
    }

  return run_headless (&o);
}
