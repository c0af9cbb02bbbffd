$WHOSAID model verify tests/fixtures/tiny.wsm
