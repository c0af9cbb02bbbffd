$WHOSAID --version
