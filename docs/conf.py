"""Sphinx configuration: the Markdown pages in docs/ (MyST) are the site.

Built in CI with ``sphinx-build -W --keep-going -b html docs docs/_build/html``: every warning
fails the build.  No intersphinx: the build must work offline.
"""

from __future__ import annotations

import sys
from pathlib import Path

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
myst_enable_extensions = ["colon_fence", "deflist"]

# autodoc: document what is defined in our modules, in source order, with type hints in the
# description (not in the signature, where they make urllib's signatures unreadable).
autodoc_member_order = "bysource"
autodoc_typehints = "description"
autodoc_default_options = {"members": True, "show-inheritance": True}
napoleon_google_docstring = True
napoleon_numpy_docstring = False

# Names of the stdlib and of requests are not resolvable offline (no intersphinx): leave
# cross-references to them as plain text instead of warning.
nitpicky = False

html_theme = "alabaster"
html_title = f"requests-urllib-compat {release}"
html_theme_options = {
    "description": "The urllib.request API on top of requests",
    "fixed_sidebar": True,
    "page_width": "1280px",  # room for the migration guide's side-by-side code
    "sidebar_width": "240px",
}
html_static_path: list[str] = []
