$WHOSAID --format jsonl --offsets bytes tests/fixtures/bridge.txt
