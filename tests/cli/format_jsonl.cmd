$WHOSAID --format jsonl tests/fixtures/bridge.txt
