printf '\xef\xbb\xbf"Caf\xc3\xa9s stay open," Ines Marrow said.\n' | $WHOSAID --format jsonl
