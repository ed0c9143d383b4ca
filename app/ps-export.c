/* ps-export.c: views as PNG, SVG or PDF, and the recorded run as CSV */
#include "config.h"

#include <cairo-pdf.h>
#include <cairo-svg.h>
#include <math.h>
#include <string.h>

#include "ps-export.h"

#define CSV_CHUNK 4096
#define MAX_EXPORT_PX 16384

gboolean
ps_export_format_from_name (const char     *name,
                            PsExportFormat *format)
{
  static const struct { const char *ext; PsExportFormat format; } exts[] = {
    { ".png", PS_EXPORT_PNG },
    { ".svg", PS_EXPORT_SVG },
    { ".pdf", PS_EXPORT_PDF },
    { ".csv", PS_EXPORT_CSV },
  };
  g_autofree char *lower = NULL;

  if (name == NULL)
    return FALSE;

  lower = g_ascii_strdown (name, -1);
  for (guint i = 0; i < G_N_ELEMENTS (exts); i++)
    if (g_str_has_suffix (lower, exts[i].ext))
      {
        if (format != NULL)
          *format = exts[i].format;
        return TRUE;
      }

  return FALSE;
}

const char *
ps_export_format_get_extension (PsExportFormat format)
{
  switch (format)
    {
    case PS_EXPORT_PNG: return ".png";
    case PS_EXPORT_SVG: return ".svg";
    case PS_EXPORT_PDF: return ".pdf";
    case PS_EXPORT_CSV: return ".csv";
    default: return "";
    }
}

static cairo_status_t
write_to_byte_array (void                *closure,
                     const unsigned char *data,
                     unsigned int         length)
{
  g_byte_array_append (closure, data, length);
  return CAIRO_STATUS_SUCCESS;
}

static void
draw_view (cairo_t             *cr,
           PsExportView         view,
           const PsFrame       *frame,
           PsRecorder          *recorder,
           const PsRenderStyle *style,
           double               width,
           double               height)
{
  PsRenderStyle s = *style;

  /* the pointer is not part of a document */
  s.hover_cell = -1;
  s.cursor_time_s = -1.0;

  /* a document needs its own background, whatever the widget showed through */
  s.draw_background = TRUE;
  if (s.bg[3] <= 0.0)
    {
      s.bg[0] = s.bg[1] = s.bg[2] = 1.0;
      s.bg[3] = 1.0;
    }

  cairo_save (cr);
  cairo_set_source_rgba (cr, s.bg[0], s.bg[1], s.bg[2], 1.0);
  cairo_paint (cr);
  cairo_restore (cr);

  switch (view)
    {
    case PS_EXPORT_VIEW_LAYOUT:
      ps_render_layout (cr, frame, &s, width, height);
      break;
    case PS_EXPORT_VIEW_CURVES:
      ps_render_curves (cr, recorder, frame, &s, width, height);
      break;
    case PS_EXPORT_VIEW_THERMAL:
      ps_render_thermal (cr, frame, &s, width, height);
      break;
    default:
      g_assert_not_reached ();
    }
}

GBytes *
ps_export_render_view (PsExportView          view,
                       const PsFrame        *frame,
                       PsRecorder           *recorder,
                       const PsRenderStyle  *style,
                       int                   width,
                       int                   height,
                       PsExportFormat        format,
                       GError              **error)
{
  g_autoptr(GByteArray) bytes = NULL;
  cairo_surface_t *surface = NULL;
  cairo_status_t status;
  cairo_t *cr;

  g_return_val_if_fail (style != NULL, NULL);

  if (frame == NULL)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT,
                   "Export: there is no frame to draw yet");
      return NULL;
    }
  if (view == PS_EXPORT_VIEW_CURVES && recorder == NULL)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT,
                   "Export: there is no recorded run to plot");
      return NULL;
    }
  if (view > PS_EXPORT_VIEW_THERMAL)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT,
                   "Export: unknown view %d", (int) view);
      return NULL;
    }
  if (width < 1 || height < 1 || width > MAX_EXPORT_PX || height > MAX_EXPORT_PX)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT,
                   "Export: a size of %d×%d px is outside 1..%d px",
                   width, height, MAX_EXPORT_PX);
      return NULL;
    }

  bytes = g_byte_array_new ();

  switch (format)
    {
    case PS_EXPORT_PNG:
      surface = cairo_image_surface_create (CAIRO_FORMAT_ARGB32, width, height);
      break;
    case PS_EXPORT_SVG:
      surface = cairo_svg_surface_create_for_stream (write_to_byte_array, bytes, width, height);
      break;
    case PS_EXPORT_PDF:
      surface = cairo_pdf_surface_create_for_stream (write_to_byte_array, bytes, width, height);
      break;
    case PS_EXPORT_CSV:
    default:
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT,
                   "Export: a view is saved as PNG, SVG or PDF, not as %s",
                   ps_export_format_get_extension (format));
      return NULL;
    }

  cr = cairo_create (surface);
  draw_view (cr, view, frame, recorder, style, width, height);
  status = cairo_status (cr);
  cairo_destroy (cr);

  if (status == CAIRO_STATUS_SUCCESS && format == PS_EXPORT_PNG)
    {
      cairo_surface_flush (surface);
      status = cairo_surface_write_to_png_stream (surface, write_to_byte_array, bytes);
    }

  cairo_surface_finish (surface);
  if (status == CAIRO_STATUS_SUCCESS)
    status = cairo_surface_status (surface);
  cairo_surface_destroy (surface);

  if (status != CAIRO_STATUS_SUCCESS)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_FAILED,
                   "Export: drawing the %s failed: %s",
                   ps_export_format_get_extension (format) + 1,
                   cairo_status_to_string (status));
      return NULL;
    }

  return g_byte_array_free_to_bytes (g_steal_pointer (&bytes));
}

/* The columns of the CLI's CSV, in order; temperatures leave in Celsius. */
static const struct {
  PsSeries series;
  gboolean kelvin_to_celsius;
  gboolean integer;
} csv_columns[] = {
  { PS_SERIES_TIME_S, FALSE, FALSE },
  { PS_SERIES_STEP, FALSE, TRUE },
  { PS_SERIES_PACK_VOLTAGE_V, FALSE, FALSE },
  { PS_SERIES_PACK_CURRENT_A, FALSE, FALSE },
  { PS_SERIES_PACK_POWER_W, FALSE, FALSE },
  { PS_SERIES_PACK_SOC, FALSE, FALSE },
  { PS_SERIES_CELL_VOLTAGE_MIN_V, FALSE, FALSE },
  { PS_SERIES_CELL_VOLTAGE_MAX_V, FALSE, FALSE },
  { PS_SERIES_CELL_TEMP_MIN_K, TRUE, FALSE },
  { PS_SERIES_CELL_TEMP_MAX_K, TRUE, FALSE },
  { PS_SERIES_HEAT_W, FALSE, FALSE },
  { PS_SERIES_CHARGE_AH, FALSE, FALSE },
  { PS_SERIES_ENERGY_WH, FALSE, FALSE },
};

GBytes *
ps_export_csv (PsRecorder  *recorder,
               GError     **error)
{
  g_autofree double *columns = NULL;
  char buf[G_ASCII_DTOSTR_BUF_SIZE];
  GString *out;
  gsize length;
  const guint n_columns = G_N_ELEMENTS (csv_columns);

  if (recorder == NULL)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT,
                   "Export: there is no recorded run");
      return NULL;
    }

  /* a consistent prefix: read up to the length published now */
  length = ps_recorder_get_length (recorder);
  columns = g_new (double, (gsize) n_columns * CSV_CHUNK);
  out = g_string_sized_new (128 + length * 120);
  g_string_append (out, PS_EXPORT_CSV_HEADER "\n");

  for (gsize start = 0; start < length; start += CSV_CHUNK)
    {
      gsize n = MIN (CSV_CHUNK, length - start);

      for (guint c = 0; c < n_columns; c++)
        {
          gsize got = ps_recorder_read (recorder, csv_columns[c].series, start, n,
                                        columns + (gsize) c * CSV_CHUNK);

          if (got < n)
            n = got;
        }

      for (gsize i = 0; i < n; i++)
        {
          for (guint c = 0; c < n_columns; c++)
            {
              double v = columns[(gsize) c * CSV_CHUNK + i];

              if (c > 0)
                g_string_append_c (out, ',');
              if (!isfinite (v))
                {
                  g_string_free (out, TRUE);
                  g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA,
                               "Export: sample %" G_GSIZE_FORMAT " of the run is not a finite number",
                               start + i);
                  return NULL;
                }
              /* the CLI's formats: time with more digits, then %.6g */
              if (csv_columns[c].integer)
                g_string_append_printf (out, "%u", (guint) MAX (0.0, v));
              else
                g_string_append (out, g_ascii_formatd (buf, sizeof buf,
                                                       csv_columns[c].series == PS_SERIES_TIME_S ? "%.10g" : "%.6g",
                                                       csv_columns[c].kelvin_to_celsius ? v - 273.15 : v));
            }
          /* step_end: why steps ended at this row, if any did */
          {
            g_autofree char *ends = ps_recorder_dup_step_ends (recorder, start + i);

            g_string_append_c (out, ',');
            if (ends != NULL)
              g_string_append (out, ends);
          }
          g_string_append_c (out, '\n');
        }

      if (n < MIN (CSV_CHUNK, length - start))
        break;
    }

  return g_string_free_to_bytes (out);
}

/* async: the job carries its own copies and references */

typedef struct
{
  GFile         *file;
  gboolean       csv;
  PsExportView   view;
  PsFrame       *frame;
  PsRecorder    *recorder;
  PsRenderStyle  style;
  char          *font_family;
  int            width;
  int            height;
  PsExportFormat format;
} ExportJob;

static void
export_job_free (gpointer data)
{
  ExportJob *job = data;

  g_clear_object (&job->file);
  g_clear_pointer (&job->frame, ps_frame_unref);
  g_clear_pointer (&job->recorder, ps_recorder_unref);
  g_free (job->font_family);
  g_free (job);
}

static void
export_thread (GTask        *task,
               gpointer      source_object,
               gpointer      task_data,
               GCancellable *cancellable)
{
  ExportJob *job = task_data;
  g_autoptr(GBytes) bytes = NULL;
  GError *error = NULL;

  if (job->csv)
    bytes = ps_export_csv (job->recorder, &error);
  else
    bytes = ps_export_render_view (job->view, job->frame, job->recorder, &job->style,
                                   job->width, job->height, job->format, &error);

  if (bytes == NULL)
    {
      g_task_return_error (task, error);
      return;
    }

  /* written to a temporary file and renamed over the target */
  if (!g_file_replace_contents (job->file,
                                g_bytes_get_data (bytes, NULL),
                                g_bytes_get_size (bytes),
                                NULL, FALSE,
                                G_FILE_CREATE_REPLACE_DESTINATION,
                                NULL, cancellable, &error))
    {
      g_autofree char *name = g_file_get_parse_name (job->file);

      g_prefix_error (&error, "Export to %s: ", name);
      g_task_return_error (task, error);
      return;
    }

  g_task_return_boolean (task, TRUE);
}

void
ps_export_view_async (GFile               *file,
                      PsExportView         view,
                      PsFrame             *frame,
                      PsRecorder          *recorder,
                      const PsRenderStyle *style,
                      int                  width,
                      int                  height,
                      PsExportFormat       format,
                      GCancellable        *cancellable,
                      GAsyncReadyCallback  callback,
                      gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;
  ExportJob *job;

  g_return_if_fail (G_IS_FILE (file));
  g_return_if_fail (style != NULL);

  job = g_new0 (ExportJob, 1);
  job->file = g_object_ref (file);
  job->view = view;
  job->frame = frame != NULL ? ps_frame_ref (frame) : NULL;
  job->recorder = recorder != NULL ? ps_recorder_ref (recorder) : NULL;
  job->style = *style;
  job->font_family = g_strdup (style->font_family);
  job->style.font_family = job->font_family;
  job->width = width;
  job->height = height;
  job->format = format;

  task = g_task_new (NULL, cancellable, callback, user_data);
  g_task_set_source_tag (task, ps_export_view_async);
  g_task_set_task_data (task, job, export_job_free);
  g_task_run_in_thread (task, export_thread);
}

void
ps_export_csv_async (GFile               *file,
                     PsRecorder          *recorder,
                     GCancellable        *cancellable,
                     GAsyncReadyCallback  callback,
                     gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;
  ExportJob *job;

  g_return_if_fail (G_IS_FILE (file));

  job = g_new0 (ExportJob, 1);
  job->file = g_object_ref (file);
  job->csv = TRUE;
  job->format = PS_EXPORT_CSV;
  job->recorder = recorder != NULL ? ps_recorder_ref (recorder) : NULL;

  task = g_task_new (NULL, cancellable, callback, user_data);
  g_task_set_source_tag (task, ps_export_csv_async);
  g_task_set_task_data (task, job, export_job_free);
  g_task_run_in_thread (task, export_thread);
}

gboolean
ps_export_finish (GAsyncResult  *result,
                  GError       **error)
{
  g_return_val_if_fail (G_IS_TASK (result), FALSE);

  return g_task_propagate_boolean (G_TASK (result), error);
}
