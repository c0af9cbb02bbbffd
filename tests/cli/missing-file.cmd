$WHOSAID --format jsonl tests/cli/missing-article.txt
