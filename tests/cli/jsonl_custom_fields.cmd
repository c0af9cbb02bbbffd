$WHOSAID --jsonl --text-field body --id-field key --format jsonl tests/fixtures/custom_fields.jsonl
