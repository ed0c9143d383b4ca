/* ps-simulation.c: the electro-thermal pack simulation and protocol executor
 *
 * Electrical model per cell (DESIGN.md section 2): a Thevenin ECM with two RC
 * pairs. For a current I held constant over a step of dt, the RC voltages
 * advance exactly,
 *     v_k(t + dt) = v_k e^(-dt/tau_k) + R_k (1 - e^(-dt/tau_k)) I,
 * so the cell's terminal voltage at the end of the step is linear in I:
 *     V = E - R I,  E = OCV(SOC, T) - sum_k v_k e^(-dt/tau_k),
 *                   R = R0 + sum_k R_k (1 - e^(-dt/tau_k)).
 * Adding the tab resistance gives each cell's branch (E, R + R_tab). A
 * parallel group of branches is then itself a Thevenin source
 *     E_g = (sum E_i/R_i) / (sum 1/R_i),  R_g = 1 / (sum 1/R_i),
 * the series string adds the groups and the busbars, and the load (current,
 * power, constant voltage on the highest cell, or a resistor) fixes the pack
 * current in closed form. Every cell current follows from its group's node
 * voltage in the same step (implicit, no lag), so sum_i I_i = I in every
 * group to rounding.
 *
 * Heat per cell (Bernardi): q = I (OCV - V) - I T dU/dT + I^2 R_tab, plus an
 * equal share of the busbar loss I^2 R_busbar.
 *
 * Thermal network: C dT_i/dt = q_i + sum_j G_ij (T_j - T_i) - ha_i (T_i - T_f,i),
 * integrated with backward Euler, solved by Gauss-Seidel sweeps on the
 * temperature change (so a pack at rest at the coolant temperature stays
 * there exactly, and every step size is stable). For cold plates the coolant
 * warms along each channel in flow order; each cell's contact is treated as a
 * heat exchanger segment of effectiveness 1 - exp(-ha / (m_dot c_p)), so the
 * coolant can never overshoot the cell it passes.
 *
 * Variation: capacity and resistance factors N(1, sd) and initial SOC
 * N(soc0, sd), drawn cell by cell from a xoshiro256** generator seeded by
 * splitmix64 (Blackman and Vigna, "Scrambled linear pseudorandom number
 * generators", ACM TOMS 47 (2021)); Box-Muller turns uniforms into normals.
 * Written here so the bytes do not depend on the GLib version.
 */
#include "config.h"

#include <math.h>
#include <string.h>

#include "ps-error.h"
#include "ps-pack-private.h"
#include "ps-scenario-private.h"
#include "ps-simulation.h"

#define PS_GAS_CONSTANT_J_MOL_K 8.314462618

/* Refresh the cells' cached Arrhenius factors and RC decay factors when a
 * cell's temperature moved by more than this, or its SOC by more than this,
 * since they were made. The decision is taken for all cells at once, so that
 * identical cells stay identical (a per-cell decision would let rounding
 * decide which of two mirror-image cells refreshes first). */
#define PS_CACHE_TEMP_K   0.05
#define PS_CACHE_SOC      0.002

/* Gauss-Seidel: stop when no cell's temperature change moved by more than
 * this in a sweep, or after this many sweeps. */
#define PS_THERMAL_TOL_K     1e-8
#define PS_THERMAL_MAX_SWEEPS 500

/* With the cooling switched off (no coolant flow, or a sealed air pack) each
 * cell is left with natural convection over its footprint to ambient; h from
 * the ORNL lumped fit of the Leaf cell in free air, 9.5 W/m^2 K
 * (shared/data/presets/FACTS.md, "Leaf cell lumped model"). */
#define PS_H_NATURAL_W_M2K 9.5

/* range of temperatures the Arrhenius factors and the entropic terms are
 * evaluated in (far outside any cell's operating range) */
#define PS_ARRHENIUS_MIN_K 173.15
#define PS_ARRHENIUS_MAX_K 573.15

/* Bisection of the step that crosses a voltage limit */
#define PS_LIMIT_BISECTIONS 26

/* Per-cell arrays that make up the state (copied as one block for the
 * snapshot that limit bisection restores). */
enum
{
  A_SOC,
  A_V1,
  A_V2,
  A_TEMP,
  A_VOLTAGE,
  A_CURRENT,
  A_HEAT,
  A_OCV,
  A_ARR_R0,       /* resistance factor x Arrhenius(R0) */
  A_E1,           /* e^(-dt/tau1) */
  A_B1,           /* R1 (1 - e^(-dt/tau1)) */
  A_E2,
  A_B2,
  A_CACHE_SOC,
  A_CACHE_TEMP,
  A_OCV_SLOPE,    /* dOCV/dSOC / (3600 Q): OCV change per coulomb, V/C */
  A_DTEMP,        /* temperature change of the last step (the solver's guess) */
  N_STATE_ARRAYS
};

typedef struct
{
  double   time_s;
  double   charge_as;          /* coulombs, > 0 discharged */
  double   energy_j;
  double   heat_generated_j;
  double   heat_removed_j;
  double   electrical_loss_j;
  double   pack_voltage_v;
  double   pack_current_a;
  double   heat_w;
  double   coolant_outlet_k;
  double   cell_voltage_min_v; /* extremes after the last step */
  double   cell_voltage_max_v;
  double   cell_temp_max_k;
  double   cache_dt;           /* dt the RC caches were made for, 0 = none */
  gboolean refresh_pending;    /* some cell drifted from its cache */
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
  double            inv_r_gas_ea0;     /* Ea / R for R0 */
  double            inv_r_gas_earc;

  /* variation, per cell */
  double           *capacity_ah;
  double           *inv_capacity_as;   /* 1 / (3600 Q) */
  double           *resistance_factor;
  double           *initial_soc;

  /* state, one block of N_STATE_ARRAYS x n_cells, and its snapshot */
  double           *state;
  double           *saved_state;
  double           *s[N_STATE_ARRAYS];
  PsSimScalars      sc;
  PsSimScalars      saved_sc;

  /* scratch for one step */
  double           *ec;          /* cell E */
  double           *rc;          /* cell R */
  double           *gb;          /* branch conductance 1 / (R + R_tab) */
  double           *u_ref;       /* OCV at t_ref for the SOC at the step start */
  double           *dudt;        /* dU/dT at that SOC */
  double           *group_e;     /* [n_series] */
  double           *group_r;

  /* thermal */
  double           *ha_eff;      /* conductance to the fluid, W/K */
  double           *tf;          /* fluid temperature at each cell */
  double           *g_sum;       /* sum_j G_ij */
  double           *inv_diag;
  double           *rhs;
  double            thermal_dt;  /* inv_diag made for this dt, 0 = none */
  double            ambient_k;
  gboolean          cooling_enabled;
  gboolean          coolant_flows;  /* cold plate with cooling enabled */
  double            coolant_mcp;    /* m_dot c_p per channel, W/K */

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

/* ---------------------------------------------------------------- random */

typedef struct
{
  guint64 s[4];
} PsRng;

static guint64
splitmix64 (guint64 *x)
{
  guint64 z = (*x += G_GUINT64_CONSTANT (0x9e3779b97f4a7c15));

  z = (z ^ (z >> 30)) * G_GUINT64_CONSTANT (0xbf58476d1ce4e5b9);
  z = (z ^ (z >> 27)) * G_GUINT64_CONSTANT (0x94d049bb133111eb);
  return z ^ (z >> 31);
}

static inline guint64
rotl (guint64 x,
      int     k)
{
  return (x << k) | (x >> (64 - k));
}

static void
ps_rng_init (PsRng   *rng,
             guint64  seed)
{
  guint64 x = seed;

  for (guint i = 0; i < 4; i++)
    rng->s[i] = splitmix64 (&x);
}

static guint64
ps_rng_next (PsRng *rng)
{
  guint64 *s = rng->s;
  guint64 result = rotl (s[1] * 5, 7) * 9;
  guint64 t = s[1] << 17;

  s[2] ^= s[0];
  s[3] ^= s[1];
  s[1] ^= s[2];
  s[0] ^= s[3];
  s[2] ^= t;
  s[3] = rotl (s[3], 45);
  return result;
}

/* uniform in (0, 1] */
static double
ps_rng_uniform (PsRng *rng)
{
  return ((ps_rng_next (rng) >> 11) + 1) * (1.0 / 9007199254740992.0);
}

/* standard normal (Box-Muller, one of the pair) */
static double
ps_rng_normal (PsRng *rng)
{
  double u1 = ps_rng_uniform (rng);
  double u2 = ps_rng_uniform (rng);

  return sqrt (-2.0 * log (u1)) * cos (2.0 * G_PI * u2);
}

/* ------------------------------------------------------------ validation */

static gboolean
check_table (const PsScenario  *scenario,
             const PsTable     *table,
             const char        *name,
             double             min_value,
             gboolean           strict,
             GError           **error)
{
  for (guint i = 0; i < PS_LUT_SIZE; i++)
    {
      double v = table->lut[i];

      if (!isfinite (v) || (strict ? !(v > min_value) : !(v >= min_value)))
        {
          g_set_error (error, PS_ENGINE_ERROR, PS_ENGINE_ERROR_INVALID,
                       "%s: cell '%s': %s table has the value %g at SOC %g, "
                       "expected a finite value %s %g",
                       scenario->source_name ? scenario->source_name : "scenario",
                       scenario->cell->id ? scenario->cell->id : "?",
                       name, v, table->x_min + i / table->inv_dx,
                       strict ? ">" : ">=", min_value);
          return FALSE;
        }
    }
  return TRUE;
}

static gboolean
check_positive (const PsScenario  *scenario,
                double             value,
                const char        *what,
                GError           **error)
{
  if (isfinite (value) && value > 0.0)
    return TRUE;

  g_set_error (error, PS_ENGINE_ERROR, PS_ENGINE_ERROR_INVALID,
               "%s: %s is %g, expected a finite number greater than zero",
               scenario->source_name ? scenario->source_name : "scenario",
               what, value);
  return FALSE;
}

static gboolean
validate_scenario (const PsScenario  *scenario,
                   GError           **error)
{
  const char *where = scenario->source_name ? scenario->source_name : "scenario";
  const PsCellType *cell = scenario->cell;
  const PsPack *pack = scenario->pack;

  if (pack == NULL || cell == NULL)
    {
      g_set_error (error, PS_ENGINE_ERROR, PS_ENGINE_ERROR_INVALID,
                   "%s: the scenario has no %s", where, pack == NULL ? "pack" : "cell");
      return FALSE;
    }

  if (pack->n_cells == 0 || pack->n_series == 0 || pack->n_parallel == 0
      || pack->n_cells != pack->n_series * pack->n_parallel
      || pack->n_cells > PS_MAX_CELLS)
    {
      g_set_error (error, PS_ENGINE_ERROR, PS_ENGINE_ERROR_INVALID,
                   "%s: pack '%s' has %u cells in %u series groups of %u, expected "
                   "n_series x n_parallel cells, at least 1 and at most %d",
                   where, pack->id ? pack->id : "?", pack->n_cells, pack->n_series,
                   pack->n_parallel, PS_MAX_CELLS);
      return FALSE;
    }

  if (pack->nb_offset == NULL || pack->cell_ha_w_k == NULL
      || pack->cell_w == NULL || pack->cell_h == NULL)
    {
      g_set_error (error, PS_ENGINE_ERROR, PS_ENGINE_ERROR_INVALID,
                   "%s: pack '%s' lacks its thermal arrays", where,
                   pack->id ? pack->id : "?");
      return FALSE;
    }

  if (!check_positive (scenario, scenario->dt_s, "the time step dt_s", error)
      || !check_positive (scenario, cell->capacity_ah, "the cell capacity", error)
      || !check_positive (scenario, cell->mass_kg, "the cell mass", error)
      || !check_positive (scenario, cell->cp_j_kg_k, "the cell specific heat", error)
      || !check_positive (scenario, cell->t_ref_k, "the cell's table temperature", error)
      || !check_positive (scenario, scenario->initial_temp_k, "the initial temperature", error)
      || !check_positive (scenario, scenario->ambient_k, "the ambient temperature", error)
      || !check_positive (scenario, scenario->coolant_inlet_k, "the coolant inlet temperature", error))
    return FALSE;

  if (!isfinite (cell->ea_r0_j_mol) || !isfinite (cell->ea_rc_j_mol)
      || !isfinite (pack->r_tab_ohm) || pack->r_tab_ohm < 0.0
      || !isfinite (pack->r_busbar_ohm) || pack->r_busbar_ohm < 0.0
      || !isfinite (scenario->initial_soc)
      || !(scenario->capacity_rel_sd >= 0.0 && scenario->capacity_rel_sd < 1.0)
      || !(scenario->resistance_rel_sd >= 0.0 && scenario->resistance_rel_sd < 1.0)
      || !(scenario->soc_sd >= 0.0 && scenario->soc_sd < 1.0))
    {
      g_set_error (error, PS_ENGINE_ERROR, PS_ENGINE_ERROR_INVALID,
                   "%s: activation energies, tab and busbar resistances, initial SOC "
                   "and variation spreads must be finite, resistances >= 0 and "
                   "spreads in [0, 1)", where);
      return FALSE;
    }

  if (!check_table (scenario, &cell->ocv, "OCV", 0.0, TRUE, error)
      || !check_table (scenario, &cell->dudt, "dU/dT", -INFINITY, FALSE, error)
      || !check_table (scenario, &cell->r0, "R0", 0.0, TRUE, error)
      || !check_table (scenario, &cell->r1, "R1", 0.0, FALSE, error)
      || !check_table (scenario, &cell->c1, "C1", 0.0, FALSE, error)
      || !check_table (scenario, &cell->r2, "R2", 0.0, FALSE, error)
      || !check_table (scenario, &cell->c2, "C2", 0.0, FALSE, error))
    return FALSE;

  for (guint i = 0; i < pack->n_cells; i++)
    {
      if (!isfinite (pack->cell_ha_w_k[i]) || pack->cell_ha_w_k[i] < 0.0)
        {
          g_set_error (error, PS_ENGINE_ERROR, PS_ENGINE_ERROR_INVALID,
                       "%s: pack '%s': cell %u has a cooling conductance of %g W/K, "
                       "expected a finite value >= 0", where,
                       pack->id ? pack->id : "?", i, pack->cell_ha_w_k[i]);
          return FALSE;
        }
      for (guint k = pack->nb_offset[i]; k < pack->nb_offset[i + 1]; k++)
        {
          if (pack->nb_index[k] >= pack->n_cells
              || !isfinite (pack->nb_g_w_k[k]) || pack->nb_g_w_k[k] < 0.0)
            {
              g_set_error (error, PS_ENGINE_ERROR, PS_ENGINE_ERROR_INVALID,
                           "%s: pack '%s': cell %u has a bad neighbour entry "
                           "(index %u, %g W/K)", where, pack->id ? pack->id : "?",
                           i, pack->nb_index[k], pack->nb_g_w_k[k]);
              return FALSE;
            }
        }
    }

  if (pack->cooling == PS_COOLING_COLD_PLATE && pack->n_channels > 0)
    {
      if (!check_positive (scenario, pack->coolant_flow_kg_s, "the coolant flow", error)
          || !check_positive (scenario, pack->coolant_cp_j_kg_k,
                              "the coolant specific heat", error))
        return FALSE;
      if (pack->channel_offset == NULL || pack->channel_cells == NULL
          || pack->channel_offset[pack->n_channels] > pack->n_cells)
        {
          g_set_error (error, PS_ENGINE_ERROR, PS_ENGINE_ERROR_INVALID,
                       "%s: pack '%s': coolant channels are inconsistent", where,
                       pack->id ? pack->id : "?");
          return FALSE;
        }
      for (guint k = 0; k < pack->channel_offset[pack->n_channels]; k++)
        if (pack->channel_cells[k] >= pack->n_cells)
          {
            g_set_error (error, PS_ENGINE_ERROR, PS_ENGINE_ERROR_INVALID,
                         "%s: pack '%s': coolant channel names cell %u of %u",
                         where, pack->id ? pack->id : "?", pack->channel_cells[k],
                         pack->n_cells);
            return FALSE;
          }
    }

  return TRUE;
}

/* --------------------------------------------------------------- thermal */

static void
update_cooling (PsSimulation *sim)
{
  const PsPack *pack = sim->pack;

  sim->coolant_flows = (pack->cooling == PS_COOLING_COLD_PLATE
                        && sim->cooling_enabled && pack->n_channels > 0);
  sim->coolant_mcp = pack->coolant_flow_kg_s * pack->coolant_cp_j_kg_k;

  for (guint i = 0; i < sim->n_cells; i++)
    {
      double ha = pack->cell_ha_w_k[i];

      if (!sim->cooling_enabled)
        ha = MIN (ha, PS_H_NATURAL_W_M2K * pack->cell_w[i] * pack->cell_h[i]);
      sim->ha_eff[i] = ha;
      sim->tf[i] = sim->coolant_flows ? sim->scenario->coolant_inlet_k : sim->ambient_k;
    }

  if (sim->coolant_flows)
    {
      /* a segment of effectiveness 1 - exp(-NTU) */
      for (guint k = 0; k < pack->channel_offset[pack->n_channels]; k++)
        {
          guint i = pack->channel_cells[k];

          sim->ha_eff[i] = sim->coolant_mcp * -expm1 (-pack->cell_ha_w_k[i] / sim->coolant_mcp);
        }
    }

  sim->thermal_dt = 0.0;
}

/* Coolant temperatures along every channel for the cell temperatures temp;
 * returns the hottest outlet. */
static double
update_coolant (PsSimulation *sim,
                const double *temp)
{
  const PsPack *pack = sim->pack;
  double inlet = sim->scenario->coolant_inlet_k;
  double outlet_max = inlet;
  double inv_mcp = 1.0 / sim->coolant_mcp;

  for (guint c = 0; c < pack->n_channels; c++)
    {
      double t_fluid = inlet;

      for (guint k = pack->channel_offset[c]; k < pack->channel_offset[c + 1]; k++)
        {
          guint i = pack->channel_cells[k];

          sim->tf[i] = t_fluid;
          t_fluid += sim->ha_eff[i] * (temp[i] - t_fluid) * inv_mcp;
        }
      outlet_max = MAX (outlet_max, t_fluid);
    }

  return outlet_max;
}

static void
thermal_step (PsSimulation *sim,
              double        dt)
{
  const PsPack *pack = sim->pack;
  const guint *nb_offset = pack->nb_offset;
  const guint *nb_index = pack->nb_index;
  const double *nb_g = pack->nb_g_w_k;
  double *temp = sim->s[A_TEMP];
  const double *heat = sim->s[A_HEAT];
  double *dtemp = sim->s[A_DTEMP];
  double *rhs = sim->rhs;
  const double *ha = sim->ha_eff;
  const double *tf = sim->tf;
  const double *inv_diag = sim->inv_diag;
  double c_dt = sim->heat_capacity_j_k / dt;
  guint n = sim->n_cells;
  double removed_w = 0.0, t_max;

  if (sim->thermal_dt != dt)
    {
      for (guint i = 0; i < n; i++)
        sim->inv_diag[i] = 1.0 / (c_dt + sim->g_sum[i] + ha[i]);
      sim->thermal_dt = dt;
    }

  /* The coolant along each channel is warmed by the cells at the start of
   * the step (the fluid holds no heat, so this is a quasi-static profile);
   * the heat it removes over the step is counted with that same profile, so
   * the energy balance is exact. */
  if (sim->coolant_flows)
    sim->sc.coolant_outlet_k = update_coolant (sim, temp);
  else if (pack->cooling == PS_COOLING_COLD_PLATE)
    sim->sc.coolant_outlet_k = sim->scenario->coolant_inlet_k;
  else
    sim->sc.coolant_outlet_k = sim->ambient_k;

  /* Backward Euler in delta form, d_i = T_i(t + dt) - T_i(t):
   *   (C/dt + sum_j G_ij + ha_i) d_i - sum_j G_ij d_j
   *     = q_i + sum_j G_ij (T_j - T_i) + ha_i (T_f,i - T_i)
   * The right-hand side is exactly zero at equilibrium, so a pack at the
   * fluid temperature stays there to the last bit. Gauss-Seidel sweeps (the
   * matrix is symmetric and diagonally dominant, so they converge for every
   * dt), starting from the last step's change, which the temperatures'
   * smooth evolution makes a close guess; the first sweep also forms the
   * right-hand side. Two accumulators, as the neighbour sums are latency
   * bound. */
  for (guint sweep = 0; sweep < PS_THERMAL_MAX_SWEEPS; sweep++)
    {
      double max_change = 0.0;

      for (guint i = 0; i < n; i++)
        {
          guint k = nb_offset[i], end = nb_offset[i + 1];
          double r, r2 = 0.0, d;

          if (sweep == 0)
            {
              double t = temp[i];
              double c2 = 0.0;

              r = heat[i] + ha[i] * (tf[i] - t);
              for (; k + 1 < end; k += 2)
                {
                  r += nb_g[k] * (temp[nb_index[k]] - t);
                  c2 += nb_g[k + 1] * (temp[nb_index[k + 1]] - t);
                }
              if (k < end)
                r += nb_g[k] * (temp[nb_index[k]] - t);
              r += c2;
              rhs[i] = r;
              k = nb_offset[i];
            }
          else
            r = rhs[i];

          for (; k + 1 < end; k += 2)
            {
              r += nb_g[k] * dtemp[nb_index[k]];
              r2 += nb_g[k + 1] * dtemp[nb_index[k + 1]];
            }
          if (k < end)
            r += nb_g[k] * dtemp[nb_index[k]];
          d = (r + r2) * inv_diag[i];
          max_change = MAX (max_change, fabs (d - dtemp[i]));
          dtemp[i] = d;
        }

      if (max_change <= PS_THERMAL_TOL_K)
        break;
    }

  t_max = -INFINITY;
  for (guint i = 0; i < n; i++)
    {
      double t = temp[i] + dtemp[i];

      temp[i] = t;
      t_max = MAX (t_max, t);
      removed_w += ha[i] * (t - tf[i]);
    }
  sim->sc.heat_removed_j += removed_w * dt;
  sim->sc.cell_temp_max_k = t_max;
}

/* ------------------------------------------------------------ electrical */

/* dy/dx of a table as the central difference over one LUT interval: a
 * continuous function of x (the LUT's own slope jumps at every grid point,
 * which would let rounding-level differences between identical cells grow
 * into different currents). */
static inline double
table_slope (const PsTable *table,
             double         x)
{
  double h = 0.5 / table->inv_dx;

  return (ps_table_eval (table, x + h) - ps_table_eval (table, x - h)) * table->inv_dx;
}

/* Arrhenius factors and exact RC decay factors of cell i for its present SOC
 * and temperature and the step dt. */
static void
refresh_cell_cache (PsSimulation *sim,
                    guint         i,
                    double        soc,
                    double        temp_k,
                    double        dt)
{
  const PsCellType *cell = sim->cell;
  /* the Arrhenius fits say nothing outside this range; it only keeps an
   * absurd manual load from turning temperatures into inf or NaN */
  double inv_t = 1.0 / CLAMP (temp_k, PS_ARRHENIUS_MIN_K, PS_ARRHENIUS_MAX_K)
                 - 1.0 / cell->t_ref_k;
  double rf = sim->resistance_factor[i];
  double arc = rf * exp (sim->inv_r_gas_earc * inv_t);
  double r1 = ps_table_eval (&cell->r1, soc) * arc;
  double r2 = ps_table_eval (&cell->r2, soc) * arc;
  double tau1 = r1 * ps_table_eval (&cell->c1, soc);
  double tau2 = r2 * ps_table_eval (&cell->c2, soc);
  double e1 = tau1 > 0.0 ? exp (-dt / tau1) : 0.0;
  double e2 = tau2 > 0.0 ? exp (-dt / tau2) : 0.0;

  sim->s[A_ARR_R0][i] = rf * exp (sim->inv_r_gas_ea0 * inv_t);
  sim->s[A_E1][i] = e1;
  sim->s[A_B1][i] = r1 * (1.0 - e1);
  sim->s[A_E2][i] = e2;
  sim->s[A_B2][i] = r2 * (1.0 - e2);
  sim->s[A_CACHE_SOC][i] = soc;
  sim->s[A_CACHE_TEMP][i] = temp_k;
  sim->s[A_OCV_SLOPE][i] = table_slope (&cell->ocv, soc) * sim->inv_capacity_as[i];
}

/* Forms every cell's Thevenin pair (E, R) for the coming step and the groups'
 * equivalents; returns the pack's (E, R) through out-parameters. */
static void
linearise (PsSimulation *sim,
           double        dt,
           double       *pack_e,
           double       *pack_r)
{
  const PsCellType *cell = sim->cell;
  const double *soc = sim->s[A_SOC];
  const double *temp = sim->s[A_TEMP];
  const double *v1 = sim->s[A_V1];
  const double *v2 = sim->s[A_V2];
  const double *arr_r0 = sim->s[A_ARR_R0];
  const double *e1 = sim->s[A_E1];
  const double *b1 = sim->s[A_B1];
  const double *e2 = sim->s[A_E2];
  const double *b2 = sim->s[A_B2];
  const double *cache_soc = sim->s[A_CACHE_SOC];
  const double *cache_temp = sim->s[A_CACHE_TEMP];
  double *ocv = sim->s[A_OCV];
  double *ec = sim->ec;
  double *rc = sim->rc;
  double *gb = sim->gb;
  const double *ocv_slope = sim->s[A_OCV_SLOPE];
  double *u_ref = sim->u_ref;
  double *dudt = sim->dudt;
  double t_ref = cell->t_ref_k;
  double r_tab = sim->pack->r_tab_ohm;
  guint np = sim->n_parallel;
  double e_sum = 0.0, r_sum = sim->r_busbar_total;
  gboolean drift = FALSE;

  if (sim->sc.cache_dt != dt || sim->sc.refresh_pending)
    {
      for (guint i = 0; i < sim->n_cells; i++)
        refresh_cell_cache (sim, i, soc[i], temp[i], dt);
      sim->sc.cache_dt = dt;
    }

  for (guint g = 0; g < sim->n_series; g++)
    {
      double sum_g = 0.0, sum_eg = 0.0;

      for (guint i = g * np; i < (g + 1) * np; i++)
        {
          double s = soc[i];
          double t = temp[i];
          double u, e, r, ro, gi;

          drift |= (fabs (s - cache_soc[i]) > PS_CACHE_SOC)
                   | (fabs (t - cache_temp[i]) > PS_CACHE_TEMP_K);

          u_ref[i] = ps_table_eval (&cell->ocv, s);
          dudt[i] = ps_table_eval (&cell->dudt, s);
          /* (temperatures clamped to where the fits mean something, so an
           * absurd load cannot run away through the entropic terms) */
          t = CLAMP (t, PS_ARRHENIUS_MIN_K, PS_ARRHENIUS_MAX_K);
          u = u_ref[i] + (t - t_ref) * dudt[i];
          e = u - v1[i] * e1[i] - v2[i] * e2[i];
          /* the OCV moves with the charge passed during the step:
           * OCV(SOC - I dt / 3600 Q) = OCV - (dOCV/dSOC) (dt / 3600 Q) I,
           * which is linear in I, so it joins R (end-of-step voltage) */
          ro = ocv_slope[i] * dt;
          r = ps_table_eval (&cell->r0, s) * arr_r0[i] + b1[i] + b2[i] + ro;
          gi = 1.0 / (r + r_tab);
          ocv[i] = u;
          ec[i] = e;
          rc[i] = r;
          gb[i] = gi;
          sum_g += gi;
          sum_eg += e * gi;
        }

      sim->group_e[g] = sum_eg / sum_g;
      sim->group_r[g] = 1.0 / sum_g;
      e_sum += sim->group_e[g];
      r_sum += sim->group_r[g];
    }

  sim->sc.refresh_pending = drift;
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
  const PsCellType *cell = sim->cell;
  double *soc = sim->s[A_SOC];
  double *v1 = sim->s[A_V1];
  double *v2 = sim->s[A_V2];
  const double *temp = sim->s[A_TEMP];
  double *voltage = sim->s[A_VOLTAGE];
  double *current = sim->s[A_CURRENT];
  double *heat = sim->s[A_HEAT];
  const double *ocv = sim->s[A_OCV];
  const double *e1 = sim->s[A_E1];
  const double *b1 = sim->s[A_B1];
  const double *e2 = sim->s[A_E2];
  const double *b2 = sim->s[A_B2];
  const double *ec = sim->ec;
  const double *rc = sim->rc;
  const double *gb = sim->gb;
  const double *u_ref = sim->u_ref;
  const double *dudt = sim->dudt;
  const double *inv_cap = sim->inv_capacity_as;
  double r_tab = sim->pack->r_tab_ohm;
  guint np = sim->n_parallel;
  double pack_e, pack_r, pack_i, pack_v, busbar_share;
  double sum_i_ocv = 0.0, sum_entropic = 0.0, sum_heat = 0.0, sum_vg = 0.0;
  double v_min = INFINITY, v_max = -INFINITY;

  linearise (sim, dt, &pack_e, &pack_r);
  pack_i = solve_pack_current (sim, load, pack_e, pack_r);
  busbar_share = pack_i * pack_i * sim->r_busbar_total / sim->n_cells;

  for (guint g = 0; g < sim->n_series; g++)
    {
      double vg = sim->group_e[g] - sim->group_r[g] * pack_i;

      sum_vg += vg;
      for (guint i = g * np; i < (g + 1) * np; i++)
        {
          double ii = (ec[i] - vg) * gb[i];
          double vi = ec[i] - rc[i] * ii;
          double s_end = soc[i] - ii * dt * inv_cap[i];
          /* the OCV averaged over the step (trapezoid between the SOC before
           * and after): the chemical energy taken is I OCV_mid dt, the rest
           * of I (OCV_mid - V) dt is heat */
          double u = ocv[i] + 0.5 * (ps_table_eval (&cell->ocv, s_end) - u_ref[i]);
          double entropic = ii * CLAMP (temp[i], PS_ARRHENIUS_MIN_K, PS_ARRHENIUS_MAX_K) * dudt[i];
          double q = ii * (u - vi) - entropic + ii * ii * r_tab + busbar_share;

          current[i] = ii;
          voltage[i] = vi;
          v_min = MIN (v_min, vi);
          v_max = MAX (v_max, vi);
          heat[i] = q;
          v1[i] = v1[i] * e1[i] + b1[i] * ii;
          v2[i] = v2[i] * e2[i] + b2[i] * ii;
          soc[i] = s_end;

          sum_i_ocv += ii * u;
          sum_entropic += entropic;
          sum_heat += q;
        }
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
  sim->sc.electrical_loss_j += (sum_i_ocv - pack_v * pack_i - sum_entropic) * dt;
  sim->sc.time_s += dt;

  thermal_step (sim, dt);
}

/* ------------------------------------------------------------- lifecycle */

static void
reset_state (PsSimulation *sim)
{
  const PsScenario *scenario = sim->scenario;
  PsRng rng;

  ps_rng_init (&rng, scenario->seed);

  /* three draws per cell in cell order, whatever the spreads, so changing
   * one spread leaves the others' draws alone */
  for (guint i = 0; i < sim->n_cells; i++)
    {
      double zc = ps_rng_normal (&rng);
      double zr = ps_rng_normal (&rng);
      double zs = ps_rng_normal (&rng);
      double fc = MAX (0.05, 1.0 + scenario->capacity_rel_sd * zc);
      double fr = MAX (0.05, 1.0 + scenario->resistance_rel_sd * zr);
      double s0 = CLAMP (scenario->initial_soc + scenario->soc_sd * zs, 0.0, 1.0);

      sim->capacity_ah[i] = sim->cell->capacity_ah * fc;
      sim->inv_capacity_as[i] = 1.0 / (3600.0 * sim->capacity_ah[i]);
      sim->resistance_factor[i] = fr;
      sim->initial_soc[i] = s0;
    }

  memset (sim->state, 0, sizeof (double) * N_STATE_ARRAYS * sim->n_cells);
  memset (&sim->sc, 0, sizeof sim->sc);

  for (guint i = 0; i < sim->n_cells; i++)
    {
      double s0 = sim->initial_soc[i];
      double t0 = scenario->initial_temp_k;
      double u = ps_table_eval (&sim->cell->ocv, s0)
                 + (t0 - sim->cell->t_ref_k) * ps_table_eval (&sim->cell->dudt, s0);

      sim->s[A_SOC][i] = s0;
      sim->s[A_TEMP][i] = t0;
      sim->s[A_OCV][i] = u;
      sim->s[A_VOLTAGE][i] = u;
      sim->s[A_CACHE_SOC][i] = NAN;
      sim->s[A_CACHE_TEMP][i] = NAN;
    }

  sim->ambient_k = scenario->ambient_k;
  sim->cooling_enabled = scenario->cooling_enabled;
  update_cooling (sim);

  /* at rest before the first step: open-circuit voltages (the mean of each
   * group, a first look until the first step solves the groups) */
  {
    double v = 0.0, v_min = INFINITY, v_max = -INFINITY;

    for (guint i = 0; i < sim->n_cells; i++)
      {
        double u = sim->s[A_VOLTAGE][i];

        v += u / sim->n_parallel;
        v_min = MIN (v_min, u);
        v_max = MAX (v_max, u);
      }
    sim->sc.pack_voltage_v = v;
    sim->sc.cell_voltage_min_v = v_min;
    sim->sc.cell_voltage_max_v = v_max;
    sim->sc.cell_temp_max_k = scenario->initial_temp_k;
  }
  sim->sc.coolant_outlet_k = sim->pack->cooling == PS_COOLING_COLD_PLATE
                             ? scenario->coolant_inlet_k : sim->ambient_k;

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

  if (!validate_scenario (scenario, error))
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
  sim->inv_r_gas_ea0 = sim->cell->ea_r0_j_mol / PS_GAS_CONSTANT_J_MOL_K;
  sim->inv_r_gas_earc = sim->cell->ea_rc_j_mol / PS_GAS_CONSTANT_J_MOL_K;

  sim->capacity_ah = g_new0 (double, n);
  sim->inv_capacity_as = g_new0 (double, n);
  sim->resistance_factor = g_new0 (double, n);
  sim->initial_soc = g_new0 (double, n);

  sim->state = g_new0 (double, (gsize) N_STATE_ARRAYS * n);
  sim->saved_state = g_new0 (double, (gsize) N_STATE_ARRAYS * n);
  for (guint a = 0; a < N_STATE_ARRAYS; a++)
    sim->s[a] = sim->state + (gsize) a * n;

  sim->ec = g_new0 (double, n);
  sim->rc = g_new0 (double, n);
  sim->gb = g_new0 (double, n);
  sim->u_ref = g_new0 (double, n);
  sim->dudt = g_new0 (double, n);
  sim->group_e = g_new0 (double, sim->n_series);
  sim->group_r = g_new0 (double, sim->n_series);

  sim->ha_eff = g_new0 (double, n);
  sim->tf = g_new0 (double, n);
  sim->g_sum = g_new0 (double, n);
  sim->inv_diag = g_new0 (double, n);
  sim->rhs = g_new0 (double, n);

  for (guint i = 0; i < n; i++)
    for (guint k = sim->pack->nb_offset[i]; k < sim->pack->nb_offset[i + 1]; k++)
      sim->g_sum[i] += sim->pack->nb_g_w_k[k];

  reset_state (sim);

  return sim;
}

void
ps_simulation_free (PsSimulation *sim)
{
  if (sim == NULL)
    return;

  g_free (sim->capacity_ah);
  g_free (sim->inv_capacity_as);
  g_free (sim->resistance_factor);
  g_free (sim->initial_soc);
  g_free (sim->state);
  g_free (sim->saved_state);
  g_free (sim->ec);
  g_free (sim->rc);
  g_free (sim->gb);
  g_free (sim->u_ref);
  g_free (sim->dudt);
  g_free (sim->group_e);
  g_free (sim->group_r);
  g_free (sim->ha_eff);
  g_free (sim->tf);
  g_free (sim->g_sum);
  g_free (sim->inv_diag);
  g_free (sim->rhs);
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
  memcpy (sim->saved_state, sim->state, sizeof (double) * N_STATE_ARRAYS * sim->n_cells);
  sim->saved_sc = sim->sc;
}

static void
restore_state (PsSimulation *sim)
{
  memcpy (sim->state, sim->saved_state, sizeof (double) * N_STATE_ARRAYS * sim->n_cells);
  sim->sc = sim->saved_sc;
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
  if (step->kind != PS_STEP_REST && sim->sc.cell_temp_max_k >= sim->cell->temp_max_k)
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
          sim->sc.refresh_pending = TRUE;
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

  if (step->kind != PS_STEP_REST && sim->sc.cell_temp_max_k >= sim->cell->temp_max_k)
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
  update_cooling (sim);
}

void
ps_simulation_set_cooling (PsSimulation *sim,
                           gboolean      enabled)
{
  g_return_if_fail (sim != NULL);

  sim->cooling_enabled = !!enabled;
  update_cooling (sim);
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
  gsize bytes;
  double soc_q = 0.0, q = 0.0;
  double i_dis = sim->cell->current_max_discharge_a;
  double i_chg = sim->cell->current_max_charge_a;
  gboolean over_current = FALSE;

  g_return_if_fail (sim != NULL);
  g_return_if_fail (frame != NULL);
  g_return_if_fail (frame->n_cells == sim->n_cells);

  protocol = sim->scenario->protocol;
  bytes = sizeof (double) * sim->n_cells;
  memcpy (frame->cell_voltage_v, sim->s[A_VOLTAGE], bytes);
  memcpy (frame->cell_current_a, sim->s[A_CURRENT], bytes);
  memcpy (frame->cell_soc, sim->s[A_SOC], bytes);
  memcpy (frame->cell_temp_k, sim->s[A_TEMP], bytes);
  memcpy (frame->cell_heat_w, sim->s[A_HEAT], bytes);

  for (guint i = 0; i < sim->n_cells; i++)
    {
      double ii = sim->s[A_CURRENT][i];

      soc_q += sim->s[A_SOC][i] * sim->capacity_ah[i];
      q += sim->capacity_ah[i];
      if ((i_dis > 0.0 && ii > i_dis) || (i_chg > 0.0 && ii < -i_chg))
        over_current = TRUE;
    }

  frame->time_s = sim->sc.time_s;
  frame->step = sim->step_shown;
  frame->n_steps = protocol != NULL ? protocol->n_steps : 0;
  g_clear_pointer (&frame->step_text, g_free);
  if (sim->step_shown > 0 && protocol != NULL)
    frame->step_text = g_strdup (protocol->steps[sim->step_shown - 1].text);
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
  frame->coolant_outlet_k = sim->sc.coolant_outlet_k;

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
  return sim->s[A_VOLTAGE];
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
  return sim->s[A_SOC];
}

const double *
ps_simulation_get_cell_temp (PsSimulation *sim)
{
  g_return_val_if_fail (sim != NULL, NULL);
  return sim->s[A_TEMP];
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
  double stored = 0.0;
  double t0;

  g_return_val_if_fail (sim != NULL, 0.0);

  t0 = sim->scenario->initial_temp_k;
  for (guint i = 0; i < sim->n_cells; i++)
    stored += sim->s[A_TEMP][i] - t0;
  return stored * sim->heat_capacity_j_k + sim->sc.heat_removed_j;
}

double
ps_simulation_get_electrical_loss_j (PsSimulation *sim)
{
  g_return_val_if_fail (sim != NULL, 0.0);
  return sim->sc.electrical_loss_j;
}
