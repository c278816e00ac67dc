"""Config.from_env: defaults, the generated master secret, key derivation and refusals.

Configuration mistakes must stop the service with a message naming the variable, never start it
with weak or mismatched keys; and ENV_VARS must stay the single list of what the service reads,
so the README and the deployment files cannot drift from the code.
"""

from __future__ import annotations

import ast
import base64
import os
import re
import stat
from pathlib import Path

import pytest

from service.core.config import (
    ENV_VARS,
    KEY_PURPOSES,
    SECRET_FILE,
    Config,
    derive_key,
)
from service.core.errors import ConfigurationError

ROOT = Path(__file__).resolve().parent.parent
SOURCE_DIRS = ("service", "recognizers", "policies", "evaluation")
MASTER = "config-test-master-secret-0123456789"
ENV_NAME_RE = re.compile(r"\bSOURCEGUARD_[A-Z][A-Z0-9_]*[A-Z0-9]\b")


def env(tmp_path: Path, **values: str) -> dict[str, str]:
    """An explicit environ with the data dir in ``tmp_path`` (never the real one)."""
    return {"SOURCEGUARD_DATA_DIR": str(tmp_path / "data"), **values}


def test_defaults(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)  # the default data dir is relative to the working directory
    config = Config.from_env({})
    assert config.data_dir == Path("data")
    assert config.database_url == "sqlite:///data/sourceguard.sqlite3"
    assert config.store_kind == "sqlite"
    assert config.max_body_bytes == 2 * 1024 * 1024
    assert config.log_level == "INFO"
    assert config.model_name is None
    assert set(config.keys) == set(KEY_PURPOSES)
    assert (tmp_path / "data" / SECRET_FILE).is_file()


def test_database_url_follows_the_data_dir(tmp_path: Path) -> None:
    config = Config.from_env(env(tmp_path, SOURCEGUARD_SECRET_KEY=MASTER))
    assert config.data_dir == tmp_path / "data"
    assert config.database_url == f"sqlite:///{(tmp_path / 'data').as_posix()}/sourceguard.sqlite3"
    assert not (tmp_path / "data" / SECRET_FILE).exists()  # an explicit master writes nothing


def test_generated_secret_is_created_once_with_mode_0600(tmp_path: Path) -> None:
    old_umask = os.umask(0)  # the mode must not depend on a permissive umask
    try:
        first = Config.from_env(env(tmp_path))
    finally:
        os.umask(old_umask)
    secret = tmp_path / "data" / SECRET_FILE
    assert stat.S_IMODE(secret.stat().st_mode) == 0o600
    content = secret.read_bytes()
    assert len(content.strip()) >= 16

    second = Config.from_env(env(tmp_path))
    assert secret.read_bytes() == content  # reused, not regenerated
    assert second.keys == first.keys
    master = content.strip()
    assert first.keys == {p: derive_key(master, p) for p in KEY_PURPOSES}


def test_a_too_short_generated_secret_is_refused(tmp_path: Path) -> None:
    (tmp_path / "data").mkdir()
    (tmp_path / "data" / SECRET_FILE).write_bytes(b"short\n")
    with pytest.raises(ConfigurationError, match=SECRET_FILE):
        Config.from_env(env(tmp_path))


def test_derived_keys_differ_per_purpose_and_per_master(tmp_path: Path) -> None:
    keys = Config.from_env(env(tmp_path, SOURCEGUARD_SECRET_KEY=MASTER)).keys
    assert set(keys) == set(KEY_PURPOSES)
    assert len(set(keys.values())) == len(KEY_PURPOSES)
    assert all(len(k) == 32 for k in keys.values())
    assert MASTER.encode() not in keys.values()
    other = Config.from_env(env(tmp_path, SOURCEGUARD_SECRET_KEY=MASTER + "x")).keys
    assert not set(keys.values()) & set(other.values())


def test_explicit_keys_win_over_derived_ones(tmp_path: Path) -> None:
    audit_key = "explicit-audit-key-0123456789"
    aes = bytes(range(32))
    config = Config.from_env(
        env(
            tmp_path,
            SOURCEGUARD_SECRET_KEY=MASTER,
            SOURCEGUARD_AUDIT_KEY=audit_key,
            SOURCEGUARD_ENCRYPTION_KEY="base64:" + base64.b64encode(aes).decode(),
        )
    )
    assert config.key("audit") == audit_key.encode()
    assert config.key("encryption") == aes
    for purpose in ("roster", "hash", "session"):
        assert config.key(purpose) == derive_key(MASTER.encode(), purpose)

    raw_aes = "r" * 32
    config = Config.from_env(env(tmp_path, SOURCEGUARD_ENCRYPTION_KEY=raw_aes))
    assert config.key("encryption") == raw_aes.encode()


def test_every_explicit_key_needs_no_master_even_with_postgresql(tmp_path: Path) -> None:
    values = {
        f"SOURCEGUARD_{p.upper()}_KEY": f"explicit-{p}-key-0123456789ab" for p in KEY_PURPOSES
    }
    values["SOURCEGUARD_ENCRYPTION_KEY"] = "e" * 32
    config = Config.from_env(
        env(tmp_path, SOURCEGUARD_DATABASE_URL="postgresql://sg@db.invalid/sg", **values)
    )
    assert config.store_kind == "postgresql"
    assert config.keys == {p: values[f"SOURCEGUARD_{p.upper()}_KEY"].encode() for p in KEY_PURPOSES}
    assert not (tmp_path / "data").exists()


@pytest.mark.parametrize("purpose", KEY_PURPOSES)
def test_too_short_explicit_keys_are_refused(tmp_path: Path, purpose: str) -> None:
    name = f"SOURCEGUARD_{purpose.upper()}_KEY"
    with pytest.raises(ConfigurationError, match=name):
        Config.from_env(env(tmp_path, SOURCEGUARD_SECRET_KEY=MASTER, **{name: "too-short"}))


def test_too_short_master_secret_is_refused(tmp_path: Path) -> None:
    with pytest.raises(ConfigurationError, match="SOURCEGUARD_SECRET_KEY"):
        Config.from_env(env(tmp_path, SOURCEGUARD_SECRET_KEY="too-short"))


@pytest.mark.parametrize("value", ["2MB", "1.5", "lots", "0", "-1"])
def test_bad_max_body_bytes_is_refused(tmp_path: Path, value: str) -> None:
    with pytest.raises(ConfigurationError, match="SOURCEGUARD_MAX_BODY_BYTES"):
        Config.from_env(
            env(tmp_path, SOURCEGUARD_SECRET_KEY=MASTER, SOURCEGUARD_MAX_BODY_BYTES=value)
        )


def test_max_body_bytes_is_read(tmp_path: Path) -> None:
    config = Config.from_env(
        env(tmp_path, SOURCEGUARD_SECRET_KEY=MASTER, SOURCEGUARD_MAX_BODY_BYTES=" 4096 ")
    )
    assert config.max_body_bytes == 4096


@pytest.mark.parametrize(
    "url", ["mysql://sg@db/sg", "sqlite://relative.db", "sqlite:/x.db", "file:///x.db"]
)
def test_unknown_database_url_scheme_is_refused(tmp_path: Path, url: str) -> None:
    with pytest.raises(ConfigurationError, match="SOURCEGUARD_DATABASE_URL"):
        Config.from_env(env(tmp_path, SOURCEGUARD_SECRET_KEY=MASTER, SOURCEGUARD_DATABASE_URL=url))


@pytest.mark.parametrize("url", ["postgresql://sg@db.invalid/sg", "postgres://sg@db.invalid/sg"])
def test_postgresql_without_master_secret_is_refused(tmp_path: Path, url: str) -> None:
    with pytest.raises(ConfigurationError, match="SOURCEGUARD_SECRET_KEY"):
        Config.from_env(env(tmp_path, SOURCEGUARD_DATABASE_URL=url))
    assert not (tmp_path / "data").exists()  # no secret generated for a shared store


def test_postgresql_with_master_secret(tmp_path: Path) -> None:
    url = "postgresql://sg@db.invalid/sg"
    config = Config.from_env(
        env(tmp_path, SOURCEGUARD_DATABASE_URL=url, SOURCEGUARD_SECRET_KEY=MASTER)
    )
    assert config.store_kind == "postgresql" and config.database_url == url
    assert config.keys == {p: derive_key(MASTER.encode(), p) for p in KEY_PURPOSES}


def test_every_variable_is_documented_in_the_readme() -> None:
    """A row of the README's configuration table for every variable: ``| `NAME` | ...``."""
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    missing = [
        name
        for name in ENV_VARS
        if not re.search(rf"^\|\s*`{name}`\s*\|", readme, flags=re.MULTILINE)
    ]
    assert not missing, f"README.md has no configuration row for: {', '.join(missing)}"


def _names_in_string_literals(path: Path) -> set[str]:
    """SOURCEGUARD_* names in the file's string literals (f-string parts included)."""
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    names: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Constant) and isinstance(node.value, str):
            names.update(ENV_NAME_RE.findall(node.value))
    return names


def test_every_variable_named_in_the_source_is_in_env_vars() -> None:
    used: dict[str, set[str]] = {}
    for directory in SOURCE_DIRS:
        for path in sorted((ROOT / directory).rglob("*.py")):
            for name in _names_in_string_literals(path):
                used.setdefault(name, set()).add(str(path.relative_to(ROOT)))
    assert "SOURCEGUARD_DATA_DIR" in used  # the scan does find names
    unknown = {name: sorted(files) for name, files in used.items() if name not in ENV_VARS}
    assert not unknown, f"names read in the source but missing from ENV_VARS: {unknown}"


def test_a_bad_integer_setting_is_a_configuration_error(monkeypatch: pytest.MonkeyPatch) -> None:
    from service.core.config import max_chars

    monkeypatch.setenv("SOURCEGUARD_MAX_CHARS", "lots")
    with pytest.raises(ConfigurationError, match="SOURCEGUARD_MAX_CHARS must be an integer"):
        max_chars()
    monkeypatch.setenv("SOURCEGUARD_MAX_CHARS", "0")
    with pytest.raises(ConfigurationError, match="at least 1"):
        max_chars()


def test_only_registered_settings_can_be_read() -> None:
    from service.core.config import setting

    with pytest.raises(KeyError):
        setting("SOURCEGUARD_NOT_A_SETTING")


def test_the_environment_is_read_only_in_config() -> None:
    """Every other module asks ``service.core.config``: one place, documented defaults."""
    offenders = []
    for folder in SOURCE_DIRS:
        for path in sorted((ROOT / folder).rglob("*.py")):
            if path == ROOT / "service" / "core" / "config.py":
                continue
            source = path.read_text(encoding="utf-8")
            if re.search(r"os\.environ\.get|os\.getenv|os\.environ\[[^\]]+\](?!\s*=)", source):
                offenders.append(path.relative_to(ROOT).as_posix())
    assert offenders == [], f"read the environment through service.core.config: {offenders}"
