from ..support.differential import assert_same


def test_get(server):
    run = assert_same(lambda u: u.urlopen(server.url("/hello")), server)
    assert run.outcome.body == b"hello /hello"


def test_404(server):
    from ..support.servers import Reply

    server.route("/missing", Reply(404, [("Content-Type", "text/plain")], b"nope"))
    run = assert_same(lambda u: u.urlopen(server.url("/missing")), server)
    assert run.outcome.status == 404
