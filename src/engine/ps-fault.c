/* ps-fault.c: faults from JSON and from one line of text (see ps-fault.h)
 *
 * Both forms go through the same field table: each kind allows some keys
 * and requires others, each key has its range, and a cell, module or channel
 * must exist in the pack. Every error names the key.
 */
#include "config.h"

#include <math.h>
#include <string.h>

#include "ps-error.h"
#include "ps-fault-private.h"
#include "ps-json-private.h"
#include "ps-pack-private.h"

typedef enum
{
  F_CELL        = 1 << 0,
  F_MODULE      = 1 << 1,
  F_CHANNEL     = 1 << 2,
  F_AT          = 1 << 3,
  F_DURATION    = 1 << 4,
  F_RESISTANCE  = 1 << 5,
  F_CAP_FACTOR  = 1 << 6,
  F_RES_FACTOR  = 1 << 7,
  F_POWER       = 1 << 8,
} FaultField;

typedef struct
{
  const char *name;
  guint       allowed;
  guint       required;
} FaultKindInfo;

static const FaultKindInfo kinds[PS_FAULT_N_KINDS] = {
  [PS_FAULT_INTERNAL_SHORT] = { "internal_short", F_CELL | F_RESISTANCE | F_AT,
                                F_CELL | F_RESISTANCE },
  [PS_FAULT_EXTERNAL_SHORT] = { "external_short", F_MODULE | F_RESISTANCE | F_AT | F_DURATION,
                                F_RESISTANCE },
  [PS_FAULT_OPEN_CELL] = { "open_cell", F_CELL | F_AT, F_CELL },
  [PS_FAULT_WEAK_CELL] = { "weak_cell", F_CELL | F_CAP_FACTOR | F_RES_FACTOR, F_CELL },
  [PS_FAULT_COOLING_FAILURE] = { "cooling_failure", F_CHANNEL | F_AT | F_DURATION, 0 },
  [PS_FAULT_HEATER] = { "heater", F_CELL | F_POWER | F_AT | F_DURATION, F_CELL | F_POWER },
  [PS_FAULT_THERMAL_RUNAWAY] = { "thermal_runaway", F_CELL | F_AT | F_POWER, F_CELL },
};

typedef struct
{
  const char *key;
  FaultField  field;
  double      min;           /* exclusive when min_open */
  gboolean    min_open;
  double      max;
  gboolean    integer;
} FieldInfo;

static const FieldInfo fields[] = {
  { "cell", F_CELL, 1.0, FALSE, 1e9, TRUE },
  { "module", F_MODULE, 1.0, FALSE, 1e9, TRUE },
  { "channel", F_CHANNEL, 1.0, FALSE, 1e9, TRUE },
  { "at_s", F_AT, 0.0, FALSE, 1e9, FALSE },
  { "duration_s", F_DURATION, 0.0, TRUE, 1e9, FALSE },
  { "resistance_ohm", F_RESISTANCE, 0.0, TRUE, 1e9, FALSE },
  { "capacity_factor", F_CAP_FACTOR, 0.0, TRUE, 10.0, FALSE },
  { "resistance_factor", F_RES_FACTOR, 0.0, TRUE, 100.0, FALSE },
  { "power_w", F_POWER, 0.0, TRUE, 1e7, FALSE },
};

const char *
ps_fault_kind_to_string (PsFaultKind kind)
{
  g_return_val_if_fail (kind < PS_FAULT_N_KINDS, NULL);
  return kinds[kind].name;
}

static gboolean
kind_from_string (const char  *text,
                  PsFaultKind *kind)
{
  for (guint k = 0; k < PS_FAULT_N_KINDS; k++)
    if (g_strcmp0 (text, kinds[k].name) == 0)
      {
        *kind = k;
        return TRUE;
      }
  return FALSE;
}

static char *
kind_list (void)
{
  GString *s = g_string_new (NULL);

  for (guint k = 0; k < PS_FAULT_N_KINDS; k++)
    g_string_append_printf (s, "%s%s", k > 0 ? ", " : "", kinds[k].name);
  return g_string_free (s, FALSE);
}

/* The error "where key: what", where is "source: $.faults[0]." or
 * "--fault '...': " */
static gboolean
set_error (GError     **error,
           const char  *where,
           const char  *key,
           const char  *format,
           ...) G_GNUC_PRINTF (4, 5);

static gboolean
set_error (GError     **error,
           const char  *where,
           const char  *key,
           const char  *format,
           ...)
{
  g_autofree char *what = NULL;
  va_list args;

  va_start (args, format);
  what = g_strdup_vprintf (format, args);
  va_end (args);
  g_set_error (error, PS_ENGINE_ERROR, PS_ENGINE_ERROR_INVALID, "%s%s: %s", where, key, what);
  return FALSE;
}

static void
fault_init (PsFault *f)
{
  memset (f, 0, sizeof *f);
  f->kind = PS_FAULT_N_KINDS;
  f->duration_s = INFINITY;
  f->capacity_factor = 1.0;
  f->resistance_factor = 1.0;
}

/* Stores one numeric field; *seen collects the fields given. */
static gboolean
set_field (PsFault     *f,
           const char  *key,
           double       value,
           guint       *seen,
           const char  *where,
           GError     **error)
{
  const FieldInfo *fi = NULL;

  for (guint k = 0; k < G_N_ELEMENTS (fields); k++)
    if (strcmp (fields[k].key, key) == 0)
      fi = &fields[k];
  if (fi == NULL)
    {
      return set_error (error, where, key,
                        "unknown field (expected kind, cell, module, channel, at_s, "
                        "duration_s, resistance_ohm, capacity_factor, resistance_factor "
                        "or power_w)");
    }
  if (*seen & fi->field)
    return set_error (error, where, key, "given twice");
  if (!isfinite (value) || value < fi->min || (fi->min_open && value == fi->min)
      || value > fi->max || (fi->integer && value != floor (value)))
    return set_error (error, where, key, "expected %s %s %g, at most %g, got %g",
                      fi->integer ? "a whole number" : "a number",
                      fi->min_open ? "above" : "from", fi->min,
                      fi->max, value);
  *seen |= fi->field;

  switch (fi->field)
    {
    case F_CELL: f->cell = (guint) value; break;
    case F_MODULE: f->module = (guint) value; break;
    case F_CHANNEL: f->channel = (guint) value; break;
    case F_AT: f->at_s = value; break;
    case F_DURATION: f->duration_s = value; break;
    case F_RESISTANCE: f->resistance_ohm = value; break;
    case F_CAP_FACTOR: f->capacity_factor = value; break;
    case F_RES_FACTOR: f->resistance_factor = value; break;
    case F_POWER: f->power_w = value; break;
    default: g_assert_not_reached ();
    }
  return TRUE;
}

static const char *
field_key (guint field)
{
  for (guint k = 0; k < G_N_ELEMENTS (fields); k++)
    if (fields[k].field == field)
      return fields[k].key;
  return "?";
}

/* after all fields: the kind's required and allowed ones, the pack's range */
static gboolean
finish (const PsFault *f,
        guint          seen,
        const PsPack  *pack,
        const char    *where,
        GError       **error)
{
  const FaultKindInfo *ki;

  if (f->kind >= PS_FAULT_N_KINDS)
    {
      g_autofree char *list = kind_list ();

      return set_error (error, where, "kind", "missing (expected one of %s)", list);
    }
  ki = &kinds[f->kind];
  for (guint b = 1; b <= F_POWER; b <<= 1)
    {
      if ((seen & b) && !(ki->allowed & b))
        return set_error (error, where, field_key (b), "not a field of kind %s", ki->name);
      if (!(seen & b) && (ki->required & b))
        return set_error (error, where, field_key (b), "missing: a fault of kind %s needs it", ki->name);
    }
  return _ps_fault_check (f, pack, where, error);
}

gboolean
_ps_fault_check (const PsFault *f,
                 const PsPack  *pack,
                 const char    *where,
                 GError       **error)
{
  guint needs = kinds[f->kind].required;

  if ((needs & F_CELL) && (f->cell < 1 || f->cell > pack->n_cells))
    return set_error (error, where, "cell", "expected a cell from 1 to %u, got %u",
                      pack->n_cells, f->cell);
  if (f->module > pack->n_modules)
    return set_error (error, where, "module", "expected a module from 1 to %u, got %u",
                      pack->n_modules, f->module);
  if (f->channel > pack->n_channels)
    {
      if (pack->n_channels == 0)
        return set_error (error, where, "channel",
                          "pack '%s' has no coolant channels (leave channel out: all "
                          "cooling fails)", pack->id ? pack->id : "?");
      return set_error (error, where, "channel", "expected a channel from 1 to %u, got %u",
                        pack->n_channels, f->channel);
    }
  if (f->module > 0)
    {
      gboolean any = FALSE;

      for (guint g = 0; g < pack->n_series; g++)
        any |= pack->group_module[g] == f->module - 1;
      if (!any)
        return set_error (error, where, "module", "module %u holds no series group", f->module);
    }
  return TRUE;
}

gboolean
ps_fault_parse_text (const char    *text,
                     const PsPack  *pack,
                     PsFault       *fault,
                     GError       **error)
{
  g_auto (GStrv) items = NULL;
  g_autofree char *where = NULL;
  PsFault f;
  guint seen = 0;
  gboolean kind_seen = FALSE;

  g_return_val_if_fail (text != NULL && pack != NULL && fault != NULL, FALSE);

  where = g_strdup_printf ("--fault '%s': ", text);
  fault_init (&f);
  items = g_strsplit (text, ",", -1);
  for (guint k = 0; items[k] != NULL; k++)
    {
      g_autofree char *item = g_strstrip (g_strdup (items[k]));
      char *eq = strchr (item, '=');
      const char *key, *value;

      if (item[0] == '\0')
        continue;
      if (eq == NULL)
        return set_error (error, where, item, "expected key=value");
      *eq = '\0';
      key = g_strstrip (item);
      value = g_strstrip (eq + 1);
      if (strcmp (key, "kind") == 0)
        {
          if (kind_seen)
            return set_error (error, where, "kind", "given twice");
          if (!kind_from_string (value, &f.kind))
            {
              g_autofree char *list = kind_list ();

              return set_error (error, where, "kind", "unknown kind '%s' (expected one of %s)",
                                value, list);
            }
          kind_seen = TRUE;
        }
      else
        {
          char *end = NULL;
          double v = g_ascii_strtod (value, &end);

          if (value[0] == '\0' || end == NULL || *end != '\0')
            return set_error (error, where, key, "expected a number, got '%s'", value);
          if (!set_field (&f, key, v, &seen, where, error))
            return FALSE;
        }
    }
  if (!finish (&f, seen, pack, where, error))
    return FALSE;
  *fault = f;
  return TRUE;
}

gboolean
_ps_fault_read_json (JsonNode      *node,
                     const PsPack  *pack,
                     const char    *source,
                     const char    *path,
                     PsFault       *fault,
                     GError       **error)
{
  g_autofree char *where = g_strdup_printf ("%s: %s.", source, path);
  g_autoptr (GList) members = NULL;
  JsonObject *object;
  PsFault f;
  guint seen = 0;

  if (!_ps_json_get_object (node, source, path, &object, error))
    return FALSE;
  fault_init (&f);
  members = json_object_get_members (object);
  for (GList *l = members; l != NULL; l = l->next)
    {
      const char *key = l->data;
      JsonNode *value = json_object_get_member (object, key);

      if (strcmp (key, "kind") == 0)
        {
          if (!_ps_json_node_is_string (value) || !kind_from_string (json_node_get_string (value),
                                                                     &f.kind))
            {
              g_autofree char *list = kind_list ();

              return set_error (error, where, "kind", "expected one of %s", list);
            }
        }
      else if (!_ps_json_node_is_number (value))
        {
          /* the unknown key first: it says more than its type */
          if (!set_field (&f, key, 0.0, &seen, where, error))
            return FALSE;
          return set_error (error, where, key, "expected a number, got %s",
                            _ps_json_node_kind (value));
        }
      else if (!set_field (&f, key, json_node_get_double (value), &seen, where, error))
        return FALSE;
    }
  if (!finish (&f, seen, pack, where, error))
    return FALSE;
  *fault = f;
  return TRUE;
}

/* the fields a fault has, in table order */
static guint
fault_fields (const PsFault *f)
{
  guint out = kinds[f->kind].required;

  if (f->module > 0)
    out |= F_MODULE;
  if (f->channel > 0)
    out |= F_CHANNEL;
  if (f->at_s > 0.0)
    out |= F_AT;
  if (isfinite (f->duration_s))
    out |= F_DURATION;
  if (f->kind == PS_FAULT_WEAK_CELL)
    out |= F_CAP_FACTOR | F_RES_FACTOR;
  if (f->kind == PS_FAULT_THERMAL_RUNAWAY && f->power_w > 0.0)
    out |= F_POWER;
  return out & kinds[f->kind].allowed;
}

static double
field_value (const PsFault *f,
             guint          field)
{
  switch (field)
    {
    case F_CELL: return f->cell;
    case F_MODULE: return f->module;
    case F_CHANNEL: return f->channel;
    case F_AT: return f->at_s;
    case F_DURATION: return f->duration_s;
    case F_RESISTANCE: return f->resistance_ohm;
    case F_CAP_FACTOR: return f->capacity_factor;
    case F_RES_FACTOR: return f->resistance_factor;
    case F_POWER: return f->power_w;
    default: g_return_val_if_reached (0.0);
    }
}

char *
ps_fault_to_text (const PsFault *fault)
{
  GString *s;
  guint have;

  g_return_val_if_fail (fault != NULL && fault->kind < PS_FAULT_N_KINDS, NULL);

  s = g_string_new ("kind=");
  g_string_append (s, kinds[fault->kind].name);
  have = fault_fields (fault);
  for (guint k = 0; k < G_N_ELEMENTS (fields); k++)
    if (have & fields[k].field)
      {
        char buf[G_ASCII_DTOSTR_BUF_SIZE];
        double v = field_value (fault, fields[k].field);

        /* the shortest form that reads back the same */
        g_ascii_formatd (buf, sizeof buf, "%.15g", v);
        if (g_ascii_strtod (buf, NULL) != v)
          g_ascii_dtostr (buf, sizeof buf, v);
        g_string_append_printf (s, ",%s=%s", fields[k].key, buf);
      }
  return g_string_free (s, FALSE);
}

void
_ps_fault_write_json (JsonBuilder   *builder,
                      const PsFault *fault)
{
  guint have = fault_fields (fault);

  json_builder_begin_object (builder);
  _ps_json_builder_add_string (builder, "kind", kinds[fault->kind].name);
  for (guint k = 0; k < G_N_ELEMENTS (fields); k++)
    if (have & fields[k].field)
      {
        if (fields[k].integer)
          _ps_json_builder_add_int (builder, fields[k].key,
                                    (gint64) field_value (fault, fields[k].field));
        else
          _ps_json_builder_add_double (builder, fields[k].key,
                                       field_value (fault, fields[k].field));
      }
  json_builder_end_object (builder);
}

char *
ps_fault_describe (const PsFault *f)
{
  g_autofree char *when = NULL;

  g_return_val_if_fail (f != NULL && f->kind < PS_FAULT_N_KINDS, NULL);

  if (f->kind == PS_FAULT_WEAK_CELL)
    when = g_strdup ("from the start");
  else if (isfinite (f->duration_s))
    when = g_strdup_printf ("from %g s for %g s", f->at_s, f->duration_s);
  else
    when = g_strdup_printf ("at %g s", f->at_s);

  switch (f->kind)
    {
    case PS_FAULT_INTERNAL_SHORT:
      return g_strdup_printf ("internal short of cell %u (%g Ohm) %s", f->cell,
                              f->resistance_ohm, when);
    case PS_FAULT_EXTERNAL_SHORT:
      if (f->module > 0)
        return g_strdup_printf ("external short of module %u (%g Ohm) %s", f->module,
                                f->resistance_ohm, when);
      return g_strdup_printf ("external short of the pack (%g Ohm) %s", f->resistance_ohm, when);
    case PS_FAULT_OPEN_CELL:
      return g_strdup_printf ("open cell %u %s", f->cell, when);
    case PS_FAULT_WEAK_CELL:
      return g_strdup_printf ("weak cell %u (capacity x %g, resistance x %g) %s", f->cell,
                              f->capacity_factor, f->resistance_factor, when);
    case PS_FAULT_COOLING_FAILURE:
      if (f->channel > 0)
        return g_strdup_printf ("coolant channel %u blocked %s", f->channel, when);
      return g_strdup_printf ("cooling off %s", when);
    case PS_FAULT_HEATER:
      return g_strdup_printf ("heater of %g W on cell %u %s", f->power_w, f->cell, when);
    case PS_FAULT_THERMAL_RUNAWAY:
      return g_strdup_printf ("cell %u forced into thermal runaway %s", f->cell, when);
    case PS_FAULT_N_KINDS:
    default:
      g_return_val_if_reached (NULL);
    }
}

gboolean
ps_fault_is_active (const PsFault *fault,
                    double         time_s)
{
  g_return_val_if_fail (fault != NULL, FALSE);

  if (fault->kind == PS_FAULT_WEAK_CELL)
    return TRUE;
  return time_s >= fault->at_s && time_s - fault->at_s < fault->duration_s;
}

/* ------------------------------------------------------- the fault state */

/* an open tab: this resistance instead of the cell's */
#define PS_FAULT_OPEN_OHM 1e9

PsFaultState *
_ps_fault_state_new (const PsPack  *pack,
                     const PsFault *faults,
                     guint          n_faults)
{
  PsFaultState *fs = g_new0 (PsFaultState, 1);
  guint n = pack->n_cells;

  fs->n_cells = n;
  fs->n_series = pack->n_series;
  fs->faults = g_array_new (FALSE, FALSE, sizeof (PsFault));
  fs->on = g_array_new (FALSE, TRUE, sizeof (gboolean));
  if (n_faults > 0)
    g_array_append_vals (fs->faults, faults, n_faults);
  g_array_set_size (fs->on, n_faults);
  fs->short_g = g_new0 (double, n);
  fs->open = g_new0 (guint8, n);
  fs->extra_w = g_new0 (double, n);
  fs->blocked = g_new0 (guint8, n);
  fs->e_eff = g_new0 (double, n);
  fs->r_eff = g_new0 (double, n);
  fs->cell_i = g_new0 (double, n);
  fs->next_change_s = INFINITY;
  return fs;
}

void
_ps_fault_state_free (PsFaultState *fs)
{
  if (fs == NULL)
    return;
  g_array_unref (fs->faults);
  g_array_unref (fs->on);
  g_free (fs->short_g);
  g_free (fs->open);
  g_free (fs->extra_w);
  g_free (fs->blocked);
  g_free (fs->e_eff);
  g_free (fs->r_eff);
  g_free (fs->cell_i);
  g_free (fs);
}

void
_ps_fault_state_apply_weak (PsFaultState *fs,
                            double       *capacity_ah,
                            double       *resistance_factor)
{
  for (guint k = 0; k < fs->faults->len; k++)
    {
      const PsFault *f = &g_array_index (fs->faults, PsFault, k);

      if (f->kind == PS_FAULT_WEAK_CELL)
        {
          capacity_ah[f->cell - 1] *= f->capacity_factor;
          resistance_factor[f->cell - 1] *= f->resistance_factor;
        }
    }
}

gboolean
_ps_fault_state_update (PsFaultState *fs,
                        const PsPack *pack,
                        double        time_s,
                        const guint8 *runaway,
                        const guint8 *sustained,
                        double        heat_capacity_j_k,
                        GArray       *events)
{
  guint n = fs->n_cells;
  gboolean was_cooling = fs->cooling, changed;
  g_autofree guint8 *old_blocked = was_cooling ? g_memdup2 (fs->blocked, n) : NULL;

  memset (fs->short_g, 0, sizeof (double) * n);
  memset (fs->open, 0, n);
  memset (fs->extra_w, 0, sizeof (double) * n);
  memset (fs->blocked, 0, n);
  fs->electrical = fs->heat = fs->cooling = fs->xs_active = fs->forcing = FALSE;
  fs->next_change_s = INFINITY;

  for (guint k = 0; k < fs->faults->len; k++)
    {
      const PsFault *f = &g_array_index (fs->faults, PsFault, k);
      gboolean *on = &g_array_index (fs->on, gboolean, k);
      gboolean now = ps_fault_is_active (f, time_s);
      guint c = f->cell - 1;

      if (f->kind != PS_FAULT_WEAK_CELL)
        {
          if (time_s < f->at_s)
            fs->next_change_s = MIN (fs->next_change_s, f->at_s);
          else if (now && isfinite (f->duration_s))
            fs->next_change_s = MIN (fs->next_change_s, f->at_s + f->duration_s);
        }
      if (now != *on && events != NULL)
        {
          PsFaultEvent ev = { time_s, k, now };

          if (f->kind != PS_FAULT_WEAK_CELL)
            g_array_append_val (events, ev);
        }
      *on = now;
      if (!now)
        continue;

      switch (f->kind)
        {
        case PS_FAULT_INTERNAL_SHORT:
          fs->short_g[c] += 1.0 / f->resistance_ohm;
          fs->electrical = fs->heat = TRUE;
          break;
        case PS_FAULT_EXTERNAL_SHORT:
          fs->xs_active = TRUE;
          fs->xs_rx = f->resistance_ohm;
          fs->xs_g0 = 0;
          fs->xs_g1 = pack->n_series;
          if (f->module > 0)
            {
              /* a module's groups follow each other in the string */
              fs->xs_g0 = pack->n_series;
              fs->xs_g1 = 0;
              for (guint g = 0; g < pack->n_series; g++)
                if (pack->group_module[g] == f->module - 1)
                  {
                    fs->xs_g0 = MIN (fs->xs_g0, g);
                    fs->xs_g1 = MAX (fs->xs_g1, g + 1);
                  }
            }
          break;
        case PS_FAULT_OPEN_CELL:
          fs->open[c] = 1;
          fs->electrical = TRUE;
          break;
        case PS_FAULT_COOLING_FAILURE:
          if (f->channel == 0)
            memset (fs->blocked, 1, n);
          else
            for (guint j = pack->channel_offset[f->channel - 1];
                 j < pack->channel_offset[f->channel]; j++)
              fs->blocked[pack->channel_cells[j]] = 1;
          fs->cooling = TRUE;
          break;
        case PS_FAULT_HEATER:
          fs->extra_w[c] += f->power_w;
          fs->heat = TRUE;
          break;
        case PS_FAULT_THERMAL_RUNAWAY:
          if (sustained == NULL || !sustained[c])
            {
              fs->extra_w[c] += f->power_w > 0.0 ? f->power_w
                                : heat_capacity_j_k * PS_FAULT_FORCE_K_S;
              fs->heat = fs->forcing = TRUE;
            }
          break;
        case PS_FAULT_WEAK_CELL:
        case PS_FAULT_N_KINDS:
        default:
          break;
        }
    }

  /* a cell in runaway carries no current any more */
  if (runaway != NULL)
    for (guint i = 0; i < n; i++)
      if (runaway[i])
        {
          fs->open[i] = 1;
          fs->electrical = TRUE;
        }

  changed = was_cooling != fs->cooling
            || (fs->cooling && was_cooling && memcmp (old_blocked, fs->blocked, n) != 0);
  return changed;
}

void
_ps_fault_state_linearise (PsFaultState  *fs,
                           const double  *ec,
                           const double  *rc,
                           const double **ec_out,
                           const double **rc_out)
{
  for (guint i = 0; i < fs->n_cells; i++)
    {
      double e = ec[i], r = rc[i];

      if (fs->short_g[i] > 0.0)
        {
          /* the cell with R_s across it: E R_s / (R_s + R), R R_s / (R_s + R) */
          double k = 1.0 / (1.0 + r * fs->short_g[i]);

          e *= k;
          r *= k;
        }
      if (fs->open[i])
        r = PS_FAULT_OPEN_OHM;
      fs->e_eff[i] = e;
      fs->r_eff[i] = r;
    }
  *ec_out = fs->e_eff;
  *rc_out = fs->r_eff;
}

void
_ps_fault_state_electrode_currents (const PsFaultState *fs,
                                    const double       *ec,
                                    const double       *rc,
                                    const double       *terminal,
                                    double             *out)
{
  for (guint i = 0; i < fs->n_cells; i++)
    out[i] = terminal[i] + (ec[i] - rc[i] * terminal[i]) * fs->short_g[i];
}

void
_ps_fault_state_short_groups (PsFaultState *fs,
                              const double *group_e,
                              const double *group_r,
                              double       *pack_e,
                              double       *pack_r)
{
  double em = 0.0, rm = 0.0;

  if (!fs->xs_active)
    return;
  for (guint g = fs->xs_g0; g < fs->xs_g1; g++)
    {
      em += group_e[g];
      rm += group_r[g];
    }
  /* I_m = I + V_m / R_x with V_m = E_m - R_m I_m */
  fs->xs_b = fs->xs_rx / (fs->xs_rx + rm);
  fs->xs_a = em / (fs->xs_rx + rm);
  *pack_e += em * fs->xs_b - em;
  *pack_r += rm * fs->xs_b - rm;
}

gboolean
_ps_fault_state_forcing (PsFaultState *fs,
                         double        time_s)
{
  if (fs->forcing)
    return TRUE;
  for (guint k = 0; k < fs->faults->len; k++)
    {
      const PsFault *f = &g_array_index (fs->faults, PsFault, k);

      if (f->kind == PS_FAULT_THERMAL_RUNAWAY && f->at_s > time_s)
        return TRUE;
    }
  return FALSE;
}
