#!/bin/sh
# test-cli.sh: the headless command line, as users and scripts call it (TAP)
#
# $PACKSCOPE is the built binary (set by tests/meson.build); G_TEST_SRCDIR is
# tests/ in the source tree.

set -u

# The C locale exists everywhere (a Flatpak build sandbox may lack the
# host's), so GTK's "locale not supported" warning cannot turn fatal under
# G_DEBUG=fatal-warnings in the cases that reach the application's parser.
LC_ALL=C
export LC_ALL

PACKSCOPE=${PACKSCOPE:?PACKSCOPE must name the packscope binary}
SRCDIR=${G_TEST_SRCDIR:-$(dirname "$0")}
BAD="$SRCDIR/data/bad-scenarios"
WORK=$(mktemp -d "${TMPDIR:-/tmp}/packscope-cli.XXXXXX")
trap 'rm -rf "$WORK"' EXIT INT TERM

HEADER='time_s,step,pack_voltage_v,pack_current_a,pack_power_w,pack_soc,cell_voltage_min_v,cell_voltage_max_v,cell_temp_min_c,cell_temp_max_c,heat_w,charge_ah,energy_wh,step_end,speed_mps,distance_m,bms_state'
DISCHARGE='Discharge at 1C for 5 minutes'

n=0
failed=0

ok () {
  n=$((n + 1))
  echo "ok $n - $1"
}

not_ok () {
  n=$((n + 1))
  failed=$((failed + 1))
  echo "not ok $n - $1"
  shift
  for line in "$@"; do
    echo "# $line"
  done
}

# expect_bad_input NAME ARGS...: exit status 2 and exactly one line on stderr
expect_bad_input () {
  name=$1
  shift
  "$PACKSCOPE" "$@" >"$WORK/bad.out" 2>"$WORK/bad.err"
  status=$?
  lines=$(wc -l <"$WORK/bad.err")
  if [ "$status" -eq 2 ] && [ "$lines" -eq 1 ]; then
    ok "$name: $(cat "$WORK/bad.err")"
  else
    not_ok "$name" "exit status $status (expected 2), $lines stderr lines (expected 1):" \
      "$(head -c 2000 "$WORK/bad.err")"
  fi
}

# ---- --list-presets ------------------------------------------------------
"$PACKSCOPE" --list-presets >"$WORK/presets" 2>"$WORK/presets.err"
status=$?
missing=""
for id in leaf-2011 leaf-2018 model-s-85 volt-2011 forklift-48v lg-m50 leaf-2018-rapidgate; do
  cut -f1 "$WORK/presets" | grep -qx "$id" || missing="$missing $id"
done
if [ "$status" -eq 0 ] && [ -z "$missing" ] && [ "$(wc -l <"$WORK/presets")" -eq 7 ] &&
   [ "$(head -n1 "$WORK/presets" | cut -f1)" = leaf-2011 ] &&
   awk -F'\t' 'NF != 2 || $2 == "" { exit 1 }' "$WORK/presets"; then
  ok "--list-presets prints the six packs and the rapidgate scenario, each with a name"
else
  not_ok "--list-presets prints the six packs and the rapidgate scenario, each with a name" "exit $status, missing:$missing" \
    "$(cat "$WORK/presets" "$WORK/presets.err")"
fi

# ---- --print-scenario round trip ------------------------------------------
if "$PACKSCOPE" --print-scenario leaf-2011 >"$WORK/leaf.json" 2>"$WORK/print.err" &&
   grep -q '"packscope_scenario"' "$WORK/leaf.json"; then
  ok "--print-scenario leaf-2011 prints scenario JSON"
else
  not_ok "--print-scenario leaf-2011 prints scenario JSON" "$(cat "$WORK/print.err")"
fi

# numbers in their shortest exact form: 0.0001, not 0.00010000000000000000
if grep -q '"r_tab_ohm": 0.0001,' "$WORK/leaf.json" &&
   ! grep -Eq '[0-9]\.[0-9]{15,}' "$WORK/leaf.json"; then
  ok "--print-scenario writes numbers in their shortest exact form"
else
  not_ok "--print-scenario writes numbers in their shortest exact form" \
    "$(grep -E 'r_tab_ohm|[0-9]\.[0-9]{15,}' "$WORK/leaf.json" | head -n 3)"
fi

"$PACKSCOPE" --headless --scenario leaf-2011 --protocol "$DISCHARGE" --csv "$WORK/preset.csv" 2>"$WORK/run.err"
status=$?
if [ "$status" -eq 0 ] && [ -s "$WORK/preset.csv" ]; then
  ok "--headless run of a preset exits 0 and writes the CSV"
else
  not_ok "--headless run of a preset exits 0 and writes the CSV" "exit $status" "$(cat "$WORK/run.err")"
fi

"$PACKSCOPE" --headless --scenario "$WORK/leaf.json" --protocol "$DISCHARGE" --csv "$WORK/file.csv" 2>"$WORK/run2.err"
if cmp -s "$WORK/preset.csv" "$WORK/file.csv"; then
  ok "the printed scenario loaded with --scenario FILE gives the same CSV"
else
  not_ok "the printed scenario loaded with --scenario FILE gives the same CSV" "$(cat "$WORK/run2.err")" \
    "$(cmp "$WORK/preset.csv" "$WORK/file.csv" 2>&1)"
fi

# ---- the CSV itself -----------------------------------------------------------
if [ "$(head -n1 "$WORK/preset.csv")" = "$HEADER" ]; then
  ok "the CSV header is exactly the documented one"
else
  not_ok "the CSV header is exactly the documented one" "got: $(head -n1 "$WORK/preset.csv")"
fi

# 5 minutes at the default 1 s step: t = 0 and 300 steps
rows=$(($(wc -l <"$WORK/preset.csv") - 1))
if [ "$rows" -eq 301 ]; then
  ok "one row per step including t = 0 (301 rows)"
else
  not_ok "one row per step including t = 0 (301 rows)" "got $rows rows"
fi

if awk -F, '
  NR == 1 { next }
  NF != 17 { print "row " NR ": " NF " fields"; bad = 1; exit }
  {
    for (i = 1; i <= 13; i++)
      if ($i !~ /^-?[0-9]+(\.[0-9]+)?(e[-+][0-9]+)?$/) { print "row " NR " field " i ": " $i; bad = 1; exit }
    if (NR == 2 && $1 != 0) { print "first row at t = " $1; bad = 1; exit }
    if (NR > 2 && $1 + 0 <= t) { print "time not increasing at row " NR; bad = 1; exit }
    if (NR > 2 && $2 != 1) { print "step " $2 " at row " NR; bad = 1; exit }
    if (NR > 2 && $4 + 0 <= 0) { print "current " $4 " not a discharge at row " NR; bad = 1; exit }
    if (NR > 2 && $6 + 0 >= soc) { print "soc not decreasing at row " NR; bad = 1; exit }
    if ($7 + 0 > $8 + 0 || $9 + 0 > $10 + 0) { print "min > max at row " NR; bad = 1; exit }
    if (NR > 2 && $12 + 0 < ah) { print "charge_ah falls at row " NR; bad = 1; exit }
    t = $1; soc = $6; ah = $12
  }
  END { if (bad) exit 1; if (ah <= 0) { print "no charge delivered"; exit 1 } }
' "$WORK/preset.csv" >"$WORK/awk.out"; then
  ok "rows are sane: numbers, time rising, step 1, discharge current, SOC falling, min <= max"
else
  not_ok "rows are sane: numbers, time rising, step 1, discharge current, SOC falling, min <= max" \
    "$(cat "$WORK/awk.out")"
fi

if grep -q "delivered" "$WORK/run.err" && [ "$(wc -l <"$WORK/run.err")" -eq 1 ]; then
  ok "a one-line summary on stderr: $(cat "$WORK/run.err")"
else
  not_ok "a one-line summary on stderr" "$(cat "$WORK/run.err")"
fi

# ---- determinism, options, stdout -----------------------------------------------
"$PACKSCOPE" --headless --scenario leaf-2011 --protocol "$DISCHARGE; Rest for 1 minute" \
  --seed 3 --dt 2 --ambient-c 35 --csv "$WORK/det1.csv" 2>/dev/null
"$PACKSCOPE" --headless --scenario leaf-2011 --protocol "$DISCHARGE; Rest for 1 minute" \
  --seed 3 --dt 2 --ambient-c 35 --csv "$WORK/det2.csv" 2>/dev/null
if [ -s "$WORK/det1.csv" ] && cmp -s "$WORK/det1.csv" "$WORK/det2.csv" &&
   [ "$(($(wc -l <"$WORK/det1.csv") - 1))" -eq 181 ] &&
   [ "$(tail -n1 "$WORK/det1.csv" | cut -d, -f2)" = 2 ]; then
  ok "determinism: two runs with --seed/--dt/--ambient-c give the same bytes"
else
  not_ok "determinism: two runs with --seed/--dt/--ambient-c give the same bytes" \
    "$(cmp "$WORK/det1.csv" "$WORK/det2.csv" 2>&1)" "$(wc -l "$WORK/det1.csv")"
fi

"$PACKSCOPE" --headless --protocol "Rest for 10 s" --csv - >"$WORK/stdout.csv" 2>"$WORK/stdout.err"
if [ "$(head -n1 "$WORK/stdout.csv")" = "$HEADER" ] && [ "$(wc -l <"$WORK/stdout.csv")" -eq 12 ] &&
   grep -q "Leaf\|leaf" "$WORK/stdout.err"; then
  ok "--csv - writes to stdout; no --scenario runs the default leaf-2011"
else
  not_ok "--csv - writes to stdout; no --scenario runs the default leaf-2011" \
    "$(head -c 500 "$WORK/stdout.csv")" "$(cat "$WORK/stdout.err")"
fi

"$PACKSCOPE" --headless --scenario leaf-2011 --protocol "Discharge at 1C for 3 s" --cells \
  --csv "$WORK/cells.csv" 2>/dev/null
fields=$(head -n1 "$WORK/cells.csv" | awk -F, '{ print NF }')
widths=$(awk -F, '{ print NF }' "$WORK/cells.csv" | sort -u | wc -l)
if [ "$fields" -eq $((17 + 4 * 192)) ] && [ "$widths" -eq 1 ] &&
   head -n1 "$WORK/cells.csv" | grep -q ',cell0001_v,cell0001_i_a,cell0001_soc,cell0001_t_c,' &&
   head -n1 "$WORK/cells.csv" | grep -q ',cell0192_t_c$'; then
  ok "--cells adds four columns for each of the 192 cells ($fields columns)"
else
  not_ok "--cells adds four columns for each of the 192 cells" "got $fields columns, $widths widths"
fi

# a device is written in place, never replaced by a regular file
if [ -c /dev/null ] &&
   "$PACKSCOPE" --headless --protocol "Rest for 2 s" --csv /dev/null 2>/dev/null && [ -c /dev/null ]; then
  ok "--csv /dev/null writes to the device and leaves it a device"
else
  not_ok "--csv /dev/null writes to the device and leaves it a device" "$(ls -l /dev/null)"
fi

# ---- how steps end ------------------------------------------------------------
if [ "$(tail -n1 "$WORK/preset.csv" | cut -d, -f14)" = "step 1 duration" ] &&
   [ "$(awk -F, 'NR > 1 && $14 != "" { n++ } END { print n + 0 }' "$WORK/preset.csv")" -eq 1 ] &&
   grep -q "step 1 ended at 5 min: its duration of 5 min elapsed" "$WORK/run.err"; then
  ok "the row where the step ends says why, and so does the summary"
else
  not_ok "the row where the step ends says why, and so does the summary" \
    "$(tail -n1 "$WORK/preset.csv")" "$(cat "$WORK/run.err")"
fi

# a step that ends at once: one row at t = 0, its reason and the cell
"$PACKSCOPE" --headless --scenario lg-m50 --protocol "Charge at 1 A until 4.1 V" \
  --csv "$WORK/once.csv" 2>"$WORK/once.err"
if [ "$(wc -l <"$WORK/once.csv")" -eq 2 ] &&
   [ "$(tail -n1 "$WORK/once.csv" | cut -d, -f14)" = "step 1 until-voltage cell 1 at once" ] &&
   grep -q "step 1 ended at once at 0 s: cell 1 reached 4.100 V" "$WORK/once.err"; then
  ok "a step that ends at once: one row, its reason, no duplicate"
else
  not_ok "a step that ends at once: one row, its reason, no duplicate" \
    "$(cat "$WORK/once.csv")" "$(cat "$WORK/once.err")"
fi

# a step cut short by a cell's limit names the limit and the cell, once
"$PACKSCOPE" --headless --scenario volt-2011 --protocol "Discharge at 3C until 2.5 V" \
  --dt 60 --csv "$WORK/limit.csv" 2>"$WORK/limit.err"
if tail -n1 "$WORK/limit.csv" | cut -d, -f14 | grep -q "^step 1 voltage-min cell [0-9]*$" &&
   [ "$(tail -n2 "$WORK/limit.csv" | cut -d, -f1 | uniq | wc -l)" -eq 2 ] &&
   grep -q "reached its lower voltage limit, 3.000 V" "$WORK/limit.err"; then
  ok "a step stopped by a cell's lower limit says so, on one last row"
else
  not_ok "a step stopped by a cell's lower limit says so, on one last row" \
    "$(tail -n2 "$WORK/limit.csv")" "$(cat "$WORK/limit.err")"
fi

# the cells start at the ambient temperature unless told otherwise
"$PACKSCOPE" --headless --scenario leaf-2011 --protocol "Rest for 1 s" --ambient-c -10 \
  --csv "$WORK/cold.csv" 2>/dev/null
"$PACKSCOPE" --headless --scenario leaf-2011 --protocol "Rest for 1 s" --ambient-c -10 \
  --initial-c 20 --csv "$WORK/warm.csv" 2>/dev/null
if [ "$(sed -n 2p "$WORK/cold.csv" | cut -d, -f9)" = "-10" ] &&
   [ "$(sed -n 2p "$WORK/warm.csv" | cut -d, -f9)" = "20" ]; then
  ok "--ambient-c moves the start temperature, --initial-c sets it"
else
  not_ok "--ambient-c moves the start temperature, --initial-c sets it" \
    "$(sed -n 2p "$WORK/cold.csv")" "$(sed -n 2p "$WORK/warm.csv")"
fi
printf '{"pack":"lg-m50","initial":{"temperature_c":70},"ambient_c":70}\n' >"$WORK/hot.json"
expect_bad_input "a scenario that starts over the cell's temperature limit" \
  --headless --scenario "$WORK/hot.json"
if grep -q 'hot.json: \$.initial.temperature_c: the cells would start at 70 degrees C, above the upper temperature limit of cell .lg-m50., 60 degrees C' "$WORK/bad.err"; then
  ok "the refusal names the value and the limit"
else
  not_ok "the refusal names the value and the limit" "$(cat "$WORK/bad.err")"
fi
expect_bad_input "--initial-c outside the cell's limits" --headless --scenario leaf-2011 --initial-c -40

# ---- bad usage and bad input: exit 2, one line, no file left ----------------------
expect_bad_input "a bad protocol" --headless --protocol "Discharge at 1X until 3 V" --csv "$WORK/never.csv"
if [ -e "$WORK/never.csv" ] || ls -a "$WORK" | grep -q '^\.never\.csv'; then
  not_ok "a failed run leaves no CSV behind" "$(ls -a "$WORK")"
else
  ok "a failed run leaves no CSV behind"
fi
expect_bad_input "a malformed scenario file" --headless --scenario "$BAD/soc-range.json" --csv "$WORK/never.csv"
if grep -q 'soc-range.json: \$.initial.soc' "$WORK/bad.err"; then
  ok "the message names the file and the JSON path"
else
  not_ok "the message names the file and the JSON path" "$(cat "$WORK/bad.err")"
fi
expect_bad_input "a missing scenario file" --headless --scenario "$WORK/missing.json" --csv "$WORK/never.csv"
expect_bad_input "an unknown option" --headless --frobnicate
expect_bad_input "an unknown option without --headless (the application's parser)" --frobnicate
expect_bad_input "a bad --dt" --headless --dt 0 --csv "$WORK/never.csv"
expect_bad_input "--print-scenario of an unknown preset" --print-scenario leaf-2099
expect_bad_input "a CSV in a missing directory" --headless --protocol "Rest for 1 s" --csv "$WORK/no/such/dir/out.csv"

# ---- strict numbers: no hex, no spaces, no junk, finite, in range ------------------
for bad in "--dt=0x10" "--dt= 1" "--dt=1 " "--dt=1e999" "--ambient-c=25C" "--ambient-c=nan" \
           "--ambient-c=inf" "--seed=-1" "--seed=0x10" "--seed=1e3" "--seed= 7"; do
  option=${bad%%=*}
  "$PACKSCOPE" --headless --protocol "Rest for 1 s" "$bad" >/dev/null 2>"$WORK/num.err"
  status=$?
  if [ "$status" -eq 2 ] && [ "$(wc -l <"$WORK/num.err")" -eq 1 ] &&
     grep -q -- "^packscope: $option: expected" "$WORK/num.err"; then
    ok "\"$bad\" is refused, naming the option: $(cat "$WORK/num.err")"
  else
    not_ok "\"$bad\" is refused, naming the option" "exit $status" "$(cat "$WORK/num.err")"
  fi
done

# ---- targets that are not a plain writable file ------------------------------------
mkfifo "$WORK/fifo"
timeout 20 "$PACKSCOPE" --headless --protocol "Rest for 1 s" --csv "$WORK/fifo" 2>"$WORK/fifo.err"
status=$?
if [ "$status" -eq 2 ] && grep -q "FIFO" "$WORK/fifo.err" && [ -p "$WORK/fifo" ]; then
  ok "a FIFO as --csv is refused at once, not blocked on: $(cat "$WORK/fifo.err")"
else
  not_ok "a FIFO as --csv is refused at once" "exit $status" "$(cat "$WORK/fifo.err")"
fi

echo "precious" >"$WORK/target.csv"
ln -s target.csv "$WORK/link.csv"
"$PACKSCOPE" --headless --protocol "Rest for 1 s" --csv "$WORK/link.csv" 2>"$WORK/link.err"
status=$?
if [ "$status" -eq 2 ] && [ -L "$WORK/link.csv" ] && [ "$(cat "$WORK/target.csv")" = precious ] &&
   grep -q "symbolic link" "$WORK/link.err"; then
  ok "a symlink as --csv is refused and left alone: $(cat "$WORK/link.err")"
else
  not_ok "a symlink as --csv is refused and left alone" "exit $status" "$(cat "$WORK/link.err")"
fi

echo "read only" >"$WORK/ro.csv"
chmod 444 "$WORK/ro.csv"
"$PACKSCOPE" --headless --protocol "Rest for 1 s" --csv "$WORK/ro.csv" 2>"$WORK/ro.err"
status=$?
if [ "$status" -eq 2 ] && [ "$(cat "$WORK/ro.csv")" = "read only" ] && grep -q "read-only" "$WORK/ro.err" &&
   "$PACKSCOPE" --headless --protocol "Rest for 1 s" --csv "$WORK/ro.csv" --force 2>/dev/null &&
   [ "$(head -n1 "$WORK/ro.csv")" = "$HEADER" ] && [ "$(stat -c %a "$WORK/ro.csv")" = 444 ]; then
  ok "a read-only file is refused, and replaced (keeping its mode) with --force"
else
  not_ok "a read-only file is refused, and replaced (keeping its mode) with --force" \
    "exit $status" "$(cat "$WORK/ro.err")" "$(ls -l "$WORK/ro.csv")"
fi

# ---- a disk that fills ------------------------------------------------------------------
"$PACKSCOPE" --headless --protocol "Rest for 100 hours" --csv /dev/full 2>"$WORK/full.err"
status=$?
rows=$(sed -n 's/.*write failed after \([0-9]*\) rows.*/\1/p' "$WORK/full.err")
if [ "$status" -eq 3 ] && [ "$(wc -l <"$WORK/full.err")" -eq 1 ] && [ -n "$rows" ] &&
   [ "$rows" -lt 10000 ] && grep -q "No space left on device" "$WORK/full.err"; then
  ok "/dev/full stops the run at once (exit 3): $(cat "$WORK/full.err")"
else
  not_ok "/dev/full stops the run at once (exit 3)" "exit $status" "$(cat "$WORK/full.err")"
fi

if [ "$(id -u)" -eq 0 ] && mkdir -p "$WORK/tmpfs" && mount -t tmpfs -o size=1m tmpfs "$WORK/tmpfs" 2>/dev/null; then
  "$PACKSCOPE" --headless --protocol "Rest for 10 hours" --csv "$WORK/tmpfs/out.csv" 2>"$WORK/tmpfs.err"
  status=$?
  left=$(ls -A "$WORK/tmpfs")
  umount "$WORK/tmpfs"
  if [ "$status" -eq 3 ] && [ -z "$left" ] && grep -q "No space left on device" "$WORK/tmpfs.err"; then
    ok "a full 1 MB tmpfs stops the run (exit 3) and leaves nothing: $(cat "$WORK/tmpfs.err")"
  else
    not_ok "a full 1 MB tmpfs stops the run and leaves nothing" "exit $status, left: $left" \
      "$(cat "$WORK/tmpfs.err")"
  fi
else
  n=$((n + 1))
  echo "ok $n # SKIP a small tmpfs needs root and mount"
fi

# ---- interrupts ---------------------------------------------------------------------------
# run_and_signal SIGNAL CSV [ARGS...]: starts a long run, waits for its
# temporary file to grow, signals it, and leaves its exit status in $status
run_and_signal () {
  sig=$1
  csv=$2
  shift 2
  "$PACKSCOPE" --headless --protocol "Rest for 1000 hours" --csv "$csv" "$@" 2>"$WORK/sig.err" &
  pid=$!
  tries=0
  # (a loaded machine can take seconds to start: signal only a run that
  # is writing rows, whose handlers are installed)
  while [ "$tries" -lt 1200 ]; do
    tmp=$(ls -A "$(dirname "$csv")" | grep "^\.$(basename "$csv")\." | head -n1)
    if [ -n "$tmp" ] && [ "$(stat -c %s "$(dirname "$csv")/$tmp")" -gt 300000 ]; then
      break
    fi
    sleep 0.05
    tries=$((tries + 1))
  done
  kill "-$sig" "$pid"
  wait "$pid"
  status=$?
}

mkdir "$WORK/int"
run_and_signal INT "$WORK/int/run.csv"
if [ "$status" -eq 130 ] && [ -z "$(ls -A "$WORK/int")" ] && grep -q "interrupted by SIGINT" "$WORK/sig.err"; then
  ok "SIGINT mid-run: exit 130 and no file, not even the temporary one: $(cat "$WORK/sig.err")"
else
  not_ok "SIGINT mid-run: exit 130 and no file" "exit $status, left: $(ls -A "$WORK/int")" "$(cat "$WORK/sig.err")"
fi

run_and_signal TERM "$WORK/int/part.csv" --keep-partial
if [ "$status" -eq 143 ] && [ "$(ls -A "$WORK/int")" = part.csv ] &&
   [ "$(head -n1 "$WORK/int/part.csv")" = "$HEADER" ] &&
   [ "$(tail -c1 "$WORK/int/part.csv" | od -An -c | tr -d ' ')" = '\n' ] &&
   awk -F, 'NR > 1 && (NF != 17 || $1 != NR - 2) { exit 1 }' "$WORK/int/part.csv" &&
   grep -q "kept the partial CSV ($(($(wc -l <"$WORK/int/part.csv") - 1)) rows)" "$WORK/sig.err"; then
  ok "SIGTERM with --keep-partial: exit 143 and a valid CSV of whole rows: $(cat "$WORK/sig.err")"
else
  not_ok "SIGTERM with --keep-partial: exit 143 and a valid CSV" "exit $status, left: $(ls -A "$WORK/int")" \
    "$(cat "$WORK/sig.err")" "$(tail -n2 "$WORK/int/part.csv" 2>/dev/null)"
fi

# stdout is written in place: an interrupt cannot take the rows back, and
# the message says they went out instead of "no CSV written"
"$PACKSCOPE" --headless --protocol "Rest for 1000 hours" --csv - >"$WORK/int/stdout.csv" 2>"$WORK/sig.err" &
pid=$!
tries=0
while [ "$tries" -lt 1200 ] && [ "$(stat -c %s "$WORK/int/stdout.csv")" -lt 300000 ]; do
  sleep 0.05
  tries=$((tries + 1))
done
kill -INT "$pid"
wait "$pid"
status=$?
if [ "$status" -eq 130 ] && ! grep -q "no CSV written" "$WORK/sig.err" &&
   grep -q "rows so far went to stdout" "$WORK/sig.err"; then
  ok "SIGINT while writing to stdout: exit 130, the rows already out are said to be out: $(cat "$WORK/sig.err")"
else
  not_ok "SIGINT while writing to stdout: the message says the rows went out" "exit $status" "$(cat "$WORK/sig.err")"
fi
rm -f "$WORK/int/stdout.csv"

# a second signal ends the program at once, and still leaves no file: both
# arrive while it is stopped, so the second one is certain to find the first
mkdir "$WORK/int2"
"$PACKSCOPE" --headless --scenario leaf-2011 --protocol "Rest for 100 hours" --cells \
  --csv "$WORK/int2/run.csv" 2>"$WORK/int2.err" &
pid=$!
tries=0
while [ "$tries" -lt 1200 ]; do
  tmp=$(ls -A "$WORK/int2" | head -n1)
  if [ -n "$tmp" ] && [ "$(stat -c %s "$WORK/int2/$tmp")" -gt 300000 ]; then
    break
  fi
  sleep 0.05
  tries=$((tries + 1))
done
kill -STOP "$pid"
kill -INT "$pid"
kill -TERM "$pid"
kill -CONT "$pid"
wait "$pid"
status=$?
if [ "$tries" -lt 1200 ] && [ "$status" -ge 128 ] && [ -z "$(ls -A "$WORK/int2")" ]; then
  ok "a second signal ends the run at once and leaves no temporary file (exit $status)"
else
  not_ok "a second signal ends the run at once and leaves no temporary file" \
    "exit $status after $tries waits, left: $(ls -A "$WORK/int2")" "$(cat "$WORK/int2.err")"
fi

# ---- size up front, and progress ---------------------------------------------------------
expect_bad_input "a run too big for the limits needs --force" --headless --scenario model-s-85 \
  --protocol "Discharge at 0.1C for 10 hours" --cells --csv "$WORK/huge.csv"
if grep -q "about .* GB of CSV.*--force" "$WORK/bad.err" && [ ! -e "$WORK/huge.csv" ]; then
  ok "the size message gives the numbers and names --force"
else
  not_ok "the size message gives the numbers and names --force" "$(cat "$WORK/bad.err")"
fi

if command -v script >/dev/null 2>&1; then
  script -qec "'$PACKSCOPE' --headless --protocol 'Rest for 100 hours' --csv '$WORK/prog.csv'" /dev/null \
    >"$WORK/tty.out" 2>&1
  if grep -q "simulated ([0-9]* % of the protocol), [0-9]* rows, [0-9.]* [kMG]*B written" "$WORK/tty.out" &&
     grep -q "delivered" "$WORK/tty.out"; then
    ok "progress on a terminal: $(tr '\r' '\n' <"$WORK/tty.out" | grep "% of the protocol" | tail -n1 | tr -d '\033')"
  else
    not_ok "progress on a terminal" "$(tr '\r' '\n' <"$WORK/tty.out" | tail -n3)"
  fi
else
  n=$((n + 1))
  echo "ok $n # SKIP script(1) is not installed"
fi

# a pack that cooled below its cells' lower temperature limit carries no load:
# the discharge ends at once for that reason (issue 7), it does not run at -39 C
if "$PACKSCOPE" --headless --scenario leaf-2011 --ambient-c -40 --initial-c 0 \
     --protocol "Rest for 10 hours; Discharge at 1C until 3.0 V" --csv "$WORK/cold.csv" \
     2>"$WORK/cold.err" &&
   tail -n1 "$WORK/cold.csv" | grep -q ",step 1 duration; step 2 temperature-min cell [0-9]* at once,0,0,$" &&
   [ "$(awk -F, 'NR > 1 && $12 != 0 { print "charge" }' "$WORK/cold.csv" | head -n1)" = "" ] &&
   grep -q "below its lower temperature limit of -30.0 degrees C" "$WORK/cold.err"; then
  ok "a load step on cells below their lower temperature limit ends at once: $(tail -c 120 "$WORK/cold.err")"
else
  not_ok "a load step on cells below their lower temperature limit ends at once" \
    "$(tail -n1 "$WORK/cold.csv" | cut -c1-300)" "$(cat "$WORK/cold.err")"
fi

# ---- the experiment language (issue 10) --------------------------------------------
# the issue's cycle, from a file: four steps, each ending for its reason
printf '(Discharge at 1C until 3 V; Rest for 10 minutes) x 2\n' >"$WORK/cycle.txt"
"$PACKSCOPE" --headless --scenario lg-m50 --protocol-file "$WORK/cycle.txt" --dt 60 \
  --csv "$WORK/cycle.csv" 2>"$WORK/cycle.err"
ends=$(awk -F, 'NR > 1 && $14 != "" { print $14 }' "$WORK/cycle.csv" | tr '\n' '|')
if [ "$ends" = "step 1 until-voltage cell 1|step 2 duration|step 3 until-voltage cell 1|step 4 duration|" ] &&
   awk -F, 'NR > 1 && $7 + 0 < 2.999999 { exit 1 }' "$WORK/cycle.csv" &&
   grep -q "protocol finished (4 steps)" "$WORK/cycle.err"; then
  ok "--protocol-file runs a cycle x 2: $ends"
else
  not_ok "--protocol-file runs a cycle x 2" "$ends" "$(cat "$WORK/cycle.err")"
fi

"$PACKSCOPE" --headless --scenario lg-m50 --protocol "Discharge at 1C for 30 min; Charge at 500 mA until 4.1 V" \
  --dt 60 --csv "$WORK/ma.csv" 2>"$WORK/ma.err"
if [ "$(tail -n1 "$WORK/ma.csv" | cut -d, -f14)" = "step 2 until-voltage cell 1" ] &&
   awk -F, 'NR > 1 && $2 == 2 && $4 != "-0.5" { exit 1 }' "$WORK/ma.csv" &&
   awk -F, 'END { exit !($8 + 0 > 4.0999 && $8 + 0 < 4.1001) }' "$WORK/ma.csv"; then
  ok "Charge at 500 mA until 4.1 V charges at 0.5 A and ends at 4.1 V"
else
  not_ok "Charge at 500 mA until 4.1 V" "$(tail -n2 "$WORK/ma.csv")" "$(cat "$WORK/ma.err")"
fi

"$PACKSCOPE" --headless --scenario leaf-2011 --protocol "Discharge at 1C until 20% SOC" \
  --dt 60 --csv "$WORK/soc.csv" 2>"$WORK/soc.err"
if [ "$(tail -n1 "$WORK/soc.csv" | cut -d, -f6,14)" = "0.2,step 1 until-soc" ] &&
   grep -q "the pack reached 20.0% SOC, its end SOC" "$WORK/soc.err"; then
  ok "Discharge at 1C until 20% SOC ends at pack SOC 0.2 (until-soc)"
else
  not_ok "Discharge at 1C until 20% SOC" "$(tail -n1 "$WORK/soc.csv")" "$(cat "$WORK/soc.err")"
fi

"$PACKSCOPE" --headless --scenario leaf-2011 \
  --protocol "Set ambient to 30 C, Discharge at 2C until 35 C or until 300 V pack; Discharge at 1C until 345 V pack" \
  --dt 60 --csv "$WORK/temp.csv" 2>"$WORK/temp.err"
ends=$(awk -F, 'NR > 1 && $14 != "" { print $14 }' "$WORK/temp.csv" | tr '\n' '|')
if echo "$ends" | grep -q "^step 1 applied at once|step 2 until-temperature cell [0-9]*|step 3 until-pack-voltage|$" &&
   awk -F, '$14 ~ /until-temperature/ { exit !($10 + 0 > 34.99 && $10 + 0 <= 35.0001) }' "$WORK/temp.csv" &&
   awk -F, 'END { exit !($3 + 0 > 344.95 && $3 + 0 < 345.05) }' "$WORK/temp.csv"; then
  ok "Set ambient, until <t> C (hottest cell) and until <x> V pack: $ends"
else
  not_ok "Set ambient, until <t> C and until <x> V pack" "$ends" "$(cat "$WORK/temp.err")"
fi

printf 'time [s], current [A]\n0, 10\n60, 20\n120, -10\n180, 0\n' >"$WORK/profile.csv"
"$PACKSCOPE" --headless --scenario leaf-2011 --protocol "Run $WORK/profile.csv" --dt 7 \
  --csv "$WORK/run.csv" 2>"$WORK/runp.err"
if [ "$(tail -n1 "$WORK/run.csv" | cut -d, -f1,12,14)" = "180,0.25,step 1 duration" ]; then
  ok "Run <file.csv> runs a current profile: 0.25 Ah in 180 s"
else
  not_ok "Run <file.csv> runs a current profile" "$(tail -n1 "$WORK/run.csv")" "$(cat "$WORK/runp.err")"
fi

printf 'time [s], current [A]\n0, 10\n60, x\n' >"$WORK/bad-profile.csv"
expect_bad_input "a profile with a bad number" --headless --protocol "Run $WORK/bad-profile.csv" \
  --csv "$WORK/never.csv"
if grep -q "bad-profile.csv: line 3, column 5: expected a number for the load, found \"x\"" "$WORK/bad.err"; then
  ok "the profile's error names the file, line and column"
else
  not_ok "the profile's error names the file, line and column" "$(cat "$WORK/bad.err")"
fi

expect_bad_input "a protocol error names the step and the column" --headless \
  --protocol "Rest for 1 h; Charge at 1.5 until 4.1 V" --csv "$WORK/never.csv"
if grep -q 'step 2, column 14: expected a unit (A, mA, C, W, kW, V, Ohm) after "1.5"' "$WORK/bad.err"; then
  ok "the protocol's error says what was expected after \"1.5\""
else
  not_ok "the protocol's error says what was expected" "$(cat "$WORK/bad.err")"
fi

# PyBaMM's shape in a scenario file: a list of steps and of lists (cycles)
cat >"$WORK/pybamm.json" <<'EOF'
{ "packscope_scenario": 1, "pack": "leaf-2011",
  "protocol": [ [ "Discharge at 1C for 1 min", "Rest for 1 min" ],
                [ "Discharge at 1C for 1 min", "Rest for 1 min" ], "Rest for 2 min" ] }
EOF
"$PACKSCOPE" --headless --scenario "$WORK/pybamm.json" --dt 30 --csv "$WORK/pybamm.csv" 2>"$WORK/pybamm.err"
if [ "$(tail -n1 "$WORK/pybamm.csv" | cut -d, -f1,2,14)" = "360,5,step 5 duration" ] &&
   grep -q "protocol finished (5 steps)" "$WORK/pybamm.err"; then
  ok "a scenario's protocol in PyBaMM's shape (lists are cycles) runs its 5 steps"
else
  not_ok "a scenario's protocol in PyBaMM's shape" "$(grep protocol "$WORK/pybamm.json")" \
    "$(tail -n1 "$WORK/pybamm.csv")" "$(cat "$WORK/pybamm.err")"
fi
expect_bad_input "--protocol and --protocol-file together" --headless --protocol "Rest for 1 s" \
  --protocol-file "$WORK/cycle.txt" --csv "$WORK/never.csv"

# standard output that cannot take the bytes is a failed write too (exit 3)
if [ -w /dev/full ]; then
  "$PACKSCOPE" --print-scenario lg-m50 >/dev/full 2>"$WORK/full.err"
  status=$?
  if [ "$status" -eq 3 ] && grep -q "writing to stdout failed: No space left on device" "$WORK/full.err"; then
    ok "--print-scenario into a full disk exits 3 with one line: $(cat "$WORK/full.err")"
  else
    not_ok "--print-scenario into a full disk exits 3" "exit $status" "$(cat "$WORK/full.err")"
  fi
else
  n=$((n + 1))
  echo "ok $n # SKIP /dev/full is not writable"
fi

# ---- faults -----------------------------------------------------------------
expect_bad_input "--fault without a required field" --headless --fault kind=internal_short,cell=57
if grep -q "resistance_ohm: missing" "$WORK/bad.err"; then :; else
  not_ok "--fault names the missing field" "$(cat "$WORK/bad.err")"
fi
expect_bad_input "--fault on a cell the pack does not have" --headless --scenario leaf-2011 \
  --fault kind=open_cell,cell=500
"$PACKSCOPE" --headless --scenario leaf-2011 --protocol "Rest for 5 min" \
  --fault kind=thermal_runaway,cell=57 --events "$WORK/tr.jsonl" 2>"$WORK/tr.err"
status=$?
if [ "$status" -eq 0 ] && grep -q "thermal runaway: [0-9]* of 192 cells ran away: cell 57 at" "$WORK/tr.err" &&
   grep -q '"kind":"runaway","cell":57' "$WORK/tr.jsonl" &&
   grep -q '"kind":"fault","cell":57' "$WORK/tr.jsonl"; then
  ok "a forced runaway is in the summary and the events: $(tail -c 100 "$WORK/tr.err")"
else
  not_ok "a forced runaway is in the summary and the events" "exit $status" "$(cat "$WORK/tr.err")" \
    "$(head -c 1000 "$WORK/tr.jsonl")"
fi

# the BMS: an injected over-voltage (its threshold at 4.0 V) opens the
# contactor; the reason is in the events file and in the CSV's bms_state
cat >"$WORK/ov.json" <<'JSON'
{ "pack": "leaf-2011", "initial": { "soc": 0.5 }, "bms": { "cell_voltage_max_v": 4.0 },
  "protocol": ["Charge at 0.5C for 2 hours", "Rest for 10 minutes"] }
JSON
if "$PACKSCOPE" --headless --scenario "$WORK/ov.json" --csv "$WORK/ov.csv" --events "$WORK/ov.jsonl" \
     --dt 60 2>"$WORK/ov.err" &&
   [ "$(tail -n1 "$WORK/ov.csv" | cut -d, -f17)" = "open:over-voltage" ] &&
   [ "$(sed -n 2p "$WORK/ov.csv" | cut -d, -f17)" = "ok" ] &&
   grep -q '"kind":"contactor-open","cell":[0-9]*,"reason":"over-voltage"' "$WORK/ov.jsonl" &&
   grep -q "step 1 contactor-open cell [0-9]*" "$WORK/ov.csv"; then
  ok "an injected over-voltage opens the contactor: $(grep contactor-open "$WORK/ov.jsonl" | cut -c1-200)"
else
  not_ok "an injected over-voltage opens the contactor" "$(tail -n2 "$WORK/ov.csv")" \
    "$(cat "$WORK/ov.jsonl" "$WORK/ov.err" | head -c 2000)"
fi

# a drive: speed and distance in the CSV, the summary gives Wh/km
if "$PACKSCOPE" --headless --scenario leaf-2011 --protocol "Drive UDDS" --csv "$WORK/drive.csv" \
     --dt 10 2>"$WORK/drive.err" &&
   grep -q "drove 11.99 km at [0-9.]* Wh/km at the pack" "$WORK/drive.err" &&
   awk -F, 'NR > 1 { if ($15 < 0 || $15 > 30 || $16 < last) exit 1; last = $16; if ($15 > 0) moving = 1 }
            END { exit !(moving && last > 11980 && last < 12000) }' "$WORK/drive.csv"; then
  ok "Drive UDDS: $(tail -c 160 "$WORK/drive.err")"
else
  not_ok "Drive UDDS writes speed and distance and gives Wh/km" "$(tail -n2 "$WORK/drive.csv")" \
    "$(cat "$WORK/drive.err")"
fi

# a speed trace the CLI cannot read names the file, the line and the column
printf 'time_s,speed_kmh\n0,0\n1,fast\n' >"$WORK/trace.csv"
"$PACKSCOPE" --headless --scenario leaf-2011 --protocol "Drive $WORK/trace.csv" 2>"$WORK/trace.err"
status=$?
if [ "$status" -eq 2 ] && grep -q "trace.csv:3:2: expected a speed, got \"fast\"" "$WORK/trace.err"; then
  ok "a bad speed trace: $(cat "$WORK/trace.err")"
else
  not_ok "a bad speed trace exits 2 naming the file, line and column" "exit $status" "$(cat "$WORK/trace.err")"
fi

if "$PACKSCOPE" --help >"$WORK/help" 2>&1 && grep -q -- "--headless" "$WORK/help" &&
   grep -q "cellNNNN_v" "$WORK/help"; then
  ok "--help exits 0 and documents --headless and the CSV columns"
else
  not_ok "--help exits 0 and documents --headless and the CSV columns" "$(head -c 1000 "$WORK/help")"
fi

# the program as a whole: what it does and that it has a window
if grep -q "watch a lithium-ion battery pack work" "$WORK/help" &&
   grep -q "opens its window" "$WORK/help" && grep -q -- "--version" "$WORK/help"; then
  ok "--help describes the whole program (window and headless) and lists --version"
else
  not_ok "--help describes the whole program" "$(head -c 600 "$WORK/help")"
fi

version=$("$PACKSCOPE" --version 2>"$WORK/version.err")
status=$?
if [ "$status" -eq 0 ] && echo "$version" | grep -Eqx 'packscope [0-9]+\.[0-9]+\.[0-9]+' &&
   [ ! -s "$WORK/version.err" ]; then
  ok "--version prints \"packscope X.Y.Z\" and exits 0: $version"
else
  not_ok "--version prints its version" "exit $status: $version $(cat "$WORK/version.err")"
fi

# --bench-only names its part, or is refused before any benchmark runs
out=$("$PACKSCOPE" --bench --bench-only nope 2>&1)
status=$?
if [ "$status" -eq 2 ] && echo "$out" | grep -q 'expected engine, threads, render or ui, got "nope"' &&
   ! echo "$out" | grep -q ':.*[0-9]$'; then
  ok "--bench-only refuses an unknown part before running anything"
else
  not_ok "--bench-only refuses an unknown part" "exit $status: $out"
fi

# an empty or blank cell file is refused by name (json-glib reads it as a
# document without a root: it crashed the cell loader)
: > "$WORK/empty-cell.json"
out=$("$PACKSCOPE" --headless --cell "$WORK/empty-cell.json" 2>&1)
status=$?
if [ "$status" -eq 2 ] && echo "$out" | grep -q 'empty-cell.json: \$: expected a JSON object, got an empty document'; then
  ok "an empty cell file is refused, naming the file"
else
  not_ok "an empty cell file is refused" "exit $status: $out"
fi

# ---- --threads: the same bytes on any number of threads ------------------------
# The Leaf pack (192 ECM cells) on a drive, a discharge to its voltage limit
# and a charge, with an internal short and a heater, every cell's columns and
# the events; Model S (7,104 cells) as SPMe cells for a few seconds.
THREADS_PROTOCOL='Drive us06; Discharge at 2C until 3.2 V; Charge at 1C until 4.1 V'
for t in 1 2 3 8; do
  "$PACKSCOPE" --headless --scenario leaf-2011 --protocol "$THREADS_PROTOCOL" --threads "$t" \
    --fault kind=internal_short,cell=57,at_s=300,resistance_ohm=0.5 \
    --fault kind=heater,cell=100,power_w=20,at_s=100,duration_s=400 \
    --dt 5 --cells --csv "$WORK/threads-$t.csv" --events "$WORK/threads-$t.events" 2>/dev/null
done
if [ "$(wc -l <"$WORK/threads-1.csv")" -gt 100 ] && [ -s "$WORK/threads-1.events" ] &&
   cmp -s "$WORK/threads-1.csv" "$WORK/threads-2.csv" &&
   cmp -s "$WORK/threads-1.csv" "$WORK/threads-3.csv" &&
   cmp -s "$WORK/threads-1.csv" "$WORK/threads-8.csv" &&
   cmp -s "$WORK/threads-1.events" "$WORK/threads-8.events"; then
  ok "--threads 1, 2, 3 and 8 write the same CSV and events (Leaf, ECM, drive and faults)"
else
  not_ok "--threads 1, 2, 3 and 8 write the same CSV and events (Leaf, ECM, drive and faults)" \
    "$(cmp "$WORK/threads-1.csv" "$WORK/threads-2.csv" 2>&1)" \
    "$(cmp "$WORK/threads-1.csv" "$WORK/threads-3.csv" 2>&1)" \
    "$(cmp "$WORK/threads-1.csv" "$WORK/threads-8.csv" 2>&1)"
fi

"$PACKSCOPE" --print-scenario model-s-85 \
  | sed 's/"id": "panasonic-ncr18650b",/&\n    "electrochem": "chen2020",/' >"$WORK/model-s-spme.json"
for t in 1 2 3 8; do
  "$PACKSCOPE" --headless --scenario "$WORK/model-s-spme.json" --cell-model spme --threads "$t" \
    --protocol "Discharge at 1C for 4 s; Rest for 2 s" --cells --csv "$WORK/ms-threads-$t.csv" \
    2>"$WORK/ms-threads-$t.err"
done
if [ "$(wc -l <"$WORK/ms-threads-1.csv")" -eq 8 ] &&
   cmp -s "$WORK/ms-threads-1.csv" "$WORK/ms-threads-2.csv" &&
   cmp -s "$WORK/ms-threads-1.csv" "$WORK/ms-threads-3.csv" &&
   cmp -s "$WORK/ms-threads-1.csv" "$WORK/ms-threads-8.csv"; then
  ok "--threads 1, 2, 3 and 8 write the same CSV (Model S, 7,104 SPMe cells)"
else
  not_ok "--threads 1, 2, 3 and 8 write the same CSV (Model S, 7,104 SPMe cells)" \
    "$(wc -l <"$WORK/ms-threads-1.csv") rows" "$(cat "$WORK/ms-threads-1.err")" \
    "$(cmp "$WORK/ms-threads-1.csv" "$WORK/ms-threads-2.csv" 2>&1)" \
    "$(cmp "$WORK/ms-threads-1.csv" "$WORK/ms-threads-8.csv" 2>&1)"
fi

expect_bad_input "--threads past the maximum" --headless --threads 65 --protocol "Rest for 1 s"
if grep -q -- '--threads' "$WORK/bad.err" && grep -q '64' "$WORK/bad.err"; then
  ok "the refusal names --threads and its range"
else
  not_ok "the refusal names --threads and its range" "$(cat "$WORK/bad.err")"
fi
expect_bad_input "--threads negative" --headless --threads -1 --protocol "Rest for 1 s"
expect_bad_input "--threads not a number" --headless --threads two --protocol "Rest for 1 s"
expect_bad_input "--threads without --headless" --threads 2
"$PACKSCOPE" --headless --threads 0 --protocol "Rest for 2 s" --csv "$WORK/threads-auto.csv" 2>/dev/null
if [ "$(wc -l <"$WORK/threads-auto.csv")" -eq 4 ]; then
  ok "--threads 0 (one per processor) runs"
else
  not_ok "--threads 0 (one per processor) runs" "$(cat "$WORK/threads-auto.csv")"
fi

# the cells whose ECM comes from their physics sets (Ai 2020, Ecker 2015) run
# as each model, a 1C discharge to their cut-off
for cell in enertech-lco-pouch kokam-slpb75106100; do
  for model in ecm spme dfn; do
    out=$("$PACKSCOPE" --headless --cell "$SRCDIR/../resources/cells/$cell.json" --cell-model $model \
          --csv "$WORK/$cell-$model.csv" 2>&1)
    status=$?
    if [ "$status" -eq 0 ] && echo "$out" | grep -q 'delivered [0-9.]* Ah' \
       && echo "$out" | grep -q 'reached [0-9.]* V, its end voltage'; then
      ok "--cell $cell --cell-model $model: $(echo "$out" | grep -o 'delivered [0-9.]* Ah')"
    else
      not_ok "--cell $cell --cell-model $model" "exit $status: $out"
    fi
  done
done

# the plan comes last (TAP allows it): a run that stops early has none and fails
echo "1..$n"
exit 0
