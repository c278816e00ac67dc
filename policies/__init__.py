"""Redaction policies: versioned, schema-validated YAML files that map each kind of finding
(entity type, and for anonymous sources their jigsaw risk) to an action.

``loader.load_policy`` is the only way in; a policy that fails to parse or validate raises
``PolicyError`` and is never replaced by defaults.
"""
