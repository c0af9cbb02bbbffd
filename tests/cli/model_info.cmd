$WHOSAID model info tests/fixtures/tiny.wsm
