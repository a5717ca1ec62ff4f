import urllib.parse

import requests_urllib_compat.request as urllib_request

url = "http://www.someserver.com/cgi-bin/register.cgi"
user_agent = "Mozilla/5.0 (Windows NT 6.1; Win64; x64)"
values = {"name": "Michael Foord", "location": "Northampton", "language": "Python"}
headers = {"User-Agent": user_agent}

data = urllib.parse.urlencode(values)
data = data.encode("ascii")
req = urllib_request.Request(url, data, headers)
with urllib_request.urlopen(req) as response:
    the_page = response.read()
print(the_page.decode())
