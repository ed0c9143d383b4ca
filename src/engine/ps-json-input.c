/* ps-json-input.c: what JSON text from outside must pass around json-glib
 *
 * Before parsing: a depth guard that reads the text the way json-glib's
 * scanner does (json-glib 1.6 recurses once per nesting level, so a deep
 * enough text exhausts the stack). After parsing: every string and member
 * name is valid UTF-8 (json-glib turns an unpaired \uDC00-\uDFFF escape into
 * bytes that are not, and would write them back). Kept apart from ps-json.c,
 * which validates the parsed values member by member.
 */
#include "config.h"

#include "ps-error.h"
#include "ps-json-private.h"

/* How json-glib reads the text: "..." strings with backslash escapes, '...'
 * strings without escapes, and comments that run from one '/' to the next (its
 * comment pair is "//": a '/' opens a comment and the next '/' closes it, so
 * a C comment is one comment and "// x" opens one that runs to the next
 * slash). Nothing else (numbers, identifiers, punctuation) can contain a
 * bracket, so every bracket json-glib sees is counted here. A NUL ends the
 * text for json-glib and ends the count here; so does an unterminated string
 * or comment, where json-glib fails without reading on. */
gboolean
_ps_json_check_depth (const char  *data,
                      gsize        length,
                      guint        max_depth,
                      const char  *source,
                      GError     **error)
{
  guint depth = 0;
  gsize i = 0;

  while (i < length && data[i] != '\0')
    {
      char c = data[i++];

      switch (c)
        {
        case '"':
          while (i < length && data[i] != '\0' && data[i] != '"')
            {
              if (data[i] == '\\' && i + 1 < length)
                i++;
              i++;
            }
          i++;
          break;

        case '\'':
          while (i < length && data[i] != '\0' && data[i] != '\'')
            i++;
          i++;
          break;

        case '/':
          while (i < length && data[i] != '\0' && data[i] != '/')
            i++;
          i++;
          break;

        case '{':
        case '[':
          if (++depth > max_depth)
            return _ps_json_set_error (error, PS_ENGINE_ERROR_LIMIT, source, "$",
                                       "expected JSON nested at most %u levels deep",
                                       max_depth);
          break;

        case '}':
        case ']':
          if (depth > 0)
            depth--;
          break;

        default:
          break;
        }
    }

  return TRUE;
}

static gboolean
check_text (const char  *text,
            const char  *source,
            const char  *path,
            const char  *what,
            GError     **error)
{
  if (g_utf8_validate (text, -1, NULL))
    return TRUE;
  return _ps_json_set_error (error, PS_ENGINE_ERROR_PARSE, source, path,
                             "expected %s of valid Unicode, got an unpaired UTF-16 "
                             "surrogate (a \\uD800-\\uDFFF escape without its pair)", what);
}

/* Every string value and member name under node is valid UTF-8; the error
 * names the JSON path of the first that is not. */
gboolean
_ps_json_check_text (JsonNode    *node,
                     const char  *source,
                     const char  *path,
                     GError     **error)
{
  if (JSON_NODE_HOLDS_OBJECT (node))
    {
      JsonObject *object = json_node_get_object (node);
      g_autoptr(GList) members = json_object_get_members (object);

      for (const GList *l = members; l != NULL; l = l->next)
        {
          g_autofree char *member_path = NULL;

          if (!check_text (l->data, source, path, "member names", error))
            return FALSE;
          member_path = _ps_json_member_path (path, l->data);
          if (!_ps_json_check_text (json_object_get_member (object, l->data),
                                    source, member_path, error))
            return FALSE;
        }
    }
  else if (JSON_NODE_HOLDS_ARRAY (node))
    {
      JsonArray *array = json_node_get_array (node);

      for (guint i = 0; i < json_array_get_length (array); i++)
        {
          g_autofree char *element_path = _ps_json_index_path (path, i);

          if (!_ps_json_check_text (json_array_get_element (array, i),
                                    source, element_path, error))
            return FALSE;
        }
    }
  else if (_ps_json_node_is_string (node))
    return check_text (json_node_get_string (node), source, path, "a string", error);

  return TRUE;
}

JsonNode *
_ps_json_parse_text (const char  *data,
                     gsize        length,
                     const char  *source,
                     GError     **error)
{
  g_autoptr(JsonParser) parser = json_parser_new_immutable ();
  g_autoptr(GError) local_error = NULL;

  if (!_ps_json_check_depth (data, length, PS_JSON_MAX_DEPTH, source, error)
      || !_ps_json_check_no_nul_escapes (data, length, source, error))
    return NULL;
  if (!json_parser_load_from_data (parser, data, length, &local_error))
    {
      /* json-glib quotes the text it stopped at, which may hold the bytes of
       * an unpaired surrogate escape: keep the message valid UTF-8 */
      g_autofree char *valid = g_utf8_make_valid (local_error->message, -1);

      g_set_error (error, PS_ENGINE_ERROR, PS_ENGINE_ERROR_PARSE,
                   "%s: not valid JSON: %s", source, valid);
      return NULL;
    }
  /* (json-glib reads an empty or blank text as a document without a root) */
  if (json_parser_get_root (parser) == NULL)
    {
      g_set_error (error, PS_ENGINE_ERROR, PS_ENGINE_ERROR_PARSE,
                   "%s: $: expected a JSON object, got an empty document", source);
      return NULL;
    }
  if (!_ps_json_check_text (json_parser_get_root (parser), source, "$", error))
    return NULL;
  return json_node_copy (json_parser_get_root (parser));
}

JsonNode *
_ps_json_load_file (const char  *path,
                    gsize        max_size,
                    const char  *what,
                    GError     **error)
{
  g_autoptr(GError) local_error = NULL;
  g_autofree char *data = NULL;
  gsize length = 0;

  if (!g_file_get_contents (path, &data, &length, &local_error))
    {
      g_set_error (error, PS_ENGINE_ERROR,
                   g_error_matches (local_error, G_FILE_ERROR, G_FILE_ERROR_NOENT)
                   ? PS_ENGINE_ERROR_NOT_FOUND : PS_ENGINE_ERROR_IO,
                   "%s: cannot read the %s: %s", path, what, local_error->message);
      return NULL;
    }
  if (length > max_size)
    {
      g_set_error (error, PS_ENGINE_ERROR, PS_ENGINE_ERROR_LIMIT,
                   "%s: expected a %s of at most %" G_GSIZE_FORMAT " bytes, got %" G_GSIZE_FORMAT,
                   path, what, max_size, length);
      return NULL;
    }
  return _ps_json_parse_text (data, length, path, error);
}
