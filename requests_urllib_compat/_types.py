"""Type aliases the modules share, named once (as requests' and httpx's ``_types``).

They follow typeshed's ``urllib.request`` stubs, so a caller's type checker sees the stdlib's
signatures.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING, Any, Union

if TYPE_CHECKING:
    from _typeshed import ReadableBuffer, SupportsRead

__all__ = ["Opened", "RequestData"]

#: A request body as ``urlopen``/``OpenerDirector.open`` take it.
RequestData = Union["ReadableBuffer", "SupportsRead[bytes]", Iterable[bytes], None]

#: What an opener returns: whatever the handler that answered returned (an ``HTTPResponse``,
#: an ``addinfourl``, or anything a custom handler makes), so typeshed's ``_UrlopenRet`` is
#: ``Any`` too.  Named, so that this is the one deliberate ``Any`` of the opener API.
Opened = Any
