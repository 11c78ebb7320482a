import os

from django.core.asgi import get_asgi_application

# Served by an ASGI server: production settings unless told otherwise (they need SECRET_KEY).
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "portal.settings.production")
application = get_asgi_application()
