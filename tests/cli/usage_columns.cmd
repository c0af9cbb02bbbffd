# --columns is for the tables only, and takes names, not empty ones.
$WHOSAID --columns outlet --format jsonl tests/fixtures/bridge.txt 2>&1; echo "exit $?"
$WHOSAID --columns outlet,,date --format csv tests/fixtures/bridge.txt 2>&1; echo "exit $?"
$WHOSAID --columns outlet, --format tsv tests/fixtures/bridge.txt 2>&1; echo "exit $?"
