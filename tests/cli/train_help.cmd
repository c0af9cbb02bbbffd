$WHOSAID train --help
