/* ps-vehicle.c: the longitudinal vehicle model and its JSON */
#include "config.h"

#include <math.h>
#include <string.h>

#include <gio/gio.h>
#include <json-glib/json-glib.h>

#include "ps-error.h"
#include "ps-json-private.h"
#include "ps-vehicle.h"

#define PS_VEHICLE_RESOURCE_PREFIX "/io/github/packscope/Packscope/vehicles/"
#define PS_VEHICLE_VERSION 1

static const char * const builtin_ids[] = {
  "leaf-2011", "leaf-2018", "model-s-85", "volt-2011", NULL
};

static const char * const vehicle_members[] = {
  "packscope_vehicle", "id", "name", "mass_kg", "cda_m2", "rolling_resistance",
  "drivetrain_efficiency", "motor_inverter_efficiency", "regen_fraction",
  "regen_power_max_kw", "motor_power_max_kw", "aux_power_w", "rotating_mass_fraction",
  "sources", "notes", NULL
};

char **
ps_vehicle_list_builtin (void)
{
  return g_strdupv ((char **) builtin_ids);
}

static gboolean
read_required (JsonObject  *object,
               const char  *member,
               const char  *source,
               const char  *base,
               double       min,
               gboolean     min_exclusive,
               double       max,
               const char  *unit,
               double      *out,
               GError     **error)
{
  g_autofree char *path = _ps_json_member_path (base, member);
  JsonNode *node = json_object_get_member (object, member);

  if (node == NULL)
    return _ps_json_set_error (error, PS_ENGINE_ERROR_INVALID, source, path,
                               "missing member, expected a number%s%s", unit[0] ? " in " : "", unit);
  return _ps_json_read_number_between (node, min, min_exclusive, max, PS_JSON_WORDING_PROSE,
                                       unit, source, path, out, error);
}

static gboolean
read_text (JsonObject  *object,
           const char  *member,
           const char  *source,
           const char  *base,
           char        *out,
           gsize        size,
           GError     **error)
{
  g_autofree char *path = _ps_json_member_path (base, member);
  JsonNode *node = json_object_get_member (object, member);

  if (node == NULL)
    return TRUE;
  if (!_ps_json_node_is_string (node) || strlen (json_node_get_string (node)) >= size)
    return _ps_json_set_error (error, PS_ENGINE_ERROR_INVALID, source, path,
                               "expected a string of at most %u bytes", (guint) size - 1);
  g_strlcpy (out, json_node_get_string (node), size);
  return TRUE;
}

gboolean
_ps_vehicle_load_node (PsVehicle   *vehicle,
                       gpointer     json_node,
                       const char  *source,
                       const char  *path,
                       GError     **error)
{
  JsonObject *object;
  JsonNode *node;
  PsVehicle v = { { 0 } };
  double kw;

  if (!_ps_json_get_object (json_node, source, path, &object, error) ||
      !_ps_json_check_members (object, vehicle_members, source, path, error))
    return FALSE;

  if ((node = json_object_get_member (object, "packscope_vehicle")) != NULL &&
      (!_ps_json_node_is_number (node) || json_node_get_double (node) != PS_VEHICLE_VERSION))
    {
      g_autofree char *vpath = _ps_json_member_path (path, "packscope_vehicle");

      return _ps_json_set_error (error, PS_ENGINE_ERROR_INVALID, source, vpath,
                                 "expected the format version %d", PS_VEHICLE_VERSION);
    }
  if ((node = json_object_get_member (object, "sources")) != NULL &&
      !JSON_NODE_HOLDS_ARRAY (node))
    {
      g_autofree char *spath = _ps_json_member_path (path, "sources");

      return _ps_json_set_error (error, PS_ENGINE_ERROR_INVALID, source, spath,
                                 "expected an array of strings, got %s", _ps_json_node_kind (node));
    }

  if (!read_text (object, "id", source, path, v.id, sizeof v.id, error) ||
      !read_text (object, "name", source, path, v.name, sizeof v.name, error) ||
      !read_required (object, "mass_kg", source, path, 1.0, FALSE, 1e6, "kg", &v.mass_kg, error) ||
      !read_required (object, "cda_m2", source, path, 0.0, FALSE, 100.0, "m^2", &v.cda_m2, error) ||
      !read_required (object, "rolling_resistance", source, path, 0.0, FALSE, 0.5, "",
                      &v.rolling_resistance, error) ||
      !read_required (object, "drivetrain_efficiency", source, path, 0.0, TRUE, 1.0, "",
                      &v.drivetrain_efficiency, error) ||
      !read_required (object, "motor_inverter_efficiency", source, path, 0.0, TRUE, 1.0, "",
                      &v.motor_inverter_efficiency, error) ||
      !read_required (object, "regen_fraction", source, path, 0.0, FALSE, 1.0, "",
                      &v.regen_fraction, error) ||
      !read_required (object, "regen_power_max_kw", source, path, 0.0, FALSE, 1e5, "kW",
                      &kw, error))
    return FALSE;
  v.regen_power_max_w = kw * 1000.0;
  if (!read_required (object, "motor_power_max_kw", source, path, 0.0, TRUE, 1e5, "kW",
                      &kw, error))
    return FALSE;
  v.motor_power_max_w = kw * 1000.0;
  if (!read_required (object, "aux_power_w", source, path, 0.0, FALSE, 1e6, "W",
                      &v.aux_power_w, error))
    return FALSE;
  v.rotating_mass_fraction = 0.0;
  if (json_object_has_member (object, "rotating_mass_fraction") &&
      !read_required (object, "rotating_mass_fraction", source, path, 0.0, FALSE, 1.0, "",
                      &v.rotating_mass_fraction, error))
    return FALSE;

  *vehicle = v;
  return TRUE;
}

gboolean
ps_vehicle_load_builtin (PsVehicle   *vehicle,
                         const char  *id,
                         GError     **error)
{
  g_autofree char *path = NULL;
  g_autoptr(GBytes) bytes = NULL;
  g_autoptr(JsonParser) parser = json_parser_new ();

  g_return_val_if_fail (id != NULL, FALSE);

  if (!g_strv_contains (builtin_ids, id))
    {
      g_autofree char *ids = g_strjoinv (", ", (char **) builtin_ids);

      g_set_error (error, PS_ENGINE_ERROR, PS_ENGINE_ERROR_NOT_FOUND,
                   "unknown vehicle \"%s\": expected one of %s or a vehicle object", id, ids);
      return FALSE;
    }
  path = g_strconcat (PS_VEHICLE_RESOURCE_PREFIX, id, ".json", NULL);
  bytes = g_resources_lookup_data (path, G_RESOURCE_LOOKUP_FLAGS_NONE, error);
  if (bytes == NULL)
    return FALSE;
  if (!json_parser_load_from_data (parser, g_bytes_get_data (bytes, NULL),
                                   g_bytes_get_size (bytes), error))
    return FALSE;
  return _ps_vehicle_load_node (vehicle, json_parser_get_root (parser), id, "$", error);
}

gboolean
ps_vehicle_validate (const PsVehicle *v,
                     const char      *where,
                     GError         **error)
{
  if (!(v->mass_kg > 0.0 && isfinite (v->mass_kg) && v->cda_m2 >= 0.0 && isfinite (v->cda_m2)
        && v->rolling_resistance >= 0.0 && v->rolling_resistance <= 0.5
        && v->drivetrain_efficiency > 0.0 && v->drivetrain_efficiency <= 1.0
        && v->motor_inverter_efficiency > 0.0 && v->motor_inverter_efficiency <= 1.0
        && v->regen_fraction >= 0.0 && v->regen_fraction <= 1.0
        && v->regen_power_max_w >= 0.0 && isfinite (v->regen_power_max_w)
        && v->motor_power_max_w > 0.0 && isfinite (v->motor_power_max_w)
        && v->aux_power_w >= 0.0 && isfinite (v->aux_power_w)
        && v->rotating_mass_fraction >= 0.0 && v->rotating_mass_fraction <= 1.0))
    {
      g_set_error (error, PS_ENGINE_ERROR, PS_ENGINE_ERROR_INVALID,
                   "%s: vehicle '%s': expected a positive mass and motor power, efficiencies "
                   "in (0, 1], fractions in [0, 1], finite non-negative drag, rolling "
                   "resistance, regenerative and auxiliary power", where, v->id);
      return FALSE;
    }
  return TRUE;
}

void
_ps_vehicle_to_json (const PsVehicle *v,
                     gpointer         json_builder)
{
  JsonBuilder *builder = json_builder;

  json_builder_set_member_name (builder, "vehicle");
  json_builder_begin_object (builder);
  _ps_json_builder_add_int (builder, "packscope_vehicle", PS_VEHICLE_VERSION);
  _ps_json_builder_add_string (builder, "id", v->id);
  _ps_json_builder_add_string (builder, "name", v->name);
  _ps_json_builder_add_double (builder, "mass_kg", v->mass_kg);
  _ps_json_builder_add_double (builder, "cda_m2", v->cda_m2);
  _ps_json_builder_add_double (builder, "rolling_resistance", v->rolling_resistance);
  _ps_json_builder_add_double (builder, "drivetrain_efficiency", v->drivetrain_efficiency);
  _ps_json_builder_add_double (builder, "motor_inverter_efficiency", v->motor_inverter_efficiency);
  _ps_json_builder_add_double (builder, "regen_fraction", v->regen_fraction);
  _ps_json_builder_add_double (builder, "regen_power_max_kw", v->regen_power_max_w / 1000.0);
  _ps_json_builder_add_double (builder, "motor_power_max_kw", v->motor_power_max_w / 1000.0);
  _ps_json_builder_add_double (builder, "aux_power_w", v->aux_power_w);
  _ps_json_builder_add_double (builder, "rotating_mass_fraction", v->rotating_mass_fraction);
  json_builder_end_object (builder);
}

double
ps_vehicle_pack_power_w (const PsVehicle *v,
                         double           speed0_mps,
                         double           speed1_mps,
                         double           dt_s,
                         double           grade)
{
  double speed = 0.5 * (speed0_mps + speed1_mps);
  double accel = dt_s > 0.0 ? (speed1_mps - speed0_mps) / dt_s : 0.0;
  double angle = atan (grade);
  double m = v->mass_kg;
  double force, wheel, eta = v->drivetrain_efficiency * v->motor_inverter_efficiency;

  force = m * (1.0 + v->rotating_mass_fraction) * accel
          + 0.5 * PS_VEHICLE_AIR_DENSITY_KG_M3 * v->cda_m2 * speed * speed
          + m * PS_VEHICLE_GRAVITY_M_S2 * sin (angle);
  /* rolling resistance only while the wheels turn */
  if (speed > 0.0)
    force += v->rolling_resistance * m * PS_VEHICLE_GRAVITY_M_S2 * cos (angle);
  wheel = force * speed;

  if (wheel >= 0.0)
    return MIN (wheel, v->motor_power_max_w) / eta + v->aux_power_w;
  return -MIN (-wheel * eta * v->regen_fraction, v->regen_power_max_w) + v->aux_power_w;
}
