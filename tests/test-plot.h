/* test-plot.h: the validation tests' comparison plots, drawn by the
 * project's own renderer (ps_render_comparison) into the build directory
 * (G_TEST_BUILDDIR), 800 x 500 */
#pragma once

#include <glib.h>

#include <cairo.h>

#include "ps-render.h"

static inline void
test_plot_write_png (const char             *file_name,
                     const PsComparisonPlot *plot)
{
  const char *dir = g_getenv ("G_TEST_BUILDDIR");
  g_autofree char *path = g_build_filename (dir ? dir : ".", file_name, NULL);
  PsRenderStyle style;
  cairo_surface_t *surface;
  cairo_t *cr;

  ps_render_style_init_default (&style);
  surface = cairo_image_surface_create (CAIRO_FORMAT_ARGB32, 800, 500);
  cr = cairo_create (surface);
  ps_render_comparison (cr, plot, &style, 800, 500);
  cairo_destroy (cr);
  g_assert_cmpint (cairo_surface_write_to_png (surface, path), ==, CAIRO_STATUS_SUCCESS);
  cairo_surface_destroy (surface);
  g_test_message ("plot: %s", path);
}
