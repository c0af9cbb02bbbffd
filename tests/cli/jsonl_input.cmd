$WHOSAID --jsonl --format jsonl tests/fixtures/articles.jsonl
