/* ps-gl-probe.h: is the display's OpenGL a software rasterizer?
 *
 * On Mesa's llvmpipe, softpipe or swrast (Xvfb, virtual machines, machines
 * without a GPU driver) every GL draw runs on the CPU. There GTK's GL
 * renderer, composing the window's views every frame, costs several times
 * the CPU its cairo renderer does, and the thermal map's two shader passes
 * cost twice its cairo path (`packscope --bench`, runaway_ui_*: Model S with
 * a runaway under way). So on a software rasterizer Packscope's windows use
 * GTK's cairo renderer and the thermal map its cairo path, unless
 * PACKSCOPE_SOFTWARE_GL=1 keeps GL (the tests of the GL path do), and a
 * GSK_RENDERER the user set always wins.
 */
#pragma once

#include <gtk/gtk.h>

G_BEGIN_DECLS

/* TRUE for a GL_RENDERER string of a software rasterizer (NULL: FALSE). */
gboolean ps_gl_renderer_is_software      (const char *renderer);
/* TRUE when PACKSCOPE_SOFTWARE_GL asks to draw with GL even there. */
gboolean ps_gl_keep_software             (void);
/* Before the first window of display is shown: on a software rasterizer,
 * GTK's cairo renderer (GSK_RENDERER=cairo) unless GSK_RENDERER is set or
 * ps_gl_keep_software(). Returns TRUE when it chose the cairo renderer. */
gboolean ps_gl_choose_renderer           (GdkDisplay *display);

G_END_DECLS
