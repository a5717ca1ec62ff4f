"""What ``build_opener`` does on every call, done once wherever the result cannot differ.

Legacy code calls ``build_opener()`` per request.  With pooled connections the stdlib's setup
then costs about as much as the request: ``OpenerDirector.add_handler`` scans ``dir(handler)``
and parses every name of each of the ten handlers, and ``ProxyHandler()`` decodes the whole
environment twice.  Both results are pure functions of things that rarely change, so they are
cached, keyed on exactly those things:

* the dispatch tables of a new opener are computed by the stdlib's own ``add_handler`` and
  remembered per list of handler types; they are replayed for the next list of the same types
  while everything ``add_handler`` reads is unchanged (the attribute *names* of every class and
  instance, each ``handler_order``, the stdlib's ``__lt__``/``add_parent``/``__dir__``), so a
  class patched later is seen.  No copy of urllib's name parsing is involved;
* ``getproxies()`` on POSIX reads only ``os.environ``: its result is cached with a snapshot of
  the environment and recomputed when the environment differs.
"""

from __future__ import annotations

import os
import urllib.request
from typing import Any

from . import _stdlib

__all__ = ["environment_proxies", "register_handlers"]

_proxies_cache: tuple[dict[Any, Any], dict[str, str]] | None = None


def environment_proxies() -> dict[str, str]:
    """``urllib.request.getproxies()``, as ``ProxyHandler()`` calls it, as a new dict.

    Cached only where it reads nothing but ``os.environ`` (``getproxies_environment``, the
    POSIX case): the snapshot of the environment is compared on each call.  Elsewhere (macOS
    system settings, the Windows registry, a patched ``getproxies``) it is called every time.
    """
    global _proxies_cache
    getproxies = urllib.request.getproxies
    data = getattr(os.environ, "_data", None)
    if getproxies is not urllib.request.getproxies_environment or not isinstance(data, dict):
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

_BASE = urllib.request.BaseHandler


class _Template:
    """The tables a new director gets from adding handlers of these types, as positions in the
    handler list; valid for another list while everything ``add_handler`` reads is the same:
    the attribute names of every class involved and of each instance, each ``handler_order``,
    and the stdlib's own ``__lt__``/``add_parent``/``__dir__`` (checked on each use)."""

    __slots__ = ("checks", "error", "open", "order", "parents", "request", "response", "shape")

    def __init__(self, director: Any, handlers: list[Any],
                 shape: tuple[tuple[frozenset[str], Any], ...]) -> None:
        """The tables ``director`` got from ``handlers``, whose instance attribute names and
        orders were ``shape`` before they were added (adding sets ``parent``)."""
        position = {id(h): i for i, h in enumerate(handlers)}

        def where(hs: list[Any]) -> tuple[int, ...]:
            return tuple(position[id(h)] for h in hs)

        classes = {c for h in handlers for c in type(h).__mro__ if c is not object}
        self.checks = tuple((c, frozenset(vars(c))) for c in classes)
        self.shape = shape
        self.order = where(director.handlers)
        self.parents = tuple(sorted(self.order))
        self.open = tuple((k, where(v)) for k, v in director.handle_open.items())
        self.request = tuple((k, where(v)) for k, v in director.process_request.items())
        self.response = tuple((k, where(v)) for k, v in director.process_response.items())
        self.error = tuple((p, tuple((k, where(v)) for k, v in d.items()))
                           for p, d in director.handle_error.items())

    @staticmethod
    def shape_of(handlers: list[Any]) -> tuple[tuple[frozenset[str], Any], ...]:
        return tuple((frozenset(vars(h)), h.handler_order) for h in handlers)

    @staticmethod
    def possible(handlers: list[Any]) -> bool:
        return len({id(h) for h in handlers}) == len(handlers) and all(
            _standard(h) and hasattr(h, "__dict__") and "add_parent" not in vars(h)
            for h in handlers)

    def fits(self, handlers: list[Any]) -> bool:
        for c, names in self.checks:
            if c.__dict__.keys() != names:
                return False
        lt, add_parent, own_dir = _BASE.__lt__, _BASE.add_parent, object.__dir__
        for h, (own, order) in zip(handlers, self.shape):
            cls: Any = type(h)
            if (cls.__lt__ is not lt or cls.add_parent is not add_parent
                    or cls.__dir__ is not own_dir or h.__dict__.keys() != own
                    or h.handler_order != order):
                return False
        return True

    def fill(self, director: Any, handlers: list[Any]) -> None:
        director.handlers.extend([handlers[i] for i in self.order])
        for table, rows in ((director.handle_open, self.open),
                            (director.process_request, self.request),
                            (director.process_response, self.response)):
            for kind, where in rows:
                table[kind] = [handlers[i] for i in where]
        for protocol, kinds in self.error:
            director.handle_error[protocol] = {k: [handlers[i] for i in w] for k, w in kinds}
        for i in self.parents:  # add_parent is BaseHandler's (checked): it sets parent
            handlers[i].parent = director


def _standard(handler: Any) -> bool:
    """The stdlib's ordering, parent link and ``dir()``: what the tables were computed with."""
    cls: Any = type(handler)
    return bool(cls.__lt__ is _BASE.__lt__ and cls.add_parent is _BASE.add_parent
                and cls.__dir__ is object.__dir__)


_templates: dict[tuple[type[Any], ...], _Template] = {}


def register_handlers(director: Any, handlers: list[Any]) -> None:
    """The stdlib's ``add_handler(director, h)`` for each handler in turn, on a new director:
    the tables of the last list of the same handler types are replayed when they fit."""
    add_handler = _stdlib.OpenerDirector.add_handler
    if (director.handlers or director.handle_open or director.handle_error
            or director.process_request or director.process_response):
        for handler in handlers:
            add_handler(director, handler)
        return
    key = tuple(map(type, handlers))
    template = _templates.get(key)
    if template is not None and template.fits(handlers):
        template.fill(director, handlers)
        return
    shape = _Template.shape_of(handlers) if _Template.possible(handlers) else None
    for handler in handlers:
        add_handler(director, handler)
    if shape is not None:
        if len(_templates) >= 64:
            _templates.clear()
        _templates[key] = _Template(director, handlers, shape)
