/* ps-json-private.h: strict-JSON validation helpers shared by the loaders
 *
 * Internal to the engine (cell types, packs, scenarios); not installed and
 * not part of the contract. Every error is in PS_ENGINE_ERROR and reads
 * "source: path: what", where path is a JSON path such as "$.ocv.soc[3]".
 */
#pragma once

#include <glib.h>
#include <json-glib/json-glib.h>

G_BEGIN_DECLS

/* How a number read with _ps_json_read_number must lie; every kind also
 * requires a finite value of magnitude <= 1e12. */
typedef enum
{
  PS_JSON_RANGE_ANY,           /* finite */
  PS_JSON_RANGE_POSITIVE,      /* > 0 */
  PS_JSON_RANGE_NON_NEGATIVE,  /* >= 0 */
  PS_JSON_RANGE_FRACTION,      /* 0 .. 1 */
} PsJsonRange;

/* How _ps_json_read_number_between words a number out of its bounds; each
 * loader keeps the wording its users already see. */
typedef enum
{
  PS_JSON_WORDING_INTERVAL,  /* "expected a number in (0, 10], got 12" */
  PS_JSON_WORDING_PROSE,     /* "expected a number from 0 to 1, got 1.5" */
} PsJsonWording;

/* Refuses "\u0000" escapes in strings, naming the string's path. */
gboolean     _ps_json_check_no_nul_escapes (const char          *data,
                                            gsize                length,
                                            const char          *source,
                                            GError             **error);
gboolean     _ps_json_set_error            (GError             **error,
                                            int                  code,
                                            const char          *source,
                                            const char          *path,
                                            const char          *format,
                                            ...) G_GNUC_PRINTF (5, 6);

/* How deep the loaders let JSON from outside nest (a scenario with its pack
 * and cell inline needs 6 levels) */
#define PS_JSON_MAX_DEPTH 64

/* Nesting deeper than max_depth (counted as json-glib reads the text) is an
 * error; call before json_parser_load_from_data on text from outside. */
gboolean     _ps_json_check_depth          (const char          *data,
                                            gsize                length,
                                            guint                max_depth,
                                            const char          *source,
                                            GError             **error);

/* The text parsed with every check above (depth, NUL escapes, UTF-8):
 * a new node, or NULL with an error naming source. */
JsonNode    *_ps_json_parse_text           (const char          *data,
                                            gsize                length,
                                            const char          *source,
                                            GError             **error);
/* A file of at most max_size bytes, parsed so; what names it in errors
 * ("parameter set", "BPX file"). */
JsonNode    *_ps_json_load_file            (const char          *path,
                                            gsize                max_size,
                                            const char          *what,
                                            GError             **error);

/* Every string and member name under node is valid UTF-8 (json-glib lets an
 * unpaired surrogate escape through); call on a tree parsed from outside. */
gboolean     _ps_json_check_text           (JsonNode            *node,
                                            const char          *source,
                                            const char          *path,
                                            GError             **error);

char        *_ps_json_member_path          (const char          *path,
                                            const char          *member);
char        *_ps_json_index_path           (const char          *path,
                                            guint                index);

const char  *_ps_json_node_kind            (JsonNode            *node);
gboolean     _ps_json_node_is_number       (JsonNode            *node);
gboolean     _ps_json_node_is_string       (JsonNode            *node);

const char  *_ps_json_find_unknown_member  (JsonObject          *object,
                                            const char * const  *allowed);
gboolean     _ps_json_check_members        (JsonObject          *object,
                                            const char * const  *allowed,
                                            const char          *source,
                                            const char          *path,
                                            GError             **error);
gboolean     _ps_json_get_object           (JsonNode            *node,
                                            const char          *source,
                                            const char          *path,
                                            JsonObject         **out,
                                            GError             **error);

const char  *_ps_json_range_text           (PsJsonRange          range);
gboolean     _ps_json_in_range             (double               value,
                                            PsJsonRange          range);
gboolean     _ps_json_read_number          (JsonNode            *node,
                                            PsJsonRange          range,
                                            const char          *source,
                                            const char          *path,
                                            double              *out,
                                            GError             **error);
gboolean     _ps_json_read_number_between  (JsonNode            *node,
                                            double               min,
                                            gboolean             min_exclusive,
                                            double               max,
                                            PsJsonWording        wording,
                                            const char          *unit,
                                            const char          *source,
                                            const char          *path,
                                            double              *out,
                                            GError             **error);

void         _ps_json_builder_add_double   (JsonBuilder         *builder,
                                            const char          *member,
                                            double               value);
void         _ps_json_builder_add_int      (JsonBuilder         *builder,
                                            const char          *member,
                                            gint64               value);
void         _ps_json_builder_add_string   (JsonBuilder         *builder,
                                            const char          *member,
                                            const char          *value);
void         _ps_json_builder_add_doubles  (JsonBuilder         *builder,
                                            const char          *member,
                                            const double        *values,
                                            guint                n,
                                            double               scale);

G_END_DECLS
