"""pytest plugin (registered as ``requests_urllib_compat``): the swap for one test.

``def test_legacy(urllib_compat): ...`` runs the test with ``urllib.request`` swapped for this
package (see :func:`requests_urllib_compat.patched`) and restores it afterwards, so legacy code
under test is answered by ``responses`` mocks or goes over pooled connections.  The fixture's
value is the :class:`~requests_urllib_compat.swap.Swap` handle: ``urllib_compat.patch_module(m)``
rebinds names ``m`` imported from ``urllib.request`` earlier, for this test only.  A stdlib
``urlopen`` imported earlier goes through this package during the test in any case, whatever
other tests ran before (the swap sets the stdlib's cached opener aside).
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING

import pytest

if TYPE_CHECKING:
    from .swap import Swap

__all__ = ["urllib_compat"]


@pytest.fixture
def urllib_compat() -> Iterator[Swap]:
    """``urllib.request`` is this package for the duration of the test."""
    from .swap import patched  # imported on use: loading the plugin stays cheap

    with patched() as swap:
        yield swap
