/* ps-scenario.h: everything needed to start a simulation, as JSON
 *
 * {
 *   "packscope_scenario": 1,
 *   "name": "Leaf 2011, 1C discharge",
 *   "pack": "leaf-2011" | { pack object },
 *   "cell": "aesc-leaf-2011" | { cell object }          (optional: pack's cell)
 *   "initial": { "soc": 1.0, "temperature_c": 25.0 },  (temperature: ambient_c
 *                                                       unless given)
 *   "ambient_c": 25.0,
 *   "cooling": { "enabled": true, "coolant_inlet_c": 25.0 },   (optional)
 *   "variation": { "capacity_rel_sd": 0.01, "resistance_rel_sd": 0.03,
 *                  "soc_sd": 0.005 },                          (optional)
 *   "protocol": "Discharge at 1C until 3.0 V" | [ "step", ... ],
 *   "dt_s": 1.0,
 *   "seed": 1,
 *   "faults": [ {"kind": "internal_short", "cell": 57, "at_s": 600,
 *                "resistance_ohm": 0.1}, ... ],               (optional, ps-fault.h)
 *   "runaway": { "model": "arrhenius" | "trigger" | "off" }   (optional: arrhenius)
 *   "cell_model": "ecm" | "spme" | "dfn"                  (optional: ecm; spme
 *                                                       and dfn need a cell with
 *                                                       physics parameters)
 *   "dfn_mesh": { "x_neg": 16, "x_sep": 6, "x_pos": 16,   (optional, each 1 to
 *                 "r_neg": 16, "r_pos": 16 }               200: the DFN's finite
 *                                                       volumes per region and
 *                                                       per particle)
 * }
 *
 * Validation is strict: unknown members, wrong types, non-finite or
 * out-of-range values are errors naming the file, the JSON path and what was
 * expected.
 */
#pragma once

#include "ps-bms.h"
#include "ps-cell-type.h"
#include "ps-pack.h"
#include "ps-fault.h"
#include "ps-protocol.h"
#include "ps-runaway.h"
#include "ps-vehicle.h"

G_BEGIN_DECLS

/* The output interval a scenario may ask for, seconds: the engine substeps
 * within it as accuracy needs, so any of these gives the same results; the
 * maximum keeps at least one row per simulated hour. */
#define PS_SCENARIO_DT_MIN_S  0.001
#define PS_SCENARIO_DT_MAX_S  3600.0

/* Opaque outside the engine: read with the accessors below. */
typedef struct _PsScenario PsScenario;

/* The loaders return (transfer full) (nullable): NULL with error set.
 * id is a preset id (ps_pack_list_presets) */
PsScenario *ps_scenario_new_from_preset (const char        *id,
                                         GError           **error);
PsScenario *ps_scenario_new_from_file   (const char        *path,
                                         GError           **error);
PsScenario *ps_scenario_new_from_data   (const char        *data,
                                         gssize             length,
                                         const char        *source_name,
                                         GError           **error);
/* Whole scenarios shipped as presets (resources/scenarios), such as
 * "leaf-2018-rapidgate". Returns: (transfer full) */
char      **ps_scenario_list_scenario_presets (void);
/* One cell alone in still air (a cell file opened on its own, such as a
 * BPX import): a one-cell pack, a 1C discharge to the cut-off from full, as
 * an SPMe when the cell has physics parameters. A scenario file or data
 * that is a BPX file loads as this too. */
PsScenario *ps_scenario_new_for_cell    (const PsCellType  *cell,
                                         const char        *source_name,
                                         GError           **error);
/* A preset id (a pack's, or a scenario preset's) if one matches, otherwise
 * a file path. */
PsScenario *ps_scenario_new_lookup      (const char        *id_or_path,
                                         GError           **error);
/* Replaces the protocol; on error the scenario is unchanged. */
gboolean    ps_scenario_set_protocol    (PsScenario        *scenario,
                                         const char        *text,
                                         GError           **error);
/* Renames the scenario "<pack id>: <steps>" after its protocol, so a title
 * or summary says what runs when --protocol replaced the preset's own. */
void        ps_scenario_name_after_protocol (PsScenario  *scenario);
/* FALSE (naming the value, the limit and, by initial_name or ambient_name,
 * where it came from) when the cells would start outside their temperature
 * limits or the ambient is above the upper one. Loading checks this; call it
 * again after changing the temperatures. */
gboolean    ps_scenario_check_limits    (const PsScenario  *scenario,
                                         const char        *initial_name,
                                         const char        *ambient_name,
                                         GError           **error);
/* Checks everything a simulation relies on: positive capacity, mass, heat
 * capacity, temperatures and time step, finite tables in their ranges,
 * consistent pack arrays (cells, neighbours, coolant channels). The loaders
 * call it, so a loaded scenario is valid; ps_simulation_new calls it again,
 * as code may build or change a scenario. The error names the source and
 * the value. */
gboolean    ps_scenario_validate        (const PsScenario  *scenario,
                                         GError           **error);
/* Adds a fault given as one line of text (ps_fault_parse_text); on error the
 * scenario is unchanged. */
gboolean    ps_scenario_add_fault_text  (PsScenario        *scenario,
                                         const char        *text,
                                         GError           **error);
/* the faults, in the order given; (transfer none) */
const PsFault *ps_scenario_get_faults   (const PsScenario  *scenario,
                                         guint             *n_faults);
PsRunawayModel ps_scenario_get_runaway_model (const PsScenario *scenario);
void        ps_scenario_set_runaway_model (PsScenario      *scenario,
                                         PsRunawayModel     model);
/* Complete JSON (pack and cell inline), loadable again.
 * Returns: (transfer full): free with g_free */
char       *ps_scenario_to_json         (const PsScenario  *scenario);
/* Returns: (transfer full) */
PsScenario *ps_scenario_copy            (const PsScenario  *scenario);

/* Read-only accessors; the pointers are owned by the scenario. */
const char       *ps_scenario_get_name           (const PsScenario *scenario);
/* the file path or preset id it was loaded from, for messages */
const char       *ps_scenario_get_source_name    (const PsScenario *scenario);
PsPack           *ps_scenario_get_pack           (const PsScenario *scenario);
const PsCellType *ps_scenario_get_cell           (const PsScenario *scenario);
const PsProtocol *ps_scenario_get_protocol       (const PsScenario *scenario);
double            ps_scenario_get_initial_soc    (const PsScenario *scenario);
double            ps_scenario_get_initial_temp_k (const PsScenario *scenario);
/* TRUE when the initial temperature was given (else it is the ambient) */
gboolean          ps_scenario_get_initial_temp_set (const PsScenario *scenario);
double            ps_scenario_get_ambient_k      (const PsScenario *scenario);
gboolean          ps_scenario_get_cooling_enabled (const PsScenario *scenario);
double            ps_scenario_get_dt_s           (const PsScenario *scenario);
guint64           ps_scenario_get_seed           (const PsScenario *scenario);
/* the BMS's settings, resolved against the cell (enabled or not) */
const PsBmsConfig *ps_scenario_get_bms           (const PsScenario *scenario);
/* the vehicle Drive steps drive, or NULL when there is none */
const PsVehicle  *ps_scenario_get_vehicle        (const PsScenario *scenario);
/* "ecm", "spme" or "dfn" */
const char       *ps_scenario_get_cell_model     (const PsScenario *scenario);
/* TRUE when the scenario's cell can run as that model ("spme" and "dfn"
 * need the cell's physics parameters) */
gboolean          ps_scenario_cell_supports_model (const PsScenario *scenario,
                                                   const char       *model);

/* Overrides, as the command line's options give them; a value out of range
 * is a programming error (callers check their input first). */
void        ps_scenario_set_initial_soc (PsScenario        *scenario,
                                         double             soc);
/* PS_SCENARIO_DT_MIN_S .. PS_SCENARIO_DT_MAX_S */
void        ps_scenario_set_dt_s        (PsScenario        *scenario,
                                         double             dt_s);
void        ps_scenario_set_seed        (PsScenario        *scenario,
                                         guint64            seed);
/* Gives the scenario's cell the built-in physics parameter set set_id
 * (ps-electrochem.h), sized to the cell's capacity, so that it can run as
 * an SPMe or DFN: for packs whose own cells have no published set. FALSE
 * (the scenario unchanged) with an error naming the set. */
gboolean    ps_scenario_set_cell_electrochem (PsScenario   *scenario,
                                              const char   *set_id,
                                              GError      **error);
/* "ecm", "spme" or "dfn"; FALSE (the scenario unchanged) with an error that
 * names the model and the cell when the cell cannot run it */
gboolean    ps_scenario_set_cell_model  (PsScenario        *scenario,
                                         const char        *model,
                                         GError           **error);
/* The DFN's mesh from "X_NEG,X_SEP,X_POS,R_NEG,R_POS" (volumes in the
 * negative electrode, separator, positive electrode and in each particle,
 * each 1 to 200). */
gboolean    ps_scenario_set_dfn_mesh    (PsScenario        *scenario,
                                         const char        *spec,
                                         GError           **error);
void        ps_scenario_set_initial_temp_k (PsScenario     *scenario,
                                            double          temp_k);
/* also the cells' initial temperature when the scenario gives none */
void        ps_scenario_set_ambient_k   (PsScenario        *scenario,
                                         double             ambient_k);
/* the pack's cooling works (TRUE) or has failed / is switched off */
void        ps_scenario_set_cooling_enabled (PsScenario    *scenario,
                                             gboolean       enabled);
/* Switches the BMS on or off (its settings stay the scenario's). */
void        ps_scenario_set_bms_enabled (PsScenario        *scenario,
                                         gboolean           enabled);
void        ps_scenario_free            (PsScenario        *scenario);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (PsScenario, ps_scenario_free)

G_END_DECLS
