/* test-invariants.c: what holds on every row, whatever the protocol
 *
 * Random protocols (every step kind, magnitudes from tiny to absurd, with
 * and without durations and end conditions) run on every preset, headless
 * (ps_simulation_advance, as the CLI does) and through the runner with
 * manual loads (as the window's load bar does). On every row:
 *   - time strictly increases;
 *   - every cell's SOC stays in [-PS_TEST_SOC_TOL, 1 + PS_TEST_SOC_TOL] (the
 *     OCV rises without bound 1 % of the capacity past the table's end, see
 *     ps-ecm.c, so no finite voltage pushes a cell further);
 *   - every cell's voltage stays within the cell's limits, 5 mV;
 *   - temperatures stay finite and at most the upper limit (0.05 K);
 *   - charge is conserved: in every parallel group the cell currents add up
 *     to the pack current, and the charge each group's cells lost equals the
 *     charge the pack delivered;
 *   - energy is conserved: the heat generated equals the electrical loss (1e-6)
 *     and the heat stored or removed (1e-5, or 1 microkelvin of the pack);
 *   - every step end has a reason, the steps end in order, each once, at the
 *     row's time, and a finished protocol has ended all its steps.
 *
 * The default run takes a fixed seed and short runs; PS_INVARIANTS_LONG=N
 * runs N times as many protocols with 20 times longer runs, and
 * PS_INVARIANTS_SEED picks another seed.
 */
#include "config.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "ps-engine.h"
#include "ps-pack-private.h"
#include "ps-scenario-private.h"

#define PS_TEST_SOC_TOL   0.0101
#define PS_TEST_V_TOL     0.005
#define PS_TEST_T_TOL     0.05
#define PS_TEST_CHARGE_TOL 1e-6   /* relative to the pack capacity */

typedef struct
{
  guint64 s;
} TestRng;

static guint64
rng_next (TestRng *rng)
{
  /* xorshift64*: enough for picking protocols */
  rng->s ^= rng->s >> 12;
  rng->s ^= rng->s << 25;
  rng->s ^= rng->s >> 27;
  return rng->s * G_GUINT64_CONSTANT (2685821657736338717);
}

static double
rng_uniform (TestRng *rng)
{
  return (rng_next (rng) >> 11) * (1.0 / 9007199254740992.0);
}

/* log-uniform in [lo, hi] */
static double
rng_log (TestRng *rng,
         double   lo,
         double   hi)
{
  return lo * pow (hi / lo, rng_uniform (rng));
}

static guint
rng_int (TestRng *rng,
         guint    n)
{
  return (guint) (rng_next (rng) % n);
}

typedef struct
{
  guint protocols;
  guint runs;
  guint64 rows;
  guint step_ends;
  guint at_once;
  guint by_reason[PS_STEP_END_CURRENT_MAX + 1];
} Stats;

static guint
scale (void)
{
  const char *env = g_getenv ("PS_INVARIANTS_LONG");
  guint64 n;

  if (env == NULL || !g_ascii_string_to_unsigned (env, 10, 1, 1000, &n, NULL))
    return 0;
  return (guint) n;
}

static guint64
seed (void)
{
  const char *env = g_getenv ("PS_INVARIANTS_SEED");
  guint64 n;

  if (env == NULL || !g_ascii_string_to_unsigned (env, 10, 1, G_MAXUINT64, &n, NULL))
    return 20261205;
  return n;
}

/* ---- random protocols --------------------------------------------------- */

static void
append_duration (GString *text,
                 TestRng *rng)
{
  double d = rng_log (rng, 0.5, 7200.0);

  switch (rng_int (rng, 3))
    {
    case 0:
      g_string_append_printf (text, "%.3g s", d);
      break;
    case 1:
      g_string_append_printf (text, "%.3g minutes", d / 60.0);
      break;
    default:
      g_string_append_printf (text, "%.3g hours", d / 3600.0);
      break;
    }
}

/* One step in the experiment grammar: a cell voltage from below the lowest
 * cell's range to above the highest's, currents and powers from a
 * thousandth of a C to a thousand C. */
static void
append_step (GString           *text,
             TestRng           *rng,
             const PsScenario  *scenario)
{
  const PsCellType *cell = scenario->cell;
  double pack_wh = scenario->pack->n_cells * cell->capacity_ah * cell->voltage_nominal_v;
  double v = cell->voltage_min_v - 0.3
             + rng_uniform (rng) * (cell->voltage_max_v - cell->voltage_min_v + 0.6);
  guint kind = rng_int (rng, 4);

  if (kind < 2)
    {
      double c_rate = rng_log (rng, 1e-3, 1e3);
      gboolean has_for = rng_int (rng, 2) == 0;
      gboolean has_until = rng_int (rng, 3) != 0;

      g_string_append (text, kind == 0 ? "Discharge at " : "Charge at ");
      switch (rng_int (rng, 3))
        {
        case 0:
          g_string_append_printf (text, "%.3gC", c_rate);
          break;
        case 1:
          g_string_append_printf (text, "%.4g A",
                                  c_rate * cell->capacity_ah * scenario->pack->n_parallel);
          break;
        default:
          g_string_append_printf (text, "%.4g W", MAX (1e-3, c_rate * pack_wh));
          break;
        }
      if (has_for)
        {
          g_string_append (text, " for ");
          append_duration (text, rng);
        }
      if (has_until || !has_for)
        g_string_append_printf (text, "%s until %.3f V", has_for ? " or" : "", v);
    }
  else if (kind == 2)
    {
      g_string_append_printf (text, "Hold at %.3f V until ", v);
      if (rng_int (rng, 2) == 0)
        g_string_append_printf (text, "C/%u", 1 + rng_int (rng, 2000));
      else
        g_string_append_printf (text, "%.3g A", rng_log (rng, 1e-4, 1e3));
    }
  else
    {
      g_string_append (text, "Rest for ");
      append_duration (text, rng);
    }
}

static char *
random_protocol (TestRng          *rng,
                 const PsScenario *scenario)
{
  GString *text = g_string_new (NULL);
  guint n = 1 + rng_int (rng, 4);

  for (guint i = 0; i < n; i++)
    {
      if (i > 0)
        g_string_append (text, "; ");
      append_step (text, rng, scenario);
    }
  return g_string_free (text, FALSE);
}

/* ---- the checks on one row ---------------------------------------------- */

typedef struct
{
  const PsScenario *scenario;
  const char       *what;        /* for messages */
  double            t_last;
  guint             next_step;   /* 1-based step expected to end next */
  double           *soc0;        /* initial SOC per cell */
  const double     *capacity_ah;
  guint64           rows;
} RowCheck;

static void
fail_row (const RowCheck *rc,
          const char     *format,
          ...) G_GNUC_PRINTF (2, 3);

static void
fail_row (const RowCheck *rc,
          const char     *format,
          ...)
{
  g_autofree char *message = NULL;
  va_list args;

  va_start (args, format);
  message = g_strdup_vprintf (format, args);
  va_end (args);
  g_error ("%s, row %" G_GUINT64_FORMAT " at t = %.9g s: %s", rc->what, rc->rows,
           rc->t_last, message);
}

static void
check_cells (RowCheck       *rc,
             const PsFrame  *f)
{
  const PsCellType *cell = rc->scenario->cell;
  const PsPack *pack = rc->scenario->pack;
  guint np = pack->n_parallel;
  double cap = np * cell->capacity_ah;

  for (guint i = 0; i < f->n_cells; i++)
    {
      double soc = f->cell_soc[i];
      double v = f->cell_voltage_v[i];
      double t = f->cell_temp_k[i];

      if (!(soc >= -PS_TEST_SOC_TOL && soc <= 1.0 + PS_TEST_SOC_TOL))
        fail_row (rc, "cell %u SOC %.6f outside [0, 1] +- %g", i + 1, soc, PS_TEST_SOC_TOL);
      if (!(v >= cell->voltage_min_v - PS_TEST_V_TOL && v <= cell->voltage_max_v + PS_TEST_V_TOL))
        fail_row (rc, "cell %u at %.6f V, outside its limits %.3f..%.3f V (%g V)",
                  i + 1, v, cell->voltage_min_v, cell->voltage_max_v, PS_TEST_V_TOL);
      if (!isfinite (t) || t > cell->temp_max_k + PS_TEST_T_TOL)
        fail_row (rc, "cell %u at %.4f K, over its limit %.2f K", i + 1, t, cell->temp_max_k);
      if (!isfinite (f->cell_current_a[i]) || !isfinite (f->cell_heat_w[i]))
        fail_row (rc, "cell %u current %g A, heat %g W", i + 1, f->cell_current_a[i],
                  f->cell_heat_w[i]);
    }

  /* charge: Kirchhoff in every group, and the charge each group lost is the
   * charge the pack delivered (all groups carry the same current) */
  for (guint g = 0; g < pack->n_series; g++)
    {
      double sum_i = 0.0, lost_ah = 0.0;

      for (guint i = g * np; i < (g + 1) * np; i++)
        {
          sum_i += f->cell_current_a[i];
          lost_ah += (rc->soc0[i] - f->cell_soc[i]) * rc->capacity_ah[i];
        }
      if (fabs (sum_i - f->pack_current_a) > 1e-9 * MAX (1.0, fabs (f->pack_current_a)))
        fail_row (rc, "group %u: cell currents add up to %.12g A, the pack carries %.12g A",
                  g + 1, sum_i, f->pack_current_a);
      if (fabs (lost_ah - f->charge_ah) > PS_TEST_CHARGE_TOL * MAX (cap, fabs (f->charge_ah)))
        fail_row (rc, "group %u lost %.9g Ah, the pack delivered %.9g Ah", g + 1, lost_ah,
                  f->charge_ah);
    }
}

static void
check_energy (RowCheck     *rc,
              PsSimulation *sim)
{
  double generated = ps_simulation_get_heat_generated_j (sim);
  double loss = ps_simulation_get_electrical_loss_j (sim);
  double accounted = ps_simulation_get_heat_accounted_j (sim);
  double scale = MAX (1.0, fabs (generated));
  /* the thermal solve stops within 1e-8 K a sweep: over a long run that
   * adds up to a fraction of a microkelvin of the whole pack */
  double pack_j_k = rc->scenario->pack->n_cells * rc->scenario->cell->mass_kg
                    * rc->scenario->cell->cp_j_kg_k;

  if (fabs (loss - generated) > 1e-6 * scale)
    fail_row (rc, "electrical loss %.9g J, heat generated %.9g J", loss, generated);
  if (fabs (accounted - generated) > 1e-5 * scale + 1e-6 * pack_j_k)
    fail_row (rc, "heat stored or removed %.9g J, generated %.9g J", accounted, generated);
}

static void
check_ends (RowCheck            *rc,
            Stats               *stats,
            const PsStepEndInfo *ends,
            guint                n_ends,
            double               t,
            guint                n_cells)
{
  for (guint k = 0; k < n_ends; k++)
    {
      const PsStepEndInfo *e = &ends[k];

      if (e->reason == PS_STEP_END_NONE || e->reason > PS_STEP_END_CURRENT_MAX)
        fail_row (rc, "step %u ended with no reason", e->step);
      if (e->step != rc->next_step)
        fail_row (rc, "step %u ended, expected step %u to end next", e->step, rc->next_step);
      if (e->time_s != t)
        fail_row (rc, "step %u ended at %.9g s, reported on the row at %.9g s", e->step,
                  e->time_s, t);
      if (e->cell > n_cells)
        fail_row (rc, "step %u ended for cell %u of %u", e->step, e->cell, n_cells);
      rc->next_step++;
      stats->step_ends++;
      stats->at_once += e->at_once;
      stats->by_reason[e->reason]++;
    }
}

static void
row_check_init (RowCheck         *rc,
                const PsScenario *scenario,
                PsSimulation     *sim,
                const char       *what)
{
  guint n = scenario->pack->n_cells;

  memset (rc, 0, sizeof *rc);
  rc->scenario = scenario;
  rc->what = what;
  rc->next_step = 1;
  rc->t_last = -INFINITY;
  rc->soc0 = g_new (double, n);
  memcpy (rc->soc0, ps_simulation_get_cell_soc (sim), n * sizeof (double));
  rc->capacity_ah = ps_simulation_get_cell_capacity_ah (sim);
}

/* ---- headless ----------------------------------------------------------- */

static void
run_headless (PsScenario *scenario,
              const char *protocol,
              double      dt,
              guint64     max_rows,
              Stats      *stats)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(PsSimulation) sim = NULL;
  g_autoptr(PsFrame) frame = NULL;
  g_autofree char *what = NULL;
  const PsStepEndInfo *ends;
  guint n_ends;
  RowCheck rc;

  ps_scenario_set_protocol (scenario, protocol, &error);
  g_assert_no_error (error);
  scenario->dt_s = dt;
  sim = ps_simulation_new (scenario, &error);
  g_assert_no_error (error);
  frame = ps_frame_new (scenario->pack);
  what = g_strdup_printf ("%s, dt %g s, \"%s\"", scenario->pack->id, dt, protocol);
  row_check_init (&rc, scenario, sim, what);

  for (;;)
    {
      double t = ps_simulation_get_time (sim);

      if (!(t > rc.t_last))
        fail_row (&rc, "time %.12g s does not increase from %.12g s", t, rc.t_last);
      rc.t_last = t;
      ps_simulation_fill_frame (sim, frame);
      check_cells (&rc, frame);
      check_energy (&rc, sim);
      ends = ps_simulation_get_step_ends (sim, &n_ends);
      check_ends (&rc, stats, ends, n_ends, t, frame->n_cells);
      rc.rows++;
      stats->rows++;

      if (rc.rows >= max_rows)
        break;
      if (!ps_simulation_advance (sim, dt))
        {
          /* a last call may end steps without time passing: they belong to
           * the last row (the CLI writes them there) */
          ends = ps_simulation_get_step_ends (sim, &n_ends);
          check_ends (&rc, stats, ends, n_ends, t, frame->n_cells);
          break;
        }
    }

  if (ps_simulation_is_finished (sim) && rc.next_step != scenario->protocol->n_steps + 1)
    fail_row (&rc, "the protocol finished with %u of %u steps ended", rc.next_step - 1,
              scenario->protocol->n_steps);
  stats->runs++;
  g_free (rc.soc0);
}

static void
test_random_protocols_headless (void)
{
  g_auto(GStrv) presets = ps_pack_list_presets ();
  const double dts[] = { 1.0, 10.0, 60.0, 600.0 };
  guint long_scale = scale ();
  guint per_preset = long_scale > 0 ? 40 * long_scale : 40;
  TestRng rng = { seed () };
  Stats stats = { 0 };

  for (guint p = 0; presets[p] != NULL; p++)
    {
      g_autoptr(GError) error = NULL;
      g_autoptr(PsScenario) scenario = ps_scenario_new_from_preset (presets[p], &error);
      /* the 7,104-cell pack costs 40 times more per row than the others */
      gboolean big = FALSE;
      guint n;

      g_assert_no_error (error);
      big = scenario->pack->n_cells > 1000;
      n = big ? MAX (per_preset / 8, 3u) : per_preset;

      for (guint k = 0; k < n; k++)
        {
          g_autofree char *protocol = random_protocol (&rng, scenario);
          double dt = dts[rng_int (&rng, G_N_ELEMENTS (dts))];
          guint64 max_rows = (big ? 40 : 400) * (long_scale > 0 ? 20 : 1);

          /* a random start within the cells' window */
          scenario->initial_soc = 0.05 + 0.95 * rng_uniform (&rng);
          run_headless (scenario, protocol, dt, max_rows, &stats);
          stats.protocols++;
        }
    }

  g_test_message ("%u protocols, %u runs, %" G_GUINT64_FORMAT " rows, %u step ends "
                  "(%u at once): duration %u, horizon %u, until-voltage %u, "
                  "until-current %u, voltage-max %u, voltage-min %u, temperature-max %u, "
                  "current-max %u", stats.protocols, stats.runs, stats.rows, stats.step_ends,
                  stats.at_once, stats.by_reason[PS_STEP_END_DURATION],
                  stats.by_reason[PS_STEP_END_HORIZON],
                  stats.by_reason[PS_STEP_END_UNTIL_VOLTAGE],
                  stats.by_reason[PS_STEP_END_UNTIL_CURRENT],
                  stats.by_reason[PS_STEP_END_VOLTAGE_MAX],
                  stats.by_reason[PS_STEP_END_VOLTAGE_MIN],
                  stats.by_reason[PS_STEP_END_TEMP_MAX],
                  stats.by_reason[PS_STEP_END_CURRENT_MAX]);
  g_assert_cmpuint (stats.protocols, >=, 200);
  /* the random protocols reach every kind of end */
  for (guint r = PS_STEP_END_DURATION; r <= PS_STEP_END_CURRENT_MAX; r++)
    if (r != PS_STEP_END_HORIZON && r != PS_STEP_END_TEMP_MAX)
      g_assert_cmpuint (stats.by_reason[r], >, 0);
  g_assert_cmpuint (stats.at_once, >, 0);
}

/* ---- through the runner with manual loads ------------------------------- */

static void
check_recorder (RowCheck   *rc,
                PsRecorder *recorder,
                gsize      *from)
{
  const PsCellType *cell = rc->scenario->cell;
  gsize length = ps_recorder_get_length (recorder);
  gsize n = length - *from;
  g_autofree double *t = g_new (double, n + 1);
  g_autofree double *vmin = g_new (double, n + 1);
  g_autofree double *vmax = g_new (double, n + 1);
  g_autofree double *tmax = g_new (double, n + 1);
  g_autofree double *soc = g_new (double, n + 1);

  if (n == 0)
    return;
  g_assert_cmpuint (ps_recorder_read (recorder, PS_SERIES_TIME_S, *from, n, t), ==, n);
  ps_recorder_read (recorder, PS_SERIES_CELL_VOLTAGE_MIN_V, *from, n, vmin);
  ps_recorder_read (recorder, PS_SERIES_CELL_VOLTAGE_MAX_V, *from, n, vmax);
  ps_recorder_read (recorder, PS_SERIES_CELL_TEMP_MAX_K, *from, n, tmax);
  ps_recorder_read (recorder, PS_SERIES_PACK_SOC, *from, n, soc);
  for (gsize k = 0; k < n; k++)
    {
      if (!(t[k] > rc->t_last))
        fail_row (rc, "recorded time %.12g s does not increase from %.12g s", t[k], rc->t_last);
      rc->t_last = t[k];
      rc->rows++;
      if (vmin[k] < cell->voltage_min_v - PS_TEST_V_TOL ||
          vmax[k] > cell->voltage_max_v + PS_TEST_V_TOL)
        fail_row (rc, "recorded cell voltages %.6f..%.6f V outside %.3f..%.3f V",
                  vmin[k], vmax[k], cell->voltage_min_v, cell->voltage_max_v);
      if (!isfinite (tmax[k]) || tmax[k] > cell->temp_max_k + PS_TEST_T_TOL)
        fail_row (rc, "recorded temperature %.4f K over the limit", tmax[k]);
      if (!(soc[k] >= -PS_TEST_SOC_TOL && soc[k] <= 1.0 + PS_TEST_SOC_TOL))
        fail_row (rc, "recorded pack SOC %.6f outside [0, 1] +- %g", soc[k], PS_TEST_SOC_TOL);
    }
  *from = length;
}

static void
test_random_manual_loads_runner (void)
{
  g_auto(GStrv) presets = ps_pack_list_presets ();
  guint long_scale = scale ();
  guint per_preset = long_scale > 0 ? 6 * long_scale : 6;
  TestRng rng = { seed () + 1 };
  guint loads = 0, limited = 0;

  for (guint p = 0; presets[p] != NULL; p++)
    {
      g_autoptr(GError) error = NULL;
      g_autoptr(PsScenario) scenario = ps_scenario_new_from_preset (presets[p], &error);
      g_autoptr(PsRunner) runner = NULL;
      g_autoptr(PsRecorder) recorder = NULL;
      g_autofree char *what = NULL;
      gboolean big;
      gsize from = 0;
      RowCheck rc;

      g_assert_no_error (error);
      big = scenario->pack->n_cells > 1000;
      scenario->initial_soc = 0.5;
      scenario->dt_s = big ? 10.0 : 5.0;
      runner = ps_runner_new (scenario, &error);
      g_assert_no_error (error);
      what = g_strdup_printf ("runner %s", presets[p]);
      memset (&rc, 0, sizeof rc);
      rc.scenario = scenario;
      rc.what = what;
      rc.t_last = -INFINITY;

      for (guint k = 0; k < (big ? 2 : per_preset); k++)
        {
          g_autoptr(PsFrame) frame = NULL;
          double cap_a = scenario->pack->n_parallel * scenario->cell->capacity_ah;
          double magnitude = rng_log (&rng, 1e-2, 1e3);
          double sign = rng_int (&rng, 2) == 0 ? 1.0 : -1.0;
          PsLoad load;

          if (rng_int (&rng, 2) == 0)
            {
              load.mode = PS_LOAD_CURRENT;
              load.value = sign * magnitude * cap_a;
            }
          else
            {
              load.mode = PS_LOAD_POWER;
              load.value = sign * magnitude * cap_a * scenario->cell->voltage_nominal_v
                           * scenario->pack->n_series;
            }
          ps_runner_set_load (runner, &load);
          ps_runner_run_until (runner, (k + 1) * (big ? 300.0 : 1800.0));
          frame = ps_runner_dup_frame (runner);
          loads++;
          limited += frame->manual_limited;
          g_assert_true (frame->manual_load);
          if (frame->manual_limited)
            {
              g_assert_cmpint (frame->end_reason, !=, PS_STEP_END_NONE);
              g_assert_cmpuint (frame->end_step, ==, 0);
              g_assert_nonnull (frame->end_text);
            }
          recorder = ps_runner_dup_recorder (runner);
          check_recorder (&rc, recorder, &from);
          g_clear_pointer (&recorder, ps_recorder_unref);
        }
    }

  g_test_message ("%u manual loads through the runner, %u stopped or held by a limit",
                  loads, limited);
  g_assert_cmpuint (limited, >, 0);
}

int
main (int    argc,
      char **argv)
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/engine/invariants/random-protocols-headless",
                   test_random_protocols_headless);
  g_test_add_func ("/engine/invariants/random-manual-loads-runner",
                   test_random_manual_loads_runner);

  return g_test_run ();
}
