"""One client for both generations: which Airflow a host is, the Airflow 3 login, and calls declared
with an Airflow 3 route, against a loopback server that answers as Airflow 3.3 does."""

from __future__ import annotations

import base64
import json
import threading
import time
from typing import Any, Callable

import pytest

import airflow_client.client as client
from airflow_client.client.api import pool_api, provider_api, variable_api
from airflow_client.client.api_client import Api
from airflow_client.client.endpoint import Airflow3, endpoint
from airflow_client.client.exceptions import NotFoundException, UnauthorizedException
from airflow_client.client.model.pool import Pool
from airflow_client.client.translations import MOST_PAGES

from .conftest import Answer, LoopbackServer, Seen

REMOVED = {"error": "/api/v1 has been removed in Airflow 3, please use its upgraded version /api/v2 instead."}


def jwt(subject: str, expires_in: float = 3600.0) -> str:
    """A token shaped like Airflow 3's (the signature is not checked by the client)."""
    def part(data: dict[str, Any]) -> str:
        return base64.urlsafe_b64encode(json.dumps(data).encode()).decode().rstrip("=")
    return f"{part({'alg': 'HS512'})}.{part({'sub': subject, 'exp': time.time() + expires_in})}.c2ln"


class Airflow3Server:
    """Answers like Airflow 3.3: /api/v2 with tokens from /auth/token, /api/v1 removed."""

    def __init__(self, server: LoopbackServer, lifetime: float = 3600.0) -> None:
        self.server = server
        self.root = f"http://127.0.0.1:{server.port}"
        self.lifetime = lifetime
        self.issued: list[str] = []
        self.valid: set[str] = set()
        self.lock = threading.Lock()
        server.handler = self.answer

    def answer(self, seen: Seen) -> Answer:
        path = seen.path
        if path.startswith("/api/v1/"):
            return Answer(status=404, body=REMOVED)
        if path == "/api/v2/version":
            return Answer(body={"version": "3.3.2", "git_version": None})
        if path == "/auth/token" and seen.method == "POST":
            login = seen.json()
            if login != {"username": "admin", "password": "s3cret"}:
                return Answer(status=401, body={"detail": "Invalid credentials"})
            with self.lock:
                token = jwt(f"admin-{len(self.issued)}", self.lifetime)
                self.issued.append(token)
                self.valid.add(token)
            return Answer(status=201, body={"access_token": token})
        auth = seen.headers.get("Authorization", "")
        if not auth.startswith("Bearer "):
            return Answer(status=401, body={"detail": "Not authenticated"})
        if auth[7:] not in self.valid:
            return Answer(status=401, body={"detail": "Token Expired"})
        if path.startswith("/api/v2/dags/") and (path.endswith("/taskInstances") or path.endswith("/list")):
            return Answer(body={"task_instances": [{"task_id": "t", "logical_date": "2025-01-01T00:00:00+00:00"}],
                                "total_entries": 1})
        if "/taskInstances/" in path and seen.method == "PATCH":
            return Answer(body={"task_instances": [{"task_id": "t", "dag_id": "d", "dag_run_id": "r",
                                                    "logical_date": "2025-01-01T00:00:00+00:00"}],
                                "total_entries": 1})
        if path.endswith("/logs/1"):
            return Answer(body={"content": [{"event": "::group::Pre Execute"},
                                            {"timestamp": "2025-01-01T00:00:01Z", "level": "info",
                                             "logger": "task.stdout", "event": "hello"}],
                                "continuation_token": None})
        if path == "/api/v2/pools" and seen.method == "POST":
            return Answer(status=422, body={"detail": [
                {"type": "missing", "loc": ["body", "slots"], "msg": "Field required", "input": {}}]})
        return Answer(status=404, body={"detail": "Not Found"})


@pytest.fixture
def airflow3(server: LoopbackServer) -> Airflow3Server:
    return Airflow3Server(server)


def configured(host: str, **credentials: str) -> client.Configuration:
    config = client.Configuration(host=host, **credentials)
    config.retries = 0
    return config


# -- which Airflow a host is ----------------------------------------------------------------------------------


def test_a_server_root_is_asked_once_which_airflow_it_runs(airflow3):
    with client.ApiClient(configured(airflow3.root, username="admin", password="s3cret")) as api_client:
        assert api_client.server.generation == 3
        assert api_client.server.version == "3.3.2"
        assert api_client.server.api_root == airflow3.root + "/api/v2"
        api_client.server  # noqa: B018  (asked once: the answer is kept)
    assert [s.path for s in airflow3.server.seen] == ["/api/v2/version"]


def test_a_root_without_the_v2_api_is_asked_for_the_v1_api(server):
    server.handler = lambda seen: (Answer(body={"version": "2.11.2", "git_version": None})
                                   if seen.path == "/api/v1/version" else Answer(status=404, body={}))
    with client.ApiClient(configured(f"http://127.0.0.1:{server.port}/")) as api_client:
        assert (api_client.server.generation, api_client.server.version) == (2, "2.11.2")
        assert api_client.server.api_root == f"http://127.0.0.1:{server.port}/api/v1"


def test_a_root_that_serves_no_airflow_api_is_an_error_naming_both_tries(server):
    server.default = Answer(status=404, body="<html>nothing here</html>")
    with client.ApiClient(configured(f"http://127.0.0.1:{server.port}")) as api_client:
        with pytest.raises(client.ApiValueError) as caught:
            api_client.server  # noqa: B018
    message = str(caught.value)
    assert "/api/v2/version answered 404" in message and "/api/v1/version answered 404" in message


def test_a_v1_host_on_airflow_3_says_to_use_the_v2_api_or_the_root(airflow3):
    with client.ApiClient(configured(airflow3.root + "/api/v1", username="admin", password="s3cret")) as api_client:
        with pytest.raises(NotFoundException) as caught:
            pool_api.PoolApi(api_client).get_pools()
    assert "runs Airflow 3, which removed /api/v1" in str(caught.value)
    assert f"{airflow3.root}/api/v2" in str(caught.value)


# -- the Airflow 3 login ------------------------------------------------------------------------------------------


class Probe(Api):
    """Endpoints declared as the generated ones are, with their Airflow 3 routes."""

    @endpoint(
        "GET /dags/{dag_id}/dagRuns/{dag_run_id}/taskInstances",
        returns="TaskInstanceCollection",
        airflow3=Airflow3("GET /dags/{dag_id}/dagRuns/{dag_run_id}/taskInstances",
                          params={"execution_date_gte": "logical_date_gte"}, values={"order_by": ("one_item_list",)},
                          new=("run_after_gte",)),
    )
    def get_task_instances(self, dag_id: str, dag_run_id: str, *, execution_date_gte: str | None = None,
                           order_by: str | None = None, run_after_gte: str | None = None, **kwargs: Any) -> Any: ...

    @endpoint(
        "PATCH /dags/{dag_id}/dagRuns/{dag_run_id}/taskInstances/{task_id}",
        returns="TaskInstanceReference",
        body="update_task_instance",
        airflow3=Airflow3("PATCH /dags/{dag_id}/dagRuns/{dag_run_id}/taskInstances/{task_id}",
                          dry_run="PATCH /dags/{dag_id}/dagRuns/{dag_run_id}/taskInstances/{task_id}/dry_run",
                          fixed={"map_index": -1}, answer="first_of_collection"),
    )
    def patch_task_instance(self, dag_id: str, dag_run_id: str, task_id: str,
                            update_task_instance: dict[str, Any], **kwargs: Any) -> Any: ...

    @endpoint(
        "GET /dags/{dag_id}/dagRuns/{dag_run_id}/taskInstances/{task_id}/logs/{task_try_number}",
        returns="InlineResponse2001",
        accept=("application/json", "text/plain"),
        airflow3=Airflow3("GET /dags/{dag_id}/dagRuns/{dag_run_id}/taskInstances/{task_id}/logs/{try_number}",
                          params={"task_try_number": "try_number"}, answer="structured_log_to_text", text="log_text"),
    )
    def get_log(self, dag_id: str, dag_run_id: str, task_id: str, task_try_number: int, **kwargs: Any) -> Any: ...

    @endpoint("GET /dags/{dag_id}/dagRuns/{dag_run_id}/taskInstances/{task_id}/links", returns="ExtraLinkCollection")
    def get_extra_links(self, dag_id: str, dag_run_id: str, task_id: str, **kwargs: Any) -> Any: ...

    @endpoint("POST /pools", returns="Pool", body="pool", airflow3=Airflow3("POST /pools"))
    def post_pool(self, pool: dict[str, Any], **kwargs: Any) -> Any: ...

    @endpoint(
        "GET /dags/{dag_id}/dagRuns/{dag_run_id}/taskInstances/{task_id}/tries",
        returns="TaskInstanceHistoryCollection",
        airflow3=Airflow3("GET /dags/{dag_id}/dagRuns/{dag_run_id}/taskInstances/{task_id}/tries",
                          params={"limit": None, "offset": None, "order_by": None}, answer="page_locally"),
    )
    def get_task_instance_tries(self, dag_id: str, dag_run_id: str, task_id: str, *, limit: int | None = None,
                                offset: int | None = None, order_by: str | None = None, **kwargs: Any) -> Any: ...

    @endpoint(
        "POST /dags/~/dagRuns/~/taskInstances/list",
        returns="TaskInstanceCollection",
        body="list_task_instance_form",
        airflow3=Airflow3("POST /dags/{dag_id}/dagRuns/{dag_run_id}/taskInstances/list",
                          fixed={"dag_id": "~", "dag_run_id": "~"},
                          body_renames={"execution_date_gte": "logical_date_gte"},
                          body_values={"state": ("none_as_null",)}),
    )
    def get_task_instances_batch(self, list_task_instance_form: dict[str, Any], **kwargs: Any) -> Any: ...

    @endpoint(None, returns="Pool", airflow3=Airflow3("GET /backfills"))
    def list_backfills(self, **kwargs: Any) -> Any: ...


def test_username_and_password_become_a_bearer_token_on_airflow_3(airflow3):
    config = configured(airflow3.root, username="admin", password="s3cret")
    with client.ApiClient(config) as api_client:
        page = Probe(api_client).get_task_instances("d", "r")
        Probe(api_client).get_task_instances("d", "r")
    assert page.task_instances[0].execution_date == "2025-01-01T00:00:00+00:00"  # logical_date, read as 2.x's name
    logins = [s for s in airflow3.server.seen if s.path == "/auth/token"]
    assert len(logins) == 1 and logins[0].json() == {"username": "admin", "password": "s3cret"}
    calls = [s for s in airflow3.server.seen if s.path.startswith("/api/v2/dags")]
    assert [s.headers["Authorization"] for s in calls] == ["Bearer " + airflow3.issued[0]] * 2


def test_an_expired_token_is_renewed_once_and_the_call_sent_again(airflow3):
    with client.ApiClient(configured(airflow3.root, username="admin", password="s3cret")) as api_client:
        Probe(api_client).get_task_instances("d", "r")
        airflow3.valid.clear()  # the server no longer accepts the token: 401 Token Expired
        assert Probe(api_client).get_task_instances("d", "r").total_entries == 1
    assert len(airflow3.issued) == 2
    assert airflow3.server.seen[-1].headers["Authorization"] == "Bearer " + airflow3.issued[1]


def test_a_token_about_to_expire_is_renewed_before_the_call(server):
    airflow3 = Airflow3Server(server, lifetime=5.0)  # within the renewal margin from the start
    with client.ApiClient(configured(airflow3.root, username="admin", password="s3cret")) as api_client:
        Probe(api_client).get_task_instances("d", "r")
        Probe(api_client).get_task_instances("d", "r")
    assert len(airflow3.issued) == 2
    assert not [s for s in server.seen if s.headers.get("Authorization", "").startswith("Bearer") and
                s.path.startswith("/api/v2/dags") and s.headers["Authorization"][7:] not in airflow3.valid]


def test_threads_sharing_a_client_share_one_login(airflow3):
    with client.ApiClient(configured(airflow3.root, username="admin", password="s3cret")) as api_client:
        api = Probe(api_client)
        errors: list[BaseException] = []

        def work() -> None:
            try:
                for _ in range(5):
                    api.get_task_instances("d", "r")
            except BaseException as exc:
                errors.append(exc)

        threads = [threading.Thread(target=work) for _ in range(8)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
    assert not errors
    assert len(airflow3.issued) == 1


def test_wrong_credentials_end_in_unauthorized_with_airflows_detail_and_no_password(airflow3):
    with client.ApiClient(configured(airflow3.root, username="admin", password="wrong-pw")) as api_client:
        with pytest.raises(UnauthorizedException) as caught:
            Probe(api_client).get_task_instances("d", "r")
    assert caught.value.status == 401 and caught.value.detail == "Invalid credentials"
    assert "wrong-pw" not in str(caught.value) and "wrong-pw" not in repr(api_client.configuration)


def test_a_static_token_is_sent_as_given_without_a_login(airflow3):
    token = jwt("deployment")
    airflow3.valid.add(token)
    with client.ApiClient(configured(airflow3.root, access_token=token)) as api_client:
        Probe(api_client).get_task_instances("d", "r")
    assert not [s for s in airflow3.server.seen if s.path == "/auth/token"]
    assert airflow3.server.seen[-1].headers["Authorization"] == "Bearer " + token


# -- calls declared with an Airflow 3 route ------------------------------------------------------------------------


def test_renamed_parameters_and_value_steps_reach_airflow_3_under_its_names(airflow3):
    with client.ApiClient(configured(airflow3.root, username="admin", password="s3cret")) as api_client:
        Probe(api_client).get_task_instances("d", "r", execution_date_gte="2025-01-01", order_by="start_date",
                                             run_after_gte="2025-01-02")
    seen = airflow3.server.seen[-1]
    assert seen.path == "/api/v2/dags/d/dagRuns/r/taskInstances"
    assert seen.query == {"logical_date_gte": ["2025-01-01"], "order_by": ["start_date"],
                          "run_after_gte": ["2025-01-02"]}


def test_a_parameter_only_airflow_3_takes_is_refused_on_airflow_2_before_sending(server, config):
    with client.ApiClient(config) as api_client, pytest.raises(client.ApiValueError, match="only Airflow 3 takes"):
        Probe(api_client).get_task_instances("d", "r", run_after_gte="2025-01-02")
    assert not server.seen


def test_a_dry_run_goes_to_the_dry_run_route_and_a_patch_answers_the_first_of_its_collection(airflow3):
    with client.ApiClient(configured(airflow3.root, username="admin", password="s3cret")) as api_client:
        api = Probe(api_client)
        ref = api.patch_task_instance("d", "r", "t", {"new_state": "success"})  # dry_run left out: true in 2.x
        assert airflow3.server.seen[-1].path == "/api/v2/dags/d/dagRuns/r/taskInstances/t/dry_run"
        assert airflow3.server.seen[-1].json() == {"new_state": "success"}
        assert airflow3.server.seen[-1].query == {"map_index": ["-1"]}
        api.patch_task_instance("d", "r", "t", {"new_state": "success", "dry_run": False})
        assert airflow3.server.seen[-1].path == "/api/v2/dags/d/dagRuns/r/taskInstances/t"
    assert type(ref).__name__ == "TaskInstanceReference" and ref.task_id == "t" and ref.dag_run_id == "r"


def test_a_structured_log_reads_as_text(airflow3):
    with client.ApiClient(configured(airflow3.root, username="admin", password="s3cret")) as api_client:
        log = Probe(api_client).get_log("d", "r", "t", 1)
    assert airflow3.server.seen[-1].path == "/api/v2/dags/d/dagRuns/r/taskInstances/t/logs/1"
    assert log.content == "::group::Pre Execute\n[2025-01-01T00:00:01Z] INFO task.stdout: hello\n"


def test_a_validation_error_of_airflow_3_names_each_problem(airflow3):
    with client.ApiClient(configured(airflow3.root, username="admin", password="s3cret")) as api_client:
        with pytest.raises(client.ApiException) as caught:
            Probe(api_client).post_pool({"name": "p"})
    assert caught.value.status == 422
    assert caught.value.detail == "body.slots: Field required"


def test_operations_one_generation_lacks_are_refused_before_sending(airflow3, config):
    with client.ApiClient(configured(airflow3.root, username="admin", password="s3cret")) as api_client:
        with pytest.raises(client.ApiValueError, match="runs Airflow 3: no Airflow 3 route is declared"):
            Probe(api_client).get_extra_links("d", "r", "t")
    with client.ApiClient(config) as api_client:  # config's host names /api/v1: Airflow 2
        with pytest.raises(client.ApiValueError, match="needs Airflow 3; this server runs Airflow 2"):
            Probe(api_client).list_backfills()
    assert [s.path for s in airflow3.server.seen] == ["/api/v2/version"]


def test_a_log_asked_for_as_text_is_made_from_the_json_airflow_3_answers(airflow3):
    with client.ApiClient(configured(airflow3.root, username="admin", password="s3cret")) as api_client:
        text = Probe(api_client).get_log("d", "r", "t", 1, _headers={"Accept": "text/plain"})
    assert airflow3.server.seen[-1].headers["Accept"] == "application/json"
    assert text == "::group::Pre Execute\n[2025-01-01T00:00:01Z] INFO task.stdout: hello\n"


def test_parameters_airflow_3_dropped_are_applied_to_the_whole_list_it_answers(server):
    airflow3 = Airflow3Server(server)
    tries = [{"task_id": "t", "try_number": n, "start_date": f"2025-01-0{n}T00:00:00+00:00"} for n in (2, 1, 3)]
    answer = airflow3.answer

    def with_tries(seen: Seen) -> Answer:
        if seen.path.endswith("/tries"):
            return Answer(body={"task_instances": [dict(t) for t in tries], "total_entries": 3})
        return answer(seen)

    server.handler = with_tries
    with client.ApiClient(configured(airflow3.root, username="admin", password="s3cret")) as api_client:
        api = Probe(api_client)
        page = api.get_task_instance_tries("d", "r", "t", order_by="-try_number", offset=1, limit=1)
        assert server.seen[-1].query == {}  # Airflow 3 takes none of them
        assert [ti.try_number for ti in page.task_instances] == [2] and page.total_entries == 3
        page = api.get_task_instance_tries("d", "r", "t", order_by="start_date")
        assert [ti.try_number for ti in page.task_instances] == [1, 2, 3]


def test_a_batch_body_reaches_airflow_3_with_its_names_and_values(airflow3):
    with client.ApiClient(configured(airflow3.root, username="admin", password="s3cret")) as api_client:
        Probe(api_client).get_task_instances_batch({"execution_date_gte": "2025-01-01T00:00:00+00:00",
                                                    "state": ["none", "failed"]})
    seen = airflow3.server.seen[-1]
    assert seen.path == "/api/v2/dags/~/dagRuns/~/taskInstances/list"
    assert seen.json() == {"logical_date_gte": "2025-01-01T00:00:00+00:00", "state": [None, "failed"]}


# -- steps of the 2.x ConnectionApi, VariableApi, PoolApi and ProviderApi ------------------------------------------


def serving(server: LoopbackServer, route: Callable[[Seen], Answer | None]) -> Airflow3Server:
    """An Airflow 3 server whose answers to the API calls `route` knows come from it."""
    airflow3 = Airflow3Server(server)
    standard = airflow3.answer

    def answer(seen: Seen) -> Answer:
        if seen.path.startswith("/api/v2/") and seen.path != "/api/v2/version":
            mine = route(seen)
            if mine is not None:
                return mine
        return standard(seen)

    server.handler = answer
    return airflow3


def pool_answer(seen: Seen) -> Answer | None:
    if seen.method != "PATCH":
        return None
    body = seen.json()
    return Answer(body={"name": body.get("pool"), "slots": body.get("slots"), "description": None,
                        "include_deferred": body.get("include_deferred"), "occupied_slots": 0, "running_slots": 0,
                        "queued_slots": 0, "scheduled_slots": 0, "open_slots": 0, "deferred_slots": 0,
                        "team_name": None})


def test_a_masked_pool_patch_gets_the_whole_pool_airflow_3_checks_with_the_fillers_kept_out_of_the_mask(server):
    airflow3 = serving(server, pool_answer)
    with client.ApiClient(configured(airflow3.root, username="admin", password="s3cret")) as api_client:
        api = pool_api.PoolApi(api_client)
        patched = api.patch_pool("p 1", Pool(name="p 1", slots=5, description="ignored"), update_mask=["slots"])
        seen = server.seen[-1]
        assert (seen.method, seen.path) == ("PATCH", "/api/v2/pools/p%201")
        assert seen.query == {"update_mask": ["slots"]}
        assert seen.json() == {"pool": "p 1", "slots": 5, "description": "ignored", "include_deferred": False}
        assert isinstance(patched, Pool) and patched.name == "p 1"
        # A mask naming a field the body lacks: no filler for it, the server says what is missing.
        api.patch_pool("p", {"name": "p"}, update_mask=["description"])
        assert server.seen[-1].json() == {"pool": "p", "slots": 0, "include_deferred": False}
        api.patch_pool("p", {"slots": 3}, update_mask=["slots", "include_deferred"])
        assert server.seen[-1].json() == {"slots": 3, "pool": "p"}
        # Mask entries follow the body's renames.
        api.patch_pool("p", {"name": "p", "slots": 1}, update_mask=["name", "slots"])
        assert server.seen[-1].query == {"update_mask": ["pool", "slots"]}


def test_an_unmasked_pool_patch_writes_only_the_fields_sent_as_on_airflow_2(server):
    airflow3 = serving(server, pool_answer)
    with client.ApiClient(configured(airflow3.root, username="admin", password="s3cret")) as api_client:
        api = pool_api.PoolApi(api_client)
        api.patch_pool("p", {"name": "p", "slots": 6})
        assert server.seen[-1].query == {"update_mask": ["slots"]}
        assert server.seen[-1].json() == {"pool": "p", "slots": 6, "include_deferred": False}
        api.patch_pool("p", Pool(name="p", slots=7, description="d", include_deferred=True))
        assert server.seen[-1].query == {"update_mask": ["slots", "description", "include_deferred"]}
        assert server.seen[-1].json() == {"pool": "p", "slots": 7, "description": "d", "include_deferred": True}
        # Only a name: nothing to write, and nothing made up; the body goes as it is.
        api.patch_pool("p", {"name": "p"})
        assert server.seen[-1].query == {} and server.seen[-1].json() == {"pool": "p"}
        # An empty mask was no mask to 2.x: the fillers are not written either.
        api.patch_pool("p", {"name": "p", "description": "d"}, update_mask=[])
        assert server.seen[-1].query == {"update_mask": ["description"]}
        assert server.seen[-1].json() == {"pool": "p", "description": "d", "slots": 0, "include_deferred": False}


def test_a_pool_patch_on_airflow_2_is_sent_as_given(server, config):
    server.default = Answer(body={"name": "p", "slots": 5})
    with client.ApiClient(config) as api_client:
        pool_api.PoolApi(api_client).patch_pool("p", {"name": "p", "slots": 5}, update_mask=["slots"])
    assert server.seen[-1].json() == {"name": "p", "slots": 5}
    assert server.seen[-1].query == {"update_mask": ["slots"]}


def test_the_2x_variable_mask_name_val_reaches_airflow_3_as_value(server):
    def variable(seen: Seen) -> Answer | None:
        return Answer(body={"key": "k", "value": "v", "description": None, "is_encrypted": True, "team_name": None})

    airflow3 = serving(server, variable)
    with client.ApiClient(configured(airflow3.root, username="admin", password="s3cret")) as api_client:
        api = variable_api.VariableApi(api_client)
        api.patch_variable("k", {"key": "k", "value": "v"}, update_mask=["val", "description"])
        assert server.seen[-1].query == {"update_mask": ["value", "description"]}
        api.patch_variable("k", {"key": "k", "value": "v"}, update_mask=["value"])
        assert server.seen[-1].query == {"update_mask": ["value"]}


def providers_paged(count: int, cap: int = 100, claimed: int | None = None) -> Callable[[Seen], Answer | None]:
    """Answers /providers as Airflow 3 does: `limit` (at most `cap`) items from `offset`."""
    everything = [{"package_name": f"apache-airflow-providers-p{n:04d}", "description": f"P {n}",
                   "version": "1.0.0", "documentation_url": None} for n in range(count)]

    def answer(seen: Seen) -> Answer | None:
        if seen.path != "/api/v2/providers":
            return None
        limit = min(int(seen.query.get("limit", ["50"])[0]), cap)
        offset = int(seen.query.get("offset", ["0"])[0])
        return Answer(body={"providers": everything[offset:offset + limit],
                            "total_entries": count if claimed is None else claimed})

    return answer


def test_every_provider_page_is_fetched_and_joined_as_2x_answered_the_whole_list(server):
    airflow3 = serving(server, providers_paged(230, cap=100))
    with client.ApiClient(configured(airflow3.root, username="admin", password="s3cret")) as api_client:
        answer = provider_api.ProviderApi(api_client).get_providers(_request_timeout=5)
    names = [p["package_name"] for p in answer["providers"]]
    assert names == [f"apache-airflow-providers-p{n:04d}" for n in range(230)]
    assert answer["total_entries"] == 230
    calls = [s for s in server.seen if s.path == "/api/v2/providers"]
    assert [s.query for s in calls] == [{"limit": ["100"]}, {"limit": ["100"], "offset": ["100"]},
                                        {"limit": ["100"], "offset": ["200"]}]
    # Each page through the same login and client.
    assert {s.headers["Authorization"] for s in calls} == {"Bearer " + airflow3.issued[0]}


def test_a_server_that_caps_pages_lower_still_gives_every_provider(server):
    airflow3 = serving(server, providers_paged(25, cap=10))
    with client.ApiClient(configured(airflow3.root, username="admin", password="s3cret")) as api_client:
        answer = provider_api.ProviderApi(api_client).get_providers()
    assert len(answer["providers"]) == 25
    offsets = [s.query.get("offset") for s in server.seen if s.path == "/api/v2/providers"]
    assert offsets == [None, ["10"], ["20"]]


def test_provider_pages_stop_at_the_bound_and_when_the_list_ends_early(server):
    airflow3 = serving(server, providers_paged(1000, cap=1, claimed=10**6))
    with client.ApiClient(configured(airflow3.root, username="admin", password="s3cret")) as api_client:
        answer = provider_api.ProviderApi(api_client).get_providers()
    assert len(answer["providers"]) == MOST_PAGES
    assert len([s for s in server.seen if s.path == "/api/v2/providers"]) == MOST_PAGES
    server.seen.clear()
    serving(server, providers_paged(5, cap=2, claimed=9))  # claims more than it has
    with client.ApiClient(configured(airflow3.root, username="admin", password="s3cret")) as api_client:
        answer = provider_api.ProviderApi(api_client).get_providers()
    assert len(answer["providers"]) == 5
    assert len([s for s in server.seen if s.path == "/api/v2/providers"]) == 4  # the last one came back empty


def test_providers_on_airflow_2_are_asked_once(server, config):
    server.default = Answer(body={"providers": [{"package_name": "a"}], "total_entries": 3})
    with client.ApiClient(config) as api_client:
        answer = provider_api.ProviderApi(api_client).get_providers()
    assert answer == {"providers": [{"package_name": "a"}], "total_entries": 3}
    assert [s.query for s in server.seen] == [{}]


def test_every_2x_method_of_the_ten_remaining_classes_is_routed_on_airflow_3():
    import importlib

    modules = ("connection_api", "variable_api", "pool_api", "config_api", "monitoring_api", "plugin_api",
               "provider_api", "x_com_api", "event_log_api", "import_error_api")
    unrouted = []
    for name in modules:
        module = importlib.import_module(f"airflow_client.client.api.{name}")
        api_class = next(v for k, v in vars(module).items() if k.endswith("Api") and isinstance(v, type)
                         and v.__module__ == module.__name__)
        for method, fn in vars(api_class).items():
            op = getattr(fn, "operation", None)
            if op is not None and op.airflow2 and (op.airflow3 is None or op.airflow3.route is None):
                unrouted.append(f"{api_class.__name__}.{method}")
    assert unrouted == []
