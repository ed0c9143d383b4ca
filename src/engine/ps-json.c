/* ps-json.c: strict-JSON validation helpers shared by the loaders
 *
 * One copy of what ps-cell-type.c, ps-pack-json.c and ps-scenario.c each need to
 * validate their input: errors that name the source and JSON path, path
 * building, node kind names, number and member checks. The loaders keep the
 * wording of their own messages where it differs; what is here is worded the
 * same for all of them.
 */
#include "config.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "ps-error.h"
#include "ps-json-private.h"

/* ---------------------------------------------------------------- errors */

/* Sets "source: path: what" and returns FALSE, so a reader can
 * "return _ps_json_set_error (...)". */
gboolean
_ps_json_set_error (GError     **error,
                    int          code,
                    const char  *source,
                    const char  *path,
                    const char  *format,
                    ...)
{
  g_autofree char *what = NULL;
  va_list args;

  va_start (args, format);
  what = g_strdup_vprintf (format, args);
  va_end (args);

  g_set_error (error, PS_ENGINE_ERROR, code, "%s: %s: %s", source, path, what);
  return FALSE;
}

/* ----------------------------------------------------------------- paths */

char *
_ps_json_member_path (const char *path,
                      const char *member)
{
  return g_strdup_printf ("%s.%s", path, member);
}

char *
_ps_json_index_path (const char *path,
                     guint       index)
{
  return g_strdup_printf ("%s[%u]", path, index);
}

/* ----------------------------------------------------------------- nodes */

/* What a node holds, worded for "expected ..., got %s". */
const char *
_ps_json_node_kind (JsonNode *node)
{
  if (node == NULL || JSON_NODE_HOLDS_NULL (node))
    return "null";
  if (JSON_NODE_HOLDS_OBJECT (node))
    return "an object";
  if (JSON_NODE_HOLDS_ARRAY (node))
    return "an array";

  switch (json_node_get_value_type (node))
    {
    case G_TYPE_BOOLEAN:
      return "a boolean";
    case G_TYPE_STRING:
      return "a string";
    case G_TYPE_INT64:
    case G_TYPE_DOUBLE:
      return "a number";
    default:
      /* the parser only makes the four kinds above */
      return "a value";
    }
}

gboolean
_ps_json_node_is_number (JsonNode *node)
{
  GType type;

  if (node == NULL || !JSON_NODE_HOLDS_VALUE (node))
    return FALSE;
  type = json_node_get_value_type (node);
  return type == G_TYPE_INT64 || type == G_TYPE_DOUBLE;
}

gboolean
_ps_json_node_is_string (JsonNode *node)
{
  return node != NULL && JSON_NODE_HOLDS_VALUE (node) &&
         json_node_get_value_type (node) == G_TYPE_STRING;
}

/* --------------------------------------------------------------- members */

/* The first member of object not in allowed (owned by object), or NULL. */
const char *
_ps_json_find_unknown_member (JsonObject         *object,
                              const char * const *allowed)
{
  g_autoptr(GList) members = json_object_get_members (object);

  for (const GList *l = members; l != NULL; l = l->next)
    if (!g_strv_contains (allowed, l->data))
      return l->data;
  return NULL;
}

/* Unknown members are errors: they are usually typos that would otherwise
 * be silently ignored. The error names the member's own path. */
gboolean
_ps_json_check_members (JsonObject         *object,
                        const char * const *allowed,
                        const char         *source,
                        const char         *path,
                        GError            **error)
{
  const char *unknown = _ps_json_find_unknown_member (object, allowed);
  g_autofree char *mpath = NULL;
  g_autofree char *expected = NULL;

  if (unknown == NULL)
    return TRUE;

  mpath = _ps_json_member_path (path, unknown);
  expected = g_strjoinv (", ", (char **) allowed);
  return _ps_json_set_error (error, PS_ENGINE_ERROR_INVALID, source, mpath,
                             "unknown member (expected one of: %s)", expected);
}

gboolean
_ps_json_get_object (JsonNode     *node,
                     const char   *source,
                     const char   *path,
                     JsonObject  **out,
                     GError      **error)
{
  if (node == NULL || !JSON_NODE_HOLDS_OBJECT (node))
    return _ps_json_set_error (error, PS_ENGINE_ERROR_INVALID, source, path,
                               "expected an object, got %s", _ps_json_node_kind (node));
  *out = json_node_get_object (node);
  return TRUE;
}

/* --------------------------------------------------------------- numbers */

const char *
_ps_json_range_text (PsJsonRange range)
{
  switch (range)
    {
    case PS_JSON_RANGE_POSITIVE:
      return "a finite number > 0";
    case PS_JSON_RANGE_NON_NEGATIVE:
      return "a finite number >= 0";
    case PS_JSON_RANGE_FRACTION:
      return "a number from 0 to 1";
    case PS_JSON_RANGE_ANY:
    default:
      return "a finite number";
    }
}

gboolean
_ps_json_in_range (double      value,
                   PsJsonRange range)
{
  if (!isfinite (value) || fabs (value) > 1e12)
    return FALSE;
  switch (range)
    {
    case PS_JSON_RANGE_POSITIVE:
      return value > 0.0;
    case PS_JSON_RANGE_NON_NEGATIVE:
      return value >= 0.0;
    case PS_JSON_RANGE_FRACTION:
      return value >= 0.0 && value <= 1.0;
    case PS_JSON_RANGE_ANY:
    default:
      return TRUE;
    }
}

gboolean
_ps_json_read_number (JsonNode    *node,
                      PsJsonRange  range,
                      const char  *source,
                      const char  *path,
                      double      *out,
                      GError     **error)
{
  double value;

  if (!_ps_json_node_is_number (node))
    return _ps_json_set_error (error, PS_ENGINE_ERROR_INVALID, source, path,
                               "expected %s, got %s", _ps_json_range_text (range),
                               _ps_json_node_kind (node));
  value = json_node_get_double (node);
  if (!_ps_json_in_range (value, range))
    return _ps_json_set_error (error, PS_ENGINE_ERROR_INVALID, source, path,
                               "expected %s, got %g", _ps_json_range_text (range), value);
  *out = value;
  return TRUE;
}

/* A finite number in [min, max], or in (min, max] when min_exclusive. unit
 * (may be NULL) is named in PS_JSON_WORDING_PROSE messages only. */
gboolean
_ps_json_read_number_between (JsonNode       *node,
                              double          min,
                              gboolean        min_exclusive,
                              double          max,
                              PsJsonWording   wording,
                              const char     *unit,
                              const char     *source,
                              const char     *path,
                              double         *out,
                              GError        **error)
{
  gboolean prose = wording == PS_JSON_WORDING_PROSE;
  double value;

  if (unit == NULL || !prose)
    unit = "";

  if (!_ps_json_node_is_number (node))
    return _ps_json_set_error (error, PS_ENGINE_ERROR_INVALID, source, path,
                               "expected a number%s%s, got %s",
                               unit[0] ? " in " : "", unit, _ps_json_node_kind (node));

  value = json_node_get_double (node);
  if (!isfinite (value))
    {
      if (prose)
        return _ps_json_set_error (error, PS_ENGINE_ERROR_INVALID, source, path,
                                   "expected a finite number, got %g", value);
      return _ps_json_set_error (error, PS_ENGINE_ERROR_INVALID, source, path,
                                 "expected a finite number");
    }

  if ((min_exclusive ? value <= min : value < min) || value > max)
    {
      if (prose)
        return _ps_json_set_error (error, PS_ENGINE_ERROR_INVALID, source, path,
                                   "expected a number %s %g %s %g%s%s, got %.15g",
                                   min_exclusive ? "above" : "from", min,
                                   min_exclusive ? "and at most" : "to", max,
                                   unit[0] ? " " : "", unit, value);
      return _ps_json_set_error (error, PS_ENGINE_ERROR_INVALID, source, path,
                                 "expected a number in %s%g, %g], got %g",
                                 min_exclusive ? "(" : "[", min, max, value);
    }

  *out = value;
  return TRUE;
}

/* --------------------------------------------------------------- writing */

void
_ps_json_builder_add_double (JsonBuilder *builder,
                             const char  *member,
                             double       value)
{
  json_builder_set_member_name (builder, member);
  json_builder_add_double_value (builder, value);
}

void
_ps_json_builder_add_int (JsonBuilder *builder,
                          const char  *member,
                          gint64       value)
{
  json_builder_set_member_name (builder, member);
  json_builder_add_int_value (builder, value);
}

void
_ps_json_builder_add_string (JsonBuilder *builder,
                             const char  *member,
                             const char  *value)
{
  json_builder_set_member_name (builder, member);
  json_builder_add_string_value (builder, value);
}

/* The number to write for value in a unit the loader converts back with
 * (written - offset) * (1 / scale): of the numbers near value * scale +
 * offset, the one with the fewest significant digits that converts back to
 * exactly value. A dU/dT of 0.21 mV/K is stored as 2.1e-4 V/K, and
 * 2.1e-4 * 1e3 is 0.21000000000000002: "0.21" reads back as the same 2.1e-4,
 * so that is written. */
double
_ps_json_shortest_converted (double value,
                             double scale,
                             double offset)
{
  double target = value * scale + offset;

  if (!isfinite (target))
    return target;

  for (int digits = 1; digits <= 17; digits++)
    {
      char buf[PS_JSON_DOUBLE_BUF_SIZE];
      char format[8];
      double written;

      g_snprintf (format, sizeof format, "%%.%de", digits - 1);
      g_ascii_formatd (buf, sizeof buf, format, target);
      written = g_ascii_strtod (buf, NULL);
      if ((written - offset) * (1.0 / scale) == value)
        return written;
    }
  return target;
}

/* member: a temperature in degrees Celsius, from kelvin */
void
_ps_json_builder_add_celsius (JsonBuilder *builder,
                              const char  *member,
                              double       value_k)
{
  _ps_json_builder_add_double (builder, member,
                               _ps_json_shortest_converted (value_k, 1.0, -PS_JSON_ZERO_C_IN_K));
}

/* member: [values[0] * scale, ...], each read back exactly by a loader
 * that multiplies by 1 / scale */
void
_ps_json_builder_add_doubles (JsonBuilder  *builder,
                              const char   *member,
                              const double *values,
                              guint         n,
                              double        scale)
{
  json_builder_set_member_name (builder, member);
  json_builder_begin_array (builder);
  for (guint i = 0; i < n; i++)
    json_builder_add_double_value (builder, _ps_json_shortest_converted (values[i], scale, 0.0));
  json_builder_end_array (builder);
}

/* ------------------------------------------------------------ generating */

/* The shortest text that reads back as exactly value: the fewest significant
 * digits (1 to 17) whose strtod gives the same double, so 2e-4 is written
 * "0.0002", not "0.00020000000000000001" as "%.17g" has it. A value that
 * looks like an integer keeps a ".0", so it stays a double when read. */
void
_ps_json_format_double (char   buf[PS_JSON_DOUBLE_BUF_SIZE],
                        double value)
{
  if (!isfinite (value))
    {
      /* JSON has no such number; the loaders refuse them, so no writer
       * gets here with one */
      g_strlcpy (buf, "null", PS_JSON_DOUBLE_BUF_SIZE);
      return;
    }

  char format[8];
  int digits, exponent;

  for (digits = 1; digits < 17; digits++)
    {
      g_snprintf (format, sizeof format, "%%.%de", digits - 1);
      g_ascii_formatd (buf, PS_JSON_DOUBLE_BUF_SIZE, format, value);
      if (g_ascii_strtod (buf, NULL) == value)
        break;
    }

  /* the same digits without an exponent where that reads better
   * (3600.0, 0.0002), as "%g" would choose for its precision */
  g_snprintf (format, sizeof format, "%%.%de", digits - 1);
  g_ascii_formatd (buf, PS_JSON_DOUBLE_BUF_SIZE, format, value);
  exponent = atoi (strchr (buf, 'e') + 1);
  if (exponent >= -5 && exponent < 17)
    {
      g_snprintf (format, sizeof format, "%%.%df", MAX (digits - 1 - exponent, 0));
      g_ascii_formatd (buf, PS_JSON_DOUBLE_BUF_SIZE, format, value);
    }

  if (strpbrk (buf, ".eE") == NULL)
    g_strlcat (buf, ".0", PS_JSON_DOUBLE_BUF_SIZE);
}

static void
generate_string (GString    *out,
                 const char *text)
{
  g_string_append_c (out, '"');
  for (const char *p = text; *p != '\0'; p++)
    {
      unsigned char c = (unsigned char) *p;

      switch (c)
        {
        case '"':
          g_string_append (out, "\\\"");
          break;
        case '\\':
          g_string_append (out, "\\\\");
          break;
        case '\n':
          g_string_append (out, "\\n");
          break;
        case '\t':
          g_string_append (out, "\\t");
          break;
        case '\r':
          g_string_append (out, "\\r");
          break;
        default:
          if (c < 0x20 || c == 0x7f)
            g_string_append_printf (out, "\\u%04x", c);
          else
            g_string_append_c (out, (char) c);
        }
    }
  g_string_append_c (out, '"');
}

static gboolean
node_is_scalar (JsonNode *node)
{
  return node == NULL || !(JSON_NODE_HOLDS_OBJECT (node) || JSON_NODE_HOLDS_ARRAY (node));
}

static void
generate_node (GString  *out,
               JsonNode *node,
               guint     depth)
{
  if (node == NULL || JSON_NODE_HOLDS_NULL (node))
    g_string_append (out, "null");
  else if (JSON_NODE_HOLDS_OBJECT (node))
    {
      JsonObject *object = json_node_get_object (node);
      g_autoptr(GList) members = json_object_get_members (object);

      if (members == NULL)
        {
          g_string_append (out, "{}");
          return;
        }
      g_string_append (out, "{\n");
      for (const GList *l = members; l != NULL; l = l->next)
        {
          g_string_append_printf (out, "%*s", (int) (2 * (depth + 1)), "");
          generate_string (out, l->data);
          g_string_append (out, ": ");
          generate_node (out, json_object_get_member (object, l->data), depth + 1);
          g_string_append (out, l->next != NULL ? ",\n" : "\n");
        }
      g_string_append_printf (out, "%*s}", (int) (2 * depth), "");
    }
  else if (JSON_NODE_HOLDS_ARRAY (node))
    {
      JsonArray *array = json_node_get_array (node);
      guint n = json_array_get_length (array);
      gboolean inline_values = TRUE;

      if (n == 0)
        {
          g_string_append (out, "[]");
          return;
        }
      /* numbers, points and tables read best on one line */
      for (guint i = 0; i < n && inline_values; i++)
        {
          JsonNode *element = json_array_get_element (array, i);

          inline_values = node_is_scalar (element) && !_ps_json_node_is_string (element);
        }
      if (inline_values)
        {
          g_string_append_c (out, '[');
          for (guint i = 0; i < n; i++)
            {
              if (i > 0)
                g_string_append (out, ", ");
              generate_node (out, json_array_get_element (array, i), depth + 1);
            }
          g_string_append_c (out, ']');
          return;
        }
      g_string_append (out, "[\n");
      for (guint i = 0; i < n; i++)
        {
          g_string_append_printf (out, "%*s", (int) (2 * (depth + 1)), "");
          generate_node (out, json_array_get_element (array, i), depth + 1);
          g_string_append (out, i + 1 < n ? ",\n" : "\n");
        }
      g_string_append_printf (out, "%*s]", (int) (2 * depth), "");
    }
  else
    {
      switch (json_node_get_value_type (node))
        {
        case G_TYPE_BOOLEAN:
          g_string_append (out, json_node_get_boolean (node) ? "true" : "false");
          break;
        case G_TYPE_INT64:
          g_string_append_printf (out, "%" G_GINT64_FORMAT, json_node_get_int (node));
          break;
        case G_TYPE_DOUBLE:
          {
            char buf[PS_JSON_DOUBLE_BUF_SIZE];

            _ps_json_format_double (buf, json_node_get_double (node));
            g_string_append (out, buf);
          }
          break;
        case G_TYPE_STRING:
          generate_string (out, json_node_get_string (node));
          break;
        default:
          g_string_append (out, "null");
        }
    }
}

/* root as indented JSON text ending in a newline, every double in its
 * shortest exact form (_ps_json_format_double); json-glib's generator
 * writes 17 significant digits. */
char *
_ps_json_to_data (JsonNode *root)
{
  GString *out = g_string_new (NULL);

  generate_node (out, root, 0);
  g_string_append_c (out, '\n');
  return g_string_free (out, FALSE);
}

/* ------------------------------------------------------- NUL in strings */

typedef struct
{
  gboolean  array;
  guint     index;        /* arrays */
  char     *key;          /* objects: the member being read */
  gboolean  want_key;     /* objects: the next string is a member name */
} NulScanFrame;

static char *
nul_scan_path (GArray *stack)
{
  GString *path = g_string_new ("$");

  for (guint i = 0; i < stack->len; i++)
    {
      NulScanFrame *f = &g_array_index (stack, NulScanFrame, i);

      if (f->array)
        g_string_append_printf (path, "[%u]", f->index);
      else if (f->key != NULL && !f->want_key)
        g_string_append_printf (path, ".%s", f->key);
    }
  return g_string_free (path, FALSE);
}

static void
nul_scan_frame_clear (gpointer data)
{
  g_free (((NulScanFrame *) data)->key);
}

/* json-glib turns a "\u0000" escape into a NUL that silently ends the C
 * string (a protocol would lose everything after it), so such escapes are
 * refused up front, naming the string's JSON path. Only strings are looked
 * at; anything malformed is left for the parser to report. */
gboolean
_ps_json_check_no_nul_escapes (const char  *data,
                               gsize        length,
                               const char  *source,
                               GError     **error)
{
  g_autoptr(GArray) stack = g_array_new (FALSE, TRUE, sizeof (NulScanFrame));
  gsize i = 0;

  g_array_set_clear_func (stack, nul_scan_frame_clear);

  while (i < length)
    {
      NulScanFrame *top = stack->len > 0 ? &g_array_index (stack, NulScanFrame, stack->len - 1) : NULL;
      char c = data[i];

      if (c == '{' || c == '[')
        {
          NulScanFrame f = { c == '[', 0, NULL, c == '{' };

          g_array_append_val (stack, f);
          i++;
        }
      else if (c == '}' || c == ']')
        {
          if (stack->len > 0)
            g_array_set_size (stack, stack->len - 1);
          i++;
        }
      else if (c == ',' && top != NULL)
        {
          if (top->array)
            top->index++;
          else
            top->want_key = TRUE;
          i++;
        }
      else if (c == ':' && top != NULL && !top->array)
        {
          top->want_key = FALSE;
          i++;
        }
      else if (c == '"')
        {
          gsize start = ++i;
          gboolean has_nul = FALSE;

          while (i < length && data[i] != '"')
            {
              if (data[i] == '\\' && i + 1 < length)
                {
                  if (data[i + 1] == 'u' && i + 5 < length &&
                      strncmp (data + i + 2, "0000", 4) == 0)
                    has_nul = TRUE;
                  i += 2;
                }
              else
                i++;
            }
          if (top != NULL && !top->array && top->want_key)
            {
              g_free (top->key);
              top->key = g_strndup (data + start, i - start);
            }
          if (has_nul)
            {
              g_autofree char *path = nul_scan_path (stack);
              gboolean is_key = top != NULL && !top->array && top->want_key;

              return _ps_json_set_error (error, PS_ENGINE_ERROR_PARSE, source, path,
                                         "a \\u0000 (NUL) escape in %s is not allowed "
                                         "(it would cut the text short)",
                                         is_key ? "a member name" : "a string");
            }
          i++;
        }
      else
        i++;
    }

  return TRUE;
}

gboolean
_ps_json_read_member_between (JsonObject  *object,
                              const char  *member,
                              double       min,
                              gboolean     min_exclusive,
                              double       max,
                              const char  *unit,
                              const char  *source,
                              const char  *base,
                              double      *out,
                              gboolean    *found,
                              GError     **error)
{
  g_autofree char *path = NULL;
  JsonNode *node = json_object_get_member (object, member);

  if (found != NULL)
    *found = node != NULL;
  if (node == NULL)
    return TRUE;

  path = _ps_json_member_path (base, member);
  return _ps_json_read_number_between (node, min, min_exclusive, max, PS_JSON_WORDING_PROSE,
                                       unit, source, path, out, error);
}
