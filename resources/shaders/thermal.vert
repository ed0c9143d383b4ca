// thermal.vert: pack-space positions (metres) to clip space
//
// The #version line (and, for OpenGL ES, the precision statements) is
// prepended by PsThermalView: "#version 150 core" on OpenGL 3.2+,
// "#version 300 es" on OpenGL ES 3.0+.

in vec2 a_pos;                 // pack coordinates, metres

uniform vec4 u_pack_to_ndc;    // ndc = a_pos * xy + zw (y already flipped)

out vec2 v_pack;

void
main ()
{
  v_pack = a_pos;
  gl_Position = vec4 (a_pos * u_pack_to_ndc.xy + u_pack_to_ndc.zw, 0.0, 1.0);
}
