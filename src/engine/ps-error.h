/* ps-error.h: the engine's error domain
 *
 * Every GError the engine raises is in PS_ENGINE_ERROR, and its message says
 * what was wrong and where: the file (or preset id), the JSON path such as
 * "$.pack.modules[3].pitch_m", or the protocol step, then what was expected.
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

#define PS_ENGINE_ERROR (ps_engine_error_quark ())

typedef enum
{
  PS_ENGINE_ERROR_PARSE,      /* not JSON, or not the grammar */
  PS_ENGINE_ERROR_INVALID,    /* well-formed but wrong: type, range, missing member */
  PS_ENGINE_ERROR_NOT_FOUND,  /* unknown preset, cell or pack id; missing file */
  PS_ENGINE_ERROR_LIMIT,      /* over a hard limit (cells, steps, durations) */
  PS_ENGINE_ERROR_IO,         /* reading or writing a file failed */
} PsEngineError;

GQuark ps_engine_error_quark (void);

/* Hard limits that keep a hostile file from exhausting memory. */
#define PS_MAX_CELLS          100000
#define PS_MAX_SERIES          10000
#define PS_MAX_PARALLEL         1000
#define PS_MAX_MODULES          10000
#define PS_MAX_TABLE_POINTS     1000
#define PS_MAX_PROTOCOL_STEPS  10000

G_END_DECLS
