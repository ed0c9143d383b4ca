/* ps-cell-type.h: a cell type (chemistry, ECM, thermal and geometric data)
 *
 * Loaded from JSON (resources/cells/<id>.json, compiled into GResource under
 * /io/github/packscope/Packscope/cells/, or a user's file). Inside the engine
 * everything is SI: A, V, Ohm, F, J, K, s, m, kg. The JSON uses the units in
 * its member names (capacity_ah, temperature_c, ...).
 */
#pragma once

#include <glib.h>

#include "ps-electrochem.h"
#include "ps-table.h"

G_BEGIN_DECLS

typedef enum
{
  PS_CELL_SHAPE_POUCH,
  PS_CELL_SHAPE_CYLINDRICAL,
  PS_CELL_SHAPE_PRISMATIC,
} PsCellShape;

typedef struct
{
  char        *id;
  char        *name;
  char        *chemistry;          /* e.g. "LMO-LNO/graphite" */
  char        *source;             /* citation of where the numbers come from */

  /* electrical */
  double       capacity_ah;        /* rated */
  double       voltage_min_v;      /* lower cut-off */
  double       voltage_max_v;      /* upper charge limit */
  double       voltage_nominal_v;
  double       current_max_discharge_a;
  double       current_max_charge_a;  /* positive number */

  PsTable      ocv;                /* V over SOC (0..1) at t_ref_k */
  PsTable      dudt;               /* entropic coefficient, V/K over SOC */
  PsTable      r0;                 /* Ohm over SOC at t_ref_k */
  PsTable      r1;                 /* Ohm over SOC at t_ref_k */
  PsTable      c1;                 /* F over SOC */
  PsTable      r2;
  PsTable      c2;
  double       t_ref_k;            /* temperature of the tables */
  double       ea_r0_j_mol;        /* Arrhenius activation energy of R0 */
  double       ea_rc_j_mol;        /* ... of R1 and R2 */
  /* optional: every activation energy of the cell (R0, RC, diffusion,
   * charge transfer, electrolyte) times ea_scale_above_ref above t_ref_k
   * (the apparent activation energy measured between the reference and a
   * warmer HPPC); without it (FALSE, as zero-filled) one energy over all */
  gboolean     has_ea_scale_above_ref;
  double       ea_scale_above_ref;
  /* optional ECM elements (tables with n_points 0 when the cell has none):
   * solid diffusion, the time constant of the surface SOC's lag behind the
   * mean SOC (s, at t_ref_k), and Butler-Volmer charge transfer, the
   * exchange current (A, at t_ref_k); each with its activation energy */
  PsTable      tau_diffusion;
  double       ea_diffusion_j_mol;
  PsTable      i0;
  double       ea_i0_j_mol;
  /* optional electrolyte concentration polarisation (limiting current 0
   * when the cell has none): limiting current (A), time constant (s) and
   * voltage scale (V) at t_ref_k, activation energy of the diffusivity */
  double       electrolyte_i_lim_a;
  double       electrolyte_tau_s;
  double       electrolyte_scale_v;
  double       ea_electrolyte_j_mol;

  /* thermal */
  double       mass_kg;
  double       cp_j_kg_k;
  double       surface_area_m2;    /* for convection */
  double       k_through_w_mk;     /* through-plane (pouch) or radial (cylinder) */
  double       k_in_plane_w_mk;    /* in-plane or axial */
  double       temp_max_k;         /* operating limit */
  double       temp_min_k;

  /* geometry */
  PsCellShape  shape;
  double       length_m;           /* pouch/prismatic: largest face length; cylinder: height */
  double       width_m;            /* pouch/prismatic: face width; cylinder: diameter */
  double       thickness_m;        /* pouch/prismatic thickness; cylinder: diameter */

  /* physics parameters for the SPMe and the DFN (NULL: the cell runs only
   * as an ECM); electrochem_id names a built-in set ("electrochem" in the
   * JSON), NULL for a set carried by the cell itself (a BPX import) */
  char          *electrochem_id;
  PsElectrochem *electrochem;
} PsCellType;

PsCellType *ps_cell_type_new_from_file      (const char  *path,
                                             GError     **error);
/* id of a built-in cell, e.g. "aesc-leaf-2011" */
PsCellType *ps_cell_type_new_from_id        (const char  *id,
                                             GError     **error);
PsCellType *ps_cell_type_copy               (const PsCellType *cell);
void        ps_cell_type_free               (PsCellType  *cell);
/* NULL-terminated list of built-in cell ids; free with g_strfreev */
char      **ps_cell_type_list_builtin       (void);

/* Arrhenius factor exp(Ea/R (1/T - 1/T_ref)) */
double      ps_cell_type_arrhenius          (double       ea_j_mol,
                                             double       t_ref_k,
                                             double       temp_k);
/* the same for the cell's reference temperature, with its activation
 * energies scaled above it (ea_scale_above_ref) */
double      ps_cell_type_arrhenius_cell     (const PsCellType *cell,
                                             double       ea_j_mol,
                                             double       temp_k);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (PsCellType, ps_cell_type_free)

G_END_DECLS
