"""Settings of ``sourceguard check``: command line over config file over defaults.

The config file is found like other linters find theirs: ``--config FILE``, then
``$SOURCEGUARD_CONFIG``, then ``.sourceguard.toml`` in the working directory, then
``[tool.sourceguard]`` in ``pyproject.toml``. Unknown keys are errors, not silently ignored: a
misspelt ``exclude`` must not quietly screen less than the newsroom believes.
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass, field, fields
from pathlib import Path
from typing import Any

from service.core.config import setting
from service.core.errors import InputError

CONFIG_ENV = "SOURCEGUARD_CONFIG"
FORMATS = ("text", "json", "sarif", "github")
FAIL_LEVELS = ("error", "warning")
STDIN_KINDS = ("text", "markdown", "html")
DEFAULT_EXCLUDES = (
    ".git",
    ".hg",
    ".svn",
    "node_modules",
    ".venv",
    "venv",
    "__pycache__",
    ".sourceguard-cache",
)
DEFAULT_CACHE_DIR = ".sourceguard-cache"


@dataclass
class CheckSettings:
    paths: list[str] = field(default_factory=lambda: ["-"])
    format: str = "text"
    fail_level: str = "error"
    baseline: str | None = None
    roster: str | None = None
    policy: str = "publish"
    server: str | None = None
    inline_allow: bool = True
    exclude: list[str] = field(default_factory=list)
    cache: bool = True
    cache_dir: str = DEFAULT_CACHE_DIR
    stdin_format: str = "text"
    model: str | None = None
    source: str | None = None  # which config file was used (for --verbose)


FILE_KEYS = {
    "format": str,
    "fail_level": str,
    "fail-level": str,
    "baseline": str,
    "roster": str,
    "policy": str,
    "server": str,
    "inline_allow": bool,
    "inline-allow": bool,
    "exclude": list,
    "cache": bool,
    "cache_dir": str,
    "cache-dir": str,
    "paths": list,
    "model": str,
}


def find_config(explicit: str | None, cwd: Path) -> tuple[Path, dict[str, Any]] | None:
    """The config file to use and its table, or None when there is none."""
    if explicit:
        return Path(explicit), _read_table(Path(explicit), None)
    env = setting(CONFIG_ENV)
    if env:
        return Path(env), _read_table(Path(env), None)
    local = cwd / ".sourceguard.toml"
    if local.is_file():
        return local, _read_table(local, None)
    pyproject = cwd / "pyproject.toml"
    if pyproject.is_file():
        table = _read_table(pyproject, ("tool", "sourceguard"))
        if table is not None:
            return pyproject, table
    return None


def _read_table(path: Path, section: tuple[str, ...] | None) -> dict[str, Any] | None:
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise InputError(f"{path}: config file not found") from None
    except (OSError, UnicodeDecodeError) as exc:
        raise InputError(f"{path}: config file cannot be read ({type(exc).__name__})") from None
    except tomllib.TOMLDecodeError as exc:
        raise InputError(f"{path}: invalid TOML ({exc})") from None
    if section is None:
        # A dedicated file may hold the keys at top level or under [sourceguard].
        table = data.get("sourceguard", data) if isinstance(data.get("sourceguard"), dict) else data
        return table
    for key in section:
        data = data.get(key) if isinstance(data, dict) else None
        if data is None:
            return None
    if not isinstance(data, dict):
        raise InputError(f"{path}: [{'.'.join(section)}] must be a table")
    return data


def from_file_table(path: Path, table: dict[str, Any]) -> dict[str, Any]:
    """Validated settings from a config table, with paths relative to the config file."""
    out: dict[str, Any] = {}
    for key, value in table.items():
        kind = FILE_KEYS.get(key)
        if kind is None:
            raise InputError(f"{path}: unknown setting {key!r} (known: {', '.join(_names())})")
        if not isinstance(value, kind) or (
            kind is list and not all(isinstance(v, str) for v in value)
        ):
            expected = "list of strings" if kind is list else kind.__name__
            raise InputError(f"{path}: setting {key!r} must be a {expected}")
        out[key.replace("-", "_")] = value
    base = path.parent
    for key in ("baseline", "roster", "cache_dir"):
        if key in out and not Path(out[key]).is_absolute():
            out[key] = str(base / out[key])
    _check_choice(path, out, "format", FORMATS)
    _check_choice(path, out, "fail_level", FAIL_LEVELS)
    return out


def _names() -> list[str]:
    return sorted({k.replace("-", "_") for k in FILE_KEYS})


def _check_choice(path: Path, out: dict[str, Any], key: str, choices: tuple[str, ...]) -> None:
    if key in out and out[key] not in choices:
        raise InputError(f"{path}: {key} must be one of {', '.join(choices)}")


def merge(cli: dict[str, Any], cwd: Path) -> CheckSettings:
    """Command-line values (None = not given) over the config file over the defaults."""
    settings = CheckSettings()
    found = find_config(cli.get("config"), cwd)
    if found is not None:
        path, table = found
        for key, value in from_file_table(path, table).items():
            setattr(settings, key, value)
        settings.source = str(path)
    known = {f.name for f in fields(CheckSettings)}
    for key, value in cli.items():
        if key in known and key != "exclude" and value is not None:
            setattr(settings, key, value)
    settings.exclude = [*settings.exclude, *(cli.get("exclude") or [])]  # both lists apply
    return settings
