/* ps-thermal-network.c: backward-Euler thermal network of the pack's cells
 *
 * C dT_i/dt = q_i + sum_j G_ij (T_j - T_i) - ha_i (T_i - T_f,i), integrated
 * with backward Euler, solved by Gauss-Seidel sweeps on the temperature
 * change (so a pack at rest at the coolant temperature stays there exactly,
 * and every step size is stable). For cold plates the coolant warms along
 * each channel in flow order; each cell's contact is treated as a heat
 * exchanger segment of effectiveness 1 - exp(-ha / (m_dot c_p)), so the
 * coolant can never overshoot the cell it passes.
 */
#include "config.h"

#include <math.h>
#include <string.h>

#include "ps-pack-private.h"
#include "ps-state-block-private.h"
#include "ps-thermal-network-private.h"
#include "ps-workers-private.h"

/* Gauss-Seidel: stop when no cell's temperature change moved by more than
 * this in a sweep, or after this many sweeps. */
#define PS_THERMAL_TOL_K     1e-8
#define PS_THERMAL_MAX_SWEEPS 500

/* With the cooling switched off (no coolant flow, or a sealed air pack) each
 * cell is left with natural convection over its footprint to ambient; h from
 * the ORNL lumped fit of the Leaf cell in free air, 9.5 W/m^2 K
 * (shared/data/presets/FACTS.md, "Leaf cell lumped model"). */
#define PS_H_NATURAL_W_M2K 9.5

/* Per-cell arrays that make up the state (copied as one block for the
 * snapshot). */
enum
{
  T_TEMP,
  T_DTEMP,        /* temperature change of the last step (the solver's guess) */
  N_THERMAL_ARRAYS
};

typedef struct
{
  double heat_removed_j;
  double coolant_outlet_k;
  double temp_max_k;
  double temp_min_k;
  double change_max_k;         /* largest |temperature change| of the last step */
} ThermalScalars;

struct _PsThermalNetwork
{
  const PsPack *pack;
  guint         n_cells;
  double        heat_capacity_j_k; /* m c_p of one cell */
  double        coolant_inlet_k;

  PsStateBlock block;
  double       *s[N_THERMAL_ARRAYS];
  ThermalScalars sc;
  ThermalScalars saved_sc;

  double       *ha_eff;      /* conductance to the fluid, W/K */
  double       *tf;          /* fluid temperature at each cell */
  double       *g_sum;       /* sum_j G_ij */
  double       *inv_diag;
  double       *rhs;
  double        thermal_dt;  /* inv_diag made for this dt, 0 = none */
  double        ambient_k;
  gboolean      cooling_enabled;
  gboolean      coolant_flows;  /* cold plate with cooling enabled */
  guint8       *blocked;        /* [n_cells] cooling lost (a fault); NULL = none */
  double        coolant_mcp;    /* m_dot c_p per channel, W/K */
  PsWorkers    *workers;        /* the simulation's, for the right-hand side; NULL = none */
};

PsThermalNetwork *
_ps_thermal_network_new (const PsPack *pack,
                         double        heat_capacity_j_k,
                         double        coolant_inlet_k)
{
  PsThermalNetwork *net = g_new0 (PsThermalNetwork, 1);
  guint n = pack->n_cells;

  net->pack = pack;
  net->n_cells = n;
  net->heat_capacity_j_k = heat_capacity_j_k;
  net->coolant_inlet_k = coolant_inlet_k;

  _ps_state_block_init (&net->block, N_THERMAL_ARRAYS, n, net->s);

  net->ha_eff = g_new0 (double, n);
  net->tf = g_new0 (double, n);
  net->g_sum = g_new0 (double, n);
  net->inv_diag = g_new0 (double, n);
  net->rhs = g_new0 (double, n);

  for (guint i = 0; i < n; i++)
    for (guint k = pack->nb_offset[i]; k < pack->nb_offset[i + 1]; k++)
      net->g_sum[i] += pack->nb_g_w_k[k];

  return net;
}

void
_ps_thermal_network_free (PsThermalNetwork *net)
{
  if (net == NULL)
    return;

  _ps_state_block_clear (&net->block);
  g_free (net->ha_eff);
  g_free (net->tf);
  g_free (net->g_sum);
  g_free (net->inv_diag);
  g_free (net->rhs);
  g_free (net->blocked);
  g_free (net);
}

static void
update_cooling (PsThermalNetwork *net)
{
  const PsPack *pack = net->pack;

  net->coolant_flows = (pack->cooling == PS_COOLING_COLD_PLATE
                        && net->cooling_enabled && pack->n_channels > 0);
  net->coolant_mcp = pack->coolant_flow_kg_s * pack->coolant_cp_j_kg_k;

  for (guint i = 0; i < net->n_cells; i++)
    {
      double ha = pack->cell_ha_w_k[i];

      if (!net->cooling_enabled || (net->blocked != NULL && net->blocked[i]))
        ha = MIN (ha, PS_H_NATURAL_W_M2K * pack->cell_w[i] * pack->cell_h[i]);
      net->ha_eff[i] = ha;
      net->tf[i] = net->coolant_flows && (net->blocked == NULL || !net->blocked[i])
                   ? net->coolant_inlet_k : net->ambient_k;
    }

  if (net->coolant_flows)
    {
      /* a segment of effectiveness 1 - exp(-NTU) */
      for (guint k = 0; k < pack->channel_offset[pack->n_channels]; k++)
        {
          guint i = pack->channel_cells[k];

          /* a blocked cell keeps natural convection to the ambient */
          if (net->blocked != NULL && net->blocked[i])
            continue;
          net->ha_eff[i] = net->coolant_mcp * -expm1 (-pack->cell_ha_w_k[i] / net->coolant_mcp);
        }
    }

  net->thermal_dt = 0.0;
}

void
_ps_thermal_network_set_conditions (PsThermalNetwork *net,
                                    double            ambient_k,
                                    gboolean          cooling_enabled)
{
  net->ambient_k = ambient_k;
  net->cooling_enabled = !!cooling_enabled;
  update_cooling (net);
}

void
_ps_thermal_network_set_blocked (PsThermalNetwork *net,
                                 const guint8     *blocked)
{
  if (blocked == NULL)
    g_clear_pointer (&net->blocked, g_free);
  else
    {
      if (net->blocked == NULL)
        net->blocked = g_new0 (guint8, net->n_cells);
      memcpy (net->blocked, blocked, net->n_cells);
    }
  update_cooling (net);
}

void
_ps_thermal_network_reset (PsThermalNetwork *net,
                           double            temp_k,
                           double            ambient_k,
                           gboolean          cooling_enabled)
{
  _ps_state_block_zero (&net->block);
  for (guint i = 0; i < net->n_cells; i++)
    net->s[T_TEMP][i] = temp_k;

  _ps_thermal_network_set_conditions (net, ambient_k, cooling_enabled);

  net->sc.heat_removed_j = 0.0;
  net->sc.temp_max_k = temp_k;
  net->sc.temp_min_k = temp_k;
  net->sc.coolant_outlet_k = net->pack->cooling == PS_COOLING_COLD_PLATE
                             ? net->coolant_inlet_k : net->ambient_k;
}

/* Coolant temperatures along every channel for the cell temperatures temp;
 * returns the hottest outlet. */
static double
update_coolant (PsThermalNetwork *net,
                const double     *temp)
{
  const PsPack *pack = net->pack;
  double inlet = net->coolant_inlet_k;
  double outlet_max = inlet;
  double inv_mcp = 1.0 / net->coolant_mcp;

  for (guint c = 0; c < pack->n_channels; c++)
    {
      double t_fluid = inlet;

      for (guint k = pack->channel_offset[c]; k < pack->channel_offset[c + 1]; k++)
        {
          guint i = pack->channel_cells[k];

          if (net->blocked != NULL && net->blocked[i])
            continue;
          net->tf[i] = t_fluid;
          t_fluid += net->ha_eff[i] * (temp[i] - t_fluid) * inv_mcp;
        }
      outlet_max = MAX (outlet_max, t_fluid);
    }

  return outlet_max;
}

void
_ps_thermal_network_set_workers (PsThermalNetwork *net,
                                 PsWorkers        *workers)
{
  net->workers = workers;
}

typedef struct
{
  PsThermalNetwork *net;
  const double     *heat;
} RhsJob;

/* The right-hand side of cells [i0, i1), at the start of the step:
 *   q_i + sum_j G_ij (T_j - T_i) + ha_i (T_f,i - T_i)
 * (each cell's own sum, so the same whatever the threads). Two
 * accumulators, as the neighbour sums are latency bound. */
static void
rhs_cells (gpointer data,
           guint    block,
           guint    i0,
           guint    i1)
{
  const RhsJob *job = data;
  PsThermalNetwork *net = job->net;
  const PsPack *pack = net->pack;
  const guint *nb_offset = pack->nb_offset;
  const guint *nb_index = pack->nb_index;
  const double *nb_g = pack->nb_g_w_k;
  const double *temp = net->s[T_TEMP];
  const double *heat = job->heat;

  for (guint i = i0; i < i1; i++)
    {
      guint k = nb_offset[i], end = nb_offset[i + 1];
      double t = temp[i];
      double r = heat[i] + net->ha_eff[i] * (net->tf[i] - t);
      double c2 = 0.0;

      for (; k + 1 < end; k += 2)
        {
          r += nb_g[k] * (temp[nb_index[k]] - t);
          c2 += nb_g[k + 1] * (temp[nb_index[k + 1]] - t);
        }
      if (k < end)
        r += nb_g[k] * (temp[nb_index[k]] - t);
      net->rhs[i] = r + c2;
    }
}

void
_ps_thermal_network_step (PsThermalNetwork *net,
                          const double     *heat,
                          double            dt)
{
  const PsPack *pack = net->pack;
  const guint *nb_offset = pack->nb_offset;
  const guint *nb_index = pack->nb_index;
  const double *nb_g = pack->nb_g_w_k;
  double *temp = net->s[T_TEMP];
  double *dtemp = net->s[T_DTEMP];
  double *rhs = net->rhs;
  const double *ha = net->ha_eff;
  const double *tf = net->tf;
  const double *inv_diag = net->inv_diag;
  double c_dt = net->heat_capacity_j_k / dt;
  guint n = net->n_cells;
  double removed_w = 0.0, t_max, t_min, d_max = 0.0;
  RhsJob job = { net, heat };

  if (net->thermal_dt != dt)
    {
      for (guint i = 0; i < n; i++)
        net->inv_diag[i] = 1.0 / (c_dt + net->g_sum[i] + ha[i]);
      net->thermal_dt = dt;
    }

  /* The coolant along each channel is warmed by the cells at the start of
   * the step (the fluid holds no heat, so this is a quasi-static profile);
   * the heat it removes over the step is counted with that same profile, so
   * the energy balance is exact. */
  if (net->coolant_flows)
    net->sc.coolant_outlet_k = update_coolant (net, temp);
  else if (pack->cooling == PS_COOLING_COLD_PLATE)
    net->sc.coolant_outlet_k = net->coolant_inlet_k;
  else
    net->sc.coolant_outlet_k = net->ambient_k;

  /* Backward Euler in delta form, d_i = T_i(t + dt) - T_i(t):
   *   (C/dt + sum_j G_ij + ha_i) d_i - sum_j G_ij d_j
   *     = q_i + sum_j G_ij (T_j - T_i) + ha_i (T_f,i - T_i)
   * The right-hand side is exactly zero at equilibrium, so a pack at the
   * fluid temperature stays there to the last bit. Gauss-Seidel sweeps (the
   * matrix is symmetric and diagonally dominant, so they converge for every
   * dt), starting from the last step's change, which the temperatures'
   * smooth evolution makes a close guess. The right-hand side is each
   * cell's own (shared over the threads); the sweeps run on this one, in
   * cell order. Two accumulators, as the neighbour sums are latency
   * bound. */
  _ps_workers_run (net->workers, n, rhs_cells, &job);
  for (guint sweep = 0; sweep < PS_THERMAL_MAX_SWEEPS; sweep++)
    {
      double max_change = 0.0;

      for (guint i = 0; i < n; i++)
        {
          guint k = nb_offset[i], end = nb_offset[i + 1];
          double r = rhs[i], r2 = 0.0, d;

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
  t_min = INFINITY;
  for (guint i = 0; i < n; i++)
    {
      double t = temp[i] + dtemp[i];

      temp[i] = t;
      t_max = MAX (t_max, t);
      t_min = MIN (t_min, t);
      d_max = MAX (d_max, fabs (dtemp[i]));
      removed_w += ha[i] * (t - tf[i]);
    }
  net->sc.heat_removed_j += removed_w * dt;
  net->sc.temp_max_k = t_max;
  net->sc.temp_min_k = t_min;
  net->sc.change_max_k = d_max;
}

void
_ps_thermal_network_save (PsThermalNetwork *net)
{
  _ps_state_block_save (&net->block);
  net->saved_sc = net->sc;
}

void
_ps_thermal_network_restore (PsThermalNetwork *net)
{
  _ps_state_block_restore (&net->block);
  net->sc = net->saved_sc;
}

const double *
_ps_thermal_network_get_temp (PsThermalNetwork *net)
{
  return net->s[T_TEMP];
}

double
_ps_thermal_network_get_temp_max (PsThermalNetwork *net)
{
  return net->sc.temp_max_k;
}

double
_ps_thermal_network_get_temp_min (PsThermalNetwork *net)
{
  return net->sc.temp_min_k;
}

const double *
_ps_thermal_network_get_change (PsThermalNetwork *net)
{
  return net->s[T_DTEMP];
}

double
_ps_thermal_network_get_change_max (PsThermalNetwork *net)
{
  return net->sc.change_max_k;
}

double
_ps_thermal_network_get_coolant_outlet (PsThermalNetwork *net)
{
  return net->sc.coolant_outlet_k;
}

double
_ps_thermal_network_get_heat_removed_j (PsThermalNetwork *net)
{
  return net->sc.heat_removed_j;
}
