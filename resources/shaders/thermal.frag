// thermal.frag: the temperature field over the pack footprint
//
// Per-cell temperatures arrive each frame in u_temps (one texel per cell,
// u_temps_width texels a row). A grid of nodes over the pack's bounds holds,
// per node, the four nearest cells and their normalised inverse-distance
// weights (u_node_cells, u_node_weights: geometry only, uploaded once per
// pack). A fragment's temperature is the bilinear blend of the four nodes
// around it, each node the weighted mean of its cells: Shepard interpolation
// that is continuous everywhere. It is coloured with the inferno table
// (u_colormap, 256 texels, sampled like the cairo renderer's 256 bins) and
// optionally contoured at round temperatures. The pack outline is masked by
// the stencil buffer, not here.

in vec2 v_pack;

uniform usampler2D u_node_cells;     // RGBA32UI: four cell indices
uniform sampler2D  u_node_weights;   // RGBA32F: their weights, sum 1
uniform sampler2D  u_temps;          // R32F: cell temperature, K
uniform sampler2D  u_colormap;       // RGBA8, 256 x 1
uniform int        u_temps_width;
uniform ivec2      u_grid_size;      // nodes
uniform vec2       u_grid_origin;    // pack position of node (0, 0), metres
uniform vec2       u_grid_step;      // metres between nodes
uniform float      u_scale_lo;       // bottom of the colour scale, display units
uniform float      u_scale_span;     // hi - lo, display units, > 0
uniform float      u_unit_offset;    // display = kelvin + offset
uniform float      u_iso_step;       // isotherm spacing, display units; 0 = none
uniform vec4       u_iso_color;      // premultiplied by nothing: rgb, strength

out vec4 o_color;

float
cell_temp (uint cell)
{
  int i = int (cell);

  return texelFetch (u_temps, ivec2 (i % u_temps_width, i / u_temps_width), 0).r;
}

float
node_temp (ivec2 node)
{
  ivec2 n = clamp (node, ivec2 (0), u_grid_size - ivec2 (1));
  uvec4 c = texelFetch (u_node_cells, n, 0);
  vec4 w = texelFetch (u_node_weights, n, 0);

  return w.x * cell_temp (c.x) + w.y * cell_temp (c.y)
       + w.z * cell_temp (c.z) + w.w * cell_temp (c.w);
}

void
main ()
{
  vec2 g = (v_pack - u_grid_origin) / u_grid_step;
  vec2 base = floor (g);
  vec2 f = g - base;
  ivec2 b = ivec2 (base);

  float t00 = node_temp (b);
  float t10 = node_temp (b + ivec2 (1, 0));
  float t01 = node_temp (b + ivec2 (0, 1));
  float t11 = node_temp (b + ivec2 (1, 1));
  float t = mix (mix (t00, t10, f.x), mix (t01, t11, f.x), f.y) + u_unit_offset;

  // bin = floor ((t - lo) * 256 / span), as the cairo renderer does
  float s = clamp ((t - u_scale_lo) / u_scale_span, 0.0, 255.5 / 256.0);
  vec3 rgb = texture (u_colormap, vec2 (s, 0.5)).rgb;

  if (u_iso_step > 0.0)
    {
      float q = (t - u_scale_lo) / u_iso_step;
      float width = max (fwidth (q), 1e-6);
      float d = abs (fract (q + 0.5) - 0.5) / width;
      float line = 1.0 - clamp (d, 0.0, 1.0);

      rgb = mix (rgb, u_iso_color.rgb, line * u_iso_color.a);
    }

  o_color = vec4 (rgb, 1.0);
}
