# Every endpoint and every error status of `whosaid serve`, on two servers
# on free loopback ports: answers equal the command line's for the same
# input, limits give their statuses, SIGTERM ends the server with exit 0
# (tests/server/api_test.py).
python3 tests/server/api_test.py "$WHOSAID"
