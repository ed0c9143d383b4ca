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
 * Time: ps_simulation_advance() is asked for an output interval and cuts it
 * into substeps as accuracy needs (the SOC and OCV change, the heating, and
 * the loads whose current follows the state); the substep in which a step's
 * end condition comes true is bisected so the step ends on it. Results do
 * not depend on the output interval.
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

/* Event location: the substep in which a step's end condition comes true
 * is bisected on its length until the end state lies this close before the
 * crossing (relative to the substep) or this many times. */
#define PS_EVENT_BISECTIONS   48
#define PS_EVENT_REL_TOL      1e-10

/* Substeps: the output interval is cut into substeps so that within each
 * no cell's SOC moves by more than PS_SUBSTEP_SOC, its OCV by more than
 * PS_SUBSTEP_OCV_V (the linearisation of the OCV over a substep holds),
 * no temperature by more than PS_SUBSTEP_TEMP_K (heat and resistances
 * follow the temperature), and loads whose current follows the state
 * (power, voltage hold, resistor) are re-solved at least every
 * PS_SUBSTEP_VARIABLE_S. A substep is never shorter than PS_SUBSTEP_MIN_S
 * unless the interval is. */
#define PS_SUBSTEP_SOC        0.005
#define PS_SUBSTEP_OCV_V      0.005
#define PS_SUBSTEP_TEMP_K     0.5
#define PS_SUBSTEP_VARIABLE_S 10.0
#define PS_SUBSTEP_MIN_S      1e-3

/* A step on cells this close to their temperature limit ends (the substeps
 * approach the limit halving the distance each time). */
#define PS_TEMP_LIMIT_MARGIN_K 0.01

/* Pack solves per substep at most for a cell model that is not linear in
 * its current (the Newton iteration on the cells' linearisation point
 * converges in two or three). */
#define PS_LINEARISE_ITERATIONS 8


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

static void settle_steps (PsSimulation *sim);

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

  /* scratch for one step */
  const double     *ec;          /* cell E (the model's) */
  const double     *rc;          /* cell R */
  double           *gb;          /* branch conductance 1 / (R + R_tab) */
  double           *guess;       /* cell currents of the last pack solve (a non-linear model linearises about them) */
  double           *group_e;     /* [n_series] */
  double           *group_r;

  /* thermal */
  PsThermalNetwork *thermal;
  double            ambient_k;
  gboolean          cooling_enabled;

  /* substep rates of the last substep, for choosing the next one */
  gboolean          rates_valid;
  double            rate_soc;      /* largest |dSOC/dt|, 1/s */
  double            rate_ocv;      /* largest |dOCV/dt|, V/s */
  double            rate_temp;     /* largest |dT/dt|, K/s */
  double            hold_cap_charge_a;     /* pack current limits of a voltage hold */
  double            hold_cap_discharge_a;

  /* step ends of the present advance call, and the last one */
  GArray           *ends;
  PsStepEndInfo     last_end;
  guint             n_step_ends;

  /* protocol */
  guint             step_index;    /* 0-based, next to run */
  guint             step_shown;    /* 1-based, for frames; 0 = none */
  double            step_elapsed_s;
  gboolean          finished;
  gboolean          has_manual_load;
  PsLoad            manual_load;      /* as set */
  PsLoad            manual_effective; /* as run: held at the upper limit, or rest */
  double            manual_cap_a;     /* charge current cap of a manual hold */
  gboolean          manual_limited;
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

        /* a charger holds the voltage within its current limit (CC-CV),
         * and so does a load that holds it from above */
        if (current < -sim->hold_cap_charge_a)
          {
            sim->sc.limit_current = TRUE;
            current = -sim->hold_cap_charge_a;
          }
        else if (current > sim->hold_cap_discharge_a)
          {
            sim->sc.limit_current = TRUE;
            current = sim->hold_cap_discharge_a;
          }
        return current;
      }

    case PS_LOAD_RESISTANCE:
      return pack_e / (pack_r + value);

    default:
      g_return_val_if_reached (0.0);
    }
}

/* What the coming substep of length h would do, before anything changes:
 * the pack current and every cell's voltage and current at its end. */
typedef struct
{
  double   h;
  double   pack_i;
  double   pack_r;                /* the pack's resistance to its current, Ohm */
  double   v_min, v_max;          /* cell voltages at the end of the substep */
  double   i_ratio;               /* largest |I_i| / the cell's limit */
  double   d_soc, d_ocv;          /* largest |change| of a cell's SOC and OCV */
} PsPeek;

typedef enum
{
  PEEK_V_MIN,
  PEEK_V_MAX,
  PEEK_I_RATIO,
} PeekExtreme;

/* Linearises every cell for h, solves the load and looks at the result;
 * leaves the state alone (commit() then takes this substep). */
static void
peek (PsSimulation *sim,
      const PsLoad *load,
      double        h,
      PsPeek       *pk)
{
  const double *ec, *rc, *gb = sim->gb;
  const double *soc_per_c, *ocv_per_c;
  double i_dis = sim->cell->current_max_discharge_a;
  double i_chg = sim->cell->current_max_charge_a;
  double inv_dis = i_dis > 0.0 ? 1.0 / i_dis : 0.0;
  double inv_chg = i_chg > 0.0 ? 1.0 / i_chg : 0.0;
  guint np = sim->n_parallel;
  double pack_e, pack_r, pack_i;
  double v_min = INFINITY, v_max = -INFINITY, ratio = 0.0, rate_soc = 0.0, rate_ocv = 0.0;

  linearise (sim, h, &pack_e, &pack_r);
  pack_i = solve_pack_current (sim, load, pack_e, pack_r);
  /* a model whose voltage is not linear in its current (SPMe, DFN) is
   * linearised again about the currents the pack solve found, until they
   * stay put: then E - R I is the model's own voltage */
  if (sim->model->klass->set_current_guess != NULL)
    for (guint it = 0; it < PS_LINEARISE_ITERATIONS; it++)
      {
        for (guint g = 0; g < sim->n_series; g++)
          {
            double vg = sim->group_e[g] - sim->group_r[g] * pack_i;

            for (guint i = g * np; i < (g + 1) * np; i++)
              sim->guess[i] = (sim->ec[i] - vg) * gb[i];
          }
        if (!sim->model->klass->set_current_guess (sim->model, sim->guess))
          break;
        linearise (sim, h, &pack_e, &pack_r);
        pack_i = solve_pack_current (sim, load, pack_e, pack_r);
      }
  ec = sim->ec;
  rc = sim->rc;
  sim->model->klass->get_charge_sensitivity (sim->model, &soc_per_c, &ocv_per_c);

  /* extremes only (branch-free, so it vectorises); which cell, only when
   * an end needs it (peek_find_cell) */
  for (guint g = 0; g < sim->n_series; g++)
    {
      double vg = sim->group_e[g] - sim->group_r[g] * pack_i;

      for (guint i = g * np; i < (g + 1) * np; i++)
        {
          double ii = (ec[i] - vg) * gb[i];
          double vi = ec[i] - rc[i] * ii;
          double ai = fabs (ii);

          v_min = MIN (v_min, vi);
          v_max = MAX (v_max, vi);
          ratio = MAX (ratio, MAX (ii * inv_dis, -ii * inv_chg));
          rate_soc = MAX (rate_soc, ai * soc_per_c[i]);
          rate_ocv = MAX (rate_ocv, ai * ocv_per_c[i]);
        }
    }

  pk->h = h;
  pk->pack_i = pack_i;
  pk->pack_r = pack_r;
  pk->v_min = v_min;
  pk->v_max = v_max;
  pk->i_ratio = ratio;
  pk->d_soc = rate_soc * h;
  pk->d_ocv = rate_ocv * h;
}

/* The cell (0-based) at one of the last peek's extremes, and its current
 * and current limit for PEEK_I_RATIO. */
static guint
peek_find_cell (PsSimulation *sim,
                const PsPeek *pk,
                PeekExtreme   which,
                double       *current_a,
                double       *limit_a)
{
  const double *ec = sim->ec, *rc = sim->rc, *gb = sim->gb;
  double i_dis = sim->cell->current_max_discharge_a;
  double i_chg = sim->cell->current_max_charge_a;
  double inv_dis = i_dis > 0.0 ? 1.0 / i_dis : 0.0;
  double inv_chg = i_chg > 0.0 ? 1.0 / i_chg : 0.0;
  guint np = sim->n_parallel;
  double best = -INFINITY, best_i = 0.0;
  guint cell = 0;

  for (guint g = 0; g < sim->n_series; g++)
    {
      double vg = sim->group_e[g] - sim->group_r[g] * pk->pack_i;

      for (guint i = g * np; i < (g + 1) * np; i++)
        {
          double ii = (ec[i] - vg) * gb[i];
          double key = which == PEEK_V_MIN ? -(ec[i] - rc[i] * ii)
                       : which == PEEK_V_MAX ? ec[i] - rc[i] * ii
                       : MAX (ii * inv_dis, -ii * inv_chg);

          if (key > best)
            {
              best = key;
              best_i = ii;
              cell = i;
            }
        }
    }

  if (current_a != NULL)
    *current_a = best_i;
  if (limit_a != NULL)
    *limit_a = best_i > 0.0 ? i_dis : i_chg;
  return cell;
}

/* Takes the substep the last peek() looked at. */
static void
commit (PsSimulation *sim,
        const PsPeek *pk)
{
  PsCellModel *model = sim->model;
  double *current = sim->s[A_CURRENT];
  double *heat = sim->s[A_HEAT];
  const double *ec = sim->ec, *gb = sim->gb;
  double r_tab = sim->pack->r_tab_ohm;
  guint np = sim->n_parallel;
  double dt = pk->h;
  double pack_i = pk->pack_i, pack_v, busbar_share;
  double sum_heat = 0.0, sum_vg = 0.0;
  PsCellModelPower power;

  busbar_share = pack_i * pack_i * sim->r_busbar_total / sim->n_cells;

  for (guint g = 0; g < sim->n_series; g++)
    {
      double vg = sim->group_e[g] - sim->group_r[g] * pack_i;

      sum_vg += vg;
      for (guint i = g * np; i < (g + 1) * np; i++)
        current[i] = (ec[i] - vg) * gb[i];
    }

  model->klass->commit (model, dt, _ps_thermal_network_get_temp (sim->thermal),
                        current, heat, &power);

  /* (the cell voltages are the peek's, V = E - R I: its extremes hold) */
  for (guint i = 0; i < sim->n_cells; i++)
    {
      double ii = current[i];
      double q = heat[i] + ii * ii * r_tab + busbar_share;

      heat[i] = q;
      sum_heat += q;
    }

  pack_v = sum_vg - pack_i * sim->r_busbar_total;

  sim->sc.pack_current_a = pack_i;
  sim->sc.pack_voltage_v = pack_v;
  sim->sc.cell_voltage_min_v = pk->v_min;
  sim->sc.cell_voltage_max_v = pk->v_max;
  sim->sc.heat_w = sum_heat;
  sim->sc.charge_as += pack_i * dt;
  sim->sc.energy_j += pack_v * pack_i * dt;
  sim->sc.heat_generated_j += sum_heat * dt;
  sim->sc.electrical_loss_j += (power.chemical_w - pack_v * pack_i - power.reversible_w) * dt;
  sim->sc.time_s += dt;

  _ps_thermal_network_step (sim->thermal, heat, dt);

  /* the pace of this substep, to choose the next */
  sim->rate_soc = pk->d_soc / dt;
  sim->rate_ocv = pk->d_ocv / dt;
  sim->rate_temp = _ps_thermal_network_get_change_max (sim->thermal) / dt;
  sim->rates_valid = TRUE;
}

/* Advances the electrical and thermal state by dt under the load, in one
 * substep. */
static void
step_internal (PsSimulation *sim,
               const PsLoad *load,
               double        dt)
{
  PsPeek pk;

  peek (sim, load, dt, &pk);
  commit (sim, &pk);
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
                            sim->resistance_factor, ps_scenario_get_initial_temp_k (scenario));

  sim->ambient_k = scenario->ambient_k;
  sim->cooling_enabled = scenario->cooling_enabled;
  _ps_thermal_network_reset (sim->thermal, ps_scenario_get_initial_temp_k (scenario),
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

  sim->rates_valid = FALSE;
  g_array_set_size (sim->ends, 0);
  memset (&sim->last_end, 0, sizeof sim->last_end);
  sim->n_step_ends = 0;

  sim->step_index = 0;
  sim->step_elapsed_s = 0.0;
  sim->finished = (scenario->protocol == NULL || scenario->protocol->n_steps == 0);
  sim->step_shown = sim->finished ? 0 : 1;
  sim->has_manual_load = FALSE;
  sim->manual_limited = FALSE;

  /* steps that end at once end at t = 0 */
  settle_steps (sim);
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
  if (!ps_scenario_validate (scenario, error)
      || !ps_scenario_check_limits (scenario, "the initial temperature",
                                    "the ambient temperature", error))
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
  sim->guess = g_new0 (double, n);
  sim->gb = g_new0 (double, n);
  sim->group_e = g_new0 (double, sim->n_series);
  sim->group_r = g_new0 (double, sim->n_series);

  sim->thermal = _ps_thermal_network_new (sim->pack, sim->heat_capacity_j_k,
                                          sim->scenario->coolant_inlet_k);

  sim->ends = g_array_new (FALSE, FALSE, sizeof (PsStepEndInfo));
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
  g_free (sim->guess);
  g_free (sim->group_e);
  g_free (sim->group_r);
  _ps_thermal_network_free (sim->thermal);
  g_clear_pointer (&sim->ends, g_array_unref);
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

/* What ends the present load: voltage bounds (with the reason each gives),
 * the cells' current and temperature limits, a hold's end current. */
typedef struct
{
  double    v_upper;           /* ends when the highest cell reaches it */
  PsStepEnd upper_reason;
  double    v_lower;           /* ends when the lowest cell reaches it */
  PsStepEnd lower_reason;
  gboolean  check_current;     /* ends when a cell would pass its limit */
  double    until_current_a;   /* ends when |pack current| falls to it */
  gboolean  check_temp;        /* ends when a cell reaches its limit */
} PsEndCheck;

static void
end_check_for_load (PsSimulation *sim,
                    const PsLoad *load,
                    PsEndCheck   *ec)
{
  const PsCellType *cell = sim->cell;
  gboolean resting = load->mode == PS_LOAD_REST;

  ec->v_upper = resting ? INFINITY : cell->voltage_max_v;
  ec->upper_reason = PS_STEP_END_VOLTAGE_MAX;
  ec->v_lower = resting ? -INFINITY : cell->voltage_min_v;
  ec->lower_reason = PS_STEP_END_VOLTAGE_MIN;
  ec->check_current = load->mode == PS_LOAD_CURRENT || load->mode == PS_LOAD_POWER
                      || load->mode == PS_LOAD_RESISTANCE;
  ec->until_current_a = NAN;
  ec->check_temp = !resting;

  /* a hold keeps its cell at its voltage itself (within the charger's
   * current limits): only a hold above the upper limit meets it */
  if (load->mode == PS_LOAD_VOLTAGE_HOLD && load->value <= cell->voltage_max_v)
    ec->v_upper = INFINITY;
}

static void
end_check_for_step (PsSimulation         *sim,
                    const PsProtocolStep *step,
                    const PsLoad         *load,
                    PsEndCheck           *ec)
{
  end_check_for_load (sim, load, ec);

  if (!isnan (step->until_voltage_v))
    {
      if (step->kind == PS_STEP_DISCHARGE && step->until_voltage_v >= ec->v_lower)
        {
          ec->v_lower = step->until_voltage_v;
          ec->lower_reason = PS_STEP_END_UNTIL_VOLTAGE;
        }
      else if (step->kind == PS_STEP_CHARGE && step->until_voltage_v <= ec->v_upper)
        {
          ec->v_upper = step->until_voltage_v;
          ec->upper_reason = PS_STEP_END_UNTIL_VOLTAGE;
        }
    }
  if (step->kind == PS_STEP_HOLD && !isnan (step->until_current))
    ec->until_current_a = step->until_current_unit == PS_STEP_UNIT_C_RATE
                          ? step->until_current * sim->pack_capacity_ah
                          : step->until_current;
}

/* The end condition a peeked substep meets, if any, with the cell (1-based)
 * and the value reached. */
static PsStepEnd
end_check_peek (PsSimulation     *sim,
                const PsEndCheck *ec,
                const PsPeek     *pk,
                guint            *cell,
                double           *value,
                double           *limit)
{
  /* a load past a cell's current limit first: it says most about why */
  if (ec->check_current && pk->i_ratio > 1.0 + 1e-9)
    {
      *cell = peek_find_cell (sim, pk, PEEK_I_RATIO, value, limit) + 1;
      return PS_STEP_END_CURRENT_MAX;
    }
  if (pk->v_max >= ec->v_upper)
    {
      *cell = peek_find_cell (sim, pk, PEEK_V_MAX, NULL, NULL) + 1;
      *value = pk->v_max;
      *limit = ec->v_upper;
      return ec->upper_reason;
    }
  if (pk->v_min <= ec->v_lower)
    {
      *cell = peek_find_cell (sim, pk, PEEK_V_MIN, NULL, NULL) + 1;
      *value = pk->v_min;
      *limit = ec->v_lower;
      return ec->lower_reason;
    }
  if (!isnan (ec->until_current_a) && fabs (pk->pack_i) <= ec->until_current_a)
    {
      *cell = 0;
      *value = pk->pack_i;
      *limit = ec->until_current_a;
      return PS_STEP_END_UNTIL_CURRENT;
    }
  return PS_STEP_END_NONE;
}

/* TRUE when a peeked substep ended close to an end condition: the state it
 * leaves may meet it at once (the OCV is exact at the substep's end, not
 * linearised: a difference of microvolts, which is a large part of a small
 * hold current), so the next instant is looked at before the row is done. */
static gboolean
end_check_near (const PsEndCheck *ec,
                const PsPeek     *pk)
{
  return pk->v_max >= ec->v_upper - 0.01 || pk->v_min <= ec->v_lower + 0.01
         || (ec->check_current && pk->i_ratio > 0.98)
         || (!isnan (ec->until_current_a)
             && fabs (pk->pack_i) <= 1.05 * ec->until_current_a + 0.002 / pk->pack_r);
}

static guint
hottest_cell (PsSimulation *sim)
{
  const double *temp = _ps_thermal_network_get_temp (sim->thermal);
  guint best = 0;

  for (guint i = 1; i < sim->n_cells; i++)
    if (temp[i] > temp[best])
      best = i;
  return best;
}

static guint
coldest_cell (PsSimulation *sim)
{
  const double *temp = _ps_thermal_network_get_temp (sim->thermal);
  guint best = 0;

  for (guint i = 1; i < sim->n_cells; i++)
    if (temp[i] < temp[best])
      best = i;
  return best;
}

/* TRUE when a cell under load is at one of its temperature limits: the
 * upper one (it heats) or the lower one (a cell colder than its data goes
 * carries no load: a step in the cold ends, a rest lets it warm or cool). */
static gboolean
temp_limit_reached (PsSimulation *sim,
                    PsStepEnd    *reason,
                    guint        *cell,
                    double       *value,
                    double       *limit)
{
  const double *temp = _ps_thermal_network_get_temp (sim->thermal);
  guint i;

  if (_ps_thermal_network_get_temp_max (sim->thermal)
      >= sim->cell->temp_max_k - PS_TEMP_LIMIT_MARGIN_K)
    {
      i = hottest_cell (sim);
      *reason = PS_STEP_END_TEMP_MAX;
      *limit = sim->cell->temp_max_k;
    }
  else if (_ps_thermal_network_get_temp_min (sim->thermal)
           <= sim->cell->temp_min_k + PS_TEMP_LIMIT_MARGIN_K)
    {
      i = coldest_cell (sim);
      *reason = PS_STEP_END_TEMP_MIN;
      *limit = sim->cell->temp_min_k;
    }
  else
    return FALSE;

  *cell = i + 1;
  *value = temp[i];
  return TRUE;
}

static void
record_end (PsSimulation *sim,
            PsStepEnd     reason,
            guint         step,
            guint         cell,
            double        value,
            double        limit,
            gboolean      at_once)
{
  PsStepEndInfo info;

  info.reason = reason;
  info.step = step;
  info.cell = cell;
  info.time_s = sim->sc.time_s;
  info.value = value;
  info.limit = limit;
  info.at_once = at_once;
  g_array_append_val (sim->ends, info);
  sim->last_end = info;
  sim->n_step_ends++;
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
set_hold_caps (PsSimulation *sim,
               double        charge_cap_a)
{
  double i_dis = sim->cell->current_max_discharge_a * sim->n_parallel;

  sim->hold_cap_charge_a = charge_cap_a > 0.0 ? charge_cap_a : INFINITY;
  sim->hold_cap_discharge_a = i_dis > 0.0 ? i_dis : INFINITY;
}

static void
end_protocol_step (PsSimulation *sim,
                   PsStepEnd     reason,
                   guint         cell,
                   double        value,
                   double        limit)
{
  record_end (sim, reason, sim->step_index + 1, cell, value, limit,
              sim->step_elapsed_s == 0.0);
  sim->step_index++;
  sim->step_elapsed_s = 0.0;
  sim->rates_valid = FALSE;
  /* (the row keeps showing the step that ran up to it) */
  if (sim->step_index >= sim->scenario->protocol->n_steps)
    sim->finished = TRUE;
}

/* Ends the steps whose end condition holds at their start (PyBaMM skips
 * such steps too): they take no time and add no row. */
static void
settle_steps (PsSimulation *sim)
{
  while (!sim->finished && sim->step_elapsed_s == 0.0)
    {
      const PsProtocolStep *step = &sim->scenario->protocol->steps[sim->step_index];
      PsLoad load;
      PsEndCheck ec;
      PsPeek pk;
      PsStepEnd reason;
      guint cell = 0;
      double value = 0.0, limit = 0.0;

      step_load (sim, step, &load);
      end_check_for_step (sim, step, &load, &ec);
      set_hold_caps (sim, sim->cell->current_max_charge_a * sim->n_parallel);

      if (ec.check_temp && temp_limit_reached (sim, &reason, &cell, &value, &limit))
        {
          end_protocol_step (sim, reason, cell, value, limit);
          continue;
        }
      if (load.mode == PS_LOAD_REST)
        break;

      /* the instant the load is applied */
      peek (sim, &load, 0.0, &pk);
      reason = end_check_peek (sim, &ec, &pk, &cell, &value, &limit);
      if (reason == PS_STEP_END_NONE)
        break;
      end_protocol_step (sim, reason, cell, value, limit);
    }
}

/* The longest substep the pace of the last one allows. */
static double
substep_bound (PsSimulation     *sim,
               const PsLoad     *load,
               const PsEndCheck *ec)
{
  double h = INFINITY;

  if (sim->rates_valid)
    {
      if (sim->rate_soc > 0.0)
        h = MIN (h, PS_SUBSTEP_SOC / sim->rate_soc);
      if (sim->rate_ocv > 0.0)
        h = MIN (h, PS_SUBSTEP_OCV_V / sim->rate_ocv);
      if (sim->rate_temp > 0.0)
        {
          h = MIN (h, PS_SUBSTEP_TEMP_K / sim->rate_temp);
          /* approach the temperature limit, halving the distance */
          if (ec->check_temp)
            {
              h = MIN (h, 0.5 * (sim->cell->temp_max_k
                                 - _ps_thermal_network_get_temp_max (sim->thermal))
                          / sim->rate_temp);
              h = MIN (h, 0.5 * (_ps_thermal_network_get_temp_min (sim->thermal)
                                 - sim->cell->temp_min_k)
                          / sim->rate_temp);
            }
        }
    }
  if (load->mode == PS_LOAD_POWER || load->mode == PS_LOAD_VOLTAGE_HOLD
      || load->mode == PS_LOAD_RESISTANCE)
    h = MIN (h, PS_SUBSTEP_VARIABLE_S);

  return MAX (h, PS_SUBSTEP_MIN_S);
}

/* The longest substep, at most h, within which the peeked load keeps the
 * SOC and OCV changes within bounds. */
static double
substep_accurate (const PsPeek *pk)
{
  double h = pk->h;

  if (pk->d_soc > PS_SUBSTEP_SOC)
    h = MIN (h, pk->h * PS_SUBSTEP_SOC / pk->d_soc);
  if (pk->d_ocv > PS_SUBSTEP_OCV_V)
    h = MIN (h, pk->h * PS_SUBSTEP_OCV_V / pk->d_ocv);
  return MAX (h, MIN (pk->h, PS_SUBSTEP_MIN_S));
}

typedef enum
{
  RUN_SPAN_DONE,      /* the span passed without an end */
  RUN_SPAN_ENDED,     /* an end condition was met (after time > 0 or not) */
} RunSpan;

/* Runs the load for up to span seconds in substeps; stops early, landing on
 * the crossing, when an end condition comes true. *ran is the time run. */
static RunSpan
run_span (PsSimulation     *sim,
          const PsLoad     *load,
          const PsEndCheck *ec,
          double            span,
          double           *ran,
          PsStepEnd        *reason,
          guint            *cell,
          double           *value,
          double           *limit)
{
  double left = span;

  *ran = 0.0;
  while (left > 0.0)
    {
      double bound = substep_bound (sim, load, ec);
      double n = ceil (left / bound * (1.0 - 1e-12));
      double h = n <= 1.0 ? left : left / n;
      double accurate;
      PsPeek pk;

      peek (sim, load, h, &pk);
      accurate = substep_accurate (&pk);
      if (accurate < 0.7 * h)
        {
          h = accurate;
          peek (sim, load, h, &pk);
        }

      *reason = end_check_peek (sim, ec, &pk, cell, value, limit);
      if (*reason != PS_STEP_END_NONE)
        {
          /* event location: the shortest substep that reaches it, so the
           * row where the step ends shows its end condition met (by far
           * less than any tolerance: the bisection stops within
           * PS_EVENT_REL_TOL of the substep); if the condition holds from
           * the first instant, no time passes */
          double lo = 0.0, hi = h;

          for (guint k = 0; k < PS_EVENT_BISECTIONS && hi - lo > PS_EVENT_REL_TOL * h; k++)
            {
              double mid = 0.5 * (lo + hi);
              guint c;
              double v, l;

              peek (sim, load, mid, &pk);
              if (end_check_peek (sim, ec, &pk, &c, &v, &l) != PS_STEP_END_NONE)
                {
                  hi = mid;
                  *cell = c;
                  *value = v;
                  *limit = l;
                }
              else
                lo = mid;
            }
          if (lo > 0.0)
            {
              peek (sim, load, hi, &pk);
              commit (sim, &pk);
              *ran += hi;
            }
          return RUN_SPAN_ENDED;
        }

      commit (sim, &pk);
      *ran += h;
      left = h == left ? 0.0 : left - h;

      /* an end that would come at the very start of the next substep
       * belongs to this moment, not to the next row */
      if (left == 0.0 && end_check_near (ec, &pk))
        {
          PsPeek now;

          peek (sim, load, 0.0, &now);
          *reason = end_check_peek (sim, ec, &now, cell, value, limit);
          if (*reason != PS_STEP_END_NONE)
            return RUN_SPAN_ENDED;
        }

      if (ec->check_temp && temp_limit_reached (sim, reason, cell, value, limit))
        return RUN_SPAN_ENDED;
    }

  return RUN_SPAN_DONE;
}

static gboolean
advance_manual (PsSimulation *sim,
                double        dt_s)
{
  double t_start = sim->sc.time_s;
  double left = dt_s;

  while (left > 0.0)
    {
      PsLoad *load = &sim->manual_effective;
      PsEndCheck ec;
      PsStepEnd reason = PS_STEP_END_NONE;
      guint cell = 0;
      double value = 0.0, limit = 0.0, ran;

      end_check_for_load (sim, load, &ec);
      set_hold_caps (sim, load->mode == PS_LOAD_VOLTAGE_HOLD ? sim->manual_cap_a
                     : sim->cell->current_max_charge_a * sim->n_parallel);

      if (run_span (sim, load, &ec, left, &ran, &reason, &cell, &value, &limit)
          == RUN_SPAN_DONE)
        break;
      left = ran >= left ? 0.0 : left - ran;

      /* a charge at the upper limit goes on at constant voltage, within
       * the current it had; every other limit stops the load */
      record_end (sim, reason, 0, cell, value, limit, ran == 0.0);
      sim->manual_limited = TRUE;
      sim->rates_valid = FALSE;
      if (reason == PS_STEP_END_VOLTAGE_MAX && load->mode != PS_LOAD_VOLTAGE_HOLD
          && sim->sc.pack_current_a < 0.0)
        {
          double cap = sim->cell->current_max_charge_a * sim->n_parallel;

          sim->manual_cap_a = fabs (sim->sc.pack_current_a);
          if (cap > 0.0)
            sim->manual_cap_a = MIN (sim->manual_cap_a, cap);
          if (load->mode == PS_LOAD_CURRENT)
            sim->manual_cap_a = MIN (sim->manual_cap_a, fabs (load->value));
          load->mode = PS_LOAD_VOLTAGE_HOLD;
          load->value = sim->cell->voltage_max_v;
        }
      else
        {
          load->mode = PS_LOAD_REST;
          load->value = 0.0;
        }

      /* a row where the load changed, unless no time passed */
      if (sim->sc.time_s > t_start)
        return TRUE;
    }

  return TRUE;
}

gboolean
ps_simulation_advance (PsSimulation *sim,
                       double        dt_s)
{
  double t_start, left;

  g_return_val_if_fail (sim != NULL, FALSE);
  g_return_val_if_fail (isfinite (dt_s) && dt_s > 0.0, FALSE);

  g_array_set_size (sim->ends, 0);

  /* a manual load runs whatever the protocol's state */
  if (sim->has_manual_load)
    return advance_manual (sim, dt_s);

  if (sim->finished)
    return FALSE;

  t_start = sim->sc.time_s;
  left = dt_s;
  while (left > 0.0 && !sim->finished)
    {
      const PsProtocolStep *step = &sim->scenario->protocol->steps[sim->step_index];
      gboolean has_duration = isfinite (step->duration_s);
      double duration = has_duration ? step->duration_s : PS_STEP_DEFAULT_DURATION_S;
      double span = MIN (left, duration - sim->step_elapsed_s);
      PsLoad load;
      PsEndCheck ec;
      PsStepEnd reason = PS_STEP_END_NONE;
      guint cell = 0;
      double value = 0.0, limit = 0.0, ran = 0.0;

      sim->step_shown = sim->step_index + 1;
      step_load (sim, step, &load);
      end_check_for_step (sim, step, &load, &ec);
      set_hold_caps (sim, sim->cell->current_max_charge_a * sim->n_parallel);

      if (span > 0.0 &&
          run_span (sim, &load, &ec, span, &ran, &reason, &cell, &value, &limit)
          == RUN_SPAN_ENDED)
        {
          sim->step_elapsed_s += ran;
          end_protocol_step (sim, reason, cell, value, limit);
        }
      else
        {
          sim->step_elapsed_s += ran;
          left = ran >= left ? 0.0 : left - ran;
          if (duration - sim->step_elapsed_s <= 1e-9 * MAX (1.0, duration))
            end_protocol_step (sim, has_duration ? PS_STEP_END_DURATION : PS_STEP_END_HORIZON,
                               0, duration, duration);
          else
            continue;
        }

      settle_steps (sim);
      /* one row per step end, unless no time passed since the last row */
      if (sim->sc.time_s > t_start)
        return TRUE;
    }

  return sim->sc.time_s > t_start;
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

  set_hold_caps (sim, sim->cell->current_max_charge_a * sim->n_parallel);
  step_internal (sim, load, dt_s);
}

const PsStepEndInfo *
ps_simulation_get_step_ends (PsSimulation *sim,
                             guint        *n_ends)
{
  g_return_val_if_fail (sim != NULL, NULL);
  g_return_val_if_fail (n_ends != NULL, NULL);

  *n_ends = sim->ends->len;
  return (const PsStepEndInfo *) (gpointer) sim->ends->data;
}

const PsStepEndInfo *
ps_simulation_get_last_end (PsSimulation *sim)
{
  g_return_val_if_fail (sim != NULL, NULL);

  return sim->n_step_ends > 0 ? &sim->last_end : NULL;
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
  sim->manual_effective = *load;
  sim->manual_limited = FALSE;
  sim->has_manual_load = TRUE;
  sim->rates_valid = FALSE;
}

void
ps_simulation_clear_manual_load (PsSimulation *sim)
{
  g_return_if_fail (sim != NULL);

  sim->has_manual_load = FALSE;
  sim->manual_limited = FALSE;
  sim->rates_valid = FALSE;
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

gboolean
ps_simulation_has_manual_load (PsSimulation *sim)
{
  g_return_val_if_fail (sim != NULL, FALSE);
  return sim->has_manual_load;
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
  frame->manual_limited = sim->has_manual_load && sim->manual_limited;
  {
    const PsStepEndInfo *e = &sim->last_end;

    /* the sentence is made again only when the end it says changed */
    if (frame->end_text == NULL || frame->n_step_ends != sim->n_step_ends
        || frame->end_reason != (int) e->reason || frame->end_step != e->step
        || frame->end_time_s != e->time_s || frame->end_cell != e->cell)
      {
        g_clear_pointer (&frame->end_text, g_free);
        if (sim->n_step_ends > 0)
          frame->end_text = ps_step_end_info_describe (e);
      }
    frame->n_step_ends = sim->n_step_ends;
    frame->end_reason = e->reason;
    frame->end_step = e->step;
    frame->end_cell = e->cell;
    frame->end_time_s = e->time_s;
    frame->end_value = e->value;
    frame->end_limit = e->limit;
    frame->end_at_once = e->at_once;
  }
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

  t0 = ps_scenario_get_initial_temp_k (sim->scenario);
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
