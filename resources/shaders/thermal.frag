// thermal.frag: pass 2 of the thermal map, one fragment per pixel
//
// u_field holds, per node of a grid over the pack's bounds, the node's
// temperature on the colour scale (thermal-nodes.frag, 16-bit fixed point
// in red and green) and whether it lies among cells (blue). The node
// temperatures are Shepard interpolations of the cells (Franke-Little
// weights over the six nearest cells, computed once per pack). A fragment
// blends its four surrounding nodes bilinearly, so the field is continuous
// everywhere, colours it with the inferno table (u_colormap, 256 texels,
// the cairo renderer's 256 bins) and optionally draws isotherms at the
// scale's round steps. Over empty parts of the pack it is transparent
// (premultiplied alpha, soft at the edge), so the neutral tint drawn under
// the GL area shows. The pack outline is masked by the stencil buffer.

in vec2 v_pack;

uniform sampler2D  u_field;          // RGBA8, the node grid
uniform sampler2D  u_colormap;       // RGBA8, 256 x 1
uniform ivec2      u_grid_size;      // nodes
uniform vec2       u_grid_origin;    // pack position of node (0, 0), metres
uniform vec2       u_grid_step;      // metres between nodes
uniform float      u_scale_span;     // hi - lo, display units, > 0
uniform float      u_iso_step;       // isotherm spacing, display units; 0 = none
uniform vec4       u_iso_color;      // rgb, strength

out vec4 o_color;

// (value on the scale, among-cells flag)
vec2
node_value (ivec2 node)
{
  vec3 e = texelFetch (u_field, clamp (node, ivec2 (0), u_grid_size - ivec2 (1)), 0).rgb;

  return vec2 ((floor (e.r * 255.0 + 0.5) * 256.0 + floor (e.g * 255.0 + 0.5)) / 65535.0, e.b);
}

void
main ()
{
  vec2 g = (v_pack - u_grid_origin) / u_grid_step;
  vec2 base = floor (g);
  vec2 f = g - base;
  ivec2 b = ivec2 (base);

  vec2 v = mix (mix (node_value (b), node_value (b + ivec2 (1, 0)), f.x),
                mix (node_value (b + ivec2 (0, 1)), node_value (b + ivec2 (1, 1)), f.x),
                f.y);
  float s = v.x;
  float among = v.y;

  // bin = floor (s * 256), as the cairo renderer does
  vec3 rgb = texture (u_colormap, vec2 (min (s, 255.5 / 256.0), 0.5)).rgb;

  if (u_iso_step > 0.0)
    {
      float q = s * u_scale_span / u_iso_step;
      float d = abs (fract (q + 0.5) - 0.5) / max (fwidth (q), 1e-6);

      rgb = mix (rgb, u_iso_color.rgb, (1.0 - clamp (d, 0.0, 1.0)) * u_iso_color.a);
    }

  o_color = vec4 (rgb * among, among);
}
