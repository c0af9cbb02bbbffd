# speakers --by gender: the persons quoted, per gender, with the distinct
# speakers and their attributions; the gender of each comes from its
# article (a pronoun, an honorific, a gendered title).  Organizations are
# left out.
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
mkdir "$work/in"
printf 'Mayor Dana Holt said the ferry would run on time. She added that fares would stay low.\n' > "$work/in/a.txt"
printf 'Councilman Omar Reyes said the tunnel was safe. Mr. Reyes said repairs were done.\n' > "$work/in/b.txt"
printf 'Holt said the pier would reopen in May. Mrs. Holt told reporters the money was there.\n' > "$work/in/c.txt"
printf 'The Brackton Harbor Council said the budget was balanced.\n' > "$work/in/d.txt"
$WHOSAID index --db "$work/q.db" -q "$work/in"
$WHOSAID speakers --db "$work/q.db" --by gender -f tsv
$WHOSAID speakers --db "$work/q.db" --by gender -f jsonl
$WHOSAID speakers --db "$work/q.db" --by gender -f text
# gender is a grouping of speakers only
$WHOSAID search --db "$work/q.db" --by gender ferry 2>&1
echo "exit $?"
