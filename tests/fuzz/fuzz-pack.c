/* fuzz-pack.c: the pack loader, through the one door a pack from outside
 * has (a scenario's inline "pack"): the input is the pack object.
 */
#include "config.h"

#include <string.h>

#include "ps-engine.h"
#include "fuzz-common.h"

int
LLVMFuzzerTestOneInput (const uint8_t *data,
                        size_t         size)
{
  g_autofree char *pack = fuzz_text (data, size);
  g_autofree char *json = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(PsScenario) scenario = NULL;

  /* the loaders refuse NUL bytes anyway; keep the text a C string */
  if (memchr (data, '\0', size) != NULL)
    return 0;
  json = g_strdup_printf ("{ \"packscope_scenario\": 1, \"pack\": %s,\n"
                          "  \"protocol\": \"Rest for 1 s\" }", pack);
  scenario = ps_scenario_new_from_data (json, -1, "fuzz-pack.json", &error);
  if (scenario == NULL)
    {
      fuzz_check (error != NULL && error->domain == PS_ENGINE_ERROR);
      fuzz_check (g_utf8_validate (error->message, -1, NULL));
      return 0;
    }
  fuzz_check (ps_pack_get_info (ps_scenario_get_pack (scenario))->n_cells == ps_pack_get_info (ps_scenario_get_pack (scenario))->n_series * ps_pack_get_info (ps_scenario_get_pack (scenario))->n_parallel);
  fuzz_check (ps_pack_get_info (ps_scenario_get_pack (scenario))->n_cells >= 1);
  {
    g_autofree char *out = ps_scenario_to_json (scenario);
    g_autoptr(PsScenario) again = ps_scenario_new_from_data (out, -1, "fuzz-pack-again.json", &error);

    fuzz_check (again != NULL);
  }
  return 0;
}
