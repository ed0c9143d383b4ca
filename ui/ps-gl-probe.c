/* ps-gl-probe.c: is the display's OpenGL a software rasterizer?
 *
 * Copyright 2026 The Packscope authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <string.h>

#include <epoxy/gl.h>

#include "ps-gl-probe.h"

gboolean
ps_gl_renderer_is_software (const char *renderer)
{
  /* Mesa's CPU rasterizers name themselves so in GL_RENDERER:
   * "llvmpipe (LLVM 15.0.6, 256 bits)", "softpipe", "Software Rasterizer"
   * (swrast) */
  static const char * const names[] = {
    "llvmpipe", "softpipe", "software rasterizer", "swrast",
  };
  g_autofree char *lower = NULL;

  if (renderer == NULL)
    return FALSE;
  lower = g_ascii_strdown (renderer, -1);
  for (guint i = 0; i < G_N_ELEMENTS (names); i++)
    if (strstr (lower, names[i]) != NULL)
      return TRUE;
  return FALSE;
}

gboolean
ps_gl_keep_software (void)
{
  const char *keep = g_getenv ("PACKSCOPE_SOFTWARE_GL");

  return keep != NULL && *keep != '\0' && !g_str_equal (keep, "0");
}

gboolean
ps_gl_choose_renderer (GdkDisplay *display)
{
  g_autoptr(GdkGLContext) context = NULL;
  gboolean software;

  g_return_val_if_fail (display == NULL || GDK_IS_DISPLAY (display), FALSE);

  if (display == NULL || g_getenv ("GSK_RENDERER") != NULL || ps_gl_keep_software ())
    return FALSE;

  /* no GL at all: GTK falls back to cairo by itself */
  context = gdk_display_create_gl_context (display, NULL);
  if (context == NULL || !gdk_gl_context_realize (context, NULL))
    return FALSE;
  gdk_gl_context_make_current (context);
  software = ps_gl_renderer_is_software ((const char *) glGetString (GL_RENDERER));
  gdk_gl_context_clear_current ();
  if (!software)
    return FALSE;

  /* GTK reads it once, when the first window gets its renderer */
  g_setenv ("GSK_RENDERER", "cairo", FALSE);
  return TRUE;
}
