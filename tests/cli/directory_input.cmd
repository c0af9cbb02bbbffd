$WHOSAID --format jsonl tests/fixtures
