import requests_urllib_compat.request as urllib_request

# /old redirects to /new: urlopen follows it, and geturl() tells where the page came from.
with urllib_request.urlopen("http://www.example.com/old") as response:
    print(response.geturl())
    info = response.info()  # an http.client.HTTPMessage
    print(info["Content-Type"], info["Content-Length"])
    print(response.status, response.read())
