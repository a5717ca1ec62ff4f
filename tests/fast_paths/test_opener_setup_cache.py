"""build_opener's cached setup gives exactly what the stdlib's own add_handler/getproxies give."""

from __future__ import annotations

import linecache
import ssl
import traceback
import urllib.request
from collections.abc import Iterator
from typing import Any

import pytest

import requests_urllib_compat.request as compat
from requests_urllib_compat import _opener_setup
from requests_urllib_compat._opener_setup import environment_proxies, register_handlers


def _tables(director: urllib.request.OpenerDirector) -> Any:
    """Every dispatch table, in order, with handlers by identity."""
    return (
        [id(h) for h in director.handlers],
        [(k, [id(h) for h in v]) for k, v in director.handle_open.items()],
        [
            (p, [(k, [id(h) for h in v]) for k, v in d.items()])
            for p, d in director.handle_error.items()
        ],
        [(k, [id(h) for h in v]) for k, v in director.process_request.items()],
        [(k, [id(h) for h in v]) for k, v in director.process_response.items()],
    )


def _assert_same_as_stdlib(handlers: list[Any]) -> None:
    ours, stdlib = urllib.request.OpenerDirector(), urllib.request.OpenerDirector()
    for h in handlers:
        urllib.request.OpenerDirector.add_handler(stdlib, h)
    register_handlers(ours, handlers)
    assert _tables(ours) == _tables(stdlib)
    assert all(h.parent is ours for h in handlers if _tables(stdlib)[0].count(id(h)))


class Custom(urllib.request.BaseHandler):
    handler_order = 400

    def http_error_404(self, *args: Any) -> None:
        return None

    def http_error_default(self, *args: Any) -> None:
        return None

    def foo_open(self, req: Any) -> None:
        return None

    def https_request(self, req: Any) -> Any:
        return req

    def http_response(self, req: Any, resp: Any) -> Any:
        return resp

    def open(self) -> None:  # the stdlib files this one under "ope": so must we
        return None

    def redirect_request(self) -> None:
        return None


def test_default_handlers_register_as_the_stdlib_does() -> None:
    classes = [
        urllib.request.ProxyHandler,
        urllib.request.UnknownHandler,
        compat.HTTPHandler,
        urllib.request.HTTPDefaultErrorHandler,
        urllib.request.HTTPRedirectHandler,
        urllib.request.FTPHandler,
        urllib.request.FileHandler,
        urllib.request.HTTPErrorProcessor,
        urllib.request.DataHandler,
        compat.HTTPSHandler,
        urllib.request.HTTPCookieProcessor,
        urllib.request.HTTPBasicAuthHandler,
        urllib.request.ProxyDigestAuthHandler,
    ]
    _assert_same_as_stdlib([c() for c in classes])
    _assert_same_as_stdlib([c() for c in classes])  # again: the tables are replayed
    _assert_same_as_stdlib([c() for c in reversed(classes)])


def test_instance_attributes_count_as_the_stdlib_sees_them() -> None:
    proxy = urllib.request.ProxyHandler({"http": "http://127.0.0.1:9", "ftp": "http://x:1"})
    odd = Custom()
    odd.gopher_open = lambda req: None  # type: ignore[attr-defined]
    odd.http_error_500 = lambda *a: None  # type: ignore[attr-defined]
    odd.not_a_method = 1  # type: ignore[attr-defined]
    _assert_same_as_stdlib([urllib.request.HTTPRedirectHandler(), proxy, Custom(), odd])


def test_a_class_patched_after_first_use_is_seen() -> None:
    class Patched(urllib.request.BaseHandler):
        pass

    _assert_same_as_stdlib([Patched()])
    Patched.http_error_418 = lambda self, *a: None  # type: ignore[attr-defined]
    _assert_same_as_stdlib([Patched()])
    del Patched.http_error_418  # type: ignore[attr-defined]
    Patched.ftp_open = lambda self, req: None  # type: ignore[attr-defined]  # same size
    _assert_same_as_stdlib([Patched()])
    urllib.request.BaseHandler.zzz_open = lambda self, req: None  # type: ignore[attr-defined]
    try:
        _assert_same_as_stdlib([Patched(), urllib.request.HTTPErrorProcessor()])
    finally:
        del urllib.request.BaseHandler.zzz_open  # type: ignore[attr-defined]
    _assert_same_as_stdlib([Patched(), urllib.request.HTTPErrorProcessor()])


def test_own_dir_goes_through_the_stdlib() -> None:
    class Dir(urllib.request.BaseHandler):
        def __dir__(self) -> list[str]:
            return ["add_parent", "bar_open"]

        def bar_open(self, req: Any) -> None:
            return None

    _assert_same_as_stdlib([Dir()])


def test_not_a_handler_is_refused_as_by_the_stdlib() -> None:
    with pytest.raises(TypeError, match="expected BaseHandler instance"):
        compat.build_opener().add_handler(object())  # type: ignore[arg-type]


def test_build_opener_matches_stdlib_tables() -> None:
    context = ssl.create_default_context()
    for args in [
        (),
        (compat.HTTPSHandler(context=context),),
        (Custom, urllib.request.HTTPCookieProcessor()),
    ]:
        ours = compat.build_opener(*args)
        theirs = urllib.request.build_opener(*args)
        shape = [[type(h).__name__ for h in t] for t in (ours.handlers, theirs.handlers)]
        assert shape[0] == shape[1]
        assert sorted(ours.handle_open) == sorted(theirs.handle_open)
        assert {p: sorted(d, key=str) for p, d in ours.handle_error.items()} == {
            p: sorted(d, key=str) for p, d in theirs.handle_error.items()
        }


def test_proxy_handler_reads_the_environment_at_construction(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    assert environment_proxies() == urllib.request.getproxies() == {}
    monkeypatch.setenv("http_proxy", "http://127.0.0.1:3128")
    monkeypatch.setenv("NO_PROXY", "localhost")
    assert environment_proxies() == urllib.request.getproxies()
    assert compat.build_opener().handle_open["http"][0].proxies == {  # type: ignore[attr-defined]
        "http": "http://127.0.0.1:3128",
        "no": "localhost",
    }
    monkeypatch.setenv("HTTP_PROXY", "http://127.0.0.2:3128")  # lowercase still wins
    monkeypatch.setenv("REQUEST_METHOD", "GET")  # CGI: HTTP_PROXY ignored
    assert environment_proxies() == urllib.request.getproxies()
    monkeypatch.delenv("http_proxy")
    assert environment_proxies() == urllib.request.getproxies()
    # Each opener gets its own dict: changing one does not change the next.
    environment_proxies()["http"] = "changed"
    assert environment_proxies() == urllib.request.getproxies()


def test_patched_getproxies_is_called(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(urllib.request, "getproxies", lambda: {"https": "http://127.0.0.1:1"})
    assert environment_proxies() == {"https": "http://127.0.0.1:1"}
    proxy = compat.build_opener().handlers[0]
    assert proxy.proxies == {"https": "http://127.0.0.1:1"}  # type: ignore[attr-defined]


def _positional(director: Any, handlers: list[Any]) -> Any:
    """The tables with each handler replaced by its position in ``handlers``."""
    where = {id(h): i for i, h in enumerate(handlers)}
    return tuple(
        [(k, [where[id(h)] for h in v]) for k, v in table]
        for table in (
            [(None, director.handlers)],
            director.handle_open.items(),
            director.process_request.items(),
            director.process_response.items(),
        )
    ) + tuple(
        (p, [(k, [where[id(h)] for h in v]) for k, v in d.items()])
        for p, d in director.handle_error.items()
    )


def _check_template(make: Any, rounds: int = 3) -> None:
    """register_handlers (recording, then reusing its tables) == the stdlib's add_handler."""
    for _ in range(rounds):
        ours, theirs = make(), make()
        director = compat.OpenerDirector()
        register_handlers(director, ours)
        reference = urllib.request.OpenerDirector()
        for h in theirs:
            urllib.request.OpenerDirector.add_handler(reference, h)
        assert _positional(director, ours) == _positional(reference, theirs)
        assert all(h.parent is director for h in ours if h in director.handlers)


def _defaults(*extra: Any) -> Any:
    classes = [
        urllib.request.ProxyHandler,
        urllib.request.UnknownHandler,
        compat.HTTPHandler,
        urllib.request.HTTPDefaultErrorHandler,
        urllib.request.HTTPRedirectHandler,
        urllib.request.FTPHandler,
        urllib.request.FileHandler,
        urllib.request.HTTPErrorProcessor,
        urllib.request.DataHandler,
        compat.HTTPSHandler,
    ]
    return lambda: (
        [c({}) if c is urllib.request.ProxyHandler else c() for c in classes] + [e() for e in extra]
    )


def test_tables_reused_for_the_same_handler_types() -> None:
    _check_template(_defaults())
    _check_template(_defaults(Custom, urllib.request.HTTPCookieProcessor))


def test_tables_follow_a_class_patched_later() -> None:
    class Late(urllib.request.BaseHandler):
        pass

    make = _defaults(Late)
    _check_template(make)
    Late.http_error_404 = lambda self, *a: None  # type: ignore[attr-defined]
    _check_template(make)
    urllib.request.HTTPErrorProcessor.zzz_response = (  # type: ignore[attr-defined]
        lambda self, req, resp: resp
    )
    try:
        _check_template(make)
    finally:
        del urllib.request.HTTPErrorProcessor.zzz_response  # type: ignore[attr-defined]
    _check_template(make)


def test_tables_follow_instance_attributes_and_orders() -> None:
    base = _defaults(Custom)

    def reordered() -> Any:
        handlers = base()
        handlers[-1].handler_order = 50  # before every default handler
        return handlers

    def with_method() -> Any:
        handlers = base()
        handlers[-1].ftp_open = lambda req: None
        return handlers

    def with_proxies() -> Any:
        handlers = base()
        handlers[0] = urllib.request.ProxyHandler({"http": "http://127.0.0.1:3128"})
        return handlers

    for make in (base, reordered, base, with_method, base, with_proxies, base):
        _check_template(make, rounds=2)


def test_build_opener_uses_the_same_tables(monkeypatch: pytest.MonkeyPatch) -> None:
    first, second = compat.build_opener(Custom), compat.build_opener(Custom)
    assert [type(h) for h in first.handlers] == [type(h) for h in second.handlers]
    assert _positional(first, first.handlers) == _positional(second, second.handlers)
    assert all(h.parent is second for h in second.handlers)  # type: ignore[attr-defined]


def _by_name(director: Any) -> Any:
    """The tables with each handler replaced by its class name (ours are named as urllib's)."""

    def names(hs: Any) -> list[str]:
        return [type(h).__name__ for h in hs]

    return (
        names(director.handlers),
        [(k, names(v)) for k, v in director.handle_open.items()],
        [(k, names(v)) for k, v in director.process_request.items()],
        [(k, names(v)) for k, v in director.process_response.items()],
        [(p, [(k, names(v)) for k, v in d.items()]) for p, d in director.handle_error.items()],
    )


def _same_build(*handlers: Any) -> None:
    """build_opener (twice: the second replays the tables) registers as urllib's does."""
    for _ in range(2):
        assert _by_name(compat.build_opener(*handlers)) == _by_name(
            urllib.request.build_opener(*handlers)
        )


def test_build_opener_follows_the_proxy_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    """The default ProxyHandler's methods come from the environment of each call."""
    _same_build()
    monkeypatch.setenv("http_proxy", "http://127.0.0.1:3128")
    _same_build()
    assert "ProxyHandler" in _by_name(compat.build_opener())[0]
    monkeypatch.setenv("ftp_proxy", "http://127.0.0.1:3128")
    _same_build(Custom)
    monkeypatch.delenv("http_proxy")
    _same_build(Custom)
    monkeypatch.delenv("ftp_proxy")
    _same_build()
    assert "ProxyHandler" not in _by_name(compat.build_opener())[0]


def test_build_opener_follows_attributes_of_given_handlers() -> None:
    _same_build(Custom())
    odd = Custom()
    odd.gopher_open = lambda req: None  # type: ignore[attr-defined]
    odd.http_error_500 = lambda *a: None  # type: ignore[attr-defined]
    _same_build(odd)
    early = Custom()
    early.handler_order = 10  # type: ignore[misc]
    _same_build(early)
    _same_build(Custom())


def test_build_opener_follows_patched_methods_and_ordering(monkeypatch: pytest.MonkeyPatch) -> None:
    _same_build(Custom, urllib.request.HTTPCookieProcessor)
    # A method replaced under the same name, then the ordering of every handler reversed.
    monkeypatch.setattr(Custom, "foo_open", lambda self, req: None)
    _same_build(Custom, urllib.request.HTTPCookieProcessor)
    monkeypatch.setattr(
        urllib.request.BaseHandler,
        "__lt__",
        lambda self, other: self.handler_order > other.handler_order,
    )
    _same_build(Custom, urllib.request.HTTPCookieProcessor)
    ours = compat.build_opener(Custom)
    assert [h.handler_order for h in ours.handlers] == sorted(
        (h.handler_order for h in ours.handlers), reverse=True
    )
    monkeypatch.undo()
    _same_build(Custom, urllib.request.HTTPCookieProcessor)


# -- the generated replay: its source, as tracebacks and pdb see it ----------------------------

_GOLDEN_REPLAY = """\
def replay(d, h):
    h0, h1, h2, h3, h4, h5, h6, h7, h8, h9, = h
    d.handlers.extend((h1, h2, h3, h4, h5, h6, h8, h9, h7, ))
    d.handle_open.update({k0: [h1, ], k1: [h2, ], k2: [h5, ], k3: [h6, ], k4: [h8, ], k5: [h9, ]})
    d.process_request.update({k6: [h2, ], k7: [h9, ]})
    d.process_response.update({k8: [h7, ], k9: [h7, ]})
    d.handle_error[k10] = {k11: [h3, ], %s}
    h1.parent = d
    h2.parent = d
    h3.parent = d
    h4.parent = d
    h5.parent = d
    h6.parent = d
    h7.parent = d
    h8.parent = d
    h9.parent = d
"""


@pytest.fixture
def no_templates() -> Iterator[None]:
    """No recorded tables (and, as in every test, no proxy in the environment):
    build_opener() records anew."""
    _opener_setup._templates.clear()
    yield
    _opener_setup._templates.clear()


def test_replay_source_of_a_plain_build_opener(no_templates: None) -> None:
    """The code generated for ``build_opener()``: the ten default handlers (the ProxyHandler
    without proxies has no method, so it is not added), keys as globals ``k<n>``."""
    compat.build_opener()
    (template,) = _opener_setup._templates.values()
    redirects = [301, 302, 303, 307] + (
        [308] if hasattr(urllib.request.HTTPRedirectHandler, "http_error_308") else []
    )
    codes = ", ".join(f"k{12 + i}: [h4, ]" for i in range(len(redirects)))
    assert "".join(linecache.getlines(template.filename)) == _GOLDEN_REPLAY % codes
    keys = {k: v for k, v in template.replay.__globals__.items() if k != "__builtins__"}
    assert keys == {
        "k0": "unknown",
        "k1": "http",
        "k2": "ftp",
        "k3": "file",
        "k4": "data",
        "k5": "https",
        "k6": "http",
        "k7": "https",
        "k8": "http",
        "k9": "https",
        "k10": "http",
        "k11": "default",
        **{f"k{12 + i}": code for i, code in enumerate(redirects)},
    }
    replayed = compat.build_opener()  # through the generated code: the same tables
    assert _by_name(replayed) == _by_name(urllib.request.build_opener())
    assert len(_opener_setup._templates) == 1


_broken: list[bool] = []  # (not a class attribute: changing that would void the tables)


class _FailsOnReplay(urllib.request.BaseHandler):
    """A handler whose ``parent`` cannot be set once ``_broken``: the replay's line fails."""

    @property
    def parent(self) -> Any:
        return self.__dict__.get("_parent")

    @parent.setter
    def parent(self, director: Any) -> None:
        if _broken:
            raise RuntimeError("no parent")
        self.__dict__["_parent"] = director

    def zzz_open(self, req: Any) -> None:
        return None


def test_traceback_through_the_replay_shows_its_source(no_templates: None) -> None:
    compat.build_opener(_FailsOnReplay)  # recorded through the stdlib's add_handler
    _broken.append(True)
    try:
        with pytest.raises(RuntimeError, match="no parent") as failure:
            compat.build_opener(_FailsOnReplay)
    finally:
        _broken.clear()
    frames = [
        f
        for f in traceback.extract_tb(failure.value.__traceback__)
        if f.filename.startswith("<build_opener replay ")
    ]
    assert [(f.name, f.line) for f in frames] == [("replay", "h10.parent = d")]
    error = failure.value
    assert "h10.parent = d" in "".join(
        traceback.format_exception(type(error), error, error.__traceback__)
    )


def test_replay_source_leaves_linecache_with_its_template(no_templates: None) -> None:
    compat.build_opener()
    (template,) = _opener_setup._templates.values()
    assert template.filename in linecache.cache
    linecache.checkcache()  # (as traceback does: a source without a file stays)
    assert template.filename in linecache.cache
    _opener_setup._templates.clear()
    assert template.filename not in linecache.cache
