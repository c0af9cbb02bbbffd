# A JSON Lines record longer than 256 MiB (four times the document limit,
# room for JSON escapes) is skipped without being held whole: an error
# record for its line, and the next record is analysed.  The binary runs
# without a wrapper such as valgrind, which takes minutes over 256 MiB.
{ printf '{"id":"huge","text":"'; head -c $((256 * 1024 * 1024 + 1)) /dev/zero | tr '\0' 'a'; printf '"}\n{"id":"next","text":"Ines Marrow said the pier was shut."}\n'; } | ${WHOSAID##* } --model rules --jsonl --format jsonl -; echo "exit $?"
