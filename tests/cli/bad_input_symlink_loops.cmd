# Symbolic link loops: a.txt -> b.txt -> a.txt is an error record (in a
# folder and named on the command line), and a link from a folder to its
# parent is not followed, so the walk ends.
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
mkdir -p "$work/in/sub"
printf 'Ines Marrow said the pier was shut.\n' > "$work/in/sub/ok.txt"
ln -s b.txt "$work/in/a.txt"
ln -s a.txt "$work/in/b.txt"
ln -s .. "$work/in/sub/up"
run() { "$@" > "$work/out" 2> "$work/err"; echo "exit $?"; sed "s|$work|WORK|g" "$work/out"; sed "s|$work|WORK|g;s|^|stderr: |" "$work/err"; }
run $WHOSAID --model rules --format tsv "$work/in"
run $WHOSAID --model rules --format tsv "$work/in/a.txt"
