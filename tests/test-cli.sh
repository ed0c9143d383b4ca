#!/bin/sh
# placeholder until the CLI lands
echo "1..0 # SKIP not written yet"
