$WHOSAID --no-such-option tests/cli/missing-article.txt
