/* ps-pack.h: a pack design: topology, electrical links, cooling and 2D geometry
 *
 * Loaded from JSON (resources/packs/<id>.json, GResource path
 * /io/github/packscope/Packscope/packs/<id>.json, or inline in a scenario).
 * The loader expands compact layout descriptions into explicit per-cell
 * arrays, so everything downstream (simulation, thermal network, renderers)
 * reads plain arrays.
 * The JSON schema and the thermal assumptions are documented at the top of
 * ps-pack.c.
 *
 * Cell numbering: cell c = g * n_parallel + p, where g (0 .. n_series-1) is
 * the series group in series order from the pack's negative terminal and p
 * (0 .. n_parallel-1) the position inside the group.
 *
 * Geometry is a top view in metres, x to the right, y upwards (renderers flip
 * y), origin anywhere; the pack outline encloses all cells.
 *
 * A PsPack is immutable once loaded and reference counted, because frames,
 * the simulation and the views share it across threads.
 */
#pragma once

#include <json-glib/json-glib.h>

#include "ps-cell-type.h"

G_BEGIN_DECLS

typedef enum
{
  PS_COOLING_AIR,          /* convection to ambient air (passive, as in the Leaf) */
  PS_COOLING_COLD_PLATE,   /* liquid coolant that warms along its flow path */
} PsCoolingKind;

typedef struct
{
  double x, y, w, h;       /* lower-left corner and size, metres */
} PsRect;

typedef struct
{
  gatomicrefcount ref_count;

  char          *id;
  char          *name;
  char          *source;           /* citations and stated assumptions */
  char          *cell_type_id;     /* default cell of this pack */
  PsCellShape    cell_shape;       /* copy of the cell's shape, for renderers */

  guint          n_series;
  guint          n_parallel;
  guint          n_cells;          /* n_series * n_parallel */

  /* electrical links */
  double         r_tab_ohm;        /* in series with each cell inside its group */
  double         r_busbar_ohm;     /* between consecutive series groups */

  /* modules */
  guint          n_modules;
  guint         *group_module;     /* [n_series] module of each series group */
  PsRect        *module_rect;      /* [n_modules] module outlines */
  char         **module_name;      /* [n_modules] e.g. "M12", NULL-terminated */

  /* pack outline: closed polygon, n_outline points as x0,y0,x1,y1,... */
  guint          n_outline;
  double        *outline_xy;
  PsRect         bounds;           /* bounding box of outline and cells */

  /* per-cell geometry, all [n_cells] */
  double        *cell_x;           /* centre */
  double        *cell_y;
  double        *cell_w;           /* footprint (for cylinders w = h = diameter) */
  double        *cell_h;

  /* thermal: conduction between neighbouring cells, CSR adjacency, symmetric
   * (if j is a neighbour of i with conductance G, i is one of j with G) */
  guint         *nb_offset;        /* [n_cells + 1] */
  guint         *nb_index;         /* [nb_offset[n_cells]] */
  double        *nb_g_w_k;         /* [nb_offset[n_cells]] W/K */

  /* thermal: cooling */
  PsCoolingKind  cooling;
  double        *cell_ha_w_k;      /* [n_cells] conductance cell -> air or coolant, W/K */
  /* cold plate only: coolant channels, each an ordered list of cells along
   * the flow; the coolant enters every channel at the inlet temperature and
   * warms by the heat it takes up (T_out = T_in + Q / (m_dot c_p)). */
  guint          n_channels;
  guint         *channel_offset;   /* [n_channels + 1] */
  guint         *channel_cells;    /* [n_cells] cells in flow order */
  double         coolant_flow_kg_s;   /* per channel */
  double         coolant_cp_j_kg_k;

  /* the preset's default scenario (a scenario object without "pack"),
   * or NULL; the scenario loader reads it */
  JsonNode      *preset_scenario;

  /* private to ps-pack.c: the compact layout (for ps_pack_to_json_node),
   * per-cell data the neighbour search needs, and the hit-test grid */
  struct _PsPackLayout *layout;
} PsPack;

/* The cell is needed to size footprints and conductances from cell data. */
PsPack     *ps_pack_new_from_json_node (JsonNode          *node,
                                        const PsCellType  *cell,
                                        const char        *source_name,
                                        const char        *json_path,
                                        GError           **error);
/* Loads a built-in preset pack (and resolves its default cell). */
PsPack     *ps_pack_new_from_id        (const char        *id,
                                        GError           **error);
/* the cell id a pack JSON names, without loading the pack */
char       *ps_pack_json_get_cell_id   (JsonNode          *node,
                                        const char        *source_name,
                                        const char        *json_path,
                                        GError           **error);
PsPack     *ps_pack_ref                (PsPack            *pack);
void        ps_pack_unref              (PsPack            *pack);
JsonNode   *ps_pack_to_json_node       (const PsPack      *pack);

/* Built-in preset ids in display order (leaf-2011 first), NULL-terminated;
 * free with g_strfreev. */
char      **ps_pack_list_presets       (void);

/* Nearest cell whose footprint contains (x, y) in metres, or -1. */
int         ps_pack_cell_at            (const PsPack      *pack,
                                        double             x,
                                        double             y);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (PsPack, ps_pack_unref)

G_END_DECLS
