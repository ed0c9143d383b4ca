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

char *
ps_export_name_get_extension (const char *name)
{
  const char *base, *dot;

  if (name == NULL)
    return NULL;
  base = strrchr (name, '/');
  base = base != NULL ? base + 1 : name;
  dot = strrchr (base, '.');
  /* ".hidden" is a name, "run." has no extension */
  if (dot == NULL || dot == base || dot[1] == '\0' || strlen (dot) > 6)
    return NULL;
  for (const char *p = dot + 1; *p != '\0'; p++)
    if (!g_ascii_isalnum (*p))
      return NULL;
  return g_ascii_strdown (dot, -1);
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

/* The caption's strip under the view: one line of text in the style's
 * font and colour, made smaller until it fits the width */
static double
caption_height (const PsRenderStyle *style)
{
  return ceil (2.2 * (style->font_size > 0.0 ? style->font_size : 12.0));
}

static void
draw_caption (cairo_t             *cr,
              const PsRenderStyle *style,
              const char          *caption,
              double               width,
              double               height)
{
  double strip = caption_height (style);
  double size = style->font_size > 0.0 ? style->font_size : 12.0;
  cairo_text_extents_t extents;

  cairo_save (cr);
  if (style->bg[3] > 0.0)
    cairo_set_source_rgba (cr, style->bg[0], style->bg[1], style->bg[2], 1.0);
  else
    cairo_set_source_rgb (cr, 1.0, 1.0, 1.0);
  cairo_rectangle (cr, 0, height - strip, width, strip);
  cairo_fill (cr);

  cairo_select_font_face (cr, style->font_family != NULL ? style->font_family : "sans-serif",
                          CAIRO_FONT_SLANT_NORMAL, CAIRO_FONT_WEIGHT_NORMAL);
  cairo_set_font_size (cr, size);
  cairo_text_extents (cr, caption, &extents);
  if (extents.x_advance > width - 16.0 && extents.x_advance > 0.0)
    {
      size = MAX (size * (width - 16.0) / extents.x_advance, 4.0);
      cairo_set_font_size (cr, size);
    }
  if (style->fg[3] > 0.0)
    cairo_set_source_rgba (cr, style->fg[0], style->fg[1], style->fg[2], style->fg[3]);
  else
    cairo_set_source_rgb (cr, 0.0, 0.0, 0.0);
  cairo_move_to (cr, 8.0, height - strip / 2.0 + size * 0.35);
  cairo_show_text (cr, caption);
  cairo_restore (cr);
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
  return ps_export_render_view_captioned (view, frame, recorder, style, width, height,
                                          format, NULL, error);
}

GBytes *
ps_export_render_view_captioned (PsExportView          view,
                                 const PsFrame        *frame,
                                 PsRecorder           *recorder,
                                 const PsRenderStyle  *style,
                                 int                   width,
                                 int                   height,
                                 PsExportFormat        format,
                                 const char           *caption,
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
  if (caption != NULL && caption[0] != '\0' && height > 2 * caption_height (style))
    {
      double strip = caption_height (style);

      cairo_save (cr);
      cairo_rectangle (cr, 0, 0, width, height - strip);
      cairo_clip (cr);
      draw_view (cr, view, frame, recorder, style, width, height - strip);
      cairo_restore (cr);
      draw_caption (cr, style, caption, width, height);
    }
  else
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

/* after step_end: the drive's and the BMS's columns */
static const PsSeries drive_bms_series[] = {
  PS_SERIES_SPEED_MPS, PS_SERIES_DISTANCE_M, PS_SERIES_BMS_STATE,
};

/* Progress reports cross to the caller's main context; the sink is shared
 * by the job and every report still queued, so its data lives until the
 * last one has run. */
typedef struct
{
  PsExportProgressFunc func;
  gpointer             data;
  GDestroyNotify       destroy;
} ProgressSink;

static void
progress_sink_clear (gpointer p)
{
  ProgressSink *sink = p;

  if (sink->destroy != NULL)
    sink->destroy (sink->data);
}

typedef struct
{
  ProgressSink *sink;
  double        fraction;
} ProgressReport;

static gboolean
progress_report_run (gpointer p)
{
  ProgressReport *report = p;

  report->sink->func (report->fraction, report->sink->data);
  return G_SOURCE_REMOVE;
}

static void
progress_report_free (gpointer p)
{
  ProgressReport *report = p;

  g_atomic_rc_box_release_full (report->sink, progress_sink_clear);
  g_free (report);
}

static gboolean
progress_sink_idle (gpointer p)
{
  return G_SOURCE_REMOVE;
}

static void
progress_sink_release (gpointer p)
{
  g_atomic_rc_box_release_full (p, progress_sink_clear);
}

/* The worker's reference goes back to the caller's context, so the sink's
 * data (a widget, say) is never let go of on the worker thread. */
static void
progress_sink_release_on (ProgressSink **sink,
                          GMainContext  *context)
{
  if (*sink == NULL)
    return;
  g_main_context_invoke_full (context, G_PRIORITY_DEFAULT, progress_sink_idle,
                              g_steal_pointer (sink), progress_sink_release);
}

typedef struct
{
  ProgressSink *sink;        /* NULL: no reports */
  GMainContext *context;
  gint64        next_report;
} ProgressTarget;

static void
progress_maybe_report (ProgressTarget *target,
                       double          fraction,
                       gboolean        last)
{
  ProgressReport *report;
  gint64 now;

  if (target == NULL || target->sink == NULL)
    return;
  now = g_get_monotonic_time ();
  if (!last && now < target->next_report)
    return;
  target->next_report = now + G_USEC_PER_SEC / 10;

  report = g_new (ProgressReport, 1);
  report->sink = g_atomic_rc_box_acquire (target->sink);
  report->fraction = fraction;
  g_main_context_invoke_full (target->context, G_PRIORITY_DEFAULT,
                              progress_report_run, report, progress_report_free);
}

/* Streams the run to out, CSV_CHUNK rows at a time: the memory used does not
 * grow with the run. Only the full-rate part of a recording is exact, so a
 * run whose start the recorder keeps decimated is refused. */
static gboolean
write_csv (PsRecorder     *recorder,
           GOutputStream  *out,
           ProgressTarget *progress,
           GCancellable   *cancellable,
           GError        **error)
{
  g_autofree double *columns = NULL;
  g_autoptr(GString) text = NULL;
  char buf[G_ASCII_DTOSTR_BUF_SIZE];
  gsize length, full_start;
  const guint n_columns = G_N_ELEMENTS (csv_columns);

  if (recorder == NULL)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT,
                   "Export: there is no recorded run");
      return FALSE;
    }

  /* a consistent prefix: read up to the length published now */
  length = ps_recorder_get_length (recorder);
  full_start = ps_recorder_get_full_rate_start (recorder);
  if (full_start > 0)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_NOT_SUPPORTED,
                   "Export: the run has %" G_GSIZE_FORMAT " steps, but only the last %"
                   G_GSIZE_FORMAT " are kept at full rate (longer runs are kept decimated "
                   "for the curves); write every step of a run this long with "
                   "packscope --headless --csv FILE", length, length - full_start);
      return FALSE;
    }

  columns = g_new (double, (gsize) (n_columns + G_N_ELEMENTS (drive_bms_series)) * CSV_CHUNK);
  text = g_string_sized_new (CSV_CHUNK * 128);
  g_string_append (text, PS_EXPORT_CSV_HEADER "\n");

  for (gsize start = 0; start < length; start += CSV_CHUNK)
    {
      gsize n = MIN (CSV_CHUNK, length - start);

      for (guint c = 0; c < n_columns + G_N_ELEMENTS (drive_bms_series); c++)
        {
          PsSeries series = c < n_columns ? csv_columns[c].series : drive_bms_series[c - n_columns];
          gsize got = ps_recorder_read (recorder, series, start, n,
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
                g_string_append_c (text, ',');
              if (!isfinite (v))
                {
                  g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA,
                               "Export: sample %" G_GSIZE_FORMAT " of the run is not a finite number",
                               start + i);
                  return FALSE;
                }
              /* the CLI's formats: time with more digits, then %.6g */
              if (csv_columns[c].integer)
                g_string_append_printf (text, "%u", (guint) MAX (0.0, v));
              else
                g_string_append (text, g_ascii_formatd (buf, sizeof buf,
                                                        csv_columns[c].series == PS_SERIES_TIME_S ? "%.10g" : "%.6g",
                                                        csv_columns[c].kelvin_to_celsius ? v - 273.15 : v));
            }
          /* step_end: why steps ended at this row, if any did */
          {
            g_autofree char *ends = ps_recorder_dup_step_ends (recorder, start + i);

            g_string_append_c (text, ',');
            if (ends != NULL)
              g_string_append (text, ends);
          }
          /* speed_mps, distance_m, bms_state, as the CLI writes them */
          {
            double speed = columns[(gsize) n_columns * CSV_CHUNK + i];
            double distance = columns[(gsize) (n_columns + 1) * CSV_CHUNK + i];
            int bms = (int) columns[(gsize) (n_columns + 2) * CSV_CHUNK + i];

            g_string_append_c (text, ',');
            g_string_append (text, g_ascii_formatd (buf, sizeof buf, "%.6g", speed == 0.0 ? 0.0 : speed));
            g_string_append_c (text, ',');
            g_string_append (text, g_ascii_formatd (buf, sizeof buf, "%.9g", distance == 0.0 ? 0.0 : distance));
            g_string_append_c (text, ',');
            g_string_append (text, ps_bms_state_to_text (bms % 16, bms / 16));
          }
          g_string_append_c (text, '\n');
        }

      if (!g_output_stream_write_all (out, text->str, text->len, NULL, cancellable, error))
        return FALSE;
      g_string_truncate (text, 0);
      progress_maybe_report (progress, (double) (start + n) / (double) length, FALSE);

      if (n < MIN (CSV_CHUNK, length - start))
        break;
    }

  if (text->len > 0 &&
      !g_output_stream_write_all (out, text->str, text->len, NULL, cancellable, error))
    return FALSE;
  progress_maybe_report (progress, 1.0, TRUE);

  return TRUE;
}

GBytes *
ps_export_csv (PsRecorder  *recorder,
               GError     **error)
{
  g_autoptr(GOutputStream) out = g_memory_output_stream_new_resizable ();

  if (!write_csv (recorder, out, NULL, NULL, error) ||
      !g_output_stream_close (out, NULL, error))
    return NULL;

  return g_memory_output_stream_steal_as_bytes (G_MEMORY_OUTPUT_STREAM (out));
}

/* The CSV streamed into a hidden temporary file beside the target and moved
 * over it when complete (a rename for a local file), so the target never
 * holds a partial run, an existing one stays as it was until the new one is
 * complete, and a failed export leaves nothing behind. */
static gboolean
export_csv_to_file (GFile          *file,
                    PsRecorder     *recorder,
                    ProgressTarget *progress,
                    GCancellable   *cancellable,
                    GError        **error)
{
  g_autoptr(GFile) parent = g_file_get_parent (file);
  g_autofree char *base = g_file_get_basename (file);
  g_autoptr(GFileOutputStream) out = NULL;
  g_autoptr(GFile) tmp = NULL;

  if (parent == NULL || base == NULL)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_FILENAME,
                   "Export: expected a file name, not a folder");
      return FALSE;
    }

  for (guint attempt = 0; out == NULL; attempt++)
    {
      g_autofree char *name = g_strdup_printf (".%s.%06X", base, g_random_int () & 0xFFFFFF);
      g_autoptr(GError) local_error = NULL;

      g_clear_object (&tmp);
      tmp = g_file_get_child (parent, name);
      out = g_file_create (tmp, G_FILE_CREATE_NONE, cancellable, &local_error);
      if (out == NULL && (attempt >= 16 ||
                          !g_error_matches (local_error, G_IO_ERROR, G_IO_ERROR_EXISTS)))
        {
          g_propagate_error (error, g_steal_pointer (&local_error));
          return FALSE;
        }
    }

  if (write_csv (recorder, G_OUTPUT_STREAM (out), progress, cancellable, error) &&
      g_output_stream_close (G_OUTPUT_STREAM (out), cancellable, error) &&
      g_file_move (tmp, file, G_FILE_COPY_OVERWRITE | G_FILE_COPY_NO_FALLBACK_FOR_MOVE,
                   cancellable, NULL, NULL, error))
    return TRUE;

  g_output_stream_close (G_OUTPUT_STREAM (out), NULL, NULL);
  g_file_delete (tmp, NULL, NULL);
  return FALSE;
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
  char          *caption;
  ProgressSink  *progress;
} ExportJob;

static void
export_job_free (gpointer data)
{
  ExportJob *job = data;

  g_clear_object (&job->file);
  g_clear_pointer (&job->frame, ps_frame_unref);
  g_clear_pointer (&job->recorder, ps_recorder_unref);
  g_free (job->font_family);
  g_free (job->caption);
  if (job->progress != NULL)
    g_atomic_rc_box_release_full (job->progress, progress_sink_clear);
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
    {
      ProgressTarget progress = { job->progress, g_task_get_context (task), 0 };
      gboolean ok = export_csv_to_file (job->file, job->recorder, &progress, cancellable, &error);

      progress_sink_release_on (&job->progress, g_task_get_context (task));
      if (!ok)
        {
          g_autofree char *name = g_file_get_parse_name (job->file);

          if (!g_str_has_prefix (error->message, "Export"))
            g_prefix_error (&error, "Export to %s: ", name);
          g_task_return_error (task, error);
          return;
        }
      g_task_return_boolean (task, TRUE);
      return;
    }

  bytes = ps_export_render_view_captioned (job->view, job->frame, job->recorder, &job->style,
                                           job->width, job->height, job->format, job->caption,
                                           &error);

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
  ps_export_view_captioned_async (file, view, frame, recorder, style, width, height, format,
                                  NULL, cancellable, callback, user_data);
}

void
ps_export_view_captioned_async (GFile               *file,
                                PsExportView         view,
                                PsFrame             *frame,
                                PsRecorder          *recorder,
                                const PsRenderStyle *style,
                                int                  width,
                                int                  height,
                                PsExportFormat       format,
                                const char          *caption,
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
  job->caption = g_strdup (caption);

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
  ps_export_csv_async_full (file, recorder, NULL, NULL, NULL, cancellable, callback, user_data);
}

void
ps_export_csv_async_full (GFile                *file,
                          PsRecorder           *recorder,
                          PsExportProgressFunc  progress,
                          gpointer              progress_data,
                          GDestroyNotify        progress_destroy,
                          GCancellable         *cancellable,
                          GAsyncReadyCallback   callback,
                          gpointer              user_data)
{
  g_autoptr(GTask) task = NULL;
  ExportJob *job;

  g_return_if_fail (G_IS_FILE (file));

  job = g_new0 (ExportJob, 1);
  job->file = g_object_ref (file);
  job->csv = TRUE;
  job->format = PS_EXPORT_CSV;
  job->recorder = recorder != NULL ? ps_recorder_ref (recorder) : NULL;
  if (progress != NULL)
    {
      job->progress = g_atomic_rc_box_new0 (ProgressSink);
      job->progress->func = progress;
      job->progress->data = progress_data;
      job->progress->destroy = progress_destroy;
    }
  else if (progress_destroy != NULL)
    progress_destroy (progress_data);

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
