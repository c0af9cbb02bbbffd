$WHOSAID model info tests/fixtures/tiny-damaged.wsm
