"""Every name of the running interpreter's ``urllib.request``, from both import paths; and the
package's public surface: exactly what the docs document, nothing more."""

from __future__ import annotations

import ast
import pkgutil
import types
import urllib.request
from pathlib import Path

import pytest

import requests_urllib_compat
import requests_urllib_compat._director as compat_opener
import requests_urllib_compat.request as compat_request

STDLIB = vars(urllib.request)
PUBLIC = sorted(
    name
    for name, value in STDLIB.items()
    if not name.startswith("_") and not isinstance(value, types.ModuleType)
)
PRIVATE = sorted(
    name
    for name in STDLIB
    if name.startswith("_") and not name.startswith("__") and name != "_opener"
)
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


# The public modules, each documented: api.md (request, response, session, swap, bridge, error),
# schemes.md (schemes, retrieve), install.md (pytest_plugin, the ``requests_urllib_compat``
# pytest11 entry point), cli.md (``python -m requests_urllib_compat``).  Everything else is an
# implementation module: ``_``-prefixed, or inside a ``_``-prefixed package (the CLI in ``_cli``).
PUBLIC_MODULES = {
    "request",
    "error",
    "response",
    "session",
    "swap",
    "bridge",
    "schemes",
    "retrieve",
    "pytest_plugin",
    "__main__",
}
# The top level: urllib.request's __all__ plus what api.md lists as this package's own.
TOP_LEVEL_EXTRAS = {
    "ContentTooShortError",
    "HTTPError",
    "URLError",
    "configure",
    "error",
    "install",
    "is_installed",
    "patch_module",
    "patched",
    "request",
    "requests_response",
    "response",
    "uninstall",
}
PACKAGE = Path(requests_urllib_compat.__file__).parent


def _is_public(dotted: str) -> bool:
    return all(part == "__main__" or not part.startswith("_") for part in dotted.split("."))


def test_public_modules_are_exactly_the_documented_ones() -> None:
    prefix = "requests_urllib_compat."
    modules = [
        info.name.removeprefix(prefix)
        for info in pkgutil.walk_packages(requests_urllib_compat.__path__, prefix)
    ]
    assert "_cli.main" in modules  # the walk reaches into sub-packages
    assert {name for name in modules if _is_public(name)} == PUBLIC_MODULES


def test_top_level_all_is_exactly_the_documented_list() -> None:
    exported = requests_urllib_compat.__all__
    assert len(exported) == len(set(exported)), "a name is listed twice"
    assert set(exported) == set(urllib.request.__all__) | TOP_LEVEL_EXTRAS
    assert all(hasattr(requests_urllib_compat, name) for name in exported)


def _imports_cli(path: Path) -> list[str]:
    """``_cli`` imports in ``path``: relative (``from ._cli...``, ``from . import _cli``) or
    absolute (``requests_urllib_compat._cli``)."""
    found = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"), str(path))):
        names: list[str] = []
        if isinstance(node, ast.Import):
            names = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            module = node.module or ""
            names = [module, *(f"{module}.{alias.name}" for alias in node.names)]
        found += [f"{path.name}:{node.lineno}" for name in names if "_cli" in name.split(".")]
    return found


def test_the_runtime_never_imports_the_cli() -> None:
    """Tooling sits on top of the runtime: only the ``python -m`` entry point reaches it."""
    runtime = [
        path
        for path in PACKAGE.rglob("*.py")
        if "_cli" not in path.relative_to(PACKAGE).parts and path.name != "__main__.py"
    ]
    assert len(runtime) > 10
    assert [hit for path in sorted(runtime) for hit in _imports_cli(path)] == []
    assert _imports_cli(PACKAGE / "__main__.py")  # the check sees a real import
