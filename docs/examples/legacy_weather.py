"""A client written against urllib.request years ago, which we may not change."""

import json
import urllib.error
import urllib.parse
import urllib.request

API = "http://weather.example/api"


def forecast(city):
    """Tomorrow's forecast for ``city`` as a dict, or None if the service does not know it."""
    url = f"{API}/forecast?" + urllib.parse.urlencode({"city": city})
    request = urllib.request.Request(url, headers={"Accept": "application/json"})
    try:
        with urllib.request.urlopen(request, timeout=10) as response:
            return json.load(response)
    except urllib.error.HTTPError as exc:
        if exc.code == 404:
            return None
        raise


def report(city, celsius):
    """Send a measurement; returns the URL of the stored report."""
    data = urllib.parse.urlencode({"city": city, "celsius": celsius}).encode()
    try:
        with urllib.request.urlopen(f"{API}/reports", data=data, timeout=10) as response:
            return response.geturl()
    except urllib.error.URLError as exc:
        raise RuntimeError(f"weather service unreachable: {exc.reason}") from exc
