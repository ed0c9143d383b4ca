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
  GtkCheckButton       *isotherms_toggle;
  PsPackView           *pack_view;
  PsCurveView          *curve_view;
  PsThermalView        *thermal_view;
  PsCellInspector      *cell_inspector;
  GtkGrid              *summary_grid;
  GtkLabel             *warning_label;
  GMenu                *preset_menu;
  GtkMenuButton        *events_button;
  GtkListBox           *events_list;

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
  GFile                *scenario_file;     /* where Save writes, or NULL */
  gulong                recent_changed_id;
  guint                 load_step_shown;   /* protocol step the load bar shows */
  guint64               replayed_serial;   /* the finished frame a replay left */

  /* how the views share the window (ps-window-fit.c) */
  AdwFlap              *flap;
  double                split;             /* maps' fraction the user dragged to; < 0: automatic */
  gboolean              placing_split;     /* the window, not the user, moves the split */

  /* the BMS's events shown so far (ps-window-events.c) */
  PsEventLog           *events_log;        /* the run's log they came from */
  guint                 n_events_seen;
  guint                 n_event_rows;
  gint64                last_derate_toast_us;

  /* thermal runaway's propagation under the curves (ps-window-timeline.c) */
  GtkWidget            *timeline_area;
  PsRunawayTimeline    *timeline;
  PsFrame              *timeline_frame;    /* the frame it shows */
};

void     _ps_window_class_init_actions (GtkWidgetClass *widget_class);
void     _ps_window_init_fit           (PsWindow       *self);
/* New events of the frame's run into the events list; a toast when the
 * contactor opens or the BMS starts derating. */
void     _ps_window_take_events        (PsWindow       *self,
                                        const PsFrame  *frame);
/* ps-window-timeline.c: the propagation timeline, shown under the curves
 * once a cell of the run reached onset */
void     _ps_window_init_timeline      (PsWindow       *self);
void     _ps_window_take_timeline      (PsWindow       *self,
                                        const PsFrame  *frame);
void     _ps_window_finalize_timeline  (PsWindow       *self);
/* ps-window-faults.c: right-click a cell to inject a fault; the active
 * faults and the cells that ran away as lines for the warnings */
void     _ps_window_faults_class_init  (GtkWidgetClass *widget_class);
void     _ps_window_faults_init        (PsWindow       *self);
void     _ps_window_faults_describe    (const PsFrame  *frame,
                                        GString        *out);
void     _ps_window_init_shortcuts     (PsWindow       *self);
/* no tooltip over a drop-down's or menu button's open list */
void     _ps_window_init_popover_tooltips (PsWindow    *self);
void     _ps_window_update_actions     (PsWindow       *self);
void     _ps_window_apply_load         (PsWindow       *self);
void     _ps_window_export             (PsWindow       *self,
                                        const char     *what);
void     _ps_window_export_to_file     (PsWindow       *self,
                                        const char     *what,
                                        GFile          *file);
void     _ps_window_export_to_file_full (PsWindow      *self,
                                         const char    *what,
                                         GFile         *file,
                                         int            width,
                                         int            height,
                                         gboolean       caption);
void     _ps_window_open_file          (PsWindow       *self);
void     _ps_window_load_file          (PsWindow       *self,
                                        GFile          *file);
void     _ps_window_drop_chooser       (PsWindow       *self,
                                        GtkNativeDialog *dialog);
/* scenario files (ps-window-actions.c) */
/* file: (nullable): where "Save" writes the running scenario; also a
 * recent scenario */
void     _ps_window_set_scenario_file  (PsWindow       *self,
                                        GFile          *file);
/* The running scenario as it would be saved: the loaded one with the
 * ambient temperature and cooling the window's controls have now.
 * Returns: (transfer full) (nullable) */
PsScenario *_ps_window_dup_running_scenario (PsWindow  *self);
/* Writes scenario's JSON to file (replaced whole or not at all) */
gboolean _ps_window_write_scenario     (const PsScenario *scenario,
                                        GFile          *file,
                                        GError        **error);
/* Asks where, writes scenario there and runs it in the window, which then
 * saves to that file; parent is the chooser's parent, destroyed once saved
 * when it is not the window (the pack builder) */
void     _ps_window_save_scenario_as   (PsWindow       *self,
                                        const PsScenario *scenario,
                                        GtkWindow      *parent);
/* The "Recent Scenarios" menu section, newest first (a new model) */
GMenuModel *_ps_window_recent_section  (void);

/* The window's title (the pack's short name), subtitle (a short protocol,
 * the cells) and tooltip (the whole protocol) for scenario */
void     _ps_window_describe_scenario  (const PsScenario *scenario,
                                        char          **title,
                                        char          **subtitle,
                                        char          **tooltip);
/* The load bar shows step (1-based) of scenario's protocol: its direction,
 * current or power, exactly (a C-rate times the pack's capacity); a hold
 * or a rest shows 0 */
void     _ps_window_show_protocol_load (PsWindow       *self,
                                        const PsScenario *scenario,
                                        guint           step);

/* speed steps of the speed menu, slowest first; PS_RUNNER_SPEED_MAX last */
extern const double _ps_window_speeds[];
extern const guint  _ps_window_n_speeds;

G_END_DECLS
