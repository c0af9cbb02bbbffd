$WHOSAID model frobnicate
