/* ps-frame.c: an immutable, reference-counted picture of the pack at one time
 *
 * The struct and its per-cell arrays live in one allocation, so making,
 * recycling and freeing a frame of a 7,104-cell pack is one malloc/free.
 */
#include "config.h"

#include "ps-pack-private.h"
#include "ps-frame.h"

/* arrays start on a 16-byte boundary after the struct */
#define PS_FRAME_HEADER_SIZE ((sizeof (PsFrame) + 15) & ~(gsize) 15)
#define PS_FRAME_N_ARRAYS    6

PsFrame *
ps_frame_new (PsPack *pack)
{
  PsFrame *frame;
  double *arrays;
  guint n_cells;

  g_return_val_if_fail (pack != NULL, NULL);

  n_cells = pack->n_cells;
  frame = g_malloc0 (PS_FRAME_HEADER_SIZE
                     + (gsize) PS_FRAME_N_ARRAYS * n_cells * sizeof (double)
                     + (gsize) n_cells);
  g_atomic_ref_count_init (&frame->ref_count);

  frame->pack = ps_pack_ref (pack);
  frame->n_cells = n_cells;

  arrays = (double *) (gpointer) ((guint8 *) frame + PS_FRAME_HEADER_SIZE);
  frame->cell_voltage_v = arrays;
  frame->cell_current_a = arrays + (gsize) n_cells;
  frame->cell_soc = arrays + 2 * (gsize) n_cells;
  frame->cell_temp_k = arrays + 3 * (gsize) n_cells;
  frame->cell_heat_w = arrays + 4 * (gsize) n_cells;
  frame->cell_bleed_a = arrays + 5 * (gsize) n_cells;
  frame->cell_runaway = (guint8 *) (arrays + 6 * (gsize) n_cells);

  return frame;
}

PsFrame *
ps_frame_ref (PsFrame *frame)
{
  g_return_val_if_fail (frame != NULL, NULL);

  g_atomic_ref_count_inc (&frame->ref_count);
  return frame;
}

void
ps_frame_unref (PsFrame *frame)
{
  g_return_if_fail (frame != NULL);

  if (g_atomic_ref_count_dec (&frame->ref_count))
    {
      g_clear_pointer (&frame->step_text, g_ref_string_release);
      g_clear_pointer (&frame->end_text, g_free);
      g_clear_pointer (&frame->events, ps_event_log_unref);
      g_clear_pointer (&frame->pack, ps_pack_unref);
      g_free (frame);
    }
}

void
ps_frame_update_extremes (PsFrame *frame)
{
  guint n;
  double v_min, v_max, t_min, t_max, t_sum, s_min, s_max;
  guint v_min_idx = 0, v_max_idx = 0, t_min_idx = 0, t_max_idx = 0;

  g_return_if_fail (frame != NULL);

  n = frame->n_cells;
  if (n == 0)
    {
      frame->cell_voltage_min_v = frame->cell_voltage_max_v = 0.0;
      frame->cell_voltage_min_idx = frame->cell_voltage_max_idx = 0;
      frame->cell_temp_min_k = frame->cell_temp_max_k = frame->cell_temp_mean_k = 0.0;
      frame->cell_temp_min_idx = frame->cell_temp_max_idx = 0;
      frame->cell_soc_min = frame->cell_soc_max = 0.0;
      return;
    }

  v_min = v_max = frame->cell_voltage_v[0];
  t_min = t_max = frame->cell_temp_k[0];
  s_min = s_max = frame->cell_soc[0];
  t_sum = 0.0;

  for (guint i = 0; i < n; i++)
    {
      double v = frame->cell_voltage_v[i];
      double t = frame->cell_temp_k[i];
      double s = frame->cell_soc[i];

      if (v < v_min)
        {
          v_min = v;
          v_min_idx = i;
        }
      if (v > v_max)
        {
          v_max = v;
          v_max_idx = i;
        }
      if (t < t_min)
        {
          t_min = t;
          t_min_idx = i;
        }
      if (t > t_max)
        {
          t_max = t;
          t_max_idx = i;
        }
      if (s < s_min)
        s_min = s;
      if (s > s_max)
        s_max = s;
      t_sum += t;
    }

  frame->cell_voltage_min_v = v_min;
  frame->cell_voltage_max_v = v_max;
  frame->cell_voltage_min_idx = v_min_idx;
  frame->cell_voltage_max_idx = v_max_idx;
  frame->cell_temp_min_k = t_min;
  frame->cell_temp_max_k = t_max;
  frame->cell_temp_mean_k = t_sum / n;
  frame->cell_temp_min_idx = t_min_idx;
  frame->cell_temp_max_idx = t_max_idx;
  frame->cell_soc_min = s_min;
  frame->cell_soc_max = s_max;
}
