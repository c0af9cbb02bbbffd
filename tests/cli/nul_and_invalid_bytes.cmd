printf 'Ines Marrow said\0 the pier \xff\xfewas shut.\n' | $WHOSAID --format jsonl
