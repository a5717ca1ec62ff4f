import requests_urllib_compat.request as urllib_request

# No proxy at all, whatever the environment says (the HOWTO's localhost case).
proxy_support = urllib_request.ProxyHandler({})
opener = urllib_request.build_opener(proxy_support)
with opener.open("http://localhost:8000/") as response:
    print(response.read().decode())

# An explicit proxy: the request goes to the proxy, with the full URL as its target.
proxy_support = urllib_request.ProxyHandler({"http": "http://proxy.example:3128"})
opener = urllib_request.build_opener(proxy_support)
with opener.open("http://www.example.com/page") as response:
    print(response.read().decode())
