"""The HTTP service: the Flask application factory, the /v1 JSON API, the editor page
(``web`` routes, ``editor_view`` what it shows),
auth, health and metrics, problem+json errors, the gunicorn server and the OpenAPI document.
"""
