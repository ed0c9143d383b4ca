/* ps-scenario.c: everything needed to start a simulation, as JSON
 *
 * A scenario is assembled in three layers: built-in defaults, then the
 * pack's own preset scenario (PsPack.preset_scenario, an object without
 * "pack"), then the members the file gives. Every member is validated as it
 * is read; an error names the source (file path or preset id), the JSON path
 * and what was expected, e.g.
 *   "bad.json: $.initial.soc: expected a number from 0 to 1, got 1.5"
 */
#include "config.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

#include "ps-error.h"
#include "ps-input-file-private.h"
#include "ps-fault-private.h"
#include "ps-json-private.h"
#include "ps-pack-private.h"
#include "ps-cell-type-private.h"
#include "ps-dfn-private.h"
#include "ps-scenario-private.h"
#include "ps-cell-model.h"
#include "ps-bpx-private.h"

#define PS_SCENARIO_MAX_BYTES   (64 * 1024 * 1024)
#define PS_SCENARIO_MAX_DEPTH   PS_JSON_MAX_DEPTH
#define PS_SCENARIO_MAX_NAME    1024
#define PS_SCENARIO_VERSION     1
#define PS_PACK_RESOURCE_PREFIX "/io/github/packscope/Packscope/packs/"

#define ZERO_C_IN_K             273.15
#define TEMP_MIN_C              (-60.0)
#define TEMP_MAX_C              150.0
#define SPREAD_MAX              0.5

static const char * const scenario_members[] = {
  "packscope_scenario", "name", "pack", "cell", "initial", "ambient_c",
  "cooling", "variation", "protocol", "dt_s", "seed", "bms", "vehicle", "source", "faults",
  "runaway", "cell_model", "dfn_mesh", NULL
};
/* "dfn_mesh" members, in the order of PsScenario.dfn_mesh */
static const char * const dfn_mesh_members[] = {
  "x_neg", "x_sep", "x_pos", "r_neg", "r_pos", NULL
};
static const char * const runaway_members[] = { "model", NULL };
static const char * const initial_members[] = { "soc", "temperature_c", NULL };
static const char * const cooling_members[] = { "enabled", "coolant_inlet_c", NULL };
static const char * const variation_members[] = {
  "capacity_rel_sd", "resistance_rel_sd", "soc_sd", NULL
};

/* Settings read so far; the *_set flags say which were given explicitly. */
typedef struct
{
  char     *name;
  double    initial_soc;
  double    initial_temp_c;
  gboolean  initial_temp_set;
  double    ambient_c;
  gboolean  cooling_enabled;
  gboolean  cooling_enabled_set;
  double    coolant_inlet_c;
  gboolean  coolant_inlet_set;
  double    capacity_rel_sd;
  double    resistance_rel_sd;
  double    soc_sd;
  char     *protocol_text;
  double    dt_s;
  guint64   seed;
  PsBmsConfig bms;
  PsVehicle vehicle;
  gboolean  vehicle_set;
  int       cell_model;          /* PsCellModelKind */
  guint     dfn_mesh[5];
} ScenarioSettings;

static void
scenario_settings_clear (ScenarioSettings *s)
{
  g_clear_pointer (&s->name, g_free);
  g_clear_pointer (&s->protocol_text, g_free);
}

G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (ScenarioSettings, scenario_settings_clear)

static gboolean
get_member_number (JsonObject  *object,
                   const char  *member,
                   const char  *source,
                   const char  *base,
                   double       min,
                   gboolean     min_exclusive,
                   double       max,
                   const char  *unit,
                   double      *out,
                   GError     **error)
{
  return _ps_json_read_member_between (object, member, min, min_exclusive, max, unit,
                                       source, base, out, NULL, error);
}

/* Protocol: a string, or PyBaMM's shape: a non-empty array of steps
 * (strings) and cycles (arrays of the same, nestable), each string parsed on
 * its own first so an error can name its array index. An array becomes the
 * text "(<its items>)", one cycle. */
static gboolean
read_protocol_items (JsonArray   *array,
                     const char  *source,
                     const char  *path,
                     guint        depth,
                     GString     *text,
                     GError     **error)
{
  guint n = json_array_get_length (array);

  if (n == 0)
    {
      _ps_json_set_error (error, PS_ENGINE_ERROR_INVALID, source, path,
                          "expected at least one protocol step, got an empty array");
      return FALSE;
    }
  if (n > PS_MAX_PROTOCOL_STEPS)
    {
      _ps_json_set_error (error, PS_ENGINE_ERROR_LIMIT, source, path,
                          "expected at most %d protocol steps, got %u",
                          PS_MAX_PROTOCOL_STEPS, n);
      return FALSE;
    }

  for (guint i = 0; i < n; i++)
    {
      JsonNode *element = json_array_get_element (array, i);
      g_autofree char *epath = _ps_json_index_path (path, i);
      g_autoptr(GError) local_error = NULL;
      g_autoptr(PsProtocol) piece = NULL;

      if (i > 0)
        g_string_append (text, "\n");

      if (JSON_NODE_HOLDS_ARRAY (element))
        {
          /* a cycle, as PyBaMM's tuple of steps */
          if (depth >= 8)
            {
              _ps_json_set_error (error, PS_ENGINE_ERROR_LIMIT, source, epath,
                                  "cycles nested more than 8 deep, expected at most 8");
              return FALSE;
            }
          g_string_append_c (text, '(');
          if (!read_protocol_items (json_node_get_array (element), source, epath,
                                    depth + 1, text, error))
            return FALSE;
          g_string_append_c (text, ')');
          continue;
        }

      if (!_ps_json_node_is_string (element))
        {
          _ps_json_set_error (error, PS_ENGINE_ERROR_INVALID, source, epath,
                              "expected a protocol step (a string) or a cycle (an array), got %s",
                              _ps_json_node_kind (element));
          return FALSE;
        }

      piece = ps_protocol_parse (json_node_get_string (element), &local_error);
      if (piece == NULL)
        {
          _ps_json_set_error (error, PS_ENGINE_ERROR_INVALID, source, epath, "%s",
                              local_error->message);
          return FALSE;
        }
      g_string_append (text, json_node_get_string (element));
    }
  return TRUE;
}

static gboolean
read_protocol (JsonNode    *node,
               const char  *source,
               const char  *path,
               char       **out_text,
               GError     **error)
{
  g_autoptr(GError) local_error = NULL;
  g_autoptr(PsProtocol) protocol = NULL;
  g_autoptr(GString) text = NULL;

  if (_ps_json_node_is_string (node))
    {
      const char *s = json_node_get_string (node);

      protocol = ps_protocol_parse (s, &local_error);
      if (protocol == NULL)
        {
          _ps_json_set_error (error, PS_ENGINE_ERROR_INVALID, source, path, "%s",
                              local_error->message);
          return FALSE;
        }
      *out_text = g_strdup (s);
      return TRUE;
    }

  if (!JSON_NODE_HOLDS_ARRAY (node))
    {
      _ps_json_set_error (error, PS_ENGINE_ERROR_INVALID, source, path,
                          "expected a string or an array of strings, got %s",
                          _ps_json_node_kind (node));
      return FALSE;
    }

  text = g_string_new (NULL);
  if (!read_protocol_items (json_node_get_array (node), source, path, 0, text, error))
    return FALSE;

  /* the pieces together must still be within the limits */
  protocol = ps_protocol_parse (text->str, &local_error);
  if (protocol == NULL)
    {
      _ps_json_set_error (error, PS_ENGINE_ERROR_INVALID, source, path, "%s",
                          local_error->message);
      return FALSE;
    }

  *out_text = g_string_free (g_steal_pointer (&text), FALSE);
  return TRUE;
}

/* Reads every member except "pack" and "cell" into settings. */
static gboolean
read_settings (JsonObject        *root,
               const char        *source,
               const char        *base,
               ScenarioSettings  *s,
               GError           **error)
{
  JsonNode *node;

  if ((node = json_object_get_member (root, "packscope_scenario")) != NULL)
    {
      g_autofree char *path = _ps_json_member_path (base, "packscope_scenario");

      if (!_ps_json_node_is_number (node) ||
          json_node_get_double (node) != PS_SCENARIO_VERSION)
        {
          _ps_json_set_error (error, PS_ENGINE_ERROR_INVALID, source, path,
                              "expected the format version %d", PS_SCENARIO_VERSION);
          return FALSE;
        }
    }

  if ((node = json_object_get_member (root, "name")) != NULL)
    {
      g_autofree char *path = _ps_json_member_path (base, "name");
      const char *name;

      if (!_ps_json_node_is_string (node))
        {
          _ps_json_set_error (error, PS_ENGINE_ERROR_INVALID, source, path,
                              "expected a string, got %s", _ps_json_node_kind (node));
          return FALSE;
        }
      name = json_node_get_string (node);
      if (strlen (name) > PS_SCENARIO_MAX_NAME || !g_utf8_validate (name, -1, NULL))
        {
          _ps_json_set_error (error, PS_ENGINE_ERROR_INVALID, source, path,
                              "expected a UTF-8 name of at most %d bytes",
                              PS_SCENARIO_MAX_NAME);
          return FALSE;
        }
      g_free (s->name);
      s->name = g_strdup (name);
    }

  if ((node = json_object_get_member (root, "initial")) != NULL)
    {
      g_autofree char *path = _ps_json_member_path (base, "initial");
      JsonObject *object;

      if (!_ps_json_get_object (node, source, path, &object, error) ||
          !_ps_json_check_members (object, initial_members, source, path, error) ||
          !get_member_number (object, "soc", source, path, 0.0, FALSE, 1.0, "",
                              &s->initial_soc, error) ||
          !get_member_number (object, "temperature_c", source, path,
                              TEMP_MIN_C, FALSE, TEMP_MAX_C, "degrees C",
                              &s->initial_temp_c, error))
        return FALSE;
      if (json_object_has_member (object, "temperature_c"))
        s->initial_temp_set = TRUE;
    }

  if (!get_member_number (root, "ambient_c", source, base,
                          TEMP_MIN_C, FALSE, TEMP_MAX_C, "degrees C",
                          &s->ambient_c, error))
    return FALSE;

  if ((node = json_object_get_member (root, "cooling")) != NULL)
    {
      g_autofree char *path = _ps_json_member_path (base, "cooling");
      JsonObject *object;
      JsonNode *enabled;

      if (!_ps_json_get_object (node, source, path, &object, error) ||
          !_ps_json_check_members (object, cooling_members, source, path, error))
        return FALSE;

      if ((enabled = json_object_get_member (object, "enabled")) != NULL)
        {
          g_autofree char *epath = _ps_json_member_path (path, "enabled");

          if (!JSON_NODE_HOLDS_VALUE (enabled) ||
              json_node_get_value_type (enabled) != G_TYPE_BOOLEAN)
            {
              _ps_json_set_error (error, PS_ENGINE_ERROR_INVALID, source, epath,
                                  "expected true or false, got %s",
                                  _ps_json_node_kind (enabled));
              return FALSE;
            }
          s->cooling_enabled = json_node_get_boolean (enabled);
          s->cooling_enabled_set = TRUE;
        }

      if (json_object_has_member (object, "coolant_inlet_c"))
        {
          if (!get_member_number (object, "coolant_inlet_c", source, path,
                                  TEMP_MIN_C, FALSE, TEMP_MAX_C, "degrees C",
                                  &s->coolant_inlet_c, error))
            return FALSE;
          s->coolant_inlet_set = TRUE;
        }
    }

  if ((node = json_object_get_member (root, "variation")) != NULL)
    {
      g_autofree char *path = _ps_json_member_path (base, "variation");
      JsonObject *object;

      if (!_ps_json_get_object (node, source, path, &object, error) ||
          !_ps_json_check_members (object, variation_members, source, path, error) ||
          !get_member_number (object, "capacity_rel_sd", source, path,
                              0.0, FALSE, SPREAD_MAX, "", &s->capacity_rel_sd, error) ||
          !get_member_number (object, "resistance_rel_sd", source, path,
                              0.0, FALSE, SPREAD_MAX, "", &s->resistance_rel_sd, error) ||
          !get_member_number (object, "soc_sd", source, path,
                              0.0, FALSE, SPREAD_MAX, "", &s->soc_sd, error))
        return FALSE;
    }

  if ((node = json_object_get_member (root, "protocol")) != NULL)
    {
      g_autofree char *path = _ps_json_member_path (base, "protocol");
      char *text = NULL;

      if (!read_protocol (node, source, path, &text, error))
        return FALSE;
      g_free (s->protocol_text);
      s->protocol_text = text;
    }

  if (!get_member_number (root, "dt_s", source, base,
                          PS_SCENARIO_DT_MIN_S, FALSE, PS_SCENARIO_DT_MAX_S, "s",
                          &s->dt_s, error))
    return FALSE;

  if ((node = json_object_get_member (root, "seed")) != NULL)
    {
      g_autofree char *path = _ps_json_member_path (base, "seed");

      if (!JSON_NODE_HOLDS_VALUE (node) ||
          json_node_get_value_type (node) != G_TYPE_INT64 ||
          json_node_get_int (node) < 0)
        {
          g_autofree char *got = _ps_json_node_is_number (node)
                                 ? g_strdup_printf ("%.15g", json_node_get_double (node))
                                 : g_strdup (_ps_json_node_kind (node));

          _ps_json_set_error (error, PS_ENGINE_ERROR_INVALID, source, path,
                              "expected a whole number from 0 to %" G_GINT64_FORMAT ", got %s",
                              G_MAXINT64, got);
          return FALSE;
        }
      s->seed = (guint64) json_node_get_int (node);
    }

  /* where its numbers come from: for people, not read */
  if ((node = json_object_get_member (root, "source")) != NULL && !_ps_json_node_is_string (node))
    {
      g_autofree char *path = _ps_json_member_path (base, "source");

      return _ps_json_set_error (error, PS_ENGINE_ERROR_INVALID, source, path,
                                 "expected a string, got %s", _ps_json_node_kind (node));
    }

  if ((node = json_object_get_member (root, "vehicle")) != NULL)
    {
      g_autofree char *path = _ps_json_member_path (base, "vehicle");

      if (_ps_json_node_is_string (node))
        {
          g_autoptr(GError) local_error = NULL;

          if (!ps_vehicle_load_builtin (&s->vehicle, json_node_get_string (node), &local_error))
            return _ps_json_set_error (error, local_error->code, source, path, "%s",
                                       local_error->message);
        }
      else if (!_ps_vehicle_load_node (&s->vehicle, node, source, path, error) ||
               !ps_vehicle_validate (&s->vehicle, source, error))
        return FALSE;
      s->vehicle_set = TRUE;
    }

  if ((node = json_object_get_member (root, "bms")) != NULL)
    {
      g_autofree char *path = _ps_json_member_path (base, "bms");

      if (!_ps_bms_config_read (&s->bms, node, source, path, error))
        return FALSE;
    }

  if ((node = json_object_get_member (root, "cell_model")) != NULL)
    {
      g_autofree char *path = _ps_json_member_path (base, "cell_model");
      PsCellModelKind kind;

      if (!_ps_json_node_is_string (node)
          || !_ps_cell_model_kind_from_string (json_node_get_string (node), &kind))
        {
          g_autofree char *got = _ps_json_node_is_string (node)
                                 ? g_strdup_printf ("\"%s\"", json_node_get_string (node))
                                 : g_strdup (_ps_json_node_kind (node));

          _ps_json_set_error (error, PS_ENGINE_ERROR_INVALID, source, path,
                              "expected \"ecm\", \"spme\" or \"dfn\", got %s", got);
          return FALSE;
        }
      s->cell_model = kind;
    }

  if ((node = json_object_get_member (root, "dfn_mesh")) != NULL)
    {
      g_autofree char *path = _ps_json_member_path (base, "dfn_mesh");
      JsonObject *object;

      if (!_ps_json_get_object (node, source, path, &object, error) ||
          !_ps_json_check_members (object, dfn_mesh_members, source, path, error))
        return FALSE;
      for (guint i = 0; dfn_mesh_members[i] != NULL; i++)
        {
          double v = 0.0;

          if (!get_member_number (object, dfn_mesh_members[i], source, path,
                                  1.0, FALSE, PS_DFN_MESH_MAX, "volumes", &v, error))
            return FALSE;
          if (v != floor (v))
            {
              g_autofree char *member = _ps_json_member_path (path, dfn_mesh_members[i]);

              _ps_json_set_error (error, PS_ENGINE_ERROR_INVALID, source, member,
                                  "expected a whole number of volumes, got %g", v);
              return FALSE;
            }
          s->dfn_mesh[i] = (guint) v;
        }
    }

  return TRUE;
}

static JsonNode *
parse_json (const char  *data,
            gssize       length,
            const char  *source,
            GError     **error)
{
  g_autoptr(JsonParser) parser = NULL;
  g_autoptr(GError) local_error = NULL;
  JsonNode *root;

  if (length < 0)
    length = strlen (data);

  if ((gsize) length > PS_SCENARIO_MAX_BYTES)
    {
      _ps_json_set_error (error, PS_ENGINE_ERROR_LIMIT, source, "$",
                          "expected at most %d bytes, got %" G_GSSIZE_FORMAT,
                          PS_SCENARIO_MAX_BYTES, length);
      return NULL;
    }
  if (memchr (data, '\0', length) != NULL)
    {
      _ps_json_set_error (error, PS_ENGINE_ERROR_PARSE, source, "$",
                          "expected JSON text, got binary data (a NUL byte)");
      return NULL;
    }
  if (!_ps_json_check_depth (data, length, PS_SCENARIO_MAX_DEPTH, source, error))
    return NULL;
  if (!_ps_json_check_no_nul_escapes (data, length, source, error))
    return NULL;

  parser = json_parser_new_immutable ();
  if (!json_parser_load_from_data (parser, data, length, &local_error))
    {
      /* json-glib quotes the text it stopped at, which may hold the bytes of
       * an unpaired surrogate escape: keep the message valid UTF-8 */
      g_autofree char *valid = g_utf8_make_valid (local_error->message, -1);
      const char *message = valid;
      guint line = 0, column = 0;
      int consumed = 0;

      /* json-glib says "<data>:4:23: Parse error: ..."; say where in words */
      if (sscanf (message, "<data>:%u:%u: %n", &line, &column, &consumed) == 2 && consumed > 0)
        {
          message += consumed;
          if (g_str_has_prefix (message, "Parse error: "))
            message += strlen ("Parse error: ");
          _ps_json_set_error (error, PS_ENGINE_ERROR_PARSE, source, "$",
                              "expected JSON, line %u column %u: %s", line, column, message);
        }
      else
        _ps_json_set_error (error, PS_ENGINE_ERROR_PARSE, source, "$",
                            "expected JSON: %s", message);
      return NULL;
    }

  root = json_parser_get_root (parser);
  if (root == NULL)
    {
      _ps_json_set_error (error, PS_ENGINE_ERROR_PARSE, source, "$",
                          "expected a JSON object, got an empty document");
      return NULL;
    }
  if (!_ps_json_check_text (root, source, "$", error))
    return NULL;

  return json_node_ref (root);
}

static JsonNode *
load_preset_pack_node (const char  *id,
                       GError     **error)
{
  g_autofree char *path = g_strconcat (PS_PACK_RESOURCE_PREFIX, id, ".json", NULL);
  g_autoptr(GBytes) bytes = NULL;
  gsize size;
  const char *data;

  bytes = g_resources_lookup_data (path, G_RESOURCE_LOOKUP_FLAGS_NONE, NULL);
  if (bytes == NULL)
    {
      g_set_error (error, PS_ENGINE_ERROR, PS_ENGINE_ERROR_NOT_FOUND,
                   "%s: no such built-in pack", id);
      return NULL;
    }

  data = g_bytes_get_data (bytes, &size);
  return parse_json (data, size, id, error);
}

static gboolean
is_preset (const char *id)
{
  g_auto(GStrv) presets = ps_pack_list_presets ();

  return presets != NULL && g_strv_contains ((const char * const *) presets, id);
}

static void
set_unknown_preset_error (GError     **error,
                          const char  *source,
                          const char  *path,
                          const char  *id)
{
  g_auto(GStrv) presets = ps_pack_list_presets ();
  g_autofree char *list = presets ? g_strjoinv (", ", presets) : g_strdup ("none");

  _ps_json_set_error (error, PS_ENGINE_ERROR_NOT_FOUND, source, path,
                      "unknown pack preset \"%s\" (expected one of: %s)", id, list);
}

static void
settings_init_defaults (ScenarioSettings *s)
{
  memset (s, 0, sizeof *s);
  s->initial_soc = 1.0;
  s->initial_temp_c = 25.0;
  s->ambient_c = 25.0;
  s->dt_s = 1.0;
  s->seed = 1;
  ps_bms_config_init (&s->bms);
}

/* ------------------------------------------------------------ validation */

static gboolean
check_table (const PsScenario  *scenario,
             const PsTable     *table,
             const char        *name,
             double             min_value,
             gboolean           strict,
             GError           **error)
{
  for (guint i = 0; i < PS_LUT_SIZE; i++)
    {
      double v = table->lut[i];

      if (!isfinite (v) || (strict ? !(v > min_value) : !(v >= min_value)))
        {
          g_set_error (error, PS_ENGINE_ERROR, PS_ENGINE_ERROR_INVALID,
                       "%s: cell '%s': %s table has the value %g at SOC %g, "
                       "expected a finite value %s %g",
                       scenario->source_name ? scenario->source_name : "scenario",
                       scenario->cell->id ? scenario->cell->id : "?",
                       name, v, table->x_min + i / table->inv_dx,
                       strict ? ">" : ">=", min_value);
          return FALSE;
        }
    }
  return TRUE;
}

static gboolean
check_positive (const PsScenario  *scenario,
                double             value,
                const char        *what,
                GError           **error)
{
  if (isfinite (value) && value > 0.0)
    return TRUE;

  g_set_error (error, PS_ENGINE_ERROR, PS_ENGINE_ERROR_INVALID,
               "%s: %s is %g, expected a finite number greater than zero",
               scenario->source_name ? scenario->source_name : "scenario",
               what, value);
  return FALSE;
}

gboolean
ps_scenario_validate (const PsScenario  *scenario,
                      GError           **error)
{
  const char *where;
  const PsCellType *cell;
  const PsPack *pack;

  g_return_val_if_fail (scenario != NULL, FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  where = scenario->source_name ? scenario->source_name : "scenario";
  cell = scenario->cell;
  pack = scenario->pack;

  if (pack == NULL || cell == NULL)
    {
      g_set_error (error, PS_ENGINE_ERROR, PS_ENGINE_ERROR_INVALID,
                   "%s: the scenario has no %s", where, pack == NULL ? "pack" : "cell");
      return FALSE;
    }

  {
    g_autoptr(GError) model_error = NULL;

    if (_ps_cell_model_class_for_kind (scenario->cell_model, cell, &model_error) == NULL)
      {
        g_set_error (error, PS_ENGINE_ERROR, PS_ENGINE_ERROR_INVALID, "%s: %s", where,
                     model_error->message);
        return FALSE;
      }
  }

  if (pack->n_cells == 0 || pack->n_series == 0 || pack->n_parallel == 0
      || pack->n_cells != pack->n_series * pack->n_parallel
      || pack->n_cells > PS_MAX_CELLS)
    {
      g_set_error (error, PS_ENGINE_ERROR, PS_ENGINE_ERROR_INVALID,
                   "%s: pack '%s' has %u cells in %u series groups of %u, expected "
                   "n_series x n_parallel cells, at least 1 and at most %d",
                   where, pack->id ? pack->id : "?", pack->n_cells, pack->n_series,
                   pack->n_parallel, PS_MAX_CELLS);
      return FALSE;
    }

  if (!ps_bms_config_validate (&scenario->bms, where, error))
    return FALSE;
  if (scenario->vehicle_set && !ps_vehicle_validate (&scenario->vehicle, where, error))
    return FALSE;

  if (pack->nb_offset == NULL || pack->cell_ha_w_k == NULL
      || pack->cell_w == NULL || pack->cell_h == NULL)
    {
      g_set_error (error, PS_ENGINE_ERROR, PS_ENGINE_ERROR_INVALID,
                   "%s: pack '%s' lacks its thermal arrays", where,
                   pack->id ? pack->id : "?");
      return FALSE;
    }

  if (!check_positive (scenario, scenario->dt_s, "the time step dt_s", error)
      || !check_positive (scenario, cell->capacity_ah, "the cell capacity", error)
      || !check_positive (scenario, cell->mass_kg, "the cell mass", error)
      || !check_positive (scenario, cell->cp_j_kg_k, "the cell specific heat", error)
      || !check_positive (scenario, cell->t_ref_k, "the cell's table temperature", error)
      || !check_positive (scenario, ps_scenario_get_initial_temp_k (scenario), "the initial temperature", error)
      || !check_positive (scenario, scenario->ambient_k, "the ambient temperature", error)
      || !check_positive (scenario, scenario->coolant_inlet_k, "the coolant inlet temperature", error))
    return FALSE;

  if (!isfinite (cell->ea_r0_j_mol) || !isfinite (cell->ea_rc_j_mol)
      || !isfinite (pack->r_tab_ohm) || pack->r_tab_ohm < 0.0
      || !isfinite (pack->r_busbar_ohm) || pack->r_busbar_ohm < 0.0
      || !isfinite (scenario->initial_soc)
      || !(scenario->capacity_rel_sd >= 0.0 && scenario->capacity_rel_sd < 1.0)
      || !(scenario->resistance_rel_sd >= 0.0 && scenario->resistance_rel_sd < 1.0)
      || !(scenario->soc_sd >= 0.0 && scenario->soc_sd < 1.0))
    {
      g_set_error (error, PS_ENGINE_ERROR, PS_ENGINE_ERROR_INVALID,
                   "%s: activation energies, tab and busbar resistances, initial SOC "
                   "and variation spreads must be finite, resistances >= 0 and "
                   "spreads in [0, 1)", where);
      return FALSE;
    }

  if (!check_table (scenario, &cell->ocv, "OCV", 0.0, TRUE, error)
      || !check_table (scenario, &cell->dudt, "dU/dT", -INFINITY, FALSE, error)
      || !check_table (scenario, &cell->r0, "R0", 0.0, TRUE, error)
      || !check_table (scenario, &cell->r1, "R1", 0.0, FALSE, error)
      || !check_table (scenario, &cell->c1, "C1", 0.0, FALSE, error)
      || !check_table (scenario, &cell->r2, "R2", 0.0, FALSE, error)
      || !check_table (scenario, &cell->c2, "C2", 0.0, FALSE, error))
    return FALSE;

  for (guint i = 0; i < pack->n_cells; i++)
    {
      if (!isfinite (pack->cell_ha_w_k[i]) || pack->cell_ha_w_k[i] < 0.0)
        {
          g_set_error (error, PS_ENGINE_ERROR, PS_ENGINE_ERROR_INVALID,
                       "%s: pack '%s': cell %u has a cooling conductance of %g W/K, "
                       "expected a finite value >= 0", where,
                       pack->id ? pack->id : "?", i, pack->cell_ha_w_k[i]);
          return FALSE;
        }
      for (guint k = pack->nb_offset[i]; k < pack->nb_offset[i + 1]; k++)
        {
          if (pack->nb_index[k] >= pack->n_cells
              || !isfinite (pack->nb_g_w_k[k]) || pack->nb_g_w_k[k] < 0.0)
            {
              g_set_error (error, PS_ENGINE_ERROR, PS_ENGINE_ERROR_INVALID,
                           "%s: pack '%s': cell %u has a bad neighbour entry "
                           "(index %u, %g W/K)", where, pack->id ? pack->id : "?",
                           i, pack->nb_index[k], pack->nb_g_w_k[k]);
              return FALSE;
            }
        }
    }

  if (pack->cooling == PS_COOLING_COLD_PLATE && pack->n_channels > 0)
    {
      if (!check_positive (scenario, pack->coolant_flow_kg_s, "the coolant flow", error)
          || !check_positive (scenario, pack->coolant_cp_j_kg_k,
                              "the coolant specific heat", error))
        return FALSE;
      if (pack->channel_offset == NULL || pack->channel_cells == NULL
          || pack->channel_offset[pack->n_channels] > pack->n_cells)
        {
          g_set_error (error, PS_ENGINE_ERROR, PS_ENGINE_ERROR_INVALID,
                       "%s: pack '%s': coolant channels are inconsistent", where,
                       pack->id ? pack->id : "?");
          return FALSE;
        }
      for (guint k = 0; k < pack->channel_offset[pack->n_channels]; k++)
        if (pack->channel_cells[k] >= pack->n_cells)
          {
            g_set_error (error, PS_ENGINE_ERROR, PS_ENGINE_ERROR_INVALID,
                         "%s: pack '%s': coolant channel names cell %u of %u",
                         where, pack->id ? pack->id : "?", pack->channel_cells[k],
                         pack->n_cells);
            return FALSE;
          }
    }

  if (scenario->faults != NULL)
    for (guint i = 0; i < scenario->faults->len; i++)
      {
        const PsFault *f = &g_array_index (scenario->faults, PsFault, i);
        g_autofree char *fw = g_strdup_printf ("%s: fault %u: ", where, i + 1);

        if (f->kind >= PS_FAULT_N_KINDS || !_ps_fault_check (f, pack, fw, error))
          {
            if (f->kind >= PS_FAULT_N_KINDS)
              g_set_error (error, PS_ENGINE_ERROR, PS_ENGINE_ERROR_INVALID,
                           "%skind: not a fault kind", fw);
            return FALSE;
          }
        if (f->kind == PS_FAULT_THERMAL_RUNAWAY && scenario->runaway_model == PS_RUNAWAY_MODEL_OFF)
          {
            g_set_error (error, PS_ENGINE_ERROR, PS_ENGINE_ERROR_INVALID,
                         "%skind: a thermal_runaway fault needs a runaway model "
                         "(\"runaway\": {\"model\": \"arrhenius\"} or \"trigger\"), "
                         "the scenario has \"off\"", fw);
            return FALSE;
          }
      }

  return TRUE;
}

/* "faults" and "runaway" (the scenario's own: a preset gives none) */
static gboolean
read_faults (JsonObject  *root,
             const PsPack *pack,
             const char  *source,
             PsScenario  *self,
             GError     **error)
{
  JsonNode *node;

  if ((node = json_object_get_member (root, "faults")) != NULL)
    {
      JsonArray *array;

      if (!JSON_NODE_HOLDS_ARRAY (node))
        return _ps_json_set_error (error, PS_ENGINE_ERROR_INVALID, source, "$.faults",
                                   "expected an array of faults, got %s",
                                   _ps_json_node_kind (node));
      array = json_node_get_array (node);
      for (guint i = 0; i < json_array_get_length (array); i++)
        {
          g_autofree char *path = _ps_json_index_path ("$.faults", i);
          PsFault fault;

          if (!_ps_fault_read_json (json_array_get_element (array, i), pack, source, path,
                                    &fault, error))
            return FALSE;
          g_array_append_val (self->faults, fault);
        }
    }

  if ((node = json_object_get_member (root, "runaway")) != NULL)
    {
      JsonObject *object;
      JsonNode *model;

      if (!_ps_json_get_object (node, source, "$.runaway", &object, error) ||
          !_ps_json_check_members (object, runaway_members, source, "$.runaway", error))
        return FALSE;
      if ((model = json_object_get_member (object, "model")) != NULL
          && (!_ps_json_node_is_string (model)
              || !ps_runaway_model_from_string (json_node_get_string (model),
                                                &self->runaway_model)))
        return _ps_json_set_error (error, PS_ENGINE_ERROR_INVALID, source, "$.runaway.model",
                                   "expected \"arrhenius\", \"trigger\" or \"off\"");
    }
  return TRUE;
}

/* Builds a scenario from a root object. When preset_id is set, the pack is
 * that preset and root must not name one. */
static PsScenario *
scenario_from_root (JsonNode    *root_node,
                    const char  *source,
                    const char  *preset_id,
                    GError     **error)
{
  g_autoptr(PsScenario) self = NULL;
  g_autoptr(JsonNode) preset_pack_node = NULL;
  g_autoptr(PsCellType) cell = NULL;
  g_autoptr(PsPack) pack = NULL;
  g_autoptr(GError) local_error = NULL;
  g_auto(ScenarioSettings) settings;
  JsonObject *root;
  JsonNode *pack_node = NULL;
  JsonNode *cell_node;
  const char *pack_source = source;
  const char *pack_path = "$.pack";

  settings_init_defaults (&settings);

  if (!_ps_json_get_object (root_node, source, "$", &root, error) ||
      !_ps_json_check_members (root, scenario_members, source, "$", error))
    return NULL;

  /* the pack JSON: a preset's, or inline */
  if (preset_id == NULL)
    {
      pack_node = json_object_get_member (root, "pack");
      if (pack_node == NULL)
        {
          _ps_json_set_error (error, PS_ENGINE_ERROR_INVALID, source, "$.pack",
                              "missing member, expected a pack preset id or a pack object");
          return NULL;
        }
      if (_ps_json_node_is_string (pack_node))
        {
          preset_id = json_node_get_string (pack_node);
          if (!is_preset (preset_id))
            {
              set_unknown_preset_error (error, source, "$.pack", preset_id);
              return NULL;
            }
        }
      else if (!JSON_NODE_HOLDS_OBJECT (pack_node))
        {
          _ps_json_set_error (error, PS_ENGINE_ERROR_INVALID, source, "$.pack",
                              "expected a pack preset id (a string) or a pack object, got %s",
                              _ps_json_node_kind (pack_node));
          return NULL;
        }
    }

  if (preset_id != NULL)
    {
      preset_pack_node = load_preset_pack_node (preset_id, error);
      if (preset_pack_node == NULL)
        return NULL;
      pack_node = preset_pack_node;
      pack_source = preset_id;
      pack_path = "$";
    }

  /* the cell: given, or the pack's own */
  cell_node = json_object_get_member (root, "cell");
  if (cell_node != NULL && _ps_json_node_is_string (cell_node))
    {
      cell = ps_cell_type_new_from_id (json_node_get_string (cell_node), &local_error);
      if (cell == NULL)
        {
          _ps_json_set_error (error, local_error->code, source, "$.cell", "%s",
                              local_error->message);
          return NULL;
        }
    }
  else if (cell_node != NULL && JSON_NODE_HOLDS_OBJECT (cell_node))
    {
      cell = ps_cell_type_new_from_json_node (cell_node, source, "$.cell", error);
      if (cell == NULL)
        return NULL;
    }
  else if (cell_node != NULL)
    {
      _ps_json_set_error (error, PS_ENGINE_ERROR_INVALID, source, "$.cell",
                          "expected a cell id (a string) or a cell object, got %s",
                          _ps_json_node_kind (cell_node));
      return NULL;
    }
  else
    {
      g_autofree char *cell_id = ps_pack_json_get_cell_id (pack_node, pack_source,
                                                           pack_path, error);

      if (cell_id == NULL)
        return NULL;
      cell = ps_cell_type_new_from_id (cell_id, &local_error);
      if (cell == NULL)
        {
          g_autofree char *cpath = g_strdup_printf ("%s.cell", pack_path);

          _ps_json_set_error (error, local_error->code, pack_source, cpath, "%s",
                              local_error->message);
          return NULL;
        }
    }

  pack = ps_pack_new_from_json_node (pack_node, cell, pack_source, pack_path, error);
  if (pack == NULL)
    return NULL;

  /* defaults that depend on the pack, then the preset's scenario, then ours */
  /* a road pack drives its own car unless told otherwise */
  if (pack->id != NULL && ps_vehicle_load_builtin (&settings.vehicle, pack->id, NULL))
    settings.vehicle_set = TRUE;

  /* the pack's own cooling (air convection or the cold plate) works unless a
   * scenario says it has failed or is switched off */
  settings.cooling_enabled = TRUE;
  settings.name = g_strdup (pack->name);

  if (pack->preset_scenario != NULL)
    {
      JsonObject *preset;
      g_autofree char *ppath = _ps_json_member_path (pack_path, "preset_scenario");

      if (!_ps_json_get_object (pack->preset_scenario, pack_source, ppath, &preset, error))
        return NULL;
      if (json_object_has_member (preset, "pack") || json_object_has_member (preset, "cell"))
        {
          _ps_json_set_error (error, PS_ENGINE_ERROR_INVALID, pack_source, ppath,
                              "expected a scenario without \"pack\" or \"cell\"");
          return NULL;
        }
      if (!_ps_json_check_members (preset, scenario_members, pack_source, ppath, error) ||
          !read_settings (preset, pack_source, ppath, &settings, error))
        return NULL;
    }

  if (!read_settings (root, source, "$", &settings, error))
    return NULL;

  self = g_new0 (PsScenario, 1);
  self->faults = g_array_new (FALSE, FALSE, sizeof (PsFault));
  self->runaway_model = PS_RUNAWAY_MODEL_ARRHENIUS;
  if (!read_faults (root, pack, source, self, error))
    return NULL;
  self->name = g_steal_pointer (&settings.name);
  self->source_name = g_strdup (source);
  self->pack = g_steal_pointer (&pack);
  self->cell = g_steal_pointer (&cell);
  self->initial_soc = settings.initial_soc;
  /* the cells start at the ambient temperature unless told otherwise, as
   * in PyBaMM */
  self->initial_temp_set = settings.initial_temp_set;
  self->initial_temp_k = (settings.initial_temp_set ? settings.initial_temp_c
                                                    : settings.ambient_c) + ZERO_C_IN_K;
  self->ambient_k = settings.ambient_c + ZERO_C_IN_K;
  self->cooling_enabled = settings.cooling_enabled;
  self->coolant_inlet_k = (settings.coolant_inlet_set ? settings.coolant_inlet_c
                                                      : settings.ambient_c) + ZERO_C_IN_K;
  self->capacity_rel_sd = settings.capacity_rel_sd;
  self->resistance_rel_sd = settings.resistance_rel_sd;
  self->soc_sd = settings.soc_sd;
  self->dt_s = settings.dt_s;
  self->seed = settings.seed;
  self->bms = settings.bms;
  self->vehicle = settings.vehicle;
  self->vehicle_set = settings.vehicle_set;
  ps_bms_config_resolve (&self->bms, self->cell);
  self->cell_model = settings.cell_model;
  memcpy (self->dfn_mesh, settings.dfn_mesh, sizeof self->dfn_mesh);
  {
    const char *model_source = json_object_has_member (root, "cell_model") ? source : pack_source;
    g_autoptr(GError) model_error = NULL;

    if (_ps_cell_model_class_for_kind (self->cell_model, self->cell, &model_error) == NULL)
      {
        _ps_json_set_error (error, PS_ENGINE_ERROR_INVALID, model_source, "$.cell_model", "%s",
                            model_error->message);
        return NULL;
      }
  }

  if (settings.protocol_text != NULL)
    self->protocol_text = g_steal_pointer (&settings.protocol_text);
  else
    self->protocol_text = g_strdup_printf ("Discharge at 1C until %.4g V",
                                           self->cell->voltage_min_v);

  self->protocol = ps_protocol_parse (self->protocol_text, &local_error);
  if (self->protocol == NULL)
    {
      _ps_json_set_error (error, PS_ENGINE_ERROR_INVALID, source, "$.protocol", "%s",
                          local_error->message);
      return NULL;
    }

  /* what the members do not say alone: the tables and thermal arrays the
   * pack and cell were built into, and their fit with each other */
  if (!ps_scenario_validate (self, error))
    return NULL;

  if (!ps_scenario_check_limits (self, "$.initial.temperature_c", "$.ambient_c",
                                 &local_error))
    {
      g_set_error (error, PS_ENGINE_ERROR, PS_ENGINE_ERROR_INVALID, "%s: %s",
                   source, local_error->message);
      return NULL;
    }

  return g_steal_pointer (&self);
}

PsScenario *
ps_scenario_new_from_preset (const char  *id,
                             GError     **error)
{
  g_autoptr(JsonObject) object = NULL;
  g_autoptr(JsonNode) empty = NULL;

  g_return_val_if_fail (id != NULL, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  if (!is_preset (id))
    {
      set_unknown_preset_error (error, id, "$", id);
      return NULL;
    }

  /* a scenario that says nothing: the preset's own defaults */
  object = json_object_new ();
  empty = json_node_init_object (json_node_alloc (), object);
  return scenario_from_root (empty, id, id, error);
}

/* A scenario root for one cell standing alone in air (a BPX import): a
 * one-cell pack around its footprint, the SPMe, a 1C discharge to the
 * cut-off from full. */
static JsonNode *
single_cell_root (const PsCellType *cell,
                  const char       *cell_model)
{
  g_autoptr(JsonBuilder) b = json_builder_new_immutable ();
  gboolean cylinder = cell->shape == PS_CELL_SHAPE_CYLINDRICAL;
  /* footprint: a pouch lies flat (length x width), a cylinder stands */
  double fw = cylinder ? cell->width_m : cell->length_m;
  double fh = cylinder ? cell->width_m : cell->width_m;
  double margin = 0.2 * MAX (fw, fh);
  double mw = fw * 1.05, mh = fh * 1.05;
  double ow = mw + 2.0 * margin, oh = mh + 2.0 * margin;
  g_autofree char *name = g_strdup_printf ("%s: discharge at 1C", cell->name);
  g_autofree char *protocol = g_strdup_printf ("Discharge at 1C until %.4g V", cell->voltage_min_v);

  json_builder_begin_object (b);
  _ps_json_builder_add_int (b, "packscope_scenario", PS_SCENARIO_VERSION);
  _ps_json_builder_add_string (b, "name", name);

  json_builder_set_member_name (b, "pack");
  json_builder_begin_object (b);
  _ps_json_builder_add_string (b, "id", "single-cell");
  _ps_json_builder_add_string (b, "name", cell->name);
  _ps_json_builder_add_string (b, "source", "One cell alone in still air, h 10 W/m2K "
                               "(made for a cell file opened on its own).");
  _ps_json_builder_add_string (b, "cell", cell->id);
  _ps_json_builder_add_int (b, "n_series", 1);
  _ps_json_builder_add_int (b, "n_parallel", 1);
  _ps_json_builder_add_double (b, "r_tab_ohm", 0.0);
  _ps_json_builder_add_double (b, "r_busbar_ohm", 0.0);
  json_builder_set_member_name (b, "outline_m");
  json_builder_begin_array (b);
  {
    const double pts[4][2] = { { 0, 0 }, { ow, 0 }, { ow, oh }, { 0, oh } };

    for (guint i = 0; i < 4; i++)
      {
        json_builder_begin_array (b);
        json_builder_add_double_value (b, pts[i][0]);
        json_builder_add_double_value (b, pts[i][1]);
        json_builder_end_array (b);
      }
  }
  json_builder_end_array (b);
  json_builder_set_member_name (b, "modules");
  json_builder_begin_array (b);
  json_builder_begin_object (b);
  _ps_json_builder_add_string (b, "name", "Cell");
  _ps_json_builder_add_doubles (b, "origin_m", (double[]) { margin, margin }, 2, 1.0);
  _ps_json_builder_add_doubles (b, "size_m", (double[]) { mw, mh }, 2, 1.0);
  _ps_json_builder_add_double (b, "rotation_deg", 0.0);
  _ps_json_builder_add_string (b, "arrangement", "grid");
  _ps_json_builder_add_int (b, "columns", 1);
  _ps_json_builder_add_int (b, "rows", 1);
  _ps_json_builder_add_doubles (b, "pitch_m", (double[]) { mw, mh }, 2, 1.0);
  _ps_json_builder_add_string (b, "cell_orientation", cylinder ? "upright" : "flat");
  _ps_json_builder_add_int (b, "groups", 1);
  _ps_json_builder_add_string (b, "order", "columns");
  json_builder_end_object (b);
  json_builder_end_array (b);
  json_builder_set_member_name (b, "cooling");
  json_builder_begin_object (b);
  _ps_json_builder_add_string (b, "kind", "air");
  _ps_json_builder_add_double (b, "h_w_m2k", 10.0);
  _ps_json_builder_add_double (b, "exposed_area_fraction", 1.0);
  json_builder_end_object (b);
  json_builder_set_member_name (b, "conduction");
  json_builder_begin_object (b);
  _ps_json_builder_add_double (b, "contact_w_m2k", 1000.0);
  _ps_json_builder_add_double (b, "module_contact_w_m2k", 50.0);
  _ps_json_builder_add_double (b, "filler_k_w_mk", 0.026);
  _ps_json_builder_add_double (b, "max_gap_m", 0.003);
  json_builder_end_object (b);
  json_builder_end_object (b);

  json_builder_set_member_name (b, "cell");
  json_builder_add_value (b, ps_cell_type_to_json_node (cell));
  json_builder_set_member_name (b, "initial");
  json_builder_begin_object (b);
  _ps_json_builder_add_double (b, "soc", 1.0);
  json_builder_end_object (b);
  _ps_json_builder_add_string (b, "protocol", protocol);
  _ps_json_builder_add_string (b, "cell_model", cell_model);
  json_builder_end_object (b);
  return json_builder_get_root (b);
}

PsScenario *
ps_scenario_new_for_cell (const PsCellType  *cell,
                          const char        *source_name,
                          GError           **error)
{
  g_autoptr(JsonNode) root = NULL;

  g_return_val_if_fail (cell != NULL, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  root = single_cell_root (cell, cell->electrochem != NULL ? "spme" : "ecm");
  return scenario_from_root (root, source_name ? source_name : cell->id, NULL, error);
}

PsScenario *
ps_scenario_new_from_data (const char  *data,
                           gssize       length,
                           const char  *source_name,
                           GError     **error)
{
  g_autoptr(JsonNode) root = NULL;

  g_return_val_if_fail (data != NULL, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  if (source_name == NULL)
    source_name = "(data)";

  root = parse_json (data, length, source_name, error);
  if (root == NULL)
    return NULL;

  /* a BPX file: its cell alone */
  if (_ps_bpx_node_is_bpx (root))
    {
      g_autoptr(PsCellType) cell = _ps_bpx_cell_new_from_node (root, source_name, error);

      if (cell == NULL)
        return NULL;
      return ps_scenario_new_for_cell (cell, source_name, error);
    }

  return scenario_from_root (root, source_name, NULL, error);
}

PsScenario *
ps_scenario_new_from_file (const char  *path,
                           GError     **error)
{
  g_autofree char *data = NULL;
  gsize length;

  g_return_val_if_fail (path != NULL, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  if (!_ps_input_file_read (path, "scenario file", PS_SCENARIO_MAX_BYTES, &data, &length, error))
    return NULL;
  return ps_scenario_new_from_data (data, length, path, error);
}

static const char * const scenario_presets[] = { "leaf-2018-rapidgate", NULL };

char **
ps_scenario_list_scenario_presets (void)
{
  return g_strdupv ((char **) scenario_presets);
}

PsScenario *
ps_scenario_new_lookup (const char  *id_or_path,
                        GError     **error)
{
  g_return_val_if_fail (id_or_path != NULL, NULL);

  if (is_preset (id_or_path))
    return ps_scenario_new_from_preset (id_or_path, error);

  /* a whole scenario as a preset (resources/scenarios) */
  if (g_strv_contains (scenario_presets, id_or_path))
    {
      g_autofree char *path = g_strconcat ("/io/github/packscope/Packscope/scenarios/",
                                           id_or_path, ".json", NULL);
      g_autoptr(GBytes) bytes = g_resources_lookup_data (path, G_RESOURCE_LOOKUP_FLAGS_NONE, error);

      if (bytes == NULL)
        return NULL;
      return ps_scenario_new_from_data (g_bytes_get_data (bytes, NULL), g_bytes_get_size (bytes),
                                        id_or_path, error);
    }

  if (!g_file_test (id_or_path, G_FILE_TEST_EXISTS) &&
      strchr (id_or_path, '/') == NULL && !g_str_has_suffix (id_or_path, ".json"))
    {
      g_auto(GStrv) presets = ps_pack_list_presets ();
      g_autofree char *list = presets ? g_strjoinv (", ", presets) : g_strdup ("none");

      g_set_error (error, PS_ENGINE_ERROR, PS_ENGINE_ERROR_NOT_FOUND,
                   "%s: no such preset or file (presets: %s)", id_or_path, list);
      return NULL;
    }

  return ps_scenario_new_from_file (id_or_path, error);
}

gboolean
ps_scenario_set_protocol (PsScenario  *self,
                          const char  *text,
                          GError     **error)
{
  g_autoptr(PsProtocol) protocol = NULL;

  g_return_val_if_fail (self != NULL, FALSE);
  g_return_val_if_fail (text != NULL, FALSE);

  protocol = ps_protocol_parse (text, error);
  if (protocol == NULL)
    return FALSE;
  if (protocol->n_steps == 0)
    {
      g_set_error (error, PS_ENGINE_ERROR, PS_ENGINE_ERROR_INVALID,
                   "protocol: expected at least one step, got none");
      return FALSE;
    }

  g_clear_pointer (&self->protocol, ps_protocol_free);
  g_free (self->protocol_text);
  self->protocol = g_steal_pointer (&protocol);
  self->protocol_text = g_strdup (text);

  return TRUE;
}

void
ps_scenario_name_after_protocol (PsScenario *scenario)
{
  g_autofree char *steps = NULL;
  const char *pack;

  g_return_if_fail (scenario != NULL);

  if (scenario->protocol_text == NULL)
    return;

  steps = g_strdup (scenario->protocol_text);
  g_strstrip (g_strdelimit (steps, "\n", ';'));
  pack = scenario->pack != NULL && scenario->pack->id != NULL ? scenario->pack->id : "";
  g_free (scenario->name);
  scenario->name = g_strdup_printf ("%s: %s", pack, steps);
}

static gboolean
protocol_lines_stand_alone (char **lines)
{
  for (guint i = 0; lines[i] != NULL; i++)
    {
      g_autoptr(PsProtocol) line = NULL;
      g_autofree char *stripped = g_strstrip (g_strdup (lines[i]));

      if (*stripped == '\0')
        continue;
      line = ps_protocol_parse (stripped, NULL);
      if (line == NULL)
        return FALSE;
    }
  return TRUE;
}

char *
ps_scenario_to_json (const PsScenario *self)
{
  g_autoptr(JsonBuilder) builder = json_builder_new ();
  g_autoptr(JsonNode) root = NULL;
  g_auto(GStrv) lines = NULL;

  g_return_val_if_fail (self != NULL, NULL);

  json_builder_begin_object (builder);

  _ps_json_builder_add_int (builder, "packscope_scenario", PS_SCENARIO_VERSION);
  _ps_json_builder_add_string (builder, "name", self->name ? self->name : "");

  json_builder_set_member_name (builder, "pack");
  json_builder_add_value (builder, ps_pack_to_json_node (self->pack));
  json_builder_set_member_name (builder, "cell");
  json_builder_add_value (builder, ps_cell_type_to_json_node (self->cell));

  json_builder_set_member_name (builder, "initial");
  json_builder_begin_object (builder);
  _ps_json_builder_add_double (builder, "soc", self->initial_soc);
  /* left out when it follows the ambient temperature, so it still does */
  if (self->initial_temp_set)
    _ps_json_builder_add_celsius (builder, "temperature_c", self->initial_temp_k);
  json_builder_end_object (builder);

  _ps_json_builder_add_celsius (builder, "ambient_c", self->ambient_k);

  json_builder_set_member_name (builder, "cooling");
  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "enabled");
  json_builder_add_boolean_value (builder, self->cooling_enabled);
  _ps_json_builder_add_celsius (builder, "coolant_inlet_c", self->coolant_inlet_k);
  json_builder_end_object (builder);

  json_builder_set_member_name (builder, "variation");
  json_builder_begin_object (builder);
  _ps_json_builder_add_double (builder, "capacity_rel_sd", self->capacity_rel_sd);
  _ps_json_builder_add_double (builder, "resistance_rel_sd", self->resistance_rel_sd);
  _ps_json_builder_add_double (builder, "soc_sd", self->soc_sd);
  json_builder_end_object (builder);

  /* one array element per line of the protocol as written, unless a
   * line does not stand on its own (a cycle over several lines): then the
   * text as one string */
  json_builder_set_member_name (builder, "protocol");
  lines = g_strsplit (self->protocol_text ? self->protocol_text : "", "\n", -1);
  if (protocol_lines_stand_alone (lines))
    {
      json_builder_begin_array (builder);
      for (guint i = 0; lines[i] != NULL; i++)
        {
          g_autofree char *line = g_strstrip (g_strdup (lines[i]));

          if (line[0] != '\0')
            json_builder_add_string_value (builder, line);
        }
      json_builder_end_array (builder);
    }
  else
    json_builder_add_string_value (builder, self->protocol_text);

  _ps_json_builder_add_double (builder, "dt_s", self->dt_s);
  _ps_json_builder_add_int (builder, "seed", (gint64) self->seed);
  if (self->bms.enabled || self->bms.n_fast > 0)
    _ps_bms_config_to_json (&self->bms, builder);
  if (self->vehicle_set)
    _ps_vehicle_to_json (&self->vehicle, builder);

  if (self->faults != NULL && self->faults->len > 0)
    {
      json_builder_set_member_name (builder, "faults");
      json_builder_begin_array (builder);
      for (guint i = 0; i < self->faults->len; i++)
        _ps_fault_write_json (builder, &g_array_index (self->faults, PsFault, i));
      json_builder_end_array (builder);
    }
  if (self->runaway_model != PS_RUNAWAY_MODEL_ARRHENIUS)
    {
      json_builder_set_member_name (builder, "runaway");
      json_builder_begin_object (builder);
      _ps_json_builder_add_string (builder, "model", ps_runaway_model_to_string (self->runaway_model));
      json_builder_end_object (builder);
    }
  if (self->cell_model != PS_CELL_MODEL_ECM)
    _ps_json_builder_add_string (builder, "cell_model",
                                 _ps_cell_model_kind_to_string (self->cell_model));
  if (self->dfn_mesh[0] || self->dfn_mesh[1] || self->dfn_mesh[2]
      || self->dfn_mesh[3] || self->dfn_mesh[4])
    {
      json_builder_set_member_name (builder, "dfn_mesh");
      json_builder_begin_object (builder);
      for (guint i = 0; dfn_mesh_members[i] != NULL; i++)
        if (self->dfn_mesh[i] != 0)
          _ps_json_builder_add_int (builder, dfn_mesh_members[i], self->dfn_mesh[i]);
      json_builder_end_object (builder);
    }

  json_builder_end_object (builder);

  root = json_builder_get_root (builder);
  return _ps_json_to_data (root);
}

gboolean
ps_scenario_check_limits (const PsScenario  *self,
                          const char        *initial_name,
                          const char        *ambient_name,
                          GError           **error)
{
  const PsCellType *cell;
  double t0_c, amb_c, min_c, max_c;

  g_return_val_if_fail (self != NULL, FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  cell = self->cell;
  if (cell == NULL)
    return TRUE;

  t0_c = ps_scenario_get_initial_temp_k (self) - ZERO_C_IN_K;
  amb_c = self->ambient_k - ZERO_C_IN_K;
  min_c = cell->temp_min_k - ZERO_C_IN_K;
  max_c = cell->temp_max_k - ZERO_C_IN_K;

  if (t0_c > max_c || t0_c < min_c)
    {
      g_set_error (error, PS_ENGINE_ERROR, PS_ENGINE_ERROR_INVALID,
                   "%s: the cells would start at %g degrees C%s, %s the %s "
                   "temperature limit of cell '%s', %g degrees C (expected a start "
                   "from %g to %g degrees C)", initial_name, t0_c,
                   self->initial_temp_set ? "" : " (the ambient temperature)",
                   t0_c > max_c ? "above" : "below", t0_c > max_c ? "upper" : "lower",
                   cell->id ? cell->id : "?", t0_c > max_c ? max_c : min_c,
                   min_c, max_c);
      return FALSE;
    }
  /* at rest the cells go to the ambient temperature, so an ambient above
   * the limit would take them past it where no step can stop it */
  if (amb_c > max_c)
    {
      g_set_error (error, PS_ENGINE_ERROR, PS_ENGINE_ERROR_INVALID,
                   "%s: an ambient temperature of %g degrees C is above the upper "
                   "temperature limit of cell '%s', %g degrees C (a resting pack "
                   "would heat past it)", ambient_name, amb_c,
                   cell->id ? cell->id : "?", max_c);
      return FALSE;
    }

  return TRUE;
}

PsScenario *
ps_scenario_copy (const PsScenario *self)
{
  PsScenario *copy;

  g_return_val_if_fail (self != NULL, NULL);

  copy = g_memdup2 (self, sizeof *self);
  copy->name = g_strdup (self->name);
  copy->source_name = g_strdup (self->source_name);
  copy->pack = self->pack ? ps_pack_ref (self->pack) : NULL;
  copy->cell = self->cell ? ps_cell_type_copy (self->cell) : NULL;
  copy->protocol_text = g_strdup (self->protocol_text);
  copy->protocol = self->protocol ? ps_protocol_copy (self->protocol) : NULL;
  copy->faults = g_array_new (FALSE, FALSE, sizeof (PsFault));
  if (self->faults != NULL)
    g_array_append_vals (copy->faults, self->faults->data, self->faults->len);

  return copy;
}

void
ps_scenario_free (PsScenario *self)
{
  if (self == NULL)
    return;

  g_free (self->name);
  g_free (self->source_name);
  g_clear_pointer (&self->pack, ps_pack_unref);
  g_clear_pointer (&self->cell, ps_cell_type_free);
  g_free (self->protocol_text);
  g_clear_pointer (&self->protocol, ps_protocol_free);
  g_clear_pointer (&self->faults, g_array_unref);
  g_free (self);
}

/* ------------------------------------------------------------- accessors */

const char *
ps_scenario_get_name (const PsScenario *scenario)
{
  g_return_val_if_fail (scenario != NULL, NULL);
  return scenario->name;
}

const char *
ps_scenario_get_source_name (const PsScenario *scenario)
{
  g_return_val_if_fail (scenario != NULL, NULL);
  return scenario->source_name;
}

PsPack *
ps_scenario_get_pack (const PsScenario *scenario)
{
  g_return_val_if_fail (scenario != NULL, NULL);
  return scenario->pack;
}

const PsCellType *
ps_scenario_get_cell (const PsScenario *scenario)
{
  g_return_val_if_fail (scenario != NULL, NULL);
  return scenario->cell;
}

const PsProtocol *
ps_scenario_get_protocol (const PsScenario *scenario)
{
  g_return_val_if_fail (scenario != NULL, NULL);
  return scenario->protocol;
}

double
ps_scenario_get_initial_soc (const PsScenario *scenario)
{
  g_return_val_if_fail (scenario != NULL, NAN);
  return scenario->initial_soc;
}

double
ps_scenario_get_initial_temp_k (const PsScenario *scenario)
{
  g_return_val_if_fail (scenario != NULL, NAN);
  return scenario->initial_temp_set ? scenario->initial_temp_k : scenario->ambient_k;
}

gboolean
ps_scenario_get_initial_temp_set (const PsScenario *scenario)
{
  g_return_val_if_fail (scenario != NULL, FALSE);
  return scenario->initial_temp_set;
}

double
ps_scenario_get_ambient_k (const PsScenario *scenario)
{
  g_return_val_if_fail (scenario != NULL, NAN);
  return scenario->ambient_k;
}

gboolean
ps_scenario_get_cooling_enabled (const PsScenario *scenario)
{
  g_return_val_if_fail (scenario != NULL, FALSE);
  return scenario->cooling_enabled;
}

double
ps_scenario_get_dt_s (const PsScenario *scenario)
{
  g_return_val_if_fail (scenario != NULL, NAN);
  return scenario->dt_s;
}

void
ps_scenario_set_bms_enabled (PsScenario *scenario,
                             gboolean    enabled)
{
  g_return_if_fail (scenario != NULL);
  scenario->bms.enabled = !!enabled;
}

const PsBmsConfig *
ps_scenario_get_bms (const PsScenario *scenario)
{
  g_return_val_if_fail (scenario != NULL, NULL);
  return &scenario->bms;
}

const PsVehicle *
ps_scenario_get_vehicle (const PsScenario *scenario)
{
  g_return_val_if_fail (scenario != NULL, NULL);
  return scenario->vehicle_set ? &scenario->vehicle : NULL;
}

const char *
ps_scenario_get_cell_model (const PsScenario *scenario)
{
  g_return_val_if_fail (scenario != NULL, "ecm");

  return _ps_cell_model_kind_to_string (scenario->cell_model);
}

gboolean
ps_scenario_cell_supports_model (const PsScenario *scenario,
                                 const char       *model)
{
  PsCellModelKind kind;

  g_return_val_if_fail (scenario != NULL, FALSE);

  return _ps_cell_model_kind_from_string (model, &kind)
         && _ps_cell_model_class_for_kind (kind, scenario->cell, NULL) != NULL;
}

gboolean
ps_scenario_set_cell_electrochem (PsScenario  *scenario,
                                  const char  *set_id,
                                  GError     **error)
{
  PsElectrochem *ec;

  g_return_val_if_fail (scenario != NULL, FALSE);
  g_return_val_if_fail (set_id != NULL, FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  ec = ps_electrochem_new_from_id (set_id, error);
  if (ec == NULL)
    return FALSE;
  g_clear_pointer (&scenario->cell->electrochem, ps_electrochem_free);
  g_free (scenario->cell->electrochem_id);
  scenario->cell->electrochem = ec;
  scenario->cell->electrochem_id = g_strdup (set_id);
  return TRUE;
}

gboolean
ps_scenario_set_cell_model (PsScenario  *scenario,
                            const char  *model,
                            GError     **error)
{
  PsCellModelKind kind;

  g_return_val_if_fail (scenario != NULL, FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  if (!_ps_cell_model_kind_from_string (model, &kind))
    {
      g_set_error (error, PS_ENGINE_ERROR, PS_ENGINE_ERROR_INVALID,
                   "cell model \"%s\": expected ecm, spme or dfn", model ? model : "(null)");
      return FALSE;
    }
  if (_ps_cell_model_class_for_kind (kind, scenario->cell, error) == NULL)
    return FALSE;
  scenario->cell_model = kind;
  return TRUE;
}

gboolean
ps_scenario_set_dfn_mesh (PsScenario  *scenario,
                          const char  *spec,
                          GError     **error)
{
  g_auto(GStrv) parts = NULL;
  guint mesh[5];

  g_return_val_if_fail (scenario != NULL, FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  parts = g_strsplit (spec != NULL ? spec : "", ",", -1);
  if (g_strv_length (parts) != 5)
    {
      g_set_error (error, PS_ENGINE_ERROR, PS_ENGINE_ERROR_INVALID,
                   "DFN mesh \"%s\": expected five numbers of volumes, "
                   "X_NEG,X_SEP,X_POS,R_NEG,R_POS", spec ? spec : "(null)");
      return FALSE;
    }
  for (guint i = 0; i < 5; i++)
    {
      guint64 v;

      if (!g_ascii_string_to_unsigned (g_strstrip (parts[i]), 10, 1, PS_DFN_MESH_MAX, &v, NULL))
        {
          g_set_error (error, PS_ENGINE_ERROR, PS_ENGINE_ERROR_INVALID,
                       "DFN mesh \"%s\": %s (%s) must be a whole number from 1 to %d",
                       spec, dfn_mesh_members[i], parts[i], PS_DFN_MESH_MAX);
          return FALSE;
        }
      mesh[i] = (guint) v;
    }
  memcpy (scenario->dfn_mesh, mesh, sizeof mesh);
  return TRUE;
}

guint64
ps_scenario_get_seed (const PsScenario *scenario)
{
  g_return_val_if_fail (scenario != NULL, 0);
  return scenario->seed;
}

void
ps_scenario_set_initial_soc (PsScenario *scenario,
                             double      soc)
{
  g_return_if_fail (scenario != NULL);
  g_return_if_fail (soc >= 0.0 && soc <= 1.0);
  scenario->initial_soc = soc;
}

void
ps_scenario_set_dt_s (PsScenario *scenario,
                      double      dt_s)
{
  g_return_if_fail (scenario != NULL);
  g_return_if_fail (dt_s >= PS_SCENARIO_DT_MIN_S && dt_s <= PS_SCENARIO_DT_MAX_S);
  scenario->dt_s = dt_s;
}

void
ps_scenario_set_seed (PsScenario *scenario,
                      guint64     seed)
{
  g_return_if_fail (scenario != NULL);
  scenario->seed = seed;
}

void
ps_scenario_set_initial_temp_k (PsScenario *scenario,
                                double      temp_k)
{
  g_return_if_fail (scenario != NULL);
  g_return_if_fail (isfinite (temp_k) && temp_k > 0.0);
  scenario->initial_temp_k = temp_k;
  scenario->initial_temp_set = TRUE;
}

void
ps_scenario_set_ambient_k (PsScenario *scenario,
                           double      ambient_k)
{
  g_return_if_fail (scenario != NULL);
  g_return_if_fail (isfinite (ambient_k) && ambient_k > 0.0);
  scenario->ambient_k = ambient_k;
}

void
ps_scenario_set_cooling_enabled (PsScenario *scenario,
                                 gboolean    enabled)
{
  g_return_if_fail (scenario != NULL);
  scenario->cooling_enabled = !!enabled;
}

gboolean
ps_scenario_add_fault_text (PsScenario  *scenario,
                            const char  *text,
                            GError     **error)
{
  PsFault fault;

  g_return_val_if_fail (scenario != NULL && text != NULL, FALSE);

  if (!ps_fault_parse_text (text, scenario->pack, &fault, error))
    return FALSE;
  if (scenario->faults == NULL)
    scenario->faults = g_array_new (FALSE, FALSE, sizeof (PsFault));
  g_array_append_val (scenario->faults, fault);
  return TRUE;
}

const PsFault *
ps_scenario_get_faults (const PsScenario *scenario,
                        guint            *n_faults)
{
  g_return_val_if_fail (scenario != NULL && n_faults != NULL, NULL);

  *n_faults = scenario->faults != NULL ? scenario->faults->len : 0;
  return scenario->faults != NULL ? (const PsFault *) (gpointer) scenario->faults->data : NULL;
}

PsRunawayModel
ps_scenario_get_runaway_model (const PsScenario *scenario)
{
  g_return_val_if_fail (scenario != NULL, PS_RUNAWAY_MODEL_OFF);
  return scenario->runaway_model;
}

void
ps_scenario_set_runaway_model (PsScenario     *scenario,
                               PsRunawayModel  model)
{
  g_return_if_fail (scenario != NULL && model <= PS_RUNAWAY_MODEL_TRIGGER);
  scenario->runaway_model = model;
}
