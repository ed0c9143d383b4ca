/* ps-bms-private.h: the BMS during a run (the simulation's own) */
#pragma once

#include "ps-bms.h"
#include "ps-events.h"

G_BEGIN_DECLS

typedef struct
{
  const PsBmsConfig *config;     /* the scenario's (the simulation's copy) */
  PsEventLog        *events;     /* the simulation's log, not a reference */
  guint              n_series;
  guint              n_parallel;

  PsContactorReason  contactor;  /* PS_CONTACTOR_OK: closed */
  gboolean           derated;
  gboolean           cv;
  double             fast_power_reported_w;

  /* balancing, per parallel group */
  double            *bleed_a;    /* bleed current drawn from the group, A */
  gboolean          *bleeding;
  guint              n_bleeding;
} PsBms;

void       _ps_bms_init              (PsBms             *bms,
                                      const PsBmsConfig *config,
                                      guint              n_series,
                                      guint              n_parallel);
void       _ps_bms_clear             (PsBms             *bms);
void       _ps_bms_reset             (PsBms             *bms,
                                      PsEventLog        *events);
/* The pack's charge and discharge current limits (>= 0, A) from the cells'
 * extremes; share: the largest fraction of the pack current one cell
 * carried (0: an even share). */
void       _ps_bms_pack_limits       (PsBms             *bms,
                                      double             temp_min_k,
                                      double             temp_max_k,
                                      double             soc_min,
                                      double             soc_max,
                                      double             share,
                                      double            *charge_a,
                                      double            *discharge_a);
/* Opens the contactor (once) with an event naming the cell (0-based, or
 * -1), the value reached and the threshold. */
void       _ps_bms_open              (PsBms             *bms,
                                      double             time_s,
                                      PsContactorReason  reason,
                                      int                cell,
                                      double             value,
                                      double             limit);
/* Events when derating, constant voltage or the fast charger's power limit
 * change. */
void       _ps_bms_note_derate       (PsBms             *bms,
                                      double             time_s,
                                      gboolean           derated,
                                      double             request_a,
                                      double             limit_a);
void       _ps_bms_note_cv           (PsBms             *bms,
                                      double             time_s,
                                      gboolean           cv,
                                      int                cell);
void       _ps_bms_note_fast_power   (PsBms             *bms,
                                      double             time_s,
                                      double             power_w,
                                      double             temp_k);
/* Switches bleed resistors from the groups' voltages [n_series]; allowed
 * while charging or resting. Fills bleed_a. */
void       _ps_bms_update_balancing  (PsBms             *bms,
                                      double             time_s,
                                      const double      *group_v,
                                      gboolean           allowed);
PsBmsState _ps_bms_get_state         (PsBms             *bms);

G_END_DECLS
