"""The browser fixtures live in tests/conftest.py, so browser tests in any folder share one chromium."""
