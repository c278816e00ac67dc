"""``sourceguard archive scan``: find every archived document that exposes a roster entry.

When a source's risk changes the newsroom adds them to the roster and asks which of its past
articles name them. The scan streams documents from a folder tree, a JSONL file or a PostgreSQL
query (``sources``), runs a cheap roster pass over every one (``roster_pass``: keyed name keys of
token n-grams looked up in a hash index, no language model) and, with ``--full``, the whole
engine and a policy on the flagged documents (``screening``). The work is spread over Ray actors,
one engine per worker process (``workers``, ``scan``); findings are written as JSONL or Parquet
with fingerprints only (``output``), and finished documents are recorded in a checkpoint so an
interrupted scan continues where it stopped (``checkpoint``).

Ray, pyarrow and tqdm are the optional extra ``archive``; only ``scan`` and ``workers`` import Ray.
"""
