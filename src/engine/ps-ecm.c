/* ps-ecm.c: the 2-RC equivalent circuit model behind ps-cell-model.h
 *
 * A Thevenin ECM with two RC pairs (DESIGN.md section 2). For a current I
 * held constant over a step of dt, the RC voltages advance exactly,
 *     v_k(t + dt) = v_k e^(-dt/tau_k) + R_k (1 - e^(-dt/tau_k)) I,
 * so the cell's terminal voltage at the end of the step is linear in I:
 *     V = E - R I,  E = OCV(SOC, T) - sum_k v_k e^(-dt/tau_k),
 *                   R = R0 + sum_k R_k (1 - e^(-dt/tau_k)) + R_ocv,
 * where R_ocv = dOCV/dSOC dt / (3600 Q) carries the OCV's move with the
 * charge passed. OCV(SOC, T) = OCV(SOC, T_ref) + (T - T_ref) dU/dT(SOC);
 * R0 and the RC resistances follow Arrhenius (ps_cell_type_arrhenius_cell:
 * a cell may scale its activation energies above the reference temperature,
 * as its HPPC at a warmer temperature measured them).
 *
 * Heat per cell (Bernardi): q = I (OCV - V) - I T dU/dT, with the OCV
 * averaged over the step.
 *
 * Two optional elements (a cell's "diffusion" and "charge_transfer"):
 *
 * Solid diffusion. The lithium leaves the particles through their surface,
 * so under load the surface runs ahead of the mean: the electrode's
 * potential is the OCV at the surface SOC, s - d, where the lag d obeys
 *     dd/dt = I / (3600 Q) - d / tau_d,
 * the first-order (volume-averaged, parabolic-profile) reduction of Fick's
 * law in a sphere, tau_d = R_p^2 / (15 D_s) (Subramanian et al. 2005): at
 * a constant current d settles at tau_d I / (3600 Q). Its voltage is
 * OCV(s) - OCV(s - d): small where the OCV is flat, large on the knee, so
 * a high rate reaches the cut-off sooner and delivers less charge, as the
 * measured cells do. tau_d over the mean SOC (the mean diffusivity
 * changes with the lithium content), Arrhenius in 1/D. Past the table's
 * ends the surface meets the OCV's walls, as the mean SOC did without the
 * element: a charge held at the top voltage tapers as the surface fills
 * (the mean SOC stays behind it), and a current forced through an emptied
 * surface finds a collapsing voltage. Over a step at a constant I it advances exactly,
 *     d(t + dt) = d e^(-dt/tau_d) + tau_d (1 - e^(-dt/tau_d)) I / (3600 Q),
 * so the surface SOC at the step's end is linear in I and joins (E, R)
 * through the OCV's slope as the mean SOC's change does. The charge and
 * the energy stay the mean SOC's: the heat is I (OCV(s) - V), the
 * diffusion overpotential included.
 *
 * Butler-Volmer charge transfer (symmetric, alpha 0.5): an overpotential
 *     eta(I) = (2 R T / F) asinh (I / (2 i0)),
 * i0 the exchange current (A, over SOC, Arrhenius, divided by the cell's
 * resistance factor), on top of R0; per amp it falls with the current. It
 * is linearised about the current the cell is expected to carry,
 *     eta(I) ~ eta(I*) + eta'(I*) (I - I*),
 * I* the last step's current; the pack solve then passes the currents it
 * found to set_current_guess and linearises and solves again until eta at
 * the solved current matches its linearisation (Newton on the pack, to
 * PS_ECM_NONLINEAR_TOL_V), so the step's answer does not depend on where
 * the iteration started.
 *
 * Electrolyte concentration polarisation: under a current the salt piles
 * up at one electrode and empties at the other; with a linear profile of
 * relative amplitude c the concentration overpotential is
 *     eta_e = B (T / T_ref) ln ((1 + c) / (1 - c)),
 * B = 2 R T_ref (1 - t+) / F (0.032 V at 25 C for t+ 0.38), and c relaxes
 * towards I / I_lim, I_lim the limiting current (the steady current that
 * would empty the electrolyte at one electrode), with time constant tau_e:
 *     c(t + dt) = c e^(-dt/tau_e) + (1 - e^(-dt/tau_e)) I / I_lim,
 * exact for a constant I. eta_e is convex in the current: little at low
 * rates, steeply more near I_lim, and a current above it empties the
 * electrolyte after a while (Sand's time) and the voltage collapses; so
 * the apparent resistance grows with the rate and through a high-rate
 * discharge, as the measured cells' does. c is held within 1 - 1e-6 of
 * +-1 (a concentration cannot fall below zero). The diffusivity follows
 * Arrhenius: tau_e / f, I_lim f. eta_e(c(end of step)) is linearised in
 * I with the Butler-Volmer term, about the same current.
 *
 * Past the ends of the cell's OCV table, by PS_OCV_ROOM (1 % of the
 * capacity), the electrode runs out of lithium (or of room for it) and the
 * OCV diverges there as in Nernst's law,
 *     U = U_end + a ln(1 / (1 - e / room)),  e the SOC past the end,
 * with a = (the table's end slope) x room, so the OCV and its slope are
 * continuous at the end. So the OCV is defined up to and a little beyond the
 * voltage window (a hold above OCV(SOC 1) tapers instead of pumping charge
 * forever) and no finite voltage drives a cell 1 % past either end.
 */
#include "config.h"

#include <math.h>
#include <string.h>

#include "ps-cell-model.h"
#include "ps-state-block-private.h"

/* Refresh the cells' cached Arrhenius factors and RC decay factors when a
 * cell's temperature moved by more than this, or its SOC by more than this,
 * since they were made. The decision is taken for all cells at once, so that
 * identical cells stay identical (a per-cell decision would let rounding
 * decide which of two mirror-image cells refreshes first). */
#define PS_CACHE_TEMP_K   0.05
#define PS_CACHE_SOC      0.002
/* ... or its OCV by more than this (the slope changes fast on the walls) */
#define PS_CACHE_OCV_V    0.005

/* the linearisation of the nonlinear overpotentials holds when it is off by
 * less than this at the solved current */
#define PS_ECM_NONLINEAR_TOL_V 1e-9
#define PS_ECM_SAME_CURRENT_A  1e-6
/* max over I of |d2/dI2 asinh (I / 2 i0)| x i0^2 = sqrt(2) / 6^1.5 */
#define PS_BV_CURVATURE_MAX    0.096225044864937627
#define PS_ELECTROLYTE_C_MAX  (1.0 - 1e-6)
#define PS_FARADAY            96485.33212     /* C/mol, CODATA 2018 exact */
#define PS_GAS_CONSTANT       8.314462618     /* J/(mol K) */

#define PS_OCV_ROOM           0.01
#define PS_OCV_WALL_MIN_V     0.01    /* a at least, should an end be flat */
#define PS_OCV_WALL_E_MAX     (1.0 - 1e-12)

/* range of temperatures the Arrhenius factors and the entropic terms are
 * evaluated in (far outside any cell's operating range) */
#define PS_ARRHENIUS_MIN_K 173.15
#define PS_ARRHENIUS_MAX_K 573.15

/* Per-cell arrays that make up the state (copied as one block for the
 * snapshot). */
enum
{
  E_SOC,
  E_V1,
  E_V2,
  E_VOLTAGE,
  E_OCV,
  E_ARR_R0,       /* resistance factor x Arrhenius(R0) */
  E_E1,           /* e^(-dt/tau1) */
  E_B1,           /* R1 (1 - e^(-dt/tau1)) */
  E_E2,
  E_B2,
  E_CACHE_SOC,
  E_CACHE_TEMP,
  E_OCV_SLOPE,    /* dOCV/dSOC / (3600 Q): OCV change per coulomb, V/C */
  E_CACHE_OCV,
  E_DIFF,         /* d: the surface SOC's lag behind the mean SOC */
  E_ED,           /* e^(-dt/tau_d) */
  E_BD,           /* tau_d (1 - e^(-dt/tau_d)) / (3600 Q): d per amp over a step, 1/A */
  E_R_DIFF,       /* dOCV/dSOC (at the surface) x E_BD: Ohm */
  E_SENS,         /* how fast the surface OCV may move per coulomb, V/C */
  E_I_LAST,       /* the current the nonlinear terms are linearised about:
                   * the last step's, or the pack solve's guess, A */
  E_I0,           /* exchange current x Arrhenius / resistance factor, A */
  E_BV_B,         /* 2 R T / F, V */
  E_C,            /* electrolyte: the concentration profile's amplitude */
  E_CE,           /* e^(-dt/tau_e) */
  E_CB,           /* (1 - e^(-dt/tau_e)) / I_lim, 1/A */
  E_CV,           /* B T / T_ref, V */
  N_ECM_ARRAYS
};

typedef struct
{
  double   cache_dt;           /* dt the RC caches were made for, -1 = none */
  gboolean refresh_pending;    /* some cell drifted from its cache */
} EcmScalars;

typedef struct
{
  PsCellModel       parent;

  const PsCellType *cell;
  guint             n_cells;

  /* per cell, set by reset */
  double           *inv_capacity_as;   /* 1 / (3600 Q) */
  double           *resistance_factor;

  PsStateBlock     block;
  double           *s[N_ECM_ARRAYS];
  EcmScalars        sc;
  EcmScalars        saved_sc;

  /* the linearisation of the coming step */
  double           *e;
  double           *r;
  double           *u_ref;       /* OCV at t_ref for the SOC at the step start */
  double           *dudt;        /* dU/dT at that SOC */
  /* the Butler-Volmer term of (E, R): about which current, its share */
  double           *i_lin;
  double           *ct_e;        /* eta(I*) - eta'(I*) I*, taken off E */
  double           *ct_r;        /* eta'(I*), added to R */
  double           *chem_w;      /* each cell's I U and I T dU/dT in the */
  double           *rev_w;       /* last commit, summed in cell order */

  gboolean          has_diffusion;
  gboolean          has_kinetics;
  gboolean          has_electrolyte;
  gboolean          nonlinear;         /* either of the two */

  /* the OCV's walls past the table */
  double            ocv_x0, ocv_x1, ocv_y0, ocv_y1, ocv_a0, ocv_a1, ocv_h;
} PsEcm;

/* The OCV at the table temperature for any SOC: the table inside its range,
 * the walls outside. */
static inline double
ocv_eval (const PsEcm *ecm,
          double       soc)
{
  if (soc > ecm->ocv_x1)
    {
      double e = MIN ((soc - ecm->ocv_x1) * (1.0 / PS_OCV_ROOM), PS_OCV_WALL_E_MAX);

      return ecm->ocv_y1 - ecm->ocv_a1 * log1p (-e);
    }
  if (soc < ecm->ocv_x0)
    {
      double e = MIN ((ecm->ocv_x0 - soc) * (1.0 / PS_OCV_ROOM), PS_OCV_WALL_E_MAX);

      return ecm->ocv_y0 + ecm->ocv_a0 * log1p (-e);
    }
  return ps_table_eval (&ecm->cell->ocv, soc);
}

/* dOCV/dSOC: inside the table the central difference over one LUT interval
 * (a continuous function of the SOC: the LUT's own slope jumps at every grid
 * point, which would let rounding-level differences between identical cells
 * grow into different currents), the walls' own slope beyond it. */
static double
ocv_slope_eval (const PsEcm *ecm,
                double       soc)
{
  double h = ecm->ocv_h;

  if (soc > ecm->ocv_x1 + h)
    {
      double e = MIN ((soc - ecm->ocv_x1) * (1.0 / PS_OCV_ROOM), PS_OCV_WALL_E_MAX);

      return ecm->ocv_a1 / (PS_OCV_ROOM * (1.0 - e));
    }
  if (soc < ecm->ocv_x0 - h)
    {
      double e = MIN ((ecm->ocv_x0 - soc) * (1.0 / PS_OCV_ROOM), PS_OCV_WALL_E_MAX);

      return ecm->ocv_a0 / (PS_OCV_ROOM * (1.0 - e));
    }
  return (ocv_eval (ecm, soc + h) - ocv_eval (ecm, soc - h)) / (2.0 * h);
}

static void
init_ocv_walls (PsEcm *ecm)
{
  const PsTable *ocv = &ecm->cell->ocv;
  guint n = ocv->n_points;
  double m0 = (ocv->y[1] - ocv->y[0]) / (ocv->x[1] - ocv->x[0]);
  double m1 = (ocv->y[n - 1] - ocv->y[n - 2]) / (ocv->x[n - 1] - ocv->x[n - 2]);

  ecm->ocv_x0 = ocv->x[0];
  ecm->ocv_x1 = ocv->x[n - 1];
  ecm->ocv_y0 = ps_table_eval (ocv, ocv->x[0]);
  ecm->ocv_y1 = ps_table_eval (ocv, ocv->x[n - 1]);
  ecm->ocv_a0 = MAX (m0 * PS_OCV_ROOM, PS_OCV_WALL_MIN_V);
  ecm->ocv_a1 = MAX (m1 * PS_OCV_ROOM, PS_OCV_WALL_MIN_V);
  ecm->ocv_h = 0.5 / ocv->inv_dx;
}

/* a cell with current-dependent overpotentials (Butler-Volmer, electrolyte)
 * gets the same model with set_current_guess: the linear one is spared
 * the pack solve's iteration */
static const PsCellModelClass ps_ecm_nonlinear_class;

static PsCellModel *
ecm_new (const PsCellType *cell,
         guint             n)
{
  PsEcm *ecm = g_new0 (PsEcm, 1);

  ecm->parent.klass = &_ps_ecm_class;
  ecm->cell = cell;
  ecm->n_cells = n;

  ecm->inv_capacity_as = g_new0 (double, n);
  ecm->resistance_factor = g_new0 (double, n);

  _ps_state_block_init (&ecm->block, N_ECM_ARRAYS, n, ecm->s);

  ecm->e = g_new0 (double, n);
  ecm->r = g_new0 (double, n);
  ecm->u_ref = g_new0 (double, n);
  ecm->dudt = g_new0 (double, n);
  ecm->i_lin = g_new0 (double, n);
  ecm->ct_e = g_new0 (double, n);
  ecm->ct_r = g_new0 (double, n);
  ecm->chem_w = g_new0 (double, n);
  ecm->rev_w = g_new0 (double, n);
  ecm->has_diffusion = cell->tau_diffusion.n_points > 0;
  ecm->has_kinetics = cell->i0.n_points > 0;
  ecm->has_electrolyte = cell->electrolyte_i_lim_a > 0.0;
  ecm->nonlinear = ecm->has_kinetics || ecm->has_electrolyte;
  if (ecm->nonlinear)
    ecm->parent.klass = &ps_ecm_nonlinear_class;
  init_ocv_walls (ecm);

  return &ecm->parent;
}

static void
ecm_free (PsCellModel *model)
{
  PsEcm *ecm = (PsEcm *) model;

  g_free (ecm->inv_capacity_as);
  g_free (ecm->resistance_factor);
  _ps_state_block_clear (&ecm->block);
  g_free (ecm->e);
  g_free (ecm->r);
  g_free (ecm->u_ref);
  g_free (ecm->dudt);
  g_free (ecm->i_lin);
  g_free (ecm->ct_e);
  g_free (ecm->ct_r);
  g_free (ecm->chem_w);
  g_free (ecm->rev_w);
  g_free (ecm);
}

static void
ecm_reset (PsCellModel  *model,
           const double *soc0,
           const double *capacity_ah,
           const double *resistance_factor,
           double        temp_k)
{
  PsEcm *ecm = (PsEcm *) model;
  const PsCellType *cell = ecm->cell;

  _ps_state_block_zero (&ecm->block);
  memset (&ecm->sc, 0, sizeof ecm->sc);
  ecm->sc.cache_dt = -1.0;

  for (guint i = 0; i < ecm->n_cells; i++)
    {
      double s0 = soc0[i];
      double u = ocv_eval (ecm, s0)
                 + (temp_k - cell->t_ref_k) * ps_table_eval (&cell->dudt, s0);

      ecm->inv_capacity_as[i] = 1.0 / (3600.0 * capacity_ah[i]);
      ecm->resistance_factor[i] = resistance_factor[i];
      ecm->s[E_SOC][i] = s0;
      ecm->s[E_OCV][i] = u;
      ecm->s[E_VOLTAGE][i] = u;
      ecm->s[E_CACHE_SOC][i] = NAN;
      ecm->s[E_CACHE_TEMP][i] = NAN;
    }
}

/* Arrhenius factors and exact RC decay factors of cell i for its present SOC
 * and temperature and the step dt. */
static void
refresh_cell_cache (PsEcm  *ecm,
                    guint   i,
                    double  soc,
                    double  temp_k,
                    double  dt)
{
  const PsCellType *cell = ecm->cell;
  /* the Arrhenius fits say nothing outside this range; it only keeps an
   * absurd manual load from turning temperatures into inf or NaN */
  double t = CLAMP (temp_k, PS_ARRHENIUS_MIN_K, PS_ARRHENIUS_MAX_K);
  double rf = ecm->resistance_factor[i];
  double arc = rf * ps_cell_type_arrhenius_cell (cell, cell->ea_rc_j_mol, t);
  double r1 = ps_table_eval (&cell->r1, soc) * arc;
  double r2 = ps_table_eval (&cell->r2, soc) * arc;
  double tau1 = r1 * ps_table_eval (&cell->c1, soc);
  double tau2 = r2 * ps_table_eval (&cell->c2, soc);
  double e1 = tau1 > 0.0 ? exp (-dt / tau1) : 0.0;
  double e2 = tau2 > 0.0 ? exp (-dt / tau2) : 0.0;

  ecm->s[E_ARR_R0][i] = rf * ps_cell_type_arrhenius_cell (cell, cell->ea_r0_j_mol, t);
  ecm->s[E_E1][i] = e1;
  ecm->s[E_B1][i] = r1 * (1.0 - e1);
  ecm->s[E_E2][i] = e2;
  ecm->s[E_B2][i] = r2 * (1.0 - e2);
  ecm->s[E_CACHE_SOC][i] = soc;
  ecm->s[E_CACHE_TEMP][i] = temp_k;

  if (ecm->has_diffusion)
    {
      /* the slope where the electrode's potential is: at the surface SOC
       * the step would end on at zero current */
      double tau_d = ps_table_eval (&cell->tau_diffusion, soc)
                     * ps_cell_type_arrhenius_cell (cell, cell->ea_diffusion_j_mol, t);
      double ed = exp (-dt / tau_d);
      double bd = tau_d * (1.0 - ed) * ecm->inv_capacity_as[i];
      double surf = soc - ecm->s[E_DIFF][i] * ed;
      double slope = ocv_slope_eval (ecm, surf);

      ecm->s[E_ED][i] = ed;
      ecm->s[E_BD][i] = bd;
      ecm->s[E_R_DIFF][i] = slope * bd;
      ecm->s[E_OCV_SLOPE][i] = slope * ecm->inv_capacity_as[i];
      /* the surface moves up to twice as fast as the mean (d builds up
       * at the rate the mean falls) */
      ecm->s[E_SENS][i] = 2.0 * ecm->s[E_OCV_SLOPE][i];
      ecm->s[E_CACHE_OCV][i] = ocv_eval (ecm, surf);
    }
  else
    {
      ecm->s[E_OCV_SLOPE][i] = ocv_slope_eval (ecm, soc) * ecm->inv_capacity_as[i];
      ecm->s[E_SENS][i] = ecm->s[E_OCV_SLOPE][i];
      ecm->s[E_CACHE_OCV][i] = ocv_eval (ecm, soc);
    }

  if (ecm->has_kinetics)
    {
      ecm->s[E_I0][i] = ps_table_eval (&cell->i0, soc)
                        / (rf * ps_cell_type_arrhenius_cell (cell, cell->ea_i0_j_mol, t));
      ecm->s[E_BV_B][i] = 2.0 * PS_GAS_CONSTANT * t / PS_FARADAY;
    }

  if (ecm->has_electrolyte)
    {
      double f = 1.0 / ps_cell_type_arrhenius_cell (cell, cell->ea_electrolyte_j_mol, t);
      double ce = exp (-dt * f / cell->electrolyte_tau_s);

      ecm->s[E_CE][i] = ce;
      ecm->s[E_CB][i] = (1.0 - ce) / (cell->electrolyte_i_lim_a * f);
      ecm->s[E_CV][i] = cell->electrolyte_scale_v * t / cell->t_ref_k;
    }
}

/* The current-dependent overpotentials of cell i (Butler-Volmer,
 * electrolyte) at the end of the step for the current ii, and their slope
 * in ii. */
static inline double
nonlinear_eta (const PsEcm *ecm,
               guint        i,
               double       ii,
               double      *slope)
{
  double eta = 0.0, d = 0.0;

  if (ecm->has_kinetics)
    {
      double i0 = ecm->s[E_I0][i];
      double b = ecm->s[E_BV_B][i];

      eta += b * asinh (ii / (2.0 * i0));
      d += b / sqrt (4.0 * i0 * i0 + ii * ii);
    }
  if (ecm->has_electrolyte)
    {
      double c = ecm->s[E_C][i] * ecm->s[E_CE][i] + ecm->s[E_CB][i] * ii;
      double v = ecm->s[E_CV][i];

      if (c > PS_ELECTROLYTE_C_MAX || c < -PS_ELECTROLYTE_C_MAX)
        c = copysign (PS_ELECTROLYTE_C_MAX, c);
      else
        d += v * 2.0 / (1.0 - c * c) * ecm->s[E_CB][i];
      eta += v * (log1p (c) - log1p (-c));
    }
  *slope = d;
  return eta;
}

/* The nonlinear overpotentials of cell i linearised about the current
 * i_lin: their shares of E and R. */
static inline void
nonlinear_linearise (PsEcm  *ecm,
                     guint   i,
                     double  i_lin)
{
  double slope;
  double eta = nonlinear_eta (ecm, i, i_lin, &slope);

  ecm->i_lin[i] = i_lin;
  ecm->ct_r[i] = slope;
  ecm->ct_e[i] = eta - slope * i_lin;
}

/* a step's dt, temperatures and currents, for the cells' jobs */
typedef struct
{
  PsEcm        *ecm;
  double        dt;
  const double *temp;
  const double *current;
  double       *heat;
  gboolean      refresh;                  /* linearise: remake the caches */
  gboolean      drift[PS_WORKERS_MAX_BLOCKS]; /* linearise: a cell of the block drifted */
} StepJob;

static void
linearise_cells (gpointer data,
                 guint    block,
                 guint    i0,
                 guint    i1)
{
  StepJob *job = data;
  PsEcm *ecm = job->ecm;
  double dt = job->dt;
  const double *temp = job->temp;
  const PsCellType *cell = ecm->cell;
  const double *soc = ecm->s[E_SOC];
  const double *v1 = ecm->s[E_V1];
  const double *v2 = ecm->s[E_V2];
  const double *arr_r0 = ecm->s[E_ARR_R0];
  const double *e1 = ecm->s[E_E1];
  const double *b1 = ecm->s[E_B1];
  const double *e2 = ecm->s[E_E2];
  const double *b2 = ecm->s[E_B2];
  const double *cache_soc = ecm->s[E_CACHE_SOC];
  const double *cache_temp = ecm->s[E_CACHE_TEMP];
  const double *ocv_slope = ecm->s[E_OCV_SLOPE];
  const double *cache_ocv = ecm->s[E_CACHE_OCV];
  const double *diff = ecm->s[E_DIFF];
  const double *ed = ecm->s[E_ED];
  const double *r_diff = ecm->s[E_R_DIFF];
  const double *i_last = ecm->s[E_I_LAST];
  double *ocv = ecm->s[E_OCV];
  double *ec = ecm->e;
  double *rc = ecm->r;
  double *u_ref = ecm->u_ref;
  double *dudt = ecm->dudt;
  double t_ref = cell->t_ref_k;
  gboolean drift = FALSE;

  if (job->refresh)
    for (guint i = i0; i < i1; i++)
      refresh_cell_cache (ecm, i, soc[i], temp[i], dt);

  for (guint i = i0; i < i1; i++)
    {
      double s = soc[i];
      double t = temp[i];
      double u, ro, u_surf;

      u_ref[i] = ocv_eval (ecm, s);
      u_surf = u_ref[i];
      /* the OCV moves with the charge passed during the step:
       * OCV(SOC - I dt / 3600 Q) = OCV - (dOCV/dSOC) (dt / 3600 Q) I,
       * which is linear in I, so it joins R (end-of-step voltage) */
      ro = ocv_slope[i] * dt;
      if (ecm->has_diffusion)
        {
          /* the surface SOC at the step's end: s - d e_d at zero current,
           * less (dt / 3600 Q + b_d) I */
          u_surf = ocv_eval (ecm, s - diff[i] * ed[i]);
          ro += r_diff[i];
        }
      drift |= (fabs (s - cache_soc[i]) > PS_CACHE_SOC)
               | (fabs (t - cache_temp[i]) > PS_CACHE_TEMP_K)
               | (fabs (u_surf - cache_ocv[i]) > PS_CACHE_OCV_V);

      dudt[i] = ps_table_eval (&cell->dudt, s);
      /* (temperatures clamped to where the fits mean something, so an
       * absurd load cannot run away through the entropic terms) */
      t = CLAMP (t, PS_ARRHENIUS_MIN_K, PS_ARRHENIUS_MAX_K);
      u = u_ref[i] + (t - t_ref) * dudt[i];
      ocv[i] = u;
      ec[i] = u_surf + (t - t_ref) * dudt[i] - v1[i] * e1[i] - v2[i] * e2[i];
      rc[i] = ps_table_eval (&cell->r0, s) * arr_r0[i] + b1[i] + b2[i] + ro;
      if (ecm->nonlinear)
        {
          nonlinear_linearise (ecm, i, i_last[i]);
          ec[i] -= ecm->ct_e[i];
          rc[i] += ecm->ct_r[i];
        }
    }

  job->drift[block] = drift;
}

static void
ecm_linearise (PsCellModel   *model,
               double         dt,
               const double  *temp,
               const double **e_out,
               const double **r_out)
{
  PsEcm *ecm = (PsEcm *) model;
  StepJob job = { ecm, dt, temp, NULL, NULL, FALSE, { FALSE } };
  gboolean drift = FALSE;

  job.refresh = ecm->sc.cache_dt != dt || ecm->sc.refresh_pending;
  _ps_workers_run (model->workers, ecm->n_cells, linearise_cells, &job);
  if (job.refresh)
    ecm->sc.cache_dt = dt;
  /* (an or over the blocks: the same whatever the partition) */
  for (guint k = 0; k < G_N_ELEMENTS (job.drift); k++)
    drift |= job.drift[k];

  ecm->sc.refresh_pending = drift;
  *e_out = ecm->e;
  *r_out = ecm->r;
}

static void
commit_cells (gpointer data,
              guint    block,
              guint    i0,
              guint    i1)
{
  const StepJob *job = data;
  PsEcm *ecm = job->ecm;
  double dt = job->dt;
  const double *temp = job->temp, *current = job->current;
  double *heat = job->heat;
  double *soc = ecm->s[E_SOC];
  double *v1 = ecm->s[E_V1];
  double *v2 = ecm->s[E_V2];
  double *voltage = ecm->s[E_VOLTAGE];
  double *diff = ecm->s[E_DIFF];
  double *conc = ecm->s[E_C];
  gboolean has_electrolyte = ecm->has_electrolyte;
  double *i_last = ecm->s[E_I_LAST];
  const double *ed = ecm->s[E_ED];
  const double *bd = ecm->s[E_BD];
  const double *ocv = ecm->s[E_OCV];
  const double *e1 = ecm->s[E_E1];
  const double *b1 = ecm->s[E_B1];
  const double *e2 = ecm->s[E_E2];
  const double *b2 = ecm->s[E_B2];
  const double *ec = ecm->e;
  const double *rc = ecm->r;
  const double *u_ref = ecm->u_ref;
  const double *dudt = ecm->dudt;
  const double *inv_cap = ecm->inv_capacity_as;

  for (guint i = i0; i < i1; i++)
    {
      double ii = current[i];
      double vi = ec[i] - rc[i] * ii;
      double s_end = soc[i] - ii * dt * inv_cap[i];
      /* the OCV averaged over the step (trapezoid between the SOC before
       * and after): the chemical energy taken is I OCV_mid dt, the rest
       * of I (OCV_mid - V) dt is heat */
      double u = ocv[i] + 0.5 * (ocv_eval (ecm, s_end) - u_ref[i]);
      double entropic = ii * CLAMP (temp[i], PS_ARRHENIUS_MIN_K, PS_ARRHENIUS_MAX_K) * dudt[i];

      voltage[i] = vi;
      heat[i] = ii * (u - vi) - entropic;
      v1[i] = v1[i] * e1[i] + b1[i] * ii;
      v2[i] = v2[i] * e2[i] + b2[i] * ii;
      diff[i] = diff[i] * ed[i] + bd[i] * ii;
      if (has_electrolyte)
        conc[i] = CLAMP (conc[i] * ecm->s[E_CE][i] + ecm->s[E_CB][i] * ii,
                         -PS_ELECTROLYTE_C_MAX, PS_ELECTROLYTE_C_MAX);
      i_last[i] = ii;
      soc[i] = s_end;

      ecm->chem_w[i] = ii * u;
      ecm->rev_w[i] = entropic;
    }
}

static void
ecm_commit (PsCellModel      *model,
            double            dt,
            const double     *temp,
            const double     *current,
            double           *heat,
            PsCellModelPower *power)
{
  PsEcm *ecm = (PsEcm *) model;
  StepJob job = { ecm, dt, temp, current, heat, FALSE, { FALSE } };

  _ps_workers_run (model->workers, ecm->n_cells, commit_cells, &job);
  _ps_cell_model_sum_power (ecm->chem_w, ecm->rev_w, ecm->n_cells, power);
}

/* The pack solve's currents: a cell whose overpotentials at its current
 * are off their linearisation by more than PS_ECM_NONLINEAR_TOL_V takes
 * that current as its next linearisation point. */
static gboolean
ecm_set_current_guess (PsCellModel  *model,
                       const double *current)
{
  PsEcm *ecm = (PsEcm *) model;
  double *i_lin = ecm->s[E_I_LAST];
  gboolean again = FALSE;

  for (guint i = 0; i < ecm->n_cells; i++)
    {
      double ii = current[i];
      double slope, eta;

      /* at (nearly) the current it is linearised about the pair is exact
       * (the error is second order: under 1e-12 V here), as in every step
       * of a steady load */
      if (fabs (ii - i_lin[i]) <= PS_ECM_SAME_CURRENT_A)
        continue;
      /* the linearisation is off by at most |eta''|max (I - I*)^2 / 2
       * between the two currents, so a small move needs no asinh or log:
       * Butler-Volmer's |eta''| <= PS_BV_CURVATURE_MAX b / i0^2 (at I =
       * sqrt(2) i0); the electrolyte's is v c_b^2 4 c / (1 - c^2)^2, which
       * grows with |c|, so at most its value at the end of the move where
       * |c| is larger */
      {
        double d = ii - i_lin[i];
        double curvature = 0.0;

        if (ecm->has_kinetics)
          {
            double i0 = ecm->s[E_I0][i];

            curvature += PS_BV_CURVATURE_MAX * ecm->s[E_BV_B][i] / (i0 * i0);
          }
        if (ecm->has_electrolyte)
          {
            double cb = ecm->s[E_CB][i];
            double c1 = ecm->s[E_C][i] * ecm->s[E_CE][i] + cb * i_lin[i];
            double cm = MAX (fabs (c1), fabs (c1 + cb * d));
            double q = 1.0 - cm * cm;

            curvature = cm < PS_ELECTROLYTE_C_MAX
                        ? curvature + ecm->s[E_CV][i] * cb * cb * 4.0 * cm / (q * q)
                        : INFINITY;
          }
        if (0.5 * curvature * d * d <= PS_ECM_NONLINEAR_TOL_V)
          continue;
      }
      eta = nonlinear_eta (ecm, i, ii, &slope);
      if (fabs (eta - (ecm->ct_e[i] + ecm->ct_r[i] * ii)) > PS_ECM_NONLINEAR_TOL_V)
        {
          i_lin[i] = ii;
          again = TRUE;
        }
    }

  return again;
}

static void
ecm_refresh (PsCellModel *model)
{
  ((PsEcm *) model)->sc.refresh_pending = TRUE;
}

static void
ecm_save (PsCellModel *model)
{
  PsEcm *ecm = (PsEcm *) model;

  _ps_state_block_save (&ecm->block);
  ecm->saved_sc = ecm->sc;
}

static void
ecm_restore (PsCellModel *model)
{
  PsEcm *ecm = (PsEcm *) model;

  _ps_state_block_restore (&ecm->block);
  ecm->sc = ecm->saved_sc;
}

static void
ecm_get_charge_sensitivity (PsCellModel   *model,
                            const double **soc_per_c,
                            const double **ocv_per_c)
{
  PsEcm *ecm = (PsEcm *) model;

  *soc_per_c = ecm->inv_capacity_as;
  *ocv_per_c = ecm->s[E_SENS];
}

static const double *
ecm_get_soc (PsCellModel *model)
{
  return ((PsEcm *) model)->s[E_SOC];
}

static const double *
ecm_get_ocv (PsCellModel *model)
{
  return ((PsEcm *) model)->s[E_OCV];
}

static const double *
ecm_get_voltage (PsCellModel *model)
{
  return ((PsEcm *) model)->s[E_VOLTAGE];
}

#define PS_ECM_CLASS_MEMBERS                           \
  .name = "ecm-2rc",                                   \
  .new = ecm_new,                                      \
  .free = ecm_free,                                    \
  .reset = ecm_reset,                                  \
  .linearise = ecm_linearise,                          \
  .commit = ecm_commit,                                \
  .refresh = ecm_refresh,                              \
  .save = ecm_save,                                    \
  .restore = ecm_restore,                              \
  .get_charge_sensitivity = ecm_get_charge_sensitivity, \
  .get_soc = ecm_get_soc,                              \
  .get_ocv = ecm_get_ocv,                              \
  .get_voltage = ecm_get_voltage

const PsCellModelClass _ps_ecm_class = {
  PS_ECM_CLASS_MEMBERS,
};

static const PsCellModelClass ps_ecm_nonlinear_class = {
  PS_ECM_CLASS_MEMBERS,
  .set_current_guess = ecm_set_current_guess,
};
