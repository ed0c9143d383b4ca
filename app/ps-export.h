/* ps-export.h: views as PNG, SVG or PDF, and the recorded run as CSV
 *
 * Views are drawn by the same cairo renderers the widgets use, at the view's
 * size and with its style. Files are written atomically
 * (g_file_replace_contents: a temporary file renamed over the target), so a
 * failed export leaves no half-written file. The _async functions do the
 * drawing and the writing on a GTask worker thread. The CSV is streamed into
 * the file a block of rows at a time (never built whole in memory), with the
 * same bytes as the CLI's --csv; it needs the run kept at full rate (see
 * ps-recorder.h: the last 524,288 steps), and is refused, with the numbers,
 * for a longer run.
 */
#pragma once

#include <gio/gio.h>

#include "ps-render.h"

G_BEGIN_DECLS

typedef enum
{
  PS_EXPORT_PNG,
  PS_EXPORT_SVG,
  PS_EXPORT_PDF,
  PS_EXPORT_CSV,
} PsExportFormat;

typedef enum
{
  PS_EXPORT_VIEW_LAYOUT,
  PS_EXPORT_VIEW_CURVES,
  PS_EXPORT_VIEW_THERMAL,
} PsExportView;

/* The CLI's CSV header (without the newline). */
#define PS_EXPORT_CSV_HEADER \
  "time_s,step,pack_voltage_v,pack_current_a,pack_power_w,pack_soc," \
  "cell_voltage_min_v,cell_voltage_max_v,cell_temp_min_c,cell_temp_max_c," \
  "heat_w,charge_ah,energy_wh,step_end,speed_mps,distance_m,bms_state"

/* From the file name's extension (case-insensitive); FALSE if unknown. */
gboolean  ps_export_format_from_name (const char           *name,
                                      PsExportFormat       *format);
const char *ps_export_format_get_extension (PsExportFormat format);
/* The extension a file name ends in, lower case with its dot (".jpg"), or
 * NULL when it has none ("run", ".hidden", "run.").  Free with g_free. */
char     *ps_export_name_get_extension (const char         *name);

/* The view drawn into a PNG, SVG or PDF document in memory. */
GBytes   *ps_export_render_view      (PsExportView          view,
                                      const PsFrame        *frame,
                                      PsRecorder           *recorder,
                                      const PsRenderStyle  *style,
                                      int                   width,
                                      int                   height,
                                      PsExportFormat        format,
                                      GError              **error);
/* The same with a caption line under the view (the scenario, the
 * simulated time), in the style's font and colours; caption may be NULL */
GBytes   *ps_export_render_view_captioned (PsExportView      view,
                                      const PsFrame        *frame,
                                      PsRecorder           *recorder,
                                      const PsRenderStyle  *style,
                                      int                   width,
                                      int                   height,
                                      PsExportFormat        format,
                                      const char           *caption,
                                      GError              **error);
/* The whole recorded run, one row per sample, the CLI's columns. */
GBytes   *ps_export_csv              (PsRecorder           *recorder,
                                      GError              **error);

void      ps_export_view_async       (GFile                *file,
                                      PsExportView          view,
                                      PsFrame              *frame,
                                      PsRecorder           *recorder,
                                      const PsRenderStyle  *style,
                                      int                   width,
                                      int                   height,
                                      PsExportFormat        format,
                                      GCancellable         *cancellable,
                                      GAsyncReadyCallback   callback,
                                      gpointer              user_data);
void      ps_export_view_captioned_async (GFile          *file,
                                      PsExportView          view,
                                      PsFrame              *frame,
                                      PsRecorder           *recorder,
                                      const PsRenderStyle  *style,
                                      int                   width,
                                      int                   height,
                                      PsExportFormat        format,
                                      const char           *caption,
                                      GCancellable         *cancellable,
                                      GAsyncReadyCallback   callback,
                                      gpointer              user_data);
/* Called on the caller's main context with the fraction written, 0..1. */
typedef void (*PsExportProgressFunc) (double   fraction,
                                      gpointer user_data);

void      ps_export_csv_async        (GFile                *file,
                                      PsRecorder           *recorder,
                                      GCancellable         *cancellable,
                                      GAsyncReadyCallback   callback,
                                      gpointer              user_data);
void      ps_export_csv_async_full   (GFile                *file,
                                      PsRecorder           *recorder,
                                      PsExportProgressFunc  progress,
                                      gpointer              progress_data,
                                      GDestroyNotify        progress_destroy,
                                      GCancellable         *cancellable,
                                      GAsyncReadyCallback   callback,
                                      gpointer              user_data);
gboolean  ps_export_finish           (GAsyncResult         *result,
                                      GError              **error);

G_END_DECLS
