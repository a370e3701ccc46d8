"""The embedded default: a laptop, SQLite under var/, background work in threads of the web
process."""

from .base import *  # noqa: F403
from .base import env_bool

DEBUG = env_bool("PULANG_DEBUG", True)
WHITENOISE_USE_FINDERS = True
