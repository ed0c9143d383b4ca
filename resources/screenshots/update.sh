#!/bin/sh
# Regenerates the AppStream screenshots: every preset mid-run at 1280x800,
# rendered by the real window (light style, deterministic: the same build
# gives the same bytes). Usage: resources/screenshots/update.sh [BUILD_DIR]
set -eu
top=$(cd "$(dirname "$0")/../.." && pwd)
build=${1:-$top/_build}
export GSETTINGS_SCHEMA_DIR="$build/resources" GSETTINGS_BACKEND=memory
export FONTCONFIG_FILE="$top/tests/fonts.conf"
for shot in leaf-2011:1800 leaf-2018:1800 model-s-85:1200 volt-2011:1800 \
            forklift-48v:3600 lg-m50:1800; do
  id=${shot%%:*}
  run=${shot#*:}
  xvfb-run -a "$build/app/packscope" --screenshot "$top/resources/screenshots/$id.png" \
    --scenario "$id" --run "$run" --size 1280x800
  echo "$id: ${run} s"
done
# thermal runaway propagating (scenario files beside the pictures)
for shot in runaway-leaf-2011:1500 runaway-model-s-85:1500; do
  id=${shot%%:*}
  run=${shot#*:}
  xvfb-run -a "$build/app/packscope" --screenshot "$top/resources/screenshots/$id.png" \
    --scenario "$top/resources/screenshots/$id.json" --run "$run" --size 1280x800
  echo "$id: ${run} s"
done
