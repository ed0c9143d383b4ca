/* ps-cell-type.c: cell types from JSON, strictly validated
 *
 * Schema (every member required unless marked optional; unknown members are
 * errors; numbers must be finite and in range; table points <=
 * PS_MAX_TABLE_POINTS):
 *
 * {
 *   "id":                      "aesc-leaf-2011"   lower-case letters, digits, '-', '_', '.'
 *   "name":                    "AESC ..."          shown to people
 *   "chemistry":               "LMO-LNO/graphite"
 *   "source":                  "..." or ["...", ...]  where every number comes from
 *   "capacity_ah":             33.1               rated, as delivered at C/3 to voltage_min_v
 *   "voltage_min_v":           3.0                0 < min < nominal < max <= 10
 *   "voltage_nominal_v":       3.78
 *   "voltage_max_v":           4.15
 *   "current_max_discharge_a": 100                > 0
 *   "current_max_charge_a":    66                 > 0 (a magnitude)
 *   "temperature_ref_c":       25                 temperature of the ocv and ecm tables, -50..100
 *   "ocv":  { "soc": [0, ..., 1],     SOC 0..1, strictly ascending, first 0, last 1
 *             "voltage_v": [...] },   0 < V <= 10, never falling as SOC rises
 *   "dudt": { "soc": [...],           SOC 0..1, strictly ascending
 *             "dudt_mv_k": [...] },   entropic coefficient dOCV/dT, mV/K, |x| <= 5
 *   "ecm":  { "soc": [...],           SOC 0..1, strictly ascending, one grid for all five
 *             "r0_ohm": [...], "r1_ohm": [...], "r2_ohm": [...]   0 < R <= 10 Ohm
 *             "c1_f": [...],   "c2_f": [...] },                   0 < C <= 1e9 F
 *   "ea_r0_j_mol":             24000              Arrhenius activation energy of R0, 0..200000
 *   "ea_rc_j_mol":             21000              ... of R1 and R2
 *   "diffusion": {                    optional: solid diffusion (ps-ecm.c)
 *     "soc": [...], "tau_s": [...],   time constant of the surface SOC's lag
 *                                     behind the mean, 0 < tau <= 1e6 s, at
 *                                     temperature_ref_c, over the mean SOC
 *     "ea_j_mol": 30000 },            its activation energy, 0..200000
 *   "charge_transfer": {              optional: Butler-Volmer kinetics (ps-ecm.c)
 *     "soc": [...], "i0_a": [...],    exchange current, 0 < i0 <= 1e6 A, at
 *                                     temperature_ref_c
 *     "ea_j_mol": 30000 },            its activation energy, 0..200000
 *   "electrolyte": {                  optional: concentration polarisation (ps-ecm.c)
 *     "limiting_current_a": 100,      steady current that empties the electrolyte
 *                                     at one electrode, 0 < I <= 1e6 A
 *     "tau_s": 300,                   time constant of the concentration profile,
 *                                     0 < tau <= 1e6 s
 *     "voltage_scale_v": 0.032,       2 R T (1 - t+) / F at temperature_ref_c
 *                                     (0.032 V at 25 C, t+ 0.38), 0 < x <= 1
 *     "ea_j_mol": 17000 },            activation energy of the diffusivity, 0..200000
 *   "thermal": {
 *     "mass_kg":               0.799              0 < m <= 1000
 *     "cp_j_kg_k":             1100               100 .. 5000
 *     "surface_area_m2":       0.0676             0 < A <= 100 (convective area)
 *     "k_through_w_mk":        0.5                through-plane (pouch, prismatic) or radial (cylinder)
 *     "k_in_plane_w_mk":       25                 in-plane or axial, 0 < k <= 1000
 *     "temperature_min_c":     -30                operating limits, -100 .. 200, min < max
 *     "temperature_max_c":     60
 *   },
 *   "geometry": {
 *     "shape": "pouch" | "prismatic", "length_m", "width_m", "thickness_m"
 *   or
 *     "shape": "cylindrical", "height_m", "diameter_m"      all 0 < x <= 10 m
 *   },
 *   "electrochem":             "chen2020"         optional: the built-in physics
 *                                                 parameter set (ps-electrochem.h) that
 *                                                 lets the cell run as an SPMe or DFN,
 *                                                 or a whole set as an object (the
 *                                                 schema of ps-electrochem.c, "base"
 *                                                 allowed)
 * }
 *
 * A cell with "electrochem" may leave out "ocv", "dudt" and "ecm" (all three):
 * its ECM is then derived from the set (_ps_electrochem_derive_ecm, 101 SOC
 * points), and "ea_r0_j_mol" / "ea_rc_j_mol" become optional.
 *
 * Inside PsCellType everything is SI: dU/dT in V/K, temperatures in K.
 * Errors name the source ("cell aesc-leaf-2011" or a file name), the JSON path
 * ("$.ocv.soc[3]") and what was expected.
 */
#include "config.h"

#include <math.h>
#include <string.h>

#include <gio/gio.h>

#include "ps-error.h"
#include "ps-input-file-private.h"
#include "ps-cell-type-private.h"
#include "ps-json-private.h"
#include "ps-electrochem-private.h"

#define CELLS_RESOURCE_DIR RESOURCE_PREFIX "/cells/"
#define KELVIN_OFFSET      273.15
#define GAS_CONSTANT       8.314462618    /* J/(mol K), CODATA 2018 exact */
#define MAX_CELL_FILE_SIZE (16 * 1024 * 1024)

/* ------------------------------------------------------------------ errors */

/* ----------------------------------------------------------------- members */

/* Unknown members are errors; the error names the object and lists what it
 * may hold. */
static gboolean
check_members (JsonObject         *object,
               const char         *source,
               const char         *path,
               const char * const *allowed,
               GError            **error)
{
  const char *member = _ps_json_find_unknown_member (object, allowed);
  g_autofree char *expected = NULL;

  if (member == NULL)
    return TRUE;

  expected = g_strjoinv (", ", (char **) allowed);
  return _ps_json_set_error (error, PS_ENGINE_ERROR_INVALID, source, path,
                             "unknown member \"%s\", expected only: %s", member, expected);
}

static JsonNode *
require_member (JsonObject  *object,
                const char  *member,
                const char  *source,
                const char  *path,
                const char  *expected,
                GError     **error)
{
  JsonNode *node = json_object_get_member (object, member);

  if (node == NULL)
    _ps_json_set_error (error, PS_ENGINE_ERROR_INVALID, source, path,
                        "missing member \"%s\" (%s)", member, expected);
  return node;
}

static JsonObject *
get_object (JsonObject  *object,
            const char  *member,
            const char  *source,
            const char  *path,
            GError     **error)
{
  g_autofree char *member_path = _ps_json_member_path (path, member);
  JsonNode *node = require_member (object, member, source, path, "an object", error);

  if (node == NULL)
    return NULL;
  if (!JSON_NODE_HOLDS_OBJECT (node))
    {
      _ps_json_set_error (error, PS_ENGINE_ERROR_INVALID, source, member_path,
                          "expected an object, got %s", _ps_json_node_kind (node));
      return NULL;
    }
  return json_node_get_object (node);
}

static gboolean
get_string (JsonObject  *object,
            const char  *member,
            const char  *source,
            const char  *path,
            char       **out,
            GError     **error)
{
  g_autofree char *member_path = _ps_json_member_path (path, member);
  JsonNode *node = require_member (object, member, source, path, "a string", error);
  const char *value;

  if (node == NULL)
    return FALSE;
  if (!_ps_json_node_is_string (node))
    {
      _ps_json_set_error (error, PS_ENGINE_ERROR_INVALID, source, member_path,
                          "expected a string, got %s", _ps_json_node_kind (node));
      return FALSE;
    }

  value = json_node_get_string (node);
  if (value == NULL || value[0] == '\0')
    {
      _ps_json_set_error (error, PS_ENGINE_ERROR_INVALID, source, member_path,
                          "expected a non-empty string");
      return FALSE;
    }

  *out = g_strdup (value);
  return TRUE;
}

static gboolean
get_number (JsonObject  *object,
            const char  *member,
            const char  *source,
            const char  *path,
            double       min,
            double       max,
            gboolean     min_exclusive,
            double      *out,
            GError     **error)
{
  g_autofree char *member_path = _ps_json_member_path (path, member);
  JsonNode *node = require_member (object, member, source, path, "a number", error);

  if (node == NULL)
    return FALSE;
  return _ps_json_read_number_between (node, min, min_exclusive, max, PS_JSON_WORDING_INTERVAL,
                                       NULL, source, member_path, out, error);
}

/* An array of numbers each in range; n_expected 0 means any length >= 2. */
static double *
get_number_array (JsonObject  *object,
                  const char  *member,
                  const char  *source,
                  const char  *path,
                  double       min,
                  double       max,
                  gboolean     min_exclusive,
                  guint        n_expected,
                  const char  *length_of,
                  guint       *n_out,
                  GError     **error)
{
  g_autofree char *member_path = _ps_json_member_path (path, member);
  g_autofree double *values = NULL;
  JsonNode *node = require_member (object, member, source, path, "an array of numbers", error);
  JsonArray *array;
  guint n;

  if (node == NULL)
    return NULL;
  if (!JSON_NODE_HOLDS_ARRAY (node))
    {
      _ps_json_set_error (error, PS_ENGINE_ERROR_INVALID, source, member_path,
                          "expected an array of numbers, got %s", _ps_json_node_kind (node));
      return NULL;
    }

  array = json_node_get_array (node);
  n = json_array_get_length (array);
  if (n > PS_MAX_TABLE_POINTS)
    {
      _ps_json_set_error (error, PS_ENGINE_ERROR_LIMIT, source, member_path,
                          "expected at most %d points, got %u", PS_MAX_TABLE_POINTS, n);
      return NULL;
    }
  if (n_expected != 0 && n != n_expected)
    {
      _ps_json_set_error (error, PS_ENGINE_ERROR_INVALID, source, member_path,
                          "expected %u numbers (as many as %s), got %u", n_expected, length_of, n);
      return NULL;
    }
  if (n < 2)
    {
      _ps_json_set_error (error, PS_ENGINE_ERROR_INVALID, source, member_path,
                          "expected at least 2 points, got %u", n);
      return NULL;
    }

  values = g_new (double, n);
  for (guint i = 0; i < n; i++)
    {
      g_autofree char *element_path = _ps_json_index_path (member_path, i);

      if (!_ps_json_read_number_between (json_array_get_element (array, i), min, min_exclusive,
                                         max, PS_JSON_WORDING_INTERVAL, NULL, source,
                                         element_path, &values[i], error))
        return NULL;
    }

  *n_out = n;
  return g_steal_pointer (&values);
}

/* SOC grid: numbers in [0, 1], strictly ascending. */
static double *
get_soc_grid (JsonObject  *object,
              const char  *source,
              const char  *path,
              gboolean     full_range,
              guint       *n_out,
              GError     **error)
{
  g_autofree char *member_path = _ps_json_member_path (path, "soc");
  g_autofree double *soc = NULL;
  guint n = 0;

  soc = get_number_array (object, "soc", source, path, 0.0, 1.0, FALSE, 0, NULL, &n, error);
  if (soc == NULL)
    return NULL;

  for (guint i = 1; i < n; i++)
    if (!(soc[i] > soc[i - 1]))
      {
        g_autofree char *element_path = _ps_json_index_path (member_path, i);

        _ps_json_set_error (error, PS_ENGINE_ERROR_INVALID, source, element_path,
                            "expected strictly ascending SOC, got %g after %g", soc[i], soc[i - 1]);
        return NULL;
      }

  if (full_range && (soc[0] != 0.0 || soc[n - 1] != 1.0))
    {
      _ps_json_set_error (error, PS_ENGINE_ERROR_INVALID, source, member_path,
                          "expected the table to cover SOC 0 to 1, got %g to %g", soc[0], soc[n - 1]);
      return NULL;
    }

  *n_out = n;
  return g_steal_pointer (&soc);
}

static gboolean
get_table (JsonObject  *object,
           const char  *member,
           const double *soc,
           guint        n_soc,
           const char  *soc_path,
           const char  *source,
           const char  *path,
           double       min,
           double       max,
           gboolean     min_exclusive,
           double       scale,
           PsTable     *table,
           GError     **error)
{
  g_autofree double *y = NULL;
  guint n = 0;

  y = get_number_array (object, member, source, path, min, max, min_exclusive,
                        n_soc, soc_path, &n, error);
  if (y == NULL)
    return FALSE;

  for (guint i = 0; i < n; i++)
    y[i] *= scale;

  if (!ps_table_init (table, soc, y, n))
    {
      g_autofree char *member_path = _ps_json_member_path (path, member);

      _ps_json_set_error (error, PS_ENGINE_ERROR_INVALID, source, member_path,
                          "expected a valid table over %s", soc_path);
      return FALSE;
    }
  return TRUE;
}

/* ------------------------------------------------------------------ parse */

static const char * const top_members[] = {
  "id", "name", "chemistry", "source", "capacity_ah",
  "voltage_min_v", "voltage_nominal_v", "voltage_max_v",
  "current_max_discharge_a", "current_max_charge_a", "temperature_ref_c",
  "ocv", "dudt", "ecm", "ea_r0_j_mol", "ea_rc_j_mol", "diffusion", "charge_transfer",
  "electrolyte", "thermal", "geometry", "electrochem", NULL
};
static const char * const ocv_members[] = { "soc", "voltage_v", NULL };
static const char * const dudt_members[] = { "soc", "dudt_mv_k", NULL };
static const char * const ecm_members[] = { "soc", "r0_ohm", "r1_ohm", "c1_f", "r2_ohm", "c2_f", NULL };
static const char * const diffusion_members[] = { "soc", "tau_s", "ea_j_mol", NULL };
static const char * const charge_transfer_members[] = { "soc", "i0_a", "ea_j_mol", NULL };
static const char * const electrolyte_members[] = {
  "limiting_current_a", "tau_s", "voltage_scale_v", "ea_j_mol", NULL
};
static const char * const thermal_members[] = {
  "mass_kg", "cp_j_kg_k", "surface_area_m2", "k_through_w_mk", "k_in_plane_w_mk",
  "temperature_min_c", "temperature_max_c", NULL
};
static const char * const flat_geometry_members[] = { "shape", "length_m", "width_m", "thickness_m", NULL };
static const char * const cylinder_geometry_members[] = { "shape", "height_m", "diameter_m", NULL };

static gboolean
id_is_valid (const char *id)
{
  for (const char *p = id; *p; p++)
    if (!(g_ascii_islower (*p) || g_ascii_isdigit (*p) || *p == '-' || *p == '_' || *p == '.'))
      return FALSE;
  return id[0] != '\0' && id[0] != '.';
}

static gboolean
parse_source (JsonObject  *object,
              const char  *source,
              const char  *path,
              char       **out,
              GError     **error)
{
  g_autofree char *member_path = _ps_json_member_path (path, "source");
  JsonNode *node = require_member (object, "source", source, path,
                                   "a string or an array of strings", error);
  g_autoptr(GString) text = NULL;
  JsonArray *array;
  guint n;

  if (node == NULL)
    return FALSE;
  if (_ps_json_node_is_string (node))
    return get_string (object, "source", source, path, out, error);

  if (!JSON_NODE_HOLDS_ARRAY (node))
    {
      _ps_json_set_error (error, PS_ENGINE_ERROR_INVALID, source, member_path,
                          "expected a string or an array of strings, got %s", _ps_json_node_kind (node));
      return FALSE;
    }

  array = json_node_get_array (node);
  n = json_array_get_length (array);
  if (n == 0)
    {
      _ps_json_set_error (error, PS_ENGINE_ERROR_INVALID, source, member_path,
                          "expected at least one line citing where the numbers come from");
      return FALSE;
    }

  text = g_string_new (NULL);
  for (guint i = 0; i < n; i++)
    {
      JsonNode *element = json_array_get_element (array, i);

      if (!_ps_json_node_is_string (element))
        {
          _ps_json_set_error (error, PS_ENGINE_ERROR_INVALID, source, member_path,
                              "[%u]: expected a string, got %s", i, _ps_json_node_kind (element));
          return FALSE;
        }
      if (i > 0)
        g_string_append_c (text, '\n');
      g_string_append (text, json_node_get_string (element));
    }

  *out = g_string_free (g_steal_pointer (&text), FALSE);
  return TRUE;
}

static gboolean
parse_ocv (PsCellType  *cell,
           JsonObject  *root,
           const char  *source,
           const char  *path,
           GError     **error)
{
  g_autofree char *ocv_path = _ps_json_member_path (path, "ocv");
  g_autofree char *soc_path = _ps_json_member_path (ocv_path, "soc");
  g_autofree double *soc = NULL;
  JsonObject *object;
  guint n = 0;

  if (!(object = get_object (root, "ocv", source, path, error)) ||
      !check_members (object, source, ocv_path, ocv_members, error) ||
      !(soc = get_soc_grid (object, source, ocv_path, TRUE, &n, error)) ||
      !get_table (object, "voltage_v", soc, n, soc_path, source, ocv_path,
                  0.0, 10.0, TRUE, 1.0, &cell->ocv, error))
    return FALSE;

  for (guint i = 1; i < n; i++)
    if (cell->ocv.y[i] < cell->ocv.y[i - 1])
      {
        g_autofree char *element_path = g_strdup_printf ("%s.voltage_v[%u]", ocv_path, i);

        _ps_json_set_error (error, PS_ENGINE_ERROR_INVALID, source, element_path,
                            "expected an OCV that does not fall as SOC rises, got %g V after %g V",
                            cell->ocv.y[i], cell->ocv.y[i - 1]);
        return FALSE;
      }

  return TRUE;
}

static gboolean
parse_dudt (PsCellType  *cell,
            JsonObject  *root,
            const char  *source,
            const char  *path,
            GError     **error)
{
  g_autofree char *dudt_path = _ps_json_member_path (path, "dudt");
  g_autofree char *soc_path = _ps_json_member_path (dudt_path, "soc");
  g_autofree double *soc = NULL;
  JsonObject *object;
  guint n = 0;

  return (object = get_object (root, "dudt", source, path, error)) &&
         check_members (object, source, dudt_path, dudt_members, error) &&
         (soc = get_soc_grid (object, source, dudt_path, FALSE, &n, error)) &&
         get_table (object, "dudt_mv_k", soc, n, soc_path, source, dudt_path,
                    -5.0, 5.0, FALSE, 1e-3, &cell->dudt, error);
}

static gboolean
parse_ecm (PsCellType  *cell,
           JsonObject  *root,
           const char  *source,
           const char  *path,
           GError     **error)
{
  g_autofree char *ecm_path = _ps_json_member_path (path, "ecm");
  g_autofree char *soc_path = _ps_json_member_path (ecm_path, "soc");
  g_autofree double *soc = NULL;
  JsonObject *object;
  guint n = 0;

  return (object = get_object (root, "ecm", source, path, error)) &&
         check_members (object, source, ecm_path, ecm_members, error) &&
         (soc = get_soc_grid (object, source, ecm_path, FALSE, &n, error)) &&
         get_table (object, "r0_ohm", soc, n, soc_path, source, ecm_path, 0.0, 10.0, TRUE, 1.0, &cell->r0, error) &&
         get_table (object, "r1_ohm", soc, n, soc_path, source, ecm_path, 0.0, 10.0, TRUE, 1.0, &cell->r1, error) &&
         get_table (object, "c1_f", soc, n, soc_path, source, ecm_path, 0.0, 1e9, TRUE, 1.0, &cell->c1, error) &&
         get_table (object, "r2_ohm", soc, n, soc_path, source, ecm_path, 0.0, 10.0, TRUE, 1.0, &cell->r2, error) &&
         get_table (object, "c2_f", soc, n, soc_path, source, ecm_path, 0.0, 1e9, TRUE, 1.0, &cell->c2, error);
}

/* A cell with a physics set and no "ocv", "dudt" and "ecm" of its own runs
 * as an ECM derived from that set (_ps_electrochem_derive_ecm, as a BPX
 * import does); "ea_r0_j_mol" and "ea_rc_j_mol", when absent, are the mean
 * of the electrodes' j0 activation energies and the negative particles'
 * diffusivity's. */
#define DERIVED_ECM_POINTS 101

static gboolean
derive_ecm (PsCellType  *cell,
            JsonObject  *root,
            const char  *source,
            const char  *path,
            GError     **error)
{
  const PsElectrochem *ec = cell->electrochem;
  double soc[DERIVED_ECM_POINTS], ocv[DERIVED_ECM_POINTS], dudt[DERIVED_ECM_POINTS];
  double r0[DERIVED_ECM_POINTS], r1[DERIVED_ECM_POINTS], c1[DERIVED_ECM_POINTS];
  double r2[DERIVED_ECM_POINTS], c2[DERIVED_ECM_POINTS];

  _ps_electrochem_derive_ecm (ec, DERIVED_ECM_POINTS, soc, ocv, dudt, r0, r1, c1, r2, c2);
  /* in V/K as a table of mV/K read from JSON gives it (6 digits), so that
   * the cell written out and read again is the same cell */
  for (guint i = 0; i < DERIVED_ECM_POINTS; i++)
    {
      char text[G_ASCII_DTOSTR_BUF_SIZE];

      dudt[i] = g_ascii_strtod (g_ascii_formatd (text, sizeof text, "%.6g", dudt[i]), NULL) * 1e-3;
    }
  if (!(ocv[0] < ocv[DERIVED_ECM_POINTS - 1]))
    {
      g_autofree char *p = _ps_json_member_path (path, "electrochem");

      return _ps_json_set_error (error, PS_ENGINE_ERROR_INVALID, source, p,
                                 "the set's open-circuit voltage does not rise over its "
                                 "window (%.4f to %.4f V), no ECM can be derived from it",
                                 ocv[0], ocv[DERIVED_ECM_POINTS - 1]);
    }
  ps_table_init (&cell->ocv, soc, ocv, DERIVED_ECM_POINTS);
  ps_table_init (&cell->dudt, soc, dudt, DERIVED_ECM_POINTS);
  ps_table_init (&cell->r0, soc, r0, DERIVED_ECM_POINTS);
  ps_table_init (&cell->r1, soc, r1, DERIVED_ECM_POINTS);
  ps_table_init (&cell->c1, soc, c1, DERIVED_ECM_POINTS);
  ps_table_init (&cell->r2, soc, r2, DERIVED_ECM_POINTS);
  ps_table_init (&cell->c2, soc, c2, DERIVED_ECM_POINTS);
  cell->ea_r0_j_mol = 0.5 * (ec->electrode[PS_ELECTRODE_NEG].j0_ea_j_mol
                             + ec->electrode[PS_ELECTRODE_POS].j0_ea_j_mol);
  cell->ea_rc_j_mol = ec->electrode[PS_ELECTRODE_NEG].diffusivity.ea_j_mol;
  return (!json_object_has_member (root, "ea_r0_j_mol")
          || get_number (root, "ea_r0_j_mol", source, path, 0.0, 200000.0, FALSE,
                         &cell->ea_r0_j_mol, error))
         && (!json_object_has_member (root, "ea_rc_j_mol")
             || get_number (root, "ea_rc_j_mol", source, path, 0.0, 200000.0, FALSE,
                            &cell->ea_rc_j_mol, error));
}

/* An optional object of one SOC table and its activation energy: absent, the
 * table stays empty. */
static gboolean
parse_optional_element (JsonObject         *root,
                        const char         *member,
                        const char * const *members,
                        const char         *table_member,
                        double              max,
                        const char         *source,
                        const char         *path,
                        PsTable            *table,
                        double             *ea_j_mol,
                        GError            **error)
{
  g_autofree char *object_path = _ps_json_member_path (path, member);
  g_autofree char *soc_path = _ps_json_member_path (object_path, "soc");
  g_autofree double *soc = NULL;
  JsonObject *object;
  guint n = 0;

  if (!json_object_has_member (root, member))
    return TRUE;
  return (object = get_object (root, member, source, path, error)) &&
         check_members (object, source, object_path, members, error) &&
         (soc = get_soc_grid (object, source, object_path, FALSE, &n, error)) &&
         get_table (object, table_member, soc, n, soc_path, source, object_path,
                    0.0, max, TRUE, 1.0, table, error) &&
         get_number (object, "ea_j_mol", source, object_path, 0.0, 200000.0, FALSE,
                     ea_j_mol, error);
}

static gboolean
parse_electrolyte (PsCellType  *cell,
                   JsonObject  *root,
                   const char  *source,
                   const char  *path,
                   GError     **error)
{
  g_autofree char *object_path = _ps_json_member_path (path, "electrolyte");
  JsonObject *object;

  if (!json_object_has_member (root, "electrolyte"))
    return TRUE;
  return (object = get_object (root, "electrolyte", source, path, error)) &&
         check_members (object, source, object_path, electrolyte_members, error) &&
         get_number (object, "limiting_current_a", source, object_path, 0.0, 1e6, TRUE,
                     &cell->electrolyte_i_lim_a, error) &&
         get_number (object, "tau_s", source, object_path, 0.0, 1e6, TRUE,
                     &cell->electrolyte_tau_s, error) &&
         get_number (object, "voltage_scale_v", source, object_path, 0.0, 1.0, TRUE,
                     &cell->electrolyte_scale_v, error) &&
         get_number (object, "ea_j_mol", source, object_path, 0.0, 200000.0, FALSE,
                     &cell->ea_electrolyte_j_mol, error);
}

static gboolean
parse_thermal (PsCellType  *cell,
               JsonObject  *root,
               const char  *source,
               const char  *path,
               GError     **error)
{
  g_autofree char *thermal_path = _ps_json_member_path (path, "thermal");
  JsonObject *object;
  double temp_min_c, temp_max_c;

  if (!(object = get_object (root, "thermal", source, path, error)) ||
      !check_members (object, source, thermal_path, thermal_members, error) ||
      !get_number (object, "mass_kg", source, thermal_path, 0.0, 1000.0, TRUE, &cell->mass_kg, error) ||
      !get_number (object, "cp_j_kg_k", source, thermal_path, 100.0, 5000.0, FALSE, &cell->cp_j_kg_k, error) ||
      !get_number (object, "surface_area_m2", source, thermal_path, 0.0, 100.0, TRUE, &cell->surface_area_m2, error) ||
      !get_number (object, "k_through_w_mk", source, thermal_path, 0.0, 1000.0, TRUE, &cell->k_through_w_mk, error) ||
      !get_number (object, "k_in_plane_w_mk", source, thermal_path, 0.0, 1000.0, TRUE, &cell->k_in_plane_w_mk, error) ||
      !get_number (object, "temperature_min_c", source, thermal_path, -100.0, 200.0, FALSE, &temp_min_c, error) ||
      !get_number (object, "temperature_max_c", source, thermal_path, -100.0, 200.0, FALSE, &temp_max_c, error))
    return FALSE;

  if (!(temp_max_c > temp_min_c))
    {
      g_autofree char *max_path = _ps_json_member_path (thermal_path, "temperature_max_c");

      _ps_json_set_error (error, PS_ENGINE_ERROR_INVALID, source, max_path,
                          "expected more than temperature_min_c (%g), got %g", temp_min_c, temp_max_c);
      return FALSE;
    }

  cell->temp_min_k = temp_min_c + KELVIN_OFFSET;
  cell->temp_max_k = temp_max_c + KELVIN_OFFSET;
  return TRUE;
}

static gboolean
parse_geometry (PsCellType  *cell,
                JsonObject  *root,
                const char  *source,
                const char  *path,
                GError     **error)
{
  g_autofree char *geometry_path = _ps_json_member_path (path, "geometry");
  g_autofree char *shape_path = _ps_json_member_path (geometry_path, "shape");
  g_autofree char *shape = NULL;
  JsonObject *object;

  if (!(object = get_object (root, "geometry", source, path, error)) ||
      !get_string (object, "shape", source, geometry_path, &shape, error))
    return FALSE;

  if (g_str_equal (shape, "cylindrical"))
    {
      double height_m, diameter_m;

      if (!check_members (object, source, geometry_path, cylinder_geometry_members, error) ||
          !get_number (object, "height_m", source, geometry_path, 0.0, 10.0, TRUE, &height_m, error) ||
          !get_number (object, "diameter_m", source, geometry_path, 0.0, 10.0, TRUE, &diameter_m, error))
        return FALSE;

      cell->shape = PS_CELL_SHAPE_CYLINDRICAL;
      cell->length_m = height_m;
      cell->width_m = diameter_m;
      cell->thickness_m = diameter_m;
      return TRUE;
    }

  if (g_str_equal (shape, "pouch"))
    cell->shape = PS_CELL_SHAPE_POUCH;
  else if (g_str_equal (shape, "prismatic"))
    cell->shape = PS_CELL_SHAPE_PRISMATIC;
  else
    {
      _ps_json_set_error (error, PS_ENGINE_ERROR_INVALID, source, shape_path,
                          "expected \"pouch\", \"cylindrical\" or \"prismatic\", got \"%s\"", shape);
      return FALSE;
    }

  return check_members (object, source, geometry_path, flat_geometry_members, error) &&
         get_number (object, "length_m", source, geometry_path, 0.0, 10.0, TRUE, &cell->length_m, error) &&
         get_number (object, "width_m", source, geometry_path, 0.0, 10.0, TRUE, &cell->width_m, error) &&
         get_number (object, "thickness_m", source, geometry_path, 0.0, 10.0, TRUE, &cell->thickness_m, error);
}

/* the optional built-in physics parameter set */
static gboolean
parse_electrochem (PsCellType  *cell,
                   JsonObject  *root,
                   const char  *source,
                   const char  *path,
                   GError     **error)
{
  g_autofree char *member_path = NULL;
  g_autoptr(GError) local_error = NULL;

  if (!json_object_has_member (root, "electrochem"))
    return TRUE;
  member_path = _ps_json_member_path (path, "electrochem");
  if (JSON_NODE_HOLDS_OBJECT (json_object_get_member (root, "electrochem")))
    {
      /* a set of its own (a BPX import written out) */
      cell->electrochem = _ps_electrochem_new_from_json_node (json_object_get_member (root, "electrochem"),
                                                              source, member_path, error);
      return cell->electrochem != NULL;
    }
  if (!get_string (root, "electrochem", source, path, &cell->electrochem_id, error))
    return FALSE;
  cell->electrochem = ps_electrochem_new_from_id (cell->electrochem_id, &local_error);
  if (cell->electrochem != NULL)
    return TRUE;
  return _ps_json_set_error (error, PS_ENGINE_ERROR_INVALID, source, member_path,
                             "%s", local_error->message);
}

PsCellType *
ps_cell_type_new_from_json_node (JsonNode    *node,
                                 const char  *source_name,
                                 const char  *json_path,
                                 GError     **error)
{
  g_autoptr(PsCellType) cell = NULL;
  const char *source = source_name ? source_name : "cell";
  const char *path = json_path ? json_path : "$";
  JsonObject *root;
  double temp_ref_c;

  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  if (node == NULL || !JSON_NODE_HOLDS_OBJECT (node))
    {
      _ps_json_set_error (error, PS_ENGINE_ERROR_INVALID, source, path,
                          "expected a cell object, got %s", _ps_json_node_kind (node));
      return NULL;
    }

  root = json_node_get_object (node);
  cell = g_new0 (PsCellType, 1);

  if (!check_members (root, source, path, top_members, error) ||
      !get_string (root, "id", source, path, &cell->id, error))
    return NULL;

  if (!id_is_valid (cell->id))
    {
      g_autofree char *id_path = _ps_json_member_path (path, "id");

      _ps_json_set_error (error, PS_ENGINE_ERROR_INVALID, source, id_path,
                          "expected lower-case letters, digits, '-', '_' or '.', got \"%s\"", cell->id);
      return NULL;
    }

  if (!get_string (root, "name", source, path, &cell->name, error) ||
      !get_string (root, "chemistry", source, path, &cell->chemistry, error) ||
      !parse_source (root, source, path, &cell->source, error) ||
      !get_number (root, "capacity_ah", source, path, 0.0, 100000.0, TRUE, &cell->capacity_ah, error) ||
      !get_number (root, "voltage_min_v", source, path, 0.0, 10.0, TRUE, &cell->voltage_min_v, error) ||
      !get_number (root, "voltage_nominal_v", source, path, 0.0, 10.0, TRUE, &cell->voltage_nominal_v, error) ||
      !get_number (root, "voltage_max_v", source, path, 0.0, 10.0, TRUE, &cell->voltage_max_v, error) ||
      !get_number (root, "current_max_discharge_a", source, path, 0.0, 1e6, TRUE, &cell->current_max_discharge_a, error) ||
      !get_number (root, "current_max_charge_a", source, path, 0.0, 1e6, TRUE, &cell->current_max_charge_a, error) ||
      !get_number (root, "temperature_ref_c", source, path, -50.0, 100.0, FALSE, &temp_ref_c, error))
    return NULL;

  if (!(cell->voltage_min_v < cell->voltage_nominal_v && cell->voltage_nominal_v < cell->voltage_max_v))
    {
      g_autofree char *nominal_path = _ps_json_member_path (path, "voltage_nominal_v");

      _ps_json_set_error (error, PS_ENGINE_ERROR_INVALID, source, nominal_path,
                          "expected voltage_min_v (%g) < voltage_nominal_v (%g) < voltage_max_v (%g)",
                          cell->voltage_min_v, cell->voltage_nominal_v, cell->voltage_max_v);
      return NULL;
    }
  cell->t_ref_k = temp_ref_c + KELVIN_OFFSET;

  if (json_object_has_member (root, "electrochem") && !json_object_has_member (root, "ocv")
      && !json_object_has_member (root, "dudt") && !json_object_has_member (root, "ecm"))
    {
      /* the ECM from the physics */
      if (!parse_electrochem (cell, root, source, path, error) ||
          !derive_ecm (cell, root, source, path, error))
        return NULL;
    }
  else if (!parse_ocv (cell, root, source, path, error) ||
           !parse_dudt (cell, root, source, path, error) ||
           !parse_ecm (cell, root, source, path, error) ||
           !get_number (root, "ea_r0_j_mol", source, path, 0.0, 200000.0, FALSE, &cell->ea_r0_j_mol, error) ||
           !get_number (root, "ea_rc_j_mol", source, path, 0.0, 200000.0, FALSE, &cell->ea_rc_j_mol, error))
    return NULL;

  if (!parse_optional_element (root, "diffusion", diffusion_members, "tau_s", 1e6, source, path,
                               &cell->tau_diffusion, &cell->ea_diffusion_j_mol, error) ||
      !parse_optional_element (root, "charge_transfer", charge_transfer_members, "i0_a", 1e6,
                               source, path, &cell->i0, &cell->ea_i0_j_mol, error) ||
      !parse_electrolyte (cell, root, source, path, error) ||
      !parse_thermal (cell, root, source, path, error) ||
      !parse_geometry (cell, root, source, path, error) ||
      (cell->electrochem == NULL && !parse_electrochem (cell, root, source, path, error)))
    return NULL;

  return g_steal_pointer (&cell);
}

static PsCellType *
ps_cell_type_new_from_data (const char  *data,
                            gsize        length,
                            const char  *source,
                            GError     **error)
{
  g_autoptr(JsonNode) root = _ps_json_parse_text (data, length, source, error);

  if (root == NULL)
    return NULL;
  return ps_cell_type_new_from_json_node (root, source, "$", error);
}

PsCellType *
ps_cell_type_new_from_file (const char  *path,
                            GError     **error)
{
  g_autofree char *data = NULL;
  gsize length = 0;

  g_return_val_if_fail (path != NULL, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  if (!_ps_input_file_read (path, "cell file", MAX_CELL_FILE_SIZE, &data, &length, error))
    return NULL;
  return ps_cell_type_new_from_data (data, length, path, error);
}

PsCellType *
ps_cell_type_new_from_id (const char  *id,
                          GError     **error)
{
  g_autoptr(GBytes) bytes = NULL;
  g_autoptr(PsCellType) cell = NULL;
  g_autofree char *resource = NULL;
  g_autofree char *source = NULL;
  gsize length = 0;
  const char *data;

  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  if (id == NULL || !id_is_valid (id))
    {
      g_set_error (error, PS_ENGINE_ERROR, PS_ENGINE_ERROR_NOT_FOUND,
                   "cell \"%s\": not a valid cell id", id ? id : "(null)");
      return NULL;
    }

  resource = g_strconcat (CELLS_RESOURCE_DIR, id, ".json", NULL);
  bytes = g_resources_lookup_data (resource, G_RESOURCE_LOOKUP_FLAGS_NONE, NULL);
  if (bytes == NULL)
    {
      g_auto(GStrv) known = ps_cell_type_list_builtin ();
      g_autofree char *known_text = g_strjoinv (", ", known);

      g_set_error (error, PS_ENGINE_ERROR, PS_ENGINE_ERROR_NOT_FOUND,
                   "cell \"%s\": no built-in cell of that id, expected one of: %s",
                   id, known_text);
      return NULL;
    }

  source = g_strdup_printf ("cell %s", id);
  data = g_bytes_get_data (bytes, &length);
  cell = ps_cell_type_new_from_data (data, length, source, error);
  if (cell == NULL)
    return NULL;

  if (!g_str_equal (cell->id, id))
    {
      g_set_error (error, PS_ENGINE_ERROR, PS_ENGINE_ERROR_INVALID,
                   "%s: $.id: expected \"%s\" (the resource's name), got \"%s\"",
                   source, id, cell->id);
      return NULL;
    }

  return g_steal_pointer (&cell);
}

static int
compare_strings (gconstpointer a,
                 gconstpointer b)
{
  return strcmp (*(const char * const *) a, *(const char * const *) b);
}

char **
ps_cell_type_list_builtin (void)
{
  g_auto(GStrv) children = NULL;
  g_autoptr(GPtrArray) ids = g_ptr_array_new_with_free_func (g_free);

  children = g_resources_enumerate_children (CELLS_RESOURCE_DIR, G_RESOURCE_LOOKUP_FLAGS_NONE, NULL);
  for (guint i = 0; children != NULL && children[i] != NULL; i++)
    if (g_str_has_suffix (children[i], ".json"))
      g_ptr_array_add (ids, g_strndup (children[i], strlen (children[i]) - strlen (".json")));

  g_ptr_array_sort (ids, compare_strings);
  g_ptr_array_add (ids, NULL);
  return (char **) g_ptr_array_free (g_steal_pointer (&ids), FALSE);
}

/* ------------------------------------------------------------------- copy */

PsCellType *
ps_cell_type_copy (const PsCellType *cell)
{
  PsCellType *copy;

  g_return_val_if_fail (cell != NULL, NULL);

  copy = g_memdup2 (cell, sizeof *cell);
  copy->id = g_strdup (cell->id);
  copy->name = g_strdup (cell->name);
  copy->chemistry = g_strdup (cell->chemistry);
  copy->source = g_strdup (cell->source);
  ps_table_copy (&copy->ocv, &cell->ocv);
  ps_table_copy (&copy->dudt, &cell->dudt);
  ps_table_copy (&copy->r0, &cell->r0);
  ps_table_copy (&copy->r1, &cell->r1);
  ps_table_copy (&copy->c1, &cell->c1);
  ps_table_copy (&copy->r2, &cell->r2);
  ps_table_copy (&copy->c2, &cell->c2);
  copy->electrochem_id = g_strdup (cell->electrochem_id);
  if (cell->electrochem != NULL)
    copy->electrochem = ps_electrochem_copy (cell->electrochem);
  ps_table_copy (&copy->tau_diffusion, &cell->tau_diffusion);
  ps_table_copy (&copy->i0, &cell->i0);

  return copy;
}

void
ps_cell_type_free (PsCellType *cell)
{
  if (cell == NULL)
    return;

  g_free (cell->id);
  g_free (cell->name);
  g_free (cell->chemistry);
  g_free (cell->source);
  ps_table_clear (&cell->ocv);
  ps_table_clear (&cell->dudt);
  ps_table_clear (&cell->r0);
  ps_table_clear (&cell->r1);
  ps_table_clear (&cell->c1);
  ps_table_clear (&cell->r2);
  ps_table_clear (&cell->c2);
  g_free (cell->electrochem_id);
  g_clear_pointer (&cell->electrochem, ps_electrochem_free);
  ps_table_clear (&cell->tau_diffusion);
  ps_table_clear (&cell->i0);
  g_free (cell);
}

/* ------------------------------------------------------------------ write */

static void
add_optional_element (JsonBuilder   *builder,
                      const char    *member,
                      const char    *table_member,
                      const PsTable *table,
                      double         ea_j_mol)
{
  if (table->n_points == 0)
    return;
  json_builder_set_member_name (builder, member);
  json_builder_begin_object (builder);
  _ps_json_builder_add_doubles (builder, "soc", table->x, table->n_points, 1.0);
  _ps_json_builder_add_doubles (builder, table_member, table->y, table->n_points, 1.0);
  _ps_json_builder_add_double (builder, "ea_j_mol", ea_j_mol);
  json_builder_end_object (builder);
}

JsonNode *
ps_cell_type_to_json_node (const PsCellType *cell)
{
  g_autoptr(JsonBuilder) builder = json_builder_new_immutable ();

  g_return_val_if_fail (cell != NULL, NULL);

  json_builder_begin_object (builder);
  _ps_json_builder_add_string (builder, "id", cell->id);
  _ps_json_builder_add_string (builder, "name", cell->name);
  _ps_json_builder_add_string (builder, "chemistry", cell->chemistry);
  _ps_json_builder_add_string (builder, "source", cell->source);
  _ps_json_builder_add_double (builder, "capacity_ah", cell->capacity_ah);
  _ps_json_builder_add_double (builder, "voltage_min_v", cell->voltage_min_v);
  _ps_json_builder_add_double (builder, "voltage_nominal_v", cell->voltage_nominal_v);
  _ps_json_builder_add_double (builder, "voltage_max_v", cell->voltage_max_v);
  _ps_json_builder_add_double (builder, "current_max_discharge_a", cell->current_max_discharge_a);
  _ps_json_builder_add_double (builder, "current_max_charge_a", cell->current_max_charge_a);
  _ps_json_builder_add_celsius (builder, "temperature_ref_c", cell->t_ref_k);

  json_builder_set_member_name (builder, "ocv");
  json_builder_begin_object (builder);
  _ps_json_builder_add_doubles (builder, "soc", cell->ocv.x, cell->ocv.n_points, 1.0);
  _ps_json_builder_add_doubles (builder, "voltage_v", cell->ocv.y, cell->ocv.n_points, 1.0);
  json_builder_end_object (builder);

  json_builder_set_member_name (builder, "dudt");
  json_builder_begin_object (builder);
  _ps_json_builder_add_doubles (builder, "soc", cell->dudt.x, cell->dudt.n_points, 1.0);
  _ps_json_builder_add_doubles (builder, "dudt_mv_k", cell->dudt.y, cell->dudt.n_points, 1e3);
  json_builder_end_object (builder);

  /* the five ECM tables share one SOC grid in the file (and after loading) */
  json_builder_set_member_name (builder, "ecm");
  json_builder_begin_object (builder);
  _ps_json_builder_add_doubles (builder, "soc", cell->r0.x, cell->r0.n_points, 1.0);
  _ps_json_builder_add_doubles (builder, "r0_ohm", cell->r0.y, cell->r0.n_points, 1.0);
  _ps_json_builder_add_doubles (builder, "r1_ohm", cell->r1.y, cell->r1.n_points, 1.0);
  _ps_json_builder_add_doubles (builder, "c1_f", cell->c1.y, cell->c1.n_points, 1.0);
  _ps_json_builder_add_doubles (builder, "r2_ohm", cell->r2.y, cell->r2.n_points, 1.0);
  _ps_json_builder_add_doubles (builder, "c2_f", cell->c2.y, cell->c2.n_points, 1.0);
  json_builder_end_object (builder);

  _ps_json_builder_add_double (builder, "ea_r0_j_mol", cell->ea_r0_j_mol);
  _ps_json_builder_add_double (builder, "ea_rc_j_mol", cell->ea_rc_j_mol);
  add_optional_element (builder, "diffusion", "tau_s", &cell->tau_diffusion,
                        cell->ea_diffusion_j_mol);
  add_optional_element (builder, "charge_transfer", "i0_a", &cell->i0, cell->ea_i0_j_mol);
  if (cell->electrolyte_i_lim_a > 0.0)
    {
      json_builder_set_member_name (builder, "electrolyte");
      json_builder_begin_object (builder);
      _ps_json_builder_add_double (builder, "limiting_current_a", cell->electrolyte_i_lim_a);
      _ps_json_builder_add_double (builder, "tau_s", cell->electrolyte_tau_s);
      _ps_json_builder_add_double (builder, "voltage_scale_v", cell->electrolyte_scale_v);
      _ps_json_builder_add_double (builder, "ea_j_mol", cell->ea_electrolyte_j_mol);
      json_builder_end_object (builder);
    }

  json_builder_set_member_name (builder, "thermal");
  json_builder_begin_object (builder);
  _ps_json_builder_add_double (builder, "mass_kg", cell->mass_kg);
  _ps_json_builder_add_double (builder, "cp_j_kg_k", cell->cp_j_kg_k);
  _ps_json_builder_add_double (builder, "surface_area_m2", cell->surface_area_m2);
  _ps_json_builder_add_double (builder, "k_through_w_mk", cell->k_through_w_mk);
  _ps_json_builder_add_double (builder, "k_in_plane_w_mk", cell->k_in_plane_w_mk);
  _ps_json_builder_add_celsius (builder, "temperature_min_c", cell->temp_min_k);
  _ps_json_builder_add_celsius (builder, "temperature_max_c", cell->temp_max_k);
  json_builder_end_object (builder);

  json_builder_set_member_name (builder, "geometry");
  json_builder_begin_object (builder);
  switch (cell->shape)
    {
    case PS_CELL_SHAPE_CYLINDRICAL:
      _ps_json_builder_add_string (builder, "shape", "cylindrical");
      _ps_json_builder_add_double (builder, "height_m", cell->length_m);
      _ps_json_builder_add_double (builder, "diameter_m", cell->width_m);
      break;

    case PS_CELL_SHAPE_PRISMATIC:
    case PS_CELL_SHAPE_POUCH:
    default:
      _ps_json_builder_add_string (builder, "shape", cell->shape == PS_CELL_SHAPE_PRISMATIC ? "prismatic" : "pouch");
      _ps_json_builder_add_double (builder, "length_m", cell->length_m);
      _ps_json_builder_add_double (builder, "width_m", cell->width_m);
      _ps_json_builder_add_double (builder, "thickness_m", cell->thickness_m);
      break;
    }
  json_builder_end_object (builder);

  if (cell->electrochem_id != NULL)
    _ps_json_builder_add_string (builder, "electrochem", cell->electrochem_id);
  else if (cell->electrochem != NULL)
    {
      json_builder_set_member_name (builder, "electrochem");
      json_builder_add_value (builder, _ps_electrochem_to_json_node (cell->electrochem));
    }

  json_builder_end_object (builder);
  return json_builder_get_root (builder);
}

double
ps_cell_type_arrhenius (double ea_j_mol,
                        double t_ref_k,
                        double temp_k)
{
  return exp (ea_j_mol / GAS_CONSTANT * (1.0 / temp_k - 1.0 / t_ref_k));
}
