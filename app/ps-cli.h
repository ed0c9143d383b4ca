/* ps-cli.h: the headless command line (no display needed) */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* TRUE if argv asks for a headless mode (--headless, --list-presets,
 * --print-scenario, --bench, --help); those never open a window. */
gboolean ps_cli_wants (int    argc,
                       char **argv);
/* Runs it; returns the exit code (0 success, 2 bad usage or bad input). */
int      ps_cli_main  (int    argc,
                       char **argv);

G_END_DECLS
