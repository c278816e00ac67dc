"""``sourceguard check`` and ``sourceguard baseline``: argument parsing and the exit code.

Exit codes follow the secret scanners: 0 nothing at or above the fail level, 1 findings, 2 usage,
configuration or input error (one line on stderr that names the file, never its content).
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Any

from service.check.settings import FAIL_LEVELS, FORMATS, STDIN_KINDS, CheckSettings, merge
from service.core.errors import InputError

if TYPE_CHECKING:
    from service.check.runner import Run

EXIT_OK, EXIT_FINDINGS = 0, 1


def add_common(p: argparse.ArgumentParser) -> None:
    p.add_argument("paths", nargs="*", help="files or folders (default: from config, else -)")
    p.add_argument("--policy", help="policy whose decisions count (default: publish)")
    p.add_argument("--roster", help="hashed protected-source roster (key: SOURCEGUARD_ROSTER_KEY)")
    p.add_argument(
        "--config",
        help="config file (default: $SOURCEGUARD_CONFIG, .sourceguard.toml,"
        " [tool.sourceguard] in pyproject.toml)",
    )
    p.add_argument(
        "--server",
        help="screen with a running sourceguard service at this URL (token: $SOURCEGUARD_TOKEN)",
    )
    p.add_argument("--exclude", action="append", help="glob of paths to skip (repeatable)")
    p.add_argument("--stdin-format", choices=STDIN_KINDS, help="markup of stdin (default: text)")
    p.add_argument(
        "--no-cache",
        dest="cache",
        action="store_const",
        const=False,
        help="screen every file again",
    )
    p.add_argument("--cache-dir", help="cache folder (default: .sourceguard-cache)")
    p.add_argument("--model", help="spaCy model (default: $SOURCEGUARD_SPACY_MODEL)")
    p.add_argument(
        "--no-inline-allow",
        dest="inline_allow",
        action="store_const",
        const=False,
        help="ignore inline allow/disable comments (to audit them)",
    )
    p.add_argument("-v", "--verbose", action="store_true", help="progress per file on stderr")


def add_parsers(sub: Any) -> None:
    p = sub.add_parser("check", help="fail when drafts would expose a source (pre-publish gate)")
    add_common(p)
    p.add_argument("--format", choices=FORMATS)
    p.add_argument("--fail-level", choices=FAIL_LEVELS)
    p.add_argument("--baseline", help="accepted findings to ignore (from `sourceguard baseline`)")
    p.set_defaults(func=cmd_check)

    p = sub.add_parser("baseline", help="write the current findings as accepted (a baseline)")
    add_common(p)
    p.add_argument("-o", "--output", required=True, help="baseline file to write")
    p.set_defaults(func=cmd_baseline)


def _settings(args: argparse.Namespace) -> CheckSettings:
    cli = {k: v for k, v in vars(args).items() if k not in ("func", "command", "verbose")}
    cli["paths"] = args.paths or None
    return merge(cli, Path.cwd())


def _run(settings: CheckSettings, verbose: bool, need_stable_key: bool) -> Run:
    # Imported here, not at the top: building the parser (``sourceguard --help``) must stay
    # cheap, and the runner pulls in the markup readers and urllib.
    from service.check.files import discover
    from service.check.runner import fingerprint_key, run

    files = discover(settings.paths, settings.exclude, Path.cwd(), settings.stdin_format)
    key, stable = fingerprint_key()
    if need_stable_key and not stable:
        raise InputError(
            "baselines need stable fingerprints: set SOURCEGUARD_SECRET_KEY (the same in CI and "
            "on the desk)"
        )
    if verbose:
        sys.stderr.write(
            f"sourceguard: {len(files)} file(s); config {settings.source or 'none'}; "
            f"{'remote ' + settings.server if settings.server else 'local engine'}\n"
        )
    progress = (lambda line: sys.stderr.write(f"sourceguard: {line}\n")) if verbose else None
    result = run(settings, files, sys.stdin.buffer, key, stable, progress)
    if settings.inline_allow:
        _apply_inline(result)
    return result


def _apply_inline(result: Run) -> None:
    from service.check.suppress import parse_directives

    for file_result in result.results:
        directives = parse_directives(file_result.original)
        file_result.problems = [
            (file_result.file.display, line, message) for line, message in directives.problems
        ]
        for v in file_result.violations:
            v.suppressed = v.suppressed or directives.suppresses(v.rule, v.line)


def cmd_check(args: argparse.Namespace) -> int:
    from service.check.report import RunInfo, render, write_step_summary
    from service.check.rules import level_at_least
    from service.check.runner import fingerprint_key
    from service.check.suppress import Baseline

    settings = _settings(args)
    key_needed = bool(settings.baseline)
    result = _run(settings, args.verbose, need_stable_key=key_needed)
    violations = [v for r in result.results for v in r.violations]
    if settings.baseline:
        key, _ = fingerprint_key()
        Baseline.load(Path(settings.baseline), key).apply(violations)
    failing = [
        v for v in violations if not v.suppressed and level_at_least(v.level, settings.fail_level)
    ]
    exit_code = EXIT_FINDINGS if failing else EXIT_OK
    info = RunInfo(
        policy=settings.policy,
        policy_digest=result.policy_digest,
        fail_level=settings.fail_level,
        files_checked=len(result.results),
        files_from_cache=result.files_from_cache,
        seconds=round(result.seconds, 3),
        exit_code=exit_code,
        suppression_problems=[p for r in result.results for p in r.problems],
    )
    sys.stdout.write(render(settings.format, violations, info))
    if settings.format == "github":
        write_step_summary(violations, info)
    return exit_code


def cmd_baseline(args: argparse.Namespace) -> int:
    from service.check.runner import fingerprint_key
    from service.check.suppress import Baseline

    settings = _settings(args)
    result = _run(settings, args.verbose, need_stable_key=True)
    key, _ = fingerprint_key()
    accepted = [v for r in result.results for v in r.violations if not v.suppressed]
    Baseline.from_violations(accepted, key).save(Path(args.output))
    sys.stderr.write(
        f"sourceguard: wrote {len(accepted)} accepted finding(s) from {len(result.results)} "
        f"file(s) to {args.output}\n"
    )
    return EXIT_OK
