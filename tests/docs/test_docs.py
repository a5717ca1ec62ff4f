"""The docs site builds with warnings as errors (when the ``docs`` extra is installed).

CI builds the site after the tests; this test lets a local run catch a page or a docstring
that would break that build.
"""

from __future__ import annotations

import subprocess
import sys
from html.parser import HTMLParser
from pathlib import Path

import pytest

from ..support import ROOT

DOCS = ROOT / "docs"


class _Text(HTMLParser):
    """The text of an HTML page, as a reader sees it (code blocks included, markup dropped)."""

    def __init__(self) -> None:
        super().__init__()
        self.parts: list[str] = []
        self._skipping = 0

    def handle_starttag(self, tag: str, attrs: object) -> None:
        self._skipping += tag in ("script", "style")

    def handle_endtag(self, tag: str) -> None:
        self._skipping -= tag in ("script", "style")

    def handle_data(self, data: str) -> None:
        if not self._skipping:
            self.parts.append(data)


def page_text(path: Path) -> str:
    parser = _Text()
    parser.feed(path.read_text(encoding="utf-8"))
    return "".join(parser.parts)


def test_docs_build_without_warnings(tmp_path: Path) -> None:
    pytest.importorskip("sphinx")
    pytest.importorskip("myst_parser")
    out = tmp_path / "html"
    result = subprocess.run(
        [
            sys.executable,
            "-m",
            "sphinx",
            "-W",
            "--keep-going",
            "-q",
            "-b",
            "html",
            "-d",
            str(tmp_path / "doctrees"),
            str(DOCS),
            str(out),
        ],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr
    index = (out / "index.html").read_text(encoding="utf-8")
    assert "requests-urllib-compat" in index
    pages = sorted(p.stem for p in DOCS.glob("*.md") if p.stem != "index")
    for page in pages:  # every page is linked from the index
        assert f'href="{page}.html"' in index, page
    api = (out / "api.html").read_text(encoding="utf-8")
    assert "requests_urllib_compat.request.build_opener" in api  # autodoc ran
    assert "requests_urllib_compat.request.Request" not in api  # the stdlib's: not repeated
    # The documented tables render (data members), so the links to them resolve (nitpicky).
    schemes = (out / "schemes.html").read_text(encoding="utf-8")
    for html, target in (
        (api, "session.FEATURES"),
        (api, "swap.REPLACEMENTS"),
        (schemes, "schemes.STATUS"),
    ):
        assert f'id="requests_urllib_compat.{target}"' in html, target
    for page, target in (("migration", "session.FEATURES"), ("install", "swap.REPLACEMENTS")):
        html = (out / f"{page}.html").read_text(encoding="utf-8")
        assert f'href="api.html#requests_urllib_compat.{target}"' in html, (page, target)
    # The example files are included into the pages, as code.
    howto = page_text(out / "howto.html")
    assert "password_mgr.add_password(None, top_level_url, username, password)" in howto
    migration = page_text(out / "migration.html")
    assert 'urllib_request.build_opener(NoRedirect).open("http://example.com/old")' in migration
    assert 'requests.get("http://example.com/old", allow_redirects=False, timeout=10)' in migration
