#!/usr/bin/env python3
# offline-helper.py: the parts of check-offline.sh that are easier in Python
# (standard library only).
#
#   offline-helper.py files PKG...
#       NUL-separated paths (relative to /) of the files and symlinks the
#       installed Debian packages PKG... own, to be copied into a runtime's
#       /usr; documentation, manual pages and translations are left out.
#   offline-helper.py derive IN.json OUT.json SOURCE_DIR PLATFORM SDK BRANCH DROP...
#       writes the manifest for the offline build: IN.json with its runtime
#       and SDK replaced by the local ones, the app's "dir" source pointing at
#       SOURCE_DIR, and the modules named DROP... removed (the local SDK
#       already has them). Prints what it changed.
#   offline-helper.py check-png FILE WIDTH HEIGHT
#       checks that FILE is a PNG of WIDTH x HEIGHT that shows something
#       (many colours, no colour covering almost all of it).

import json
import os
import stat
import struct
import subprocess
import sys
import zlib

# merged-/usr top-level symlinks: the runtime's /usr is all there is
MERGED_USR_LINKS = {'/bin', '/sbin', '/lib', '/lib32', '/lib64', '/libx32'}
TOP_DIRS = ('/usr/', '/etc/', '/bin/', '/sbin/', '/lib/', '/lib64/')
SKIP_PREFIXES = (
    '/usr/share/doc/', '/usr/share/doc-base/', '/usr/share/man/',
    '/usr/share/info/', '/usr/share/lintian/', '/usr/share/locale/',
    '/usr/share/gtk-doc/', '/usr/share/help/', '/usr/share/bug/',
    '/usr/share/bash-completion/', '/usr/share/zsh/',
)


def package_files(packages):
    out = subprocess.run(['dpkg-query', '-L'] + packages, check=True,
                         stdout=subprocess.PIPE, text=True).stdout
    seen = set()
    for line in out.splitlines():
        path = line.strip()
        if not path.startswith('/') or path in seen:
            continue
        seen.add(path)
        if path in MERGED_USR_LINKS or not path.startswith(TOP_DIRS):
            continue
        # /lib/x.so lives at /usr/lib/x.so on a merged-/usr system; /usr/lib
        # and /lib are the same directory in the runtime too
        canon = '/usr' + path if not path.startswith(('/usr/', '/etc/')) else path
        if canon.startswith(SKIP_PREFIXES):
            continue
        try:
            st = os.lstat(path)
        except FileNotFoundError:
            continue  # removed by the admin or by a diversion
        if stat.S_ISDIR(st.st_mode):
            continue  # tar creates the directories it needs
        if not (stat.S_ISREG(st.st_mode) or stat.S_ISLNK(st.st_mode)):
            continue
        yield path.lstrip('/')


def cmd_files(packages):
    out = sys.stdout.buffer
    for path in package_files(packages):
        out.write(path.encode() + b'\0')


def cmd_derive(src, dst, source_dir, platform, sdk, branch, drop):
    with open(src) as f:
        manifest = json.load(f)
    app_id = manifest.get('id') or manifest.get('app-id')
    changes = []
    for key, value in (('runtime', platform), ('runtime-version', branch),
                       ('sdk', sdk)):
        changes.append(f'{key}: {manifest.get(key)!r} -> {value!r}')
        manifest[key] = value
    modules = []
    for module in manifest.get('modules', []):
        if isinstance(module, dict) and module.get('name') in drop:
            changes.append(f"module {module['name']}: dropped (the local SDK has it)")
            continue
        if isinstance(module, dict):
            for source in module.get('sources', []):
                if isinstance(source, dict) and source.get('type') == 'dir':
                    changes.append(f"module {module['name']}: dir source "
                                   f"{source.get('path')!r} -> {source_dir!r}")
                    source['path'] = source_dir
                    source.pop('skip', None)
                elif isinstance(source, dict) and source.get('type') in ('git', 'archive', 'file'):
                    sys.exit(f"derive: module {module.get('name')} needs the network "
                             f"({source.get('type')} {source.get('url')}); "
                             f"add it to the modules the local SDK provides")
        modules.append(module)
    manifest['modules'] = modules
    with open(dst, 'w') as f:
        json.dump(manifest, f, indent=2)
        f.write('\n')
    print(f'derived manifest for {app_id}: {dst}')
    for change in changes:
        print(f'  {change}')


def png_pixels(path):
    """Decodes an 8-bit RGB or RGBA, non-interlaced PNG: (width, height, rows)."""
    with open(path, 'rb') as f:
        data = f.read()
    if data[:8] != b'\x89PNG\r\n\x1a\n':
        raise ValueError('not a PNG file')
    pos = 8
    idat = []
    width = height = depth = ctype = interlace = None
    while pos < len(data):
        length, kind = struct.unpack('>I4s', data[pos:pos + 8])
        body = data[pos + 8:pos + 8 + length]
        pos += 12 + length
        if kind == b'IHDR':
            width, height, depth, ctype, _, _, interlace = struct.unpack('>IIBBBBB', body)
        elif kind == b'IDAT':
            idat.append(body)
        elif kind == b'IEND':
            break
    if width is None:
        raise ValueError('no IHDR chunk')
    channels = {2: 3, 6: 4}.get(ctype)
    if depth != 8 or channels is None or interlace != 0:
        raise ValueError(f'unsupported PNG (depth {depth}, colour type {ctype}, '
                         f'interlace {interlace})')
    raw = zlib.decompress(b''.join(idat))
    stride = width * channels
    rows = []
    prev = bytearray(stride)
    for y in range(height):
        ftype = raw[y * (stride + 1)]
        line = bytearray(raw[y * (stride + 1) + 1:(y + 1) * (stride + 1)])
        if ftype == 1:
            for i in range(channels, stride):
                line[i] = (line[i] + line[i - channels]) & 0xff
        elif ftype == 2:
            for i in range(stride):
                line[i] = (line[i] + prev[i]) & 0xff
        elif ftype == 3:
            for i in range(stride):
                left = line[i - channels] if i >= channels else 0
                line[i] = (line[i] + ((left + prev[i]) >> 1)) & 0xff
        elif ftype == 4:
            for i in range(stride):
                a = line[i - channels] if i >= channels else 0
                b = prev[i]
                c = prev[i - channels] if i >= channels else 0
                p = a + b - c
                pa, pb, pc = abs(p - a), abs(p - b), abs(p - c)
                pred = a if pa <= pb and pa <= pc else (b if pb <= pc else c)
                line[i] = (line[i] + pred) & 0xff
        elif ftype != 0:
            raise ValueError(f'bad filter type {ftype} in row {y}')
        rows.append(bytes(line))
        prev = line
    return width, height, channels, rows


def cmd_check_png(path, want_w, want_h):
    try:
        width, height, channels, rows = png_pixels(path)
    except (OSError, ValueError, zlib.error) as e:
        sys.exit(f'check-png: {path}: {e}')
    if (width, height) != (want_w, want_h):
        sys.exit(f'check-png: {path}: {width}x{height}, expected {want_w}x{want_h}')
    counts = {}
    for row in rows:
        for x in range(0, len(row), channels):
            key = row[x:x + 3]
            counts[key] = counts.get(key, 0) + 1
    total = width * height
    top = max(counts.values())
    print(f'check-png: {path}: {width}x{height}, {len(counts)} distinct colours, '
          f'the commonest covers {100.0 * top / total:.1f} %')
    if len(counts) < 64 or top > 0.9 * total:
        sys.exit(f'check-png: {path}: looks blank')


def main(argv):
    if len(argv) >= 2 and argv[1] == 'files':
        cmd_files(argv[2:])
    elif len(argv) >= 8 and argv[1] == 'derive':
        cmd_derive(argv[2], argv[3], argv[4], argv[5], argv[6], argv[7], set(argv[8:]))
    elif len(argv) == 5 and argv[1] == 'check-png':
        cmd_check_png(argv[2], int(argv[3]), int(argv[4]))
    else:
        sys.exit(__doc__ if __doc__ else 'usage: see the head of offline-helper.py')


if __name__ == '__main__':
    main(sys.argv)
