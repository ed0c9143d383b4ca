/* ps-electrochem.h: a physics (electrochemical) parameter set of a cell
 *
 * What the SPMe and the DFN need to know about a cell: the geometry of its
 * two porous electrodes and the separator, the particles' solid diffusion and
 * capacity, the reaction kinetics (Butler-Volmer exchange current), the open-
 * circuit potentials of both electrodes and their entropic change, the
 * electrolyte's transport, the thermal data and the cut-offs.
 *
 * Loaded from JSON (resources/electrochem/<id>.json, compiled into GResource
 * under /io/github/packscope/Packscope/electrochem/, or a user's file) or
 * built from a BPX file (ps-bpx.c). SI units throughout: m, mol/m3, m2/s,
 * S/m, A/m2, J/mol, K, V. sto = c_s / c_s,max.
 *
 * Conventions (as PyBaMM's, so the parameter sets of PARAMETERS.md mean the
 * same here):
 *   Arrhenius factor   arr(E) = exp (E / R (1/T_ref - 1/T)), T_ref = 298.15 K
 *   exchange current   j0 = m_ref arr(E_r) c_e^0.5 c_s^0.5 (c_max - c_s)^0.5
 *   reaction current   j = 2 j0 sinh (F eta / (2 R T)) (alpha = 0.5)
 *   overpotential      eta = phi_s - phi_e - U
 *   Bruggeman          eps^b (electrolyte transport), (1 - eps)^b_s (solid)
 *
 * Internal to the engine; GLib and json-glib only.
 */
#pragma once

#include <math.h>

#include <glib.h>

G_BEGIN_DECLS

#define PS_FARADAY       96485.33212     /* C/mol */
#define PS_GAS_CONSTANT  8.314462618     /* J/(mol K) */
#define PS_EC_T_REF_K    298.15

/* A material function f(x, T): x is the stoichiometry (OCP, dU/dT, D_s) or
 * the electrolyte concentration in mol/m3 (D_e, kappa_e). */
typedef enum
{
  PS_EC_FUNC_CONSTANT,    /* value */
  PS_EC_FUNC_TABLE,       /* piecewise linear in x, clamped at the ends */
  PS_EC_FUNC_BUILTIN,     /* a published fit, coded in ps-electrochem.c */
  PS_EC_FUNC_EXPRESSION,  /* a BPX expression in x (ps-electrochem-expr.c) */
} PsEcFuncKind;

/* The published fits (every coefficient in ps-electrochem.c with its
 * citation). */
typedef enum
{
  PS_EC_BUILTIN_NONE,
  PS_EC_BUILTIN_OCP_GRAPHITE_CHEN2020,
  PS_EC_BUILTIN_OCP_NMC811_CHEN2020,
  PS_EC_BUILTIN_OCP_GRAPHITE_MCMB2528_MARQUIS2019,
  PS_EC_BUILTIN_OCP_LICO2_MARQUIS2019,
  PS_EC_BUILTIN_DUDT_GRAPHITE_MOURA2016,
  PS_EC_BUILTIN_DUDT_LICO2_MOURA2016,
  PS_EC_BUILTIN_DE_NYMAN2008,
  PS_EC_BUILTIN_KAPPA_NYMAN2008,
  PS_EC_BUILTIN_DE_CAPIGLIA1999,
  PS_EC_BUILTIN_KAPPA_CAPIGLIA1999,
  PS_EC_BUILTIN_DUDT_GRAPHITE_AI2020,
  PS_EC_BUILTIN_DUDT_LICO2_AI2020,
  PS_EC_BUILTIN_DE_VALOEN2005,      /* of (c_e, T): no Arrhenius on top */
  PS_EC_BUILTIN_KAPPA_VALOEN2005,   /* of (c_e, T) */
  PS_EC_BUILTIN_OCP_GRAPHITE_ECKER2015,
  PS_EC_BUILTIN_OCP_NCO_ECKER2015,
  PS_EC_BUILTIN_DS_GRAPHITE_ECKER2015,
  PS_EC_BUILTIN_DS_NCO_ECKER2015,
  PS_EC_BUILTIN_DE_ECKER2015,       /* of (c_e, T) */
  PS_EC_BUILTIN_KAPPA_ECKER2015,    /* of (c_e, T) */
  PS_EC_N_BUILTINS
} PsEcBuiltin;

typedef struct _PsEcExpr PsEcExpr;

typedef struct
{
  PsEcFuncKind  kind;
  double        value;        /* CONSTANT: the value; others: a factor on the result */
  PsEcBuiltin   builtin;
  guint         n_points;     /* TABLE */
  double       *x;
  double       *y;
  PsEcExpr     *expr;         /* EXPRESSION */
  double        ea_j_mol;     /* Arrhenius on top of it (0 for none) */
  double        t_ref_k;      /* ... about this temperature (0: PS_EC_T_REF_K) */
} PsEcFunction;

typedef struct
{
  double        thickness_m;
  double        porosity;               /* electrolyte volume fraction */
  double        active_fraction;        /* active material volume fraction */
  double        particle_radius_m;
  double        c_max;                  /* mol/m3 */
  double        sto_init;               /* the set's initial stoichiometry */
  double        sto_0;                  /* at 0 % SOC (derived: cut-offs, cyclable lithium, */
  double        sto_100;                /* at 100 % SOC  unless window_given) */
  double        sigma_s_m;              /* electronic conductivity */
  double        brug_electrolyte;
  double        brug_electrode;
  double        j0_m_ref;               /* (A/m2)(m3/mol)^1.5 */
  double        j0_ea_j_mol;
  double        j0_t_ref_k;             /* the Arrhenius reference of j0 (0: PS_EC_T_REF_K) */
  double        alpha;                  /* charge transfer coefficient */
  PsEcFunction  diffusivity;            /* D_s(sto, T), m2/s */
  PsEcFunction  ocp;                    /* U(sto), V at T_ref */
  PsEcFunction  dudt;                   /* dU/dT(sto), V/K */
  double        density_kg_m3;
  double        cp_j_kg_k;
  double        k_w_mk;
} PsElectrode;

typedef struct
{
  double        thickness_m;
  double        porosity;
  double        brug;
  double        density_kg_m3;
  double        cp_j_kg_k;
  double        k_w_mk;
} PsSeparator;

typedef struct
{
  double        c_e0;                   /* initial and reference, mol/m3 */
  double        t_plus;                 /* cation transference number */
  double        thermodynamic_factor;
  PsEcFunction  diffusivity;            /* D_e(c_e, T), m2/s */
  PsEcFunction  conductivity;           /* kappa_e(c_e, T), S/m */
} PsElectrolyte;

typedef struct
{
  double        thickness_m;
  double        sigma_s_m;
  double        density_kg_m3;
  double        cp_j_kg_k;
  double        k_w_mk;
} PsCurrentCollector;

typedef enum
{
  PS_ELECTRODE_NEG,
  PS_ELECTRODE_POS,
} PsElectrodeId;

typedef struct
{
  char               *id;
  char               *name;
  char               *source;           /* citations, one per line */

  PsElectrode         electrode[2];     /* PS_ELECTRODE_NEG, _POS */
  PsSeparator         separator;
  PsElectrolyte       electrolyte;
  PsCurrentCollector  collector[2];

  /* cell */
  double              electrode_height_m;
  double              electrode_width_m;
  double              area_m2;          /* one electrode pair: height x width */
  guint               n_electrode_pairs;/* pairs in parallel in the cell */
  double              capacity_ah;      /* nominal */
  double              voltage_min_v;
  double              voltage_max_v;
  double              contact_resistance_ohm;
  /* sto_0 and sto_100 are given (a BPX file's stoichiometry limits), not
   * derived from the cut-offs */
  gboolean            window_given;

  /* thermal (lumped) */
  double              t_ref_k;
  double              t_init_k;
  double              h_w_m2k;          /* total heat transfer coefficient */
  double              cooling_area_m2;
  double              volume_m3;
} PsElectrochem;

/* A set by its id ("chen2020", "marquis2019", "marquis2019-comsol"). */
PsElectrochem *ps_electrochem_new_from_id   (const char           *id,
                                             GError              **error);
PsElectrochem *ps_electrochem_new_from_file (const char           *path,
                                             GError              **error);
PsElectrochem *ps_electrochem_copy          (const PsElectrochem  *ec);
void           ps_electrochem_free          (PsElectrochem        *ec);
/* NULL-terminated list of the built-in ids; free with g_strfreev */
char         **ps_electrochem_list_builtin  (void);

/* Checks every number's range and derives sto_0 / sto_100 from the cut-offs
 * and the cyclable lithium of the initial state (the loaders call it; a
 * builder such as the BPX importer too). source names the set in errors. */
gboolean       ps_electrochem_finish        (PsElectrochem        *ec,
                                             const char           *source,
                                             GError              **error);

/* ---- evaluation ---- */

/* about a reference temperature of its own (0: PS_EC_T_REF_K; Ecker 2015's
 * fits are about 296 K) */
static inline double
ps_electrochem_arrhenius_about (double ea_j_mol,
                                double t_ref_k,
                                double temp_k)
{
  if (ea_j_mol == 0.0)
    return 1.0;
  if (t_ref_k == 0.0)
    t_ref_k = PS_EC_T_REF_K;
  return exp (ea_j_mol / PS_GAS_CONSTANT * (1.0 / t_ref_k - 1.0 / temp_k));
}

static inline double
ps_electrochem_arrhenius (double ea_j_mol,
                          double temp_k)
{
  return ps_electrochem_arrhenius_about (ea_j_mol, PS_EC_T_REF_K, temp_k);
}

double   ps_ec_function_eval  (const PsEcFunction *f,
                               double              x,
                               double              temp_k);
void     ps_ec_function_clear (PsEcFunction       *f);
void     ps_ec_function_copy  (PsEcFunction       *dest,
                               const PsEcFunction *src);

/* U(sto, T) = U(sto) + (T - T_ref) dU/dT(sto), V */
double   ps_electrochem_ocp   (const PsElectrochem *ec,
                               PsElectrodeId        which,
                               double               sto,
                               double               temp_k);
double   ps_electrochem_dudt  (const PsElectrochem *ec,
                               PsElectrodeId        which,
                               double               sto);
/* j0, A/m2 (c_s the surface concentration) */
double   ps_electrochem_j0    (const PsElectrochem *ec,
                               PsElectrodeId        which,
                               double               c_e,
                               double               c_s,
                               double               temp_k);
double   ps_electrochem_d_s   (const PsElectrochem *ec,
                               PsElectrodeId        which,
                               double               sto,
                               double               temp_k);
/* the mean of D_s over the stoichiometries from sto_a to sto_b (a
 * particle's surface and its mean): a particle whose diffusion is taken
 * linear over a step then carries, for the difference b - a, the flux of
 * Fick's law with D_s(c) (Kirchhoff's transformation of the quasi-steady
 * profile), not the far smaller or larger one of D_s at either end */
double   ps_electrochem_d_s_between (const PsElectrochem *ec,
                                     PsElectrodeId        which,
                                     double               sto_a,
                                     double               sto_b,
                                     double               temp_k);
double   ps_electrochem_d_e   (const PsElectrochem *ec,
                               double               c_e,
                               double               temp_k);
double   ps_electrochem_kappa_e (const PsElectrochem *ec,
                                 double               c_e,
                                 double               temp_k);
/* the cell's open-circuit voltage at a stoichiometry of the negative
 * electrode with the positive one where the cyclable lithium puts it */
double   ps_electrochem_ocv_at_soc (const PsElectrochem *ec,
                                    double               soc,
                                    double               temp_k);
/* the electrodes' stoichiometries at a SOC (linear between sto_0, sto_100) */
void     ps_electrochem_sto_at_soc (const PsElectrochem *ec,
                                    double               soc,
                                    double              *sto_n,
                                    double              *sto_p);
/* Coulombs per unit of negative stoichiometry, over all pairs: the cell's
 * capacity between sto_0 and sto_100 is |sto_100 - sto_0| of it */
double   ps_electrochem_electrode_charge (const PsElectrochem *ec,
                                          PsElectrodeId        which);

/* the charge between 0 % and 100 % SOC, Ah */
double   ps_electrochem_window_capacity_ah (const PsElectrochem *ec);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (PsElectrochem, ps_electrochem_free)

G_END_DECLS
