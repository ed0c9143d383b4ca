/* ps-bpx.c: BPX files to cell types (see ps-bpx.h and ../shared/data/bpx/BPX.md)
 *
 * The mapping (as PyBaMM's parameters/bpx.py, so a BPX file means here what
 * it means there):
 *   active fraction      eps_s = a R_p / 3
 *   Bruggeman exponent   b = ln (transport efficiency) / ln (porosity)
 *   electrode conduct.   already effective: Bruggeman (electrode) 0
 *   exchange current     j0 = F k sqrt ((c_e/c_e0)(c_s/c_max)(1 - c_s/c_max)),
 *                        so m_ref = F k / (c_max sqrt (c_e0))
 *   SOC window           negative min .. max, positive max .. min stoichiometry
 *   temperature          X (T) = X_ref exp (Ea/R (1/T_ref - 1/T)) for the
 *                        diffusivities, conductivities and rate constants
 *   x in the functions   stoichiometry (particles), mol/m3 (electrolyte)
 * v0.x files (Cell/Initial temperature, Electrolyte/Initial concentration)
 * and v1.x files (State) are both read. Blended electrodes ("Particle"),
 * hysteresis branches and SPM-only files (no electrolyte) are refused with an
 * error naming the key. BPX says nothing of a few things a cell type needs;
 * they are assumed and the cell's source says so: the shape (a square pouch
 * of the given volume and surface area), the operating temperature range
 * (-20..60 C) and the current limits (5C discharge, 2C charge).
 */
#include "config.h"

#include <math.h>
#include <string.h>

#include <gio/gio.h>

#include "ps-bpx-private.h"
#include "ps-cell-model.h"
#include "ps-cell-type-private.h"
#include "ps-electrochem-private.h"
#include "ps-error.h"
#include "ps-json-private.h"

#define MAX_BPX_FILE_SIZE   (64 * 1024 * 1024)
#define BPX_SOC_POINTS      101
#define BPX_TEMP_MIN_C      (-20.0)
#define BPX_TEMP_MAX_C      60.0
#define BPX_DISCHARGE_C     5.0
#define BPX_CHARGE_C        2.0

typedef struct
{
  const char *source;
  GError    **error;
} Bpx;

/* ------------------------------------------------------------- reading */

static JsonObject *
get_group (Bpx        *b,
           JsonObject *parent,
           const char *parent_path,
           const char *member,
           gboolean    required,
           char      **path_out)
{
  g_autofree char *path = _ps_json_member_path (parent_path, member);
  JsonNode *node = parent ? json_object_get_member (parent, member) : NULL;
  JsonObject *object;

  if (node == NULL)
    {
      if (required)
        _ps_json_set_error (b->error, PS_ENGINE_ERROR_INVALID, b->source, path,
                            "missing, expected an object");
      return NULL;
    }
  if (!_ps_json_get_object (node, b->source, path, &object, b->error))
    return NULL;
  if (path_out != NULL)
    *path_out = g_steal_pointer (&path);
  return object;
}

/* a number member; *present says whether it was there (NULL: required) */
static gboolean
get_num (Bpx        *b,
         JsonObject *o,
         const char *path,
         const char *member,
         double      min,
         double      max,
         gboolean   *present,
         double     *out)
{
  g_autofree char *p = _ps_json_member_path (path, member);
  JsonNode *node = json_object_get_member (o, member);

  if (node == NULL)
    {
      if (present != NULL)
        {
          *present = FALSE;
          return TRUE;
        }
      return _ps_json_set_error (b->error, PS_ENGINE_ERROR_INVALID, b->source, p,
                                 "missing, expected a number from %g to %g", min, max);
    }
  if (present != NULL)
    *present = TRUE;
  return _ps_json_read_number_between (node, min, FALSE, max, PS_JSON_WORDING_PROSE, NULL,
                                       b->source, p, out, b->error);
}

/* a number, an expression or a table {"x": [...], "y": [...]} */
static gboolean
get_function (Bpx          *b,
              JsonObject   *o,
              const char   *path,
              const char   *member,
              gboolean      required,
              PsEcFunction *f)
{
  g_autofree char *p = _ps_json_member_path (path, member);
  JsonNode *node = json_object_get_member (o, member);

  memset (f, 0, sizeof *f);
  f->kind = PS_EC_FUNC_CONSTANT;
  f->value = 1.0;
  if (node == NULL)
    {
      if (required)
        return _ps_json_set_error (b->error, PS_ENGINE_ERROR_INVALID, b->source, p,
                                   "missing, expected a number, an expression or a table");
      f->value = 0.0;
      return TRUE;
    }
  if (_ps_json_node_is_number (node))
    return _ps_json_read_number (node, PS_JSON_RANGE_ANY, b->source, p, &f->value, b->error);
  if (_ps_json_node_is_string (node))
    {
      f->kind = PS_EC_FUNC_EXPRESSION;
      f->expr = _ps_ec_expr_compile (json_node_get_string (node), b->source, p, b->error);
      return f->expr != NULL;
    }
  if (JSON_NODE_HOLDS_OBJECT (node))
    {
      JsonObject *t = json_node_get_object (node);
      static const char * const table_members[] = { "x", "y", NULL };
      JsonNode *xn = json_object_get_member (t, "x");
      JsonNode *yn = json_object_get_member (t, "y");
      JsonArray *xa, *ya;
      guint n;
      g_autofree guint *order = NULL;

      if (!_ps_json_check_members (t, table_members, b->source, p, b->error))
        return FALSE;
      if (xn == NULL || yn == NULL || !JSON_NODE_HOLDS_ARRAY (xn) || !JSON_NODE_HOLDS_ARRAY (yn))
        return _ps_json_set_error (b->error, PS_ENGINE_ERROR_INVALID, b->source, p,
                                   "expected a table {\"x\": [...], \"y\": [...]}");
      xa = json_node_get_array (xn);
      ya = json_node_get_array (yn);
      n = json_array_get_length (xa);
      if (n != json_array_get_length (ya) || n < 2 || n > 100000)
        return _ps_json_set_error (b->error, PS_ENGINE_ERROR_INVALID, b->source, p,
                                   "expected x and y of the same length, 2 to 100000 points, "
                                   "got %u and %u", n, json_array_get_length (ya));
      f->kind = PS_EC_FUNC_TABLE;
      f->n_points = n;
      f->x = g_new (double, n);
      f->y = g_new (double, n);
      for (guint i = 0; i < n; i++)
        {
          g_autofree char *px = g_strdup_printf ("%s.x[%u]", p, i);
          g_autofree char *py = g_strdup_printf ("%s.y[%u]", p, i);

          if (!_ps_json_read_number (json_array_get_element (xa, i), PS_JSON_RANGE_ANY,
                                     b->source, px, &f->x[i], b->error)
              || !_ps_json_read_number (json_array_get_element (ya, i), PS_JSON_RANGE_ANY,
                                        b->source, py, &f->y[i], b->error))
            return FALSE;
        }
      /* sorted by x (PyBaMM sorts; BPX does not say), no repeated x */
      for (guint i = 1; i < n; i++)
        for (guint k = i; k > 0 && f->x[k] < f->x[k - 1]; k--)
          {
            double tx = f->x[k], ty = f->y[k];

            f->x[k] = f->x[k - 1];
            f->y[k] = f->y[k - 1];
            f->x[k - 1] = tx;
            f->y[k - 1] = ty;
          }
      for (guint i = 1; i < n; i++)
        if (!(f->x[i] > f->x[i - 1]))
          return _ps_json_set_error (b->error, PS_ENGINE_ERROR_INVALID, b->source, p,
                                     "expected no repeated x, got %g twice", f->x[i]);
      return TRUE;
    }
  return _ps_json_set_error (b->error, PS_ENGINE_ERROR_INVALID, b->source, p,
                             "expected a number, an expression or a table, got %s",
                             _ps_json_node_kind (node));
}

static gboolean
check_members (Bpx                *b,
               JsonObject         *o,
               const char         *path,
               const char * const *allowed)
{
  return _ps_json_check_members (o, allowed, b->source, path, b->error);
}

static const char * const cell_members[] = {
  "Electrode area [m2]", "Number of electrode pairs connected in parallel to make a cell",
  "Lower voltage cut-off [V]", "Upper voltage cut-off [V]", "Nominal cell capacity [A.h]",
  "External surface area [m2]", "Volume [m3]", "Reference temperature [K]",
  "Density [kg.m-3]", "Specific heat capacity [J.K-1.kg-1]",
  /* v0.x */
  "Ambient temperature [K]", "Initial temperature [K]", "Thermal conductivity [W.m-1.K-1]",
  NULL
};
static const char * const electrolyte_members[] = {
  "Cation transference number", "Diffusivity [m2.s-1]", "Conductivity [S.m-1]",
  "Diffusivity activation energy [J.mol-1]", "Conductivity activation energy [J.mol-1]",
  "Initial concentration [mol.m-3]", NULL
};
static const char * const electrode_members[] = {
  "Thickness [m]", "Porosity", "Transport efficiency", "Conductivity [S.m-1]",
  "Minimum stoichiometry", "Maximum stoichiometry", "Maximum concentration [mol.m-3]",
  "Particle radius [m]", "Surface area per unit volume [m-1]", "Diffusivity [m2.s-1]",
  "OCP [V]", "Reaction rate constant [mol.m-2.s-1]",
  "Diffusivity activation energy [J.mol-1]",
  "Reaction rate constant activation energy [J.mol-1]",
  "Entropic change coefficient [V.K-1]", "OCP (delithiation) [V]", "OCP (lithiation) [V]",
  "OCP hysteresis decay constant", "Particle", NULL
};
static const char * const separator_members[] = {
  "Thickness [m]", "Porosity", "Transport efficiency", NULL
};

/* an electrode of the set from its BPX group */
static gboolean
read_electrode (Bpx           *b,
                JsonObject    *param,
                const char    *param_path,
                const char    *name,
                gboolean       negative,
                double         soc0,
                double         c_e0,
                PsElectrode   *el)
{
  g_autofree char *path = NULL;
  JsonObject *o = get_group (b, param, param_path, name, TRUE, &path);
  double te, a, k, ea, sto_min, sto_max;
  gboolean has_ea, has_kea;

  if (o == NULL || !check_members (b, o, path, electrode_members))
    return FALSE;
  if (json_object_has_member (o, "Particle"))
    {
      g_autofree char *p = _ps_json_member_path (path, "Particle");

      return _ps_json_set_error (b->error, PS_ENGINE_ERROR_INVALID, b->source, p,
                                 "blended electrodes (several particle materials) are not "
                                 "supported, expected one material");
    }
  if (!json_object_has_member (o, "OCP [V]")
      && (json_object_has_member (o, "OCP (delithiation) [V]")
          || json_object_has_member (o, "OCP (lithiation) [V]")))
    {
      g_autofree char *p = _ps_json_member_path (path, "OCP [V]");

      return _ps_json_set_error (b->error, PS_ENGINE_ERROR_INVALID, b->source, p,
                                 "missing: OCP hysteresis branches alone are not supported, "
                                 "expected the equilibrium OCP");
    }

  if (!get_num (b, o, path, "Thickness [m]", 1e-7, 1e-2, NULL, &el->thickness_m)
      || !get_num (b, o, path, "Porosity", 1e-3, 0.999, NULL, &el->porosity)
      || !get_num (b, o, path, "Transport efficiency", 1e-6, 1.0, NULL, &te)
      || !get_num (b, o, path, "Conductivity [S.m-1]", 1e-9, 1e9, NULL, &el->sigma_s_m)
      || !get_num (b, o, path, "Minimum stoichiometry", 0.0, 1.0, NULL, &sto_min)
      || !get_num (b, o, path, "Maximum stoichiometry", 0.0, 1.0, NULL, &sto_max)
      || !get_num (b, o, path, "Maximum concentration [mol.m-3]", 1.0, 1e6, NULL, &el->c_max)
      || !get_num (b, o, path, "Particle radius [m]", 1e-9, 1e-3, NULL, &el->particle_radius_m)
      || !get_num (b, o, path, "Surface area per unit volume [m-1]", 1.0, 1e9, NULL, &a)
      || !get_num (b, o, path, "Reaction rate constant [mol.m-2.s-1]", 1e-20, 1.0, NULL, &k)
      || !get_num (b, o, path, "Diffusivity activation energy [J.mol-1]", 0.0, 5e5, &has_ea, &ea)
      || !get_num (b, o, path, "Reaction rate constant activation energy [J.mol-1]", 0.0, 5e5,
                   &has_kea, &el->j0_ea_j_mol)
      || !get_function (b, o, path, "Diffusivity [m2.s-1]", TRUE, &el->diffusivity)
      || !get_function (b, o, path, "OCP [V]", TRUE, &el->ocp)
      || !get_function (b, o, path, "Entropic change coefficient [V.K-1]", FALSE, &el->dudt))
    return FALSE;
  if (!has_kea)
    el->j0_ea_j_mol = 0.0;
  el->diffusivity.ea_j_mol = has_ea ? ea : 0.0;

  if (te > el->porosity)
    {
      g_autofree char *p = _ps_json_member_path (path, "Transport efficiency");

      return _ps_json_set_error (b->error, PS_ENGINE_ERROR_INVALID, b->source, p,
                                 "expected at most the porosity (%g), got %g", el->porosity, te);
    }
  if (!(sto_min < sto_max))
    {
      g_autofree char *p = _ps_json_member_path (path, "Maximum stoichiometry");

      return _ps_json_set_error (b->error, PS_ENGINE_ERROR_INVALID, b->source, p,
                                 "expected more than the minimum stoichiometry (%g), got %g",
                                 sto_min, sto_max);
    }
  el->active_fraction = a * el->particle_radius_m / 3.0;
  if (!(el->active_fraction > 0.0 && el->active_fraction + el->porosity <= 1.0 + 1e-9))
    {
      g_autofree char *p = _ps_json_member_path (path, "Surface area per unit volume [m-1]");

      return _ps_json_set_error (b->error, PS_ENGINE_ERROR_INVALID, b->source, p,
                                 "a R/3 = %g is the active material's volume fraction, which "
                                 "with the porosity %g must not pass 1", el->active_fraction,
                                 el->porosity);
    }
  el->brug_electrolyte = log (te) / log (el->porosity);
  el->brug_electrode = 0.0;
  el->j0_m_ref = PS_FARADAY * k / (el->c_max * sqrt (c_e0));
  el->alpha = 0.5;
  if (negative)
    {
      el->sto_0 = sto_min;
      el->sto_100 = sto_max;
    }
  else
    {
      el->sto_0 = sto_max;
      el->sto_100 = sto_min;
    }
  el->sto_init = el->sto_0 + soc0 * (el->sto_100 - el->sto_0);
  return TRUE;
}

/* the larger w of a square pouch w x w x t with 2 w^2 + 4 w t = area and
 * w^2 t = volume (a flat cell); 0 if none */
static double
pouch_width (double area,
             double volume)
{
  double lo = cbrt (volume), hi = sqrt (area / 2.0);

  /* f (w) = 2 w^2 + 4 V / w - A rises for w > cbrt (V) */
  if (!(2.0 * lo * lo + 4.0 * volume / lo <= area))
    return 0.0;
  for (guint i = 0; i < 200; i++)
    {
      double mid = 0.5 * (lo + hi);

      if (2.0 * mid * mid + 4.0 * volume / mid < area)
        lo = mid;
      else
        hi = mid;
    }
  return 0.5 * (lo + hi);
}

static void
add_table (JsonBuilder  *jb,
           const char   *name,
           const char   *x_name,
           const double *x,
           const char   *y_name,
           const double *y,
           guint         n)
{
  json_builder_set_member_name (jb, name);
  json_builder_begin_object (jb);
  _ps_json_builder_add_doubles (jb, x_name, x, n, 1.0);
  _ps_json_builder_add_doubles (jb, y_name, y, n, 1.0);
  json_builder_end_object (jb);
}

static char *
id_from_source (const char *source)
{
  g_autofree char *base = g_path_get_basename (source);
  GString *id = g_string_new ("bpx-");

  if (g_str_has_suffix (base, ".json"))
    base[strlen (base) - 5] = '\0';
  for (const char *p = base; *p != '\0' && id->len < 60; p++)
    g_string_append_c (id, g_ascii_isalnum (*p) ? g_ascii_tolower (*p) : '-');
  return g_string_free (id, FALSE);
}

gboolean
_ps_bpx_node_is_bpx (JsonNode *root)
{
  JsonObject *o;

  if (root == NULL || !JSON_NODE_HOLDS_OBJECT (root))
    return FALSE;
  o = json_node_get_object (root);
  return json_object_has_member (o, "Header") && json_object_has_member (o, "Parameterisation");
}

PsCellType *
_ps_bpx_cell_new_from_node (JsonNode    *root,
                            const char  *source,
                            GError     **error)
{
  static const char * const top_members[] = {
    "Header", "Parameterisation", "State", "Validation", NULL
  };
  static const char * const param_members[] = {
    "Cell", "Electrolyte", "Negative electrode", "Positive electrode", "Separator",
    "User-defined", NULL
  };
  Bpx b = { source, error };
  g_autoptr(PsElectrochem) ec = g_new0 (PsElectrochem, 1);
  g_autoptr(JsonBuilder) jb = NULL;
  g_autoptr(JsonNode) cell_node = NULL;
  g_autofree char *cell_path = NULL, *ely_path = NULL, *sep_path = NULL;
  g_autofree char *id = NULL;
  g_autofree char *name = NULL;
  g_autoptr(GString) src = g_string_new (NULL);
  JsonObject *top, *header, *param, *cell, *ely, *sep, *state = NULL, *init = NULL, *env = NULL;
  JsonNode *model_node, *title_node;
  double area, pairs, area_ext = 0, volume = 0, rho = 0, cp = 0, k_cell = 0;
  double t_ref = 298.15, t_init, t_amb, h = 10.0, soc0 = 1.0, c_e0 = 1000.0;
  double te_sep, ea_de = 0.0, ea_ke = 0.0, q_ah;
  gboolean has, has_area, has_volume, has_rho, has_cp, has_k, has_ea;
  double soc[BPX_SOC_POINTS], ocv[BPX_SOC_POINTS], dudt[BPX_SOC_POINTS];
  double r0[BPX_SOC_POINTS], r1[BPX_SOC_POINTS], c1[BPX_SOC_POINTS];
  double r2[BPX_SOC_POINTS], c2[BPX_SOC_POINTS];
  double width, thickness, energy = 0.0;

  if (!_ps_json_get_object (root, source, "$", &top, error)
      || !check_members (&b, top, "$", top_members))
    return NULL;
  header = get_group (&b, top, "$", "Header", TRUE, NULL);
  if (header == NULL)
    return NULL;
  model_node = json_object_get_member (header, "Model");
  if (model_node == NULL || !_ps_json_node_is_string (model_node))
    {
      _ps_json_set_error (error, PS_ENGINE_ERROR_INVALID, source, "$.Header.Model",
                          "expected \"SPMe\" or \"DFN\"");
      return NULL;
    }
  if (!g_str_equal (json_node_get_string (model_node), "SPMe")
      && !g_str_equal (json_node_get_string (model_node), "DFN"))
    {
      _ps_json_set_error (error, PS_ENGINE_ERROR_INVALID, source, "$.Header.Model",
                          "expected \"SPMe\" or \"DFN\" (a parameterisation with the "
                          "electrolyte), got \"%s\"", json_node_get_string (model_node));
      return NULL;
    }
  title_node = json_object_get_member (header, "Title");

  param = get_group (&b, top, "$", "Parameterisation", TRUE, NULL);
  if (param == NULL || !check_members (&b, param, "$.Parameterisation", param_members))
    return NULL;

  /* State (v1.x): the initial state and the thermal environment */
  state = get_group (&b, top, "$", "State", FALSE, NULL);
  if (state != NULL)
    {
      init = get_group (&b, state, "$.State", "Initial conditions", FALSE, NULL);
      env = get_group (&b, state, "$.State", "Thermal environment", FALSE, NULL);
    }
  if (error != NULL && *error != NULL)
    return NULL;

  cell = get_group (&b, param, "$.Parameterisation", "Cell", TRUE, &cell_path);
  if (cell == NULL || !check_members (&b, cell, cell_path, cell_members)
      || !get_num (&b, cell, cell_path, "Electrode area [m2]", 1e-8, 1e3, NULL, &area)
      || !get_num (&b, cell, cell_path,
                   "Number of electrode pairs connected in parallel to make a cell",
                   1, 10000, NULL, &pairs)
      || !get_num (&b, cell, cell_path, "Lower voltage cut-off [V]", 0.1, 10, NULL,
                   &ec->voltage_min_v)
      || !get_num (&b, cell, cell_path, "Upper voltage cut-off [V]", 0.1, 10, NULL,
                   &ec->voltage_max_v)
      || !get_num (&b, cell, cell_path, "Nominal cell capacity [A.h]", 1e-6, 1e5, NULL,
                   &ec->capacity_ah)
      || !get_num (&b, cell, cell_path, "External surface area [m2]", 1e-8, 100, &has_area,
                   &area_ext)
      || !get_num (&b, cell, cell_path, "Volume [m3]", 1e-12, 10, &has_volume, &volume)
      || !get_num (&b, cell, cell_path, "Reference temperature [K]", 173.15, 473.15, &has,
                   &t_ref)
      || !get_num (&b, cell, cell_path, "Density [kg.m-3]", 100, 30000, &has_rho, &rho)
      || !get_num (&b, cell, cell_path, "Specific heat capacity [J.K-1.kg-1]", 100, 5000,
                   &has_cp, &cp)
      || !get_num (&b, cell, cell_path, "Thermal conductivity [W.m-1.K-1]", 1e-3, 1000,
                   &has_k, &k_cell))
    return NULL;
  if (pairs != floor (pairs))
    {
      g_autofree char *p = _ps_json_member_path (cell_path,
                                                 "Number of electrode pairs connected in parallel to make a cell");

      _ps_json_set_error (error, PS_ENGINE_ERROR_INVALID, source, p,
                          "expected a whole number, got %g", pairs);
      return NULL;
    }
  if (!has_area || !has_volume)
    {
      g_autofree char *p = _ps_json_member_path (cell_path, has_area ? "Volume [m3]"
                                                            : "External surface area [m2]");

      _ps_json_set_error (error, PS_ENGINE_ERROR_INVALID, source, p,
                          "missing: Packscope needs the cell's size (its place in a pack and "
                          "its cooling)");
      return NULL;
    }
  if (!(ec->voltage_min_v < ec->voltage_max_v))
    {
      g_autofree char *p = _ps_json_member_path (cell_path, "Upper voltage cut-off [V]");

      _ps_json_set_error (error, PS_ENGINE_ERROR_INVALID, source, p,
                          "expected above the lower cut-off (%g V), got %g V",
                          ec->voltage_min_v, ec->voltage_max_v);
      return NULL;
    }

  /* the initial state: State (v1.x), else the v0.x keys, else full at T_ref */
  /* (a member that is absent leaves the default in place) */
  t_init = t_amb = t_ref;
  if (!get_num (&b, cell, cell_path, "Initial temperature [K]", 173.15, 473.15, &has, &t_init)
      || !get_num (&b, cell, cell_path, "Ambient temperature [K]", 173.15, 473.15, &has, &t_amb))
    return NULL;
  if (init != NULL
      && (!get_num (&b, init, "$.State.Initial conditions", "Initial state-of-charge", 0, 1,
                    &has, &soc0)
          || !get_num (&b, init, "$.State.Initial conditions", "Initial temperature [K]",
                       173.15, 473.15, &has, &t_init)
          || !get_num (&b, init, "$.State.Initial conditions",
                       "Initial electrolyte concentration [mol.m-3]", 1, 1e5, &has, &c_e0)))
    return NULL;
  if (env != NULL
      && !get_num (&b, env, "$.State.Thermal environment", "Heat transfer coefficient [W.m-2.K-1]",
                   0, 1e5, &has, &h))
    return NULL;

  /* the electrolyte */
  ely = get_group (&b, param, "$.Parameterisation", "Electrolyte", TRUE, &ely_path);
  if (ely == NULL || !check_members (&b, ely, ely_path, electrolyte_members))
    return NULL;
  if (json_object_has_member (ely, "Initial concentration [mol.m-3]")
      && !get_num (&b, ely, ely_path, "Initial concentration [mol.m-3]", 1, 1e5, NULL, &c_e0))
    return NULL;
  ec->electrolyte.c_e0 = c_e0;
  ec->electrolyte.thermodynamic_factor = 1.0;
  if (!get_num (&b, ely, ely_path, "Cation transference number", 0, 0.99, NULL,
                &ec->electrolyte.t_plus)
      || !get_function (&b, ely, ely_path, "Diffusivity [m2.s-1]", TRUE, &ec->electrolyte.diffusivity)
      || !get_function (&b, ely, ely_path, "Conductivity [S.m-1]", TRUE, &ec->electrolyte.conductivity)
      || !get_num (&b, ely, ely_path, "Diffusivity activation energy [J.mol-1]", 0, 5e5, &has_ea,
                   &ea_de)
      || !get_num (&b, ely, ely_path, "Conductivity activation energy [J.mol-1]", 0, 5e5, &has,
                   &ea_ke))
    return NULL;
  ec->electrolyte.diffusivity.ea_j_mol = has_ea ? ea_de : 0.0;
  ec->electrolyte.conductivity.ea_j_mol = has ? ea_ke : 0.0;

  if (!read_electrode (&b, param, "$.Parameterisation", "Negative electrode", TRUE, soc0, c_e0,
                       &ec->electrode[PS_ELECTRODE_NEG])
      || !read_electrode (&b, param, "$.Parameterisation", "Positive electrode", FALSE, soc0, c_e0,
                          &ec->electrode[PS_ELECTRODE_POS]))
    return NULL;

  sep = get_group (&b, param, "$.Parameterisation", "Separator", TRUE, &sep_path);
  if (sep == NULL || !check_members (&b, sep, sep_path, separator_members)
      || !get_num (&b, sep, sep_path, "Thickness [m]", 1e-7, 1e-2, NULL, &ec->separator.thickness_m)
      || !get_num (&b, sep, sep_path, "Porosity", 1e-3, 1.0, NULL, &ec->separator.porosity)
      || !get_num (&b, sep, sep_path, "Transport efficiency", 1e-6, 1.0, NULL, &te_sep))
    return NULL;
  if (te_sep > ec->separator.porosity)
    {
      g_autofree char *p = _ps_json_member_path (sep_path, "Transport efficiency");

      _ps_json_set_error (error, PS_ENGINE_ERROR_INVALID, source, p,
                          "expected at most the porosity (%g), got %g", ec->separator.porosity,
                          te_sep);
      return NULL;
    }
  ec->separator.brug = ec->separator.porosity < 1.0 ? log (te_sep) / log (ec->separator.porosity)
                                                    : 1.5;

  /* the cell as PyBaMM builds it from BPX: a square electrode of the area */
  ec->electrode_height_m = ec->electrode_width_m = sqrt (area);
  ec->n_electrode_pairs = (guint) pairs;
  ec->window_given = TRUE;
  ec->t_ref_k = t_ref;
  ec->t_init_k = t_init;
  ec->h_w_m2k = h;
  ec->cooling_area_m2 = area_ext;
  ec->volume_m3 = volume;
  id = id_from_source (source);
  name = g_strdup (title_node != NULL && _ps_json_node_is_string (title_node)
                   ? json_node_get_string (title_node) : id);
  ec->id = g_strdup (id);
  ec->name = g_strdup (name);
  ec->source = g_strdup_printf ("BPX file %s (Battery Parameter eXchange), mapped as PyBaMM's "
                                "parameters/bpx.py does", source);
  /* the OCPs at the stoichiometry limits give the cut-offs (BPX.md
   * section 5; files are a few mV off, 0.1 V is a wrong OCP or window) */
  {
    double v0 = ps_electrochem_ocv_at_soc (ec, 0.0, t_ref);
    double v1 = ps_electrochem_ocv_at_soc (ec, 1.0, t_ref);

    if (!(fabs (v0 - ec->voltage_min_v) <= 0.1 && fabs (v1 - ec->voltage_max_v) <= 0.1))
      {
        _ps_json_set_error (error, PS_ENGINE_ERROR_INVALID, source,
                            "$.Parameterisation.Negative electrode.OCP [V]",
                            "with Positive electrode.OCP [V] and the electrodes' minimum and "
                            "maximum stoichiometries the open-circuit voltage runs from %.4f "
                            "to %.4f V, expected the cut-offs %.4g and %.4g V (within 0.1 V)",
                            v0, v1, ec->voltage_min_v, ec->voltage_max_v);
        return NULL;
      }
  }
  if (!ps_electrochem_finish (ec, source, error))
    return NULL;

  /* the derived ECM (the same a cell type without tables gets) */
  energy = _ps_electrochem_derive_ecm (ec, BPX_SOC_POINTS, soc, ocv, dudt, r0, r1, c1, r2, c2);
  if (!(ocv[0] < energy && energy < ocv[BPX_SOC_POINTS - 1]))
    {
      _ps_json_set_error (error, PS_ENGINE_ERROR_INVALID, source,
                          "$.Parameterisation.Positive electrode.OCP [V]",
                          "the open-circuit voltage does not rise over the stoichiometry "
                          "window (%.4f to %.4f V)", ocv[0], ocv[BPX_SOC_POINTS - 1]);
      return NULL;
    }

  width = pouch_width (area_ext, volume);
  if (!(width > 0.0))
    {
      g_autofree char *p = _ps_json_member_path (cell_path, "External surface area [m2]");

      _ps_json_set_error (error, PS_ENGINE_ERROR_INVALID, source, p,
                          "%g m2 cannot enclose the volume %g m3", area_ext, volume);
      return NULL;
    }
  thickness = volume / (width * width);
  q_ah = ps_electrochem_window_capacity_ah (ec);

  g_string_append_printf (src, "%s.", ec->source);
  if (title_node != NULL && _ps_json_node_is_string (title_node))
    g_string_append_printf (src, "\nTitle: %s.", json_node_get_string (title_node));
  g_string_append_printf (src, "\nCapacity %.4g Ah: the stoichiometry window (nominal %.4g Ah).",
                          q_ah, ec->capacity_ah);
  g_string_append (src, "\nECM DERIVED from the physics parameters: OCV over the window; R0 = "
                   "electrolyte and solid ohmic + linearised Butler-Volmer; R1 C1 / R2 C2 = "
                   "negative / positive particle diffusion.");
  g_string_append_printf (src, "\nASSUMED (not in BPX): a square pouch of the given volume and "
                          "surface area; operating range %g..%g C; current limits %gC discharge, "
                          "%gC charge%s%s.", BPX_TEMP_MIN_C, BPX_TEMP_MAX_C, BPX_DISCHARGE_C,
                          BPX_CHARGE_C, has_rho && has_cp ? "" : "; density 2500 kg/m3, cp 1000 J/kg/K",
                          has_k ? "" : "; thermal conductivity 1 (through) and 20 (in plane) W/m/K");

  jb = json_builder_new_immutable ();
  json_builder_begin_object (jb);
  _ps_json_builder_add_string (jb, "id", id);
  _ps_json_builder_add_string (jb, "name", name);
  _ps_json_builder_add_string (jb, "chemistry", "from BPX");
  _ps_json_builder_add_string (jb, "source", src->str);
  _ps_json_builder_add_double (jb, "capacity_ah", q_ah);
  _ps_json_builder_add_double (jb, "voltage_min_v", ec->voltage_min_v);
  _ps_json_builder_add_double (jb, "voltage_nominal_v", energy);
  _ps_json_builder_add_double (jb, "voltage_max_v", ec->voltage_max_v);
  _ps_json_builder_add_double (jb, "current_max_discharge_a", BPX_DISCHARGE_C * q_ah);
  _ps_json_builder_add_double (jb, "current_max_charge_a", BPX_CHARGE_C * q_ah);
  _ps_json_builder_add_double (jb, "temperature_ref_c", t_ref - 273.15);
  add_table (jb, "ocv", "soc", soc, "voltage_v", ocv, BPX_SOC_POINTS);
  add_table (jb, "dudt", "soc", soc, "dudt_mv_k", dudt, BPX_SOC_POINTS);
  json_builder_set_member_name (jb, "ecm");
  json_builder_begin_object (jb);
  _ps_json_builder_add_doubles (jb, "soc", soc, BPX_SOC_POINTS, 1.0);
  _ps_json_builder_add_doubles (jb, "r0_ohm", r0, BPX_SOC_POINTS, 1.0);
  _ps_json_builder_add_doubles (jb, "r1_ohm", r1, BPX_SOC_POINTS, 1.0);
  _ps_json_builder_add_doubles (jb, "c1_f", c1, BPX_SOC_POINTS, 1.0);
  _ps_json_builder_add_doubles (jb, "r2_ohm", r2, BPX_SOC_POINTS, 1.0);
  _ps_json_builder_add_doubles (jb, "c2_f", c2, BPX_SOC_POINTS, 1.0);
  json_builder_end_object (jb);
  _ps_json_builder_add_double (jb, "ea_r0_j_mol",
                               0.5 * (ec->electrode[0].j0_ea_j_mol + ec->electrode[1].j0_ea_j_mol));
  _ps_json_builder_add_double (jb, "ea_rc_j_mol", ec->electrode[0].diffusivity.ea_j_mol);
  json_builder_set_member_name (jb, "thermal");
  json_builder_begin_object (jb);
  _ps_json_builder_add_double (jb, "mass_kg", (has_rho ? rho : 2500.0) * volume);
  _ps_json_builder_add_double (jb, "cp_j_kg_k", has_cp ? cp : 1000.0);
  _ps_json_builder_add_double (jb, "surface_area_m2", area_ext);
  _ps_json_builder_add_double (jb, "k_through_w_mk", has_k ? k_cell : 1.0);
  _ps_json_builder_add_double (jb, "k_in_plane_w_mk", has_k ? k_cell : 20.0);
  _ps_json_builder_add_double (jb, "temperature_min_c", BPX_TEMP_MIN_C);
  _ps_json_builder_add_double (jb, "temperature_max_c", BPX_TEMP_MAX_C);
  json_builder_end_object (jb);
  json_builder_set_member_name (jb, "geometry");
  json_builder_begin_object (jb);
  _ps_json_builder_add_string (jb, "shape", "pouch");
  _ps_json_builder_add_double (jb, "length_m", width);
  _ps_json_builder_add_double (jb, "width_m", width);
  _ps_json_builder_add_double (jb, "thickness_m", thickness);
  json_builder_end_object (jb);
  json_builder_set_member_name (jb, "electrochem");
  json_builder_add_value (jb, _ps_electrochem_to_json_node (ec));
  json_builder_end_object (jb);

  cell_node = json_builder_get_root (jb);
  (void) t_amb;
  return ps_cell_type_new_from_json_node (cell_node, source, "$", error);
}

gboolean
ps_bpx_file_is_bpx (const char *path)
{
  g_autoptr(JsonNode) root = NULL;

  if (path == NULL)
    return FALSE;
  root = _ps_json_load_file (path, MAX_BPX_FILE_SIZE, "BPX file", NULL);
  return _ps_bpx_node_is_bpx (root);
}

PsCellType *
ps_bpx_cell_new_from_file (const char  *path,
                           GError     **error)
{
  g_autoptr(JsonNode) root = NULL;

  g_return_val_if_fail (path != NULL, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  root = _ps_json_load_file (path, MAX_BPX_FILE_SIZE, "BPX file", error);
  if (root == NULL)
    return NULL;
  if (!_ps_bpx_node_is_bpx (root))
    {
      g_set_error (error, PS_ENGINE_ERROR, PS_ENGINE_ERROR_INVALID,
                   "%s: $: expected a BPX file (an object with \"Header\" and "
                   "\"Parameterisation\")", path);
      return NULL;
    }
  return _ps_bpx_cell_new_from_node (root, path, error);
}
