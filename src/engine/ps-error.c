/* ps-error.c */
#include "config.h"

#include "ps-error.h"
#include "ps-engine-resources.h"

G_DEFINE_QUARK (ps-engine-error-quark, ps_engine_error)

/* The engine's GResource (cells, packs) registers itself from a constructor;
 * referencing it here keeps the linker from dropping it out of the static
 * library, since every engine object file uses the error quark. */
GResource *_ps_engine_get_resource (void);

GResource *
_ps_engine_get_resource (void)
{
  return ps_engine_get_resource ();
}
