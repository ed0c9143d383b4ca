/* ps-input-file.c: reading a file from outside within a size limit */
#include "config.h"

#include <gio/gio.h>

#include "ps-error.h"
#include "ps-input-file-private.h"

gboolean
_ps_input_file_read (const char  *path,
                     const char  *what,
                     goffset      max_bytes,
                     char       **data,
                     gsize       *length,
                     GError     **error)
{
  g_autoptr(GFile) file = NULL;
  g_autoptr(GFileInfo) info = NULL;
  g_autoptr(GError) local_error = NULL;

  g_return_val_if_fail (path != NULL, FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  file = g_file_new_for_path (path);
  info = g_file_query_info (file, G_FILE_ATTRIBUTE_STANDARD_SIZE "," G_FILE_ATTRIBUTE_STANDARD_TYPE,
                            G_FILE_QUERY_INFO_NONE, NULL, &local_error);
  if (info == NULL)
    {
      gboolean missing = g_error_matches (local_error, G_IO_ERROR, G_IO_ERROR_NOT_FOUND);

      g_set_error (error, PS_ENGINE_ERROR,
                   missing ? PS_ENGINE_ERROR_NOT_FOUND : PS_ENGINE_ERROR_IO,
                   "%s: %s", path, missing ? "no such file" : local_error->message);
      return FALSE;
    }
  if (g_file_info_get_file_type (info) != G_FILE_TYPE_REGULAR)
    {
      g_set_error (error, PS_ENGINE_ERROR, PS_ENGINE_ERROR_IO,
                   "%s: expected a regular file (a %s)", path, what);
      return FALSE;
    }
  if (g_file_info_get_size (info) > max_bytes)
    {
      g_set_error (error, PS_ENGINE_ERROR, PS_ENGINE_ERROR_LIMIT,
                   "%s: expected a %s of at most %" G_GOFFSET_FORMAT " bytes, got %"
                   G_GOFFSET_FORMAT, path, what, max_bytes, g_file_info_get_size (info));
      return FALSE;
    }
  if (!g_file_load_contents (file, NULL, data, length, NULL, &local_error))
    {
      g_set_error (error, PS_ENGINE_ERROR, PS_ENGINE_ERROR_IO,
                   "%s: cannot read the %s: %s", path, what, local_error->message);
      return FALSE;
    }
  return TRUE;
}
