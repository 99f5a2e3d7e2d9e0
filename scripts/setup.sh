#!/usr/bin/env bash
# Install what the build and the tests need, skipping whatever is already there:
#   the wasm32 target, trunk, the wasm-bindgen CLI (same version as Cargo.lock),
#   Debian's chromium + chromium-driver, and wasm-opt (npm binaryen@132) in <repo>/.tools.
# Everything comes from the package registries (crates.io, Debian, npm); nothing else.
#
#   bash scripts/setup.sh       install
#   source scripts/setup.sh     install, and keep the PATH additions in this shell
#
# Safe to run again: a second run only prints "present" lines.

_mqlab_root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"

# PATH additions, first so the checks below find what an earlier run installed.
case ":$PATH:" in *":$_mqlab_root/.tools/node_modules/.bin:"*) ;; *) PATH="$_mqlab_root/.tools/node_modules/.bin:$PATH" ;; esac
case ":$PATH:" in *":$HOME/.cargo/bin:"*) ;; *) PATH="$HOME/.cargo/bin:$PATH" ;; esac
export PATH
# trunk: never ask GitHub for its latest version (the network here is registries only).
export TRUNK_SKIP_VERSION_CHECK=true

# The work runs in a subshell with strict mode, so `source` does not change the caller's
# shell options or exit it on failure.
(
    set -euo pipefail
    root="$_mqlab_root"
    say() { printf 'setup: %s\n' "$*"; }
    as_root() { if [ "$(id -u)" = 0 ]; then "$@"; elif command -v sudo >/dev/null; then sudo "$@"; else say "need root for: $*"; return 1; fi; }
    apt_updated=""
    apt_install() {
        if [ -z "$apt_updated" ]; then
            say "apt-get update"
            as_root env DEBIAN_FRONTEND=noninteractive apt-get update -qq
            apt_updated=1
        fi
        say "apt-get install $*"
        as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "$@" >/dev/null
    }

    command -v cargo >/dev/null || { say "cargo not found: install Rust with rustup (https://rustup.rs) first"; exit 1; }

    # 1. The wasm target.
    if command -v rustup >/dev/null; then
        if rustup target list --installed | grep -qx wasm32-unknown-unknown; then
            say "wasm32-unknown-unknown target present"
        else
            say "rustup target add wasm32-unknown-unknown"
            rustup target add wasm32-unknown-unknown
        fi
    else
        say "rustup not found: assuming the toolchain has the wasm32-unknown-unknown target"
    fi

    # 2. trunk.
    trunk_version=0.22.1
    if trunk --version 2>/dev/null | grep -q "trunk $trunk_version\b"; then
        say "trunk $trunk_version present"
    else
        say "cargo install trunk $trunk_version (cold: ~8 min)"
        # trunk 0.22 declares a newer rustc than it needs; --ignore-rust-version builds it.
        cargo install trunk --locked --ignore-rust-version --version "$trunk_version"
    fi

    # 3. wasm-bindgen CLI (and wasm-bindgen-test-runner): exactly the crate's version.
    bindgen_version="$(awk '/^name = "wasm-bindgen"$/ { getline; gsub(/version = |"/, ""); print; exit }' "$root/Cargo.lock")"
    [ -n "$bindgen_version" ] || { say "no wasm-bindgen entry in Cargo.lock"; exit 1; }
    if wasm-bindgen --version 2>/dev/null | grep -q "wasm-bindgen $bindgen_version\b" && command -v wasm-bindgen-test-runner >/dev/null; then
        say "wasm-bindgen-cli $bindgen_version present"
    else
        say "cargo install wasm-bindgen-cli $bindgen_version (cold: ~2 min)"
        # Not --locked: a locked transitive version is missing from the registry.
        cargo install wasm-bindgen-cli --version "$bindgen_version" --force
    fi

    # 4. Chromium and its driver (Debian's), for wasm-bindgen-test and Playwright.
    if [ -x /usr/bin/chromium ] && command -v chromedriver >/dev/null; then
        say "chromium + chromedriver present"
    else
        apt_install chromium chromium-driver
    fi

    # 4b. A CJK font, so Chinese text renders in headless Chromium's screenshots.
    if command -v fc-list >/dev/null && fc-list 2>/dev/null | grep -qiE "wqy|noto (sans|serif) cjk"; then
        say "CJK font present"
    else
        apt_install fonts-wqy-zenhei fontconfig
    fi

    # 5. Node/npm (for wasm-opt and Playwright) and python3 (serves dist/).
    if command -v npm >/dev/null && command -v node >/dev/null; then
        say "node $(node --version) + npm present"
    else
        apt_install nodejs npm
    fi
    if command -v python3 >/dev/null; then
        say "python3 present"
    else
        apt_install python3
    fi

    # 6. wasm-opt from npm binaryen@132 (Debian's is too old for Rust's wasm).
    if "$root/.tools/node_modules/.bin/wasm-opt" --version 2>/dev/null | grep -q "version 132\b"; then
        say "wasm-opt 132 present (.tools)"
    else
        say "npm install binaryen@132 into .tools"
        mkdir -p "$root/.tools"
        npm install --prefix "$root/.tools" --no-audit --no-fund --loglevel=error binaryen@132 >/dev/null
    fi

    say "ready (PATH has .tools/node_modules/.bin and ~/.cargo/bin)"
)
_mqlab_status=$?
unset _mqlab_root

if [[ "${BASH_SOURCE[0]}" != "$0" ]]; then
    # Sourced: report failure without exiting the caller's shell.
    return "$_mqlab_status"
fi
exit "$_mqlab_status"
