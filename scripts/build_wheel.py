"""Build sourceguard's wheel the way a user's install does, from a clean copy of its inputs.

``pip install .`` (the Docker image, the pre-commit hook) builds a wheel from a directory. Building
in the checkout itself can pick up stale modules from an old ``build/`` folder, so this copies only
what the build needs (``pyproject.toml``, ``README.md`` and the packages that
``[tool.setuptools.packages.find]`` selects, which is also what the Dockerfile copies) into a
temporary folder and runs ``pip wheel --no-deps`` there, with build isolation as users get it.

    python scripts/build_wheel.py OUT_DIR        # prints the path of the wheel

``tests/test_packaging.py`` and ``scripts/install_smoke.sh`` use it; the test compares the wheel
with ``package_files()``, which is read from the source tree, not from a list.
"""

from __future__ import annotations

import shutil
import subprocess
import sys
import tempfile
import tomllib
from fnmatch import fnmatchcase
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BUILD_FILES = ("pyproject.toml", "README.md")
"""Files outside the packages that the build reads (metadata and the long description)."""


def _skipped(name: str) -> bool:
    """Caches and hidden files: never part of a package, whatever a developer left there."""
    return name == "__pycache__" or name.endswith((".pyc", ".pyo")) or name.startswith(".")


def package_patterns(root: Path = ROOT) -> list[str]:
    """The include patterns of ``[tool.setuptools.packages.find]`` in pyproject.toml."""
    config = tomllib.loads((root / "pyproject.toml").read_text(encoding="utf-8"))
    find = config["tool"]["setuptools"]["packages"]["find"]
    return list(find["include"])


def shipped_packages(root: Path = ROOT) -> list[str]:
    """Top-level package folders of the source tree that the include patterns select."""
    patterns = package_patterns(root)
    return sorted(
        p.name
        for p in root.iterdir()
        if p.is_dir() and any(fnmatchcase(p.name, pattern) for pattern in patterns)
    )


def build_inputs(root: Path = ROOT) -> list[str]:
    """Everything ``pip install .`` needs from the tree: the Dockerfile must copy all of it."""
    return [*BUILD_FILES, *shipped_packages(root)]


def package_files(root: Path = ROOT) -> set[str]:
    """Every file under the shipped packages (POSIX paths relative to ``root``): all must ship."""
    files: set[str] = set()
    for package in shipped_packages(root):
        for path in (root / package).rglob("*"):
            rel = path.relative_to(root)
            if path.is_file() and not any(_skipped(part) for part in rel.parts):
                files.add(rel.as_posix())
    return files


def stage(dest: Path, root: Path = ROOT) -> None:
    """Copy the build inputs (and nothing else) into ``dest``."""
    dest.mkdir(parents=True, exist_ok=True)
    for name in build_inputs(root):
        source = root / name
        if source.is_dir():
            shutil.copytree(
                source,
                dest / name,
                ignore=lambda _dir, names: [n for n in names if _skipped(n)],
            )
        else:
            shutil.copy2(source, dest / name)


def build_wheel(out_dir: Path, root: Path = ROOT, python: str = sys.executable) -> Path:
    """Build the wheel into ``out_dir`` from a staged copy; return its path."""
    out_dir.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="sourceguard-build-") as tmp:
        source = Path(tmp) / "src"
        stage(source, root)
        before = set(out_dir.glob("sourceguard-*.whl"))
        subprocess.run(
            [python, "-m", "pip", "wheel", "--no-deps", "--quiet", "-w", str(out_dir), str(source)],
            check=True,
            stdin=subprocess.DEVNULL,
        )
    built = sorted(set(out_dir.glob("sourceguard-*.whl")) - before) or sorted(
        out_dir.glob("sourceguard-*.whl")
    )
    if len(built) != 1:
        raise RuntimeError(f"expected one sourceguard wheel in {out_dir}, found {len(built)}")
    return built[0]


def main(argv: list[str]) -> int:
    if len(argv) != 1:
        sys.stderr.write("usage: python scripts/build_wheel.py OUT_DIR\n")
        return 2
    try:
        wheel = build_wheel(Path(argv[0]).resolve())
    except (subprocess.CalledProcessError, RuntimeError, OSError) as exc:
        sys.stderr.write(f"build_wheel: {exc}\n")
        return 1
    sys.stdout.write(f"{wheel}\n")
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
