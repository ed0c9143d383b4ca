/* ps-pack-design.h: a pack described by the few choices of the pack builder
 *
 * A user builds a pack from a cell, its series and parallel counts, how
 * many cells a module holds, how the modules are arranged (stacks side by
 * side, each a grid of module columns and rows, with the gaps between cells
 * and between modules) and how it is cooled. The engine turns these into
 * the pack JSON every preset is written in (ps-pack-json.c), and loads that
 * through the same loader, so a built pack is checked exactly as a pack
 * file is and saves as a scenario the command line runs unchanged.
 *
 * Geometry the builder decides (stated in the pack's "source"):
 * - pouch and prismatic cells stand on edge in one row per module, the
 *   parallel cells of a group next to each other; cylindrical cells stand
 *   upright, one column per series group, n_parallel cells long;
 * - a module has a 2 mm wall around its cells; stacks are 50 mm apart;
 * - modules join in series stack by stack, row by row, alternating the
 *   direction of each row (short links); a stack fills its rows from the
 *   bottom, so the last one may have empty places;
 * - links of 0.1 mOhm per cell tab and per series connection, and the
 *   conduction values of the presets (contact 300 W/m2K inside a module,
 *   30 W/m2K between modules, filler 0.05 W/mK).
 */
#pragma once

#include "ps-pack.h"
#include "ps-scenario.h"

G_BEGIN_DECLS

/* The choice an error is about, so a builder can show it there */
typedef enum
{
  PS_PACK_DESIGN_FIELD_NONE,
  PS_PACK_DESIGN_FIELD_NAME,
  PS_PACK_DESIGN_FIELD_CELL,
  PS_PACK_DESIGN_FIELD_SERIES,
  PS_PACK_DESIGN_FIELD_PARALLEL,
  PS_PACK_DESIGN_FIELD_CELLS_PER_MODULE,
  PS_PACK_DESIGN_FIELD_STACKS,
  PS_PACK_DESIGN_FIELD_MODULE_COLUMNS,
  PS_PACK_DESIGN_FIELD_MODULE_ROWS,
  PS_PACK_DESIGN_FIELD_CELL_GAP,
  PS_PACK_DESIGN_FIELD_MODULE_GAP,
  PS_PACK_DESIGN_FIELD_COOLING,
  PS_PACK_DESIGN_FIELD_H,
  PS_PACK_DESIGN_FIELD_AREA_FRACTION,
  PS_PACK_DESIGN_FIELD_COOLANT_FLOW,
} PsPackDesignField;

typedef struct
{
  char           *name;               /* shown as the pack's name */
  guint           n_series;
  guint           n_parallel;
  guint           cells_per_module;   /* a whole number of series groups */
  guint           stacks;             /* side by side along x */
  guint           module_columns;     /* per stack, along x */
  guint           module_rows;        /* per stack, along y */
  double          cell_gap_m;         /* between neighbouring cells of a module */
  double          module_gap_m;       /* between neighbouring modules */
  PsCoolingKind   cooling;
  double          h_w_m2k;            /* to air, or to the cold plate */
  double          area_fraction;      /* air: exposed even when surrounded;
                                       * cold plate: in contact */
  double          coolant_flow_kg_s;  /* cold plate: per module's channel */
} PsPackDesign;

/* A design close to pack (its counts, modules and cooling) built from
 * cell, laid out by the builder's rules in a stack about twice as wide as
 * deep; clear with ps_pack_design_clear */
void        ps_pack_design_init_from_pack (PsPackDesign      *design,
                                           const PsPack      *pack,
                                           const PsCellType  *cell);
void        ps_pack_design_clear          (PsPackDesign      *design);

/* The pack JSON of design for cell (an object as in resources/packs/),
 * or NULL with error and *field (may be NULL) naming the bad choice.
 * Returns: (transfer full): free with g_free */
char       *ps_pack_design_to_json        (const PsPackDesign *design,
                                           const PsCellType   *cell,
                                           PsPackDesignField  *field,
                                           GError            **error);

/* A copy of base (protocol, ambient, cooling, variation, time step, seed)
 * with the pack of design built from cell; named "<design name>: <steps>".
 * NULL with error and *field (may be NULL) naming the bad choice, as the
 * pack loader and the scenario's checks found it. */
PsScenario *ps_scenario_new_from_design   (const PsScenario   *base,
                                           const PsPackDesign *design,
                                           const PsCellType   *cell,
                                           PsPackDesignField  *field,
                                           GError            **error);

G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (PsPackDesign, ps_pack_design_clear)

G_END_DECLS
