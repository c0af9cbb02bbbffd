$WHOSAID model info tests/fixtures/no-such-model.wsm
