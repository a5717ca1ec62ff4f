"""The pytest plugin: the ``urllib_compat`` fixture, registered through the entry point; and
the docs/testing.md example, run as a user would run it."""

from __future__ import annotations

import re
import textwrap
import urllib.request

import pytest

import requests_urllib_compat.swap as swap

from ..support import ROOT

pytest_plugins = ["pytester"]

EXAMPLES = ROOT / "docs" / "examples"
TESTING_PAGE = EXAMPLES.parent / "testing.md"


def test_fixture_swaps_for_one_test_only(pytester: pytest.Pytester) -> None:
    pytester.makepyfile(
        """
        import urllib.request
        import requests_urllib_compat

        STDLIB_URLOPEN = urllib.request.urlopen

        def test_with_fixture(urllib_compat):
            assert urllib.request.urlopen is requests_urllib_compat.urlopen
            assert requests_urllib_compat.is_installed()

        def test_without_fixture():
            assert urllib.request.urlopen is STDLIB_URLOPEN
            assert not requests_urllib_compat.is_installed()

        def test_failing_test_restores_too(urllib_compat):
            assert False, "fails on purpose"

        def test_after_a_failure():
            assert urllib.request.urlopen is STDLIB_URLOPEN
        """
    )
    result = pytester.runpytest("-p", "no:cacheprovider")
    result.assert_outcomes(passed=3, failed=1)
    result.stdout.fnmatch_lines(["FAILED *::test_failing_test_restores_too*"])
    assert urllib.request.urlopen is swap.ORIGINALS["urlopen"]


def test_fixture_patch_module(pytester: pytest.Pytester) -> None:
    pytester.makepyfile(
        old_client="from urllib.request import urlopen\n",
        test_it="""
        import old_client
        import requests_urllib_compat

        def test_patch(urllib_compat):
            assert urllib_compat.patch_module(old_client) == ["urlopen"]
            assert old_client.urlopen is requests_urllib_compat.urlopen

        def test_next():
            assert old_client.urlopen is not requests_urllib_compat.urlopen
        """,
    )
    result = pytester.runpytest("-p", "no:cacheprovider")
    result.assert_outcomes(passed=2)


EARLY_BOUND_TESTS = {
    "test_stdlib_first": """
        def test_stdlib_first():  # no fixture: the stdlib's urlopen caches a stdlib opener
            with old_client.urlopen("data:,x") as response:
                assert response.read() == b"x"
        """,
    "test_fixture": """
        @responses.activate
        def test_fixture(urllib_compat):
            responses.get("http://api.test/hello", body=b"mocked")
            assert old_client.fetch("http://api.test/hello") == b"mocked"
        """,
}


@pytest.mark.parametrize(
    "order", [["test_stdlib_first", "test_fixture"], ["test_fixture", "test_stdlib_first"]]
)
def test_fixture_early_bound_urlopen_in_any_order(
    pytester: pytest.Pytester, order: list[str]
) -> None:
    """``from urllib.request import urlopen`` run before the test: the fixture's swap answers
    it the same way whichever test ran first (no real network attempt after a test that
    cached the stdlib's opener)."""
    pytester.makepyfile(
        old_client="""
        from urllib.request import urlopen

        def fetch(url):
            with urlopen(url, timeout=5) as response:
                return response.read()
        """,
        test_it="import old_client\nimport responses\n\n"
        + "\n".join(textwrap.dedent(EARLY_BOUND_TESTS[name]) for name in order),
    )
    result = pytester.runpytest("-p", "no:cacheprovider", "-v")
    result.assert_outcomes(passed=2)
    result.stdout.fnmatch_lines([f"*::{name} PASSED*" for name in order])


def test_plugin_is_registered_by_the_entry_point(pytester: pytest.Pytester) -> None:
    pytester.makepyfile("def test_it(urllib_compat):\n    pass\n")
    result = pytester.runpytest("-p", "no:cacheprovider", "-p", "no:requests_urllib_compat")
    result.assert_outcomes(errors=1)
    result.stdout.fnmatch_lines(["*fixture 'urllib_compat' not found*"])


def _fenced_blocks(markdown: str) -> list[str]:
    return re.findall(r"^```python\n(.*?)^```$", markdown, flags=re.S | re.M)


def test_docs_page_shows_the_example_files_verbatim() -> None:
    blocks = _fenced_blocks(TESTING_PAGE.read_text())
    for name in ("legacy_weather.py", "test_legacy_weather.py"):
        assert (EXAMPLES / name).read_text() in blocks, name


def test_docs_example_passes(pytester: pytest.Pytester) -> None:
    for name in ("legacy_weather.py", "test_legacy_weather.py"):
        pytester.makepyfile(**{name[:-3]: (EXAMPLES / name).read_text()})
    result = pytester.runpytest("-p", "no:cacheprovider")
    result.assert_outcomes(passed=4)
