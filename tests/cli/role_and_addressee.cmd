# With the perceptron labeller: a role in commas ("Jane Doe, the city
# engineer,") is the role without them, and "told reporters the work was on
# time" has the addressee "reporters", not "reporters the work", which is
# content.  (The neural labeller of news finds the cue and the source of
# that sentence but no content, so it makes no attribution of it: see
# docs/accuracy.md; this tests the linking both share.)
printf '%s\n' 'Jane Doe, the city engineer, told reporters the work was on time. The city engineer said the road would reopen.' |
	$WHOSAID --model perceptron --format tsv | cut -f 2-11
