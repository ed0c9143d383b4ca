/* ps-wrap-box.h: a box that lines its children up left to right and wraps
 * them onto more lines when the width runs out
 *
 * Copyright 2026 The Packscope authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gtk/gtk.h>

G_BEGIN_DECLS

#define PS_TYPE_WRAP_BOX (ps_wrap_box_get_type ())

G_DECLARE_FINAL_TYPE (PsWrapBox, ps_wrap_box, PS, WRAP_BOX, GtkWidget)

GtkWidget *ps_wrap_box_new         (int        spacing,
                                    int        line_spacing);
void       ps_wrap_box_set_spacing (PsWrapBox *self,
                                    int        spacing,
                                    int        line_spacing);
void       ps_wrap_box_append      (PsWrapBox *self,
                                    GtkWidget *child);

G_END_DECLS
