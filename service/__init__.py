"""The service layer: everything after the recognizers, and the front ends built on it.

- Flow: ``nlp`` (spaCy via Presidio) → ``engine`` (recognizers, ``identities``, policy,
  ``anonymize``) → ``findings`` (results that never hold matched text); ``drafts`` says what
  counts as a draft.
- HTTP service: ``app`` (``create_app``), blueprints ``api`` (/v1 JSON), ``ops`` (health,
  metrics, OpenAPI), ``web`` (editor page, ``templates/``, ``static/``); ``state`` runs audited
  screening; ``auth``, ``problems``, ``logs``, ``metrics``; ``config`` (environment, keys).
- Persistence: ``store`` (SQLite or PostgreSQL: audit chain, tokens, roster), ``audit`` (records
  with keyed fingerprints), ``roster`` (hashed protected-source roster).
- Command line: ``cli`` (``sourceguard``), ``server`` (gunicorn), ``check/`` (pre-publish gate),
  ``evaluate`` (gold corpus vs plain Presidio).
"""
