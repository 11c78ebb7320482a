"""Settings modules: ``development`` (manage.py's default), ``production`` (named by every deploy
entry point: wsgi, asgi, Celery, ``make serve``, ``deploy/``), ``test`` (pytest), all on ``base``.

A developer's own variables may sit in a ``.env`` file next to manage.py (never committed). It is
read here, before any of the modules, so its values win over the defaults each module sets.
"""

from pathlib import Path

import environ

_DOTENV = Path(__file__).resolve().parent.parent.parent / ".env"
if _DOTENV.exists():
    environ.Env.read_env(_DOTENV)
