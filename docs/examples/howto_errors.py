from urllib.error import HTTPError, URLError  # the classes this package raises

import requests_urllib_compat.request as urllib_request

# URLError: no server could be reached; .reason says why.
req = urllib_request.Request("http://www.pretend_server.org")
try:
    urllib_request.urlopen(req)
except URLError as e:
    print(e.reason)

# HTTPError: the server answered with an error status. It is also a response:
# .code, .reason, .headers, .read(), .geturl().
req = urllib_request.Request("http://www.python.org/fish.html")
try:
    urllib_request.urlopen(req)
except HTTPError as e:
    with e:
        print(e.code, e.reason)
        print(e.geturl(), e.headers["Content-Type"])
        print(e.read())


def fetch(someurl):
    """Number 1: catch HTTPError first, since it is a subclass of URLError."""
    req = urllib_request.Request(someurl)
    try:
        response = urllib_request.urlopen(req)
    except HTTPError as e:
        print("The server couldn't fulfill the request.")
        print("Error code:", e.code)
    except URLError as e:
        print("We failed to reach a server.")
        print("Reason:", e.reason)
    else:
        with response:  # everything is fine
            print("Got", len(response.read()), "bytes")


def fetch_2(someurl):
    """Number 2: one except clause. HTTPError has a .reason too, so look for .code first."""
    req = urllib_request.Request(someurl)
    try:
        response = urllib_request.urlopen(req)
    except URLError as e:
        if hasattr(e, "code"):
            print("The server couldn't fulfill the request.")
            print("Error code:", e.code)
            e.close()
        else:
            print("We failed to reach a server.")
            print("Reason:", e.reason)
    else:
        with response:  # everything is fine
            print("Got", len(response.read()), "bytes")


for fetcher in (fetch, fetch_2):
    fetcher("http://www.python.org/")
    fetcher("http://www.python.org/fish.html")
    fetcher("http://www.pretend_server.org")
