"""The 2.x DagStatsApi and DagWarningApi against a real Airflow 3.3.2: run counts of DAGs with known
runs, given as 2.x's one comma-separated string, and the warning list with its filters."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

import airflow_client.client as client
from airflow_client.client.api import dag_stats_api, dag_warning_api
from airflow_client.client.exceptions import ApiTypeError, UnauthorizedException
from airflow_client.client.model.dag_stats_collection_item import DagStatsCollectionItem
from airflow_client.client.model.dag_stats_collection_schema import DagStatsCollectionSchema
from airflow_client.client.model.dag_stats_state_collection_item import DagStatsStateCollectionItem
from airflow_client.client.model.dag_warning_collection import DagWarningCollection

pytestmark = pytest.mark.integration

RUN_STATES = ["queued", "running", "success", "failed"]


def make_client(host: str, user: tuple[str, str]) -> Iterator[client.ApiClient]:
    with client.ApiClient(client.Configuration(host=host, username=user[0], password=user[1])) as api_client:
        yield api_client


@pytest.fixture(scope="module")
def admin_client(airflow3: Any) -> Iterator[client.ApiClient]:
    yield from make_client(airflow3.base_url, airflow3.admin)


@pytest.fixture(scope="module")
def viewer_client(airflow3: Any) -> Iterator[client.ApiClient]:
    yield from make_client(airflow3.host, airflow3.viewer)


@pytest.fixture(scope="module")
def stats(admin_client) -> dag_stats_api.DagStatsApi:
    return dag_stats_api.DagStatsApi(admin_client)


@pytest.fixture(scope="module")
def warnings(admin_client) -> dag_warning_api.DagWarningApi:
    return dag_warning_api.DagWarningApi(admin_client)


def counts(item: DagStatsCollectionItem) -> dict[str, int]:
    return {s.state: s.count for s in item.stats}


def runs_by_state(airflow3: Any, dag_id: str) -> dict[str, int]:
    status, body = airflow3.request("GET", f"/dags/{dag_id}/dagRuns?limit=100")
    assert status == 200, body
    found = dict.fromkeys(RUN_STATES, 0)
    for run in body["dag_runs"]:
        found[run["state"]] += 1
    assert sum(found.values()) == body["total_entries"]
    return found


# -- DAG stats -----------------------------------------------------------------------------------------


def test_run_counts_per_state_of_chosen_dags(stats, airflow3, plain_run3):
    airflow3.set_paused("run_parked", True)
    airflow3.trigger_run("run_parked")  # at least one run; the DAG is paused, so it stays queued
    answer = stats.get_dag_stats("ti_plain,run_parked,dag_profile")
    assert isinstance(answer, DagStatsCollectionSchema)
    by_dag = {d.dag_id: d for d in answer.dags}
    # Airflow 3 leaves out a DAG that never ran (dag_profile), where 2.11 listed it with zero counts.
    assert set(by_dag) == {"ti_plain", "run_parked"} and answer.total_entries == 2
    for item in answer.dags:
        assert isinstance(item, DagStatsCollectionItem)
        assert all(isinstance(s, DagStatsStateCollectionItem) for s in item.stats)
        assert [s.state for s in item.stats] == RUN_STATES  # every state, zeros included
    assert counts(by_dag["ti_plain"])["success"] >= 1
    assert counts(by_dag["ti_plain"]) == runs_by_state(airflow3, "ti_plain")
    assert counts(by_dag["run_parked"]) == runs_by_state(airflow3, "run_parked")
    assert counts(by_dag["run_parked"])["queued"] >= 1


def test_unknown_dags_are_left_out_rather_than_not_found(stats, plain_run3):
    answer = stats.get_dag_stats("ti_plain, no_such_dag")
    assert [d.dag_id for d in answer.dags] == ["ti_plain"] and answer.total_entries == 1
    nothing = stats.get_dag_stats("no_such_dag")
    assert nothing.dags == [] and nothing.total_entries == 0


def test_dag_ids_is_one_comma_separated_string(stats):
    with pytest.raises(ApiTypeError):
        stats.get_dag_stats(["dag_profile", "run_parked"])


def test_viewer_reads_stats_and_wrong_credentials_are_refused(viewer_client, airflow3, plain_run3):
    (item,) = dag_stats_api.DagStatsApi(viewer_client).get_dag_stats("ti_plain").dags
    assert item.dag_id == "ti_plain"
    wrong = client.Configuration(host=airflow3.base_url, username=airflow3.admin[0], password="not-the-password")
    with client.ApiClient(wrong) as api_client, pytest.raises(UnauthorizedException):
        dag_stats_api.DagStatsApi(api_client).get_dag_stats("dag_profile")


# -- DAG warnings ----------------------------------------------------------------------------------------


def test_warnings_are_listed_with_2x_types_and_filters(warnings):
    # Airflow 3.3.2's DAG processor records no warning for these DAGs (it does not check pools), so each
    # filter, page and order the 2.x call takes is answered with the same empty page.
    every = warnings.get_dag_warnings()
    assert isinstance(every, DagWarningCollection)
    assert every.dag_warnings == [] and every.total_entries == 0
    for page in (
        warnings.get_dag_warnings(dag_id="dag_profile", warning_type="non-existent pool"),
        warnings.get_dag_warnings(warning_type="non-existent pool", order_by="-timestamp", limit=100),
        warnings.get_dag_warnings(limit=1, offset=0, order_by="dag_id"),
        warnings.get_dag_warnings(dag_id="no_such_dag"),
    ):
        assert isinstance(page, DagWarningCollection) and (page.dag_warnings, page.total_entries) == ([], 0)


def test_viewer_reads_warnings(viewer_client):
    page = dag_warning_api.DagWarningApi(viewer_client).get_dag_warnings(dag_id="dag_profile")
    assert isinstance(page, DagWarningCollection) and page.total_entries == 0
