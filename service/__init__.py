"""The service layer: the engine that runs the flow (``engine``), identities (``identities``),
anonymization (``anonymize``), the CLI, evaluation, and the front ends built on them.
"""
