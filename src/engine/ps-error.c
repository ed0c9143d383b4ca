/* ps-error.c */
#include "config.h"

#include "ps-error.h"
#include "ps-engine-resources.h"

/* (not G_DEFINE_QUARK: its unsynchronised "set once" is a data race when the
 * runner's worker and the main thread make their first errors at once) */
GQuark
ps_engine_error_quark (void)
{
  static gsize quark = 0;

  if (g_once_init_enter (&quark))
    g_once_init_leave (&quark, g_quark_from_static_string ("ps-engine-error-quark"));
  return (GQuark) quark;
}

/* The engine's GResource (cells, packs) registers itself from a constructor;
 * referencing it here keeps the linker from dropping it out of the static
 * library, since every engine object file uses the error quark. */
GResource *_ps_engine_get_resource (void);

GResource *
_ps_engine_get_resource (void)
{
  return ps_engine_get_resource ();
}
