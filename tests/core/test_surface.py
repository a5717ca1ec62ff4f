"""Every name of the running interpreter's ``urllib.request``, from both import paths."""

from __future__ import annotations

import types
import urllib.request

import pytest

import requests_urllib_compat
import requests_urllib_compat._director as compat_opener
import requests_urllib_compat.request as compat_request

STDLIB = vars(urllib.request)
PUBLIC = sorted(name for name, value in STDLIB.items()
                if not name.startswith("_") and not isinstance(value, types.ModuleType))
PRIVATE = sorted(name for name in STDLIB
                 if name.startswith("_") and not name.startswith("__") and name != "_opener")
BOTH = [requests_urllib_compat, compat_request]


@pytest.mark.parametrize("module", BOTH, ids=lambda m: m.__name__)
def test_every_public_name_is_defined(module: types.ModuleType) -> None:
    missing = [name for name in PUBLIC if name not in vars(module)]
    assert not missing, f"{module.__name__} lacks {missing}"


@pytest.mark.parametrize("module", BOTH, ids=lambda m: m.__name__)
def test_every_other_name_is_the_stdlib_object(module: types.ModuleType) -> None:
    for name in PRIVATE:
        assert getattr(module, name) is STDLIB[name], name
    assert set(PRIVATE) <= set(dir(compat_request))


def test_star_imports_match_the_stdlib_all() -> None:
    ours: dict[str, object] = {}
    exec("from requests_urllib_compat.request import *", ours)
    ours.pop("__builtins__")
    assert sorted(ours) == sorted(urllib.request.__all__)


@pytest.mark.parametrize("module", BOTH, ids=lambda m: m.__name__)
def test_unknown_names_raise_attribute_error(module: types.ModuleType) -> None:
    with pytest.raises(AttributeError, match="no_such_name"):
        module.no_such_name  # noqa: B018
    assert not hasattr(module, "__wrapped__")


def test_private_helpers_can_be_imported() -> None:
    from requests_urllib_compat.request import _parse_proxy, _proxy_bypass_macosx_sysconf

    assert _parse_proxy("http://joe:pw@proxy:3128") == ("http", "joe", "pw", "proxy:3128")
    assert _proxy_bypass_macosx_sysconf is STDLIB["_proxy_bypass_macosx_sysconf"]


@pytest.mark.parametrize("module", BOTH, ids=lambda m: m.__name__)
def test_opener_global_is_the_one_install_opener_sets(module: types.ModuleType) -> None:
    """``_opener`` is this package's installed opener, not the stdlib's module global."""
    assert module._opener is None
    opener = compat_request.build_opener()
    compat_request.install_opener(opener)
    assert module._opener is opener
    assert STDLIB["_opener"] is None
    compat_request.urlcleanup()
    assert module._opener is None
    with compat_request.urlopen("data:,x") as response:
        assert response.read() == b"x"
    assert module._opener is compat_opener._opener is not None


def test_setting_opener_installs_it() -> None:
    opener = compat_request.build_opener()
    compat_request._opener = opener
    assert compat_opener._opener is opener
    assert "_opener" not in vars(compat_request)  # no global shadowing ours
    compat_request._opener = None
    assert compat_opener._opener is None
