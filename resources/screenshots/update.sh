#!/bin/sh
# Regenerates the screenshots: every preset mid-run, rendered by the real
# window (deterministic: the same build gives the same bytes) at the sizes
# the window is made for (tests/test-window.c checks them): 1280x800 (the
# default; <id>.png in light style is the AppStream one), 1024x600 and
# 800x600, in the light and the dark style (<id>-<size>[-dark].png).
# Usage: resources/screenshots/update.sh [BUILD_DIR]
set -eu
top=$(cd "$(dirname "$0")/../.." && pwd)
build=${1:-$top/_build}
export GSETTINGS_SCHEMA_DIR="$build/resources" GSETTINGS_BACKEND=memory
export FONTCONFIG_FILE="$top/tests/fonts.conf"
for shot in leaf-2011:1800 leaf-2018:1800 model-s-85:1200 volt-2011:1800 \
            forklift-48v:3600 lg-m50:1800; do
  id=${shot%%:*}
  run=${shot#*:}
  for size in 1280x800 1024x600 800x600; do
    for style in light dark; do
      name=$id-$size
      [ "$style" = dark ] && name=$name-dark
      [ "$name" = "$id-1280x800" ] && name=$id
      xvfb-run -a "$build/app/packscope" --screenshot "$top/resources/screenshots/$name.png" \
        --scenario "$id" --run "$run" --size "$size" --style "$style"
    done
  done
  echo "$id: ${run} s"
done
# the pack builder over the Leaf 2011 (builder-<size>[-dark].png)
for size in 1280x800 1024x600 800x600; do
  for style in light dark; do
    name=builder-$size
    [ "$style" = dark ] && name=$name-dark
    xvfb-run -a "$build/app/packscope" --screenshot "$top/resources/screenshots/$name.png" \
      --scenario leaf-2011 --view builder --size "$size" --style "$style"
  done
done
echo "builder"
# the protocol editor over an LG M50 cycling run, a cycle's charge running
xvfb-run -a "$build/app/packscope" --screenshot "$top/resources/screenshots/editor-1280x800.png" \
  --scenario lg-m50 --run 9000 --size 1280x800 --view editor --protocol "Rest for 10 min
(Discharge at 1C until 3.0 V; Rest for 30 min; Charge at 0.5C until 4.2 V; Hold at 4.2 V until C/20; Rest for 30 min) x 3"
echo "editor"
# thermal runaway propagating (scenario files beside the pictures)
for shot in runaway-leaf-2011:1500 runaway-model-s-85:1500; do
  id=${shot%%:*}
  run=${shot#*:}
  xvfb-run -a "$build/app/packscope" --screenshot "$top/resources/screenshots/$id.png" \
    --scenario "$top/resources/screenshots/$id.json" --run "$run" --size 1280x800
  echo "$id: ${run} s"
done
# the Leaf pack with 192 SPMe cells (resources/examples/leaf-2011-spme.json)
xvfb-run -a "$build/app/packscope" --screenshot "$top/resources/screenshots/leaf-2011-spme.png" \
  --scenario "$top/resources/examples/leaf-2011-spme.json" --run 1800 --size 1280x800
echo "leaf-2011-spme"
# a drive: the Leaf 2011 through UDDS, HWFET and US06, 40 min in
xvfb-run -a "$build/app/packscope" --screenshot "$top/resources/screenshots/leaf-2011-drive.png" \
  --scenario leaf-2011 --protocol "Drive UDDS; Drive HWFET; Drive US06" --run 2400 --size 1280x800
echo "leaf-2011-drive"
# the rapidgate scenario in its third fast charge
xvfb-run -a "$build/app/packscope" --screenshot "$top/resources/screenshots/leaf-2018-rapidgate.png" \
  --scenario leaf-2018-rapidgate --run 16000 --size 1280x800
echo "leaf-2018-rapidgate"
