/* ps-colormap.h: perceptual colour maps as tables (viridis, inferno, and a
 * diverging blue-white-red map); the tables carry their licence notice. */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

typedef enum
{
  PS_COLORMAP_AUTO = -1,
  PS_COLORMAP_VIRIDIS = 0,
  PS_COLORMAP_INFERNO,
  PS_COLORMAP_DIVERGING,
  PS_N_COLORMAPS /*< skip >*/
} PsColormapId;

/* t in [0, 1] (clamped); writes r, g, b in [0, 1]. */
void         ps_colormap_eval     (PsColormapId  map,
                                   double        t,
                                   double       *r,
                                   double       *g,
                                   double       *b);
/* 256 entries of packed 0xRRGGBB, for textures
 * Returns: (transfer none) (array fixed-size=256): static */
const guint32 *ps_colormap_table  (PsColormapId  map);
/* Returns: (transfer none): static, "viridis", ... */
const char  *ps_colormap_get_name (PsColormapId  map);

G_END_DECLS
