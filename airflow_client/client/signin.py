"""Sign-in pages: an answer that asks a person to log in is an authentication error, not data.

A server or a proxy in front of it (Identity-Aware Proxy, an SSO gateway, Airflow's own web UI) that
does not take a request's credentials may answer with a redirect to a sign-in page, or with the page
itself (200, HTML). The REST API never answers either way, so `sign_in_refusal` turns both into
`UnauthorizedException` naming the likely cause; `ApiClient` asks it about every redirect it gets
back and every HTML answer, and nothing else decides this.

What counts as a sign-in page, from the URL: the host of a known identity provider, or a path with a
sign-in segment (`/login`, `/auth/login`, `/signin`, `/oauth2/start`, `/sso`, `/saml`, ...). From an
HTML page: a password field, a sign-in title, or a form posting to a sign-in path. An HTML page that
is none of these (a proxy's "502 Bad Gateway", Airflow 3's UI at an unknown path) is left to the
usual decoding error.
"""

from __future__ import annotations

import re
from typing import Any
from urllib.parse import urljoin, urlsplit

from airflow_client.client.exceptions import UnauthorizedException, without_userinfo

# Identity providers whose pages only ever ask for a login (exact host, or a subdomain of a suffix).
_GOOGLE_SIGN_IN = "accounts.google.com"
_IDP_HOSTS = frozenset({_GOOGLE_SIGN_IN, "login.microsoftonline.com", "login.live.com", "auth.astronomer.io"})
_IDP_SUFFIXES = (".okta.com", ".auth0.com", ".onelogin.com", ".amazoncognito.com")
_SIGN_IN_PATH = re.compile(
    r"/(?:login|log-in|logon|signin|sign-in|sign_in|sso|saml2?|oauth2?|oidc|openid-connect|authorize|cas)(?:[/._;?]|$)"
).search
HTML_TYPES = frozenset({"text/html", "application/xhtml+xml"})
# Enough of a page to find its title and its form; a sign-in page puts both near the top.
_PAGE_LOOKED_AT = 64 << 10
_PASSWORD_FIELD = re.compile(rb"<input[^>]*\btype\s*=\s*[\"']?password", re.IGNORECASE).search
_SIGN_IN_TITLE = re.compile(
    rb"<title[^>]*>[^<]*\b(?:sign[\s-]?in|log[\s-]?in|sign[\s-]?on|authenticat\w*)\b", re.IGNORECASE).search
_SIGN_IN_FORM = re.compile(
    rb"<form[^>]*\baction\s*=\s*[\"']?[^\"'\s>]*/(?:login|signin|sign-in|sign_in|sso|oauth2?|saml2?)\b",
    re.IGNORECASE).search


def is_html(content_type: str) -> bool:
    """True for an HTML media type (`text/html; charset=utf-8` included)."""
    return content_type.split(";", 1)[0].strip().lower() in HTML_TYPES


def _sign_in_url(url: str) -> bool:
    parts = urlsplit(url)
    host = (parts.hostname or "").lower()
    if host in _IDP_HOSTS or host.endswith(_IDP_SUFFIXES):
        return True
    return bool(_SIGN_IN_PATH(parts.path.lower()))


def _sign_in_page(body: bytes) -> bool:
    head = body[:_PAGE_LOOKED_AT]
    return bool(_PASSWORD_FIELD(head) or _SIGN_IN_TITLE(head) or _SIGN_IN_FORM(head))


def _shown(url: str) -> str:
    """A sign-in URL fit for a message: scheme, host and path (its query may carry state or a return URL)."""
    parts = urlsplit(without_userinfo(url))
    return f"{parts.scheme}://{parts.netloc}{parts.path}"


def _cause(page_url: str, api_url: str, sent: str | None) -> str:
    """The likely cause of a sign-in page at `page_url` for a request to `api_url`, and what to do."""
    host = (urlsplit(page_url).hostname or "").lower()
    same_host = host == (urlsplit(api_url).hostname or "").lower()
    carried = f"its {sent} credentials were not accepted" if sent else "it carried no credentials"
    if host == _GOOGLE_SIGN_IN:
        return (f"{carried}; Google sign-in means the web server is behind Google's login (Cloud Composer, "
                "Identity-Aware Proxy): authenticate with airflow_client.client.managed.GoogleAuth() for "
                "Composer, GoogleAuth.id_token(<IAP OAuth client id>) for IAP, and check the account has "
                "access (Composer User role, or IAP-secured Web App User)")
    if same_host:
        return (f"{carried}; a sign-in page of the server itself is what Airflow's web UI shows a browser: "
                "check that Configuration.host names the REST API (.../api/v1 for Airflow 2, the server root "
                "or .../api/v2 for Airflow 3), that credentials are set (username and password, access_token "
                "or auth_flow), and for Airflow 2 that [api] auth_backends accepts them")
    return (f"{carried}; a sign-in page on {host or 'another host'} means a login gateway (SSO) stands in front "
            "of Airflow and wants a browser: send a token it accepts (Configuration.access_token, or an "
            "auth_flow), or ask its administrators for API access that bypasses the browser login")


def sign_in_refusal(
    method: str, url: str, sent: str | None, resp: Any, final_url: str | None = None
) -> UnauthorizedException | None:
    """`UnauthorizedException` when `resp` is a redirect to a sign-in page or an HTML sign-in page; else None.

    `sent` is the scheme of the credentials the request carried (`Bearer`, `Basic`, ...), None when it
    carried none; `final_url` is where the answer came from after redirects the transport followed.
    The caller has read the body of `resp` (`resp.data`).
    """
    status = resp.status
    headers = resp.headers
    where: str | None = None
    if 300 <= status <= 399:
        location = headers.get("Location")
        if not location:
            return None
        target = urljoin(final_url or url, location.strip())
        if not _sign_in_url(target):
            return None
        where = f"the server redirected it ({status}) to the sign-in page {_shown(target)}"
        page = target
    elif 200 <= status <= 299:
        if not is_html(headers.get("Content-Type") or ""):
            return None
        redirected = final_url is not None and final_url != url and _sign_in_url(final_url)
        if not (redirected or _sign_in_page(resp.data)):
            return None
        page = final_url or url
        where = (f"the server redirected it to the sign-in page {_shown(page)}, which answered {status}" if redirected
                 else f"the server answered {status} with an HTML sign-in page instead of the API's JSON")
    else:
        return None
    err = UnauthorizedException(http_resp=resp, method=method, url=url)
    err.show_body = False  # a sign-in form may carry a CSRF token or a prefilled user name
    err.reason = f"the request was not authenticated: {where}; {_cause(page, url, sent)}"
    return err
