# Names in Polish, Romanian, Russian, Greek and Czech, and one in decomposed
# form (NFD): utf8proc's categories make their capitals capitals, so each
# whole name is the speaker, under both models; in the store the composed
# and decomposed Zoë are one speaker, and --speaker finds Ångström without
# its accents, as FTS5 search does (tests/fixtures/unicode_names.*; not .txt, which the folder tests walk).
for m in rules news; do
	$WHOSAID --model $m -f jsonl tests/fixtures/unicode_names.article |
		python3 -c 'import json, sys; print(" | ".join(a["speaker"]["name"] for a in json.load(sys.stdin)["attributions"]))'
done
work=$(mktemp -d); trap 'rm -rf "$work"' EXIT
$WHOSAID index -q --db "$work/q.db" --jsonl tests/fixtures/unicode_names.jsonl
$WHOSAID search --db "$work/q.db" --speaker angstrom -f tsv | cut -f 3,9
$WHOSAID search --db "$work/q.db" storm -f tsv | cut -f 3,9
$WHOSAID speakers --db "$work/q.db" -f tsv | cut -f 2,4
