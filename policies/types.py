"""What a loaded policy says about itself, and the one error the policy layer raises.

Kept apart from the loader (YAML, JSON schema) so that results and error handling can name them
without importing the loader, and so that nothing here depends on the service above.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass


@dataclass
class PolicyInfo:
    name: str
    version: str
    digest: str

    def to_dict(self) -> dict[str, str]:
        return asdict(self)


class PolicyError(Exception):
    """A policy is missing, unreadable or invalid. Messages name the file and JSON path only."""
