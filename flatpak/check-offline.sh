#!/usr/bin/env bash
# check-offline.sh: proves the Flatpak manifest without a network.
#
# Flathub's org.gnome.Platform/Sdk cannot be downloaded here, so this script
# assembles a stand-in runtime and SDK from the machine's own Debian 12
# packages, then does what a Flatpak user and Flathub's builders do:
#
#   1. host       installs flatpak, flatpak-builder, Xvfb and the build
#                 dependencies with apt-get (Debian's archive is reachable)
#   2. runtime    copies the files of the runtime's Debian packages (GTK 4,
#                 libadwaita, json-glib, epoxy, GLib, Mesa, fonts, ...) into
#                 /usr of a Platform, and those plus the -dev packages, gcc,
#                 meson, ninja, pkg-config into /usr of an Sdk, regenerates
#                 the caches that dpkg triggers would make, and exports both
#                 into a local OSTree repo (cached, keyed by package versions)
#   3. install-runtime   flatpak --user remote-add + install of both
#   4. manifest   derives a manifest from flatpak/io.github.packscope.Packscope.json
#                 that differs only in runtime and SDK (modules the local SDK
#                 already has are dropped, the app's dir source is a clean copy
#                 of this tree)
#   5. build      flatpak-builder, with the app's tests run inside the build
#   6. bundle     flatpak build-bundle
#   7. install    flatpak --user install --bundle
#   8. run        packscope --list-presets inside the sandbox, then under
#                 xvfb-run: flatpak run io.github.packscope.Packscope
#                 --screenshot FILE --scenario leaf-2011 --run 600, and checks
#                 the PNG (exists, 1280x800, not blank)
#
# Each stage prints its duration; the last line is PASS or FAIL, and the exit
# status is non-zero on failure. Run as root on Debian 12 (it uses apt-get);
# it works for any user once the packages are there.
#
# Environment:
#   PACKSCOPE_FLATPAK_CACHE  cache directory (default /var/tmp/packscope-flatpak-cache)
#   PACKSCOPE_FLATPAK_NO_APT=1  never call apt-get (fail if something is missing)

set -uo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
src=$(dirname "$here")
helper=$here/offline-helper.py

app_id=io.github.packscope.Packscope
platform_id=io.github.packscope.DebianPlatform
sdk_id=io.github.packscope.DebianSdk
branch=12
arch=$(uname -m)
# bump when the way the runtime is assembled changes, to invalidate caches
assembly_version=1

cache=${PACKSCOPE_FLATPAK_CACHE:-/var/tmp/packscope-flatpak-cache}
work=$cache/work
repo=$cache/runtime-repo
remote=packscope-debian-local
flatpak_user=(flatpak --user)

# Packages of the Platform (what the app needs at run time) and what the Sdk
# adds (what building and testing it needs); both take their dependencies.
platform_packages=(
  libc6 libc-bin dash coreutils
  libglib2.0-0 libglib2.0-bin libglib2.0-data
  libgtk-4-1 libgtk-4-common libadwaita-1-0 libjson-glib-1.0-0 libepoxy0
  libcairo2 libpango-1.0-0 libgdk-pixbuf-2.0-0 librsvg2-common
  libgl1 libegl1 libgl1-mesa-dri libegl-mesa0 libglx-mesa0 libgbm1
  fontconfig fonts-dejavu-core shared-mime-info
  hicolor-icon-theme adwaita-icon-theme gtk-update-icon-cache
)
sdk_packages=(
  bash sed grep gawk findutils diffutils tar gzip xz-utils patch make
  gcc libc6-dev binutils pkgconf meson ninja-build python3
  libglib2.0-dev libglib2.0-dev-bin libgtk-4-dev libgtk-4-bin libadwaita-1-dev
  libjson-glib-dev libepoxy-dev libcairo2-dev libglib-testing-0-dev
  elfutils desktop-file-utils appstream appstream-util
)
# modules of the committed manifest that the local SDK provides itself
provided_modules=(libglib-testing)
# never copied into a runtime: package management and boot-time machinery
excluded_packages='^(dpkg|debconf|init-system-helpers|usrmerge|usr-is-merged|adduser|systemd|systemd-sysv|dbus|dbus-daemon|dbus-system-bus-common|dbus-session-bus-common|dbus-bin|dconf-service|base-passwd|passwd|login|util-linux|mount|sensible-utils)$'
host_packages=(
  flatpak flatpak-builder bubblewrap elfutils xvfb xauth dbus dbus-x11 git
  python3 "${platform_packages[@]}" "${sdk_packages[@]}"
)

failed_stage=
stage_name=
stage_start=

now () { date +%s.%N; }
elapsed () { awk -v a="$stage_start" -v b="$(now)" 'BEGIN { printf "%.1f", b - a }'; }

stage ()
{
  stage_name=$1
  stage_start=$(now)
  echo "== stage $stage_name"
}

stage_done ()
{
  printf '== stage %s: %s s\n' "$stage_name" "$(elapsed)"
}

fail ()
{
  printf '== stage %s: FAILED after %s s: %s\n' "$stage_name" "$(elapsed)" "$*" >&2
  echo "FAIL: flatpak offline check failed in stage '$stage_name': $*"
  exit 1
}

total_start=$(date +%s)

# ---------------------------------------------------------------------------
stage host

missing=()
for p in "${host_packages[@]}"; do
  dpkg-query -W -f='${Status}\n' "$p" 2>/dev/null | grep -q 'install ok installed' \
    || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
  echo "installing: ${missing[*]}"
  if [ "${PACKSCOPE_FLATPAK_NO_APT:-0}" = 1 ] || [ "$(id -u)" != 0 ]; then
    echo "FAIL: missing Debian packages (run as root to install them): ${missing[*]}"
    exit 1
  fi
  export DEBIAN_FRONTEND=noninteractive
  { apt-get update -qq && apt-get install -y -qq --no-install-recommends "${missing[@]}"; } \
    > "${TMPDIR:-/tmp}/packscope-flatpak-apt.log" 2>&1 \
    || { tail -20 "${TMPDIR:-/tmp}/packscope-flatpak-apt.log"; fail "apt-get install failed"; }
fi
for tool in flatpak flatpak-builder bwrap xvfb-run dbus-run-session python3 git; do
  command -v "$tool" >/dev/null || fail "$tool not found"
done
echo "$(flatpak --version), flatpak-builder $(flatpak-builder --version | awk '{print $2}')"
mkdir -p "$cache" "$work" || fail "cannot create $cache"
stage_done

# ---------------------------------------------------------------------------
stage runtime

# closure_of PKG...: the installed packages PKG... depend on, recursively
closure_of ()
{
  apt-cache depends --recurse --installed --no-recommends --no-suggests \
      --no-conflicts --no-breaks --no-replaces --no-enhances "$@" 2>/dev/null \
    | grep -v '^[ <]' | sort -u \
    | while read -r p; do
        dpkg-query -W -f='${Status} ${Package}\n' "$p" 2>/dev/null \
          | awk '$3 == "installed" { print $4 }'
      done \
    | grep -Ev "$excluded_packages" | sort -u
}

platform_list=$(closure_of "${platform_packages[@]}") || fail "dependency closure"
sdk_list=$(closure_of "${platform_packages[@]}" "${sdk_packages[@]}") || fail "dependency closure"
key=$( { echo "assembly $assembly_version"; sed -n '/^assemble_runtime ()/,/^}/p' "$0";
         dpkg-query -W -f='${Package} ${Version} ${Architecture}\n' $sdk_list; } \
       | sha256sum | cut -c1-16)
echo "Platform: $(echo "$platform_list" | wc -l) packages, Sdk: $(echo "$sdk_list" | wc -l) packages, key $key"

# assemble_runtime DIR ID PACKAGES: a runtime directory (metadata + files/)
assemble_runtime ()
{
  local dir=$1 id=$2 packages=$3 files
  files=$dir/files
  rm -rf "$dir" && mkdir -p "$files" || return 1
  # the packages' files; /usr/x and /x both land in files/x
  # shellcheck disable=SC2086
  python3 "$helper" files $packages \
    | tar -C / --null --no-recursion -T - -cf - \
    | tar -C "$files" --transform 's,^usr/,,' -xf - || return 1

  # Debian's alternatives (awk, cc, c++, pager, ...): maintainer scripts make
  # these links, no package owns them; keep those whose choice is in here
  local link alt target
  mkdir -p "$files/etc/alternatives"
  while read -r link; do
    alt=$(readlink "$link")
    target=$(readlink "$alt") || continue
    case $target in /usr/*) ;; /*) target=/usr$target ;; *) continue ;; esac
    [ -e "$files/${target#/usr/}" ] || [ -L "$files/${target#/usr/}" ] || continue
    [ -d "$(dirname "$files/${link#/usr/}")" ] || continue
    [ -L "$files/etc/alternatives/${alt##*/}" ] \
      || ln -s "$target" "$files/etc/alternatives/${alt##*/}"
    [ -e "$files/${link#/usr/}" ] || [ -L "$files/${link#/usr/}" ] \
      || ln -s "$alt" "$files/${link#/usr/}"
  done < <(find /usr -path /usr/share/man -prune -o -lname '/etc/alternatives/*' -print 2>/dev/null)

  # the runtime's ld.so.conf: the app's libraries first, as Flathub's runtimes do
  cat > "$files/etc/ld.so.conf" <<'CONF'
include /run/flatpak/ld.so.conf.d/app-*.conf
include /app/etc/ld.so.conf
/app/lib
include /etc/ld.so.conf.d/*.conf
include /run/flatpak/ld.so.conf.d/runtime-*.conf
CONF
  [ -e "$files/bin/ldconfig" ] || ln -s ../sbin/ldconfig "$files/bin/ldconfig"
  [ -e "$files/bin/sh" ] || ln -s dash "$files/bin/sh"
  # flatpak-builder looks for these in the SDK
  [ -e "$files/bin/python" ] || { [ -e "$files/bin/python3" ] && ln -s python3 "$files/bin/python"; }

  # what dpkg triggers would have made, made inside the runtime itself
  bwrap --bind "$files" /usr --bind "$files/etc" /etc \
        --symlink usr/lib /lib --symlink usr/lib64 /lib64 \
        --symlink usr/bin /bin --symlink usr/sbin /sbin \
        --proc /proc --dev /dev --tmpfs /tmp --tmpfs /var \
        --unshare-all --die-with-parent \
        --setenv PATH /usr/bin:/usr/sbin --setenv LC_ALL C.UTF-8 \
        /bin/sh -ec '
          multiarch=/usr/lib/x86_64-linux-gnu
          ldconfig
          glib-compile-schemas /usr/share/glib-2.0/schemas
          [ ! -d $multiarch/gio/modules ] || gio-querymodules $multiarch/gio/modules
          $multiarch/gdk-pixbuf-2.0/gdk-pixbuf-query-loaders --update-cache
          update-mime-database /usr/share/mime
          for theme in /usr/share/icons/*/; do
            [ ! -f "$theme/index.theme" ] || gtk-update-icon-cache -q -f -t "$theme"
          done
        ' || return 1

  cat > "$dir/metadata" <<META
[Runtime]
name=$id
runtime=$platform_id/$arch/$branch
sdk=$sdk_id/$arch/$branch
META
  flatpak build-export --runtime --files=files \
    --subject="$id assembled from Debian packages ($key)" \
    "$repo" "$dir" "$branch" > /dev/null || return 1
  rm -rf "$dir"
}

if [ -f "$cache/runtime.key" ] && [ "$(cat "$cache/runtime.key")" = "$key" ] \
   && [ -d "$repo/refs" ]; then
  echo "cached in $repo"
else
  rm -rf "$repo" "$cache/runtime.key"
  assemble_runtime "$work/platform" "$platform_id" "$platform_list" \
    || fail "assembling $platform_id"
  echo "exported $platform_id//$branch ($(du -sh "$repo" | cut -f1) repo)"
  assemble_runtime "$work/sdk" "$sdk_id" "$sdk_list" || fail "assembling $sdk_id"
  echo "exported $sdk_id//$branch ($(du -sh "$repo" | cut -f1) repo)"
  echo "$key" > "$cache/runtime.key"
fi
stage_done

# ---------------------------------------------------------------------------
stage install-runtime

"${flatpak_user[@]}" remote-add --if-not-exists --no-gpg-verify "$remote" "file://$repo" \
  || fail "remote-add"
"${flatpak_user[@]}" remote-modify --no-gpg-verify --url="file://$repo" "$remote" || fail "remote-modify"
for ref in "$platform_id//$branch" "$sdk_id//$branch"; do
  want=$(flatpak --user remote-info -c "$remote" "runtime/${ref%//*}/$arch/$branch" 2>/dev/null)
  have=$(flatpak --user info -c "${ref%//*}//$branch" 2>/dev/null)
  if [ -n "$have" ] && [ "$have" = "$want" ]; then
    echo "$ref: installed ($have)"
  elif [ -n "$have" ]; then
    "${flatpak_user[@]}" update -y --noninteractive "$ref" > /dev/null || fail "updating $ref"
    echo "$ref: updated to $want"
  else
    "${flatpak_user[@]}" install -y --noninteractive "$remote" "$ref" > /dev/null || fail "installing $ref"
    echo "$ref: installed $want"
  fi
done
stage_done

# ---------------------------------------------------------------------------
stage manifest

srccopy=$work/src
rm -rf "$srccopy" && mkdir -p "$srccopy" || fail "cannot create $srccopy"
if git -C "$src" rev-parse --git-dir > /dev/null 2>&1; then
  # tracked and new files, as a fresh clone plus uncommitted work would have
  git -C "$src" ls-files -z -c -o --exclude-standard \
    | (cd "$src" && tar --null -T - -cf -) | tar -C "$srccopy" -xf - \
    || fail "copying the source tree"
else
  (cd "$src" && tar --exclude='./_build*' --exclude='./.flatpak-builder' -cf - .) \
    | tar -C "$srccopy" -xf - || fail "copying the source tree"
fi
manifest=$work/$app_id.json
python3 "$helper" derive "$here/$app_id.json" "$manifest" "$srccopy" \
  "$platform_id" "$sdk_id" "$branch" "${provided_modules[@]}" || fail "deriving the manifest"
stage_done

# ---------------------------------------------------------------------------
stage build

builddir=$work/build-dir
apprepo=$work/app-repo
# --disable-download: any source that would need the network fails the build
( cd "$work" && flatpak-builder --user --force-clean --disable-rofiles-fuse \
    --disable-download --disable-updates --state-dir="$work/state" \
    --repo="$apprepo" "$builddir" "$manifest" ) > "$work/build.log" 2>&1
rc=$?
grep -E '^(Ok|Fail|Skipped|Timeout|Expected Fail|Unexpected Pass): ' "$work/build.log" | tr -s ' ' | paste -sd ' ' || true
if [ $rc -ne 0 ]; then
  tail -40 "$work/build.log"
  fail "flatpak-builder exited $rc (log: $work/build.log)"
fi
stage_done

# ---------------------------------------------------------------------------
stage bundle

bundle=$work/$app_id.flatpak
flatpak build-bundle "$apprepo" "$bundle" "$app_id" || fail "build-bundle"
echo "$bundle: $(du -h "$bundle" | cut -f1)"
stage_done

# ---------------------------------------------------------------------------
stage install

"${flatpak_user[@]}" install -y --noninteractive --reinstall --bundle "$bundle" > /dev/null \
  || fail "installing the bundle"
flatpak --user info "$app_id" | sed -n 's/^ *\(Ref\|Runtime\|Commit\):/  &/p'
stage_done

# ---------------------------------------------------------------------------
stage run

presets=$(flatpak run --user "$app_id" --list-presets 2>&1) \
  || fail "flatpak run $app_id --list-presets: $presets"
echo "$presets" | grep -q '^leaf-2011' || fail "--list-presets does not list leaf-2011: $presets"
echo "--list-presets in the sandbox: $(echo "$presets" | grep -c .) lines"

shots=$work/shots
rm -rf "$shots" && mkdir -p "$shots" || fail "cannot create $shots"
shot=$shots/leaf-2011.png
# the app itself has no file access: grant this one directory for this run
if ! timeout 300 xvfb-run -a -s "-screen 0 1920x1200x24" dbus-run-session -- \
       flatpak run --user --filesystem="$shots" "$app_id" \
       --screenshot "$shot" --scenario leaf-2011 --run 600 > "$work/run.log" 2>&1; then
  tail -20 "$work/run.log"
  fail "flatpak run --screenshot failed (log: $work/run.log)"
fi
[ -s "$shot" ] || { tail -20 "$work/run.log"; fail "no screenshot at $shot"; }
python3 "$helper" check-png "$shot" 1280 800 || fail "the screenshot is not right"
stage_done

echo "== total: $(( $(date +%s) - total_start )) s"
echo "PASS: flatpak offline check: $app_id built with its tests, bundled, installed and ran (screenshot $shot)"
