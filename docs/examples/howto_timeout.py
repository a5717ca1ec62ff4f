import socket
from urllib.error import URLError

import requests_urllib_compat.request as urllib_request

# timeout in seconds
timeout = 10
socket.setdefaulttimeout(timeout)

# this call to urlopen now uses the default timeout
# we have set in the socket module
req = urllib_request.Request("http://www.voidspace.org.uk")
with urllib_request.urlopen(req) as response:
    print(response.status)

# A timeout for one call: a server that never answers makes the read time out.
try:
    with urllib_request.urlopen("http://www.voidspace.org.uk/slow", timeout=0.5) as response:
        response.read()
except socket.timeout:  # the response, or the rest of it, never came (TimeoutError from 3.10)
    print("timed out while waiting for the response")
except URLError as e:  # the connection could not be made in time
    print("could not connect:", e.reason)
