/* ps-runaway.h: thermal runaway of the pack's cells
 *
 * Two models, chosen per scenario:
 *
 * - PS_RUNAWAY_MODEL_ARRHENIUS: the Hatchard 2001 / Kim 2007 four-reaction
 *   model (SEI decomposition, negative-electrolyte, positive-electrolyte,
 *   electrolyte decomposition) in every cell, with the kinetics of its
 *   chemistry from resources/runaway/runaway-kinetics.json
 *   (THERMAL-RUNAWAY.md sections 1 and 3).
 * - PS_RUNAWAY_MODEL_TRIGGER: the engineering trigger model of section 4:
 *   q = C 10^g(T) from a finite store (the cell's stored electrical energy),
 *   a runaway latch once g > 0.5.
 *
 * The reactions are stiff: each step integrates only the cells that react
 * (warmer than the active temperature, or already self-heating), each in
 * its own adaptive substeps (no reactant moves by more than 2 % and the
 * temperature by no more than 0.5 K within one), with the heat the cell gets
 * from outside held over the step. The heat released is counted from the
 * reactants consumed, so the energy released equals what the reactions
 * held, to rounding.
 *
 * Internal to the engine (the simulation owns one; tests use it lumped).
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

typedef enum
{
  PS_RUNAWAY_MODEL_OFF,
  PS_RUNAWAY_MODEL_ARRHENIUS,
  PS_RUNAWAY_MODEL_TRIGGER,
} PsRunawayModel;

/* A cell's stage; it only moves forward. */
typedef enum
{
  PS_RUNAWAY_INTACT,
  PS_RUNAWAY_ONSET,       /* self-heating above the onset rate */
  PS_RUNAWAY_VENTED,      /* at the vent temperature */
  PS_RUNAWAY_RUNAWAY,     /* self-heating above the runaway rate */
  PS_RUNAWAY_BURNT,       /* the reactions are spent */
  PS_RUNAWAY_N_STAGES
} PsRunawayStage;

typedef struct
{
  double a_per_s;
  double ea_j_mol;
  double h_j_g;
  double w_g_m3;
  double x0;
} PsRunawayReaction;

typedef struct
{
  char              *id;
  char              *source;
  PsRunawayReaction  sei, negative, positive, electrolyte;
  double             sei_m, negative_m, electrolyte_m;
  double             positive_m1, positive_m2;
  double             t_sei0, t_ref;
  char              *trigger_source;
  double             trigger_t1_k, trigger_t2_k;
  double             active_k;
  double             onset_k_s;       /* self-heating rate of the onset, K/s */
  double             vent_k;
  double             runaway_k_s;
} PsRunawayParams;

typedef struct
{
  double         time_s;
  guint          cell;        /* 0-based */
  PsRunawayStage stage;       /* the stage reached */
  double         temp_k;
} PsRunawayEvent;

typedef struct _PsRunaway PsRunaway;

/* The parameters for a chemistry string (e.g. "NMC811/graphite-SiOx") from
 * the built-in resource. (transfer full) */
PsRunawayParams *ps_runaway_params_for_chemistry (const char             *chemistry,
                                                  GError                **error);
void             ps_runaway_params_free          (PsRunawayParams        *params);

const char      *ps_runaway_model_to_string      (PsRunawayModel          model);
gboolean         ps_runaway_model_from_string    (const char             *text,
                                                  PsRunawayModel         *model);
const char      *ps_runaway_stage_to_string      (PsRunawayStage          stage);

/* volume_m3 and heat_capacity_j_k of one cell; trigger_energy_j the store
 * of the trigger model (ignored by the other). params is copied. */
PsRunaway       *ps_runaway_new                  (PsRunawayModel          model,
                                                  const PsRunawayParams  *params,
                                                  guint                   n_cells,
                                                  double                  volume_m3,
                                                  double                  heat_capacity_j_k,
                                                  double                  trigger_energy_j);
void             ps_runaway_free                 (PsRunaway              *rw);
void             ps_runaway_reset                (PsRunaway              *rw);

/* Integrates the reactions of every cell over dt from the temperatures
 * temp_k, each cell also getting heat_w[i] from elsewhere (held over the
 * step; NULL for none); writes each cell's mean reaction power over the
 * step to rxn_w (0 where nothing reacts) and returns their sum. time_s is
 * the step's start, for the events. */
double           ps_runaway_step                 (PsRunaway              *rw,
                                                  double                  time_s,
                                                  const double           *temp_k,
                                                  const double           *heat_w,
                                                  double                  dt,
                                                  double                 *rxn_w);
/* The longest step the reacting cells let their neighbours take, s
 * (INFINITY while no cell is in runaway). */
double           ps_runaway_get_step_bound       (PsRunaway              *rw);

/* each cell's self-heating rate from its reactions at the end of the last
 * step, K/s */
const double    *ps_runaway_get_self_heating     (PsRunaway              *rw);
/* TRUE when some cell's reactions heated it above the onset rate in the
 * last step */
gboolean         ps_runaway_is_reacting          (PsRunaway              *rw);
PsRunawayModel   ps_runaway_get_model            (PsRunaway              *rw);
const PsRunawayStage *ps_runaway_get_stage       (PsRunaway              *rw);
/* time each cell reached each stage, NAN if not (yet) */
double           ps_runaway_get_stage_time       (PsRunaway              *rw,
                                                  guint                   cell,
                                                  PsRunawayStage          stage);
const double    *ps_runaway_get_released_j       (PsRunaway              *rw);
/* what one cell's reactions hold in all, J */
double           ps_runaway_get_available_j      (PsRunaway              *rw);
/* what one cell's reactions still hold, J (from the reactants) */
double           ps_runaway_get_remaining_j      (PsRunaway              *rw,
                                                  guint                   cell);
double           ps_runaway_get_released_total_j (PsRunaway              *rw);
/* how many cells are at or past a stage */
guint            ps_runaway_count_at_least       (PsRunaway              *rw,
                                                  PsRunawayStage          stage);
/* the stage changes since the last call, in time order; the array is the
 * runaway's and stays valid until the next step. */
const PsRunawayEvent *ps_runaway_take_events     (PsRunaway              *rw,
                                                  guint                  *n_events);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (PsRunawayParams, ps_runaway_params_free)

G_END_DECLS
