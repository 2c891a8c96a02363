"""The Airflow-3-only operations of the REST API v2 on pools, variables, connections, XComs, config, plugins,
DAG warnings, jobs, DAG tags, favourites and login, through the client's methods, against a real Airflow 3.3.2.

Connection tests run on the FAB server (``airflow3_fab``), which enables ``[core] test_connection``; the
simple-auth server keeps Airflow's default and refuses them.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

import airflow_client.client as client
from airflow_client.client.api.config_api import ConfigApi
from airflow_client.client.api.connection_api import ConnectionApi
from airflow_client.client.api.dag_api import DAGApi
from airflow_client.client.api.dag_warning_api import DagWarningApi
from airflow_client.client.api.job_api import JobApi
from airflow_client.client.api.login_api import LoginApi
from airflow_client.client.api.plugin_api import PluginApi
from airflow_client.client.api.pool_api import PoolApi
from airflow_client.client.api.variable_api import VariableApi
from airflow_client.client.api.x_com_api import XComApi
from airflow_client.client.exceptions import ApiException, ForbiddenException, NotFoundException
from airflow_client.client.models import (
    AsyncConnectionTestResponse,
    BulkBodyConnectionBody,
    BulkBodyPoolBody,
    BulkBodyVariableBody,
    BulkResponse,
    Config,
    ConnectionTestQueuedResponse,
    DAGTagCollectionResponse,
    DAGWarningCollectionResponse,
    JobCollectionResponse,
    PluginImportErrorCollectionResponse,
    VariableBody,
    VariableResponse,
    XComResponseNative,
)
from test.integration3.conftest import wait_for
from tools.local_airflow import quote_segment

pytestmark = pytest.mark.integration


def errors_of(result: Any) -> list[tuple[int, str]]:
    """(status_code, error) of each error of one action's result in a bulk answer."""
    return [(e["status_code"], e["error"]) for e in result.errors]


# --- pools, variables, connections in bulk ------------------------------------------------------------

def test_bulk_pools_create_update_delete_with_the_result_of_each_action(v2_client, airflow3):
    api = PoolApi(v2_client)
    created = api.bulk_pools(BulkBodyPoolBody(actions=[
        {"action": "create", "entities": [{"name": "v2_pool_a", "slots": 2}, {"name": "v2_pool_b", "slots": 3}]},
    ]))
    assert isinstance(created, BulkResponse)
    assert sorted(created.create.success) == ["v2_pool_a", "v2_pool_b"] and created.create.errors == []
    assert created.update is None and created.delete is None

    mixed = api.bulk_pools({"actions": [
        {"action": "create", "entities": [{"name": "v2_pool_a", "slots": 9}]},
        {"action": "update", "entities": [{"name": "v2_pool_b", "slots": 5, "include_deferred": True}]},
        {"action": "delete", "entities": ["v2_pool_missing"], "action_on_non_existence": "skip"},
    ]})
    assert mixed.create.success == [] and [code for code, _ in errors_of(mixed.create)] == [409]
    assert mixed.update.success == ["v2_pool_b"] and mixed.delete.errors == []
    pool = api.get_pool("v2_pool_b")
    assert (pool.slots, pool.include_deferred) == (5, True)
    assert api.get_pool("v2_pool_a").slots == 2  # the refused create changed nothing

    overwritten = api.bulk_pools({"actions": [
        {"action": "create", "action_on_existence": "overwrite", "entities": [{"name": "v2_pool_a", "slots": 7}]},
    ]})
    assert overwritten.create.success == ["v2_pool_a"] and api.get_pool("v2_pool_a").slots == 7

    removed = api.bulk_pools({"actions": [{"action": "delete", "entities": ["v2_pool_a", "v2_pool_b"]}]})
    assert sorted(removed.delete.success) == ["v2_pool_a", "v2_pool_b"]
    with pytest.raises(NotFoundException):
        api.get_pool("v2_pool_a")


def test_bulk_pools_is_refused_to_a_viewer(v2_viewer_client):
    with pytest.raises(ForbiddenException):
        PoolApi(v2_viewer_client).bulk_pools({"actions": [{"action": "delete", "entities": ["default_pool"]}]})


def test_post_variable_then_bulk_variables_with_per_action_results(v2_client):
    api = VariableApi(v2_client)
    made = api.post_variable(VariableBody(key="v2_var_plain", value="1", description="made by a test"))
    assert isinstance(made, VariableResponse)
    assert (made.key, made.value, made.description) == ("v2_var_plain", "1", "made by a test")
    with pytest.raises(ApiException) as caught:
        api.post_variable({"key": "v2_var_plain", "value": "2"})
    assert caught.value.status == 409

    created = api.bulk_variables(BulkBodyVariableBody(actions=[
        {"action": "create", "entities": [{"key": "v2_var_a", "value": "x"}, {"key": "v2_var_b", "value": "y"}]},
    ]))
    assert sorted(created.create.success) == ["v2_var_a", "v2_var_b"]
    changed = api.bulk_variables({"actions": [
        {"action": "update", "entities": [{"key": "v2_var_a", "value": "changed"}]},
        {"action": "delete", "entities": ["v2_var_b", "v2_var_plain", "v2_var_missing"]},
    ]})
    assert changed.update.success == ["v2_var_a"] and api.get_variable("v2_var_a").value == "changed"
    # A delete is all or nothing: one missing key fails the whole action, and nothing is deleted.
    assert changed.delete.success == [] and [code for code, _ in errors_of(changed.delete)] == [404]
    assert "v2_var_missing" in errors_of(changed.delete)[0][1]
    assert api.get_variable("v2_var_b").value == "y"
    done = api.bulk_variables({"actions": [{"action": "delete", "entities": ["v2_var_a", "v2_var_b", "v2_var_plain"]}]})
    assert sorted(done.delete.success) == ["v2_var_a", "v2_var_b", "v2_var_plain"]


def test_bulk_connections_create_then_update_and_delete(v2_client):
    api = ConnectionApi(v2_client)
    created = api.bulk_connections(BulkBodyConnectionBody(actions=[
        {"action": "create", "entities": [{"connection_id": "v2_conn_a", "conn_type": "http", "host": "a.example"},
                                          {"connection_id": "v2_conn_b", "conn_type": "http"}]},
    ]))
    assert sorted(created.create.success) == ["v2_conn_a", "v2_conn_b"]
    # A second request: the actions of one request do not see what its own create made.
    changed = api.bulk_connections({"actions": [
        {"action": "update", "entities": [{"connection_id": "v2_conn_a", "conn_type": "http", "host": "b.example"}]},
        {"action": "delete", "entities": ["v2_conn_b"]},
    ]})
    assert changed.update.success == ["v2_conn_a"] and changed.delete.success == ["v2_conn_b"]
    assert api.get_connection("v2_conn_a").host == "b.example"
    with pytest.raises(NotFoundException):
        api.get_connection("v2_conn_b")
    api.delete_connection("v2_conn_a")


# --- connection defaults and connection tests (FAB server: tests enabled) ---------------------------

@pytest.fixture(scope="module")
def fab_client(airflow3_fab: Any) -> Iterator[client.ApiClient]:
    config = client.Configuration(host=airflow3_fab.base_url, username=airflow3_fab.admin[0],
                                  password=airflow3_fab.admin[1])
    with client.ApiClient(config) as api_client:
        yield api_client


def test_create_default_connections_adds_airflow_defaults(fab_client):
    api = ConnectionApi(fab_client)
    before = api.get_connections(limit=1).total_entries
    assert api.create_default_connections() is None
    after = api.get_connections(limit=1).total_entries
    assert after > before + 20
    assert api.get_connection("fs_default").conn_type == "fs"
    assert api.create_default_connections() is None  # again: nothing new, no error
    assert api.get_connections(limit=1).total_entries == after


def test_create_default_connections_is_refused_to_a_viewer(v2_viewer_client):
    with pytest.raises(ForbiddenException):
        ConnectionApi(v2_viewer_client).create_default_connections()


def _finished_test(api: ConnectionApi, token: str) -> AsyncConnectionTestResponse:
    def finished() -> AsyncConnectionTestResponse | None:
        answer = api.get_connection_test(token)
        return answer if answer.state not in ("pending", "queued", "running") else None

    return wait_for(finished, f"the connection test {token}", timeout=90, interval=1)


def test_a_connection_test_is_enqueued_run_by_a_worker_and_polled_by_its_token(fab_client, tmp_path):
    api = ConnectionApi(fab_client)
    folder = str(tmp_path)  # the worker runs on this machine: the folder exists for it too
    queued = api.enqueue_connection_test({
        "connection_id": "v2_fs_ok", "conn_type": "fs", "extra": f'{{"path": "{folder}"}}', "commit_on_success": True,
    })
    assert isinstance(queued, ConnectionTestQueuedResponse)
    assert (queued.connection_id, queued.state) == ("v2_fs_ok", "pending") and queued.token
    with pytest.raises(ApiException) as caught:  # one active test per connection
        api.enqueue_connection_test({"connection_id": "v2_fs_ok", "conn_type": "fs"})
    assert caught.value.status == 409
    result = _finished_test(api, queued.token)
    assert isinstance(result, AsyncConnectionTestResponse)
    assert (result.state, result.connection_id) == ("success", "v2_fs_ok")
    assert folder in result.result_message
    assert api.get_connection("v2_fs_ok").conn_type == "fs"  # commit_on_success saved it


def test_a_failing_connection_test_reports_the_hook_message(fab_client):
    api = ConnectionApi(fab_client)
    queued = api.enqueue_connection_test({"connection_id": "v2_fs_bad", "conn_type": "fs",
                                          "extra": '{"path": "/no/such/folder"}'})
    result = _finished_test(api, queued.token)
    assert result.state == "failed" and "/no/such/folder" in result.result_message
    with pytest.raises(NotFoundException):
        api.get_connection("v2_fs_bad")
    with pytest.raises(NotFoundException):
        api.get_connection_test("not-a-token")


def test_enqueue_connection_test_is_refused_where_the_server_disables_tests(v2_client):
    with pytest.raises(ForbiddenException) as caught:
        ConnectionApi(v2_client).enqueue_connection_test({"connection_id": "v2_never", "conn_type": "fs"})
    assert "disabled" in str(caught.value)


# --- XCom entries -----------------------------------------------------------------------------------

def test_xcom_entries_are_created_updated_and_deleted(v2_client, airflow3, v2_runs):
    run_id = v2_runs["ti_plain"]
    assert airflow3.wait_for_run("ti_plain", run_id) == "success"
    api = XComApi(v2_client)
    made = api.create_xcom_entry("ti_plain", run_id, "say_hello", {"key": "v2_note", "value": {"rows": [1, 2]}})
    assert isinstance(made, XComResponseNative)
    assert (made.key, made.task_id, made.run_id, made.value) == ("v2_note", "say_hello", run_id, {"rows": [1, 2]})
    with pytest.raises(ApiException) as caught:
        api.create_xcom_entry("ti_plain", run_id, "say_hello", {"key": "v2_note", "value": 1})
    assert caught.value.status == 409
    changed = api.update_xcom_entry("ti_plain", run_id, "say_hello", "v2_note", {"value": "changed"})
    assert isinstance(changed, XComResponseNative) and changed.value == "changed"
    assert api.get_xcom_entry("ti_plain", run_id, "say_hello", "v2_note").value == "changed"
    assert api.delete_xcom_entry("ti_plain", run_id, "say_hello", "v2_note") is None
    with pytest.raises(NotFoundException):
        api.delete_xcom_entry("ti_plain", run_id, "say_hello", "v2_note")
    with pytest.raises(NotFoundException):
        api.update_xcom_entry("ti_plain", run_id, "say_hello", "v2_note", {"value": 1})


def test_xcom_writes_are_refused_to_a_viewer_and_unknown_tasks_are_404(v2_client, v2_viewer_client, airflow3,
                                                                        v2_runs):
    run_id = v2_runs["ti_plain"]
    with pytest.raises(ForbiddenException):
        XComApi(v2_viewer_client).create_xcom_entry("ti_plain", run_id, "say_hello", {"key": "v", "value": 1})
    with pytest.raises(NotFoundException):
        XComApi(v2_client).create_xcom_entry("ti_plain", run_id, "no_such_task", {"key": "v", "value": 1})


# --- config, plugins, warnings, jobs, tags, favourites ---------------------------------------------

def test_get_config_value_reads_one_option(v2_client):
    config = ConfigApi(v2_client).get_config_value("core", "parallelism")
    assert isinstance(config, Config)
    [section] = config.sections
    assert section.name == "core"
    assert [(o.key, o.value) for o in section.options] == [("parallelism", "8")]  # the harness's setting
    with pytest.raises(NotFoundException):
        ConfigApi(v2_client).get_config_value("core", "no_such_option")


def test_plugin_import_errors_and_dag_warnings_are_empty_lists_here(v2_client):
    errors = PluginApi(v2_client).import_errors()
    assert isinstance(errors, PluginImportErrorCollectionResponse)
    assert (errors.import_errors, errors.total_entries) == ([], 0)
    warnings = DagWarningApi(v2_client).list_dag_warnings(dag_id="dag_profile")
    assert isinstance(warnings, DAGWarningCollectionResponse) and warnings.total_entries == 0


def test_get_jobs_lists_the_running_scheduler_triggerer_and_dag_processor(v2_client):
    api = JobApi(v2_client)
    jobs = api.get_jobs(job_state="running", limit=100)
    assert isinstance(jobs, JobCollectionResponse)
    assert {"SchedulerJob", "TriggererJob", "DagProcessorJob"} <= {job.job_type for job in jobs.jobs}
    [scheduler] = api.get_jobs(job_type="SchedulerJob", is_alive=True).jobs
    assert scheduler.hostname == "127.0.0.1" and scheduler.end_date is None
    assert scheduler.latest_heartbeat is not None
    with pytest.raises(ApiException) as caught:
        api.get_jobs(order_by=["no_such_field"])
    assert caught.value.status == 400


def test_get_dag_tags_lists_the_tags_of_the_test_dags(v2_client):
    api = DAGApi(v2_client)
    tags = api.get_dag_tags()
    assert isinstance(tags, DAGTagCollectionResponse)
    assert {"client-test", "airflow3", "datasets", "profile", "toggle"} <= set(tags.tags)
    assert api.get_dag_tags(tag_name_pattern="airflow").tags == ["airflow3"]


def test_favorite_and_unfavorite_a_dag(v2_client, airflow3):
    api = DAGApi(v2_client)
    def favourites() -> list[str]:
        status, listed = airflow3.request("GET", "/dags?is_favorite=true&limit=100")  # the admin's
        assert status == 200, listed
        return [d["dag_id"] for d in listed["dags"]]

    assert "toggle_two" not in favourites()
    assert api.favorite_dag("toggle_two") is None
    assert "toggle_two" in favourites()
    with pytest.raises(ApiException) as caught:
        api.favorite_dag("toggle_two")
    assert caught.value.status == 409
    assert api.unfavorite_dag("toggle_two") is None
    assert "toggle_two" not in favourites()
    with pytest.raises(ApiException) as caught:
        api.unfavorite_dag("toggle_two")
    assert caught.value.status == 409 and "not marked as favorite" in str(caught.value)
    with pytest.raises(NotFoundException):
        api.favorite_dag("no_such_dag")


# --- login and logout ------------------------------------------------------------------------------

def test_login_and_logout_answer_the_redirect_to_the_login_page(airflow3):
    # A client of its own: logging out revokes the token the client holds.
    config = client.Configuration(host=airflow3.base_url, username=airflow3.admin[0], password=airflow3.admin[1])
    with client.ApiClient(config) as api_client:
        api = LoginApi(api_client)
        assert api.login() == "/auth/login"
        assert api.login(next="/dags") == "/auth/login?next=" + quote_segment("/dags")
        assert api.logout() == "/auth/login"
        # The server revoked the token the client sent (it answers 403 "Invalid JWT token" to it from now on);
        # the client's next call must still work.
        assert "client-test" in DAGApi(api_client).get_dag_tags().tags
