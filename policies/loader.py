"""Load and validate redaction policies.

A policy decides what leaves the newsroom, so a policy that does not parse or validate raises
``PolicyError``; nothing here ever substitutes defaults. Every loaded policy carries the sha256
digest of its file's bytes so each screening result can say exactly which rules produced it.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from functools import cache, lru_cache
from pathlib import Path
from types import MappingProxyType
from typing import Any

import yaml
from jsonschema import Draft202012Validator
from jsonschema.exceptions import best_match

from policies.types import PolicyError, PolicyInfo
from recognizers.entities import ALL_TYPES, SOURCE_TYPES

POLICY_DIR = Path(__file__).resolve().parent
SCHEMA_PATH = POLICY_DIR / "schema.json"
DEFAULT_POLICY = "publish"
NAME_RE = re.compile(r"^[a-z][a-z0-9_-]{0,63}$")

ACTIONS: tuple[str, ...] = (
    "placeholder",
    "redact",
    "mask",
    "hash",
    "encrypt",
    "generalize",
    "keep",
    "flag",
)
CHANGING_ACTIONS: frozenset[str] = frozenset(ACTIONS) - {"keep", "flag"}
"""Actions that rewrite the span; ``keep`` and ``flag`` leave the text as it is."""

ACTION_PARAMS: Mapping[str, frozenset[str]] = MappingProxyType(
    {
        "placeholder": frozenset({"label"}),
        "redact": frozenset({"text"}),
        "mask": frozenset({"char"}),
        "hash": frozenset(),
        "encrypt": frozenset(),
        "generalize": frozenset({"text", "kinds"}),
        "keep": frozenset(),
        "flag": frozenset(),
    }
)
"""Parameters each action accepts; others are rejected so a typo never goes unnoticed."""


@dataclass(frozen=True)
class Rule:
    action: str
    label: str | None = None
    params: Mapping[str, Any] = field(default_factory=dict)

    def to_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {"action": self.action}
        if self.label is not None:
            out["label"] = self.label
        out.update({k: (dict(v) if isinstance(v, Mapping) else v) for k, v in self.params.items()})
        return out


@dataclass(frozen=True)
class Policy:
    name: str
    version: str
    digest: str
    description: str
    rules: Mapping[str, Rule]
    default: Rule
    risk_rules: Mapping[str, Mapping[str, Rule]] = field(default_factory=dict)
    path: Path | None = None

    def rule_for(self, entity_type: str, risk: str | None = None) -> Rule:
        """The risk override if one matches, else the type's rule, else ``default``."""
        if risk is not None:
            override = self.risk_rules.get(entity_type, {}).get(risk)
            if override is not None:
                return override
        return self.rules.get(entity_type, self.default)

    def info(self) -> PolicyInfo:
        return PolicyInfo(name=self.name, version=self.version, digest=self.digest)

    def to_dict(self) -> dict[str, Any]:
        rules: dict[str, Any] = {}
        for entity_type, rule in self.rules.items():
            rules[entity_type] = rule.to_dict()
            overrides = self.risk_rules.get(entity_type)
            if overrides:
                rules[entity_type]["risk"] = {k: r.to_dict() for k, r in overrides.items()}
        return {
            "name": self.name,
            "version": self.version,
            "digest": self.digest,
            "description": self.description,
            "rules": rules,
            "default": self.default.to_dict(),
        }


class _UniqueKeyLoader(yaml.SafeLoader):
    """SafeLoader that rejects duplicate keys (plain PyYAML silently keeps the last one)."""

    def construct_mapping(self, node: yaml.MappingNode, deep: bool = False) -> dict[Any, Any]:
        seen: set[Any] = set()
        for key_node, _ in node.value:
            key = self.construct_object(key_node, deep=deep)
            if key in seen:
                mark = key_node.start_mark
                raise yaml.constructor.ConstructorError(None, None, f"duplicate key {key!r}", mark)
            seen.add(key)
        return super().construct_mapping(node, deep=deep)


@cache
def _validator() -> Draft202012Validator:
    schema = json.loads(SCHEMA_PATH.read_text(encoding="utf-8"))
    Draft202012Validator.check_schema(schema)
    return Draft202012Validator(schema)


def _extra_dirs(search_dirs: list[Path] | None) -> list[Path]:
    """Extra directories given by the caller (the service passes ``SOURCEGUARD_POLICY_DIR``)."""
    return [Path(d) for d in search_dirs or []]


def _policy_dirs(search_dirs: list[Path] | None) -> list[Path]:
    """Shipped policies first, so an extra directory can never shadow ``publish``."""
    return [POLICY_DIR, *_extra_dirs(search_dirs)]


def list_policies(search_dirs: list[Path] | None = None) -> list[str]:
    """Names of shipped policies and those in ``search_dirs``, sorted."""
    names: set[str] = set()
    for directory in _policy_dirs(search_dirs):
        if directory.is_dir():
            names.update(p.stem for p in directory.glob("*.yaml") if NAME_RE.match(p.stem))
    return sorted(names)


def _resolve_name(name: str, search_dirs: list[Path] | None) -> Path:
    for directory in _policy_dirs(search_dirs):
        candidate = directory / f"{name}.yaml"
        if candidate.is_file():
            return candidate
    available = ", ".join(list_policies(search_dirs))
    raise PolicyError(f"unknown policy {name!r}; available: {available}")


def load_policy(
    name_or_path: str | Path,
    search_dirs: list[Path] | None = None,
    *,
    allow_paths: bool = True,
) -> Policy:
    """Load a policy by bare name (``publish``) or by file path.

    Anything containing a path separator or ending in ``.yaml``/``.yml`` is a path. Front ends
    that take the name from a request must pass ``allow_paths=False`` so callers cannot read
    arbitrary files.
    """
    text = str(name_or_path)
    is_path = isinstance(name_or_path, Path) or (
        "/" in text or os.sep in text or text.endswith((".yaml", ".yml"))
    )
    if is_path:
        if not allow_paths:
            raise PolicyError("policy must be given by name, not by path")
        return _load_file(Path(text), expected_name=None)
    if not NAME_RE.match(text):
        raise PolicyError(f"invalid policy name {text[:64]!r}: must match {NAME_RE.pattern}")
    return _load_file(_resolve_name(text, search_dirs), expected_name=text)


def _load_file(path: Path, expected_name: str | None) -> Policy:
    try:
        raw = path.read_bytes()
    except OSError as exc:
        raise PolicyError(f"{path.name}: cannot read policy file ({exc.strerror})") from None
    digest = "sha256:" + hashlib.sha256(raw).hexdigest()
    policy = _parse(raw, digest, path.resolve())
    if expected_name is not None and policy.name != expected_name:
        raise PolicyError(
            f"{path.name}: $.name: {policy.name!r} does not match the file name {expected_name!r}"
        )
    return policy


@lru_cache(maxsize=64)
def _parse(raw: bytes, digest: str, path: Path) -> Policy:
    """Parse and validate; cached by content digest, so an edited file is always re-read."""
    where = path.name
    try:
        data = yaml.load(raw, Loader=_UniqueKeyLoader)  # a SafeLoader subclass
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        pos = f" at line {mark.line + 1}, column {mark.column + 1}" if mark else ""
        raise PolicyError(f"{where}: YAML error{pos}: {exc.problem or exc.context}") from None
    except yaml.YAMLError as exc:
        raise PolicyError(f"{where}: YAML error: {type(exc).__name__}") from None
    if not isinstance(data, dict):
        raise PolicyError(f"{where}: $: a policy must be a mapping, got {type(data).__name__}")

    errors = list(_validator().iter_errors(data))
    if errors:
        err = best_match(errors)
        more = f" (and {len(errors) - 1} more)" if len(errors) > 1 else ""
        raise PolicyError(f"{where}: {err.json_path}: {err.message}{more}")

    rules: dict[str, Rule] = {}
    risk_rules: dict[str, Mapping[str, Rule]] = {}
    for entity_type, spec in data["rules"].items():
        at = f"$.rules.{entity_type}"
        if entity_type not in ALL_TYPES:
            raise PolicyError(f"{where}: {at}: unknown entity type {entity_type!r}")
        rules[entity_type] = _rule(spec, where, at)
        if "risk" in spec:
            if entity_type not in SOURCE_TYPES:
                raise PolicyError(
                    f"{where}: {at}.risk: risk overrides apply only to {', '.join(SOURCE_TYPES)}"
                )
            risk_rules[entity_type] = MappingProxyType(
                {lvl: _rule(s, where, f"{at}.risk.{lvl}") for lvl, s in spec["risk"].items()}
            )
    return Policy(
        name=data["name"],
        version=data["version"],
        digest=digest,
        description=data.get("description", ""),
        rules=MappingProxyType(rules),
        default=_rule(data["default"], where, "$.default"),
        risk_rules=MappingProxyType(risk_rules),
        path=path,
    )


def _rule(spec: Mapping[str, Any], where: str, at: str) -> Rule:
    action = spec["action"]
    given = set(spec) - {"action", "risk"}
    stray = sorted(given - ACTION_PARAMS[action])
    if stray:
        raise PolicyError(f"{where}: {at}.{stray[0]}: not a parameter of action {action!r}")
    params = {k: spec[k] for k in sorted(given - {"label"})}
    if "kinds" in params:
        params["kinds"] = MappingProxyType(dict(params["kinds"]))
    return Rule(action=action, label=spec.get("label"), params=MappingProxyType(params))
