/* ps-screenshot.h: headless screenshots of the real window through GTK
 *
 *   packscope --screenshot FILE --scenario ID|FILE [--protocol TEXT]
 *             [--run SECONDS] [--size WxH] [--view window|layout|curves|thermal]
 *             [--style light|dark]
 *
 * The scenario runs to the given time (blocking, as fast as possible), the
 * window (or a window holding only the one view) is presented at the size,
 * and once it has painted, its widget tree is rendered again through its own
 * GskRenderer into a texture and saved as PNG.
 */
#pragma once

#include <gtk/gtk.h>

G_BEGIN_DECLS

/* the longest --run: 1,000 simulated hours */
#define PS_SCREENSHOT_MAX_RUN_S (1000.0 * 3600.0)

typedef struct
{
  const char *output;      /* PNG path */
  const char *scenario;    /* preset id or scenario file */
  const char *protocol;    /* NULL: the scenario's own */
  double      run_s;       /* simulated seconds before the picture */
  int         width;
  int         height;
  const char *view;        /* "window" (NULL), "layout", "curves", "thermal" */
  gboolean    dark;        /* the dark style (else the light one) */
} PsScreenshotOptions;

/* "1280x800" -> 1280, 800; FALSE with an error for anything else */
gboolean    ps_screenshot_parse_size   (const char                 *text,
                                        int                        *width,
                                        int                        *height,
                                        GError                    **error);
/* Runs it; the application must be registered. Returns the exit code:
 * 0, or 2 after printing one line on stderr. */
int         ps_screenshot_run          (GtkApplication             *application,
                                        const PsScreenshotOptions  *options);
/* Makes the widget's toplevel visible (if it is not) and iterates the main
 * context until it has painted n_paints frames; FALSE on timeout. */
gboolean    ps_screenshot_wait_painted (GtkWidget                  *widget,
                                        guint                       n_paints,
                                        guint                       timeout_ms);
/* Presents the target's window undecorated so that the target is
 * width x height, and waits until it has painted at that size (and its
 * thermal maps their fields); an error if it cannot be that small or never
 * paints. */
gboolean    ps_screenshot_present      (GtkWidget                  *target,
                                        int                         width,
                                        int                         height,
                                        guint                       timeout_ms,
                                        GError                    **error);
/* The widget as drawn now, rendered by its native's renderer.
 * Returns: (transfer full) (nullable): NULL with error set */
GdkTexture *ps_screenshot_render       (GtkWidget                  *widget,
                                        GError                    **error);
/* Saves a texture as PNG atomically. */
gboolean    ps_screenshot_save_png     (GdkTexture                 *texture,
                                        const char                 *path,
                                        GError                    **error);

G_END_DECLS
