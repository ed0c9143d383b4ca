/* ps-recorder.h: the history of a run
 *
 * Pack totals are kept at full rate (every step, 112 bytes a step) for a
 * recent window of PS_RECORDER_FULL_RATE_SAMPLES steps (the whole run while it
 * is shorter: 145 h at dt = 1 s). Older steps move into a decimated history:
 * a bounded number of bins, each with the min and the max of every series
 * over its steps (and which came first), whose width doubles (pairs merge)
 * when they fill. Per-cell series are kept decimated the same way from the
 * start: at most 2,048 bins per cell and 64 MiB in all (294 bins per cell for
 * the 7,104-cell pack). So memory is bounded whatever the run length and dt:
 * ps_recorder_get_memory_bound() gives the bound (about 126 MB for the
 * 7,104-cell pack).
 *
 * Samples keep their index for the whole run: a read of steps inside the
 * history gives, for each step of a bin, the bin's first extreme for the
 * first half of its steps and its second extreme for the rest (time is
 * interpolated between the bin's first and last step), so a plot of the
 * whole run still shows every peak and trough. Only steps from
 * ps_recorder_get_full_rate_start() on are the exact recorded values.
 *
 * One writer (the runner's worker) and any number of readers on other
 * threads: readers see a consistent prefix (the length is published after the
 * data). Reads copy into caller buffers; no lock is held by a caller after a
 * read returns.
 */
#pragma once

#include "ps-frame.h"

G_BEGIN_DECLS

typedef enum
{
  PS_SERIES_TIME_S,
  PS_SERIES_STEP,
  PS_SERIES_PACK_VOLTAGE_V,
  PS_SERIES_PACK_CURRENT_A,
  PS_SERIES_PACK_POWER_W,
  PS_SERIES_PACK_SOC,
  PS_SERIES_CELL_VOLTAGE_MIN_V,
  PS_SERIES_CELL_VOLTAGE_MAX_V,
  PS_SERIES_CELL_TEMP_MIN_K,
  PS_SERIES_CELL_TEMP_MEAN_K,
  PS_SERIES_CELL_TEMP_MAX_K,
  PS_SERIES_HEAT_W,
  PS_SERIES_CHARGE_AH,
  PS_SERIES_ENERGY_WH,
  PS_SERIES_SPEED_MPS,
  PS_SERIES_DISTANCE_M,
  PS_SERIES_BMS_STATE,          /* frame bms_state + 16 x bms_reason */
  PS_N_SERIES
} PsSeries;

typedef enum
{
  PS_CELL_QUANTITY_VOLTAGE,
  PS_CELL_QUANTITY_CURRENT,
  PS_CELL_QUANTITY_SOC,
  PS_CELL_QUANTITY_TEMP,
  PS_N_CELL_QUANTITIES
} PsCellQuantity;

typedef struct _PsRecorder PsRecorder;

/* Steps kept at full rate (a multiple of the chunk size, 4,096 steps). */
#define PS_RECORDER_FULL_RATE_SAMPLES ((gsize) 128 * 4096)

/* Returns: (transfer full) */
PsRecorder *ps_recorder_new          (guint           n_cells);
/* With a smaller full-rate window (tests): full_rate_samples is rounded up
 * to whole chunks of 4,096 steps, at least one. */
/* Returns: (transfer full) */
PsRecorder *ps_recorder_new_full     (guint           n_cells,
                                      gsize           full_rate_samples);
/* Returns: (transfer full): recorder, with one more reference */
PsRecorder *ps_recorder_ref          (PsRecorder     *recorder);
void        ps_recorder_unref        (PsRecorder     *recorder);

/* Writer side. Appends the frame's pack totals and per-cell values. */
void        ps_recorder_append       (PsRecorder     *recorder,
                                      const PsFrame  *frame);
void        ps_recorder_clear        (PsRecorder     *recorder);

/* Attaches the step ends of the last appended sample, in the CLI's
 * step_end form (ps_step_end_format_ids); joins with "; " what is there. */
void        ps_recorder_note_step_ends (PsRecorder   *recorder,
                                        const char   *text);

/* Reader side. Number of samples (steps) published so far. */
gsize       ps_recorder_get_length   (PsRecorder     *recorder);
/* Samples below this index are in the decimated history (0 while the whole
 * run is kept at full rate). */
gsize       ps_recorder_get_full_rate_start (PsRecorder *recorder);
guint       ps_recorder_get_n_cells  (PsRecorder     *recorder);
/* Copies samples [start, start + n) of one series into out; returns how many
 * were copied (fewer at the end). */
gsize       ps_recorder_read         (PsRecorder     *recorder,
                                      PsSeries        series,
                                      gsize           start,
                                      gsize           n,
                                      double         *out);
/* The points that draw one series over samples [start, start + n): the
 * exact samples where the run is kept at full rate, and before that two
 * points per history bin (its extremes in the order they came, at the bin's
 * first and last time), so a plot of a long run reads a bounded number of
 * points. Writes at most max_points (at least 2) times and values; *covered
 * gets how many samples they stand for (0 at the end of the data). */
gsize       ps_recorder_read_points  (PsRecorder     *recorder,
                                      PsSeries        series,
                                      gsize           start,
                                      gsize           n,
                                      double         *time_s,
                                      double         *values,
                                      gsize           max_points,
                                      gsize          *covered);
/* Index of the first sample with time >= time_s (binary search). */
gsize       ps_recorder_find_time    (PsRecorder     *recorder,
                                      double          time_s);
/* One cell's envelope: up to max_bins bins, each with its start time and the
 * min and max over the bin. Returns the number of bins written. */
gsize       ps_recorder_read_cell    (PsRecorder     *recorder,
                                      guint           cell,
                                      PsCellQuantity  quantity,
                                      double         *time_s,
                                      float          *min_out,
                                      float          *max_out,
                                      gsize           max_bins);
/* The step ends noted at a sample, or NULL; free with g_free. */
char       *ps_recorder_dup_step_ends (PsRecorder    *recorder,
                                       gsize          sample);
/* Bytes allocated by the recorder, for the memory benchmark. */
gsize       ps_recorder_get_memory_bytes (PsRecorder *recorder);
/* The most a recorder of n_cells cells (default window) ever allocates. */
gsize       ps_recorder_get_memory_bound (guint      n_cells);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (PsRecorder, ps_recorder_unref)

G_END_DECLS
