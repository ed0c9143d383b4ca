/* ps-state-block-private.h: per-cell state arrays in one block, with a
 * snapshot
 *
 * The simulation, the cell model and the thermal network each keep their
 * per-cell state as n_arrays arrays of n_cells doubles in one allocation,
 * so that the snapshot the limit bisection restores is one copy. Internal
 * to the engine.
 */
#pragma once

#include <string.h>

#include <glib.h>

G_BEGIN_DECLS

typedef struct
{
  double *state;
  double *saved;
  gsize   len;     /* doubles in each */
} PsStateBlock;

/* Allocates n_arrays x n_cells zeros and points arrays[a] at array a. */
static inline void
_ps_state_block_init (PsStateBlock  *block,
                      guint          n_arrays,
                      guint          n_cells,
                      double       **arrays)
{
  block->len = (gsize) n_arrays * n_cells;
  block->state = g_new0 (double, block->len);
  block->saved = g_new0 (double, block->len);
  for (guint a = 0; a < n_arrays; a++)
    arrays[a] = block->state + (gsize) a * n_cells;
}

static inline void
_ps_state_block_clear (PsStateBlock *block)
{
  g_clear_pointer (&block->state, g_free);
  g_clear_pointer (&block->saved, g_free);
}

static inline void
_ps_state_block_zero (PsStateBlock *block)
{
  memset (block->state, 0, sizeof (double) * block->len);
}

static inline void
_ps_state_block_save (PsStateBlock *block)
{
  memcpy (block->saved, block->state, sizeof (double) * block->len);
}

static inline void
_ps_state_block_restore (PsStateBlock *block)
{
  memcpy (block->state, block->saved, sizeof (double) * block->len);
}

G_END_DECLS
