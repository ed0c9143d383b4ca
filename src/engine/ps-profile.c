/* ps-profile.c: a load profile over time for "Run <file.csv>" steps
 *
 * The reader goes line by line and field by field, so every error can name
 * the file, the line and the column (1-based, in characters) where it was
 * found.
 */
#include "config.h"

#include <gio/gio.h>
#include <math.h>
#include <string.h>

#include "ps-error.h"
#include "ps-profile.h"

/* profile files larger than this are refused before they are read */
#define PS_PROFILE_MAX_FILE_BYTES (64 * 1024 * 1024)

typedef struct
{
  const char *name;
  guint       line;
  const char *line_start;
} Reader;

G_GNUC_PRINTF (5, 6)
static gboolean
fail_at (Reader      *reader,
         const char  *where,
         GError     **error,
         int          code,
         const char  *format,
         ...)
{
  g_autofree char *what = NULL;
  va_list args;

  va_start (args, format);
  what = g_strdup_vprintf (format, args);
  va_end (args);

  g_set_error (error, PS_ENGINE_ERROR, code, "%s: line %u, column %ld: %s", reader->name,
               reader->line, g_utf8_pointer_to_offset (reader->line_start, where) + 1, what);
  return FALSE;
}

static gboolean
is_field_separator (char c)
{
  return c == ',' || c == ';' || c == '\t';
}

/* The next field of the line at *p (trimmed), and where it starts. */
static char *
next_field (const char **p,
            const char  *end,
            const char **start)
{
  const char *s = *p, *e;

  while (s < end && (*s == ' ' || *s == '\r'))
    s++;
  e = s;
  while (e < end && !is_field_separator (*e))
    e++;
  *start = s;
  *p = e < end ? e + 1 : e;
  while (e > s && g_ascii_isspace (e[-1]))
    e--;
  return g_strndup (s, e - s);
}

/* "time [s]", "time (s)", "time_s", "Time [min]": the name and the unit,
 * lower case (the unit keeps its case for "mA" against "MA"). */
static void
split_header (const char  *field,
              char       **name,
              char       **unit)
{
  const char *open = strpbrk (field, "[(");
  const char *underscore = strrchr (field, '_');

  if (open != NULL)
    {
      const char *close = strpbrk (open + 1, "])");

      *name = g_strstrip (g_ascii_strdown (field, open - field));
      *unit = g_strstrip (g_strndup (open + 1, close != NULL ? (gsize) (close - open - 1)
                                                               : strlen (open + 1)));
    }
  else if (underscore != NULL)
    {
      *name = g_strstrip (g_ascii_strdown (field, underscore - field));
      *unit = g_strstrip (g_strdup (underscore + 1));
    }
  else
    {
      *name = g_strstrip (g_ascii_strdown (field, -1));
      *unit = g_strdup ("");
    }
}

static gboolean
read_time_header (Reader      *reader,
                  const char  *field,
                  const char  *at,
                  double      *scale,
                  GError     **error)
{
  g_autofree char *name = NULL;
  g_autofree char *unit = NULL;

  split_header (field, &name, &unit);
  if (g_strcmp0 (name, "time") == 0 || g_strcmp0 (name, "t") == 0)
    {
      if (g_ascii_strcasecmp (unit, "s") == 0)
        *scale = 1.0;
      else if (g_ascii_strcasecmp (unit, "min") == 0)
        *scale = 60.0;
      else if (g_ascii_strcasecmp (unit, "h") == 0)
        *scale = 3600.0;
      else
        return fail_at (reader, at, error, PS_ENGINE_ERROR_PARSE,
                        "unknown time unit \"%s\" in \"%s\", expected s, min or h "
                        "(such as \"time [s]\")", unit, field);
      return TRUE;
    }
  return fail_at (reader, at, error, PS_ENGINE_ERROR_PARSE,
                  "expected the first column's name and unit, such as \"time [s]\", "
                  "found \"%s\"", field);
}

static gboolean
read_load_header (Reader             *reader,
                  const char         *field,
                  const char         *at,
                  PsProfileQuantity  *quantity,
                  double             *scale,
                  GError            **error)
{
  g_autofree char *name = NULL;
  g_autofree char *unit = NULL;
  g_autofree char *lower = g_ascii_strdown (field, -1);

  if (g_strcmp0 (lower, "c_rate") == 0 || g_strcmp0 (lower, "c-rate") == 0
      || g_strcmp0 (lower, "crate") == 0 || g_strcmp0 (lower, "c rate") == 0)
    {
      *quantity = PS_PROFILE_C_RATE;
      *scale = 1.0;
      return TRUE;
    }

  split_header (field, &name, &unit);
  if (g_strcmp0 (name, "current") == 0 || g_strcmp0 (name, "i") == 0)
    {
      *quantity = PS_PROFILE_CURRENT;
      if (g_strcmp0 (unit, "A") == 0 || g_strcmp0 (unit, "a") == 0)
        *scale = 1.0;
      else if (g_strcmp0 (unit, "mA") == 0 || g_strcmp0 (unit, "ma") == 0)
        *scale = 1e-3;
      else if (g_ascii_strcasecmp (unit, "c") == 0)
        {
          *quantity = PS_PROFILE_C_RATE;
          *scale = 1.0;
        }
      else
        return fail_at (reader, at, error, PS_ENGINE_ERROR_PARSE,
                        "unknown current unit \"%s\" in \"%s\", expected A, mA or C",
                        unit, field);
      return TRUE;
    }
  if (g_strcmp0 (name, "c-rate") == 0 || g_strcmp0 (name, "c rate") == 0
      || g_strcmp0 (name, "crate") == 0)
    {
      *quantity = PS_PROFILE_C_RATE;
      *scale = 1.0;
      return TRUE;
    }
  if (g_strcmp0 (name, "power") == 0 || g_strcmp0 (name, "p") == 0)
    {
      *quantity = PS_PROFILE_POWER;
      if (g_strcmp0 (unit, "W") == 0 || g_strcmp0 (unit, "w") == 0)
        *scale = 1.0;
      else if (g_ascii_strcasecmp (unit, "kw") == 0)
        *scale = 1e3;
      else
        return fail_at (reader, at, error, PS_ENGINE_ERROR_PARSE,
                        "unknown power unit \"%s\" in \"%s\", expected W or kW",
                        unit, field);
      return TRUE;
    }
  return fail_at (reader, at, error, PS_ENGINE_ERROR_PARSE,
                  "expected the second column's name and unit, such as \"current [A]\", "
                  "\"current [C]\" or \"power [kW]\", found \"%s\"", field);
}

static gboolean
read_number (Reader      *reader,
             const char  *field,
             const char  *at,
             const char  *what,
             double      *out,
             GError     **error)
{
  char *end = NULL;

  *out = g_ascii_strtod (field, &end);
  if (*field == '\0')
    return fail_at (reader, at, error, PS_ENGINE_ERROR_PARSE,
                    "expected a number for the %s, found an empty field", what);
  if (end == field || *end != '\0' || g_ascii_isalpha (*field)
      || ((*field == '-' || *field == '+') && g_ascii_isalpha (field[1])))
    return fail_at (reader, at, error, PS_ENGINE_ERROR_PARSE,
                    "expected a number for the %s, found \"%s\"", what, field);
  if (!isfinite (*out))
    return fail_at (reader, at, error, PS_ENGINE_ERROR_INVALID,
                    "the %s \"%s\" is not a finite number", what, field);
  return TRUE;
}

PsProfile *
ps_profile_new_from_data (const char  *name,
                          const char  *data,
                          gsize        length,
                          GError     **error)
{
  g_autoptr(PsProfile) profile = g_new0 (PsProfile, 1);
  g_autoptr(GArray) times = g_array_new (FALSE, FALSE, sizeof (double));
  g_autoptr(GArray) values = g_array_new (FALSE, FALSE, sizeof (double));
  Reader reader = { name, 0, data };
  const char *p = data, *end = data + length;
  gboolean header = TRUE;
  double time_scale = 1.0, value_scale = 1.0;

  g_return_val_if_fail (name != NULL, NULL);
  g_return_val_if_fail (data != NULL || length == 0, NULL);

  profile->name = g_strdup (name);

  if (memchr (data, '\0', length) != NULL || !g_utf8_validate (data, length, NULL))
    {
      g_set_error (error, PS_ENGINE_ERROR, PS_ENGINE_ERROR_PARSE,
                   "%s: not a text file (expected a CSV of time and current or power)", name);
      return NULL;
    }

  while (p < end)
    {
      const char *line_end = memchr (p, '\n', end - p);
      const char *q, *at1, *at2, *at3;
      g_autofree char *f1 = NULL;
      g_autofree char *f2 = NULL;
      g_autofree char *f3 = NULL;
      double t, v;

      if (line_end == NULL)
        line_end = end;
      reader.line++;
      reader.line_start = p;
      q = p;
      p = line_end < end ? line_end + 1 : end;

      while (q < line_end && g_ascii_isspace (*q))
        q++;
      if (q == line_end || *q == '#')
        continue;

      f1 = next_field (&q, line_end, &at1);
      f2 = next_field (&q, line_end, &at2);
      if (q < line_end)
        {
          f3 = next_field (&q, line_end, &at3);
          if (*f3 != '\0')
            {
              fail_at (&reader, at3, error, PS_ENGINE_ERROR_PARSE,
                       "a third column \"%s\", expected two (time and the load)", f3);
              return NULL;
            }
        }

      if (header)
        {
          if (!read_time_header (&reader, f1, at1, &time_scale, error))
            return NULL;
          if (*f2 == '\0')
            {
              fail_at (&reader, at2, error, PS_ENGINE_ERROR_PARSE,
                       "expected a second column, such as \"current [A]\" or \"power [kW]\"");
              return NULL;
            }
          if (!read_load_header (&reader, f2, at2, &profile->quantity, &value_scale, error))
            return NULL;
          header = FALSE;
          continue;
        }

      if (times->len >= PS_PROFILE_MAX_SAMPLES)
        {
          fail_at (&reader, at1, error, PS_ENGINE_ERROR_LIMIT,
                   "more than %d samples, expected at most %d",
                   PS_PROFILE_MAX_SAMPLES, PS_PROFILE_MAX_SAMPLES);
          return NULL;
        }
      if (!read_number (&reader, f1, at1, "time", &t, error)
          || !read_number (&reader, f2, at2, "load", &v, error))
        return NULL;
      t *= time_scale;
      v *= value_scale;

      if (times->len == 0 && t != 0.0)
        {
          fail_at (&reader, at1, error, PS_ENGINE_ERROR_INVALID,
                   "the first time is %s, expected 0 (a profile starts with its step)", f1);
          return NULL;
        }
      if (times->len > 0 && !(t > g_array_index (times, double, times->len - 1)))
        {
          fail_at (&reader, at1, error, PS_ENGINE_ERROR_INVALID,
                   "the time %s is not after the line before's, expected increasing times",
                   f1);
          return NULL;
        }
      g_array_append_val (times, t);
      g_array_append_val (values, v);
    }

  if (header)
    {
      g_set_error (error, PS_ENGINE_ERROR, PS_ENGINE_ERROR_PARSE,
                   "%s: empty, expected a header such as \"time [s], current [A]\" "
                   "and at least two lines of samples", name);
      return NULL;
    }
  if (times->len < 2)
    {
      g_set_error (error, PS_ENGINE_ERROR, PS_ENGINE_ERROR_INVALID,
                   "%s: %u sample%s, expected at least two (from time 0 on)", name,
                   times->len, times->len == 1 ? "" : "s");
      return NULL;
    }

  profile->n_samples = times->len;
  profile->time_s = (double *) (gpointer) g_array_free (g_steal_pointer (&times), FALSE);
  profile->value = (double *) (gpointer) g_array_free (g_steal_pointer (&values), FALSE);
  return g_steal_pointer (&profile);
}

PsProfile *
ps_profile_new_from_file (const char  *path,
                          GError     **error)
{
  g_autoptr(GFile) file = NULL;
  g_autoptr(GFileInfo) info = NULL;
  g_autoptr(GError) local_error = NULL;
  g_autofree char *data = NULL;
  gsize length = 0;

  g_return_val_if_fail (path != NULL, NULL);

  file = g_file_new_for_path (path);
  info = g_file_query_info (file, G_FILE_ATTRIBUTE_STANDARD_SIZE "," G_FILE_ATTRIBUTE_STANDARD_TYPE,
                            G_FILE_QUERY_INFO_NONE, NULL, &local_error);
  if (info == NULL)
    {
      g_set_error (error, PS_ENGINE_ERROR,
                   g_error_matches (local_error, G_IO_ERROR, G_IO_ERROR_NOT_FOUND)
                   ? PS_ENGINE_ERROR_NOT_FOUND : PS_ENGINE_ERROR_IO,
                   "%s: %s", path, local_error->message);
      return NULL;
    }
  if (g_file_info_get_file_type (info) != G_FILE_TYPE_REGULAR)
    {
      g_set_error (error, PS_ENGINE_ERROR, PS_ENGINE_ERROR_IO,
                   "%s: not a regular file, expected a CSV file", path);
      return NULL;
    }
  if (g_file_info_get_size (info) > PS_PROFILE_MAX_FILE_BYTES)
    {
      g_set_error (error, PS_ENGINE_ERROR, PS_ENGINE_ERROR_LIMIT,
                   "%s: %" G_GOFFSET_FORMAT " bytes, expected at most %d", path,
                   g_file_info_get_size (info), PS_PROFILE_MAX_FILE_BYTES);
      return NULL;
    }
  if (!g_file_get_contents (path, &data, &length, &local_error))
    {
      g_set_error (error, PS_ENGINE_ERROR, PS_ENGINE_ERROR_IO, "%s: %s", path,
                   local_error->message);
      return NULL;
    }
  return ps_profile_new_from_data (path, data, length, error);
}

void
ps_profile_free (PsProfile *profile)
{
  if (profile == NULL)
    return;
  g_free (profile->time_s);
  g_free (profile->value);
  g_free (profile->name);
  g_free (profile);
}

double
ps_profile_get_period (const PsProfile *profile)
{
  g_return_val_if_fail (profile != NULL && profile->n_samples >= 2, 0.0);
  return profile->time_s[profile->n_samples - 1];
}

double
ps_profile_locate (const PsProfile *profile,
                   double           t,
                   double          *interval_end_s)
{
  double period, base, tau, eps;
  guint lo, hi;

  g_return_val_if_fail (profile != NULL && profile->n_samples >= 2, 0.0);

  period = ps_profile_get_period (profile);
  /* times this close to a sample belong to the interval after it */
  eps = 1e-9 * MAX (1.0, period);
  base = floor (MAX (t, 0.0) / period) * period;
  tau = t - base;
  if (tau >= period - eps)
    {
      base += period;
      tau = 0.0;
    }

  /* the last sample at or before tau */
  lo = 0;
  hi = profile->n_samples - 1;
  while (hi - lo > 1)
    {
      guint mid = lo + (hi - lo) / 2;

      if (profile->time_s[mid] <= tau + eps)
        lo = mid;
      else
        hi = mid;
    }

  if (interval_end_s != NULL)
    *interval_end_s = base + profile->time_s[lo + 1];
  return 0.5 * (profile->value[lo] + profile->value[lo + 1]);
}

const char *
ps_profile_quantity_to_string (PsProfileQuantity quantity)
{
  switch (quantity)
    {
    case PS_PROFILE_CURRENT: return "current";
    case PS_PROFILE_C_RATE:  return "C-rate";
    case PS_PROFILE_POWER:   return "power";
    default:                 return "unknown";
    }
}
