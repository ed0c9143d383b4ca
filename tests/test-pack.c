/* test-pack.c: pack presets, geometry, neighbours, cooling, hit test, JSON */
#include "config.h"

#include <math.h>
#include <string.h>

#include "ps-error.h"
#include "ps-cell-type-private.h"
#include "ps-pack-private.h"

typedef struct
{
  const char *id;
  guint       n_series;
  guint       n_parallel;
  guint       n_modules;
  guint       cells_per_module[9];   /* 0 = same as the previous one */
  PsCoolingKind cooling;
} PresetFacts;

/* the counts each preset must have (FACTS.md, the preset list) */
static const PresetFacts preset_facts[] = {
  { "leaf-2011", 96, 2, 48, { 4 }, PS_COOLING_AIR },
  { "leaf-2018", 96, 2, 24, { 8 }, PS_COOLING_AIR },
  { "model-s-85", 96, 74, 16, { 444 }, PS_COOLING_COLD_PLATE },
  /* S1 = 6+12+12 groups, S2 = 12+12, S3 = 6+12+12+12, 3 cells per group */
  { "volt-2011", 96, 3, 9, { 18, 36, 36, 36, 36, 18, 36, 36, 36 }, PS_COOLING_COLD_PLATE },
  { "forklift-48v", 13, 12, 13, { 12 }, PS_COOLING_AIR },
  { "lg-m50", 1, 1, 1, { 1 }, PS_COOLING_AIR },
};

static PsPack *
load_preset (const char *id)
{
  g_autoptr(GError) error = NULL;
  PsPack *pack = ps_pack_new_from_id (id, &error);

  g_assert_no_error (error);
  g_assert_nonnull (pack);
  return pack;
}

static gboolean
point_in_outline (const PsPack *pack,
                  double        x,
                  double        y)
{
  gboolean inside = FALSE;

  for (guint i = 0, j = pack->n_outline - 1; i < pack->n_outline; j = i++)
    {
      double xi = pack->outline_xy[2 * i], yi = pack->outline_xy[2 * i + 1];
      double xj = pack->outline_xy[2 * j], yj = pack->outline_xy[2 * j + 1];

      /* on an edge counts as inside */
      if (fabs ((xj - xi) * (y - yi) - (yj - yi) * (x - xi)) < 1e-12 &&
          x >= MIN (xi, xj) - 1e-12 && x <= MAX (xi, xj) + 1e-12 &&
          y >= MIN (yi, yj) - 1e-12 && y <= MAX (yi, yj) + 1e-12)
        return TRUE;
      if ((yi > y) != (yj > y) && x < (xj - xi) * (y - yi) / (yj - yi) + xi)
        inside = !inside;
    }
  return inside;
}

static void
test_list_presets (void)
{
  g_auto(GStrv) ids = ps_pack_list_presets ();

  g_assert_nonnull (ids);
  g_assert_cmpuint (g_strv_length (ids), ==, G_N_ELEMENTS (preset_facts));
  g_assert_cmpstr (ids[0], ==, "leaf-2011");
  for (guint i = 0; i < G_N_ELEMENTS (preset_facts); i++)
    g_assert_true (g_strv_contains ((const char * const *) ids, preset_facts[i].id));
}

static void
test_unknown_preset (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(PsPack) pack = ps_pack_new_from_id ("leaf-2099", &error);

  g_assert_null (pack);
  g_assert_error (error, PS_ENGINE_ERROR, PS_ENGINE_ERROR_NOT_FOUND);
  g_assert_nonnull (strstr (error->message, "leaf-2099"));
}

static void
test_preset_counts (gconstpointer data)
{
  const PresetFacts *facts = data;
  g_autoptr(PsPack) pack = load_preset (facts->id);
  g_autofree guint *cells_in_module = NULL;
  guint expected = 0;

  g_assert_cmpstr (pack->id, ==, facts->id);
  g_assert_cmpuint (pack->n_series, ==, facts->n_series);
  g_assert_cmpuint (pack->n_parallel, ==, facts->n_parallel);
  g_assert_cmpuint (pack->n_cells, ==, facts->n_series * facts->n_parallel);
  g_assert_cmpuint (pack->n_modules, ==, facts->n_modules);
  g_assert_cmpint (pack->cooling, ==, facts->cooling);
  g_assert_nonnull (pack->name);
  g_assert_nonnull (pack->source);
  g_assert_nonnull (strstr (pack->source, "FACTS.md"));
  g_assert_nonnull (pack->preset_scenario);
  g_assert_true (JSON_NODE_HOLDS_OBJECT (pack->preset_scenario));

  cells_in_module = g_new0 (guint, pack->n_modules);
  for (guint g = 0; g < pack->n_series; g++)
    {
      g_assert_cmpuint (pack->group_module[g], <, pack->n_modules);
      /* modules hold consecutive groups */
      if (g > 0)
        g_assert_cmpuint (pack->group_module[g], >=, pack->group_module[g - 1]);
      cells_in_module[pack->group_module[g]] += pack->n_parallel;
    }
  for (guint m = 0; m < pack->n_modules; m++)
    {
      if (m < G_N_ELEMENTS (facts->cells_per_module) && facts->cells_per_module[m] != 0)
        expected = facts->cells_per_module[m];
      g_assert_cmpuint (cells_in_module[m], ==, expected);
      g_assert_nonnull (pack->module_name[m]);
      for (guint n = 0; n < m; n++)
        g_assert_cmpstr (pack->module_name[n], !=, pack->module_name[m]);
    }
  g_assert_null (pack->module_name[pack->n_modules]);
}

static void
test_preset_geometry (gconstpointer data)
{
  const PresetFacts *facts = data;
  g_autoptr(PsPack) pack = load_preset (facts->id);
  gboolean round = pack->cell_shape == PS_CELL_SHAPE_CYLINDRICAL;

  for (guint c = 0; c < pack->n_cells; c++)
    {
      const PsRect *m = &pack->module_rect[pack->group_module[c / pack->n_parallel]];
      double x0 = pack->cell_x[c] - 0.5 * pack->cell_w[c];
      double x1 = pack->cell_x[c] + 0.5 * pack->cell_w[c];
      double y0 = pack->cell_y[c] - 0.5 * pack->cell_h[c];
      double y1 = pack->cell_y[c] + 0.5 * pack->cell_h[c];

      g_assert_true (isfinite (pack->cell_x[c]) && isfinite (pack->cell_y[c]));
      g_assert_cmpfloat (pack->cell_w[c], >, 0.0);
      g_assert_cmpfloat (pack->cell_h[c], >, 0.0);
      if (round)
        g_assert_cmpfloat (pack->cell_w[c], ==, pack->cell_h[c]);

      /* inside its module rect */
      g_assert_cmpfloat (x0, >=, m->x - 1e-9);
      g_assert_cmpfloat (x1, <=, m->x + m->w + 1e-9);
      g_assert_cmpfloat (y0, >=, m->y - 1e-9);
      g_assert_cmpfloat (y1, <=, m->y + m->h + 1e-9);

      /* inside the pack outline and the bounds */
      g_assert_true (point_in_outline (pack, x0, y0));
      g_assert_true (point_in_outline (pack, x1, y0));
      g_assert_true (point_in_outline (pack, x1, y1));
      g_assert_true (point_in_outline (pack, x0, y1));
      g_assert_cmpfloat (x0, >=, pack->bounds.x - 1e-9);
      g_assert_cmpfloat (x1, <=, pack->bounds.x + pack->bounds.w + 1e-9);
      g_assert_cmpfloat (y0, >=, pack->bounds.y - 1e-9);
      g_assert_cmpfloat (y1, <=, pack->bounds.y + pack->bounds.h + 1e-9);
    }

  /* no two footprints overlap (all pairs; skip those too far apart in x) */
  {
    double max_w = 0.0, max_h = 0.0;

    for (guint c = 0; c < pack->n_cells; c++)
      {
        max_w = MAX (max_w, pack->cell_w[c]);
        max_h = MAX (max_h, pack->cell_h[c]);
      }
    for (guint a = 0; a < pack->n_cells; a++)
      for (guint b = a + 1; b < pack->n_cells; b++)
        {
          double dx = fabs (pack->cell_x[a] - pack->cell_x[b]);
          double dy = fabs (pack->cell_y[a] - pack->cell_y[b]);

          if (dx >= max_w || dy >= max_h)
            continue;
          if (round)
            g_assert_cmpfloat (sqrt (dx * dx + dy * dy), >=,
                               0.5 * (pack->cell_w[a] + pack->cell_w[b]) - 1e-9);
          else
            g_assert_true (dx >= 0.5 * (pack->cell_w[a] + pack->cell_w[b]) - 1e-9 ||
                           dy >= 0.5 * (pack->cell_h[a] + pack->cell_h[b]) - 1e-9);
        }
  }

  /* modules inside the outline, outline inside the bounds */
  for (guint m = 0; m < pack->n_modules; m++)
    {
      const PsRect *r = &pack->module_rect[m];

      g_assert_true (point_in_outline (pack, r->x, r->y));
      g_assert_true (point_in_outline (pack, r->x + r->w, r->y + r->h));
    }
  for (guint i = 0; i < pack->n_outline; i++)
    {
      g_assert_cmpfloat (pack->outline_xy[2 * i], >=, pack->bounds.x - 1e-12);
      g_assert_cmpfloat (pack->outline_xy[2 * i + 1], <=, pack->bounds.y + pack->bounds.h + 1e-12);
    }
}

static void
test_preset_neighbours (gconstpointer data)
{
  const PresetFacts *facts = data;
  g_autoptr(PsPack) pack = load_preset (facts->id);

  g_assert_cmpuint (pack->nb_offset[0], ==, 0);
  for (guint i = 0; i < pack->n_cells; i++)
    {
      g_assert_cmpuint (pack->nb_offset[i + 1], >=, pack->nb_offset[i]);
      /* every cell of a multi-cell pack touches at least one other cell */
      if (pack->n_cells > 1)
        g_assert_cmpuint (pack->nb_offset[i + 1] - pack->nb_offset[i], >=, 1);

      for (guint e = pack->nb_offset[i]; e < pack->nb_offset[i + 1]; e++)
        {
          guint j = pack->nb_index[e];
          double g = pack->nb_g_w_k[e];
          gboolean found = FALSE;

          g_assert_cmpuint (j, <, pack->n_cells);
          g_assert_cmpuint (j, !=, i);
          g_assert_true (isfinite (g));
          g_assert_cmpfloat (g, >, 0.0);
          g_assert_cmpfloat (g, <, 1000.0);
          if (e > pack->nb_offset[i])
            g_assert_cmpuint (pack->nb_index[e - 1], <, j);

          /* symmetric, with the same conductance */
          for (guint f = pack->nb_offset[j]; f < pack->nb_offset[j + 1]; f++)
            if (pack->nb_index[f] == i)
              {
                g_assert_cmpfloat (pack->nb_g_w_k[f], ==, g);
                found = TRUE;
              }
          g_assert_true (found);
        }
    }

  /* cooling conductance: positive everywhere */
  for (guint c = 0; c < pack->n_cells; c++)
    {
      g_assert_true (isfinite (pack->cell_ha_w_k[c]));
      g_assert_cmpfloat (pack->cell_ha_w_k[c], >, 0.0);
    }
}

static void
test_preset_channels (gconstpointer data)
{
  const PresetFacts *facts = data;
  g_autoptr(PsPack) pack = load_preset (facts->id);
  g_autofree guint *visits = NULL;

  if (pack->cooling != PS_COOLING_COLD_PLATE)
    {
      g_assert_cmpuint (pack->n_channels, ==, 0);
      return;
    }

  g_assert_cmpuint (pack->n_channels, ==, pack->n_modules);
  g_assert_cmpfloat (pack->coolant_flow_kg_s, >, 0.0);
  g_assert_cmpfloat (pack->coolant_cp_j_kg_k, >, 0.0);
  g_assert_cmpuint (pack->channel_offset[0], ==, 0);
  g_assert_cmpuint (pack->channel_offset[pack->n_channels], ==, pack->n_cells);

  visits = g_new0 (guint, pack->n_cells);
  for (guint k = 0; k < pack->n_channels; k++)
    {
      guint first = pack->channel_offset[k];
      guint module = pack->group_module[pack->channel_cells[first] / pack->n_parallel];

      g_assert_cmpuint (pack->channel_offset[k + 1], >, first);
      for (guint e = first; e < pack->channel_offset[k + 1]; e++)
        {
          guint c = pack->channel_cells[e];

          g_assert_cmpuint (c, <, pack->n_cells);
          visits[c]++;
          /* one channel per module */
          g_assert_cmpuint (pack->group_module[c / pack->n_parallel], ==, module);
          /* the channel moves from a cell to a near one (no jumps across the module) */
          if (e > first)
            {
              guint p = pack->channel_cells[e - 1];
              double d = hypot (pack->cell_x[c] - pack->cell_x[p], pack->cell_y[c] - pack->cell_y[p]);

              g_assert_cmpfloat (d, <, 2.5 * MAX (pack->cell_w[c], pack->cell_h[c]));
            }
        }
    }
  for (guint c = 0; c < pack->n_cells; c++)
    g_assert_cmpuint (visits[c], ==, 1);
}

static void
test_preset_hit_test (gconstpointer data)
{
  const PresetFacts *facts = data;
  g_autoptr(PsPack) pack = load_preset (facts->id);

  for (guint c = 0; c < pack->n_cells; c++)
    g_assert_cmpint (ps_pack_cell_at (pack, pack->cell_x[c], pack->cell_y[c]), ==, (int) c);

  /* outside the bounds and in NaN land: nothing */
  g_assert_cmpint (ps_pack_cell_at (pack, pack->bounds.x - 1.0, pack->bounds.y), ==, -1);
  g_assert_cmpint (ps_pack_cell_at (pack, pack->bounds.x + pack->bounds.w + 0.01, 0.0), ==, -1);
  g_assert_cmpint (ps_pack_cell_at (pack, NAN, 0.0), ==, -1);
  /* the outline's first corner is outside every cell */
  g_assert_cmpint (ps_pack_cell_at (pack, pack->outline_xy[0], pack->outline_xy[1]), ==, -1);
  /* just beside a cell's footprint, between modules: nothing or another cell */
  {
    guint c = 0;
    double x = pack->cell_x[c] - 0.5 * pack->cell_w[c] - 1e-4;
    int hit = ps_pack_cell_at (pack, x, pack->cell_y[c]);

    g_assert_cmpint (hit, !=, (int) c);
  }
}

static void
assert_arrays_equal (const PsPack *a,
                     const PsPack *b)
{
  g_assert_cmpuint (a->n_cells, ==, b->n_cells);
  g_assert_cmpuint (a->n_modules, ==, b->n_modules);
  g_assert_cmpuint (a->n_outline, ==, b->n_outline);
  g_assert_cmpint (a->cooling, ==, b->cooling);
  g_assert_cmpfloat (a->r_tab_ohm, ==, b->r_tab_ohm);
  g_assert_cmpfloat (a->r_busbar_ohm, ==, b->r_busbar_ohm);
  g_assert_cmpmem (a->outline_xy, 2 * a->n_outline * sizeof (double),
                   b->outline_xy, 2 * b->n_outline * sizeof (double));
  g_assert_cmpmem (a->group_module, a->n_series * sizeof (guint),
                   b->group_module, b->n_series * sizeof (guint));
  g_assert_cmpmem (a->module_rect, a->n_modules * sizeof (PsRect),
                   b->module_rect, b->n_modules * sizeof (PsRect));
  for (guint m = 0; m < a->n_modules; m++)
    g_assert_cmpstr (a->module_name[m], ==, b->module_name[m]);
  g_assert_cmpmem (a->cell_x, a->n_cells * sizeof (double), b->cell_x, b->n_cells * sizeof (double));
  g_assert_cmpmem (a->cell_y, a->n_cells * sizeof (double), b->cell_y, b->n_cells * sizeof (double));
  g_assert_cmpmem (a->cell_w, a->n_cells * sizeof (double), b->cell_w, b->n_cells * sizeof (double));
  g_assert_cmpmem (a->cell_h, a->n_cells * sizeof (double), b->cell_h, b->n_cells * sizeof (double));
  g_assert_cmpmem (a->nb_offset, (a->n_cells + 1) * sizeof (guint),
                   b->nb_offset, (b->n_cells + 1) * sizeof (guint));
  g_assert_cmpmem (a->nb_index, a->nb_offset[a->n_cells] * sizeof (guint),
                   b->nb_index, b->nb_offset[b->n_cells] * sizeof (guint));
  g_assert_cmpmem (a->nb_g_w_k, a->nb_offset[a->n_cells] * sizeof (double),
                   b->nb_g_w_k, b->nb_offset[b->n_cells] * sizeof (double));
  g_assert_cmpmem (a->cell_ha_w_k, a->n_cells * sizeof (double),
                   b->cell_ha_w_k, b->n_cells * sizeof (double));
  g_assert_cmpuint (a->n_channels, ==, b->n_channels);
  if (a->n_channels > 0)
    {
      g_assert_cmpmem (a->channel_offset, (a->n_channels + 1) * sizeof (guint),
                       b->channel_offset, (b->n_channels + 1) * sizeof (guint));
      g_assert_cmpmem (a->channel_cells, a->n_cells * sizeof (guint),
                       b->channel_cells, b->n_cells * sizeof (guint));
      g_assert_cmpfloat (a->coolant_flow_kg_s, ==, b->coolant_flow_kg_s);
      g_assert_cmpfloat (a->coolant_cp_j_kg_k, ==, b->coolant_cp_j_kg_k);
    }
  g_assert_true (json_node_equal (a->preset_scenario, b->preset_scenario));
}

static void
test_preset_round_trip (gconstpointer data)
{
  const PresetFacts *facts = data;
  g_autoptr(PsPack) pack = load_preset (facts->id);
  g_autoptr(PsCellType) cell = NULL;
  g_autoptr(JsonNode) node = ps_pack_to_json_node (pack);
  g_autoptr(JsonGenerator) generator = json_generator_new ();
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autoptr(PsPack) again = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *text = NULL;

  cell = ps_cell_type_new_from_id (pack->cell_type_id, &error);
  g_assert_no_error (error);

  /* through text, so number formatting is part of the round trip */
  json_generator_set_root (generator, node);
  text = json_generator_to_data (generator, NULL);
  json_parser_load_from_data (parser, text, -1, &error);
  g_assert_no_error (error);

  again = ps_pack_new_from_json_node (json_parser_get_root (parser), cell, "round-trip", "$",
                                      &error);
  g_assert_no_error (error);
  g_assert_cmpstr (again->id, ==, pack->id);
  g_assert_cmpstr (again->name, ==, pack->name);
  g_assert_cmpstr (again->source, ==, pack->source);
  g_assert_cmpstr (again->cell_type_id, ==, pack->cell_type_id);
  assert_arrays_equal (pack, again);
}

/* ----------------------------------------------------- hand-made packs */

static PsCellType *
make_pouch_cell (void)
{
  PsCellType *cell = g_new0 (PsCellType, 1);

  cell->id = g_strdup ("test-pouch");
  cell->shape = PS_CELL_SHAPE_POUCH;
  cell->length_m = 0.2;
  cell->width_m = 0.1;
  cell->thickness_m = 0.01;
  cell->surface_area_m2 = 0.05;
  cell->k_through_w_mk = 0.5;
  cell->k_in_plane_w_mk = 25.0;
  return cell;
}

static const char *two_cells_json =
  "{ \"id\": \"two\", \"name\": \"Two cells\", \"source\": \"test\", \"cell\": \"test-pouch\","
  "  \"n_series\": 2, \"n_parallel\": 1, \"r_tab_ohm\": 0, \"r_busbar_ohm\": 0.001,"
  "  \"outline_m\": [[0, 0], [0.3, 0], [0.3, 0.1], [0, 0.1]],"
  "  \"modules\": [ { \"origin_m\": [0.05, 0.02], \"size_m\": [0.2, 0.03],"
  "    \"columns\": 1, \"rows\": 2, \"pitch_m\": [0.2, 0.012],"
  "    \"cell_orientation\": \"edge\", \"groups\": 2 } ],"
  "  \"cooling\": { \"kind\": \"air\", \"h_w_m2k\": 10, \"exposed_area_fraction\": 0.2 },"
  "  \"conduction\": { \"contact_w_m2k\": 400, \"module_contact_w_m2k\": 40,"
  "                    \"filler_k_w_mk\": 0.1, \"max_gap_m\": 0.005 } }";

static PsPack *
pack_from_string (const char        *json,
                  const PsCellType  *cell,
                  const char        *path,
                  GError           **error)
{
  g_autoptr(JsonParser) parser = json_parser_new ();

  if (!json_parser_load_from_data (parser, json, -1, error))
    return NULL;
  return ps_pack_new_from_json_node (json_parser_get_root (parser), cell, "test.json", path, error);
}

/* the conductance between two facing pouch cells is the series sum of
 * both cells' slab resistance, the contact and the gap */
static void
test_conductance_formula (void)
{
  g_autoptr(PsCellType) cell = make_pouch_cell ();
  g_autoptr(GError) error = NULL;
  g_autoptr(PsPack) pack = pack_from_string (two_cells_json, cell, "$", &error);
  double area = 0.2 * 0.1;            /* facing length x upright face width */
  double gap = 0.012 - 0.01;
  double expected = 1.0 / (2.0 * 0.01 / (6.0 * 0.5 * area) + 1.0 / (400.0 * area) +
                           gap / (0.1 * area));
  double free_frac, expected_ha;

  g_assert_no_error (error);
  g_assert_cmpuint (pack->n_cells, ==, 2);
  g_assert_cmpuint (pack->nb_offset[1], ==, 1);
  g_assert_cmpuint (pack->nb_index[0], ==, 1);
  g_assert_cmpfloat_with_epsilon (pack->nb_g_w_k[0], expected, 1e-12 * expected);

  /* each cell has one long face (0.2 of a 0.42 m perimeter) against the other */
  free_frac = 1.0 - 0.2 / (2.0 * (0.2 + 0.01));
  expected_ha = 10.0 * 0.05 * (0.2 + 0.8 * free_frac);
  g_assert_cmpfloat_with_epsilon (pack->cell_ha_w_k[0], expected_ha, 1e-12);
  g_assert_cmpfloat_with_epsilon (pack->cell_ha_w_k[1], expected_ha, 1e-12);

  /* series order: group 0 is the lower cell */
  g_assert_cmpfloat (pack->cell_y[0], <, pack->cell_y[1]);
  g_assert_cmpfloat_with_epsilon (pack->cell_y[1] - pack->cell_y[0], 0.012, 1e-12);
  /* centred in the module */
  g_assert_cmpfloat_with_epsilon (0.5 * (pack->cell_y[0] + pack->cell_y[1]), 0.035, 1e-12);
  g_assert_cmpfloat_with_epsilon (pack->cell_x[0], 0.15, 1e-12);
}

/* in the Leaf's stacks the end cells have a free face, so they cool better
 * than the cells inside; the Model S hex grid gives six neighbours inside */
static void
test_preset_thermal_structure (void)
{
  g_autoptr(PsPack) leaf = load_preset ("leaf-2011");
  g_autoptr(PsPack) tesla = load_preset ("model-s-85");
  double ha_min = G_MAXDOUBLE, ha_max = 0.0;
  guint six = 0, max_nb = 0;

  for (guint c = 0; c < leaf->n_cells; c++)
    {
      ha_min = MIN (ha_min, leaf->cell_ha_w_k[c]);
      ha_max = MAX (ha_max, leaf->cell_ha_w_k[c]);
    }
  g_assert_cmpfloat (ha_max, >, 1.5 * ha_min);

  for (guint c = 0; c < tesla->n_cells; c++)
    {
      guint n = tesla->nb_offset[c + 1] - tesla->nb_offset[c];

      max_nb = MAX (max_nb, n);
      six += n == 6;
    }
  g_assert_cmpuint (max_nb, ==, 6);
  /* interior cells of 37 x 12 hex modules: at least (35 x 10) per module */
  g_assert_cmpuint (six, >=, 16 * 35 * 10);
}

/* the cell must fit the layout: a bigger cell is an error, not an overlap */
static void
test_cell_does_not_fit (void)
{
  g_autoptr(PsCellType) cell = make_pouch_cell ();
  g_autoptr(GError) error = NULL;
  g_autoptr(PsPack) pack = NULL;

  cell->thickness_m = 0.013;  /* pitch is 12 mm */
  pack = pack_from_string (two_cells_json, cell, "$.pack", &error);
  g_assert_null (pack);
  g_assert_error (error, PS_ENGINE_ERROR, PS_ENGINE_ERROR_INVALID);
  g_assert_nonnull (strstr (error->message, "test.json: $.pack.modules"));

  g_clear_error (&error);
  cell->thickness_m = 0.01;
  cell->shape = PS_CELL_SHAPE_CYLINDRICAL;
  pack = pack_from_string (two_cells_json, cell, "$", &error);
  g_assert_null (pack);
  g_assert_error (error, PS_ENGINE_ERROR, PS_ENGINE_ERROR_INVALID);
  g_assert_nonnull (strstr (error->message, "$.modules[0].cell_orientation"));
}

typedef struct
{
  const char *from;     /* replaced in two_cells_json ... */
  const char *to;       /* ... by this */
  int         code;
  const char *message;  /* expected in the error message */
} BadPack;

/* the end of the module in two_cells_json, to append a second module */
#define MODULE_TAIL \
  "\"rows\": 2, \"pitch_m\": [0.2, 0.012],    \"cell_orientation\": \"edge\", \"groups\": 2 }"

static const BadPack bad_packs[] = {
  { "\"n_series\": 2", "\"n_series\": 0", PS_ENGINE_ERROR_INVALID, "$.n_series: expected an integer" },
  { "\"n_series\": 2", "\"n_series\": 2.5", PS_ENGINE_ERROR_INVALID, "$.n_series" },
  { "\"n_series\": 2, \"n_parallel\": 1", "\"n_series\": 1000, \"n_parallel\": 1000", PS_ENGINE_ERROR_LIMIT, "$: n_series x n_parallel" },
  { "\"n_series\": 2", "\"n_series\": 2, \"colour\": 1", PS_ENGINE_ERROR_INVALID, "$.colour: unknown member" },
  { "\"r_tab_ohm\": 0", "\"r_tab_ohm\": -1", PS_ENGINE_ERROR_INVALID, "$.r_tab_ohm: expected a finite number >= 0" },
  { "\"r_tab_ohm\": 0", "\"r_tab_ohm\": \"low\"", PS_ENGINE_ERROR_INVALID, "$.r_tab_ohm: expected a finite number >= 0, got a string" },
  { "\"r_tab_ohm\": 0,", "", PS_ENGINE_ERROR_INVALID, "$.r_tab_ohm: missing member" },
  { "\"pitch_m\": [0.2, 0.012]", "\"pitch_m\": [0.2, -0.012]", PS_ENGINE_ERROR_INVALID, "$.modules[0].pitch_m[1]: expected a finite number > 0" },
  { "\"pitch_m\": [0.2, 0.012]", "\"pitch_m\": [0.2]", PS_ENGINE_ERROR_INVALID, "$.modules[0].pitch_m: expected an array of two numbers" },
  { "\"pitch_m\": [0.2, 0.012]", "\"pitch_m\": [0.2, 0.008]", PS_ENGINE_ERROR_INVALID, "$.modules: cells 0 (module M1) and 1 (module M1) overlap" },
  { "\"groups\": 2", "\"groups\": 1", PS_ENGINE_ERROR_INVALID, "$.modules: the modules hold 1 series groups" },
  { "\"rows\": 2", "\"rows\": 3", PS_ENGINE_ERROR_INVALID, "$.modules[0]: columns x rows = 1 x 3 cells" },
  { "\"size_m\": [0.2, 0.03]", "\"size_m\": [0.19, 0.03]", PS_ENGINE_ERROR_INVALID, "$.modules[0].size_m: the cells" },
  { "\"groups\": 2 }", "\"groups\": 2, \"rotation_deg\": 45 }", PS_ENGINE_ERROR_INVALID, "$.modules[0].rotation_deg" },
  { "\"groups\": 2 }", "\"groups\": 2, \"order\": \"zigzag\" }", PS_ENGINE_ERROR_INVALID, "$.modules[0].order: expected one of" },
  { "\"groups\": 2 }", "\"groups\": 2, \"repeat\": 2 }", PS_ENGINE_ERROR_INVALID, "$.modules[0].repeat_step_m: missing member" },
  { MODULE_TAIL, "\"rows\": 1, \"pitch_m\": [0.2, 0.012], \"cell_orientation\": \"edge\", \"groups\": 1, \"name\": \"A\" }, { \"name\": \"A\", \"origin_m\": [0.05, 0.06], \"size_m\": [0.2, 0.02],"
    " \"columns\": 1, \"rows\": 1, \"pitch_m\": [0.2, 0.012], \"cell_orientation\": \"edge\", \"groups\": 1 }",
    PS_ENGINE_ERROR_INVALID, "$.modules: two modules are named \"A\"" },
  { MODULE_TAIL, "\"rows\": 1, \"pitch_m\": [0.2, 0.012], \"cell_orientation\": \"edge\", \"groups\": 1 }, { \"origin_m\": [0.05, 0.04], \"size_m\": [0.2, 0.02],"
    " \"columns\": 1, \"rows\": 1, \"pitch_m\": [0.2, 0.012], \"cell_orientation\": \"edge\", \"groups\": 1 }",
    PS_ENGINE_ERROR_INVALID, "$.modules: modules M1 and M2 overlap" },
  { "\"origin_m\": [0.05, 0.02]", "\"origin_m\": [0.15, 0.02]", PS_ENGINE_ERROR_INVALID, "$.outline_m: module M1" },
  { "[0.3, 0.1], [0, 0.1]]", "[0, 0.1], [0.1, 0.2]]", PS_ENGINE_ERROR_INVALID, "$.outline_m: edges" },
  { "[[0, 0], [0.3, 0], [0.3, 0.1], [0, 0.1]]", "[[0, 0], [0.3, 0]]", PS_ENGINE_ERROR_INVALID, "$.outline_m: expected at least 3 points" },
  { "\"kind\": \"air\"", "\"kind\": \"water\"", PS_ENGINE_ERROR_INVALID, "$.cooling.kind: expected one of" },
  { "\"h_w_m2k\": 10", "\"h_w_m2k\": 1e400", PS_ENGINE_ERROR_INVALID, "$.cooling.h_w_m2k" },
  { "\"exposed_area_fraction\": 0.2", "\"exposed_area_fraction\": 1.2", PS_ENGINE_ERROR_INVALID, "$.cooling.exposed_area_fraction: expected a number from 0 to 1" },
  { "\"kind\": \"air\", \"h_w_m2k\": 10, \"exposed_area_fraction\": 0.2",
    "\"kind\": \"cold_plate\", \"h_w_m2k\": 10, \"contact_area_fraction\": 0.2, \"coolant_flow_kg_s\": 0.01",
    PS_ENGINE_ERROR_INVALID, "$.cooling.coolant_cp_j_kg_k: missing member" },
  { "\"max_gap_m\": 0.005", "\"max_gap_m\": 5", PS_ENGINE_ERROR_INVALID, "$.conduction.max_gap_m: expected at most" },
  { "\"filler_k_w_mk\": 0.1,", "", PS_ENGINE_ERROR_INVALID, "$.conduction.filler_k_w_mk: missing member" },
  { "\"cell\": \"test-pouch\"", "\"cell\": 7", PS_ENGINE_ERROR_INVALID, "$.cell: expected a non-empty string" },
  { "\"source\": \"test\",", "\"source\": \"test\", \"preset_scenario\": { \"pack\": \"leaf-2011\" },",
    PS_ENGINE_ERROR_INVALID, "$.preset_scenario: expected a scenario without" },
  { "\"source\": \"test\",", "\"source\": \"test\", \"preset_scenario\": [],",
    PS_ENGINE_ERROR_INVALID, "$.preset_scenario: expected an object" },
};

static void
test_malformed (void)
{
  g_autoptr(PsCellType) cell = make_pouch_cell ();

  for (guint i = 0; i < G_N_ELEMENTS (bad_packs); i++)
    {
      g_autoptr(GError) error = NULL;
      g_autoptr(PsPack) pack = NULL;
      g_autoptr(GString) json = g_string_new (two_cells_json);

      g_assert_nonnull (strstr (json->str, bad_packs[i].from));
      g_string_replace (json, bad_packs[i].from, bad_packs[i].to, 1);
      pack = pack_from_string (json->str, cell, "$", &error);
      g_test_message ("case %u: %s", i, error ? error->message : "(no error)");
      g_assert_null (pack);
      g_assert_error (error, PS_ENGINE_ERROR, bad_packs[i].code);
      g_assert_true (g_str_has_prefix (error->message, "test.json: $"));
      g_assert_nonnull (strstr (error->message, bad_packs[i].message));
    }

  /* the JSON path of an inline pack starts where the pack is */
  {
    g_autoptr(GError) error = NULL;
    g_autoptr(PsPack) pack = NULL;
    g_autoptr(GString) json = g_string_new (two_cells_json);

    g_string_replace (json, "\"max_gap_m\": 0.005", "\"max_gap_m\": null", 1);
    pack = pack_from_string (json->str, cell, "$.pack", &error);
    g_assert_null (pack);
    g_assert_error (error, PS_ENGINE_ERROR, PS_ENGINE_ERROR_INVALID);
    g_assert_cmpstr (error->message, ==,
                     "test.json: $.pack.conduction.max_gap_m: expected a finite number >= 0, got null");
  }

  /* a valid pack still loads after all that */
  {
    g_autoptr(GError) error = NULL;
    g_autoptr(PsPack) pack = pack_from_string (two_cells_json, cell, "$", &error);

    g_assert_no_error (error);
    g_assert_nonnull (pack);
  }
}

static void
test_get_cell_id (void)
{
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autoptr(GError) error = NULL;
  g_autofree char *id = NULL;

  json_parser_load_from_data (parser, two_cells_json, -1, &error);
  g_assert_no_error (error);
  id = ps_pack_json_get_cell_id (json_parser_get_root (parser), "test.json", "$.pack", &error);
  g_assert_no_error (error);
  g_assert_cmpstr (id, ==, "test-pouch");

  json_parser_load_from_data (parser, "{ \"id\": \"x\" }", -1, &error);
  g_assert_no_error (error);
  g_clear_pointer (&id, g_free);
  id = ps_pack_json_get_cell_id (json_parser_get_root (parser), "test.json", "$.pack", &error);
  g_assert_null (id);
  g_assert_error (error, PS_ENGINE_ERROR, PS_ENGINE_ERROR_INVALID);
  g_assert_cmpstr (error->message, ==, "test.json: $.pack.cell: missing member (expected a non-empty string)");
}

/* the hit test must be fast enough for hover on 7,104 cells */
static void
test_hit_test_speed (void)
{
  g_autoptr(PsPack) pack = load_preset ("model-s-85");
  g_autoptr(GRand) rand = g_rand_new_with_seed (7);
  gint64 start = g_get_monotonic_time ();
  guint hits = 0, n = 200000;
  double per_call_us;

  for (guint i = 0; i < n; i++)
    {
      double x = pack->bounds.x + g_rand_double (rand) * pack->bounds.w;
      double y = pack->bounds.y + g_rand_double (rand) * pack->bounds.h;
      int c = ps_pack_cell_at (pack, x, y);

      if (c >= 0)
        {
          hits++;
          g_assert_cmpfloat (hypot (x - pack->cell_x[c], y - pack->cell_y[c]), <=,
                             0.5 * pack->cell_w[c] + 1e-12);
        }
    }
  per_call_us = (g_get_monotonic_time () - start) / (double) n;
  g_test_message ("hit test: %.3f us per call, %u of %u points on a cell", per_call_us, hits, n);
  /* cells cover roughly half of the Model S footprint */
  g_assert_cmpuint (hits, >, n / 4);
  g_assert_cmpfloat (per_call_us, <, 20.0);
}

int
main (int    argc,
      char **argv)
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/engine/pack/presets/list", test_list_presets);
  g_test_add_func ("/engine/pack/presets/unknown", test_unknown_preset);
  for (guint i = 0; i < G_N_ELEMENTS (preset_facts); i++)
    {
      const char *id = preset_facts[i].id;
      g_autofree char *counts = g_strdup_printf ("/engine/pack/%s/counts", id);
      g_autofree char *geometry = g_strdup_printf ("/engine/pack/%s/geometry-no-overlap-inside-outline", id);
      g_autofree char *neighbours = g_strdup_printf ("/engine/pack/%s/neighbours-symmetric", id);
      g_autofree char *channels = g_strdup_printf ("/engine/pack/%s/channels-cover-each-cell-once", id);
      g_autofree char *hit = g_strdup_printf ("/engine/pack/%s/hit-test", id);
      g_autofree char *round_trip = g_strdup_printf ("/engine/pack/%s/json-round-trip", id);

      g_test_add_data_func (counts, &preset_facts[i], test_preset_counts);
      g_test_add_data_func (geometry, &preset_facts[i], test_preset_geometry);
      g_test_add_data_func (neighbours, &preset_facts[i], test_preset_neighbours);
      g_test_add_data_func (channels, &preset_facts[i], test_preset_channels);
      g_test_add_data_func (hit, &preset_facts[i], test_preset_hit_test);
      g_test_add_data_func (round_trip, &preset_facts[i], test_preset_round_trip);
    }
  g_test_add_func ("/engine/pack/conductance-formula", test_conductance_formula);
  g_test_add_func ("/engine/pack/thermal-structure", test_preset_thermal_structure);
  g_test_add_func ("/engine/pack/cell-does-not-fit", test_cell_does_not_fit);
  g_test_add_func ("/engine/pack/malformed", test_malformed);
  g_test_add_func ("/engine/pack/json-get-cell-id", test_get_cell_id);
  g_test_add_func ("/engine/pack/hit-test-speed", test_hit_test_speed);

  return g_test_run ();
}
