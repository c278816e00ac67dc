"""The folders show the data flow, and nothing imports upwards.

draft → canonical text → NLP → recognizers → identities and roles → policy decisions →
anonymization → audit. ``recognizers/`` and ``policies/`` sit below the service and never import
it; inside ``service/`` each layer imports only layers before it.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
PACKAGES = ("recognizers", "policies", "service", "evaluation")

# Lower number = earlier in the flow. A module may import its own layer and lower ones only.
LAYERS: dict[str, int] = {
    "recognizers": 0,
    "policies": 1,
    "service.core": 2,
    "service.drafts": 3,
    "service.pipeline": 4,
    "service.audit": 5,
    "service.check": 6,
    "service.http": 6,
    "service.archive": 6,
    "service.cli": 7,
    "evaluation": 6,
}
PEERS_THAT_MUST_NOT_MIX = {("service.check", "service.http"), ("service.http", "service.check")}


def _layer(module: str) -> str | None:
    best = None
    for name in LAYERS:
        if (module == name or module.startswith(name + ".")) and (
            best is None or len(name) > len(best)
        ):
            best = name
    return best


def _modules() -> list[tuple[str, Path]]:
    found = []
    for package in PACKAGES:
        for path in sorted((ROOT / package).rglob("*.py")):
            rel = path.relative_to(ROOT).with_suffix("")
            parts = rel.parts[:-1] if rel.name == "__init__" else rel.parts
            found.append((".".join(parts), path))
    return found


def _imports(path: Path) -> list[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    out = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            out += [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            out.append(node.module)
    return [name for name in out if name.split(".")[0] in PACKAGES]


LAYERED = [(m, p) for m, p in _modules() if _layer(m) is not None]


def test_every_module_has_a_layer() -> None:
    assert [m for m, _ in _modules() if _layer(m) is None] == ["service"]  # the package marker


@pytest.mark.parametrize(("module", "path"), LAYERED, ids=[m for m, _ in LAYERED])
def test_nothing_imports_upwards(module: str, path: Path) -> None:
    own = _layer(module)
    assert own is not None
    for target in _imports(path):
        other = _layer(target)
        assert other is not None, f"{module} imports {target}, which has no layer"
        assert LAYERS[other] <= LAYERS[own], f"{module} ({own}) imports upwards: {target}"
        assert (own, other) not in PEERS_THAT_MUST_NOT_MIX, f"{module} imports {target}"


def test_recognizers_and_policies_never_import_the_service() -> None:
    offenders = [
        f"{module} -> {target}"
        for module, path in _modules()
        if module.split(".")[0] in ("recognizers", "policies")
        for target in _imports(path)
        if target.split(".")[0] == "service"
    ]
    assert offenders == []


def test_every_package_says_what_lives_there() -> None:
    for package in PACKAGES:
        for init in sorted((ROOT / package).rglob("__init__.py")):
            doc = ast.get_docstring(ast.parse(init.read_text(encoding="utf-8")))
            assert doc and len(doc.split()) >= 8, f"{init.relative_to(ROOT)} needs a docstring"


MAX_MODULE_LINES = 600


def test_no_module_is_longer_than_a_newcomer_reads_in_one_go() -> None:
    long = {
        path.relative_to(ROOT).as_posix(): n
        for _, path in _modules()
        if (n := len(path.read_text(encoding="utf-8").splitlines())) > MAX_MODULE_LINES
    }
    assert long == {}, f"split these modules (over {MAX_MODULE_LINES} lines): {long}"
