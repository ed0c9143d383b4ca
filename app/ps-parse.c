/* ps-parse.c: one strict parser for every numeric command-line option */
#include "config.h"

#include <errno.h>
#include <math.h>

#include <gio/gio.h>

#include "ps-parse.h"

/* [+-]? (digits [. digits?] | . digits) ([eE] [+-]? digits)? and nothing else */
static gboolean
is_decimal_number (const char *s)
{
  gboolean digits = FALSE;

  if (*s == '+' || *s == '-')
    s++;
  while (g_ascii_isdigit (*s))
    s++, digits = TRUE;
  if (*s == '.')
    {
      s++;
      while (g_ascii_isdigit (*s))
        s++, digits = TRUE;
    }
  if (!digits)
    return FALSE;
  if (*s == 'e' || *s == 'E')
    {
      s++;
      if (*s == '+' || *s == '-')
        s++;
      if (!g_ascii_isdigit (*s))
        return FALSE;
      while (g_ascii_isdigit (*s))
        s++;
    }
  return *s == '\0';
}

gboolean
ps_parse_double (const char  *option,
                 const char  *text,
                 double       min,
                 gboolean     min_exclusive,
                 double       max,
                 double      *out,
                 GError     **error)
{
  char *end = NULL;
  double value;

  g_return_val_if_fail (option != NULL && out != NULL, FALSE);

  if (text == NULL || !is_decimal_number (text))
    goto bad;
  errno = 0;
  value = g_ascii_strtod (text, &end);
  if (end == NULL || *end != '\0' || !isfinite (value) || (errno == ERANGE && value != 0.0))
    goto bad;
  if ((min_exclusive ? value <= min : value < min) || value > max)
    {
      g_set_error (error, G_OPTION_ERROR, G_OPTION_ERROR_BAD_VALUE,
                   "%s: expected a number %s %g %s %g, got %s",
                   option, min_exclusive ? "above" : "from", min,
                   min_exclusive ? "and at most" : "to", max, text);
      return FALSE;
    }

  *out = value;
  return TRUE;

bad:
  g_set_error (error, G_OPTION_ERROR, G_OPTION_ERROR_BAD_VALUE,
               "%s: expected a decimal number such as 2.5 or 1e-3, got \"%s\"",
               option, text != NULL ? text : "");
  return FALSE;
}

gboolean
ps_parse_uint64 (const char  *option,
                 const char  *text,
                 guint64      min,
                 guint64      max,
                 guint64     *out,
                 GError     **error)
{
  guint64 value = 0;
  const char *s;

  g_return_val_if_fail (option != NULL && out != NULL, FALSE);

  if (text == NULL || *text == '\0')
    goto bad;
  for (s = text; *s != '\0'; s++)
    {
      if (!g_ascii_isdigit (*s))
        goto bad;
      if (value > (G_MAXUINT64 - (guint64) (*s - '0')) / 10)
        goto range;
      value = value * 10 + (guint64) (*s - '0');
    }
  if (value < min || value > max)
    goto range;

  *out = value;
  return TRUE;

range:
  g_set_error (error, G_OPTION_ERROR, G_OPTION_ERROR_BAD_VALUE,
               "%s: expected a whole number from %" G_GUINT64_FORMAT " to %" G_GUINT64_FORMAT
               ", got %s", option, min, max, text);
  return FALSE;

bad:
  g_set_error (error, G_OPTION_ERROR, G_OPTION_ERROR_BAD_VALUE,
               "%s: expected a whole number (digits only), got \"%s\"",
               option, text != NULL ? text : "");
  return FALSE;
}
