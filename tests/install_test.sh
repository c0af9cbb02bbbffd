#!/usr/bin/env bash
# install_test.sh — `make install-test`: whosaid installed as a tool is
# whole without its build tree.
#
# Installs into a temporary prefix (make install PREFIX=...), then moves
# the build folder and the models away, so that nothing can be found
# through them, and checks from outside the checkout: the installed
# command analyses the example with the installed model; `model info`
# names the installed file; the man page renders with no warning; the
# bash completion offers the commands and options; a small C program
# builds against the library with pkg-config and runs; make uninstall
# leaves no file behind.  Closes on "N passed, N failed".
set -uo pipefail
cd "$(dirname "$0")/.." || exit 2
root=$(pwd)
BUILD=${BUILD:-build}
prefix=$(mktemp -d)/usr
passed=0
failed=0
check() { # NAME COMMAND...
	local name=$1
	shift
	if "$@" >/tmp/install_test.out.$$ 2>&1; then
		passed=$((passed + 1))
		echo "PASS $name"
	else
		failed=$((failed + 1))
		echo "FAIL $name"
		sed 's/^/    /' /tmp/install_test.out.$$ | head -20
	fi
}

make --no-print-directory install PREFIX="$prefix" >/tmp/install_test.log.$$ 2>&1 ||
	{ cat /tmp/install_test.log.$$; echo "0 passed, 1 failed"; exit 1; }
mv "$BUILD" "$BUILD.away"
mv models models.away
restore() { mv "$root/$BUILD.away" "$root/$BUILD"; mv "$root/models.away" "$root/models"; }
trap restore EXIT
cd /tmp || exit 2

check "the installed command analyses the example with the installed model" \
	bash -c "'$prefix/bin/whosaid' --format jsonl '$root/examples/article.txt' | grep -q '\"speaker\":{\"name\":\"Tomas Reyes\"'"
check "model info names the installed model" \
	bash -c "'$prefix/bin/whosaid' model info | grep -q '^file: $prefix/share/whosaid/models/news.wsm'"
check "WHOSAID_MODEL_DIR still wins" \
	bash -c "! WHOSAID_MODEL_DIR=/nonexistent '$prefix/bin/whosaid' --model news </dev/null 2>/dev/null"
check "the man page renders without warnings" \
	bash -c "out=\$(MANWIDTH=80 man --warnings -l '$prefix/share/man/man1/whosaid.1' 2>&1 >/dev/null); [ -z \"\$out\" ] && MANWIDTH=80 man -l '$prefix/share/man/man1/whosaid.1' | grep -q 'whosaid serve'"
check "the completion offers commands and a command's options" \
	bash -c "source '$prefix/share/bash-completion/completions/whosaid'; \
		COMP_WORDS=(whosaid se); COMP_CWORD=1; _whosaid; printf '%s\n' \"\${COMPREPLY[@]}\" | grep -qx serve && \
		COMP_WORDS=(whosaid serve --allow); COMP_CWORD=2; _whosaid; printf '%s\n' \"\${COMPREPLY[@]}\" | grep -qx -- --allow-host"
work=$(mktemp -d)
cat >"$work/use.c" <<'C'
#include <whosaid.h>
#include <stdio.h>
#include <string.h>
int main(void)
{
	ws_model *model;
	ws_doc *doc;
	ws_error err;
	const char *text = "Ines Marrow said the pier was shut.";
	if (ws_model_open(NULL, NULL, &model, &err) != WS_OK || ws_doc_new(NULL, &doc) != WS_OK ||
	    ws_doc_analyze(doc, model, text, strlen(text), &err) != WS_OK)
		return 1;
	printf("%zu\n", ws_doc_attribution_count(doc));
	ws_doc_free(doc);
	ws_model_free(model);
	return 0;
}
C
check "a program builds with pkg-config against the shared library and runs" \
	bash -c "cc '$work/use.c' -o '$work/use' \$(PKG_CONFIG_PATH='$prefix/lib/pkgconfig' pkg-config --cflags --libs whosaid) && \
		LD_LIBRARY_PATH='$prefix/lib' '$work/use' | grep -qx 1"
check "and statically, told the models' folder" \
	bash -c "cc '$work/use.c' -o '$work/use-static' -I'$prefix/include' '$prefix/lib/libwhosaid.a' -lutf8proc -lm && WHOSAID_MODEL_DIR='$prefix/share/whosaid/models' '$work/use-static' | grep -qx 1"
cd "$root" || exit 2
restore
trap - EXIT
check "make uninstall leaves no file" \
	bash -c "make --no-print-directory uninstall PREFIX='$prefix' >/dev/null && [ -z \"\$(find '$prefix' -type f)\" ]"
rm -rf "$work" "$(dirname "$prefix")" /tmp/install_test.out.$$ /tmp/install_test.log.$$
echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
