"""CPython's own urllib tests, from the running interpreter's ``test`` package, run against
``requests_urllib_compat.request``.

Each test module is compiled afresh from the interpreter's source with an ``__import__`` of its
own: ``import urllib.request`` binds a ``urllib`` whose ``request`` is this package's module, and
``from urllib.request import ...`` imports from it (private helpers included, through the
module's ``__getattr__``). Nothing global is patched: the stdlib's ``urllib.request`` and the
real ``test`` modules stay as they are. pytest collects the ``TestCase`` classes of the loaded
modules from this module's namespace (as ``test_urllib2__HandlerTests`` and so on).

Distributions that strip the ``test`` package (Debian's ``python3`` without
``libpython3-testsuite``, some containers) skip this module.

``EXPECTED_FAILURES`` lists the CPython tests that fail here, each with why; they run as strict
xfails, so one that starts passing fails the suite and is taken off the list. ``NOT_RUN`` lists
those that cannot run against this package at all.
"""

from __future__ import annotations

import builtins
import functools
import importlib.util
import sys
import types
import unittest
import urllib
from collections.abc import Iterator
from typing import Any

import pytest

import requests_urllib_compat.request as compat_request

try:
    import test.support  # noqa: F401  (the interpreter's regression-test helpers)
except ImportError:  # pragma: no cover - depends on the distribution
    pytest.skip(
        "this Python has no `test` package (stripped by the distribution)", allow_module_level=True
    )

MODULES = ("test_urllib2", "test_urllib2_localnet", "test_urllib")

_FAKE_HTTP = (
    "patches http.client.HTTPConnection with a fake socket: this package's http(s) "
    "transport is urllib3's, which never looks that name up"
)
#: "module::Class::method" -> why it fails against this package (run as strict xfail).
EXPECTED_FAILURES: dict[str, str] = {
    "test_urllib2::TrivialTests::test___all__": "the names this package implements (urlopen, "
    "OpenerDirector, the http(s), ftp, proxy and "
    "redirect handlers...) are its own objects, defined in its own modules",
}

#: "module::Class" or "module::Class::method" -> why it cannot run here (skipped).
NOT_RUN: dict[str, str] = {
    "test_urllib::urlopen_HttpTests": _FAKE_HTTP,
    "test_urllib::urlretrieve_HttpTests": _FAKE_HTTP,
    "test_urllib2::HandlerTests::test_redirect_encoding": _FAKE_HTTP,
    "test_urllib2::HandlerTests::test_redirect_no_path": _FAKE_HTTP,
}


class _Urllib(types.ModuleType):
    """The ``urllib`` package as the loaded tests see it: ``request`` is this package's."""

    def __getattr__(self, name: str) -> Any:
        return getattr(urllib, name)


_URLLIB = _Urllib("urllib")
_URLLIB.request = compat_request  # type: ignore[attr-defined]


def _import(
    name: str, globals: Any = None, locals: Any = None, fromlist: Any = (), level: int = 0
) -> Any:
    module = builtins.__import__(name, globals, locals, fromlist, level)
    if level == 0 and (name == "urllib" or name.startswith("urllib.")):
        if name == "urllib.request" and fromlist:
            return compat_request
        if not fromlist or name == "urllib":
            return _URLLIB
    return module


def _load(name: str) -> types.ModuleType | None:
    spec = importlib.util.find_spec(f"test.{name}")
    if spec is None or spec.origin is None or not spec.origin.endswith(".py"):
        return None
    with open(spec.origin, "rb") as file:
        source = file.read()
    module = types.ModuleType(f"cpython_{name}")
    module.__file__ = spec.origin
    module.__builtins__ = {**vars(builtins), "__import__": _import}  # type: ignore[attr-defined]
    sys.modules[module.__name__] = module  # for tracebacks, pickling, mock.patch by name
    try:
        exec(compile(source, spec.origin, "exec"), vars(module))
    except unittest.SkipTest:  # e.g. support.requires_working_socket(module=True)
        return None
    return module


def _mark(cls: type, method: str, marker: pytest.MarkDecorator) -> None:
    """Mark ``cls.method`` only (the function may be shared with a base class)."""
    original = getattr(cls, method)

    @functools.wraps(original)
    def wrapper(self: Any, *args: Any, **kwargs: Any) -> Any:
        return original(self, *args, **kwargs)

    setattr(cls, method, marker(wrapper))


def _collect() -> dict[str, type]:
    found: dict[str, type] = {}
    for name in MODULES:
        module = _load(name)
        if module is None:
            continue
        for class_name, cls in vars(module).items():
            if not (
                isinstance(cls, type)
                and issubclass(cls, unittest.TestCase)
                and cls.__module__ == module.__name__
            ):
                continue
            key = f"{name}::{class_name}"
            if key in NOT_RUN:
                cls = unittest.skip(NOT_RUN[key])(cls)
            for method in unittest.TestLoader().getTestCaseNames(cls):
                if f"{key}::{method}" in EXPECTED_FAILURES:
                    _mark(
                        cls,
                        method,
                        pytest.mark.xfail(
                            reason=EXPECTED_FAILURES[f"{key}::{method}"], strict=True
                        ),
                    )
                elif f"{key}::{method}" in NOT_RUN:
                    _mark(cls, method, pytest.mark.skip(reason=NOT_RUN[f"{key}::{method}"]))
            found[f"{name}__{class_name}"] = cls
    return found


globals().update(_collect())


@pytest.fixture(autouse=True, scope="module")
def _stdlib_module_left_as_found() -> Iterator[None]:
    """The stdlib's ``urllib.request`` fills module caches as these tests use it (``_thishost``
    for ``file:`` URLs, ...): put them back, so later tests see the module as collected."""
    before = dict(vars(urllib.request))
    yield
    namespace = vars(urllib.request)
    for name in set(namespace) - set(before):
        del namespace[name]
    namespace.update(before)


def test_the_loaded_tests_use_this_package() -> None:
    module = sys.modules.get("cpython_test_urllib2")
    if module is None:
        pytest.skip("test_urllib2 not loaded")
    assert module.urllib.request is compat_request
    assert module.OpenerDirector is compat_request.OpenerDirector
    assert module._parse_proxy is urllib.request._parse_proxy  # type: ignore[attr-defined]


_OLD = sys.version_info < (3, 12)  # test_http_handler_debuglevel was split in four in 3.12
#: Entries that name a test only some supported versions have: whether this one has it.
_PRESENT = {
    "test_urllib2::HandlerTests::test_http_handler_debuglevel": _OLD,
    "test_urllib2::HandlerTests::test_http_handler_global_debuglevel": not _OLD,
    "test_urllib2::HandlerTests::test_http_handler_local_debuglevel": not _OLD,
    "test_urllib2::HandlerTests::test_https_handler_global_debuglevel": not _OLD,
    "test_urllib2::HandlerTests::test_https_handler_local_debuglevel": not _OLD,
}


def test_the_tables_name_tests_of_this_python() -> None:
    """No stale entry: each one names a test the interpreter's modules have."""
    for key in [*EXPECTED_FAILURES, *NOT_RUN]:
        module_name, class_name, *method = key.split("::")
        module = sys.modules.get(f"cpython_{module_name}")
        if module is None:
            continue  # the module could not be loaded here (skipped)
        cls = getattr(module, class_name)
        assert not method or hasattr(cls, method[0]) is _PRESENT.get(key, True), key
