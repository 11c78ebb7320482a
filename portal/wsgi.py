import os

from django.core.wsgi import get_wsgi_application

# Served by gunicorn: production settings unless told otherwise (they need SECRET_KEY).
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "portal.settings.production")
application = get_wsgi_application()
