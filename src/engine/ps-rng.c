/* ps-rng.c: xoshiro256** seeded by splitmix64, uniforms and normals
 *
 * See ps-rng-private.h. The sequence for a seed is part of the engine's
 * output (cell-to-cell variation): do not change a bit of it.
 */
#include "config.h"

#include <math.h>

#include "ps-rng-private.h"

static guint64
splitmix64 (guint64 *x)
{
  guint64 z = (*x += G_GUINT64_CONSTANT (0x9e3779b97f4a7c15));

  z = (z ^ (z >> 30)) * G_GUINT64_CONSTANT (0xbf58476d1ce4e5b9);
  z = (z ^ (z >> 27)) * G_GUINT64_CONSTANT (0x94d049bb133111eb);
  return z ^ (z >> 31);
}

static inline guint64
rotl (guint64 x,
      int     k)
{
  return (x << k) | (x >> (64 - k));
}

void
_ps_rng_init (PsRng   *rng,
              guint64  seed)
{
  guint64 x = seed;

  for (guint i = 0; i < 4; i++)
    rng->s[i] = splitmix64 (&x);
}

static guint64
ps_rng_next (PsRng *rng)
{
  guint64 *s = rng->s;
  guint64 result = rotl (s[1] * 5, 7) * 9;
  guint64 t = s[1] << 17;

  s[2] ^= s[0];
  s[3] ^= s[1];
  s[1] ^= s[2];
  s[0] ^= s[3];
  s[2] ^= t;
  s[3] = rotl (s[3], 45);
  return result;
}

double
_ps_rng_uniform (PsRng *rng)
{
  return ((ps_rng_next (rng) >> 11) + 1) * (1.0 / 9007199254740992.0);
}

double
_ps_rng_normal (PsRng *rng)
{
  double u1 = _ps_rng_uniform (rng);
  double u2 = _ps_rng_uniform (rng);

  return sqrt (-2.0 * log (u1)) * cos (2.0 * G_PI * u2);
}
