/* ps-pack-private.h: what the pack's source files share; engine only
 *
 * The full PsPack, whose members the engine reads directly (the public
 * header gives the rest of the program a read-only view, PsPackInfo), the
 * compact layout kept for writing the pack back, and the loader's stages.
 */
#pragma once

#include <json-glib/json-glib.h>

#include "ps-error.h"
#include "ps-pack.h"

G_BEGIN_DECLS

#define GEOM_EPS                1e-7      /* metres: touching is not overlapping */
#define MAX_GAP_LIMIT_M         0.02
#define MAX_COORD_M             1000.0    /* no pack is a kilometre wide */
#define MAX_OUTLINE_POINTS      10000
#define MAX_GRID_BUCKETS        (4u * 1024u * 1024u)

typedef enum { ORDER_COLUMNS, ORDER_ROWS, ORDER_SNAKE_COLUMNS, ORDER_SNAKE_ROWS } PsCellOrder;
typedef enum { ARRANGE_GRID, ARRANGE_HEX } PsArrangement;
typedef enum { ORIENT_EDGE, ORIENT_FLAT, ORIENT_UPRIGHT } PsOrientation;

/* JSON names of the enums above, NULL-terminated (ps-pack-json.c) */
extern const char * const _ps_pack_order_names[];
extern const char * const _ps_pack_arrangement_names[];
extern const char * const _ps_pack_orientation_names[];

typedef struct
{
  char          *name;          /* NULL: "M<n>" */
  guint          repeat;
  double         repeat_step[2];
  double         origin[2];
  double         size[2];
  guint          rotation_deg;
  PsArrangement  arrangement;
  guint          columns;
  guint          rows;
  double         pitch[2];
  PsOrientation  orientation;
  guint          groups;
  PsCellOrder    order;
} PsModuleSpec;

struct _PsPackLayout
{
  guint          n_specs;
  PsModuleSpec  *specs;

  /* cooling as given */
  double         h_w_m2k;
  double         area_fraction;   /* air: exposed; cold plate: contact */
  double         ha_w_k;          /* cold plate, if has_ha */
  gboolean       has_ha;
  PsCellOrder    channel_path;

  /* conduction */
  double         contact_w_m2k;
  double         module_contact_w_m2k;
  double         filler_k_w_mk;
  double         max_gap_m;

  /* per-cell upright height, thin axis (0 x, 1 y, 2 none) */
  double        *cell_z;
  guint8        *cell_thin_axis;
  gboolean       round;           /* cylindrical cells */

  /* uniform grid over bounds: bucket b holds grid_cells[grid_offset[b] ..] */
  double         grid_x0;
  double         grid_y0;
  double         grid_size;
  guint          grid_nx;
  guint          grid_ny;
  guint         *grid_offset;     /* [grid_nx * grid_ny + 1] */
  guint         *grid_cells;
};

/* ---------------------------------------------------------------- errors */

/* Errors read "source: path: what"; a pack read without a source or path (a
 * built-in preset) is named "pack" at "$". */
#define fail(error, code, source, path, ...) \
  _ps_json_set_error ((error), (code), (source) ? (source) : "pack", \
                      (path) ? (path) : "$", __VA_ARGS__)


/* The members mean what PsPackInfo's (ps-pack.h) do; here they are writable,
 * for the loader. */
struct _PsPack
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

  /* the compact layout (for ps_pack_to_json_node),
   * per-cell data the neighbour search needs, and the hit-test grid */
  struct _PsPackLayout *layout;

  /* the read-only view handed out by ps_pack_get_info (): the members above,
   * filled once the pack is loaded (_ps_pack_fill_info) */
  PsPackInfo     info;
};

/* ps-pack.c */
void      _ps_pack_layout_free      (struct _PsPackLayout *layout);
void      _ps_pack_fill_info        (PsPack            *self);

/* ps-pack-json.c */
/* The cell is needed to size footprints and conductances from cell data. */
PsPack   *ps_pack_new_from_json_node (JsonNode         *node,
                                      const PsCellType *cell,
                                      const char       *source_name,
                                      const char       *json_path,
                                      GError          **error);
/* the cell id a pack JSON names, without loading the pack */
char     *ps_pack_json_get_cell_id  (JsonNode          *node,
                                     const char        *source_name,
                                     const char        *json_path,
                                     GError           **error);
JsonNode *ps_pack_to_json_node      (const PsPack      *pack);

/* ps-pack-geometry.c */
gboolean  _ps_pack_segments_cross   (double ax, double ay, double bx, double by,
                                     double cx, double cy, double dx, double dy);
gboolean  _ps_pack_expand_modules   (PsPack            *self,
                                     const PsCellType  *cell,
                                     const char        *source,
                                     const char        *base,
                                     GError           **error);
gboolean  _ps_pack_check_placement  (PsPack            *self,
                                     const char        *source,
                                     const char        *path,
                                     GError           **error);
void      _ps_pack_grid_range       (const struct _PsPackLayout *layout,
                                     double             x0,
                                     double             y0,
                                     double             x1,
                                     double             y1,
                                     guint             *ix0,
                                     guint             *iy0,
                                     guint             *ix1,
                                     guint             *iy1);
void      _ps_pack_build_grid       (PsPack            *self);

/* ps-pack-thermal.c */
gboolean  _ps_pack_build_neighbours (PsPack            *self,
                                     const PsCellType  *cell,
                                     const char        *source,
                                     const char        *base,
                                     GError           **error);

G_END_DECLS
