/* ps-recorder.c: the history of a run
 *
 * Pack totals: PS_N_SERIES doubles per sample, kept in fixed-size chunks
 * (series-major inside a chunk) in a ring of n_ring chunks that holds the
 * full-rate window [full_start, length). When the writer needs a new chunk
 * and the ring is full, the oldest chunk is folded into the history and its
 * buffer reused for the new one (the new chunk takes the same ring slot), so
 * after the ring fills nothing more is allocated for the totals. The writer
 * fills sample n and then publishes length n + 1 with a release store;
 * readers load the length with an acquire load, so every sample below the
 * length they saw is complete. Folding and reads take a short mutex.
 *
 * History: up to PS_RECORDER_HISTORY_BINS bins covering [0, full_start),
 * contiguous and in order. A bin holds, per series, the min and the max over
 * its steps and whether the min came first, and the times of its first and
 * last step. A new bin opens when the last one holds hist_width steps; when
 * all bins are in use, neighbouring pairs merge and hist_width doubles.
 *
 * Per-cell envelopes: for every quantity and cell a min and a max (float) per
 * bin. A bin spans bin_width samples; when all max_bins bins are full,
 * neighbouring pairs merge into one, the bin width doubles and recording goes
 * on in the freed upper half. The bins are stored one block per bin, laid out
 * [quantity][cell] for min then for max, so appending a frame touches one
 * contiguous block; blocks are allocated only when first used, so a short run
 * of a large pack allocates little. max_bins follows from a memory budget and
 * the cell count, so memory is bounded whatever the run length.
 *
 * Envelope updates and merges, and reads of the envelopes, take the same
 * short mutex; no lock is held when a function returns.
 */
#include "config.h"

#include <math.h>
#include <string.h>

#include "ps-recorder.h"

#define PS_RECORDER_CHUNK_SAMPLES   4096
/* bytes the per-cell envelopes may use, whatever the cell count */
#define PS_RECORDER_ENVELOPE_BUDGET (64u * 1024u * 1024u)
#define PS_RECORDER_MAX_BINS        2048
#define PS_RECORDER_MIN_BINS        16
/* bins of the decimated history of the pack totals (even) */
#define PS_RECORDER_HISTORY_BINS    16384

G_STATIC_ASSERT (PS_RECORDER_FULL_RATE_SAMPLES % PS_RECORDER_CHUNK_SAMPLES == 0);
G_STATIC_ASSERT (PS_N_SERIES <= 32);

typedef struct
{
  guint64 first;                   /* first step of the bin */
  guint64 count;                   /* steps in the bin */
  double  t_first;
  double  t_last;
  double  min[PS_N_SERIES];
  double  max[PS_N_SERIES];
  guint32 min_first;               /* bit per series: the min came before the max */
} HistoryBin;

struct _PsRecorder
{
  gatomicrefcount ref_count;
  guint           n_cells;

  GMutex          lock;

  /* pack totals at full rate */
  double        **ring;            /* [n_ring], each [PS_N_SERIES][CHUNK] or NULL */
  guint           n_ring;
  guint           n_ring_alloc;    /* chunk buffers allocated so far */
  gsize           full_start;      /* first sample kept at full rate */
  gsize           length;          /* published with release/acquire */

  /* pack totals beyond the window */
  HistoryBin     *history;         /* [PS_RECORDER_HISTORY_BINS], allocated on first use */
  guint           n_history;
  guint64         hist_width;      /* steps per history bin */

  /* per-cell envelopes */
  guint           max_bins;        /* even */
  guint           n_bins;          /* bins in use, the last one open */
  guint64         bin_width;       /* samples per bin */
  guint64         open_count;      /* samples in the open bin */
  double         *bin_time_s;      /* [max_bins] start time of each bin */
  float         **bins;            /* [max_bins], each 2 * N_QUANT * n_cells floats */
  guint           n_bins_alloc;    /* blocks allocated so far */

  /* step ends, rare: the samples they are at (ascending) and their text */
  GArray         *end_sample;      /* gsize */
  GPtrArray      *end_text;
};

static gsize
chunk_bytes (void)
{
  return (gsize) PS_N_SERIES * PS_RECORDER_CHUNK_SAMPLES * sizeof (double);
}

static guint
envelope_max_bins (guint n_cells)
{
  gsize per_bin = MAX ((gsize) 1, (gsize) 2 * PS_N_CELL_QUANTITIES * n_cells * sizeof (float));
  guint max_bins;

  max_bins = (guint) MIN ((gsize) PS_RECORDER_MAX_BINS,
                          PS_RECORDER_ENVELOPE_BUDGET / per_bin);
  max_bins = MAX (max_bins, PS_RECORDER_MIN_BINS);
  return max_bins & ~1u;
}

static inline gsize
bin_floats (const PsRecorder *self)
{
  return (gsize) 2 * PS_N_CELL_QUANTITIES * self->n_cells;
}

PsRecorder *
ps_recorder_new_full (guint n_cells,
                      gsize full_rate_samples)
{
  PsRecorder *self;
  guint max_bins;

  self = g_new0 (PsRecorder, 1);
  g_atomic_ref_count_init (&self->ref_count);
  g_mutex_init (&self->lock);
  self->n_cells = n_cells;

  full_rate_samples = MIN (full_rate_samples, (gsize) G_MAXUINT / 2 * PS_RECORDER_CHUNK_SAMPLES);
  self->n_ring = (guint) MAX ((gsize) 1, (full_rate_samples + PS_RECORDER_CHUNK_SAMPLES - 1) /
                                         PS_RECORDER_CHUNK_SAMPLES);
  self->ring = g_new0 (double *, self->n_ring);
  self->hist_width = 1;

  max_bins = envelope_max_bins (n_cells);
  self->max_bins = max_bins;
  self->bin_width = 1;
  self->bin_time_s = g_new0 (double, max_bins);
  self->bins = g_new0 (float *, max_bins);

  return self;
}

PsRecorder *
ps_recorder_new (guint n_cells)
{
  return ps_recorder_new_full (n_cells, PS_RECORDER_FULL_RATE_SAMPLES);
}

PsRecorder *
ps_recorder_ref (PsRecorder *self)
{
  g_return_val_if_fail (self != NULL, NULL);

  g_atomic_ref_count_inc (&self->ref_count);
  return self;
}

static void
ps_recorder_free_data (PsRecorder *self)
{
  for (guint i = 0; i < self->n_ring; i++)
    g_clear_pointer (&self->ring[i], g_free);
  self->n_ring_alloc = 0;
  self->full_start = 0;
  g_clear_pointer (&self->history, g_free);
  self->n_history = 0;
  self->hist_width = 1;

  for (guint i = 0; i < self->n_bins_alloc; i++)
    g_clear_pointer (&self->bins[i], g_free);
  self->n_bins_alloc = 0;
  self->n_bins = 0;
  self->bin_width = 1;
  self->open_count = 0;

  if (self->end_sample != NULL)
    g_array_set_size (self->end_sample, 0);
  if (self->end_text != NULL)
    g_ptr_array_set_size (self->end_text, 0);
}

void
ps_recorder_unref (PsRecorder *self)
{
  g_return_if_fail (self != NULL);

  if (g_atomic_ref_count_dec (&self->ref_count))
    {
      ps_recorder_free_data (self);
      g_clear_pointer (&self->end_sample, g_array_unref);
      g_clear_pointer (&self->end_text, g_ptr_array_unref);
      g_free (self->ring);
      g_free (self->bins);
      g_free (self->bin_time_s);
      g_mutex_clear (&self->lock);
      g_free (self);
    }
}

void
ps_recorder_clear (PsRecorder *self)
{
  g_return_if_fail (self != NULL);

  g_mutex_lock (&self->lock);
  __atomic_store_n (&self->length, 0, __ATOMIC_RELEASE);
  ps_recorder_free_data (self);
  g_mutex_unlock (&self->lock);
}

void
ps_recorder_note_step_ends (PsRecorder *self,
                            const char *text)
{
  gsize length;

  g_return_if_fail (self != NULL);
  g_return_if_fail (text != NULL);

  length = __atomic_load_n (&self->length, __ATOMIC_ACQUIRE);
  g_return_if_fail (length > 0);

  g_mutex_lock (&self->lock);
  if (self->end_sample == NULL)
    {
      self->end_sample = g_array_new (FALSE, FALSE, sizeof (gsize));
      self->end_text = g_ptr_array_new_with_free_func (g_free);
    }
  if (self->end_sample->len > 0 &&
      g_array_index (self->end_sample, gsize, self->end_sample->len - 1) == length - 1)
    {
      char **last = (char **) &g_ptr_array_index (self->end_text, self->end_text->len - 1);
      char *joined = g_strconcat (*last, "; ", text, NULL);

      g_free (*last);
      *last = joined;
    }
  else
    {
      gsize sample = length - 1;

      g_array_append_val (self->end_sample, sample);
      g_ptr_array_add (self->end_text, g_strdup (text));
    }
  g_mutex_unlock (&self->lock);
}

char *
ps_recorder_dup_step_ends (PsRecorder *self,
                           gsize       sample)
{
  char *text = NULL;

  g_return_val_if_fail (self != NULL, NULL);

  g_mutex_lock (&self->lock);
  if (self->end_sample != NULL)
    {
      guint lo = 0, hi = self->end_sample->len;

      while (lo < hi)
        {
          guint mid = (lo + hi) / 2;

          if (g_array_index (self->end_sample, gsize, mid) < sample)
            lo = mid + 1;
          else
            hi = mid;
        }
      if (lo < self->end_sample->len && g_array_index (self->end_sample, gsize, lo) == sample)
        text = g_strdup (g_ptr_array_index (self->end_text, lo));
    }
  g_mutex_unlock (&self->lock);

  return text;
}

static inline double *
series_slot (double *chunk,
             PsSeries series,
             gsize    index_in_chunk)
{
  return chunk + (gsize) series * PS_RECORDER_CHUNK_SAMPLES + index_in_chunk;
}

static inline double *
ring_chunk (const PsRecorder *self,
            gsize             sample)
{
  return self->ring[(sample / PS_RECORDER_CHUNK_SAMPLES) % self->n_ring];
}

/* Merges history bin pairs (2k, 2k+1) into k; lock held, all bins in use. */
static void
merge_history_pairs (PsRecorder *self)
{
  guint half = self->n_history / 2;

  for (guint k = 0; k < half; k++)
    {
      const HistoryBin a = self->history[2 * k];
      const HistoryBin *b = &self->history[2 * k + 1];
      HistoryBin *dst = &self->history[k];

      dst->first = a.first;
      dst->count = a.count + b->count;
      dst->t_first = a.t_first;
      dst->t_last = b->t_last;
      dst->min_first = 0;
      for (guint q = 0; q < PS_N_SERIES; q++)
        {
          gboolean min_from_a = a.min[q] <= b->min[q];
          gboolean max_from_a = a.max[q] >= b->max[q];
          gboolean min_first;

          dst->min[q] = min_from_a ? a.min[q] : b->min[q];
          dst->max[q] = max_from_a ? a.max[q] : b->max[q];
          if (min_from_a && max_from_a)
            min_first = (a.min_first >> q) & 1;
          else if (!min_from_a && !max_from_a)
            min_first = (b->min_first >> q) & 1;
          else
            min_first = min_from_a;
          dst->min_first |= (guint32) min_first << q;
        }
    }

  /* an odd bin out stays the last one */
  if (self->n_history % 2)
    self->history[half] = self->history[self->n_history - 1];
  self->n_history = half + self->n_history % 2;
  self->hist_width *= 2;
}

/* Adds one step (PS_N_SERIES values, `stride` apart) to the history. */
static void
history_add (PsRecorder   *self,
             guint64       sample,
             const double *values,
             gsize         stride)
{
  HistoryBin *bin;

  if (self->history == NULL)
    self->history = g_new (HistoryBin, PS_RECORDER_HISTORY_BINS);

  if (self->n_history == 0 ||
      self->history[self->n_history - 1].count >= self->hist_width)
    {
      if (self->n_history == PS_RECORDER_HISTORY_BINS)
        merge_history_pairs (self);
      bin = &self->history[self->n_history++];
      bin->first = sample;
      bin->count = 1;
      bin->t_first = bin->t_last = values[(gsize) PS_SERIES_TIME_S * stride];
      bin->min_first = G_MAXUINT32;
      for (guint q = 0; q < PS_N_SERIES; q++)
        bin->min[q] = bin->max[q] = values[(gsize) q * stride];
      return;
    }

  bin = &self->history[self->n_history - 1];
  bin->count++;
  bin->t_last = values[(gsize) PS_SERIES_TIME_S * stride];
  for (guint q = 0; q < PS_N_SERIES; q++)
    {
      double v = values[(gsize) q * stride];

      if (v < bin->min[q])
        {
          bin->min[q] = v;
          bin->min_first &= ~((guint32) 1 << q);
        }
      else if (v > bin->max[q])
        {
          bin->max[q] = v;
          bin->min_first |= (guint32) 1 << q;
        }
    }
}

/* Moves the oldest full-rate chunk into the history; lock held. */
static void
fold_oldest_chunk (PsRecorder *self)
{
  const double *chunk = ring_chunk (self, self->full_start);

  for (gsize i = 0; i < PS_RECORDER_CHUNK_SAMPLES; i++)
    history_add (self, self->full_start + i, chunk + i, PS_RECORDER_CHUNK_SAMPLES);
  self->full_start += PS_RECORDER_CHUNK_SAMPLES;
}

/* The value a history sample reads as; lock held, sample < full_start. */
static const HistoryBin *
history_find (const PsRecorder *self,
              guint64           sample)
{
  guint lo = 0, hi = self->n_history;

  /* last bin with first <= sample */
  while (hi - lo > 1)
    {
      guint mid = lo + (hi - lo) / 2;

      if (self->history[mid].first <= sample)
        lo = mid;
      else
        hi = mid;
    }
  return &self->history[lo];
}

static double
history_value (const HistoryBin *bin,
               PsSeries          series,
               guint64           sample)
{
  guint64 k = sample - bin->first;
  gboolean first_half = k < (bin->count + 1) / 2;
  gboolean min_first = (bin->min_first >> series) & 1;

  if (series == PS_SERIES_TIME_S)
    {
      if (bin->count < 2)
        return bin->t_first;
      return bin->t_first + (bin->t_last - bin->t_first) * (double) k / (double) (bin->count - 1);
    }
  return first_half == min_first ? bin->min[series] : bin->max[series];
}

/* One sample of a series, wherever it is kept; lock held, sample < length. */
static double
sample_value (const PsRecorder *self,
              PsSeries          series,
              gsize             sample)
{
  if (sample < self->full_start)
    return history_value (history_find (self, sample), series, sample);
  return *series_slot (ring_chunk (self, sample), series, sample % PS_RECORDER_CHUNK_SAMPLES);
}

/* Merges bin pairs (2k, 2k+1) into k; called with the lock held and all
 * max_bins bins full. */
static void
merge_bin_pairs (PsRecorder *self)
{
  gsize nq = (gsize) PS_N_CELL_QUANTITIES * self->n_cells;
  guint half = self->n_bins / 2;

  for (guint k = 0; k < half; k++)
    {
      float *dst = self->bins[k];
      const float *a = self->bins[2 * k];
      const float *b = self->bins[2 * k + 1];

      for (gsize i = 0; i < nq; i++)
        dst[i] = MIN (a[i], b[i]);
      for (gsize i = nq; i < 2 * nq; i++)
        dst[i] = MAX (a[i], b[i]);
      self->bin_time_s[k] = self->bin_time_s[2 * k];
    }

  self->n_bins = half;
  self->bin_width *= 2;
}

static void
append_envelope (PsRecorder    *self,
                 const PsFrame *frame)
{
  gsize n = self->n_cells;
  gsize nq = (gsize) PS_N_CELL_QUANTITIES * n;
  const double *src[PS_N_CELL_QUANTITIES];
  float *bin;

  if (n == 0)
    return;

  src[PS_CELL_QUANTITY_VOLTAGE] = frame->cell_voltage_v;
  src[PS_CELL_QUANTITY_CURRENT] = frame->cell_current_a;
  src[PS_CELL_QUANTITY_SOC] = frame->cell_soc;
  src[PS_CELL_QUANTITY_TEMP] = frame->cell_temp_k;

  if (self->n_bins == 0 || self->open_count >= self->bin_width)
    {
      /* open a new bin */
      if (self->n_bins == self->max_bins)
        merge_bin_pairs (self);
      if (self->n_bins >= self->n_bins_alloc)
        {
          self->bins[self->n_bins_alloc] = g_new (float, 2 * nq);
          self->n_bins_alloc++;
        }
      bin = self->bins[self->n_bins];
      self->bin_time_s[self->n_bins] = frame->time_s;
      self->n_bins++;
      self->open_count = 1;

      for (guint q = 0; q < PS_N_CELL_QUANTITIES; q++)
        {
          float *mn = bin + q * n;
          float *mx = bin + nq + q * n;

          for (gsize i = 0; i < n; i++)
            mn[i] = mx[i] = (float) src[q][i];
        }
      return;
    }

  bin = self->bins[self->n_bins - 1];
  self->open_count++;

  for (guint q = 0; q < PS_N_CELL_QUANTITIES; q++)
    {
      float *mn = bin + q * n;
      float *mx = bin + nq + q * n;
      const double *s = src[q];

      for (gsize i = 0; i < n; i++)
        {
          float v = (float) s[i];

          mn[i] = MIN (mn[i], v);
          mx[i] = MAX (mx[i], v);
        }
    }
}

void
ps_recorder_append (PsRecorder    *self,
                    const PsFrame *frame)
{
  gsize length;
  gsize in_chunk;
  double *chunk;

  g_return_if_fail (self != NULL);
  g_return_if_fail (frame != NULL);
  g_return_if_fail (frame->n_cells == self->n_cells);

  /* only the writer changes length, so a relaxed load is enough here */
  length = __atomic_load_n (&self->length, __ATOMIC_RELAXED);
  in_chunk = length % PS_RECORDER_CHUNK_SAMPLES;

  g_mutex_lock (&self->lock);

  if (in_chunk == 0)
    {
      guint slot = (guint) ((length / PS_RECORDER_CHUNK_SAMPLES) % self->n_ring);

      /* the ring is full: the slot holds the oldest chunk; fold it into
       * the history and reuse its buffer */
      if (length - self->full_start >= (gsize) self->n_ring * PS_RECORDER_CHUNK_SAMPLES)
        fold_oldest_chunk (self);
      if (self->ring[slot] == NULL)
        {
          self->ring[slot] = g_malloc (chunk_bytes ());
          self->n_ring_alloc++;
        }
    }
  chunk = ring_chunk (self, length);

  append_envelope (self, frame);

  g_mutex_unlock (&self->lock);

  /* the slots past length are the writer's alone: no lock needed */
  *series_slot (chunk, PS_SERIES_TIME_S, in_chunk) = frame->time_s;
  *series_slot (chunk, PS_SERIES_STEP, in_chunk) = frame->step;
  *series_slot (chunk, PS_SERIES_PACK_VOLTAGE_V, in_chunk) = frame->pack_voltage_v;
  *series_slot (chunk, PS_SERIES_PACK_CURRENT_A, in_chunk) = frame->pack_current_a;
  *series_slot (chunk, PS_SERIES_PACK_POWER_W, in_chunk) = frame->pack_power_w;
  *series_slot (chunk, PS_SERIES_PACK_SOC, in_chunk) = frame->pack_soc;
  *series_slot (chunk, PS_SERIES_CELL_VOLTAGE_MIN_V, in_chunk) = frame->cell_voltage_min_v;
  *series_slot (chunk, PS_SERIES_CELL_VOLTAGE_MAX_V, in_chunk) = frame->cell_voltage_max_v;
  *series_slot (chunk, PS_SERIES_CELL_TEMP_MIN_K, in_chunk) = frame->cell_temp_min_k;
  *series_slot (chunk, PS_SERIES_CELL_TEMP_MEAN_K, in_chunk) = frame->cell_temp_mean_k;
  *series_slot (chunk, PS_SERIES_CELL_TEMP_MAX_K, in_chunk) = frame->cell_temp_max_k;
  *series_slot (chunk, PS_SERIES_HEAT_W, in_chunk) = frame->heat_w;
  *series_slot (chunk, PS_SERIES_CHARGE_AH, in_chunk) = frame->charge_ah;
  *series_slot (chunk, PS_SERIES_ENERGY_WH, in_chunk) = frame->energy_wh;
  *series_slot (chunk, PS_SERIES_SPEED_MPS, in_chunk) = frame->speed_mps;
  *series_slot (chunk, PS_SERIES_DISTANCE_M, in_chunk) = frame->distance_m;
  *series_slot (chunk, PS_SERIES_BMS_STATE, in_chunk) = frame->bms_state + 16 * frame->bms_reason;

  __atomic_store_n (&self->length, length + 1, __ATOMIC_RELEASE);
}

gsize
ps_recorder_get_length (PsRecorder *self)
{
  g_return_val_if_fail (self != NULL, 0);

  return __atomic_load_n (&self->length, __ATOMIC_ACQUIRE);
}

guint
ps_recorder_get_n_cells (PsRecorder *self)
{
  g_return_val_if_fail (self != NULL, 0);

  return self->n_cells;
}

gsize
ps_recorder_read (PsRecorder *self,
                  PsSeries    series,
                  gsize       start,
                  gsize       n,
                  double     *out)
{
  gsize copied = 0;

  g_return_val_if_fail (self != NULL, 0);
  g_return_val_if_fail (series < PS_N_SERIES, 0);
  g_return_val_if_fail (out != NULL || n == 0, 0);

  /* one chunk (at most 32 KiB) per lock, so a long read never holds the
   * writer up for long; the lock keeps a concurrent clear from freeing the
   * chunk being read */
  while (copied < n)
    {
      gsize pos = start + copied;
      gsize length, run;

      g_mutex_lock (&self->lock);
      length = __atomic_load_n (&self->length, __ATOMIC_ACQUIRE);
      if (pos >= length)
        {
          g_mutex_unlock (&self->lock);
          break;
        }
      run = MIN (MIN (n - copied, length - pos),
                 PS_RECORDER_CHUNK_SAMPLES - pos % PS_RECORDER_CHUNK_SAMPLES);
      if (pos < self->full_start)
        {
          /* decimated history: at most one chunk's worth per lock too */
          const HistoryBin *bin = history_find (self, pos);
          const HistoryBin *end = self->history + self->n_history;

          run = MIN (run, self->full_start - pos);
          for (gsize i = 0; i < run; i++)
            {
              while (pos + i >= bin->first + bin->count && bin + 1 < end)
                bin++;
              out[copied + i] = history_value (bin, series, pos + i);
            }
        }
      else
        {
          memcpy (out + copied,
                  series_slot (ring_chunk (self, pos), series,
                               pos % PS_RECORDER_CHUNK_SAMPLES),
                  run * sizeof (double));
        }
      g_mutex_unlock (&self->lock);

      copied += run;
    }

  return copied;
}

gsize
ps_recorder_read_points (PsRecorder *self,
                         PsSeries    series,
                         gsize       start,
                         gsize       n,
                         double     *time_s,
                         double     *values,
                         gsize       max_points,
                         gsize      *covered)
{
  gsize length, end, n_points = 0;

  g_return_val_if_fail (self != NULL, 0);
  g_return_val_if_fail (series < PS_N_SERIES, 0);
  g_return_val_if_fail (time_s != NULL && values != NULL && max_points >= 2, 0);
  g_return_val_if_fail (covered != NULL, 0);

  *covered = 0;
  g_mutex_lock (&self->lock);

  length = __atomic_load_n (&self->length, __ATOMIC_ACQUIRE);
  end = MIN (length, start + MIN (n, length));
  if (start >= end)
    goto out;

  if (start < self->full_start)
    {
      const HistoryBin *bin = history_find (self, start);
      const HistoryBin *last = self->history + self->n_history;
      gsize reached = start;

      end = MIN (end, self->full_start);
      for (; bin < last && bin->first < end && n_points + 2 <= max_points; bin++)
        {
          gboolean min_first = (bin->min_first >> series) & 1;

          time_s[n_points] = bin->t_first;
          time_s[n_points + 1] = bin->t_last;
          if (series == PS_SERIES_TIME_S)
            {
              values[n_points] = bin->t_first;
              values[n_points + 1] = bin->t_last;
            }
          else
            {
              values[n_points] = min_first ? bin->min[series] : bin->max[series];
              values[n_points + 1] = min_first ? bin->max[series] : bin->min[series];
            }
          n_points += 2;
          reached = MIN (end, (gsize) (bin->first + bin->count));
        }
      *covered = reached - start;
    }
  else
    {
      /* one chunk at most per lock, as ps_recorder_read */
      gsize run = MIN (MIN (end - start, max_points),
                       PS_RECORDER_CHUNK_SAMPLES - start % PS_RECORDER_CHUNK_SAMPLES);
      const double *chunk = ring_chunk (self, start);

      memcpy (time_s, series_slot ((double *) chunk, PS_SERIES_TIME_S, start % PS_RECORDER_CHUNK_SAMPLES),
              run * sizeof (double));
      memcpy (values, series_slot ((double *) chunk, series, start % PS_RECORDER_CHUNK_SAMPLES),
              run * sizeof (double));
      n_points = run;
      *covered = run;
    }

out:
  g_mutex_unlock (&self->lock);

  return n_points;
}

gsize
ps_recorder_find_time (PsRecorder *self,
                       double      time_s)
{
  gsize lo = 0, hi;

  g_return_val_if_fail (self != NULL, 0);

  g_mutex_lock (&self->lock);

  hi = __atomic_load_n (&self->length, __ATOMIC_ACQUIRE);
  /* first index with time >= time_s; NaN finds the end */
  while (lo < hi)
    {
      gsize mid = lo + (hi - lo) / 2;
      double t = sample_value (self, PS_SERIES_TIME_S, mid);

      if (t < time_s || isnan (time_s))
        lo = mid + 1;
      else
        hi = mid;
    }

  g_mutex_unlock (&self->lock);

  return lo;
}

gsize
ps_recorder_read_cell (PsRecorder     *self,
                       guint           cell,
                       PsCellQuantity  quantity,
                       double         *time_s,
                       float          *min_out,
                       float          *max_out,
                       gsize           max_bins)
{
  gsize n_out = 0;
  gsize group;
  gsize nq;
  gsize offset;

  g_return_val_if_fail (self != NULL, 0);
  g_return_val_if_fail (quantity < PS_N_CELL_QUANTITIES, 0);

  if (cell >= self->n_cells || max_bins == 0)
    return 0;

  g_mutex_lock (&self->lock);

  if (self->n_bins == 0)
    goto out;

  /* more bins than the caller can take: combine runs of `group` bins */
  group = (self->n_bins + max_bins - 1) / max_bins;
  nq = (gsize) PS_N_CELL_QUANTITIES * self->n_cells;
  offset = (gsize) quantity * self->n_cells + cell;

  for (gsize b = 0; b < self->n_bins; b += group)
    {
      gsize end = MIN (b + group, (gsize) self->n_bins);
      float mn = self->bins[b][offset];
      float mx = self->bins[b][nq + offset];

      for (gsize k = b + 1; k < end; k++)
        {
          mn = MIN (mn, self->bins[k][offset]);
          mx = MAX (mx, self->bins[k][nq + offset]);
        }

      if (time_s != NULL)
        time_s[n_out] = self->bin_time_s[b];
      if (min_out != NULL)
        min_out[n_out] = mn;
      if (max_out != NULL)
        max_out[n_out] = mx;
      n_out++;
    }

out:
  g_mutex_unlock (&self->lock);

  return n_out;
}

gsize
ps_recorder_get_memory_bytes (PsRecorder *self)
{
  gsize bytes;

  g_return_val_if_fail (self != NULL, 0);

  g_mutex_lock (&self->lock);

  bytes = sizeof (PsRecorder);
  bytes += (gsize) self->n_ring * sizeof (double *);
  bytes += (gsize) self->n_ring_alloc * chunk_bytes ();
  if (self->history != NULL)
    bytes += (gsize) PS_RECORDER_HISTORY_BINS * sizeof (HistoryBin);
  bytes += (gsize) self->max_bins * (sizeof (double) + sizeof (float *));
  bytes += (gsize) self->n_bins_alloc * bin_floats (self) * sizeof (float);

  g_mutex_unlock (&self->lock);

  return bytes;
}

gsize
ps_recorder_get_memory_bound (guint n_cells)
{
  gsize n_ring = PS_RECORDER_FULL_RATE_SAMPLES / PS_RECORDER_CHUNK_SAMPLES;
  guint max_bins = envelope_max_bins (n_cells);

  return sizeof (PsRecorder)
         + n_ring * (sizeof (double *) + chunk_bytes ())
         + (gsize) PS_RECORDER_HISTORY_BINS * sizeof (HistoryBin)
         + (gsize) max_bins * (sizeof (double) + sizeof (float *))
         + (gsize) max_bins * 2 * PS_N_CELL_QUANTITIES * n_cells * sizeof (float);
}

gsize
ps_recorder_get_full_rate_start (PsRecorder *self)
{
  gsize start;

  g_return_val_if_fail (self != NULL, 0);

  g_mutex_lock (&self->lock);
  start = self->full_start;
  g_mutex_unlock (&self->lock);

  return start;
}
