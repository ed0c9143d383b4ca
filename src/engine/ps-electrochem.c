/* ps-electrochem.c: physics parameter sets, their JSON and their functions
 *
 * Schema of resources/electrochem/<id>.json (every member required unless
 * marked optional; unknown members are errors; SI units, the unit in the
 * member's name where it helps):
 *
 * {
 *   "id": "chen2020", "name": "...", "source": "..." or ["...", ...],
 *   "base": "marquis2019"          optional: start from that set, the members
 *                                  given here replace its members (objects
 *                                  merge member by member)
 *   "negative_electrode" / "positive_electrode": {
 *     "thickness_m", "porosity", "active_fraction", "particle_radius_m",
 *     "c_max_mol_m3", "c_init_mol_m3", "conductivity_s_m",
 *     "bruggeman_electrolyte", "bruggeman_electrode",
 *     "j0_m_ref", "j0_activation_energy_j_mol", "charge_transfer_coefficient",
 *     "j0_reference_temperature_k" (optional: the Arrhenius reference of
 *                                   j0, default 298.15 K),
 *     "diffusivity_m2_s": FUNCTION of (sto, T),
 *     "ocp_v": FUNCTION of sto, "dudt_v_k": FUNCTION of sto,
 *     "density_kg_m3", "cp_j_kg_k", "thermal_conductivity_w_mk" },
 *   "separator": { "thickness_m", "porosity", "bruggeman", "density_kg_m3",
 *                  "cp_j_kg_k", "thermal_conductivity_w_mk" },
 *   "electrolyte": { "c_e0_mol_m3", "transference_number", "thermodynamic_factor",
 *                    "diffusivity_m2_s": FUNCTION of (c_e, T),
 *                    "conductivity_s_m": FUNCTION of (c_e, T) },
 *   "negative_current_collector" / "positive_current_collector": {
 *     "thickness_m", "conductivity_s_m", "density_kg_m3", "cp_j_kg_k",
 *     "thermal_conductivity_w_mk" },
 *   "cell": { "electrode_height_m", "electrode_width_m", "electrode_pairs",
 *             "capacity_ah", "voltage_min_v", "voltage_max_v",
 *             "contact_resistance_ohm" },
 *   "thermal": { "reference_temperature_k", "initial_temperature_k",
 *                "heat_transfer_coefficient_w_m2k", "cooling_area_m2",
 *                "volume_m3" }
 * }
 *
 * FUNCTION is one of
 *   { "value": 3.3e-14 }                          a constant
 *   { "fit": "graphite-chen2020" }                a published fit (below)
 *   { "x": [...], "y": [...] }                    a table, linear in x
 *   { "expression": "..." }                       a BPX expression in x
 * each with an optional "activation_energy_j_mol" (Arrhenius on top, about
 * "reference_temperature_k", default 298.15 K) and an optional "factor".
 * The fits of (c_e, T) (valoen2005, ecker2015 electrolytes) carry their own
 * temperature dependence.
 *
 * sto_0 and sto_100 (the stoichiometries at 0 % and 100 % SOC) are derived as
 * PyBaMM's electrode state-of-health solver does: the cyclable lithium of the
 * initial concentrations is kept, and the OCV is voltage_min_v at 0 % and
 * voltage_max_v at 100 %.
 */
#include "config.h"

#include <math.h>
#include <string.h>

#include <gio/gio.h>
#include <json-glib/json-glib.h>

#include "ps-electrochem-private.h"
#include "ps-error.h"
#include "ps-json-private.h"

#define EC_RESOURCE_DIR   RESOURCE_PREFIX "/electrochem/"
#define MAX_EC_FILE_SIZE  (16 * 1024 * 1024)
#define MAX_BASE_DEPTH    4

/* --------------------------------------------------------- published fits */

static inline double
sech2 (double x)
{
  double c;

  if (fabs (x) > 300.0)
    return 0.0;
  c = cosh (x);
  return 1.0 / (c * c);
}

/* Graphite-SiOx OCP, Chen et al. JES 167 (2020) 080534, eq. (8); as in
 * PyBaMM's Chen2020.py (PARAMETERS.md section 1). */
static double
ocp_graphite_chen2020 (double x)
{
  return 1.9793 * exp (-39.3631 * x) + 0.2482
         - 0.0909 * tanh (29.8538 * (x - 0.1234))
         - 0.04478 * tanh (14.9159 * (x - 0.2769))
         - 0.0205 * tanh (30.4444 * (x - 0.6103));
}

/* NMC811 OCP, Chen et al. (2020), eq. (9) (PARAMETERS.md section 1). */
static double
ocp_nmc811_chen2020 (double y)
{
  return -0.8090 * y + 4.4875
         - 0.0428 * tanh (18.5138 * (y - 0.5542))
         - 17.7326 * tanh (15.7890 * (y - 0.3117))
         + 17.5842 * tanh (15.9308 * (y - 0.3120));
}

/* Graphite MCMB2528 OCP, Dualfoil fit as in Marquis et al. JES 166 (2019)
 * A3693 (PyBaMM Marquis2019.py; PARAMETERS.md section 2). */
static double
ocp_graphite_marquis2019 (double x)
{
  return 0.194 + 1.5 * exp (-120.0 * x)
         + 0.0351 * tanh ((x - 0.286) / 0.083)
         - 0.0045 * tanh ((x - 0.849) / 0.119)
         - 0.035 * tanh ((x - 0.9233) / 0.05)
         - 0.0147 * tanh ((x - 0.5) / 0.034)
         - 0.102 * tanh ((x - 0.194) / 0.142)
         - 0.022 * tanh ((x - 0.9) / 0.0164)
         - 0.011 * tanh ((x - 0.124) / 0.0226)
         + 0.0155 * tanh ((x - 0.105) / 0.029);
}

/* LiCoO2 OCP, Dualfoil fit with the stretch s = 1.062 y (Marquis 2019;
 * PARAMETERS.md section 2). */
static double
ocp_lico2_marquis2019 (double y)
{
  double s = 1.062 * y;

  return 2.16216 + 0.07645 * tanh (30.834 - 54.4806 * s)
         + 2.1581 * tanh (52.294 - 50.294 * s)
         - 0.14169 * tanh (11.0923 - 19.8543 * s)
         + 0.2051 * tanh (1.4684 - 5.4888 * s)
         + 0.2531 * tanh ((-s + 0.56478) / 0.1316)
         - 0.02167 * tanh ((s - 0.525) / 0.006);
}

/* Graphite entropic change, Moura's fastDFN (as PyBaMM's
 * graphite_entropic_change_Moura2016 in Marquis2019.py), with its 1/c_max
 * factors at c_max = 24983.2619938437 mol/m3 (PARAMETERS.md section 2). */
static double
dudt_graphite_moura2016 (double x)
{
  const double c = 24983.2619938437;

  return -1.5 * (120.0 / c) * exp (-120.0 * x)
         + (0.0351 / (0.083 * c)) * sech2 ((x - 0.286) / 0.083)
         - (0.0045 / (0.119 * c)) * sech2 ((x - 0.849) / 0.119)
         - (0.035 / (0.05 * c)) * sech2 ((x - 0.9233) / 0.05)
         - (0.0147 / (0.034 * c)) * sech2 ((x - 0.5) / 0.034)
         - (0.102 / (0.142 * c)) * sech2 ((x - 0.194) / 0.142)
         - (0.022 / (0.0164 * c)) * sech2 ((x - 0.9) / 0.0164)
         - (0.011 / (0.0226 * c)) * sech2 ((x - 0.124) / 0.0226)
         + (0.0155 / (0.029 * c)) * sech2 ((x - 0.105) / 0.029);
}

/* LiCoO2 entropic change, Moura's fastDFN (PyBaMM's
 * lico2_entropic_change_Moura2016), stretch 1.062, c_max = 51217.9257309275. */
static double
dudt_lico2_moura2016 (double y)
{
  const double c = 51217.9257309275;
  double s = 1.062 * y;

  return 0.07645 * (-54.4806 / c) * sech2 (30.834 - 54.4806 * s)
         + 2.1581 * (-50.294 / c) * sech2 (52.294 - 50.294 * s)
         + 0.14169 * (19.854 / c) * sech2 (11.0923 - 19.8543 * s)
         - 0.2051 * (5.4888 / c) * sech2 (1.4684 - 5.4888 * s)
         - (0.2531 / 0.1316 / c) * sech2 ((-s + 0.56478) / 0.1316)
         - (0.02167 / 0.006 / c) * sech2 ((s - 0.525) / 0.006);
}

/* LiPF6 in EC:EMC 3:7, Nyman et al. Electrochim. Acta 53 (2008) 6356, as in
 * Chen2020 (PARAMETERS.md section 1): no temperature dependence. */
static double
de_nyman2008 (double c_e)
{
  double c = c_e / 1000.0;

  return 8.794e-11 * c * c - 3.972e-10 * c + 4.862e-10;
}

static double
kappa_nyman2008 (double c_e)
{
  double c = c_e / 1000.0;

  return 0.1297 * c * c * c - 2.51 * pow (c, 1.5) + 3.329 * c;
}

/* LiPF6 in EC:DMC, Capiglia et al. J. Power Sources 81 (1999) 859 (the
 * Dualfoil fits of Marquis 2019; PARAMETERS.md section 2). The Arrhenius
 * factors (37040 and 34700 J/mol) are given in the set's JSON. */
static double
de_capiglia1999 (double c_e)
{
  return 5.34e-10 * exp (-0.65 * c_e / 1000.0);
}

static double
kappa_capiglia1999 (double c_e)
{
  double c = c_e / 1000.0;

  return 0.0911 + 1.9101 * c - 1.052 * c * c + 0.1554 * c * c * c;
}

/* Graphite entropic change of the Enertech cell, Ai et al. J. Electrochem.
 * Soc. 167 (2020) 013512: a ratio of two polynomials of degree 8 in x, in
 * mV/K (PyBaMM's graphite_entropy_Enertech_Ai2020_function, which scales it
 * by 1e-3 to V/K). */
static double
dudt_graphite_ai2020 (double x)
{
  static const double num[9] = {
    0.005269056, 3.299265709, -91.79325798, 1004.911008, -5812.278127,
    19329.7549, -37147.8947, 38379.18127, -16515.05308
  };
  static const double den[9] = {
    1.0, -48.09287227, 1017.234804, -10481.80419, 59431.3,
    -195881.6488, 374577.3152, -385821.1607, 165705.8597
  };
  double a = 0.0, b = 0.0;

  for (int k = 8; k >= 0; k--)
    {
      a = a * x + num[k];
      b = b * x + den[k];
    }
  return 1e-3 * a / b;
}

/* LiCoO2 entropic change of the same cell (Ai 2020): a polynomial of degree
 * 7 in y, V/K; meant for the cell's window (y about 0.43 to 0.99: below
 * y = 0.15 it exceeds 10 mV/K) */
static double
dudt_lico2_ai2020 (double y)
{
  static const double c[8] = {
    0.109667298, -1.30382445, 6.54799331, -17.992018,
    29.1744564, -27.9047599, 14.5719049, -3.20392657
  };
  double v = 0.0;

  for (int k = 7; k >= 0; k--)
    v = v * y + c[k];
  return v;
}

/* LiPF6 in EC:DMC, Valoen and Reimers, J. Electrochem. Soc. 152 (2005)
 * A882, as used by Ai 2020 (c in mol/L inside). Their diffusivity is in
 * cm2/s: 1e-4 m2/s per cm2/s here (PyBaMM's electrolyte_diffusivity_Ai2020
 * leaves that factor out, so its D_e is 1e4 times too large, about 3e-6
 * m2/s; PyBaMM pull request 3635). */
static double
de_valoen2005 (double c_e,
               double temp_k)
{
  double c = c_e / 1000.0;

  return 1e-4 * pow (10.0, -4.43 - 54.0 / (temp_k - 229.0 - 5.0 * c) - 0.22 * c);
}

/* conductivity, S/m: c (mol/L) times a quadratic in c and T, squared, in
 * mS/cm (0.1 S/m per mS/cm) */
static double
kappa_valoen2005 (double c_e,
                  double temp_k)
{
  double c = c_e / 1000.0, t = temp_k;
  double q = (-10.5 + 0.668 * c + 0.494 * c * c)
             + (0.074 - 0.0178 * c - 8.86e-4 * c * c) * t
             + (-6.96e-5 + 2.8e-5 * c) * t * t;

  return 0.1 * c * q * q;
}

/* Graphite OCP of the Kokam cell, Ecker et al. J. Electrochem. Soc. 162
 * (2015) A1836, as the analytic fit of Richardson et al., Electrochim. Acta
 * 339 (2020) 135862 (S. O'Kane; PyBaMM's graphite_ocp_Ecker2015) */
static double
ocp_graphite_ecker2015 (double x)
{
  return 0.716502 * exp (-369.028 * x) + 0.12193 * exp (-35.6478 * (x - 0.0530947))
         - 0.0189193 * tanh (21.1967 * (x - 0.196176))
         - 0.0169644 * tanh (27.1365 * (x - 0.312832))
         - 0.0199313 * tanh (28.5697 * (x - 0.614221))
         - 0.931153 * exp (36.328 * (x - 1.10743)) + 0.140031;
}

/* NCO (LiNiCoO2) OCP of the same cell and fit (PyBaMM's nco_ocp_Ecker2015) */
static double
ocp_nco_ecker2015 (double y)
{
  return -2.35211 * y - 0.0747061 * tanh (31.886 * (y - 0.0219921))
         + 6.34984 * tanh (2.66395 * (y - 0.174352))
         - 0.640243 * tanh (5.48623 * (y - 0.439245))
         - 3.82383 * tanh (4.12167 * (y - 0.176187))
         - 0.0542123 * tanh (18.2919 * (y - 0.762272)) + 4.23285;
}

/* Solid diffusivities of the Ecker cell at its reference temperature (the
 * Arrhenius factors, about 296 K and 296.15 K, are in the set's JSON) */
static double
ds_graphite_ecker2015 (double x)
{
  return 8.4e-13 * exp (-11.3 * x) + 8.2e-15;
}

static double
ds_nco_ecker2015 (double y)
{
  return 3.7e-13 - 3.4e-13 * exp (-12.0 * (y - 0.62) * (y - 0.62));
}

/* LiPF6 in EC:DMC of the Ecker cell: a cubic in c (mol/L) at 296 K, with
 * kappa T Arrhenius-like about 296 K (E = 17.1 kJ/mol) */
static double
kappa_ecker2015 (double c_e,
                 double temp_k)
{
  double c = c_e / 1000.0;
  double k296 = ((0.2667 * c - 1.2983) * c + 1.7919) * c + 0.1726;

  return k296 * (296.0 / temp_k) * exp (17100.0 / PS_GAS_CONSTANT * (1.0 / 296.0 - 1.0 / temp_k));
}

/* its diffusivity from the conductivity, Nernst-Einstein: D = k_B T kappa /
 * (F q_e c) */
static double
de_ecker2015 (double c_e,
              double temp_k)
{
  const double k_b = 1.380649e-23, q_e = 1.602176634e-19;

  if (c_e <= 0.0)
    return 0.0;
  return k_b / (PS_FARADAY * q_e) * kappa_ecker2015 (c_e, temp_k) * temp_k / c_e;
}

static const struct
{
  const char  *name;
  PsEcBuiltin  id;
} builtin_names[] = {
  { "graphite-chen2020",          PS_EC_BUILTIN_OCP_GRAPHITE_CHEN2020 },
  { "nmc811-chen2020",            PS_EC_BUILTIN_OCP_NMC811_CHEN2020 },
  { "graphite-mcmb2528-marquis2019", PS_EC_BUILTIN_OCP_GRAPHITE_MCMB2528_MARQUIS2019 },
  { "lico2-marquis2019",          PS_EC_BUILTIN_OCP_LICO2_MARQUIS2019 },
  { "graphite-entropic-moura2016", PS_EC_BUILTIN_DUDT_GRAPHITE_MOURA2016 },
  { "lico2-entropic-moura2016",   PS_EC_BUILTIN_DUDT_LICO2_MOURA2016 },
  { "electrolyte-diffusivity-nyman2008",     PS_EC_BUILTIN_DE_NYMAN2008 },
  { "electrolyte-conductivity-nyman2008",    PS_EC_BUILTIN_KAPPA_NYMAN2008 },
  { "electrolyte-diffusivity-capiglia1999",  PS_EC_BUILTIN_DE_CAPIGLIA1999 },
  { "electrolyte-conductivity-capiglia1999", PS_EC_BUILTIN_KAPPA_CAPIGLIA1999 },
  { "graphite-entropic-ai2020",   PS_EC_BUILTIN_DUDT_GRAPHITE_AI2020 },
  { "lico2-entropic-ai2020",      PS_EC_BUILTIN_DUDT_LICO2_AI2020 },
  { "electrolyte-diffusivity-valoen2005",    PS_EC_BUILTIN_DE_VALOEN2005 },
  { "electrolyte-conductivity-valoen2005",   PS_EC_BUILTIN_KAPPA_VALOEN2005 },
  { "graphite-ecker2015",         PS_EC_BUILTIN_OCP_GRAPHITE_ECKER2015 },
  { "nco-ecker2015",              PS_EC_BUILTIN_OCP_NCO_ECKER2015 },
  { "graphite-diffusivity-ecker2015", PS_EC_BUILTIN_DS_GRAPHITE_ECKER2015 },
  { "nco-diffusivity-ecker2015",  PS_EC_BUILTIN_DS_NCO_ECKER2015 },
  { "electrolyte-diffusivity-ecker2015",     PS_EC_BUILTIN_DE_ECKER2015 },
  { "electrolyte-conductivity-ecker2015",    PS_EC_BUILTIN_KAPPA_ECKER2015 },
};

/* x the stoichiometry or c_e; the fits of (c_e, T) read temp_k */
static double
builtin_eval (PsEcBuiltin id,
              double      x,
              double      temp_k)
{
  switch (id)
    {
    case PS_EC_BUILTIN_OCP_GRAPHITE_CHEN2020:
      return ocp_graphite_chen2020 (x);
    case PS_EC_BUILTIN_OCP_NMC811_CHEN2020:
      return ocp_nmc811_chen2020 (x);
    case PS_EC_BUILTIN_OCP_GRAPHITE_MCMB2528_MARQUIS2019:
      return ocp_graphite_marquis2019 (x);
    case PS_EC_BUILTIN_OCP_LICO2_MARQUIS2019:
      return ocp_lico2_marquis2019 (x);
    case PS_EC_BUILTIN_DUDT_GRAPHITE_MOURA2016:
      return dudt_graphite_moura2016 (x);
    case PS_EC_BUILTIN_DUDT_LICO2_MOURA2016:
      return dudt_lico2_moura2016 (x);
    case PS_EC_BUILTIN_DE_NYMAN2008:
      return de_nyman2008 (x);
    case PS_EC_BUILTIN_KAPPA_NYMAN2008:
      return kappa_nyman2008 (x);
    case PS_EC_BUILTIN_DE_CAPIGLIA1999:
      return de_capiglia1999 (x);
    case PS_EC_BUILTIN_KAPPA_CAPIGLIA1999:
      return kappa_capiglia1999 (x);
    case PS_EC_BUILTIN_DUDT_GRAPHITE_AI2020:
      return dudt_graphite_ai2020 (x);
    case PS_EC_BUILTIN_DUDT_LICO2_AI2020:
      return dudt_lico2_ai2020 (x);
    case PS_EC_BUILTIN_DE_VALOEN2005:
      return de_valoen2005 (x, temp_k);
    case PS_EC_BUILTIN_KAPPA_VALOEN2005:
      return kappa_valoen2005 (x, temp_k);
    case PS_EC_BUILTIN_OCP_GRAPHITE_ECKER2015:
      return ocp_graphite_ecker2015 (x);
    case PS_EC_BUILTIN_OCP_NCO_ECKER2015:
      return ocp_nco_ecker2015 (x);
    case PS_EC_BUILTIN_DS_GRAPHITE_ECKER2015:
      return ds_graphite_ecker2015 (x);
    case PS_EC_BUILTIN_DS_NCO_ECKER2015:
      return ds_nco_ecker2015 (x);
    case PS_EC_BUILTIN_DE_ECKER2015:
      return de_ecker2015 (x, temp_k);
    case PS_EC_BUILTIN_KAPPA_ECKER2015:
      return kappa_ecker2015 (x, temp_k);
    case PS_EC_BUILTIN_NONE:
    case PS_EC_N_BUILTINS:
    default:
      break;
    }
  g_return_val_if_reached (0.0);
}

/* ------------------------------------------------------------- functions */

static double
table_eval (const PsEcFunction *f,
            double              x)
{
  guint lo = 0, hi = f->n_points - 1;

  if (x <= f->x[0])
    return f->y[0];
  if (x >= f->x[hi])
    return f->y[hi];
  while (hi - lo > 1)
    {
      guint mid = (lo + hi) / 2;

      if (f->x[mid] <= x)
        lo = mid;
      else
        hi = mid;
    }
  return f->y[lo] + (x - f->x[lo]) * (f->y[hi] - f->y[lo]) / (f->x[hi] - f->x[lo]);
}

double
ps_ec_function_eval (const PsEcFunction *f,
                     double              x,
                     double              temp_k)
{
  double v;

  switch (f->kind)
    {
    case PS_EC_FUNC_CONSTANT:
      v = f->value;
      break;
    case PS_EC_FUNC_TABLE:
      v = f->value * table_eval (f, x);
      break;
    case PS_EC_FUNC_BUILTIN:
      v = f->value * builtin_eval (f->builtin, x, temp_k);
      break;
    case PS_EC_FUNC_EXPRESSION:
      v = f->value * _ps_ec_expr_eval (f->expr, x);
      break;
    default:
      g_return_val_if_reached (0.0);
    }
  return v * ps_electrochem_arrhenius_about (f->ea_j_mol, f->t_ref_k, temp_k);
}

void
ps_ec_function_clear (PsEcFunction *f)
{
  g_clear_pointer (&f->x, g_free);
  g_clear_pointer (&f->y, g_free);
  g_clear_pointer (&f->expr, _ps_ec_expr_free);
  f->n_points = 0;
}

void
ps_ec_function_copy (PsEcFunction       *dest,
                     const PsEcFunction *src)
{
  *dest = *src;
  if (src->x != NULL)
    dest->x = g_memdup2 (src->x, src->n_points * sizeof (double));
  if (src->y != NULL)
    dest->y = g_memdup2 (src->y, src->n_points * sizeof (double));
  if (src->expr != NULL)
    dest->expr = _ps_ec_expr_copy (src->expr);
}

/* ------------------------------------------------------------ evaluation */

double
ps_electrochem_dudt (const PsElectrochem *ec,
                     PsElectrodeId        which,
                     double               sto)
{
  return ps_ec_function_eval (&ec->electrode[which].dudt, sto, ec->t_ref_k);
}

double
ps_electrochem_ocp (const PsElectrochem *ec,
                    PsElectrodeId        which,
                    double               sto,
                    double               temp_k)
{
  const PsElectrode *el = &ec->electrode[which];
  double u = ps_ec_function_eval (&el->ocp, sto, ec->t_ref_k);

  if (temp_k != ec->t_ref_k)
    u += (temp_k - ec->t_ref_k) * ps_ec_function_eval (&el->dudt, sto, ec->t_ref_k);
  return u;
}

double
ps_electrochem_j0 (const PsElectrochem *ec,
                   PsElectrodeId        which,
                   double               c_e,
                   double               c_s,
                   double               temp_k)
{
  const PsElectrode *el = &ec->electrode[which];
  double room = el->c_max - c_s;

  if (c_e <= 0.0 || c_s <= 0.0 || room <= 0.0)
    return 0.0;
  return el->j0_m_ref * ps_electrochem_arrhenius_about (el->j0_ea_j_mol, el->j0_t_ref_k, temp_k)
         * sqrt (c_e * c_s * room);
}

double
ps_electrochem_d_s (const PsElectrochem *ec,
                    PsElectrodeId        which,
                    double               sto,
                    double               temp_k)
{
  return ps_ec_function_eval (&ec->electrode[which].diffusivity, sto, temp_k);
}

double
ps_electrochem_d_s_between (const PsElectrochem *ec,
                            PsElectrodeId        which,
                            double               sto_a,
                            double               sto_b,
                            double               temp_k)
{
  const PsEcFunction *f = &ec->electrode[which].diffusivity;
  double h, sum;

  if (f->kind == PS_EC_FUNC_CONSTANT || fabs (sto_b - sto_a) < 1e-6)
    return ps_electrochem_d_s (ec, which, 0.5 * (sto_a + sto_b), temp_k);
  /* Simpson over 8 intervals */
  h = (sto_b - sto_a) / 8.0;
  sum = ps_electrochem_d_s (ec, which, sto_a, temp_k) + ps_electrochem_d_s (ec, which, sto_b, temp_k);
  for (guint k = 1; k < 8; k++)
    sum += (k % 2 ? 4.0 : 2.0) * ps_electrochem_d_s (ec, which, sto_a + k * h, temp_k);
  return sum / 24.0;
}

double
ps_electrochem_d_e (const PsElectrochem *ec,
                    double               c_e,
                    double               temp_k)
{
  return ps_ec_function_eval (&ec->electrolyte.diffusivity, c_e, temp_k);
}

double
ps_electrochem_kappa_e (const PsElectrochem *ec,
                        double               c_e,
                        double               temp_k)
{
  return ps_ec_function_eval (&ec->electrolyte.conductivity, c_e, temp_k);
}

double
ps_electrochem_electrode_charge (const PsElectrochem *ec,
                                 PsElectrodeId        which)
{
  const PsElectrode *el = &ec->electrode[which];

  return PS_FARADAY * ec->area_m2 * ec->n_electrode_pairs
         * el->thickness_m * el->active_fraction * el->c_max;
}

double
ps_electrochem_window_capacity_ah (const PsElectrochem *ec)
{
  const PsElectrode *n = &ec->electrode[PS_ELECTRODE_NEG];

  return fabs (n->sto_100 - n->sto_0) * ps_electrochem_electrode_charge (ec, PS_ELECTRODE_NEG)
         / 3600.0;
}

void
ps_electrochem_sto_at_soc (const PsElectrochem *ec,
                           double               soc,
                           double              *sto_n,
                           double              *sto_p)
{
  const PsElectrode *n = &ec->electrode[PS_ELECTRODE_NEG];
  const PsElectrode *p = &ec->electrode[PS_ELECTRODE_POS];

  *sto_n = n->sto_0 + soc * (n->sto_100 - n->sto_0);
  *sto_p = p->sto_0 + soc * (p->sto_100 - p->sto_0);
}

double
ps_electrochem_ocv_at_soc (const PsElectrochem *ec,
                           double               soc,
                           double               temp_k)
{
  double x, y;

  ps_electrochem_sto_at_soc (ec, soc, &x, &y);
  return ps_electrochem_ocp (ec, PS_ELECTRODE_POS, y, temp_k)
         - ps_electrochem_ocp (ec, PS_ELECTRODE_NEG, x, temp_k);
}

/* ------------------------------------------------- the derived circuit */

double
_ps_electrochem_derive_ecm (const PsElectrochem *ec,
                            guint                n,
                            double              *soc,
                            double              *ocv,
                            double              *dudt_mv_k,
                            double              *r0,
                            double              *r1,
                            double              *c1,
                            double              *r2,
                            double              *c2)
{
  const PsElectrode *neg = &ec->electrode[PS_ELECTRODE_NEG];
  const PsElectrode *pos = &ec->electrode[PS_ELECTRODE_POS];
  double t_ref = ec->t_ref_k, c_e0 = ec->electrolyte.c_e0;
  double a_tot = ec->area_m2 * ec->n_electrode_pairs;
  double kappa = ps_electrochem_kappa_e (ec, c_e0, t_ref);
  double r_ohm, mean = 0.0;

  g_return_val_if_fail (n >= 2, 0.0);

  /* electrolyte over a third of each electrode and the separator, and the
   * electrodes' solid phase */
  r_ohm = (neg->thickness_m / (3.0 * kappa * pow (neg->porosity, neg->brug_electrolyte))
           + ec->separator.thickness_m / (kappa * pow (ec->separator.porosity, ec->separator.brug))
           + pos->thickness_m / (3.0 * kappa * pow (pos->porosity, pos->brug_electrolyte))
           + neg->thickness_m / (3.0 * neg->sigma_s_m) + pos->thickness_m / (3.0 * pos->sigma_s_m))
          / a_tot;
  for (guint i = 0; i < n; i++)
    {
      double s = (double) i / (n - 1);
      double sto[2], r_ct = 0.0, r_d[2], tau[2];

      ps_electrochem_sto_at_soc (ec, s, &sto[0], &sto[1]);
      for (guint e = 0; e < 2; e++)
        {
          const PsElectrode *el = &ec->electrode[e];
          double a = 3.0 * el->active_fraction / el->particle_radius_m;
          double j0 = ps_electrochem_j0 (ec, e, c_e0, sto[e] * el->c_max, t_ref);
          double d = ps_electrochem_d_s (ec, e, sto[e], t_ref);
          double h_sto = 1e-4;
          double du = fabs (ps_electrochem_ocp (ec, e, MIN (sto[e] + h_sto, 1.0 - 1e-9), t_ref)
                            - ps_electrochem_ocp (ec, e, MAX (sto[e] - h_sto, 1e-9), t_ref))
                      / (2.0 * h_sto);

          r_ct += PS_GAS_CONSTANT * t_ref
                  / (PS_FARADAY * MAX (j0, 1e-12) * a * el->thickness_m * a_tot);
          r_d[e] = du / el->c_max * el->particle_radius_m
                   / (5.0 * PS_FARADAY * d * a * el->thickness_m * a_tot);
          tau[e] = el->particle_radius_m * el->particle_radius_m / (20.19 * d);
        }
      soc[i] = s;
      ocv[i] = ps_electrochem_ocv_at_soc (ec, s, t_ref);
      /* a cell type's OCV must not fall as the SOC rises (a measured OCP
       * may wiggle on a plateau by a fraction of a mV) */
      if (i > 0 && ocv[i] < ocv[i - 1])
        ocv[i] = ocv[i - 1];
      dudt_mv_k[i] = 1e3 * (ps_electrochem_dudt (ec, PS_ELECTRODE_POS, sto[1])
                            - ps_electrochem_dudt (ec, PS_ELECTRODE_NEG, sto[0]));
      r0[i] = CLAMP (r_ohm + r_ct, 1e-6, 10.0);
      r1[i] = CLAMP (r_d[0], 1e-6, 10.0);
      c1[i] = CLAMP (tau[0] / r1[i], 1e-3, 1e9);
      r2[i] = CLAMP (r_d[1], 1e-6, 10.0);
      c2[i] = CLAMP (tau[1] / r2[i], 1e-3, 1e9);
      if (i > 0)
        mean += 0.5 * (ocv[i] + ocv[i - 1]) / (n - 1);
    }
  return mean;
}

/* ------------------------------------------------------------- lifecycle */

static void
electrode_clear (PsElectrode *el)
{
  ps_ec_function_clear (&el->diffusivity);
  ps_ec_function_clear (&el->ocp);
  ps_ec_function_clear (&el->dudt);
}

void
ps_electrochem_free (PsElectrochem *ec)
{
  if (ec == NULL)
    return;
  for (guint i = 0; i < 2; i++)
    electrode_clear (&ec->electrode[i]);
  ps_ec_function_clear (&ec->electrolyte.diffusivity);
  ps_ec_function_clear (&ec->electrolyte.conductivity);
  g_free (ec->id);
  g_free (ec->name);
  g_free (ec->source);
  g_free (ec);
}

PsElectrochem *
ps_electrochem_copy (const PsElectrochem *ec)
{
  PsElectrochem *copy = g_memdup2 (ec, sizeof *ec);

  copy->id = g_strdup (ec->id);
  copy->name = g_strdup (ec->name);
  copy->source = g_strdup (ec->source);
  for (guint i = 0; i < 2; i++)
    {
      ps_ec_function_copy (&copy->electrode[i].diffusivity, &ec->electrode[i].diffusivity);
      ps_ec_function_copy (&copy->electrode[i].ocp, &ec->electrode[i].ocp);
      ps_ec_function_copy (&copy->electrode[i].dudt, &ec->electrode[i].dudt);
    }
  ps_ec_function_copy (&copy->electrolyte.diffusivity, &ec->electrolyte.diffusivity);
  ps_ec_function_copy (&copy->electrolyte.conductivity, &ec->electrolyte.conductivity);
  return copy;
}

/* ------------------------------------------------------- the SOC window */

/* The OCV with x in the negative electrode and the positive where the
 * cyclable lithium n_li (in units of the negative electrode's charge) puts
 * it: y = (n_li - x) q_n / q_p. */
static double
ocv_for_x (const PsElectrochem *ec,
           double               x,
           double               n_li,
           double               ratio)
{
  double y = (n_li - x) * ratio;

  return ps_electrochem_ocp (ec, PS_ELECTRODE_POS, y, ec->t_ref_k)
         - ps_electrochem_ocp (ec, PS_ELECTRODE_NEG, x, ec->t_ref_k);
}

/* x in [lo, hi] (both stoichiometries inside (0, 1)) where the OCV is v;
 * the OCV rises with x. */
static gboolean
solve_x_for_voltage (const PsElectrochem *ec,
                     double               v,
                     double               n_li,
                     double               ratio,
                     double               lo,
                     double               hi,
                     double              *x)
{
  if (!(ocv_for_x (ec, lo, n_li, ratio) <= v && ocv_for_x (ec, hi, n_li, ratio) >= v))
    return FALSE;
  for (guint i = 0; i < 200 && hi - lo > 1e-15; i++)
    {
      double mid = 0.5 * (lo + hi);

      if (ocv_for_x (ec, mid, n_li, ratio) < v)
        lo = mid;
      else
        hi = mid;
    }
  *x = 0.5 * (lo + hi);
  return TRUE;
}

static gboolean
derive_soc_window (PsElectrochem *ec,
                   const char    *source,
                   GError       **error)
{
  PsElectrode *n = &ec->electrode[PS_ELECTRODE_NEG];
  PsElectrode *p = &ec->electrode[PS_ELECTRODE_POS];
  double q_n = ps_electrochem_electrode_charge (ec, PS_ELECTRODE_NEG);
  double q_p = ps_electrochem_electrode_charge (ec, PS_ELECTRODE_POS);
  double ratio = q_n / q_p;
  double n_li = n->sto_init + p->sto_init / ratio;
  double eps = 1e-9;
  /* x such that both stoichiometries lie in (0, 1) */
  double lo = MAX (eps, n_li - (1.0 - eps) / ratio);
  double hi = MIN (1.0 - eps, n_li - eps / ratio);

  if (!(lo < hi))
    {
      g_set_error (error, PS_ENGINE_ERROR, PS_ENGINE_ERROR_INVALID,
                   "%s: the initial concentrations leave no stoichiometry window "
                   "(cyclable lithium %.4g of the negative electrode's capacity)",
                   source, n_li);
      return FALSE;
    }
  if (!solve_x_for_voltage (ec, ec->voltage_max_v, n_li, ratio, lo, hi, &n->sto_100))
    {
      g_set_error (error, PS_ENGINE_ERROR, PS_ENGINE_ERROR_INVALID,
                   "%s: $.cell.voltage_max_v: the open-circuit voltage never reaches %.4g V "
                   "with the cyclable lithium of the initial concentrations "
                   "(%.4f to %.4f V)", source, ec->voltage_max_v,
                   ocv_for_x (ec, lo, n_li, ratio), ocv_for_x (ec, hi, n_li, ratio));
      return FALSE;
    }
  if (!solve_x_for_voltage (ec, ec->voltage_min_v, n_li, ratio, lo, hi, &n->sto_0))
    {
      g_set_error (error, PS_ENGINE_ERROR, PS_ENGINE_ERROR_INVALID,
                   "%s: $.cell.voltage_min_v: the open-circuit voltage never falls to %.4g V "
                   "with the cyclable lithium of the initial concentrations "
                   "(%.4f to %.4f V)", source, ec->voltage_min_v,
                   ocv_for_x (ec, lo, n_li, ratio), ocv_for_x (ec, hi, n_li, ratio));
      return FALSE;
    }
  p->sto_100 = (n_li - n->sto_100) * ratio;
  p->sto_0 = (n_li - n->sto_0) * ratio;
  return TRUE;
}

/* A given window: inside (0, 1), not empty, and the OCV at its ends near
 * the cut-offs (within 0.1 V: BPX files put theirs a few mV off). */
static gboolean
check_soc_window (PsElectrochem *ec,
                  const char    *source,
                  GError       **error)
{
  static const char * const paths[2] = { "$.negative_electrode", "$.positive_electrode" };
  double v0, v1;

  for (guint e = 0; e < 2; e++)
    {
      const PsElectrode *el = &ec->electrode[e];

      if (!(el->sto_0 > 0.0 && el->sto_0 < 1.0 && el->sto_100 > 0.0 && el->sto_100 < 1.0
            && el->sto_0 != el->sto_100))
        {
          g_set_error (error, PS_ENGINE_ERROR, PS_ENGINE_ERROR_INVALID,
                       "%s: %s.sto_0, sto_100: expected two different stoichiometries "
                       "between 0 and 1, got %g and %g", source, paths[e], el->sto_0, el->sto_100);
          return FALSE;
        }
    }
  v0 = ps_electrochem_ocv_at_soc (ec, 0.0, ec->t_ref_k);
  v1 = ps_electrochem_ocv_at_soc (ec, 1.0, ec->t_ref_k);
  if (!(fabs (v0 - ec->voltage_min_v) <= 0.1 && fabs (v1 - ec->voltage_max_v) <= 0.1))
    {
      g_set_error (error, PS_ENGINE_ERROR, PS_ENGINE_ERROR_INVALID,
                   "%s: $.negative_electrode.sto_0: the open-circuit voltage over the "
                   "stoichiometry window runs from %.4f to %.4f V, expected the cut-offs "
                   "%.4g and %.4g V within 0.1 V", source, v0, v1,
                   ec->voltage_min_v, ec->voltage_max_v);
      return FALSE;
    }
  return TRUE;
}

static gboolean
check_range (double      value,
             double      min,
             double      max,
             const char *source,
             const char *path,
             GError    **error)
{
  if (isfinite (value) && value >= min && value <= max)
    return TRUE;
  g_set_error (error, PS_ENGINE_ERROR, PS_ENGINE_ERROR_INVALID,
               "%s: %s: expected a number from %g to %g, got %g",
               source, path, min, max, value);
  return FALSE;
}

static gboolean
check_positive (double      value,
                double      max,
                const char *source,
                const char *path,
                GError    **error)
{
  if (isfinite (value) && value > 0.0 && value <= max)
    return TRUE;
  g_set_error (error, PS_ENGINE_ERROR, PS_ENGINE_ERROR_INVALID,
               "%s: %s: expected a number in (0, %g], got %g",
               source, path, max, value);
  return FALSE;
}

/* f positive and finite over [x0, x1] at t_ref (sampled) */
static gboolean
check_function_positive (const PsEcFunction *f,
                         double              x0,
                         double              x1,
                         const char         *source,
                         const char         *path,
                         GError            **error)
{
  for (guint i = 0; i <= 64; i++)
    {
      double x = x0 + (x1 - x0) * i / 64.0;
      double v = ps_ec_function_eval (f, x, PS_EC_T_REF_K);

      if (!isfinite (v) || v <= 0.0)
        {
          g_set_error (error, PS_ENGINE_ERROR, PS_ENGINE_ERROR_INVALID,
                       "%s: %s: expected a positive value over %g..%g, got %g at %g",
                       source, path, x0, x1, v, x);
          return FALSE;
        }
    }
  return TRUE;
}

static gboolean
check_function_finite (const PsEcFunction *f,
                       double              x0,
                       double              x1,
                       double              lo,
                       double              hi,
                       const char         *source,
                       const char         *path,
                       GError            **error)
{
  for (guint i = 0; i <= 64; i++)
    {
      double x = x0 + (x1 - x0) * i / 64.0;
      double v = ps_ec_function_eval (f, x, PS_EC_T_REF_K);

      if (!isfinite (v) || v < lo || v > hi)
        {
          g_set_error (error, PS_ENGINE_ERROR, PS_ENGINE_ERROR_INVALID,
                       "%s: %s: expected values from %g to %g over the stoichiometry, "
                       "got %g at %g", source, path, lo, hi, v, x);
          return FALSE;
        }
    }
  return TRUE;
}

gboolean
ps_electrochem_finish (PsElectrochem *ec,
                       const char    *source,
                       GError       **error)
{
  static const char * const el_names[2] = { "$.negative_electrode", "$.positive_electrode" };
  double c_e0 = ec->electrolyte.c_e0;

  for (guint i = 0; i < 2; i++)
    {
      PsElectrode *el = &ec->electrode[i];
      g_autofree char *p_l = g_strconcat (el_names[i], ".thickness_m", NULL);
      g_autofree char *p_eps = g_strconcat (el_names[i], ".porosity", NULL);
      g_autofree char *p_am = g_strconcat (el_names[i], ".active_fraction", NULL);
      g_autofree char *p_r = g_strconcat (el_names[i], ".particle_radius_m", NULL);
      g_autofree char *p_cmax = g_strconcat (el_names[i], ".c_max_mol_m3", NULL);
      g_autofree char *p_init = g_strconcat (el_names[i], ".c_init_mol_m3", NULL);
      g_autofree char *p_sig = g_strconcat (el_names[i], ".conductivity_s_m", NULL);
      g_autofree char *p_m = g_strconcat (el_names[i], ".j0_m_ref", NULL);
      g_autofree char *p_ds = g_strconcat (el_names[i], ".diffusivity_m2_s", NULL);
      g_autofree char *p_ocp = g_strconcat (el_names[i], ".ocp_v", NULL);
      g_autofree char *p_dudt = g_strconcat (el_names[i], ".dudt_v_k", NULL);
      g_autofree char *p_alpha = g_strconcat (el_names[i], ".charge_transfer_coefficient", NULL);
      g_autofree char *p_j0t = g_strconcat (el_names[i], ".j0_reference_temperature_k", NULL);

      if (!check_positive (el->thickness_m, 1e-2, source, p_l, error)
          || !check_positive (el->porosity, 1.0, source, p_eps, error)
          || !check_positive (el->active_fraction, 1.0, source, p_am, error)
          || !check_positive (el->particle_radius_m, 1e-3, source, p_r, error)
          || !check_positive (el->c_max, 1e6, source, p_cmax, error)
          || !check_positive (el->sigma_s_m, 1e9, source, p_sig, error)
          || !check_positive (el->j0_m_ref, 1e3, source, p_m, error)
          || !check_range (el->alpha, 0.5, 0.5, source, p_alpha, error)
          || !check_range (el->brug_electrolyte, 0.0, 10.0, source, "bruggeman_electrolyte", error)
          || !check_range (el->brug_electrode, 0.0, 10.0, source, "bruggeman_electrode", error)
          || !check_range (el->j0_ea_j_mol, 0.0, 5e5, source, "j0_activation_energy_j_mol", error)
          || (el->j0_t_ref_k != 0.0
              && !check_range (el->j0_t_ref_k, 173.15, 473.15, source, p_j0t, error)))
        return FALSE;
      if (el->porosity + el->active_fraction > 1.0 + 1e-9)
        {
          g_set_error (error, PS_ENGINE_ERROR, PS_ENGINE_ERROR_INVALID,
                       "%s: %s: porosity %g and active fraction %g add up to more than 1",
                       source, p_am, el->porosity, el->active_fraction);
          return FALSE;
        }
      if (!(el->sto_init > 0.0 && el->sto_init < 1.0))
        {
          g_set_error (error, PS_ENGINE_ERROR, PS_ENGINE_ERROR_INVALID,
                       "%s: %s: expected a concentration between 0 and c_max (%g), got %g",
                       source, p_init, el->c_max, el->sto_init * el->c_max);
          return FALSE;
        }
      /* over the stoichiometries the cell uses: a given window, else all
       * (fits such as BPX's LFP OCP blow up outside their window) */
      {
        double x0 = ec->window_given ? MIN (el->sto_0, el->sto_100) : 0.001;
        double x1 = ec->window_given ? MAX (el->sto_0, el->sto_100) : 0.999;

        if (!check_function_positive (&el->diffusivity, x0, x1, source, p_ds, error)
            || !check_function_finite (&el->ocp, x0, x1, -1.0, 10.0, source, p_ocp, error))
          return FALSE;
      }
    }
  if (!check_positive (ec->separator.thickness_m, 1e-2, source, "$.separator.thickness_m", error)
      || !check_positive (ec->separator.porosity, 1.0, source, "$.separator.porosity", error)
      || !check_range (ec->separator.brug, 0.0, 10.0, source, "$.separator.bruggeman", error)
      || !check_positive (c_e0, 1e5, source, "$.electrolyte.c_e0_mol_m3", error)
      || !check_range (ec->electrolyte.t_plus, 0.0, 0.99, source, "$.electrolyte.transference_number", error)
      || !check_positive (ec->electrolyte.thermodynamic_factor, 100.0, source,
                          "$.electrolyte.thermodynamic_factor", error)
      || !check_function_positive (&ec->electrolyte.diffusivity, 0.1 * c_e0, 2.0 * c_e0,
                                   source, "$.electrolyte.diffusivity_m2_s", error)
      || !check_function_positive (&ec->electrolyte.conductivity, 0.1 * c_e0, 2.0 * c_e0,
                                   source, "$.electrolyte.conductivity_s_m", error)
      || !check_positive (ec->electrode_height_m, 100.0, source, "$.cell.electrode_height_m", error)
      || !check_positive (ec->electrode_width_m, 100.0, source, "$.cell.electrode_width_m", error)
      || !check_positive (ec->capacity_ah, 1e4, source, "$.cell.capacity_ah", error)
      || !check_positive (ec->voltage_min_v, 10.0, source, "$.cell.voltage_min_v", error)
      || !check_positive (ec->voltage_max_v, 10.0, source, "$.cell.voltage_max_v", error)
      || !check_range (ec->contact_resistance_ohm, 0.0, 10.0, source, "$.cell.contact_resistance_ohm", error)
      || !check_range (ec->t_ref_k, 173.15, 473.15, source, "$.thermal.reference_temperature_k", error)
      || !check_range (ec->t_init_k, 173.15, 473.15, source, "$.thermal.initial_temperature_k", error)
      || !check_range (ec->h_w_m2k, 0.0, 1e5, source, "$.thermal.heat_transfer_coefficient_w_m2k", error)
      || !check_positive (ec->cooling_area_m2, 100.0, source, "$.thermal.cooling_area_m2", error)
      || !check_positive (ec->volume_m3, 10.0, source, "$.thermal.volume_m3", error))
    return FALSE;
  if (ec->n_electrode_pairs < 1 || ec->n_electrode_pairs > 10000)
    {
      g_set_error (error, PS_ENGINE_ERROR, PS_ENGINE_ERROR_INVALID,
                   "%s: $.cell.electrode_pairs: expected an integer from 1 to 10000, got %u",
                   source, ec->n_electrode_pairs);
      return FALSE;
    }
  if (!(ec->voltage_min_v < ec->voltage_max_v))
    {
      g_set_error (error, PS_ENGINE_ERROR, PS_ENGINE_ERROR_INVALID,
                   "%s: $.cell.voltage_min_v: expected below voltage_max_v (%g V), got %g V",
                   source, ec->voltage_max_v, ec->voltage_min_v);
      return FALSE;
    }
  ec->area_m2 = ec->electrode_height_m * ec->electrode_width_m;
  if (ec->window_given ? !check_soc_window (ec, source, error)
                       : !derive_soc_window (ec, source, error))
    return FALSE;
  /* the entropic change over the stoichiometries the cell uses (its window
   * and its initial state): published fits such as Ai 2020's LiCoO2 one
   * hold only there */
  for (guint i = 0; i < 2; i++)
    {
      const PsElectrode *el = &ec->electrode[i];
      g_autofree char *p_dudt = g_strconcat (el_names[i], ".dudt_v_k", NULL);
      double x0 = MIN (MIN (el->sto_0, el->sto_100), el->sto_init);
      double x1 = MAX (MAX (el->sto_0, el->sto_100), el->sto_init);

      if (!check_function_finite (&el->dudt, x0, x1, -0.01, 0.01, source, p_dudt, error))
        return FALSE;
    }
  return TRUE;
}

/* ------------------------------------------------------------------ JSON */

typedef struct
{
  const char *source;
  GError    **error;
} Ctx;

static gboolean
get_number (JsonObject  *object,
            const char  *path,
            const char  *member,
            const Ctx   *ctx,
            double      *out)
{
  g_autofree char *member_path = _ps_json_member_path (path, member);
  JsonNode *node = json_object_get_member (object, member);

  if (node == NULL)
    return _ps_json_set_error (ctx->error, PS_ENGINE_ERROR_INVALID, ctx->source,
                               member_path, "missing, expected a number");
  return _ps_json_read_number (node, PS_JSON_RANGE_ANY, ctx->source, member_path, out,
                               ctx->error);
}

static const char * const function_members[] = {
  "value", "fit", "x", "y", "expression", "activation_energy_j_mol", "reference_temperature_k",
  "factor", NULL
};

static double *
get_array (JsonObject  *object,
           const char  *path,
           const char  *member,
           const Ctx   *ctx,
           guint       *n_out)
{
  g_autofree char *member_path = _ps_json_member_path (path, member);
  JsonNode *node = json_object_get_member (object, member);
  g_autofree double *values = NULL;
  JsonArray *array;
  guint n;

  if (node == NULL || !JSON_NODE_HOLDS_ARRAY (node))
    {
      _ps_json_set_error (ctx->error, PS_ENGINE_ERROR_INVALID, ctx->source, member_path,
                          "expected an array of numbers, got %s",
                          node ? _ps_json_node_kind (node) : "nothing");
      return NULL;
    }
  array = json_node_get_array (node);
  n = json_array_get_length (array);
  if (n < 2 || n > PS_MAX_TABLE_POINTS)
    {
      _ps_json_set_error (ctx->error, PS_ENGINE_ERROR_INVALID, ctx->source, member_path,
                          "expected 2 to %d numbers, got %u", PS_MAX_TABLE_POINTS, n);
      return NULL;
    }
  values = g_new (double, n);
  for (guint i = 0; i < n; i++)
    {
      g_autofree char *item_path = _ps_json_index_path (member_path, i);

      if (!_ps_json_read_number (json_array_get_element (array, i), PS_JSON_RANGE_ANY,
                                 ctx->source, item_path, &values[i], ctx->error))
        return NULL;
    }
  *n_out = n;
  return g_steal_pointer (&values);
}

static gboolean
get_function (JsonObject   *parent,
              const char   *parent_path,
              const char   *member,
              const Ctx    *ctx,
              PsEcFunction *f)
{
  g_autofree char *path = _ps_json_member_path (parent_path, member);
  JsonNode *node = json_object_get_member (parent, member);
  JsonObject *object;
  int n_kinds;

  memset (f, 0, sizeof *f);
  f->value = 1.0;
  if (node == NULL)
    return _ps_json_set_error (ctx->error, PS_ENGINE_ERROR_INVALID, ctx->source, path,
                               "missing, expected {\"value\": ...}, {\"fit\": ...} "
                               "or {\"x\": [...], \"y\": [...]}");
  if (!_ps_json_get_object (node, ctx->source, path, &object, ctx->error)
      || !_ps_json_check_members (object, function_members, ctx->source, path, ctx->error))
    return FALSE;

  n_kinds = json_object_has_member (object, "value") + json_object_has_member (object, "fit")
            + json_object_has_member (object, "x") + json_object_has_member (object, "expression");
  if (n_kinds != 1)
    return _ps_json_set_error (ctx->error, PS_ENGINE_ERROR_INVALID, ctx->source, path,
                               "expected exactly one of \"value\", \"fit\", \"expression\" "
                               "or \"x\"/\"y\"");

  if (json_object_has_member (object, "activation_energy_j_mol"))
    {
      g_autofree char *p = _ps_json_member_path (path, "activation_energy_j_mol");

      if (!_ps_json_read_number (json_object_get_member (object, "activation_energy_j_mol"),
                                 PS_JSON_RANGE_NON_NEGATIVE, ctx->source, p, &f->ea_j_mol,
                                 ctx->error))
        return FALSE;
    }
  if (json_object_has_member (object, "reference_temperature_k"))
    {
      g_autofree char *p = _ps_json_member_path (path, "reference_temperature_k");

      if (!_ps_json_read_number (json_object_get_member (object, "reference_temperature_k"),
                                 PS_JSON_RANGE_POSITIVE, ctx->source, p, &f->t_ref_k, ctx->error))
        return FALSE;
      if (!(f->t_ref_k >= 173.15 && f->t_ref_k <= 473.15))
        return _ps_json_set_error (ctx->error, PS_ENGINE_ERROR_INVALID, ctx->source, p,
                                   "expected a temperature from 173.15 to 473.15 K, got %g",
                                   f->t_ref_k);
    }
  if (json_object_has_member (object, "factor"))
    {
      g_autofree char *p = _ps_json_member_path (path, "factor");

      if (!_ps_json_read_number (json_object_get_member (object, "factor"),
                                 PS_JSON_RANGE_POSITIVE, ctx->source, p, &f->value, ctx->error))
        return FALSE;
    }

  if (json_object_has_member (object, "value"))
    {
      double factor = f->value;

      f->kind = PS_EC_FUNC_CONSTANT;
      if (!get_number (object, path, "value", ctx, &f->value))
        return FALSE;
      f->value *= factor;
      return TRUE;
    }
  if (json_object_has_member (object, "expression"))
    {
      JsonNode *text = json_object_get_member (object, "expression");
      g_autofree char *p = _ps_json_member_path (path, "expression");

      if (!_ps_json_node_is_string (text))
        return _ps_json_set_error (ctx->error, PS_ENGINE_ERROR_INVALID, ctx->source, p,
                                   "expected a string, got %s", _ps_json_node_kind (text));
      f->kind = PS_EC_FUNC_EXPRESSION;
      f->expr = _ps_ec_expr_compile (json_node_get_string (text), ctx->source, p, ctx->error);
      return f->expr != NULL;
    }
  if (json_object_has_member (object, "fit"))
    {
      JsonNode *fit = json_object_get_member (object, "fit");
      g_autofree char *p = _ps_json_member_path (path, "fit");
      const char *name = _ps_json_node_is_string (fit) ? json_node_get_string (fit) : NULL;
      g_autoptr(GString) known = g_string_new (NULL);

      for (guint i = 0; i < G_N_ELEMENTS (builtin_names); i++)
        {
          if (name != NULL && g_str_equal (name, builtin_names[i].name))
            {
              f->kind = PS_EC_FUNC_BUILTIN;
              f->builtin = builtin_names[i].id;
              return TRUE;
            }
          g_string_append_printf (known, "%s%s", i ? ", " : "", builtin_names[i].name);
        }
      return _ps_json_set_error (ctx->error, PS_ENGINE_ERROR_INVALID, ctx->source, p,
                                 "expected one of the published fits (%s), got %s%s%s",
                                 known->str, name ? "\"" : "",
                                 name ? name : _ps_json_node_kind (fit), name ? "\"" : "");
    }

  f->kind = PS_EC_FUNC_TABLE;
  {
    guint nx = 0, ny = 0;
    g_autofree char *px = _ps_json_member_path (path, "x");
    g_autofree char *py = _ps_json_member_path (path, "y");

    f->x = get_array (object, path, "x", ctx, &nx);
    if (f->x == NULL)
      return FALSE;
    f->y = get_array (object, path, "y", ctx, &ny);
    if (f->y == NULL)
      return FALSE;
    if (nx != ny)
      return _ps_json_set_error (ctx->error, PS_ENGINE_ERROR_INVALID, ctx->source, py,
                                 "expected %u numbers (as many as x), got %u", nx, ny);
    f->n_points = nx;
    for (guint i = 1; i < nx; i++)
      if (!(f->x[i] > f->x[i - 1]))
        {
          g_autofree char *pi = _ps_json_index_path (px, i);

          return _ps_json_set_error (ctx->error, PS_ENGINE_ERROR_INVALID, ctx->source, pi,
                                     "expected x strictly ascending, got %g after %g",
                                     f->x[i], f->x[i - 1]);
        }
  }
  return TRUE;
}

static JsonObject *
get_section (JsonObject          *root,
             const char          *member,
             const char * const  *allowed,
             const Ctx           *ctx)
{
  g_autofree char *path = _ps_json_member_path ("$", member);
  JsonNode *node = json_object_get_member (root, member);
  JsonObject *object;

  if (node == NULL)
    {
      _ps_json_set_error (ctx->error, PS_ENGINE_ERROR_INVALID, ctx->source, path,
                          "missing, expected an object");
      return NULL;
    }
  if (!_ps_json_get_object (node, ctx->source, path, &object, ctx->error)
      || !_ps_json_check_members (object, allowed, ctx->source, path, ctx->error))
    return NULL;
  return object;
}

static const char * const top_members[] = {
  "id", "name", "source", "base", "negative_electrode", "positive_electrode", "separator",
  "electrolyte", "negative_current_collector", "positive_current_collector", "cell",
  "thermal", NULL
};
static const char * const electrode_members[] = {
  "thickness_m", "porosity", "active_fraction", "particle_radius_m", "c_max_mol_m3",
  "c_init_mol_m3", "conductivity_s_m", "bruggeman_electrolyte", "bruggeman_electrode",
  "j0_m_ref", "j0_activation_energy_j_mol", "j0_reference_temperature_k",
  "charge_transfer_coefficient", "diffusivity_m2_s", "ocp_v", "dudt_v_k", "density_kg_m3",
  "cp_j_kg_k", "thermal_conductivity_w_mk", "sto_0", "sto_100", NULL
};
static const char * const separator_members[] = {
  "thickness_m", "porosity", "bruggeman", "density_kg_m3", "cp_j_kg_k",
  "thermal_conductivity_w_mk", NULL
};
static const char * const electrolyte_members[] = {
  "c_e0_mol_m3", "transference_number", "thermodynamic_factor", "diffusivity_m2_s",
  "conductivity_s_m", NULL
};
static const char * const collector_members[] = {
  "thickness_m", "conductivity_s_m", "density_kg_m3", "cp_j_kg_k",
  "thermal_conductivity_w_mk", NULL
};
static const char * const cell_members[] = {
  "electrode_height_m", "electrode_width_m", "electrode_pairs", "capacity_ah",
  "voltage_min_v", "voltage_max_v", "contact_resistance_ohm", NULL
};
static const char * const thermal_members[] = {
  "reference_temperature_k", "initial_temperature_k", "heat_transfer_coefficient_w_m2k",
  "cooling_area_m2", "volume_m3", NULL
};

/* the optional given SOC window: both ends or neither */
static gboolean
get_window (JsonObject  *o,
            const char  *path,
            const Ctx   *ctx,
            PsElectrode *el)
{
  gboolean has0 = json_object_has_member (o, "sto_0");
  gboolean has1 = json_object_has_member (o, "sto_100");

  if (!has0 && !has1)
    return TRUE;
  if (has0 != has1)
    {
      g_autofree char *p = _ps_json_member_path (path, has0 ? "sto_100" : "sto_0");

      return _ps_json_set_error (ctx->error, PS_ENGINE_ERROR_INVALID, ctx->source, p,
                                 "missing: sto_0 and sto_100 go together");
    }
  return get_number (o, path, "sto_0", ctx, &el->sto_0)
         && get_number (o, path, "sto_100", ctx, &el->sto_100);
}

static gboolean
parse_electrode (JsonObject  *root,
                 const char  *member,
                 const Ctx   *ctx,
                 PsElectrode *el)
{
  g_autofree char *path = _ps_json_member_path ("$", member);
  JsonObject *o = get_section (root, member, electrode_members, ctx);
  double c_init;

  return o != NULL
         && get_number (o, path, "thickness_m", ctx, &el->thickness_m)
         && get_number (o, path, "porosity", ctx, &el->porosity)
         && get_number (o, path, "active_fraction", ctx, &el->active_fraction)
         && get_number (o, path, "particle_radius_m", ctx, &el->particle_radius_m)
         && get_number (o, path, "c_max_mol_m3", ctx, &el->c_max)
         && get_number (o, path, "c_init_mol_m3", ctx, &c_init)
         && (el->sto_init = c_init / el->c_max, TRUE)
         && get_number (o, path, "conductivity_s_m", ctx, &el->sigma_s_m)
         && get_number (o, path, "bruggeman_electrolyte", ctx, &el->brug_electrolyte)
         && get_number (o, path, "bruggeman_electrode", ctx, &el->brug_electrode)
         && get_number (o, path, "j0_m_ref", ctx, &el->j0_m_ref)
         && get_number (o, path, "j0_activation_energy_j_mol", ctx, &el->j0_ea_j_mol)
         && (!json_object_has_member (o, "j0_reference_temperature_k")
             || get_number (o, path, "j0_reference_temperature_k", ctx, &el->j0_t_ref_k))
         && get_number (o, path, "charge_transfer_coefficient", ctx, &el->alpha)
         && get_function (o, path, "diffusivity_m2_s", ctx, &el->diffusivity)
         && get_function (o, path, "ocp_v", ctx, &el->ocp)
         && get_function (o, path, "dudt_v_k", ctx, &el->dudt)
         && get_number (o, path, "density_kg_m3", ctx, &el->density_kg_m3)
         && get_number (o, path, "cp_j_kg_k", ctx, &el->cp_j_kg_k)
         && get_number (o, path, "thermal_conductivity_w_mk", ctx, &el->k_w_mk)
         && get_window (o, path, ctx, el);
}

static gboolean
parse_collector (JsonObject         *root,
                 const char         *member,
                 const Ctx          *ctx,
                 PsCurrentCollector *cc)
{
  g_autofree char *path = _ps_json_member_path ("$", member);
  JsonObject *o = get_section (root, member, collector_members, ctx);

  return o != NULL
         && get_number (o, path, "thickness_m", ctx, &cc->thickness_m)
         && get_number (o, path, "conductivity_s_m", ctx, &cc->sigma_s_m)
         && get_number (o, path, "density_kg_m3", ctx, &cc->density_kg_m3)
         && get_number (o, path, "cp_j_kg_k", ctx, &cc->cp_j_kg_k)
         && get_number (o, path, "thermal_conductivity_w_mk", ctx, &cc->k_w_mk);
}

static char *
get_source_text (JsonObject *root)
{
  JsonNode *node = json_object_get_member (root, "source");
  g_autoptr(GString) text = g_string_new (NULL);

  if (node != NULL && _ps_json_node_is_string (node))
    return g_strdup (json_node_get_string (node));
  if (node != NULL && JSON_NODE_HOLDS_ARRAY (node))
    {
      JsonArray *array = json_node_get_array (node);

      for (guint i = 0; i < json_array_get_length (array); i++)
        {
          JsonNode *item = json_array_get_element (array, i);

          if (_ps_json_node_is_string (item))
            g_string_append_printf (text, "%s%s", i ? "\n" : "", json_node_get_string (item));
        }
    }
  return g_string_free (g_steal_pointer (&text), FALSE);
}

static PsElectrochem *
parse_root (JsonObject  *root,
            const char  *source,
            GError     **error)
{
  g_autoptr(PsElectrochem) ec = g_new0 (PsElectrochem, 1);
  Ctx ctx = { source, error };
  JsonObject *sep, *ely, *cell, *thermal;
  double pairs;

  if (!_ps_json_check_members (root, top_members, source, "$", error))
    return NULL;
  {
    JsonNode *id = json_object_get_member (root, "id");
    JsonNode *name = json_object_get_member (root, "name");

    if (id == NULL || !_ps_json_node_is_string (id))
      {
        _ps_json_set_error (error, PS_ENGINE_ERROR_INVALID, source, "$.id",
                            "expected a string");
        return NULL;
      }
    ec->id = g_strdup (json_node_get_string (id));
    ec->name = g_strdup (name && _ps_json_node_is_string (name)
                         ? json_node_get_string (name) : ec->id);
    ec->source = get_source_text (root);
  }

  if (!parse_electrode (root, "negative_electrode", &ctx, &ec->electrode[PS_ELECTRODE_NEG])
      || !parse_electrode (root, "positive_electrode", &ctx, &ec->electrode[PS_ELECTRODE_POS]))
    return NULL;
  {
    JsonObject *n = json_object_get_object_member (root, "negative_electrode");
    JsonObject *p = json_object_get_object_member (root, "positive_electrode");
    gboolean wn = json_object_has_member (n, "sto_0");
    gboolean wp = json_object_has_member (p, "sto_0");

    if (wn != wp)
      {
        _ps_json_set_error (error, PS_ENGINE_ERROR_INVALID, source,
                            wn ? "$.positive_electrode.sto_0" : "$.negative_electrode.sto_0",
                            "missing: a given SOC window needs both electrodes' ends");
        return NULL;
      }
    ec->window_given = wn;
  }

  sep = get_section (root, "separator", separator_members, &ctx);
  if (sep == NULL
      || !get_number (sep, "$.separator", "thickness_m", &ctx, &ec->separator.thickness_m)
      || !get_number (sep, "$.separator", "porosity", &ctx, &ec->separator.porosity)
      || !get_number (sep, "$.separator", "bruggeman", &ctx, &ec->separator.brug)
      || !get_number (sep, "$.separator", "density_kg_m3", &ctx, &ec->separator.density_kg_m3)
      || !get_number (sep, "$.separator", "cp_j_kg_k", &ctx, &ec->separator.cp_j_kg_k)
      || !get_number (sep, "$.separator", "thermal_conductivity_w_mk", &ctx, &ec->separator.k_w_mk))
    return NULL;

  ely = get_section (root, "electrolyte", electrolyte_members, &ctx);
  if (ely == NULL
      || !get_number (ely, "$.electrolyte", "c_e0_mol_m3", &ctx, &ec->electrolyte.c_e0)
      || !get_number (ely, "$.electrolyte", "transference_number", &ctx, &ec->electrolyte.t_plus)
      || !get_number (ely, "$.electrolyte", "thermodynamic_factor", &ctx,
                      &ec->electrolyte.thermodynamic_factor)
      || !get_function (ely, "$.electrolyte", "diffusivity_m2_s", &ctx, &ec->electrolyte.diffusivity)
      || !get_function (ely, "$.electrolyte", "conductivity_s_m", &ctx, &ec->electrolyte.conductivity))
    return NULL;

  if (!parse_collector (root, "negative_current_collector", &ctx, &ec->collector[PS_ELECTRODE_NEG])
      || !parse_collector (root, "positive_current_collector", &ctx, &ec->collector[PS_ELECTRODE_POS]))
    return NULL;

  cell = get_section (root, "cell", cell_members, &ctx);
  if (cell == NULL
      || !get_number (cell, "$.cell", "electrode_height_m", &ctx, &ec->electrode_height_m)
      || !get_number (cell, "$.cell", "electrode_width_m", &ctx, &ec->electrode_width_m)
      || !get_number (cell, "$.cell", "electrode_pairs", &ctx, &pairs)
      || !get_number (cell, "$.cell", "capacity_ah", &ctx, &ec->capacity_ah)
      || !get_number (cell, "$.cell", "voltage_min_v", &ctx, &ec->voltage_min_v)
      || !get_number (cell, "$.cell", "voltage_max_v", &ctx, &ec->voltage_max_v)
      || !get_number (cell, "$.cell", "contact_resistance_ohm", &ctx, &ec->contact_resistance_ohm))
    return NULL;
  if (pairs != floor (pairs) || pairs < 1 || pairs > 10000)
    {
      _ps_json_set_error (error, PS_ENGINE_ERROR_INVALID, source, "$.cell.electrode_pairs",
                          "expected an integer from 1 to 10000, got %g", pairs);
      return NULL;
    }
  ec->n_electrode_pairs = (guint) pairs;

  thermal = get_section (root, "thermal", thermal_members, &ctx);
  if (thermal == NULL
      || !get_number (thermal, "$.thermal", "reference_temperature_k", &ctx, &ec->t_ref_k)
      || !get_number (thermal, "$.thermal", "initial_temperature_k", &ctx, &ec->t_init_k)
      || !get_number (thermal, "$.thermal", "heat_transfer_coefficient_w_m2k", &ctx, &ec->h_w_m2k)
      || !get_number (thermal, "$.thermal", "cooling_area_m2", &ctx, &ec->cooling_area_m2)
      || !get_number (thermal, "$.thermal", "volume_m3", &ctx, &ec->volume_m3))
    return NULL;

  if (!ps_electrochem_finish (ec, source, error))
    return NULL;
  return g_steal_pointer (&ec);
}

/* ---------------------------------------------------------------- loading */

static JsonNode *load_builtin_node (const char  *id,
                                    GError     **error);

/* over's members replace base's; objects merge member by member */
static void
merge_into (JsonObject *base,
            JsonObject *over)
{
  g_autoptr(GList) members = json_object_get_members (over);

  for (GList *l = members; l != NULL; l = l->next)
    {
      const char *name = l->data;
      JsonNode *o = json_object_get_member (over, name);
      JsonNode *b = json_object_get_member (base, name);

      if (g_str_equal (name, "base"))
        continue;
      if (b != NULL && JSON_NODE_HOLDS_OBJECT (b) && JSON_NODE_HOLDS_OBJECT (o)
          && !json_object_has_member (json_node_get_object (o), "value")
          && !json_object_has_member (json_node_get_object (o), "fit")
          && !json_object_has_member (json_node_get_object (o), "x"))
        merge_into (json_node_get_object (b), json_node_get_object (o));
      else
        json_object_set_member (base, name, json_node_copy (o));
    }
}

static PsElectrochem *
new_from_node (JsonNode    *node,
               const char  *source,
               guint        depth,
               GError     **error)
{
  JsonObject *root;
  JsonNode *base;
  g_autoptr(JsonNode) merged = NULL;

  if (!_ps_json_get_object (node, source, "$", &root, error))
    return NULL;
  base = json_object_get_member (root, "base");
  if (base == NULL)
    return parse_root (root, source, error);

  if (!_ps_json_node_is_string (base))
    {
      _ps_json_set_error (error, PS_ENGINE_ERROR_INVALID, source, "$.base",
                          "expected the id of a built-in parameter set, got %s",
                          _ps_json_node_kind (base));
      return NULL;
    }
  if (depth >= MAX_BASE_DEPTH)
    {
      _ps_json_set_error (error, PS_ENGINE_ERROR_LIMIT, source, "$.base",
                          "sets based on sets deeper than %d levels", MAX_BASE_DEPTH);
      return NULL;
    }
  merged = load_builtin_node (json_node_get_string (base), error);
  if (merged == NULL)
    return NULL;
  {
    JsonObject *m = json_node_get_object (merged);
    JsonNode *inner_base = json_object_get_member (m, "base");
    g_autoptr(JsonNode) own = NULL;

    if (inner_base != NULL)
      {
        _ps_json_set_error (error, PS_ENGINE_ERROR_INVALID, source, "$.base",
                            "the set \"%s\" is itself based on another set, expected a full set",
                            json_node_get_string (base));
        return NULL;
      }
    /* members of the base that this set does not restate */
    own = json_node_copy (node);
    merge_into (m, json_node_get_object (own));
    json_object_remove_member (m, "base");
  }
  return new_from_node (merged, source, depth + 1, error);
}

static gboolean
id_is_valid (const char *id)
{
  if (*id == '\0' || strlen (id) > 64)
    return FALSE;
  for (const char *p = id; *p; p++)
    if (!g_ascii_islower (*p) && !g_ascii_isdigit (*p) && *p != '-' && *p != '_')
      return FALSE;
  return TRUE;
}

static JsonNode *
load_builtin_node (const char  *id,
                   GError     **error)
{
  g_autoptr(GBytes) bytes = NULL;
  g_autofree char *resource = NULL;
  g_autofree char *source = g_strdup_printf ("parameter set %s", id);
  gsize length = 0;
  const char *data;

  if (!id_is_valid (id))
    {
      g_set_error (error, PS_ENGINE_ERROR, PS_ENGINE_ERROR_NOT_FOUND,
                   "parameter set \"%s\": not a valid id", id);
      return NULL;
    }
  resource = g_strconcat (EC_RESOURCE_DIR, id, ".json", NULL);
  bytes = g_resources_lookup_data (resource, G_RESOURCE_LOOKUP_FLAGS_NONE, NULL);
  if (bytes == NULL)
    {
      g_auto(GStrv) known = ps_electrochem_list_builtin ();
      g_autofree char *known_text = g_strjoinv (", ", known);

      g_set_error (error, PS_ENGINE_ERROR, PS_ENGINE_ERROR_NOT_FOUND,
                   "parameter set \"%s\": no built-in set of that id, expected one of: %s",
                   id, known_text);
      return NULL;
    }
  data = g_bytes_get_data (bytes, &length);
  return _ps_json_parse_text (data, length, source, error);
}

PsElectrochem *
ps_electrochem_new_from_id (const char  *id,
                            GError     **error)
{
  g_autoptr(JsonNode) node = NULL;
  g_autofree char *source = NULL;
  PsElectrochem *ec;

  g_return_val_if_fail (id != NULL, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  node = load_builtin_node (id, error);
  if (node == NULL)
    return NULL;
  source = g_strdup_printf ("parameter set %s", id);
  ec = new_from_node (node, source, 0, error);
  if (ec != NULL && !g_str_equal (ec->id, id))
    {
      g_set_error (error, PS_ENGINE_ERROR, PS_ENGINE_ERROR_INVALID,
                   "%s: $.id: expected \"%s\" (the resource's name), got \"%s\"",
                   source, id, ec->id);
      g_clear_pointer (&ec, ps_electrochem_free);
    }
  return ec;
}

PsElectrochem *
ps_electrochem_new_from_file (const char  *path,
                              GError     **error)
{
  g_autoptr(JsonNode) node = NULL;

  g_return_val_if_fail (path != NULL, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  node = _ps_json_load_file (path, MAX_EC_FILE_SIZE, "parameter set", error);
  if (node == NULL)
    return NULL;
  return new_from_node (node, path, 0, error);
}

static int
compare_strings (gconstpointer a,
                 gconstpointer b)
{
  return strcmp (*(const char * const *) a, *(const char * const *) b);
}

char **
ps_electrochem_list_builtin (void)
{
  g_auto(GStrv) names = g_resources_enumerate_children (EC_RESOURCE_DIR,
                                                        G_RESOURCE_LOOKUP_FLAGS_NONE, NULL);
  GPtrArray *ids = g_ptr_array_new ();

  for (guint i = 0; names != NULL && names[i] != NULL; i++)
    if (g_str_has_suffix (names[i], ".json"))
      g_ptr_array_add (ids, g_strndup (names[i], strlen (names[i]) - 5));
  g_ptr_array_sort (ids, compare_strings);
  g_ptr_array_add (ids, NULL);
  return (char **) g_ptr_array_free (ids, FALSE);
}

/* ------------------------------------------------------------------ write */

PsElectrochem *
_ps_electrochem_new_from_json_node (JsonNode    *node,
                                    const char  *source,
                                    const char  *path,
                                    GError     **error)
{
  g_autoptr(GError) local_error = NULL;
  PsElectrochem *ec;

  if (path == NULL || g_str_equal (path, "$"))
    return new_from_node (node, source, 0, error);

  /* a set inside another file: its paths start at the member */
  ec = new_from_node (node, source, 0, &local_error);
  if (ec == NULL)
    {
      const char *msg = local_error->message;
      const char *dollar = strstr (msg, ": $");

      if (g_str_has_prefix (msg, source) && dollar != NULL)
        g_set_error (error, PS_ENGINE_ERROR, local_error->code, "%s: %s%s", source, path,
                     dollar + 3);
      else
        g_propagate_error (error, g_steal_pointer (&local_error));
    }
  return ec;
}

static void
add_function (JsonBuilder        *b,
              const char         *member,
              const PsEcFunction *f)
{
  json_builder_set_member_name (b, member);
  json_builder_begin_object (b);
  switch (f->kind)
    {
    case PS_EC_FUNC_CONSTANT:
      _ps_json_builder_add_double (b, "value", f->value);
      break;
    case PS_EC_FUNC_TABLE:
      _ps_json_builder_add_doubles (b, "x", f->x, f->n_points, 1.0);
      _ps_json_builder_add_doubles (b, "y", f->y, f->n_points, 1.0);
      break;
    case PS_EC_FUNC_BUILTIN:
      for (guint i = 0; i < G_N_ELEMENTS (builtin_names); i++)
        if (builtin_names[i].id == f->builtin)
          _ps_json_builder_add_string (b, "fit", builtin_names[i].name);
      break;
    case PS_EC_FUNC_EXPRESSION:
      _ps_json_builder_add_string (b, "expression", _ps_ec_expr_get_text (f->expr));
      break;
    default:
      break;
    }
  if (f->kind != PS_EC_FUNC_CONSTANT && f->value != 1.0)
    _ps_json_builder_add_double (b, "factor", f->value);
  if (f->ea_j_mol != 0.0)
    _ps_json_builder_add_double (b, "activation_energy_j_mol", f->ea_j_mol);
  if (f->ea_j_mol != 0.0 && f->t_ref_k != 0.0)
    _ps_json_builder_add_double (b, "reference_temperature_k", f->t_ref_k);
  json_builder_end_object (b);
}

static void
add_electrode (JsonBuilder         *b,
               const char          *member,
               const PsElectrochem *ec,
               const PsElectrode   *el)
{
  json_builder_set_member_name (b, member);
  json_builder_begin_object (b);
  _ps_json_builder_add_double (b, "thickness_m", el->thickness_m);
  _ps_json_builder_add_double (b, "porosity", el->porosity);
  _ps_json_builder_add_double (b, "active_fraction", el->active_fraction);
  _ps_json_builder_add_double (b, "particle_radius_m", el->particle_radius_m);
  _ps_json_builder_add_double (b, "c_max_mol_m3", el->c_max);
  _ps_json_builder_add_double (b, "c_init_mol_m3", el->sto_init * el->c_max);
  _ps_json_builder_add_double (b, "conductivity_s_m", el->sigma_s_m);
  _ps_json_builder_add_double (b, "bruggeman_electrolyte", el->brug_electrolyte);
  _ps_json_builder_add_double (b, "bruggeman_electrode", el->brug_electrode);
  _ps_json_builder_add_double (b, "j0_m_ref", el->j0_m_ref);
  _ps_json_builder_add_double (b, "j0_activation_energy_j_mol", el->j0_ea_j_mol);
  if (el->j0_t_ref_k != 0.0)
    _ps_json_builder_add_double (b, "j0_reference_temperature_k", el->j0_t_ref_k);
  _ps_json_builder_add_double (b, "charge_transfer_coefficient", el->alpha);
  add_function (b, "diffusivity_m2_s", &el->diffusivity);
  add_function (b, "ocp_v", &el->ocp);
  add_function (b, "dudt_v_k", &el->dudt);
  _ps_json_builder_add_double (b, "density_kg_m3", el->density_kg_m3);
  _ps_json_builder_add_double (b, "cp_j_kg_k", el->cp_j_kg_k);
  _ps_json_builder_add_double (b, "thermal_conductivity_w_mk", el->k_w_mk);
  if (ec->window_given)
    {
      _ps_json_builder_add_double (b, "sto_0", el->sto_0);
      _ps_json_builder_add_double (b, "sto_100", el->sto_100);
    }
  json_builder_end_object (b);
}

static void
add_collector (JsonBuilder              *b,
               const char               *member,
               const PsCurrentCollector *cc)
{
  json_builder_set_member_name (b, member);
  json_builder_begin_object (b);
  _ps_json_builder_add_double (b, "thickness_m", cc->thickness_m);
  _ps_json_builder_add_double (b, "conductivity_s_m", cc->sigma_s_m);
  _ps_json_builder_add_double (b, "density_kg_m3", cc->density_kg_m3);
  _ps_json_builder_add_double (b, "cp_j_kg_k", cc->cp_j_kg_k);
  _ps_json_builder_add_double (b, "thermal_conductivity_w_mk", cc->k_w_mk);
  json_builder_end_object (b);
}

JsonNode *
_ps_electrochem_to_json_node (const PsElectrochem *ec)
{
  g_autoptr(JsonBuilder) b = json_builder_new_immutable ();

  json_builder_begin_object (b);
  _ps_json_builder_add_string (b, "id", ec->id);
  _ps_json_builder_add_string (b, "name", ec->name);
  _ps_json_builder_add_string (b, "source", ec->source);
  add_electrode (b, "negative_electrode", ec, &ec->electrode[PS_ELECTRODE_NEG]);
  json_builder_set_member_name (b, "separator");
  json_builder_begin_object (b);
  _ps_json_builder_add_double (b, "thickness_m", ec->separator.thickness_m);
  _ps_json_builder_add_double (b, "porosity", ec->separator.porosity);
  _ps_json_builder_add_double (b, "bruggeman", ec->separator.brug);
  _ps_json_builder_add_double (b, "density_kg_m3", ec->separator.density_kg_m3);
  _ps_json_builder_add_double (b, "cp_j_kg_k", ec->separator.cp_j_kg_k);
  _ps_json_builder_add_double (b, "thermal_conductivity_w_mk", ec->separator.k_w_mk);
  json_builder_end_object (b);
  add_electrode (b, "positive_electrode", ec, &ec->electrode[PS_ELECTRODE_POS]);
  json_builder_set_member_name (b, "electrolyte");
  json_builder_begin_object (b);
  _ps_json_builder_add_double (b, "c_e0_mol_m3", ec->electrolyte.c_e0);
  _ps_json_builder_add_double (b, "transference_number", ec->electrolyte.t_plus);
  _ps_json_builder_add_double (b, "thermodynamic_factor", ec->electrolyte.thermodynamic_factor);
  add_function (b, "diffusivity_m2_s", &ec->electrolyte.diffusivity);
  add_function (b, "conductivity_s_m", &ec->electrolyte.conductivity);
  json_builder_end_object (b);
  add_collector (b, "negative_current_collector", &ec->collector[PS_ELECTRODE_NEG]);
  add_collector (b, "positive_current_collector", &ec->collector[PS_ELECTRODE_POS]);
  json_builder_set_member_name (b, "cell");
  json_builder_begin_object (b);
  _ps_json_builder_add_double (b, "electrode_height_m", ec->electrode_height_m);
  _ps_json_builder_add_double (b, "electrode_width_m", ec->electrode_width_m);
  _ps_json_builder_add_int (b, "electrode_pairs", ec->n_electrode_pairs);
  _ps_json_builder_add_double (b, "capacity_ah", ec->capacity_ah);
  _ps_json_builder_add_double (b, "voltage_min_v", ec->voltage_min_v);
  _ps_json_builder_add_double (b, "voltage_max_v", ec->voltage_max_v);
  _ps_json_builder_add_double (b, "contact_resistance_ohm", ec->contact_resistance_ohm);
  json_builder_end_object (b);
  json_builder_set_member_name (b, "thermal");
  json_builder_begin_object (b);
  _ps_json_builder_add_double (b, "reference_temperature_k", ec->t_ref_k);
  _ps_json_builder_add_double (b, "initial_temperature_k", ec->t_init_k);
  _ps_json_builder_add_double (b, "heat_transfer_coefficient_w_m2k", ec->h_w_m2k);
  _ps_json_builder_add_double (b, "cooling_area_m2", ec->cooling_area_m2);
  _ps_json_builder_add_double (b, "volume_m3", ec->volume_m3);
  json_builder_end_object (b);
  json_builder_end_object (b);
  return json_builder_get_root (b);
}
