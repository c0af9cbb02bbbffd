$WHOSAID --no-such-option
