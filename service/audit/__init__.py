"""Persistence: audit records with keyed fingerprints, the store backends (SQLite,
PostgreSQL: audit chain, tokens, sessions, roster entries).
"""
