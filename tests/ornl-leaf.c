/* ornl-leaf.c: the ORNL Leaf cell records replayed through the engine
 * (ornl-leaf.h)
 */
#include "config.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "ornl-leaf.h"
#include "ps-pack-private.h"
#include "ps-scenario-private.h"

typedef struct
{
  double dt;
  double current_a;         /* positive on discharge */
  double voltage_v;
  gboolean in_part;         /* counts in rms_part_v */
} OrnlRow;

typedef struct
{
  double sum_sq;
  double time;
} TimeRms;

struct _OrnlRecord
{
  GArray  *rows;            /* OrnlRow */
  gboolean discharge;
  double   ah;
  double   mean_current_a;
  double   temp0_c;
  double   ambient_c;
  double   peak_measured_c;  /* -INFINITY when not measured */
  /* discharges: the surface temperature (mean of the three thermocouples)
   * from the start to PS_ORNL_REST_S after the end, every 3 s */
  GArray  *surface_c;
  double   rest_s;
};

/* the rest after a discharge the temperatures are compared over */
#define PS_ORNL_REST_S 2400.0
#define PS_ORNL_LVM_DT 3.0
/* The engine steps the logged intervals as the scenario would (dt_s 1 s,
 * ornl_one_cell_simulation): the Bitrode logs a constant-current discharge
 * every 60 s after its first minute, and one 60 s step is not what a
 * simulation of that discharge computes (through the Leaf's OCV steps the
 * linearisation over 5 % of the charge at 3C is tens of mV off). The
 * current is the logged one over the whole interval. */
#define PS_ORNL_STEP_S 1.0

void
ornl_record_free (OrnlRecord *record)
{
  if (record == NULL)
    return;
  g_array_unref (record->rows);
  g_array_unref (record->surface_c);
  g_free (record);
}

static char *
test_data_path (const char *name)
{
  const char *srcdir = g_getenv ("G_TEST_SRCDIR");

  return g_build_filename (srcdir != NULL ? srcdir : ".", "data", name, NULL);
}

/* The measurements are committed under tests/data/ornl-leaf-cell (a copy of
 * shared/data/experimental/ornl-leaf-cell), so a clean checkout checks them;
 * PS_SHARED_DATA is the fallback when the copy is missing. */
static char *
ornl_path (const char *name)
{
  const char *shared = g_getenv ("PS_SHARED_DATA");
  char *path = test_data_path ("ornl-leaf-cell");
  char *file = g_build_filename (path, name, NULL);

  g_free (path);
  if (g_file_test (file, G_FILE_TEST_IS_REGULAR) || shared == NULL)
    return file;
  g_free (file);
  return g_build_filename (shared, "experimental", "ornl-leaf-cell", name, NULL);
}

typedef struct
{
  GArray    *time_s;
  GArray    *current_a;     /* positive on discharge */
  GArray    *voltage_v;
  GArray    *step;
  GPtrArray *mode;
} Bitrode;

static void
bitrode_free (Bitrode *b)
{
  g_array_unref (b->time_s);
  g_array_unref (b->current_a);
  g_array_unref (b->voltage_v);
  g_array_unref (b->step);
  g_ptr_array_unref (b->mode);
  g_free (b);
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC (Bitrode, bitrode_free)

/* Bitrode CSV: Exclude,Time(s),Cycle,Loop,Loop,Loop,Step,StepTime(s),
 * Current(A),Voltage(V),Power(W),Capacity(Ah),Energy(Wh),Mode,Data */
static Bitrode *
bitrode_load (const char *name)
{
  g_autofree char *path = ornl_path (name);
  g_autofree char *text = NULL;
  g_auto(GStrv) lines = NULL;
  Bitrode *b;

  if (!g_file_get_contents (path, &text, NULL, NULL))
    return NULL;

  b = g_new0 (Bitrode, 1);
  b->time_s = g_array_new (FALSE, FALSE, sizeof (double));
  b->current_a = g_array_new (FALSE, FALSE, sizeof (double));
  b->voltage_v = g_array_new (FALSE, FALSE, sizeof (double));
  b->step = g_array_new (FALSE, FALSE, sizeof (int));
  b->mode = g_ptr_array_new_with_free_func (g_free);

  lines = g_strsplit (text, "\n", -1);
  for (guint i = 1; lines[i] != NULL; i++)
    {
      g_auto(GStrv) f = g_strsplit (lines[i], ",", -1);
      double t, current, voltage;
      int step;

      if (g_strv_length (f) < 14)
        continue;
      t = g_ascii_strtod (f[1], NULL);
      step = atoi (f[6]);
      current = -g_ascii_strtod (f[8], NULL);
      voltage = g_ascii_strtod (f[9], NULL);
      g_array_append_val (b->time_s, t);
      g_array_append_val (b->current_a, current);
      g_array_append_val (b->voltage_v, voltage);
      g_array_append_val (b->step, step);
      g_ptr_array_add (b->mode, g_strdup (f[13]));
    }
  return b;
}

#define B_T(b, k) g_array_index ((b)->time_s, double, (k))
#define B_I(b, k) g_array_index ((b)->current_a, double, (k))
#define B_V(b, k) g_array_index ((b)->voltage_v, double, (k))
#define B_STEP(b, k) g_array_index ((b)->step, int, (k))
#define B_MODE(b, k) ((const char *) g_ptr_array_index ((b)->mode, (k)))

/* lvm: tab-separated rows every 3 s on the Bitrode's clock; columns 1-3 on the
 * cell surface, column 4 ambient, degrees C */
static GArray *
lvm_load (const char *name)
{
  g_autofree char *path = ornl_path (name);
  g_autofree char *text = NULL;
  g_auto(GStrv) lines = NULL;
  GArray *rows;

  if (!g_file_get_contents (path, &text, NULL, NULL))
    return NULL;

  rows = g_array_new (FALSE, FALSE, sizeof (double) * 4);
  lines = g_strsplit (text, "\n", -1);
  for (guint i = 0; lines[i] != NULL; i++)
    {
      double row[4];
      char *p = lines[i];
      guint n = 0;

      while (n < 4)
        {
          char *end;

          row[n] = g_ascii_strtod (p, &end);
          if (end == p)
            break;
          p = end;
          n++;
        }
      if (n == 4)
        g_array_append_vals (rows, row, 1);
    }
  return rows;
}

static OrnlRecord *
record_new (gboolean discharge)
{
  OrnlRecord *r = g_new0 (OrnlRecord, 1);

  r->rows = g_array_new (FALSE, FALSE, sizeof (OrnlRow));
  r->surface_c = g_array_new (FALSE, FALSE, sizeof (double));
  r->discharge = discharge;
  r->peak_measured_c = -INFINITY;
  return r;
}

OrnlRecord *
ornl_discharge_load (const char *c_rate)
{
  g_autofree char *csv = g_strdup_printf ("cell-discharge-bitrode-%s.csv", c_rate);
  g_autofree char *lvm_name = g_strdup_printf ("cell-discharge-temperature-%s.lvm", c_rate);
  g_autoptr(Bitrode) b = bitrode_load (csv);
  g_autoptr(GArray) lvm = lvm_load (lvm_name);
  OrnlRecord *r;
  guint a = 0, end, n_before = 0, n_during = 0;
  double t0, t_end, ah = 0.0;

  if (b == NULL || lvm == NULL)
    return NULL;

  while (a < b->time_s->len && !g_str_equal (B_MODE (b, a), "DCHG"))
    a++;
  end = a;
  while (end < b->time_s->len && g_str_equal (B_MODE (b, end), "DCHG"))
    end++;
  if (end < a + 50)
    return NULL;

  r = record_new (TRUE);
  /* the current flows in the interval before the first DCHG row */
  t0 = B_T (b, a) - 1.0;
  t_end = B_T (b, end - 1);
  for (guint k = a; k < end; k++)
    r->ah += B_I (b, k) * (B_T (b, k) - (k == a ? t0 : B_T (b, k - 1))) / 3600.0;
  r->mean_current_a = r->ah * 3600.0 / (t_end - t0);

  for (guint k = a; k < end; k++)
    {
      OrnlRow row;

      row.dt = B_T (b, k) - (k == a ? t0 : B_T (b, k - 1));
      if (row.dt <= 0.0)
        continue;
      row.current_a = B_I (b, k);
      row.voltage_v = B_V (b, k);
      ah += row.current_a * row.dt / 3600.0;
      row.in_part = ah <= 0.9 * r->ah;
      g_array_append_val (r->rows, row);
    }

  for (guint k = 0; k < lvm->len; k++)
    {
      const double *row = &g_array_index (lvm, double, 4 * k);
      double t = 3.0 * k;

      if (t >= t0 - 600.0 && t < t0)
        {
          r->temp0_c += (row[0] + row[1] + row[2]) / 3.0;
          n_before++;
        }
      if (t >= t0 && t <= t_end + PS_ORNL_REST_S)
        {
          double mean = (row[0] + row[1] + row[2]) / 3.0;

          g_array_append_val (r->surface_c, mean);
        }
      if (t >= t0 && t <= t_end + 900.0)
        {
          r->ambient_c += row[3];
          n_during++;
          r->peak_measured_c = MAX (r->peak_measured_c, MAX (row[0], MAX (row[1], row[2])));
        }
    }
  if (n_before == 0)
    {
      const double *row = &g_array_index (lvm, double, 0);

      r->temp0_c = (row[0] + row[1] + row[2]) / 3.0;
      n_before = 1;
    }
  if (n_during <= 10)
    {
      ornl_record_free (r);
      return NULL;
    }
  r->temp0_c /= n_before;
  r->ambient_c /= n_during;
  r->rest_s = PS_ORNL_REST_S;
  return r;
}

/* HPPC (30 A pulses, 10 A steps of 3 Ah, 1 h rests, from full to 3.0 V):
 * from the first pulse (step 6); the pulses are steps 6-8 (30 A pulse, 40 s
 * rest, charge pulse). */
OrnlRecord *
ornl_hppc_load (const char *file,
                double      temp_c)
{
  g_autoptr(Bitrode) b = bitrode_load (file);
  OrnlRecord *r;
  guint first = 0;

  if (b == NULL)
    return NULL;
  while (first < b->time_s->len && B_STEP (b, first) != 6)
    first++;
  if (first >= b->time_s->len)
    return NULL;

  r = record_new (FALSE);
  r->temp0_c = temp_c;
  r->ambient_c = temp_c;
  for (guint k = first + 1; k < b->time_s->len; k++)
    {
      OrnlRow row;

      row.dt = B_T (b, k) - B_T (b, k - 1);
      if (row.dt <= 0.0)
        continue;
      row.current_a = B_I (b, k);
      row.voltage_v = B_V (b, k);
      row.in_part = B_STEP (b, k) >= 6 && B_STEP (b, k) <= 8;
      r->ah += row.current_a * row.dt / 3600.0;
      g_array_append_val (r->rows, row);
    }
  return r;
}

static double h_override = 0.0;

void
ornl_set_h (double h_w_m2k)
{
  h_override = h_w_m2k;
}

PsSimulation *
ornl_one_cell_simulation (const char  *cell_json,
                          double       initial_temp_c,
                          double       ambient_c,
                          GError     **error)
{
  g_autofree char *pack_path = test_data_path ("ornl-one-cell-pack.json");
  g_autofree char *pack_json = NULL;
  g_autofree char *json = NULL;
  g_autofree char *cell_member = NULL;
  g_autoptr(PsScenario) scenario = NULL;
  char t0[G_ASCII_DTOSTR_BUF_SIZE], ta[G_ASCII_DTOSTR_BUF_SIZE];

  if (!g_file_get_contents (pack_path, &pack_json, NULL, error))
    return NULL;
  if (h_override > 0.0)
    {
      /* the chamber's h replaced (the fit) */
      char *at = strstr (pack_json, "\"h_w_m2k\":");
      char *end, hv[G_ASCII_DTOSTR_BUF_SIZE];
      char *patched;

      g_assert_nonnull (at);
      at += strlen ("\"h_w_m2k\":");
      end = strchr (at, ',');
      g_assert_nonnull (end);
      g_ascii_dtostr (hv, sizeof hv, h_override);
      *at = '\0';
      patched = g_strconcat (pack_json, " ", hv, end, NULL);
      g_free (pack_json);
      pack_json = patched;
    }
  g_ascii_dtostr (t0, sizeof t0, initial_temp_c);
  g_ascii_dtostr (ta, sizeof ta, ambient_c);
  cell_member = cell_json != NULL ? g_strdup_printf ("\"cell\": %s,", cell_json) : g_strdup ("");
  json = g_strdup_printf ("{ \"packscope_scenario\": 1, \"name\": \"ORNL Leaf cell\","
                          "  \"pack\": %s, %s"
                          "  \"initial\": { \"soc\": 1.0, \"temperature_c\": %s },"
                          "  \"ambient_c\": %s, \"cooling\": { \"enabled\": true },"
                          "  \"variation\": { \"capacity_rel_sd\": 0, \"resistance_rel_sd\": 0,"
                          "                   \"soc_sd\": 0 },"
                          "  \"protocol\": \"Rest for 1 hour\", \"dt_s\": 1, \"seed\": 1 }",
                          pack_json, cell_member, t0, ta);
  scenario = ps_scenario_new_from_data (json, -1, "ornl-one-cell.json", error);
  if (scenario == NULL)
    return NULL;
  g_assert_cmpstr (scenario->cell->id, ==, "aesc-leaf-2011");
  g_assert_cmpuint (scenario->pack->n_cells, ==, 1);
  return ps_simulation_new (scenario, error);
}

/* one interval of dt at the measured current; the cell's voltage at its end */
double
ornl_one_cell_step (PsSimulation *sim,
               double        current_a,
               double        dt)
{
  PsLoad load = { PS_LOAD_CURRENT, current_a };

  ps_simulation_step (sim, &load, dt);
  return ps_simulation_get_cell_voltage (sim)[0];
}

/* RMS over time: each error weighted by the interval it closes */
static void
time_rms_add (TimeRms *r,
              double   err,
              double   dt)
{
  r->sum_sq += err * err * dt;
  r->time += dt;
}

static double
time_rms (const TimeRms *r)
{
  return r->time > 0.0 ? sqrt (r->sum_sq / r->time) : 0.0;
}

guint
ornl_record_n_rows (const OrnlRecord *record)
{
  return record->rows->len;
}

void
ornl_record_row (const OrnlRecord *record,
                 guint             k,
                 double           *time_s,
                 double           *current_a,
                 double           *voltage_v)
{
  double t = 0.0;

  for (guint j = 0; j <= k; j++)
    t += g_array_index (record->rows, OrnlRow, j).dt;
  *time_s = t;
  *current_a = g_array_index (record->rows, OrnlRow, k).current_a;
  *voltage_v = g_array_index (record->rows, OrnlRow, k).voltage_v;
}

static gboolean
record_run (const OrnlRecord *record,
            const char       *cell_json,
            gboolean          with_capacity,
            OrnlResult       *result,
            double           *model_v,
            GError          **error);

/* the model's temperature at t (s from the start) against the measured
 * surface's, weighted by dt */
static void
record_temp (const OrnlRecord *record,
             TimeRms          *temp,
             double            t,
             double            dt,
             double            model_c)
{
  guint k = (guint) (t / PS_ORNL_LVM_DT + 0.5);
  double err;

  if (k >= record->surface_c->len)
    return;
  err = model_c - g_array_index (record->surface_c, double, k);
  temp->sum_sq += err * err * dt;
  temp->time += dt;
}

gboolean
ornl_record_trace (const OrnlRecord *record,
                   const char       *cell_json,
                   double           *model_v,
                   GError          **error)
{
  OrnlResult r;

  return record_run (record, cell_json, FALSE, &r, model_v, error);
}

gboolean
ornl_record_run (const OrnlRecord *record,
                 const char       *cell_json,
                 gboolean          with_capacity,
                 OrnlResult       *result,
                 GError          **error)
{
  return record_run (record, cell_json, with_capacity, result, NULL, error);
}

static gboolean
record_run (const OrnlRecord *record,
            const char       *cell_json,
            gboolean          with_capacity,
            OrnlResult       *result,
            double           *model_v,
            GError          **error)
{
  g_autoptr(PsSimulation) sim = ornl_one_cell_simulation (cell_json, record->temp0_c,
                                                          record->ambient_c, error);
  TimeRms all = { 0 }, part = { 0 }, temp = { 0 };
  double t = 0.0;

  if (sim == NULL)
    return FALSE;

  memset (result, 0, sizeof *result);
  result->peak_model_c = -INFINITY;
  for (guint k = 0; k < record->rows->len; k++)
    {
      const OrnlRow *row = &g_array_index (record->rows, OrnlRow, k);
      double v = 0.0;
      double err;

      guint n_steps = (guint) ceil (row->dt / PS_ORNL_STEP_S - 1e-9);

      for (guint s = 0; s < n_steps; s++)
        v = ornl_one_cell_step (sim, row->current_a, row->dt / n_steps);
      err = v - row->voltage_v;

      if (model_v != NULL)
        model_v[k] = v;
      time_rms_add (&all, err, row->dt);
      if (row->in_part)
        time_rms_add (&part, err, row->dt);
      result->max_err_v = MAX (result->max_err_v, fabs (err));
      result->peak_model_c = MAX (result->peak_model_c,
                                  ps_simulation_get_cell_temp (sim)[0] - 273.15);
      t += row->dt;
      record_temp (record, &temp, t, row->dt, ps_simulation_get_cell_temp (sim)[0] - 273.15);
    }
  /* and the rest after it, in minutes */
  if (record->surface_c->len > 0)
    {
      double t_end = t;

      while (t < t_end + record->rest_s - 1.0)
        {
          ornl_one_cell_step (sim, 0.0, 60.0);
          t += 60.0;
          result->peak_model_c = MAX (result->peak_model_c,
                                      ps_simulation_get_cell_temp (sim)[0] - 273.15);
          record_temp (record, &temp, t, 60.0, ps_simulation_get_cell_temp (sim)[0] - 273.15);
        }
    }
  result->temp_rms_k = time_rms (&temp);

  result->rms_v = time_rms (&all);
  result->rms_part_v = time_rms (&part);
  result->duration_s = all.time;
  result->ah_measured = record->ah;
  result->mean_current_a = record->mean_current_a;
  result->temp0_c = record->temp0_c;
  result->ambient_c = record->ambient_c;
  result->peak_measured_c = record->peak_measured_c;

  /* the charge the model delivers from full to its cut-off at the mean
   * current, 1 s steps */
  if (with_capacity && record->discharge)
    {
      g_autoptr(PsSimulation) cap = ornl_one_cell_simulation (cell_json, record->temp0_c,
                                                         record->ambient_c, error);
      const PsScenario *scenario;
      double t_cap = 0.0, i = record->mean_current_a;

      if (cap == NULL)
        return FALSE;
      scenario = ps_simulation_get_scenario (cap);
      while (ornl_one_cell_step (cap, i, 1.0) > scenario->cell->voltage_min_v)
        {
          t_cap += 1.0;
          g_assert_cmpfloat (t_cap, <, 4.0 * 3600.0 * scenario->cell->capacity_ah / i);
        }
      result->ah_model = i * (t_cap + 1.0) / 3600.0;
    }
  return TRUE;
}
