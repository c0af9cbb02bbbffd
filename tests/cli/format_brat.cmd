$WHOSAID --format brat tests/fixtures/bridge.txt
