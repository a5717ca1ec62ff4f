# The urllib idioms of the HOWTO, on this package: the left column of docs/migration.md.
# Each section prints one line; migration_requests.py prints the same lines with requests.
# ruff: noqa: E402
# [fetch]
import requests_urllib_compat.request as urllib_request

with urllib_request.urlopen("http://example.com/page") as response:
    body = response.read()
print("fetch", body)
# [end]

# [json]
import json

with urllib_request.urlopen("http://example.com/api") as response:
    data = json.loads(response.read())
print("json", data["name"])
# [end]

# [post]
import urllib.parse

values = {"name": "Michael Foord", "language": "Python"}
data = urllib.parse.urlencode(values).encode("ascii")
with urllib_request.urlopen("http://example.com/register", data) as response:
    print("post", response.read())
# [end]

# [query]
query = urllib.parse.urlencode({"q": "urllib compat", "page": 2})
with urllib_request.urlopen("http://example.com/search?" + query) as response:
    print("query", response.read())
# [end]

# [headers]
req = urllib_request.Request("http://example.com/agent", headers={"User-Agent": "legacy/1.0"})
with urllib_request.urlopen(req) as response:
    print("headers", response.read())
# [end]

# [http-error]
from urllib.error import HTTPError

try:
    urllib_request.urlopen("http://example.com/missing")
except HTTPError as e:
    with e:
        print("http error", e.code, e.read())
# [end]

# [url-error]
from urllib.error import URLError

try:
    urllib_request.urlopen("http://unreachable.example/")
except URLError:  # .reason is the OSError, e.g. ConnectionRefusedError
    print("unreachable")
# [end]

# [timeout]
import socket

try:
    urllib_request.urlopen("http://example.com/slow", timeout=0.5)
except socket.timeout:  # TimeoutError from Python 3.10 on; URLError if connecting timed out
    print("timed out")
# [end]

# [info]
with urllib_request.urlopen("http://example.com/old") as response:
    print("info", response.geturl(), response.status, response.headers["Content-Type"])
# [end]


# [no-redirect]
class NoRedirect(urllib_request.HTTPRedirectHandler):
    def redirect_request(self, req, fp, code, msg, headers, newurl):
        return None


try:
    urllib_request.build_opener(NoRedirect).open("http://example.com/old")
except HTTPError as e:
    with e:
        print("no redirect", e.code, e.headers["Location"])
# [end]

# [cookies]
import http.cookiejar

jar = http.cookiejar.CookieJar()
opener = urllib_request.build_opener(urllib_request.HTTPCookieProcessor(jar))
opener.open("http://example.com/login").close()
with opener.open("http://example.com/account") as response:
    print("cookies", response.read())
# [end]

# [auth]
password_mgr = urllib_request.HTTPPasswordMgrWithDefaultRealm()
password_mgr.add_password(None, "http://example.com/private/", "klem", "kadiddlehopper")
opener = urllib_request.build_opener(urllib_request.HTTPBasicAuthHandler(password_mgr))
with opener.open("http://example.com/private/report") as response:
    print("auth", response.status, response.read())
# [end]

# [proxy]
opener = urllib_request.build_opener(
    urllib_request.ProxyHandler({"http": "http://proxy.example:3128"})
)
with opener.open("http://www.example.com/page") as response:
    print("proxy", response.read())
# [end]

# [no-proxy]
opener = urllib_request.build_opener(urllib_request.ProxyHandler({}))
with opener.open("http://example.com/page") as response:
    print("no proxy", response.read())
# [end]

# [tls]
import ssl

context = ssl.create_default_context(cafile="ca.pem")
with urllib_request.urlopen("https://secure.example.com/", context=context) as response:
    print("tls", response.status)
# [end]
