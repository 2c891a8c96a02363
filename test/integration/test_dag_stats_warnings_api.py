"""Every DagStatsApi and DagWarningApi operation against a real Airflow 2.11.2: run counts of DAGs with
known runs, and the warning Airflow records for a task assigned to a pool that does not exist."""

from __future__ import annotations

import time
from datetime import datetime, timezone

import pytest

from airflow_client.client.api import dag_stats_api, dag_warning_api
from airflow_client.client.exceptions import ApiTypeError, ForbiddenException
from airflow_client.client.model.dag_stats_collection_item import DagStatsCollectionItem
from airflow_client.client.model.dag_stats_collection_schema import DagStatsCollectionSchema
from airflow_client.client.model.dag_stats_state_collection_item import DagStatsStateCollectionItem
from airflow_client.client.model.dag_warning import DagWarning
from airflow_client.client.model.dag_warning_collection import DagWarningCollection

pytestmark = pytest.mark.integration

UTC = timezone.utc
MISSING_POOL = "client_test_missing_pool"  # test/dags/dag_profile.py
RUN_STATES = ["queued", "running", "success", "failed"]


@pytest.fixture(scope="module")
def stats(admin_client) -> dag_stats_api.DagStatsApi:
    return dag_stats_api.DagStatsApi(admin_client)


@pytest.fixture(scope="module")
def warnings(admin_client) -> dag_warning_api.DagWarningApi:
    return dag_warning_api.DagWarningApi(admin_client)


@pytest.fixture(scope="module")
def pool_warning(airflow) -> None:
    """Wait for dag_profile's warning: the DAG processor records it just after the DAG itself."""
    deadline = time.monotonic() + 60
    while True:
        status, body = airflow.request("GET", "/dagWarnings?dag_id=dag_profile")
        if status == 200 and body["total_entries"]:
            return
        assert time.monotonic() < deadline, f"no warning for dag_profile: {status} {body}"
        time.sleep(0.5)


def counts(item: DagStatsCollectionItem) -> dict[str, int]:
    return {s.state: s.count for s in item.stats}


# -- DAG stats -----------------------------------------------------------------------------------------


def test_run_counts_per_state_of_chosen_dags(stats, dataset_flow):
    answer = stats.get_dag_stats("dataset_producer,dataset_consumer,dag_profile")
    assert isinstance(answer, DagStatsCollectionSchema)
    assert answer.total_entries == 3
    by_dag = {d.dag_id: d for d in answer.dags}
    assert set(by_dag) == {"dataset_producer", "dataset_consumer", "dag_profile"}
    for item in answer.dags:
        assert isinstance(item, DagStatsCollectionItem)
        assert all(isinstance(s, DagStatsStateCollectionItem) for s in item.stats)
        assert [s.state for s in item.stats] == RUN_STATES  # every state, zeros included
    # dataset_producer is triggered once per session, and its dataset update started one consumer run.
    assert counts(by_dag["dataset_producer"]) == {"queued": 0, "running": 0, "success": 1, "failed": 0}
    assert counts(by_dag["dataset_consumer"]) == {"queued": 0, "running": 0, "success": 1, "failed": 0}
    assert counts(by_dag["dag_profile"]) == dict.fromkeys(RUN_STATES, 0)  # never run


def test_counts_agree_with_the_runs_listed(stats, airflow):
    airflow.trigger_run("run_parked")  # at least one run; the DAG is paused, so it stays queued
    status, body = airflow.request("GET", "/dags/run_parked/dagRuns?limit=100")
    assert status == 200
    expected = dict.fromkeys(RUN_STATES, 0)
    for run in body["dag_runs"]:
        expected[run["state"]] += 1
    (item,) = stats.get_dag_stats("run_parked").dags
    assert counts(item) == expected
    assert sum(expected.values()) == body["total_entries"] >= 1


def test_unknown_dags_are_left_out_rather_than_not_found(stats):
    # DagStatsApi has no single-object call: unknown ids are dropped from the answer without a 404.
    answer = stats.get_dag_stats("dag_profile,no_such_dag")
    assert [d.dag_id for d in answer.dags] == ["dag_profile"] and answer.total_entries == 1
    nothing = stats.get_dag_stats("no_such_dag")
    assert nothing.dags == [] and nothing.total_entries == 0


def test_dag_ids_is_one_comma_separated_string(stats):
    with pytest.raises(ApiTypeError):
        stats.get_dag_stats(["dag_profile", "run_parked"])


def test_viewer_reads_stats_and_anonymous_is_refused(viewer_client, anonymous_client):
    # The Viewer role may read DAG runs, and DagStatsApi has no writes.
    (item,) = dag_stats_api.DagStatsApi(viewer_client).get_dag_stats("dag_profile").dags
    assert item.dag_id == "dag_profile"
    # The spec documents 401 for missing credentials; Airflow 2.11.2 answers 403.
    with pytest.raises(ForbiddenException) as caught:
        dag_stats_api.DagStatsApi(anonymous_client).get_dag_stats("dag_profile")
    assert caught.value.status == 403


# -- DAG warnings ----------------------------------------------------------------------------------------


def test_a_task_in_a_missing_pool_gives_its_dag_a_warning(warnings, pool_warning):
    page = warnings.get_dag_warnings()
    assert isinstance(page, DagWarningCollection)
    assert page.total_entries == len(page.dag_warnings) >= 1
    assert all(isinstance(w, DagWarning) for w in page.dag_warnings)
    (warning,) = [w for w in page.dag_warnings if w.dag_id == "dag_profile"]
    assert warning.warning_type == "non-existent pool"
    assert MISSING_POOL in warning.message and "dag_profile" in warning.message
    assert datetime.fromisoformat(warning.timestamp) <= datetime.now(UTC)  # typed str: the server's ISO text


def test_warnings_filtered_by_dag_and_type_in_pages(warnings, pool_warning):
    of_dag = warnings.get_dag_warnings(dag_id="dag_profile", warning_type="non-existent pool")
    assert [(w.dag_id, w.warning_type) for w in of_dag.dag_warnings] == [("dag_profile", "non-existent pool")]
    assert of_dag.total_entries == 1
    of_type = warnings.get_dag_warnings(warning_type="non-existent pool", order_by="-timestamp", limit=100)
    stamps = [datetime.fromisoformat(w.timestamp) for w in of_type.dag_warnings]
    assert stamps == sorted(stamps, reverse=True)
    assert "dag_profile" in {w.dag_id for w in of_type.dag_warnings}
    first = warnings.get_dag_warnings(limit=1, offset=0, order_by="dag_id")
    assert len(first.dag_warnings) == 1 and first.total_entries == warnings.get_dag_warnings().total_entries


def test_a_dag_without_warnings_has_an_empty_list(warnings, pool_warning):
    # DagWarningApi has no single-object call: an unknown or clean DAG is an empty page, not a 404.
    for dag_id in ("dataset_producer", "no_such_dag"):
        page = warnings.get_dag_warnings(dag_id=dag_id)
        assert page.dag_warnings == [] and page.total_entries == 0


def test_viewer_reads_warnings_and_anonymous_is_refused(viewer_client, anonymous_client, pool_warning):
    viewer = dag_warning_api.DagWarningApi(viewer_client)
    assert [w.dag_id for w in viewer.get_dag_warnings(dag_id="dag_profile").dag_warnings] == ["dag_profile"]
    # DagWarningApi has no writes; without credentials Airflow answers 403, where the spec says 401.
    with pytest.raises(ForbiddenException):
        dag_warning_api.DagWarningApi(anonymous_client).get_dag_warnings()
