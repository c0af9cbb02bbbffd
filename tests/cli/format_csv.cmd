# CSV (RFC 4180) of JSON Lines records whose members differ: the header
# takes the first record's members (outlet, date, title); a later member
# without a column goes to extra as a JSON object, and one named like a
# column of the row's own ("type") too; a failed record is a row with the
# reason in error (its members kept when the line parsed); a record without
# attributions has no row.  Cells with a comma, a quote or a line break are
# quoted, quotes doubled; a cell that starts with =, +, - or @ gets a '
# inside its quotes.  Line ends are CR LF, shown here as \r.
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
$WHOSAID --model rules --jsonl -f csv -q tests/fixtures/spreadsheet.jsonl > "$work/out.csv"; echo "exit $?"
sed 's/\r$/\\r/' "$work/out.csv"
# What a CSV reader makes of it: every row as wide as the header, and a
# line break inside a cell kept in it.
python3 -c '
import csv, sys
rows = list(csv.reader(open(sys.argv[1], newline="", encoding="utf-8")))
print("rows", len(rows), "widths", sorted({len(r) for r in rows}))
for r in rows[1:]:
	d = dict(zip(rows[0], r))
	print(" | ".join([d["id"], d["outlet"], d["content"].replace("\n", "\\n"), d["error"][:40], d["extra"]]))
' "$work/out.csv"
# On three threads, byte for byte the same.
$WHOSAID --model rules --jsonl -f csv -q -j 3 tests/fixtures/spreadsheet.jsonl | cmp - "$work/out.csv" && echo "-j 3: the same"
