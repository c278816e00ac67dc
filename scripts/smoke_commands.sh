#!/usr/bin/env bash
# The commands every install of sourceguard must run as the editable checkout does: --version,
# policies, one sanitize, and check on a temporary folder (exit 1 when a draft names a citizen
# journalist, 0 on a clean draft). Fails on the first command that does not.
#
#   bash scripts/smoke_commands.sh [SOURCEGUARD]    # default: `sourceguard` on PATH
#
# scripts/install_smoke.sh runs it against a wheel installed into a fresh virtualenv, the
# Dockerfile against the image's install. It works in a temporary folder and checks that the
# package is imported from site-packages, so a checkout on the path cannot stand in for the
# install. The name in the drafts is invented; nothing here prints a draft.
set -euo pipefail

sg="$(command -v "${1:-sourceguard}")" || {
    echo "smoke: no sourceguard executable '${1:-sourceguard}'" >&2
    exit 1
}
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
cd "$work"

UNSAFE='Citizen journalist Nadira Qassouf filmed the shelling of the market on Monday.'
CLEAN='The municipal council met on Tuesday and approved the budget for road repairs.'

fail() {
    echo "smoke: FAILED: $*" >&2
    exit 1
}

# run EXPECTED_EXIT_CODE COMMAND...: run it, show its output, fail on another exit code.
run() {
    local want=$1 got=0
    shift
    echo "-- ${*/#$sg/sourceguard} (expect exit $want)"
    "$@" >"$work/out" 2>&1 || got=$?
    cat "$work/out"
    [ "$got" -eq "$want" ] || fail "'${*/#$sg/sourceguard}' exited $got, expected $want"
}

# The console script's interpreter is the install's Python: the package must come from there.
python="$(head -n 1 "$sg" | sed -e 's/^#!//' -e 's/[[:space:]].*$//')"
where="$("$python" -c 'import service; print(service.__file__)')"
echo "-- sourceguard imports from $where"
case "$where" in
*/site-packages/*) ;;
*) fail "service is imported from $where, not from an installed package" ;;
esac

run 0 "$sg" --version
grep -q '^sourceguard [0-9]' "$work/out" || fail "--version does not print the package version"
grep -q '^model [^ ]* [0-9]' "$work/out" || fail "--version does not print the model and version"

run 0 "$sg" policies
grep -q '^publish[[:space:]]' "$work/out" || fail "policies does not list publish"

printf '%s\n' "$UNSAFE" >"$work/draft.txt"
run 0 "$sg" sanitize "$work/draft.txt"
grep -q 'Qassouf' "$work/out" && fail "sanitize kept the citizen journalist's name"
grep -q '\[citizen journalist A\]' "$work/out" || fail "sanitize did not put in a placeholder"

mkdir -p "$work/unsafe" "$work/clean"
printf '# Market\n\n%s\n' "$UNSAFE" >"$work/unsafe/draft.md"
printf '# Council\n\n%s\n' "$CLEAN" >"$work/clean/draft.md"
run 1 "$sg" check "$work/unsafe"
grep -q 'Qassouf' "$work/out" && fail "check printed the name it found"
grep -q 'draft.md:3:' "$work/out" || fail "check did not report the draft's line"
run 0 "$sg" check "$work/clean"

echo "smoke: OK ($sg)"
