"""The HTTP service: the Flask application factory, the /v1 JSON API, the editor page,
auth, health and metrics, problem+json errors, the gunicorn server and the OpenAPI document.
"""
