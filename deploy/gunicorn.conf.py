"""Gunicorn settings shared by every way the portal is served: `make serve`, the Procfile, the
systemd unit and the Docker image all start `gunicorn -c deploy/gunicorn.conf.py portal.wsgi`.
Where to bind and how many workers stay on each command line."""

import os

# The access log goes to standard output, with link tokens in paths and Referers redacted.
accesslog = "-"
logger_class = "portal.access_log.RedactingLogger"

# X-Forwarded-* headers are believed only from these addresses or networks: the TLS-terminating
# proxy. Django reads the same variable (FORWARDED_ALLOW_IPS) and drops them from anyone else.
forwarded_allow_ips = os.environ.get("FORWARDED_ALLOW_IPS", "127.0.0.1,::1")
