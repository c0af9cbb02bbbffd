WHOSAID_MODEL_DIR=tests/fixtures $WHOSAID --model no-such-model examples/article.txt
