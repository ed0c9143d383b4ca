/* ps-cell-model.h: the seam between the pack solve and a cell model
 *
 * The simulation solves the pack (parallel groups, series string, load) and
 * leaves the cells' electrochemistry to a cell model behind this interface:
 * the ECM today (ps-ecm.c), SPMe and DFN next. Each step is two calls, for
 * all cells at once (structure of arrays, nothing allocated per step):
 *
 *   linearise (dt, T)  every cell's end-of-step terminal voltage as a
 *                      Thevenin pair for the coming step, V_i = E_i - R_i I_i
 *                      (the model's own states held at their start values)
 *   commit (dt, T, I)  the step with the currents the pack solve found:
 *                      the model advances its states, sets each cell's
 *                      terminal voltage E_i - R_i I_i and reports its heat
 *
 * Currents are > 0 discharging, per cell (A); temperatures K, held by the
 * thermal network and constant over the step. linearise and commit may
 * share the cells over the model's workers; every other call runs on the
 * caller's thread. Internal to the engine.
 */
#pragma once

#include <glib.h>

#include "ps-cell-type.h"
#include "ps-workers-private.h"

G_BEGIN_DECLS

typedef struct _PsCellModel      PsCellModel;
typedef struct _PsCellModelClass PsCellModelClass;

/* Powers summed over the cells during a committed step, W */
typedef struct
{
  double chemical_w;    /* sum_i I_i U_i, U the open-circuit voltage over the step */
  double reversible_w;  /* sum_i I_i T_i dU/dT (entropic) */
} PsCellModelPower;

struct _PsCellModelClass
{
  const char   *name;

  /* cell must outlive the model */
  PsCellModel  *(*new)       (const PsCellType *cell,
                              guint             n_cells);
  void          (*free)      (PsCellModel      *model);
  /* cells at rest at soc0[i] and temp_k, each with its capacity and a factor
   * on every resistance (cell-to-cell variation) */
  void          (*reset)     (PsCellModel      *model,
                              const double     *soc0,
                              const double     *capacity_ah,
                              const double     *resistance_factor,
                              double            temp_k);
  /* *e and *r point at model-owned arrays, valid until the next call */
  void          (*linearise) (PsCellModel      *model,
                              double            dt,
                              const double     *temp_k,
                              const double    **e,
                              const double    **r);
  /* heat_w[i] receives cell i's own heat over the step (W) */
  void          (*commit)    (PsCellModel      *model,
                              double            dt,
                              const double     *temp_k,
                              const double     *current_a,
                              double           *heat_w,
                              PsCellModelPower *power);
  /* make the next linearisation exact for the state it starts from (no
   * factors cached from earlier steps): near a limit */
  void          (*refresh)   (PsCellModel      *model);
  /* one snapshot of the whole state, for the bisection of a limit step */
  void          (*save)      (PsCellModel      *model);
  void          (*restore)   (PsCellModel      *model);
  /* optional, NULL for a model whose voltage is linear in its current: the
   * cells' currents the next linearise is to be taken about (the pack
   * solve's last iterate); returns TRUE when that moved the linearisation
   * point enough to matter (the pack solve then linearises again) */
  gboolean      (*set_current_guess) (PsCellModel  *model,
                                      const double *current_a);

  /* how a coulomb through each cell moves its SOC (1/C) and its OCV (V/C)
   * at the present state: the engine's substeps keep both changes small */
  void          (*get_charge_sensitivity) (PsCellModel    *model,
                                           const double  **soc_per_c,
                                           const double  **ocv_per_c);

  const double *(*get_soc)     (PsCellModel    *model);
  const double *(*get_ocv)     (PsCellModel    *model);
  const double *(*get_voltage) (PsCellModel    *model);
};

/* Every model's instance struct starts with this. */
struct _PsCellModel
{
  const PsCellModelClass *klass;
  /* the threads linearise and commit share the cells over (the
   * simulation's; NULL: all on the caller's); each cell's arithmetic must
   * not depend on them (ps-workers-private.h) */
  PsWorkers              *workers;
};

/* A commit's powers summed over the cells, in cell order whatever threads
 * computed them: chemical_w[i] and reversible_w[i] are cell i's shares. */
void _ps_cell_model_sum_power (const double     *chemical_w,
                               const double     *reversible_w,
                               guint             n_cells,
                               PsCellModelPower *power);

/* The Thevenin equivalent circuit with two RC pairs (ps-ecm.c). */
extern const PsCellModelClass _ps_ecm_class;
/* The single particle model with electrolyte (ps-spme.c); needs the cell's
 * physics parameter set. */
extern const PsCellModelClass _ps_spme_class;
/* The Doyle-Fuller-Newman model (ps-dfn.c): needs cell->electrochem. */
extern const PsCellModelClass _ps_dfn_class;

/* The cell models a simulation can run (--cell-model, "cell_model"). */
typedef enum
{
  PS_CELL_MODEL_ECM,
  PS_CELL_MODEL_SPME,   /* single particle model with electrolyte (ps-spme.c) */
  PS_CELL_MODEL_DFN,    /* Doyle-Fuller-Newman (ps-dfn.c) */
} PsCellModelKind;

#define PS_CELL_MODEL_N_KINDS 3

/* "ecm", "spme", "dfn" */
const char             *_ps_cell_model_kind_to_string   (PsCellModelKind   kind);
gboolean                _ps_cell_model_kind_from_string (const char       *name,
                                                         PsCellModelKind  *kind);
/* How many cells a thread of the pack step should have at least for the
 * kind (its step per cell against the cost of handing work to a thread,
 * measured: ps-cell-model.c). */
guint                   _ps_cell_model_cells_per_thread (PsCellModelKind kind);
/* The class of a kind for a cell type: NULL with an error naming the cell
 * and the model when the model cannot run that cell (a physics model needs
 * the cell's physics parameter set) or is not built in. */
const PsCellModelClass *_ps_cell_model_class_for_kind   (PsCellModelKind   kind,
                                                         const PsCellType *cell,
                                                         GError          **error);

G_END_DECLS
