$WHOSAID --format jsonl tests/fixtures/no-such-file.txt
