#!/usr/bin/env bash
# install.sh — from a fresh Debian 12 machine to a working whosaid.
#
#   ./scripts/install.sh              install the build and test dependencies,
#                                     build, and run whosaid on examples/article.txt
#   ./scripts/install.sh --deps-only  install the dependencies only
#   ./scripts/install.sh --python     also what the Python package needs:
#                                     Debian's venv, pip, setuptools, wheel
#                                     and pandas (for to_dataframe)
#   ./scripts/install.sh --dev        also what the browser test, the load
#                                     benchmark and the Python package's tests
#                                     need: Chromium, Node.js and npm (when
#                                     missing), wrk, the browser test's npm
#                                     package, pytest, pandas, Dask and
#                                     clang's libFuzzer runtime
#
# Dependencies come from Debian's own packages, through apt-get (with --dev,
# the browser test's playwright-core also comes from npm); sudo is used
# only when not running as root.  When every package is already installed,
# apt-get is not called at all.  Works without a terminal (CI=true, no stdin).
set -euo pipefail

cd "$(dirname "$0")/.."

# build-essential: gcc, make, libc headers.  clang: the second compiler of
# `make warnings`.  libutf8proc-dev: Unicode categories, normalisation and
# case folding for the library.  libcmocka-dev: unit tests.  libjansson-dev: the CLI's
# JSON.  libsqlite3-dev: the quote store of `whosaid index`.  python3:
# evaluation and benchmark scripts, and checks of the store.  valgrind:
# memory checks.  time: /usr/bin/time, peak memory in `make bench`.
PACKAGES=(build-essential clang pkg-config libcmocka-dev libjansson-dev libsqlite3-dev libmicrohttpd-dev libutf8proc-dev
	python3 valgrind time)

# For `make browser-test`, `make bench-serve`, `make python-test` and
# `make fuzz-smoke` (libclang-rt-14-dev: clang's libFuzzer runtime, which
# clang only recommends).
# Node.js and npm come from Debian unless a Node.js with its npm is there
# already.
PYTHON_PACKAGES=(python3-venv python3-pip python3-setuptools python3-wheel python3-pandas)
DEV_PACKAGES=(chromium wrk "${PYTHON_PACKAGES[@]}" python3-pytest
	python3-distributed libclang-rt-14-dev)

deps_only=0
dev=0
python=0
for arg in "$@"; do
	case "$arg" in
	--deps-only) deps_only=1 ;;
	--dev) dev=1 ;;
	--python) python=1 ;;
	-h | --help)
		sed -n '2,20s/^# \{0,1\}//p' "$0"
		exit 0
		;;
	*)
		echo "install.sh: unknown option '$arg' (try --help)" >&2
		exit 2
		;;
	esac
done

if [ "$dev" -eq 1 ]; then
	PACKAGES+=("${DEV_PACKAGES[@]}")
elif [ "$python" -eq 1 ]; then
	PACKAGES+=("${PYTHON_PACKAGES[@]}")
	command -v npm >/dev/null 2>&1 || PACKAGES+=(nodejs npm)
fi

missing=()
for pkg in "${PACKAGES[@]}"; do
	if ! dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q 'install ok installed'; then
		missing+=("$pkg")
	fi
done

if [ "${#missing[@]}" -gt 0 ]; then
	if ! command -v apt-get >/dev/null 2>&1; then
		echo "install.sh: apt-get not found; install these yourself: ${missing[*]}" >&2
		exit 1
	fi
	sudo=()
	if [ "$(id -u)" -ne 0 ]; then
		if ! command -v sudo >/dev/null 2>&1; then
			echo "install.sh: not root and no sudo; install these as root: ${missing[*]}" >&2
			exit 1
		fi
		sudo=(sudo)
	fi
	echo "install.sh: installing ${missing[*]}"
	export DEBIAN_FRONTEND=noninteractive
	# A mirror that hiccups once should not fail a whole CI run.
	for attempt in 1 2 3; do
		if "${sudo[@]}" apt-get update -q &&
			"${sudo[@]}" apt-get install -y -q --no-install-recommends "${missing[@]}" </dev/null; then
			break
		fi
		if [ "$attempt" -eq 3 ]; then
			echo "install.sh: apt-get failed three times" >&2
			exit 1
		fi
		echo "install.sh: apt-get failed, retrying in $((attempt * 10)) s" >&2
		sleep $((attempt * 10))
	done
else
	echo "install.sh: all dependencies are installed (${PACKAGES[*]})"
fi

if [ "$dev" -eq 1 ]; then
	# the browser test's one package, as its lock file pins it
	(cd tests/browser && npm ci --no-audit --no-fund)
fi

[ "$deps_only" -eq 1 ] && exit 0

make -j"$(nproc 2>/dev/null || echo 2)"

echo
echo "install.sh: build/whosaid examples/article.txt"
build/whosaid examples/article.txt
echo
echo "install.sh: done.  Run \`make test\` for the test suite, \`build/whosaid --help\` for usage."
