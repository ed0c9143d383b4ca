/* ps-simulation.c: the electro-thermal pack simulation and protocol executor
 *
 * Electrical model per cell: a cell model (ps-cell-model.h; the 2-RC ECM of
 * ps-ecm.c) gives each cell's end-of-step terminal voltage for the coming
 * step as a Thevenin pair, V = E - R I.
 * Adding the tab resistance gives each cell's branch (E, R + R_tab). A
 * parallel group of branches is then itself a Thevenin source
 *     E_g = (sum E_i/R_i) / (sum 1/R_i),  R_g = 1 / (sum 1/R_i),
 * the series string adds the groups and the busbars, and the load (current,
 * power, constant voltage on the highest cell, or a resistor) fixes the pack
 * current in closed form. Every cell current follows from its group's node
 * voltage in the same step (implicit, no lag), so sum_i I_i = I in every
 * group to rounding.
 *
 * Heat per cell: the cell model's own (Bernardi for the ECM) + I^2 R_tab,
 * plus an equal share of the busbar loss I^2 R_busbar.
 *
 * Thermal network (ps-thermal-network.c): the cells' heat goes into a
 * backward-Euler network of cell-to-cell conductances and cooling.
 *
 * Variation: capacity and resistance factors N(1, sd) and initial SOC
 * N(soc0, sd), drawn cell by cell from the engine's own generator
 * (ps-rng.c), so the bytes do not depend on the GLib version.
 */
#include "config.h"

#include <math.h>
#include <string.h>

#include "ps-cell-model.h"
#include "ps-error.h"
#include "ps-pack-private.h"
#include "ps-rng-private.h"
#include "ps-scenario-private.h"
#include "ps-simulation.h"
#include "ps-state-block-private.h"
#include "ps-thermal-network-private.h"

/* Bisection of the step that crosses a voltage limit */
#define PS_LIMIT_BISECTIONS 26

/* Per-cell arrays that make up the state (copied as one block for the
 * snapshot that limit bisection restores). */
enum
{
  A_CURRENT,
  A_HEAT,
  N_STATE_ARRAYS
};

typedef struct
{
  double   time_s;
  double   charge_as;          /* coulombs, > 0 discharged */
  double   energy_j;
  double   heat_generated_j;
  double   electrical_loss_j;
  double   pack_voltage_v;
  double   pack_current_a;
  double   heat_w;
  double   cell_voltage_min_v; /* extremes after the last step */
  double   cell_voltage_max_v;
  gboolean limit_current;
} PsSimScalars;

struct _PsSimulation
{
  PsScenario       *scenario;
  PsPack           *pack;       /* = scenario->pack */
  const PsCellType *cell;       /* = scenario->cell */
  guint             n_cells;
  guint             n_series;
  guint             n_parallel;

  double            pack_capacity_ah;  /* rated, n_parallel x cell capacity */
  double            heat_capacity_j_k; /* m c_p of one cell */
  double            r_busbar_total;    /* (n_series - 1) x r_busbar */

  /* variation, per cell */
  double           *capacity_ah;
  double           *resistance_factor;
  double           *initial_soc;

  /* the cells' electrochemistry */
  PsCellModel      *model;

  /* state, one block of N_STATE_ARRAYS x n_cells, and its snapshot */
  PsStateBlock     block;
  double           *s[N_STATE_ARRAYS];
  PsSimScalars      sc;
  PsSimScalars      saved_sc;

  /* scratch for one step */
  const double     *ec;          /* cell E (the model's) */
  const double     *rc;          /* cell R */
  double           *gb;          /* branch conductance 1 / (R + R_tab) */
  double           *group_e;     /* [n_series] */
  double           *group_r;

  /* thermal */
  PsThermalNetwork *thermal;
  double            ambient_k;
  gboolean          cooling_enabled;

  /* protocol */
  guint             step_index;    /* 0-based, next to run */
  guint             step_shown;    /* 1-based, for frames; 0 = none */
  double            step_elapsed_s;
  double            last_extreme;         /* limit-side extreme cell voltage */
  double            last_extreme_change;  /* |its change| in the last step */
  double            last_dt;
  gboolean          finished;
  gboolean          has_manual_load;
  PsLoad            manual_load;
};

/* ------------------------------------------------------------ electrical */

/* Forms every cell's Thevenin pair (E, R) for the coming step and the groups'
 * equivalents; returns the pack's (E, R) through out-parameters. */
static void
linearise (PsSimulation *sim,
           double        dt,
           double       *pack_e,
           double       *pack_r)
{
  const double *ec, *rc;
  double *gb = sim->gb;
  double r_tab = sim->pack->r_tab_ohm;
  guint np = sim->n_parallel;
  double e_sum = 0.0, r_sum = sim->r_busbar_total;

  sim->model->klass->linearise (sim->model, dt,
                                _ps_thermal_network_get_temp (sim->thermal),
                                &ec, &rc);
  sim->ec = ec;
  sim->rc = rc;

  for (guint g = 0; g < sim->n_series; g++)
    {
      double sum_g = 0.0, sum_eg = 0.0;

      for (guint i = g * np; i < (g + 1) * np; i++)
        {
          double gi = 1.0 / (rc[i] + r_tab);

          gb[i] = gi;
          sum_g += gi;
          sum_eg += ec[i] * gi;
        }

      sim->group_e[g] = sum_eg / sum_g;
      sim->group_r[g] = 1.0 / sum_g;
      e_sum += sim->group_e[g];
      r_sum += sim->group_r[g];
    }

  *pack_e = e_sum;
  *pack_r = r_sum;
}

/* Pack current (> 0 discharging) that holds the highest cell at v_target:
 * every cell voltage is linear in the pack current, V_i = alpha_i - beta_i I,
 * and max_i V_i(I) = v_target at I = max_i (alpha_i - v_target) / beta_i. */
static double
solve_voltage_hold (PsSimulation *sim,
                    double        v_target)
{
  guint np = sim->n_parallel;
  double best = -INFINITY;

  for (guint g = 0; g < sim->n_series; g++)
    {
      double eg = sim->group_e[g];
      double rg = sim->group_r[g];

      for (guint i = g * np; i < (g + 1) * np; i++)
        {
          double k = sim->rc[i] * sim->gb[i];
          double alpha = sim->ec[i] - k * (sim->ec[i] - eg);
          double beta = k * rg;
          double current = (alpha - v_target) / beta;

          best = MAX (best, current);
        }
    }

  return best;
}

static double
solve_pack_current (PsSimulation *sim,
                    const PsLoad *load,
                    double        pack_e,
                    double        pack_r)
{
  double value = load->value;

  sim->sc.limit_current = FALSE;

  switch (load->mode)
    {
    case PS_LOAD_REST:
      return 0.0;

    case PS_LOAD_CURRENT:
      return value;

    case PS_LOAD_POWER:
      {
        /* P = I (E - R I): the physical root is the one nearer zero,
         * I = 2P / (E + sqrt(E^2 - 4 R P)) (no cancellation as R -> 0) */
        double disc = pack_e * pack_e - 4.0 * pack_r * value;

        if (value == 0.0)
          return 0.0;
        if (disc < 0.0)
          {
            /* more power than the pack can give: deliver its maximum */
            sim->sc.limit_current = TRUE;
            return pack_e / (2.0 * pack_r);
          }
        return 2.0 * value / (pack_e + sqrt (disc));
      }

    case PS_LOAD_VOLTAGE_HOLD:
      {
        double current = solve_voltage_hold (sim, value);
        double max_charge = sim->cell->current_max_charge_a * sim->n_parallel;

        /* a charger holds the voltage within its current limit (CC-CV) */
        if (max_charge > 0.0 && current < -max_charge)
          {
            sim->sc.limit_current = TRUE;
            current = -max_charge;
          }
        return current;
      }

    case PS_LOAD_RESISTANCE:
      return pack_e / (pack_r + value);

    default:
      g_return_val_if_reached (0.0);
    }
}

/* Advances the electrical and thermal state by dt under the load. */
static void
step_internal (PsSimulation *sim,
               const PsLoad *load,
               double        dt)
{
  PsCellModel *model = sim->model;
  double *current = sim->s[A_CURRENT];
  double *heat = sim->s[A_HEAT];
  const double *voltage;
  const double *ec, *gb;
  double r_tab = sim->pack->r_tab_ohm;
  guint np = sim->n_parallel;
  double pack_e, pack_r, pack_i, pack_v, busbar_share;
  double sum_heat = 0.0, sum_vg = 0.0;
  double v_min = INFINITY, v_max = -INFINITY;
  PsCellModelPower power;

  linearise (sim, dt, &pack_e, &pack_r);
  pack_i = solve_pack_current (sim, load, pack_e, pack_r);
  busbar_share = pack_i * pack_i * sim->r_busbar_total / sim->n_cells;

  ec = sim->ec;
  gb = sim->gb;
  for (guint g = 0; g < sim->n_series; g++)
    {
      double vg = sim->group_e[g] - sim->group_r[g] * pack_i;

      sum_vg += vg;
      for (guint i = g * np; i < (g + 1) * np; i++)
        current[i] = (ec[i] - vg) * gb[i];
    }

  model->klass->commit (model, dt, _ps_thermal_network_get_temp (sim->thermal),
                        current, heat, &power);
  voltage = model->klass->get_voltage (model);

  for (guint i = 0; i < sim->n_cells; i++)
    {
      double ii = current[i];
      double vi = voltage[i];
      double q = heat[i] + ii * ii * r_tab + busbar_share;

      v_min = MIN (v_min, vi);
      v_max = MAX (v_max, vi);
      heat[i] = q;
      sum_heat += q;
    }

  pack_v = sum_vg - pack_i * sim->r_busbar_total;

  sim->sc.pack_current_a = pack_i;
  sim->sc.pack_voltage_v = pack_v;
  sim->sc.cell_voltage_min_v = v_min;
  sim->sc.cell_voltage_max_v = v_max;
  sim->sc.heat_w = sum_heat;
  sim->sc.charge_as += pack_i * dt;
  sim->sc.energy_j += pack_v * pack_i * dt;
  sim->sc.heat_generated_j += sum_heat * dt;
  sim->sc.electrical_loss_j += (power.chemical_w - pack_v * pack_i - power.reversible_w) * dt;
  sim->sc.time_s += dt;

  _ps_thermal_network_step (sim->thermal, heat, dt);
}

/* ------------------------------------------------------------- lifecycle */

static void
reset_state (PsSimulation *sim)
{
  const PsScenario *scenario = sim->scenario;
  PsRng rng;

  _ps_rng_init (&rng, scenario->seed);

  /* three draws per cell in cell order, whatever the spreads, so changing
   * one spread leaves the others' draws alone */
  for (guint i = 0; i < sim->n_cells; i++)
    {
      double zc = _ps_rng_normal (&rng);
      double zr = _ps_rng_normal (&rng);
      double zs = _ps_rng_normal (&rng);
      double fc = MAX (0.05, 1.0 + scenario->capacity_rel_sd * zc);
      double fr = MAX (0.05, 1.0 + scenario->resistance_rel_sd * zr);
      double s0 = CLAMP (scenario->initial_soc + scenario->soc_sd * zs, 0.0, 1.0);

      sim->capacity_ah[i] = sim->cell->capacity_ah * fc;
      sim->resistance_factor[i] = fr;
      sim->initial_soc[i] = s0;
    }

  _ps_state_block_zero (&sim->block);
  memset (&sim->sc, 0, sizeof sim->sc);

  sim->model->klass->reset (sim->model, sim->initial_soc, sim->capacity_ah,
                            sim->resistance_factor, scenario->initial_temp_k);

  sim->ambient_k = scenario->ambient_k;
  sim->cooling_enabled = scenario->cooling_enabled;
  _ps_thermal_network_reset (sim->thermal, scenario->initial_temp_k,
                             sim->ambient_k, sim->cooling_enabled);

  /* at rest before the first step: open-circuit voltages (the mean of each
   * group, a first look until the first step solves the groups) */
  {
    const double *voltage = sim->model->klass->get_voltage (sim->model);
    double v = 0.0, v_min = INFINITY, v_max = -INFINITY;

    for (guint i = 0; i < sim->n_cells; i++)
      {
        double u = voltage[i];

        v += u / sim->n_parallel;
        v_min = MIN (v_min, u);
        v_max = MAX (v_max, u);
      }
    sim->sc.pack_voltage_v = v;
    sim->sc.cell_voltage_min_v = v_min;
    sim->sc.cell_voltage_max_v = v_max;
  }

  sim->step_index = 0;
  sim->step_elapsed_s = 0.0;
  sim->last_extreme = 0.0;
  sim->last_extreme_change = 0.0;
  sim->last_dt = 0.0;
  sim->finished = (scenario->protocol == NULL || scenario->protocol->n_steps == 0);
  sim->step_shown = sim->finished ? 0 : 1;
  sim->has_manual_load = FALSE;
}

PsSimulation *
ps_simulation_new (const PsScenario  *scenario,
                   GError           **error)
{
  PsSimulation *sim;
  guint n;

  g_return_val_if_fail (scenario != NULL, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  /* PsScenario, PsPack and PsCellType are open structs that code may build
   * or change after loading, so their invariants are checked again here */
  if (!ps_scenario_validate (scenario, error))
    return NULL;

  sim = g_new0 (PsSimulation, 1);
  sim->scenario = ps_scenario_copy (scenario);
  sim->pack = sim->scenario->pack;
  sim->cell = sim->scenario->cell;
  sim->n_cells = n = sim->pack->n_cells;
  sim->n_series = sim->pack->n_series;
  sim->n_parallel = sim->pack->n_parallel;

  sim->pack_capacity_ah = sim->n_parallel * sim->cell->capacity_ah;
  sim->heat_capacity_j_k = sim->cell->mass_kg * sim->cell->cp_j_kg_k;
  sim->r_busbar_total = (sim->n_series - 1) * sim->pack->r_busbar_ohm;

  sim->capacity_ah = g_new0 (double, n);
  sim->resistance_factor = g_new0 (double, n);
  sim->initial_soc = g_new0 (double, n);

  _ps_state_block_init (&sim->block, N_STATE_ARRAYS, n, sim->s);

  sim->model = _ps_ecm_class.new (sim->cell, n);
  sim->gb = g_new0 (double, n);
  sim->group_e = g_new0 (double, sim->n_series);
  sim->group_r = g_new0 (double, sim->n_series);

  sim->thermal = _ps_thermal_network_new (sim->pack, sim->heat_capacity_j_k,
                                          sim->scenario->coolant_inlet_k);

  reset_state (sim);

  return sim;
}

void
ps_simulation_free (PsSimulation *sim)
{
  if (sim == NULL)
    return;

  g_free (sim->capacity_ah);
  g_free (sim->resistance_factor);
  g_free (sim->initial_soc);
  _ps_state_block_clear (&sim->block);
  if (sim->model != NULL)
    sim->model->klass->free (sim->model);
  g_free (sim->gb);
  g_free (sim->group_e);
  g_free (sim->group_r);
  _ps_thermal_network_free (sim->thermal);
  ps_scenario_free (sim->scenario);
  g_free (sim);
}

void
ps_simulation_reset (PsSimulation *sim)
{
  g_return_if_fail (sim != NULL);

  reset_state (sim);
}

/* -------------------------------------------------------------- protocol */

static void
save_state (PsSimulation *sim)
{
  _ps_state_block_save (&sim->block);
  sim->saved_sc = sim->sc;
  sim->model->klass->save (sim->model);
  _ps_thermal_network_save (sim->thermal);
}

static void
restore_state (PsSimulation *sim)
{
  _ps_state_block_restore (&sim->block);
  sim->sc = sim->saved_sc;
  sim->model->klass->restore (sim->model);
  _ps_thermal_network_restore (sim->thermal);
}

/* TRUE when the voltage limit of a load step has been reached. */
static gboolean
voltage_limit_reached (PsSimulation   *sim,
                       PsStepKind      kind,
                       double          threshold)
{
  if (kind == PS_STEP_DISCHARGE)
    return sim->sc.cell_voltage_min_v <= threshold;
  return sim->sc.cell_voltage_max_v >= threshold;
}

static void
step_load (PsSimulation         *sim,
           const PsProtocolStep *step,
           PsLoad               *load)
{
  double sign = step->kind == PS_STEP_CHARGE ? -1.0 : 1.0;

  switch (step->kind)
    {
    case PS_STEP_DISCHARGE:
    case PS_STEP_CHARGE:
      if (step->unit == PS_STEP_UNIT_WATT)
        load->mode = PS_LOAD_POWER;
      else
        load->mode = PS_LOAD_CURRENT;
      if (step->unit == PS_STEP_UNIT_C_RATE)
        load->value = sign * step->value * sim->pack_capacity_ah;
      else
        load->value = sign * step->value;
      break;

    case PS_STEP_HOLD:
      load->mode = PS_LOAD_VOLTAGE_HOLD;
      load->value = step->value;
      break;

    case PS_STEP_REST:
    default:
      load->mode = PS_LOAD_REST;
      load->value = 0.0;
      break;
    }
}

static void
end_protocol_step (PsSimulation *sim)
{
  sim->step_index++;
  sim->step_elapsed_s = 0.0;
  sim->last_extreme_change = 0.0;
  if (sim->step_index >= sim->scenario->protocol->n_steps)
    sim->finished = TRUE;
}

gboolean
ps_simulation_advance (PsSimulation *sim,
                       double        dt_s)
{
  const PsProtocolStep *step;
  PsLoad load;
  double remaining, dt, threshold = NAN;
  gboolean voltage_end = FALSE, ended = FALSE, saved;

  g_return_val_if_fail (sim != NULL, FALSE);
  g_return_val_if_fail (isfinite (dt_s) && dt_s > 0.0, FALSE);

  /* a manual load runs whatever the protocol's state */
  if (sim->has_manual_load)
    {
      step_internal (sim, &sim->manual_load, dt_s);
      return TRUE;
    }

  if (sim->finished)
    return FALSE;

  step = &sim->scenario->protocol->steps[sim->step_index];
  sim->step_shown = sim->step_index + 1;
  step_load (sim, step, &load);

  /* a load step does not start on cells over their temperature limit */
  if (step->kind != PS_STEP_REST && _ps_thermal_network_get_temp_max (sim->thermal) >= sim->cell->temp_max_k)
    {
      end_protocol_step (sim);
      return TRUE;
    }

  remaining = step->duration_s - sim->step_elapsed_s;
  dt = MIN (dt_s, remaining);

  if (step->kind == PS_STEP_DISCHARGE)
    {
      threshold = sim->cell->voltage_min_v;
      if (!isnan (step->until_voltage_v))
        threshold = MAX (threshold, step->until_voltage_v);
      voltage_end = TRUE;
    }
  else if (step->kind == PS_STEP_CHARGE)
    {
      threshold = sim->cell->voltage_max_v;
      if (!isnan (step->until_voltage_v))
        threshold = MIN (threshold, step->until_voltage_v);
      voltage_end = TRUE;
    }

  /* Keep a copy of the state to bisect from only when this step might
   * reach the limit: at the start of a protocol step (the load changes),
   * or when the extreme cell is within reach of the threshold at the pace
   * it moved during the last step. */
  saved = FALSE;
  if (voltage_end)
    {
      double extreme = step->kind == PS_STEP_DISCHARGE
                       ? sim->sc.cell_voltage_min_v : sim->sc.cell_voltage_max_v;
      double distance = fabs (extreme - threshold);
      double pace = sim->last_extreme_change * dt / MAX (sim->last_dt, 1e-12);

      if (sim->step_elapsed_s == 0.0 || !(distance > 0.02 + 4.0 * pace))
        {
          /* near the limit, fresh OCV slopes and resistances every step, so
           * each step ends where the next begins */
          sim->model->klass->refresh (sim->model);
          save_state (sim);
          saved = TRUE;
        }
      sim->last_extreme = extreme;
    }

  step_internal (sim, &load, dt);

  if (voltage_end)
    {
      double extreme = step->kind == PS_STEP_DISCHARGE
                       ? sim->sc.cell_voltage_min_v : sim->sc.cell_voltage_max_v;

      sim->last_extreme_change = fabs (extreme - sim->last_extreme);
      sim->last_dt = dt;
    }

  if (voltage_end && voltage_limit_reached (sim, step->kind, threshold) && !saved)
    {
      /* crossed faster than foreseen: end the step here */
      ended = TRUE;
    }
  else if (voltage_end && voltage_limit_reached (sim, step->kind, threshold))
    {
      /* find the moment the limit is reached, so the delivered charge does
       * not depend on the step size */
      double lo = 0.0, hi = dt;

      for (guint k = 0; k < PS_LIMIT_BISECTIONS; k++)
        {
          double mid = 0.5 * (lo + hi);

          restore_state (sim);
          step_internal (sim, &load, mid);
          if (voltage_limit_reached (sim, step->kind, threshold))
            hi = mid;
          else
            lo = mid;
        }

      restore_state (sim);
      if (lo > 0.0)
        step_internal (sim, &load, lo);
      dt = lo;
      ended = TRUE;
    }

  sim->step_elapsed_s += dt;

  if (isfinite (step->duration_s)
      && step->duration_s - sim->step_elapsed_s <= 1e-9 * MAX (1.0, step->duration_s))
    ended = TRUE;

  if (step->kind == PS_STEP_HOLD)
    {
      double limit = step->until_current_unit == PS_STEP_UNIT_C_RATE
                     ? step->until_current * sim->pack_capacity_ah
                     : step->until_current;

      if (fabs (sim->sc.pack_current_a) <= limit)
        ended = TRUE;
    }

  if (step->kind != PS_STEP_REST && _ps_thermal_network_get_temp_max (sim->thermal) >= sim->cell->temp_max_k)
    ended = TRUE;

  if (ended)
    end_protocol_step (sim);

  return TRUE;
}

void
ps_simulation_step (PsSimulation *sim,
                    const PsLoad *load,
                    double        dt_s)
{
  g_return_if_fail (sim != NULL);
  g_return_if_fail (load != NULL);
  g_return_if_fail (isfinite (dt_s) && dt_s > 0.0);
  g_return_if_fail (isfinite (load->value));
  g_return_if_fail (load->mode != PS_LOAD_RESISTANCE || load->value > 0.0);

  step_internal (sim, load, dt_s);
}

/* ----------------------------------------------------------- live control */

void
ps_simulation_set_manual_load (PsSimulation *sim,
                               const PsLoad *load)
{
  g_return_if_fail (sim != NULL);
  g_return_if_fail (load != NULL);
  g_return_if_fail (isfinite (load->value));
  g_return_if_fail (load->mode != PS_LOAD_RESISTANCE || load->value > 0.0);

  sim->manual_load = *load;
  sim->has_manual_load = TRUE;
}

void
ps_simulation_clear_manual_load (PsSimulation *sim)
{
  g_return_if_fail (sim != NULL);

  sim->has_manual_load = FALSE;
}

void
ps_simulation_set_ambient (PsSimulation *sim,
                           double        ambient_k)
{
  g_return_if_fail (sim != NULL);
  g_return_if_fail (isfinite (ambient_k) && ambient_k > 0.0);

  sim->ambient_k = ambient_k;
  _ps_thermal_network_set_conditions (sim->thermal, sim->ambient_k, sim->cooling_enabled);
}

void
ps_simulation_set_cooling (PsSimulation *sim,
                           gboolean      enabled)
{
  g_return_if_fail (sim != NULL);

  sim->cooling_enabled = !!enabled;
  _ps_thermal_network_set_conditions (sim->thermal, sim->ambient_k, sim->cooling_enabled);
}

/* ---------------------------------------------------------------- access */

gboolean
ps_simulation_is_finished (PsSimulation *sim)
{
  g_return_val_if_fail (sim != NULL, TRUE);
  return sim->finished;
}

double
ps_simulation_get_time (PsSimulation *sim)
{
  g_return_val_if_fail (sim != NULL, 0.0);
  return sim->sc.time_s;
}

guint
ps_simulation_get_step (PsSimulation *sim)
{
  g_return_val_if_fail (sim != NULL, 0);
  return sim->step_shown;
}

PsPack *
ps_simulation_get_pack (PsSimulation *sim)
{
  g_return_val_if_fail (sim != NULL, NULL);
  return sim->pack;
}

const PsScenario *
ps_simulation_get_scenario (PsSimulation *sim)
{
  g_return_val_if_fail (sim != NULL, NULL);
  return sim->scenario;
}

void
ps_simulation_fill_frame (PsSimulation *sim,
                          PsFrame      *frame)
{
  const PsProtocol *protocol;
  const double *soc;
  char *step_text;
  gsize bytes;
  double soc_q = 0.0, q = 0.0;
  double i_dis = sim->cell->current_max_discharge_a;
  double i_chg = sim->cell->current_max_charge_a;
  gboolean over_current = FALSE;

  g_return_if_fail (sim != NULL);
  g_return_if_fail (frame != NULL);
  g_return_if_fail (frame->n_cells == sim->n_cells);

  protocol = sim->scenario->protocol;
  soc = sim->model->klass->get_soc (sim->model);
  bytes = sizeof (double) * sim->n_cells;
  memcpy (frame->cell_voltage_v, sim->model->klass->get_voltage (sim->model), bytes);
  memcpy (frame->cell_current_a, sim->s[A_CURRENT], bytes);
  memcpy (frame->cell_soc, soc, bytes);
  memcpy (frame->cell_temp_k, _ps_thermal_network_get_temp (sim->thermal), bytes);
  memcpy (frame->cell_heat_w, sim->s[A_HEAT], bytes);

  for (guint i = 0; i < sim->n_cells; i++)
    {
      double ii = sim->s[A_CURRENT][i];

      soc_q += soc[i] * sim->capacity_ah[i];
      q += sim->capacity_ah[i];
      if ((i_dis > 0.0 && ii > i_dis) || (i_chg > 0.0 && ii < -i_chg))
        over_current = TRUE;
    }

  frame->time_s = sim->sc.time_s;
  frame->step = sim->step_shown;
  frame->n_steps = protocol != NULL ? protocol->n_steps : 0;
  /* the step's text is shared, not copied: the step loop allocates nothing */
  step_text = sim->step_shown > 0 && protocol != NULL ? protocol->steps[sim->step_shown - 1].text : NULL;
  if (frame->step_text != step_text)
    {
      g_clear_pointer (&frame->step_text, g_ref_string_release);
      if (step_text != NULL)
        frame->step_text = g_ref_string_acquire (step_text);
    }
  frame->finished = sim->finished;
  frame->manual_load = sim->has_manual_load;
  frame->pack_voltage_v = sim->sc.pack_voltage_v;
  frame->pack_current_a = sim->sc.pack_current_a;
  frame->pack_power_w = sim->sc.pack_voltage_v * sim->sc.pack_current_a;
  frame->pack_soc = soc_q / q;
  frame->charge_ah = sim->sc.charge_as / 3600.0;
  frame->energy_wh = sim->sc.energy_j / 3600.0;
  frame->heat_w = sim->sc.heat_w;
  frame->ambient_k = sim->ambient_k;
  frame->cooling_enabled = sim->cooling_enabled;
  frame->coolant_outlet_k = _ps_thermal_network_get_coolant_outlet (sim->thermal);

  ps_frame_update_extremes (frame);

  frame->limit_voltage_low = frame->cell_voltage_min_v <= sim->cell->voltage_min_v;
  frame->limit_voltage_high = frame->cell_voltage_max_v >= sim->cell->voltage_max_v;
  frame->limit_temp_high = frame->cell_temp_max_k >= sim->cell->temp_max_k;
  frame->limit_current = over_current || sim->sc.limit_current;
}

const double *
ps_simulation_get_cell_voltage (PsSimulation *sim)
{
  g_return_val_if_fail (sim != NULL, NULL);
  return sim->model->klass->get_voltage (sim->model);
}

const double *
ps_simulation_get_cell_current (PsSimulation *sim)
{
  g_return_val_if_fail (sim != NULL, NULL);
  return sim->s[A_CURRENT];
}

const double *
ps_simulation_get_cell_soc (PsSimulation *sim)
{
  g_return_val_if_fail (sim != NULL, NULL);
  return sim->model->klass->get_soc (sim->model);
}

const double *
ps_simulation_get_cell_temp (PsSimulation *sim)
{
  g_return_val_if_fail (sim != NULL, NULL);
  return _ps_thermal_network_get_temp (sim->thermal);
}

const double *
ps_simulation_get_cell_heat (PsSimulation *sim)
{
  g_return_val_if_fail (sim != NULL, NULL);
  return sim->s[A_HEAT];
}

const double *
ps_simulation_get_cell_capacity_ah (PsSimulation *sim)
{
  g_return_val_if_fail (sim != NULL, NULL);
  return sim->capacity_ah;
}

double
ps_simulation_get_pack_voltage (PsSimulation *sim)
{
  g_return_val_if_fail (sim != NULL, 0.0);
  return sim->sc.pack_voltage_v;
}

double
ps_simulation_get_pack_current (PsSimulation *sim)
{
  g_return_val_if_fail (sim != NULL, 0.0);
  return sim->sc.pack_current_a;
}

double
ps_simulation_get_charge_ah (PsSimulation *sim)
{
  g_return_val_if_fail (sim != NULL, 0.0);
  return sim->sc.charge_as / 3600.0;
}

double
ps_simulation_get_energy_wh (PsSimulation *sim)
{
  g_return_val_if_fail (sim != NULL, 0.0);
  return sim->sc.energy_j / 3600.0;
}

double
ps_simulation_get_heat_generated_j (PsSimulation *sim)
{
  g_return_val_if_fail (sim != NULL, 0.0);
  return sim->sc.heat_generated_j;
}

double
ps_simulation_get_heat_accounted_j (PsSimulation *sim)
{
  const double *temp;
  double stored = 0.0;
  double t0;

  g_return_val_if_fail (sim != NULL, 0.0);

  t0 = sim->scenario->initial_temp_k;
  temp = _ps_thermal_network_get_temp (sim->thermal);
  for (guint i = 0; i < sim->n_cells; i++)
    stored += temp[i] - t0;
  return stored * sim->heat_capacity_j_k + _ps_thermal_network_get_heat_removed_j (sim->thermal);
}

double
ps_simulation_get_electrical_loss_j (PsSimulation *sim)
{
  g_return_val_if_fail (sim != NULL, 0.0);
  return sim->sc.electrical_loss_j;
}
