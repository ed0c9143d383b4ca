/* ps-drive-cycle.c: built-in drive cycles and users' speed traces (CSV) */
#include "config.h"

#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include <gio/gio.h>

#include "ps-drive-cycle.h"
#include "ps-error.h"

#define PS_DRIVE_CYCLE_RESOURCE_PREFIX "/io/github/packscope/Packscope/drive-cycles/"

static const struct
{
  const char *id;
  const char *name;
  const char *alias[3];
} builtin[] = {
  { "udds", "UDDS", { NULL } },
  { "us06", "US06", { NULL } },
  { "hwfet", "HWFET", { NULL } },
  { "wltc-class3b", "WLTC class 3b", { "wltc", "wltc3b", NULL } },
  { "motorway-110", "Motorway at 110 km/h", { NULL } },
};

char **
ps_drive_cycle_list_builtin (void)
{
  char **ids = g_new0 (char *, G_N_ELEMENTS (builtin) + 1);

  for (guint i = 0; i < G_N_ELEMENTS (builtin); i++)
    ids[i] = g_strdup (builtin[i].id);
  return ids;
}

static int
find_builtin (const char *id)
{
  for (guint i = 0; i < G_N_ELEMENTS (builtin); i++)
    {
      if (g_ascii_strcasecmp (id, builtin[i].id) == 0)
        return (int) i;
      for (guint a = 0; builtin[i].alias[a] != NULL; a++)
        if (g_ascii_strcasecmp (id, builtin[i].alias[a]) == 0)
          return (int) i;
    }
  return -1;
}

PsDriveCycle *
ps_drive_cycle_ref (PsDriveCycle *cycle)
{
  g_return_val_if_fail (cycle != NULL, NULL);

  g_atomic_ref_count_inc (&cycle->ref_count);
  return cycle;
}

void
ps_drive_cycle_unref (PsDriveCycle *cycle)
{
  g_return_if_fail (cycle != NULL);

  if (g_atomic_ref_count_dec (&cycle->ref_count))
    {
      g_free (cycle->id);
      g_free (cycle->name);
      g_free (cycle->time_s);
      g_free (cycle->speed_mps);
      g_free (cycle->grade);
      g_free (cycle);
    }
}

/* ---- the CSV ------------------------------------------------------------- */

typedef enum
{
  COL_OTHER,
  COL_TIME,
  COL_SPEED,
  COL_GRADE,
} ColumnKind;

/* The column's kind and the factor to SI from its header; FALSE with
 * *problem set when it is time or speed without a known unit. */
static gboolean
classify_column (const char  *header,
                 ColumnKind  *kind,
                 double      *factor,
                 char       **problem)
{
  g_autofree char *h = g_ascii_strdown (header, -1);
  const char *unit = NULL;
  gsize name_len;

  g_strstrip (h);
  *kind = COL_OTHER;
  *factor = 1.0;

  /* FASTSim's own names */
  if (g_str_equal (h, "cycsecs"))
    {
      *kind = COL_TIME;
      return TRUE;
    }
  if (g_str_equal (h, "cycmps"))
    {
      *kind = COL_SPEED;
      return TRUE;
    }
  if (g_str_equal (h, "cycgrade") || g_str_equal (h, "grade"))
    {
      *kind = COL_GRADE;
      return TRUE;
    }

  if (g_str_has_prefix (h, "time"))
    {
      *kind = COL_TIME;
      name_len = 4;
    }
  else if (g_str_has_prefix (h, "speed"))
    {
      *kind = COL_SPEED;
      name_len = 5;
    }
  else
    return TRUE;

  unit = h + name_len;
  while (*unit == ' ' || *unit == '_' || *unit == '(' || *unit == '[')
    unit++;
  {
    g_autofree char *u = g_strdup (unit);
    gsize len = strlen (u);

    while (len > 0 && (u[len - 1] == ')' || u[len - 1] == ']' || u[len - 1] == ' '))
      u[--len] = '\0';

    if (*kind == COL_TIME)
      {
        if (g_str_equal (u, "s") || g_str_equal (u, "sec") || g_str_equal (u, "secs"))
          *factor = 1.0;
        else if (g_str_equal (u, "min"))
          *factor = 60.0;
        else if (g_str_equal (u, "h"))
          *factor = 3600.0;
        else
          {
            *problem = g_strdup_printf ("the time column \"%s\" needs its unit: time_s, "
                                        "time_min or time_h", header);
            return FALSE;
          }
      }
    else
      {
        if (g_str_equal (u, "mps") || g_str_equal (u, "m/s"))
          *factor = 1.0;
        else if (g_str_equal (u, "kmh") || g_str_equal (u, "km/h") || g_str_equal (u, "kph"))
          *factor = 1.0 / 3.6;
        else if (g_str_equal (u, "mph"))
          *factor = 0.44704;
        else
          {
            *problem = g_strdup_printf ("the speed column \"%s\" needs its unit: speed_mps, "
                                        "speed_kmh or speed_mph", header);
            return FALSE;
          }
      }
  }
  return TRUE;
}

static gboolean
set_error_at (GError     **error,
              const char  *source,
              guint        line,
              guint        column,
              const char  *format,
              ...) G_GNUC_PRINTF (5, 6);

static gboolean
set_error_at (GError     **error,
              const char  *source,
              guint        line,
              guint        column,
              const char  *format,
              ...)
{
  g_autofree char *message = NULL;
  va_list args;

  va_start (args, format);
  message = g_strdup_vprintf (format, args);
  va_end (args);
  if (column > 0)
    g_set_error (error, PS_ENGINE_ERROR, PS_ENGINE_ERROR_PARSE, "%s:%u:%u: %s",
                 source, line, column, message);
  else
    g_set_error (error, PS_ENGINE_ERROR, PS_ENGINE_ERROR_PARSE, "%s:%u: %s",
                 source, line, message);
  return FALSE;
}

PsDriveCycle *
ps_drive_cycle_new_from_data (const char  *data,
                              gsize        length,
                              const char  *source,
                              GError     **error)
{
  g_autoptr(PsDriveCycle) cycle = NULL;
  g_auto(GStrv) lines = NULL;
  g_autofree char *text = NULL;
  g_autoptr(GArray) times = NULL;
  g_autoptr(GArray) speeds = NULL;
  g_autoptr(GArray) grades = NULL;
  int col_time = -1, col_speed = -1, col_grade = -1;
  double f_time = 1.0, f_speed = 1.0;
  guint n_header_cols = 0;
  guint header_line = 0;

  g_return_val_if_fail (data != NULL || length == 0, NULL);
  g_return_val_if_fail (source != NULL, NULL);

  if (memchr (data, '\0', length) != NULL || !g_utf8_validate (data, length, NULL))
    {
      g_set_error (error, PS_ENGINE_ERROR, PS_ENGINE_ERROR_PARSE,
                   "%s: not a text file (a NUL byte or invalid UTF-8)", source);
      return NULL;
    }

  text = g_strndup (data, length);
  lines = g_strsplit (text, "\n", -1);
  times = g_array_new (FALSE, FALSE, sizeof (double));
  speeds = g_array_new (FALSE, FALSE, sizeof (double));
  grades = g_array_new (FALSE, FALSE, sizeof (double));

  for (guint l = 0; lines[l] != NULL; l++)
    {
      g_auto(GStrv) fields = NULL;
      char *line = lines[l];
      gsize len = strlen (line);
      guint n_fields;
      double t = 0.0, v = 0.0, grade = 0.0;

      if (len > 0 && line[len - 1] == '\r')
        line[len - 1] = '\0';
      if (line[0] == '\0' || line[0] == '#')
        continue;

      fields = g_strsplit (line, ",", -1);
      n_fields = g_strv_length (fields);

      if (header_line == 0)
        {
          header_line = l + 1;
          n_header_cols = n_fields;
          for (guint c = 0; c < n_fields; c++)
            {
              g_autofree char *problem = NULL;
              ColumnKind kind;
              double factor;

              if (!classify_column (fields[c], &kind, &factor, &problem))
                {
                  set_error_at (error, source, l + 1, c + 1, "%s", problem);
                  return NULL;
                }
              if (kind == COL_TIME && col_time < 0)
                {
                  col_time = (int) c;
                  f_time = factor;
                }
              else if (kind == COL_SPEED && col_speed < 0)
                {
                  col_speed = (int) c;
                  f_speed = factor;
                }
              else if (kind == COL_GRADE && col_grade < 0)
                col_grade = (int) c;
            }
          if (col_time < 0 || col_speed < 0)
            {
              set_error_at (error, source, l + 1, 0,
                            "expected a header with a time column (time_s, time_min, "
                            "time_h) and a speed column (speed_mps, speed_kmh, speed_mph), "
                            "got \"%s\"", line);
              return NULL;
            }
          continue;
        }

      if (n_fields != n_header_cols)
        {
          set_error_at (error, source, l + 1, 0, "expected %u columns as in the header, got %u",
                        n_header_cols, n_fields);
          return NULL;
        }
      if (times->len >= PS_DRIVE_CYCLE_MAX_POINTS)
        {
          set_error_at (error, source, l + 1, 0, "more than %d points",
                        PS_DRIVE_CYCLE_MAX_POINTS);
          return NULL;
        }

      for (int c = 0; c < (int) n_fields; c++)
        {
          char *end = NULL;
          const char *field;
          double value;

          if (c != col_time && c != col_speed && c != col_grade)
            continue;
          field = fields[c];
          while (*field == ' ' || *field == '\t')
            field++;
          value = g_ascii_strtod (field, &end);
          while (end != NULL && (*end == ' ' || *end == '\t'))
            end++;
          if (end == field || end == NULL || *end != '\0' || !isfinite (value))
            {
              set_error_at (error, source, l + 1, c + 1, "expected a %s, got \"%s\"",
                            c == col_time ? "time" : c == col_speed ? "speed" : "grade",
                            fields[c]);
              return NULL;
            }
          if (c == col_time)
            t = value * f_time;
          else if (c == col_speed)
            v = value * f_speed;
          else
            grade = value;
        }

      if (t < 0.0 || (times->len > 0 && !(t > g_array_index (times, double, times->len - 1))))
        {
          set_error_at (error, source, l + 1, col_time + 1,
                        "expected a time after the previous row's, at least 0 s, got %g s", t);
          return NULL;
        }
      if (v < 0.0 || v > PS_DRIVE_CYCLE_MAX_SPEED_MPS)
        {
          set_error_at (error, source, l + 1, col_speed + 1,
                        "expected a speed from 0 to %g m/s, got %g m/s",
                        PS_DRIVE_CYCLE_MAX_SPEED_MPS, v);
          return NULL;
        }
      if (fabs (grade) > 0.5)
        {
          set_error_at (error, source, l + 1, col_grade + 1,
                        "expected a grade (rise over run) from -0.5 to 0.5, got %g", grade);
          return NULL;
        }
      g_array_append_val (times, t);
      g_array_append_val (speeds, v);
      g_array_append_val (grades, grade);
    }

  if (times->len < 2)
    {
      g_set_error (error, PS_ENGINE_ERROR, PS_ENGINE_ERROR_PARSE,
                   "%s: expected a header and at least two rows of time and speed, got %u rows",
                   source, times->len);
      return NULL;
    }

  cycle = g_new0 (PsDriveCycle, 1);
  g_atomic_ref_count_init (&cycle->ref_count);
  cycle->id = g_strdup (source);
  cycle->name = g_path_get_basename (source);
  cycle->n_points = times->len;
  cycle->time_s = (double *) (gpointer) g_array_free (g_steal_pointer (&times), FALSE);
  cycle->speed_mps = (double *) (gpointer) g_array_free (g_steal_pointer (&speeds), FALSE);
  cycle->grade = (double *) (gpointer) g_array_free (g_steal_pointer (&grades), FALSE);

  return g_steal_pointer (&cycle);
}

PsDriveCycle *
ps_drive_cycle_new_builtin (const char  *id,
                            GError     **error)
{
  g_autoptr(GBytes) bytes = NULL;
  g_autofree char *path = NULL;
  PsDriveCycle *cycle;
  int i;

  g_return_val_if_fail (id != NULL, NULL);

  i = find_builtin (id);
  if (i < 0)
    {
      g_set_error (error, PS_ENGINE_ERROR, PS_ENGINE_ERROR_NOT_FOUND,
                   "unknown drive cycle \"%s\": expected udds, us06, hwfet, wltc-class3b, "
                   "motorway-110 or a CSV file", id);
      return NULL;
    }
  path = g_strconcat (PS_DRIVE_CYCLE_RESOURCE_PREFIX, builtin[i].id, ".csv", NULL);
  bytes = g_resources_lookup_data (path, G_RESOURCE_LOOKUP_FLAGS_NONE, error);
  if (bytes == NULL)
    return NULL;
  cycle = ps_drive_cycle_new_from_data (g_bytes_get_data (bytes, NULL), g_bytes_get_size (bytes),
                                        builtin[i].id, error);
  if (cycle != NULL)
    {
      g_free (cycle->name);
      cycle->name = g_strdup (builtin[i].name);
    }
  return cycle;
}

PsDriveCycle *
ps_drive_cycle_new_from_file (const char  *path,
                              GError     **error)
{
  g_autofree char *data = NULL;
  g_autoptr(GError) local_error = NULL;
  gsize length;

  g_return_val_if_fail (path != NULL, NULL);

  if (g_file_test (path, G_FILE_TEST_IS_DIR))
    {
      g_set_error (error, PS_ENGINE_ERROR, PS_ENGINE_ERROR_IO,
                   "%s: is a directory, expected a CSV speed trace", path);
      return NULL;
    }
  if (!g_file_get_contents (path, &data, &length, &local_error))
    {
      g_set_error (error, PS_ENGINE_ERROR,
                   g_error_matches (local_error, G_FILE_ERROR, G_FILE_ERROR_NOENT)
                   ? PS_ENGINE_ERROR_NOT_FOUND : PS_ENGINE_ERROR_IO,
                   "%s", local_error->message);
      return NULL;
    }
  return ps_drive_cycle_new_from_data (data, length, path, error);
}

PsDriveCycle *
ps_drive_cycle_lookup (const char  *id_or_path,
                       GError     **error)
{
  g_return_val_if_fail (id_or_path != NULL, NULL);

  if (find_builtin (id_or_path) >= 0)
    return ps_drive_cycle_new_builtin (id_or_path, error);
  if (!g_str_has_suffix (id_or_path, ".csv") && !g_file_test (id_or_path, G_FILE_TEST_EXISTS))
    return ps_drive_cycle_new_builtin (id_or_path, error);
  return ps_drive_cycle_new_from_file (id_or_path, error);
}

double
ps_drive_cycle_get_duration (const PsDriveCycle *cycle)
{
  g_return_val_if_fail (cycle != NULL, 0.0);
  return cycle->time_s[cycle->n_points - 1] - cycle->time_s[0];
}

double
ps_drive_cycle_get_distance (const PsDriveCycle *cycle)
{
  double d = 0.0;

  g_return_val_if_fail (cycle != NULL, 0.0);
  for (guint i = 0; i + 1 < cycle->n_points; i++)
    d += 0.5 * (cycle->speed_mps[i] + cycle->speed_mps[i + 1])
         * (cycle->time_s[i + 1] - cycle->time_s[i]);
  return d;
}

double
ps_drive_cycle_speed_at (const PsDriveCycle *cycle,
                         double              t_s)
{
  double t;
  guint lo = 0, hi;

  g_return_val_if_fail (cycle != NULL, 0.0);

  t = cycle->time_s[0] + t_s;
  hi = cycle->n_points - 1;
  if (!(t >= cycle->time_s[0]) || t > cycle->time_s[hi])
    return 0.0;
  while (hi - lo > 1)
    {
      guint mid = (lo + hi) / 2;

      if (cycle->time_s[mid] <= t)
        lo = mid;
      else
        hi = mid;
    }
  return cycle->speed_mps[lo] + (cycle->speed_mps[hi] - cycle->speed_mps[lo])
         * (t - cycle->time_s[lo]) / (cycle->time_s[hi] - cycle->time_s[lo]);
}
