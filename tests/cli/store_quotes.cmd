# The same quote across articles (docs/store.md, "Quote clusters"), on
# invented articles: one quote carried by three outlets, written with other
# quotation marks and punctuation, once inside a longer passage and once
# with a word changed (one cluster); two quotes that share a long phrase
# (two clusters); one quote credited to two people (conflicting).  A rerun
# adds nothing, and re-indexing everything gives the same clusters.
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
corpus=tests/fixtures/quote_clusters.jsonl
$WHOSAID index --db "$work/q.db" --jsonl $corpus -q
db="--db $work/q.db"
echo '== quotes -f text'
$WHOSAID quotes $db -f text
echo '== quotes --min-articles 1 -f csv'
$WHOSAID quotes $db --min-articles 1 -f csv
echo '== quotes --conflicting -f tsv'
$WHOSAID quotes $db --conflicting -f tsv
echo '== quotes --id 1 -f text'
$WHOSAID quotes $db --id 1 -f text
echo '== quotes --id 7 -f json'
$WHOSAID quotes $db --id 7 -f json
echo '== quotes --id 1 -f csv'
$WHOSAID quotes $db --id 1 -f csv
echo '== quotes --outlet "gull point gazette" -f csv'
$WHOSAID quotes $db --outlet "gull point gazette" -f csv
echo '== quotes --since 2032-01-06 --until 2032-01 -f csv'
$WHOSAID quotes $db --since 2032-01-06 --until 2032-01 -f csv
echo '== quotes --speaker brennan -f jsonl'
$WHOSAID quotes $db --speaker brennan -f jsonl
echo '== quotes --speaker "Councillor Tobias Fenn" --conflicting --limit 1 -f csv'
$WHOSAID quotes $db --speaker "Councillor Tobias Fenn" --conflicting --limit 1 -f csv
echo '== quotes --speaker "Ilse Varga" -f csv (carried once: nothing)'
$WHOSAID quotes $db --speaker "Ilse Varga" -f csv
echo '== a rerun adds nothing; --force gives the same clusters'
cp "$work/q.db" "$work/before.db"
$WHOSAID index --db "$work/q.db" --jsonl $corpus
python3 tests/corpus/check_store.py same "$work/before.db" "$work/q.db"
$WHOSAID index --db "$work/q.db" --jsonl $corpus -q --force
python3 tests/corpus/check_store.py same "$work/before.db" "$work/q.db"
python3 tests/corpus/check_store.py consistent "$work/q.db" && echo consistent
echo '== errors'
run() { "$@" > "$work/out" 2>&1; echo "exit $?: $(sed "s|$work|WORK|g" "$work/out")"; }
run $WHOSAID quotes $db --id 99
run $WHOSAID quotes $db --id 0
run $WHOSAID quotes $db --min-articles 0
run $WHOSAID quotes $db -f yaml
run $WHOSAID quotes $db --since yesterday
run $WHOSAID quotes $db lighthouse
run $WHOSAID quotes --db "$work/missing.db"
