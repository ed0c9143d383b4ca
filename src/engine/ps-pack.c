/* ps-pack.c: pack lifecycle, the built-in presets and the read-only view
 *
 * The loader is split by concern:
 * - ps-pack-json.c: the JSON schema, reading and writing;
 * - ps-pack-geometry.c: layout expansion, placement checks, hit test;
 * - ps-pack-thermal.c: neighbours, conductances and cooling.
 * ps-pack-private.h holds what they share.
 */
#include "config.h"

#include <string.h>

#include "ps-json-private.h"
#include "ps-pack-private.h"

#define PS_PACK_RESOURCE_PREFIX "/io/github/packscope/Packscope/packs/"

static const char * const preset_ids[] = {
  "leaf-2011", "leaf-2018", "model-s-85", "volt-2011", "forklift-48v", "lg-m50", NULL
};

/* ------------------------------------------------------------ lifecycle */

void
_ps_pack_layout_free (struct _PsPackLayout *layout)
{
  if (layout == NULL)
    return;
  for (guint i = 0; i < layout->n_specs; i++)
    g_free (layout->specs[i].name);
  g_free (layout->specs);
  g_free (layout->cell_z);
  g_free (layout->cell_thin_axis);
  g_free (layout->grid_offset);
  g_free (layout->grid_cells);
  g_free (layout);
}

static void
ps_pack_free (PsPack *self)
{
  g_free (self->id);
  g_free (self->name);
  g_free (self->source);
  g_free (self->cell_type_id);
  g_free (self->group_module);
  g_free (self->module_rect);
  g_strfreev (self->module_name);
  g_free (self->outline_xy);
  g_free (self->cell_x);
  g_free (self->cell_y);
  g_free (self->cell_w);
  g_free (self->cell_h);
  g_free (self->nb_offset);
  g_free (self->nb_index);
  g_free (self->nb_g_w_k);
  g_free (self->cell_ha_w_k);
  g_free (self->channel_offset);
  g_free (self->channel_cells);
  g_clear_pointer (&self->preset_scenario, json_node_unref);
  _ps_pack_layout_free (self->layout);
  g_free (self);
}

/* Points the read-only view at the loaded members; once, when loading is
 * done (nothing changes afterwards). */
void
_ps_pack_fill_info (PsPack *self)
{
  PsPackInfo *info = &self->info;

  info->id = self->id;
  info->name = self->name;
  info->source = self->source;
  info->cell_type_id = self->cell_type_id;
  info->cell_shape = self->cell_shape;
  info->n_series = self->n_series;
  info->n_parallel = self->n_parallel;
  info->n_cells = self->n_cells;
  info->r_tab_ohm = self->r_tab_ohm;
  info->r_busbar_ohm = self->r_busbar_ohm;
  info->n_modules = self->n_modules;
  info->group_module = self->group_module;
  info->module_rect = self->module_rect;
  info->module_name = (const char * const *) self->module_name;
  info->n_outline = self->n_outline;
  info->outline_xy = self->outline_xy;
  info->bounds = self->bounds;
  info->cell_x = self->cell_x;
  info->cell_y = self->cell_y;
  info->cell_w = self->cell_w;
  info->cell_h = self->cell_h;
  info->nb_offset = self->nb_offset;
  info->nb_index = self->nb_index;
  info->nb_g_w_k = self->nb_g_w_k;
  info->cooling = self->cooling;
  info->cell_ha_w_k = self->cell_ha_w_k;
  info->n_channels = self->n_channels;
  info->channel_offset = self->channel_offset;
  info->channel_cells = self->channel_cells;
  info->coolant_flow_kg_s = self->coolant_flow_kg_s;
  info->coolant_cp_j_kg_k = self->coolant_cp_j_kg_k;
}

const PsPackInfo *
ps_pack_get_info (const PsPack *pack)
{
  g_return_val_if_fail (pack != NULL, NULL);
  return &pack->info;
}

PsPack *
ps_pack_ref (PsPack *pack)
{
  g_return_val_if_fail (pack != NULL, NULL);
  g_atomic_ref_count_inc (&pack->ref_count);
  return pack;
}

void
ps_pack_unref (PsPack *pack)
{
  g_return_if_fail (pack != NULL);
  if (g_atomic_ref_count_dec (&pack->ref_count))
    ps_pack_free (pack);
}

PsPack *
ps_pack_new_from_id (const char  *id,
                     GError     **error)
{
  g_autofree char *resource = NULL;
  g_autofree char *source = NULL;
  g_autofree char *cell_id = NULL;
  g_autoptr(GBytes) bytes = NULL;
  g_autoptr(JsonParser) parser = NULL;
  g_autoptr(PsCellType) cell = NULL;
  g_autoptr(PsPack) pack = NULL;
  GError *local_error = NULL;
  JsonNode *root;

  g_return_val_if_fail (id != NULL, NULL);

  if (!g_strv_contains (preset_ids, id))
    {
      g_autofree char *known = g_strjoinv (", ", (char **) preset_ids);

      g_set_error (error, PS_ENGINE_ERROR, PS_ENGINE_ERROR_NOT_FOUND,
                   "%s: unknown pack preset (expected one of: %s)", id, known);
      return NULL;
    }

  resource = g_strconcat (PS_PACK_RESOURCE_PREFIX, id, ".json", NULL);
  source = g_strconcat ("packs/", id, ".json", NULL);
  bytes = g_resources_lookup_data (resource, G_RESOURCE_LOOKUP_FLAGS_NONE, &local_error);
  if (bytes == NULL)
    {
      g_set_error (error, PS_ENGINE_ERROR, PS_ENGINE_ERROR_NOT_FOUND,
                   "%s: cannot read the built-in pack: %s", source, local_error->message);
      g_clear_error (&local_error);
      return NULL;
    }

  parser = json_parser_new_immutable ();
  if (!json_parser_load_from_data (parser, g_bytes_get_data (bytes, NULL),
                                   g_bytes_get_size (bytes), &local_error))
    {
      g_set_error (error, PS_ENGINE_ERROR, PS_ENGINE_ERROR_PARSE,
                   "%s: not valid JSON: %s", source, local_error->message);
      g_clear_error (&local_error);
      return NULL;
    }
  root = json_parser_get_root (parser);

  cell_id = ps_pack_json_get_cell_id (root, source, "$", error);
  if (cell_id == NULL)
    return NULL;
  cell = ps_cell_type_new_from_id (cell_id, &local_error);
  if (cell == NULL)
    {
      g_set_error (error, PS_ENGINE_ERROR, local_error->code, "%s: $.cell: %s",
                   source, local_error->message);
      g_clear_error (&local_error);
      return NULL;
    }

  pack = ps_pack_new_from_json_node (root, cell, source, "$", error);
  if (pack == NULL)
    return NULL;
  if (g_strcmp0 (pack->id, id) != 0)
    {
      g_set_error (error, PS_ENGINE_ERROR, PS_ENGINE_ERROR_INVALID,
                   "%s: $.id: expected \"%s\", got \"%s\"", source, id, pack->id);
      return NULL;
    }
  return g_steal_pointer (&pack);
}

char **
ps_pack_list_presets (void)
{
  return g_strdupv ((char **) preset_ids);
}

