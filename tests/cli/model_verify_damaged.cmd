$WHOSAID model verify tests/fixtures/tiny.wsm tests/fixtures/tiny-damaged.wsm
