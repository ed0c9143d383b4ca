/* ps-input-file-private.h: reading a file from outside (a scenario, a
 * cell, a load profile) within a size limit */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* Reads the regular file at path whole, if it has at most max_bytes.
 * Errors name the path: PS_ENGINE_ERROR_NOT_FOUND when it does not exist,
 * _IO when it is no regular file or cannot be read, _LIMIT when it is
 * larger. what names the file in messages ("scenario", "cell file", ...). */
gboolean _ps_input_file_read (const char  *path,
                              const char  *what,
                              goffset      max_bytes,
                              char       **data,
                              gsize       *length,
                              GError     **error);

G_END_DECLS
