"""Swap ``urllib.request`` for this package in code you cannot edit.

:func:`install` rebinds, on the real :mod:`urllib.request` module, the names this package
implements itself (``urlopen``, ``build_opener``, ``install_opener``, ``OpenerDirector`` and the
http(s) handlers); every other name (``Request``, the other handlers, password managers) already
*is* the stdlib's object in this package, so it is left alone.  Code that looks the names up
after the swap (``urllib.request.urlopen(...)``, or ``from urllib.request import urlopen`` run
later) gets ours.  :func:`uninstall` puts the exact original objects back.

Why patching attributes is safe for the stdlib's own users: the stdlib's functions look names
up in ``urllib.request``'s globals, so while the swap is on, a stdlib ``urlopen`` or
``build_opener`` bound earlier builds *our* opener too; this package's own code never looks
those names up through ``urllib.request`` (it captured the stdlib classes at import), so the
two never call each other in a loop.  ``http.cookiejar`` (``request_host``) and
``urllib.robotparser`` (``urllib.request.urlopen``) keep working, the latter through us.

A module that ran ``from urllib.request import urlopen`` *before* the swap holds the stdlib
function.  That function caches its opener in ``urllib.request._opener``, which the swap sets
aside while it is on (and puts back after), so it builds and caches this package's opener
through the swapped ``build_opener``: the same whatever ran before (a test suite's order does
not matter).  :func:`patch_module` (or ``install(modules=[...])``) rebinds such names in that
module to this package's objects themselves, and the rebinding is undone with the swap.
"""

from __future__ import annotations

import contextlib
import importlib
import threading
import types
import urllib.request
from collections.abc import Iterable, Iterator
from typing import Union

import requests

from . import _director as _compat_opener
from . import _seams
from . import request as _compat

__all__ = [
    "ORIGINALS",
    "REPLACEMENTS",
    "Swap",
    "install",
    "is_installed",
    "patch_module",
    "patched",
    "uninstall",
]

ModuleLike = Union[types.ModuleType, str]


def _replacements() -> dict[str, object]:
    """``urllib.request`` name -> this package's object, for the names we implement ourselves.

    Computed once, when this module is imported (before any swap), so the stdlib objects seen
    here are the originals.
    """
    stdlib = vars(urllib.request)
    ours = vars(_compat)
    table = {}
    for name, original in stdlib.items():
        if name.startswith("_") or name not in ours or ours[name] is original:
            continue
        replacement = ours[name]
        if str(getattr(replacement, "__module__", "")).startswith(__package__ or "\0"):
            table[name] = replacement
    return table


#: The names the swap rebinds, with this package's object for each.
REPLACEMENTS: dict[str, object] = _replacements()
#: The stdlib's object for each of those names (what :func:`patch_module` looks for).
ORIGINALS: dict[str, object] = {name: vars(urllib.request)[name] for name in REPLACEMENTS}


class _Patch:
    """One rebinding of ``namespace[name]``, undone only if nobody rebound the name since."""

    def __init__(
        self, module: types.ModuleType, name: str, replacement: object, owner: object
    ) -> None:
        self.module = module
        self.name = name
        self.original = vars(module)[name]
        self.replacement = replacement
        self.owner = owner
        setattr(module, name, replacement)

    def undo(self) -> None:
        if vars(self.module).get(self.name) is self.replacement:
            setattr(self.module, self.name, self.original)


class _State:
    """Who wants the swap on: :func:`install` (``explicit``) and the open :func:`patched`
    blocks (``contexts``).  The swap is applied while either does."""

    def __init__(self) -> None:
        self.lock = threading.RLock()
        self.explicit = False
        self.contexts = 0
        self.applied: list[_Patch] = []  # the patches of urllib.request itself
        self.modules: list[_Patch] = []  # patch_module's patches
        # (urllib.request's, this package's)
        self.saved_openers: tuple[
            urllib.request.OpenerDirector | None, urllib.request.OpenerDirector | None
        ] = (None, None)
        self.installed_session: requests.Session | None = None  # install(session=)
        self.session_stack: list[requests.Session | None] = []  # patched(session=) blocks


_state = _State()
_INSTALL = "install"  # owner of the module patches made by install()/patch_module()


def _apply() -> None:
    if _state.applied:
        return
    _state.saved_openers = (_seams.installed_opener(), _compat_opener._opener)
    # The stdlib's cached (or installed) opener is set aside: a stdlib ``urlopen`` bound before
    # the swap then builds this package's opener (it looks ``build_opener`` up in the swapped
    # module), whatever ran before; otherwise it would reuse a stdlib opener cached earlier.
    _seams.set_installed_opener(None)
    _state.applied = [
        _Patch(urllib.request, name, replacement, _INSTALL)
        for name, replacement in REPLACEMENTS.items()
    ]


def _unapply() -> None:
    """Restore ``urllib.request``'s names, and the openers set aside when the swap began:
    those installed (or cached by a ``urlopen``) while it was on are dropped with it."""
    for patch in reversed(_state.applied):
        patch.undo()
    _state.applied.clear()
    stdlib_opener, _compat_opener._opener = _state.saved_openers
    _seams.set_installed_opener(stdlib_opener)
    _state.saved_openers = (None, None)


def _release(owner: object) -> None:
    for patch in [p for p in _state.modules if p.owner is owner][::-1]:
        patch.undo()
    _state.modules = [p for p in _state.modules if p.owner is not owner]
    if not _state.explicit and not _state.contexts:
        _state.installed_session = None
        _use_session(None)
        _unapply()
    else:
        _use_session(_current_session())


def _patch_module(module: ModuleLike, owner: object) -> list[str]:
    mod = importlib.import_module(module) if isinstance(module, str) else module
    if mod is urllib.request:
        raise ValueError("urllib.request itself is swapped by install(), not patch_module()")
    names = []
    for name, value in list(vars(mod).items()):
        for stdlib_name, original in ORIGINALS.items():
            if value is original:
                _state.modules.append(_Patch(mod, name, REPLACEMENTS[stdlib_name], owner))
                names.append(name)
                break
    return names


def _use_session(session: requests.Session | None) -> None:
    """Openers built from now on (module-level ``urlopen``'s included) use ``session``."""
    if session is _compat_opener.installed_session:
        return
    _compat_opener.set_installed_session(session)
    cached = _seams.installed_opener()
    if (
        isinstance(cached, _compat_opener.OpenerDirector)
        and getattr(cached, "_user_session", None) is not session
    ):
        _seams.set_installed_opener(None)  # cached by a stdlib urlopen: rebuilt, with the session


def _current_session() -> requests.Session | None:
    """The innermost open :func:`patched` block's session, else :func:`install`'s."""
    given = [s for s in _state.session_stack if s is not None]
    return given[-1] if given else _state.installed_session


def install(modules: Iterable[ModuleLike] = (), session: requests.Session | None = None) -> None:
    """Make ``urllib.request`` this package until :func:`uninstall`; idempotent.

    ``modules`` (module objects or names) are also passed to :func:`patch_module`.  With
    ``session``, every opener built while installed (``urlopen``'s, third-party code's) sends
    its http(s) requests through that :class:`requests.Session` (docs/ecosystem.md).
    """
    with _state.lock:
        _state.explicit = True
        _apply()
        _state.installed_session = session
        _use_session(_current_session())
        for module in modules:
            _patch_module(module, _INSTALL)


def uninstall() -> None:
    """Undo :func:`install` (and :func:`patch_module`); a no-op when not installed.

    Every original object is put back, unless a :func:`patched` block is still open: then the
    swap stays on until the last block exits.
    """
    with _state.lock:
        _state.explicit = False
        _release(_INSTALL)


def is_installed() -> bool:
    """Whether ``urllib.request`` currently has this package's names."""
    with _state.lock:
        return bool(_state.applied)


def patch_module(module: ModuleLike) -> list[str]:
    """Rebind, in ``module``, names bound to the stdlib objects the swap replaces.

    For modules that ran ``from urllib.request import urlopen`` (and the like) before
    :func:`install`.  Only the module's globals are changed (a default argument or a closure
    holding the stdlib object is out of reach); :func:`uninstall` restores them.  Returns the
    names rebound.  It does not turn the swap on by itself.
    """
    with _state.lock:
        return _patch_module(module, _INSTALL)


class Swap:
    """The handle a :func:`patched` block gets: module patches made through it end with it."""

    def patch_module(self, module: ModuleLike) -> list[str]:
        """:func:`patch_module`, undone when this block exits."""
        with _state.lock:
            return _patch_module(module, self)


@contextlib.contextmanager
def patched(
    modules: Iterable[ModuleLike] = (), session: requests.Session | None = None
) -> Iterator[Swap]:
    """The swap for the duration of a ``with`` block (or of a function, as a decorator).

    Blocks nest and may run in several threads: the swap stays on while any block (or an
    :func:`install`) wants it.  ``session`` as for :func:`install`, for the block (the
    innermost open block's session is the one used).
    """
    swap = Swap()
    with _state.lock:
        _state.contexts += 1
        _state.session_stack.append(session)
        try:
            _apply()
            _use_session(_current_session())
            for module in modules:
                _patch_module(module, swap)
        except BaseException:
            _state.contexts -= 1
            _state.session_stack.remove(session)
            _release(swap)
            raise
    try:
        yield swap
    finally:
        with _state.lock:
            _state.contexts -= 1
            _state.session_stack.remove(session)
            _release(swap)
