/* ps-cell-inspector.h: the selected cell's values and curves
 *
 * Shows one cell's voltage, current, SOC, temperature and heat, its series
 * group and module, its deviation from its group's mean, and its own curves
 * (a small PsCurveView). "cell" is -1 when no cell is selected.
 *
 * The inspector holds a reference to its runner; see ps-pack-view.h.
 */
#pragma once

#include <gtk/gtk.h>

#include "ps-render.h"

G_BEGIN_DECLS

#define PS_TYPE_CELL_INSPECTOR (ps_cell_inspector_get_type ())
G_DECLARE_FINAL_TYPE (PsCellInspector, ps_cell_inspector, PS, CELL_INSPECTOR, GtkWidget)

/* Returns: (transfer floating) */
GtkWidget *ps_cell_inspector_new        (void);
/* runner: (nullable) (transfer none): the inspector takes its own reference */
void       ps_cell_inspector_set_runner (PsCellInspector *self,
                                         PsRunner        *runner);
/* Returns: (nullable) (transfer none) */
PsRunner  *ps_cell_inspector_get_runner (PsCellInspector *self);
int        ps_cell_inspector_get_cell   (PsCellInspector *self);
void       ps_cell_inspector_set_cell   (PsCellInspector *self,
                                         int              cell);
void       ps_cell_inspector_set_units  (PsCellInspector *self,
                                         PsTempUnit       temp_unit,
                                         PsPowerUnit      power_unit);

G_END_DECLS
