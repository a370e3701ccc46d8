"""Settings for the load test (`python -m bench.loadtest`): production's, served over plain
HTTP on 127.0.0.1.

Everything comes from config/settings/production.py (DEBUG off, a real secret key and allowed
hosts required, whitenoise's compressed static files, JSON logs), except the four settings that
only make sense behind TLS, which a reverse proxy terminates in a real deployment. Over plain
HTTP a client never sends back a cookie marked Secure, so with them on no one could log in.
Never use this module for a real deployment.
"""

from config.settings.production import *  # noqa: F403

SECURE_SSL_REDIRECT = False
SECURE_HSTS_SECONDS = 0
SESSION_COOKIE_SECURE = False
CSRF_COOKIE_SECURE = False
