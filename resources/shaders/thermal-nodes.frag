// thermal-nodes.frag: pass 1 of the thermal map, one fragment per node
//
// Drawn into a texture of the node grid's size. Per-cell temperatures arrive
// each frame in u_temps (one texel per cell, u_temps_width texels a row);
// per node, two texels of u_node_cells and u_node_weights hold its six
// nearest cells and their normalised weights, and the last weight slot says
// whether the node lies among cells (1) or over an empty part of the pack
// (0) (geometry only, uploaded once per pack). The node's temperature,
// placed on the colour scale (0 at its bottom, 1 at its top), is written as
// a 16-bit fixed-point number in red (high byte) and green (low byte), the
// among-cells flag in blue, so the texture is colour-renderable everywhere
// (no float render targets needed on OpenGL ES 3.0).

uniform usampler2D u_node_cells;     // RGBA32UI, 2 texels a node: cell indices
uniform sampler2D  u_node_weights;   // RGBA32F, 2 texels a node: weights, flag
uniform sampler2D  u_temps;          // R32F: cell temperature, K
uniform int        u_temps_width;
uniform float      u_scale_lo;       // bottom of the colour scale, display units
uniform float      u_scale_span;     // hi - lo, display units, > 0
uniform float      u_unit_offset;    // display = kelvin + offset

out vec4 o_color;

float
cell_temp (uint cell)
{
  int i = int (cell);

  return texelFetch (u_temps, ivec2 (i % u_temps_width, i / u_temps_width), 0).r;
}

void
main ()
{
  ivec2 node = ivec2 (gl_FragCoord.xy);
  ivec2 t0 = ivec2 (2 * node.x, node.y);
  ivec2 t1 = ivec2 (2 * node.x + 1, node.y);
  uvec4 c0 = texelFetch (u_node_cells, t0, 0);
  uvec4 c1 = texelFetch (u_node_cells, t1, 0);
  vec4 w0 = texelFetch (u_node_weights, t0, 0);
  vec4 w1 = texelFetch (u_node_weights, t1, 0);
  float t = dot (w0, vec4 (cell_temp (c0.x), cell_temp (c0.y),
                           cell_temp (c0.z), cell_temp (c0.w)))
          + w1.x * cell_temp (c1.x) + w1.y * cell_temp (c1.y)
          + u_unit_offset;
  float s = clamp ((t - u_scale_lo) / u_scale_span, 0.0, 1.0);
  float v = floor (s * 65535.0 + 0.5);
  float high = floor (v / 256.0);

  o_color = vec4 (high / 255.0, (v - high * 256.0) / 255.0, w1.w, 1.0);
}
