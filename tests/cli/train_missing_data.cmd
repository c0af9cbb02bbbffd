$WHOSAID train --quiet --data tests/fixtures/no-such-folder --output build/never-written.wsm
