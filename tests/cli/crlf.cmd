printf 'Ines Marrow said the pier was shut.\r\n\r\n"It reopens soon," she said.\r\n' | $WHOSAID --format jsonl
