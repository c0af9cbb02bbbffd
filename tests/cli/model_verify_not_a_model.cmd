$WHOSAID model verify tests/fixtures/bridge.txt
