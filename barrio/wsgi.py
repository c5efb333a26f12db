"""WSGI entry point of Barrio."""

import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "barrio.settings")
application = get_wsgi_application()
