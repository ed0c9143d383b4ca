#!/bin/sh
# test-data.sh: checks of Packscope's desktop integration (suite 'data'),
# printed as TAP.
#
#   test-data.sh desktop  FILE.desktop        desktop-file-validate
#   test-data.sh metainfo FILE.metainfo.xml [SCREENSHOTS_DIR]
#                                             appstreamcli validate --no-net, and
#                                             each screenshot is a committed PNG
#   test-data.sh schema   SCHEMA_SOURCE_DIR   glib-compile-schemas --strict --dry-run
#   test-data.sh translations SOURCE_ROOT     po/POTFILES.in is complete, the
#                                             templates' strings are marked
#   test-data.sh install  MESON BUILD_DIR PREFIX BINDIR DATADIR APP_ID
#                                             meson install --destdir into a
#                                             temporary tree, every file there
#
# A missing validator is a skip naming the Debian package that brings it.

set -u

n=0
failed=0

ok ()
{
  n=$((n + 1))
  echo "ok $n - $1"
}

not_ok ()
{
  n=$((n + 1))
  failed=1
  echo "not ok $n - $1"
}

# run_check DESCRIPTION COMMAND...: one TAP line, the command's output as
# diagnostics
run_check ()
{
  desc=$1
  shift
  if out=$("$@" 2>&1); then
    ok "$desc"
  else
    not_ok "$desc"
  fi
  if [ -n "$out" ]; then
    printf '%s\n' "$out" | sed 's/^/# /'
  fi
}

skip_all ()
{
  echo "1..0 # SKIP $1"
  exit 0
}

need_tool ()
{
  command -v "$1" >/dev/null 2>&1 || skip_all "$1 not found (Debian package $2)"
}

check_desktop ()
{
  need_tool desktop-file-validate desktop-file-utils
  [ -f "$1" ] || { not_ok "desktop file $1 exists"; return; }
  run_check "desktop-file-validate $(basename "$1")" desktop-file-validate "$1"
}

check_metainfo ()
{
  need_tool appstreamcli appstream
  [ -f "$1" ] || { not_ok "metainfo $1 exists"; return; }
  run_check "appstreamcli validate --no-net $(basename "$1")" \
    appstreamcli validate --no-net "$1"
  [ $# -ge 2 ] || return

  # every screenshot the metainfo shows is committed in resources/screenshots
  shots_dir=$2
  urls=$(sed -n 's|.*<image>\(.*\)</image>.*|\1|p' "$1")
  if [ -z "$urls" ]; then
    not_ok "metainfo lists screenshots"
    return
  fi
  for url in $urls; do
    name=${url##*/}
    case $url in
      */resources/screenshots/*.png) ;;
      *) not_ok "screenshot $url is a resources/screenshots/*.png URL"; continue ;;
    esac
    if [ ! -d "$shots_dir" ]; then
      n=$((n + 1))
      echo "ok $n - screenshot $name # SKIP resources/screenshots/ not committed yet"
    elif [ "$(head -c 8 "$shots_dir/$name" 2>/dev/null | od -An -c | tr -d ' ')" = '211PNG\r\n032\n' ]; then
      ok "screenshot $name is a PNG in resources/screenshots"
    else
      not_ok "screenshot $name is a PNG in resources/screenshots (no such PNG: $shots_dir/$name)"
    fi
  done
}

check_schema ()
{
  need_tool glib-compile-schemas libglib2.0-bin
  run_check "glib-compile-schemas --strict --dry-run $1" \
    glib-compile-schemas --strict --dry-run "$1"
}

# check_file PATH DESCRIPTION: the installed tree holds PATH
check_file ()
{
  if [ -f "$1" ] && [ -s "$1" ]; then
    ok "installed: $2"
  else
    not_ok "installed: $2 (no file $1)"
  fi
}

check_install ()
{
  meson=$1 build_dir=$2 prefix=$3 bindir=$4 datadir=$5 app_id=$6

  destdir=$(mktemp -d "${TMPDIR:-/tmp}/packscope-install.XXXXXX") || exit 1
  trap 'rm -rf "$destdir"' EXIT

  run_check "meson install --destdir" \
    "$meson" install -C "$build_dir" --no-rebuild --quiet --destdir "$destdir"

  root=$destdir$prefix
  case $bindir in /*) bin=$destdir$bindir ;; *) bin=$root/$bindir ;; esac
  case $datadir in /*) share=$destdir$datadir ;; *) share=$root/$datadir ;; esac

  desktop=$share/applications/$app_id.desktop
  metainfo=$share/metainfo/$app_id.metainfo.xml
  icon=$share/icons/hicolor/scalable/apps/$app_id.svg
  symbolic=$share/icons/hicolor/symbolic/apps/$app_id-symbolic.svg
  schema=$share/glib-2.0/schemas/$app_id.gschema.xml

  if [ -x "$bin/packscope" ] && [ -f "$bin/packscope" ]; then
    ok "installed: the packscope binary, executable"
  else
    not_ok "installed: the packscope binary (no executable $bin/packscope)"
  fi
  check_file "$desktop" "desktop file"
  check_file "$metainfo" "AppStream metainfo"
  check_file "$icon" "scalable app icon"
  check_file "$symbolic" "symbolic app icon"
  check_file "$schema" "GSettings schema"

  # the pieces must name each other: Exec= the binary, Icon= the icon file,
  # the metainfo's launchable the desktop file, the schema's id the app id
  if grep -qx "Exec=packscope" "$desktop" 2>/dev/null && \
     grep -qx "Icon=$app_id" "$desktop" 2>/dev/null; then
    ok "desktop file launches packscope with icon $app_id"
  else
    not_ok "desktop file launches packscope with icon $app_id"
  fi
  if grep -q "<launchable type=\"desktop-id\">$app_id.desktop</launchable>" "$metainfo" 2>/dev/null && \
     grep -q "<id>$app_id</id>" "$metainfo" 2>/dev/null; then
    ok "metainfo id and launchable match the desktop file"
  else
    not_ok "metainfo id and launchable match the desktop file"
  fi
  if grep -q "<schema id=\"$app_id\" path=\"/$(echo "$app_id" | tr . /)/\">" "$schema" 2>/dev/null; then
    ok "schema id and path follow the app id"
  else
    not_ok "schema id and path follow the app id"
  fi
  # the installed schema compiles on its own, as the post-install step does it
  if command -v glib-compile-schemas >/dev/null 2>&1; then
    run_check "installed schema compiles (--strict)" \
      glib-compile-schemas --strict --dry-run "$share/glib-2.0/schemas"
  fi
  if command -v desktop-file-validate >/dev/null 2>&1; then
    run_check "installed desktop file validates" desktop-file-validate "$desktop"
  fi
}

# check_translations SOURCE_ROOT: po/POTFILES.in names existing files and
# every template and every C file of app/ and ui/ that marks strings (but
# app/ps-cli.c, not translated yet); no template has a visible string left
# unmarked; and xgettext over POTFILES.in finds the widgets' strings.
check_translations ()
{
  root=$1
  potfiles="$root/po/POTFILES.in"
  listed=$(grep -v '^#' "$potfiles" | grep -v '^ *$')

  missing=""
  for f in $listed; do
    [ -f "$root/$f" ] || missing="$missing $f"
  done
  if [ -z "$missing" ]; then
    ok "every file in po/POTFILES.in exists"
  else
    not_ok "po/POTFILES.in names missing files:$missing"
  fi

  unlisted=""
  for f in "$root"/app/*.ui "$root"/ui/*.ui $(grep -l '_("' "$root"/app/*.c "$root"/ui/*.c); do
    rel=${f#"$root"/}
    [ "$rel" = app/ps-cli.c ] && continue
    printf '%s\n' "$listed" | grep -qx "$rel" || unlisted="$unlisted $rel"
  done
  if [ -z "$unlisted" ]; then
    ok "every template and every C file with marked strings is in po/POTFILES.in"
  else
    not_ok "not in po/POTFILES.in:$unlisted"
  fi

  # a visible property or menu label with a letter in it and no
  # translatable="yes" (the program's name, a clock and a unit are not words)
  unmarked=$(grep -nE '<(property|attribute) name="(label|title|subtitle|tooltip-text|description|placeholder-text|text|accessible-label)">[^<]*[A-Za-z]' \
               "$root"/app/*.ui "$root"/ui/*.ui |
             grep -v 'translatable="yes"' |
             grep -vE '>(Packscope|A)</(property|attribute)>')
  if [ -z "$unmarked" ]; then
    ok "no unmarked visible string in the templates"
  else
    not_ok "unmarked visible strings in the templates"
    printf '%s\n' "$unmarked" | sed 's/^/# /'
  fi

  if command -v xgettext >/dev/null 2>&1; then
    pot=$(mktemp)
    (cd "$root" && xgettext --from-code=UTF-8 --keyword=_ --keyword=N_ --keyword=ngettext:1,2 \
       --files-from=po/POTFILES.in --output="$pot") 2>&1 | sed 's/^/# /'
    absent=""
    for s in "No pack loaded" "Group Δ" "Pause (Space)" "Pack Layout" "Could not run “%s”: %s"; do
      grep -qF "msgid \"$s\"" "$pot" || absent="$absent '$s'"
    done
    rm -f "$pot"
    if [ -z "$absent" ]; then
      ok "xgettext finds the window's and the widgets' strings"
    else
      not_ok "xgettext does not find:$absent"
    fi
  else
    echo "ok $((n + 1)) # SKIP xgettext not found (Debian package gettext)"
    n=$((n + 1))
  fi
}

[ $# -ge 1 ] || { echo "usage: $0 desktop|metainfo|schema|install|translations ARGS..." >&2; exit 2; }
what=$1
shift
case $what in
  desktop) [ $# -eq 1 ] || exit 2; check_desktop "$1" ;;
  metainfo) [ $# -ge 1 ] && [ $# -le 2 ] || exit 2; check_metainfo "$@" ;;
  schema) [ $# -eq 1 ] || exit 2; check_schema "$1" ;;
  install) [ $# -eq 6 ] || exit 2; check_install "$@" ;;
  translations) [ $# -eq 1 ] || exit 2; check_translations "$1" ;;
  *) echo "$0: unknown check '$what'" >&2; exit 2 ;;
esac

echo "1..$n"
exit $failed
