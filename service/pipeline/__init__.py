"""The screening flow: NLP (spaCy via Presidio) -> recognizers -> identities and
roles -> policy decisions -> anonymization; ``engine.Engine`` runs it and fails closed.
"""
