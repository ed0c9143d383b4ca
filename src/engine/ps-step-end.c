/* ps-step-end.c: the reasons a protocol step (or a manual load) ends, as
 * identifiers for files and as sentences for people */
#include "config.h"

#include <math.h>

#include "ps-simulation.h"

#define ZERO_C_IN_K 273.15

const char *
ps_step_end_to_id (PsStepEnd reason)
{
  switch (reason)
    {
    case PS_STEP_END_NONE:          return "none";
    case PS_STEP_END_DURATION:      return "duration";
    case PS_STEP_END_HORIZON:       return "horizon";
    case PS_STEP_END_UNTIL_VOLTAGE: return "until-voltage";
    case PS_STEP_END_UNTIL_CURRENT: return "until-current";
    case PS_STEP_END_VOLTAGE_MAX:   return "voltage-max";
    case PS_STEP_END_VOLTAGE_MIN:   return "voltage-min";
    case PS_STEP_END_TEMP_MAX:      return "temperature-max";
    case PS_STEP_END_CURRENT_MAX:   return "current-max";
    case PS_STEP_END_TEMP_MIN:      return "temperature-min";
    case PS_STEP_END_UNTIL_SOC:     return "until-soc";
    case PS_STEP_END_UNTIL_TEMPERATURE: return "until-temperature";
    case PS_STEP_END_UNTIL_PACK_VOLTAGE: return "until-pack-voltage";
    case PS_STEP_END_APPLIED:       return "applied";
    case PS_STEP_END_CONTACTOR_OPEN: return "contactor-open";
    default:                        return "unknown";
    }
}

char *
ps_step_end_format_ids (const PsStepEndInfo *ends,
                        guint                n_ends)
{
  GString *text;

  if (n_ends == 0)
    return NULL;
  g_return_val_if_fail (ends != NULL, NULL);

  text = g_string_new (NULL);
  for (guint k = 0; k < n_ends; k++)
    {
      if (k > 0)
        g_string_append (text, "; ");
      g_string_append_printf (text, "step %u %s", ends[k].step, ps_step_end_to_id (ends[k].reason));
      if (ends[k].cell > 0)
        g_string_append_printf (text, " cell %u", ends[k].cell);
      if (ends[k].at_once)
        g_string_append (text, " at once");
    }
  return g_string_free (text, FALSE);
}

static char *
describe_duration (double seconds)
{
  if (seconds >= 3600.0)
    return g_strdup_printf ("%.4g h", seconds / 3600.0);
  if (seconds >= 60.0)
    return g_strdup_printf ("%.4g min", seconds / 60.0);
  return g_strdup_printf ("%.4g s", seconds);
}

char *
ps_step_end_info_describe (const PsStepEndInfo *info)
{
  g_autofree char *what = NULL;
  g_autofree char *cell = NULL;
  g_autofree char *when = NULL;
  g_autofree char *why = NULL;

  g_return_val_if_fail (info != NULL, NULL);

  what = info->step > 0 ? g_strdup_printf ("step %u", info->step)
                        : g_strdup ("the manual load");
  cell = info->cell > 0 ? g_strdup_printf ("cell %u", info->cell) : g_strdup ("a cell");
  when = describe_duration (info->time_s);

  switch (info->reason)
    {
    case PS_STEP_END_DURATION:
      {
        g_autofree char *d = describe_duration (info->value);

        why = g_strdup_printf ("its duration of %s elapsed", d);
      }
      break;
    case PS_STEP_END_HORIZON:
      {
        g_autofree char *d = describe_duration (info->value);

        why = g_strdup_printf ("its end condition was not reached within the "
                               "default duration of %s", d);
      }
      break;
    case PS_STEP_END_UNTIL_VOLTAGE:
      why = g_strdup_printf ("%s reached %.3f V, its end voltage", cell, info->limit);
      break;
    case PS_STEP_END_UNTIL_CURRENT:
      why = g_strdup_printf ("the current %s %.4g A, its end current",
                             fabs (info->value) <= info->limit ? "fell to" : "rose to",
                             info->limit);
      break;
    case PS_STEP_END_UNTIL_SOC:
      why = g_strdup_printf ("the pack reached %.1f%% SOC, its end SOC", 100.0 * info->limit);
      break;
    case PS_STEP_END_UNTIL_TEMPERATURE:
      why = g_strdup_printf ("%s, the hottest, reached %.1f degrees C, its end temperature",
                             cell, info->limit - ZERO_C_IN_K);
      break;
    case PS_STEP_END_UNTIL_PACK_VOLTAGE:
      why = g_strdup_printf ("the pack reached %.2f V, its end pack voltage", info->limit);
      break;
    case PS_STEP_END_APPLIED:
      why = g_strdup ("it was applied (it takes no time)");
      break;
    case PS_STEP_END_VOLTAGE_MAX:
      why = g_strdup_printf ("%s reached its upper voltage limit, %.3f V", cell, info->limit);
      break;
    case PS_STEP_END_VOLTAGE_MIN:
      why = g_strdup_printf ("%s reached its lower voltage limit, %.3f V", cell, info->limit);
      break;
    case PS_STEP_END_TEMP_MAX:
      why = g_strdup_printf ("%s reached its temperature limit, %.1f degrees C", cell,
                             info->limit - ZERO_C_IN_K);
      break;
    case PS_STEP_END_TEMP_MIN:
      why = g_strdup_printf ("%s is at %.1f degrees C, at or below its lower temperature "
                             "limit of %.1f degrees C: too cold to carry a load", cell,
                             info->value - ZERO_C_IN_K, info->limit - ZERO_C_IN_K);
      break;
    case PS_STEP_END_CURRENT_MAX:
      why = g_strdup_printf ("%s would carry %.4g A, over its current limit of %.4g A",
                             cell, fabs (info->value), info->limit);
      break;
    case PS_STEP_END_CONTACTOR_OPEN:
      why = info->cell > 0
            ? g_strdup_printf ("the BMS opened the contactor (%s at %.4g, its threshold %.4g)",
                               cell, info->value, info->limit)
            : g_strdup ("the contactor is open: the pack carries no load");
      break;
    case PS_STEP_END_NONE:
    default:
      why = g_strdup ("no reason recorded");
      break;
    }

  /* a manual charge at the upper limit goes on at constant voltage */
  if (info->step == 0 && info->reason == PS_STEP_END_VOLTAGE_MAX)
    return g_strdup_printf ("the manual charge is held at constant voltage from %s: %s",
                            when, why);
  if (info->at_once)
    return g_strdup_printf ("%s ended at once at %s: %s", what, when, why);
  return g_strdup_printf ("%s ended at %s: %s", what, when, why);
}
