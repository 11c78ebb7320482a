"""Log hygiene: secrets that can appear in a logged URL or message never reach the log output.

Applicant links carry a 43-character token in their path and partner tokens start with
``icp_``; a 404 or a slow-request warning would otherwise write them out. The token segment of a
link path (``/apply/resume/<token>/``, ``/apply/status/<token>/``, a reviewer's password-reset
link, a calendar feed's ``/calendar/<token>.ics``) is redacted whatever its length, so a mistyped
or shortened token is not logged either. The same filter cleans gunicorn's access log and the
development server's request log. Passwords and document
contents are never logged by the portal's own code.
"""

from __future__ import annotations

import logging
import re

SECRETS = re.compile(r"icp_[A-Za-z0-9_-]{8,}|whsec_[A-Za-z0-9_-]{8,}|(?<![A-Za-z0-9_-])[A-Za-z0-9_-]{40,}")
LINK_TOKENS = re.compile(
    r"(/apply/(?:resume|status)/|/password-reset/[^/\s]+/|/calendar/)(?!set-password/)[^/\s?#\"']+"
)


def redact(text: str) -> str:
    return LINK_TOKENS.sub(r"\1[redacted]", SECRETS.sub("[redacted]", text))


# Attributes every record has; anything else came as ``extra`` (e.g. Django's ``request``) and is
# written out by the JSON formatter, so it is cleaned too.
STANDARD = set(vars(logging.makeLogRecord({}))) | {"message", "asctime", "correlation_id"}


class RedactSecrets(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        cleaned = redact(message)
        if cleaned != message:
            record.msg, record.args = cleaned, ()
        for name, value in list(vars(record).items()):
            if name not in STANDARD and not isinstance(value, int | float | bool | type(None)):
                setattr(record, name, redact(str(value)))
        return True
