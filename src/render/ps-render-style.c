/* ps-render-style.c: the default look of the renderers */
#include "config.h"

#include <math.h>
#include <string.h>

#include "ps-render.h"

void
ps_render_style_init_default (PsRenderStyle *style)
{
  g_return_if_fail (style != NULL);

  memset (style, 0, sizeof *style);

  style->font_family = "DejaVu Sans";
  style->font_size = 12.0;
  /* dark on light */
  style->fg[0] = 0.13; style->fg[1] = 0.13; style->fg[2] = 0.15; style->fg[3] = 1.0;
  style->bg[0] = 1.0;  style->bg[1] = 1.0;  style->bg[2] = 1.0;  style->bg[3] = 1.0;
  style->draw_background = TRUE;

  style->quantity = PS_QUANTITY_SOC;
  style->colormap = PS_COLORMAP_AUTO;
  style->selected_cell = -1;
  style->hover_cell = -1;
  style->zoom = 1.0;
  style->pan_x = 0.0;
  style->pan_y = 0.0;
  style->mark_extremes = TRUE;

  style->isotherms = FALSE;
  style->thermal_min_span = 5.0;
  style->thermal_lo = NAN;
  style->thermal_hi = NAN;

  style->curves = PS_CURVE_ALL_TIME;
  style->time_window_s = 0.0;     /* the whole run */
  style->time_end_s = -1.0;       /* follow the newest sample */
  style->cursor_time_s = -1.0;    /* no cursor */

  style->temp_unit = PS_TEMP_UNIT_CELSIUS;
  style->power_unit = PS_POWER_UNIT_KILOWATT;
}
