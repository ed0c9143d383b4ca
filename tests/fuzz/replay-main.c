/* replay-main.c: runs a fuzz target over its corpus without libFuzzer
 *
 * Usage: fuzz-<name> FILE-OR-DIRECTORY...  Every regular file (directories
 * one level deep) goes through LLVMFuzzerTestOneInput() once; a crash is a
 * crash, so meson reports the test as failed. TAP output, one line a file.
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fuzz-common.h"

static guint n_run = 0;

static void
run_file (const char *path)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *data = NULL;
  gsize size = 0;

  if (!g_file_get_contents (path, &data, &size, &error))
    {
      g_printerr ("%s\n", error->message);
      exit (1);
    }
  LLVMFuzzerTestOneInput ((const uint8_t *) data, size);
  printf ("ok %u %s\n", ++n_run, path);
  fflush (stdout);
}

static int
compare_names (gconstpointer a,
               gconstpointer b)
{
  return strcmp (*(const char * const *) a, *(const char * const *) b);
}

int
main (int   argc,
      char *argv[])
{
  for (int i = 1; i < argc; i++)
    {
      if (g_file_test (argv[i], G_FILE_TEST_IS_DIR))
        {
          g_autoptr(GDir) dir = g_dir_open (argv[i], 0, NULL);
          g_autoptr(GPtrArray) names = g_ptr_array_new_with_free_func (g_free);
          const char *name;

          if (dir == NULL)
            return 1;
          while ((name = g_dir_read_name (dir)) != NULL)
            g_ptr_array_add (names, g_build_filename (argv[i], name, NULL));
          /* the same order on every machine */
          g_ptr_array_sort (names, compare_names);
          for (guint k = 0; k < names->len; k++)
            if (g_file_test (names->pdata[k], G_FILE_TEST_IS_REGULAR))
              run_file (names->pdata[k]);
        }
      else
        run_file (argv[i]);
    }
  if (n_run == 0)
    {
      g_printerr ("no corpus files given\n");
      return 1;
    }
  printf ("1..%u\n", n_run);
  return 0;
}
