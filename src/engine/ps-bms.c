/* ps-bms.c: the BMS's settings (JSON, defaults from the cell) and its
 * decisions during a run (contactor, derating, CC-CV, balancing, the fast
 * charger's power limit), each one an event */
#include "config.h"

#include <math.h>
#include <string.h>

#include <json-glib/json-glib.h>

#include "ps-bms-private.h"
#include "ps-error.h"
#include "ps-json-private.h"

#define ZERO_C_IN_K 273.15

enum
{
  SET_VMAX = 1 << 0,
  SET_VMIN = 1 << 1,
  SET_IMAX = 1 << 2,
  SET_TMAX = 1 << 3,
  SET_VCHG = 1 << 4,
  SET_CEND = 1 << 5,
  SET_LIMITS = 1 << 6,
  SET_BAL_R = 1 << 7,
  SET_BAL_V = 1 << 8,
  SET_BAL_START = 1 << 9,
};

static const char * const bms_members[] = {
  "enabled", "cell_voltage_max_v", "cell_voltage_min_v", "cell_current_max_a",
  "temperature_max_c", "charge_voltage_v", "charge_end_c", "current_limits",
  "balancing", "fast_charge", NULL
};
static const char * const limit_members[] = {
  "temperature_c", "soc", "charge_a", "discharge_a", NULL
};
static const char * const balancing_members[] = {
  "enabled", "resistance_ohm", "threshold_v", "start_voltage_v", NULL
};
static const char * const fast_members[] = { "temperature_c", "power_kw", NULL };

void
ps_bms_config_init (PsBmsConfig *config)
{
  memset (config, 0, sizeof *config);
  config->balancing = TRUE;
  config->balance_resistance_ohm = 33.0;
  config->balance_threshold_v = 0.010;
  config->charge_end_c = 0.05;
}

/* ---- JSON ---------------------------------------------------------------- */

static gboolean
read_bool (JsonNode    *node,
           const char  *source,
           const char  *path,
           gboolean    *out,
           GError     **error)
{
  if (!JSON_NODE_HOLDS_VALUE (node) || json_node_get_value_type (node) != G_TYPE_BOOLEAN)
    return _ps_json_set_error (error, PS_ENGINE_ERROR_INVALID, source, path,
                               "expected true or false, got %s", _ps_json_node_kind (node));
  *out = json_node_get_boolean (node);
  return TRUE;
}

static gboolean
read_member (JsonObject  *object,
             const char  *member,
             const char  *source,
             const char  *base,
             double       min,
             gboolean     min_exclusive,
             double       max,
             const char  *unit,
             double      *out,
             guint       *mask,
             guint        bit,
             GError     **error)
{
  g_autofree char *path = NULL;
  JsonNode *node = json_object_get_member (object, member);

  if (node == NULL)
    return TRUE;
  path = _ps_json_member_path (base, member);
  if (!_ps_json_read_number_between (node, min, min_exclusive, max, PS_JSON_WORDING_PROSE,
                                     unit, source, path, out, error))
    return FALSE;
  *mask |= bit;
  return TRUE;
}

/* An array of 2..PS_BMS_TABLE_MAX numbers in [min, max]; ascending when
 * asked. */
static gboolean
read_array (JsonObject  *object,
            const char  *member,
            const char  *source,
            const char  *base,
            double       min,
            double       max,
            const char  *unit,
            gboolean     ascending,
            guint        n_expected,   /* 0: any */
            double      *out,
            guint       *n_out,
            GError     **error)
{
  g_autofree char *path = _ps_json_member_path (base, member);
  JsonNode *node = json_object_get_member (object, member);
  JsonArray *array;
  guint n;

  if (node == NULL)
    return _ps_json_set_error (error, PS_ENGINE_ERROR_INVALID, source, path,
                               "missing member, expected an array of numbers");
  if (!JSON_NODE_HOLDS_ARRAY (node))
    return _ps_json_set_error (error, PS_ENGINE_ERROR_INVALID, source, path,
                               "expected an array of numbers, got %s", _ps_json_node_kind (node));
  array = json_node_get_array (node);
  n = json_array_get_length (array);
  if (n_expected != 0 && n != n_expected)
    return _ps_json_set_error (error, PS_ENGINE_ERROR_INVALID, source, path,
                               "expected %u numbers, got %u", n_expected, n);
  if (n < 2 || n > PS_BMS_TABLE_MAX)
    return _ps_json_set_error (error, PS_ENGINE_ERROR_INVALID, source, path,
                               "expected 2 to %d numbers, got %u", PS_BMS_TABLE_MAX, n);
  for (guint i = 0; i < n; i++)
    {
      g_autofree char *ipath = _ps_json_index_path (path, i);

      if (!_ps_json_read_number_between (json_array_get_element (array, i), min, FALSE, max,
                                         PS_JSON_WORDING_PROSE, unit, source, ipath,
                                         &out[i], error))
        return FALSE;
      if (ascending && i > 0 && !(out[i] > out[i - 1]))
        return _ps_json_set_error (error, PS_ENGINE_ERROR_INVALID, source, ipath,
                                   "expected values in ascending order, got %g after %g",
                                   out[i], out[i - 1]);
    }
  *n_out = n;
  return TRUE;
}

/* A table [n_rows][n_cols] of numbers >= 0: an array of rows. */
static gboolean
read_grid (JsonObject  *object,
           const char  *member,
           const char  *source,
           const char  *base,
           guint        n_rows,
           guint        n_cols,
           double      *out,
           GError     **error)
{
  g_autofree char *path = _ps_json_member_path (base, member);
  JsonNode *node = json_object_get_member (object, member);
  JsonArray *rows;

  if (node == NULL || !JSON_NODE_HOLDS_ARRAY (node))
    return _ps_json_set_error (error, PS_ENGINE_ERROR_INVALID, source, path,
                               "expected an array of %u rows (one per temperature) of %u "
                               "numbers (one per SOC), got %s", n_rows, n_cols,
                               node == NULL ? "nothing" : _ps_json_node_kind (node));
  rows = json_node_get_array (node);
  if (json_array_get_length (rows) != n_rows)
    return _ps_json_set_error (error, PS_ENGINE_ERROR_INVALID, source, path,
                               "expected %u rows (one per temperature), got %u",
                               n_rows, json_array_get_length (rows));
  for (guint r = 0; r < n_rows; r++)
    {
      g_autofree char *rpath = _ps_json_index_path (path, r);
      JsonNode *row = json_array_get_element (rows, r);
      JsonArray *cols;

      if (!JSON_NODE_HOLDS_ARRAY (row) || json_array_get_length (json_node_get_array (row)) != n_cols)
        return _ps_json_set_error (error, PS_ENGINE_ERROR_INVALID, source, rpath,
                                   "expected an array of %u numbers (one per SOC)", n_cols);
      cols = json_node_get_array (row);
      for (guint c = 0; c < n_cols; c++)
        {
          g_autofree char *cpath = _ps_json_index_path (rpath, c);

          if (!_ps_json_read_number_between (json_array_get_element (cols, c), 0.0, FALSE, 1e6,
                                             PS_JSON_WORDING_PROSE, "A", source, cpath,
                                             &out[r * n_cols + c], error))
            return FALSE;
        }
    }
  return TRUE;
}

gboolean
_ps_bms_config_read (PsBmsConfig  *config,
                     gpointer      json_node,
                     const char   *source,
                     const char   *path,
                     GError      **error)
{
  JsonNode *node = json_node;
  JsonObject *object;
  JsonNode *member;
  double temp_c;

  if (JSON_NODE_HOLDS_VALUE (node) && json_node_get_value_type (node) == G_TYPE_BOOLEAN)
    {
      config->enabled = json_node_get_boolean (node);
      return TRUE;
    }
  if (!JSON_NODE_HOLDS_OBJECT (node))
    return _ps_json_set_error (error, PS_ENGINE_ERROR_INVALID, source, path,
                               "expected true, false or a BMS object, got %s",
                               _ps_json_node_kind (node));
  object = json_node_get_object (node);
  if (!_ps_json_check_members (object, bms_members, source, path, error))
    return FALSE;

  /* an object switches it on unless it says "enabled": false */
  config->enabled = TRUE;
  if ((member = json_object_get_member (object, "enabled")) != NULL)
    {
      g_autofree char *epath = _ps_json_member_path (path, "enabled");

      if (!read_bool (member, source, epath, &config->enabled, error))
        return FALSE;
    }

  if (!read_member (object, "cell_voltage_max_v", source, path, 0.5, FALSE, 10.0, "V",
                    &config->cell_voltage_max_v, &config->set_mask, SET_VMAX, error) ||
      !read_member (object, "cell_voltage_min_v", source, path, 0.0, FALSE, 10.0, "V",
                    &config->cell_voltage_min_v, &config->set_mask, SET_VMIN, error) ||
      !read_member (object, "cell_current_max_a", source, path, 0.0, TRUE, 1e6, "A",
                    &config->cell_current_max_a, &config->set_mask, SET_IMAX, error) ||
      !read_member (object, "charge_voltage_v", source, path, 0.5, FALSE, 10.0, "V",
                    &config->charge_voltage_v, &config->set_mask, SET_VCHG, error) ||
      !read_member (object, "charge_end_c", source, path, 0.0, TRUE, 10.0, "C",
                    &config->charge_end_c, &config->set_mask, SET_CEND, error))
    return FALSE;
  if (json_object_has_member (object, "temperature_max_c"))
    {
      guint mask = 0;

      if (!read_member (object, "temperature_max_c", source, path, -60.0, FALSE, 150.0,
                        "degrees C", &temp_c, &mask, SET_TMAX, error))
        return FALSE;
      config->temp_max_k = temp_c + ZERO_C_IN_K;
      config->set_mask |= mask;
    }

  if ((member = json_object_get_member (object, "current_limits")) != NULL)
    {
      g_autofree char *lpath = _ps_json_member_path (path, "current_limits");
      JsonObject *limits;
      guint n_temp, n_soc;

      if (!_ps_json_get_object (member, source, lpath, &limits, error) ||
          !_ps_json_check_members (limits, limit_members, source, lpath, error) ||
          !read_array (limits, "temperature_c", source, lpath, -60.0, 150.0, "degrees C", TRUE, 0,
                       config->limit_temp_k, &n_temp, error) ||
          !read_array (limits, "soc", source, lpath, 0.0, 1.0, "", TRUE, 0,
                       config->limit_soc, &n_soc, error) ||
          !read_grid (limits, "charge_a", source, lpath, n_temp, n_soc, config->limit_charge_a, error) ||
          !read_grid (limits, "discharge_a", source, lpath, n_temp, n_soc, config->limit_discharge_a, error))
        return FALSE;
      for (guint i = 0; i < n_temp; i++)
        config->limit_temp_k[i] += ZERO_C_IN_K;
      config->n_temp = n_temp;
      config->n_soc = n_soc;
      config->set_mask |= SET_LIMITS;
    }

  if ((member = json_object_get_member (object, "balancing")) != NULL)
    {
      g_autofree char *bpath = _ps_json_member_path (path, "balancing");
      JsonObject *bal;
      JsonNode *enabled;

      if (!_ps_json_get_object (member, source, bpath, &bal, error) ||
          !_ps_json_check_members (bal, balancing_members, source, bpath, error))
        return FALSE;
      config->balancing = TRUE;
      if ((enabled = json_object_get_member (bal, "enabled")) != NULL)
        {
          g_autofree char *epath = _ps_json_member_path (bpath, "enabled");

          if (!read_bool (enabled, source, epath, &config->balancing, error))
            return FALSE;
        }
      if (!read_member (bal, "resistance_ohm", source, bpath, 0.0, TRUE, 1e6, "Ohm",
                        &config->balance_resistance_ohm, &config->set_mask, SET_BAL_R, error) ||
          !read_member (bal, "threshold_v", source, bpath, 0.0, TRUE, 1.0, "V",
                        &config->balance_threshold_v, &config->set_mask, SET_BAL_V, error) ||
          !read_member (bal, "start_voltage_v", source, bpath, 0.0, FALSE, 10.0, "V",
                        &config->balance_start_v, &config->set_mask, SET_BAL_START, error))
        return FALSE;
    }

  if ((member = json_object_get_member (object, "fast_charge")) != NULL)
    {
      g_autofree char *fpath = _ps_json_member_path (path, "fast_charge");
      JsonObject *fast;
      guint n, n_power;

      if (!_ps_json_get_object (member, source, fpath, &fast, error) ||
          !_ps_json_check_members (fast, fast_members, source, fpath, error) ||
          !read_array (fast, "temperature_c", source, fpath, -60.0, 150.0, "degrees C", TRUE, 0,
                       config->fast_temp_k, &n, error) ||
          !read_array (fast, "power_kw", source, fpath, 0.0, 1e4, "kW", FALSE, n,
                       config->fast_power_w, &n_power, error))
        return FALSE;
      for (guint i = 0; i < n; i++)
        {
          config->fast_temp_k[i] += ZERO_C_IN_K;
          config->fast_power_w[i] *= 1000.0;
        }
      config->n_fast = n;
    }

  return TRUE;
}

/* ---- defaults from the cell --------------------------------------------- */

/* generic derating, as fractions of the cell's maximum currents */
static const double default_temp_c[] = { -20.0, 0.0, 5.0, 15.0, 45.0, 50.0, 55.0, 60.0 };
static const double default_soc[] = { 0.0, 0.05, 0.10, 0.80, 0.90, 0.95, 1.0 };
static const double charge_temp_factor[] = { 0.0, 0.0, 0.2, 1.0, 1.0, 0.5, 0.1, 0.0 };
static const double charge_soc_factor[] = { 1.0, 1.0, 1.0, 1.0, 0.6, 0.3, 0.1 };
static const double discharge_temp_factor[] = { 0.5, 0.8, 1.0, 1.0, 1.0, 0.7, 0.4, 0.2 };
static const double discharge_soc_factor[] = { 0.3, 0.6, 1.0, 1.0, 1.0, 1.0, 1.0 };

void
ps_bms_config_resolve (PsBmsConfig      *config,
                       const PsCellType *cell)
{
  /* 2 % inside the cell's own limits, so the BMS acts before they end a step */
  double i_chg = 0.98 * (cell->current_max_charge_a > 0.0 ? cell->current_max_charge_a
                                                          : 1.0 * cell->capacity_ah);
  double i_dis = 0.98 * (cell->current_max_discharge_a > 0.0 ? cell->current_max_discharge_a
                                                             : 3.0 * cell->capacity_ah);

  if (!(config->set_mask & SET_VMAX))
    config->cell_voltage_max_v = cell->voltage_max_v + 0.05;
  if (!(config->set_mask & SET_VMIN))
    config->cell_voltage_min_v = MAX (0.0, cell->voltage_min_v - 0.1);
  if (!(config->set_mask & SET_IMAX))
    config->cell_current_max_a = 1.5 * MAX (i_dis, i_chg);
  if (!(config->set_mask & SET_TMAX))
    config->temp_max_k = cell->temp_max_k - 5.0;
  if (!(config->set_mask & SET_VCHG))
    config->charge_voltage_v = MIN (cell->voltage_max_v, config->cell_voltage_max_v - 0.02);

  if (!(config->set_mask & SET_BAL_START))
    config->balance_start_v = cell->voltage_min_v + 0.7 * (cell->voltage_max_v - cell->voltage_min_v);

  if (!(config->set_mask & SET_LIMITS))
    {
      config->n_temp = G_N_ELEMENTS (default_temp_c);
      config->n_soc = G_N_ELEMENTS (default_soc);
      for (guint t = 0; t < config->n_temp; t++)
        {
          config->limit_temp_k[t] = default_temp_c[t] + ZERO_C_IN_K;
          for (guint s = 0; s < config->n_soc; s++)
            {
              config->limit_charge_a[t * config->n_soc + s] =
                i_chg * charge_temp_factor[t] * charge_soc_factor[s];
              config->limit_discharge_a[t * config->n_soc + s] =
                i_dis * discharge_temp_factor[t] * discharge_soc_factor[s];
            }
        }
      for (guint s = 0; s < config->n_soc; s++)
        config->limit_soc[s] = default_soc[s];
      /* (not SET_LIMITS: a cell swap derives them again) */
    }
}

gboolean
ps_bms_config_validate (const PsBmsConfig *config,
                        const char        *where,
                        GError           **error)
{
  if (!config->enabled)
    return TRUE;

  if (!(isfinite (config->cell_voltage_max_v) && isfinite (config->cell_voltage_min_v)
        && config->cell_voltage_min_v < config->cell_voltage_max_v))
    {
      g_set_error (error, PS_ENGINE_ERROR, PS_ENGINE_ERROR_INVALID,
                   "%s: bms: the under-voltage threshold (%g V) must lie below the "
                   "over-voltage threshold (%g V)", where, config->cell_voltage_min_v,
                   config->cell_voltage_max_v);
      return FALSE;
    }
  if (!(config->charge_voltage_v > config->cell_voltage_min_v
        && config->charge_voltage_v <= config->cell_voltage_max_v))
    {
      g_set_error (error, PS_ENGINE_ERROR, PS_ENGINE_ERROR_INVALID,
                   "%s: bms: the charge voltage (%g V) must lie above the under-voltage "
                   "threshold (%g V) and at most at the over-voltage threshold (%g V)",
                   where, config->charge_voltage_v, config->cell_voltage_min_v,
                   config->cell_voltage_max_v);
      return FALSE;
    }
  if (!(config->cell_current_max_a > 0.0 && isfinite (config->temp_max_k)
        && config->temp_max_k > 0.0 && config->balance_resistance_ohm > 0.0
        && config->balance_threshold_v > 0.0 && config->charge_end_c > 0.0))
    {
      g_set_error (error, PS_ENGINE_ERROR, PS_ENGINE_ERROR_INVALID,
                   "%s: bms: current threshold, temperature threshold, balancing "
                   "resistance and threshold and charge end current must be positive", where);
      return FALSE;
    }
  if (config->n_temp < 2 || config->n_soc < 2
      || config->n_temp > PS_BMS_TABLE_MAX || config->n_soc > PS_BMS_TABLE_MAX
      || config->n_fast > PS_BMS_TABLE_MAX || config->n_fast == 1)
    {
      g_set_error (error, PS_ENGINE_ERROR, PS_ENGINE_ERROR_INVALID,
                   "%s: bms: the current limit tables need 2 to %d temperatures and SOCs, "
                   "the fast charge table none or 2 to %d points", where,
                   PS_BMS_TABLE_MAX, PS_BMS_TABLE_MAX);
      return FALSE;
    }
  for (guint i = 0; i < config->n_temp * config->n_soc; i++)
    if (!(isfinite (config->limit_charge_a[i]) && config->limit_charge_a[i] >= 0.0
          && isfinite (config->limit_discharge_a[i]) && config->limit_discharge_a[i] >= 0.0))
      {
        g_set_error (error, PS_ENGINE_ERROR, PS_ENGINE_ERROR_INVALID,
                     "%s: bms: current limits must be finite and at least 0 A", where);
        return FALSE;
      }
  return TRUE;
}

void
_ps_bms_config_to_json (const PsBmsConfig *config,
                        gpointer           json_builder)
{
  JsonBuilder *builder = json_builder;
  double temp_c[PS_BMS_TABLE_MAX];

  json_builder_set_member_name (builder, "bms");
  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "enabled");
  json_builder_add_boolean_value (builder, config->enabled);
  _ps_json_builder_add_double (builder, "cell_voltage_max_v", config->cell_voltage_max_v);
  _ps_json_builder_add_double (builder, "cell_voltage_min_v", config->cell_voltage_min_v);
  _ps_json_builder_add_double (builder, "cell_current_max_a", config->cell_current_max_a);
  _ps_json_builder_add_double (builder, "temperature_max_c", config->temp_max_k - ZERO_C_IN_K);
  _ps_json_builder_add_double (builder, "charge_voltage_v", config->charge_voltage_v);
  _ps_json_builder_add_double (builder, "charge_end_c", config->charge_end_c);

  json_builder_set_member_name (builder, "current_limits");
  json_builder_begin_object (builder);
  for (guint t = 0; t < config->n_temp; t++)
    temp_c[t] = config->limit_temp_k[t] - ZERO_C_IN_K;
  _ps_json_builder_add_doubles (builder, "temperature_c", temp_c, config->n_temp, 1.0);
  _ps_json_builder_add_doubles (builder, "soc", config->limit_soc, config->n_soc, 1.0);
  for (guint k = 0; k < 2; k++)
    {
      const double *grid = k == 0 ? config->limit_charge_a : config->limit_discharge_a;

      json_builder_set_member_name (builder, k == 0 ? "charge_a" : "discharge_a");
      json_builder_begin_array (builder);
      for (guint t = 0; t < config->n_temp; t++)
        {
          json_builder_begin_array (builder);
          for (guint s = 0; s < config->n_soc; s++)
            json_builder_add_double_value (builder, grid[t * config->n_soc + s]);
          json_builder_end_array (builder);
        }
      json_builder_end_array (builder);
    }
  json_builder_end_object (builder);

  json_builder_set_member_name (builder, "balancing");
  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "enabled");
  json_builder_add_boolean_value (builder, config->balancing);
  _ps_json_builder_add_double (builder, "resistance_ohm", config->balance_resistance_ohm);
  _ps_json_builder_add_double (builder, "threshold_v", config->balance_threshold_v);
  _ps_json_builder_add_double (builder, "start_voltage_v", config->balance_start_v);
  json_builder_end_object (builder);

  if (config->n_fast >= 2)
    {
      double fast_c[PS_BMS_TABLE_MAX];

      json_builder_set_member_name (builder, "fast_charge");
      json_builder_begin_object (builder);
      for (guint i = 0; i < config->n_fast; i++)
        fast_c[i] = config->fast_temp_k[i] - ZERO_C_IN_K;
      _ps_json_builder_add_doubles (builder, "temperature_c", fast_c, config->n_fast, 1.0);
      _ps_json_builder_add_doubles (builder, "power_kw", config->fast_power_w, config->n_fast, 1e-3);
      json_builder_end_object (builder);
    }

  json_builder_end_object (builder);
}

/* ---- tables -------------------------------------------------------------- */

/* index i and fraction f with x between xs[i] and xs[i + 1], clamped */
static void
locate (const double *xs,
        guint         n,
        double        x,
        guint        *i,
        double       *f)
{
  if (!(x > xs[0]))
    {
      *i = 0;
      *f = 0.0;
      return;
    }
  if (x >= xs[n - 1])
    {
      *i = n - 2;
      *f = 1.0;
      return;
    }
  for (guint k = 0; k + 1 < n; k++)
    if (x < xs[k + 1])
      {
        *i = k;
        *f = (x - xs[k]) / (xs[k + 1] - xs[k]);
        return;
      }
  *i = n - 2;
  *f = 1.0;
}

static double
bilinear (const PsBmsConfig *config,
          const double      *grid,
          double             temperature_k,
          double             soc)
{
  guint t, s, ns = config->n_soc;
  double ft, fs;

  locate (config->limit_temp_k, config->n_temp, temperature_k, &t, &ft);
  locate (config->limit_soc, ns, soc, &s, &fs);
  return (1.0 - ft) * ((1.0 - fs) * grid[t * ns + s] + fs * grid[t * ns + s + 1])
         + ft * ((1.0 - fs) * grid[(t + 1) * ns + s] + fs * grid[(t + 1) * ns + s + 1]);
}

double
ps_bms_config_charge_limit_a (const PsBmsConfig *config,
                              double             temperature_k,
                              double             soc)
{
  return bilinear (config, config->limit_charge_a, temperature_k, soc);
}

double
ps_bms_config_discharge_limit_a (const PsBmsConfig *config,
                                 double             temperature_k,
                                 double             soc)
{
  return bilinear (config, config->limit_discharge_a, temperature_k, soc);
}

double
ps_bms_config_fast_power_w (const PsBmsConfig *config,
                            double             temperature_k)
{
  guint i;
  double f;

  if (config->n_fast < 2)
    return INFINITY;
  locate (config->fast_temp_k, config->n_fast, temperature_k, &i, &f);
  return (1.0 - f) * config->fast_power_w[i] + f * config->fast_power_w[i + 1];
}

const char *
ps_bms_state_to_text (PsBmsState state,
                      int        reason)
{
  switch (state)
    {
    case PS_BMS_STATE_OFF:
      return "";
    case PS_BMS_STATE_OK:
      return "ok";
    case PS_BMS_STATE_DERATED:
      return "derated";
    case PS_BMS_STATE_CV:
      return "cv";
    case PS_BMS_STATE_BALANCING:
      return "balancing";
    case PS_BMS_STATE_OPEN:
      switch (reason)
        {
        case PS_CONTACTOR_OVER_VOLTAGE:
          return "open:over-voltage";
        case PS_CONTACTOR_UNDER_VOLTAGE:
          return "open:under-voltage";
        case PS_CONTACTOR_OVER_CURRENT:
          return "open:over-current";
        case PS_CONTACTOR_OVER_TEMPERATURE:
          return "open:over-temperature";
        case PS_CONTACTOR_FAULT:
        default:
          return "open:fault";
        }
    default:
      return "";
    }
}

/* ---- the BMS during a run ------------------------------------------------ */

void
_ps_bms_init (PsBms             *bms,
              const PsBmsConfig *config,
              guint              n_series,
              guint              n_parallel)
{
  memset (bms, 0, sizeof *bms);
  bms->config = config;
  bms->n_series = n_series;
  bms->n_parallel = n_parallel;
  bms->bleed_a = g_new0 (double, n_series);
  bms->bleeding = g_new0 (gboolean, n_series);
}

void
_ps_bms_clear (PsBms *bms)
{
  g_clear_pointer (&bms->bleed_a, g_free);
  g_clear_pointer (&bms->bleeding, g_free);
}

void
_ps_bms_reset (PsBms      *bms,
               PsEventLog *events)
{
  bms->events = events;
  bms->contactor = PS_CONTACTOR_OK;
  bms->derated = FALSE;
  bms->cv = FALSE;
  bms->n_bleeding = 0;
  bms->fast_power_reported_w = NAN;
  memset (bms->bleed_a, 0, sizeof (double) * bms->n_series);
  memset (bms->bleeding, 0, sizeof (gboolean) * bms->n_series);
}

void
_ps_bms_pack_limits (PsBms        *bms,
                     double        temp_min_k,
                     double        temp_max_k,
                     double        soc_min,
                     double        soc_max,
                     double        share,
                     double       *charge_a,
                     double       *discharge_a)
{
  const PsBmsConfig *c = bms->config;
  double chg = MIN (ps_bms_config_charge_limit_a (c, temp_min_k, soc_max),
                    ps_bms_config_charge_limit_a (c, temp_max_k, soc_max));
  double dis = MIN (ps_bms_config_discharge_limit_a (c, temp_min_k, soc_min),
                    ps_bms_config_discharge_limit_a (c, temp_max_k, soc_min));

  /* the cell that takes the largest share of the pack current keeps its
   * limit */
  if (!(share > 0.0))
    share = 1.0 / bms->n_parallel;
  *charge_a = chg / share;
  *discharge_a = dis / share;
}

void
_ps_bms_open (PsBms             *bms,
              double             time_s,
              PsContactorReason  reason,
              int                cell,
              double             value,
              double             limit)
{
  const char *what;

  if (bms->contactor != PS_CONTACTOR_OK)
    return;
  bms->contactor = reason;
  bms->cv = FALSE;
  bms->derated = FALSE;

  switch (reason)
    {
    case PS_CONTACTOR_OVER_VOLTAGE:
      ps_event_log_add (bms->events, time_s, PS_EVENT_CONTACTOR_OPEN, cell, reason,
                        "contactor opened: cell %d at %.4f V passed the BMS's over-voltage "
                        "threshold of %.4f V", cell + 1, value, limit);
      return;
    case PS_CONTACTOR_UNDER_VOLTAGE:
      ps_event_log_add (bms->events, time_s, PS_EVENT_CONTACTOR_OPEN, cell, reason,
                        "contactor opened: cell %d at %.4f V fell below the BMS's "
                        "under-voltage threshold of %.4f V", cell + 1, value, limit);
      return;
    case PS_CONTACTOR_OVER_CURRENT:
      ps_event_log_add (bms->events, time_s, PS_EVENT_CONTACTOR_OPEN, cell, reason,
                        "contactor opened: cell %d carried %.4g A, past the BMS's "
                        "over-current threshold of %.4g A", cell + 1, fabs (value), limit);
      return;
    case PS_CONTACTOR_OVER_TEMPERATURE:
      ps_event_log_add (bms->events, time_s, PS_EVENT_CONTACTOR_OPEN, cell, reason,
                        "contactor opened: cell %d at %.2f C reached the BMS's "
                        "over-temperature threshold of %.2f C", cell + 1,
                        value - ZERO_C_IN_K, limit - ZERO_C_IN_K);
      return;
    case PS_CONTACTOR_FAULT:
    case PS_CONTACTOR_OK:
    case PS_CONTACTOR_N_REASONS:
    default:
      what = "a fault";
      ps_event_log_add (bms->events, time_s, PS_EVENT_CONTACTOR_OPEN, cell,
                        PS_CONTACTOR_FAULT, "contactor opened for %s%s", what,
                        cell >= 0 ? " at a cell" : "");
      bms->contactor = PS_CONTACTOR_FAULT;
      return;
    }
}

void
_ps_bms_note_derate (PsBms     *bms,
                     double     time_s,
                     gboolean   derated,
                     double     request_a,
                     double     limit_a)
{
  if (derated == bms->derated)
    return;
  bms->derated = derated;
  if (derated)
    ps_event_log_add (bms->events, time_s, PS_EVENT_DERATE, -1, PS_CONTACTOR_OK,
                      "%s current limited to %.4g A (asked %.4g A) by the BMS's "
                      "temperature and SOC limits", request_a < 0.0 ? "charge" : "discharge",
                      fabs (limit_a), fabs (request_a));
  else
    ps_event_log_add (bms->events, time_s, PS_EVENT_DERATE_END, -1, PS_CONTACTOR_OK,
                      "the load is within the BMS's current limits again");
}

void
_ps_bms_note_cv (PsBms    *bms,
                 double    time_s,
                 gboolean  cv,
                 int       cell)
{
  if (cv == bms->cv)
    return;
  bms->cv = cv;
  if (cv)
    ps_event_log_add (bms->events, time_s, PS_EVENT_CV, cell, PS_CONTACTOR_OK,
                      "charging at constant voltage: the highest cell is held at %.4g V",
                      bms->config->charge_voltage_v);
}

void
_ps_bms_note_fast_power (PsBms  *bms,
                         double  time_s,
                         double  power_w,
                         double  temp_k)
{
  /* a line when the limit moved by 1 kW or more since the last one */
  if (!isnan (bms->fast_power_reported_w) && fabs (power_w - bms->fast_power_reported_w) < 1000.0)
    return;
  bms->fast_power_reported_w = power_w;
  ps_event_log_add (bms->events, time_s, PS_EVENT_CHARGE_POWER_LIMIT, -1, PS_CONTACTOR_OK,
                    "fast charge power limited to %.1f kW at a hottest cell of %.1f C",
                    power_w / 1000.0, temp_k - ZERO_C_IN_K);
}

void
_ps_bms_update_balancing (PsBms        *bms,
                          double        time_s,
                          const double *group_v,
                          gboolean      allowed)
{
  const PsBmsConfig *c = bms->config;
  double mean = 0.0;
  guint ns = bms->n_series;

  if (ns < 2)
    return;
  for (guint g = 0; g < ns; g++)
    mean += group_v[g];
  mean /= ns;

  for (guint g = 0; g < ns; g++)
    {
      double above = group_v[g] - mean;
      gboolean on = bms->bleeding[g];

      /* hysteresis: on above the threshold, off below half of it */
      if (!allowed || !c->balancing || bms->contactor != PS_CONTACTOR_OK
          || mean < c->balance_start_v)
        on = FALSE;
      else if (above > c->balance_threshold_v)
        on = TRUE;
      else if (above < 0.5 * c->balance_threshold_v)
        on = FALSE;

      if (on != bms->bleeding[g])
        {
          bms->bleeding[g] = on;
          bms->n_bleeding += on ? 1 : -1;
          /* (the cell named is the group's first) */
          if (on)
            ps_event_log_add (bms->events, time_s, PS_EVENT_BALANCE_ON,
                              (int) (g * bms->n_parallel), PS_CONTACTOR_OK,
                              "balancing: group %u at %.4f V, %.1f mV above the mean, "
                              "bleeds through %g Ohm", g + 1, group_v[g], above * 1000.0,
                              c->balance_resistance_ohm);
          else
            ps_event_log_add (bms->events, time_s, PS_EVENT_BALANCE_OFF,
                              (int) (g * bms->n_parallel), PS_CONTACTOR_OK,
                              "balancing: group %u stops bleeding (%.1f mV from the mean)",
                              g + 1, above * 1000.0);
        }
      bms->bleed_a[g] = on ? group_v[g] / c->balance_resistance_ohm : 0.0;
    }
}

PsBmsState
_ps_bms_get_state (PsBms *bms)
{
  if (bms->contactor != PS_CONTACTOR_OK)
    return PS_BMS_STATE_OPEN;
  if (bms->cv)
    return PS_BMS_STATE_CV;
  if (bms->derated)
    return PS_BMS_STATE_DERATED;
  if (bms->n_bleeding > 0)
    return PS_BMS_STATE_BALANCING;
  return PS_BMS_STATE_OK;
}
