import requests_urllib_compat.request as urllib_request

username, password = "klem", "kadiddlehopper"

# create a password manager
password_mgr = urllib_request.HTTPPasswordMgrWithDefaultRealm()

# Add the username and password.
# If we knew the realm, we could use it instead of None.
top_level_url = "http://example.com/foo/"
password_mgr.add_password(None, top_level_url, username, password)

handler = urllib_request.HTTPBasicAuthHandler(password_mgr)

# create "opener" (OpenerDirector instance)
opener = urllib_request.build_opener(handler)

# use the opener to fetch a URL: deeper URLs match too
a_url = "http://example.com/foo/bar.html"
with opener.open(a_url) as response:
    print(response.status, response.read().decode())

# Install the opener.
# Now all calls to urlopen use our opener.
urllib_request.install_opener(opener)
with urllib_request.urlopen(a_url) as response:
    print(response.status)
urllib_request.install_opener(None)
