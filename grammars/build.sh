#!/usr/bin/env bash
# Rebuilds grammars/tree-sitter-nix.wasm from the npm package tree-sitter-nix (its generated
# src/parser.c and src/scanner.c) with Debian's clang-19 and lld-19. The output is
# byte-for-byte reproducible; `grammars/build.sh --check` verifies the checked-in file.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/.." && pwd)
src="$root/node_modules/tree-sitter-nix/src"
clang=${CLANG:-clang-19}
out="$here/tree-sitter-nix.wasm"

[ -f "$src/parser.c" ] || { echo "missing $src/parser.c: run npm ci first" >&2; exit 2; }
command -v "$clang" >/dev/null || { echo "$clang not found: apt-get install clang-19 lld-19" >&2; exit 2; }

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
# Build in a fixed directory name so no temporary path can leak into the output.
mkdir -p "$tmp/b" && cp "$src/parser.c" "$src/scanner.c" "$tmp/b/" && cp -r "$src/tree_sitter" "$tmp/b/"
( cd "$tmp/b" && "$clang" --target=wasm32-unknown-wasi -fPIC -shared -Os \
    -Wl,--export=tree_sitter_nix -Wl,--allow-undefined -Wl,--no-entry \
    --sysroot=/usr -isystem /usr/include/wasm32-wasi -nostdlib -fno-exceptions -fvisibility=hidden -fuse-ld=lld \
    -ffile-prefix-map="$tmp/b"=. \
    -I . parser.c scanner.c -o tree-sitter-nix.wasm )

if [ "${1:-}" = "--check" ]; then
  if cmp -s "$tmp/b/tree-sitter-nix.wasm" "$out"; then echo "grammars/tree-sitter-nix.wasm is reproduced byte-for-byte"; else echo "grammars/tree-sitter-nix.wasm differs from a fresh build" >&2; exit 1; fi
else
  cp "$tmp/b/tree-sitter-nix.wasm" "$out"
  echo "wrote $out ($(wc -c <"$out") bytes, sha256 $(sha256sum "$out" | cut -d' ' -f1))"
fi
