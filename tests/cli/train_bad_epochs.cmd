$WHOSAID train --epochs 0
