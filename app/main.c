/* main.c: Packscope's entry point
 *
 * Headless modes (--headless, --list-presets, --print-scenario, --bench) run
 * without touching GTK; everything else is the application. */
#include "config.h"

#include <locale.h>

#include "ps-application.h"
#include "ps-cli.h"

int
main (int   argc,
      char *argv[])
{
  g_autoptr(PsApplication) app = NULL;

  setlocale (LC_ALL, "");
  /* numbers in files and on the command line are always C-locale */
  setlocale (LC_NUMERIC, "C");

  if (ps_cli_wants (argc, argv))
    return ps_cli_main (argc, argv);

  app = ps_application_new ();
  return g_application_run (G_APPLICATION (app), argc, argv);
}
