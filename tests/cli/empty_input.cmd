printf "" | $WHOSAID --format jsonl
