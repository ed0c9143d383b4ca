/* ps-recorder.c: the history of a run
 *
 * Pack totals: PS_N_SERIES doubles per sample, kept in fixed-size chunks
 * (series-major inside a chunk). A chunk, once allocated, is never moved or
 * reallocated; only the table of chunk pointers grows, under a short mutex.
 * The writer fills sample n and then publishes length n + 1 with a release
 * store; readers load the length with an acquire load, so every sample below
 * the length they saw is complete.
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

struct _PsRecorder
{
  gatomicrefcount ref_count;
  guint           n_cells;

  GMutex          lock;

  /* pack totals */
  double        **chunks;          /* [n_chunks_alloc], each [PS_N_SERIES][CHUNK] */
  guint           n_chunks;
  guint           n_chunks_alloc;
  gsize           length;          /* published with release/acquire */

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

static inline gsize
bin_floats (const PsRecorder *self)
{
  return (gsize) 2 * PS_N_CELL_QUANTITIES * self->n_cells;
}

PsRecorder *
ps_recorder_new (guint n_cells)
{
  PsRecorder *self;
  gsize per_bin;
  guint max_bins;

  self = g_new0 (PsRecorder, 1);
  g_atomic_ref_count_init (&self->ref_count);
  g_mutex_init (&self->lock);
  self->n_cells = n_cells;

  per_bin = MAX ((gsize) 1, bin_floats (self) * sizeof (float));
  max_bins = (guint) MIN ((gsize) PS_RECORDER_MAX_BINS,
                          PS_RECORDER_ENVELOPE_BUDGET / per_bin);
  max_bins = MAX (max_bins, PS_RECORDER_MIN_BINS);
  max_bins &= ~1u;
  self->max_bins = max_bins;
  self->bin_width = 1;
  self->bin_time_s = g_new0 (double, max_bins);
  self->bins = g_new0 (float *, max_bins);

  return self;
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
  for (guint i = 0; i < self->n_chunks; i++)
    g_free (self->chunks[i]);
  g_clear_pointer (&self->chunks, g_free);
  self->n_chunks = 0;
  self->n_chunks_alloc = 0;

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
  gsize chunk_index;
  gsize in_chunk;
  double *chunk;

  g_return_if_fail (self != NULL);
  g_return_if_fail (frame != NULL);
  g_return_if_fail (frame->n_cells == self->n_cells);

  /* only the writer changes length, so a relaxed load is enough here */
  length = __atomic_load_n (&self->length, __ATOMIC_RELAXED);
  chunk_index = length / PS_RECORDER_CHUNK_SAMPLES;
  in_chunk = length % PS_RECORDER_CHUNK_SAMPLES;

  g_mutex_lock (&self->lock);

  if (chunk_index >= self->n_chunks)
    {
      if (self->n_chunks == self->n_chunks_alloc)
        {
          self->n_chunks_alloc = MAX (16u, self->n_chunks_alloc * 2);
          self->chunks = g_renew (double *, self->chunks, self->n_chunks_alloc);
        }
      self->chunks[self->n_chunks++] =
        g_new (double, (gsize) PS_N_SERIES * PS_RECORDER_CHUNK_SAMPLES);
    }
  chunk = self->chunks[chunk_index];

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
      memcpy (out + copied,
              series_slot (self->chunks[pos / PS_RECORDER_CHUNK_SAMPLES], series,
                           pos % PS_RECORDER_CHUNK_SAMPLES),
              run * sizeof (double));
      g_mutex_unlock (&self->lock);

      copied += run;
    }

  return copied;
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
      double t = *series_slot (self->chunks[mid / PS_RECORDER_CHUNK_SAMPLES],
                               PS_SERIES_TIME_S,
                               mid % PS_RECORDER_CHUNK_SAMPLES);

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
  bytes += (gsize) self->n_chunks_alloc * sizeof (double *);
  bytes += (gsize) self->n_chunks * PS_N_SERIES * PS_RECORDER_CHUNK_SAMPLES * sizeof (double);
  bytes += (gsize) self->max_bins * (sizeof (double) + sizeof (float *));
  bytes += (gsize) self->n_bins_alloc * bin_floats (self) * sizeof (float);

  g_mutex_unlock (&self->lock);

  return bytes;
}
