"""Test support: loopback servers, the differential runner and the shared fixtures.

The fixtures here are registered for every test by ``pytest_plugins`` in tests/conftest.py.
"""

from pathlib import Path

#: The repository's root (docs/, pyproject.toml).
ROOT = Path(__file__).resolve().parents[2]
