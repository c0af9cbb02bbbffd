# With the learned model: a role in commas ("Jane Doe, the city engineer,")
# is the role without them, and "told reporters the work was on time" has
# the addressee "reporters", not "reporters the work", which is content.
printf '%s\n' 'Jane Doe, the city engineer, told reporters the work was on time. The city engineer said the road would reopen.' |
	$WHOSAID --format tsv | cut -f 2-9
