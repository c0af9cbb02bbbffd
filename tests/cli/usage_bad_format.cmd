$WHOSAID --format nonsense tests/fixtures/bridge.txt
