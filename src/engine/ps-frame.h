/* ps-frame.h: an immutable, reference-counted picture of the pack at one time
 *
 * The runner fills a frame on the worker thread and publishes it; after that
 * nobody writes it, so any thread may read it without a lock. Renderers and
 * tests may build frames themselves with ps_frame_new() and fill the arrays.
 */
#pragma once

#include "ps-events.h"
#include "ps-pack.h"

G_BEGIN_DECLS

typedef struct
{
  gatomicrefcount ref_count;

  PsPack   *pack;              /* geometry and topology (a reference) */
  guint     n_cells;
  guint64   serial;            /* increases with every published frame */

  /* per cell [n_cells], SI */
  double   *cell_voltage_v;
  double   *cell_current_a;    /* > 0 discharging */
  double   *cell_soc;          /* 0..1 */
  double   *cell_temp_k;
  double   *cell_heat_w;
  double   *cell_bleed_a;      /* the BMS's balancing current, A (the
                                * cell's share of its group's bleed) */
  guint8   *cell_runaway;      /* thermal-runaway stage (PsRunawayStage:
                                * 0 intact, 1 onset, 2 venting, 3 runaway,
                                * 4 burnt) */

  /* pack */
  double    time_s;            /* simulated time */
  guint     step;              /* 1-based protocol step, 0 when none */
  guint     n_steps;
  char     *step_text;         /* the running step as written, or NULL: the
                                * protocol's GRefString, one reference held
                                * (set it with g_ref_string_acquire / _new) */
  gboolean  finished;          /* protocol done */
  gboolean  manual_load;       /* a live load overrides the protocol */
  gboolean  manual_limited;    /* the manual load was held at the upper
                                * voltage limit or stopped by a limit (see
                                * the last step end) */
  /* the last step end (PS_STEP_END_NONE when none yet), as
   * PsStepEndInfo in ps-simulation.h: reason, step (0 = the manual load),
   * cell (1-based, 0 = none), time, value reached and its limit; n_step_ends
   * counts them since the start; end_text says it in a sentence */
  int       end_reason;
  guint     end_step;
  guint     end_cell;
  double    end_time_s;
  double    end_value;
  double    end_limit;
  gboolean  end_at_once;
  guint     n_step_ends;
  char     *end_text;
  /* the simulation's event log (a reference, or NULL) and how many of its
   * events had happened at this frame's time: read [0, n_events) */
  PsEventLog *events;
  guint     n_events;
  double    pack_voltage_v;
  double    pack_current_a;    /* > 0 discharging */
  double    pack_power_w;
  double    pack_soc;
  double    charge_ah;         /* cumulative, > 0 discharged */
  double    energy_wh;         /* cumulative, > 0 discharged */
  double    heat_w;            /* total heat generation */
  double    ambient_k;
  gboolean  cooling_enabled;
  double    coolant_outlet_k;  /* hottest channel outlet, = ambient for air */

  /* extremes: value and cell index */
  double    cell_voltage_min_v, cell_voltage_max_v;
  guint     cell_voltage_min_idx, cell_voltage_max_idx;
  double    cell_temp_min_k, cell_temp_max_k, cell_temp_mean_k;
  guint     cell_temp_min_idx, cell_temp_max_idx;
  double    cell_soc_min, cell_soc_max;

  /* driving: the vehicle's speed (0 when not driving) and the distance
   * driven since the start */
  double    speed_mps;
  double    distance_m;

  /* the BMS: a PsBmsState (0 = no BMS) and, when open, the
   * PsContactorReason */
  int       bms_state;
  int       bms_reason;

  /* BMS limit flags, for warnings */
  gboolean  limit_voltage_low;
  gboolean  limit_voltage_high;
  gboolean  limit_temp_high;
  gboolean  limit_current;
} PsFrame;

/* A frame with zeroed arrays for pack->n_cells cells.
 * pack: (transfer none): the frame takes a reference
 * Returns: (transfer full) */
PsFrame  *ps_frame_new                (PsPack        *pack);
/* Returns: (transfer full): frame, with one more reference */
PsFrame  *ps_frame_ref                (PsFrame       *frame);
void      ps_frame_unref              (PsFrame       *frame);
/* Fills the extremes and means from the per-cell arrays. */
void      ps_frame_update_extremes    (PsFrame       *frame);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (PsFrame, ps_frame_unref)

G_END_DECLS
