# Old and new code side by side: the opener's session and the response's requests.Response.
# ruff: noqa: E402
# [session]
import requests_urllib_compat.request as urllib_request

opener = urllib_request.build_opener()

with opener.open("http://example.com/page") as response:  # old code, unchanged
    print("old", response.status, response.read())

session = opener.session  # new code: a requests.Session configured like the opener
print("new", session.get("http://example.com/page", timeout=10).content)
# [end]

# [response]
with opener.open("http://example.com/api") as response:
    data = response.requests_response.json()
print("json", data["name"])
# [end]

# [http-error]
from urllib.error import HTTPError

try:
    opener.open("http://example.com/missing")
except HTTPError as e:
    with e:
        r = e.fp.requests_response  # the requests.Response of the error page
        print("error", r.status_code, r.headers["Content-Type"], r.text)
# [end]
