"""Error types every front end maps to a clear refusal (HTTP 4xx/503, CLI exit 2).

Messages must never contain draft text or names: they end up in logs, CI output and problem+json
responses.
"""


class SourceguardError(Exception):
    """Base class: a request that must be refused rather than answered unsafely."""


class InputError(SourceguardError):
    """The caller sent something unusable (empty, binary, wrong encoding, too large)."""


class ConfigurationError(SourceguardError):
    """The service cannot run safely as configured (model, policy, roster or keys missing)."""
