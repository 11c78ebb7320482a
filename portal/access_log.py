"""Gunicorn's logger for every deployment (deploy/gunicorn.conf.py): access and error lines pass
through the same redaction as the portal's own logs, so link tokens in request paths and Referer
headers never reach the access log."""

from __future__ import annotations

from gunicorn.glogging import Logger

from common.logging import RedactSecrets


class RedactingLogger(Logger):
    def setup(self, cfg) -> None:
        super().setup(cfg)
        for log in (self.access_log, self.error_log):
            if not any(isinstance(existing, RedactSecrets) for existing in log.filters):
                log.addFilter(RedactSecrets())
