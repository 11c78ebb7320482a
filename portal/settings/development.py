"""Settings for a developer's machine, the default of ``manage.py``: the base settings with DEBUG
on, so commands work by hand in a fresh checkout. Without SECRET_KEY, a random development-only
key is kept in ``var/`` (see base.py). Production is never this module: every production entry
point names ``portal.settings.production``, which refuses to start without SECRET_KEY.
"""

import os

os.environ.setdefault("DEBUG", "1")

from .base import *  # noqa: F403
