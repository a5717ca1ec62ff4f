"""What ``build_opener`` does on every call, done once wherever the result cannot differ.

Legacy code calls ``build_opener()`` per request.  With pooled connections the stdlib's setup
then costs about as much as the request: ``OpenerDirector.add_handler`` scans ``dir(handler)``
and parses every name of each of the ten handlers, and ``ProxyHandler()`` decodes the whole
environment twice.  Both results are pure functions of things that rarely change, so they are
cached, keyed on exactly those things:

* the dispatch tables of a new opener are computed by the stdlib's own ``add_handler`` and
  remembered per list of handler types; they are replayed for the next list of the same types
  while everything ``add_handler`` reads is unchanged (the namespace of every class involved,
  the attribute names of each instance, each ``handler_order``, the stdlib's
  ``__lt__``/``add_parent``/``__dir__``), so a class patched later is seen.  No copy of
  urllib's name parsing is involved: the replay is code generated from the recorded tables;
* ``getproxies()`` on POSIX reads only ``os.environ``: its result is cached with a snapshot of
  the environment and recomputed when the environment differs.
"""

from __future__ import annotations

import itertools
import linecache
import operator
import urllib.request
from typing import TYPE_CHECKING, Callable, Protocol

from . import _stdlib
from ._cache import RecentlyUsed
from ._seams import environ_data

if TYPE_CHECKING:
    from ._director import OpenerDirector

__all__ = ["OpenerSnapshot", "environment_proxies", "register_handlers"]

#: The environment ``getproxies()`` last read (``os.environ``'s own data), and what it
#: returned.  One entry, not a :class:`RecentlyUsed`: only the current environment matters,
#: and the comparison with it is the lookup.
_proxies_cache: tuple[dict[bytes, bytes], dict[str, str]] | None = None


def environment_proxies() -> dict[str, str]:
    """``urllib.request.getproxies()``, as ``ProxyHandler()`` calls it, as a new dict.

    Cached only where it reads nothing but ``os.environ`` (``getproxies_environment``, the
    POSIX case): the snapshot of the environment is compared on each call.  Elsewhere (macOS
    system settings, the Windows registry, a patched ``getproxies``) it is called every time.
    """
    global _proxies_cache
    getproxies = urllib.request.getproxies
    data = environ_data()
    if getproxies is not urllib.request.getproxies_environment or data is None:
        return dict(getproxies())
    cached = _proxies_cache
    if cached is None or cached[0] != data:
        before = dict(data)
        proxies = getproxies()
        if data == before:  # unchanged while reading: the pair is consistent
            _proxies_cache = (before, proxies)
        return dict(proxies)
    return dict(cached[1])


# -- whole openers ----------------------------------------------------------------------------

_Handler = urllib.request.BaseHandler


class _Director(Protocol):
    """The tables ``add_handler`` fills in an ``OpenerDirector`` (untyped in typeshed)."""

    handlers: list[_Handler]
    handle_open: dict[str, list[_Handler]]
    handle_error: dict[str, dict[int | str, list[_Handler]]]
    process_request: dict[str, list[_Handler]]
    process_response: dict[str, list[_Handler]]


#: The attribute names and the ``handler_order`` of each handler the caller gave.
_Shape = tuple[list[frozenset[str]], list[float]]

_BASE = urllib.request.BaseHandler
# What ``add_handler`` orders and links handlers with, as imported (not as patched later).
_STANDARD: tuple[object, object, object] = (_BASE.__lt__, _BASE.add_parent, object.__dir__)

_DICT = operator.attrgetter("__dict__")
_MRO = operator.attrgetter("__mro__")
_ORDER = operator.attrgetter("handler_order")


class _Template:
    """The tables a new director gets from adding handlers of these types, as positions in the
    handler list; valid for another list while everything ``add_handler`` reads is the same.

    That is checked on each use, in C loops (a new opener per request is a common legacy
    pattern, so this is on the request path): the namespace of every class involved, names and
    values (a patched method, ``__lt__`` or ``add_parent`` included), each MRO, and the
    attribute names and ``handler_order`` of each instance the caller gave.  The first
    ``defaults`` handlers were made by ``build_opener`` itself from its default classes, so
    their attributes are what their constructors (part of the class namespaces) set from
    arguments that are part of the template's key; reading their ``__dict__`` would only cost a
    dict each.
    """

    __slots__ = (
        "defaults",
        "filename",
        "instance_names",
        "live",
        "mros",
        "namespaces",
        "orders",
        "replay",
        "types",
    )

    def __init__(
        self, director: _Director, handlers: list[_Handler], defaults: int, shape: _Shape
    ) -> None:
        """The tables ``director`` got from ``handlers``, whose instance attribute names and
        orders from position ``defaults`` on were ``shape`` before they were added (adding sets
        ``parent``)."""
        self.types = tuple(map(type, handlers))
        self.mros: list[tuple[type, ...]] = list(map(_MRO, self.types))
        classes = {c for mro in self.mros for c in mro if c is not object}
        self.live = tuple(c.__dict__ for c in classes)  # read-only views of the class dicts
        self.namespaces = list(map(dict, self.live))  # and what they held
        self.defaults = defaults
        self.instance_names, self.orders = shape
        self.filename = f"<build_opener replay {next(_serial)}>"
        self.replay = _replay(director, handlers, self.filename)

    @staticmethod
    def shape_of(handlers: list[_Handler], defaults: int) -> _Shape:
        given = handlers[defaults:]
        return [frozenset(vars(h)) for h in given], list(map(_ORDER, given))

    @staticmethod
    def possible(handlers: list[_Handler]) -> bool:
        """Tables can be recorded: distinct handlers (positions are by identity), each with
        the stdlib's ordering, parent link and ``dir()`` and no instance ``add_parent``."""
        return len({id(h) for h in handlers}) == len(handlers) and all(
            (type(h).__lt__, type(h).add_parent, type(h).__dir__) == _STANDARD
            and hasattr(h, "__dict__")
            and "add_parent" not in vars(h)
            for h in handlers
        )

    def fits(self, handlers: list[_Handler]) -> bool:
        given = handlers[self.defaults :]
        try:
            return bool(
                list(map(_MRO, self.types)) == self.mros
                and list(self.live) == self.namespaces
                and list(map(dict.keys, map(_DICT, given))) == self.instance_names
                and list(map(_ORDER, given)) == self.orders
            )
        except Exception:  # an odd attribute value whose == raises, or no __dict__
            return False

    def forget(self) -> None:
        """Drop the replay's source from ``linecache`` (the template left the cache)."""
        linecache.cache.pop(self.filename, None)


_serial = itertools.count()

#: What a replay does to a director and a handler list given in the same order.
_Replay = Callable[[_Director, list[_Handler]], None]


def _replay(director: _Director, handlers: list[_Handler], filename: str) -> _Replay:
    """A function giving another new director the tables ``director`` got from ``handlers``,
    with the handlers at the same positions of another list, and setting their ``parent``.

    It is generated as straight-line code, like a ``dataclass``'s ``__init__``: building about
    twenty one-handler lists that way costs a third of what a loop over the positions does,
    and a new opener per request is a common legacy pattern.  For the default handlers it is::

        def replay(d, h):
            h0, h1, h2, h3, h4, h5, h6, h7, h8, h9, = h
            d.handlers.extend((h1, h2, h3, h4, h5, h6, h8, h9, h7, ))
            d.handle_open.update({k0: [h1, ], k1: [h2, ], ...})
            ...
            d.handle_error[k10] = {k11: [h3, ], k12: [h4, ], ...}
            h1.parent = d
            ...

    Keys (schemes, error codes) are the generated function's globals ``k0``, ``k1``...: only
    positions and those names are written into its source.  The source is registered in
    ``linecache`` under ``filename`` (as attrs does for its generated methods), so tracebacks,
    ``pdb`` and coverage show its lines.
    """
    position = {id(h): i for i, h in enumerate(handlers)}
    namespace: dict[str, object] = {}

    def key(value: object) -> str:
        name = f"k{len(namespace)}"
        namespace[name] = value
        return name

    def items(hs: list[_Handler]) -> str:
        return "".join(f"h{position[id(h)]}, " for h in hs)

    def table(rows: dict[str, list[_Handler]] | dict[int | str, list[_Handler]]) -> str:
        return "{" + ", ".join(f"{key(kind)}: [{items(hs)}]" for kind, hs in rows.items()) + "}"

    lines = [
        "def replay(d, h):",
        f"    {items(handlers)}= h",
        f"    d.handlers.extend(({items(director.handlers)}))",
    ]
    lines += [
        f"    d.handle_open.update({table(director.handle_open)})",
        f"    d.process_request.update({table(director.process_request)})",
        f"    d.process_response.update({table(director.process_response)})",
    ]
    for protocol, rows in director.handle_error.items():
        lines.append(f"    d.handle_error[{key(protocol)}] = {table(rows)}")
    # add_parent is BaseHandler's (checked): it sets parent, once per handler added
    added = {id(h) for h in director.handlers}
    lines += [f"    h{i}.parent = d" for i, h in enumerate(handlers) if id(h) in added]
    source = "\n".join(lines) + "\n"
    exec(compile(source, filename, "exec"), namespace)
    linecache.cache[filename] = (len(source), None, source.splitlines(True), filename)
    replay = namespace.pop("replay")
    assert callable(replay)
    return replay


#: Tables by (handler types..., number of default handlers, proxy schemes).
_templates: RecentlyUsed[tuple[object, ...], _Template] = RecentlyUsed(64, _Template.forget)


def register_handlers(
    director: OpenerDirector,
    handlers: list[_Handler],
    defaults: int = 0,
    proxy_schemes: tuple[str, ...] = (),
) -> None:
    """The stdlib's ``add_handler(director, h)`` for each handler in turn, on a new director:
    the tables of the last list of the same handler types are replayed when they fit.

    ``build_opener`` passes ``defaults``, how many leading handlers it has just made from its
    default classes, and ``proxy_schemes``, the schemes its ``ProxyHandler`` got a proxy for:
    the only constructor argument that shapes their attribute names (``ProxyHandler`` adds a
    ``<scheme>_open`` per proxy).
    """
    add_handler = _stdlib.OpenerDirector.add_handler
    if (
        director.handlers
        or director.handle_open
        or director.handle_error
        or director.process_request
        or director.process_response
    ):
        for handler in handlers:
            add_handler(director, handler)
        return
    key = (*map(type, handlers), defaults, proxy_schemes)
    template = _templates.get(key)
    if template is not None and template.fits(handlers):
        template.replay(director, handlers)
        return
    shape = _Template.shape_of(handlers, defaults) if _Template.possible(handlers) else None
    for handler in handlers:
        add_handler(director, handler)
    if shape is not None:
        _templates[key] = _Template(director, handlers, defaults, shape)


class OpenerSnapshot:
    """What a new opener's tables and behaviour were made from: its handlers' classes (their
    MROs and namespaces, names and values) and the handlers' own attributes.  ``holds()`` tells,
    in C loops, whether all of it is unchanged, i.e. whether building the same opener again
    would give an equivalent one (see ``_director._context_opener``)."""

    __slots__ = ("handlers", "instances", "live", "mros", "namespaces", "types")

    def __init__(self, handlers: list[_Handler]) -> None:
        self.handlers = list(handlers)
        self.types = tuple(map(type, handlers))
        self.mros = list(map(_MRO, self.types))
        classes = {c for mro in self.mros for c in mro if c is not object}
        self.live = tuple(c.__dict__ for c in classes)
        self.namespaces = list(map(dict, self.live))
        self.instances = [dict(vars(h)) for h in handlers]

    def holds(self) -> bool:
        try:
            return bool(
                list(map(type, self.handlers)) == list(self.types)
                and list(map(_MRO, self.types)) == self.mros
                and list(self.live) == self.namespaces
                and list(map(_DICT, self.handlers)) == self.instances
            )
        except Exception:  # an odd attribute value whose == raises
            return False
