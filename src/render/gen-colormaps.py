#!/usr/bin/env python3
# gen-colormaps.py: regenerates the tables in ps-colormap.c (not part of the
# build; run by hand, paste the output).
#
# viridis and inferno: the matplotlib maps (CC0 1.0, Smith, van der Walt,
# Firing), read as the 256-colour hex strings of d3-scale-chromatic's dist
# file (npm pack d3-scale-chromatic@3, then point D3_FILE at
# package/dist/d3-scale-chromatic.js).
# diverging: Kenneth Moreland, "Diverging Color Maps for Scientific
# Visualization" (ISVC 2009): interpolation in Msh space between blue
# (59, 76, 192) and red (180, 4, 38), here through white (M = 100).
import os
import re, math
s=open(os.environ.get('D3_FILE', 'package/dist/d3-scale-chromatic.js')).read()
def tab(name):
    m=re.search(r'\b'+name+r'\s*=\s*ramp\(colors\("([0-9a-f]+)"\)\)',s)
    h=m.group(1); return [int(h[i:i+6],16) for i in range(0,len(h),6)]
# Moreland 2009 diverging map in Msh space, blue (59,76,192) to red (180,4,38), white midpoint
def lin(c):
    c/=255.0
    return c/12.92 if c<=0.04045 else ((c+0.055)/1.055)**2.4
def delin(c):
    c = 12.92*c if c<=0.0031308 else 1.055*c**(1/2.4)-0.055
    return min(max(c,0.0),1.0)
Xn,Yn,Zn=0.95047,1.0,1.08883
def f(t): return t**(1/3) if t>0.008856 else 7.787*t+16/116
def finv(t): return t**3 if t>0.206893 else (t-16/116)/7.787
def rgb2msh(rgb):
    r,g,b=[lin(c) for c in rgb]
    X=0.4124*r+0.3576*g+0.1805*b; Y=0.2126*r+0.7152*g+0.0722*b; Z=0.0193*r+0.1192*g+0.9505*b
    L=116*f(Y/Yn)-16; a=500*(f(X/Xn)-f(Y/Yn)); bb=200*(f(Y/Yn)-f(Z/Zn))
    M=math.sqrt(L*L+a*a+bb*bb); sat=math.acos(L/M); h=math.atan2(bb,a)
    return M,sat,h
def msh2rgb(M,sat,h):
    L=M*math.cos(sat); a=M*math.sin(sat)*math.cos(h); bb=M*math.sin(sat)*math.sin(h)
    fy=(L+16)/116; X=Xn*finv(fy+a/500); Y=Yn*finv(fy); Z=Zn*finv(fy-bb/200)
    r=3.2406*X-1.5372*Y-0.4986*Z; g=-0.9689*X+1.8758*Y+0.0415*Z; b=0.0557*X-0.2040*Y+1.0570*Z
    return [round(255*delin(c)) for c in (r,g,b)]
def adjust_hue(M,sat,h,Munsat):
    if M>=Munsat: return h
    spin=sat*math.sqrt(Munsat**2-M**2)/(M*math.sin(sat))
    return h+spin if h>-math.pi/3 else h-spin
def diverging(t, c1=(59,76,192), c2=(180,4,38), Mmid=100.0):
    M1,s1,h1=rgb2msh(c1); M2,s2,h2=rgb2msh(c2)
    if t<0.5:
        M2,s2,h2=Mmid,0.0,0.0; t*=2
    else:
        M1,s1,h1=Mmid,0.0,0.0; t=2*t-1
    if s1<0.05 and s2>0.05: h1=adjust_hue(M2,s2,h2,M1)
    elif s2<0.05 and s1>0.05: h2=adjust_hue(M1,s1,h1,M2)
    M=(1-t)*M1+t*M2; sa=(1-t)*s1+t*s2; h=(1-t)*h1+t*h2
    r,g,b=msh2rgb(M,sa,h); return (r<<16)|(g<<8)|b
div=[diverging(i/255.0) for i in range(256)]
def emit(name,t):
    out='static const guint32 %s_table[256] = {\n'%name
    for i in range(0,256,8):
        out+='  '+', '.join('0x%06x'%v for v in t[i:i+8])+',\n'
    return out+'};\n'
print(emit('viridis',tab('viridis'))); print(emit('inferno',tab('inferno'))); print(emit('diverging',div))
