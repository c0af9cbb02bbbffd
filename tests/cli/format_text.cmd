$WHOSAID --format text tests/fixtures/bridge.txt
