/* ps-dfn-private.h: the Doyle-Fuller-Newman cell, one cell at a time
 *
 * The reference cell model (ps-dfn.c): finite volumes across the cell
 * (negative electrode, separator, positive electrode) and along the radius of
 * a particle at every node of an electrode; electrolyte concentration and
 * potential, solid potential, Butler-Volmer reaction current; backward Euler
 * in time with Newton's method on the block-tridiagonal system of the x nodes (the
 * particles, linear in their concentration, are condensed onto their surface
 * concentration before each step). _ps_dfn_class wraps one of these per cell
 * behind ps-cell-model.h; the validation tests drive it directly.
 *
 * Internal to the engine.
 */
#pragma once

#include <glib.h>

#include "ps-cell-model.h"
#include "ps-electrochem.h"

G_BEGIN_DECLS

/* Finite volumes per region and per particle radius. */
typedef struct
{
  guint n_x_neg;
  guint n_x_sep;
  guint n_x_pos;
  guint n_r_neg;
  guint n_r_pos;
} PsDfnMesh;

/* The default: RMS 0.10 / 0.23 / 0.32 / 0.37 mV from COMSOL at 0.1C / 0.5C /
 * 1C / 3C (Marquis2019); a mesh twice as fine gives 0.10 / 0.26 / 0.41 /
 * 0.36 mV, so the difference is the reference's own error by then */
#define PS_DFN_MESH_DEFAULT ((PsDfnMesh) { 16, 6, 16, 16, 16 })
/* the most volumes a user may ask for, per region or particle */
#define PS_DFN_MESH_MAX 200

typedef struct _PsDfnCell PsDfnCell;

/* Heat over a step, W (the whole cell: every electrode pair). */
typedef struct
{
  double ohmic_w;       /* solid and electrolyte, i.e and the diffusion potential */
  double reaction_w;    /* a j eta */
  double reversible_w;  /* a j T dU/dT */
  /* not heat: the power the reaction draws at the particles' surface
   * equilibrium, -a j U(c_s,surf) (W); it equals the terminal power
   * I V plus the ohmic and reaction heat (energy conservation) */
  double surface_w;
} PsDfnHeat;

/* ec must outlive the cell; area_factor scales the electrode area (a cell of
 * another capacity), resistance_factor the kinetic and ohmic resistances. */
PsDfnCell *_ps_dfn_cell_new        (const PsElectrochem *ec,
                                    const PsDfnMesh     *mesh,
                                    double               area_factor,
                                    double               resistance_factor,
                                    GError             **error);
void       _ps_dfn_cell_free       (PsDfnCell           *cell);
void       _ps_dfn_cell_set_factors (PsDfnCell          *cell,
                                    double               area_factor,
                                    double               resistance_factor);

/* at rest, uniform, at these stoichiometries */
void       _ps_dfn_cell_set_rest   (PsDfnCell           *cell,
                                    double               sto_n,
                                    double               sto_p,
                                    double               temp_k);

/* Solves the step at current_a (A, > 0 discharging) without advancing:
 * *voltage_v the end-of-step terminal voltage and *dv_di its derivative
 * with the current (V/A, negative). FALSE when Newton's method failed. */
gboolean   _ps_dfn_cell_solve      (PsDfnCell           *cell,
                                    double               dt,
                                    double               temp_k,
                                    double               current_a,
                                    double              *voltage_v,
                                    double              *dv_di);
/* Solves and advances the step; heat may be NULL. */
gboolean   _ps_dfn_cell_step       (PsDfnCell           *cell,
                                    double               dt,
                                    double               temp_k,
                                    double               current_a,
                                    PsDfnHeat           *heat);

double     _ps_dfn_cell_voltage    (const PsDfnCell     *cell);
/* equilibrium voltage of the electrodes' mean stoichiometries */
double     _ps_dfn_cell_ocv        (PsDfnCell           *cell,
                                    double               temp_k);
void       _ps_dfn_cell_mean_sto   (PsDfnCell           *cell,
                                    double              *sto_n,
                                    double              *sto_p);
guint      _ps_dfn_cell_n_x        (const PsDfnCell     *cell);
/* node centres (m) and the last step's fields there (phi_s is 0 in the
 * separator); the potentials are referred to the negative current
 * collector (phi_s = 0 at x = 0). Any may be NULL. */
void       _ps_dfn_cell_profiles   (const PsDfnCell     *cell,
                                    double              *x,
                                    double              *c_e,
                                    double              *phi_e,
                                    double              *phi_s,
                                    double              *c_s_surf);
/* the whole state, to copy from one cell to another of the same mesh */
gsize      _ps_dfn_cell_state_size (const PsDfnCell     *cell);
void       _ps_dfn_cell_get_state  (const PsDfnCell     *cell,
                                    double              *state);
void       _ps_dfn_cell_set_state  (PsDfnCell           *cell,
                                    const double        *state);

/* The model (_ps_dfn_class) on another mesh: sizes[5] = volumes in the
 * negative electrode, separator, positive electrode, negative and positive
 * particles, 0 for the default's; each 1 .. PS_DFN_MESH_MAX. Before reset. */
void       _ps_dfn_model_set_mesh  (PsCellModel         *model,
                                    const guint         *sizes);

G_END_DECLS
