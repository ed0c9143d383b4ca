/* fuzz-cell.c: the cell file loader (ps_cell_type_new_from_file, the door a
 * user's cell file comes through) and its JSON round trip.
 */
#include "config.h"

#include <math.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include <glib/gstdio.h>

#include "ps-engine.h"
#include "ps-cell-type-private.h"   /* the JSON round trip */
#include "fuzz-common.h"

static char *path;

static void
remove_file (void)
{
  g_unlink (path);
}

int
LLVMFuzzerTestOneInput (const uint8_t *data,
                        size_t         size)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(PsCellType) cell = NULL;

  if (path == NULL)
    {
      int fd;

      path = g_build_filename (g_get_tmp_dir (), "ps-fuzz-cell-XXXXXX.json", NULL);
      fd = g_mkstemp (path);
      fuzz_check (fd >= 0);
      close (fd);
      atexit (remove_file);
    }
  /* a plain write (g_file_set_contents renames and syncs: slow per input) */
  {
    FILE *f = fopen (path, "wb");

    fuzz_check (f != NULL);
    fuzz_check (fwrite (data, 1, size, f) == size);
    fuzz_check (fclose (f) == 0);
  }

  cell = ps_cell_type_new_from_file (path, &error);
  if (cell == NULL)
    {
      fuzz_check (error != NULL && error->domain == PS_ENGINE_ERROR);
      fuzz_check (g_utf8_validate (error->message, -1, NULL));
      return 0;
    }

  fuzz_check (cell->capacity_ah > 0.0 && isfinite (cell->capacity_ah));
  for (double soc = 0.0; soc <= 1.0; soc += 0.125)
    fuzz_check (isfinite (ps_table_eval (&cell->ocv, soc)));
  {
    g_autoptr(JsonNode) node = ps_cell_type_to_json_node (cell);
    g_autoptr(PsCellType) again = ps_cell_type_new_from_json_node (node, "fuzz", "$", &error);

    if (again == NULL)
      g_printerr ("written back and refused: %s\n", error->message);
    fuzz_check (again != NULL);
  }
  return 0;
}
