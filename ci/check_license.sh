#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# Checks that every tracked source, header, CMake and script file carries the
# SPDX line "SPDX-License-Identifier: MIT" in its first three lines, and that
# LICENSE holds the MIT text. Prints each file that lacks it; exits 1 if any.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

grep -q '^MIT License' LICENSE || { echo "ci/check_license.sh: LICENSE is not the MIT license" >&2; exit 1; }

missing=0
while IFS= read -r file; do
  case "$file" in
    *.c|*.h|*.cc|*.hpp|*.cmake|*CMakeLists.txt|*.sh|*.py|*.in|*.yml|*.supp|.ci/run) ;;
    *) continue ;;
  esac
  if ! head -n 3 "$file" | grep -q 'SPDX-License-Identifier: MIT'; then
    echo "ci/check_license.sh: no SPDX-License-Identifier: MIT line in $file" >&2
    missing=1
  fi
done < <(git ls-files 2>/dev/null || find . -type f -not -path './build*' | sed 's|^\./||')
exit $missing
