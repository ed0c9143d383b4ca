/* fuzz-protocol.c: the protocol parser ("Discharge at 1C until 3.0 V; ...") */
#include "config.h"

#include <math.h>
#include <string.h>

#include "ps-engine.h"
#include "fuzz-common.h"

int
LLVMFuzzerTestOneInput (const uint8_t *data,
                        size_t         size)
{
  g_autofree char *text = fuzz_text (data, size);
  g_autoptr(GError) error = NULL;
  PsProtocol *protocol;

  /* the parser takes a C string: a NUL ends it */
  protocol = ps_protocol_parse (text, &error);
  if (protocol == NULL)
    {
      fuzz_check (error != NULL && error->domain == PS_ENGINE_ERROR);
      fuzz_check (g_utf8_validate (error->message, -1, NULL));
      return 0;
    }
  fuzz_check (protocol->n_steps >= 1);
  for (guint i = 0; i < protocol->n_steps; i++)
    {
      const PsProtocolStep *step = &protocol->steps[i];

      /* a duration is positive (+inf when not given), a value finite */
      fuzz_check (step->duration_s > 0.0);
      fuzz_check (isfinite (step->value) && step->value >= 0.0);
    }
  {
    PsProtocol *copy = ps_protocol_copy (protocol);

    fuzz_check (copy->n_steps == protocol->n_steps);
    ps_protocol_free (copy);
  }
  /* it prints back to text that parses to as many steps, and prints the
   * same again */
  {
    g_autofree char *printed = ps_protocol_to_string (protocol);
    g_autoptr(GError) back_error = NULL;
    PsProtocol *back = ps_protocol_parse (printed, &back_error);
    g_autofree char *again = NULL;

    fuzz_check (back != NULL);
    fuzz_check (back->n_steps == protocol->n_steps && back->n_cycles == protocol->n_cycles);
    again = ps_protocol_to_string (back);
    fuzz_check (strcmp (again, printed) == 0);
    ps_protocol_free (back);
  }
  ps_protocol_free (protocol);
  return 0;
}
