"""Which Airflow a host is: the server root, the generation (2 or 3) and where its API lives.

`Configuration.host` may name the API of one generation (`.../api/v1` for Airflow 2, `.../api/v2`
for Airflow 3) or the server root (`https://airflow.example.com`). For a root, the server is asked
once: `GET {root}/api/v2/version` (Airflow 3, no credentials needed), then `{root}/api/v1/version`;
`ApiClient` sends the question with the configured token or auth flow, for a proxy in front of Airflow.
"""

from __future__ import annotations

import json
from typing import Any, Callable

from airflow_client.client.exceptions import ApiConnectionError, ApiException, ApiValueError

API_PATHS = {2: "/api/v1", 3: "/api/v2"}
# The API of the FAB auth manager (users, roles, permissions) on Airflow 3.
FAB_PATH = "/auth/fab/v1"
# What Airflow 3 answers under /api/v1.
REMOVED_MARK = "/api/v1 has been removed"


class Server:
    """One Airflow server: its root URL, its generation, and its version when it was asked."""

    __slots__ = ("generation", "root", "version")

    def __init__(self, root: str, generation: int, version: str | None = None) -> None:
        self.root = root
        self.generation = generation
        self.version = version

    @property
    def api_root(self) -> str:
        """Where the REST API of this generation lives: `{root}/api/v1` or `{root}/api/v2`."""
        return self.root + API_PATHS[self.generation]

    def __repr__(self) -> str:
        version = f", version={self.version!r}" if self.version else ""
        return f"Server(root={self.root!r}, generation={self.generation}{version})"


def split_host(host: str) -> tuple[str, int | None]:
    """The server root and the generation a host names (None: a root, to be asked)."""
    stripped = host.rstrip("/")
    for generation, path in API_PATHS.items():
        if stripped.endswith(path):
            return stripped[: -len(path)], generation
    return stripped, None


Fetch = Callable[[str], Any]  # GET a URL, the answer read in full (status, data)


def probe(root: str, get: Fetch) -> Server:
    """Ask the server at `root` which Airflow it runs; raises when neither API answers."""
    seen: list[str] = []
    for generation in (3, 2):
        url = root + API_PATHS[generation] + "/version"
        try:
            resp = get(url)
        except ApiConnectionError as exc:
            raise ApiConnectionError(
                status=None, reason=f"could not reach {root} to ask which Airflow it runs: {exc.reason}",
                method="GET", url=url,
            ) from exc
        if resp.status == 200:
            try:
                version = json.loads(resp.data).get("version")
            except (ValueError, AttributeError):
                version = None
            return Server(root, generation, version if isinstance(version, str) else None)
        seen.append(f"GET {url} answered {resp.status}")
    raise ApiValueError(
        f"no Airflow REST API found at {root}: {'; '.join(seen)}. Set Configuration.host to the server root "
        "(https://host:port), or to its API: .../api/v2 for Airflow 3, .../api/v1 for Airflow 2"
    )


def removed_api_error(error: ApiException, host: str) -> ApiException:
    """Airflow 3's answer under /api/v1, explained: the host names the API Airflow 3 removed."""
    root = split_host(host)[0]
    error.reason = (
        f"this server runs Airflow 3, which removed /api/v1: set Configuration.host to {root} (the server root) "
        f"or {root}/api/v2"
    )
    return error


# The Airflow 3 auth manager that serves users, roles and permissions at FAB_PATH.
FAB_AUTH_MANAGER = "airflow.providers.fab.auth_manager.fab_auth_manager.FabAuthManager"


def no_fab_api_error(error: ApiException, operation: str, answered: str) -> ApiException:
    """An answer at FAB_PATH that is not the FAB auth manager's, explained.

    Without that auth manager Airflow 3 has no route there: a GET gets the UI's HTML page (200), any
    other method 405.
    """
    error.reason = (
        f"{operation}() needs the FAB auth manager's API ({FAB_PATH}), and this Airflow 3 server does not run "
        f"the FAB auth manager (it answered {answered}); users, roles and permissions exist only with "
        f"[core] auth_manager = {FAB_AUTH_MANAGER}"
    )
    error.detail = error.reason
    return error

