/* test-validation-common.h: what the validation tests share: the reference
 * data's folder, a cell that is a parameter set itself, and curves y(t)
 * sampled at ascending times, read from the data's text files */
#pragma once

#include <stdio.h>
#include <string.h>

#include <glib.h>

#include "ps-cell-type.h"
#include "ps-electrochem.h"

/* PS_SHARED_DATA (tests/meson.build: tests/data/reference), else the shared
 * data beside the checkout */
static inline const char *
validation_data_dir (void)
{
  const char *d = g_getenv ("PS_SHARED_DATA");

  return d != NULL ? d : "../shared/data";
}

/* A cell type that is nothing but the built-in parameter set set_id (the
 * models read its rated capacity and the set): its SOC window is the cell's
 * capacity, 25 C its table temperature. */
static inline PsCellType *
validation_set_cell (const char *set_id)
{
  g_autoptr(GError) error = NULL;
  PsCellType *cell = g_new0 (PsCellType, 1);

  cell->id = g_strdup (set_id);
  cell->electrochem = ps_electrochem_new_from_id (set_id, &error);
  g_assert_no_error (error);
  cell->capacity_ah = ps_electrochem_window_capacity_ah (cell->electrochem);
  cell->voltage_min_v = cell->electrochem->voltage_min_v;
  cell->voltage_max_v = cell->electrochem->voltage_max_v;
  cell->t_ref_k = 298.15;
  return cell;
}

typedef struct
{
  guint   n;
  double *t;
  double *v;
} Curve;

static inline void
curve_clear (Curve *c)
{
  g_clear_pointer (&c->t, g_free);
  g_clear_pointer (&c->v, g_free);
  c->n = 0;
}

/* two numbers a line, separated by a comma or white space (the COMSOL and
 * Ecker CSVs, the Enertech tab-separated text); other lines are skipped */
static inline gboolean
curve_read (const char *path,
            Curve      *c)
{
  g_autofree char *text = NULL;
  g_auto(GStrv) lines = NULL;
  GArray *t = g_array_new (FALSE, FALSE, sizeof (double));
  GArray *v = g_array_new (FALSE, FALSE, sizeof (double));

  if (!g_file_get_contents (path, &text, NULL, NULL))
    {
      g_array_unref (t);
      g_array_unref (v);
      return FALSE;
    }
  g_strdelimit (text, ",\t", ' ');
  lines = g_strsplit (text, "\n", -1);
  for (guint i = 0; lines[i] != NULL; i++)
    {
      double a, b;

      if (sscanf (lines[i], "%lf %lf", &a, &b) == 2)
        {
          g_array_append_val (t, a);
          g_array_append_val (v, b);
        }
    }
  c->n = t->len;
  c->t = (double *) g_array_free (t, FALSE);
  c->v = (double *) g_array_free (v, FALSE);
  return c->n > 1;
}

/* linear between samples, the end values outside */
static inline double
curve_at (const Curve *c,
          double       t)
{
  guint lo = 0, hi = c->n - 1;

  if (t <= c->t[0])
    return c->v[0];
  if (t >= c->t[hi])
    return c->v[hi];
  while (hi - lo > 1)
    {
      guint mid = (lo + hi) / 2;

      if (c->t[mid] <= t)
        lo = mid;
      else
        hi = mid;
    }
  return c->v[lo] + (t - c->t[lo]) * (c->v[hi] - c->v[lo]) / (c->t[hi] - c->t[lo]);
}
