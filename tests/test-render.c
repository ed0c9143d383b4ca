/* test-render.c: golden images and structural checks of the cairo renderers
 *
 * Every pack, frame and recorder here is built by hand from formulas, so the
 * images do not depend on the physics. Fonts are pinned by FONTCONFIG_FILE
 * (tests/fonts.conf). PS_UPDATE_GOLDEN=1 rewrites the references in
 * tests/golden/; on a mismatch <name>.out.png and <name>.diff.png are written
 * next to the reference (or into G_TEST_BUILDDIR if that is read-only).
 */
#include "config.h"

#include <math.h>
#include <string.h>
#include <glib/gstdio.h>

#include <cairo-pdf.h>
#include <cairo-svg.h>

#include "ps-render.h"
#include "ps-render-private.h"
#include "ps-pack-private.h"   /* hand-made packs */

/* Each golden is two references: <name>.png, rendered with text off
 * (style.hide_text), compared strictly, so a colour 12/256 off or a cell
 * one cell-width out of place fails; and <name>-text.png, the text alone
 * (the pixels where the render with text differs from the one without),
 * compared loosely, so font rendering may drift a little. */
#define GOLDEN_TOLERANCE       4      /* per channel, 0..255: text off */
#define GOLDEN_MAX_FRACTION    0.0    /* of the pixels */
#define TEXT_TOLERANCE         40     /* the text layer */
#define TEXT_MAX_FRACTION      0.002

/* ---------------------------------------------------------------------- */
/* hand-made packs                                                         */

static PsPack *
pack_alloc (const char  *id,
            PsCellShape  shape,
            guint        n_series,
            guint        n_parallel,
            guint        n_modules)
{
  PsPack *pack = g_new0 (PsPack, 1);
  guint n = n_series * n_parallel;

  g_atomic_ref_count_init (&pack->ref_count);
  pack->id = g_strdup (id);
  pack->name = g_strdup (id);
  pack->source = g_strdup ("test-render.c: hand-made geometry");
  pack->cell_type_id = g_strdup ("test");
  pack->cell_shape = shape;
  pack->n_series = n_series;
  pack->n_parallel = n_parallel;
  pack->n_cells = n;
  pack->n_modules = n_modules;
  pack->group_module = g_new0 (guint, n_series);
  pack->module_rect = g_new0 (PsRect, n_modules);
  pack->module_name = g_new0 (char *, n_modules + 1);
  for (guint m = 0; m < n_modules; m++)
    pack->module_name[m] = g_strdup_printf ("M%u", m + 1);
  pack->cell_x = g_new0 (double, n);
  pack->cell_y = g_new0 (double, n);
  pack->cell_w = g_new0 (double, n);
  pack->cell_h = g_new0 (double, n);
  pack->cell_ha_w_k = g_new0 (double, n);
  pack->nb_offset = g_new0 (guint, n + 1);
  return pack;
}

static void
pack_set_outline (PsPack       *pack,
                  const double *xy,
                  guint         n_points)
{
  double x0 = INFINITY, y0 = INFINITY, x1 = -INFINITY, y1 = -INFINITY;

  pack->n_outline = n_points;
  pack->outline_xy = g_memdup2 (xy, sizeof (double) * 2 * n_points);
  for (guint i = 0; i < n_points; i++)
    {
      x0 = MIN (x0, xy[2 * i]);
      x1 = MAX (x1, xy[2 * i]);
      y0 = MIN (y0, xy[2 * i + 1]);
      y1 = MAX (y1, xy[2 * i + 1]);
    }
  pack->bounds = (PsRect) { x0, y0, x1 - x0, y1 - y0 };
  /* every builder sets the outline last */
  _ps_pack_fill_info (pack);
}

/* 6S4P of 18 mm cylinders on a 20 mm pitch in a T: the bar is module M1
 * (groups 0-3, 2 rows x 8), the stem module M2 (groups 4-5, 4 rows x 2).
 * Each group is a 2 x 2 block. */
static PsPack *
make_pack_t (void)
{
  PsPack *pack = pack_alloc ("test-t", PS_CELL_SHAPE_CYLINDRICAL, 6, 4, 2);
  const double pitch = 0.020, d = 0.018, margin = 0.006;
  static const double outline[] = {
    0.0, 0.120, 0.172, 0.120, 0.172, 0.068, 0.106, 0.068,
    0.106, -0.012, 0.066, -0.012, 0.066, 0.068, 0.0, 0.068,
  };
  guint c = 0;

  for (guint g = 0; g < 6; g++)
    for (guint p = 0; p < 4; p++, c++)
      {
        double x, y;

        if (g < 4)
          {
            /* bar: group g covers columns 2g, 2g+1 of rows 0, 1 */
            x = margin + 0.5 * pitch + (2 * g + p % 2) * pitch;
            y = 0.074 + 0.5 * pitch + (p / 2) * pitch;
          }
        else
          {
            /* stem: rows from the top down, columns 0, 1 */
            guint row = (g - 4) * 2 + p / 2;

            x = 0.066 + 0.5 * pitch + (p % 2) * pitch;
            y = 0.068 - 0.5 * pitch - row * pitch;
          }
        pack->cell_x[c] = x;
        pack->cell_y[c] = y;
        pack->cell_w[c] = d;
        pack->cell_h[c] = d;
        pack->group_module[g] = g < 4 ? 0 : 1;
      }
  pack->module_rect[0] = (PsRect) { 0.003, 0.071, 0.166, 0.046 };
  pack->module_rect[1] = (PsRect) { 0.064, -0.010, 0.044, 0.076 };
  pack_set_outline (pack, outline, G_N_ELEMENTS (outline) / 2);
  return pack;
}

/* 4S2P of 0.30 x 0.08 m pouch cells side by side, two modules of 2S2P */
static PsPack *
make_pack_pouch (void)
{
  PsPack *pack = pack_alloc ("test-pouch", PS_CELL_SHAPE_POUCH, 4, 2, 2);
  static const double outline[] = {
    0.0, 0.0, 0.38, 0.0, 0.38, 0.80, 0.0, 0.80,
  };
  guint c = 0;

  for (guint g = 0; g < 4; g++)
    for (guint p = 0; p < 2; p++, c++)
      {
        pack->cell_x[c] = 0.19;
        pack->cell_y[c] = 0.06 + (g * 2 + p) * 0.092 + (g >= 2 ? 0.04 : 0.0);
        pack->cell_w[c] = 0.30;
        pack->cell_h[c] = 0.08;
        pack->group_module[g] = g / 2;
      }
  pack->module_rect[0] = (PsRect) { 0.03, 0.01, 0.32, 0.374 };
  pack->module_rect[1] = (PsRect) { 0.03, 0.41, 0.32, 0.374 };
  pack_set_outline (pack, outline, G_N_ELEMENTS (outline) / 2);
  return pack;
}

/* A pack of the Model S 85's size: 16 modules of 6S74P (7,104 cells of
 * 18.5 mm), 2 columns x 8 rows of modules, each 12 hexagonal rows of 37. */
static PsPack *
make_pack_big (void)
{
  PsPack *pack = pack_alloc ("test-big", PS_CELL_SHAPE_CYLINDRICAL, 96, 74, 16);
  const double d = 0.0185, px = 0.0190, py = 0.0166;
  const double mw = 37 * px + 0.5 * px + 0.006, mh = 11 * py + d + 0.006;
  static const double outline_scale[] = {
    0.0, 0.0, 1.0, 0.0, 1.0, 1.0, 0.0, 1.0,
  };
  double outline[8];
  guint c = 0;

  for (guint m = 0; m < 16; m++)
    {
      double mx = 0.02 + (m % 2) * (mw + 0.02);
      double my = 0.02 + (m / 2) * (mh + 0.015);

      pack->module_rect[m] = (PsRect) { mx, my, mw, mh };
      for (guint gm = 0; gm < 6; gm++)
        {
          guint g = m * 6 + gm;

          pack->group_module[g] = m;
          for (guint p = 0; p < 74; p++, c++)
            {
              guint row = gm * 2 + p / 37, col = p % 37;

              pack->cell_x[c] = mx + 0.003 + 0.5 * d + col * px + (row % 2) * 0.5 * px;
              pack->cell_y[c] = my + 0.003 + 0.5 * d + row * py;
              pack->cell_w[c] = d;
              pack->cell_h[c] = d;
            }
        }
    }
  for (guint i = 0; i < 4; i++)
    {
      outline[2 * i] = outline_scale[2 * i] * (2 * mw + 0.06);
      outline[2 * i + 1] = outline_scale[2 * i + 1] * (8 * mh + 7 * 0.015 + 0.04);
    }
  pack_set_outline (pack, outline, 4);
  return pack;
}

/* per-cell values from formulas of the position */
static PsFrame *
make_frame (PsPack *pack,
            double  phase)
{
  PsFrame *f = ps_frame_new (pack);
  double cx = pack->bounds.x + 0.5 * pack->bounds.w;
  double cy = pack->bounds.y + 0.5 * pack->bounds.h;
  double span = MAX (pack->bounds.w, pack->bounds.h);

  for (guint i = 0; i < pack->n_cells; i++)
    {
      double u = (pack->cell_x[i] - pack->bounds.x) / span;
      double v = (pack->cell_y[i] - pack->bounds.y) / span;
      double r2 = ((pack->cell_x[i] - cx) * (pack->cell_x[i] - cx) +
                   (pack->cell_y[i] - cy) * (pack->cell_y[i] - cy)) / (span * span);

      f->cell_soc[i] = 0.55 + 0.3 * sin (6.0 * u + phase) * cos (4.0 * v);
      f->cell_voltage_v[i] = 3.4 + 0.7 * f->cell_soc[i];
      f->cell_current_a[i] = 2.0 + 0.5 * u - 0.3 * v;
      f->cell_temp_k[i] = 298.15 + 12.0 * exp (-8.0 * r2) + 2.0 * u;
      f->cell_heat_w[i] = 0.05 + 0.2 * exp (-8.0 * r2);
    }
  f->time_s = 600.0;
  ps_frame_update_extremes (f);
  return f;
}

/* ---------------------------------------------------------------------- */
/* image helpers                                                           */

static cairo_surface_t *
render_surface (int width,
                int height)
{
  return cairo_image_surface_create (CAIRO_FORMAT_ARGB32, width, height);
}

static guint32
pixel_at (cairo_surface_t *s,
          int              x,
          int              y)
{
  guint8 *data = cairo_image_surface_get_data (s);
  int stride = cairo_image_surface_get_stride (s);

  cairo_surface_flush (s);
  return *(guint32 *) (gpointer) (data + (gsize) y * stride + 4 * x);
}

static int
channel_diff (guint32 a,
              guint32 b)
{
  int d = 0;

  for (int k = 0; k < 32; k += 8)
    d = MAX (d, ABS ((int) ((a >> k) & 0xff) - (int) ((b >> k) & 0xff)));
  return d;
}

static char *
golden_path (const char *name,
             const char *suffix)
{
  g_autofree char *file = g_strconcat (name, suffix, NULL);

  return g_test_build_filename (G_TEST_DIST, "golden", file, NULL);
}

static void
write_failure_image (cairo_surface_t *s,
                     const char      *name,
                     const char      *suffix)
{
  g_autofree char *path = golden_path (name, suffix);

  if (cairo_surface_write_to_png (s, path) != CAIRO_STATUS_SUCCESS)
    {
      g_autofree char *file = g_strconcat (name, suffix, NULL);

      g_free (path);
      path = g_test_build_filename (G_TEST_BUILT, file, NULL);
      cairo_surface_write_to_png (s, path);
    }
  g_test_message ("wrote %s", path);
  g_printerr ("# wrote %s\n", path);
}

static void
assert_golden_within (cairo_surface_t *s,
                      const char      *name,
                      int              tolerance,
                      double           max_fraction)
{
  g_autofree char *ref_path = golden_path (name, ".png");
  cairo_surface_t *ref;
  int w = cairo_image_surface_get_width (s);
  int h = cairo_image_surface_get_height (s);
  gsize n_diff = 0;

  cairo_surface_flush (s);
  if (g_strcmp0 (g_getenv ("PS_UPDATE_GOLDEN"), "1") == 0)
    {
      g_assert_cmpint (cairo_surface_write_to_png (s, ref_path), ==, CAIRO_STATUS_SUCCESS);
      g_test_message ("updated %s", ref_path);
      return;
    }

  ref = cairo_image_surface_create_from_png (ref_path);
  if (cairo_surface_status (ref) != CAIRO_STATUS_SUCCESS)
    {
      cairo_surface_destroy (ref);
      write_failure_image (s, name, ".out.png");
      g_test_fail_printf ("reference %s cannot be read (run with PS_UPDATE_GOLDEN=1 to create it)",
                          ref_path);
      return;
    }

  if (cairo_image_surface_get_width (ref) != w || cairo_image_surface_get_height (ref) != h)
    {
      write_failure_image (s, name, ".out.png");
      g_test_fail_printf ("%s: size %dx%d, reference %dx%d", name, w, h,
                          cairo_image_surface_get_width (ref),
                          cairo_image_surface_get_height (ref));
      cairo_surface_destroy (ref);
      return;
    }

  {
    cairo_surface_t *diff = render_surface (w, h);
    guint8 *dd = cairo_image_surface_get_data (diff);
    int ds = cairo_image_surface_get_stride (diff);

    for (int y = 0; y < h; y++)
      for (int x = 0; x < w; x++)
        {
          guint32 a = pixel_at (s, x, y), b = pixel_at (ref, x, y);
          int d = channel_diff (a, b);
          guint32 *out = (guint32 *) (gpointer) (dd + (gsize) y * ds + 4 * x);

          if (d > tolerance)
            {
              n_diff++;
              *out = 0xffff0000u;
            }
          else
            {
              /* a faded copy of the reference for orientation */
              guint32 g = (((b >> 16) & 0xff) + ((b >> 8) & 0xff) + (b & 0xff)) / 3;
              g = 192 + g / 4;
              *out = 0xff000000u | (g << 16) | (g << 8) | g;
            }
        }
    cairo_surface_mark_dirty (diff);

    if (n_diff > max_fraction * w * h)
      {
        write_failure_image (s, name, ".out.png");
        write_failure_image (diff, name, ".diff.png");
        g_test_fail_printf ("%s: %" G_GSIZE_FORMAT " of %d pixels differ by more than %d "
                            "(at most %.0f allowed); see %s.out.png and %s.diff.png",
                            name, n_diff, w * h, tolerance,
                            max_fraction * w * h, name, name);
      }
    cairo_surface_destroy (diff);
  }
  cairo_surface_destroy (ref);
}

/* What a golden test draws; rendered twice (text off, text on) */
typedef enum
{
  SCENE_LAYOUT,
  SCENE_THERMAL,
  SCENE_CURVES,
} SceneKind;

typedef struct
{
  SceneKind      kind;
  const PsFrame *frame;
  PsRecorder    *recorder;
  int            width, height;
} Scene;

static cairo_surface_t *
render_scene (const Scene         *scene,
              const PsRenderStyle *style)
{
  cairo_surface_t *s = render_surface (scene->width, scene->height);
  cairo_t *cr = cairo_create (s);

  switch (scene->kind)
    {
    case SCENE_LAYOUT:
      ps_render_layout (cr, scene->frame, style, scene->width, scene->height);
      break;
    case SCENE_THERMAL:
      ps_render_thermal (cr, scene->frame, style, scene->width, scene->height);
      break;
    case SCENE_CURVES:
      ps_render_curves (cr, scene->recorder, scene->frame, style, scene->width, scene->height);
      break;
    default:
      g_assert_not_reached ();
    }
  g_assert_cmpint (cairo_status (cr), ==, CAIRO_STATUS_SUCCESS);
  cairo_destroy (cr);
  cairo_surface_flush (s);
  return s;
}

/* The text-free render against <name>.png (strict), and the text layer
 * against <name>-text.png (loose). */
static void
assert_golden (const Scene         *scene,
               const PsRenderStyle *style,
               const char          *name)
{
  PsRenderStyle no_text = *style;
  cairo_surface_t *with_text, *without_text, *text;
  g_autofree char *text_name = g_strconcat (name, "-text", NULL);
  guint8 *td;
  int ts;
  gsize n_text = 0;

  no_text.hide_text = TRUE;
  without_text = render_scene (scene, &no_text);
  assert_golden_within (without_text, name, GOLDEN_TOLERANCE, GOLDEN_MAX_FRACTION);

  with_text = render_scene (scene, style);
  text = render_surface (scene->width, scene->height);
  td = cairo_image_surface_get_data (text);
  ts = cairo_image_surface_get_stride (text);
  for (int y = 0; y < scene->height; y++)
    for (int x = 0; x < scene->width; x++)
      {
        guint32 a = pixel_at (with_text, x, y);
        guint32 *out = (guint32 *) (gpointer) (td + (gsize) y * ts + 4 * x);

        if (a != pixel_at (without_text, x, y))
          {
            *out = a;
            n_text++;
          }
        else
          *out = 0xffffffffu;
      }
  cairo_surface_mark_dirty (text);
  /* a golden with labels has text to check */
  g_assert_cmpuint (n_text, >, 0);
  assert_golden_within (text, text_name, TEXT_TOLERANCE, TEXT_MAX_FRACTION);

  cairo_surface_destroy (text);
  cairo_surface_destroy (with_text);
  cairo_surface_destroy (without_text);
}

/* Connected components (4-neighbour) of pixels within tol of colour c,
 * inside the rectangle; components smaller than min_size are ignored. */
static guint
count_blobs (cairo_surface_t *s,
             guint32          c,
             int              tol,
             int              x0,
             int              y0,
             int              x1,
             int              y1,
             guint            min_size)
{
  int w = x1 - x0, h = y1 - y0;
  g_autofree guint8 *seen = g_new0 (guint8, (gsize) w * h);
  g_autofree int *stack = g_new (int, (gsize) w * h);
  guint blobs = 0;

  for (int y = 0; y < h; y++)
    for (int x = 0; x < w; x++)
      {
        gsize sp = 0, size = 0;

        if (seen[y * w + x] || channel_diff (pixel_at (s, x0 + x, y0 + y), c) > tol)
          continue;
        seen[y * w + x] = 1;
        stack[sp++] = y * w + x;
        while (sp > 0)
          {
            int p = stack[--sp], px = p % w, py = p / w;
            static const int dx[4] = { 1, -1, 0, 0 }, dy[4] = { 0, 0, 1, -1 };

            size++;
            for (int k = 0; k < 4; k++)
              {
                int qx = px + dx[k], qy = py + dy[k];

                if (qx < 0 || qy < 0 || qx >= w || qy >= h || seen[qy * w + qx])
                  continue;
                if (channel_diff (pixel_at (s, x0 + qx, y0 + qy), c) > tol)
                  continue;
                seen[qy * w + qx] = 1;
                stack[sp++] = qy * w + qx;
              }
          }
        if (size >= min_size)
          blobs++;
      }
  return blobs;
}

static guint32
table_argb (PsColormapId map,
            guint        i)
{
  return 0xff000000u | ps_colormap_table (map)[i];
}

static void
style_for_tests (PsRenderStyle *style)
{
  ps_render_style_init_default (style);
  style->font_family = "DejaVu Sans";
}

/* ---------------------------------------------------------------------- */
/* colour maps                                                             */

static void
test_colormap_tables (void)
{
  double r, g, b;

  /* the published end points of the matplotlib maps */
  g_assert_cmphex (ps_colormap_table (PS_COLORMAP_VIRIDIS)[0], ==, 0x440154);
  g_assert_cmphex (ps_colormap_table (PS_COLORMAP_VIRIDIS)[255], ==, 0xfde725);
  g_assert_cmphex (ps_colormap_table (PS_COLORMAP_INFERNO)[0], ==, 0x000004);
  g_assert_cmphex (ps_colormap_table (PS_COLORMAP_INFERNO)[255], ==, 0xfcffa4);
  /* diverging: blue, white in the middle, red */
  ps_colormap_eval (PS_COLORMAP_DIVERGING, 0.5, &r, &g, &b);
  g_assert_cmpfloat (MIN (r, MIN (g, b)), >, 0.97);
  ps_colormap_eval (PS_COLORMAP_DIVERGING, 0.0, &r, &g, &b);
  g_assert_cmpfloat (b, >, r);
  ps_colormap_eval (PS_COLORMAP_DIVERGING, 1.0, &r, &g, &b);
  g_assert_cmpfloat (r, >, b);
  /* eval clamps and survives NaN */
  ps_colormap_eval (PS_COLORMAP_INFERNO, NAN, &r, &g, &b);
  g_assert_cmpfloat (r + g + b, <, 0.05);
  ps_colormap_eval (PS_COLORMAP_VIRIDIS, 7.0, &r, &g, &b);
  g_assert_cmpfloat (fabs (r - 0xfd / 255.0), <, 1e-9);
  /* inferno's lightness rises monotonically (perceptual order) */
  for (guint i = 1; i < 256; i++)
    {
      guint32 a = ps_colormap_table (PS_COLORMAP_INFERNO)[i - 1];
      guint32 c = ps_colormap_table (PS_COLORMAP_INFERNO)[i];
      double la = 0.30 * (a >> 16) + 0.59 * ((a >> 8) & 0xff) + 0.11 * (a & 0xff);
      double lc = 0.30 * (c >> 16) + 0.59 * ((c >> 8) & 0xff) + 0.11 * (c & 0xff);

      g_assert_cmpfloat (lc, >=, la - 1.0);
    }
  g_assert_cmpstr (ps_colormap_get_name (PS_COLORMAP_INFERNO), ==, "inferno");
}

/* ---------------------------------------------------------------------- */
/* layout                                                                  */

static void
test_layout_golden (void)
{
  g_autoptr(PsPack) pack = make_pack_t ();
  g_autoptr(PsFrame) frame = make_frame (pack, 0.0);
  Scene scene = { SCENE_LAYOUT, frame, NULL, 480, 320 };
  PsRenderStyle style;

  style_for_tests (&style);
  style.selected_cell = 5;
  assert_golden (&scene, &style, "layout-t-soc");
}

static void
test_layout_golden_pouch_deviation (void)
{
  g_autoptr(PsPack) pack = make_pack_pouch ();
  g_autoptr(PsFrame) frame = make_frame (pack, 1.0);
  Scene scene = { SCENE_LAYOUT, frame, NULL, 360, 400 };
  PsRenderStyle style;

  style_for_tests (&style);
  style.quantity = PS_QUANTITY_DEVIATION;
  assert_golden (&scene, &style, "layout-pouch-deviation");
}

static void
test_layout_golden_big (void)
{
  g_autoptr(PsPack) pack = make_pack_big ();
  g_autoptr(PsFrame) frame = make_frame (pack, 0.5);
  Scene scene = { SCENE_LAYOUT, frame, NULL, 1280, 800 };
  PsRenderStyle style;

  style_for_tests (&style);
  style.quantity = PS_QUANTITY_TEMPERATURE;
  style.selected_cell = 4000;
  assert_golden (&scene, &style, "layout-big-temperature");
}

/* every cell a separate blob: all cells one value, so every cell is the
 * same colour and the background gap must separate them */
static void
check_blobs (PsPack *pack,
             int     width,
             int     height)
{
  g_autoptr(PsFrame) frame = ps_frame_new (pack);
  PsRenderStyle style;
  PsViewTransform tr;
  cairo_surface_t *s = render_surface (width, height);
  cairo_t *cr = cairo_create (s);
  guint blobs;

  for (guint i = 0; i < pack->n_cells; i++)
    frame->cell_soc[i] = 0.5;
  style_for_tests (&style);
  ps_render_layout (cr, frame, &style, width, height);
  cairo_destroy (cr);
  ps_render_view_transform (pack, &style, width, height, &tr);

  /* SOC 50 % is mid-scale: the colour of the bin that holds it */
  blobs = count_blobs (s, table_argb (PS_COLORMAP_VIRIDIS, 128), 6,
                       (int) tr.plot_x, (int) tr.plot_y,
                       (int) (tr.plot_x + tr.plot_w), (int) (tr.plot_y + tr.plot_h), 1);
  if (blobs != pack->n_cells)
    {
      write_failure_image (s, pack->id, "-blobs.out.png");
      g_test_fail_printf ("%s: %u distinct cells drawn, %u expected", pack->id, blobs, pack->n_cells);
    }
  cairo_surface_destroy (s);
}

static void
test_layout_cells_distinct (void)
{
  g_autoptr(PsPack) t = make_pack_t ();
  g_autoptr(PsPack) pouch = make_pack_pouch ();
  g_autoptr(PsPack) big = make_pack_big ();

  check_blobs (t, 480, 320);
  check_blobs (pouch, 360, 400);
  /* 7,104 cells each visible at 1280 x 800 */
  check_blobs (big, 1280, 800);
}

/* the acceptance check on the real preset geometry: every one of the
 * 7,104 cells of model-s-85 is a distinct blob at 1280 x 800 */
static void
test_layout_model_s_cells_distinct (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(PsPack) pack = ps_pack_new_from_id ("model-s-85", &error);

  if (pack == NULL)
    {
      g_test_skip_printf ("model-s-85 preset not available: %s", error->message);
      return;
    }
  g_assert_cmpuint (pack->n_cells, ==, 7104);
  check_blobs (pack, 1280, 800);
}

static void
test_layout_colorbar_ends (void)
{
  g_autoptr(PsPack) pack = make_pack_t ();
  g_autoptr(PsFrame) frame = make_frame (pack, 0.0);
  PsRenderStyle style;
  PsViewTransform tr;
  const int w = 480, h = 320;
  PsColormapId maps[] = { PS_COLORMAP_VIRIDIS, PS_COLORMAP_INFERNO, PS_COLORMAP_DIVERGING };
  PsQuantity qs[] = { PS_QUANTITY_SOC, PS_QUANTITY_TEMPERATURE, PS_QUANTITY_DEVIATION };

  style_for_tests (&style);
  for (guint k = 0; k < G_N_ELEMENTS (qs); k++)
    {
      cairo_surface_t *s = render_surface (w, h);
      cairo_t *cr = cairo_create (s);
      double fs = style.font_size;
      int bx, top, bottom;

      style.quantity = qs[k];
      ps_render_layout (cr, frame, &style, w, h);
      cairo_destroy (cr);
      ps_render_view_transform (pack, &style, w, h, &tr);

      /* the bar: x from the colour-bar region, y from the plot area */
      bx = (int) (w - (w - tr.plot_x - tr.plot_w) + 8 + 7);
      top = (int) round (tr.plot_y + 0.5 * fs);
      bottom = (int) round (tr.plot_y + tr.plot_h - 0.5 * fs) - 1;
      g_assert_cmpint (channel_diff (pixel_at (s, bx, top), table_argb (maps[k], 255)), <=, 2);
      g_assert_cmpint (channel_diff (pixel_at (s, bx, bottom), table_argb (maps[k], 0)), <=, 2);
      cairo_surface_destroy (s);
    }
}

static void
test_layout_hit_test_round_trip (void)
{
  g_autoptr(PsPack) t = make_pack_t ();
  g_autoptr(PsPack) big = make_pack_big ();
  PsPack *packs[] = { t, big };
  PsRenderStyle style;

  style_for_tests (&style);
  for (guint k = 0; k < G_N_ELEMENTS (packs); k++)
    {
      g_autoptr(PsFrame) frame = make_frame (packs[k], 0.0);
      PsPack *pack = packs[k];
      double zooms[] = { 1.0, 3.5 };

      for (guint z = 0; z < G_N_ELEMENTS (zooms); z++)
        {
          PsViewTransform tr;

          style.zoom = zooms[z];
          style.pan_x = z * 40.0;
          style.pan_y = -z * 25.0;
          ps_render_view_transform (pack, &style, 1280, 800, &tr);
          for (guint i = 0; i < pack->n_cells; i++)
            {
              double x = tr.offset_x + tr.scale * pack->cell_x[i];
              double y = tr.offset_y - tr.scale * pack->cell_y[i];
              int hit;

              if (x < tr.plot_x || x > tr.plot_x + tr.plot_w ||
                  y < tr.plot_y || y > tr.plot_y + tr.plot_h)
                continue;   /* zoomed out of view */
              hit = ps_render_layout_hit_test (frame, &style, 1280, 800, x, y);
              g_assert_cmpint (hit, ==, (int) i);
            }
        }
      /* outside the pack: nothing */
      style.zoom = 1.0;
      style.pan_x = style.pan_y = 0.0;
      g_assert_cmpint (ps_render_layout_hit_test (frame, &style, 1280, 800, 2, 2), ==, -1);
    }
}

/* The fast scan conversion on pixel targets draws the same cells as the
 * cairo paths used for vector targets */
static void
test_layout_raster_matches_vector (void)
{
  g_autoptr(PsPack) big = make_pack_big ();
  g_autoptr(PsPack) pouch = make_pack_pouch ();
  PsPack *packs[] = { big, pouch };

  /* at 1x and on a HiDPI (device scale 2) surface */
  for (guint k = 0; k < 2 * G_N_ELEMENTS (packs); k++)
    {
      g_autoptr(PsFrame) frame = make_frame (packs[k % 2], 0.3);
      PsRenderStyle style;
      double ds = k < 2 ? 1.0 : 2.0;
      const int w = 800, h = 500;
      cairo_surface_t *a = render_surface (w, h), *b = render_surface (w, h);
      cairo_t *cr;
      gsize n_diff = 0;

      cairo_surface_set_device_scale (a, ds, ds);
      cairo_surface_set_device_scale (b, ds, ds);
      style_for_tests (&style);
      style.zoom = 1.7;
      style.pan_x = 31.0;
      /* HiDPI also with the offset a parent widget applies */
      cr = cairo_create (a);
      cairo_translate (cr, 17.0 * (ds - 1), 9.0 * (ds - 1));
      ps_render_layout (cr, frame, &style, w / ds, h / ds);
      cairo_destroy (cr);
      style.vector_only = TRUE;
      cr = cairo_create (b);
      cairo_translate (cr, 17.0 * (ds - 1), 9.0 * (ds - 1));
      ps_render_layout (cr, frame, &style, w / ds, h / ds);
      cairo_destroy (cr);
      for (int y = 0; y < h; y++)
        for (int x = 0; x < w; x++)
          if (channel_diff (pixel_at (a, x, y), pixel_at (b, x, y)) > 64)
            n_diff++;
      g_assert_cmpuint (n_diff, <, (gsize) (0.002 * w * h));
      cairo_surface_destroy (a);
      cairo_surface_destroy (b);
    }
}

/* GTK records a widget's drawing on a recording surface and replays it
 * later: the replay must show this frame's cells even after the renderer
 * has drawn another frame (its scratch buffers reused) in between */
static void
test_layout_recording_replay (void)
{
  g_autoptr(PsPack) pack = make_pack_t ();
  g_autoptr(PsFrame) f1 = make_frame (pack, 0.0);
  g_autoptr(PsFrame) f2 = make_frame (pack, 2.5);
  PsRenderStyle style;
  const int w = 480, h = 320;
  cairo_rectangle_t extents = { 0, 0, w, h };
  cairo_surface_t *rec = cairo_recording_surface_create (CAIRO_CONTENT_COLOR_ALPHA, &extents);
  cairo_surface_t *direct = render_surface (w, h), *replay = render_surface (w, h);
  cairo_t *cr;
  gsize n_diff = 0;

  style_for_tests (&style);
  cr = cairo_create (rec);
  ps_render_layout (cr, f1, &style, w, h);
  cairo_destroy (cr);
  /* another frame through the same scratch buffers */
  cr = cairo_create (direct);
  ps_render_layout (cr, f2, &style, w, h);
  cairo_destroy (cr);
  cr = cairo_create (direct);
  ps_render_layout (cr, f1, &style, w, h);
  cairo_destroy (cr);

  cr = cairo_create (replay);
  cairo_set_source_surface (cr, rec, 0, 0);
  cairo_paint (cr);
  cairo_destroy (cr);

  for (int y = 0; y < h; y++)
    for (int x = 0; x < w; x++)
      if (channel_diff (pixel_at (direct, x, y), pixel_at (replay, x, y)) > 8)
        n_diff++;
  g_assert_cmpuint (n_diff, <, 50);
  cairo_surface_destroy (rec);
  cairo_surface_destroy (direct);
  cairo_surface_destroy (replay);
}

/* the drawing is vector: a zoomed view draws a cell larger, not blurred:
 * its centre pixel keeps the exact map colour and its radius scales */
static void
test_layout_zoom_crisp (void)
{
  g_autoptr(PsPack) pack = make_pack_big ();
  g_autoptr(PsFrame) frame = ps_frame_new (pack);
  PsRenderStyle style;
  PsViewTransform tr;
  cairo_surface_t *s = render_surface (640, 400);
  cairo_t *cr = cairo_create (s);
  guint cell = 3000;
  int cx, cy, r = 0;

  for (guint i = 0; i < pack->n_cells; i++)
    frame->cell_soc[i] = 0.5;
  style_for_tests (&style);
  style.zoom = 12.0;
  /* pan so the cell is in the middle of the plot */
  ps_render_view_transform (pack, &style, 640, 400, &tr);
  style.pan_x = tr.plot_x + 0.5 * tr.plot_w - (tr.offset_x + tr.scale * pack->cell_x[cell]);
  style.pan_y = tr.plot_y + 0.5 * tr.plot_h - (tr.offset_y - tr.scale * pack->cell_y[cell]);
  ps_render_layout (cr, frame, &style, 640, 400);
  cairo_destroy (cr);
  ps_render_view_transform (pack, &style, 640, 400, &tr);
  cx = (int) (tr.offset_x + tr.scale * pack->cell_x[cell]);
  cy = (int) (tr.offset_y - tr.scale * pack->cell_y[cell]);
  g_assert_cmpint (ps_render_layout_hit_test (frame, &style, 640, 400, cx, cy), ==, (int) cell);
  while (channel_diff (pixel_at (s, cx + r, cy), table_argb (PS_COLORMAP_VIRIDIS, 128)) <= 2)
    r++;
  /* 18.5 mm at the zoomed scale, less the inset, within 2 px */
  g_assert_cmpfloat (fabs (r - (0.5 * 0.0185 * tr.scale - 1.0)), <, 2.0);
  /* and the edge is sharp: background within 3 px beyond it */
  {
    gboolean bg = FALSE;

    for (int k = 0; k < 4; k++)
      if (channel_diff (pixel_at (s, cx + r + k, cy), 0xffffffffu) <= 8)
        bg = TRUE;
    g_assert_true (bg);
  }
  cairo_surface_destroy (s);
}

/* ---------------------------------------------------------------------- */
/* thermal                                                                 */

static void
test_thermal_golden (void)
{
  g_autoptr(PsPack) pack = make_pack_t ();
  g_autoptr(PsFrame) frame = make_frame (pack, 0.0);
  Scene scene = { SCENE_THERMAL, frame, NULL, 480, 320 };
  PsRenderStyle style;

  style_for_tests (&style);
  style.isotherms = TRUE;
  assert_golden (&scene, &style, "thermal-t");
}

static void
test_thermal_golden_big (void)
{
  g_autoptr(PsPack) pack = make_pack_big ();
  g_autoptr(PsFrame) frame = make_frame (pack, 0.0);
  Scene scene = { SCENE_THERMAL, frame, NULL, 1280, 800 };
  PsRenderStyle style;

  style_for_tests (&style);
  style.isotherms = TRUE;
  style.temp_unit = PS_TEMP_UNIT_KELVIN;
  assert_golden (&scene, &style, "thermal-big-kelvin");
}

/* Point in polygon (even-odd), pack metres */
static gboolean
inside_outline (const PsPack *pack,
                double        x,
                double        y)
{
  gboolean in = FALSE;

  for (guint i = 0, j = pack->n_outline - 1; i < pack->n_outline; j = i++)
    {
      double xi = pack->outline_xy[2 * i], yi = pack->outline_xy[2 * i + 1];
      double xj = pack->outline_xy[2 * j], yj = pack->outline_xy[2 * j + 1];

      if ((yi > y) != (yj > y) && x < (xj - xi) * (y - yi) / (yj - yi) + xi)
        in = !in;
    }
  return in;
}

/* Data never touches the panel's box: a current held at exactly 200 A
 * and a rest at exactly 0 A (round values a plain round range would put
 * on the box's edges) stay clear of its top and bottom by the headroom */
static void
test_curves_headroom (void)
{
  g_autoptr(PsPack) pack = make_pack_t ();
  g_autoptr(PsRecorder) rec = ps_recorder_new (pack->n_cells);
  g_autoptr(PsFrame) f = ps_frame_new (pack);
  PsRenderStyle style;
  const int w = 600, h = 240;
  cairo_surface_t *s;
  cairo_t *cr;
  double box[4];
  guint n_near = 0, n_data = 0;

  for (guint k = 0; k < 200; k++)
    {
      f->time_s = 10.0 * k;
      f->pack_current_a = k < 140 ? 200.0 : 0.0;
      ps_recorder_append (rec, f);
    }
  style_for_tests (&style);
  style.curves = PS_CURVE_CURRENT;
  s = render_surface (w, h);
  cr = cairo_create (s);
  ps_render_curves (cr, rec, f, &style, w, h);
  cairo_destroy (cr);
  g_assert_cmpuint (ps_render_curves_panels (rec, f, &style, w, h, box, 1), ==, 1);

  /* the current's orange: red well over blue */
  for (int y = (int) box[1]; y < (int) (box[1] + box[3]); y++)
    for (int x = (int) box[0] + 2; x < (int) (box[0] + box[2]) - 2; x++)
      {
        guint32 p = pixel_at (s, x, y);
        int r = (p >> 16) & 0xff, b = p & 0xff;

        if (r - b < 120)
          continue;
        n_data++;
        if (y < box[1] + 4 || y > box[1] + box[3] - 5)
          n_near++;
      }
  g_test_message ("current pixels: %u, within 4 px of the box's top or bottom: %u", n_data, n_near);
  g_assert_cmpuint (n_data, >, 100);
  g_assert_cmpuint (n_near, ==, 0);
  cairo_surface_destroy (s);
}

/* The layout's colour bar for a state of charge stays within 0..100 %:
 * when its cells are: a pack at 99.52-99.97 % (a runaway screenshot) read
 * 99.0-100.5 %, a state no cell was in; a nearly empty one must not read
 * below 0 */
static void
test_layout_soc_scale_bounds (void)
{
  static const double cases[][2] = {
    { 99.52, 99.97 }, { 99.9, 100.0 }, { 0.0, 0.3 }, { 0.02, 0.4 }, { 40.0, 60.0 },
  };

  for (guint k = 0; k < G_N_ELEMENTS (cases); k++)
    for (int max_ticks = 2; max_ticks <= 12; max_ticks++)
      {
        double lo, hi, step;

        step = _ps_render_layout_scale (PS_QUANTITY_SOC, cases[k][0], cases[k][1],
                                        1.0, max_ticks, &lo, &hi);
        g_assert_cmpfloat (lo, >=, 0.0);
        g_assert_cmpfloat (hi, <=, 100.0);
        g_assert_cmpfloat (lo, <=, cases[k][0]);
        g_assert_cmpfloat (hi, >=, cases[k][1]);
        g_assert_cmpfloat (hi - lo, >=, 1.0 - 1e-9);
        /* both ends on the tick steps */
        g_assert_cmpfloat (fabs (lo / step - round (lo / step)), <, 1e-9);
        g_assert_cmpfloat (fabs (hi / step - round (hi / step)), <, 1e-9);
      }
  /* a cell past full (overcharged by a warmer parallel neighbour) is shown
   * on the scale, not clamped away */
  {
    double lo, hi;

    _ps_render_layout_scale (PS_QUANTITY_SOC, 99.12, 100.04, 1.0, 4, &lo, &hi);
    g_assert_cmpfloat (hi, >=, 100.04);
    g_assert_cmpfloat (lo, <=, 99.12);
  }
  /* a temperature has no such bound */
  {
    double lo, hi;

    _ps_render_layout_scale (PS_QUANTITY_TEMPERATURE, 99.6, 100.0, 1.0, 4, &lo, &hi);
    g_assert_cmpfloat (hi, >, 100.0);
  }
}

/* The thermal map's automatic range spans at least the style's least
 * span (default 5 K): a 0.7 K spread is not a full rainbow with 0.05 K
 * ticks; a wide spread gets its own range; a fixed range is kept */
static void
test_thermal_range_least_span (void)
{
  g_autoptr(PsPack) pack = make_pack_t ();
  g_autoptr(PsFrame) frame = make_frame (pack, 0.0);
  PsRenderStyle style;
  double lo, hi, step;

  style_for_tests (&style);
  g_assert_cmpfloat (style.thermal_min_span, ==, 5.0);

  /* squeeze the spread to 0.7 K around 30 C */
  for (guint i = 0; i < frame->n_cells; i++)
    frame->cell_temp_k[i] = 303.15 + 0.7 * (double) i / (frame->n_cells - 1);
  ps_frame_update_extremes (frame);
  g_assert_true (ps_render_thermal_range (frame, &style, 480, 320, &lo, &hi, &step));
  g_test_message ("0.7 K spread: %g..%g step %g", lo, hi, step);
  g_assert_cmpfloat (hi - lo, >=, 5.0 - 1e-9);
  g_assert_cmpfloat (step, >=, 0.5);
  g_assert_cmpfloat (lo, <=, 30.0);
  g_assert_cmpfloat (hi, >=, 30.7);

  /* a 20 K spread: its own range */
  for (guint i = 0; i < frame->n_cells; i++)
    frame->cell_temp_k[i] = 293.15 + 20.0 * (double) i / (frame->n_cells - 1);
  ps_frame_update_extremes (frame);
  g_assert_true (ps_render_thermal_range (frame, &style, 480, 320, &lo, &hi, &step));
  g_assert_cmpfloat (lo, <=, 20.0);
  g_assert_cmpfloat (hi, >=, 40.0);
  g_assert_cmpfloat (hi - lo, <, 30.0);

  /* a fixed range, in kelvin, shown in the display unit */
  style.thermal_lo = 273.15 + 10.0;
  style.thermal_hi = 273.15 + 50.0;
  g_assert_true (ps_render_thermal_range (frame, &style, 480, 320, &lo, &hi, &step));
  g_assert_cmpfloat (fabs (lo - 10.0), <, 1e-9);
  g_assert_cmpfloat (fabs (hi - 50.0), <, 1e-9);
}

/* Outside the T outline (farther than 3 px from it) the map leaves the
 * background; inside, it paints (no background pixels away from labels). */
static void
test_thermal_masked_to_outline (void)
{
  g_autoptr(PsPack) pack = make_pack_t ();
  g_autoptr(PsFrame) frame = make_frame (pack, 0.0);
  PsRenderStyle style;
  PsViewTransform tr;
  const int w = 480, h = 320;
  cairo_surface_t *s = render_surface (w, h);
  cairo_t *cr = cairo_create (s);
  guint n_out = 0, n_in = 0, n_in_bg = 0;

  style_for_tests (&style);
  style.mark_extremes = FALSE;
  ps_render_thermal (cr, frame, &style, w, h);
  cairo_destroy (cr);
  ps_render_view_transform (pack, &style, w, h, &tr);

  for (int y = (int) tr.plot_y; y < (int) (tr.plot_y + tr.plot_h); y++)
    for (int x = (int) tr.plot_x; x < (int) (tr.plot_x + tr.plot_w); x++)
      {
        double mx = (x + 0.5 - tr.offset_x) / tr.scale;
        double my = (tr.offset_y - (y + 0.5)) / tr.scale;
        double m = 3.0 / tr.scale;   /* 3 px in metres */
        gboolean in = inside_outline (pack, mx, my);
        /* (diagonally too: a corner's stroke reaches its diagonal) */
        gboolean near = inside_outline (pack, mx + m, my) != in ||
                        inside_outline (pack, mx - m, my) != in ||
                        inside_outline (pack, mx, my + m) != in ||
                        inside_outline (pack, mx, my - m) != in ||
                        inside_outline (pack, mx + m, my + m) != in ||
                        inside_outline (pack, mx - m, my - m) != in ||
                        inside_outline (pack, mx - m, my + m) != in ||
                        inside_outline (pack, mx + m, my - m) != in;
        gboolean is_bg = channel_diff (pixel_at (s, x, y), 0xffffffffu) == 0;

        if (near)
          continue;
        if (!in)
          {
            n_out++;
            if (!is_bg)
              g_test_message ("not background outside the outline at %d,%d", x, y);
            g_assert_true (is_bg);
          }
        else
          {
            n_in++;
            n_in_bg += is_bg;
          }
      }
  g_assert_cmpuint (n_out, >, 1000);
  g_assert_cmpuint (n_in, >, 1000);
  /* only the hottest cell's label plate may be near-white inside */
  g_assert_cmpuint (n_in_bg, <, n_in / 20);
  cairo_surface_destroy (s);
}

/* The marker ring (a halo in the background colour, which inferno never
 * produces) is around the hottest cell, wherever that is */
static void
test_thermal_hottest_marker (void)
{
  g_autoptr(PsPack) pack = make_pack_t ();
  g_autoptr(PsFrame) frame = ps_frame_new (pack);
  PsRenderStyle style;
  PsViewTransform tr;
  const int w = 480, h = 320;
  guint hot_cells[] = { 0, 13, 22 };

  style_for_tests (&style);
  ps_render_view_transform (pack, &style, w, h, &tr);
  for (guint k = 0; k < G_N_ELEMENTS (hot_cells); k++)
    {
      cairo_surface_t *s = render_surface (w, h);
      cairo_t *cr = cairo_create (s);
      guint best = 0, best_count = 0, n_ringed = 0;

      for (guint i = 0; i < pack->n_cells; i++)
        frame->cell_temp_k[i] = 300.0 + 0.1 * i;
      frame->cell_temp_k[hot_cells[k]] = 320.0;
      ps_render_thermal (cr, frame, &style, w, h);
      cairo_destroy (cr);

      /* which cells have a ring of pure background (the halo; the label
       * plate is translucent, inferno never white) at the marker radius */
      for (guint i = 0; i < pack->n_cells; i++)
        {
          double cx = tr.offset_x + tr.scale * pack->cell_x[i];
          double cy = tr.offset_y - tr.scale * pack->cell_y[i];
          double r = MAX (6.0, 0.5 * pack->cell_w[i] * tr.scale + 2.0);
          guint count = 0;

          for (int a = 0; a < 72; a++)
            {
              /* between the dark ring (r +- 0.75) and the halo's edge (r + 2.5) */
              int x = (int) floor (cx + (r + 1.6) * cos (a * G_PI / 36));
              int y = (int) floor (cy + (r + 1.6) * sin (a * G_PI / 36));

              if (x >= 0 && y >= 0 && x < w && y < h &&
                  channel_diff (pixel_at (s, x, y), 0xffffffffu) <= 4)
                count++;
            }
          if (count >= 50)
            {
              n_ringed++;
              best_count = count;
              best = i;
            }
        }
      g_assert_cmpuint (n_ringed, ==, 1);
      g_assert_cmpuint (best, ==, hot_cells[k]);
      g_assert_cmpuint (best_count, >=, 50);
      cairo_surface_destroy (s);
    }
}

static gboolean
boxes_overlap (double ax0, double ay0, double ax1, double ay1,
               double bx0, double by0, double bx1, double by1)
{
  return ax0 < bx1 && bx0 < ax1 && ay0 < by1 && by0 < ay1;
}

/* The isotherm labels (ps_render_thermal_isotherm_labels, what both the
 * cairo map and the GL view draw): on a field rising 20 K from left to
 * right, a label per isotherm inside the spread (but where no label fits),
 * each reading its
 * isotherm's value where that isotherm runs, inside the plot, none over
 * another or over the hottest cell's marker or its label */
static void
test_thermal_isotherm_labels (void)
{
  g_autoptr(PsPack) pack = make_pack_t ();
  g_autoptr(PsFrame) frame = ps_frame_new (pack);
  g_autoptr(PsThermalGrid) grid = NULL;
  g_autoptr(GArray) labels = NULL;
  g_autoptr(GArray) none = NULL;
  const PsPackInfo *info = ps_pack_get_info (pack);
  const int w = 480, h = 320;
  double xmin = INFINITY, xmax = -INFINITY, lo, hi, step, ring[4], hot[4];
  guint n_inside = 0;
  PsRenderStyle style;
  PsViewTransform tr;

  for (guint i = 0; i < info->n_cells; i++)
    {
      xmin = MIN (xmin, info->cell_x[i]);
      xmax = MAX (xmax, info->cell_x[i]);
    }
  for (guint i = 0; i < info->n_cells; i++)
    frame->cell_temp_k[i] = 300.0 + 20.0 * (info->cell_x[i] - xmin) / (xmax - xmin);
  ps_frame_update_extremes (frame);
  style_for_tests (&style);
  style.isotherms = TRUE;
  ps_render_view_transform (pack, &style, w, h, &tr);
  grid = ps_thermal_grid_new (pack, &tr);
  g_assert_nonnull (grid);

  /* no labels before the grid's nodes are computed, nor without isotherms */
  none = ps_render_thermal_isotherm_labels (frame, &style, w, h, grid);
  g_assert_cmpuint (none->len, ==, 0);
  ps_thermal_grid_compute (grid);
  style.isotherms = FALSE;
  g_clear_pointer (&none, g_array_unref);
  none = ps_render_thermal_isotherm_labels (frame, &style, w, h, grid);
  g_assert_cmpuint (none->len, ==, 0);
  style.isotherms = TRUE;

  g_assert_true (ps_render_thermal_range (frame, &style, w, h, &lo, &hi, &step));
  g_assert_true (ps_render_thermal_hottest_marker (frame, &style, w, h, ring, hot));
  labels = ps_render_thermal_isotherm_labels (frame, &style, w, h, grid);
  for (int k = 1; lo + k * step < hi - 1e-9; k++)
    {
      double level = lo + k * step;

      if (level > 300.0 - 273.15 + 0.25 * step && level < 320.0 - 273.15 - 0.25 * step)
        n_inside++;
    }
  g_test_message ("scale %g..%g step %g: %u labels, %u isotherms inside the spread",
                  lo, hi, step, labels->len, n_inside);
  g_assert_cmpuint (n_inside, >=, 3);

  for (guint k = 0; k < labels->len; k++)
    {
      const PsThermalLabel *l = &g_array_index (labels, PsThermalLabel, k);
      double steps = (l->value - lo) / step;
      /* where the value lies on the left-to-right rise, in view units */
      double t = (l->value + 273.15 - 300.0) / 20.0;
      double x_expected = tr.offset_x + tr.scale * (xmin + t * (xmax - xmin));
      g_autofree char *text = g_strdup_printf ("%.0f", l->value);

      g_test_message ("label %s at %.0f,%.0f %.0fx%.0f (isotherm at x %.0f)",
                      l->text, l->x, l->y, l->width, l->height, x_expected);
      /* an isotherm of the scale, each once, in rising order */
      g_assert_cmpfloat (fabs (steps - round (steps)), <, 1e-6);
      if (k > 0)
        g_assert_cmpfloat (l->value, >, g_array_index (labels, PsThermalLabel, k - 1).value);
      g_assert_cmpstr (l->text, ==, text);
      /* on its isotherm: within a cell pitch (20 mm) of where it runs */
      g_assert_cmpfloat (fabs (l->x + 0.5 * l->width - x_expected), <, 0.020 * tr.scale);
      /* inside the plot */
      g_assert_cmpfloat (l->x, >=, tr.plot_x);
      g_assert_cmpfloat (l->y, >=, tr.plot_y);
      g_assert_cmpfloat (l->x + l->width, <=, tr.plot_x + tr.plot_w);
      g_assert_cmpfloat (l->y + l->height, <=, tr.plot_y + tr.plot_h);
      /* over nothing else the map labels */
      g_assert_false (boxes_overlap (l->x, l->y, l->x + l->width, l->y + l->height,
                                     ring[0], ring[1], ring[2], ring[3]));
      g_assert_false (boxes_overlap (l->x, l->y, l->x + l->width, l->y + l->height,
                                     hot[0], hot[1], hot[2], hot[3]));
      for (guint m = 0; m < k; m++)
        {
          const PsThermalLabel *o = &g_array_index (labels, PsThermalLabel, m);

          g_assert_false (boxes_overlap (l->x, l->y, l->x + l->width, l->y + l->height,
                                         o->x, o->y, o->x + o->width, o->y + o->height));
        }
    }
  /* on this small T the 45 C isotherm runs between the hottest cell's
   * ring and its label, where no label fits: it alone goes unlabelled */
  g_assert_cmpuint (labels->len, >=, n_inside - 1);
}

/* all cells at one temperature: a flat field, a 1 K scale, no NaN */
static void
test_thermal_uniform (void)
{
  g_autoptr(PsPack) pack = make_pack_t ();
  g_autoptr(PsFrame) frame = ps_frame_new (pack);
  PsRenderStyle style;
  PsViewTransform tr;
  cairo_surface_t *s = render_surface (480, 320);
  cairo_t *cr = cairo_create (s);
  guint32 c0;

  for (guint i = 0; i < pack->n_cells; i++)
    frame->cell_temp_k[i] = 298.15;
  frame->cell_temp_k[7] = NAN;     /* a broken sensor must not poison the map */
  style_for_tests (&style);
  ps_render_thermal (cr, frame, &style, 480, 320);
  g_assert_cmpint (cairo_status (cr), ==, CAIRO_STATUS_SUCCESS);
  cairo_destroy (cr);
  ps_render_view_transform (pack, &style, 480, 320, &tr);
  /* two points in the bar and the stem have the same, mid-scale colour */
  c0 = pixel_at (s, (int) (tr.offset_x + tr.scale * 0.03), (int) (tr.offset_y - tr.scale * 0.11));
  g_assert_cmpint (channel_diff (c0, pixel_at (s, (int) (tr.offset_x + tr.scale * 0.086),
                                               (int) (tr.offset_y - tr.scale * 0.0))), <=, 1);
  g_assert_cmpint (channel_diff (c0, 0xffffffffu), >, 40);
  cairo_surface_destroy (s);
}


/* ---------------------------------------------------------------------- */
/* curves                                                                  */

/* A synthetic run of `duration` seconds in n samples: a 1C-like discharge
 * with a rest, a regen pulse at u = 0.5 (one sample), cells spread in
 * voltage and temperature. Values are formulas of u = t / duration only, so
 * recorders of different lengths have the same shape. */
static PsRecorder *
make_recorder (PsPack *pack,
               gsize   n,
               double  duration)
{
  PsRecorder *rec = ps_recorder_new (pack->n_cells);
  g_autoptr(PsFrame) f = ps_frame_new (pack);
  gsize spike = (gsize) llround (0.5 * (n - 1));

  for (gsize k = 0; k < n; k++)
    {
      double u = n > 1 ? (double) k / (n - 1) : 0.0;
      gboolean rest = u > 0.70 && u < 0.80;
      double soc = 0.95 - 0.75 * MIN (u, 0.70) / 0.70;
      double ocv = 3.45 + 0.75 * soc - 0.08 * exp (-30.0 * soc);
      double i_cell = rest ? 0.0 : 3.0;

      if (k == spike)
        i_cell = -6.0;           /* a one-sample regen spike */
      f->time_s = u * duration;
      f->step = rest ? 2 : 1;
      for (guint c = 0; c < pack->n_cells; c++)
        {
          double dc = (c % 7) * 0.004;

          f->cell_soc[c] = soc - dc;
          f->cell_voltage_v[c] = ocv - 0.03 * i_cell - 0.15 * dc;
          f->cell_current_a[c] = i_cell / pack->n_parallel * pack->n_parallel;
          f->cell_temp_k[c] = 298.15 + 8.0 * MIN (u, 0.7) + 0.3 * (c % 5);
          f->cell_heat_w[c] = 0.03 * i_cell * i_cell;
        }
      ps_frame_update_extremes (f);
      f->pack_current_a = i_cell * pack->n_parallel;
      f->pack_voltage_v = 0.0;
      for (guint g = 0; g < pack->n_series; g++)
        f->pack_voltage_v += f->cell_voltage_v[g * pack->n_parallel];
      f->pack_power_w = f->pack_voltage_v * f->pack_current_a;
      f->pack_soc = soc - 0.012;
      f->charge_ah = (0.95 - soc) * 5.0 * pack->n_parallel;
      f->energy_wh = f->charge_ah * 3.7 * pack->n_series;
      f->heat_w = 0.03 * i_cell * i_cell * pack->n_cells;
      ps_recorder_append (rec, f);
    }
  return rec;
}

static void
test_curves_golden (void)
{
  g_autoptr(PsPack) pack = make_pack_t ();
  g_autoptr(PsRecorder) rec = make_recorder (pack, 3601, 3600.0);
  g_autoptr(PsFrame) frame = make_frame (pack, 0.0);
  Scene scene = { SCENE_CURVES, frame, rec, 720, 640 };
  PsRenderStyle style;

  style_for_tests (&style);
  style.selected_cell = 5;
  style.cursor_time_s = 1500.0;
  assert_golden (&scene, &style, "curves-all");
}

/* Pixel targets are drawn partly straight into their pixels (dense curves'
 * column boxes and bands) when the clip and transform allow: the same
 * picture as through a recording surface, which takes cairo's fills */
static void
test_curves_recording_replay (void)
{
  g_autoptr(PsPack) pack = make_pack_t ();
  g_autoptr(PsRecorder) rec = make_recorder (pack, 3601, 3600.0);
  g_autoptr(PsFrame) frame = make_frame (pack, 0.0);
  PsRenderStyle style;
  const int w = 720, h = 640;
  cairo_rectangle_t extents = { 0, 0, w, h };
  cairo_surface_t *recording = cairo_recording_surface_create (CAIRO_CONTENT_COLOR_ALPHA, &extents);
  cairo_surface_t *direct = render_surface (w, h), *replay = render_surface (w, h);
  cairo_t *cr;
  gsize n_diff = 0;

  style_for_tests (&style);
  style.selected_cell = 5;
  cr = cairo_create (recording);
  ps_render_curves (cr, rec, frame, &style, w, h);
  cairo_destroy (cr);
  cr = cairo_create (direct);
  ps_render_curves (cr, rec, frame, &style, w, h);
  cairo_destroy (cr);
  cr = cairo_create (replay);
  cairo_set_source_surface (cr, recording, 0, 0);
  cairo_paint (cr);
  cairo_destroy (cr);

  for (int y = 0; y < h; y++)
    for (int x = 0; x < w; x++)
      if (channel_diff (pixel_at (direct, x, y), pixel_at (replay, x, y)) > 2)
        n_diff++;
  g_assert_cmpuint (n_diff, ==, 0);
  cairo_surface_destroy (recording);
  cairo_surface_destroy (direct);
  cairo_surface_destroy (replay);
}

static void
test_curves_golden_discharge (void)
{
  g_autoptr(PsPack) pack = make_pack_t ();
  g_autoptr(PsRecorder) rec = make_recorder (pack, 601, 600.0);
  Scene scene = { SCENE_CURVES, NULL, rec, 900, 360 };
  PsRenderStyle style;

  style_for_tests (&style);
  style.curves = PS_CURVE_VOLTAGE | PS_CURVE_DISCHARGE;
  style.temp_unit = PS_TEMP_UNIT_KELVIN;
  /* a window in the past: 2 minutes ending at 5 minutes */
  style.time_end_s = 300.0;
  style.time_window_s = 120.0;
  assert_golden (&scene, &style, "curves-window-discharge");
}

static void
test_curves_empty (void)
{
  g_autoptr(PsPack) pack = make_pack_t ();
  g_autoptr(PsRecorder) rec = ps_recorder_new (pack->n_cells);
  Scene scene = { SCENE_CURVES, NULL, rec, 480, 360 };
  PsRenderStyle style;
  cairo_surface_t *s;
  cairo_t *cr;

  style_for_tests (&style);
  style.selected_cell = 3;
  style.cursor_time_s = 10.0;
  style.curves |= PS_CURVE_DISCHARGE;
  assert_golden (&scene, &style, "curves-empty");
  /* and with no recorder at all */
  s = render_surface (200, 100);
  cr = cairo_create (s);
  ps_render_curves (cr, NULL, NULL, &style, 200, 100);
  g_assert_cmpint (cairo_status (cr), ==, CAIRO_STATUS_SUCCESS);
  cairo_destroy (cr);
  cairo_surface_destroy (s);
}

/* Min/max thinning: a 10 h run (36,000 samples) and a 10 min run (600
 * samples) of the same shape draw the same plot, including a one-sample
 * spike that plain decimation would drop. Only the time labels differ. */
static void
test_curves_thinning (void)
{
  g_autoptr(PsPack) pack = make_pack_t ();
  g_autoptr(PsRecorder) short_run = make_recorder (pack, 600, 599.0);
  g_autoptr(PsRecorder) long_run = make_recorder (pack, 36000, 35999.0);
  PsRenderStyle style;
  const int w = 640, h = 240;
  cairo_surface_t *a = render_surface (w, h), *b = render_surface (w, h);
  cairo_t *cr;
  gsize n_diff = 0, n_curve = 0;
  double fs;
  int x0, x1, y0, y1, spike_col = -1;
  guint32 curve_colour = 0;

  style_for_tests (&style);
  style.curves = PS_CURVE_CURRENT;
  fs = style.font_size;
  cr = cairo_create (a);
  ps_render_curves (cr, short_run, NULL, &style, w, h);
  cairo_destroy (cr);
  cr = cairo_create (b);
  ps_render_curves (cr, long_run, NULL, &style, w, h);
  cairo_destroy (cr);

  /* the plot interior: right of the y labels, under the title, above the
   * time labels */
  x0 = (int) (fs * 4.6) + 2;
  x1 = w - (int) (fs * 1.2) - 2;
  y0 = (int) (fs * 0.5 + fs * 1.6);
  y1 = h - (int) (fs * 2.0) - 2;
  for (int y = y0; y < y1; y++)
    for (int x = x0; x < x1; x++)
      {
        guint32 pa = pixel_at (a, x, y), pb = pixel_at (b, x, y);

        if (channel_diff (pa, pb) > 48)
          n_diff++;
        /* the current's orange: red high, blue low */
        if (((pa >> 16) & 0xff) > 150 && (pa & 0xff) < 90)
          n_curve++;
      }
  g_assert_cmpuint (n_curve, >, 300);
  if (n_diff > (gsize) (0.01 * (x1 - x0) * (y1 - y0)))
    {
      write_failure_image (a, "thinning-10min", ".out.png");
      write_failure_image (b, "thinning-10h", ".out.png");
      g_test_fail_printf ("10 min and 10 h plots differ in %" G_GSIZE_FORMAT " pixels", n_diff);
    }

  /* the spike (down to -6 A x 4) reaches the bottom of the plot in both:
   * find the lowest orange pixel's column in the long run */
  for (int y = y1 - 1; y >= y0 && spike_col < 0; y--)
    for (int x = x0; x < x1; x++)
      {
        guint32 p = pixel_at (b, x, y);

        if (((p >> 16) & 0xff) > 150 && (p & 0xff) < 90 && ((p >> 8) & 0xff) < 160)
          {
            spike_col = x;
            curve_colour = p;
            break;
          }
      }
  g_assert_cmpint (spike_col, >=, 0);
  (void) curve_colour;
  /* it is in the middle of the run, and far below the rest of the curve */
  g_assert_cmpfloat (fabs (spike_col - 0.5 * (x0 - 2 + x1 + 2)), <, 4.0);
  cairo_surface_destroy (a);
  cairo_surface_destroy (b);
}

/* time_at inverts the x mapping: a cursor placed at time_at (x) is drawn
 * in pixel column x */
static void
test_curves_time_at (void)
{
  g_autoptr(PsPack) pack = make_pack_t ();
  g_autoptr(PsRecorder) rec = make_recorder (pack, 1201, 1200.0);
  PsRenderStyle style;
  const int w = 600, h = 300;

  style_for_tests (&style);
  style.curves = PS_CURVE_SOC;
  /* follow the newest sample, whole run: the right edge is the newest */
  g_assert_cmpfloat (ps_render_curves_time_at (rec, &style, w, w), ==, 1200.0);
  g_assert_cmpfloat (ps_render_curves_time_at (rec, &style, w, 0), ==, 0.0);
  /* a window: 600 s ending at 1000 s */
  style.time_end_s = 1000.0;
  style.time_window_s = 600.0;
  g_assert_cmpfloat (ps_render_curves_time_at (rec, &style, w, w + 50), ==, 1000.0);
  g_assert_cmpfloat (ps_render_curves_time_at (rec, &style, w, -5), ==, 400.0);

  for (int x = 120; x <= 480; x += 90)
    {
      cairo_surface_t *s = render_surface (w, h);
      cairo_t *cr = cairo_create (s);
      guint dark = 0;

      style.cursor_time_s = ps_render_curves_time_at (rec, &style, w, x + 0.5);
      g_assert_cmpfloat (style.cursor_time_s, >, 400.0);
      g_assert_cmpfloat (style.cursor_time_s, <, 1000.0);
      ps_render_curves (cr, rec, NULL, &style, w, h);
      cairo_destroy (cr);
      /* the dashed cursor line: dark pixels in column x, in the lower half
       * of the plot (away from the read-out box) */
      for (int y = h / 2; y < h - 30; y++)
        if (channel_diff (pixel_at (s, x, y), 0xff000000u | 0x222226) < 90)
          dark++;
      g_assert_cmpuint (dark, >, 20);
      /* and not in the neighbouring columns */
      for (int y = h / 2, n_side = 0; y < h - 30; y++)
        {
          if (channel_diff (pixel_at (s, x + 3, y), 0xff000000u | 0x222226) < 90)
            n_side++;
          g_assert_cmpint (n_side, <, 10);
        }
      cairo_surface_destroy (s);
    }
}

/* A 10 min charge whose SOC goes in a straight line from soc0 to soc1 */
static PsRecorder *
make_soc_recorder (PsPack *pack,
                   double  soc0,
                   double  soc1)
{
  PsRecorder *rec = ps_recorder_new (pack->n_cells);
  g_autoptr(PsFrame) f = ps_frame_new (pack);

  for (guint k = 0; k <= 600; k++)
    {
      double soc = soc0 + (soc1 - soc0) * k / 600.0;

      f->time_s = k;
      f->step = 1;
      for (guint c = 0; c < pack->n_cells; c++)
        {
          f->cell_soc[c] = soc;
          f->cell_voltage_v[c] = 3.7;
          f->cell_current_a[c] = -1.0;
          f->cell_temp_k[c] = 298.15;
          f->cell_heat_w[c] = 0.0;
        }
      ps_frame_update_extremes (f);
      f->pack_soc = soc;
      f->pack_voltage_v = 3.7 * pack->n_series;
      ps_recorder_append (rec, f);
    }
  return rec;
}

/* The rise of the SOC line across the plot, in pixels: the SOC colour's
 * mean row in a column near each end (the panel's title hides its top
 * left) */
static double
soc_line_rise (PsPack *pack,
               double  soc0,
               double  soc1)
{
  g_autoptr(PsRecorder) rec = make_soc_recorder (pack, soc0, soc1);
  const int w = 480, h = 120;
  cairo_surface_t *s = render_surface (w, h);
  cairo_t *cr = cairo_create (s);
  PsRenderStyle style;
  double y_end[2];
  int xs[2];

  style_for_tests (&style);
  style.curves = PS_CURVE_SOC;
  xs[0] = (int) (style.font_size * 4.6) + 6;
  xs[1] = w - (int) (style.font_size * 1.2) - 6;
  ps_render_curves (cr, rec, NULL, &style, w, h);
  cairo_destroy (cr);
  for (int e = 0; e < 2; e++)
    {
      double sum = 0.0;
      int n = 0;

      for (int y = 0; y < h; y++)
        if (channel_diff (pixel_at (s, xs[e], y), 0xff8054b3u) < 40)
          {
            sum += y;
            n++;
          }
      g_assert_cmpint (n, >, 0);
      y_end[e] = sum / n;
    }
  cairo_surface_destroy (s);
  g_test_message ("SOC %.4f -> %.4f: rows %.1f -> %.1f", soc0, soc1, y_end[0], y_end[1]);
  return fabs (y_end[1] - y_end[0]);
}

/* The engine lets SOC pass 100 % (and 0 %) by up to 1 %: a charge that
 * ends at 100.67 % keeps the SOC axis at 0-100 % with a little headroom,
 * not the next round range (0-150 %), so the line spans nearly as much of
 * the panel as one that ends at 99 % (0.97 as much at 0-105 %, 0.68 at
 * 0-150 %); the same below 0 % (against one that ends at 3 %) */
static void
test_curves_soc_headroom (void)
{
  g_autoptr(PsPack) pack = make_pack_t ();
  /* 99 % and 3 %: off the panel's frame, on the 0-100 % axis */
  double full = soc_line_rise (pack, 0.05, 0.99);
  double over = soc_line_rise (pack, 0.05, 1.0067);
  double empty = soc_line_rise (pack, 0.03, 0.95);
  double under = soc_line_rise (pack, -0.0067, 0.95);

  g_assert_cmpfloat (full, >, 40.0);
  g_assert_cmpfloat (over / full, >, 0.9);
  g_assert_cmpfloat (empty, >, 40.0);
  g_assert_cmpfloat (under / empty, >, 0.9);
}

/* A protocol that ended at t = 0 (one sample, nothing to plot): the
 * curves say why, in the plot; one still running at t = 0, or a run that
 * went on, draws no note */
static void
test_curves_ended_at_once (void)
{
  g_autoptr(PsPack) pack = make_pack_t ();
  g_autoptr(PsRecorder) rec = ps_recorder_new (pack->n_cells);
  g_autoptr(PsFrame) frame = make_frame (pack, 0.0);
  const int w = 600, h = 300;
  cairo_surface_t *plain = render_surface (w, h);
  PsRenderStyle style;
  cairo_t *cr;

  style_for_tests (&style);
  frame->time_s = 0.0;
  ps_recorder_append (rec, frame);
  cr = cairo_create (plain);
  ps_render_curves (cr, rec, frame, &style, w, h);
  cairo_destroy (cr);

  frame->finished = TRUE;
  frame->end_at_once = TRUE;
  frame->end_text = g_strdup ("step 1 ended at once at 0 s: cell 1 reached 4.100 V, its end voltage");
  for (int k = 0; k < 3; k++)
    {
      cairo_surface_t *s = render_surface (w, h);
      gsize n_diff = 0;

      /* 0: ended at once; 1: still running at t = 0; 2: ended later */
      frame->finished = k != 1;
      frame->time_s = k == 2 ? 60.0 : 0.0;
      cr = cairo_create (s);
      ps_render_curves (cr, rec, frame, &style, w, h);
      cairo_destroy (cr);
      for (int y = 0; y < h; y++)
        for (int x = 0; x < w; x++)
          if (channel_diff (pixel_at (s, x, y), pixel_at (plain, x, y)) > 48)
            n_diff++;
      g_test_message ("case %d: %" G_GSIZE_FORMAT " pixels differ", k, n_diff);
      if (k == 0)
        g_assert_cmpuint (n_diff, >, 1500);
      else
        g_assert_cmpuint (n_diff, ==, 0);
      cairo_surface_destroy (s);
    }
  cairo_surface_destroy (plain);
}

/* Bad values never crash or poison a view: NaN cells are drawn grey and
 * left out of the scale; degenerate view sizes draw nothing harmful */
static void
test_render_nan_and_tiny_views (void)
{
  g_autoptr(PsPack) pack = make_pack_t ();
  g_autoptr(PsFrame) frame = make_frame (pack, 0.0);
  g_autoptr(PsRecorder) rec = make_recorder (pack, 50, 50.0);
  PsRenderStyle style;
  PsViewTransform tr;
  cairo_surface_t *s = render_surface (480, 320);
  cairo_t *cr = cairo_create (s);
  double sizes[][2] = { { 0, 0 }, { 1, 1 }, { 3, 200 }, { 200, 3 }, { -5, -5 } };
  guint32 p;

  frame->cell_soc[9] = NAN;
  frame->cell_voltage_v[9] = INFINITY;
  frame->cell_temp_k[9] = NAN;
  style_for_tests (&style);
  ps_render_layout (cr, frame, &style, 480, 320);
  g_assert_cmpint (cairo_status (cr), ==, CAIRO_STATUS_SUCCESS);
  ps_render_view_transform (pack, &style, 480, 320, &tr);
  p = pixel_at (s, (int) (tr.offset_x + tr.scale * pack->cell_x[9]),
                (int) (tr.offset_y - tr.scale * pack->cell_y[9]));
  g_assert_cmpint (channel_diff (p, 0xff999999u), <=, 2);
  cairo_destroy (cr);
  cairo_surface_destroy (s);

  for (guint k = 0; k < G_N_ELEMENTS (sizes); k++)
    {
      s = render_surface (64, 64);
      cr = cairo_create (s);
      style.quantity = (PsQuantity) (k % PS_N_QUANTITIES);
      ps_render_layout (cr, frame, &style, sizes[k][0], sizes[k][1]);
      ps_render_thermal (cr, frame, &style, sizes[k][0], sizes[k][1]);
      ps_render_curves (cr, rec, frame, &style, sizes[k][0], sizes[k][1]);
      g_assert_cmpint (cairo_status (cr), ==, CAIRO_STATUS_SUCCESS);
      g_assert_cmpint (ps_render_layout_hit_test (frame, &style, sizes[k][0], sizes[k][1], 0, 0), ==, -1);
      cairo_destroy (cr);
      cairo_surface_destroy (s);
    }
  /* no frame at all */
  s = render_surface (64, 64);
  cr = cairo_create (s);
  ps_render_layout (cr, NULL, &style, 64, 64);
  ps_render_thermal (cr, NULL, &style, 64, 64);
  g_assert_cmpint (ps_render_layout_hit_test (NULL, &style, 64, 64, 3, 3), ==, -1);
  cairo_destroy (cr);
  cairo_surface_destroy (s);
}

static cairo_status_t
append_bytes (void                *closure,
              const unsigned char *data,
              unsigned int         length)
{
  g_byte_array_append (closure, data, length);
  return CAIRO_STATUS_SUCCESS;
}

/* Exports go to vector surfaces: the same renderers draw there (the cell
 * path, not the pixel scan conversion), and the files hold every cell */
static void
test_render_vector_exports (void)
{
  g_autoptr(PsPack) pack = make_pack_t ();
  g_autoptr(PsFrame) frame = make_frame (pack, 0.0);
  g_autoptr(PsRecorder) rec = make_recorder (pack, 300, 300.0);
  PsRenderStyle style;

  style_for_tests (&style);
  for (guint kind = 0; kind < 2; kind++)
    {
      g_autoptr(GByteArray) bytes = g_byte_array_new ();
      cairo_surface_t *s = kind == 0 ? cairo_svg_surface_create_for_stream (append_bytes, bytes, 480, 320)
                                     : cairo_pdf_surface_create_for_stream (append_bytes, bytes, 480, 320);
      cairo_t *cr = cairo_create (s);

      style.isotherms = TRUE;
      ps_render_layout (cr, frame, &style, 480, 320);
      cairo_show_page (cr);
      ps_render_thermal (cr, frame, &style, 480, 320);
      cairo_show_page (cr);
      ps_render_curves (cr, rec, frame, &style, 480, 320);
      g_assert_cmpint (cairo_status (cr), ==, CAIRO_STATUS_SUCCESS);
      cairo_destroy (cr);
      cairo_surface_finish (s);
      g_assert_cmpint (cairo_surface_status (s), ==, CAIRO_STATUS_SUCCESS);
      cairo_surface_destroy (s);
      g_assert_cmpuint (bytes->len, >, 2000);
      if (kind == 0)
        {
          /* SVG: the 24 cells are arcs in paths, not one embedded image */
          g_autofree char *text = g_strndup ((const char *) bytes->data, bytes->len);
          guint n_arcs = 0;

          for (const char *q = text; (q = strstr (q, " C ")) != NULL; q++)
            n_arcs++;
          g_assert_cmpuint (n_arcs, >=, 4 * pack->n_cells);
        }
    }
}

/* ---------------------------------------------------------------------- */
/* the thermal-runaway timeline                                            */

static guint32
opaque_pixel (const double rgb[3])
{
  return 0xff000000u | ((guint32) lround (rgb[0] * 255) << 16) |
         ((guint32) lround (rgb[1] * 255) << 8) | (guint32) lround (rgb[2] * 255);
}

/* cells 3, 5 and 2 (0-based 2, 4, 1) reach onset in that order, out of
 * their index order; cell 3 runs through every stage, cell 5 to runaway,
 * cell 2 only to onset; a fault event and a contactor event are not
 * stages */
static PsFrame *
make_runaway_frame (PsPack *pack,
                    guint   n_events)
{
  static const struct { double t; PsEventKind kind; int cell; } ev[] = {
    {   0.0, PS_EVENT_FAULT,    2 },
    {  30.0, PS_EVENT_ONSET,    2 },
    {  60.0, PS_EVENT_ONSET,    4 },
    {  90.0, PS_EVENT_VENTING,  2 },
    { 120.0, PS_EVENT_ONSET,    1 },
    { 150.0, PS_EVENT_RUNAWAY,  2 },
    { 200.0, PS_EVENT_VENTING,  4 },
    { 210.0, PS_EVENT_CONTACTOR_OPEN, -1 },
    { 260.0, PS_EVENT_RUNAWAY,  4 },
    { 300.0, PS_EVENT_BURNT,    2 },
  };
  PsFrame *f = make_frame (pack, 0.0);

  f->events = ps_event_log_new ();
  for (guint i = 0; i < G_N_ELEMENTS (ev); i++)
    ps_event_log_add (f->events, ev[i].t, ev[i].kind, ev[i].cell,
                      ev[i].kind == PS_EVENT_CONTACTOR_OPEN ? PS_CONTACTOR_FAULT : PS_CONTACTOR_OK,
                      "event %u", i);
  f->n_events = MIN (n_events, G_N_ELEMENTS (ev));
  f->time_s = 400.0;
  return f;
}

/* The rows in onset order, each stage's colour over its span, nothing
 * before the onset, the frame's time as a line; read in two goes as the
 * window does, and started again for another run's log. */
static void
test_runaway_timeline (void)
{
  /* each row's spans: stage, from, to (s); the frame's time is 400 s */
  static const struct { guint cell; struct { int stage; double a, b; } span[4]; } rows[] = {
    { 2, { { 0, 30, 90 }, { 1, 90, 150 }, { 2, 150, 300 }, { 3, 300, 400 } } },
    { 4, { { 0, 60, 200 }, { 1, 200, 260 }, { 2, 260, 400 }, { -1, 0, 0 } } },
    { 1, { { 0, 120, 400 }, { -1, 0, 0 }, { -1, 0, 0 }, { -1, 0, 0 } } },
  };
  g_autoptr(PsPack) pack = make_pack_t ();
  g_autoptr(PsFrame) part = make_runaway_frame (pack, 4);
  g_autoptr(PsFrame) frame = make_runaway_frame (pack, 100);
  g_autoptr(PsFrame) other = make_runaway_frame (pack, 2);
  g_autoptr(PsRunawayTimeline) tl = ps_runaway_timeline_new ();
  PsRenderStyle style;
  PsTimelineGeometry g;
  cairo_surface_t *s;
  cairo_t *cr;
  const int w = 640, h = 170;
  const guint32 bg = 0xffffffffu;
  double x;

  g_assert_true (ps_runaway_timeline_update (tl, part));
  g_assert_cmpuint (ps_runaway_timeline_get_n_rows (tl), ==, 2);
  g_assert_true (ps_runaway_timeline_update (tl, frame));
  g_assert_false (ps_runaway_timeline_update (tl, frame));
  g_assert_cmpuint (ps_runaway_timeline_get_n_rows (tl), ==, G_N_ELEMENTS (rows));
  for (guint r = 0; r < G_N_ELEMENTS (rows); r++)
    {
      guint cell;
      double t[4];

      g_assert_true (ps_runaway_timeline_get_row (tl, r, &cell, t));
      g_assert_cmpuint (cell, ==, rows[r].cell);
      g_assert_cmpfloat (t[0], ==, rows[r].span[0].a);
    }
  g_assert_false (ps_runaway_timeline_get_row (tl, G_N_ELEMENTS (rows), NULL, NULL));

  ps_render_style_init_default (&style);
  style.font_family = "DejaVu Sans";
  style.draw_background = TRUE;
  style.bg[0] = style.bg[1] = style.bg[2] = style.bg[3] = 1.0;
  s = render_surface (w, h);
  cr = cairo_create (s);
  ps_render_runaway_timeline (cr, tl, frame, &style, w, h);
  cairo_destroy (cr);

  ps_render_runaway_timeline_geometry (tl, &style, w, h, &g);
  g_assert_cmpuint (g.n_shown, ==, G_N_ELEMENTS (rows));
  g_assert_cmpfloat (g.row_h, >=, 4.0);
  for (guint r = 0; r < G_N_ELEMENTS (rows); r++)
    {
      int y = (int) (g.plot_y + (r + 0.5) * g.row_h);

      for (guint k = 0; k < 4 && rows[r].span[k].stage >= 0; k++)
        {
          double mid = 0.5 * (rows[r].span[k].a + rows[r].span[k].b);
          guint32 want = opaque_pixel (ps_runaway_timeline_colours[rows[r].span[k].stage]);
          guint32 got;

          x = ps_render_runaway_timeline_x (tl, frame, &style, w, h, mid);
          got = pixel_at (s, (int) x, y);
          if (channel_diff (got, want) > 2)
            {
              write_failure_image (s, "runaway-timeline", ".out.png");
              g_error ("row %u (cell %u), stage %d at %.0f s (x %.0f, y %d): 0x%08x, not 0x%08x",
                       r, rows[r].cell + 1, rows[r].span[k].stage, mid, x, y, got, want);
            }
        }
      /* nothing before the row's onset */
      x = ps_render_runaway_timeline_x (tl, frame, &style, w, h, rows[r].span[0].a) - 3.0;
      if (x > g.plot_x + 2.0)
        g_assert_cmphex (pixel_at (s, (int) x, y), ==, bg);
    }
  /* the frame's time: a dark line down the plot, below the rows too */
  x = ps_render_runaway_timeline_x (tl, frame, &style, w, h, frame->time_s);
  g_assert_cmpint (channel_diff (pixel_at (s, (int) lround (x), (int) (g.plot_y + g.plot_h - 3)), 0xff000000u), <, 60);
  cairo_surface_destroy (s);

  /* another run's log: the rows start again */
  g_assert_true (ps_runaway_timeline_update (tl, other));
  g_assert_cmpuint (ps_runaway_timeline_get_n_rows (tl), ==, 1);
}

int
main (int    argc,
      char **argv)
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/render/colormap/tables", test_colormap_tables);
  g_test_add_func ("/render/layout/golden-t-soc", test_layout_golden);
  g_test_add_func ("/render/layout/golden-pouch-deviation", test_layout_golden_pouch_deviation);
  g_test_add_func ("/render/layout/golden-big-temperature", test_layout_golden_big);
  g_test_add_func ("/render/layout/cells-distinct", test_layout_cells_distinct);
  g_test_add_func ("/render/layout/model-s-85-cells-distinct", test_layout_model_s_cells_distinct);
  g_test_add_func ("/render/layout/colorbar-ends", test_layout_colorbar_ends);
  g_test_add_func ("/render/layout/hit-test-round-trip", test_layout_hit_test_round_trip);
  g_test_add_func ("/render/layout/zoom-crisp", test_layout_zoom_crisp);
  g_test_add_func ("/render/layout/raster-matches-vector", test_layout_raster_matches_vector);
  g_test_add_func ("/render/layout/recording-replay", test_layout_recording_replay);
  g_test_add_func ("/render/layout/soc-scale-bounds", test_layout_soc_scale_bounds);
  g_test_add_func ("/render/thermal/range-least-span", test_thermal_range_least_span);
  g_test_add_func ("/render/curves/headroom", test_curves_headroom);
  g_test_add_func ("/render/thermal/golden-t", test_thermal_golden);
  g_test_add_func ("/render/thermal/golden-big-kelvin", test_thermal_golden_big);
  g_test_add_func ("/render/thermal/masked-to-outline", test_thermal_masked_to_outline);
  g_test_add_func ("/render/thermal/hottest-marker", test_thermal_hottest_marker);
  g_test_add_func ("/render/thermal/uniform", test_thermal_uniform);
  g_test_add_func ("/render/thermal/isotherm-labels", test_thermal_isotherm_labels);
  g_test_add_func ("/render/curves/golden-all", test_curves_golden);
  g_test_add_func ("/render/curves/golden-window-discharge", test_curves_golden_discharge);
  g_test_add_func ("/render/curves/recording-replay", test_curves_recording_replay);
  g_test_add_func ("/render/curves/empty", test_curves_empty);
  g_test_add_func ("/render/curves/thinning-10min-equals-10h", test_curves_thinning);
  g_test_add_func ("/render/curves/time-at-inverts-x", test_curves_time_at);
  g_test_add_func ("/render/curves/soc-headroom", test_curves_soc_headroom);
  g_test_add_func ("/render/curves/ended-at-once", test_curves_ended_at_once);
  g_test_add_func ("/render/nan-and-tiny-views", test_render_nan_and_tiny_views);
  g_test_add_func ("/render/vector-exports", test_render_vector_exports);
  g_test_add_func ("/render/runaway-timeline", test_runaway_timeline);

  return g_test_run ();
}
