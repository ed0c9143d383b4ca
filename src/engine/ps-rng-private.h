/* ps-rng-private.h: the engine's own pseudorandom numbers
 *
 * xoshiro256** seeded by splitmix64 (Blackman and Vigna, "Scrambled linear
 * pseudorandom number generators", ACM TOMS 47 (2021)); Box-Muller turns
 * uniforms into normals. Written here so the bytes a seed gives do not
 * depend on the GLib version. Internal to the engine.
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

typedef struct
{
  guint64 s[4];
} PsRng;

void   _ps_rng_init    (PsRng   *rng,
                        guint64  seed);
/* uniform in (0, 1] */
double _ps_rng_uniform (PsRng   *rng);
/* standard normal (Box-Muller, one of the pair) */
double _ps_rng_normal  (PsRng   *rng);

G_END_DECLS
