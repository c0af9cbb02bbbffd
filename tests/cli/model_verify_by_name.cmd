WHOSAID_MODEL_DIR=tests/fixtures $WHOSAID model verify tiny
