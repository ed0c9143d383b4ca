/* test-runner.c: frames, the recorder and the runner thread */
#include "config.h"

#include <math.h>
#include <string.h>

#include "ps-engine.h"
#include "ps-cell-type-private.h"
#include "ps-pack-private.h"
#include "ps-scenario-private.h"

/* ---- a pack made by hand (the recorder needs only the cell count) ------- */

static PsPack *
hand_made_pack (guint n_series,
                guint n_parallel)
{
  PsPack *pack = g_new0 (PsPack, 1);

  g_atomic_ref_count_init (&pack->ref_count);
  pack->n_series = n_series;
  pack->n_parallel = n_parallel;
  pack->n_cells = n_series * n_parallel;

  return pack;
}

/* The test holds the last reference; free what hand_made_pack() made
 * without depending on ps_pack_unref()'s view of a half-empty pack. */
static void
hand_made_pack_free (PsPack *pack)
{
  g_assert_true (g_atomic_ref_count_compare (&pack->ref_count, 1));
  g_free (pack);
}

/* ---- frames ------------------------------------------------------------- */

static void
test_frame_extremes (void)
{
  PsPack *pack = hand_made_pack (3, 2);
  PsFrame *frame = ps_frame_new (pack);
  const double v[] = { 3.7, 3.6, 3.9, 3.65, 3.8, 3.75 };
  const double t[] = { 300, 299, 305, 301, 302, 298 };

  g_assert_cmpuint (frame->n_cells, ==, 6);
  for (guint i = 0; i < 6; i++)
    {
      /* zeroed, and the arrays do not overlap */
      g_assert_cmpfloat (frame->cell_voltage_v[i], ==, 0.0);
      g_assert_cmpfloat (frame->cell_heat_w[i], ==, 0.0);
      frame->cell_voltage_v[i] = v[i];
      frame->cell_temp_k[i] = t[i];
      frame->cell_soc[i] = 0.1 * (i + 1);
      frame->cell_current_a[i] = -1.0;
      frame->cell_heat_w[i] = 2.0;
    }
  ps_frame_update_extremes (frame);

  g_assert_cmpfloat (frame->cell_voltage_min_v, ==, 3.6);
  g_assert_cmpuint (frame->cell_voltage_min_idx, ==, 1);
  g_assert_cmpfloat (frame->cell_voltage_max_v, ==, 3.9);
  g_assert_cmpuint (frame->cell_voltage_max_idx, ==, 2);
  g_assert_cmpfloat (frame->cell_temp_min_k, ==, 298);
  g_assert_cmpuint (frame->cell_temp_min_idx, ==, 5);
  g_assert_cmpfloat (frame->cell_temp_max_k, ==, 305);
  g_assert_cmpuint (frame->cell_temp_max_idx, ==, 2);
  g_assert_cmpfloat_with_epsilon (frame->cell_temp_mean_k, 1805.0 / 6.0, 1e-12);
  g_assert_cmpfloat_with_epsilon (frame->cell_soc_min, 0.1, 1e-15);
  g_assert_cmpfloat_with_epsilon (frame->cell_soc_max, 0.6, 1e-15);
  g_assert_cmpfloat (frame->cell_voltage_v[5], ==, 3.75);
  g_assert_cmpfloat (frame->cell_current_a[0], ==, -1.0);

  ps_frame_ref (frame);
  ps_frame_unref (frame);
  g_assert_true (g_atomic_ref_count_compare (&frame->ref_count, 1));
  ps_frame_unref (frame);
  hand_made_pack_free (pack);
}

/* ---- recorder ----------------------------------------------------------- */

/* A known, non-monotonic signal per cell: a sawtooth of period 97 samples
 * shifted by the cell index, in steps of 1 mV. */
static inline double
known_voltage (guint64 sample,
               guint   cell)
{
  return 3.0 + 0.001 * (double) ((sample + cell) % 97);
}

static void
fill_known_frame (PsFrame *frame,
                  guint64  sample)
{
  frame->time_s = (double) sample;
  frame->step = 1;
  frame->pack_voltage_v = 350.0 - 1e-3 * sample;
  frame->charge_ah = 0.01 * sample;
  for (guint i = 0; i < frame->n_cells; i++)
    {
      frame->cell_voltage_v[i] = known_voltage (sample, i);
      frame->cell_temp_k[i] = 298.15 + 1e-4 * (double) sample;
    }
  /* the fields the envelope of temperature and the totals read */
  frame->cell_temp_min_k = 298.15 + 1e-4 * (double) sample;
  frame->cell_temp_max_k = frame->cell_temp_min_k;
}

static void
check_envelope (PsRecorder *recorder,
                guint       cell,
                guint64     n_samples,
                gsize       max_bins)
{
  g_autofree double *bin_time = g_new (double, max_bins);
  g_autofree float *mn = g_new (float, max_bins);
  g_autofree float *mx = g_new (float, max_bins);
  gsize n_bins;

  n_bins = ps_recorder_read_cell (recorder, cell, PS_CELL_QUANTITY_VOLTAGE,
                                  bin_time, mn, mx, max_bins);
  g_assert_cmpuint (n_bins, >, 0);
  g_assert_cmpuint (n_bins, <=, max_bins);
  g_assert_cmpfloat (bin_time[0], ==, 0.0);

  for (gsize b = 0; b < n_bins; b++)
    {
      guint64 first = (guint64) bin_time[b];
      guint64 end = b + 1 < n_bins ? (guint64) bin_time[b + 1] : n_samples;
      float want_min = G_MAXFLOAT, want_max = -G_MAXFLOAT;

      g_assert_cmpuint (end, >, first);
      for (guint64 s = first; s < end; s++)
        {
          float v = (float) known_voltage (s, cell);

          want_min = MIN (want_min, v);
          want_max = MAX (want_max, v);
        }
      g_assert_cmpfloat (mn[b], ==, want_min);
      g_assert_cmpfloat (mx[b], ==, want_max);
    }
}

/* A 10 h run at dt = 1 s of the 7,104-cell pack stays under 300 MB, and the
 * envelopes of a known signal are exactly its min and max per bin. */
static void
test_recorder_memory_bounded_10h_model_s (void)
{
  const guint64 n_samples = 36000;
  PsPack *pack = hand_made_pack (96, 74);
  PsFrame *frame = ps_frame_new (pack);
  PsRecorder *recorder = ps_recorder_new (pack->n_cells);
  double times[8], volts[8];
  gsize bytes;

  g_assert_cmpuint (ps_recorder_get_n_cells (recorder), ==, 7104);

  for (guint64 s = 0; s < n_samples; s++)
    {
      fill_known_frame (frame, s);
      ps_recorder_append (recorder, frame);
    }

  bytes = ps_recorder_get_memory_bytes (recorder);
  g_test_message ("recorder after 10 h of model-s-85 at 1 s: %.1f MB", bytes / 1e6);
  g_assert_cmpuint (bytes, <, 300u * 1000u * 1000u);
  /* and so does the bound for a run of any length */
  g_assert_cmpuint (bytes, <=, ps_recorder_get_memory_bound (7104));
  g_assert_cmpuint (ps_recorder_get_memory_bound (7104), <, 300u * 1000u * 1000u);
  /* and it did keep something for all those cells */
  g_assert_cmpuint (bytes, >, (gsize) n_samples * PS_N_SERIES * sizeof (double));

  g_assert_cmpuint (ps_recorder_get_length (recorder), ==, n_samples);
  g_assert_cmpuint (ps_recorder_read (recorder, PS_SERIES_TIME_S, 35996, 8, times), ==, 4);
  g_assert_cmpfloat (times[0], ==, 35996.0);
  g_assert_cmpfloat (times[3], ==, 35999.0);
  /* across a chunk boundary */
  g_assert_cmpuint (ps_recorder_read (recorder, PS_SERIES_PACK_VOLTAGE_V, 4093, 8, volts), ==, 8);
  for (guint i = 0; i < 8; i++)
    g_assert_cmpfloat (volts[i], ==, 350.0 - 1e-3 * (4093 + i));
  g_assert_cmpuint (ps_recorder_read (recorder, PS_SERIES_TIME_S, 36000, 8, times), ==, 0);

  g_assert_cmpuint (ps_recorder_find_time (recorder, 1234.5), ==, 1235);
  g_assert_cmpuint (ps_recorder_find_time (recorder, -1.0), ==, 0);
  g_assert_cmpuint (ps_recorder_find_time (recorder, 1e9), ==, n_samples);

  /* all bins, and thinned to fewer bins than the recorder holds */
  check_envelope (recorder, 0, n_samples, 4096);
  check_envelope (recorder, 4321, n_samples, 4096);
  check_envelope (recorder, 7103, n_samples, 100);

  ps_recorder_clear (recorder);
  g_assert_cmpuint (ps_recorder_get_length (recorder), ==, 0);
  g_assert_cmpuint (ps_recorder_read_cell (recorder, 0, PS_CELL_QUANTITY_VOLTAGE,
                                           NULL, NULL, NULL, 10), ==, 0);

  ps_recorder_unref (recorder);
  ps_frame_unref (frame);
  hand_made_pack_free (pack);
}

/* Beyond the full-rate window the pack totals live on as a bounded,
 * decimated history: memory stops growing, every step keeps its index and
 * time, and a single-step peak and trough deep in the history still show. */
static void
test_recorder_history_bounded_keeps_extremes (void)
{
  const guint64 n_samples = 3000000;
  const guint64 trough_at = 1234567, peak_at = 2000001;
  const gsize window = 2 * 4096;
  PsPack *pack = hand_made_pack (2, 2);
  PsFrame *frame = ps_frame_new (pack);
  PsRecorder *recorder = ps_recorder_new_full (pack->n_cells, window);
  g_autofree double *t = g_new (double, 4096);
  g_autofree double *v = g_new (double, 4096);
  double v_min = INFINITY, v_max = -INFINITY, t_min = -1, t_max = -1, t_prev = -1;
  gsize bytes_at_1m = 0, full_start;

  for (guint64 s = 0; s < n_samples; s++)
    {
      frame->time_s = (double) s;
      frame->step = 1;
      frame->pack_voltage_v = s == trough_at ? 100.0 : s == peak_at ? 500.0
                              : 350.0 - 1e-3 * (double) (s % 1000);
      frame->charge_ah = 1e-3 * (double) s;
      ps_recorder_append (recorder, frame);
      if (s == 1000000)
        bytes_at_1m = ps_recorder_get_memory_bytes (recorder);
    }

  g_assert_cmpuint (ps_recorder_get_length (recorder), ==, n_samples);
  full_start = ps_recorder_get_full_rate_start (recorder);
  g_test_message ("full rate from step %" G_GSIZE_FORMAT ", %.2f MB",
                  full_start, ps_recorder_get_memory_bytes (recorder) / 1e6);
  g_assert_cmpuint (full_start, >, 0);
  g_assert_cmpuint (full_start, >=, n_samples - window - 4096);
  g_assert_cmpuint (full_start % 4096, ==, 0);
  /* bounded: nothing more after the first million steps */
  g_assert_cmpuint (ps_recorder_get_memory_bytes (recorder), ==, bytes_at_1m);

  for (gsize start = 0; start < n_samples; start += 4096)
    {
      gsize n = ps_recorder_read (recorder, PS_SERIES_TIME_S, start, 4096, t);

      g_assert_cmpuint (n, ==, MIN ((gsize) 4096, n_samples - start));
      g_assert_cmpuint (ps_recorder_read (recorder, PS_SERIES_PACK_VOLTAGE_V, start, 4096, v), ==, n);
      for (gsize i = 0; i < n; i++)
        {
          /* time is the step's own wherever it is kept (uniform dt) */
          g_assert_cmpfloat (t[i], ==, (double) (start + i));
          g_assert_cmpfloat (t[i], >=, t_prev);
          t_prev = t[i];
          if (v[i] < v_min)
            v_min = v[i], t_min = t[i];
          if (v[i] > v_max)
            v_max = v[i], t_max = t[i];
          /* the full-rate window is exact */
          if (start + i >= full_start)
            g_assert_cmpfloat (v[i], ==, 350.0 - 1e-3 * (double) ((start + i) % 1000));
        }
    }
  g_assert_cmpfloat (v_min, ==, 100.0);
  g_assert_cmpfloat (v_max, ==, 500.0);
  g_test_message ("trough read at %.0f s (true %" G_GUINT64_FORMAT "), peak at %.0f s (true %"
                  G_GUINT64_FORMAT ")", t_min, trough_at, t_max, peak_at);
  g_assert_cmpfloat (fabs (t_min - (double) trough_at), <, 1024.0);
  g_assert_cmpfloat (fabs (t_max - (double) peak_at), <, 1024.0);
  g_assert_cmpuint (ps_recorder_find_time (recorder, (double) trough_at), ==, trough_at);

  /* what a plot reads: a bounded number of points for the whole run (two a
   * history bin, then the window's samples), in time order, peak and
   * trough among them */
  {
    gsize n_points = 0, covered = 0, reached = 0;
    double p_min = INFINITY, p_max = -INFINITY;

    t_prev = -1;
    for (gsize start = 0; start < n_samples; start += covered)
      {
        gsize n = ps_recorder_read_points (recorder, PS_SERIES_PACK_VOLTAGE_V, start,
                                           n_samples - start, t, v, 4096, &covered);

        g_assert_cmpuint (covered, >, 0);
        g_assert_cmpuint (n, >, 0);
        for (gsize i = 0; i < n; i++)
          {
            g_assert_cmpfloat (t[i], >=, t_prev);
            t_prev = t[i];
            p_min = MIN (p_min, v[i]);
            p_max = MAX (p_max, v[i]);
          }
        n_points += n;
        reached = start + covered;
      }
    g_test_message ("a plot of the whole run reads %" G_GSIZE_FORMAT " points", n_points);
    g_assert_cmpuint (reached, ==, n_samples);
    g_assert_cmpuint (n_points, <=, 2 * 16384 + (n_samples - full_start));
    g_assert_cmpfloat (p_min, ==, 100.0);
    g_assert_cmpfloat (p_max, ==, 500.0);
    g_assert_cmpfloat (t_prev, ==, (double) (n_samples - 1));
  }
  g_assert_cmpuint (ps_recorder_find_time (recorder, 1e12), ==, n_samples);

  ps_recorder_clear (recorder);
  g_assert_cmpuint (ps_recorder_get_length (recorder), ==, 0);
  g_assert_cmpuint (ps_recorder_get_full_rate_start (recorder), ==, 0);

  ps_recorder_unref (recorder);
  ps_frame_unref (frame);
  hand_made_pack_free (pack);
}

static PsScenario *scenario_with_protocol (const char *id,
                                           const char *protocol);

/* VmRSS of this process in bytes, from /proc/self/status (0 if unknown). */
static gsize
read_vm_rss (void)
{
  g_autofree char *status = NULL;
  const char *line;

  if (!g_file_get_contents ("/proc/self/status", &status, NULL, NULL))
    return 0;
  line = strstr (status, "VmRSS:");
  if (line == NULL)
    return 0;
  return (gsize) g_ascii_strtoull (line + strlen ("VmRSS:"), NULL, 10) * 1024;
}

typedef struct
{
  gint  stop;
  gsize peak;
  guint samples;
} RssSampler;

static gpointer
rss_sampler (gpointer data)
{
  RssSampler *sampler = data;

  while (!g_atomic_int_get (&sampler->stop))
    {
      sampler->peak = MAX (sampler->peak, read_vm_rss ());
      sampler->samples++;
      g_usleep (20000);
    }
  sampler->peak = MAX (sampler->peak, read_vm_rss ());
  return NULL;
}

/* 10,000 simulated hours at dt = 1 s (36 million steps) through the runner:
 * RSS, sampled all along, stays within the recorder's stated bound (the
 * single-cell pack keeps the test fast; the bench reports Model S), and the
 * recorder still holds the whole run. */
static void
test_runner_10000_hours_memory_bounded (void)
{
  g_autoptr(GString) protocol = g_string_new (NULL);
  g_autoptr(PsScenario) scenario = NULL;
  g_autoptr(PsRunner) runner = NULL;
  g_autoptr(PsRecorder) recorder = NULL;
  g_autoptr(GError) error = NULL;
  RssSampler sampler = { 0 };
  GThread *thread;
  gsize rss_before, bound, length, full_start;
  double soc_min = INFINITY, soc_max = -INFINITY, t_end = 0;
  g_autofree double *buf = g_new (double, 4096);
  gint64 wall;
#if defined(__SANITIZE_ADDRESS__) || defined(__SANITIZE_THREAD__)
  /* 10x slower there: 1,000 h still runs far past the full-rate window */
  const guint hours = 1000;
#else
  const guint hours = 10000;
#endif

  for (guint i = 0; i < hours / 20; i++)
    g_string_append (protocol, "Discharge at 0.05C for 10 hours; Charge at 0.05C for 10 hours;");
  scenario = scenario_with_protocol ("lg-m50", protocol->str);
  ps_scenario_set_dt_s (scenario, 1.0);
  runner = ps_runner_new (scenario, &error);
  g_assert_no_error (error);
  recorder = ps_runner_dup_recorder (runner);
  bound = ps_recorder_get_memory_bound (ps_recorder_get_n_cells (recorder));

  rss_before = read_vm_rss ();
  g_assert_cmpuint (rss_before, >, 0);
  thread = g_thread_new ("rss", rss_sampler, &sampler);
  wall = g_get_monotonic_time ();
  ps_runner_run_until (runner, hours * 3600.0);
  wall = g_get_monotonic_time () - wall;
  g_atomic_int_set (&sampler.stop, TRUE);
  g_thread_join (thread);

  length = ps_recorder_get_length (recorder);
  full_start = ps_recorder_get_full_rate_start (recorder);
  g_test_message ("%u h at 1 s: %" G_GSIZE_FORMAT " steps in %.1f s wall; RSS %.1f MB before, "
                  "peak %.1f MB (%u samples); recorder %.1f MB, bound %.1f MB; full rate from step %"
                  G_GSIZE_FORMAT, hours, length, wall / 1e6, rss_before / 1e6, sampler.peak / 1e6,
                  sampler.samples, ps_recorder_get_memory_bytes (recorder) / 1e6, bound / 1e6,
                  full_start);
  /* (a charge may stop at the upper voltage limit a little early) */
  g_assert_cmpuint (length, >, hours * 3600u - 10000u);
  g_assert_cmpuint (ps_recorder_get_memory_bytes (recorder), <=, bound);
#if defined(__SANITIZE_ADDRESS__) || defined(__SANITIZE_THREAD__)
  /* shadow memory and ASan's quarantine of freed frames swell the RSS by
   * more than the bound itself: the recorder's own count above still holds */
  g_test_message ("under a sanitizer: RSS not compared with the bound");
#else
  g_assert_cmpuint (sampler.peak, <, rss_before + bound + 16u * 1000u * 1000u);
  g_assert_cmpuint (sampler.peak, <, 300u * 1000u * 1000u);
#endif

  /* the whole run is still there for the curves: from t = 0 to the end,
   * with the cycles' full swing of SOC in the oldest hours */
  g_assert_cmpuint (full_start, >, 0);
  g_assert_cmpuint (ps_recorder_read (recorder, PS_SERIES_TIME_S, length - 1, 1, &t_end), ==, 1);
  g_assert_cmpfloat (t_end, >, (hours - 10) * 3600.0);
  for (gsize start = 0; start < 100 * 3600; start += 4096)
    {
      gsize n = ps_recorder_read (recorder, PS_SERIES_PACK_SOC, start, 4096, buf);

      for (gsize i = 0; i < n; i++)
        {
          soc_min = MIN (soc_min, buf[i]);
          soc_max = MAX (soc_max, buf[i]);
        }
    }
  g_test_message ("SOC in the first 100 h: %.3f..%.3f", soc_min, soc_max);
  g_assert_cmpfloat (soc_max - soc_min, >, 0.45);
}

typedef struct
{
  PsRecorder *recorder;
  guint64     n_samples;
  gint        done;
} WriterData;

static gpointer
recorder_writer (gpointer user_data)
{
  WriterData *data = user_data;
  PsPack *pack = hand_made_pack (4, 4);
  PsFrame *frame = ps_frame_new (pack);

  for (guint64 s = 0; s < data->n_samples; s++)
    {
      fill_known_frame (frame, s);
      ps_recorder_append (data->recorder, frame);
    }
  g_atomic_int_set (&data->done, TRUE);

  ps_frame_unref (frame);
  hand_made_pack_free (pack);
  return NULL;
}

/* Readers on another thread always see a complete prefix. */
static void
test_recorder_readers_see_consistent_prefix (void)
{
  WriterData data = { ps_recorder_new (16), 200000, FALSE };
  g_autofree double *buf = g_new (double, 4096);
  GThread *writer;
  guint reads = 0;

  writer = g_thread_new ("writer", recorder_writer, &data);

  while (!g_atomic_int_get (&data.done) || reads == 0)
    {
      gsize length = ps_recorder_get_length (data.recorder);
      gsize start = length > 4096 ? length - 4096 : 0;
      gsize n = ps_recorder_read (data.recorder, PS_SERIES_TIME_S, start, 4096, buf);
      float mn[64], mx[64];
      double bt[64];
      gsize n_bins;

      g_assert_cmpuint (n, >=, length - start);
      for (gsize i = 0; i < n; i++)
        g_assert_cmpfloat (buf[i], ==, (double) (start + i));
      n = ps_recorder_read (data.recorder, PS_SERIES_CHARGE_AH, start, 4096, buf);
      for (gsize i = 0; i < n; i++)
        g_assert_cmpfloat (buf[i], ==, 0.01 * (double) (start + i));

      n_bins = ps_recorder_read_cell (data.recorder, 3, PS_CELL_QUANTITY_VOLTAGE,
                                      bt, mn, mx, 64);
      for (gsize b = 0; b < n_bins; b++)
        {
          g_assert_cmpfloat (mn[b], >=, 3.0f);
          g_assert_cmpfloat (mx[b], <=, 3.1f);
          g_assert_cmpfloat (mn[b], <=, mx[b]);
          if (b > 0)
            g_assert_cmpfloat (bt[b], >, bt[b - 1]);
        }
      reads++;
    }

  g_thread_join (writer);
  g_test_message ("%u concurrent reads", reads);
  g_assert_cmpuint (ps_recorder_get_length (data.recorder), ==, data.n_samples);
  ps_recorder_unref (data.recorder);
}

/* ---- runner ------------------------------------------------------------- */

static PsScenario *
scenario_with_protocol (const char *id,
                        const char *protocol)
{
  g_autoptr(GError) error = NULL;
  PsScenario *scenario = ps_scenario_new_from_preset (id, &error);

  g_assert_no_error (error);
  if (protocol != NULL)
    {
      ps_scenario_set_protocol (scenario, protocol, &error);
      g_assert_no_error (error);
    }
  return scenario;
}

static void
load_done (GObject      *object,
           GAsyncResult *result,
           gpointer      user_data)
{
  GAsyncResult **out = user_data;

  *out = g_object_ref (result);
}

/* Loads scenario into runner and waits for the worker's answer. */
static gboolean
load_and_wait (PsRunner         *runner,
               const PsScenario *scenario,
               GError          **error)
{
  g_autoptr(GAsyncResult) result = NULL;

  ps_runner_load_scenario_async (runner, scenario, NULL, load_done, &result);
  while (result == NULL)
    g_main_context_iteration (NULL, TRUE);

  return ps_runner_load_scenario_finish (runner, result, error);
}

/* A scenario the simulation refuses comes back as an error naming the
 * problem, and the runner goes on with the old one (frame, recorder); a
 * good one replaces both. */
static void
test_runner_load_scenario_answers (void)
{
  g_autoptr(PsScenario) first = scenario_with_protocol ("leaf-2011", "Discharge at 1C for 1 hour");
  g_autoptr(PsScenario) bad = scenario_with_protocol ("lg-m50", NULL);
  g_autoptr(PsScenario) good = scenario_with_protocol ("lg-m50", NULL);
  g_autoptr(GError) error = NULL;
  g_autoptr(PsRunner) runner = NULL;
  g_autoptr(PsRecorder) recorder = NULL;
  PsFrame *frame = NULL;
  PsRecorder *after = NULL;

  runner = ps_runner_new (first, &error);
  g_assert_no_error (error);
  ps_runner_run_until (runner, 60.0);
  recorder = ps_runner_dup_recorder (runner);

  bad->dt_s = -1.0;
  g_assert_false (load_and_wait (runner, bad, &error));
  g_assert_error (error, PS_ENGINE_ERROR, PS_ENGINE_ERROR_INVALID);
  g_test_message ("refused: %s", error->message);
  g_assert_nonnull (strstr (error->message, "dt_s"));
  g_clear_error (&error);

  ps_runner_sync (runner);
  ps_runner_dup_frame_and_recorder (runner, &frame, &after);
  g_assert_cmpuint (frame->n_cells, ==, first->pack->n_cells);
  g_assert_cmpfloat (frame->time_s, >=, 60.0);
  g_assert_true (after == recorder);
  g_clear_pointer (&frame, ps_frame_unref);
  g_clear_pointer (&after, ps_recorder_unref);

  g_assert_true (load_and_wait (runner, good, &error));
  g_assert_no_error (error);
  ps_runner_sync (runner);
  ps_runner_dup_frame_and_recorder (runner, &frame, &after);
  g_assert_cmpuint (frame->n_cells, ==, good->pack->n_cells);
  g_assert_cmpfloat (frame->time_s, ==, 0.0);
  g_assert_true (after != recorder);
  g_assert_cmpuint (ps_recorder_get_n_cells (after), ==, good->pack->n_cells);
  ps_frame_unref (frame);
  ps_recorder_unref (after);
}

static void
test_runner_single_step_advances_one_dt (void)
{
  g_autoptr(PsScenario) scenario =
    scenario_with_protocol ("leaf-2011", "Discharge at 1C for 1 hour");
  g_autoptr(GError) error = NULL;
  g_autoptr(PsRunner) runner = NULL;
  g_autoptr(PsFrame) first = NULL;
  g_autoptr(PsFrame) second = NULL;
  g_autoptr(PsFrame) third = NULL;
  g_autoptr(PsRecorder) recorder = NULL;

  runner = ps_runner_new (scenario, &error);
  g_assert_no_error (error);

  /* paused at t = 0 with a frame already published */
  g_assert_false (ps_runner_is_playing (runner));
  first = ps_runner_dup_frame (runner);
  g_assert_nonnull (first);
  g_assert_cmpfloat (first->time_s, ==, 0.0);
  g_assert_cmpuint (first->n_cells, ==, 192);

  ps_runner_single_step (runner);
  ps_runner_sync (runner);
  second = ps_runner_dup_frame (runner);
  g_assert_cmpfloat_with_epsilon (second->time_s, scenario->dt_s, 1e-12);
  g_assert_cmpuint (second->serial, >, first->serial);
  g_assert_cmpuint (second->step, ==, 1);
  g_assert_cmpfloat (second->pack_current_a, >, 0.0);

  ps_runner_single_step (runner);
  ps_runner_single_step (runner);
  ps_runner_sync (runner);
  third = ps_runner_dup_frame (runner);
  g_assert_cmpfloat_with_epsilon (third->time_s, 3 * scenario->dt_s, 1e-12);
  g_assert_false (ps_runner_is_playing (runner));

  /* the t = 0 sample and one per step */
  recorder = ps_runner_dup_recorder (runner);
  g_assert_cmpuint (ps_recorder_get_length (recorder), ==, 4);
  g_assert_cmpuint (ps_recorder_get_n_cells (recorder), ==, 192);

  /* the runner is gone: what we hold is ours alone */
  g_clear_pointer (&runner, ps_runner_unref);
  g_assert_true (g_atomic_ref_count_compare (&first->ref_count, 1));
  g_assert_true (g_atomic_ref_count_compare (&third->ref_count, 1));
}

static void
test_runner_run_until_reaches_time (void)
{
  g_autoptr(PsScenario) scenario =
    scenario_with_protocol ("leaf-2011", "Discharge at 0.5C for 1 hour; Rest for 1 hour");
  g_autoptr(GError) error = NULL;
  g_autoptr(PsRunner) runner = NULL;
  g_autoptr(PsFrame) frame = NULL;
  g_autoptr(PsFrame) after_reset = NULL;
  g_autoptr(PsRecorder) recorder = NULL;
  g_autoptr(PsRecorder) new_recorder = NULL;
  double times[2];
  gsize length;

  runner = ps_runner_new (scenario, &error);
  g_assert_no_error (error);
  ps_runner_set_speed (runner, 1.0);   /* run_until ignores the pace */

  ps_runner_run_until (runner, 1800.0);
  frame = ps_runner_dup_frame (runner);
  g_assert_cmpfloat (frame->time_s, >=, 1800.0);
  g_assert_cmpfloat (frame->time_s, <, 1800.0 + scenario->dt_s);
  g_assert_false (ps_runner_is_playing (runner));
  g_assert_cmpfloat (frame->charge_ah, >, 0.0);

  recorder = ps_runner_dup_recorder (runner);
  length = ps_recorder_get_length (recorder);
  g_assert_cmpuint (length, ==, (gsize) llround (frame->time_s / scenario->dt_s) + 1);
  g_assert_cmpuint (ps_recorder_read (recorder, PS_SERIES_TIME_S, length - 2, 2, times), ==, 2);
  g_assert_cmpfloat (times[1], ==, frame->time_s);
  g_assert_cmpfloat (times[0], <, times[1]);

  /* already there: returns at once */
  ps_runner_run_until (runner, 10.0);
  g_clear_pointer (&frame, ps_frame_unref);
  frame = ps_runner_dup_frame (runner);
  g_assert_cmpfloat (frame->time_s, >=, 1800.0);

  /* reset replaces the recorder and goes back to t = 0 */
  ps_runner_reset (runner);
  ps_runner_sync (runner);
  after_reset = ps_runner_dup_frame (runner);
  g_assert_cmpfloat (after_reset->time_s, ==, 0.0);
  g_assert_cmpuint (after_reset->serial, >, frame->serial);
  new_recorder = ps_runner_dup_recorder (runner);
  g_assert_true (new_recorder != recorder);
  g_assert_cmpuint (ps_recorder_get_length (new_recorder), ==, 1);
  /* the old recorder is still readable by whoever holds it */
  g_assert_cmpuint (ps_recorder_get_length (recorder), ==, length);

  /* past the end of the protocol: stops when it finishes */
  ps_runner_run_until (runner, 1e7);
  g_clear_pointer (&frame, ps_frame_unref);
  frame = ps_runner_dup_frame (runner);
  g_assert_true (frame->finished);
  g_assert_cmpfloat_with_epsilon (frame->time_s, 7200.0, 1e-6);
  g_assert_false (ps_runner_is_playing (runner));
}

static void
test_runner_pauses_when_protocol_finishes (void)
{
  g_autoptr(PsScenario) scenario =
    scenario_with_protocol ("lg-m50", "Discharge at 1C for 30 s");
  g_autoptr(GError) error = NULL;
  g_autoptr(PsRunner) runner = NULL;
  g_autoptr(PsFrame) frame = NULL;
  gint64 deadline = g_get_monotonic_time () + 30 * G_USEC_PER_SEC;

  runner = ps_runner_new (scenario, &error);
  g_assert_no_error (error);
  ps_runner_set_speed (runner, PS_RUNNER_SPEED_MAX);
  g_assert_cmpfloat (ps_runner_get_speed (runner), ==, PS_RUNNER_SPEED_MAX);
  /* the worker may already have finished those 30 steps when play returns */
  ps_runner_play (runner);

  while (ps_runner_is_playing (runner))
    {
      g_assert_cmpint (g_get_monotonic_time (), <, deadline);
      g_usleep (1000);
    }
  ps_runner_sync (runner);
  frame = ps_runner_dup_frame (runner);
  g_assert_true (frame->finished);
  g_assert_cmpfloat_with_epsilon (frame->time_s, 30.0, 1e-9);
}

/* At a finite speed, simulated time follows wall time x speed: never ahead
 * of it, and not far behind. The lower bound allows a factor of 3 (a loaded
 * 2-core machine may deschedule the worker, and a lag of more than 0.25 wall
 * seconds re-anchors the pace), and the window is tried up to three times, so
 * a stall passes while a runner pacing 10x too slow fails every time. */
static void
test_runner_paces_to_wall_time (void)
{
  g_autoptr(PsScenario) scenario =
    scenario_with_protocol ("lg-m50", "Discharge at 0.1C for 10 hours");
  g_autoptr(GError) error = NULL;
  g_autoptr(PsRunner) runner = NULL;
  g_autoptr(PsFrame) frame = NULL;
  g_autoptr(PsFrame) later = NULL;
  const double speed = 200.0;
  gboolean kept_pace = FALSE;

  runner = ps_runner_new (scenario, &error);
  g_assert_no_error (error);
  ps_runner_set_speed (runner, speed);
  ps_runner_sync (runner);

  for (guint attempt = 0; attempt < 3 && !kept_pace; attempt++)
    {
      double sim_start, sim_elapsed, expected;
      gint64 start, elapsed;

      g_clear_pointer (&frame, ps_frame_unref);
      frame = ps_runner_dup_frame (runner);
      sim_start = frame->time_s;
      start = g_get_monotonic_time ();
      ps_runner_play (runner);
      g_usleep (400 * 1000);
      g_clear_pointer (&frame, ps_frame_unref);
      frame = ps_runner_dup_frame (runner);
      elapsed = g_get_monotonic_time () - start;
      ps_runner_pause (runner);
      ps_runner_sync (runner);

      sim_elapsed = frame->time_s - sim_start;
      expected = speed * elapsed / 1e6;
      g_test_message ("attempt %u: %.3f s wall -> %.1f s simulated at %gx (%.2f of speed x wall)",
                      attempt + 1, elapsed / 1e6, sim_elapsed, speed, sim_elapsed / expected);
      /* never ahead of the wall clock (one step of slack) */
      g_assert_cmpfloat (sim_elapsed, <=, expected + scenario->dt_s);
      kept_pace = sim_elapsed >= expected / 3.0;
    }
  g_assert_true (kept_pace);
  g_assert_true (frame->time_s < 3600.0);

  ps_runner_sync (runner);
  g_clear_pointer (&frame, ps_frame_unref);
  frame = ps_runner_dup_frame (runner);
  g_usleep (50 * 1000);
  later = ps_runner_dup_frame (runner);
  /* paused: nothing moves */
  g_assert_cmpfloat (later->time_s, ==, frame->time_s);
  g_assert_false (ps_runner_is_playing (runner));
}

/* Playing as fast as possible, frames go out at most ~120 times per wall
 * second (one per 8.3 ms), while every step still reaches the recorder. */
static void
test_runner_publishes_at_most_120_per_second (void)
{
  g_autoptr(PsScenario) scenario =
    scenario_with_protocol ("lg-m50", "Rest for 1000 hours");
  g_autoptr(GError) error = NULL;
  g_autoptr(PsRunner) runner = NULL;
  g_autoptr(PsFrame) first = NULL;
  g_autoptr(PsFrame) last = NULL;
  g_autoptr(PsRecorder) recorder = NULL;
  guint64 changes = 0, serial;
  gint64 start, elapsed;

  runner = ps_runner_new (scenario, &error);
  g_assert_no_error (error);
  ps_runner_set_speed (runner, PS_RUNNER_SPEED_MAX);
  ps_runner_play (runner);
  ps_runner_sync (runner);

  first = ps_runner_dup_frame (runner);
  serial = first->serial;
  start = g_get_monotonic_time ();
  do
    {
      g_autoptr(PsFrame) frame = ps_runner_dup_frame (runner);

      if (frame->serial != serial)
        {
          g_assert_cmpuint (frame->serial, >, serial);
          changes += frame->serial - serial;
          serial = frame->serial;
        }
      g_usleep (200);
      elapsed = g_get_monotonic_time () - start;
    }
  while (elapsed < 500 * 1000);

  last = ps_runner_dup_frame (runner);
  g_test_message ("%" G_GUINT64_FORMAT " frames in %.3f s, simulated %.0f s",
                  changes, elapsed / 1e6, last->time_s - first->time_s);
  g_assert_cmpuint (changes, <=, (guint64) (elapsed / 8333.0) + 2);
  g_assert_cmpuint (changes, >, 0);
  /* many steps per frame: the frames are not the bottleneck */
  g_assert_cmpfloat (last->time_s - first->time_s, >, 2.0 * changes * scenario->dt_s);

  ps_runner_pause (runner);
  ps_runner_sync (runner);
  g_clear_pointer (&last, ps_frame_unref);
  last = ps_runner_dup_frame (runner);
  recorder = ps_runner_dup_recorder (runner);
  g_assert_cmpuint (ps_recorder_get_length (recorder), ==,
                    (gsize) llround (last->time_s / scenario->dt_s) + 1);
}

/* Storms of commands from one thread while another reads frames and the
 * recorder: no deadlock (a watchdog), serials only grow, frames stay
 * consistent with their pack. */
typedef struct
{
  PsRunner   *runner;
  PsScenario *scenarios[2];
  gint        stop;
  gint        controller_done;
  guint64     frames_seen;
  GMutex      lock;
  GCond       cond;
} Storm;

static gpointer
storm_controller (gpointer user_data)
{
  Storm *storm = user_data;
  g_autoptr(GRand) rand = g_rand_new_with_seed (12345);

  for (guint i = 0; i < 3000; i++)
    {
      PsLoad load = { PS_LOAD_CURRENT, 0.0 };

      switch (g_rand_int_range (rand, 0, 13))
        {
        case 0: case 1:
          ps_runner_play (storm->runner);
          break;
        case 2:
          ps_runner_pause (storm->runner);
          break;
        case 3:
          ps_runner_set_speed (storm->runner,
                               g_rand_boolean (rand) ? PS_RUNNER_SPEED_MAX
                                                     : g_rand_double_range (rand, 1.0, 5000.0));
          break;
        case 4:
          ps_runner_reset (storm->runner);
          break;
        case 5:
          ps_runner_load_scenario (storm->runner, storm->scenarios[g_rand_int_range (rand, 0, 2)]);
          break;
        case 6:
          load.value = g_rand_double_range (rand, -20.0, 20.0);
          ps_runner_set_load (storm->runner, &load);
          break;
        case 7:
          ps_runner_clear_load (storm->runner);
          break;
        case 8:
          ps_runner_set_ambient (storm->runner, g_rand_double_range (rand, 263.0, 318.0));
          break;
        case 9:
          ps_runner_set_cooling (storm->runner, g_rand_boolean (rand));
          break;
        case 10:
          ps_runner_single_step (storm->runner);
          break;
        case 11:
          ps_runner_sync (storm->runner);
          break;
        case 12:
          if (g_rand_int_range (rand, 0, 20) == 0)
            {
              g_autoptr(PsFrame) frame = ps_runner_dup_frame (storm->runner);

              ps_runner_run_until (storm->runner, frame->time_s + 60.0);
            }
          break;
        default:
          g_assert_not_reached ();
        }

      if (g_rand_int_range (rand, 0, 50) == 0)
        g_usleep (g_rand_int_range (rand, 100, 3000));
    }

  ps_runner_sync (storm->runner);

  g_mutex_lock (&storm->lock);
  g_atomic_int_set (&storm->controller_done, TRUE);
  g_cond_signal (&storm->cond);
  g_mutex_unlock (&storm->lock);

  return NULL;
}

static gpointer
storm_reader (gpointer user_data)
{
  Storm *storm = user_data;
  guint64 last_serial = 0;

  while (!g_atomic_int_get (&storm->stop))
    {
      g_autoptr(PsFrame) frame = NULL;
      g_autoptr(PsRecorder) recorder = NULL;
      double buf[64];
      gsize length, n_read;

      /* one call: the frame and the recorder are of the same run */
      ps_runner_dup_frame_and_recorder (storm->runner, &frame, &recorder);

      g_assert_cmpuint (frame->serial, >=, last_serial);
      last_serial = frame->serial;
      g_assert_cmpuint (frame->n_cells, ==, frame->pack->n_cells);
      g_assert_true (isfinite (frame->time_s) && frame->time_s >= 0.0);
      g_assert_true (frame->cell_voltage_min_v <= frame->cell_voltage_max_v);

      length = ps_recorder_get_length (recorder);
      g_assert_cmpuint (length, >=, 1);
      n_read = ps_recorder_read (recorder, PS_SERIES_TIME_S, length > 64 ? length - 64 : 0, 64, buf);
      g_assert_cmpuint (n_read, >=, 1);
      /* the run's recorder has reached the frame (another run's would be
       * of another pack, or from a reset, behind it) */
      g_assert_cmpuint (ps_recorder_get_n_cells (recorder), ==, frame->n_cells);
      g_assert_cmpfloat (buf[n_read - 1], >=, frame->time_s - 1e-9);
      storm->frames_seen++;
    }

  return NULL;
}

static void
test_runner_survives_command_storms (void)
{
  g_autoptr(GError) error = NULL;
  Storm storm = { 0 };
  GThread *controller, *reader;
  gint64 deadline;

  storm.scenarios[0] = scenario_with_protocol ("leaf-2011",
                                               "Discharge at 1C for 10 minutes; Rest for 10 minutes");
  storm.scenarios[1] = scenario_with_protocol ("lg-m50", "Charge at 0.5C for 5 minutes");
  g_mutex_init (&storm.lock);
  g_cond_init (&storm.cond);

  storm.runner = ps_runner_new (storm.scenarios[0], &error);
  g_assert_no_error (error);

  reader = g_thread_new ("reader", storm_reader, &storm);
  controller = g_thread_new ("controller", storm_controller, &storm);

  /* watchdog: a deadlock fails here instead of hanging the suite */
  deadline = g_get_monotonic_time () + 120 * G_USEC_PER_SEC;
  g_mutex_lock (&storm.lock);
  while (!g_atomic_int_get (&storm.controller_done))
    if (!g_cond_wait_until (&storm.cond, &storm.lock, deadline))
      g_error ("runner deadlocked: the command storm did not finish in 120 s");
  g_mutex_unlock (&storm.lock);

  g_thread_join (controller);
  g_atomic_int_set (&storm.stop, TRUE);
  g_thread_join (reader);
  g_test_message ("reader took %" G_GUINT64_FORMAT " frames", storm.frames_seen);
  g_assert_cmpuint (storm.frames_seen, >, 0);

  /* quit while playing at full speed */
  ps_runner_set_speed (storm.runner, PS_RUNNER_SPEED_MAX);
  ps_runner_play (storm.runner);
  g_usleep (5000);
  ps_runner_unref (storm.runner);

  ps_scenario_free (storm.scenarios[0]);
  ps_scenario_free (storm.scenarios[1]);
  g_cond_clear (&storm.cond);
  g_mutex_clear (&storm.lock);
}

/* The window's load bar goes through ps_runner_set_load: a manual load obeys
 * the cells' limits as protocol steps do, and the frame says what happened
 * (the status the window shows). LG M50: 2.5..4.2 V, 7.3 A discharge and
 * 3.4 A charge, 60 C. */
static PsFrame *
run_manual (PsRunner   *runner,
            PsLoadMode  mode,
            double      value,
            double      seconds)
{
  PsLoad load = { mode, value };
  g_autoptr(PsFrame) before = ps_runner_dup_frame (runner);

  ps_runner_set_load (runner, &load);
  ps_runner_run_until (runner, before->time_s + seconds);
  return ps_runner_dup_frame (runner);
}

static void
test_runner_manual_load_obeys_limits (void)
{
  g_autoptr(PsScenario) scenario = scenario_with_protocol ("lg-m50", "Rest for 1 minute");
  g_autoptr(PsScenario) hot = scenario_with_protocol ("lg-m50", "Rest for 1 minute");
  g_autoptr(GError) error = NULL;
  g_autoptr(PsRunner) runner = NULL;
  g_autoptr(PsFrame) frame = NULL;
  const PsCellType *cell = scenario->cell;
  double finished_at;

  scenario->initial_soc = 0.5;
  scenario->dt_s = 5.0;
  runner = ps_runner_new (scenario, &error);
  g_assert_no_error (error);
  ps_runner_run_until (runner, 1e6);
  frame = ps_runner_dup_frame (runner);
  g_assert_true (frame->finished);
  g_assert_cmpint (frame->end_reason, ==, PS_STEP_END_DURATION);
  finished_at = frame->time_s;
  g_clear_pointer (&frame, ps_frame_unref);

  /* after "Finished" a manual charge runs; at 4.2 V it goes on at
   * constant voltage and the current tapers */
  frame = run_manual (runner, PS_LOAD_CURRENT, -3.0, 3.0 * 3600.0);
  g_test_message ("charge: %s; %.4f A at %.4f V, SOC %.4f", frame->end_text,
                  frame->pack_current_a, frame->cell_voltage_max_v, frame->cell_soc_max);
  g_assert_cmpfloat (frame->time_s, >, finished_at + 3600.0);
  g_assert_true (frame->manual_load);
  g_assert_true (frame->manual_limited);
  g_assert_cmpint (frame->end_reason, ==, PS_STEP_END_VOLTAGE_MAX);
  g_assert_cmpuint (frame->end_step, ==, 0);
  g_assert_cmpuint (frame->end_cell, ==, 1);
  g_assert_nonnull (strstr (frame->end_text, "upper voltage limit, 4.200 V"));
  g_assert_cmpfloat (frame->cell_voltage_max_v, <=, cell->voltage_max_v + 1e-6);
  g_assert_cmpfloat (frame->cell_voltage_max_v, >, cell->voltage_max_v - 1e-3);
  g_assert_cmpfloat (frame->pack_current_a, <=, 0.0);
  g_assert_cmpfloat (frame->pack_current_a, >, -0.5);
  g_assert_cmpfloat (frame->cell_soc_max, <=, 1.0101);
  g_clear_pointer (&frame, ps_frame_unref);

  /* a discharge stops at the lower limit: rest, and why */
  frame = run_manual (runner, PS_LOAD_CURRENT, 5.0, 3.0 * 3600.0);
  g_test_message ("discharge: %s", frame->end_text);
  g_assert_true (frame->manual_limited);
  g_assert_cmpint (frame->end_reason, ==, PS_STEP_END_VOLTAGE_MIN);
  g_assert_nonnull (strstr (frame->end_text, "lower voltage limit, 2.500 V"));
  g_assert_cmpfloat (frame->pack_current_a, ==, 0.0);
  g_assert_cmpfloat (frame->cell_voltage_min_v, >=, cell->voltage_min_v - 0.005);
  g_assert_cmpfloat (frame->cell_soc_min, >=, -0.0101);
  g_clear_pointer (&frame, ps_frame_unref);

  /* past the current limits: stopped at once, both ways */
  frame = run_manual (runner, PS_LOAD_CURRENT, 100.0, 60.0);
  g_test_message ("over-current discharge: %s", frame->end_text);
  g_assert_cmpint (frame->end_reason, ==, PS_STEP_END_CURRENT_MAX);
  g_assert_true (frame->end_at_once);
  g_assert_cmpfloat (frame->pack_current_a, ==, 0.0);
  g_assert_nonnull (strstr (frame->end_text, "over its current limit of 7.3 A"));
  g_clear_pointer (&frame, ps_frame_unref);
  frame = run_manual (runner, PS_LOAD_POWER, -200.0, 60.0);
  g_test_message ("over-current charge: %s", frame->end_text);
  g_assert_cmpint (frame->end_reason, ==, PS_STEP_END_CURRENT_MAX);
  g_assert_cmpfloat (frame->pack_current_a, ==, 0.0);
  g_clear_pointer (&frame, ps_frame_unref);

  /* back to the protocol: nothing left to run, no limit shown as active */
  ps_runner_clear_load (runner);
  ps_runner_sync (runner);
  frame = ps_runner_dup_frame (runner);
  g_assert_false (frame->manual_load);
  g_assert_false (frame->manual_limited);
  g_assert_true (frame->finished);
  g_clear_pointer (&frame, ps_frame_unref);
  g_clear_pointer (&runner, ps_runner_unref);

  /* a warm cell discharged hard stops at its temperature limit */
  hot->initial_soc = 1.0;
  hot->ambient_k = 273.15 + 55.0;
  ps_scenario_set_initial_temp_k (hot, hot->ambient_k);
  hot->dt_s = 10.0;
  runner = ps_runner_new (hot, &error);
  g_assert_no_error (error);
  frame = run_manual (runner, PS_LOAD_CURRENT, 7.0, 3600.0);
  g_test_message ("hot discharge: %s; %.3f C", frame->end_text,
                  frame->cell_temp_max_k - 273.15);
  g_assert_cmpint (frame->end_reason, ==, PS_STEP_END_TEMP_MAX);
  g_assert_cmpfloat (frame->cell_temp_max_k, <=, cell->temp_max_k + 0.05);
  g_assert_cmpfloat (frame->pack_current_a, ==, 0.0);
  g_assert_nonnull (strstr (frame->end_text, "temperature limit, 60.0 degrees C"));
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/engine/frame/extremes", test_frame_extremes);
  g_test_add_func ("/engine/recorder/memory-bounded-10h-model-s", test_recorder_memory_bounded_10h_model_s);
  g_test_add_func ("/engine/recorder/readers-see-consistent-prefix", test_recorder_readers_see_consistent_prefix);
  g_test_add_func ("/engine/recorder/history-bounded-keeps-extremes", test_recorder_history_bounded_keeps_extremes);
  g_test_add_func ("/engine/runner/10000-hours-memory-bounded", test_runner_10000_hours_memory_bounded);
  g_test_add_func ("/engine/runner/single-step-advances-one-dt", test_runner_single_step_advances_one_dt);
  g_test_add_func ("/engine/runner/run-until-reaches-time", test_runner_run_until_reaches_time);
  g_test_add_func ("/engine/runner/pauses-when-protocol-finishes", test_runner_pauses_when_protocol_finishes);
  g_test_add_func ("/engine/runner/paces-to-wall-time", test_runner_paces_to_wall_time);
  g_test_add_func ("/engine/runner/publishes-at-most-120-per-second", test_runner_publishes_at_most_120_per_second);
  g_test_add_func ("/engine/runner/survives-command-storms", test_runner_survives_command_storms);
  g_test_add_func ("/engine/runner/manual-load-obeys-limits", test_runner_manual_load_obeys_limits);
  g_test_add_func ("/engine/runner/load-scenario-answers", test_runner_load_scenario_answers);

  return g_test_run ();
}
