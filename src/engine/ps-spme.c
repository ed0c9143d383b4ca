/* ps-spme.c: the single particle model with electrolyte (SPMe) behind
 * ps-cell-model.h
 *
 * Marquis, Sulzer, Timms, Please, Chapman, J. Electrochem. Soc. 166 (2019)
 * A3693, in the composite form PyBaMM uses (its "composite" electrolyte
 * conductivity): one representative particle per electrode, the electrolyte
 * concentration across the cell, Butler-Volmer kinetics with the electrodes'
 * averaged exchange currents, Arrhenius temperature dependence through the
 * parameter set's functions (ps-electrochem.h), all at the cell's (lumped)
 * temperature.
 *
 * Terminal voltage (I > 0 discharging, A the electrode area of the cell):
 *   V = U_p(c_p,surf) - U_n(c_n,surf) + eta_p - eta_n + eta_c + dphi_e + dphi_s
 *   eta_k  = (2RT/F) asinh (j_k / (2 j0_k)),  j_n = I / (a_n L_n A),
 *            j_p = -I / (a_p L_p A),  a = 3 eps_am / R_particle,
 *            j0_k from the electrode's mean c_e and the surface concentration
 *   eta_c  = 2 (1 - t+) tf (RT/F) (mean_p ln c_e - mean_n ln c_e)
 *   dphi_e = -(I/A) (L_n / (3 kappa_n) + L_s / kappa_s + L_p / (3 kappa_p)),
 *            kappa_k = kappa_e(mean c_e, T) eps_k^b_k
 *   dphi_s = -(I/A) (L_n / (3 sigma_n) + L_p / (3 sigma_p)),
 *            sigma_k = sigma (1 - eps_k)^b_s,k
 *
 * Particles: spherical diffusion dc/dt = D/r^2 d/dr (r^2 dc/dr), flux
 * j/F out at the surface, on PS_SPME_NR finite-volume shells. The discrete
 * operator M dc/dt = -(D/R^2) K c + b j (M the shell volumes, K the
 * face conductances) is diagonalised once (M^-1/2 K M^-1/2 = Q L Q^T) and
 * each particle is kept in its modal coordinates a = Q^T M^1/2 c: over a
 * step of any length with j held, every mode advances exactly,
 *     a_k <- a_k e^(-l_k s dt) + b_k j (1 - e^(-l_k s dt)) / (l_k s),
 * s = D(T, mean sto) / R^2 (the Arrhenius factor scales every mode). The
 * surface concentration is the quadratic through the last two shells with
 * the surface gradient the flux sets.
 *
 * Electrolyte: eps dc/dt = d/dx (eps^b D_e dc/dx) + (1 - t+) a j / F on
 * finite volumes across negative electrode, separator and positive
 * electrode, implicit (backward Euler) in substeps of at most
 * PS_SPME_ELECTROLYTE_DT_S, with D_e taken at the concentrations of the step
 * start (so the step is linear in the current).
 *
 * The seam: for the coming step every concentration at its end is exactly
 * linear in the cell's current (c = c0 + g I), so the end-of-step voltage
 * V(I) is a smooth function of I; linearise gives its tangent at the
 * current guess I0 (the last committed current, or the pack solve's
 * iterate through set_current_guess) as the Thevenin pair
 * E = V(I0) + R I0, R = -dV/dI(I0); commit advances the states with the
 * current the pack solve found and sets the terminal voltage E - R I, which
 * is V(I) once the pack solve has iterated I0 onto I.
 *
 * Heat (the cell as one lumped node): q = I (U_bulk - V) - I T dU/dT, the
 * ohmic, reaction and concentration losses plus the reversible (entropic)
 * heat, with U_bulk the OCV of the particles' mean stoichiometries averaged
 * over the step, so the energy balance closes as the ECM's does.
 *
 * Sizing: a cell is the parameter set's electrochemistry with its electrode
 * area scaled so that its SOC window (sto_0 .. sto_100, the cut-offs) holds
 * the cell's capacity q_i (the cell type's rated capacity with the cell's
 * variation): SOC means the same as in the ECM. The resistance factor
 * multiplies the ohmic resistances and divides the exchange currents.
 */
#include "config.h"

#include <math.h>
#include <string.h>

#include "ps-cell-model.h"
#include "ps-electrochem.h"
#include "ps-state-block-private.h"

#define PS_SPME_NR                20     /* shells per particle */
#define PS_SPME_NX_NEG            10     /* electrolyte volumes */
#define PS_SPME_NX_SEP             5
#define PS_SPME_NX_POS            10
#define PS_SPME_NX                (PS_SPME_NX_NEG + PS_SPME_NX_SEP + PS_SPME_NX_POS)
#define PS_SPME_ELECTROLYTE_DT_S   2.0

/* stoichiometries are kept this far inside (0, 1) where functions are
 * evaluated (an overdriven cell ends its step on the voltage limit long
 * before) */
#define PS_SPME_STO_EPS           1e-6
#define PS_SPME_CE_MIN            1e-3   /* mol/m3 */
#define PS_SPME_T_MIN_K           173.15
#define PS_SPME_T_MAX_K           573.15
/* relinearise when the guess moved by more than this fraction of 1C */
#define PS_SPME_GUESS_TOL         1e-4

/* state arrays, each n_cells long (one block, one snapshot) */
enum
{
  S_VOLTAGE,
  S_SOC,
  S_OCV,
  S_I_GUESS,
  S_OCV_SLOPE,       /* dOCV/dSOC / (3600 Q): V per coulomb */
  N_SCALAR_ARRAYS,
  S_MODES = N_SCALAR_ARRAYS,                      /* 2 x NR modal amplitudes */
  S_CE = S_MODES + 2 * PS_SPME_NR,                /* NX electrolyte volumes */
  N_SPME_ARRAYS = S_CE + PS_SPME_NX
};

/* one electrode's particle, diagonalised */
typedef struct
{
  double lambda[PS_SPME_NR];   /* eigenvalues of M^-1/2 K M^-1/2 (R = 1) */
  double beta[PS_SPME_NR];     /* modal load of a unit j, per F R: Q^T M^-1/2 b */
  double surf[PS_SPME_NR];     /* surface concentration of each mode */
  double mean[PS_SPME_NR];     /* volume mean of each mode */
  double init[PS_SPME_NR];     /* amplitudes of a uniform concentration of 1 */
  double gamma;                /* surface offset per unit (j R / (F D)) */
} Particle;

typedef struct
{
  PsCellModel           parent;

  const PsCellType     *cell;
  const PsElectrochem  *ec;
  guint                 n;

  Particle              particle[2];

  /* electrolyte grid */
  double                dx[PS_SPME_NX];
  double                eps[PS_SPME_NX];
  double                tor[PS_SPME_NX];      /* eps^b */
  double                src[PS_SPME_NX];      /* (1 - t+) a j / F per A of cell current, per A_cell */

  /* per cell, set by reset */
  double               *inv_area;             /* 1 / electrode area of the cell */
  double               *rfac;                 /* resistance factor */
  double               *inv_charge_c;         /* 1 / (window capacity in C) */

  PsStateBlock          block;
  double               *s[N_SPME_ARRAYS];

  /* the linearisation of the coming step (workspace, not state) */
  double                lin_dt;
  double                cache_dt;             /* dt of decay and gain, -1 none */
  double               *e;
  double               *r;
  double               *decay;                /* 2 x NR x n: e^(-l s dt) */
  double               *gain;                 /* 2 x NR x n: (1 - e^(-l s dt)) / (l s) */
  double               *jscale;               /* 2 x n: j per A of current */
  double               *decay_key;            /* 2 x n: s dt the decay and gain are for */
  double               *ce0;                  /* NX x n: electrolyte at the end for I = 0 */
  double               *ceg;                  /* NX x n: ... per A */
  double               *tri_c;                /* NX x n: Thomas workspace */
  double               *tri_d;                /* NX x n */
  double               *face_g;               /* (NX - 1) x n */
  double               *u_bulk0;              /* bulk OCV at the step start */
  double               *dudt;                 /* dU/dT at the step start */
  double               *chem_w;               /* each cell's I U and I T dU/dT in the */
  double               *rev_w;                /* last commit, summed in cell order */
} PsSpme;

/* ------------------------------------------------------------ particles */

/* Eigen-decomposition of the symmetric n x n matrix a (destroyed) by
 * cyclic Jacobi rotations: values in w, vectors in the columns of v. */
static void
jacobi_eigen (double *a,
              guint   n,
              double *w,
              double *v)
{
  for (guint i = 0; i < n; i++)
    for (guint j = 0; j < n; j++)
      v[i * n + j] = i == j ? 1.0 : 0.0;

  for (guint sweep = 0; sweep < 100; sweep++)
    {
      double off = 0.0;

      for (guint p = 0; p < n; p++)
        for (guint q = p + 1; q < n; q++)
          off += a[p * n + q] * a[p * n + q];
      if (off < 1e-30)
        break;

      for (guint p = 0; p < n; p++)
        for (guint q = p + 1; q < n; q++)
          {
            double apq = a[p * n + q];
            double theta, t, c, s;

            if (fabs (apq) < 1e-300)
              continue;
            theta = (a[q * n + q] - a[p * n + p]) / (2.0 * apq);
            t = (theta >= 0.0 ? 1.0 : -1.0) / (fabs (theta) + sqrt (theta * theta + 1.0));
            c = 1.0 / sqrt (t * t + 1.0);
            s = t * c;
            for (guint k = 0; k < n; k++)
              {
                double akp = a[k * n + p], akq = a[k * n + q];

                a[k * n + p] = c * akp - s * akq;
                a[k * n + q] = s * akp + c * akq;
              }
            for (guint k = 0; k < n; k++)
              {
                double apk = a[p * n + k], aqk = a[q * n + k];

                a[p * n + k] = c * apk - s * aqk;
                a[q * n + k] = s * apk + c * aqk;
              }
            for (guint k = 0; k < n; k++)
              {
                double vkp = v[k * n + p], vkq = v[k * n + q];

                v[k * n + p] = c * vkp - s * vkq;
                v[k * n + q] = s * vkp + c * vkq;
              }
          }
    }
  for (guint i = 0; i < n; i++)
    w[i] = a[i * n + i];
}

/* The shells of a unit sphere, h = 1/NR: M_i = ((i+1)^3 - i^3) h^3 / 3,
 * face f = i+1 (radius (i+1) h) with conductance ((i+1) h)^2 / h. */
static void
particle_init (Particle *pt)
{
  enum { N = PS_SPME_NR };
  double h = 1.0 / N;
  double m[N], ms[N], s[N * N], q[N * N];

  for (guint i = 0; i < N; i++)
    {
      m[i] = (pow (i + 1.0, 3) - pow (i, 3)) * h * h * h / 3.0;
      ms[i] = sqrt (m[i]);
    }
  memset (s, 0, sizeof s);
  for (guint i = 0; i + 1 < N; i++)
    {
      double g = (i + 1.0) * h * (i + 1.0) * h / h;

      s[i * N + i] += g / m[i];
      s[(i + 1) * N + i + 1] += g / m[i + 1];
      s[i * N + i + 1] -= g / (ms[i] * ms[i + 1]);
      s[(i + 1) * N + i] -= g / (ms[i] * ms[i + 1]);
    }
  jacobi_eigen (s, N, pt->lambda, q);

  for (guint k = 0; k < N; k++)
    {
      double init = 0.0, mean = 0.0;

      /* b = -e_{N-1} (a unit j takes 1/(F R) out through the outer face) */
      pt->beta[k] = -q[(N - 1) * N + k] / ms[N - 1];
      /* c = M^-1/2 Q a */
      pt->surf[k] = 9.0 / 8.0 * q[(N - 1) * N + k] / ms[N - 1]
                    - 1.0 / 8.0 * q[(N - 2) * N + k] / ms[N - 2];
      for (guint i = 0; i < N; i++)
        {
          init += q[i * N + k] * ms[i];
          mean += 3.0 * ms[i] * q[i * N + k];
        }
      pt->init[k] = init;
      pt->mean[k] = mean;
      if (fabs (pt->lambda[k]) < 1e-9)
        pt->lambda[k] = 0.0;
    }
  /* quadratic through the last two shells with slope dc/dr~ = -j R / (F D)
   * at the surface: c_s = 9/8 c_N - 1/8 c_N-1 + 3/8 h (dc/dr~) */
  pt->gamma = -3.0 / 8.0 * h;
}

/* The decomposition is the same for every particle (a unit sphere on the
 * same shells; D and R scale its rates): made once per process. */
static const Particle *
particle_unit_sphere (void)
{
  static Particle unit;
  static gsize done = 0;

  if (g_once_init_enter (&done))
    {
      particle_init (&unit);
      g_once_init_leave (&done, 1);
    }
  return &unit;
}

/* ---------------------------------------------------------- electrolyte */

static void
electrolyte_init (PsSpme *spme)
{
  const PsElectrochem *ec = spme->ec;
  const PsElectrode *n = &ec->electrode[PS_ELECTRODE_NEG];
  const PsElectrode *p = &ec->electrode[PS_ELECTRODE_POS];
  double one_minus_t = 1.0 - ec->electrolyte.t_plus;

  for (guint j = 0; j < PS_SPME_NX; j++)
    {
      if (j < PS_SPME_NX_NEG)
        {
          spme->dx[j] = n->thickness_m / PS_SPME_NX_NEG;
          spme->eps[j] = n->porosity;
          spme->tor[j] = pow (n->porosity, n->brug_electrolyte);
          /* a_n j_n / F = I / (F A L_n) */
          spme->src[j] = one_minus_t / (PS_FARADAY * n->thickness_m);
        }
      else if (j < PS_SPME_NX_NEG + PS_SPME_NX_SEP)
        {
          spme->dx[j] = ec->separator.thickness_m / PS_SPME_NX_SEP;
          spme->eps[j] = ec->separator.porosity;
          spme->tor[j] = pow (ec->separator.porosity, ec->separator.brug);
          spme->src[j] = 0.0;
        }
      else
        {
          spme->dx[j] = p->thickness_m / PS_SPME_NX_POS;
          spme->eps[j] = p->porosity;
          spme->tor[j] = pow (p->porosity, p->brug_electrolyte);
          spme->src[j] = -one_minus_t / (PS_FARADAY * p->thickness_m);
        }
    }
}

/* ----------------------------------------------------------- lifecycle */

static PsCellModel *
spme_new (const PsCellType *cell,
          guint             n)
{
  PsSpme *spme = g_new0 (PsSpme, 1);

  g_return_val_if_fail (cell->electrochem != NULL, NULL);

  spme->parent.klass = &_ps_spme_class;
  spme->cell = cell;
  spme->ec = cell->electrochem;
  spme->n = n;

  spme->particle[0] = *particle_unit_sphere ();
  spme->particle[1] = spme->particle[0];
  electrolyte_init (spme);

  spme->inv_area = g_new0 (double, n);
  spme->rfac = g_new0 (double, n);
  spme->inv_charge_c = g_new0 (double, n);
  _ps_state_block_init (&spme->block, N_SPME_ARRAYS, n, spme->s);

  spme->lin_dt = -1.0;
  spme->cache_dt = -1.0;
  spme->e = g_new0 (double, n);
  spme->r = g_new0 (double, n);
  spme->decay = g_new0 (double, (gsize) 2 * PS_SPME_NR * n);
  spme->gain = g_new0 (double, (gsize) 2 * PS_SPME_NR * n);
  spme->jscale = g_new0 (double, (gsize) 2 * n);
  spme->decay_key = g_new0 (double, (gsize) 2 * n);
  spme->ce0 = g_new0 (double, (gsize) PS_SPME_NX * n);
  spme->ceg = g_new0 (double, (gsize) PS_SPME_NX * n);
  spme->tri_c = g_new0 (double, (gsize) PS_SPME_NX * n);
  spme->tri_d = g_new0 (double, (gsize) PS_SPME_NX * n);
  spme->face_g = g_new0 (double, (gsize) PS_SPME_NX * n);
  spme->u_bulk0 = g_new0 (double, n);
  spme->dudt = g_new0 (double, n);
  spme->chem_w = g_new0 (double, n);
  spme->rev_w = g_new0 (double, n);

  return &spme->parent;
}

static void
spme_free (PsCellModel *model)
{
  PsSpme *spme = (PsSpme *) model;

  g_free (spme->inv_area);
  g_free (spme->rfac);
  g_free (spme->inv_charge_c);
  _ps_state_block_clear (&spme->block);
  g_free (spme->e);
  g_free (spme->r);
  g_free (spme->decay);
  g_free (spme->gain);
  g_free (spme->jscale);
  g_free (spme->decay_key);
  g_free (spme->ce0);
  g_free (spme->ceg);
  g_free (spme->tri_c);
  g_free (spme->tri_d);
  g_free (spme->face_g);
  g_free (spme->u_bulk0);
  g_free (spme->dudt);
  g_free (spme->chem_w);
  g_free (spme->rev_w);
  g_free (spme);
}

static inline double *
modes (PsSpme *spme,
       guint   electrode,
       guint   k)
{
  return spme->s[S_MODES + electrode * PS_SPME_NR + k];
}

static inline double
clamp_sto (double sto)
{
  return CLAMP (sto, PS_SPME_STO_EPS, 1.0 - PS_SPME_STO_EPS);
}

static inline double
clamp_temp (double t)
{
  return CLAMP (t, PS_SPME_T_MIN_K, PS_SPME_T_MAX_K);
}

/* a stoichiometry of electrode e of cell i: the modes weighted by w (each
 * mode's mean or surface concentration) */
static double
modal_sto (PsSpme       *spme,
           guint         e,
           guint         i,
           const double *w)
{
  double c = 0.0;

  for (guint k = 0; k < PS_SPME_NR; k++)
    c += w[k] * modes (spme, e, k)[i];
  return c / spme->ec->electrode[e].c_max;
}

/* the mean stoichiometry of electrode e of cell i */
static double
mean_sto (PsSpme *spme,
          guint   e,
          guint   i)
{
  return modal_sto (spme, e, i, spme->particle[e].mean);
}

/* the surface stoichiometry of electrode e of cell i at zero flux (the
 * shells' profile extrapolated) */
static double
surface_sto (PsSpme *spme,
             guint   e,
             guint   i)
{
  return modal_sto (spme, e, i, spme->particle[e].surf);
}

/* the OCV of the mean stoichiometries, its SOC and dOCV/dSOC */
static void
update_bulk (PsSpme *spme,
             guint   i,
             double  temp_k)
{
  const PsElectrochem *ec = spme->ec;
  const PsElectrode *n = &ec->electrode[PS_ELECTRODE_NEG];
  double x = mean_sto (spme, PS_ELECTRODE_NEG, i);
  double y = mean_sto (spme, PS_ELECTRODE_POS, i);
  double dx = n->sto_100 - n->sto_0;
  double soc = (x - n->sto_0) / dx;
  double h = 1e-4;
  double u_lo, u_hi;

  spme->s[S_SOC][i] = soc;
  spme->s[S_OCV][i] = ps_electrochem_ocp (ec, PS_ELECTRODE_POS, clamp_sto (y), temp_k)
                      - ps_electrochem_ocp (ec, PS_ELECTRODE_NEG, clamp_sto (x), temp_k);
  u_lo = ps_electrochem_ocv_at_soc (ec, soc - h, temp_k);
  u_hi = ps_electrochem_ocv_at_soc (ec, soc + h, temp_k);
  spme->s[S_OCV_SLOPE][i] = fabs (u_hi - u_lo) / (2.0 * h) * spme->inv_charge_c[i];
}

static void
spme_reset (PsCellModel  *model,
            const double *soc0,
            const double *capacity_ah,
            const double *resistance_factor,
            double        temp_k)
{
  PsSpme *spme = (PsSpme *) model;
  const PsElectrochem *ec = spme->ec;
  double area = ec->area_m2 * ec->n_electrode_pairs;
  double q_window_ah = ps_electrochem_window_capacity_ah (ec);

  _ps_state_block_zero (&spme->block);
  spme->lin_dt = -1.0;
  spme->cache_dt = -1.0;

  for (guint i = 0; i < spme->n; i++)
    {
      double scale = capacity_ah[i] / q_window_ah;
      double sto[2];

      spme->inv_area[i] = 1.0 / (area * scale);
      spme->rfac[i] = resistance_factor[i];
      spme->inv_charge_c[i] = 1.0 / (3600.0 * capacity_ah[i]);

      ps_electrochem_sto_at_soc (ec, soc0[i], &sto[0], &sto[1]);
      for (guint e = 0; e < 2; e++)
        {
          double c = clamp_sto (sto[e]) * ec->electrode[e].c_max;

          for (guint k = 0; k < PS_SPME_NR; k++)
            modes (spme, e, k)[i] = spme->particle[e].init[k] * c;
        }
      for (guint j = 0; j < PS_SPME_NX; j++)
        spme->s[S_CE + j][i] = ec->electrolyte.c_e0;

      update_bulk (spme, i, temp_k);
      spme->s[S_VOLTAGE][i] = spme->s[S_OCV][i];
      spme->s[S_I_GUESS][i] = 0.0;
    }
}

/* --------------------------------------------------------- the step */

/* Electrolyte over the step for cells [i0, i1): ce0 (no current) and ceg
 * (per A), backward Euler in substeps with the conductances of the step
 * start. */
static void
electrolyte_step (PsSpme       *spme,
                  double        dt,
                  const double *temp,
                  guint         i0,
                  guint         i1)
{
  const PsElectrochem *ec = spme->ec;
  guint n = spme->n;
  guint m = dt > 0.0 ? (guint) ceil (dt / PS_SPME_ELECTROLYTE_DT_S - 1e-9) : 0;
  double h = m > 0 ? dt / m : 0.0;
  double *cc = spme->tri_c, *dd = spme->tri_d, *g = spme->face_g;

  for (guint j = 0; j < PS_SPME_NX; j++)
    for (guint i = i0; i < i1; i++)
      {
        spme->ce0[j * n + i] = spme->s[S_CE + j][i];
        spme->ceg[j * n + i] = 0.0;
      }
  if (m == 0)
    return;

  /* face conductances eps^b D_e / distance, harmonic across the face */
  for (guint j = 0; j + 1 < PS_SPME_NX; j++)
    for (guint i = i0; i < i1; i++)
      {
        double t = clamp_temp (temp[i]);
        double c0 = MAX (spme->s[S_CE + j][i], PS_SPME_CE_MIN);
        double c1 = MAX (spme->s[S_CE + j + 1][i], PS_SPME_CE_MIN);
        /* (a user's diffusivity that is not positive somewhere is held
         * at a trickle, so the conductances stay finite) */
        double d0 = spme->tor[j] * MAX (ps_electrochem_d_e (ec, c0, t), 1e-20);
        double d1 = spme->tor[j + 1] * MAX (ps_electrochem_d_e (ec, c1, t), 1e-20);

        g[j * n + i] = 1.0 / (0.5 * spme->dx[j] / d0 + 0.5 * spme->dx[j + 1] / d1);
      }

  /* Thomas: forward elimination (the same matrix for every substep) */
  for (guint j = 0; j < PS_SPME_NX; j++)
    for (guint i = i0; i < i1; i++)
      {
        double gl = j > 0 ? g[(j - 1) * n + i] : 0.0;
        double gr = j + 1 < PS_SPME_NX ? g[j * n + i] : 0.0;
        double diag = spme->eps[j] * spme->dx[j] / h + gl + gr;
        /* lower off-diagonal -gl, upper -gr */
        double denom = j > 0 ? diag + gl * cc[(j - 1) * n + i] : diag;

        dd[j * n + i] = 1.0 / denom;
        cc[j * n + i] = -gr / denom;
      }

  for (guint sub = 0; sub < m; sub++)
    {
      /* forward substitution of both right-hand sides, in place */
      for (guint j = 0; j < PS_SPME_NX; j++)
        for (guint i = i0; i < i1; i++)
          {
            double w = spme->eps[j] * spme->dx[j] / h;
            double r0 = w * spme->ce0[j * n + i];
            double rg = w * spme->ceg[j * n + i] + spme->src[j] * spme->dx[j] * spme->inv_area[i];

            if (j > 0)
              {
                double gl = g[(j - 1) * n + i];

                r0 += gl * spme->ce0[(j - 1) * n + i];
                rg += gl * spme->ceg[(j - 1) * n + i];
              }
            spme->ce0[j * n + i] = r0 * dd[j * n + i];
            spme->ceg[j * n + i] = rg * dd[j * n + i];
          }
      for (guint j = PS_SPME_NX - 1; j-- > 0;)
        for (guint i = i0; i < i1; i++)
          {
            spme->ce0[j * n + i] -= cc[j * n + i] * spme->ce0[(j + 1) * n + i];
            spme->ceg[j * n + i] -= cc[j * n + i] * spme->ceg[(j + 1) * n + i];
          }
    }
}

/* V(I) and dV/dI of cell i at the end of the step, from the step's
 * linear responses. */
typedef struct
{
  double cs0[2], csg[2];        /* surface concentration at I = 0, per A */
  double ce_mean;               /* x-mean electrolyte concentration (start) */
  double kappa_r;               /* dphi_e + dphi_s + contact: -kappa_r I */
  double t;
  double rf;
  double jscale[2];
  const double *ce0, *ceg;      /* columns of cell i, stride n */
  guint stride;
} CellLin;

static double
cell_voltage (const PsSpme  *spme,
              const CellLin *cl,
              double         current,
              double        *dv_di)
{
  const PsElectrochem *ec = spme->ec;
  double rt_f = PS_GAS_CONSTANT * cl->t / PS_FARADAY;
  double v = 0.0, dv = 0.0;
  double lnc[2] = { 0.0, 0.0 }, dlnc[2] = { 0.0, 0.0 };
  double cbar[2] = { 0.0, 0.0 }, dcbar[2] = { 0.0, 0.0 };
  static const guint j0_of[2] = { 0, PS_SPME_NX_NEG + PS_SPME_NX_SEP };
  static const guint nj_of[2] = { PS_SPME_NX_NEG, PS_SPME_NX_POS };

  /* electrolyte means over each electrode */
  for (guint e = 0; e < 2; e++)
    {
      for (guint j = j0_of[e]; j < j0_of[e] + nj_of[e]; j++)
        {
          double c = cl->ce0[j * cl->stride] + cl->ceg[j * cl->stride] * current;
          double dc = cl->ceg[j * cl->stride];

          if (c < PS_SPME_CE_MIN)
            {
              c = PS_SPME_CE_MIN;
              dc = 0.0;
            }
          lnc[e] += log (c);
          dlnc[e] += dc / c;
          cbar[e] += c;
          dcbar[e] += dc;
        }
      lnc[e] /= nj_of[e];
      dlnc[e] /= nj_of[e];
      cbar[e] /= nj_of[e];
      dcbar[e] /= nj_of[e];
    }

  for (guint e = 0; e < 2; e++)
    {
      const PsElectrode *el = &ec->electrode[e];
      double sign = e == PS_ELECTRODE_POS ? 1.0 : -1.0;
      double cs = cl->cs0[e] + cl->csg[e] * current;
      double dcs = cl->csg[e];
      double sto = cs / el->c_max;
      double u, du, j, j0, x, dx, dj0_rel;

      if (sto < PS_SPME_STO_EPS || sto > 1.0 - PS_SPME_STO_EPS)
        {
          sto = clamp_sto (sto);
          cs = sto * el->c_max;
          dcs = 0.0;
        }
      u = ps_electrochem_ocp (ec, e, sto, cl->t);
      du = (ps_electrochem_ocp (ec, e, clamp_sto (sto + 1e-6), cl->t)
            - ps_electrochem_ocp (ec, e, clamp_sto (sto - 1e-6), cl->t)) / 2e-6
           * dcs / el->c_max;

      j = cl->jscale[e] * current;
      j0 = ps_electrochem_j0 (ec, e, cbar[e], cs, cl->t) / cl->rf;
      j0 = MAX (j0, 1e-30);
      dj0_rel = 0.5 * (dcbar[e] / cbar[e] + dcs / cs - dcs / (el->c_max - cs));
      x = j / (2.0 * j0);
      dx = cl->jscale[e] / (2.0 * j0) - x * dj0_rel;

      /* U_p - U_n + eta_p - eta_n */
      v += sign * (u + 2.0 * rt_f * asinh (x));
      dv += sign * (du + 2.0 * rt_f * dx / sqrt (1.0 + x * x));
    }

  /* concentration overpotential */
  {
    double chi = 2.0 * (1.0 - ec->electrolyte.t_plus) * ec->electrolyte.thermodynamic_factor * rt_f;

    v += chi * (lnc[1] - lnc[0]);
    dv += chi * (dlnc[1] - dlnc[0]);
  }

  v -= cl->kappa_r * current;
  dv -= cl->kappa_r;

  *dv_di = dv;
  return v;
}

/* Everything about the coming step of cell i that does not depend on its
 * current. */
static void
cell_lin (PsSpme       *spme,
          guint         i,
          double        dt,
          double        temp_k,
          CellLin      *cl)
{
  const PsElectrochem *ec = spme->ec;
  guint n = spme->n;
  double t = clamp_temp (temp_k);
  double area_inv = spme->inv_area[i];
  double ce_mean = 0.0, r_ohm, kappa;

  cl->t = t;
  cl->rf = spme->rfac[i];
  cl->stride = n;
  cl->ce0 = spme->ce0 + i;
  cl->ceg = spme->ceg + i;

  for (guint e = 0; e < 2; e++)
    {
      const PsElectrode *el = &ec->electrode[e];
      const Particle *pt = &spme->particle[e];
      double rp = el->particle_radius_m;
      double sto_mean = clamp_sto (mean_sto (spme, e, i));
      /* D_s(c) over the particle's profile, from its surface to its mean
       * (a constant needs no surface) */
      double sto_surf = el->diffusivity.kind == PS_EC_FUNC_CONSTANT
                        ? sto_mean : clamp_sto (surface_sto (spme, e, i));
      double d = MAX (ps_electrochem_d_s_between (ec, e, sto_surf, sto_mean, t), 1e-30);
      double s = d / (rp * rp);
      double a_spec = 3.0 * el->active_fraction / rp;
      /* j per A of cell current (A/m2 of particle surface) */
      double js = (e == PS_ELECTRODE_NEG ? 1.0 : -1.0) * area_inv / (a_spec * el->thickness_m);
      double cs0 = 0.0, csg = 0.0;
      /* the modes' factors depend on s dt alone (and dt itself for the
       * steady mode): kept while both stay the same, as they do from step
       * to step at a steady temperature */
      gboolean fresh = spme->decay_key[e * n + i] != s * dt || spme->cache_dt != dt;

      spme->decay_key[e * n + i] = s * dt;
      for (guint k = 0; k < PS_SPME_NR; k++)
        {
          double ls = pt->lambda[k] * s;
          gsize idx = ((gsize) e * PS_SPME_NR + k) * n + i;
          double dec, gn;

          if (fresh)
            {
              if (ls > 0.0)
                {
                  spme->decay[idx] = exp (-ls * dt);
                  spme->gain[idx] = -expm1 (-ls * dt) / ls;
                }
              else
                {
                  spme->decay[idx] = 1.0;
                  spme->gain[idx] = dt;
                }
            }
          dec = spme->decay[idx];
          gn = spme->gain[idx];
          cs0 += pt->surf[k] * dec * modes (spme, e, k)[i];
          /* beta per unit j is per F R */
          csg += pt->surf[k] * gn * pt->beta[k] / (PS_FARADAY * rp);
        }
      /* the flux's own surface gradient: 3/8 h dc/dr~, dc/dr~ = -j R / (F D) */
      csg += pt->gamma * rp / (PS_FARADAY * d);
      spme->jscale[e * n + i] = js;
      cl->jscale[e] = js;
      cl->cs0[e] = cs0;
      cl->csg[e] = csg * js;
    }

  for (guint j = 0; j < PS_SPME_NX; j++)
    ce_mean += spme->s[S_CE + j][i] * spme->dx[j];
  ce_mean /= ec->electrode[0].thickness_m + ec->separator.thickness_m
             + ec->electrode[1].thickness_m;
  cl->ce_mean = ce_mean;
  kappa = MAX (ps_electrochem_kappa_e (ec, MAX (ce_mean, PS_SPME_CE_MIN), t), 1e-9);
  r_ohm = ec->electrode[0].thickness_m / (3.0 * kappa * spme->tor[0])
          + ec->separator.thickness_m / (kappa * spme->tor[PS_SPME_NX_NEG])
          + ec->electrode[1].thickness_m / (3.0 * kappa * spme->tor[PS_SPME_NX - 1]);
  for (guint e = 0; e < 2; e++)
    {
      const PsElectrode *el = &ec->electrode[e];
      double sigma = el->sigma_s_m * pow (1.0 - el->porosity, el->brug_electrode);

      r_ohm += el->thickness_m / (3.0 * sigma);
    }
  cl->kappa_r = cl->rf * (r_ohm * area_inv + ec->contact_resistance_ohm);
}

/* a step's dt, temperatures and currents, for the cells' jobs */
typedef struct
{
  PsSpme       *spme;
  double        dt;
  const double *temp;
  const double *current;
  double       *heat;
} StepJob;

static void
linearise_cells (gpointer data,
                 guint    block,
                 guint    i0,
                 guint    i1)
{
  const StepJob *job = data;
  PsSpme *spme = job->spme;
  const double *guess = spme->s[S_I_GUESS];

  electrolyte_step (spme, job->dt, job->temp, i0, i1);
  for (guint i = i0; i < i1; i++)
    {
      CellLin cl;
      double dv, v;

      cell_lin (spme, i, job->dt, job->temp[i], &cl);
      v = cell_voltage (spme, &cl, guess[i], &dv);
      /* V falls with the discharge current; a tangent that does not (at a
       * guess far past a limit) is kept resistive */
      spme->r[i] = MAX (-dv, 1e-9);
      spme->e[i] = v + spme->r[i] * guess[i];
    }
}

static void
spme_linearise (PsCellModel   *model,
                double         dt,
                const double  *temp,
                const double **e_out,
                const double **r_out)
{
  PsSpme *spme = (PsSpme *) model;
  StepJob job = { spme, dt, temp, NULL, NULL };

  _ps_workers_run (model->workers, spme->n, linearise_cells, &job);
  spme->lin_dt = dt;
  spme->cache_dt = dt;
  *e_out = spme->e;
  *r_out = spme->r;
}

static void
commit_cells (gpointer data,
              guint    block,
              guint    i0,
              guint    i1)
{
  const StepJob *job = data;
  PsSpme *spme = job->spme;
  const PsElectrochem *ec = spme->ec;
  const double *temp = job->temp, *current = job->current;
  double *heat = job->heat;
  guint n = spme->n;

  for (guint i = i0; i < i1; i++)
    {
      double ii = current[i];
      double t = clamp_temp (temp[i]);
      double vi = spme->e[i] - spme->r[i] * ii;
      double u0 = spme->s[S_OCV][i];
      double x0 = clamp_sto (mean_sto (spme, PS_ELECTRODE_NEG, i));
      double y0 = clamp_sto (mean_sto (spme, PS_ELECTRODE_POS, i));
      double dudt = ps_electrochem_dudt (ec, PS_ELECTRODE_POS, y0)
                    - ps_electrochem_dudt (ec, PS_ELECTRODE_NEG, x0);
      double u, entropic;

      for (guint e = 0; e < 2; e++)
        {
          const Particle *pt = &spme->particle[e];
          double j = spme->jscale[e * n + i] * ii;
          double rp = ec->electrode[e].particle_radius_m;

          for (guint k = 0; k < PS_SPME_NR; k++)
            {
              gsize idx = ((gsize) e * PS_SPME_NR + k) * n + i;
              double *a = modes (spme, e, k);

              a[i] = a[i] * spme->decay[idx]
                     + spme->gain[idx] * pt->beta[k] / (PS_FARADAY * rp) * j;
            }
        }
      for (guint j = 0; j < PS_SPME_NX; j++)
        spme->s[S_CE + j][i] = spme->ce0[j * n + i] + spme->ceg[j * n + i] * ii;

      update_bulk (spme, i, t);
      /* the bulk OCV averaged over the step: what the charge took from
       * the chemical store; the rest of I (U - V) is heat */
      u = 0.5 * (u0 + spme->s[S_OCV][i]);
      entropic = ii * t * dudt;

      spme->s[S_VOLTAGE][i] = vi;
      spme->s[S_I_GUESS][i] = ii;
      heat[i] = ii * (u - vi) - entropic;
      spme->chem_w[i] = ii * u;
      spme->rev_w[i] = entropic;
    }
}

static void
spme_commit (PsCellModel      *model,
             double            dt,
             const double     *temp,
             const double     *current,
             double           *heat,
             PsCellModelPower *power)
{
  PsSpme *spme = (PsSpme *) model;
  StepJob job = { spme, dt, temp, current, heat };

  /* the responses must be those of this step */
  if (spme->lin_dt != dt)
    {
      const double *e, *r;

      spme_linearise (model, dt, temp, &e, &r);
    }

  _ps_workers_run (model->workers, spme->n, commit_cells, &job);
  _ps_cell_model_sum_power (spme->chem_w, spme->rev_w, spme->n, power);
  spme->lin_dt = -1.0;
}

static gboolean
spme_set_current_guess (PsCellModel  *model,
                        const double *current_a)
{
  PsSpme *spme = (PsSpme *) model;
  double tol = PS_SPME_GUESS_TOL * spme->cell->capacity_ah;
  gboolean moved = FALSE;

  for (guint i = 0; i < spme->n; i++)
    {
      moved |= fabs (current_a[i] - spme->s[S_I_GUESS][i]) > tol;
      spme->s[S_I_GUESS][i] = current_a[i];
    }
  return moved;
}

static void
spme_refresh (PsCellModel *model)
{
  ((PsSpme *) model)->lin_dt = -1.0;
}

static void
spme_save (PsCellModel *model)
{
  _ps_state_block_save (&((PsSpme *) model)->block);
}

static void
spme_restore (PsCellModel *model)
{
  PsSpme *spme = (PsSpme *) model;

  _ps_state_block_restore (&spme->block);
  spme->lin_dt = -1.0;
}

static void
spme_get_charge_sensitivity (PsCellModel   *model,
                             const double **soc_per_c,
                             const double **ocv_per_c)
{
  PsSpme *spme = (PsSpme *) model;

  *soc_per_c = spme->inv_charge_c;
  *ocv_per_c = spme->s[S_OCV_SLOPE];
}

static const double *
spme_get_soc (PsCellModel *model)
{
  return ((PsSpme *) model)->s[S_SOC];
}

static const double *
spme_get_ocv (PsCellModel *model)
{
  return ((PsSpme *) model)->s[S_OCV];
}

static const double *
spme_get_voltage (PsCellModel *model)
{
  return ((PsSpme *) model)->s[S_VOLTAGE];
}

const PsCellModelClass _ps_spme_class = {
  .name = "spme",
  .new = spme_new,
  .free = spme_free,
  .reset = spme_reset,
  .linearise = spme_linearise,
  .commit = spme_commit,
  .refresh = spme_refresh,
  .save = spme_save,
  .restore = spme_restore,
  .set_current_guess = spme_set_current_guess,
  .get_charge_sensitivity = spme_get_charge_sensitivity,
  .get_soc = spme_get_soc,
  .get_ocv = spme_get_ocv,
  .get_voltage = spme_get_voltage,
};
