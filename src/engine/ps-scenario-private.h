/* ps-scenario-private.h: the full PsScenario; engine (and engine tests) only
 */
#pragma once

#include "ps-bms.h"
#include "ps-vehicle.h"
#include "ps-scenario.h"

G_BEGIN_DECLS

struct _PsScenario
{
  char        *name;
  char        *source_name;        /* file path or preset id, for messages */

  PsPack      *pack;               /* owned reference */
  PsCellType  *cell;               /* owned */

  double       initial_soc;        /* 0..1 */
  double       initial_temp_k;     /* only when initial_temp_set: else the
                                    * cells start at ambient_k (the getter) */
  gboolean     initial_temp_set;   /* given explicitly ("initial" member) */
  double       ambient_k;
  gboolean     cooling_enabled;
  double       coolant_inlet_k;

  double       capacity_rel_sd;    /* relative standard deviations */
  double       resistance_rel_sd;
  double       soc_sd;             /* absolute, in SOC units */

  char        *protocol_text;      /* steps joined by newlines */
  PsProtocol  *protocol;           /* parsed */

  double       dt_s;
  guint64      seed;

  GArray      *faults;             /* PsFault, in the order given; never NULL */
  PsRunawayModel runaway_model;
  PsBmsConfig  bms;                /* resolved against the cell */
  PsVehicle    vehicle;            /* for Drive steps, when vehicle_set */
  gboolean     vehicle_set;
  int          cell_model;         /* PsCellModelKind (ps-cell-model.h) */
  /* the DFN's volumes: negative, separator, positive, negative particle,
   * positive particle; 0 = the model's default ("dfn_mesh") */
  guint        dfn_mesh[5];
};

G_END_DECLS
