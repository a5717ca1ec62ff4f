"""What a release needs besides the code: license, metadata, changelog, policy page."""

from __future__ import annotations

import hashlib
import re
import sys
from pathlib import Path

import pytest

import requests_urllib_compat

from ..support import ROOT

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover - tomli is what 3.9/3.10 have, when installed
    tomllib = pytest.importorskip("tomli")


def pyproject() -> dict:  # type: ignore[type-arg]
    return tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))


def test_license_is_the_full_apache_2_text() -> None:
    text = (ROOT / "LICENSE").read_bytes()
    # the digest of https://www.apache.org/licenses/LICENSE-2.0.txt
    assert hashlib.sha256(text).hexdigest() == (
        "cfc7749b96f63bd31c3c42b5c471bf756814053e847c10f3eb003417bc523d30"
    )
    project = pyproject()["project"]
    assert project["license"] == "Apache-2.0"
    assert project["license-files"] == ["LICENSE"]


def test_setuptools_floor_builds_a_pep_639_license() -> None:
    (requirement,) = pyproject()["build-system"]["requires"]
    floor = re.fullmatch(r"setuptools>=(\d+)\.(\d+)\.(\d+)", requirement)
    assert floor and (int(floor[1]), int(floor[2])) >= (77, 0), requirement


def test_project_urls() -> None:
    urls = pyproject()["project"]["urls"]
    assert {"Homepage", "Documentation", "Source", "Issues", "Changelog"} <= set(urls)
    assert all(url.startswith("https://") for url in urls.values())


def test_changelog_keeps_a_changelog() -> None:
    text = (ROOT / "CHANGELOG.md").read_text(encoding="utf-8")
    assert text.startswith("# Changelog\n")
    assert "keepachangelog.com" in text
    assert "\n## [Unreleased]\n" in text
    sections = set(re.findall(r"^### (\w+)$", text, flags=re.M))
    assert sections <= {"Added", "Changed", "Deprecated", "Removed", "Fixed", "Security"}


def test_version_matches_the_metadata() -> None:
    assert pyproject()["project"]["version"] == requests_urllib_compat.__version__


def test_versioning_page_exists() -> None:
    # (tests/docs/test_docs.py checks every page is in the toctree)
    text = (ROOT / "docs" / "versioning.md").read_text(encoding="utf-8")
    assert text.startswith("# Versioning and deprecation policy\n")


def test_the_wheel_ships_every_module(tmp_path: Path) -> None:
    """A sub-package missing from the build configuration would install a broken package."""
    import subprocess
    import zipfile

    subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "-q", "--no-deps", "-w", str(tmp_path), str(ROOT)],
        check=True,
        capture_output=True,
        timeout=300,
    )
    (wheel,) = tmp_path.glob("*.whl")
    shipped = {
        name
        for name in zipfile.ZipFile(wheel).namelist()
        if name.startswith("requests_urllib_compat/")
    }
    package = ROOT / "requests_urllib_compat"
    source = {
        path.relative_to(ROOT).as_posix()
        for path in package.rglob("*.py")
        if "__pycache__" not in path.parts
    }
    assert source <= shipped
    assert "requests_urllib_compat/py.typed" in shipped


def test_ci_runs_the_readme_test_command() -> None:
    """CI runs exactly the command the README gives for the tests."""
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    (command,) = re.findall(r"^    (python3 -m venv \.venv && .*pytest)$", readme, flags=re.M)
    assert command in (ROOT / ".ci" / "run").read_text(encoding="utf-8")
