$WHOSAID --jsonl --format jsonl -
