#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# Fails when a source file lacks an SPDX-License-Identifier line in its first lines (see
# LICENSE: bpf/ is GPL-2.0-only OR BSD-2-Clause, the rest Apache-2.0). Test data is exempt.
set -euo pipefail
cd "$(dirname "$0")/.."
missing=0
while IFS= read -r f; do
    [[ -f $f ]] || continue
    want='Apache-2.0'
    [[ $f == bpf/* ]] && want='(GPL-2.0-only OR BSD-2-Clause)'
    if ! head -n 3 "$f" | grep -qF "SPDX-License-Identifier: $want"; then
        echo "spdx: $f: no 'SPDX-License-Identifier: $want' in its first 3 lines" >&2
        missing=$((missing + 1))
    fi
done < <(find . \( -path ./.git -o -path './build*' -o -path ./tests/data -o -name node_modules \) \
    -prune -o -type f \( -name '*.c' -o -name '*.h' -o -name '*.cpp' -o -name '*.js' \
    -o -name '*.mjs' -o -name '*.css' -o -name '*.html' -o -name '*.sh' -o -name '*.py' \
    -o -name '*.cmake' -o -name CMakeLists.txt \) -print | sed 's|^\./||' | sort)
if ((missing)); then
    echo "spdx: $missing files without a licence line" >&2
    exit 1
fi
echo "spdx: every source file names its licence"
