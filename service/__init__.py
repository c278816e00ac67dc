"""The service: every stage after the recognizers, and the front ends built on them.

``core/`` (config, errors, findings, logs) → ``drafts/`` (validation, reading by format) →
``pipeline/`` (nlp, engine, identities, roster, anonymize) → ``audit/`` (records, store);
front ends on top: ``http/`` (Flask service), ``check/`` (pre-publish gate), ``cli``.
"""
