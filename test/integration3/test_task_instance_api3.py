"""The 2.x TaskInstanceApi, call for call, against a real Airflow 3.3.2: same methods, same arguments,
same model types as on Airflow 2, with runs finished by the server's own scheduler."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

import airflow_client.client as client
from airflow_client.client.api import task_instance_api
from airflow_client.client.exceptions import ForbiddenException, NotFoundException, UnauthorizedException
from airflow_client.client.logs import read_log
from airflow_client.client.model.extra_link_collection import ExtraLinkCollection
from airflow_client.client.model.inline_response2001 import InlineResponse2001
from airflow_client.client.model.list_task_instance_form import ListTaskInstanceForm
from airflow_client.client.model.set_task_instance_note import SetTaskInstanceNote
from airflow_client.client.model.task_instance import TaskInstance
from airflow_client.client.model.task_instance_collection import TaskInstanceCollection
from airflow_client.client.model.task_instance_dependency_collection import TaskInstanceDependencyCollection
from airflow_client.client.model.task_instance_history import TaskInstanceHistory
from airflow_client.client.model.task_instance_history_collection import TaskInstanceHistoryCollection
from airflow_client.client.model.task_instance_reference import TaskInstanceReference
from airflow_client.client.model.update_task_instance import UpdateTaskInstance

pytestmark = pytest.mark.integration


def make_api(host: str, user: tuple[str, str]) -> Iterator[task_instance_api.TaskInstanceApi]:
    config = client.Configuration(host=host, username=user[0], password=user[1])
    with client.ApiClient(config) as api_client:
        yield task_instance_api.TaskInstanceApi(api_client)


@pytest.fixture(scope="module")
def api(airflow3: Any) -> Iterator[task_instance_api.TaskInstanceApi]:
    """The server root as host: the client asks which Airflow it is."""
    yield from make_api(airflow3.base_url, airflow3.admin)


@pytest.fixture(scope="module")
def viewer_api(airflow3: Any) -> Iterator[task_instance_api.TaskInstanceApi]:
    """The REST API root (`.../api/v2`) as host."""
    yield from make_api(airflow3.host, airflow3.viewer)


@pytest.fixture(scope="module")
def own_run(airflow3: Any) -> str:
    """A finished ti_plain run that the tests of this module may change (notes, states)."""
    run_id = airflow3.trigger_run("ti_plain")
    assert airflow3.wait_for_run("ti_plain", run_id) == "success"
    return str(run_id)


def test_the_root_host_is_found_to_run_airflow_3(api):
    server = api.api_client.server
    assert (server.generation, server.version) == (3, "3.3.2")


def test_get_task_instances_lists_a_run_with_2x_types_and_names(api, finished_runs3):
    run_id = finished_runs3["ti_plain"]
    page = api.get_task_instances("ti_plain", run_id)
    assert isinstance(page, TaskInstanceCollection) and page.total_entries == 2
    ti = {t.task_id: t for t in page.task_instances}["say_hello"]
    assert isinstance(ti, TaskInstance) and ti.state == "success" and ti.dag_run_id == run_id
    assert ti.execution_date == ti["logical_date"]  # Airflow 3's name, readable as 2.x's
    assert isinstance(ti.start_date, str) and ti.start_date[:4] >= "2024"  # a str, as the 2.x client types it


def test_get_task_instances_filters_by_state_and_execution_date_across_runs(api, airflow3, finished_runs3):
    page = api.get_task_instances("~", "~", state=["success"], limit=100)
    assert {"ti_plain", "ti_mapped", "ti_retry"} <= {ti.dag_id for ti in page.task_instances}
    assert all(ti.state == "success" for ti in page.task_instances)
    # Runs triggered without a logical date have none on Airflow 3: a date filter needs a dated run.
    dated = airflow3.trigger_run("ti_plain", logical_date="2031-05-06T00:00:00+00:00")
    found = api.get_task_instances("ti_plain", "~", execution_date_gte="2031-05-06T00:00:00+00:00",
                                   execution_date_lte="2031-05-06T00:00:00+00:00")
    assert {ti.dag_run_id for ti in found.task_instances} == {dated}
    assert found.task_instances[0].execution_date.startswith("2031-05-06")


def test_get_task_instance_and_404_for_an_unknown_task(api, finished_runs3):
    run_id = finished_runs3["ti_plain"]
    ti = api.get_task_instance("ti_plain", run_id, "after_hello")
    assert isinstance(ti, TaskInstance) and ti.task_id == "after_hello" and ti.try_number == 1
    with pytest.raises(NotFoundException):
        api.get_task_instance("ti_plain", run_id, "no_such_task")


def test_mapped_task_instances_are_listed_and_read_by_map_index(api, finished_runs3):
    run_id = finished_runs3["ti_mapped"]
    page = api.get_mapped_task_instances("ti_mapped", run_id, "square")
    assert sorted(ti.map_index for ti in page.task_instances) == [0, 1, 2]
    one = api.get_mapped_task_instance("ti_mapped", run_id, "square", 1)
    assert isinstance(one, TaskInstance) and one.map_index == 1 and one.state == "success"


def test_tries_of_a_retried_task_are_listed_paged_and_read_one_by_one(api, finished_runs3):
    run_id = finished_runs3["ti_retry"]
    tries = api.get_task_instance_tries("ti_retry", run_id, "flaky")
    assert isinstance(tries, TaskInstanceHistoryCollection)
    assert sorted(t.try_number for t in tries.task_instances) == [1, 2]
    newest = api.get_task_instance_tries("ti_retry", run_id, "flaky", order_by="-try_number", limit=1)
    assert [t.try_number for t in newest.task_instances] == [2] and newest.total_entries == 2
    first = api.get_task_instance_try_details("ti_retry", run_id, "flaky", 1)
    assert isinstance(first, TaskInstanceHistory) and first.try_number == 1 and first.state == "failed"


def test_tries_of_a_mapped_task_instance(api, finished_runs3):
    run_id = finished_runs3["ti_mapped"]
    tries = api.get_mapped_task_instance_tries("ti_mapped", run_id, "square", 2)
    assert [t.map_index for t in tries.task_instances] == [2]
    detail = api.get_mapped_task_instance_try_details("ti_mapped", run_id, "square", 2, 1)
    assert detail.map_index == 2 and detail.try_number == 1


def test_dependencies_say_why_a_queued_task_does_not_run(api, blocked_run3):
    deps = api.get_task_instance_dependencies("ti_blocked", blocked_run3, "second")
    assert isinstance(deps, TaskInstanceDependencyCollection)
    assert deps.dependencies, "a task whose upstream has not run must have unmet dependencies"
    assert all(isinstance(d.reason, str) and d.reason for d in deps.dependencies)
    mapped = api.get_mapped_task_instance_dependencies("ti_blocked", blocked_run3, "fan", 1)
    assert isinstance(mapped, TaskInstanceDependencyCollection) and mapped.dependencies


def test_extra_links_come_back_as_on_airflow_2(api, finished_runs3):
    links = api.get_extra_links("ti_plain", finished_runs3["ti_plain"], "say_hello")
    assert isinstance(links, ExtraLinkCollection) and links.to_dict() == {}


def test_get_log_gives_2x_text_and_read_log_the_whole_log(api, finished_runs3):
    run_id = finished_runs3["ti_plain"]
    log = api.get_log("ti_plain", run_id, "say_hello", 1)
    assert isinstance(log, InlineResponse2001) and isinstance(log.content, str)
    assert "hello from ti_plain" in log.content
    full = api.get_log("ti_plain", run_id, "say_hello", 1, full_content=True, map_index=-1)
    assert "hello from ti_plain" in full.content
    assert "hello from ti_plain" in read_log(api, "ti_plain", run_id, "say_hello", 1)


def test_patch_task_instance_dry_run_then_for_real(api, own_run):
    report = api.patch_task_instance("ti_plain", own_run, "after_hello",
                                     UpdateTaskInstance(dry_run=True, new_state="failed"))
    assert isinstance(report, TaskInstanceReference) and report.task_id == "after_hello"
    assert api.get_task_instance("ti_plain", own_run, "after_hello").state == "success"
    done = api.patch_task_instance("ti_plain", own_run, "after_hello",
                                   UpdateTaskInstance(dry_run=False, new_state="failed"))
    assert isinstance(done, TaskInstanceReference) and done.dag_run_id == own_run
    assert api.get_task_instance("ti_plain", own_run, "after_hello").state == "failed"


def test_patch_mapped_task_instance_dry_run(api, finished_runs3):
    run_id = finished_runs3["ti_mapped"]
    report = api.patch_mapped_task_instance("ti_mapped", run_id, "square", 0,
                                            update_task_instance=UpdateTaskInstance(new_state="failed"))
    assert isinstance(report, TaskInstanceReference) and report.task_id == "square"
    assert api.get_mapped_task_instance("ti_mapped", run_id, "square", 0).state == "success"


def test_notes_are_written_and_read_back(api, own_run, finished_runs3):
    ti = api.set_task_instance_note("ti_plain", own_run, "say_hello", SetTaskInstanceNote(note="checked ✓"))
    assert isinstance(ti, TaskInstance) and ti.note == "checked ✓"
    assert api.get_task_instance("ti_plain", own_run, "say_hello").note == "checked ✓"
    mapped = api.set_mapped_task_instance_note("ti_mapped", finished_runs3["ti_mapped"], "square", 1,
                                               {"note": "one of three"})
    assert mapped.map_index == 1 and mapped.note == "one of three"


def test_get_task_instances_batch_filters_across_dags(api, finished_runs3):
    page = api.get_task_instances_batch(ListTaskInstanceForm(dag_ids=["ti_mapped"], state=["success"]))
    assert isinstance(page, TaskInstanceCollection)
    assert {ti.dag_id for ti in page.task_instances} == {"ti_mapped"} and page.total_entries >= 3


def test_a_viewer_reads_but_may_not_write(viewer_api, finished_runs3):
    run_id = finished_runs3["ti_plain"]
    assert viewer_api.get_task_instance("ti_plain", run_id, "say_hello").state == "success"
    with pytest.raises(ForbiddenException):
        viewer_api.set_task_instance_note("ti_plain", run_id, "say_hello", {"note": "not allowed"})


def test_wrong_credentials_and_the_removed_v1_api_are_explained(airflow3):
    with client.ApiClient(client.Configuration(host=airflow3.base_url, username="admin",
                                               password="not-the-password")) as api_client:
        with pytest.raises(UnauthorizedException) as caught:
            task_instance_api.TaskInstanceApi(api_client).get_task_instances("~", "~", limit=1)
    assert caught.value.detail == "Invalid credentials" and "not-the-password" not in str(caught.value)
    v1 = client.Configuration(host=airflow3.base_url + "/api/v1", username=airflow3.admin[0],
                              password=airflow3.admin[1])
    with client.ApiClient(v1) as api_client, pytest.raises(NotFoundException) as caught:
        task_instance_api.TaskInstanceApi(api_client).get_task_instances("~", "~", limit=1)
    assert "runs Airflow 3, which removed /api/v1" in str(caught.value)
