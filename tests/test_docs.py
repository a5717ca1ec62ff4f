"""The docs site builds with warnings as errors (when the ``docs`` extra is installed).

CI builds the site after the tests; this test lets a local run catch a page or a docstring
that would break that build.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

DOCS = Path(__file__).resolve().parent.parent / "docs"


def test_docs_build_without_warnings(tmp_path: Path) -> None:
    pytest.importorskip("sphinx")
    pytest.importorskip("myst_parser")
    out = tmp_path / "html"
    result = subprocess.run(
        [sys.executable, "-m", "sphinx", "-W", "--keep-going", "-q", "-b", "html",
         "-d", str(tmp_path / "doctrees"), str(DOCS), str(out)],
        capture_output=True, text=True, timeout=120,
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
