$WHOSAID --format tsv tests/fixtures/bridge.txt
