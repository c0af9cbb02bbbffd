$WHOSAID --model rules --format json tests/fixtures/bridge.txt
