"""Loopback stand-ins for Amazon MWAA, for the tests of MwaaApiClient with the real boto3 and botocore.

    MwaaService   the MWAA API endpoint (boto3's `endpoint_url`): checks every request's SigV4 signature
                  by signing it again with botocore's own signer and the secret of its access key, then
                  serves InvokeRestApi (forwarded to a real Airflow with that Airflow's credentials),
                  GetEnvironment and CreateWebLoginToken, shaped as botocore's service model of mwaa
                  (2020-07-01) says; `denied` holds the actions the caller's IAM policy lacks
    WebServer     the environment's web server: takes a web login token at /aws_mwaa/login (Airflow 2,
                  answers a `session` cookie) or /pluginsv2/aws_mwaa/login (Airflow 3, answers a JWT in
                  the `_token` cookie), then forwards the requests of live sessions to the real Airflow

Real HTTP on 127.0.0.1 throughout.
"""

from __future__ import annotations

import base64
import json
import secrets
import threading
import time
from collections import Counter
from datetime import datetime, timezone
from http.cookies import SimpleCookie
from typing import Any, Callable
from urllib.parse import parse_qs, unquote, urlencode, urlsplit

from botocore.auth import SigV4Auth
from botocore.awsrequest import AWSRequest
from botocore.credentials import Credentials

from test.managed_servers import Reply, _Server, forward

ACCOUNT = "123456789012"
SIGNATURE_MISMATCH = ("The request signature we calculated does not match the signature you provided. Check your "
                      "AWS Secret Access Key and signing method. Consult the service documentation for details.")


def _aws_error(status: int, code: str, message: str, **fields: Any) -> Reply:
    doc: dict[str, Any] = {"message": message, "Message": message, **fields} if message else dict(fields)
    return status, {"Content-Type": "application/json", "x-amzn-ErrorType": code,
                    "x-amzn-RequestId": secrets.token_hex(16)}, json.dumps(doc).encode()


def _ok(doc: Any) -> Reply:
    headers = {"Content-Type": "application/json", "x-amzn-RequestId": secrets.token_hex(16)}
    return 200, headers, json.dumps(doc).encode()


def _forward(base_url: str, authorization: str, method: str, target: str, headers: dict[str, str],
             body: bytes | None) -> Reply:
    """One request to the real Airflow at `base_url`, with its credentials, never with the caller's cookie."""
    parts = urlsplit(base_url)
    return forward(parts.hostname or "127.0.0.1", parts.port or 80, authorization, method, target, headers, body,
                   drop=("cookie",))


class Environment:
    """One MWAA environment: the Airflow behind it (root, API path, credentials) and its version."""

    def __init__(self, name: str, base_url: str, api_path: str, authorization: Callable[[], str],
                 airflow_version: str) -> None:
        self.name = name
        self.base_url = base_url
        self.api_path = api_path
        self.authorization = authorization
        self.airflow_version = airflow_version
        self.web: WebServer | None = None

    @property
    def generation(self) -> int:
        return int(self.airflow_version.split(".")[0])


class MwaaService(_Server):
    """The MWAA API of one region for the access keys it knows (access key id -> secret)."""

    def __init__(self, region: str, keys: dict[str, str]) -> None:
        self.region = region
        self.keys = keys
        self.environments: dict[str, Environment] = {}
        self.denied: set[str] = set()  # actions the caller may not perform: AccessDeniedException
        self.max_answer = 6 * 1024 * 1024  # bytes of Airflow's answer this endpoint relays at most
        self.calls: Counter[str] = Counter()  # action -> calls served
        self.invoked: list[tuple[str, str]] = []  # (Method, Path) of each InvokeRestApi
        self.refused: list[str] = []  # error codes answered
        self.web_tokens: dict[str, float] = {}  # token -> expiry; each is taken once
        self._lock = threading.Lock()
        super().__init__()

    def add(self, env: Environment) -> None:
        self.environments[env.name] = env

    # -- the front door: SigV4 ------------------------------------------------------------------------------

    def _check_signature(self, method: str, target: str, headers: dict[str, str], body: bytes) -> Reply | None:
        lower = {k.lower(): v for k, v in headers.items()}
        auth = lower.get("authorization", "")
        if not auth.startswith("AWS4-HMAC-SHA256 "):
            return _aws_error(403, "MissingAuthenticationTokenException", "Missing Authentication Token")
        fields = dict(part.strip().split("=", 1) for part in auth[len("AWS4-HMAC-SHA256 "):].split(","))
        key_id, _date, region, service, _ = fields["Credential"].split("/")
        secret = self.keys.get(key_id)
        if secret is None:
            return _aws_error(403, "UnrecognizedClientException",
                              "The security token included in the request is invalid.")
        if region != self.region or service != "airflow":
            return _aws_error(403, "InvalidSignatureException", f"Credential should be scoped to a valid region "
                                                                f"and service ('{self.region}', 'airflow').")
        stamp = lower.get("x-amz-date", "")
        signed_at = datetime.strptime(stamp, "%Y%m%dT%H%M%SZ").replace(tzinfo=timezone.utc)
        if abs(time.time() - signed_at.timestamp()) > 300:
            return _aws_error(403, "InvalidSignatureException", "Signature expired")
        # Sign the same request again with botocore's own signer: only the headers the client signed.
        signed = fields["SignedHeaders"].split(";")
        again = AWSRequest(method=method, url=f"http://{lower['host']}{target}",
                           headers={name: lower[name] for name in signed if name in lower}, data=body)
        again.context["timestamp"] = stamp
        signer = SigV4Auth(Credentials(key_id, secret), "airflow", self.region)
        expected = signer.signature(signer.string_to_sign(again, signer.canonical_request(again)), again)
        if not secrets.compare_digest(expected, fields["Signature"]):
            return _aws_error(403, "InvalidSignatureException", SIGNATURE_MISMATCH)
        return None

    def serve(self, method: str, target: str, headers: dict[str, str], body: bytes) -> Reply:
        refusal = self._check_signature(method, target, headers, body)
        if refusal is None:
            refusal = self._route(method, target, body)
        if refusal[0] >= 400:
            with self._lock:
                self.refused.append(json.loads(refusal[2]).get("__type") or refusal[1].get("x-amzn-ErrorType", ""))
        return refusal

    def _route(self, method: str, target: str, body: bytes) -> Reply:
        path = urlsplit(target).path
        _, kind, name = [*path.split("/"), "", ""][:3]
        name = unquote(name)
        action = {("POST", "restapi"): "InvokeRestApi", ("GET", "environments"): "GetEnvironment",
                  ("POST", "webtoken"): "CreateWebLoginToken"}.get((method, kind))
        if action is None:
            return _aws_error(404, "UnknownOperationException", "")
        if action in self.denied:
            return _aws_error(403, "AccessDeniedException",
                              f"User: arn:aws:iam::{ACCOUNT}:user/airflow-caller is not authorized to perform: "
                              f"airflow:{action} on resource: arn:aws:airflow:{self.region}:{ACCOUNT}:environment/"
                              f"{name} because no identity-based policy allows the airflow:{action} action")
        env = self.environments.get(name)
        if env is None:
            return _aws_error(404, "ResourceNotFoundException", f"Environment {name} not found.")
        with self._lock:
            self.calls[action] += 1
        if action == "GetEnvironment":
            return _ok({"Environment": {"Name": name, "AirflowVersion": env.airflow_version, "Status": "AVAILABLE",
                                        "Arn": f"arn:aws:airflow:{self.region}:{ACCOUNT}:environment/{name}",
                                        "WebserverUrl": env.web.hostname if env.web else None}})
        if action == "CreateWebLoginToken":
            assert env.web is not None, "the environment has no web server stand-in"
            token = secrets.token_urlsafe(32)
            with self._lock:
                self.web_tokens[token] = time.time() + 60  # MWAA's web login tokens live 60 s
            return _ok({"WebToken": token, "WebServerHostname": env.web.hostname,
                        "IamIdentity": "user/airflow-caller", "AirflowIdentity": "user/airflow-caller"})
        return self._invoke(env, json.loads(body or b"{}"))

    def _invoke(self, env: Environment, request: dict[str, Any]) -> Reply:
        path, verb = request.get("Path"), request.get("Method")
        if not isinstance(path, str) or not 1 <= len(path) <= 64:
            return _aws_error(400, "ValidationException", "1 validation error detected: Value at 'path' failed to "
                                                          "satisfy constraint: Member must have length less than "
                                                          "or equal to 64")
        if verb not in ("GET", "PUT", "POST", "PATCH", "DELETE"):
            return _aws_error(400, "ValidationException", f"Value '{verb}' at 'method' failed to satisfy constraint")
        with self._lock:
            self.invoked.append((verb, path))
        target = env.api_path + path
        query = request.get("QueryParameters")
        if query:
            target += "?" + urlencode(query, doseq=True)
        payload = None
        headers = {"Accept": "application/json"}
        if "Body" in request:
            payload = json.dumps(request["Body"]).encode()
            headers["Content-Type"] = "application/json"
        status, answer_headers, data = _forward(env.base_url, env.authorization(), verb, target, headers, payload)
        if len(data) > self.max_answer:
            return _aws_error(400, "ValidationException", "The Apache Airflow REST API response exceeds the "
                                                          "maximum size the service relays")
        if "json" in answer_headers.get("Content-Type", answer_headers.get("content-type", "")):
            document = json.loads(data) if data else None
        else:
            document = data.decode("utf-8", "replace") if data else None
        answer: dict[str, Any] = {"RestApiStatusCode": status}
        if document is not None:
            answer["RestApiResponse"] = document
        if status >= 500:
            return _aws_error(400, "RestApiServerException", "", **answer)
        if status >= 400:
            return _aws_error(400, "RestApiClientException", "", **answer)
        return _ok(answer)

    def redeem(self, token: str) -> bool:
        """Whether a web login token is one this endpoint made, unexpired and not used before."""
        with self._lock:
            expiry = self.web_tokens.pop(token, None)
        return expiry is not None and time.time() < expiry


def _jwt(claims: dict[str, Any]) -> str:
    def part(doc: dict[str, Any]) -> str:
        return base64.urlsafe_b64encode(json.dumps(doc).encode()).rstrip(b"=").decode()

    return f"{part({'alg': 'HS512', 'typ': 'JWT'})}.{part(claims)}.{secrets.token_urlsafe(32)}"


class WebServer(_Server):
    """The web server of an environment: web login, then the REST API for live sessions only."""

    def __init__(self, service: MwaaService, env: Environment, lifetime: int = 3600) -> None:
        self.service = service
        self.env = env
        self.lifetime = lifetime  # seconds a session (Airflow 3: its JWT) lives
        self.sessions: dict[str, float] = {}  # session cookie or JWT -> expiry
        self.logins = 0
        self.refused = 0
        self.served: list[str] = []  # request targets forwarded
        self._lock = threading.Lock()
        super().__init__()
        self.hostname = f"127.0.0.1:{self.port}"
        env.web = self

    @property
    def login_path(self) -> str:
        return "/aws_mwaa/login" if self.env.generation == 2 else "/pluginsv2/aws_mwaa/login"

    def expire_all(self) -> None:
        with self._lock:
            self.sessions.clear()

    def serve(self, method: str, target: str, headers: dict[str, str], body: bytes) -> Reply:
        lower = {k.lower(): v for k, v in headers.items()}
        if urlsplit(target).path == self.login_path and method == "POST":
            token = parse_qs(body.decode()).get("token", [""])[0]
            if not self.service.redeem(token):
                return 403, {"Content-Type": "text/html"}, b"<html>Invalid or expired token</html>"
            now = time.time()
            if self.env.generation == 2:
                session, cookie = secrets.token_urlsafe(24), "session"
            else:
                claims = {"sub": "airflow-caller", "iat": int(now), "exp": int(now + self.lifetime)}
                session, cookie = _jwt(claims), "_token"
            with self._lock:
                self.sessions[session] = now + self.lifetime
                self.logins += 1
            return 302, {"Location": "/", "Set-Cookie": f"{cookie}={session}; Path=/; HttpOnly"}, b""
        if self.env.generation == 2:
            jar: SimpleCookie = SimpleCookie(lower.get("cookie", ""))
            session = jar["session"].value if "session" in jar else ""
        else:
            auth = lower.get("authorization", "")
            session = auth[len("Bearer "):] if auth.startswith("Bearer ") else ""
        with self._lock:
            expiry = self.sessions.get(session)
            live = expiry is not None and time.time() < expiry
            if not live:
                self.refused += 1
        if not live:
            return 401, {"Content-Type": "application/json"}, json.dumps(
                {"title": "Unauthorized", "status": 401, "detail": "No valid session"}).encode()
        with self._lock:
            self.served.append(target)
        return _forward(self.env.base_url, self.env.authorization(), method, target, headers, body)
