import pytest
import requests
import responses

import legacy_weather

API = "http://weather.example/api"


@responses.activate
def test_forecast(urllib_compat):
    responses.get(
        f"{API}/forecast?city=Oslo",
        json={"high": 3, "low": -2},
        headers={"Cache-Control": "max-age=60"},
    )

    assert legacy_weather.forecast("Oslo") == {"high": 3, "low": -2}

    [call] = responses.calls  # what the legacy code sent
    assert call.request.method == "GET"
    assert call.request.url == f"{API}/forecast?city=Oslo"
    assert call.request.headers["Accept"] == "application/json"
    assert call.request.headers["User-Agent"].startswith("Python-urllib/")


@responses.activate
def test_unknown_city_is_a_404(urllib_compat):
    responses.get(f"{API}/forecast?city=Atlantis", status=404, body="no such city")

    assert legacy_weather.forecast("Atlantis") is None


@responses.activate
def test_report_follows_the_redirect(urllib_compat):
    responses.post(f"{API}/reports", status=303, headers={"Location": "/api/reports/7"})
    responses.get(f"{API}/reports/7", body="stored")

    assert legacy_weather.report("Oslo", 4.5) == f"{API}/reports/7"

    post, get = responses.calls
    assert post.request.body == b"city=Oslo&celsius=4.5"
    assert post.request.headers["Content-Type"] == "application/x-www-form-urlencoded"
    assert get.request.method == "GET"  # urllib turns a POST answered by 303 into a GET


@responses.activate
def test_report_when_the_service_is_down(urllib_compat):
    responses.post(f"{API}/reports", body=requests.exceptions.ConnectionError("connection refused"))

    with pytest.raises(RuntimeError, match="weather service unreachable"):
        legacy_weather.report("Oslo", 4.5)
