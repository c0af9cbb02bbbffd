# Standard input has no size before it is read: the progress line shows
# what was read, without a total, a percentage or the time left.
set -o pipefail
script -qec "$WHOSAID --model rules - < tests/fixtures/bridge.txt 2>&1 >/dev/null" /dev/null |
	cat -v | sed -E -f tests/cli/progress_normalise.sed
