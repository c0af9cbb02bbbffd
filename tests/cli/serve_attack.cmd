# The server and the store under attack (tests/server/attack_test.py;
# docs/robustness.md has the table): bad bytes in errors, uploads past the
# limits, slow and greedy clients, smuggling-shaped requests, foreign Host
# names, a stop during analysis, a store on a read-only file system, a
# 200 MB record.  The bare binary, without a wrapper such as valgrind:
# slow clients and deadlines are measured in seconds.
python3 tests/server/attack_test.py "${WHOSAID##* }"
