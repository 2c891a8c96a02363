"""Loopback stand-ins for a managed Airflow's front door, for the tests of GoogleAuth and static tokens.

    ServiceAccountKey   an RSA key made here and its JSON key file, as Google hands them out; its
                        token_uri points at a TokenEndpoint
    TokenEndpoint       Google's OAuth token endpoint: checks the signed JWT assertion of a service
                        account (RS256 with the key's public half, iss, aud, scope, iat, exp) and issues
                        short-lived access tokens, or ID tokens for a target audience (JWTs it signs)
    Gate                a proxy in front of an Airflow server (the real one of the harness, or a loopback
                        stand-in) that lets a request through only with a Bearer token it accepts, and
                        forwards it with the upstream's own credentials

Real HTTP on 127.0.0.1 throughout: google-auth and urllib3 run as they would against Google.
"""

from __future__ import annotations

import base64
import http.client
import json
import secrets
import threading
import time
from collections import Counter
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Callable
from urllib.parse import parse_qs, urlsplit

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import padding, rsa

from test.unit.conftest import Answer, LoopbackServer, Seen

# What google-auth puts in `aud` of every service-account assertion, whatever the key's token_uri.
GOOGLE_TOKEN_AUDIENCE = "https://oauth2.googleapis.com/token"
JWT_BEARER_GRANT = "urn:ietf:params:oauth:grant-type:jwt-bearer"
CLOUD_PLATFORM = "https://www.googleapis.com/auth/cloud-platform"
ID_TOKEN_ISSUER = "https://accounts.google.com"

Reply = tuple[int, dict[str, str], bytes]  # status, headers, body


def b64url(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def unb64url(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


def new_rsa_key() -> rsa.RSAPrivateKey:
    return rsa.generate_private_key(public_exponent=65537, key_size=2048)


def sign_jwt(key: rsa.RSAPrivateKey, claims: dict[str, Any], kid: str) -> str:
    header = b64url(json.dumps({"alg": "RS256", "typ": "JWT", "kid": kid}).encode())
    payload = b64url(json.dumps(claims).encode())
    signature = key.sign(f"{header}.{payload}".encode(), padding.PKCS1v15(), hashes.SHA256())
    return f"{header}.{payload}.{b64url(signature)}"


class JwtRefused(Exception):
    pass


def verify_jwt(token: str, public_key: rsa.RSAPublicKey) -> tuple[dict[str, Any], dict[str, Any]]:
    """The header and claims of an RS256 JWT whose signature verifies with `public_key`; raises JwtRefused."""
    try:
        header_part, payload_part, signature_part = token.split(".")
        header = json.loads(unb64url(header_part))
        claims = json.loads(unb64url(payload_part))
        signature = unb64url(signature_part)
    except ValueError as exc:
        raise JwtRefused(f"not a JWT: {exc}") from None
    if header.get("alg") != "RS256":
        raise JwtRefused(f"alg {header.get('alg')!r}, expected RS256")
    try:
        public_key.verify(signature, f"{header_part}.{payload_part}".encode(), padding.PKCS1v15(), hashes.SHA256())
    except InvalidSignature:
        raise JwtRefused("the signature does not verify") from None
    if not isinstance(claims, dict):
        raise JwtRefused("the claims are not an object")
    return header, claims


@dataclass
class ServiceAccountKey:
    """A service account's key pair and the JSON key file google-auth reads."""

    email: str
    key_id: str
    private_key: rsa.RSAPrivateKey
    path: Path

    @classmethod
    def create(cls, folder: Path, token_uri: str, name: str = "airflow-caller") -> ServiceAccountKey:
        key = new_rsa_key()
        email = f"{name}@client-test.iam.gserviceaccount.com"
        key_id = secrets.token_hex(20)
        pem = key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                                serialization.NoEncryption()).decode()
        info = {
            "type": "service_account",
            "project_id": "client-test",
            "private_key_id": key_id,
            "private_key": pem,
            "client_email": email,
            "client_id": str(secrets.randbelow(10**20)),
            "auth_uri": "https://accounts.google.com/o/oauth2/auth",
            "token_uri": token_uri,
        }
        path = folder / f"{name}-key.json"
        path.write_text(json.dumps(info))
        return cls(email, key_id, key, path)


class _Server:
    """The unit tests' loopback server (test/unit/conftest.py), every request answered by `self.serve`."""

    def __init__(self) -> None:
        self._loopback = LoopbackServer()
        self._loopback.httpd.socket.listen(128)  # threads connecting at once: no SYN retries
        self._loopback.handler = self._answer
        self.port = self._loopback.port
        self.url = f"http://127.0.0.1:{self.port}"

    def _answer(self, seen: Seen) -> Answer:
        status, headers, body = self.serve(seen.method, seen.target, seen.headers, seen.body)
        return Answer(status=status, body=body, headers=headers)

    def serve(self, method: str, target: str, headers: dict[str, str], body: bytes) -> Reply:
        raise NotImplementedError

    def close(self) -> None:
        self._loopback.close()


def _json(status: int, doc: Any) -> Reply:
    return status, {"Content-Type": "application/json"}, json.dumps(doc).encode()


class TokenEndpoint(_Server):
    """Google's token endpoint for the service accounts registered with it (their public keys)."""

    def __init__(self, lifetime: int = 3600) -> None:
        self.lifetime = lifetime  # seconds an access or ID token is valid
        self.delay = 0.0  # seconds each grant takes, to let threads pile up behind a refresh
        self.accounts: dict[str, tuple[str, rsa.RSAPublicKey]] = {}  # email -> (key id, public key)
        self.signing_key = new_rsa_key()  # signs the ID tokens
        self.signing_kid = secrets.token_hex(8)
        self.access_tokens: dict[str, float] = {}  # token -> expiry (epoch seconds)
        self.revoked: set[str] = set()
        self.grants: Counter[str] = Counter()  # "access" / "id_token" -> grants issued
        self.refusals: list[str] = []
        self._lock = threading.Lock()
        super().__init__()
        self.token_uri = self.url + "/token"

    def register(self, key: ServiceAccountKey) -> None:
        self.accounts[key.email] = (key.key_id, key.private_key.public_key())

    def serve(self, method: str, target: str, headers: dict[str, str], body: bytes) -> Reply:
        if method != "POST" or urlsplit(target).path != "/token":
            return _json(404, {"error": "not_found"})
        form = {k: v[0] for k, v in parse_qs(body.decode()).items()}
        if form.get("grant_type") != JWT_BEARER_GRANT or "assertion" not in form:
            return self._refuse("unsupported_grant_type", f"grant_type {form.get('grant_type')!r}")
        try:
            claims = self._check_assertion(form["assertion"])
        except JwtRefused as exc:
            return self._refuse("invalid_grant", str(exc))
        if self.delay:
            time.sleep(self.delay)
        now = time.time()
        if "target_audience" in claims:
            id_claims = {"iss": ID_TOKEN_ISSUER, "aud": claims["target_audience"], "sub": claims["iss"],
                         "email": claims["iss"], "iat": int(now), "exp": int(now + self.lifetime)}
            with self._lock:
                self.grants["id_token"] += 1
            return _json(200, {"id_token": sign_jwt(self.signing_key, id_claims, self.signing_kid)})
        token = "ya29.test-" + secrets.token_urlsafe(24)
        with self._lock:
            self.access_tokens[token] = now + self.lifetime
            self.grants["access"] += 1
        return _json(200, {"access_token": token, "token_type": "Bearer", "expires_in": self.lifetime})

    def _check_assertion(self, assertion: str) -> dict[str, Any]:
        try:
            unverified = json.loads(unb64url(assertion.split(".")[1]))
        except (IndexError, ValueError):
            raise JwtRefused("the assertion is not a JWT") from None
        account = self.accounts.get(unverified.get("iss") if isinstance(unverified, dict) else None)
        if account is None:
            raise JwtRefused("iss names no registered service account")
        key_id, public_key = account
        header, claims = verify_jwt(assertion, public_key)
        if header.get("kid") != key_id:
            raise JwtRefused("kid is not the key's id")
        if claims.get("aud") != GOOGLE_TOKEN_AUDIENCE:
            raise JwtRefused(f"aud {claims.get('aud')!r}")
        now = time.time()
        iat, exp = claims.get("iat"), claims.get("exp")
        if not isinstance(iat, int) or not isinstance(exp, int) or not iat - 60 <= now < exp or exp - iat > 3600:
            raise JwtRefused(f"iat {iat!r} / exp {exp!r} do not bracket now, or span more than an hour")
        if "target_audience" not in claims and CLOUD_PLATFORM not in str(claims.get("scope", "")).split():
            raise JwtRefused(f"scope {claims.get('scope')!r} lacks {CLOUD_PLATFORM}")
        return claims

    def _refuse(self, error: str, why: str) -> Reply:
        with self._lock:
            self.refusals.append(why)
        return _json(400, {"error": error, "error_description": why})

    # -- what the Composer proxy asks -------------------------------------------------------------

    def access_token_ok(self, token: str) -> bool:
        with self._lock:
            expiry = self.access_tokens.get(token)
            return expiry is not None and token not in self.revoked and time.time() < expiry

    def id_token_ok(self, token: str, audience: str) -> bool:
        try:
            header, claims = verify_jwt(token, self.signing_key.public_key())
        except JwtRefused:
            return False
        with self._lock:
            if token in self.revoked:
                return False
        return (header.get("kid") == self.signing_kid and claims.get("aud") == audience
                and claims.get("iss") == ID_TOKEN_ISSUER and time.time() < float(claims.get("exp", 0)))

    def revoke(self, token: str) -> None:
        with self._lock:
            self.revoked.add(token)


_HOP_BY_HOP = {"connection", "keep-alive", "transfer-encoding", "content-length", "host", "authorization",
               "proxy-authorization", "te", "trailer", "upgrade"}


class Gate(_Server):
    """A proxy that forwards only requests whose Bearer token `accepts`, with the upstream's own credentials.

    Refused: 401 JSON, or, with `sign_in` set, a 302 to that URL (IAP's answer to a browser). Records the
    Bearer tokens it saw (`seen`) and how many it refused.
    """

    def __init__(self, upstream: str, upstream_auth: Callable[[], str], accepts: Callable[[str], bool],
                 sign_in: str | None = None) -> None:
        parts = urlsplit(upstream)
        self.upstream_host = parts.hostname or "127.0.0.1"
        self.upstream_port = parts.port or 80
        self.upstream_auth = upstream_auth
        self.accepts = accepts
        self.sign_in = sign_in
        self.seen: list[str | None] = []
        self.refused = 0
        self._lock = threading.Lock()
        super().__init__()

    def serve(self, method: str, target: str, headers: dict[str, str], body: bytes) -> Reply:
        auth = next((v for k, v in headers.items() if k.lower() == "authorization"), None)
        token = auth[len("Bearer "):] if auth and auth.startswith("Bearer ") else None
        with self._lock:
            self.seen.append(token)
        if token is None or not self.accepts(token):
            with self._lock:
                self.refused += 1
            if self.sign_in is not None:
                return 302, {"Location": self.sign_in, "Content-Type": "text/html"}, b"<html>Moved</html>"
            return _json(401, {"detail": "Invalid or missing bearer token"})
        return forward(self.upstream_host, self.upstream_port, self.upstream_auth(), method, target, headers, body)


def forward(host: str, port: int, authorization: str, method: str, target: str, headers: dict[str, str],
            body: bytes | None, drop: tuple[str, ...] = ()) -> Reply:
    """One request to an upstream Airflow with its own credentials (and without the `drop` headers)."""
    forwarded = {k: v for k, v in headers.items() if k.lower() not in _HOP_BY_HOP and k.lower() not in drop}
    forwarded["Authorization"] = authorization
    conn = http.client.HTTPConnection(host, port, timeout=60)
    try:
        conn.request(method, target, body=body or None, headers=forwarded)
        resp = conn.getresponse()
        data = resp.read()
        answer_headers = {k: v for k, v in resp.getheaders() if k.lower() not in _HOP_BY_HOP}
        return resp.status, answer_headers, data
    finally:
        conn.close()
