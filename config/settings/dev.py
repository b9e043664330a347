"""Local development and the `make demo` server."""

from .base import *  # noqa: F403
from .base import env

DEBUG = env("DEBUG", "1") in {"1", "true", "yes", "on"}
SECRET_KEY = env("SECRET_KEY", "dev-only-insecure-key-do-not-use-in-production")
STORAGES["staticfiles"] = {  # noqa: F405
    "BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"
}
# runserver and the test live server serve static files themselves; WhiteNoise is for
# production, where collectstatic has filled STATIC_ROOT.
MIDDLEWARE = [m for m in MIDDLEWARE if m != "whitenoise.middleware.WhiteNoiseMiddleware"]  # noqa: F405
