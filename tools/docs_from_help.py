#!/usr/bin/env python3
"""docs_from_help.py — the man page whosaid(1) and the bash completion, both
made from the --help texts of the built command, so that neither can say
other than the command does.

    tools/docs_from_help.py --whosaid build/whosaid --man OUT.1 --completion OUT.bash

The man page has one section per command, each the command's own help: its
usage lines as the synopsis, its paragraphs as text, its option lines
("  -f, --format FORMAT    text ...") as tagged paragraphs.  The completion
offers the commands, each command's options, the values of --format,
--offsets and --by, and the installed models for --model.
"""
import argparse
import re
import subprocess

COMMANDS = ["train", "model", "index", "search", "speakers", "quotes", "serve"]
OPTION_LINE = re.compile(r"^  (?:(-\w), )?(--[\w-]+)(?:[ =]([A-Z][\w|]*))?\s{2,}(.*)$|^      (--[\w-]+)(?:[ =]([A-Z][\w|]*))?\s{2,}(.*)$")
OPTION_ALONE = re.compile(r"^  (?:(-\w), )?(--[\w-]+)(?:[ =]([A-Z][\w|]*))?$|^      (--[\w-]+)(?:[ =]([A-Z][\w|]*))?$")


def help_of(whosaid, command):
    args = [whosaid] + ([command] if command else []) + ["--help"]
    return subprocess.run(args, capture_output=True, text=True, check=True).stdout


def roff(text):
    """Text safe in a roff line: backslashes doubled, hyphens of options
    kept as minus signs, no line starting with a dot or a quote."""
    text = text.replace("\\", "\\e").replace("-", "\\-")
    return ("\\&" + text) if text[:1] in (".", "'") else text


def parse_option(line):
    """(short, long, argument, description) of an option line, or None."""
    m = OPTION_LINE.match(line)
    if m:
        if m.group(2):
            return m.group(1), m.group(2), m.group(3), m.group(4)
        return None, m.group(5), m.group(6), m.group(7)
    m = OPTION_ALONE.match(line)
    if m:
        if m.group(2):
            return m.group(1), m.group(2), m.group(3), ""
        return None, m.group(4), m.group(5), ""
    return None


def options_of(text):
    """Every option a help text names: (short, long, argument)."""
    found = []
    for line in text.splitlines():
        o = parse_option(line)
        if o:
            found.append(o[:3])
    return found


def man_section(out, title, text):
    out.append(f".SH {roff(title.upper())}")
    lines = text.rstrip("\n").splitlines()
    usage = []
    while lines and (lines[0].startswith("Usage:") or (usage and lines[0].startswith("       "))):
        usage.append(lines.pop(0).replace("Usage:", "").strip())
    for u in usage:
        out.append(".PP")
        out.append(".B " + roff(u))
    out.append(".PP")
    in_option = False
    for line in lines:
        o = parse_option(line)
        if o:
            short, long_, arg, desc = o
            out.append(".TP")
            name = "\\fB" + (roff(short) + "\\fR, \\fB" if short else "") + roff(long_) + "\\fR"
            if arg:
                name += " \\fI" + roff(arg) + "\\fR"
            out.append(name)
            if desc:
                out.append(roff(desc))
            in_option = True
        elif not line.strip():
            out.append(".PP")
            in_option = False
        elif in_option and line.startswith("    "):
            out.append(roff(line.strip()))
        elif line.endswith(":") and not line.startswith(" "):
            out.append(".SS " + roff(line[:-1]))
            in_option = False
        elif line.startswith("  "):
            out.append(".br")
            out.append(roff(line.strip()))
        else:
            out.append(roff(line))


def man_page(whosaid, version):
    out = [f'.TH WHOSAID 1 "" "whosaid {version}" "User Commands"',
           ".SH NAME",
           "whosaid \\- who said what, to whom: quotes and reported speech in news, with their speakers"]
    man_section(out, "whosaid", help_of(whosaid, None))
    for command in COMMANDS:
        man_section(out, f"whosaid {command}", help_of(whosaid, command))
    out += [".SH ENVIRONMENT", ".TP", "\\fBWHOSAID_MODEL_DIR\\fR",
            "The folder of the named models (NAME.wsm).  Without it, models are looked for in",
            "PREFIX/share/whosaid/models beside the installed command and library.",
            ".SH SEE ALSO",
            "The documents of the source tree: docs/schema.md (the output formats), docs/store.md,",
            "docs/server.md, docs/accuracy.md, docs/models.md."]
    return "\n".join(out) + "\n"


def completion(whosaid):
    main = options_of(help_of(whosaid, None))
    per_command = {c: options_of(help_of(whosaid, c)) for c in COMMANDS}
    words = lambda opts: " ".join(sorted({o[1] for o in opts} | {o[0] for o in opts if o[0]}))
    cases = []
    for c in COMMANDS:
        cases.append(f'\t\t{c}) opts="{words(per_command[c])}" ;;')
    lines = [
        "# bash completion for whosaid, made by tools/docs_from_help.py from the --help texts",
        "_whosaid() {",
        "\tlocal cur prev command opts",
        "\tcur=${COMP_WORDS[COMP_CWORD]}",
        "\tprev=${COMP_WORDS[COMP_CWORD-1]}",
        "\tcase $prev in",
        "\t-f|--format)",
        "\t\tCOMPREPLY=($(compgen -W \"text json jsonl brat tsv csv\" -- \"$cur\")); return ;;",
        "\t--offsets) COMPREPLY=($(compgen -W \"codepoints bytes\" -- \"$cur\")); return ;;",
        "\t--by) COMPREPLY=($(compgen -W \"outlet month gender\" -- \"$cur\")); return ;;",
        "\t--kind) COMPREPLY=($(compgen -W \"direct mixed indirect\" -- \"$cur\")); return ;;",
        "\t--model)",
        "\t\tlocal dir=${WHOSAID_MODEL_DIR:-$(dirname \"$(command -v whosaid 2>/dev/null || echo .)\")/../share/whosaid/models}",
        "\t\tCOMPREPLY=($(compgen -W \"rules $(cd \"$dir\" 2>/dev/null && ls *.wsm 2>/dev/null | sed 's/\\.wsm$//')\" -- \"$cur\"))",
        "\t\treturn ;;",
        "\t--db|-o|--output-dir|--data) COMPREPLY=($(compgen -f -- \"$cur\")); return ;;",
        "\tesac",
        "\tcommand=",
        "\tif [ \"$COMP_CWORD\" -gt 1 ]; then command=${COMP_WORDS[1]}; fi",
        "\tcase $command in",
    ] + cases + [
        f'\t\t*) opts="{words(main)}"',
        "\t\t   if [ \"$COMP_CWORD\" -eq 1 ] && [[ $cur != -* ]]; then",
        f"\t\t\tCOMPREPLY=($(compgen -W \"{' '.join(COMMANDS)}\" -f -- \"$cur\")); return",
        "\t\t   fi ;;",
        "\tesac",
        "\tif [[ $cur == -* ]]; then",
        "\t\tCOMPREPLY=($(compgen -W \"$opts\" -- \"$cur\"))",
        "\telse",
        "\t\tCOMPREPLY=($(compgen -f -- \"$cur\"))",
        "\tfi",
        "}",
        "complete -o filenames -F _whosaid whosaid",
    ]
    return "\n".join(lines) + "\n"


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--whosaid", default="build/whosaid")
    ap.add_argument("--man", required=True)
    ap.add_argument("--completion", required=True)
    args = ap.parse_args()
    version = subprocess.run([args.whosaid, "--version"], capture_output=True, text=True,
                             check=True).stdout.split()[1]
    with open(args.man, "w") as f:
        f.write(man_page(args.whosaid, version))
    with open(args.completion, "w") as f:
        f.write(completion(args.whosaid))


if __name__ == "__main__":
    main()
