"""A sign-in page is an authentication error: redirects to one, and HTML sign-in pages answered 200.

Each shape ends in `UnauthorizedException` saying the request was not authenticated and what likely
caused it, never in a decoding error or a silent None, and never with the credentials in the message.
Pages that are not sign-in pages (a proxy's error page, Airflow 3's UI) keep their usual errors.
"""

from __future__ import annotations

import pytest

import airflow_client.client as client
from airflow_client.client import exceptions
from airflow_client.client.api import pool_api, variable_api
from airflow_client.client.model.variable import Variable

from .conftest import Answer, LoopbackServer

TOKEN = "tok-9f8e7d6c5b4a"
GOOGLE_SIGN_IN = "https://accounts.google.com/o/oauth2/v2/auth?client_id=123.apps.googleusercontent.com&state=xyz"

# Airflow 2's web sign-in page (Flask-AppBuilder), trimmed: a form with a password field.
FAB_LOGIN_PAGE = b"""<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><title>Airflow</title></head>
<body><div class="container"><h1>Sign In</h1>
<form class="form" action="" method="post" name="login">
  <input id="csrf_token" name="csrf_token" type="hidden" value="IjVhYjQ">
  <input class="form-control" id="username" name="username" type="text" value="">
  <input class="form-control" id="password" name="password" type="password" value="">
  <input class="btn btn-primary btn-block" type="submit" value="Sign In">
</form></div></body></html>"""
# A gateway's SSO page: no password field, a sign-in title and a button that starts the flow.
SSO_PAGE = (b"<!DOCTYPE html><html><head><title>Sign In</title></head><body>"
            b"<form method=\"GET\" action=\"/oauth2/start\"><button type=\"submit\">Sign in with Google</button>"
            b"</form></body></html>")
# Not sign-in pages.
NGINX_502 = b"<html><head><title>502 Bad Gateway</title></head><body><h1>502 Bad Gateway</h1></body></html>"
AIRFLOW3_UI = (b"<!doctype html><html lang=\"en\"><head><title>Airflow</title>"
               b"<script type=\"module\" src=\"/static/assets/index.js\"></script></head>"
               b"<body><div id=\"root\"></div></body></html>")


def html(body: bytes, status: int = 200) -> Answer:
    return Answer(status=status, body=body, headers={"Content-Type": "text/html; charset=utf-8"})


def redirect(location: str, status: int = 302) -> Answer:
    return Answer(status=status, body=b"", headers={"Location": location, "Content-Type": "text/html"})


def api_client_for(server: LoopbackServer, **settings: object) -> client.ApiClient:
    config = client.Configuration(host=server.host, access_token=TOKEN)
    config.retries = 0
    for name, value in settings.items():
        setattr(config, name, value)
    return client.ApiClient(config)


def refused(server: LoopbackServer, call=None, **settings: object) -> exceptions.UnauthorizedException:
    with api_client_for(server, **settings) as api_client:
        with pytest.raises(exceptions.UnauthorizedException) as caught:
            (call or (lambda c: pool_api.PoolApi(c).get_pools()))(api_client)
    err = caught.value
    message = str(err)
    assert "the request was not authenticated" in message
    assert TOKEN not in message  # the token itself is never shown
    assert "its Bearer credentials were not accepted" in message
    return err


def test_a_redirect_to_google_sign_in_names_google_auth(server):
    server.reply(redirect(GOOGLE_SIGN_IN))
    err = refused(server)
    assert err.status == 302
    assert "redirected it (302) to the sign-in page https://accounts.google.com/o/oauth2/v2/auth" in err.reason
    assert "GoogleAuth" in err.reason and "state=xyz" not in err.reason
    assert len(server.seen) == 1  # not followed: the token never went to Google


def test_a_redirect_to_the_servers_own_login_page_is_followed_then_refused(server):
    server.reply(redirect("/login/?next=%2Fapi%2Fv1%2Fpools"), html(FAB_LOGIN_PAGE))
    err = refused(server)
    assert err.status == 200
    assert f"redirected it to the sign-in page http://127.0.0.1:{server.port}/login/" in err.reason
    assert "Configuration.host names the REST API" in err.reason
    assert [s.path for s in server.seen] == ["/api/v1/pools", "/login/"]


def test_a_redirect_to_auth_login_on_another_host_is_refused_without_following(server):
    server.reply(redirect(f"http://localhost:{server.port}/auth/login?next=/api/v2/pools"))
    err = refused(server)
    assert err.status == 302 and "sign-in page" in err.reason and "/auth/login" in err.reason
    assert len(server.seen) == 1


def test_a_write_redirected_to_login_is_refused(server):
    # Redirects of writes are never followed: the 302 itself says the request was not authenticated.
    server.reply(redirect("/login/"))
    body = Variable(key="k", value="v")
    err = refused(server, lambda c: variable_api.VariableApi(c).post_variables(body))
    assert err.status == 302 and server.seen[0].method == "POST"


def test_a_gateway_sso_redirect_is_refused_naming_the_gateway(server):
    server.reply(redirect("https://sso.example.com/oauth2/start?rd=https%3A%2F%2Fairflow.example.com%2F"))
    err = refused(server)
    assert "login gateway (SSO)" in err.reason and "sso.example.com" in err.reason


def test_an_html_sign_in_page_answered_200_is_refused(server):
    server.reply(html(FAB_LOGIN_PAGE))
    err = refused(server)
    assert "answered 200 with an HTML sign-in page instead of the API's JSON" in err.reason
    # The page stays reachable, but its hidden form values are not printed.
    assert "csrf_token" in err.body and "IjVhYjQ" not in str(err)


def test_a_gateway_sign_in_page_without_a_password_field_is_refused(server):
    server.reply(html(SSO_PAGE))
    refused(server)


def test_a_sign_in_page_answering_an_operation_without_content_is_refused(server):
    # delete_variable declares no content: a sign-in page used to pass for a successful delete.
    server.reply(html(FAB_LOGIN_PAGE))
    refused(server, lambda c: variable_api.VariableApi(c).delete_variable("k"))


def test_a_streamed_call_redirected_to_sign_in_is_refused(server):
    server.reply(redirect(GOOGLE_SIGN_IN))
    refused(server, lambda c: pool_api.PoolApi(c).get_pools(_preload_content=False))


def test_a_streamed_call_answered_with_a_sign_in_page_is_refused(server):
    server.reply(html(FAB_LOGIN_PAGE))
    refused(server, lambda c: pool_api.PoolApi(c).get_pools(_preload_content=False))


@pytest.mark.parametrize("gzipped", [False, True])
def test_a_streamed_call_answered_with_other_html_still_gets_the_page_as_a_stream(server, gzipped):
    import gzip

    body, headers = NGINX_502, {"Content-Type": "text/html"}
    if gzipped:
        body, headers = gzip.compress(NGINX_502), {**headers, "Content-Encoding": "gzip"}
    server.reply(Answer(body=body, headers=headers))
    with api_client_for(server) as api_client:
        resp = pool_api.PoolApi(api_client).get_pools(_preload_content=False)
        assert resp.status == 200 and resp.read() == NGINX_502
        resp.release_conn()


def test_a_request_without_credentials_is_said_to_carry_none(server):
    server.reply(redirect(GOOGLE_SIGN_IN))
    config = client.Configuration(host=server.host)
    config.retries = 0
    with client.ApiClient(config) as api_client, pytest.raises(exceptions.UnauthorizedException) as caught:
        pool_api.PoolApi(api_client).get_pools()
    assert "it carried no credentials" in caught.value.reason


@pytest.mark.parametrize("page", [NGINX_502, AIRFLOW3_UI], ids=["proxy-error-page", "airflow3-ui"])
def test_html_that_is_no_sign_in_page_stays_a_decoding_error(server, page):
    server.reply(html(page))
    with api_client_for(server) as api_client, pytest.raises(exceptions.ResponseDecodeError):
        pool_api.PoolApi(api_client).get_pools()


def test_a_redirect_elsewhere_than_a_sign_in_page_stays_a_plain_redirect_error(server):
    server.reply(redirect("https://airflow.example.com/api/v1/pools", 301))
    with api_client_for(server) as api_client, pytest.raises(exceptions.ApiException) as caught:
        pool_api.PoolApi(api_client).get_pools()
    assert type(caught.value) is exceptions.ApiException and caught.value.status == 301
