"""Shared by every stage of the service: configuration (the only reader of the
environment), error types, findings (results that never hold matched text) and JSON logs.
"""
