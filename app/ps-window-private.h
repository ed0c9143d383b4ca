/* ps-window-private.h: what ps-window.c and ps-window-actions.c share */
#pragma once

#include "ps-window.h"
#include "ps-pack-view.h"
#include "ps-curve-view.h"
#include "ps-thermal-view.h"
#include "ps-cell-inspector.h"

G_BEGIN_DECLS

struct _PsWindow
{
  AdwApplicationWindow  parent_instance;

  /* template children */
  AdwToastOverlay      *toast_overlay;
  AdwWindowTitle       *window_title;
  GtkMenuButton        *preset_button;
  GtkLabel             *preset_label;
  GtkMenuButton        *speed_button;
  GtkButton            *play_button;
  GtkLabel             *clock_label;
  GtkDropDown          *load_direction;
  GtkDropDown          *load_mode;
  GtkSpinButton        *load_value;
  GtkAdjustment        *load_adjustment;
  GtkLabel             *load_unit_label;
  GtkLabel             *ambient_label;
  GtkSpinButton        *ambient_spin;
  GtkAdjustment        *ambient_adjustment;
  GtkSwitch            *cooling_switch;
  GtkLabel             *status_label;
  GtkPaned             *views_paned;
  GtkWidget            *maps_box;
  GtkWidget            *layout_card;
  GtkWidget            *curves_card;
  GtkWidget            *thermal_card;
  GtkButton            *layout_enlarge;
  GtkButton            *curves_enlarge;
  GtkButton            *thermal_enlarge;
  GtkDropDown          *quantity_dropdown;
  GtkDropDown          *curves_dropdown;
  GtkDropDown          *cell_model_dropdown;
  GtkToggleButton      *isotherms_toggle;
  PsPackView           *pack_view;
  PsCurveView          *curve_view;
  PsThermalView        *thermal_view;
  PsCellInspector      *cell_inspector;
  GtkGrid              *summary_grid;
  GtkLabel             *warning_label;
  GMenu                *preset_menu;

  /* summary value labels, in the order of the rows */
  GtkLabel             *summary_values[16];

  /* state */
  PsRunner             *runner;            /* a reference, as each view holds */
  GCancellable         *cancellable;       /* cancelled when the window goes */
  PsScenario           *scenario;
  char                 *scenario_source;   /* preset id or file path */
  GSettings            *settings;
  guint                 tick_id;
  guint64               last_serial;
  gint64                last_summary_us;
  PsWindowView          enlarged;
  double                speed;
  gboolean              playing;
  gboolean              cooling;
  gboolean              was_finished;
  gboolean              setting_controls;  /* the window, not the user, sets them */
  PsTempUnit            temp_unit;
  PsPowerUnit           power_unit;
  GtkFileChooserNative *chooser;
};

void     _ps_window_class_init_actions (GtkWidgetClass *widget_class);
void     _ps_window_init_shortcuts     (PsWindow       *self);
void     _ps_window_update_actions     (PsWindow       *self);
void     _ps_window_apply_load         (PsWindow       *self);
void     _ps_window_export             (PsWindow       *self,
                                        const char     *what);
void     _ps_window_export_to_file     (PsWindow       *self,
                                        const char     *what,
                                        GFile          *file);
void     _ps_window_open_file          (PsWindow       *self);
void     _ps_window_load_file          (PsWindow       *self,
                                        GFile          *file);
void     _ps_window_drop_chooser       (PsWindow       *self,
                                        GtkNativeDialog *dialog);
/* speed steps of the speed menu, slowest first; PS_RUNNER_SPEED_MAX last */
extern const double _ps_window_speeds[];
extern const guint  _ps_window_n_speeds;

G_END_DECLS
