import urllib.parse

import requests_urllib_compat.request as urllib_request

# POST a form: the values are urlencoded, then encoded to bytes.
url = "http://www.someserver.com/cgi-bin/register.cgi"
values = {"name": "Michael Foord", "location": "Northampton", "language": "Python"}

data = urllib.parse.urlencode(values)
data = data.encode("ascii")  # data should be bytes
req = urllib_request.Request(url, data)
with urllib_request.urlopen(req) as response:
    the_page = response.read()
print(req.get_method(), the_page.decode())

# GET with the values encoded in the URL itself.
url_values = urllib.parse.urlencode({"name": "Somebody Here", "language": "Python"})
full_url = "http://www.example.com/example.cgi" + "?" + url_values
with urllib_request.urlopen(full_url) as response:
    print(response.read().decode())
