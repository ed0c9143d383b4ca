/* main.c: Packscope's entry point
 *
 * Headless modes (--headless, --list-presets, --print-scenario, --bench) run
 * without touching GTK; everything else is the application. */
#include "config.h"

#include <glib/gi18n.h>
#include <locale.h>

#include "ps-application.h"
#include "ps-cli.h"

int
main (int   argc,
      char *argv[])
{
  g_autoptr(PsApplication) app = NULL;
  int status;

  setlocale (LC_ALL, "");
  /* numbers in files and on the command line are always C-locale */
  setlocale (LC_NUMERIC, "C");

  /* the window's and the widgets' strings (po/); GtkBuilder templates
   * translate through the default domain set here */
  bindtextdomain (GETTEXT_PACKAGE, LOCALEDIR);
  bind_textdomain_codeset (GETTEXT_PACKAGE, "UTF-8");
  textdomain (GETTEXT_PACKAGE);

  if (ps_cli_wants (argc, argv))
    return ps_cli_main (argc, argv);

  app = ps_application_new ();
  status = g_application_run (G_APPLICATION (app), argc, argv);

  /* GApplication reports a bad option ("Unknown option --x", a bad value)
   * with exit status 1 after printing it; Packscope's contract is 2 for bad
   * usage, as in the headless modes. */
  return status == 1 ? 2 : status;
}
