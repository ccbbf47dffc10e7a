#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# Fails when a file in src/ has over 400 lines, or a function in a src/ .c/.cpp file
# over 60 lines (pmccabe's 5th column), unless it says why it may be that long.
#
# The marker is a comment holding "size:" followed by the reason:
#   - a file: `// size: <why>` within its first 10 lines;
#   - a function: `// size: <why>` on one of the 3 lines just above its first line.
# A bare "size:" without a reason does not count.
#
# pmccabe does not understand C++17 nested namespaces (`namespace a::b {`), after which it
# reports nothing for the file, nor C++14 digit separators (1'000), which it reads as a
# character literal that swallows the functions after it; both are rewritten on a copy
# first (line numbers kept). Headers are checked for length only: their class bodies
# make pmccabe report declarations as functions.
set -euo pipefail
cd "$(dirname "$0")/.."
command -v pmccabe >/dev/null || { echo "size: pmccabe is not installed (scripts/setup.sh --test)" >&2; exit 1; }
readonly max_file_lines=400 max_function_lines=60
readonly marker='size:[[:space:]]*[[:alnum:]]'
copy=$(mktemp -d)
trap 'rm -rf "$copy"' EXIT
offenders=0
while IFS= read -r f; do
    lines=$(wc -l <"$f")
    if ((lines > max_file_lines)) && ! head -n 10 "$f" | grep -q "$marker"; then
        echo "size: $f: $lines lines (over $max_file_lines, no '// size: why' in its first 10 lines)" >&2
        offenders=$((offenders + 1))
    fi
    [[ $f == *.c || $f == *.cpp ]] || continue
    mkdir -p "$copy/$(dirname "$f")"
    perl -pe 's/^(\s*namespace\s+)([\w:]+)(\s*\{)/$1 . ($2 =~ s{::}{__}gr) . $3/e;
              s/\b[0-9][0-9a-fA-FxX\x27]*[0-9a-fA-F]/$& =~ s{\x27}{}gr/ge' "$f" >"$copy/$f"
    while read -r _ _ _ first length rest; do
        ((length > max_function_lines)) || continue
        # pmccabe's first line may be above the definition's (after a namespace's '{').
        defined=${rest#*(}
        defined=${defined%%)*}
        from=$((first > 3 ? first - 3 : 1))
        sed -n "${from},$((defined - 1))p" "$f" | grep -q "$marker" && continue
        echo "size: $f:$first: ${rest#*: } has $length lines (over $max_function_lines, no '// size: why' above it)" >&2
        offenders=$((offenders + 1))
    done < <(pmccabe "$copy/$f" 2>/dev/null)
done < <(find src \( -name '*.c' -o -name '*.h' -o -name '*.cpp' \) -type f | sort)
if ((offenders)); then
    echo "size: $offenders files or functions too long; split them by purpose, or say why not" >&2
    exit 1
fi
echo "size: no file over $max_file_lines lines, no function over $max_function_lines, but those that say why"
