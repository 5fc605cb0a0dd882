"""Browser test helpers; the fixtures themselves live in tests/browser_support.py."""
from tests.browser_support import CHROMIUM, SCREENS, login, shot  # noqa: F401
