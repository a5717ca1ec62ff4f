# The same idioms with plain requests: the right column of docs/migration.md.
# [fetch]
import requests

body = requests.get("http://example.com/page", timeout=10).content
print("fetch", body)
# [end]

# [json]
data = requests.get("http://example.com/api", timeout=10).json()
print("json", data["name"])
# [end]

# [post]
values = {"name": "Michael Foord", "language": "Python"}
response = requests.post("http://example.com/register", data=values, timeout=10)
print("post", response.content)
# [end]

# [query]
response = requests.get(
    "http://example.com/search", params={"q": "urllib compat", "page": 2}, timeout=10
)
print("query", response.content)
# [end]

# [headers]
response = requests.get(
    "http://example.com/agent", headers={"User-Agent": "legacy/1.0"}, timeout=10
)
print("headers", response.content)
# [end]

# [http-error]
response = requests.get("http://example.com/missing", timeout=10)
try:
    response.raise_for_status()  # requests does not raise for 4xx/5xx by itself
except requests.HTTPError as e:
    print("http error", e.response.status_code, e.response.content)
# [end]

# [url-error]
try:
    requests.get("http://unreachable.example/", timeout=10)
except requests.ConnectionError:  # not the builtin ConnectionError
    print("unreachable")
# [end]

# [timeout]
try:
    requests.get("http://example.com/slow", timeout=0.5)
except requests.Timeout:  # ConnectTimeout or ReadTimeout
    print("timed out")
# [end]

# [info]
response = requests.get("http://example.com/old", timeout=10)
print("info", response.url, response.status_code, response.headers["Content-Type"])
# [end]

# [no-redirect]
response = requests.get("http://example.com/old", allow_redirects=False, timeout=10)
print("no redirect", response.status_code, response.headers["Location"])
# [end]

# [cookies]
with requests.Session() as session:
    session.get("http://example.com/login", timeout=10)
    response = session.get("http://example.com/account", timeout=10)
    print("cookies", response.content)
# [end]

# [auth]
response = requests.get(
    "http://example.com/private/report", auth=("klem", "kadiddlehopper"), timeout=10
)
print("auth", response.status_code, response.content)
# [end]

# [proxy]
response = requests.get(
    "http://www.example.com/page", proxies={"http": "http://proxy.example:3128"}, timeout=10
)
print("proxy", response.content)
# [end]

# [no-proxy]
with requests.Session() as session:
    session.trust_env = False  # ignore http_proxy & co (and .netrc, REQUESTS_CA_BUNDLE)
    print("no proxy", session.get("http://example.com/page", timeout=10).content)
# [end]

# [tls]
response = requests.get("https://secure.example.com/", verify="ca.pem", timeout=10)
print("tls", response.status_code)
# [end]
