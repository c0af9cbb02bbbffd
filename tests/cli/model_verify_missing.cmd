$WHOSAID model verify tests/fixtures/no-such-model.wsm
