$WHOSAID --format json tests/fixtures/bridge.txt
