/* ps-thermal-view.c: the thermal map of the pack, on the GPU when it can
 *
 * Copyright 2026 The Packscope authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Two paths draw the same picture:
 * - GL: a GtkGLArea child. Per pack, a grid of interpolation nodes over the
 *   pack's bounds (each with its four nearest cells and inverse-distance
 *   weights, as the cairo renderer computes them) goes into two textures,
 *   the outline polygon into a vertex buffer. Per frame only the cell
 *   temperatures are uploaded (one float texel per cell); the fragment
 *   shader (resources/shaders/thermal.frag) blends the nodes, colour-maps
 *   with inferno and draws isotherms; the outline is a stencil mask. The
 *   scale bar, header, pack outline and hottest-cell marker are drawn with
 *   cairo on top, with the render layer's helpers so they match the cairo
 *   path.
 * - cairo: ps_render_thermal(), when GL is unavailable (GDK_DEBUG=gl-disable,
 *   no GL 3.2 / GLES 3.0, a shader that does not compile, any GL error).
 *   Falling back is one-way for the life of the widget.
 */
#include "config.h"

#include <math.h>
#include <string.h>

#include <epoxy/gl.h>

#include "ps-thermal-view.h"
#include "ps-render-private.h"
#include "ps-view-private.h"

#define TEMPS_TEX_WIDTH  256
#define K_NEAREST        4        /* cells per node, as the shader reads them */
#define K_SEARCH         (K_NEAREST + 1)
#define GRID_MIN_NODES   384      /* along the longer side */
#define GRID_MAX_NODES   512

typedef struct
{
  double    lo, hi, step;         /* colour scale, display units */
  double    offset;               /* display = kelvin + offset */
  double    tmin, tmax;           /* display units */
  guint     icold, ihot;
  gboolean  valid;
} ThermalScale;

struct _PsThermalView
{
  GtkWidget      parent_instance;

  GtkWidget     *gl_area;

  PsRunner      *runner;          /* not owned, see ps-pack-view.h */
  PsFrame       *frame;
  guint          tick_id;

  PsRenderStyle  style;
  ThermalScale   scale;           /* of self->frame at the present size */

  /* GL state (valid while gl_active) */
  gboolean       gl_active;
  gboolean       gl_failed;
  gboolean       gl_use_es;
  guint          gl_fail_idle;
  char          *gl_error;        /* why GL is not used, for debugging */
  GLuint         program;
  GLuint         vao;
  GLuint         vbo;
  GLuint         tex_node_cells;
  GLuint         tex_node_weights;
  GLuint         tex_temps;
  GLuint         tex_colormap;
  PsPack        *gl_pack;         /* the pack the geometry was built for */
  guint64        gl_serial;       /* the frame whose temperatures are uploaded */
  const PsFrame *gl_frame;
  float         *temps;           /* [TEMPS_TEX_WIDTH * rows], per pack */
  guint          temps_rows;
  guint          n_outline;       /* vertices of the outline fan (0: none) */
  int            grid_w, grid_h;
  double         grid_x0, grid_y0, grid_step;

  /* uniform locations */
  GLint          u_pack_to_ndc;
  GLint          u_node_cells;
  GLint          u_node_weights;
  GLint          u_temps;
  GLint          u_colormap;
  GLint          u_temps_width;
  GLint          u_grid_size;
  GLint          u_grid_origin;
  GLint          u_grid_step;
  GLint          u_scale_lo;
  GLint          u_scale_span;
  GLint          u_unit_offset;
  GLint          u_iso_step;
  GLint          u_iso_color;
};

enum {
  PROP_0,
  PROP_ISOTHERMS,
  PROP_GL_ACTIVE,
  N_PROPS
};

G_DEFINE_FINAL_TYPE (PsThermalView, ps_thermal_view, GTK_TYPE_WIDGET)

static GParamSpec *properties[N_PROPS];

static void
ps_thermal_view_queue_redraw (PsThermalView *self)
{
  gtk_widget_queue_draw (GTK_WIDGET (self));
  if (self->gl_active)
    gtk_gl_area_queue_render (GTK_GL_AREA (self->gl_area));
}

static void
ps_thermal_view_set_gl_active (PsThermalView *self,
                               gboolean       active)
{
  if (self->gl_active == active)
    return;

  self->gl_active = active;
  gtk_widget_queue_draw (GTK_WIDGET (self));
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_GL_ACTIVE]);
}

/* The colour scale both paths use: the cairo renderer's rule (a nice range
 * of at least 1 K with ticks about three text lines apart). */
static void
thermal_scale_compute (const PsFrame       *frame,
                       const PsRenderStyle *style,
                       double               width,
                       double               height,
                       ThermalScale        *out)
{
  PsViewTransform tr;
  double fs = style->font_size > 0 ? style->font_size : 12.0;
  double tmin = INFINITY, tmax = -INFINITY;
  guint i;

  memset (out, 0, sizeof *out);
  out->offset = style->temp_unit == PS_TEMP_UNIT_KELVIN ? 0.0 : -273.15;

  if (frame == NULL || frame->pack == NULL || frame->n_cells == 0 ||
      frame->n_cells != frame->pack->n_cells)
    return;

  for (i = 0; i < frame->n_cells; i++)
    {
      double t = frame->cell_temp_k[i];

      if (!isfinite (t))
        continue;
      if (t < tmin)
        {
          tmin = t;
          out->icold = i;
        }
      if (t > tmax)
        {
          tmax = t;
          out->ihot = i;
        }
    }
  if (!isfinite (tmin))
    return;

  out->tmin = tmin + out->offset;
  out->tmax = tmax + out->offset;
  out->lo = out->tmin;
  out->hi = out->tmax;

  ps_render_view_transform (frame->pack, style, width, height, &tr);
  out->step = _ps_render_nice_range (&out->lo, &out->hi, 1.0,
                                     MAX (2, (int) (tr.plot_h / (fs * 3.0))));
  out->valid = out->hi > out->lo && isfinite (out->hi - out->lo);
}

/* Interpolation nodes */

typedef struct
{
  guint   *start;       /* [nbx * nby + 1] */
  guint   *cells;       /* [n_cells] */
  int      nbx, nby;
  double   x0, y0, size;
} CellBuckets;

static void
cell_buckets_init (CellBuckets  *b,
                   const PsPack *pack,
                   double        x0,
                   double        y0,
                   double        x1,
                   double        y1,
                   double        size)
{
  guint *fill;
  guint i;
  int k;

  b->x0 = x0;
  b->y0 = y0;
  b->size = size;
  b->nbx = CLAMP ((int) ceil ((x1 - x0) / size), 1, 1024);
  b->nby = CLAMP ((int) ceil ((y1 - y0) / size), 1, 1024);
  b->start = g_new0 (guint, (gsize) b->nbx * b->nby + 1);
  b->cells = g_new (guint, MAX (pack->n_cells, 1));
  fill = g_new0 (guint, (gsize) b->nbx * b->nby);

#define BUCKET_OF(i) \
  (CLAMP ((int) floor ((pack->cell_y[i] - y0) / size), 0, b->nby - 1) * b->nbx + \
   CLAMP ((int) floor ((pack->cell_x[i] - x0) / size), 0, b->nbx - 1))

  for (i = 0; i < pack->n_cells; i++)
    b->start[BUCKET_OF (i) + 1]++;
  for (k = 0; k < b->nbx * b->nby; k++)
    b->start[k + 1] += b->start[k];
  for (i = 0; i < pack->n_cells; i++)
    {
      int bucket = BUCKET_OF (i);

      b->cells[b->start[bucket] + fill[bucket]++] = i;
    }

#undef BUCKET_OF

  g_free (fill);
}

static void
cell_buckets_clear (CellBuckets *b)
{
  g_clear_pointer (&b->start, g_free);
  g_clear_pointer (&b->cells, g_free);
}

/* The K_SEARCH nearest cells of point (x, y), nearest first: ring search
 * over the buckets. */
static int
cell_buckets_nearest (const CellBuckets *b,
                      const PsPack      *pack,
                      double             x,
                      double             y,
                      guint              best_i[K_SEARCH],
                      double             best_d2[K_SEARCH])
{
  int bx = CLAMP ((int) floor ((x - b->x0) / b->size), 0, b->nbx - 1);
  int by = CLAMP ((int) floor ((y - b->y0) / b->size), 0, b->nby - 1);
  int want = (int) MIN (pack->n_cells, K_SEARCH);
  int found = 0;
  int r, r_max = MAX (b->nbx, b->nby);

  for (r = 0; r <= r_max; r++)
    {
      int i, j;

      for (j = by - r; j <= by + r; j++)
        {
          if (j < 0 || j >= b->nby)
            continue;
          for (i = bx - r; i <= bx + r; i++)
            {
              int bucket;
              guint p;

              if (i < 0 || i >= b->nbx)
                continue;
              /* only the ring's border */
              if (ABS (i - bx) != r && ABS (j - by) != r)
                continue;

              bucket = j * b->nbx + i;
              for (p = b->start[bucket]; p < b->start[bucket + 1]; p++)
                {
                  guint c = b->cells[p];
                  double dx = pack->cell_x[c] - x;
                  double dy = pack->cell_y[c] - y;
                  double d2 = dx * dx + dy * dy;
                  int k;

                  if (found == want && d2 >= best_d2[want - 1])
                    continue;
                  k = found < want ? found++ : want - 1;
                  while (k > 0 && best_d2[k - 1] > d2)
                    {
                      best_d2[k] = best_d2[k - 1];
                      best_i[k] = best_i[k - 1];
                      k--;
                    }
                  best_d2[k] = d2;
                  best_i[k] = c;
                }
            }
        }

      /* every bucket of ring r + 1 or further is at least r * size away
       * (the point lies inside its own bucket, or is clamped towards it) */
      if (found == want)
        {
          double bound = r * b->size;

          if (best_d2[want - 1] <= bound * bound)
            break;
        }
    }

  return found;
}

/* Fills the node textures' data for a pack: a grid over the bounds with one
 * node of margin, each node's K_NEAREST nearest cells and normalised
 * weights. The weights are Franke and Little's localised Shepard weights,
 * w_k = ((R - d_k) / (R d_k))^2 with R the distance of the next nearest
 * cell (R. Franke, "Scattered data interpolation: tests of some methods",
 * Math. Comp. 38 (1982) 181-200): a cell's weight falls to zero exactly when
 * it leaves a node's nearest set, so the field has no seams where the set
 * changes, as plain K-nearest Shepard weights would. */
static gboolean
compute_nodes (const PsPack  *pack,
               int           *out_w,
               int           *out_h,
               double        *out_x0,
               double        *out_y0,
               double        *out_step,
               guint32      **out_cells,
               float        **out_weights)
{
  CellBuckets buckets;
  double bx0, by0, bw, bh, longer, pitch, step, dmin;
  guint32 *cells;
  float *weights;
  int gw, gh, i, j;

  bx0 = pack->bounds.x;
  by0 = pack->bounds.y;
  bw = pack->bounds.w;
  bh = pack->bounds.h;
  if (!(bw > 0) || !(bh > 0) || !isfinite (bw) || !isfinite (bh) || pack->n_cells == 0)
    return FALSE;

  longer = MAX (bw, bh);
  pitch = sqrt (bw * bh / pack->n_cells);
  step = MIN (pitch / 4.0, longer / GRID_MIN_NODES);
  step = MAX (step, longer / (GRID_MAX_NODES - 3));
  dmin = 1e-3 * pitch;    /* a node on a cell centre takes that cell */

  gw = (int) ceil (bw / step) + 3;
  gh = (int) ceil (bh / step) + 3;
  bx0 -= step;
  by0 -= step;

  cell_buckets_init (&buckets, pack, bx0, by0, bx0 + gw * step, by0 + gh * step,
                     MAX (pitch, step));

  cells = g_new0 (guint32, (gsize) gw * gh * K_NEAREST);
  weights = g_new0 (float, (gsize) gw * gh * K_NEAREST);

  for (j = 0; j < gh; j++)
    for (i = 0; i < gw; i++)
      {
        gsize node = ((gsize) j * gw + i) * K_NEAREST;
        guint best_i[K_SEARCH];
        double best_d2[K_SEARCH], w[K_SEARCH], sum = 0.0;
        int k, found, n_used;

        found = cell_buckets_nearest (&buckets, pack, bx0 + i * step, by0 + j * step,
                                      best_i, best_d2);
        n_used = MIN (found, K_NEAREST);

        if (found == K_SEARCH)
          {
            double r = sqrt (best_d2[K_NEAREST]);

            for (k = 0; k < n_used; k++)
              {
                double d = MAX (sqrt (best_d2[k]), dmin);
                double f = (r - d) / (r * d);

                w[k] = f > 0.0 ? f * f : 0.0;
                sum += w[k];
              }
          }
        /* fewer cells than K_SEARCH (the set never changes) or all at the
         * same distance: plain inverse-distance weights */
        if (!(sum > 0.0))
          {
            sum = 0.0;
            for (k = 0; k < n_used; k++)
              {
                w[k] = 1.0 / (best_d2[k] + dmin * dmin);
                sum += w[k];
              }
          }
        for (k = 0; k < n_used; k++)
          {
            cells[node + k] = best_i[k];
            weights[node + k] = (float) (w[k] / sum);
          }
      }

  cell_buckets_clear (&buckets);

  *out_w = gw;
  *out_h = gh;
  *out_x0 = bx0;
  *out_y0 = by0;
  *out_step = step;
  *out_cells = cells;
  *out_weights = weights;
  return TRUE;
}

/* GL */

static gboolean
gl_check (PsThermalView  *self,
          const char     *where)
{
  GLenum err = glGetError ();

  if (err == GL_NO_ERROR)
    return TRUE;

  g_free (self->gl_error);
  self->gl_error = g_strdup_printf ("GL error 0x%x in %s", err, where);
  return FALSE;
}

static GLuint
gl_compile (PsThermalView  *self,
            GLenum          type,
            const char     *resource)
{
  g_autoptr(GBytes) bytes = NULL;
  g_autoptr(GError) error = NULL;
  const char *sources[2];
  GLint lengths[2];
  GLuint shader;
  GLint ok = 0;
  gsize size;

  bytes = g_resources_lookup_data (resource, G_RESOURCE_LOOKUP_FLAGS_NONE, &error);
  if (bytes == NULL)
    {
      g_free (self->gl_error);
      self->gl_error = g_strdup_printf ("%s: %s", resource, error->message);
      return 0;
    }

  if (self->gl_use_es)
    sources[0] = "#version 300 es\n"
                 "precision highp float;\n"
                 "precision highp int;\n"
                 "precision highp sampler2D;\n"
                 "precision highp usampler2D;\n";
  else
    sources[0] = "#version 150 core\n";
  lengths[0] = (GLint) strlen (sources[0]);
  sources[1] = g_bytes_get_data (bytes, &size);
  lengths[1] = (GLint) size;

  shader = glCreateShader (type);
  glShaderSource (shader, 2, sources, lengths);
  glCompileShader (shader);
  glGetShaderiv (shader, GL_COMPILE_STATUS, &ok);
  if (!ok)
    {
      char log[2048] = "";

      glGetShaderInfoLog (shader, sizeof log, NULL, log);
      g_free (self->gl_error);
      self->gl_error = g_strdup_printf ("%s does not compile: %s", resource, log);
      glDeleteShader (shader);
      return 0;
    }

  return shader;
}

static gboolean
gl_build_program (PsThermalView *self)
{
  GLuint vert, frag;
  GLint ok = 0;

  vert = gl_compile (self, GL_VERTEX_SHADER, RESOURCE_PREFIX "/shaders/thermal.vert");
  if (vert == 0)
    return FALSE;
  frag = gl_compile (self, GL_FRAGMENT_SHADER, RESOURCE_PREFIX "/shaders/thermal.frag");
  if (frag == 0)
    {
      glDeleteShader (vert);
      return FALSE;
    }

  self->program = glCreateProgram ();
  glAttachShader (self->program, vert);
  glAttachShader (self->program, frag);
  glBindAttribLocation (self->program, 0, "a_pos");
  if (!self->gl_use_es)
    glBindFragDataLocation (self->program, 0, "o_color");
  glLinkProgram (self->program);
  glDetachShader (self->program, vert);
  glDetachShader (self->program, frag);
  glDeleteShader (vert);
  glDeleteShader (frag);

  glGetProgramiv (self->program, GL_LINK_STATUS, &ok);
  if (!ok)
    {
      char log[2048] = "";

      glGetProgramInfoLog (self->program, sizeof log, NULL, log);
      g_free (self->gl_error);
      self->gl_error = g_strdup_printf ("thermal shaders do not link: %s", log);
      return FALSE;
    }

#define LOCATE(name) self->name = glGetUniformLocation (self->program, #name)
  LOCATE (u_pack_to_ndc);
  LOCATE (u_node_cells);
  LOCATE (u_node_weights);
  LOCATE (u_temps);
  LOCATE (u_colormap);
  LOCATE (u_temps_width);
  LOCATE (u_grid_size);
  LOCATE (u_grid_origin);
  LOCATE (u_grid_step);
  LOCATE (u_scale_lo);
  LOCATE (u_scale_span);
  LOCATE (u_unit_offset);
  LOCATE (u_iso_step);
  LOCATE (u_iso_color);
#undef LOCATE

  return gl_check (self, "linking the thermal shaders");
}

static void
gl_texture_params (void)
{
  glTexParameteri (GL_TEXTURE_2D, GL_TEXTURE_MIN_FILTER, GL_NEAREST);
  glTexParameteri (GL_TEXTURE_2D, GL_TEXTURE_MAG_FILTER, GL_NEAREST);
  glTexParameteri (GL_TEXTURE_2D, GL_TEXTURE_WRAP_S, GL_CLAMP_TO_EDGE);
  glTexParameteri (GL_TEXTURE_2D, GL_TEXTURE_WRAP_T, GL_CLAMP_TO_EDGE);
}

static gboolean
gl_create_objects (PsThermalView *self)
{
  const guint32 *table = ps_colormap_table (PS_COLORMAP_INFERNO);
  guint8 rgba[256 * 4];
  int i;

  if (!gl_build_program (self))
    return FALSE;

  glGenVertexArrays (1, &self->vao);
  glGenBuffers (1, &self->vbo);
  glBindVertexArray (self->vao);
  glBindBuffer (GL_ARRAY_BUFFER, self->vbo);
  glEnableVertexAttribArray (0);
  glVertexAttribPointer (0, 2, GL_FLOAT, GL_FALSE, 2 * sizeof (float), NULL);
  glBindVertexArray (0);
  glBindBuffer (GL_ARRAY_BUFFER, 0);

  glPixelStorei (GL_UNPACK_ALIGNMENT, 4);

  for (i = 0; i < 256; i++)
    {
      rgba[4 * i + 0] = (table[i] >> 16) & 0xff;
      rgba[4 * i + 1] = (table[i] >> 8) & 0xff;
      rgba[4 * i + 2] = table[i] & 0xff;
      rgba[4 * i + 3] = 0xff;
    }
  glGenTextures (1, &self->tex_colormap);
  glBindTexture (GL_TEXTURE_2D, self->tex_colormap);
  gl_texture_params ();
  glTexImage2D (GL_TEXTURE_2D, 0, GL_RGBA8, 256, 1, 0, GL_RGBA, GL_UNSIGNED_BYTE, rgba);

  glGenTextures (1, &self->tex_node_cells);
  glGenTextures (1, &self->tex_node_weights);
  glGenTextures (1, &self->tex_temps);
  glBindTexture (GL_TEXTURE_2D, 0);

  return gl_check (self, "creating the thermal view's objects");
}

static void
gl_delete_objects (PsThermalView *self)
{
  if (self->program != 0)
    glDeleteProgram (self->program);
  if (self->vbo != 0)
    glDeleteBuffers (1, &self->vbo);
  if (self->vao != 0)
    glDeleteVertexArrays (1, &self->vao);
  if (self->tex_node_cells != 0)
    glDeleteTextures (1, &self->tex_node_cells);
  if (self->tex_node_weights != 0)
    glDeleteTextures (1, &self->tex_node_weights);
  if (self->tex_temps != 0)
    glDeleteTextures (1, &self->tex_temps);
  if (self->tex_colormap != 0)
    glDeleteTextures (1, &self->tex_colormap);

  self->program = 0;
  self->vbo = 0;
  self->vao = 0;
  self->tex_node_cells = 0;
  self->tex_node_weights = 0;
  self->tex_temps = 0;
  self->tex_colormap = 0;
  g_clear_pointer (&self->gl_pack, ps_pack_unref);
  g_clear_pointer (&self->temps, g_free);
  self->gl_frame = NULL;
  self->gl_serial = 0;
}

/* Geometry of a new pack: outline and bounds quad, node textures, the
 * temperature texture's size. */
static gboolean
gl_upload_pack (PsThermalView *self,
                PsPack        *pack)
{
  g_autofree guint32 *cells = NULL;
  g_autofree float *weights = NULL;
  g_autofree float *vertices = NULL;
  double x0, y0, x1, y1;
  guint n_outline, i;

  if (!compute_nodes (pack, &self->grid_w, &self->grid_h,
                      &self->grid_x0, &self->grid_y0, &self->grid_step,
                      &cells, &weights))
    {
      g_free (self->gl_error);
      self->gl_error = g_strdup_printf ("pack “%s” has no cells or no bounds", pack->id);
      return FALSE;
    }

  /* the outline as a fan for the stencil, then the bounds as a strip */
  n_outline = pack->n_outline >= 3 && pack->outline_xy != NULL ? pack->n_outline : 0;
  vertices = g_new (float, 2 * (n_outline + 4));
  for (i = 0; i < n_outline; i++)
    {
      vertices[2 * i] = (float) pack->outline_xy[2 * i];
      vertices[2 * i + 1] = (float) pack->outline_xy[2 * i + 1];
    }
  x0 = pack->bounds.x;
  y0 = pack->bounds.y;
  x1 = x0 + pack->bounds.w;
  y1 = y0 + pack->bounds.h;
  vertices[2 * n_outline + 0] = x0; vertices[2 * n_outline + 1] = y0;
  vertices[2 * n_outline + 2] = x1; vertices[2 * n_outline + 3] = y0;
  vertices[2 * n_outline + 4] = x0; vertices[2 * n_outline + 5] = y1;
  vertices[2 * n_outline + 6] = x1; vertices[2 * n_outline + 7] = y1;
  self->n_outline = n_outline;

  glBindBuffer (GL_ARRAY_BUFFER, self->vbo);
  glBufferData (GL_ARRAY_BUFFER, sizeof (float) * 2 * (n_outline + 4), vertices, GL_STATIC_DRAW);
  glBindBuffer (GL_ARRAY_BUFFER, 0);

  glBindTexture (GL_TEXTURE_2D, self->tex_node_cells);
  gl_texture_params ();
  glTexImage2D (GL_TEXTURE_2D, 0, GL_RGBA32UI, self->grid_w, self->grid_h, 0,
                GL_RGBA_INTEGER, GL_UNSIGNED_INT, cells);

  glBindTexture (GL_TEXTURE_2D, self->tex_node_weights);
  gl_texture_params ();
  glTexImage2D (GL_TEXTURE_2D, 0, GL_RGBA32F, self->grid_w, self->grid_h, 0,
                GL_RGBA, GL_FLOAT, weights);

  self->temps_rows = (pack->n_cells + TEMPS_TEX_WIDTH - 1) / TEMPS_TEX_WIDTH;
  g_free (self->temps);
  self->temps = g_new0 (float, (gsize) TEMPS_TEX_WIDTH * self->temps_rows);
  glBindTexture (GL_TEXTURE_2D, self->tex_temps);
  gl_texture_params ();
  glTexImage2D (GL_TEXTURE_2D, 0, GL_R32F, TEMPS_TEX_WIDTH, self->temps_rows, 0,
                GL_RED, GL_FLOAT, self->temps);
  glBindTexture (GL_TEXTURE_2D, 0);

  g_clear_pointer (&self->gl_pack, ps_pack_unref);
  self->gl_pack = ps_pack_ref (pack);
  self->gl_frame = NULL;

  return gl_check (self, "uploading the pack geometry");
}

static void
gl_upload_temps (PsThermalView *self,
                 const PsFrame *frame)
{
  double fill = frame->cell_temp_k[self->scale.icold];
  guint i;

  /* a non-finite temperature would poison its neighbours: show the coldest */
  for (i = 0; i < frame->n_cells; i++)
    {
      double t = frame->cell_temp_k[i];

      self->temps[i] = (float) (isfinite (t) ? t : fill);
    }

  glBindTexture (GL_TEXTURE_2D, self->tex_temps);
  glTexSubImage2D (GL_TEXTURE_2D, 0, 0, 0, TEMPS_TEX_WIDTH, self->temps_rows,
                   GL_RED, GL_FLOAT, self->temps);
  glBindTexture (GL_TEXTURE_2D, 0);

  self->gl_frame = frame;
  self->gl_serial = frame->serial;
}

static gboolean
on_gl_fail_idle (gpointer data)
{
  PsThermalView *self = data;

  self->gl_fail_idle = 0;
  ps_thermal_view_set_gl_active (self, FALSE);
  return G_SOURCE_REMOVE;
}

/* GL failed: draw with cairo from now on. */
static void
ps_thermal_view_gl_fail (PsThermalView *self,
                         gboolean       defer)
{
  self->gl_failed = TRUE;
  g_debug ("Thermal view falls back to cairo: %s",
           self->gl_error != NULL ? self->gl_error : "unknown reason");

  /* inside the render signal the property can't change under the snapshot:
   * notify from an idle */
  if (defer)
    {
      if (self->gl_fail_idle == 0)
        self->gl_fail_idle = g_idle_add (on_gl_fail_idle, self);
    }
  else
    ps_thermal_view_set_gl_active (self, FALSE);
}

static void
on_gl_realize (GtkGLArea     *area,
               PsThermalView *self)
{
  GdkGLContext *context;
  GError *error;
  int major = 0, minor = 0;

  if (self->gl_failed)
    return;

  gtk_gl_area_make_current (area);
  error = gtk_gl_area_get_error (area);
  if (error != NULL)
    {
      g_free (self->gl_error);
      self->gl_error = g_strdup (error->message);
      ps_thermal_view_gl_fail (self, FALSE);
      return;
    }

  context = gtk_gl_area_get_context (area);
  if (context == NULL)
    {
      g_free (self->gl_error);
      self->gl_error = g_strdup ("no GL context");
      ps_thermal_view_gl_fail (self, FALSE);
      return;
    }

  self->gl_use_es = gdk_gl_context_get_use_es (context);
  gdk_gl_context_get_version (context, &major, &minor);
  if (gdk_gl_context_is_legacy (context) ||
      (self->gl_use_es && major < 3) ||
      (!self->gl_use_es && (major < 3 || (major == 3 && minor < 2))))
    {
      g_free (self->gl_error);
      self->gl_error = g_strdup_printf ("%s %d.%d%s is too old (needs GL 3.2 core or GLES 3.0)",
                                        self->gl_use_es ? "OpenGL ES" : "OpenGL",
                                        major, minor,
                                        gdk_gl_context_is_legacy (context) ? " (legacy)" : "");
      ps_thermal_view_gl_fail (self, FALSE);
      return;
    }

  /* a stale error from before must not count against us */
  while (glGetError () != GL_NO_ERROR)
    ;

  if (!gl_create_objects (self))
    {
      gl_delete_objects (self);
      ps_thermal_view_gl_fail (self, FALSE);
      return;
    }

  ps_thermal_view_set_gl_active (self, TRUE);
}

static void
on_gl_unrealize (GtkGLArea     *area,
                 PsThermalView *self)
{
  gtk_gl_area_make_current (area);
  if (gtk_gl_area_get_error (area) == NULL)
    gl_delete_objects (self);
  else
    {
      /* the context is gone: forget the names, GL freed them with it */
      self->program = self->vbo = self->vao = 0;
      self->tex_node_cells = self->tex_node_weights = self->tex_temps = self->tex_colormap = 0;
      gl_delete_objects (self);
    }

  if (self->gl_active)
    ps_thermal_view_set_gl_active (self, FALSE);
}

static gboolean
on_gl_render (GtkGLArea     *area,
              GdkGLContext  *context,
              PsThermalView *self)
{
  const PsFrame *frame = self->frame;
  PsViewTransform tr;
  double width, height;
  float iso_color[4] = { 1.0f, 1.0f, 1.0f, 0.6f };

  glClearColor (0, 0, 0, 0);
  glClearStencil (0);
  glClear (GL_COLOR_BUFFER_BIT | GL_STENCIL_BUFFER_BIT);

  if (!self->gl_active || self->gl_failed || frame == NULL || !self->scale.valid)
    return TRUE;

  if (gtk_gl_area_get_error (area) != NULL)
    {
      g_free (self->gl_error);
      self->gl_error = g_strdup (gtk_gl_area_get_error (area)->message);
      ps_thermal_view_gl_fail (self, TRUE);
      return TRUE;
    }

  if (self->gl_pack != frame->pack && !gl_upload_pack (self, frame->pack))
    {
      ps_thermal_view_gl_fail (self, TRUE);
      return TRUE;
    }
  if (self->gl_frame != frame || self->gl_serial != frame->serial)
    gl_upload_temps (self, frame);

  width = gtk_widget_get_width (GTK_WIDGET (self));
  height = gtk_widget_get_height (GTK_WIDGET (self));
  ps_render_view_transform (frame->pack, &self->style, width, height, &tr);

  glUseProgram (self->program);
  /* ndc = 2 view / size - 1, with view y = offset_y - scale * y, flipped */
  glUniform4f (self->u_pack_to_ndc,
               2.0 * tr.scale / width, 2.0 * tr.scale / height,
               2.0 * tr.offset_x / width - 1.0, 1.0 - 2.0 * tr.offset_y / height);
  glUniform1i (self->u_node_cells, 0);
  glUniform1i (self->u_node_weights, 1);
  glUniform1i (self->u_temps, 2);
  glUniform1i (self->u_colormap, 3);
  glUniform1i (self->u_temps_width, TEMPS_TEX_WIDTH);
  glUniform2i (self->u_grid_size, self->grid_w, self->grid_h);
  glUniform2f (self->u_grid_origin, self->grid_x0, self->grid_y0);
  glUniform2f (self->u_grid_step, self->grid_step, self->grid_step);
  glUniform1f (self->u_scale_lo, self->scale.lo);
  glUniform1f (self->u_scale_span, self->scale.hi - self->scale.lo);
  glUniform1f (self->u_unit_offset, self->scale.offset);
  glUniform1f (self->u_iso_step, self->style.isotherms ? self->scale.step : 0.0);
  glUniform4fv (self->u_iso_color, 1, iso_color);

  glActiveTexture (GL_TEXTURE0);
  glBindTexture (GL_TEXTURE_2D, self->tex_node_cells);
  glActiveTexture (GL_TEXTURE1);
  glBindTexture (GL_TEXTURE_2D, self->tex_node_weights);
  glActiveTexture (GL_TEXTURE2);
  glBindTexture (GL_TEXTURE_2D, self->tex_temps);
  glActiveTexture (GL_TEXTURE3);
  glBindTexture (GL_TEXTURE_2D, self->tex_colormap);

  glBindVertexArray (self->vao);
  glDisable (GL_BLEND);
  glDisable (GL_DEPTH_TEST);

  /* the plot area only, as the cairo renderer clips */
  glEnable (GL_SCISSOR_TEST);
  {
    int sf = gtk_widget_get_scale_factor (GTK_WIDGET (area));

    glScissor ((int) floor (tr.plot_x * sf),
               (int) floor ((height - tr.plot_y - tr.plot_h) * sf),
               (int) ceil (tr.plot_w * sf), (int) ceil (tr.plot_h * sf));
  }

  if (self->n_outline >= 3)
    {
      /* stencil = 1 inside the outline (even-odd fill of a fan, any simple
       * polygon, convex or not) */
      glEnable (GL_STENCIL_TEST);
      glColorMask (GL_FALSE, GL_FALSE, GL_FALSE, GL_FALSE);
      glStencilMask (0xff);
      glStencilFunc (GL_ALWAYS, 0, 1);
      glStencilOp (GL_KEEP, GL_KEEP, GL_INVERT);
      glDrawArrays (GL_TRIANGLE_FAN, 0, self->n_outline);

      glColorMask (GL_TRUE, GL_TRUE, GL_TRUE, GL_TRUE);
      glStencilFunc (GL_EQUAL, 1, 1);
      glStencilOp (GL_KEEP, GL_KEEP, GL_KEEP);
    }
  glDrawArrays (GL_TRIANGLE_STRIP, self->n_outline, 4);

  glDisable (GL_STENCIL_TEST);
  glDisable (GL_SCISSOR_TEST);
  glBindVertexArray (0);
  glUseProgram (0);
  for (int unit = 3; unit >= 0; unit--)
    {
      glActiveTexture (GL_TEXTURE0 + unit);
      glBindTexture (GL_TEXTURE_2D, 0);
    }

  if (!gl_check (self, "drawing the thermal map"))
    ps_thermal_view_gl_fail (self, TRUE);

  return TRUE;
}

/* The decorations over the GL field, as ps_render_thermal() draws them. */
static void
draw_overlay (PsThermalView *self,
              cairo_t       *cr,
              double         width,
              double         height)
{
  const PsRenderStyle *style = &self->style;
  const PsFrame *frame = self->frame;
  const PsPack *pack = frame->pack;
  const ThermalScale *sc = &self->scale;
  const char *unit = _ps_view_temp_unit (style);
  double fs = style->font_size > 0 ? style->font_size : 12.0;
  PsViewTransform tr;
  char text[256], hot[64], cold[64];
  int decimals;

  ps_render_view_transform (pack, style, width, height, &tr);

  cairo_save (cr);
  cairo_rectangle (cr, tr.plot_x, tr.plot_y, tr.plot_w, tr.plot_h);
  cairo_clip (cr);

  /* module outlines, faint, for orientation */
  if (pack->n_modules > 0 && pack->module_rect != NULL)
    {
      cairo_save (cr);
      _ps_render_outline_path (cr, pack, &tr);
      cairo_clip (cr);
      for (guint m = 0; m < pack->n_modules; m++)
        {
          const PsRect *r = &pack->module_rect[m];

          cairo_rectangle (cr, _ps_view_x (&tr, r->x), _ps_view_y (&tr, r->y + r->h),
                           r->w * tr.scale, r->h * tr.scale);
        }
      cairo_set_line_width (cr, 1.0);
      cairo_set_source_rgba (cr, 1, 1, 1, 0.25);
      cairo_stroke (cr);
      cairo_restore (cr);
    }

  /* pack outline */
  _ps_render_outline_path (cr, pack, &tr);
  cairo_set_line_width (cr, 1.5);
  _ps_render_set_rgba (cr, style->fg, 1.0);
  cairo_stroke (cr);

  decimals = MIN (_ps_render_step_decimals (sc->step) + 1, 3);
  g_snprintf (hot, sizeof hot, "%.*f %s", decimals, sc->tmax, unit);
  g_snprintf (cold, sizeof cold, "%.*f %s", decimals, sc->tmin, unit);

  /* hottest cell: a ring with a halo and a label */
  {
    double x = _ps_view_x (&tr, pack->cell_x[sc->ihot]);
    double y = _ps_view_y (&tr, pack->cell_y[sc->ihot]);
    double cell_px = MAX (pack->cell_w[sc->ihot], pack->cell_h[sc->ihot]) * tr.scale;
    double r = MAX (6.0, 0.5 * cell_px + 2.0);
    double tw, lx, ly;

    cairo_new_path (cr);
    cairo_arc (cr, x, y, r, 0, 2 * G_PI);
    _ps_render_set_rgba (cr, style->bg, 1.0);
    cairo_set_line_width (cr, 4.0);
    cairo_stroke_preserve (cr);
    _ps_render_set_rgba (cr, style->fg, 1.0);
    cairo_set_line_width (cr, 1.5);
    cairo_stroke (cr);

    _ps_render_set_font (cr, style, 0.85, TRUE);
    tw = _ps_render_text_width (cr, hot);
    lx = x + r + 4;
    ly = y - r - fs;
    if (lx + tw + 4 > tr.plot_x + tr.plot_w)
      lx = x - r - 4 - tw;
    if (ly < tr.plot_y)
      ly = y + r + 2;
    cairo_rectangle (cr, lx - 2, ly - 2, tw + 4, 0.85 * fs + 4);
    _ps_render_set_rgba (cr, style->bg, 0.85);
    cairo_fill (cr);
    _ps_render_set_rgba (cr, style->fg, 1.0);
    _ps_render_text (cr, lx, ly, 0.0, 0.0, hot);
  }
  cairo_restore (cr);

  /* header and scale bar */
  cairo_save (cr);
  _ps_render_set_font (cr, style, 1.0, FALSE);
  _ps_render_set_rgba (cr, style->fg, 1.0);
  g_snprintf (text, sizeof text, "Temperature (%s)   min %s (cell %u)   max %s (cell %u)",
              unit, cold, sc->icold, hot, sc->ihot);
  _ps_render_text (cr, _PS_RENDER_MARGIN, round (fs * 0.5), 0.0, 0.0, text);

  _ps_render_colorbar (cr, style, PS_COLORMAP_INFERNO,
                       width - _ps_render_colorbar_region (style) + _PS_RENDER_MARGIN,
                       tr.plot_y + 0.5 * fs, _PS_RENDER_BAR_WIDTH, tr.plot_h - fs,
                       sc->lo, sc->hi, sc->step, unit);
  cairo_restore (cr);
}

static void
ps_thermal_view_update_frame (PsThermalView *self)
{
  if (!_ps_view_poll_frame (self->runner, &self->frame))
    return;

  ps_thermal_view_queue_redraw (self);
}

static gboolean
ps_thermal_view_tick (GtkWidget     *widget,
                      GdkFrameClock *frame_clock,
                      gpointer       user_data)
{
  ps_thermal_view_update_frame (PS_THERMAL_VIEW (widget));
  return G_SOURCE_CONTINUE;
}

static void
ps_thermal_view_map (GtkWidget *widget)
{
  PsThermalView *self = PS_THERMAL_VIEW (widget);

  GTK_WIDGET_CLASS (ps_thermal_view_parent_class)->map (widget);

  if (self->tick_id == 0)
    self->tick_id = gtk_widget_add_tick_callback (widget, ps_thermal_view_tick, NULL, NULL);
  ps_thermal_view_update_frame (self);
}

static void
ps_thermal_view_unmap (GtkWidget *widget)
{
  PsThermalView *self = PS_THERMAL_VIEW (widget);

  if (self->tick_id != 0)
    {
      gtk_widget_remove_tick_callback (widget, self->tick_id);
      self->tick_id = 0;
    }

  GTK_WIDGET_CLASS (ps_thermal_view_parent_class)->unmap (widget);
}

static void
ps_thermal_view_size_allocate (GtkWidget *widget,
                               int        width,
                               int        height,
                               int        baseline)
{
  PsThermalView *self = PS_THERMAL_VIEW (widget);

  gtk_widget_allocate (self->gl_area, width, height, baseline, NULL);
  if (self->gl_active)
    gtk_gl_area_queue_render (GTK_GL_AREA (self->gl_area));
}

static void
ps_thermal_view_snapshot (GtkWidget   *widget,
                          GtkSnapshot *snapshot)
{
  PsThermalView *self = PS_THERMAL_VIEW (widget);
  int width = gtk_widget_get_width (widget);
  int height = gtk_widget_get_height (widget);
  cairo_t *cr;

  if (width <= 0 || height <= 0)
    return;

  if (self->frame == NULL)
    {
      _ps_view_snapshot_empty (widget, snapshot, &self->style, "No pack loaded");
      return;
    }

  thermal_scale_compute (self->frame, &self->style, width, height, &self->scale);

  if (!self->gl_active || self->gl_failed || !self->scale.valid)
    {
      cr = gtk_snapshot_append_cairo (snapshot, &GRAPHENE_RECT_INIT (0, 0, width, height));
      ps_render_thermal (cr, self->frame, &self->style, width, height);
      cairo_destroy (cr);
      return;
    }

  if (self->style.draw_background)
    {
      GdkRGBA bg = { self->style.bg[0], self->style.bg[1], self->style.bg[2], self->style.bg[3] };

      gtk_snapshot_append_color (snapshot, &bg, &GRAPHENE_RECT_INIT (0, 0, width, height));
    }

  gtk_widget_snapshot_child (widget, self->gl_area, snapshot);

  cr = gtk_snapshot_append_cairo (snapshot, &GRAPHENE_RECT_INIT (0, 0, width, height));
  draw_overlay (self, cr, width, height);
  cairo_destroy (cr);
}

static void
ps_thermal_view_measure (GtkWidget      *widget,
                         GtkOrientation  orientation,
                         int             for_size,
                         int            *minimum,
                         int            *natural,
                         int            *minimum_baseline,
                         int            *natural_baseline)
{
  *minimum = orientation == GTK_ORIENTATION_HORIZONTAL ? 160 : 120;
  *natural = orientation == GTK_ORIENTATION_HORIZONTAL ? 400 : 300;
}

static void
ps_thermal_view_css_changed (GtkWidget         *widget,
                             GtkCssStyleChange *change)
{
  PsThermalView *self = PS_THERMAL_VIEW (widget);

  GTK_WIDGET_CLASS (ps_thermal_view_parent_class)->css_changed (widget, change);

  _ps_view_apply_theme (widget, &self->style);
  ps_thermal_view_queue_redraw (self);
}

/* GObject */

static void
ps_thermal_view_dispose (GObject *object)
{
  PsThermalView *self = PS_THERMAL_VIEW (object);

  self->runner = NULL;
  g_clear_handle_id (&self->gl_fail_idle, g_source_remove);
  g_clear_pointer (&self->gl_area, gtk_widget_unparent);
  g_clear_pointer (&self->frame, ps_frame_unref);
  g_clear_pointer (&self->gl_pack, ps_pack_unref);

  G_OBJECT_CLASS (ps_thermal_view_parent_class)->dispose (object);
}

static void
ps_thermal_view_finalize (GObject *object)
{
  PsThermalView *self = PS_THERMAL_VIEW (object);

  g_free (self->temps);
  g_free (self->gl_error);

  G_OBJECT_CLASS (ps_thermal_view_parent_class)->finalize (object);
}

static void
ps_thermal_view_get_property (GObject    *object,
                              guint       prop_id,
                              GValue     *value,
                              GParamSpec *pspec)
{
  PsThermalView *self = PS_THERMAL_VIEW (object);

  switch (prop_id)
    {
    case PROP_ISOTHERMS:
      g_value_set_boolean (value, self->style.isotherms);
      break;

    case PROP_GL_ACTIVE:
      g_value_set_boolean (value, self->gl_active);
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
ps_thermal_view_set_property (GObject      *object,
                              guint         prop_id,
                              const GValue *value,
                              GParamSpec   *pspec)
{
  PsThermalView *self = PS_THERMAL_VIEW (object);

  switch (prop_id)
    {
    case PROP_ISOTHERMS:
      ps_thermal_view_set_isotherms (self, g_value_get_boolean (value));
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
ps_thermal_view_class_init (PsThermalViewClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = ps_thermal_view_dispose;
  object_class->finalize = ps_thermal_view_finalize;
  object_class->get_property = ps_thermal_view_get_property;
  object_class->set_property = ps_thermal_view_set_property;

  widget_class->map = ps_thermal_view_map;
  widget_class->unmap = ps_thermal_view_unmap;
  widget_class->measure = ps_thermal_view_measure;
  widget_class->size_allocate = ps_thermal_view_size_allocate;
  widget_class->snapshot = ps_thermal_view_snapshot;
  widget_class->css_changed = ps_thermal_view_css_changed;

  properties[PROP_ISOTHERMS] =
    g_param_spec_boolean ("isotherms", NULL, NULL,
                          FALSE,
                          (G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS));

  properties[PROP_GL_ACTIVE] =
    g_param_spec_boolean ("gl-active", NULL, NULL,
                          FALSE,
                          (G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS));

  g_object_class_install_properties (object_class, N_PROPS, properties);

  _ps_view_ensure_resources ();
  gtk_widget_class_set_css_name (widget_class, "thermalview");
  gtk_widget_class_set_accessible_role (widget_class, GTK_ACCESSIBLE_ROLE_IMG);
}

static void
ps_thermal_view_init (PsThermalView *self)
{
  ps_render_style_init_default (&self->style);
  self->style.selected_cell = -1;
  self->style.hover_cell = -1;
  self->style.zoom = 1.0;
  self->style.pan_x = 0.0;
  self->style.pan_y = 0.0;
  self->style.quantity = PS_QUANTITY_TEMPERATURE;
  self->style.colormap = PS_COLORMAP_INFERNO;

  gtk_widget_set_hexpand (GTK_WIDGET (self), TRUE);
  gtk_widget_set_vexpand (GTK_WIDGET (self), TRUE);

  self->gl_area = gtk_gl_area_new ();
  gtk_gl_area_set_has_stencil_buffer (GTK_GL_AREA (self->gl_area), TRUE);
  gtk_gl_area_set_has_depth_buffer (GTK_GL_AREA (self->gl_area), FALSE);
  gtk_gl_area_set_auto_render (GTK_GL_AREA (self->gl_area), FALSE);
  gtk_widget_set_can_target (self->gl_area, FALSE);
  g_signal_connect_after (self->gl_area, "realize", G_CALLBACK (on_gl_realize), self);
  g_signal_connect (self->gl_area, "unrealize", G_CALLBACK (on_gl_unrealize), self);
  g_signal_connect (self->gl_area, "render", G_CALLBACK (on_gl_render), self);
  gtk_widget_set_parent (self->gl_area, GTK_WIDGET (self));
}

GtkWidget *
ps_thermal_view_new (void)
{
  return g_object_new (PS_TYPE_THERMAL_VIEW, NULL);
}

void
ps_thermal_view_set_runner (PsThermalView *self,
                            PsRunner      *runner)
{
  g_return_if_fail (PS_IS_THERMAL_VIEW (self));

  if (self->runner == runner)
    return;

  self->runner = runner;
  g_clear_pointer (&self->frame, ps_frame_unref);
  ps_thermal_view_update_frame (self);
  ps_thermal_view_queue_redraw (self);
}

PsRunner *
ps_thermal_view_get_runner (PsThermalView *self)
{
  g_return_val_if_fail (PS_IS_THERMAL_VIEW (self), NULL);

  return self->runner;
}

gboolean
ps_thermal_view_get_isotherms (PsThermalView *self)
{
  g_return_val_if_fail (PS_IS_THERMAL_VIEW (self), FALSE);

  return self->style.isotherms;
}

void
ps_thermal_view_set_isotherms (PsThermalView *self,
                               gboolean       isotherms)
{
  g_return_if_fail (PS_IS_THERMAL_VIEW (self));

  isotherms = !!isotherms;
  if (self->style.isotherms == isotherms)
    return;

  self->style.isotherms = isotherms;
  ps_thermal_view_queue_redraw (self);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_ISOTHERMS]);
}

gboolean
ps_thermal_view_get_gl_active (PsThermalView *self)
{
  g_return_val_if_fail (PS_IS_THERMAL_VIEW (self), FALSE);

  return self->gl_active;
}

void
ps_thermal_view_set_units (PsThermalView *self,
                           PsTempUnit     temp_unit,
                           PsPowerUnit    power_unit)
{
  g_return_if_fail (PS_IS_THERMAL_VIEW (self));

  if (self->style.temp_unit == temp_unit && self->style.power_unit == power_unit)
    return;

  self->style.temp_unit = temp_unit;
  self->style.power_unit = power_unit;
  ps_thermal_view_queue_redraw (self);
}

const PsRenderStyle *
ps_thermal_view_get_style (PsThermalView *self)
{
  g_return_val_if_fail (PS_IS_THERMAL_VIEW (self), NULL);

  return &self->style;
}
