"""The 2.x DatasetApi, call for call, against a real Airflow 3.3.2, where datasets are assets addressed by id:
datasets named by URI, the event of a real task and the run it started, events created through the API,
and the queued events of a DAG that waits for two assets."""

from __future__ import annotations

import time
from collections.abc import Iterator
from datetime import datetime, timedelta, timezone
from typing import Any

import pytest

import airflow_client.client as client
from airflow_client.client.api import dag_run_api, dataset_api
from airflow_client.client.exceptions import ForbiddenException, NotFoundException
from airflow_client.client.model.basic_dag_run import BasicDAGRun
from airflow_client.client.model.create_dataset_event import CreateDatasetEvent
from airflow_client.client.model.dag_schedule_dataset_reference import DagScheduleDatasetReference
from airflow_client.client.model.dataset import Dataset
from airflow_client.client.model.dataset_collection import DatasetCollection
from airflow_client.client.model.dataset_event import DatasetEvent
from airflow_client.client.model.dataset_event_collection import DatasetEventCollection
from airflow_client.client.model.queued_event import QueuedEvent
from airflow_client.client.model.queued_event_collection import QueuedEventCollection
from airflow_client.client.model.task_outlet_dataset_reference import TaskOutletDatasetReference

pytestmark = pytest.mark.integration

UTC = timezone.utc
ORDERS = "s3://client-test/orders"  # updated by dataset_producer.produce, schedules dataset_consumer
LEFT = "s3://client-test/left"  # with RIGHT, schedules dataset_pair; no task updates either
RIGHT = "s3://client-test/right"  # never updated, so dataset_pair never runs
PAIR = "dataset_pair"


def make_api(host: str, user: tuple[str, str]) -> Iterator[dataset_api.DatasetApi]:
    config = client.Configuration(host=host, username=user[0], password=user[1])
    with client.ApiClient(config) as api_client:
        yield dataset_api.DatasetApi(api_client)


@pytest.fixture(scope="module")
def api(airflow3: Any) -> Iterator[dataset_api.DatasetApi]:
    yield from make_api(airflow3.base_url, airflow3.admin)


@pytest.fixture(scope="module")
def viewer_api(airflow3: Any) -> Iterator[dataset_api.DatasetApi]:
    yield from make_api(airflow3.host, airflow3.viewer)


@pytest.fixture(scope="module")
def flow_started(airflow3: Any) -> str:
    """The module's one dataset_producer run, triggered early; `flow` waits for it."""
    airflow3.set_paused("dataset_consumer", False)
    return str(airflow3.trigger_run("dataset_producer"))


@pytest.fixture(scope="module")
def flow(airflow3: Any, flow_started: str) -> dict[str, str]:
    """{"producer": run_id, "consumer": run_id}: the finished producer run and the consumer run its
    asset update started (run_type asset_triggered), also finished."""
    assert airflow3.wait_for_run("dataset_producer", flow_started) == "success"
    deadline = time.monotonic() + 120
    while True:
        status, body = airflow3.request("GET", "/dags/dataset_consumer/dagRuns?run_type=asset_triggered")
        runs = body.get("dag_runs", []) if status == 200 else []
        if runs:
            break
        assert time.monotonic() < deadline, f"no asset_triggered run of dataset_consumer: {status} {body}"
        time.sleep(0.5)
    consumer = runs[0]["dag_run_id"]
    assert airflow3.wait_for_run("dataset_consumer", consumer) == "success"
    return {"producer": flow_started, "consumer": consumer}


@pytest.fixture(scope="module")
def pair_waiting(airflow3: Any) -> str:
    """dataset_pair, unpaused: Airflow 3 queues asset updates only for DAGs that are not paused."""
    airflow3.set_paused(PAIR, False)
    return PAIR


def queue_left(api: dataset_api.DatasetApi) -> DatasetEvent:
    """An update of LEFT through the API, which leaves one queued event for dataset_pair."""
    return api.create_dataset_event(CreateDatasetEvent(LEFT))


def as_utc(text: str) -> datetime:
    return datetime.fromisoformat(text.replace("Z", "+00:00")).astimezone(UTC)


# -- datasets ----------------------------------------------------------------------------------------------


def test_list_datasets_by_part_of_the_uri_by_dag_and_in_pages(api, flow_started):
    ours = api.get_datasets(uri_pattern="CLIENT-TEST/")  # any part of the URI, regardless of case
    assert isinstance(ours, DatasetCollection)
    assert sorted(d.uri for d in ours.datasets) == [LEFT, ORDERS, RIGHT]
    assert all(isinstance(d, Dataset) and isinstance(d.id, int) for d in ours.datasets)
    assert ours.total_entries == 3  # Airflow 3 counts what the filters keep (2.x: every dataset)
    assert [d.uri for d in api.get_datasets(dag_ids="dataset_consumer").datasets] == [ORDERS]
    assert [d.uri for d in api.get_datasets(dag_ids="dataset_producer,dataset_consumer").datasets] == [ORDERS]
    assert sorted(d.uri for d in api.get_datasets(dag_ids=PAIR).datasets) == [LEFT, RIGHT]
    by_uri = api.get_datasets(uri_pattern="client-test/", order_by="-uri")
    assert [d.uri for d in by_uri.datasets] == [RIGHT, ORDERS, LEFT]
    page = api.get_datasets(uri_pattern="client-test/", order_by="-uri", limit=1, offset=1)
    assert [d.uri for d in page.datasets] == [ORDERS]


def test_one_dataset_by_uri_with_the_dag_it_schedules_and_the_task_that_updates_it(api):
    dataset = api.get_dataset(ORDERS)  # looked up among the assets, then read by its id
    assert isinstance(dataset, Dataset)
    assert dataset.uri == ORDERS and isinstance(dataset.id, int) and dataset.extra == {}
    (consumer,) = dataset.consuming_dags  # Airflow 3's scheduled_dags
    assert isinstance(consumer, DagScheduleDatasetReference) and consumer.dag_id == "dataset_consumer"
    (producer,) = dataset.producing_tasks
    assert isinstance(producer, TaskOutletDatasetReference)
    assert (producer.dag_id, producer.task_id) == ("dataset_producer", "produce")
    assert as_utc(dataset.created_at) <= as_utc(dataset.updated_at)
    assert dataset["name"] == ORDERS  # Airflow 3's own fields stay readable
    assert api.get_datasets(uri_pattern=ORDERS).datasets[0].id == dataset.id


# -- dataset events ----------------------------------------------------------------------------------------


def test_the_event_of_a_real_task_and_the_run_it_started(api, flow):
    events = api.get_dataset_events(source_dag_id="dataset_producer")
    assert isinstance(events, DatasetEventCollection) and events.total_entries == 1
    (event,) = events.dataset_events
    assert isinstance(event, DatasetEvent)
    assert (event.dataset_uri, event.dataset_id) == (ORDERS, api.get_dataset(ORDERS).id)
    assert (event.source_dag_id, event.source_task_id, event.source_run_id, event.source_map_index) == (
        "dataset_producer", "produce", flow["producer"], -1,
    )
    assert event.extra == {} and as_utc(event.timestamp) <= datetime.now(UTC)
    (run,) = event.created_dagruns
    assert isinstance(run, BasicDAGRun)
    assert (run.dag_id, run.run_id, run.state) == ("dataset_consumer", flow["consumer"], "success")


def test_event_filters_are_applied_by_the_server(api, flow):
    producer_run = flow["producer"]
    dataset_id = api.get_dataset(ORDERS).id
    by_run = api.get_dataset_events(source_run_id=producer_run, source_task_id="produce", source_map_index=-1)
    assert [e.source_run_id for e in by_run.dataset_events] == [producer_run]
    of_orders = api.get_dataset_events(dataset_id=dataset_id)
    assert {e.dataset_uri for e in of_orders.dataset_events} == {ORDERS}
    assert api.get_dataset_events(source_task_id="no_such_task").total_entries == 0


def test_the_upstream_events_of_the_run_an_event_started(api, flow):
    runs = dag_run_api.DAGRunApi(api.api_client)
    upstream = runs.get_upstream_dataset_events("dataset_consumer", flow["consumer"])
    assert isinstance(upstream, DatasetEventCollection)
    assert [(e.dataset_uri, e.source_run_id) for e in upstream.dataset_events] == [(ORDERS, flow["producer"])]


def test_create_event_by_uri_records_extra_and_lists_it_last(api, pair_waiting):
    before = datetime.now(UTC) - timedelta(seconds=5)
    event = api.create_dataset_event(CreateDatasetEvent(LEFT, extra={"rows": 1200, "note": "über"}))
    assert isinstance(event, DatasetEvent)
    assert (event.dataset_uri, event.dataset_id) == (LEFT, api.get_dataset(LEFT).id)
    assert event.extra == {"rows": 1200, "note": "über", "from_rest_api": True}
    assert (event.source_dag_id, event.source_task_id, event.source_run_id) == (None, None, None)
    assert event.created_dagruns == []  # dataset_pair still waits for RIGHT
    assert as_utc(event.timestamp) >= before
    newest = api.get_dataset_events(dataset_id=event.dataset_id, order_by="-timestamp", limit=1)
    assert newest.dataset_events[0].extra == event.extra
    assert newest.dataset_events[0].timestamp == event.timestamp


# -- queued events ----------------------------------------------------------------------------------------


def test_a_queued_event_is_read_for_a_dag_and_for_a_dataset(api, pair_waiting):
    queue_left(api)
    one = api.get_dag_dataset_queued_event(pair_waiting, LEFT)
    assert isinstance(one, QueuedEvent)
    assert (one.dag_id, one.uri) == (pair_waiting, LEFT)
    assert one.created_at.tzinfo is not None and one.created_at <= datetime.now(UTC)
    of_dag = api.get_dag_dataset_queued_events(pair_waiting)
    assert isinstance(of_dag, QueuedEventCollection) and of_dag.total_entries == 1
    (entry,) = of_dag.datasets
    assert isinstance(entry, QueuedEvent) and (entry.dag_id, entry.uri) == (pair_waiting, LEFT)
    assert entry.created_at == one.created_at
    of_dataset = api.get_dataset_queued_events(LEFT)
    assert [(e.dag_id, e.uri) for e in of_dataset.datasets] == [(pair_waiting, LEFT)]


def test_before_keeps_only_events_queued_earlier(api, pair_waiting):
    queue_left(api)
    queued_at = api.get_dag_dataset_queued_event(pair_waiting, LEFT).created_at
    later = queued_at + timedelta(seconds=1)
    assert api.get_dag_dataset_queued_event(pair_waiting, LEFT, before=later).created_at == queued_at
    assert api.get_dag_dataset_queued_events(pair_waiting, before=later).total_entries == 1
    earlier = queued_at - timedelta(seconds=1)
    with pytest.raises(NotFoundException):
        api.get_dag_dataset_queued_event(pair_waiting, LEFT, before=earlier)


def test_delete_the_queued_event_of_one_dataset_for_a_dag(api, pair_waiting):
    queue_left(api)
    assert api.delete_dag_dataset_queued_event(pair_waiting, LEFT) is None
    with pytest.raises(NotFoundException):
        api.get_dag_dataset_queued_event(pair_waiting, LEFT)
    with pytest.raises(NotFoundException):
        api.delete_dag_dataset_queued_event(pair_waiting, LEFT)


def test_delete_every_queued_event_of_a_dag(api, pair_waiting):
    queue_left(api)
    _data, status, _headers = api.delete_dag_dataset_queued_events(pair_waiting, _return_http_data_only=False)
    assert status == 204
    with pytest.raises(NotFoundException):
        api.delete_dag_dataset_queued_events(pair_waiting)


def test_delete_the_queued_events_of_a_dataset(api, pair_waiting):
    queue_left(api)
    assert api.delete_dataset_queued_events(LEFT, before=datetime.now(UTC) + timedelta(minutes=1)) is None
    with pytest.raises(NotFoundException):
        api.get_dag_dataset_queued_event(pair_waiting, LEFT)
    with pytest.raises(NotFoundException):
        api.delete_dataset_queued_events(LEFT)


# -- refusals ----------------------------------------------------------------------------------------------


def test_an_unknown_uri_is_not_found_naming_the_uri(api):
    missing = "s3://client-test/no-such-dataset"
    for call in (lambda: api.get_dataset(missing), lambda: api.create_dataset_event({"dataset_uri": missing}),
                 lambda: api.get_dataset_queued_events(missing)):
        with pytest.raises(NotFoundException) as caught:
            call()
        assert caught.value.status == 404 and missing in caught.value.detail



def test_nothing_queued_is_an_empty_list_on_airflow_3(api, pair_waiting):
    # 2.x answered 404 here; Airflow 3 answers the empty list, which the client passes on.
    nothing = api.get_dataset_queued_events(RIGHT)
    assert isinstance(nothing, QueuedEventCollection) and (nothing.datasets, nothing.total_entries) == ([], 0)
    queue_left(api)
    api.delete_dag_dataset_queued_events(pair_waiting)
    assert api.get_dag_dataset_queued_events(pair_waiting).datasets == []


def test_viewer_may_read_datasets_but_not_record_or_drop_events(viewer_api):
    assert viewer_api.get_dataset(ORDERS).uri == ORDERS
    with pytest.raises(ForbiddenException) as caught:
        viewer_api.create_dataset_event(CreateDatasetEvent(LEFT))
    assert caught.value.status == 403 and caught.value.method == "POST"
    with pytest.raises(ForbiddenException) as caught:
        viewer_api.delete_dataset_queued_events(LEFT)
    assert caught.value.method == "DELETE"
