# A JSON Lines record longer than 256 MiB (four times the document limit,
# room for JSON escapes) is skipped without being held whole: an error
# record for its line, and the next record is analysed.  Its text is all
# escapes ("\u0061"), so that only the length limit refuses it: decoded it
# would be small enough (tests/server/attack_test.py has the plain 200 MB
# record that the decoded limit refuses early).  The binary runs without a
# wrapper such as valgrind, which takes minutes over 256 MiB.
{ printf '{"id":"huge","text":"'; yes '\u0061' | tr -d '\n' | head -c $((256 * 1024 * 1024 + 6)); printf '"}\n{"id":"next","text":"Ines Marrow said the pier was shut."}\n'; } | ${WHOSAID##* } --model rules --jsonl --format jsonl -; echo "exit $?"
