"""The pre-publish check (``sourceguard check``): a gate for drafts kept in a repository.

Files are read (``files``), their markup is reduced to screenable text with an offset map back to
the original (``markup``), screened by the engine or a remote service (``runner``), turned into
rule violations at line:column (``rules``), filtered by inline suppressions and a baseline
(``suppress``), and printed as text, JSON, SARIF or GitHub annotations (``report``). No output,
cache or log ever holds a name or its surrounding text: only rule, place, role and a keyed
fingerprint.
"""
