# `whosaid index` killed with SIGKILL at random moments and run again ends
# with the store of an uninterrupted run, consistent after every kill.  The
# binary runs without a wrapper such as valgrind: the kills need the
# tool's real speed, and memory errors are the other tests' business.
tests/corpus/kill_resume.sh "${WHOSAID##* }"
