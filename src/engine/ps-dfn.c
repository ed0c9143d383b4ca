/* ps-dfn.c: the Doyle-Fuller-Newman cell model
 *
 * Equations (PyBaMM's DFN, Marquis et al. 2019), per unit electrode area,
 * x across the cell (0 at the negative current collector), r in a particle:
 *
 *   particles   dc_s/dt = 1/r^2 d/dr (r^2 D_s dc_s/dr),
 *               -D_s dc_s/dr = j / F at r = R_p, 0 at r = 0
 *   electrolyte eps dc_e/dt = d/dx (eps^b D_e dc_e/dx) + (1 - t+) a j / F
 *               i_e = -kappa_eff (dphi_e/dx - chi RT/F d ln c_e/dx),
 *               chi = 2 (1 - t+) (thermodynamic factor), di_e/dx = a j
 *   solid       i_s = -sigma_eff dphi_s/dx, di_s/dx = -a j,
 *               i_s = i_app at both current collectors, 0 at the separator
 *   kinetics    j = 2 j0 sinh (F eta / (2 R T)), eta = phi_s - phi_e - U(c_s,surf)
 *   voltage     V = phi_s(L) - phi_s(0)
 *
 * a = 3 eps_am / R_p. Cell-centred finite volumes: the faces' transport
 * coefficients are the series (harmonic) combination of the two half cells,
 * so the region boundaries are exact. Backward Euler in time. The particles
 * are linear in c_s (D_s evaluated at the electrode's mean stoichiometry at
 * the start of the step: exact for the constant D_s of Chen2020 and
 * Marquis2019), so before each step every particle is solved once for its
 * old state and once for a unit flux: its surface concentration is then
 * c_surf = alpha_k + beta j_k, and the Newton iteration is on the x nodes
 * alone, four unknowns a node (c_e, phi_e, phi_s, j; phi_s and j are 0 in
 * the separator). j is local to its node and is condensed out; the rest is
 * block tridiagonal (3 x 3 blocks), factored by block elimination from the
 * negative collector with partial pivoting inside each block (the
 * potentials' part is a grounded, diagonally dominant chain, the
 * concentrations' has the accumulation on its diagonal). Newton's iterate
 * starts from the last step's change, scaled (a predictor), or, in the step
 * after a linearisation, from that solution and its tangent in the current.
 * The solid potential's equations are
 * one too many for its two Neumann ends (the currents balance), so the
 * first one is replaced by the gauge phi_s = 0 at the first node.
 *
 * The end-of-step voltage's derivative with the current comes from the
 * converged Jacobian (one more back-substitution): that is the cell's
 * Thevenin resistance for the pack solve.
 *
 * Heat (W): ohmic in the solid and the electrolyte (-i_e dphi_e/dx with its
 * diffusion potential), reaction (a j eta), reversible (a j T dU/dT).
 */
#include "config.h"

#include <math.h>
#include <string.h>

#include "ps-cell-model.h"
#include "ps-dfn-private.h"
#include "ps-error.h"
#include "ps-state-block-private.h"


#define NEWTON_MAX_ITER  30
/* Newton stops when its update is below these (the error left is of their
 * square: quadratic convergence) */
#define NEWTON_TOL_PHI   1e-5   /* V */
#define NEWTON_TOL_C     1e-5   /* relative to c_e0 */
#define NEWTON_TOL_J     1e-5   /* relative to 1 + |j| */
/* Newton's slopes of the material functions are kept from the iteration
 * before once its update in the potentials was below this */
#define LAG_MAX_UPDATE_V 1e-4
#define STO_EPS          1e-9
#define CE_MIN           1e-3   /* mol/m3, the floor the evaluation sees */
#define DT_MIN           1e-9   /* s, the shortest step solved */

/* the unknowns of a node; the band system has the first NB (the reaction
 * current, local to its node, is condensed out before the factorisation) */
enum { V_CE, V_PHIE, V_PHIS, V_J, NV };
#define NB 3

typedef struct
{
  guint   nr;
  double  radius;
  double *vol;        /* nr, shell volumes / (4 pi) */
  double *area;       /* nr + 1 faces: r^2 */
  double  dr;
  double  c_max;
  /* the step's tridiagonal system (V/dt + D K) and its factors */
  double *lower, *diag, *upper, *cp;
  double *unit;       /* c_s response to a unit j */
  double  beta;       /* surface concentration per unit j */
  double  d_s;
  double  fact_dt, fact_d;
} Particle;

struct _PsDfnCell
{
  const PsElectrochem *ec;
  PsDfnMesh  mesh;
  guint      nx, nn, ns, np;   /* nodes: all, negative, separator, positive */
  double     area_m2;          /* all electrode pairs, times area_factor */
  double     rf;               /* resistance factor */

  /* per node */
  double    *dx, *xc, *eps, *a_s, *sigma;
  double    *brug;             /* eps^b, the electrolyte's transport factor */
  Particle   part[2];

  /* the state: c_s of every particle, then c_e, phi_e, phi_s, j per node */
  gsize      state_len;
  double    *state;
  double    *cs;               /* nn * nr_n, then np * nr_p */
  double    *u;                /* NV * nx, interleaved by node */
  double    *u_prev;           /* the step before, for the predictor */
  double    *voltage;          /* one */
  double    *dt_prev;          /* one, 0 = none */
  double    *i_prev;           /* one: the current of the step before, A/m2 */

  /* work */
  double    *u_try;            /* NV * nx */
  double    *alpha;            /* surface concentration at j = 0, per node */
  double    *res;              /* NV * nx */
  double    *du;               /* NV * nx */
  double    *jrow;             /* the j rows: 5 per node, d/d(ce, phie, phis, j) and 1 */
  double    *jcol;             /* the j columns of the other rows: 3 per node */
  double    *rhs;              /* NB * nx */
  double    *blk;              /* the Jacobian's blocks A, B, C per node */
  int       *piv;
  double    *c0;               /* the particles' free responses (as cs) */
  /* derivatives kept from a step's first Newton iteration (relative:
   * d ln D_e / dc, d ln kappa / dc; dU/dsto) */
  double    *lag_dd, *lag_dk, *lag_du;
  double    *lnc;              /* ln c_e per node, of the iterate assembled */
  /* the electrodes' mean stoichiometries of the state, once made */
  double     mean_sto[2];
  gboolean   mean_valid;
  gboolean   c0_valid;
  /* the last _ps_dfn_cell_solve, for the step that follows it: its
   * solution in u_try, its derivative with i_app in sens */
  gboolean   solved;
  double     solved_dt, solved_temp, solved_i;
  double    *sens;             /* NV * nx */
  double     i_app;            /* A/m2 of the last solve */
  double     temp_k;
};

/* ------------------------------------------------- block-tridiagonal LU */

/* The Jacobian of the x nodes is block tridiagonal: node k's rows couple
 * to nodes k - 1 (block A_k), k (B_k) and k + 1 (C_k), NB x NB each, row
 * major. Block elimination from the first node (the gauge grounds it):
 *   B'_k = B_k - A_k G_{k-1},  G_k = B'_k^-1 C_k,
 * each B'_k LU-factored with partial pivoting inside the block. */
#define BS (NB * NB)

static inline double *
blk_a (double *blk, guint k) { return blk + (gsize) k * 3 * BS; }
static inline double *
blk_b (double *blk, guint k) { return blk + (gsize) k * 3 * BS + BS; }
static inline double *
blk_c (double *blk, guint k) { return blk + (gsize) k * 3 * BS + 2 * BS; }

/* in-place LU of an NB x NB block with row pivots; FALSE if singular */
static gboolean
lu_small (double *m,
          int    *piv)
{
  for (int k = 0; k < NB; k++)
    {
      int p = k;
      double amax = fabs (m[k * NB + k]);

      for (int i = k + 1; i < NB; i++)
        if (fabs (m[i * NB + k]) > amax)
          {
            amax = fabs (m[i * NB + k]);
            p = i;
          }
      if (!(amax > 0.0) || !isfinite (amax))
        return FALSE;
      piv[k] = p;
      /* (the columns from k on: the multipliers stay where they were made,
       * and the solve swaps as it goes) */
      if (p != k)
        for (int j = k; j < NB; j++)
          {
            double t = m[k * NB + j];

            m[k * NB + j] = m[p * NB + j];
            m[p * NB + j] = t;
          }
      for (int i = k + 1; i < NB; i++)
        {
          double l = m[i * NB + k] / m[k * NB + k];

          m[i * NB + k] = l;
          for (int j = k + 1; j < NB; j++)
            m[i * NB + j] -= l * m[k * NB + j];
        }
    }
  return TRUE;
}

/* x = M^-1 x with the factors of lu_small; x has a stride (a column of a
 * block: stride NB) */
static inline void
lu_small_solve (const double *m,
                const int    *piv,
                double       *x,
                int           stride)
{
  for (int k = 0; k < NB; k++)
    {
      if (piv[k] != k)
        {
          double t = x[k * stride];

          x[k * stride] = x[piv[k] * stride];
          x[piv[k] * stride] = t;
        }
      for (int i = k + 1; i < NB; i++)
        x[i * stride] -= m[i * NB + k] * x[k * stride];
    }
  for (int k = NB - 1; k >= 0; k--)
    {
      double s = x[k * stride];

      for (int j = k + 1; j < NB; j++)
        s -= m[k * NB + j] * x[j * stride];
      x[k * stride] = s / m[k * NB + k];
    }
}

/* factors the n block rows in place: B_k becomes the LU of B'_k, C_k
 * becomes G_k */
static gboolean
blk_factor (double *blk,
            int    *piv,
            guint   n)
{
  for (guint k = 0; k < n; k++)
    {
      double *bk = blk_b (blk, k);

      if (k > 0)
        {
          const double *ak = blk_a (blk, k);
          const double *g = blk_c (blk, k - 1);

          for (int i = 0; i < NB; i++)
            for (int j = 0; j < NB; j++)
              {
                double s = 0.0;

                for (int l = 0; l < NB; l++)
                  s += ak[i * NB + l] * g[l * NB + j];
                bk[i * NB + j] -= s;
              }
        }
      if (!lu_small (bk, piv + NB * k))
        return FALSE;
      if (k + 1 < n)
        {
          double *ck = blk_c (blk, k);

          for (int j = 0; j < NB; j++)
            lu_small_solve (bk, piv + NB * k, ck + j, NB);
        }
    }
  return TRUE;
}

static void
blk_solve (double    *blk,
           const int *piv,
           guint      n,
           double    *x)
{
  for (guint k = 0; k < n; k++)
    {
      double *xk = x + (gsize) NB * k;

      if (k > 0)
        {
          const double *ak = blk_a (blk, k);
          const double *xp = xk - NB;

          for (int i = 0; i < NB; i++)
            {
              double s = 0.0;

              for (int l = 0; l < NB; l++)
                s += ak[i * NB + l] * xp[l];
              xk[i] -= s;
            }
        }
      lu_small_solve (blk_b (blk, k), piv + NB * k, xk, 1);
    }
  for (guint k = n - 1; k-- > 0;)
    {
      const double *g = blk_c (blk, k);
      double *xk = x + (gsize) NB * k;
      const double *xn = xk + NB;

      for (int i = 0; i < NB; i++)
        {
          double s = 0.0;

          for (int l = 0; l < NB; l++)
            s += g[i * NB + l] * xn[l];
          xk[i] -= s;
        }
    }
}

/* ---------------------------------------------------------------- particles */

static void
particle_init (Particle *p,
               guint     nr,
               double    radius,
               double    c_max)
{
  p->nr = nr;
  p->radius = radius;
  p->c_max = c_max;
  p->dr = radius / nr;
  p->vol = g_new0 (double, nr);
  p->area = g_new0 (double, nr + 1);
  p->lower = g_new0 (double, nr);
  p->diag = g_new0 (double, nr);
  p->upper = g_new0 (double, nr);
  p->cp = g_new0 (double, nr);
  p->unit = g_new0 (double, nr);
  for (guint i = 0; i <= nr; i++)
    {
      double r = p->dr * i;

      p->area[i] = r * r;
    }
  for (guint i = 0; i < nr; i++)
    {
      double r0 = p->dr * i, r1 = p->dr * (i + 1);

      p->vol[i] = (r1 * r1 * r1 - r0 * r0 * r0) / 3.0;
    }
  p->fact_dt = -1.0;
}

static void
particle_clear (Particle *p)
{
  g_free (p->vol);
  g_free (p->area);
  g_free (p->lower);
  g_free (p->diag);
  g_free (p->upper);
  g_free (p->cp);
  g_free (p->unit);
}

/* Thomas algorithm on the factored system: x = A^-1 b (in place) */
static void
particle_tridiag_solve (const Particle *p,
                        double         *x)
{
  guint n = p->nr;

  /* forward: cp holds the modified upper diagonal, diag the pivots */
  x[0] = x[0] / p->diag[0];
  for (guint i = 1; i < n; i++)
    x[i] = (x[i] - p->lower[i] * x[i - 1]) / p->diag[i];
  for (guint i = n - 1; i-- > 0;)
    x[i] -= p->cp[i] * x[i + 1];
}

/* surface concentration of a profile with the surface flux j (A/m2) */
static inline double
particle_surface (const Particle *p,
                  const double   *c,
                  double          j)
{
  guint n = p->nr;
  double g_s = -j / (PS_FARADAY * p->d_s);

  /* the slope at the surface is g_s, between the last two centres the
   * difference quotient: a quadratic through both */
  if (n == 1)
    return c[0] + 0.5 * p->dr * g_s;
  return 1.125 * c[n - 1] - 0.125 * c[n - 2] + 0.375 * p->dr * g_s;
}

/* Builds and factors V/dt + D K for the step (when dt or D changed) and
 * the response to a unit flux. */
static void
particle_prepare (Particle *p,
                  double    dt,
                  double    d_s)
{
  guint n = p->nr;
  double k = d_s / p->dr;
  double m;

  if (p->fact_dt == dt && p->fact_d == d_s)
    return;
  p->fact_dt = dt;
  p->fact_d = d_s;
  p->d_s = d_s;
  for (guint i = 0; i < n; i++)
    {
      double lo = i > 0 ? k * p->area[i] : 0.0;
      double up = i + 1 < n ? k * p->area[i + 1] : 0.0;

      p->lower[i] = -lo;
      p->upper[i] = -up;
      p->diag[i] = p->vol[i] / dt + lo + up;
    }
  /* factor: diag[i] becomes the pivot, cp[i] = upper[i] / pivot */
  for (guint i = 0; i < n; i++)
    {
      if (i > 0)
        p->diag[i] -= p->lower[i] * p->cp[i - 1];
      p->cp[i] = p->upper[i] / p->diag[i];
    }
  memset (p->unit, 0, sizeof (double) * n);
  /* outflow R^2 j / F at the surface: rhs -R^2 / F per unit j */
  p->unit[n - 1] = -p->area[n] / PS_FARADAY;
  particle_tridiag_solve (p, p->unit);
  m = particle_surface (p, p->unit, 1.0) - particle_surface (p, p->unit, 0.0);
  p->beta = particle_surface (p, p->unit, 0.0) + m;
}

/* c0 = A^-1 (V c_old / dt), the profile at j = 0 */
static void
particle_free_response (const Particle *p,
                        const double   *c_old,
                        double          dt,
                        double         *c0)
{
  for (guint i = 0; i < p->nr; i++)
    c0[i] = p->vol[i] * c_old[i] / dt;
  particle_tridiag_solve (p, c0);
}

/* ---------------------------------------------------------------- the cell */

static inline PsElectrodeId
node_electrode (const PsDfnCell *cell,
                guint            k)
{
  return k < cell->nn ? PS_ELECTRODE_NEG : PS_ELECTRODE_POS;
}

static inline gboolean
node_is_sep (const PsDfnCell *cell,
             guint            k)
{
  return k >= cell->nn && k < cell->nn + cell->ns;
}

/* the particle of node k (in an electrode): its concentrations */
static inline double *
node_cs (const PsDfnCell *cell,
         double          *cs,
         guint            k)
{
  if (k < cell->nn)
    return cs + (gsize) k * cell->part[0].nr;
  return cs + (gsize) cell->nn * cell->part[0].nr
         + (gsize) (k - cell->nn - cell->ns) * cell->part[1].nr;
}

PsDfnCell *
_ps_dfn_cell_new (const PsElectrochem *ec,
                  const PsDfnMesh     *mesh,
                  double               area_factor,
                  double               resistance_factor,
                  GError             **error)
{
  PsDfnCell *cell;
  guint nx;
  gsize ncs;

  if (mesh->n_x_neg < 1 || mesh->n_x_sep < 1 || mesh->n_x_pos < 1
      || mesh->n_r_neg < 1 || mesh->n_r_pos < 1
      || mesh->n_x_neg > 1000 || mesh->n_x_sep > 1000 || mesh->n_x_pos > 1000
      || mesh->n_r_neg > 1000 || mesh->n_r_pos > 1000)
    {
      g_set_error (error, PS_ENGINE_ERROR, PS_ENGINE_ERROR_INVALID,
                   "DFN mesh of %s: %u/%u/%u volumes across and %u/%u in the "
                   "particles, each must be 1 to 1000", ec->id,
                   mesh->n_x_neg, mesh->n_x_sep, mesh->n_x_pos,
                   mesh->n_r_neg, mesh->n_r_pos);
      return NULL;
    }
  if (!(area_factor > 0.0) || !isfinite (area_factor)
      || !(resistance_factor > 0.0) || !isfinite (resistance_factor))
    {
      g_set_error (error, PS_ENGINE_ERROR, PS_ENGINE_ERROR_INVALID,
                   "DFN cell of %s: area factor %g and resistance factor %g "
                   "must be finite and > 0", ec->id, area_factor, resistance_factor);
      return NULL;
    }

  cell = g_new0 (PsDfnCell, 1);
  cell->ec = ec;
  cell->mesh = *mesh;
  cell->nn = mesh->n_x_neg;
  cell->ns = mesh->n_x_sep;
  cell->np = mesh->n_x_pos;
  cell->nx = nx = cell->nn + cell->ns + cell->np;

  cell->dx = g_new0 (double, nx);
  cell->xc = g_new0 (double, nx);
  cell->eps = g_new0 (double, nx);
  cell->brug = g_new0 (double, nx);
  cell->a_s = g_new0 (double, nx);
  cell->sigma = g_new0 (double, nx);
  {
    double x0 = 0.0;

    for (guint k = 0; k < nx; k++)
      {
        if (node_is_sep (cell, k))
          {
            const PsSeparator *s = &ec->separator;

            cell->dx[k] = s->thickness_m / cell->ns;
            cell->eps[k] = s->porosity;
            cell->brug[k] = pow (s->porosity, s->brug);
          }
        else
          {
            PsElectrodeId w = node_electrode (cell, k);
            const PsElectrode *e = &ec->electrode[w];

            cell->dx[k] = e->thickness_m / (w == PS_ELECTRODE_NEG ? cell->nn : cell->np);
            cell->eps[k] = e->porosity;
            cell->brug[k] = pow (e->porosity, e->brug_electrolyte);
            cell->a_s[k] = 3.0 * e->active_fraction / e->particle_radius_m;
          }
        cell->xc[k] = x0 + 0.5 * cell->dx[k];
        x0 += cell->dx[k];
      }
  }
  particle_init (&cell->part[0], mesh->n_r_neg,
                 ec->electrode[PS_ELECTRODE_NEG].particle_radius_m,
                 ec->electrode[PS_ELECTRODE_NEG].c_max);
  particle_init (&cell->part[1], mesh->n_r_pos,
                 ec->electrode[PS_ELECTRODE_POS].particle_radius_m,
                 ec->electrode[PS_ELECTRODE_POS].c_max);

  ncs = (gsize) cell->nn * mesh->n_r_neg + (gsize) cell->np * mesh->n_r_pos;
  cell->state_len = ncs + (gsize) 2 * NV * nx + 3;
  cell->state = g_new0 (double, cell->state_len);
  cell->cs = cell->state;
  cell->u = cell->state + ncs;
  cell->u_prev = cell->u + (gsize) NV * nx;
  cell->voltage = cell->u_prev + (gsize) NV * nx;
  cell->dt_prev = cell->voltage + 1;
  cell->i_prev = cell->voltage + 2;

  cell->u_try = g_new0 (double, (gsize) NV * nx);
  cell->alpha = g_new0 (double, nx);
  cell->res = g_new0 (double, (gsize) NV * nx);
  cell->du = g_new0 (double, (gsize) NV * nx);
  cell->jrow = g_new0 (double, (gsize) 5 * nx);
  cell->jcol = g_new0 (double, (gsize) 3 * nx);
  cell->rhs = g_new0 (double, (gsize) NB * nx);
  cell->blk = g_new0 (double, (gsize) 3 * BS * nx);
  cell->piv = g_new0 (int, (gsize) NB * nx);
  cell->c0 = g_new0 (double, ncs);
  cell->sens = g_new0 (double, (gsize) NV * nx);
  cell->lag_dd = g_new0 (double, nx);
  cell->lag_dk = g_new0 (double, nx);
  cell->lag_du = g_new0 (double, nx);
  cell->lnc = g_new0 (double, nx);
  cell->temp_k = ec->t_ref_k;
  _ps_dfn_cell_set_factors (cell, area_factor, resistance_factor);

  return cell;
}

void
_ps_dfn_cell_set_factors (PsDfnCell *cell,
                          double     area_factor,
                          double     resistance_factor)
{
  const PsElectrochem *ec = cell->ec;

  g_return_if_fail (area_factor > 0.0 && resistance_factor > 0.0);
  cell->solved = FALSE;
  cell->area_m2 = ec->area_m2 * MAX (ec->n_electrode_pairs, 1) * area_factor;
  cell->rf = resistance_factor;
  for (guint k = 0; k < cell->nx; k++)
    if (!node_is_sep (cell, k))
      {
        const PsElectrode *e = &ec->electrode[node_electrode (cell, k)];

        cell->sigma[k] = e->sigma_s_m * pow (1.0 - e->porosity, e->brug_electrode)
                         / resistance_factor;
      }
}

void
_ps_dfn_cell_free (PsDfnCell *cell)
{
  if (cell == NULL)
    return;
  g_free (cell->dx);
  g_free (cell->xc);
  g_free (cell->eps);
  g_free (cell->brug);
  g_free (cell->a_s);
  g_free (cell->sigma);
  particle_clear (&cell->part[0]);
  particle_clear (&cell->part[1]);
  g_free (cell->state);
  g_free (cell->u_try);
  g_free (cell->alpha);
  g_free (cell->res);
  g_free (cell->du);
  g_free (cell->jrow);
  g_free (cell->jcol);
  g_free (cell->rhs);
  g_free (cell->blk);
  g_free (cell->piv);
  g_free (cell->c0);
  g_free (cell->sens);
  g_free (cell->lag_dd);
  g_free (cell->lag_dk);
  g_free (cell->lag_du);
  g_free (cell->lnc);
  g_free (cell);
}

static inline double
ocp (const PsDfnCell *cell,
     PsElectrodeId    w,
     double           sto,
     double           temp_k)
{
  return ps_electrochem_ocp (cell->ec, w, CLAMP (sto, STO_EPS, 1.0 - STO_EPS), temp_k);
}

void
_ps_dfn_cell_set_rest (PsDfnCell *cell,
                       double     sto_n,
                       double     sto_p,
                       double     temp_k)
{
  const PsElectrochem *ec = cell->ec;
  double c_n = sto_n * ec->electrode[PS_ELECTRODE_NEG].c_max;
  double c_p = sto_p * ec->electrode[PS_ELECTRODE_POS].c_max;
  double u_n = ocp (cell, PS_ELECTRODE_NEG, sto_n, temp_k);
  double u_p = ocp (cell, PS_ELECTRODE_POS, sto_p, temp_k);

  for (guint k = 0; k < cell->nx; k++)
    {
      double *u = cell->u + (gsize) NV * k;

      u[V_CE] = ec->electrolyte.c_e0;
      u[V_PHIE] = -u_n;
      u[V_J] = 0.0;
      u[V_PHIS] = 0.0;
      if (node_is_sep (cell, k))
        continue;
      if (k >= cell->nn)
        u[V_PHIS] = u_p - u_n;
      {
        Particle *p = &cell->part[node_electrode (cell, k)];
        double *c = node_cs (cell, cell->cs, k);

        for (guint i = 0; i < p->nr; i++)
          c[i] = k < cell->nn ? c_n : c_p;
      }
    }
  memcpy (cell->u_prev, cell->u, sizeof (double) * NV * cell->nx);
  *cell->voltage = u_p - u_n;
  *cell->dt_prev = 0.0;
  cell->temp_k = temp_k;
  cell->c0_valid = FALSE;
  cell->solved = FALSE;
  cell->mean_valid = FALSE;
}

/* Electrolyte transport at a node, with derivatives in c_e: D_eff, kappa_eff */
typedef struct
{
  double d, dd;       /* eps^b D_e, d/dc */
  double k, dk;       /* eps^b kappa_e / rf, d/dc */
} NodeTransport;

/* how node_transport and assemble come by their derivatives */
typedef enum
{
  DERIV_NONE,    /* values only */
  DERIV_FRESH,   /* made anew (and kept for the next iterations) */
  DERIV_LAGGED,  /* those of the step's first iteration, relative */
} DerivMode;

static void
node_transport (PsDfnCell     *cell,
                guint          k,
                double         c_e,
                double         temp_k,
                DerivMode      mode,
                NodeTransport *t)
{
  const PsElectrochem *ec = cell->ec;
  double f = cell->brug[k];
  double c = MAX (c_e, CE_MIN);
  double fk = f / cell->rf;

  t->d = f * ps_electrochem_d_e (ec, c, temp_k);
  t->k = fk * ps_electrochem_kappa_e (ec, c, temp_k);
  if (mode == DERIV_FRESH)
    {
      double h = 1e-4 * c;

      cell->lag_dd[k] = (f * ps_electrochem_d_e (ec, c + h, temp_k) / t->d - 1.0) / h;
      cell->lag_dk[k] = (fk * ps_electrochem_kappa_e (ec, c + h, temp_k) / t->k - 1.0) / h;
    }
  t->dd = mode == DERIV_NONE ? 0.0 : t->d * cell->lag_dd[k];
  t->dk = mode == DERIV_NONE ? 0.0 : t->k * cell->lag_dk[k];
}

/* Residual and Jacobian of the step at the unknowns u (alpha holds the
 * particles' free surface concentrations): the rows of c_e, phi_e and phi_s
 * into res and the band (their columns of j into jcol), the local rows of
 * j into res and jrow. */
static void
assemble (PsDfnCell    *cell,
          const double *u,
          const double *u_old,
          double        dt,
          double        temp_k,
          double        i_app,
          DerivMode     mode)
{
  const PsElectrochem *ec = cell->ec;
  guint nx = cell->nx;
  double *res = cell->res;
  double *blk = cell->blk;
  double t_plus = ec->electrolyte.t_plus;
  double rt_f = PS_GAS_CONSTANT * temp_k / PS_FARADAY;
  double chi = 2.0 * (1.0 - t_plus) * ec->electrolyte.thermodynamic_factor * rt_f;
  double f_2rt = 0.5 / rt_f;
  NodeTransport tr_prev, tr_cur;

  memset (blk, 0, sizeof (double) * 3 * BS * nx);

#define RES(k, v) res[NV * (k) + (v)]
#define J(k, v, l, w) (blk[((gsize) (k) * 3 + 1 + (l) - (k)) * BS + (v) * NB + (w)])

  /* accumulation, sources and the local equations */
  for (guint k = 0; k < nx; k++)
    {
      const double *uk = u + (gsize) NV * k;
      double dx = cell->dx[k];
      double *jr = cell->jrow + (gsize) 5 * k;
      double *jc = cell->jcol + (gsize) 3 * k;

      cell->lnc[k] = log (MAX (uk[V_CE], CE_MIN));
      RES (k, V_CE) = cell->eps[k] * dx * (uk[V_CE] - u_old[NV * k + V_CE]) / dt;
      J (k, V_CE, k, V_CE) = cell->eps[k] * dx / dt;
      RES (k, V_PHIE) = 0.0;

      if (node_is_sep (cell, k))
        {
          RES (k, V_PHIS) = uk[V_PHIS];
          J (k, V_PHIS, k, V_PHIS) = 1.0;
          RES (k, V_J) = uk[V_J];
          jr[0] = jr[1] = jr[2] = 0.0;
          jr[3] = 1.0;
          jc[0] = jc[1] = jc[2] = 0.0;
          continue;
        }

      {
        PsElectrodeId w = node_electrode (cell, k);
        const Particle *p = &cell->part[w];
        double a = cell->a_s[k];
        double jj = uk[V_J];
        double c_max = p->c_max;
        double cs = cell->alpha[k] + p->beta * jj;
        double sto = CLAMP (cs / c_max, STO_EPS, 1.0 - STO_EPS);
        double ce = MAX (uk[V_CE], CE_MIN);
        double h = 1e-7;
        double j0, uo, du_dsto, eta, sh, ch, dj0_dcs, dr_dcs;

        cs = sto * c_max;
        j0 = ps_electrochem_j0 (ec, w, ce, cs, temp_k) / cell->rf;
        uo = ocp (cell, w, sto, temp_k);
        eta = uk[V_PHIS] - uk[V_PHIE] - uo;
        {
          /* one exponential for both (the absolute error near eta = 0 is
           * of rounding, j0 1e-16) */
          double ex = exp (f_2rt * eta), inv = 1.0 / ex;

          sh = 0.5 * (ex - inv);
          ch = 0.5 * (ex + inv);
        }

        /* electrolyte source, potential source, solid sink */
        jc[0] = -dx * (1.0 - t_plus) * a / PS_FARADAY;
        jc[1] = -dx * a;
        jc[2] = dx * a;
        RES (k, V_CE) += jc[0] * jj;
        RES (k, V_PHIE) = jc[1] * jj;
        RES (k, V_PHIS) = jc[2] * jj;
        RES (k, V_J) = jj - 2.0 * j0 * sh;

        if (mode == DERIV_FRESH)
          cell->lag_du[k] = (ocp (cell, w, sto + h, temp_k) - uo) / h;
        du_dsto = cell->lag_du[k];
        dj0_dcs = j0 * (0.5 / cs - 0.5 / (c_max - cs));
        dr_dcs = -2.0 * dj0_dcs * sh + 2.0 * j0 * ch * f_2rt * du_dsto / c_max;
        jr[0] = -2.0 * sh * j0 * 0.5 / ce;
        jr[1] = 2.0 * j0 * ch * f_2rt;
        jr[2] = -jr[1];
        jr[3] = 1.0 + dr_dcs * p->beta;
      }
    }

  /* the faces between nodes k and k + 1 */
  node_transport (cell, 0, u[V_CE], temp_k, mode, &tr_prev);
  for (guint k = 0; k + 1 < nx; k++)
    {
      const double *ua = u + (gsize) NV * k;
      const double *ub = ua + NV;
      double ha = 0.5 * cell->dx[k], hb = 0.5 * cell->dx[k + 1];
      double ca = MAX (ua[V_CE], CE_MIN), cb = MAX (ub[V_CE], CE_MIN);
      double g, flux, kf, x, ie;
      double dg_a, dg_b, dflux_a, dflux_b, dk_a, dk_b, die_a, die_b;

      node_transport (cell, k + 1, ub[V_CE], temp_k, mode, &tr_cur);

      /* diffusion: flux into a from b */
      g = 1.0 / (ha / tr_prev.d + hb / tr_cur.d);
      flux = g * (cb - ca);
      RES (k, V_CE) -= flux;
      RES (k + 1, V_CE) += flux;

      /* electrolyte current from a to b */
      kf = 1.0 / (ha / tr_prev.k + hb / tr_cur.k);
      x = (ub[V_PHIE] - ua[V_PHIE]) - chi * (cell->lnc[k + 1] - cell->lnc[k]);
      ie = -kf * x;
      RES (k, V_PHIE) += ie;
      RES (k + 1, V_PHIE) -= ie;

      /* dg/dc_a = g^2 ha / D_a^2 dD_a */
      dg_a = g * g * ha / (tr_prev.d * tr_prev.d) * tr_prev.dd;
      dg_b = g * g * hb / (tr_cur.d * tr_cur.d) * tr_cur.dd;
      dflux_a = dg_a * (cb - ca) - g;
      dflux_b = dg_b * (cb - ca) + g;
      dk_a = kf * kf * ha / (tr_prev.k * tr_prev.k) * tr_prev.dk;
      dk_b = kf * kf * hb / (tr_cur.k * tr_cur.k) * tr_cur.dk;
      die_a = -dk_a * x - kf * chi / ca;
      die_b = -dk_b * x + kf * chi / cb;

      J (k, V_CE, k, V_CE) -= dflux_a;
      J (k, V_CE, k + 1, V_CE) -= dflux_b;
      J (k + 1, V_CE, k, V_CE) += dflux_a;
      J (k + 1, V_CE, k + 1, V_CE) += dflux_b;

      J (k, V_PHIE, k, V_PHIE) += kf;
      J (k, V_PHIE, k + 1, V_PHIE) -= kf;
      J (k + 1, V_PHIE, k, V_PHIE) -= kf;
      J (k + 1, V_PHIE, k + 1, V_PHIE) += kf;
      J (k, V_PHIE, k, V_CE) += die_a;
      J (k, V_PHIE, k + 1, V_CE) += die_b;
      J (k + 1, V_PHIE, k, V_CE) -= die_a;
      J (k + 1, V_PHIE, k + 1, V_CE) -= die_b;

      /* solid current from a to b, inside an electrode */
      if (!node_is_sep (cell, k) && !node_is_sep (cell, k + 1)
          && node_electrode (cell, k) == node_electrode (cell, k + 1))
        {
          double sf = 1.0 / (ha / cell->sigma[k] + hb / cell->sigma[k + 1]);
          double is = -sf * (ub[V_PHIS] - ua[V_PHIS]);

          RES (k, V_PHIS) += is;
          RES (k + 1, V_PHIS) -= is;
          J (k, V_PHIS, k, V_PHIS) += sf;
          J (k, V_PHIS, k + 1, V_PHIS) -= sf;
          J (k + 1, V_PHIS, k, V_PHIS) -= sf;
          J (k + 1, V_PHIS, k + 1, V_PHIS) += sf;
        }
      tr_prev = tr_cur;
    }

  /* the applied current leaves the positive collector (it enters at the
   * negative one, whose equation is the gauge instead) */
  RES (nx - 1, V_PHIS) += i_app;

  /* gauge */
  RES (0, V_PHIS) = u[V_PHIS];
  cell->jcol[2] = 0.0;
  for (guint w = 0; w < NB; w++)
    {
      J (0, V_PHIS, 0, w) = 0.0;
      J (0, V_PHIS, 1, w) = 0.0;
    }
  J (0, V_PHIS, 0, V_PHIS) = 1.0;
#undef J
#undef RES
}

/* the resistance (ohm m2) between the outer nodes and the terminals: the
 * half volumes at the collectors and the contact resistance */
static inline double
terminal_resistance (const PsDfnCell *cell)
{
  guint last = cell->nx - 1;

  return 0.5 * (cell->dx[0] / cell->sigma[0] + cell->dx[last] / cell->sigma[last])
         + cell->ec->contact_resistance_ohm * cell->rf * cell->area_m2;
}

/* terminal voltage of the unknowns u at i_app */
static double
terminal_voltage (const PsDfnCell *cell,
                  const double    *u,
                  double           i_app)
{
  guint last = cell->nx - 1;

  return u[NV * last + V_PHIS] - u[V_PHIS] - i_app * terminal_resistance (cell);
}

static double
electrode_mean_sto_eval (const PsDfnCell *cell,
                         const double    *cs,
                         PsElectrodeId    w)
{
  const Particle *p = &cell->part[w];
  guint k0 = w == PS_ELECTRODE_NEG ? 0 : cell->nn + cell->ns;
  guint k1 = w == PS_ELECTRODE_NEG ? cell->nn : cell->nx;
  double vol = p->radius * p->radius * p->radius / 3.0;
  double sum = 0.0, len = 0.0;

  for (guint k = k0; k < k1; k++)
    {
      const double *c = node_cs (cell, (double *) cs, k);
      double s = 0.0;

      for (guint i = 0; i < p->nr; i++)
        s += p->vol[i] * c[i];
      sum += cell->dx[k] * s / vol;
      len += cell->dx[k];
    }
  return sum / (len * p->c_max);
}

static double
electrode_mean_sto (PsDfnCell     *cell,
                    PsElectrodeId  w)
{
  if (!cell->mean_valid)
    {
      cell->mean_sto[PS_ELECTRODE_NEG] = electrode_mean_sto_eval (cell, cell->cs, PS_ELECTRODE_NEG);
      cell->mean_sto[PS_ELECTRODE_POS] = electrode_mean_sto_eval (cell, cell->cs, PS_ELECTRODE_POS);
      cell->mean_valid = TRUE;
    }
  return cell->mean_sto[w];
}

/* the electrode's mean surface stoichiometry at zero flux (each node's
 * profile extrapolated to its surface, averaged over the electrode) */
static double
electrode_surface_sto (PsDfnCell     *cell,
                       PsElectrodeId  w)
{
  const Particle *p = &cell->part[w];
  guint k0 = w == PS_ELECTRODE_NEG ? 0 : cell->nn + cell->ns;
  guint k1 = w == PS_ELECTRODE_NEG ? cell->nn : cell->nx;
  double sum = 0.0, len = 0.0;

  for (guint k = k0; k < k1; k++)
    {
      const double *c = node_cs (cell, cell->cs, k);

      /* particle_surface at j = 0 (before D_s is known) */
      sum += cell->dx[k] * (p->nr == 1 ? c[0] : 1.125 * c[p->nr - 1] - 0.125 * c[p->nr - 2]);
      len += cell->dx[k];
    }
  return sum / (len * p->c_max);
}

/* The particles' free responses (the profile at j = 0) and their surface
 * concentrations, for the step from the present state. */
static void
prepare_particles (PsDfnCell *cell,
                   double     dt,
                   double     temp_k)
{
  const PsElectrochem *ec = cell->ec;

  /* D_s(c) over the particles' profiles: its mean from the surface to the
   * mean stoichiometry (ps_electrochem_d_s_between) */
  for (int w = 0; w < 2; w++)
    {
      double sto = CLAMP (electrode_mean_sto (cell, w), STO_EPS, 1.0 - STO_EPS);
      double sto_s = ec->electrode[w].diffusivity.kind == PS_EC_FUNC_CONSTANT
                     ? sto : CLAMP (electrode_surface_sto (cell, w), STO_EPS, 1.0 - STO_EPS);
      double d_s = ps_electrochem_d_s_between (ec, w, sto_s, sto, temp_k);

      particle_prepare (&cell->part[w], dt, d_s);
    }
  for (guint k = 0; k < cell->nx; k++)
    {
      const Particle *p;
      double *c0;

      if (node_is_sep (cell, k))
        continue;
      p = &cell->part[node_electrode (cell, k)];
      c0 = node_cs (cell, cell->c0, k);
      particle_free_response (p, node_cs (cell, cell->cs, k), dt, c0);
      cell->alpha[k] = particle_surface (p, c0, 0.0);
    }
}

/* Condenses j out of the assembled system, factors the band and solves for
 * the update du (all NV unknowns). FALSE if singular. */
static gboolean
linear_solve (PsDfnCell *cell)
{
  guint nx = cell->nx;
  double *rhs = cell->rhs;

  for (guint k = 0; k < nx; k++)
    {
      const double *jr = cell->jrow + (gsize) 5 * k;
      const double *jc = cell->jcol + (gsize) 3 * k;
      double rj = cell->res[NV * k + V_J];
      double inv = 1.0 / jr[3];

      /* dj = -(r_j + jr . dz) / jr[3]: each row's j column folds into the
       * node's own three columns */
      for (guint v = 0; v < NB; v++)
        {
          guint r = NB * k + v;
          double b = jc[v] * inv;

          rhs[r] = -(cell->res[NV * k + v] - b * rj);
          if (b != 0.0)
            for (guint w = 0; w < NB; w++)
              blk_b (cell->blk, k)[v * NB + w] -= b * jr[w];
        }
    }
  if (!blk_factor (cell->blk, cell->piv, nx))
    return FALSE;
  blk_solve (cell->blk, cell->piv, nx, rhs);
  for (guint k = 0; k < nx; k++)
    {
      const double *jr = cell->jrow + (gsize) 5 * k;
      double *d = cell->du + (gsize) NV * k;

      d[V_CE] = rhs[NB * k + V_CE];
      d[V_PHIE] = rhs[NB * k + V_PHIE];
      d[V_PHIS] = rhs[NB * k + V_PHIS];
      d[V_J] = -(cell->res[NV * k + V_J] + jr[0] * d[V_CE] + jr[1] * d[V_PHIE]
                 + jr[2] * d[V_PHIS]) / jr[3];
    }
  return TRUE;
}

/* Where Newton's iterate starts */
typedef enum
{
  START_GIVEN,     /* u_try holds it (the particles are prepared) */
  START_PREDICT,   /* the last step's change, scaled, if its current was this one */
  START_LAST,      /* the last step's solution */
} NewtonStart;

/* Newton on the step from the present state; the solution in u_try. */
static gboolean
newton (PsDfnCell   *cell,
        double       dt,
        double       temp_k,
        double       i_app,
        NewtonStart  start)
{
  const PsElectrochem *ec = cell->ec;
  guint nx = cell->nx, n = NV * nx;
  double c_e0 = ec->electrolyte.c_e0;
  double last_update = 0.0;

  cell->solved = FALSE;
  if (start != START_GIVEN)
    {
      prepare_particles (cell, dt, temp_k);
      cell->c0_valid = TRUE;
    }

  /* (a step where the current changed starts from where the last ended:
   * the change across a switched current is no guide) */
  if (start == START_PREDICT && *cell->dt_prev > 0.0 && i_app == *cell->i_prev)
    {
      double f = MIN (dt / *cell->dt_prev, 1.0);

      for (guint r = 0; r < n; r++)
        cell->u_try[r] = cell->u[r] + f * (cell->u[r] - cell->u_prev[r]);
    }
  else if (start != START_GIVEN)
    memcpy (cell->u_try, cell->u, sizeof (double) * n);

  for (int it = 0; it < NEWTON_MAX_ITER; it++)
    {
      double dmax_phi = 0.0, dmax_c = 0.0, dmax_j = 0.0, damp = 1.0;

      last_update = it == 0 ? 0.0 : last_update;
      /* the material functions' slopes change little once the iterate is
       * close: made anew while the updates are large, kept from the last
       * such iteration after (each of those is a third cheaper, and the
       * Jacobian stays within rounding of exact for dV/dI) */
      assemble (cell, cell->u_try, cell->u, dt, temp_k, i_app,
                it == 0 || last_update > LAG_MAX_UPDATE_V ? DERIV_FRESH : DERIV_LAGGED);
      if (!linear_solve (cell))
        return FALSE;

      for (guint k = 0; k < nx; k++)
        {
          const double *d = cell->du + (gsize) NV * k;
          const double *uk = cell->u_try + (gsize) NV * k;

          if (!isfinite (d[V_CE]) || !isfinite (d[V_PHIE])
              || !isfinite (d[V_PHIS]) || !isfinite (d[V_J]))
            return FALSE;
          dmax_c = MAX (dmax_c, fabs (d[V_CE]));
          dmax_phi = MAX (dmax_phi, MAX (fabs (d[V_PHIE]), fabs (d[V_PHIS])));
          dmax_j = MAX (dmax_j, fabs (d[V_J]) / (1.0 + fabs (uk[V_J])));
          /* keep c_e positive: at most halfway to zero per iteration */
          if (uk[V_CE] + d[V_CE] < 0.5 * uk[V_CE])
            damp = MIN (damp, 0.5 * uk[V_CE] / -d[V_CE]);
        }
      /* limit the potential step: the exponentials take no more */
      if (dmax_phi > 0.1)
        damp = MIN (damp, 0.1 / dmax_phi);
      for (guint r = 0; r < n; r++)
        cell->u_try[r] += damp * cell->du[r];
      last_update = damp * dmax_phi;
      if (damp == 1.0 && dmax_phi < NEWTON_TOL_PHI && dmax_c < NEWTON_TOL_C * c_e0
          && dmax_j < NEWTON_TOL_J)
        {
          cell->i_app = i_app;
          return TRUE;
        }
    }
  cell->c0_valid = FALSE;
  return FALSE;
}

/* Newton from the predictor, and from the last solution if that fails */
static gboolean
newton_from_state (PsDfnCell *cell,
                   double     dt,
                   double     temp_k,
                   double     i_app)
{
  return newton (cell, dt, temp_k, i_app, START_PREDICT)
         || newton (cell, dt, temp_k, i_app, START_LAST);
}

/* The solution's derivative with i_app into sens and dV/di_app, at the
 * converged solution (the Jacobian's factors are those of the last
 * iteration: within the tolerance) */
static double
voltage_sensitivity (PsDfnCell *cell)
{
  guint nx = cell->nx, nb = NB * nx, last = nx - 1;
  double *d = cell->rhs;

  memset (d, 0, sizeof (double) * nb);
  /* dR/di_app = 1 in the last solid row; J dz = -dR/di */
  d[NB * last + V_PHIS] = -1.0;
  blk_solve (cell->blk, cell->piv, nx, d);
  for (guint k = 0; k < nx; k++)
    {
      const double *jr = cell->jrow + (gsize) 5 * k;
      double *sk = cell->sens + (gsize) NV * k;

      sk[V_CE] = d[NB * k + V_CE];
      sk[V_PHIE] = d[NB * k + V_PHIE];
      sk[V_PHIS] = d[NB * k + V_PHIS];
      sk[V_J] = -(jr[0] * sk[V_CE] + jr[1] * sk[V_PHIE] + jr[2] * sk[V_PHIS]) / jr[3];
    }
  return d[NB * last + V_PHIS] - d[V_PHIS] - terminal_resistance (cell);
}

gboolean
_ps_dfn_cell_solve (PsDfnCell *cell,
                    double     dt,
                    double     temp_k,
                    double     current_a,
                    double    *voltage_v,
                    double    *dv_di)
{
  double i_app = current_a / cell->area_m2;

  /* a step of no length: the voltage the instant the current flows (the
   * concentrations stay; a step this short is that to rounding) */
  dt = MAX (dt, DT_MIN);
  if (!newton_from_state (cell, dt, temp_k, i_app))
    return FALSE;
  *voltage_v = terminal_voltage (cell, cell->u_try, i_app);
  if (dv_di != NULL)
    {
      *dv_di = voltage_sensitivity (cell) / cell->area_m2;
      cell->solved = TRUE;
      cell->solved_dt = dt;
      cell->solved_temp = temp_k;
      cell->solved_i = i_app;
    }
  return TRUE;
}

static void
step_heat (PsDfnCell *cell,
           double     temp_k,
           PsDfnHeat *heat)
{
  const PsElectrochem *ec = cell->ec;
  const double *u = cell->u;
  guint nx = cell->nx;
  double i_app = cell->i_app;
  double rt_f = PS_GAS_CONSTANT * temp_k / PS_FARADAY;
  double chi = 2.0 * (1.0 - ec->electrolyte.t_plus) * ec->electrolyte.thermodynamic_factor * rt_f;
  double q_ohm = 0.0, q_rxn = 0.0, q_rev = 0.0, p_surf = 0.0;

  /* the half volumes at the collectors */
  q_ohm += i_app * i_app * terminal_resistance (cell);
  NodeTransport ta, tb;

  node_transport (cell, 0, u[V_CE], temp_k, DERIV_NONE, &ta);
  for (guint k = 0; k + 1 < nx; k++, ta = tb)
    {
      const double *ua = u + (gsize) NV * k, *ub = ua + NV;
      double ha = 0.5 * cell->dx[k], hb = 0.5 * cell->dx[k + 1];
      double kf, ie;

      node_transport (cell, k + 1, ub[V_CE], temp_k, DERIV_NONE, &tb);
      kf = 1.0 / (ha / ta.k + hb / tb.k);
      ie = -kf * ((ub[V_PHIE] - ua[V_PHIE])
                  - chi * (log (MAX (ub[V_CE], CE_MIN)) - log (MAX (ua[V_CE], CE_MIN))));
      q_ohm += ie * (ua[V_PHIE] - ub[V_PHIE]);
      if (!node_is_sep (cell, k) && !node_is_sep (cell, k + 1)
          && node_electrode (cell, k) == node_electrode (cell, k + 1))
        {
          double r = ha / cell->sigma[k] + hb / cell->sigma[k + 1];
          double is = -(ub[V_PHIS] - ua[V_PHIS]) / r;

          q_ohm += is * is * r;
        }
    }
  for (guint k = 0; k < nx; k++)
    {
      const double *uk = u + (gsize) NV * k;
      PsElectrodeId w;
      const Particle *p;
      double sto, eta, aj, uo;

      if (node_is_sep (cell, k))
        continue;
      w = node_electrode (cell, k);
      p = &cell->part[w];
      sto = particle_surface (p, node_cs (cell, cell->cs, k), uk[V_J]) / p->c_max;
      sto = CLAMP (sto, STO_EPS, 1.0 - STO_EPS);
      uo = ocp (cell, w, sto, temp_k);
      eta = uk[V_PHIS] - uk[V_PHIE] - uo;
      aj = cell->a_s[k] * uk[V_J] * cell->dx[k];
      q_rxn += aj * eta;
      p_surf -= aj * uo;
      q_rev += aj * temp_k * ps_electrochem_dudt (ec, w, sto);
    }
  heat->ohmic_w = q_ohm * cell->area_m2;
  heat->reaction_w = q_rxn * cell->area_m2;
  heat->reversible_w = q_rev * cell->area_m2;
  heat->surface_w = p_surf * cell->area_m2;
}

gboolean
_ps_dfn_cell_step (PsDfnCell *cell,
                   double     dt,
                   double     temp_k,
                   double     current_a,
                   PsDfnHeat *heat)
{
  double i_app = current_a / cell->area_m2;
  guint nx = cell->nx;

  dt = MAX (dt, DT_MIN);
  /* after a solve of this step (a linearisation): its solution if the
   * current is the same, else Newton from its tangent */
  if (cell->solved && cell->c0_valid && cell->solved_dt == dt && cell->solved_temp == temp_k)
    {
      if (i_app != cell->solved_i)
        {
          double di = i_app - cell->solved_i;
          double c_e0 = cell->ec->electrolyte.c_e0;
          gboolean small = TRUE;

          for (guint k = 0; k < nx; k++)
            {
              const double *sk = cell->sens + (gsize) NV * k;
              double *uk = cell->u_try + (gsize) NV * k;

              small &= fabs (di * sk[V_PHIE]) < NEWTON_TOL_PHI
                       && fabs (di * sk[V_PHIS]) < NEWTON_TOL_PHI
                       && fabs (di * sk[V_CE]) < NEWTON_TOL_C * c_e0
                       && fabs (di * sk[V_J]) < NEWTON_TOL_J * (1.0 + fabs (uk[V_J]));
              for (guint v = 0; v < NV; v++)
                uk[v] += di * sk[v];
            }
          /* a tangent step below Newton's tolerance leaves an error of its
           * square, as Newton's own last step does: taken as converged */
          if (small)
            cell->i_app = i_app;
          else if (!newton (cell, dt, temp_k, i_app, START_GIVEN)
                   && !newton_from_state (cell, dt, temp_k, i_app))
            return FALSE;
        }
    }
  else if (!newton_from_state (cell, dt, temp_k, i_app))
    return FALSE;

  /* advance: the particles with their flux, then the x unknowns */
  for (guint k = 0; k < nx; k++)
    {
      const Particle *p;
      const double *c0;
      double *c;
      double jj = cell->u_try[NV * k + V_J];

      if (node_is_sep (cell, k))
        continue;
      p = &cell->part[node_electrode (cell, k)];
      c = node_cs (cell, cell->cs, k);
      c0 = node_cs (cell, cell->c0, k);
      for (guint i = 0; i < p->nr; i++)
        c[i] = c0[i] + jj * p->unit[i];
    }
  cell->c0_valid = FALSE;
  cell->solved = FALSE;
  cell->mean_valid = FALSE;
  memcpy (cell->u_prev, cell->u, sizeof (double) * NV * nx);
  memcpy (cell->u, cell->u_try, sizeof (double) * NV * nx);
  *cell->voltage = terminal_voltage (cell, cell->u, i_app);
  *cell->dt_prev = dt;
  *cell->i_prev = i_app;
  cell->temp_k = temp_k;
  if (heat != NULL)
    step_heat (cell, temp_k, heat);
  return TRUE;
}

double
_ps_dfn_cell_voltage (const PsDfnCell *cell)
{
  return *cell->voltage;
}

void
_ps_dfn_cell_mean_sto (PsDfnCell *cell,
                       double    *sto_n,
                       double    *sto_p)
{
  *sto_n = electrode_mean_sto (cell, PS_ELECTRODE_NEG);
  *sto_p = electrode_mean_sto (cell, PS_ELECTRODE_POS);
}

double
_ps_dfn_cell_ocv (PsDfnCell *cell,
                  double     temp_k)
{
  double sn, sp;

  _ps_dfn_cell_mean_sto (cell, &sn, &sp);
  return ocp (cell, PS_ELECTRODE_POS, sp, temp_k) - ocp (cell, PS_ELECTRODE_NEG, sn, temp_k);
}

guint
_ps_dfn_cell_n_x (const PsDfnCell *cell)
{
  return cell->nx;
}

void
_ps_dfn_cell_profiles (const PsDfnCell *cell,
                       double          *x,
                       double          *c_e,
                       double          *phi_e,
                       double          *phi_s,
                       double          *c_s_surf)
{
  /* refer the potentials to phi_s = 0 at x = 0 */
  double ref = cell->u[V_PHIS] + cell->i_app * 0.5 * cell->dx[0] / cell->sigma[0];

  for (guint k = 0; k < cell->nx; k++)
    {
      const double *uk = cell->u + (gsize) NV * k;
      gboolean sep = node_is_sep (cell, k);

      if (x != NULL)
        x[k] = cell->xc[k];
      if (c_e != NULL)
        c_e[k] = uk[V_CE];
      if (phi_e != NULL)
        phi_e[k] = uk[V_PHIE] - ref;
      if (phi_s != NULL)
        phi_s[k] = sep ? 0.0 : uk[V_PHIS] - ref;
      if (c_s_surf != NULL)
        c_s_surf[k] = sep ? 0.0
                      : particle_surface (&cell->part[node_electrode (cell, k)],
                                          node_cs (cell, cell->cs, k), uk[V_J]);
    }
}

gsize
_ps_dfn_cell_state_size (const PsDfnCell *cell)
{
  return cell->state_len;
}

void
_ps_dfn_cell_get_state (const PsDfnCell *cell,
                        double          *state)
{
  memcpy (state, cell->state, sizeof (double) * cell->state_len);
}

void
_ps_dfn_cell_set_state (PsDfnCell    *cell,
                        const double *state)
{
  memcpy (cell->state, state, sizeof (double) * cell->state_len);
  cell->c0_valid = FALSE;
  cell->solved = FALSE;
  cell->mean_valid = FALSE;
}

/* ------------------------------------------------------------ the model */

/* A commit whose step Newton cannot take is split in halves, so often at
 * most; past that the cell stays where it was (only a load far beyond the
 * cell's limits gets there: the electrode runs out of lithium). */
#define COMMIT_MAX_SPLITS 8

/* how far a cell's voltage falls (rises) in a step it cannot take */
#define COLLAPSE_V 10.0

/* Per-cell arrays outside the cells' own states (saved with them) */
enum
{
  D_SOC,
  D_OCV,
  D_VOLTAGE,
  D_CURRENT,     /* the next linearisation's point: the last step's
                  * current, or the pack solve's iterate */
  D_R,           /* the last linearisation's resistance */
  N_DFN_ARRAYS
};

typedef struct
{
  PsCellModel          parent;

  const PsCellType    *cell;
  const PsElectrochem *ec;
  guint                n_cells;
  PsDfnMesh            mesh;
  PsDfnCell          **cells;
  double              *saved_states;   /* n_cells x state size */
  gsize                state_size;

  double              *inv_capacity_as;
  double              *ocv_per_c;

  PsStateBlock         block;
  double              *s[N_DFN_ARRAYS];

  double              *e;
  double              *r;
  double              *chem_w;         /* each cell's powers in the last */
  double              *rev_w;          /* commit, summed in cell order */
} PsDfn;

static PsCellModel *
dfn_new (const PsCellType *cell,
         guint             n)
{
  PsDfn *dfn;
  PsDfnMesh mesh = PS_DFN_MESH_DEFAULT;

  g_return_val_if_fail (cell->electrochem != NULL, NULL);

  dfn = g_new0 (PsDfn, 1);
  dfn->parent.klass = &_ps_dfn_class;
  dfn->cell = cell;
  dfn->ec = cell->electrochem;
  dfn->n_cells = n;
  dfn->mesh = mesh;
  dfn->cells = g_new0 (PsDfnCell *, n);
  for (guint i = 0; i < n; i++)
    {
      dfn->cells[i] = _ps_dfn_cell_new (dfn->ec, &mesh, 1.0, 1.0, NULL);
      g_assert (dfn->cells[i] != NULL);
    }
  dfn->state_size = n > 0 ? _ps_dfn_cell_state_size (dfn->cells[0]) : 0;
  dfn->saved_states = g_new0 (double, dfn->state_size * n);
  dfn->inv_capacity_as = g_new0 (double, n);
  dfn->ocv_per_c = g_new0 (double, n);
  _ps_state_block_init (&dfn->block, N_DFN_ARRAYS, n, dfn->s);
  dfn->e = g_new0 (double, n);
  dfn->r = g_new0 (double, n);
  dfn->chem_w = g_new0 (double, n);
  dfn->rev_w = g_new0 (double, n);
  return &dfn->parent;
}

void
_ps_dfn_model_set_mesh (PsCellModel *model,
                        const guint *sizes)
{
  PsDfn *dfn = (PsDfn *) model;
  PsDfnMesh def = PS_DFN_MESH_DEFAULT;
  PsDfnMesh mesh = {
    sizes[0] ? sizes[0] : def.n_x_neg,
    sizes[1] ? sizes[1] : def.n_x_sep,
    sizes[2] ? sizes[2] : def.n_x_pos,
    sizes[3] ? sizes[3] : def.n_r_neg,
    sizes[4] ? sizes[4] : def.n_r_pos,
  };

  g_return_if_fail (model->klass == &_ps_dfn_class);
  for (guint i = 0; i < dfn->n_cells; i++)
    {
      _ps_dfn_cell_free (dfn->cells[i]);
      dfn->cells[i] = _ps_dfn_cell_new (dfn->ec, &mesh, 1.0, 1.0, NULL);
      g_return_if_fail (dfn->cells[i] != NULL);
    }
  dfn->mesh = mesh;
  dfn->state_size = dfn->n_cells > 0 ? _ps_dfn_cell_state_size (dfn->cells[0]) : 0;
  g_free (dfn->saved_states);
  dfn->saved_states = g_new0 (double, dfn->state_size * dfn->n_cells);
}

static void
dfn_free (PsCellModel *model)
{
  PsDfn *dfn = (PsDfn *) model;

  for (guint i = 0; i < dfn->n_cells; i++)
    _ps_dfn_cell_free (dfn->cells[i]);
  g_free (dfn->cells);
  g_free (dfn->saved_states);
  g_free (dfn->inv_capacity_as);
  g_free (dfn->ocv_per_c);
  _ps_state_block_clear (&dfn->block);
  g_free (dfn->e);
  g_free (dfn->r);
  g_free (dfn->chem_w);
  g_free (dfn->rev_w);
  g_free (dfn);
}

/* the SOC of the negative electrode's mean stoichiometry */
static double
cell_soc (const PsDfn *dfn,
          guint        i)
{
  const PsElectrode *n = &dfn->ec->electrode[PS_ELECTRODE_NEG];
  double sn, sp;

  _ps_dfn_cell_mean_sto (dfn->cells[i], &sn, &sp);
  return (sn - n->sto_0) / (n->sto_100 - n->sto_0);
}

/* the OCV's change per coulomb at cell i's SOC, V/C (> 0) */
static double
cell_ocv_per_c (const PsDfn *dfn,
                guint        i,
                double       soc,
                double       temp_k)
{
  double h = 1e-4;
  double d = ps_electrochem_ocv_at_soc (dfn->ec, soc + h, temp_k)
             - ps_electrochem_ocv_at_soc (dfn->ec, soc - h, temp_k);

  return fabs (d) / (2.0 * h) * dfn->inv_capacity_as[i];
}

/* A cell of capacity q_i has its electrode area scaled so that its SOC
 * window (ps_electrochem_window_capacity_ah) holds q_i, as the SPMe's, so
 * its SOC means what the ECM's does; its SOC is that of the negative
 * electrode's mean stoichiometry in the window. */
static void
dfn_reset (PsCellModel  *model,
           const double *soc0,
           const double *capacity_ah,
           const double *resistance_factor,
           double        temp_k)
{
  PsDfn *dfn = (PsDfn *) model;
  const PsElectrochem *ec = dfn->ec;
  double q_window_ah = ps_electrochem_window_capacity_ah (ec);

  _ps_state_block_zero (&dfn->block);
  for (guint i = 0; i < dfn->n_cells; i++)
    {
      PsDfnCell *c = dfn->cells[i];
      double sn, sp;

      _ps_dfn_cell_set_factors (c, capacity_ah[i] / q_window_ah, resistance_factor[i]);
      ps_electrochem_sto_at_soc (ec, soc0[i], &sn, &sp);
      _ps_dfn_cell_set_rest (c, sn, sp, temp_k);
      dfn->inv_capacity_as[i] = 1.0 / (3600.0 * capacity_ah[i]);
      dfn->s[D_SOC][i] = soc0[i];
      dfn->s[D_OCV][i] = _ps_dfn_cell_ocv (c, temp_k);
      dfn->s[D_VOLTAGE][i] = dfn->s[D_OCV][i];
      dfn->ocv_per_c[i] = cell_ocv_per_c (dfn, i, soc0[i], temp_k);
    }
}

/* a step's dt, temperatures and currents, for the cells' jobs */
typedef struct
{
  PsDfn        *dfn;
  double        dt;
  const double *temp;
  const double *current;
  double       *heat;
} StepJob;

static void
linearise_cells (gpointer data,
                 guint    block,
                 guint    start,
                 guint    end)
{
  const StepJob *job = data;
  PsDfn *dfn = job->dfn;
  double dt = job->dt;
  const double *temp = job->temp;
  double *r_last = dfn->s[D_R];

  for (guint i = start; i < end; i++)
    {
      PsDfnCell *c = dfn->cells[i];
      double i0 = dfn->s[D_CURRENT][i];
      double v, dv_di;

      dfn->s[D_OCV][i] = _ps_dfn_cell_ocv (c, temp[i]);
      dfn->ocv_per_c[i] = cell_ocv_per_c (dfn, i, dfn->s[D_SOC][i], temp[i]);
      /* the tangent at the last current (the load changes seldom) */
      if (!_ps_dfn_cell_solve (c, dt, temp[i], i0, &v, &dv_di))
        {
          /* no solution at that current over that step: the electrolyte
           * runs dry (or the particles full or empty) before its end. The
           * cell cannot carry it: its voltage collapses (rises, charging)
           * past any limit, so the pack solve ends the step sooner, where
           * it can */
          double sign = i0 >= 0.0 ? 1.0 : -1.0;

          dfn->r[i] = r_last[i];
          dfn->e[i] = dfn->s[D_VOLTAGE][i] + r_last[i] * i0 - sign * COLLAPSE_V;
          continue;
        }
      dfn->r[i] = r_last[i] = MAX (-dv_di, 0.0);
      dfn->e[i] = v + dfn->r[i] * i0;
    }
}

static void
dfn_linearise (PsCellModel   *model,
               double         dt,
               const double  *temp,
               const double **e_out,
               const double **r_out)
{
  PsDfn *dfn = (PsDfn *) model;
  StepJob job = { dfn, dt, temp, NULL, NULL };

  _ps_workers_run (model->workers, dfn->n_cells, linearise_cells, &job);
  *e_out = dfn->e;
  *r_out = dfn->r;
}

/* the step in halves where Newton fails; the heat as the mean power */
static gboolean
step_split (PsDfnCell *c,
            double     dt,
            double     temp_k,
            double     current_a,
            int        depth,
            PsDfnHeat *heat)
{
  PsDfnHeat h1, h2;

  if (_ps_dfn_cell_step (c, dt, temp_k, current_a, heat))
    return TRUE;
  if (depth >= COMMIT_MAX_SPLITS)
    return FALSE;
  if (!step_split (c, 0.5 * dt, temp_k, current_a, depth + 1, &h1))
    return FALSE;
  if (!step_split (c, 0.5 * dt, temp_k, current_a, depth + 1, &h2))
    {
      *heat = h1;
      return FALSE;
    }
  heat->surface_w = 0.5 * (h1.surface_w + h2.surface_w);
  heat->ohmic_w = 0.5 * (h1.ohmic_w + h2.ohmic_w);
  heat->reaction_w = 0.5 * (h1.reaction_w + h2.reaction_w);
  heat->reversible_w = 0.5 * (h1.reversible_w + h2.reversible_w);
  return TRUE;
}

static void
commit_cells (gpointer data,
              guint    block,
              guint    start,
              guint    end)
{
  const StepJob *job = data;
  PsDfn *dfn = job->dfn;
  double dt = job->dt;
  const double *temp = job->temp, *current = job->current;
  double *heat = job->heat;

  for (guint i = start; i < end; i++)
    {
      PsDfnCell *c = dfn->cells[i];
      double ii = current[i];
      /* the pack solve's voltage (its limits are checked on it) */
      double vi = dfn->e[i] - dfn->r[i] * ii;
      PsDfnHeat h = { 0.0, 0.0, 0.0, 0.0 };

      step_split (c, dt, temp[i], ii, 0, &h);
      dfn->s[D_VOLTAGE][i] = vi;
      dfn->s[D_CURRENT][i] = ii;
      dfn->s[D_SOC][i] = cell_soc (dfn, i);
      dfn->s[D_OCV][i] = _ps_dfn_cell_ocv (c, temp[i]);
      heat[i] = h.ohmic_w + h.reaction_w + h.reversible_w;
      /* the energy drawn from the chemistry: the electrical work and the
       * irreversible heat; the reversible heat is the entropy's share */
      dfn->chem_w[i] = ii * vi + h.ohmic_w + h.reaction_w;
      dfn->rev_w[i] = -h.reversible_w;
    }
}

static void
dfn_commit (PsCellModel      *model,
            double            dt,
            const double     *temp,
            const double     *current,
            double           *heat,
            PsCellModelPower *power)
{
  PsDfn *dfn = (PsDfn *) model;
  StepJob job = { dfn, dt, temp, current, heat };

  _ps_workers_run (model->workers, dfn->n_cells, commit_cells, &job);
  _ps_cell_model_sum_power (dfn->chem_w, dfn->rev_w, dfn->n_cells, power);
}

/* the pack solve's iterate moved by more than this (x the rated capacity,
 * A) from where a cell was linearised: linearise again */
#define GUESS_TOL_C 1e-4

static gboolean
dfn_set_current_guess (PsCellModel  *model,
                       const double *current_a)
{
  PsDfn *dfn = (PsDfn *) model;
  double tol = GUESS_TOL_C * dfn->cell->capacity_ah;
  gboolean moved = FALSE;

  for (guint i = 0; i < dfn->n_cells; i++)
    {
      moved |= fabs (current_a[i] - dfn->s[D_CURRENT][i]) > tol;
      dfn->s[D_CURRENT][i] = current_a[i];
    }
  return moved;
}

static void
dfn_refresh (PsCellModel *model)
{
  /* every linearisation is made afresh */
}

static void
dfn_save (PsCellModel *model)
{
  PsDfn *dfn = (PsDfn *) model;

  for (guint i = 0; i < dfn->n_cells; i++)
    _ps_dfn_cell_get_state (dfn->cells[i], dfn->saved_states + i * dfn->state_size);
  _ps_state_block_save (&dfn->block);
}

static void
dfn_restore (PsCellModel *model)
{
  PsDfn *dfn = (PsDfn *) model;

  for (guint i = 0; i < dfn->n_cells; i++)
    _ps_dfn_cell_set_state (dfn->cells[i], dfn->saved_states + i * dfn->state_size);
  _ps_state_block_restore (&dfn->block);
}

static void
dfn_get_charge_sensitivity (PsCellModel   *model,
                            const double **soc_per_c,
                            const double **ocv_per_c)
{
  PsDfn *dfn = (PsDfn *) model;

  *soc_per_c = dfn->inv_capacity_as;
  *ocv_per_c = dfn->ocv_per_c;
}

static const double *
dfn_get_soc (PsCellModel *model)
{
  return ((PsDfn *) model)->s[D_SOC];
}

static const double *
dfn_get_ocv (PsCellModel *model)
{
  return ((PsDfn *) model)->s[D_OCV];
}

static const double *
dfn_get_voltage (PsCellModel *model)
{
  return ((PsDfn *) model)->s[D_VOLTAGE];
}

const PsCellModelClass _ps_dfn_class = {
  .name = "dfn",
  .new = dfn_new,
  .free = dfn_free,
  .reset = dfn_reset,
  .linearise = dfn_linearise,
  .commit = dfn_commit,
  .refresh = dfn_refresh,
  .save = dfn_save,
  .restore = dfn_restore,
  .set_current_guess = dfn_set_current_guess,
  .get_charge_sensitivity = dfn_get_charge_sensitivity,
  .get_soc = dfn_get_soc,
  .get_ocv = dfn_get_ocv,
  .get_voltage = dfn_get_voltage,
};
