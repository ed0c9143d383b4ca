/* ps-wrap-box.c: a box that lines its children up left to right and wraps
 * them onto more lines when the width runs out (GTK 4.8 has no such box)
 *
 * Each child gets its natural width (the widest a line allows) and a line
 * the height of its tallest child; a child that does not fit after
 * another starts a new line. A child that expands horizontally takes the
 * rest of its line. Nothing is ever cut off: the height asked for is the
 * wrapped lines'. "spacing" is between children, "line-spacing" between
 * lines.
 *
 * Copyright 2026 The Packscope authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include "ps-wrap-box.h"

#define PS_TYPE_WRAP_LAYOUT (ps_wrap_layout_get_type ())
G_DECLARE_FINAL_TYPE (PsWrapLayout, ps_wrap_layout, PS, WRAP_LAYOUT, GtkLayoutManager)

struct _PsWrapLayout
{
  GtkLayoutManager parent_instance;

  int spacing;
  int line_spacing;
};

enum {
  PROP_0,
  PROP_SPACING,
  PROP_LINE_SPACING,
  N_PROPS
};

G_DEFINE_FINAL_TYPE (PsWrapLayout, ps_wrap_layout, GTK_TYPE_LAYOUT_MANAGER)

static GParamSpec *properties[N_PROPS];

static int
child_width (GtkWidget *child,
             int        width)
{
  int min = 0, nat = 0;

  gtk_widget_measure (child, GTK_ORIENTATION_HORIZONTAL, -1, &min, &nat, NULL, NULL);
  return MAX (min, MIN (nat, width));
}

typedef struct
{
  GtkWidget *child;
  int        x, w, line;
} Place;

/* Lays the children out in width; with allocate, allocates them. Returns
 * the height the lines take. */
static int
wrap (PsWrapLayout *self,
      GtkWidget    *widget,
      int           width,
      gboolean      allocate)
{
  g_autoptr(GArray) places = g_array_new (FALSE, FALSE, sizeof (Place));
  g_autoptr(GArray) heights = g_array_new (FALSE, TRUE, sizeof (int));
  int x = 0, line = 0, y = 0;

  for (GtkWidget *child = gtk_widget_get_first_child (widget);
       child != NULL;
       child = gtk_widget_get_next_sibling (child))
    {
      Place p = { child, 0, 0, 0 };

      if (!gtk_widget_should_layout (child))
        continue;
      p.w = child_width (child, width);
      if (places->len > 0 && x + self->spacing + p.w > width)
        {
          line++;
          x = 0;
        }
      else if (places->len > 0)
        x += self->spacing;
      p.x = x;
      p.line = line;
      x += p.w;
      g_array_append_val (places, p);
    }

  /* an expanding child that ends its line takes the line's rest */
  for (guint i = 0; i < places->len; i++)
    {
      Place *p = &g_array_index (places, Place, i);
      gboolean ends = i + 1 == places->len || g_array_index (places, Place, i + 1).line != p->line;

      if (ends && gtk_widget_get_hexpand (p->child))
        p->w = MAX (p->w, width - p->x);
    }

  g_array_set_size (heights, places->len > 0 ? line + 1 : 0);
  for (guint i = 0; i < places->len; i++)
    {
      Place *p = &g_array_index (places, Place, i);
      int h = 0;

      gtk_widget_measure (p->child, GTK_ORIENTATION_VERTICAL, p->w, NULL, &h, NULL, NULL);
      g_array_index (heights, int, p->line) = MAX (g_array_index (heights, int, p->line), h);
    }

  for (guint i = 0, l = 0; i < places->len; i++)
    {
      Place *p = &g_array_index (places, Place, i);

      for (; l < (guint) p->line; l++)
        y += g_array_index (heights, int, l) + self->line_spacing;
      if (allocate)
        gtk_widget_size_allocate (p->child,
                                  &(GtkAllocation) { p->x, y, p->w,
                                                     g_array_index (heights, int, p->line) },
                                  -1);
    }

  y = 0;
  for (guint l = 0; l < heights->len; l++)
    y += g_array_index (heights, int, l) + (l > 0 ? self->line_spacing : 0);
  return y;
}

static GtkSizeRequestMode
ps_wrap_layout_get_request_mode (GtkLayoutManager *manager,
                                 GtkWidget        *widget)
{
  return GTK_SIZE_REQUEST_HEIGHT_FOR_WIDTH;
}

static void
ps_wrap_layout_measure (GtkLayoutManager *manager,
                        GtkWidget        *widget,
                        GtkOrientation    orientation,
                        int               for_size,
                        int              *minimum,
                        int              *natural,
                        int              *minimum_baseline,
                        int              *natural_baseline)
{
  PsWrapLayout *self = PS_WRAP_LAYOUT (manager);

  *minimum = *natural = 0;
  if (orientation == GTK_ORIENTATION_HORIZONTAL)
    {
      /* at least the widest child; at best all on one line */
      int n = 0;

      for (GtkWidget *child = gtk_widget_get_first_child (widget);
           child != NULL;
           child = gtk_widget_get_next_sibling (child))
        {
          int min = 0, nat = 0;

          if (!gtk_widget_should_layout (child))
            continue;
          gtk_widget_measure (child, orientation, -1, &min, &nat, NULL, NULL);
          *minimum = MAX (*minimum, min);
          *natural += nat + (n++ > 0 ? self->spacing : 0);
        }
    }
  else
    {
      int width = for_size;

      /* without a width: the narrowest, the most lines */
      if (width < 0)
        {
          int nat = 0;

          ps_wrap_layout_measure (manager, widget, GTK_ORIENTATION_HORIZONTAL, -1,
                                  &width, &nat, NULL, NULL);
        }
      *minimum = *natural = wrap (self, widget, width, FALSE);
    }
}

static void
ps_wrap_layout_allocate (GtkLayoutManager *manager,
                         GtkWidget        *widget,
                         int               width,
                         int               height,
                         int               baseline)
{
  wrap (PS_WRAP_LAYOUT (manager), widget, width, TRUE);
}

static void
ps_wrap_layout_get_property (GObject    *object,
                             guint       prop_id,
                             GValue     *value,
                             GParamSpec *pspec)
{
  PsWrapLayout *self = PS_WRAP_LAYOUT (object);

  switch (prop_id)
    {
    case PROP_SPACING:
      g_value_set_int (value, self->spacing);
      break;
    case PROP_LINE_SPACING:
      g_value_set_int (value, self->line_spacing);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
ps_wrap_layout_set_property (GObject      *object,
                             guint         prop_id,
                             const GValue *value,
                             GParamSpec   *pspec)
{
  PsWrapLayout *self = PS_WRAP_LAYOUT (object);
  int v = g_value_get_int (value);

  switch (prop_id)
    {
    case PROP_SPACING:
      if (self->spacing == v)
        return;
      self->spacing = v;
      break;
    case PROP_LINE_SPACING:
      if (self->line_spacing == v)
        return;
      self->line_spacing = v;
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
      return;
    }
  gtk_layout_manager_layout_changed (GTK_LAYOUT_MANAGER (self));
  g_object_notify_by_pspec (object, pspec);
}

static void
ps_wrap_layout_class_init (PsWrapLayoutClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkLayoutManagerClass *manager_class = GTK_LAYOUT_MANAGER_CLASS (klass);

  object_class->get_property = ps_wrap_layout_get_property;
  object_class->set_property = ps_wrap_layout_set_property;

  manager_class->get_request_mode = ps_wrap_layout_get_request_mode;
  manager_class->measure = ps_wrap_layout_measure;
  manager_class->allocate = ps_wrap_layout_allocate;

  properties[PROP_SPACING] =
    g_param_spec_int ("spacing", NULL, NULL, 0, G_MAXINT, 12,
                      (G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS));
  properties[PROP_LINE_SPACING] =
    g_param_spec_int ("line-spacing", NULL, NULL, 0, G_MAXINT, 6,
                      (G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS));
  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
ps_wrap_layout_init (PsWrapLayout *self)
{
  /* the spacing of a GNOME toolbar's groups */
  self->spacing = 12;
  self->line_spacing = 6;
}

/* the box: its children in a PsWrapLayout, added from a template too */

struct _PsWrapBox
{
  GtkWidget parent_instance;
};

static void ps_wrap_box_buildable_init (GtkBuildableIface *iface);

G_DEFINE_FINAL_TYPE_WITH_CODE (PsWrapBox, ps_wrap_box, GTK_TYPE_WIDGET,
                               G_IMPLEMENT_INTERFACE (GTK_TYPE_BUILDABLE, ps_wrap_box_buildable_init))

static GtkBuildableIface *parent_buildable_iface;

static void
ps_wrap_box_add_child (GtkBuildable *buildable,
                       GtkBuilder   *builder,
                       GObject      *child,
                       const char   *type)
{
  if (GTK_IS_WIDGET (child))
    ps_wrap_box_append (PS_WRAP_BOX (buildable), GTK_WIDGET (child));
  else
    parent_buildable_iface->add_child (buildable, builder, child, type);
}

static void
ps_wrap_box_buildable_init (GtkBuildableIface *iface)
{
  parent_buildable_iface = g_type_interface_peek_parent (iface);
  iface->add_child = ps_wrap_box_add_child;
}

static void
ps_wrap_box_dispose (GObject *object)
{
  GtkWidget *child;

  while ((child = gtk_widget_get_first_child (GTK_WIDGET (object))) != NULL)
    gtk_widget_unparent (child);

  G_OBJECT_CLASS (ps_wrap_box_parent_class)->dispose (object);
}

static void
ps_wrap_box_class_init (PsWrapBoxClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = ps_wrap_box_dispose;

  gtk_widget_class_set_layout_manager_type (widget_class, PS_TYPE_WRAP_LAYOUT);
  gtk_widget_class_set_css_name (widget_class, "wrapbox");
}

static void
ps_wrap_box_init (PsWrapBox *self)
{
}

GtkWidget *
ps_wrap_box_new (int spacing,
                 int line_spacing)
{
  GtkWidget *box = g_object_new (PS_TYPE_WRAP_BOX, NULL);

  ps_wrap_box_set_spacing (PS_WRAP_BOX (box), spacing, line_spacing);
  return box;
}

void
ps_wrap_box_set_spacing (PsWrapBox *self,
                         int        spacing,
                         int        line_spacing)
{
  g_return_if_fail (PS_IS_WRAP_BOX (self));

  g_object_set (gtk_widget_get_layout_manager (GTK_WIDGET (self)),
                "spacing", MAX (spacing, 0), "line-spacing", MAX (line_spacing, 0), NULL);
}

void
ps_wrap_box_append (PsWrapBox *self,
                    GtkWidget *child)
{
  g_return_if_fail (PS_IS_WRAP_BOX (self));
  g_return_if_fail (GTK_IS_WIDGET (child));

  gtk_widget_set_parent (child, GTK_WIDGET (self));
}
