"""Test support: loopback servers, the differential runner and the shared fixtures.

The fixtures here are registered for every test by ``pytest_plugins`` in tests/conftest.py.
"""
