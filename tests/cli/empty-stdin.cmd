$WHOSAID --format jsonl -
