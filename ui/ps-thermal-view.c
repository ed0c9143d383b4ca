/* ps-thermal-view.c: the thermal map of the pack, on the GPU when it can
 *
 * Copyright 2026 The Packscope authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Two paths draw the same picture:
 * - GL: a GtkGLArea child. Per pack, a grid of interpolation nodes over the
 *   pack's bounds (each with its six nearest cells, their Franke-Little
 *   weights and an among-cells flag, from ps_thermal_nodes_new() as the
 *   cairo renderer's, computed in a GTask off the UI thread) goes into two
 *   textures, the outline polygon into a vertex buffer. Until the nodes of
 *   a new pack are ready the view shows the pack without its field. Per frame
 *   only the cell temperatures are uploaded (one float texel per cell).
 *   Pass 1 (shaders/thermal-nodes.frag) evaluates every node into a small
 *   RGBA8 texture; pass 2 (shaders/thermal.frag) blends the four nodes
 *   around each pixel, colour-maps with inferno and draws isotherms; the
 *   outline is a stencil mask. The neutral tint under the field and the
 *   decorations over it (module and pack outlines, hottest-cell marker,
 *   header, colour bar) are drawn with cairo under and over the GL area by
 *   the render layer itself (ps_render_thermal_underlay/_decorations), and
 *   the colour scale comes from ps_render_thermal_range, so they match the
 *   cairo path (tests/ui/test-widgets.c compares the two).
 * - cairo: ps_render_thermal_with_grid(), when GL is unavailable
 *   (GDK_DEBUG=gl-disable, no GL 3.2 / GLES 3.0, a shader that does not
 *   compile, any GL error) or a software rasterizer such as llvmpipe,
 *   where the shaders cost twice the CPU of this path (ps-gl-probe.h;
 *   PACKSCOPE_SOFTWARE_GL=1 keeps GL there). Its grid of nodes for the
 *   pack at the present size (PsThermalGrid) is computed in a GTask off
 *   the UI thread too, after
 *   every new pack, resize or zoom; meanwhile the view shows the pack
 *   without its field, as the GL path does. Falling back is one-way for the
 *   life of the widget.
 */
#include "config.h"

#include <glib/gi18n.h>
#include <math.h>
#include <string.h>

#include <epoxy/gl.h>

#include "ps-gl-probe.h"
#include "ps-thermal-view.h"
#include "ps-view-private.h"

#define TEMPS_TEX_WIDTH  256
#define K_NEAREST        PS_THERMAL_NODES_K   /* cells per node */
#define NODE_SLOTS       8        /* two RGBA texels per node */
#define GRID_MIN_NODES   256      /* along the longer side */
#define GRID_MAX_NODES   320

enum {
  U_PACK_TO_NDC,
  U_NODE_CELLS,
  U_NODE_WEIGHTS,
  U_TEMPS,
  U_TEMPS_WIDTH,
  U_SCALE_LO,
  U_SCALE_SPAN,
  U_UNIT_OFFSET,
  U_FIELD,
  U_COLORMAP,
  U_GRID_SIZE,
  U_GRID_ORIGIN,
  U_GRID_STEP,
  U_ISO_STEP,
  U_ISO_COLOR,
  N_UNIFORMS
};

static const char * const uniform_names[N_UNIFORMS] = {
  "u_pack_to_ndc", "u_node_cells", "u_node_weights", "u_temps", "u_temps_width",
  "u_scale_lo", "u_scale_span", "u_unit_offset", "u_field", "u_colormap",
  "u_grid_size", "u_grid_origin", "u_grid_step", "u_iso_step", "u_iso_color",
};

typedef struct
{
  GLuint    id;
  GLint     loc[N_UNIFORMS];
} GlProgram;

typedef struct _GlNodes GlNodes;

typedef struct
{
  double    lo, hi, step;         /* colour scale, display units */
  double    offset;               /* display = kelvin + offset */
  gboolean  valid;
} ThermalScale;

struct _PsThermalView
{
  GtkWidget      parent_instance;

  GtkWidget     *gl_area;

  PsRunner      *runner;          /* a reference */
  PsFrame       *frame;
  PsViewPacer    pacer;
  guint64        drawn_serial;    /* the frame whose field was drawn last */

  PsRenderStyle  style;
  ThermalScale   scale;           /* of self->frame at the present size */

  /* GL state (valid while gl_active) */
  gboolean       gl_active;
  gboolean       gl_failed;
  gboolean       gl_use_es;
  guint          gl_fail_idle;
  char          *gl_error;        /* why GL is not used, for debugging */
  GlProgram      nodes_program;   /* pass 1: node temperatures */
  GlProgram      map_program;     /* pass 2: pixels */
  GLuint         vao;
  GLuint         vbo;
  GLuint         fbo_field;
  GLuint         tex_node_cells;
  GLuint         tex_node_weights;
  GLuint         tex_temps;
  GLuint         tex_colormap;
  GLuint         tex_field;
  PsPack        *gl_pack;         /* the pack the geometry was built for */
  PsPack        *nodes_pack;      /* the pack nodes are (being) computed for */
  GlNodes       *nodes;           /* ready nodes of nodes_pack, or NULL */
  GCancellable  *nodes_cancellable;  /* while they are computed */
  guint64        gl_serial;       /* the frame whose temperatures are uploaded */
  const PsFrame *gl_frame;
  gboolean       field_valid;     /* tex_field holds gl_frame on this scale */
  double         field_lo, field_hi, field_offset;
  float         *temps;           /* [TEMPS_TEX_WIDTH * rows], per pack */
  guint          temps_rows;
  guint          n_outline;       /* vertices of the outline fan (0: none) */
  int            grid_w, grid_h;
  double         grid_x0, grid_y0, grid_step;

  /* cairo state: the field's grid for the frame's pack at the present size
   * (NULL: none asked for, or no part of the pack in view) */
  PsThermalGrid *cairo_grid;
  gboolean       cairo_grid_ready;   /* its nodes are computed */
  GCancellable  *cairo_grid_cancellable;  /* while they are computed */
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

/* The colour scale both paths use, from the render layer (so the shader
 * maps the same temperatures to the same colours as ps_render_thermal). */
static void
thermal_scale_compute (const PsFrame       *frame,
                       const PsRenderStyle *style,
                       double               width,
                       double               height,
                       ThermalScale        *out)
{
  const PsRect *bounds;

  memset (out, 0, sizeof *out);
  out->offset = style->temp_unit == PS_TEMP_UNIT_KELVIN ? 0.0 : -273.15;

  /* what the GL path needs besides a field; without it ps_render_thermal
   * draws (or says what is missing) */
  if (frame == NULL || frame->pack == NULL)
    return;
  bounds = &ps_pack_get_info (frame->pack)->bounds;
  if (!(bounds->w > 0) || !(bounds->h > 0) || !isfinite (bounds->w) || !isfinite (bounds->h))
    return;

  out->valid = ps_render_thermal_range (frame, style, width, height,
                                        &out->lo, &out->hi, &out->step);
}

/* Interpolation nodes: a grid over the pack's bounds with one node of
 * margin, about a quarter of the cell pitch apart (GRID_MIN_NODES ..
 * GRID_MAX_NODES along the longer side), whose neighbours, weights and
 * masks come from ps_thermal_nodes_new() like the cairo renderer's. They
 * depend only on the pack, so they are computed once per pack, off the UI
 * thread (38 ms for Model S on one core); until they are ready the view
 * shows the pack's outline and tint without a field. */

static void ps_thermal_view_gl_fail (PsThermalView *self,
                                     gboolean       defer);

struct _GlNodes
{
  int       w, h;
  double    x0, y0, step;
  guint32  *cells;      /* [w * h * NODE_SLOTS] as tex_node_cells */
  float    *weights;    /* [w * h * NODE_SLOTS] as tex_node_weights */
};

static void
gl_nodes_free (GlNodes *nodes)
{
  if (nodes == NULL)
    return;
  g_free (nodes->cells);
  g_free (nodes->weights);
  g_free (nodes);
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC (GlNodes, gl_nodes_free)

/* The node textures' data for a pack: per node two texels of cell indices
 * and two of weights (K_NEAREST cells, the rest weight 0) and, in the last
 * weight slot, 1 when the field shows there (on or between cells), 0 over
 * the empty parts of the pack. NULL for a pack without cells or bounds. */
static GlNodes *
gl_nodes_compute (PsPack *pack_ref)
{
  const PsPackInfo *pack = ps_pack_get_info (pack_ref);
  g_autoptr(PsThermalNodes) nodes = NULL;
  g_autofree double *xs = NULL;
  g_autofree double *ys = NULL;
  GlNodes *out;
  double bx0, by0, bw, bh, longer, pitch, step;
  int gw, gh;

  bx0 = pack->bounds.x;
  by0 = pack->bounds.y;
  bw = pack->bounds.w;
  bh = pack->bounds.h;
  if (!(bw > 0) || !(bh > 0) || !isfinite (bw) || !isfinite (bh) || pack->n_cells == 0)
    return NULL;

  longer = MAX (bw, bh);
  pitch = sqrt (bw * bh / pack->n_cells);
  step = MIN (pitch / 4.0, longer / GRID_MIN_NODES);
  step = MAX (step, longer / (GRID_MAX_NODES - 3));

  gw = (int) ceil (bw / step) + 3;
  gh = (int) ceil (bh / step) + 3;
  bx0 -= step;
  by0 -= step;

  xs = g_new (double, gw);
  ys = g_new (double, gh);
  for (int i = 0; i < gw; i++)
    xs[i] = bx0 + i * step;
  for (int j = 0; j < gh; j++)
    ys[j] = by0 + j * step;
  nodes = ps_thermal_nodes_new (pack_ref, xs, gw, ys, gh);

  out = g_new0 (GlNodes, 1);
  out->w = gw;
  out->h = gh;
  out->x0 = bx0;
  out->y0 = by0;
  out->step = step;
  out->cells = g_new0 (guint32, (gsize) gw * gh * NODE_SLOTS);
  out->weights = g_new0 (float, (gsize) gw * gh * NODE_SLOTS);
  for (gsize p = 0; p < (gsize) gw * gh; p++)
    {
      memcpy (&out->cells[p * NODE_SLOTS], &nodes->cells[p * K_NEAREST],
              sizeof (guint32) * K_NEAREST);
      memcpy (&out->weights[p * NODE_SLOTS], &nodes->weights[p * K_NEAREST],
              sizeof (float) * K_NEAREST);
      out->weights[p * NODE_SLOTS + NODE_SLOTS - 1] =
        (nodes->flags[p] & PS_THERMAL_NODE_NEAR_CELL) ? 1.0f : 0.0f;
    }
  return out;
}

static void
gl_nodes_thread (GTask        *task,
                 gpointer      source_object,
                 gpointer      task_data,
                 GCancellable *cancellable)
{
  GlNodes *nodes = gl_nodes_compute (task_data);

  if (nodes == NULL)
    g_task_return_new_error (task, G_IO_ERROR, G_IO_ERROR_INVALID_DATA,
                             "pack “%s” has no cells or no bounds",
                             ps_pack_get_info (task_data)->id);
  else
    g_task_return_pointer (task, nodes, (GDestroyNotify) gl_nodes_free);
}

static void
gl_nodes_done (GObject      *source,
               GAsyncResult *result,
               gpointer      user_data)
{
  PsThermalView *self = PS_THERMAL_VIEW (source);
  g_autoptr(GError) error = NULL;
  GlNodes *nodes = g_task_propagate_pointer (G_TASK (result), &error);

  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;   /* another pack came, or the view went */

  g_clear_object (&self->nodes_cancellable);
  if (nodes == NULL)
    {
      g_free (self->gl_error);
      self->gl_error = g_strdup (error->message);
      ps_thermal_view_gl_fail (self, FALSE);
    }
  else
    {
      g_clear_pointer (&self->nodes, gl_nodes_free);
      self->nodes = nodes;
    }
  ps_thermal_view_queue_redraw (self);
}

/* Starts computing the nodes of the frame's pack unless they are ready or
 * on their way; TRUE when they are ready. */
static gboolean
gl_nodes_ensure (PsThermalView *self,
                 PsPack        *pack)
{
  g_autoptr(GTask) task = NULL;

  if (self->nodes_pack == pack)
    return self->nodes != NULL;

  if (self->nodes_cancellable != NULL)
    g_cancellable_cancel (self->nodes_cancellable);
  g_clear_object (&self->nodes_cancellable);
  g_clear_pointer (&self->nodes, gl_nodes_free);
  g_clear_pointer (&self->nodes_pack, ps_pack_unref);

  self->nodes_pack = ps_pack_ref (pack);
  self->nodes_cancellable = g_cancellable_new ();
  task = g_task_new (self, self->nodes_cancellable, gl_nodes_done, NULL);
  g_task_set_source_tag (task, gl_nodes_ensure);
  g_task_set_task_data (task, ps_pack_ref (pack), (GDestroyNotify) ps_pack_unref);
  g_task_run_in_thread (task, gl_nodes_thread);
  return FALSE;
}

/* cairo: the field's grid, computed off the UI thread */

static void
cairo_grid_thread (GTask        *task,
                   gpointer      source_object,
                   gpointer      task_data,
                   GCancellable *cancellable)
{
  ps_thermal_grid_compute (task_data);
  g_task_return_boolean (task, TRUE);
}

static void
cairo_grid_done (GObject      *source,
                 GAsyncResult *result,
                 gpointer      user_data)
{
  PsThermalView *self = PS_THERMAL_VIEW (source);

  if (!g_task_propagate_boolean (G_TASK (result), NULL) ||
      g_task_get_task_data (G_TASK (result)) != self->cairo_grid)
    return;   /* another pack or size came, or the view went */

  g_clear_object (&self->cairo_grid_cancellable);
  self->cairo_grid_ready = TRUE;
  ps_thermal_view_queue_redraw (self);
}

/* Starts computing the grid of the frame's pack under tr unless it is ready
 * or on its way; TRUE when it is ready (or there is no field to draw). */
static gboolean
cairo_grid_ensure (PsThermalView         *self,
                   const PsViewTransform *tr)
{
  g_autoptr(GTask) task = NULL;

  if (!ps_thermal_grid_matches (self->cairo_grid, self->frame->pack, tr))
    {
      if (self->cairo_grid_cancellable != NULL)
        g_cancellable_cancel (self->cairo_grid_cancellable);
      g_clear_object (&self->cairo_grid_cancellable);
      g_clear_pointer (&self->cairo_grid, ps_thermal_grid_unref);
      self->cairo_grid_ready = FALSE;

      self->cairo_grid = ps_thermal_grid_new (self->frame->pack, tr);
      if (self->cairo_grid != NULL)
        {
          self->cairo_grid_cancellable = g_cancellable_new ();
          task = g_task_new (self, self->cairo_grid_cancellable, cairo_grid_done, NULL);
          g_task_set_source_tag (task, cairo_grid_ensure);
          g_task_set_task_data (task, ps_thermal_grid_ref (self->cairo_grid),
                                (GDestroyNotify) ps_thermal_grid_unref);
          g_task_run_in_thread (task, cairo_grid_thread);
        }
    }
  return self->cairo_grid == NULL || self->cairo_grid_ready;
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
            const char     *name)
{
  g_autofree char *resource = g_strconcat (UI_RESOURCE_PREFIX "/shaders/", name, NULL);
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
gl_build_program (PsThermalView *self,
                  GlProgram     *program,
                  const char    *vertex_name,
                  const char    *fragment_name)
{
  GLuint vert, frag;
  GLint ok = 0;
  guint i;

  vert = gl_compile (self, GL_VERTEX_SHADER, vertex_name);
  if (vert == 0)
    return FALSE;
  frag = gl_compile (self, GL_FRAGMENT_SHADER, fragment_name);
  if (frag == 0)
    {
      glDeleteShader (vert);
      return FALSE;
    }

  program->id = glCreateProgram ();
  glAttachShader (program->id, vert);
  glAttachShader (program->id, frag);
  glBindAttribLocation (program->id, 0, "a_pos");
  if (!self->gl_use_es)
    glBindFragDataLocation (program->id, 0, "o_color");
  glLinkProgram (program->id);
  glDetachShader (program->id, vert);
  glDetachShader (program->id, frag);
  glDeleteShader (vert);
  glDeleteShader (frag);

  glGetProgramiv (program->id, GL_LINK_STATUS, &ok);
  if (!ok)
    {
      char log[2048] = "";

      glGetProgramInfoLog (program->id, sizeof log, NULL, log);
      g_free (self->gl_error);
      self->gl_error = g_strdup_printf ("%s + %s do not link: %s", vertex_name, fragment_name, log);
      return FALSE;
    }

  /* -1 for a uniform the program does not use: glUniform ignores it */
  for (i = 0; i < N_UNIFORMS; i++)
    program->loc[i] = glGetUniformLocation (program->id, uniform_names[i]);

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

  if (!gl_build_program (self, &self->nodes_program, "thermal.vert", "thermal-nodes.frag") ||
      !gl_build_program (self, &self->map_program, "thermal.vert", "thermal.frag"))
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
  glGenTextures (1, &self->tex_field);
  glGenFramebuffers (1, &self->fbo_field);
  glBindTexture (GL_TEXTURE_2D, 0);

  return gl_check (self, "creating the thermal view's objects");
}

/* Forgets every GL name; deletes them first when the context is current. */
static void
gl_delete_objects (PsThermalView *self,
                   gboolean       context_current)
{
  if (context_current)
    {
      GLuint textures[] = {
        self->tex_node_cells, self->tex_node_weights, self->tex_temps,
        self->tex_colormap, self->tex_field,
      };

      if (self->nodes_program.id != 0)
        glDeleteProgram (self->nodes_program.id);
      if (self->map_program.id != 0)
        glDeleteProgram (self->map_program.id);
      if (self->vbo != 0)
        glDeleteBuffers (1, &self->vbo);
      if (self->vao != 0)
        glDeleteVertexArrays (1, &self->vao);
      if (self->fbo_field != 0)
        glDeleteFramebuffers (1, &self->fbo_field);
      for (guint i = 0; i < G_N_ELEMENTS (textures); i++)
        if (textures[i] != 0)
          glDeleteTextures (1, &textures[i]);
    }

  memset (&self->nodes_program, 0, sizeof self->nodes_program);
  memset (&self->map_program, 0, sizeof self->map_program);
  self->vbo = 0;
  self->vao = 0;
  self->fbo_field = 0;
  self->tex_node_cells = 0;
  self->tex_node_weights = 0;
  self->tex_temps = 0;
  self->tex_colormap = 0;
  self->tex_field = 0;
  g_clear_pointer (&self->gl_pack, ps_pack_unref);
  g_clear_pointer (&self->temps, g_free);
  self->gl_frame = NULL;
  self->gl_serial = 0;
  self->field_valid = FALSE;
}

/* Geometry of a new pack: outline, bounds quad and the node pass's quad;
 * node textures; the sizes of the temperature and field textures. */
static gboolean
gl_upload_pack (PsThermalView *self,
                PsPack        *pack_ref)
{
  const PsPackInfo *pack = ps_pack_get_info (pack_ref);
  const GlNodes *nodes = self->nodes;
  g_autofree float *vertices = NULL;
  double x0, y0, x1, y1;
  guint n_outline, i;
  float *v;

  g_return_val_if_fail (nodes != NULL && self->nodes_pack == pack_ref, FALSE);
  self->grid_w = nodes->w;
  self->grid_h = nodes->h;
  self->grid_x0 = nodes->x0;
  self->grid_y0 = nodes->y0;
  self->grid_step = nodes->step;

  /* the outline as a fan for the stencil, the bounds as a strip, and a
   * clip-space strip over the whole target for the node pass */
  n_outline = pack->n_outline >= 3 && pack->outline_xy != NULL ? pack->n_outline : 0;
  vertices = g_new (float, 2 * (n_outline + 8));
  for (i = 0; i < 2 * n_outline; i++)
    vertices[i] = (float) pack->outline_xy[i];
  x0 = pack->bounds.x;
  y0 = pack->bounds.y;
  x1 = x0 + pack->bounds.w;
  y1 = y0 + pack->bounds.h;
  v = vertices + 2 * n_outline;
  v[0] = x0; v[1] = y0; v[2] = x1; v[3] = y0; v[4] = x0; v[5] = y1; v[6] = x1; v[7] = y1;
  v += 8;
  v[0] = -1; v[1] = -1; v[2] = 1; v[3] = -1; v[4] = -1; v[5] = 1; v[6] = 1; v[7] = 1;
  self->n_outline = n_outline;

  glBindBuffer (GL_ARRAY_BUFFER, self->vbo);
  glBufferData (GL_ARRAY_BUFFER, sizeof (float) * 2 * (n_outline + 8), vertices, GL_STATIC_DRAW);
  glBindBuffer (GL_ARRAY_BUFFER, 0);

  glBindTexture (GL_TEXTURE_2D, self->tex_node_cells);
  gl_texture_params ();
  glTexImage2D (GL_TEXTURE_2D, 0, GL_RGBA32UI, 2 * self->grid_w, self->grid_h, 0,
                GL_RGBA_INTEGER, GL_UNSIGNED_INT, nodes->cells);

  glBindTexture (GL_TEXTURE_2D, self->tex_node_weights);
  gl_texture_params ();
  glTexImage2D (GL_TEXTURE_2D, 0, GL_RGBA32F, 2 * self->grid_w, self->grid_h, 0,
                GL_RGBA, GL_FLOAT, nodes->weights);

  self->temps_rows = (pack->n_cells + TEMPS_TEX_WIDTH - 1) / TEMPS_TEX_WIDTH;
  g_free (self->temps);
  self->temps = g_new0 (float, (gsize) TEMPS_TEX_WIDTH * self->temps_rows);
  glBindTexture (GL_TEXTURE_2D, self->tex_temps);
  gl_texture_params ();
  glTexImage2D (GL_TEXTURE_2D, 0, GL_R32F, TEMPS_TEX_WIDTH, self->temps_rows, 0,
                GL_RED, GL_FLOAT, self->temps);

  glBindTexture (GL_TEXTURE_2D, self->tex_field);
  gl_texture_params ();
  glTexImage2D (GL_TEXTURE_2D, 0, GL_RGBA8, self->grid_w, self->grid_h, 0,
                GL_RGBA, GL_UNSIGNED_BYTE, NULL);
  glBindTexture (GL_TEXTURE_2D, 0);

  glBindFramebuffer (GL_FRAMEBUFFER, self->fbo_field);
  glFramebufferTexture2D (GL_FRAMEBUFFER, GL_COLOR_ATTACHMENT0, GL_TEXTURE_2D, self->tex_field, 0);
  if (glCheckFramebufferStatus (GL_FRAMEBUFFER) != GL_FRAMEBUFFER_COMPLETE)
    {
      g_free (self->gl_error);
      self->gl_error = g_strdup ("the node field framebuffer is incomplete");
      return FALSE;
    }

  g_clear_pointer (&self->gl_pack, ps_pack_unref);
  self->gl_pack = ps_pack_ref (pack_ref);
  self->gl_frame = NULL;
  self->field_valid = FALSE;

  return gl_check (self, "uploading the pack geometry");
}

static void
gl_upload_temps (PsThermalView *self,
                 const PsFrame *frame)
{
  double fill = INFINITY;
  guint i;

  /* a non-finite temperature would poison its neighbours: show the coldest */
  for (i = 0; i < frame->n_cells; i++)
    if (isfinite (frame->cell_temp_k[i]))
      fill = MIN (fill, frame->cell_temp_k[i]);
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
  self->field_valid = FALSE;
}

/* Pass 1: every node's temperature on the colour scale, into tex_field.
 * Leaves the GL area's framebuffer and viewport bound again. */
static void
gl_draw_nodes (PsThermalView *self,
               GtkGLArea     *area)
{
  const GLint *loc = self->nodes_program.loc;
  GLint viewport[4];

  glGetIntegerv (GL_VIEWPORT, viewport);
  glBindFramebuffer (GL_FRAMEBUFFER, self->fbo_field);
  glViewport (0, 0, self->grid_w, self->grid_h);

  glUseProgram (self->nodes_program.id);
  glUniform4f (loc[U_PACK_TO_NDC], 1.0f, 1.0f, 0.0f, 0.0f);
  glUniform1i (loc[U_NODE_CELLS], 0);
  glUniform1i (loc[U_NODE_WEIGHTS], 1);
  glUniform1i (loc[U_TEMPS], 2);
  glUniform1i (loc[U_TEMPS_WIDTH], TEMPS_TEX_WIDTH);
  glUniform1f (loc[U_SCALE_LO], self->scale.lo);
  glUniform1f (loc[U_SCALE_SPAN], self->scale.hi - self->scale.lo);
  glUniform1f (loc[U_UNIT_OFFSET], self->scale.offset);

  glActiveTexture (GL_TEXTURE0);
  glBindTexture (GL_TEXTURE_2D, self->tex_node_cells);
  glActiveTexture (GL_TEXTURE1);
  glBindTexture (GL_TEXTURE_2D, self->tex_node_weights);
  glActiveTexture (GL_TEXTURE2);
  glBindTexture (GL_TEXTURE_2D, self->tex_temps);

  glBindVertexArray (self->vao);
  glDrawArrays (GL_TRIANGLE_STRIP, self->n_outline + 4, 4);

  gtk_gl_area_attach_buffers (area);
  glViewport (viewport[0], viewport[1], viewport[2], viewport[3]);

  self->field_valid = TRUE;
  self->field_lo = self->scale.lo;
  self->field_hi = self->scale.hi;
  self->field_offset = self->scale.offset;
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
  /* a legacy (compatibility) context of 3.2 or later runs the same shaders */
  if ((self->gl_use_es && major < 3) ||
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

  /* on a CPU rasterizer the cairo path draws the same map for half the
   * CPU (see ps-gl-probe.h) */
  if (ps_gl_renderer_is_software ((const char *) glGetString (GL_RENDERER)) &&
      !ps_gl_keep_software ())
    {
      g_free (self->gl_error);
      self->gl_error = g_strdup_printf ("OpenGL is %s, a software rasterizer: "
                                        "the cairo path costs less",
                                        (const char *) glGetString (GL_RENDERER));
      ps_thermal_view_gl_fail (self, FALSE);
      return;
    }

  /* a stale error from before must not count against us */
  while (glGetError () != GL_NO_ERROR)
    ;

  if (!gl_create_objects (self))
    {
      gl_delete_objects (self, TRUE);
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
  /* without a context, GL freed the objects with it: forget the names */
  gl_delete_objects (self, gtk_gl_area_get_error (area) == NULL);

  if (self->gl_active)
    ps_thermal_view_set_gl_active (self, FALSE);
}

static gboolean
on_gl_render (GtkGLArea     *area,
              GdkGLContext  *context,
              PsThermalView *self)
{
  const PsFrame *frame = self->frame;
  const GLint *loc = self->map_program.loc;
  PsViewTransform tr;
  double width, height;
  int sf;

  if (!self->gl_active || self->gl_failed || frame == NULL || !self->scale.valid)
    {
      glClearColor (0, 0, 0, 0);
      glClear (GL_COLOR_BUFFER_BIT);
      return TRUE;
    }

  if (gtk_gl_area_get_error (area) != NULL)
    {
      g_free (self->gl_error);
      self->gl_error = g_strdup (gtk_gl_area_get_error (area)->message);
      ps_thermal_view_gl_fail (self, TRUE);
      return TRUE;
    }

  if (self->gl_pack != frame->pack)
    {
      if (!gl_nodes_ensure (self, frame->pack))
        {
          /* no field until the nodes are ready: the tint and the
           * decorations show meanwhile */
          glClearColor (0, 0, 0, 0);
          glClear (GL_COLOR_BUFFER_BIT);
          return TRUE;
        }
      if (!gl_upload_pack (self, frame->pack))
        {
          ps_thermal_view_gl_fail (self, TRUE);
          return TRUE;
        }
    }
  if (self->gl_frame != frame || self->gl_serial != frame->serial)
    gl_upload_temps (self, frame);

  glDisable (GL_BLEND);
  glDisable (GL_DEPTH_TEST);
  glDisable (GL_SCISSOR_TEST);
  glDisable (GL_STENCIL_TEST);

  /* pass 1, only when the temperatures or the scale changed */
  if (!self->field_valid ||
      self->field_lo != self->scale.lo ||
      self->field_hi != self->scale.hi ||
      self->field_offset != self->scale.offset)
    gl_draw_nodes (self, area);

  glClearColor (0, 0, 0, 0);
  glClearStencil (0);
  glClear (GL_COLOR_BUFFER_BIT | GL_STENCIL_BUFFER_BIT);

  width = gtk_widget_get_width (GTK_WIDGET (self));
  height = gtk_widget_get_height (GTK_WIDGET (self));
  ps_render_view_transform (frame->pack, &self->style, width, height, &tr);

  /* pass 2 */
  glUseProgram (self->map_program.id);
  /* ndc = 2 view / size - 1, with view y = offset_y - scale * y, flipped */
  glUniform4f (loc[U_PACK_TO_NDC],
               2.0 * tr.scale / width, 2.0 * tr.scale / height,
               2.0 * tr.offset_x / width - 1.0, 1.0 - 2.0 * tr.offset_y / height);
  glUniform1i (loc[U_FIELD], 0);
  glUniform1i (loc[U_COLORMAP], 1);
  glUniform2i (loc[U_GRID_SIZE], self->grid_w, self->grid_h);
  glUniform2f (loc[U_GRID_ORIGIN], self->grid_x0, self->grid_y0);
  glUniform2f (loc[U_GRID_STEP], self->grid_step, self->grid_step);
  glUniform1f (loc[U_SCALE_SPAN], self->scale.hi - self->scale.lo);
  glUniform1f (loc[U_ISO_STEP], self->style.isotherms ? self->scale.step : 0.0);
  glUniform4f (loc[U_ISO_COLOR], 1.0f, 1.0f, 1.0f, 0.6f);

  glActiveTexture (GL_TEXTURE0);
  glBindTexture (GL_TEXTURE_2D, self->tex_field);
  glActiveTexture (GL_TEXTURE1);
  glBindTexture (GL_TEXTURE_2D, self->tex_colormap);

  glBindVertexArray (self->vao);

  /* the plot area only, as the cairo renderer clips */
  sf = gtk_widget_get_scale_factor (GTK_WIDGET (area));
  glEnable (GL_SCISSOR_TEST);
  glScissor ((int) floor (tr.plot_x * sf),
             (int) floor ((height - tr.plot_y - tr.plot_h) * sf),
             (int) ceil (tr.plot_w * sf), (int) ceil (tr.plot_h * sf));

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
  for (int unit = 2; unit >= 0; unit--)
    {
      glActiveTexture (GL_TEXTURE0 + unit);
      glBindTexture (GL_TEXTURE_2D, 0);
    }

  if (!gl_check (self, "drawing the thermal map"))
    ps_thermal_view_gl_fail (self, TRUE);

  return TRUE;
}

/* Takes the runner's newest frame; TRUE if it changed. */
static gboolean
ps_thermal_view_poll (GtkWidget *widget)
{
  PsThermalView *self = PS_THERMAL_VIEW (widget);

  return _ps_view_poll_frame (self->runner, &self->frame);
}

static void
ps_thermal_view_redraw (GtkWidget *widget)
{
  ps_thermal_view_queue_redraw (PS_THERMAL_VIEW (widget));
}

static void
ps_thermal_view_map (GtkWidget *widget)
{
  PsThermalView *self = PS_THERMAL_VIEW (widget);

  GTK_WIDGET_CLASS (ps_thermal_view_parent_class)->map (widget);

  _ps_view_pacer_start (&self->pacer);
}

static void
ps_thermal_view_unmap (GtkWidget *widget)
{
  PsThermalView *self = PS_THERMAL_VIEW (widget);

  _ps_view_pacer_stop (&self->pacer);

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
  gint64 begin;
  cairo_t *cr;

  if (width <= 0 || height <= 0)
    return;

  if (self->frame == NULL)
    {
      _ps_view_snapshot_empty (widget, snapshot, &self->style, _("No pack loaded"));
      return;
    }

  begin = _ps_view_pacer_draw_begin (&self->pacer);
  thermal_scale_compute (self->frame, &self->style, width, height, &self->scale);

  if (!self->scale.valid)
    {
      /* no field to draw (no cells, no finite temperature) */
      cr = gtk_snapshot_append_cairo (snapshot, &GRAPHENE_RECT_INIT (0, 0, width, height));
      ps_render_thermal_with_grid (cr, self->frame, &self->style, width, height, NULL);
      cairo_destroy (cr);
      _ps_view_pacer_draw_end (&self->pacer, begin);
      return;
    }

  if (!self->gl_active || self->gl_failed)
    {
      PsViewTransform tr;

      ps_render_view_transform (self->frame->pack, &self->style, width, height, &tr);
      if (cairo_grid_ensure (self, &tr))
        {
          cr = gtk_snapshot_append_cairo (snapshot, &GRAPHENE_RECT_INIT (0, 0, width, height));
          ps_render_thermal_with_grid (cr, self->frame, &self->style, width, height,
                                       self->cairo_grid);
          cairo_destroy (cr);
          self->drawn_serial = self->frame->serial;
          _ps_view_pacer_draw_end (&self->pacer, begin);
          return;
        }
      /* no field until the grid is ready: the tint and the decorations */
    }
  else
    {
      PsViewTransform tr;

      /* the GL pass needs the pack's nodes: start on them now; the
       * isotherm labels come from the cairo map's grid, so they sit where
       * the cairo map puts them */
      gl_nodes_ensure (self, self->frame->pack);
      ps_render_view_transform (self->frame->pack, &self->style, width, height, &tr);
      if (self->style.isotherms)
        cairo_grid_ensure (self, &tr);
    }

  cr = gtk_snapshot_append_cairo (snapshot, &GRAPHENE_RECT_INIT (0, 0, width, height));
  ps_render_thermal_underlay (cr, self->frame, &self->style, width, height);
  cairo_destroy (cr);

  if (self->gl_active && !self->gl_failed)
    {
      gtk_widget_snapshot_child (widget, self->gl_area, snapshot);
      if (self->nodes_pack == self->frame->pack && self->nodes != NULL)
        self->drawn_serial = self->frame->serial;
    }

  cr = gtk_snapshot_append_cairo (snapshot, &GRAPHENE_RECT_INIT (0, 0, width, height));
  if (self->gl_active && !self->gl_failed && self->style.isotherms && self->cairo_grid_ready)
    ps_render_thermal_decorations_with_grid (cr, self->frame, &self->style, width, height,
                                             self->cairo_grid);
  else
    ps_render_thermal_decorations (cr, self->frame, &self->style, width, height);
  cairo_destroy (cr);
  _ps_view_pacer_draw_end (&self->pacer, begin);
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

  g_clear_pointer (&self->runner, ps_runner_unref);
  g_clear_handle_id (&self->gl_fail_idle, g_source_remove);
  g_clear_pointer (&self->gl_area, gtk_widget_unparent);
  g_clear_pointer (&self->frame, ps_frame_unref);
  g_clear_pointer (&self->gl_pack, ps_pack_unref);
  if (self->nodes_cancellable != NULL)
    g_cancellable_cancel (self->nodes_cancellable);
  g_clear_object (&self->nodes_cancellable);
  g_clear_pointer (&self->nodes, gl_nodes_free);
  g_clear_pointer (&self->nodes_pack, ps_pack_unref);
  if (self->cairo_grid_cancellable != NULL)
    g_cancellable_cancel (self->cairo_grid_cancellable);
  g_clear_object (&self->cairo_grid_cancellable);
  g_clear_pointer (&self->cairo_grid, ps_thermal_grid_unref);

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
  _ps_view_pacer_init (&self->pacer, GTK_WIDGET (self), ps_thermal_view_poll, ps_thermal_view_redraw);
  ps_render_style_init_default (&self->style);
  self->style.selected_cell = -1;
  self->style.hover_cell = -1;
  self->style.zoom = 1.0;
  self->style.pan_x = 0.0;
  self->style.pan_y = 0.0;
  self->style.quantity = PS_QUANTITY_TEMPERATURE;
  self->style.colormap = PS_COLORMAP_INFERNO;

  gtk_accessible_update_property (GTK_ACCESSIBLE (self),
                                  GTK_ACCESSIBLE_PROPERTY_LABEL, _("Thermal map"),
                                  GTK_ACCESSIBLE_PROPERTY_DESCRIPTION, _("The temperature field over the pack"),
                                  -1);
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

  _ps_view_set_runner (&self->runner, runner);
  g_clear_pointer (&self->frame, ps_frame_unref);
  ps_thermal_view_poll (GTK_WIDGET (self));
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
ps_thermal_view_get_field_ready (PsThermalView *self)
{
  g_return_val_if_fail (PS_IS_THERMAL_VIEW (self), TRUE);

  if (self->frame == NULL || !self->scale.valid)
    return TRUE;
  if (!self->gl_active || self->gl_failed || self->style.isotherms)
    {
      PsViewTransform tr;

      /* the grid of the present size (the GL path's isotherm labels come
       * from it too), ready or with nothing to compute */
      ps_render_view_transform (self->frame->pack, &self->style,
                                gtk_widget_get_width (GTK_WIDGET (self)),
                                gtk_widget_get_height (GTK_WIDGET (self)), &tr);
      if (!ps_thermal_grid_matches (self->cairo_grid, self->frame->pack, &tr) ||
          !(self->cairo_grid == NULL || self->cairo_grid_ready))
        return FALSE;
      if (!self->gl_active || self->gl_failed)
        return TRUE;
    }
  return self->nodes_pack == self->frame->pack && self->nodes != NULL;
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

guint64
ps_thermal_view_get_drawn_serial (PsThermalView *self)
{
  g_return_val_if_fail (PS_IS_THERMAL_VIEW (self), 0);

  return self->drawn_serial;
}
