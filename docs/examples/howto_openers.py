import http.cookiejar
from urllib.error import HTTPError

import requests_urllib_compat.request as urllib_request

# An opener that handles cookies: the jar is yours, before and after each call.
jar = http.cookiejar.CookieJar()
opener = urllib_request.build_opener(urllib_request.HTTPCookieProcessor(jar))
with opener.open("http://www.example.com/login") as response:
    response.read()
print([cookie.name for cookie in jar])
with opener.open("http://www.example.com/account") as response:
    print(response.read().decode())


# An opener that does not follow redirects: the 3xx comes back as HTTPError.
class NoRedirect(urllib_request.HTTPRedirectHandler):
    def redirect_request(self, req, fp, code, msg, headers, newurl):
        return None


no_redirect = urllib_request.build_opener(NoRedirect)
try:
    no_redirect.open("http://www.example.com/old")
except HTTPError as e:
    with e:
        print(e.code, e.headers["Location"])

# install_opener makes an opener the one urlopen uses.
urllib_request.install_opener(opener)
with urllib_request.urlopen("http://www.example.com/account") as response:
    print(response.read().decode())
urllib_request.install_opener(None)
