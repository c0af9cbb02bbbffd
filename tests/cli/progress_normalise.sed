# The progress tests' filter, over stderr as `cat -v` shows it (^M is a
# carriage return, ^[ an escape): only what a terminal shows at the end is
# kept, and only the numbers that do not change from run to run.
#
# A progress line cleared for a message:
s/\^M\^\[\[K//g
# a drawing that a later drawing, or a message, took the place of (how many
# there are depends on the machine's speed):
:again
s/\^Mwhosaid: [^^]*\^\[\[K(\^M)?whosaid/\1whosaid/
t again
# the speed and the times:
s/[0-9]+\.[0-9]{2} MB\/s/N.NN MB\/s/g
s/(ETA|took) [0-9]+:[0-9]{2}:[0-9]{2}/\1 H:MM:SS/g
