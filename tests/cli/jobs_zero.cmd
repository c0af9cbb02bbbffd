$WHOSAID -j 0 examples/article.txt
