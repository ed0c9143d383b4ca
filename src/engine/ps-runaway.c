/* ps-runaway.c: thermal runaway of the pack's cells (see ps-runaway.h)
 *
 * Arrhenius model (THERMAL-RUNAWAY.md section 1), per cell volume V:
 *   R_sei = A e^(-Ea/RT) c_sei^m                dc_sei/dt = -R_sei
 *   R_ne  = A e^(-t_sei/t_ref) e^(-Ea/RT) c_ne^m dc_ne/dt = -R_ne, dt_sei/dt = R_ne
 *   R_pe  = A e^(-Ea/RT) a^m1 (1 - a)^m2         da/dt = R_pe
 *   R_e   = A e^(-Ea/RT) c_e^m                   dc_e/dt = -R_e
 *   q = V (H_sei W_c R_sei + H_ne W_c R_ne + H_pe W_p R_pe + H_e W_e R_e)
 * Within a substep the temperature is held; first-order reactions decay
 * exactly (x e^(-k h)), so a substep never consumes more than there is; the
 * heat is counted from what was consumed. The substep is cut so the cell
 * warms by at most PS_RUNAWAY_SUBSTEP_K and the autocatalytic positive
 * reaction and the SEI layer's growth move by a few per cent.
 *
 * Trigger model (section 4): dT/dt = 10^g(T) from a store E, with g
 * piecewise linear: -10 up to 50 C, -5.2 at 60 C, -1.8 / -1.4 / -0.6 at
 * 25 / 50 / 80 % of the way from T1 to T2, 1.7 at T2, 2.25 at T2 + 10 K and
 * above; the latch (runaway) sets once g > 0.5.
 */
#include "config.h"

#include <math.h>
#include <string.h>
#include <json-glib/json-glib.h>

#include "ps-error.h"
#include "ps-runaway.h"

#define PS_GAS_CONSTANT         8.314462618
#define PS_RUNAWAY_SUBSTEP_K    0.5     /* largest warming in one substep */
#define PS_RUNAWAY_SUBSTEP_REL  0.05    /* largest relative move of a or t_sei */
/* burnt: after the runaway, self-heating below this fraction of the runaway
 * rate (or 1 % of the heat left); what is left still reacts if it warms */
#define PS_RUNAWAY_SPENT_FRACTION 0.01
#define PS_RUNAWAY_MAX_SUBSTEPS 1000000 /* per cell and step: a guard */
/* while a cell runs away, the engine steps at most this long, so the heat
 * its neighbours take up is resolved */
#define PS_RUNAWAY_NEIGHBOUR_STEP_S 0.5
#define PS_RUNAWAY_RESOURCE "/io/github/packscope/Packscope/runaway/runaway-kinetics.json"

enum
{
  X_SEI,
  X_NE,
  X_TSEI,
  X_ALPHA,
  X_E,
  N_X
};

struct _PsRunaway
{
  PsRunawayModel  model;
  PsRunawayParams p;
  guint           n_cells;
  double          volume_m3;
  double          heat_capacity_j_k;
  double          trigger_energy_j;
  double          available_j;

  double         *x;           /* [n_cells * N_X] reactants (Arrhenius) */
  double         *store_j;     /* [n_cells] what is left (both models) */
  double         *released_j;  /* [n_cells] */
  double         *self_heat_k_s; /* [n_cells] last self-heating rate */
  PsRunawayStage *stage;
  double         *stage_time;  /* [n_cells * PS_RUNAWAY_N_STAGES] */
  double          released_total_j;
  GArray         *events;
  GArray         *events_out;
  gboolean        any_running;
  gboolean        any_reacting;  /* some cell self-heats above the onset rate */
};

/* -------------------------------------------------------------- params */

static gboolean
read_number (JsonObject  *object,
             const char  *member,
             const char  *path,
             double      *out,
             GError     **error)
{
  JsonNode *node = json_object_get_member (object, member);

  if (node == NULL || !JSON_NODE_HOLDS_VALUE (node)
      || (json_node_get_value_type (node) != G_TYPE_DOUBLE
          && json_node_get_value_type (node) != G_TYPE_INT64))
    {
      g_set_error (error, PS_ENGINE_ERROR, PS_ENGINE_ERROR_INVALID,
                   "%s: %s.%s: expected a number", PS_RUNAWAY_RESOURCE, path, member);
      return FALSE;
    }
  *out = json_node_get_double (node);
  if (!isfinite (*out))
    {
      g_set_error (error, PS_ENGINE_ERROR, PS_ENGINE_ERROR_INVALID,
                   "%s: %s.%s: not finite", PS_RUNAWAY_RESOURCE, path, member);
      return FALSE;
    }
  return TRUE;
}

static JsonObject *
get_object (JsonObject  *object,
            const char  *member,
            const char  *path,
            GError     **error)
{
  JsonNode *node = json_object_get_member (object, member);

  if (node == NULL || !JSON_NODE_HOLDS_OBJECT (node))
    {
      g_set_error (error, PS_ENGINE_ERROR, PS_ENGINE_ERROR_INVALID,
                   "%s: %s.%s: expected an object", PS_RUNAWAY_RESOURCE, path, member);
      return NULL;
    }
  return json_node_get_object (node);
}

static gboolean
read_reaction (JsonObject        *set,
               const char        *member,
               PsRunawayReaction *r,
               double            *m,
               GError           **error)
{
  g_autofree char *path = g_strdup_printf ("$.sets[].%s", member);
  JsonObject *o = get_object (set, member, "$.sets[]", error);

  return o != NULL
         && read_number (o, "a_per_s", path, &r->a_per_s, error)
         && read_number (o, "ea_j_mol", path, &r->ea_j_mol, error)
         && read_number (o, "h_j_g", path, &r->h_j_g, error)
         && read_number (o, "w_g_m3", path, &r->w_g_m3, error)
         && read_number (o, "x0", path, &r->x0, error)
         && (m == NULL || read_number (o, "m", path, m, error));
}

static const char *
get_string (JsonObject *object,
            const char *member)
{
  JsonNode *node = json_object_get_member (object, member);

  return node != NULL && json_node_get_value_type (node) == G_TYPE_STRING
         ? json_node_get_string (node) : NULL;
}

PsRunawayParams *
ps_runaway_params_for_chemistry (const char  *chemistry,
                                 GError     **error)
{
  g_autoptr (GBytes) bytes = NULL;
  g_autoptr (JsonParser) parser = json_parser_new ();
  g_autoptr (PsRunawayParams) p = g_new0 (PsRunawayParams, 1);
  JsonObject *root, *trigger, *stages, *set = NULL;
  JsonArray *sets, *chem;
  const char *set_id = NULL;
  gconstpointer data;
  gsize size;
  double t1_c, t2_c, active_c, onset_k_min, vent_c;
  JsonObject *neg;

  bytes = g_resources_lookup_data (PS_RUNAWAY_RESOURCE, 0, error);
  if (bytes == NULL)
    return NULL;
  data = g_bytes_get_data (bytes, &size);
  if (!json_parser_load_from_data (parser, data, size, error))
    return NULL;
  root = json_node_get_object (json_parser_get_root (parser));
  sets = json_object_get_array_member (root, "sets");
  chem = json_object_get_array_member (root, "chemistries");

  for (guint i = 0; i < json_array_get_length (chem) && set_id == NULL; i++)
    {
      JsonObject *c = json_array_get_object_element (chem, i);
      const char *contains = get_string (c, "contains");

      if (contains != NULL && strstr (chemistry != NULL ? chemistry : "", contains) != NULL)
        set_id = get_string (c, "set");
    }
  for (guint i = 0; i < json_array_get_length (sets) && set_id != NULL; i++)
    {
      JsonObject *s = json_array_get_object_element (sets, i);

      if (g_strcmp0 (get_string (s, "id"), set_id) == 0)
        set = s;
    }
  if (set == NULL)
    {
      g_set_error (error, PS_ENGINE_ERROR, PS_ENGINE_ERROR_NOT_FOUND,
                   "%s: $.chemistries: no kinetics for the chemistry \"%s\"",
                   PS_RUNAWAY_RESOURCE, chemistry);
      return NULL;
    }

  p->id = g_strdup (get_string (set, "id"));
  p->source = g_strdup (get_string (set, "source"));
  if (!read_reaction (set, "sei", &p->sei, &p->sei_m, error)
      || !read_reaction (set, "negative", &p->negative, &p->negative_m, error)
      || !read_reaction (set, "positive", &p->positive, NULL, error)
      || !read_reaction (set, "electrolyte", &p->electrolyte, &p->electrolyte_m, error))
    return NULL;
  neg = json_object_get_object_member (set, "negative");
  if (!read_number (neg, "t_sei0", "$.sets[].negative", &p->t_sei0, error)
      || !read_number (neg, "t_ref", "$.sets[].negative", &p->t_ref, error)
      || !read_number (json_object_get_object_member (set, "positive"), "m1",
                       "$.sets[].positive", &p->positive_m1, error)
      || !read_number (json_object_get_object_member (set, "positive"), "m2",
                       "$.sets[].positive", &p->positive_m2, error))
    return NULL;

  if ((trigger = get_object (root, "trigger", "$", error)) == NULL
      || (stages = get_object (root, "stages", "$", error)) == NULL
      || !read_number (trigger, "t1_c", "$.trigger", &t1_c, error)
      || !read_number (trigger, "t2_c", "$.trigger", &t2_c, error)
      || !read_number (stages, "active_c", "$.stages", &active_c, error)
      || !read_number (stages, "onset_k_per_min", "$.stages", &onset_k_min, error)
      || !read_number (stages, "vent_c", "$.stages", &vent_c, error)
      || !read_number (stages, "runaway_k_per_s", "$.stages", &p->runaway_k_s, error))
    return NULL;
  p->trigger_source = g_strdup (get_string (trigger, "source"));
  p->trigger_t1_k = t1_c + 273.15;
  p->trigger_t2_k = t2_c + 273.15;
  p->active_k = active_c + 273.15;
  p->onset_k_s = onset_k_min / 60.0;
  p->vent_k = vent_c + 273.15;

  if (p->t_ref <= 0.0 || p->trigger_t2_k <= p->trigger_t1_k)
    {
      g_set_error (error, PS_ENGINE_ERROR, PS_ENGINE_ERROR_INVALID,
                   "%s: t_ref must be positive and t2_c above t1_c", PS_RUNAWAY_RESOURCE);
      return NULL;
    }
  return g_steal_pointer (&p);
}

void
ps_runaway_params_free (PsRunawayParams *params)
{
  if (params == NULL)
    return;
  g_free (params->id);
  g_free (params->source);
  g_free (params->trigger_source);
  g_free (params);
}

static const char * const model_names[] = { "off", "arrhenius", "trigger" };
static const char * const stage_names[] = { "intact", "onset", "venting", "runaway", "burnt" };

const char *
ps_runaway_model_to_string (PsRunawayModel model)
{
  g_return_val_if_fail (model <= PS_RUNAWAY_MODEL_TRIGGER, NULL);
  return model_names[model];
}

gboolean
ps_runaway_model_from_string (const char     *text,
                              PsRunawayModel *model)
{
  for (guint i = 0; i < G_N_ELEMENTS (model_names); i++)
    if (g_strcmp0 (text, model_names[i]) == 0)
      {
        *model = i;
        return TRUE;
      }
  return FALSE;
}

const char *
ps_runaway_stage_to_string (PsRunawayStage stage)
{
  g_return_val_if_fail (stage < PS_RUNAWAY_N_STAGES, NULL);
  return stage_names[stage];
}

/* ---------------------------------------------------------------- state */

PsRunaway *
ps_runaway_new (PsRunawayModel         model,
                const PsRunawayParams *params,
                guint                  n_cells,
                double                 volume_m3,
                double                 heat_capacity_j_k,
                double                 trigger_energy_j)
{
  PsRunaway *rw;
  const PsRunawayParams *p = params;

  g_return_val_if_fail (params != NULL, NULL);
  g_return_val_if_fail (volume_m3 > 0.0 && heat_capacity_j_k > 0.0, NULL);

  rw = g_new0 (PsRunaway, 1);
  rw->model = model;
  rw->p = *params;
  rw->p.id = g_strdup (params->id);
  rw->p.source = g_strdup (params->source);
  rw->p.trigger_source = g_strdup (params->trigger_source);
  rw->n_cells = n_cells;
  rw->volume_m3 = volume_m3;
  rw->heat_capacity_j_k = heat_capacity_j_k;
  rw->trigger_energy_j = MAX (trigger_energy_j, 0.0);
  if (model == PS_RUNAWAY_MODEL_TRIGGER)
    rw->available_j = rw->trigger_energy_j;
  else
    rw->available_j = volume_m3 * (p->sei.h_j_g * p->sei.w_g_m3 * p->sei.x0
                                   + p->negative.h_j_g * p->negative.w_g_m3 * p->negative.x0
                                   + p->positive.h_j_g * p->positive.w_g_m3 * (1.0 - p->positive.x0)
                                   + p->electrolyte.h_j_g * p->electrolyte.w_g_m3 * p->electrolyte.x0);

  rw->x = g_new0 (double, (gsize) n_cells * N_X);
  rw->store_j = g_new0 (double, n_cells);
  rw->released_j = g_new0 (double, n_cells);
  rw->self_heat_k_s = g_new0 (double, n_cells);
  rw->stage = g_new0 (PsRunawayStage, n_cells);
  rw->stage_time = g_new0 (double, (gsize) n_cells * PS_RUNAWAY_N_STAGES);
  rw->events = g_array_new (FALSE, FALSE, sizeof (PsRunawayEvent));
  rw->events_out = g_array_new (FALSE, FALSE, sizeof (PsRunawayEvent));
  ps_runaway_reset (rw);
  return rw;
}

void
ps_runaway_free (PsRunaway *rw)
{
  if (rw == NULL)
    return;
  g_free (rw->p.id);
  g_free (rw->p.source);
  g_free (rw->p.trigger_source);
  g_free (rw->x);
  g_free (rw->store_j);
  g_free (rw->released_j);
  g_free (rw->self_heat_k_s);
  g_free (rw->stage);
  g_free (rw->stage_time);
  g_array_unref (rw->events);
  g_array_unref (rw->events_out);
  g_free (rw);
}

void
ps_runaway_reset (PsRunaway *rw)
{
  for (guint i = 0; i < rw->n_cells; i++)
    {
      double *x = rw->x + (gsize) i * N_X;

      x[X_SEI] = rw->p.sei.x0;
      x[X_NE] = rw->p.negative.x0;
      x[X_TSEI] = rw->p.t_sei0;
      x[X_ALPHA] = rw->p.positive.x0;
      x[X_E] = rw->p.electrolyte.x0;
      rw->store_j[i] = rw->available_j;
      rw->released_j[i] = 0.0;
      rw->self_heat_k_s[i] = 0.0;
      rw->stage[i] = PS_RUNAWAY_INTACT;
      for (guint s = 0; s < PS_RUNAWAY_N_STAGES; s++)
        rw->stage_time[(gsize) i * PS_RUNAWAY_N_STAGES + s] = s == 0 ? 0.0 : NAN;
    }
  rw->released_total_j = 0.0;
  rw->any_running = FALSE;
  rw->any_reacting = FALSE;
  g_array_set_size (rw->events, 0);
  g_array_set_size (rw->events_out, 0);
}

static void
reach_stage (PsRunaway      *rw,
             guint           i,
             PsRunawayStage  stage,
             double          time_s,
             double          temp_k)
{
  double *t = &rw->stage_time[(gsize) i * PS_RUNAWAY_N_STAGES + stage];
  PsRunawayEvent ev;

  if (!isnan (*t))
    return;
  *t = time_s;
  if (stage > rw->stage[i])
    rw->stage[i] = stage;
  ev.time_s = time_s;
  ev.cell = i;
  ev.stage = stage;
  ev.temp_k = temp_k;
  g_array_append_val (rw->events, ev);
}

/* consumes x^m at rate constant k over h: exactly for m = 1 */
static inline double
consume (double x,
         double k,
         double m,
         double h)
{
  if (x <= 0.0)
    return 0.0;
  if (m == 1.0)
    return -x * expm1 (-k * h);
  return MIN (x, k * pow (x, m) * h);
}

/* the trigger model's g(T) = log10 (dT/dt in K/s) */
static double
trigger_g (const PsRunawayParams *p,
           double                 temp_k)
{
  double t1 = p->trigger_t1_k, t2 = p->trigger_t2_k;
  const double tk[] = { 323.15, 333.15, t1 + 0.25 * (t2 - t1), t1 + 0.5 * (t2 - t1),
                        t1 + 0.8 * (t2 - t1), t2, t2 + 10.0 };
  const double g[] = { -10.0, -5.2, -1.8, -1.4, -0.6, 1.7, 2.25 };

  if (temp_k <= tk[0])
    return g[0];
  for (guint k = 1; k < G_N_ELEMENTS (tk); k++)
    if (temp_k < tk[k])
      return g[k - 1] + (g[k] - g[k - 1]) * (temp_k - tk[k - 1]) / (tk[k] - tk[k - 1]);
  return g[G_N_ELEMENTS (g) - 1];
}

/* One cell over dt; returns the heat released, J. */
static double
integrate_cell (PsRunaway *rw,
                guint      i,
                double     time_s,
                double     temp_k,
                double     heat_w,
                double     dt)
{
  const PsRunawayParams *p = &rw->p;
  double *x = rw->x + (gsize) i * N_X;
  double c = rw->heat_capacity_j_k, v = rw->volume_m3;
  double e_sei = p->sei.h_j_g * p->sei.w_g_m3 * v;      /* J per unit of x */
  double e_ne = p->negative.h_j_g * p->negative.w_g_m3 * v;
  double e_pe = p->positive.h_j_g * p->positive.w_g_m3 * v;
  double e_e = p->electrolyte.h_j_g * p->electrolyte.w_g_m3 * v;
  double t = temp_k, done = 0.0, released = 0.0, rate = 0.0;
  guint n = 0;

  while (done < dt && n++ < PS_RUNAWAY_MAX_SUBSTEPS)
    {
      double h = dt - done, q, e;

      if (rw->model == PS_RUNAWAY_MODEL_TRIGGER)
        {
          double g = trigger_g (p, t);

          q = rw->store_j[i] > 0.0 ? c * pow (10.0, g) : 0.0;
          rate = q / c;
          if (g > 0.5)
            reach_stage (rw, i, PS_RUNAWAY_RUNAWAY, time_s + done, t);
          if (q > 0.0)
            h = MIN (h, PS_RUNAWAY_SUBSTEP_K * c / q);
          e = MIN (q * h, rw->store_j[i]);
        }
      else
        {
          double inv_rt = 1.0 / (PS_GAS_CONSTANT * t);
          double k_sei = p->sei.a_per_s * exp (-p->sei.ea_j_mol * inv_rt);
          double k_ne = p->negative.a_per_s * exp (-x[X_TSEI] / p->t_ref
                                                   - p->negative.ea_j_mol * inv_rt);
          double k_pe = p->positive.a_per_s * exp (-p->positive.ea_j_mol * inv_rt);
          double k_e = p->electrolyte.a_per_s * exp (-p->electrolyte.ea_j_mol * inv_rt);
          double a = x[X_ALPHA];
          double r_sei = x[X_SEI] > 0.0 ? k_sei * pow (x[X_SEI], p->sei_m) : 0.0;
          double r_ne = x[X_NE] > 0.0 ? k_ne * pow (x[X_NE], p->negative_m) : 0.0;
          double r_pe = a > 0.0 && a < 1.0
                        ? k_pe * pow (a, p->positive_m1) * pow (1.0 - a, p->positive_m2) : 0.0;
          double r_e = x[X_E] > 0.0 ? k_e * pow (x[X_E], p->electrolyte_m) : 0.0;
          double d_sei, d_ne, d_pe, d_e;

          q = e_sei * r_sei + e_ne * r_ne + e_pe * r_pe + e_e * r_e;
          rate = q / c;
          if (q > 0.0)
            h = MIN (h, PS_RUNAWAY_SUBSTEP_K * c / q);
          if (r_pe > 0.0)
            h = MIN (h, PS_RUNAWAY_SUBSTEP_REL * MAX (MIN (a, 1.0 - a), 1e-6) / r_pe);
          if (r_ne > 0.0)
            h = MIN (h, PS_RUNAWAY_SUBSTEP_REL * MAX (x[X_TSEI], p->t_ref) / r_ne);

          d_sei = consume (x[X_SEI], k_sei, p->sei_m, h);
          d_ne = consume (x[X_NE], k_ne, p->negative_m, h);
          d_pe = MIN (1.0 - a, r_pe * h);
          d_e = consume (x[X_E], k_e, p->electrolyte_m, h);
          x[X_SEI] -= d_sei;
          x[X_NE] -= d_ne;
          x[X_TSEI] += d_ne;
          x[X_ALPHA] += d_pe;
          x[X_E] -= d_e;
          e = e_sei * d_sei + e_ne * d_ne + e_pe * d_pe + e_e * d_e;
        }

      if (rate > p->onset_k_s)
        reach_stage (rw, i, PS_RUNAWAY_ONSET, time_s + done, t);
      if (rate > p->runaway_k_s)
        reach_stage (rw, i, PS_RUNAWAY_RUNAWAY, time_s + done, t);
      if (t >= p->vent_k)
        reach_stage (rw, i, PS_RUNAWAY_VENTED, time_s + done, t);
      /* spent: (almost) nothing left, or what is left no longer heats the
       * cell (the negative-electrolyte reaction quenches itself as the SEI
       * layer grows, leaving a few per cent of the set's heat) */
      if (rw->stage[i] == PS_RUNAWAY_RUNAWAY
          && (rw->store_j[i] - e <= 0.01 * rw->available_j
              || rate < PS_RUNAWAY_SPENT_FRACTION * p->runaway_k_s))
        reach_stage (rw, i, PS_RUNAWAY_BURNT, time_s + done, t);

      rw->store_j[i] = MAX (0.0, rw->store_j[i] - e);
      released += e;
      t += (e + heat_w * h) / c;
      t = MAX (t, 1.0);
      done += h;
    }

  rw->self_heat_k_s[i] = rate;
  return released;
}

static int
compare_events (gconstpointer a,
                gconstpointer b)
{
  const PsRunawayEvent *ea = a, *eb = b;

  if (ea->time_s != eb->time_s)
    return ea->time_s < eb->time_s ? -1 : 1;
  if (ea->cell != eb->cell)
    return ea->cell < eb->cell ? -1 : 1;
  return (int) ea->stage - (int) eb->stage;
}

double
ps_runaway_step (PsRunaway    *rw,
                 double        time_s,
                 const double *temp_k,
                 const double *heat_w,
                 double        dt,
                 double       *rxn_w)
{
  double sum = 0.0;
  gboolean running = FALSE, reacting = FALSE;

  g_return_val_if_fail (rw != NULL && temp_k != NULL && rxn_w != NULL, 0.0);
  g_return_val_if_fail (dt > 0.0, 0.0);

  g_array_set_size (rw->events, 0);
  for (guint i = 0; i < rw->n_cells; i++)
    {
      double e;

      rxn_w[i] = 0.0;
      if (rw->model == PS_RUNAWAY_MODEL_OFF || rw->store_j[i] <= 0.0
          || (rw->stage[i] != PS_RUNAWAY_ONSET && rw->stage[i] != PS_RUNAWAY_RUNAWAY
              && temp_k[i] < rw->p.active_k))
        continue;

      e = integrate_cell (rw, i, time_s, temp_k[i], heat_w != NULL ? heat_w[i] : 0.0, dt);
      rw->released_j[i] += e;
      rw->released_total_j += e;
      rxn_w[i] = e / dt;
      sum += rxn_w[i];
      if (rw->stage[i] >= PS_RUNAWAY_ONSET && rw->stage[i] < PS_RUNAWAY_BURNT
          && rw->self_heat_k_s[i] > rw->p.runaway_k_s)
        running = TRUE;
      if (rw->self_heat_k_s[i] > rw->p.onset_k_s)
        reacting = TRUE;
    }
  rw->any_running = running;
  rw->any_reacting = reacting;

  /* the events of all cells in time order */
  if (rw->events->len > 1)
    g_array_sort (rw->events, compare_events);
  g_array_append_vals (rw->events_out, rw->events->data, rw->events->len);
  return sum;
}

const double *
ps_runaway_get_self_heating (PsRunaway *rw)
{
  g_return_val_if_fail (rw != NULL, NULL);
  return rw->self_heat_k_s;
}

double
ps_runaway_get_step_bound (PsRunaway *rw)
{
  g_return_val_if_fail (rw != NULL, INFINITY);
  return rw->any_running ? PS_RUNAWAY_NEIGHBOUR_STEP_S : INFINITY;
}

gboolean
ps_runaway_is_reacting (PsRunaway *rw)
{
  g_return_val_if_fail (rw != NULL, FALSE);
  return rw->any_reacting;
}

PsRunawayModel
ps_runaway_get_model (PsRunaway *rw)
{
  g_return_val_if_fail (rw != NULL, PS_RUNAWAY_MODEL_OFF);
  return rw->model;
}

const PsRunawayStage *
ps_runaway_get_stage (PsRunaway *rw)
{
  g_return_val_if_fail (rw != NULL, NULL);
  return rw->stage;
}

double
ps_runaway_get_stage_time (PsRunaway      *rw,
                           guint           cell,
                           PsRunawayStage  stage)
{
  g_return_val_if_fail (rw != NULL && cell < rw->n_cells, NAN);
  g_return_val_if_fail (stage < PS_RUNAWAY_N_STAGES, NAN);
  return rw->stage_time[(gsize) cell * PS_RUNAWAY_N_STAGES + stage];
}

const double *
ps_runaway_get_released_j (PsRunaway *rw)
{
  g_return_val_if_fail (rw != NULL, NULL);
  return rw->released_j;
}

double
ps_runaway_get_available_j (PsRunaway *rw)
{
  g_return_val_if_fail (rw != NULL, 0.0);
  return rw->available_j;
}

double
ps_runaway_get_released_total_j (PsRunaway *rw)
{
  g_return_val_if_fail (rw != NULL, 0.0);
  return rw->released_total_j;
}

guint
ps_runaway_count_at_least (PsRunaway      *rw,
                           PsRunawayStage  stage)
{
  guint n = 0;

  g_return_val_if_fail (rw != NULL, 0);
  for (guint i = 0; i < rw->n_cells; i++)
    n += rw->stage[i] >= stage;
  return n;
}

const PsRunawayEvent *
ps_runaway_take_events (PsRunaway *rw,
                        guint     *n_events)
{
  g_return_val_if_fail (rw != NULL && n_events != NULL, NULL);

  /* the caller's copy: swap so the events stay valid until the next take */
  g_array_set_size (rw->events, 0);
  {
    GArray *tmp = rw->events;

    rw->events = rw->events_out;
    rw->events_out = tmp;
  }
  *n_events = rw->events->len;
  return (const PsRunawayEvent *) (gpointer) rw->events->data;
}

double
ps_runaway_get_remaining_j (PsRunaway *rw,
                            guint      cell)
{
  const PsRunawayParams *p;
  const double *x;
  double v;

  g_return_val_if_fail (rw != NULL && cell < rw->n_cells, 0.0);

  if (rw->model == PS_RUNAWAY_MODEL_TRIGGER)
    return rw->store_j[cell];
  /* from the reactants, not from the count of what was released */
  p = &rw->p;
  x = rw->x + (gsize) cell * N_X;
  v = rw->volume_m3;
  return v * (p->sei.h_j_g * p->sei.w_g_m3 * x[X_SEI]
              + p->negative.h_j_g * p->negative.w_g_m3 * x[X_NE]
              + p->positive.h_j_g * p->positive.w_g_m3 * (1.0 - x[X_ALPHA])
              + p->electrolyte.h_j_g * p->electrolyte.w_g_m3 * x[X_E]);
}
