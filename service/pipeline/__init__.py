"""The screening flow: NLP (spaCy via Presidio) -> recognizers -> identities and
roles -> an editor's corrections (``corrections``, web page only) -> policy decisions ->
anonymization; ``engine.Engine`` runs it and fails closed.
"""
