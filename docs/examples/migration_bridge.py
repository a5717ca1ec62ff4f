# Old and new code side by side: the opener's session, and the requests.Response behind a
# response or an HTTPError.
# ruff: noqa: E402
# [session]
import http.cookiejar

import requests_urllib_compat.request as urllib_request

password_mgr = urllib_request.HTTPPasswordMgrWithDefaultRealm()
password_mgr.add_password(None, "http://example.com/private/", "klem", "kadiddlehopper")
jar = http.cookiejar.CookieJar()
opener = urllib_request.build_opener(
    urllib_request.HTTPCookieProcessor(jar), urllib_request.HTTPBasicAuthHandler(password_mgr)
)

with opener.open("http://example.com/login") as response:  # old code, unchanged
    print("old", response.status, [cookie.name for cookie in jar])

session = opener.session  # new code: a requests.Session configured like the opener
print("new", session.get("http://example.com/account", timeout=10).content)  # jar's cookie
print("new", session.get("http://example.com/private/report", timeout=10).content)  # auth
# [end]

# [response]
from requests_urllib_compat import requests_response

with opener.open("http://example.com/api") as response:  # old code returns a response
    data = requests_response(response).json()  # new code reads it the requests way
print("json", data["name"])
# [end]

# [http-error]
from urllib.error import HTTPError

try:
    opener.open("http://example.com/missing")
except HTTPError as e:
    with e:
        r = requests_response(e)  # the requests.Response of the error page
        print("error", r.status_code, r.headers["Content-Type"], r.text)
# [end]
