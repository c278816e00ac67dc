#!/usr/bin/env bash
# Install sourceguard the ways users do, none of them editable, and run the same commands as the
# checkout. .ci/run runs it before the tests; it is also meant to be run by hand:
#
#   bash scripts/install_smoke.sh [wheel] [pre-commit] [docker]     # default: all three
#
# wheel       build the wheel from a clean copy of the build inputs (scripts/build_wheel.py),
#             install it into a fresh virtualenv outside the checkout, and run
#             scripts/smoke_commands.sh with that install's `sourceguard`.
# pre-commit  install pre-commit from the package index into its own virtualenv; in a throw-away
#             git repository holding one unsafe and one clean draft, run the hook with
#             `pre-commit try-repo <checkout> sourceguard-check` (the checkout as it is, its
#             first environment build timed), then as the README says, from a
#             .pre-commit-config.yaml pinned to HEAD's commit with `pre-commit run`: it must block
#             the unsafe draft and pass the clean one.
# docker      with a Docker daemon (`docker info` succeeds): build the image, start a container and
#             wait for its HEALTHCHECK to report healthy. Without one it says so: the Dockerfile is
#             then checked by tests/test_deploy.py instead (COPY sources, non-editable install).
#
# PYTHON picks the interpreter (default python3). Everything goes into one temporary folder,
# removed at exit unless KEEP=1.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
PYTHON="${PYTHON:-python3}"
case "$PYTHON" in
*/*) PYTHON="$(cd "$(dirname "$PYTHON")" && pwd)/$(basename "$PYTHON")" ;; # not a symlink's target
esac
steps=("$@")
[ ${#steps[@]} -gt 0 ] || steps=(wheel pre-commit docker)

work="$(mktemp -d "${TMPDIR:-/tmp}/sourceguard-install.XXXXXX")"
cleanup() {
    if [ "${KEEP:-0}" = 1 ]; then
        echo "install smoke: kept $work"
    else
        rm -rf "$work"
    fi
}
trap cleanup EXIT

UNSAFE='Citizen journalist Nadira Qassouf filmed the shelling of the market on Monday.'
CLEAN='The municipal council met on Tuesday and approved the budget for road repairs.'

fail() {
    echo "install smoke: FAILED: $*" >&2
    exit 1
}

now() { date +%s; }

step_wheel() {
    echo "== Install: wheel into a fresh virtualenv (not editable)"
    local start
    start=$(now)
    local wheel
    wheel="$("$PYTHON" "$ROOT/scripts/build_wheel.py" "$work/dist")"
    echo "built $(basename "$wheel") in $(($(now) - start)) s"
    start=$(now)
    "$PYTHON" -m venv "$work/wheel-venv"
    "$work/wheel-venv/bin/python" -m pip install --quiet "$wheel"
    echo "installed into $work/wheel-venv in $(($(now) - start)) s"
    start=$(now)
    bash "$ROOT/scripts/smoke_commands.sh" "$work/wheel-venv/bin/sourceguard"
    echo "smoke commands took $(($(now) - start)) s"
}

step_pre_commit() {
    echo "== Install: the pre-commit hook, with the real pre-commit client"
    "$PYTHON" -m venv "$work/pre-commit-venv"
    "$work/pre-commit-venv/bin/python" -m pip install --quiet pre-commit
    local pre_commit="$work/pre-commit-venv/bin/pre-commit"
    "$pre_commit" --version
    export PRE_COMMIT_HOME="$work/pre-commit-home"

    local repo="$work/newsroom"
    git init --quiet "$repo"
    printf '# Market\n\n%s\n' "$UNSAFE" >"$repo/unsafe.md"
    printf '# Council\n\n%s\n' "$CLEAN" >"$repo/clean.md"
    git -C "$repo" add unsafe.md clean.md

    # 1. try-repo: the checkout as it is (uncommitted changes included). It builds the hook's
    #    environment in a store of its own every time, so this is the first build a newsroom gets.
    local start got=0
    start=$(now)
    (cd "$repo" && "$pre_commit" try-repo "$ROOT" sourceguard-check --files unsafe.md clean.md) \
        >"$work/hook.out" 2>&1 || got=$?
    local seconds=$(($(now) - start))
    cat "$work/hook.out"
    [ "$got" -eq 1 ] || fail "try-repo exited $got on an unsafe and a clean draft, expected 1"
    grep -q '^unsafe.md:3:' "$work/hook.out" || fail "the hook did not report unsafe.md"
    grep -q 'clean.md' "$work/hook.out" && fail "the hook reported the clean draft"
    grep -q 'in 2 files' "$work/hook.out" || fail "the hook did not screen both drafts"
    grep -q 'Qassouf' "$work/hook.out" && fail "the hook printed the name it found"
    echo "pre-commit: try-repo (hook environment build + screening of 2 drafts) took $seconds s"

    # 2. The README's way: a .pre-commit-config.yaml pinned to a revision that exists (HEAD's
    #    commit), then `pre-commit run`; the second run reuses the environment the first built.
    local rev
    rev="$(git -C "$ROOT" rev-parse HEAD)"
    [ -z "$(git -C "$ROOT" status --porcelain)" ] ||
        echo "pre-commit: note: the checkout has uncommitted changes; this part uses HEAD ($rev)"
    printf 'repos:\n  - repo: %s\n    rev: %s\n    hooks:\n      - id: sourceguard-check\n' \
        "$ROOT" "$rev" >"$repo/.pre-commit-config.yaml"
    git -C "$repo" add .pre-commit-config.yaml
    got=0
    (cd "$repo" && "$pre_commit" run sourceguard-check --files clean.md) >"$work/hook.out" 2>&1 ||
        got=$?
    cat "$work/hook.out"
    [ "$got" -eq 0 ] || fail "pre-commit run exited $got on the clean draft, expected 0"
    got=0
    (cd "$repo" && "$pre_commit" run sourceguard-check --files unsafe.md) >"$work/hook.out" 2>&1 ||
        got=$?
    cat "$work/hook.out"
    [ "$got" -eq 1 ] || fail "pre-commit run exited $got on the unsafe draft, expected 1"
    echo "pre-commit: blocks the unsafe draft, passes the clean one"
}

step_docker() {
    echo "== Install: Docker image"
    if ! command -v docker >/dev/null 2>&1 || ! docker info >/dev/null 2>&1; then
        echo "docker: no Docker daemon here, image not built; the Dockerfile is checked by the" \
            "parse test (tests/test_deploy.py: COPY sources exist, non-editable install)"
        return 0
    fi
    local tag="sourceguard-install-smoke:$$" name="sourceguard-install-smoke-$$"
    docker build --tag "$tag" "$ROOT"
    # The image builder has already run scripts/smoke_commands.sh against its install.
    docker run --detach --name "$name" "$tag" >/dev/null # embedded defaults: SQLite in the volume
    local state="" status="" deadline=$(($(now) + 300))
    while [ "$(now)" -lt "$deadline" ]; do
        read -r state status < <(docker inspect --format \
            '{{.State.Status}} {{if .State.Health}}{{.State.Health.Status}}{{end}}' "$name" ||
            true)
        [ "$state" = running ] || break
        [ "$status" = healthy ] || [ "$status" = unhealthy ] && break
        sleep 5
    done
    docker logs "$name" 2>&1 | tail -n 20
    docker rm --force --volumes "$name" >/dev/null
    docker image rm "$tag" >/dev/null || true
    [ "$status" = healthy ] ||
        fail "container $state, health check reported '${status:-nothing}' (logs above)"
    echo "docker: image built and its container reported healthy (build + health check)"
}

began=$(now)
for step in "${steps[@]}"; do
    case "$step" in
    wheel) step_wheel ;;
    pre-commit) step_pre_commit ;;
    docker) step_docker ;;
    *) fail "unknown step '$step' (wheel, pre-commit, docker)" ;;
    esac
done
echo "install smoke: OK (${steps[*]}) in $(($(now) - began)) s"
