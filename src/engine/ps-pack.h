/* ps-pack.h: a pack design: topology, electrical links, cooling and 2D geometry
 *
 * Loaded from JSON (resources/packs/<id>.json, GResource path
 * /io/github/packscope/Packscope/packs/<id>.json, or inline in a scenario).
 * The loader expands compact layout descriptions into explicit per-cell
 * arrays, so everything downstream (simulation, thermal network, renderers)
 * reads plain arrays.
 * The JSON schema is documented at the top of ps-pack-json.c, the thermal
 * assumptions at the top of ps-pack-thermal.c.
 *
 * Cell numbering: cell c = g * n_parallel + p, where g (0 .. n_series-1) is
 * the series group in series order from the pack's negative terminal and p
 * (0 .. n_parallel-1) the position inside the group.
 *
 * Geometry is a top view in metres, x to the right, y upwards (renderers flip
 * y), origin anywhere; the pack outline encloses all cells.
 *
 * A PsPack is immutable once loaded and reference counted, because frames,
 * the simulation and the views share it across threads. Outside the engine
 * it is opaque: its data is read through the const view PsPackInfo (JSON
 * reading and writing are engine-internal, ps-pack-private.h).
 */
#pragma once

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

typedef struct _PsPack PsPack;

/* PsPackInfo: the pack's data, read-only. PsPack itself is opaque outside
 * the engine; ps_pack_get_info() gives this view, valid as long as the pack
 * (renderers read it in their inner loops). */
typedef struct
{
  const char    *id;
  const char    *name;
  const char    *source;           /* citations and stated assumptions */
  const char    *cell_type_id;     /* default cell of this pack */
  PsCellShape    cell_shape;       /* copy of the cell's shape, for renderers */

  guint          n_series;
  guint          n_parallel;
  guint          n_cells;          /* n_series * n_parallel */

  /* electrical links */
  double         r_tab_ohm;        /* in series with each cell inside its group */
  double         r_busbar_ohm;     /* between consecutive series groups */

  /* modules */
  guint          n_modules;
  const guint   *group_module;     /* [n_series] module of each series group */
  const PsRect  *module_rect;      /* [n_modules] module outlines */
  const char * const *module_name; /* [n_modules] e.g. "M12", NULL-terminated */

  /* pack outline: closed polygon, n_outline points as x0,y0,x1,y1,... */
  guint          n_outline;
  const double  *outline_xy;
  PsRect         bounds;           /* bounding box of outline and cells */

  /* per-cell geometry, all [n_cells] */
  const double  *cell_x;           /* centre */
  const double  *cell_y;
  const double  *cell_w;           /* footprint (for cylinders w = h = diameter) */
  const double  *cell_h;

  /* thermal: conduction between neighbouring cells, CSR adjacency, symmetric
   * (if j is a neighbour of i with conductance G, i is one of j with G) */
  const guint   *nb_offset;        /* [n_cells + 1] */
  const guint   *nb_index;         /* [nb_offset[n_cells]] */
  const double  *nb_g_w_k;         /* [nb_offset[n_cells]] W/K */

  /* thermal: cooling */
  PsCoolingKind  cooling;
  const double  *cell_ha_w_k;      /* [n_cells] conductance cell -> air or coolant, W/K */
  /* cold plate only: coolant channels, each an ordered list of cells along
   * the flow; the coolant enters every channel at the inlet temperature and
   * warms by the heat it takes up (T_out = T_in + Q / (m_dot c_p)). */
  guint          n_channels;
  const guint   *channel_offset;   /* [n_channels + 1] */
  const guint   *channel_cells;    /* [n_cells] cells in flow order */
  double         coolant_flow_kg_s;   /* per channel */
  double         coolant_cp_j_kg_k;
} PsPackInfo;

/* Loads a built-in preset pack (and resolves its default cell). */
PsPack     *ps_pack_new_from_id        (const char        *id,
                                        GError           **error);
PsPack     *ps_pack_ref                (PsPack            *pack);
void        ps_pack_unref              (PsPack            *pack);
/* the read-only view, valid as long as the pack; (transfer none) */
const PsPackInfo *ps_pack_get_info     (const PsPack      *pack);

/* Built-in preset ids in display order (leaf-2011 first), NULL-terminated;
 * free with g_strfreev. */
char      **ps_pack_list_presets       (void);

/* Nearest cell whose footprint contains (x, y) in metres, or -1. */
int         ps_pack_cell_at            (const PsPack      *pack,
                                        double             x,
                                        double             y);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (PsPack, ps_pack_unref)

G_END_DECLS
