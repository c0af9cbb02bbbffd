$WHOSAID --model no-such-model examples/article.txt
