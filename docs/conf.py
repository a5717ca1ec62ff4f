"""Sphinx configuration: the Markdown pages in docs/ (MyST) are the site.

Built in CI with ``sphinx-build -W --keep-going -b html docs docs/_build/html``: every warning
fails the build.  No intersphinx: the build must work offline.
"""

from __future__ import annotations

import sys
import types
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))  # autodoc imports the package from the checkout

import requests_urllib_compat  # noqa: E402

project = "requests-urllib-compat"
author = "the requests-urllib-compat contributors"
copyright = "2026, " + author
release = requests_urllib_compat.__version__
version = release

extensions = [
    "myst_parser",
    "sphinx.ext.autodoc",
    "sphinx.ext.napoleon",
]

source_suffix = {".md": "markdown", ".rst": "restructuredtext"}
root_doc = "index"
exclude_patterns = ["_build", "examples", "Thumbs.db", ".DS_Store"]

# MyST: GitHub-style anchors so "[text](page.md#a-heading)" links resolve.
myst_heading_anchors = 3
myst_enable_extensions = ["colon_fence", "deflist", "substitution"]


def _is_ours(obj: object) -> bool:
    return str(getattr(obj, "__module__", "")).startswith("requests_urllib_compat")


def _public_names() -> tuple[list[str], list[str]]:
    """``requests_urllib_compat.request.__all__`` split into this package's own objects and the
    stdlib's objects it re-exports (they change as parts move onto requests)."""
    from requests_urllib_compat import request

    ours = [n for n in request.__all__ if _is_ours(getattr(request, n))]
    stdlib = [n for n in request.__all__ if n not in ours]
    return ours, stdlib


_OURS, _STDLIB = _public_names()
myst_substitutions = {
    "own_names": ", ".join(f"`{n}`" for n in _OURS),
    "stdlib_names": ", ".join(f"`{n}`" for n in _STDLIB),
}

# autodoc: document what is defined in our modules, in source order, with type hints in the
# description (not in the signature, where they make urllib's signatures unreadable).
autodoc_member_order = "bysource"
autodoc_typehints = "description"
autodoc_default_options = {"members": True, "show-inheritance": True}
napoleon_google_docstring = True
napoleon_numpy_docstring = False

# Every cross-reference must resolve (with -W a dead link fails the build), except those to
# the stdlib and to requests/urllib3: not resolvable offline (no intersphinx), left as text.
nitpicky = True
nitpick_ignore_regex = [
    (r"py:.*", r"(urllib|http|ssl|socket|collections|types|typing|email|requests|urllib3)"
               r"(\..*)?"),
    # Python 3.9 cannot evaluate ``X | None`` annotations: autodoc then shows them as written,
    # with the names as the module imported them (the stdlib's addinfourl, a private alias).
    (r"py:class", r"addinfourl|_ReportHook|_Handler|ModuleLike|Retry"),
    # Type aliases for the checker (the package's _types, typeshed's _typeshed, imported under
    # TYPE_CHECKING): autodoc shows them by name.
    (r"py:class", r"RequestData|Opened|WriteableBuffer"),
]



def _skip_reexported_stdlib(app: object, what: str, name: str, obj: object, skip: bool,
                            options: object) -> bool | None:
    """In a module's members, document this package's objects, not the stdlib's re-exports
    (their reference is the Python documentation)."""
    # Only classes, functions and modules say where they were defined; data members (the
    # ``#:``-documented tables such as FEATURES, REPLACEMENTS, STATUS) are kept: an int or a
    # dict would otherwise look like the stdlib's (its type's ``__module__`` is ``builtins``).
    defined = isinstance(obj, (type, types.FunctionType, types.BuiltinFunctionType,
                               types.ModuleType))
    if what == "module" and defined and not _is_ours(obj):
        return True
    return None


def setup(app: Any) -> None:
    app.connect("autodoc-skip-member", _skip_reexported_stdlib)


html_theme = "alabaster"
html_title = f"requests-urllib-compat {release}"
html_theme_options = {
    "description": "The urllib.request API on top of requests",
    "fixed_sidebar": True,
    "page_width": "1280px",  # room for the migration guide's side-by-side code
    "sidebar_width": "240px",
}
html_static_path: list[str] = []
