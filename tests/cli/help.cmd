$WHOSAID --help
