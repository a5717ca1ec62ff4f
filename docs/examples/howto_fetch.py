import os
import shutil
import tempfile

import requests_urllib_compat.request as urllib_request

# The simplest use: open a URL and read the body.
with urllib_request.urlopen("http://python.org/") as response:
    html = response.read()
print(len(html), "bytes")

# Store the resource in a temporary file.
response = urllib_request.urlopen("http://python.org/")
with response, tempfile.NamedTemporaryFile(delete=False) as tmp_file:
    shutil.copyfileobj(response, tmp_file)
with open(tmp_file.name, "rb") as copy:
    print("copied", len(copy.read()), "bytes")
os.remove(tmp_file.name)

# The same request as a Request object.
req = urllib_request.Request("http://python.org/")
with urllib_request.urlopen(req) as response:
    the_page = response.read()
print(the_page == html)

# The same Request interface serves the other URL schemes, e.g. FTP (not opened here).
req = urllib_request.Request("ftp://example.com/")
print(req.type, req.host, req.selector)
