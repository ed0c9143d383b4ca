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

#include "ps-bms-private.h"
#include "ps-cell-model.h"
#include "ps-drive-cycle.h"
#include "ps-error.h"
#include "ps-fault-private.h"
#include "ps-events.h"
#include "ps-pack-private.h"
#include "ps-profile.h"
#include "ps-rng-private.h"
#include "ps-runaway.h"
#include "ps-dfn-private.h"
#include "ps-scenario-private.h"
#include "ps-simulation.h"
#include "ps-state-block-private.h"
#include "ps-thermal-network-private.h"
#include "ps-workers-private.h"

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
/* A step's "until <t> C" ends this close to it, approached the same way:
 * closer than the limits, as a pack cooling at rest nears its end
 * temperature slowly (at 1e-4 K/s, 1e-4 K is a second). */
#define PS_UNTIL_TEMP_MARGIN_K 1e-4

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
  /* the threads a step shares its cells over (the model's and the thermal
   * network's per-cell work; every sum and decision stays on this one) */
  PsWorkers        *workers;

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
  double            rate_current;  /* d|I|/dt of the pack current from the
                                    * substep before, A/s (0: unknown) */
  gboolean          near_end;      /* the last substep ended near an end
                                    * condition of its step */
  double            hold_cap_charge_a;     /* pack current limits of a voltage hold */
  double            hold_cap_discharge_a;

  /* driving: the trace of each Drive step [n_steps] (NULL for others) */
  PsDriveCycle    **drive_cycles;
  double            drive_left_s;      /* to the end of the trace's interval */
  double            distance_m;
  double            drive_energy_j;

  /* what the BMS and the engine decided, since the last reset */
  PsEventLog       *events;

  /* the BMS (bms_on: the scenario's is enabled); the contactor is there
   * either way (a fault may open it) */
  PsBms             bms;
  gboolean          bms_on;
  double            bms_charge_a;      /* pack current limits for the next */
  double            bms_discharge_a;   /* substep, A (+inf without a BMS) */
  double            bms_fast_w;        /* the fast charger's power limit, W */
  double            bms_cell_i_max;    /* largest |cell current| of the last substep */
  guint             bms_cell_i_idx;
  double           *group_v;           /* [n_series] group voltages of the last substep */
  PsContactorReason trip_pending;      /* why the last end check found a trip */
  /* the last solve: the BMS cut the load, or held the voltage (CV) */
  gboolean          solve_derated;
  gboolean          solve_cv;
  PsLoadMode        solve_mode;
  double            solve_value;
  double            solve_request_a;

  /* step ends of the present advance call, and the last one */
  GArray           *ends;
  PsStepEndInfo     last_end;
  guint             n_step_ends;

  /* protocol */
  PsProfile       **profiles;      /* of Run steps, by step as written */
  guint             n_profiles;
  double            total_capacity_ah; /* sum of the cells' capacities */
  gboolean          need_pack_soc; /* the present step ends on the pack's SOC */
  PsUntilOp         until_op[PS_STEP_MAX_UNTIL]; /* the present step's
                                    * conditions, their direction resolved
                                    * where it started */
  guint             step_index;    /* 0-based, next to run */
  guint             step_shown;    /* 1-based, for frames; 0 = none */
  double            step_elapsed_s;
  gboolean          finished;
  gboolean          has_manual_load;
  PsLoad            manual_load;      /* as set */
  PsLoad            manual_effective; /* as run: held at the upper limit, or rest */
  double            manual_cap_a;     /* charge current cap of a manual hold */
  gboolean          manual_limited;

  /* faults (ps-fault.h) and thermal runaway (ps-runaway.h, NULL when off) */
  PsFaultState     *faults;
  PsRunaway        *runaway;
  double           *rxn_w;            /* [n_cells] reaction heat of the last substep */
  guint8           *in_runaway;       /* [n_cells] at or past the runaway stage */
  guint8           *sustained;        /* [n_cells] reactions past a forced runaway's heating */
  guint             n_in_runaway;
  GArray           *fault_events;     /* PsFaultEvent scratch */
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
  if (sim->faults->electrical)
    _ps_fault_state_linearise (sim->faults, ec, rc, &ec, &rc);
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

      /* a bleed resistor draws its current from the group's node */
      sim->group_e[g] = (sum_eg - sim->bms.bleed_a[g]) / sum_g;
      sim->group_r[g] = 1.0 / sum_g;
      e_sum += sim->group_e[g];
      r_sum += sim->group_r[g];
    }

  _ps_fault_state_short_groups (sim->faults, sim->group_e, sim->group_r, &e_sum, &r_sum);
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
      /* the group carries a + b I (an external short: ps-fault.c) */
      double a = _ps_fault_state_group_current (sim->faults, g, 0.0);
      double b = _ps_fault_state_group_current (sim->faults, g, 1.0) - a;
      double eg = sim->group_e[g] - sim->group_r[g] * a;
      double rg = sim->group_r[g] * b;

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

static double solve_load_current (PsSimulation *sim,
                                  const PsLoad *load,
                                  double        pack_e,
                                  double        pack_r);

/* The load's current within the BMS's current limits (derating). */
static double
solve_pack_current (PsSimulation *sim,
                    const PsLoad *load,
                    double        pack_e,
                    double        pack_r)
{
  double current;

  sim->solve_cv = FALSE;
  sim->solve_mode = load->mode;
  sim->solve_value = load->value;
  current = solve_load_current (sim, load, pack_e, pack_r);
  sim->solve_request_a = current;
  sim->solve_derated = FALSE;
  if (current < -sim->bms_charge_a)
    {
      current = -sim->bms_charge_a;
      sim->solve_derated = TRUE;
      sim->solve_cv = FALSE;
    }
  else if (current > sim->bms_discharge_a)
    {
      current = sim->bms_discharge_a;
      sim->solve_derated = TRUE;
    }
  return current;
}

static double
solve_load_current (PsSimulation *sim,
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

    case PS_LOAD_DRIVE:
      {
        /* as a power load; braking charges no further than holds the
         * highest cell at its upper limit */
        double disc = pack_e * pack_e - 4.0 * pack_r * value;
        double current;

        if (value == 0.0)
          return 0.0;
        if (disc < 0.0)
          {
            sim->sc.limit_current = TRUE;
            return pack_e / (2.0 * pack_r);
          }
        current = 2.0 * value / (pack_e + sqrt (disc));
        if (current < 0.0)
          current = MIN (0.0, MAX (current, solve_voltage_hold (sim, sim->cell->voltage_max_v)));
        return current;
      }

    case PS_LOAD_FAST_CHARGE:
      {
        /* constant power (the charger's, or the BMS's limit at this
         * temperature) until the highest cell reaches the charge voltage,
         * then constant voltage there: the smaller charge current of the two */
        double power = MIN (value, sim->bms_fast_w);
        double v_charge = sim->bms_on ? sim->scenario->bms.charge_voltage_v
                                      : sim->cell->voltage_max_v;
        double i_power = power > 0.0
                         ? -2.0 * power / (pack_e + sqrt (pack_e * pack_e + 4.0 * pack_r * power))
                         : 0.0;
        double i_cv = solve_voltage_hold (sim, v_charge);

        if (i_cv >= 0.0)
          {
            sim->solve_cv = TRUE;
            return 0.0;
          }
        sim->solve_cv = i_cv > i_power;
        return MAX (i_power, i_cv);
      }

    default:
      g_return_val_if_reached (0.0);
    }
}

/* The cell (0-based) with the highest voltage now. */
static guint
highest_voltage_cell (PsSimulation *sim)
{
  const double *v = sim->model->klass->get_voltage (sim->model);
  guint best = 0;

  for (guint i = 1; i < sim->n_cells; i++)
    if (v[i] > v[best])
      best = i;
  return best;
}

/* The pack's SOC: its cells' charge over their capacity, as frames show it. */
static double
pack_soc_now (PsSimulation *sim)
{
  const double *soc = sim->model->klass->get_soc (sim->model);
  double soc_q = 0.0;

  for (guint i = 0; i < sim->n_cells; i++)
    soc_q += soc[i] * sim->capacity_ah[i];
  return soc_q / sim->total_capacity_ah;
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
  double   pack_v;                /* pack terminal voltage at the end */
  double   pack_soc;              /* the pack's SOC at the end (only when a
                                   * step ends on it, else NaN) */
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
            double vg = sim->group_e[g]
                        - sim->group_r[g] * _ps_fault_state_group_current (sim->faults, g, pack_i);

            for (guint i = g * np; i < (g + 1) * np; i++)
              sim->guess[i] = (sim->ec[i] - vg) * gb[i];
          }
        /* the model carries what its electrodes carry: a shorted cell's
         * terminal current and its short's, as commit gives it */
        if (sim->faults->electrical)
          _ps_fault_state_electrode_currents (sim->faults, sim->ec, sim->rc, sim->guess,
                                              sim->guess);
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
      double vg = sim->group_e[g]
                  - sim->group_r[g] * _ps_fault_state_group_current (sim->faults, g, pack_i);

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
  pk->pack_v = pack_e - pack_r * pack_i;
  /* every group carries the pack current: the cells' charge falls by
   * n_series x I h in all */
  pk->pack_soc = sim->need_pack_soc
                 ? pack_soc_now (sim) - sim->n_series * pack_i * h / (3600.0 * sim->total_capacity_ah)
                 : NAN;
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
      double vg = sim->group_e[g]
                  - sim->group_r[g] * _ps_fault_state_group_current (sim->faults, g, pk->pack_i);

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

/* Adds the faults' heat to each cell's (a short's V^2/R_s, heaters); returns
 * the sum. */
static double
fault_heat (PsSimulation *sim,
            double       *heat)
{
  PsFaultState *fs = sim->faults;
  double sum = 0.0;

  for (guint i = 0; i < sim->n_cells; i++)
    {
      double q = fs->extra_w[i];

      if (fs->short_g[i] > 0.0)
        {
          double v = sim->ec[i] - sim->rc[i] * sim->s[A_CURRENT][i];

          q += v * v * fs->short_g[i];
        }
      heat[i] += q;
      sum += q;
    }
  return sum;
}

/* Runs the reactions over the substep from the cells' present temperatures
 * (ps-runaway.c substeps the reacting cells itself) and adds their heat;
 * returns its sum. Their stage changes become events. */
static double
runaway_heat (PsSimulation *sim,
              double       *heat,
              double        dt)
{
  const PsRunawayEvent *ev;
  guint n_ev;
  double sum;

  sum = ps_runaway_step (sim->runaway, sim->sc.time_s,
                         _ps_thermal_network_get_temp (sim->thermal), heat, dt, sim->rxn_w);
  if (sum > 0.0)
    {
      const double *self = ps_runaway_get_self_heating (sim->runaway);

      for (guint i = 0; i < sim->n_cells; i++)
        {
          heat[i] += sim->rxn_w[i];
          if (self[i] > PS_FAULT_FORCE_K_S)
            sim->sustained[i] = 1;
        }
    }

  ev = ps_runaway_take_events (sim->runaway, &n_ev);
  for (guint k = 0; k < n_ev; k++)
    {
      ps_event_log_add (sim->events, ev[k].time_s,
                        PS_EVENT_ONSET + (ev[k].stage - PS_RUNAWAY_ONSET), (int) ev[k].cell,
                        PS_CONTACTOR_OK, "cell %u: %s at %.1f degrees C", ev[k].cell + 1,
                        ps_runaway_stage_to_string (ev[k].stage), ev[k].temp_k - 273.15);
      if (ev[k].stage == PS_RUNAWAY_RUNAWAY && !sim->in_runaway[ev[k].cell])
        {
          sim->in_runaway[ev[k].cell] = 1;
          sim->n_in_runaway++;
        }
    }
  return sum;
}

/* The largest temperature change of the last step among the cells whose
 * electrical state follows it (a cell in runaway carries no current: its
 * own pace is ps-runaway's business). */
static double
change_max (PsSimulation *sim)
{
  const double *change;
  double d = 0.0;

  if (sim->n_in_runaway == 0)
    return _ps_thermal_network_get_change_max (sim->thermal);
  change = _ps_thermal_network_get_change (sim->thermal);
  for (guint i = 0; i < sim->n_cells; i++)
    if (!sim->in_runaway[i])
      d = MAX (d, fabs (change[i]));
  return d;
}

/* Brings the faults to the present time (at a substep's start). */
static void
update_faults (PsSimulation *sim)
{
  GArray *fev = sim->fault_events;

  if (sim->faults->faults->len == 0 && sim->n_in_runaway == 0)
    return;
  g_array_set_size (fev, 0);
  if (_ps_fault_state_update (sim->faults, sim->pack, sim->sc.time_s,
                              sim->n_in_runaway > 0 ? sim->in_runaway : NULL,
                              sim->sustained, sim->heat_capacity_j_k, fev))
    _ps_thermal_network_set_blocked (sim->thermal,
                                     sim->faults->cooling ? sim->faults->blocked : NULL);
  for (guint k = 0; k < fev->len; k++)
    {
      const PsFaultEvent *fe = &g_array_index (fev, PsFaultEvent, k);
      const PsFault *f = &g_array_index (sim->faults->faults, PsFault, fe->fault);
      g_autofree char *text = ps_fault_describe (f);

      ps_event_log_add (sim->events, fe->time_s, fe->on ? PS_EVENT_FAULT : PS_EVENT_FAULT_END,
                        (int) f->cell - 1, PS_CONTACTOR_OK, "fault %u %s: %s", fe->fault + 1,
                        fe->on ? "starts" : "ends", text);
    }
}

/* The largest fraction of its group's current one cell takes, by its branch
 * conductance (the split the group's resistances make). */
static double
largest_share (PsSimulation *sim)
{
  guint np = sim->n_parallel;
  double share = 1.0 / np;

  if (np == 1 || sim->ec == NULL)
    return share;
  for (guint g = 0; g < sim->n_series; g++)
    {
      double sum = 0.0, max = 0.0;

      for (guint i = g * np; i < (g + 1) * np; i++)
        {
          sum += sim->gb[i];
          max = MAX (max, sim->gb[i]);
        }
      if (sum > 0.0)
        share = MAX (share, max / sum);
    }
  return share;
}

/* The BMS after a substep (or at the start): its decisions as events,
 * balancing from the group voltages, and the limits for the next substep
 * from the cells' temperatures and SOCs. */
static void
bms_after_substep (PsSimulation *sim,
                   double        pack_i)
{
  const double *soc, *current = sim->s[A_CURRENT];
  double t = sim->sc.time_s;
  double soc_min = INFINITY, soc_max = -INFINITY, i_max = 0.0;
  double temp_min, temp_max;
  guint i_idx = 0;

  if (!sim->bms_on)
    return;

  soc = sim->model->klass->get_soc (sim->model);
  for (guint i = 0; i < sim->n_cells; i++)
    {
      double a = fabs (current[i]);

      soc_min = MIN (soc_min, soc[i]);
      soc_max = MAX (soc_max, soc[i]);
      if (a > i_max)
        {
          i_max = a;
          i_idx = i;
        }
    }
  sim->bms_cell_i_max = i_max;
  sim->bms_cell_i_idx = i_idx;

  if (sim->bms.contactor == PS_CONTACTOR_OK)
    {
      _ps_bms_note_derate (&sim->bms, t, sim->solve_derated, sim->solve_request_a, pack_i);
      _ps_bms_note_cv (&sim->bms, t, sim->solve_cv && !sim->solve_derated && pack_i < 0.0,
                       (int) highest_voltage_cell (sim));
    }
  /* balancing while charging or resting */
  _ps_bms_update_balancing (&sim->bms, t, sim->group_v, pack_i <= 1e-9);

  temp_min = _ps_thermal_network_get_temp_min (sim->thermal);
  temp_max = _ps_thermal_network_get_temp_max (sim->thermal);
  _ps_bms_pack_limits (&sim->bms, temp_min, temp_max, soc_min, soc_max, largest_share (sim),
                       &sim->bms_charge_a, &sim->bms_discharge_a);
  sim->bms_fast_w = ps_bms_config_fast_power_w (&sim->scenario->bms, temp_max);
  /* the fast charger runs at less than it could: say so */
  if (sim->solve_mode == PS_LOAD_FAST_CHARGE && sim->bms.contactor == PS_CONTACTOR_OK
      && sim->bms_fast_w < sim->solve_value)
    _ps_bms_note_fast_power (&sim->bms, t, sim->bms_fast_w, temp_max);
}

/* Takes the substep the last peek() looked at. */
static void
commit (PsSimulation *sim,
        const PsPeek *pk)
{
  PsCellModel *model = sim->model;
  PsFaultState *fs = sim->faults;
  double *current = sim->s[A_CURRENT];
  const double *model_i = current;
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
      double vg = sim->group_e[g]
                  - sim->group_r[g] * _ps_fault_state_group_current (fs, g, pack_i);

      sum_vg += vg;
      sim->group_v[g] = vg;
      for (guint i = g * np; i < (g + 1) * np; i++)
        current[i] = (ec[i] - vg) * gb[i];
    }

  /* a shorted cell's electrodes carry its terminal current and the short's */
  if (fs->electrical)
    {
      _ps_fault_state_electrode_currents (fs, ec, sim->rc, current, fs->cell_i);
      model_i = fs->cell_i;
    }

  model->klass->commit (model, dt, _ps_thermal_network_get_temp (sim->thermal),
                        model_i, heat, &power);

  /* (the cell voltages are the peek's, V = E - R I: its extremes hold) */
  for (guint i = 0; i < sim->n_cells; i++)
    {
      double ii = current[i];
      double q = heat[i] + ii * ii * r_tab + busbar_share;

      heat[i] = q;
      sum_heat += q;
    }
  /* a bleed resistor's heat goes into its group's cells */
  if (sim->bms.n_bleeding > 0)
    for (guint g = 0; g < sim->n_series; g++)
      if (sim->bms.bleed_a[g] > 0.0)
        {
          double q = sim->bms.bleed_a[g] * sim->group_v[g] / np;

          for (guint i = g * np; i < (g + 1) * np; i++)
            heat[i] += q;
          sum_heat += q * np;
        }
  if (fs->heat)
    sum_heat += fault_heat (sim, heat);
  if (sim->runaway != NULL)
    sum_heat += runaway_heat (sim, heat, dt);

  pack_v = sum_vg - pack_i * sim->r_busbar_total;

  /* (the currents are the substeps' ends': the change from the last one
   * is the change over this one; a sliver of a substep, what rounding
   * leaves of a span, says nothing about the pace) */
  if (!sim->rates_valid)
    sim->rate_current = 0.0;
  else if (dt >= PS_SUBSTEP_MIN_S)
    sim->rate_current = (fabs (pack_i) - fabs (sim->sc.pack_current_a)) / dt;
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
  sim->rate_temp = change_max (sim) / dt;
  sim->rates_valid = TRUE;

  bms_after_substep (sim, pack_i);
}

/* Advances the electrical and thermal state by dt under the load, in one
 * substep. */
static void
step_internal (PsSimulation *sim,
               const PsLoad *load,
               double        dt)
{
  PsPeek pk;

  update_faults (sim);
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
  sim->total_capacity_ah = 0.0;

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
      sim->total_capacity_ah += sim->capacity_ah[i];
      sim->resistance_factor[i] = fr;
      sim->initial_soc[i] = s0;
    }
  _ps_fault_state_apply_weak (sim->faults, sim->capacity_ah, sim->resistance_factor);

  _ps_state_block_zero (&sim->block);
  memset (&sim->sc, 0, sizeof sim->sc);

  sim->model->klass->reset (sim->model, sim->initial_soc, sim->capacity_ah,
                            sim->resistance_factor, ps_scenario_get_initial_temp_k (scenario));

  sim->ambient_k = scenario->ambient_k;
  sim->cooling_enabled = scenario->cooling_enabled;
  _ps_thermal_network_reset (sim->thermal, ps_scenario_get_initial_temp_k (scenario),
                             sim->ambient_k, sim->cooling_enabled);

  if (sim->runaway != NULL)
    ps_runaway_reset (sim->runaway);
  memset (sim->in_runaway, 0, sim->n_cells);
  memset (sim->sustained, 0, sim->n_cells);
  sim->n_in_runaway = 0;
  if (sim->faults->on->len > 0)
    memset (sim->faults->on->data, 0, sizeof (gboolean) * sim->faults->on->len);
  _ps_thermal_network_set_blocked (sim->thermal, NULL);

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
  sim->rate_current = 0.0;
  sim->near_end = FALSE;
  /* a new log: frames already published keep the old one */
  g_clear_pointer (&sim->events, ps_event_log_unref);
  sim->events = ps_event_log_new ();
  _ps_bms_reset (&sim->bms, sim->events);
  update_faults (sim);
  sim->bms_on = scenario->bms.enabled;
  sim->bms_charge_a = INFINITY;
  sim->bms_discharge_a = INFINITY;
  sim->bms_fast_w = INFINITY;
  sim->bms_cell_i_max = 0.0;
  sim->solve_derated = FALSE;
  sim->solve_cv = FALSE;
  sim->distance_m = 0.0;
  sim->drive_energy_j = 0.0;
  sim->drive_left_s = INFINITY;
  memset (sim->group_v, 0, sizeof (double) * sim->n_series);
  bms_after_substep (sim, 0.0);
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

/* The runaway model of the scenario, with the kinetics of its cell's
 * chemistry (ps-runaway.h); none when it is off. */
static gboolean
runaway_new (PsSimulation  *sim,
             GError       **error)
{
  const PsCellType *cell = sim->cell;
  PsRunawayModel model = ps_scenario_get_runaway_model (sim->scenario);
  g_autoptr (PsRunawayParams) params = NULL;
  double volume;

  if (model == PS_RUNAWAY_MODEL_OFF)
    return TRUE;
  params = ps_runaway_params_for_chemistry (cell->chemistry, error);
  if (params == NULL)
    return FALSE;
  if (cell->shape == PS_CELL_SHAPE_CYLINDRICAL)
    volume = G_PI * 0.25 * cell->width_m * cell->width_m * cell->length_m;
  else
    volume = cell->length_m * cell->width_m * cell->thickness_m;
  if (!(volume > 0.0))
    {
      g_set_error (error, PS_ENGINE_ERROR, PS_ENGINE_ERROR_INVALID,
                   "cell '%s': the runaway model needs the cell's volume, got %g m^3",
                   cell->id ? cell->id : "?", volume);
      return FALSE;
    }
  /* the trigger model's store: the stored electrical energy U Q (section 4) */
  sim->runaway = ps_runaway_new (model, params, sim->n_cells, volume, sim->heat_capacity_j_k,
                                 cell->voltage_nominal_v * cell->capacity_ah * 3600.0);
  return TRUE;
}

static char *find_profile (const PsScenario *scenario,
                           const char       *name);

/* The traces of the protocol's Drive steps (one load per distinct source;
 * a file is looked for as a Run step's profile is), and a vehicle to drive
 * them. */
static gboolean
load_drive_cycles (PsSimulation  *sim,
                   GError       **error)
{
  const PsProtocol *protocol = sim->scenario->protocol;
  g_autoptr(GHashTable) loaded = NULL;

  if (protocol == NULL)
    return TRUE;
  loaded = g_hash_table_new (g_str_hash, g_str_equal);
  for (guint i = 0; i < protocol->n_steps; i++)
    {
      const PsProtocolStep *step = &protocol->steps[i];
      g_autoptr(GError) local_error = NULL;
      PsDriveCycle *cycle;

      if (step->kind != PS_STEP_DRIVE)
        continue;
      if (sim->drive_cycles == NULL)
        sim->drive_cycles = g_new0 (PsDriveCycle *, protocol->n_steps);
      if (!sim->scenario->vehicle_set)
        {
          g_set_error (error, PS_ENGINE_ERROR, PS_ENGINE_ERROR_INVALID,
                       "protocol step %u '%s': a Drive step needs a vehicle: the scenario's "
                       "\"vehicle\" member names one (leaf-2011, leaf-2018, model-s-85, "
                       "volt-2011) or gives one", step->written + 1, step->text);
          return FALSE;
        }
      cycle = g_hash_table_lookup (loaded, step->source);
      if (cycle == NULL)
        {
          g_autofree char *path = find_profile (sim->scenario, step->source);

          cycle = ps_drive_cycle_lookup (path, &local_error);
          if (cycle == NULL)
            {
              g_set_error (error, PS_ENGINE_ERROR, local_error->code,
                           "protocol step %u '%s': %s", step->written + 1, step->text,
                           local_error->message);
              return FALSE;
            }
          g_hash_table_insert (loaded, step->source, cycle);
          sim->drive_cycles[i] = cycle;
        }
      else
        sim->drive_cycles[i] = ps_drive_cycle_ref (cycle);
    }
  return TRUE;
}

/* Steps the engine cannot run are refused here, by name, not run as
 * something else; an ambient a step sets must be one a resting pack can
 * stand, as the scenario's own must. */
static gboolean
check_protocol (const PsScenario  *scenario,
                GError           **error)
{
  const PsProtocol *protocol = scenario->protocol;

  for (guint i = 0; protocol != NULL && i < protocol->n_steps; i++)
    {
      const PsProtocolStep *step = &protocol->steps[i];

      if (step->kind == PS_STEP_SET_AMBIENT && step->value > scenario->cell->temp_max_k)
        {
          g_set_error (error, PS_ENGINE_ERROR, PS_ENGINE_ERROR_INVALID,
                       "protocol step %u '%s': an ambient temperature of %g degrees C is "
                       "above the upper temperature limit of cell '%s', %g degrees C (a "
                       "resting pack would heat past it)", step->written + 1, step->text,
                       step->value - 273.15, scenario->cell->id ? scenario->cell->id : "?",
                       scenario->cell->temp_max_k - 273.15);
          return FALSE;
        }
    }
  return TRUE;
}

/* A profile file named in a protocol: as given (absolute, or relative to
 * the working directory), else beside the scenario file it came from. */
static char *
find_profile (const PsScenario *scenario,
              const char       *name)
{
  const char *source = ps_scenario_get_source_name (scenario);

  if (!g_path_is_absolute (name) && !g_file_test (name, G_FILE_TEST_EXISTS)
      && source != NULL && g_file_test (source, G_FILE_TEST_IS_REGULAR))
    {
      g_autofree char *dir = g_path_get_dirname (source);
      g_autofree char *beside = g_build_filename (dir, name, NULL);

      if (g_file_test (beside, G_FILE_TEST_EXISTS))
        return g_steal_pointer (&beside);
    }
  return g_strdup (name);
}

/* Reads the profile of every Run step, once per step as written. */
static gboolean
load_profiles (PsSimulation  *sim,
               GError       **error)
{
  const PsProtocol *protocol = sim->scenario->protocol;

  for (guint i = 0; protocol != NULL && i < protocol->n_steps; i++)
    sim->n_profiles = MAX (sim->n_profiles, protocol->steps[i].written + 1);
  sim->profiles = g_new0 (PsProfile *, MAX (sim->n_profiles, 1));

  for (guint i = 0; protocol != NULL && i < protocol->n_steps; i++)
    {
      const PsProtocolStep *step = &protocol->steps[i];
      g_autoptr(GError) local_error = NULL;
      g_autofree char *path = NULL;

      if (step->kind != PS_STEP_RUN_PROFILE || sim->profiles[step->written] != NULL)
        continue;
      path = find_profile (sim->scenario, step->source);
      sim->profiles[step->written] = ps_profile_new_from_file (path, &local_error);
      if (sim->profiles[step->written] == NULL)
        {
          g_set_error (error, PS_ENGINE_ERROR, local_error->code,
                       "protocol step %u '%s': %s", step->written + 1, step->text,
                       local_error->message);
          return FALSE;
        }
    }
  return TRUE;
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

  if (!check_protocol (scenario, error))
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

  sim->model = _ps_cell_model_class_for_kind (sim->scenario->cell_model, sim->cell,
                                              NULL)->new (sim->cell, n);
  if (sim->scenario->cell_model == PS_CELL_MODEL_DFN)
    _ps_dfn_model_set_mesh (sim->model, sim->scenario->dfn_mesh);
  sim->guess = g_new0 (double, n);
  sim->gb = g_new0 (double, n);
  sim->group_e = g_new0 (double, sim->n_series);
  sim->group_r = g_new0 (double, sim->n_series);
  sim->group_v = g_new0 (double, sim->n_series);
  _ps_bms_init (&sim->bms, &sim->scenario->bms, sim->n_series, sim->n_parallel);

  sim->thermal = _ps_thermal_network_new (sim->pack, sim->heat_capacity_j_k,
                                          sim->scenario->coolant_inlet_k);

  sim->ends = g_array_new (FALSE, FALSE, sizeof (PsStepEndInfo));

  {
    guint n_faults;
    const PsFault *faults = ps_scenario_get_faults (sim->scenario, &n_faults);

    sim->faults = _ps_fault_state_new (sim->pack, faults, n_faults);
  }
  sim->rxn_w = g_new0 (double, n);
  sim->in_runaway = g_new0 (guint8, n);
  sim->sustained = g_new0 (guint8, n);
  sim->fault_events = g_array_new (FALSE, FALSE, sizeof (PsFaultEvent));
  if (!runaway_new (sim, error) || !load_drive_cycles (sim, error)
      || !load_profiles (sim, error))
    {
      ps_simulation_free (sim);
      return NULL;
    }
  reset_state (sim);
  /* (after the first reset, which runs on this thread: the threads start
   * at the first step, once the caller has set their number) */
  ps_simulation_set_threads (sim, 0, NULL);

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
  _ps_workers_free (sim->workers);
  g_free (sim->gb);
  g_free (sim->guess);
  g_free (sim->group_e);
  g_free (sim->group_r);
  g_free (sim->group_v);
  _ps_bms_clear (&sim->bms);
  _ps_thermal_network_free (sim->thermal);
  g_clear_pointer (&sim->ends, g_array_unref);
  _ps_fault_state_free (sim->faults);
  ps_runaway_free (sim->runaway);
  g_free (sim->rxn_w);
  g_free (sim->in_runaway);
  g_free (sim->sustained);
  g_clear_pointer (&sim->fault_events, g_array_unref);
  g_clear_pointer (&sim->events, ps_event_log_unref);
  for (guint i = 0; sim->drive_cycles != NULL && i < sim->scenario->protocol->n_steps; i++)
    g_clear_pointer (&sim->drive_cycles[i], ps_drive_cycle_unref);
  g_free (sim->drive_cycles);
  for (guint i = 0; i < sim->n_profiles; i++)
    ps_profile_free (sim->profiles[i]);
  g_free (sim->profiles);
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
  double    until_current_above_a; /* ... or rises to it */
  double    pack_v_upper;      /* ends when the pack voltage rises to it */
  double    pack_v_lower;      /* ... or falls to it */
  double    soc_upper;         /* ends when the pack's SOC rises to it */
  double    soc_lower;         /* ... or falls to it */
  double    temp_upper;        /* ends when the hottest cell rises to it */
  double    temp_lower;        /* ... or falls to it */
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
                      || load->mode == PS_LOAD_RESISTANCE || load->mode == PS_LOAD_DRIVE;
  ec->until_current_a = NAN;
  ec->until_current_above_a = NAN;
  ec->pack_v_upper = INFINITY;
  ec->pack_v_lower = -INFINITY;
  ec->soc_upper = INFINITY;
  ec->soc_lower = -INFINITY;
  ec->temp_upper = INFINITY;
  ec->temp_lower = -INFINITY;
  ec->check_temp = !resting;
  sim->need_pack_soc = FALSE;

  /* a hold keeps its cell at its voltage itself (within the charger's
   * current limits): only a hold above the upper limit meets it; so does
   * the fast charger (CC-CV at the charge voltage) */
  if ((load->mode == PS_LOAD_VOLTAGE_HOLD && load->value <= cell->voltage_max_v)
      || load->mode == PS_LOAD_FAST_CHARGE || load->mode == PS_LOAD_DRIVE)
    ec->v_upper = INFINITY;

  /* the BMS's own thresholds open the contactor where they come first */
  if (sim->bms_on && sim->bms.contactor == PS_CONTACTOR_OK)
    {
      const PsBmsConfig *bms = &sim->scenario->bms;

      if (bms->cell_voltage_max_v <= ec->v_upper)
        {
          ec->v_upper = bms->cell_voltage_max_v;
          ec->upper_reason = PS_STEP_END_CONTACTOR_OPEN;
        }
      if (bms->cell_voltage_min_v >= ec->v_lower)
        {
          ec->v_lower = bms->cell_voltage_min_v;
          ec->lower_reason = PS_STEP_END_CONTACTOR_OPEN;
        }
    }
}

/* The direction each of a step's end conditions is reached in, fixed
 * where the step starts (pk: the instant its load is applied): a cell
 * voltage, pack voltage or SOC falls on discharge and rises on charge, and
 * in steps without a direction is reached from the side it starts on; a
 * current falls to its value; a temperature rises to it, except on a rest,
 * which may cool to it (see ps-protocol.h). */
static void
resolve_until_ops (PsSimulation         *sim,
                   const PsProtocolStep *step,
                   const PsPeek         *pk)
{
  for (guint i = 0; i < step->n_until; i++)
    {
      const PsStepUntil *until = &step->until[i];
      PsUntilOp op = until->op;

      if (op == PS_UNTIL_AUTO)
        {
          double now = 0.0;

          switch (until->kind)
            {
            case PS_UNTIL_CURRENT:
              op = PS_UNTIL_BELOW;
              break;
            case PS_UNTIL_TEMPERATURE:
              op = step->kind == PS_STEP_REST
                   && _ps_thermal_network_get_temp_max (sim->thermal) > until->value
                   ? PS_UNTIL_BELOW : PS_UNTIL_ABOVE;
              break;
            case PS_UNTIL_VOLTAGE:
            case PS_UNTIL_PACK_VOLTAGE:
            case PS_UNTIL_SOC:
            default:
              if (step->kind == PS_STEP_DISCHARGE)
                op = PS_UNTIL_BELOW;
              else if (step->kind == PS_STEP_CHARGE || step->kind == PS_STEP_FAST_CHARGE)
                op = PS_UNTIL_ABOVE;
              else
                {
                  /* a cell voltage between the cells' extremes is met
                   * at once (the highest is at or above it) */
                  now = until->kind == PS_UNTIL_VOLTAGE ? pk->v_min
                        : until->kind == PS_UNTIL_SOC ? pack_soc_now (sim)
                        : pk->pack_v;
                  op = now > until->value ? PS_UNTIL_BELOW : PS_UNTIL_ABOVE;
                }
              break;
            }
        }
      sim->until_op[i] = op;
    }
}

static void
end_check_for_step (PsSimulation         *sim,
                    const PsProtocolStep *step,
                    const PsLoad         *load,
                    PsEndCheck           *ec)
{
  end_check_for_load (sim, load, ec);

  /* a fast charge is done when its constant-voltage current has tapered */
  if (step->kind == PS_STEP_FAST_CHARGE)
    ec->until_current_a = sim->scenario->bms.charge_end_c * sim->pack_capacity_ah;

  for (guint i = 0; i < step->n_until; i++)
    {
      const PsStepUntil *until = &step->until[i];
      gboolean above = sim->until_op[i] == PS_UNTIL_ABOVE;
      double x = until->value;

      switch (until->kind)
        {
        case PS_UNTIL_VOLTAGE:
          /* a condition past the cell's own limit leaves the limit to end it */
          if (above && x <= ec->v_upper)
            {
              ec->v_upper = x;
              ec->upper_reason = PS_STEP_END_UNTIL_VOLTAGE;
            }
          else if (!above && x >= ec->v_lower)
            {
              ec->v_lower = x;
              ec->lower_reason = PS_STEP_END_UNTIL_VOLTAGE;
            }
          break;
        case PS_UNTIL_CURRENT:
          if (until->unit == PS_STEP_UNIT_C_RATE)
            x *= sim->pack_capacity_ah;
          if (above)
            ec->until_current_above_a = isnan (ec->until_current_above_a)
                                        ? x : MIN (ec->until_current_above_a, x);
          else
            ec->until_current_a = isnan (ec->until_current_a) ? x : MAX (ec->until_current_a, x);
          break;
        case PS_UNTIL_PACK_VOLTAGE:
          if (above)
            ec->pack_v_upper = MIN (ec->pack_v_upper, x);
          else
            ec->pack_v_lower = MAX (ec->pack_v_lower, x);
          break;
        case PS_UNTIL_SOC:
          if (above)
            ec->soc_upper = MIN (ec->soc_upper, x);
          else
            ec->soc_lower = MAX (ec->soc_lower, x);
          sim->need_pack_soc = TRUE;
          break;
        case PS_UNTIL_TEMPERATURE:
          if (above)
            ec->temp_upper = MIN (ec->temp_upper, x);
          else
            ec->temp_lower = MAX (ec->temp_lower, x);
          break;
        default:
          break;
        }
    }
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
      sim->trip_pending = PS_CONTACTOR_OVER_VOLTAGE;
      return ec->upper_reason;
    }
  if (pk->v_min <= ec->v_lower)
    {
      *cell = peek_find_cell (sim, pk, PEEK_V_MIN, NULL, NULL) + 1;
      *value = pk->v_min;
      *limit = ec->v_lower;
      sim->trip_pending = PS_CONTACTOR_UNDER_VOLTAGE;
      return ec->lower_reason;
    }
  if (!isnan (ec->until_current_a) && fabs (pk->pack_i) <= ec->until_current_a)
    {
      *cell = 0;
      *value = pk->pack_i;
      *limit = ec->until_current_a;
      return PS_STEP_END_UNTIL_CURRENT;
    }
  if (!isnan (ec->until_current_above_a) && fabs (pk->pack_i) >= ec->until_current_above_a)
    {
      *cell = 0;
      *value = pk->pack_i;
      *limit = ec->until_current_above_a;
      return PS_STEP_END_UNTIL_CURRENT;
    }
  if (pk->pack_v >= ec->pack_v_upper || pk->pack_v <= ec->pack_v_lower)
    {
      *cell = 0;
      *value = pk->pack_v;
      *limit = pk->pack_v >= ec->pack_v_upper ? ec->pack_v_upper : ec->pack_v_lower;
      return PS_STEP_END_UNTIL_PACK_VOLTAGE;
    }
  if (pk->pack_soc >= ec->soc_upper || pk->pack_soc <= ec->soc_lower)
    {
      *cell = 0;
      *value = pk->pack_soc;
      *limit = pk->pack_soc >= ec->soc_upper ? ec->soc_upper : ec->soc_lower;
      return PS_STEP_END_UNTIL_SOC;
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
             && fabs (pk->pack_i) <= 1.05 * ec->until_current_a + 0.002 / pk->pack_r)
         || (!isnan (ec->until_current_above_a)
             && fabs (pk->pack_i) >= 0.95 * ec->until_current_above_a - 0.002 / pk->pack_r)
         || pk->pack_v >= ec->pack_v_upper - 0.01 || pk->pack_v <= ec->pack_v_lower + 0.01
         || pk->pack_soc >= ec->soc_upper - 1e-6 || pk->pack_soc <= ec->soc_lower + 1e-6;
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

/* TRUE when the BMS opens the contactor after the last substep: a cell at
 * its over-temperature threshold or past its over-current threshold. */
static gboolean
bms_trip_reached (PsSimulation *sim,
                  PsStepEnd    *reason,
                  guint        *cell,
                  double       *value,
                  double       *limit)
{
  const PsBmsConfig *bms = &sim->scenario->bms;

  if (!sim->bms_on || sim->bms.contactor != PS_CONTACTOR_OK)
    return FALSE;
  if (_ps_thermal_network_get_temp_max (sim->thermal) >= bms->temp_max_k - PS_TEMP_LIMIT_MARGIN_K)
    {
      guint i = hottest_cell (sim);

      *reason = PS_STEP_END_CONTACTOR_OPEN;
      *cell = i + 1;
      *value = _ps_thermal_network_get_temp (sim->thermal)[i];
      *limit = bms->temp_max_k;
      sim->trip_pending = PS_CONTACTOR_OVER_TEMPERATURE;
      return TRUE;
    }
  if (sim->bms_cell_i_max > bms->cell_current_max_a)
    {
      *reason = PS_STEP_END_CONTACTOR_OPEN;
      *cell = sim->bms_cell_i_idx + 1;
      *value = sim->s[A_CURRENT][sim->bms_cell_i_idx];
      *limit = bms->cell_current_max_a;
      sim->trip_pending = PS_CONTACTOR_OVER_CURRENT;
      return TRUE;
    }
  return FALSE;
}

/* TRUE when the hottest cell has reached a step's "until <t> C" (within
 * the margin the substeps approach it by, halving the distance, as for the
 * limits). */
static gboolean
until_temp_reached (PsSimulation     *sim,
                    const PsEndCheck *ec,
                    PsStepEnd        *reason,
                    guint            *cell,
                    double           *value,
                    double           *limit)
{
  double t_max = _ps_thermal_network_get_temp_max (sim->thermal);

  if (t_max >= ec->temp_upper - PS_UNTIL_TEMP_MARGIN_K)
    *limit = ec->temp_upper;
  else if (t_max <= ec->temp_lower + PS_UNTIL_TEMP_MARGIN_K)
    *limit = ec->temp_lower;
  else
    return FALSE;

  *reason = PS_STEP_END_UNTIL_TEMPERATURE;
  *cell = hottest_cell (sim) + 1;
  *value = t_max;
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

  /* a BMS threshold ended it: the contactor opens */
  if (reason == PS_STEP_END_CONTACTOR_OPEN && sim->bms.contactor == PS_CONTACTOR_OK)
    {
      _ps_bms_open (&sim->bms, info.time_s, sim->trip_pending, (int) cell - 1, value, limit);
      sim->rates_valid = FALSE;
    }
}

/* A Drive step's trace time (within one lap), and the lap's length */
static double
drive_trace_time (PsSimulation *sim,
                  double       *lap_s)
{
  const PsDriveCycle *cycle = sim->drive_cycles[sim->step_index];
  double lap = ps_drive_cycle_get_duration (cycle);

  *lap_s = lap;
  return sim->step_elapsed_s - floor (sim->step_elapsed_s / lap) * lap;
}

/* The power over the trace's interval at the step's present time, and the
 * time left in that interval (the load changes at each point of the trace). */
static void
drive_load (PsSimulation *sim,
            PsLoad       *load)
{
  const PsDriveCycle *cycle = sim->drive_cycles[sim->step_index];
  double lap, tau = drive_trace_time (sim, &lap);
  double t = cycle->time_s[0] + tau;
  guint lo = ps_drive_cycle_find_interval (cycle, tau), hi = lo + 1;

  /* (a time a rounding error short of a point belongs to the next interval) */
  if (cycle->time_s[hi] - t <= 1e-9 && hi + 1 < cycle->n_points)
    {
      lo = hi;
      hi++;
    }

  load->mode = PS_LOAD_DRIVE;
  load->value = ps_vehicle_pack_power_w (&sim->scenario->vehicle, cycle->speed_mps[lo],
                                         cycle->speed_mps[hi],
                                         cycle->time_s[hi] - cycle->time_s[lo], cycle->grade[lo]);
  sim->drive_left_s = MAX (cycle->time_s[hi] - t, 1e-9);
}

/* Distance and energy of ran seconds of a Drive step that started at
 * elapsed (within one interval of the trace: the speed is linear there). */
static void
drive_account (PsSimulation *sim,
               double        elapsed,
               double        ran,
               double        energy_before_j)
{
  const PsDriveCycle *cycle = sim->drive_cycles[sim->step_index];
  double lap = ps_drive_cycle_get_duration (cycle);
  double t0 = elapsed - floor (elapsed / lap) * lap;
  double v0 = ps_drive_cycle_speed_at (cycle, t0);
  double v1 = ps_drive_cycle_speed_at (cycle, MIN (t0 + ran, lap));

  sim->distance_m += 0.5 * (v0 + v1) * ran;
  sim->drive_energy_j += sim->sc.energy_j - energy_before_j;
}

/* A Run step's profile, and the load of the interval it is in now with
 * the time (from the step's start) at which that interval ends. */
static const PsProfile *
step_profile (PsSimulation         *sim,
              const PsProtocolStep *step)
{
  if (step->kind != PS_STEP_RUN_PROFILE || step->written >= sim->n_profiles)
    return NULL;
  return sim->profiles[step->written];
}

/* The load a protocol step puts on the pack now. */
static void
step_load (PsSimulation         *sim,
           const PsProtocolStep *step,
           PsLoad               *load)
{
  double sign = step->kind == PS_STEP_CHARGE ? -1.0 : 1.0;

  /* an open contactor carries nothing */
  if (sim->bms.contactor != PS_CONTACTOR_OK)
    {
      load->mode = PS_LOAD_REST;
      load->value = 0.0;
      return;
    }

  switch (step->kind)
    {
    case PS_STEP_DISCHARGE:
    case PS_STEP_CHARGE:
      if (step->unit == PS_STEP_UNIT_WATT)
        load->mode = PS_LOAD_POWER;
      else if (step->unit == PS_STEP_UNIT_OHM)
        load->mode = PS_LOAD_RESISTANCE;
      else
        load->mode = PS_LOAD_CURRENT;
      if (step->unit == PS_STEP_UNIT_C_RATE)
        load->value = sign * step->value * sim->pack_capacity_ah;
      else if (step->unit == PS_STEP_UNIT_OHM)
        load->value = step->value;
      else
        load->value = sign * step->value;
      break;

    case PS_STEP_HOLD:
      load->mode = PS_LOAD_VOLTAGE_HOLD;
      load->value = step->value;
      break;

    case PS_STEP_DRIVE:
      drive_load (sim, load);
      break;

    case PS_STEP_FAST_CHARGE:
      load->mode = PS_LOAD_FAST_CHARGE;
      load->value = step->value;
      break;

    case PS_STEP_RUN_PROFILE:
      {
        const PsProfile *profile = step_profile (sim, step);
        double x = ps_profile_locate (profile, sim->step_elapsed_s, NULL);

        load->mode = profile->quantity == PS_PROFILE_POWER ? PS_LOAD_POWER : PS_LOAD_CURRENT;
        load->value = profile->quantity == PS_PROFILE_C_RATE ? x * sim->pack_capacity_ah : x;
      }
      break;

    /* instant steps carry no load (settle_steps applies them) */
    case PS_STEP_SET_AMBIENT:
    case PS_STEP_SET_COOLING:
    case PS_STEP_REST:
    default:
      load->mode = PS_LOAD_REST;
      load->value = 0.0;
      break;
    }
}

/* Applies an instant step (it takes no time). */
static void
apply_instant_step (PsSimulation         *sim,
                    const PsProtocolStep *step)
{
  if (step->kind == PS_STEP_SET_AMBIENT)
    sim->ambient_k = step->value;
  else if (step->kind == PS_STEP_SET_COOLING)
    sim->cooling_enabled = step->value != 0.0;
  _ps_thermal_network_set_conditions (sim->thermal, sim->ambient_k, sim->cooling_enabled);
  sim->rates_valid = FALSE;
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

      if (ps_step_kind_is_instant (step->kind))
        {
          apply_instant_step (sim, step);
          end_protocol_step (sim, PS_STEP_END_APPLIED, 0, step->value, step->value);
          continue;
        }
      if (sim->bms.contactor != PS_CONTACTOR_OK && step->kind != PS_STEP_REST)
        {
          end_protocol_step (sim, PS_STEP_END_CONTACTOR_OPEN, 0, 0.0, 0.0);
          continue;
        }

      step_load (sim, step, &load);
      set_hold_caps (sim, sim->cell->current_max_charge_a * sim->n_parallel);
      /* the instant the load is applied fixes the conditions' directions */
      end_check_for_step (sim, step, &load, &ec);
      peek (sim, &load, 0.0, &pk);
      resolve_until_ops (sim, step, &pk);
      end_check_for_step (sim, step, &load, &ec);

      if (bms_trip_reached (sim, &reason, &cell, &value, &limit)
          || (ec.check_temp && temp_limit_reached (sim, &reason, &cell, &value, &limit)))
        {
          end_protocol_step (sim, reason, cell, value, limit);
          continue;
        }
      if (until_temp_reached (sim, &ec, &reason, &cell, &value, &limit))
        {
          end_protocol_step (sim, reason, cell, value, limit);
          continue;
        }
      if (load.mode == PS_LOAD_REST && step->n_until == 0)
        break;

      reason = end_check_peek (sim, &ec, &pk, &cell, &value, &limit);
      if (reason == PS_STEP_END_NONE)
        break;
      end_protocol_step (sim, reason, cell, value, limit);
    }
}

/* The longest substep the pace of the last one allows; *approach says
 * whether a step's end current bounds it. */
static double
substep_bound (PsSimulation     *sim,
               const PsLoad     *load,
               const PsEndCheck *ec,
               gboolean         *approach)
{
  double h = INFINITY;

  *approach = FALSE;
  if (sim->rates_valid)
    {
      /* a step's end current is approached halving the distance (at the
       * pace of the last substep): each substep's linearisation is made
       * at the state it starts from, so the current jumps a little from
       * one substep to the next (the resistances' and the OCV's move over
       * the substep, the temperature's), by about the substep's length
       * times the pace of those changes. Halving the substeps towards the
       * end keeps the jumps far smaller than the distance left, so the end
       * falls inside a substep, where the bisection places it exactly,
       * not between two (where the row would show the current before the
       * jump, short of the end by up to a jump) */
      if (sim->rate_current != 0.0)
        {
          double i = fabs (sim->sc.pack_current_a);
          double h_i = INFINITY;

          if (!isnan (ec->until_current_a) && sim->rate_current < 0.0
              && i > ec->until_current_a)
            h_i = 0.5 * (i - ec->until_current_a) / -sim->rate_current;
          if (!isnan (ec->until_current_above_a) && sim->rate_current > 0.0
              && i < ec->until_current_above_a)
            h_i = MIN (h_i, 0.5 * (ec->until_current_above_a - i) / sim->rate_current);
          if (h_i < PS_SUBSTEP_VARIABLE_S)
            {
              h = h_i;
              *approach = TRUE;
            }
        }
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
          if (sim->bms_on && sim->bms.contactor == PS_CONTACTOR_OK)
            h = MIN (h, 0.5 * (sim->scenario->bms.temp_max_k
                               - _ps_thermal_network_get_temp_max (sim->thermal))
                        / sim->rate_temp);
          /* and a step's end temperature, the same way */
          if (isfinite (ec->temp_upper) || isfinite (ec->temp_lower))
            {
              double t_max = _ps_thermal_network_get_temp_max (sim->thermal);
              double gap = MIN (fabs (ec->temp_upper - t_max), fabs (t_max - ec->temp_lower));

              h = MIN (h, 0.5 * gap / sim->rate_temp);
            }
        }
    }
  if (load->mode == PS_LOAD_POWER || load->mode == PS_LOAD_VOLTAGE_HOLD
      || load->mode == PS_LOAD_RESISTANCE || load->mode == PS_LOAD_FAST_CHARGE
      || load->mode == PS_LOAD_DRIVE || sim->bms_on)
    h = MIN (h, PS_SUBSTEP_VARIABLE_S);
  /* a step that ends on a temperature follows it closely all the way: a
   * slow approach (a pack cooling at rest) would otherwise take substeps
   * long against its thermal time constant, and its end would move with
   * the output interval */
  if (isfinite (ec->temp_upper) || isfinite (ec->temp_lower))
    h = MIN (h, PS_SUBSTEP_VARIABLE_S);
  /* a substep ends where a fault starts or ends, and is short enough for
   * the neighbours of a cell in runaway */
  if (sim->faults->next_change_s > sim->sc.time_s)
    h = MIN (h, MAX (sim->faults->next_change_s - sim->sc.time_s, PS_SUBSTEP_MIN_S));
  if (sim->runaway != NULL)
    h = MIN (h, ps_runaway_get_step_bound (sim->runaway));

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
      double bound;
      gboolean approach, fresh;

      update_faults (sim);
      bound = substep_bound (sim, load, ec, &approach);
      double n = ceil (left / bound * (1.0 - 1e-12));
      /* (approaching an end current, the substeps follow its pace, not an
       * even cut of the span: the output interval does not move them) */
      double h = approach ? MIN (bound, left) : n <= 1.0 ? left : left / n;
      double accurate;
      PsPeek pk;

      /* near an end (the last substep was), every substep's linearisation
       * is made exact for the state it starts from (no factors cached from
       * earlier substeps), whatever the output interval: the jump to the
       * next substep is then that substep's own, and the last substep
       * before an end is the same at every output interval */
      fresh = approach || (sim->rates_valid && sim->near_end);
      if (fresh)
        sim->model->klass->refresh (sim->model);
      peek (sim, load, h, &pk);
      accurate = substep_accurate (&pk);
      if (accurate < 0.7 * h)
        {
          h = accurate;
          peek (sim, load, h, &pk);
        }

      /* a substep that comes near an end (the first) is made exact too:
       * the one that ends the span may leave the step at an end that comes
       * true at the next instant (below), and the row then shows the state
       * that instant starts from */
      if (!fresh && end_check_near (ec, &pk))
        {
          sim->model->klass->refresh (sim->model);
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
      sim->near_end = end_check_near (ec, &pk);
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

      if (bms_trip_reached (sim, reason, cell, value, limit)
          || (ec->check_temp && temp_limit_reached (sim, reason, cell, value, limit)))
        return RUN_SPAN_ENDED;
      if (until_temp_reached (sim, ec, reason, cell, value, limit))
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

      if (sim->bms.contactor != PS_CONTACTOR_OK)
        {
          load->mode = PS_LOAD_REST;
          load->value = 0.0;
        }
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

/* TRUE while the end of the protocol must not end the run: a cell's
 * reactions heat it (above the onset rate) or a forced runaway still heats
 * or is yet to start. */
static gboolean
runaway_pending (PsSimulation *sim)
{
  return sim->runaway != NULL
         && (ps_runaway_is_reacting (sim->runaway)
             || _ps_fault_state_forcing (sim->faults, sim->sc.time_s));
}

/* After the protocol's end, the pack rests (the contactor open) while its
 * reactions run out; one row per call. */
static gboolean
advance_after_end (PsSimulation *sim,
                   double        dt_s)
{
  PsLoad rest = { PS_LOAD_REST, 0.0 };
  PsEndCheck ec;
  PsStepEnd reason;
  guint cell;
  double value, limit, ran;

  end_check_for_load (sim, &rest, &ec);
  run_span (sim, &rest, &ec, dt_s, &ran, &reason, &cell, &value, &limit);
  return ran > 0.0;
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
    return runaway_pending (sim) && advance_after_end (sim, dt_s);

  t_start = sim->sc.time_s;
  left = dt_s;
  while (left > 0.0 && !sim->finished)
    {
      const PsProtocolStep *step = &sim->scenario->protocol->steps[sim->step_index];
      const PsProfile *profile = step_profile (sim, step);
      /* a Run step without a duration runs its profile once */
      gboolean has_duration = isfinite (step->duration_s) || profile != NULL;
      double duration = isfinite (step->duration_s) ? step->duration_s
                        : profile != NULL ? ps_profile_get_period (profile)
                        : PS_STEP_DEFAULT_DURATION_S;
      double span;
      double elapsed = sim->step_elapsed_s, energy_before = sim->sc.energy_j;
      PsLoad load;
      PsEndCheck ec;
      PsStepEnd reason = PS_STEP_END_NONE;
      guint cell = 0;
      double value = 0.0, limit = 0.0, ran = 0.0;

      /* a drive lasts its laps of the trace unless told less */
      if (step->kind == PS_STEP_DRIVE
          && ps_drive_cycle_get_duration (sim->drive_cycles[sim->step_index]) * step->repeat < duration)
        {
          duration = ps_drive_cycle_get_duration (sim->drive_cycles[sim->step_index]) * step->repeat;
          has_duration = TRUE;
        }
      span = MIN (left, duration - sim->step_elapsed_s);

      sim->step_shown = sim->step_index + 1;
      if (sim->bms.contactor != PS_CONTACTOR_OK && step->kind != PS_STEP_REST)
        {
          /* (the contactor opened between calls, ps_simulation_open_contactor) */
          end_protocol_step (sim, PS_STEP_END_CONTACTOR_OPEN, 0, 0.0, 0.0);
          settle_steps (sim);
          continue;
        }
      step_load (sim, step, &load);
      end_check_for_step (sim, step, &load, &ec);
      set_hold_caps (sim, sim->cell->current_max_charge_a * sim->n_parallel);
      /* a drive's load changes at every point of its trace */
      if (step->kind == PS_STEP_DRIVE)
        span = MIN (span, sim->drive_left_s);
      if (profile != NULL)
        {
          /* the load is constant within a profile's interval: no substep
           * crosses into the next */
          double interval_end = 0.0;

          ps_profile_locate (profile, sim->step_elapsed_s, &interval_end);
          span = MIN (span, interval_end - sim->step_elapsed_s);
        }

      if (span > 0.0 &&
          run_span (sim, &load, &ec, span, &ran, &reason, &cell, &value, &limit)
          == RUN_SPAN_ENDED)
        {
          if (step->kind == PS_STEP_DRIVE)
            drive_account (sim, elapsed, ran, energy_before);
          sim->step_elapsed_s += ran;
          end_protocol_step (sim, reason, cell, value, limit);
        }
      else
        {
          if (step->kind == PS_STEP_DRIVE)
            drive_account (sim, elapsed, ran, energy_before);
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

double
ps_simulation_get_speed (PsSimulation *sim)
{
  double lap;

  g_return_val_if_fail (sim != NULL, 0.0);

  if (sim->finished || sim->has_manual_load || sim->drive_cycles == NULL
      || sim->drive_cycles[sim->step_index] == NULL)
    return 0.0;
  return ps_drive_cycle_speed_at (sim->drive_cycles[sim->step_index],
                                  drive_trace_time (sim, &lap));
}

double
ps_simulation_get_distance (PsSimulation *sim)
{
  g_return_val_if_fail (sim != NULL, 0.0);
  return sim->distance_m;
}

double
ps_simulation_get_drive_energy_j (PsSimulation *sim)
{
  g_return_val_if_fail (sim != NULL, 0.0);
  return sim->drive_energy_j;
}

PsBmsState
ps_simulation_get_bms_state (PsSimulation      *sim,
                             PsContactorReason *reason)
{
  g_return_val_if_fail (sim != NULL, PS_BMS_STATE_OFF);

  if (reason != NULL)
    *reason = sim->bms.contactor;
  if (sim->bms_on)
    return _ps_bms_get_state (&sim->bms);
  return sim->bms.contactor != PS_CONTACTOR_OK ? PS_BMS_STATE_OPEN : PS_BMS_STATE_OFF;
}

void
ps_simulation_open_contactor (PsSimulation      *sim,
                              PsContactorReason  reason,
                              int                cell,
                              const char        *message)
{
  g_return_if_fail (sim != NULL);
  g_return_if_fail (reason != PS_CONTACTOR_OK && (guint) reason < PS_CONTACTOR_N_REASONS);
  g_return_if_fail (cell >= -1 && cell < (int) sim->n_cells);

  if (sim->bms.contactor != PS_CONTACTOR_OK)
    return;
  sim->bms.contactor = reason;
  sim->bms.cv = FALSE;
  sim->bms.derated = FALSE;
  sim->rates_valid = FALSE;
  ps_event_log_add (sim->events, sim->sc.time_s, PS_EVENT_CONTACTOR_OPEN, cell, reason,
                    "contactor opened: %s", message != NULL ? message : "a fault");
}

PsEventLog *
ps_simulation_get_events (PsSimulation *sim)
{
  g_return_val_if_fail (sim != NULL, NULL);

  return sim->events;
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
  /* (a run goes on past its protocol while cells react) */
  return sim->finished && !runaway_pending (sim);
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
  if (sim->runaway != NULL)
    {
      const PsRunawayStage *stage = ps_runaway_get_stage (sim->runaway);

      for (guint i = 0; i < sim->n_cells; i++)
        frame->cell_runaway[i] = stage[i];
    }
  else
    memset (frame->cell_runaway, 0, sim->n_cells);

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
  frame->finished = sim->finished && !runaway_pending (sim);
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
  if (frame->events != sim->events)
    {
      g_clear_pointer (&frame->events, ps_event_log_unref);
      frame->events = ps_event_log_ref (sim->events);
    }
  frame->n_events = ps_event_log_get_length (sim->events);
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

  frame->speed_mps = ps_simulation_get_speed (sim);
  frame->distance_m = sim->distance_m;
  frame->bms_state = sim->bms_on ? (int) _ps_bms_get_state (&sim->bms)
                  : sim->bms.contactor != PS_CONTACTOR_OK ? PS_BMS_STATE_OPEN : PS_BMS_STATE_OFF;
  frame->bms_reason = sim->bms.contactor;
  for (guint g = 0; g < sim->n_series; g++)
    for (guint i = g * sim->n_parallel; i < (g + 1) * sim->n_parallel; i++)
      frame->cell_bleed_a[i] = sim->bms.bleed_a[g] / sim->n_parallel;

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

/* ---------------------------------------------------- faults and runaway */

gboolean
ps_simulation_add_fault (PsSimulation  *sim,
                         const PsFault *fault,
                         GError       **error)
{
  PsFault f;
  gboolean off = FALSE;

  g_return_val_if_fail (sim != NULL && fault != NULL, FALSE);

  if (fault->kind >= PS_FAULT_N_KINDS
      || !_ps_fault_check (fault, sim->pack, "fault: ", error))
    {
      if (fault->kind >= PS_FAULT_N_KINDS)
        g_set_error (error, PS_ENGINE_ERROR, PS_ENGINE_ERROR_INVALID, "fault: kind: unknown");
      return FALSE;
    }
  if (fault->kind == PS_FAULT_WEAK_CELL)
    {
      g_set_error (error, PS_ENGINE_ERROR, PS_ENGINE_ERROR_INVALID,
                   "fault: kind: a weak cell is weak from the start (give it in the scenario)");
      return FALSE;
    }
  off = fault->kind == PS_FAULT_THERMAL_RUNAWAY && sim->runaway == NULL;
  if (off)
    {
      g_set_error (error, PS_ENGINE_ERROR, PS_ENGINE_ERROR_INVALID,
                   "fault: kind: a thermal_runaway fault needs a runaway model, the scenario's is off");
      return FALSE;
    }
  f = *fault;
  /* from now on */
  f.at_s = MAX (f.at_s, sim->sc.time_s);
  g_array_append_val (sim->faults->faults, f);
  g_array_set_size (sim->faults->on, sim->faults->faults->len);
  sim->rates_valid = FALSE;
  update_faults (sim);
  return TRUE;
}

const PsFault *
ps_simulation_get_faults (PsSimulation *sim,
                          guint        *n_faults)
{
  g_return_val_if_fail (sim != NULL && n_faults != NULL, NULL);

  *n_faults = sim->faults->faults->len;
  return (const PsFault *) (gpointer) sim->faults->faults->data;
}

gboolean
ps_simulation_fault_is_active (PsSimulation *sim,
                               guint         index)
{
  g_return_val_if_fail (sim != NULL && index < sim->faults->on->len, FALSE);
  return g_array_index (sim->faults->on, gboolean, index);
}

PsRunaway *
ps_simulation_get_runaway (PsSimulation *sim)
{
  g_return_val_if_fail (sim != NULL, NULL);
  return sim->runaway;
}

gboolean
ps_simulation_set_threads (PsSimulation  *sim,
                           guint          n_threads,
                           GError       **error)
{
  guint n;

  g_return_val_if_fail (sim != NULL, FALSE);

  if (n_threads > PS_SIMULATION_THREADS_MAX)
    {
      g_set_error (error, PS_ENGINE_ERROR, PS_ENGINE_ERROR_INVALID,
                   "threads: expected 0 (one per processor) to %u, got %u",
                   PS_SIMULATION_THREADS_MAX, n_threads);
      return FALSE;
    }
  n = n_threads > 0 ? MIN (n_threads, MAX (sim->n_cells, 1))
                    : _ps_workers_auto_count (sim->n_cells,
                                              _ps_cell_model_cells_per_thread (sim->scenario->cell_model));
  /* (the threads start at the first step that shares its cells) */
  g_clear_pointer (&sim->workers, _ps_workers_free);
  sim->workers = _ps_workers_new (n);
  sim->model->workers = sim->workers;
  _ps_thermal_network_set_workers (sim->thermal, sim->workers);
  return TRUE;
}

guint
ps_simulation_get_threads (PsSimulation *sim)
{
  g_return_val_if_fail (sim != NULL, 1);
  return _ps_workers_get_n_threads (sim->workers);
}

double
ps_simulation_get_shared_seconds (PsSimulation *sim)
{
  g_return_val_if_fail (sim != NULL, 0.0);
  return _ps_workers_get_job_us (sim->workers) / 1e6;
}
