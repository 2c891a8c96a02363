"""Every DatasetApi operation against a real Airflow 2.11.2: datasets updated by a real task, their
events, events created through the API, and the queued events of a DAG that waits for two datasets."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

import pytest

from airflow_client.client.api import dataset_api
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

API = dataset_api.DatasetApi  # the class of the shared `api` and `viewer_api` fixtures

UTC = timezone.utc
ORDERS = "s3://client-test/orders"  # updated by dataset_producer.produce, schedules dataset_consumer
LEFT = "s3://client-test/left"  # with RIGHT, schedules dataset_pair; no task updates either
RIGHT = "s3://client-test/right"  # never updated, so dataset_pair never runs


@pytest.fixture(scope="module")
def pair_waiting(airflow) -> str:
    """dataset_pair, unpaused: Airflow queues dataset updates only for DAGs that are not paused."""
    status, body = airflow.request("PATCH", "/dags/dataset_pair?update_mask=is_paused", {"is_paused": False})
    assert status == 200, body
    return "dataset_pair"


def queue_left(api: dataset_api.DatasetApi) -> DatasetEvent:
    """An update of LEFT through the API, which leaves one queued event for dataset_pair."""
    return api.create_dataset_event(CreateDatasetEvent(LEFT))


def as_utc(text: str) -> datetime:
    return datetime.fromisoformat(text).astimezone(UTC)


# -- datasets ----------------------------------------------------------------------------------------------


def test_list_datasets_by_part_of_the_uri_by_dag_and_in_pages(api):
    ours = api.get_datasets(uri_pattern="CLIENT-TEST/")  # any part of the URI, regardless of case
    assert isinstance(ours, DatasetCollection)
    assert sorted(d.uri for d in ours.datasets) == [LEFT, ORDERS, RIGHT]
    assert all(isinstance(d, Dataset) for d in ours.datasets)
    # total_entries counts every dataset, whatever the filters.
    assert ours.total_entries == api.get_datasets().total_entries >= 3
    assert [d.uri for d in api.get_datasets(dag_ids="dataset_consumer").datasets] == [ORDERS]
    assert [d.uri for d in api.get_datasets(dag_ids="dataset_producer,dataset_consumer").datasets] == [ORDERS]
    assert sorted(d.uri for d in api.get_datasets(dag_ids="dataset_pair").datasets) == [LEFT, RIGHT]
    by_uri = api.get_datasets(uri_pattern="client-test/", order_by="-uri")
    assert [d.uri for d in by_uri.datasets] == [RIGHT, ORDERS, LEFT]
    page = api.get_datasets(uri_pattern="client-test/", order_by="-uri", limit=1, offset=1)
    assert [d.uri for d in page.datasets] == [ORDERS]


def test_one_dataset_with_the_dag_it_schedules_and_the_task_that_updates_it(api):
    dataset = api.get_dataset(ORDERS)  # the client percent-encodes the URI in the path
    assert isinstance(dataset, Dataset)
    assert dataset.uri == ORDERS and isinstance(dataset.id, int)
    assert dataset.extra == {}
    (consumer,) = dataset.consuming_dags
    assert isinstance(consumer, DagScheduleDatasetReference)
    assert consumer.dag_id == "dataset_consumer"
    (producer,) = dataset.producing_tasks
    assert isinstance(producer, TaskOutletDatasetReference)
    assert (producer.dag_id, producer.task_id) == ("dataset_producer", "produce")
    # The spec declares these timestamps as plain strings.
    assert as_utc(dataset.created_at) <= as_utc(dataset.updated_at)
    assert as_utc(consumer.created_at) <= datetime.now(UTC)
    # Airflow 2.11.2 adds `aliases`, a field the spec does not declare.
    assert dataset.aliases == dataset["aliases"] == dataset.to_dict()["aliases"] == []
    assert api.get_datasets(uri_pattern=ORDERS).datasets[0].to_dict()["id"] == dataset.id


# -- dataset events ----------------------------------------------------------------------------------------


def test_the_event_of_a_real_task_and_the_run_it_started(api, dataset_flow):
    events = api.get_dataset_events(source_dag_id="dataset_producer")
    assert isinstance(events, DatasetEventCollection)
    assert events.total_entries == 1
    (event,) = events.dataset_events
    assert isinstance(event, DatasetEvent)
    assert (event.dataset_uri, event.dataset_id) == (ORDERS, api.get_dataset(ORDERS).id)
    assert (event.source_dag_id, event.source_task_id, event.source_run_id, event.source_map_index) == (
        "dataset_producer", "produce", dataset_flow["producer"], -1,
    )
    assert event.extra == {}
    assert isinstance(event.id, int)  # sent by the server though the spec does not declare it
    assert as_utc(event.timestamp) <= datetime.now(UTC)
    (run,) = event.created_dagruns
    assert isinstance(run, BasicDAGRun)
    assert (run.dag_id, run["dag_run_id"], run.state) == ("dataset_consumer", dataset_flow["consumer"], "success")
    assert run.logical_date.tzinfo is not None
    assert run.start_date >= as_utc(event.timestamp)


def test_event_filters_are_applied_by_the_server(api, dataset_flow):
    producer_run = dataset_flow["producer"]
    dataset_id = api.get_dataset(ORDERS).id
    by_run = api.get_dataset_events(source_run_id=producer_run, source_task_id="produce", source_map_index=-1)
    assert [e.source_run_id for e in by_run.dataset_events] == [producer_run]
    of_orders = api.get_dataset_events(dataset_id=dataset_id)
    assert {e.dataset_uri for e in of_orders.dataset_events} == {ORDERS}
    assert api.get_dataset_events(source_task_id="no_such_task").total_entries == 0
    assert api.get_dataset_events(source_dag_id="dataset_producer", source_run_id="no+such:run").dataset_events == []


def test_create_event_records_extra_and_lists_it_last(api, pair_waiting):
    before = datetime.now(UTC) - timedelta(seconds=5)
    event = api.create_dataset_event(CreateDatasetEvent(LEFT, extra={"rows": 1200, "note": "über"}))
    assert isinstance(event, DatasetEvent)
    assert event.dataset_uri == LEFT
    assert event.extra == {"rows": 1200, "note": "über", "from_rest_api": True}
    assert (event.source_dag_id, event.source_task_id, event.source_run_id) == (None, None, None)
    assert event.created_dagruns == []  # dataset_pair still waits for RIGHT
    assert as_utc(event.timestamp) >= before
    left_id = api.get_dataset(LEFT).id
    newest = api.get_dataset_events(dataset_id=left_id, order_by="-timestamp", limit=1)
    assert newest.dataset_events[0].extra == event.extra
    assert newest.dataset_events[0].timestamp == event.timestamp
    assert newest.total_entries >= 1


# -- queued events ----------------------------------------------------------------------------------------


def test_a_queued_event_is_read_for_a_dag_and_for_a_dataset(api, pair_waiting):
    queue_left(api)
    one = api.get_dag_dataset_queued_event(pair_waiting, LEFT)
    assert isinstance(one, QueuedEvent)
    assert (one.dag_id, one.uri) == (pair_waiting, LEFT)
    assert one.created_at.tzinfo is not None and one.created_at <= datetime.now(UTC)
    of_dag = api.get_dag_dataset_queued_events(pair_waiting)
    assert isinstance(of_dag, QueuedEventCollection)
    assert of_dag.total_entries == 1
    # Airflow 2.11.2 sends the list as `queued_events`; the spec calls it `datasets`.
    (entry,) = of_dag.queued_events
    assert (entry["dag_id"], entry["uri"]) == (pair_waiting, LEFT)
    assert [e.to_dict() for e in of_dag["queued_events"]] == of_dag.to_dict()["queued_events"]
    of_dataset = api.get_dataset_queued_events(LEFT)
    assert of_dataset.total_entries == 1
    assert [(e["dag_id"], e["uri"]) for e in of_dataset.queued_events] == [(pair_waiting, LEFT)]


def test_before_keeps_only_events_queued_earlier(api, pair_waiting):
    queue_left(api)
    queued_at = api.get_dag_dataset_queued_event(pair_waiting, LEFT).created_at
    later = queued_at + timedelta(seconds=1)
    assert api.get_dag_dataset_queued_event(pair_waiting, LEFT, before=later).created_at == queued_at
    assert api.get_dag_dataset_queued_events(pair_waiting, before=later).total_entries == 1
    assert api.get_dataset_queued_events(LEFT, before=later.isoformat()).total_entries == 1
    earlier = queued_at - timedelta(seconds=1)
    with pytest.raises(NotFoundException):
        api.get_dag_dataset_queued_event(pair_waiting, LEFT, before=earlier)
    with pytest.raises(NotFoundException):
        api.delete_dataset_queued_events(LEFT, before=earlier)
    assert api.get_dag_dataset_queued_event(pair_waiting, LEFT).created_at == queued_at  # nothing removed


def test_queued_events_in_a_list_decode_like_a_single_one(api, pair_waiting):
    queue_left(api)
    single = api.get_dag_dataset_queued_event(pair_waiting, LEFT)
    listed = api.get_dag_dataset_queued_events(pair_waiting)
    # Readable under the spec's name `datasets` as well as the server's `queued_events`.
    assert listed.datasets == listed.queued_events
    (entry,) = listed.datasets
    assert isinstance(entry, QueuedEvent)
    assert entry.created_at == single.created_at


def test_delete_the_queued_event_of_one_dataset_for_a_dag(api, pair_waiting):
    queue_left(api)
    assert api.delete_dag_dataset_queued_event(pair_waiting, LEFT) is None
    with pytest.raises(NotFoundException) as caught:
        api.get_dag_dataset_queued_event(pair_waiting, LEFT)
    assert caught.value.title == "Queue event not found"
    with pytest.raises(NotFoundException):
        api.delete_dag_dataset_queued_event(pair_waiting, LEFT)


def test_delete_every_queued_event_of_a_dag(api, pair_waiting):
    queue_left(api)
    _data, status, _headers = api.delete_dag_dataset_queued_events(pair_waiting, _return_http_data_only=False)
    assert status == 204
    # Nothing queued is answered with 404, not with an empty list.
    with pytest.raises(NotFoundException):
        api.get_dag_dataset_queued_events(pair_waiting)
    with pytest.raises(NotFoundException):
        api.delete_dag_dataset_queued_events(pair_waiting)


def test_delete_the_queued_events_of_a_dataset(api, pair_waiting):
    queue_left(api)
    assert api.delete_dataset_queued_events(LEFT, before=datetime.now(UTC) + timedelta(minutes=1)) is None
    with pytest.raises(NotFoundException):
        api.get_dataset_queued_events(LEFT)
    with pytest.raises(NotFoundException):
        api.get_dag_dataset_queued_event(pair_waiting, LEFT)


def test_a_dataset_never_updated_has_nothing_queued(api, pair_waiting):
    with pytest.raises(NotFoundException) as caught:
        api.get_dataset_queued_events(RIGHT)
    assert caught.value.status == 404 and RIGHT in caught.value.detail
    with pytest.raises(NotFoundException):
        api.get_dag_dataset_queued_event(pair_waiting, RIGHT)


# -- refusals ----------------------------------------------------------------------------------------------


def test_viewer_may_read_datasets_but_not_record_or_drop_events(viewer_api):
    assert viewer_api.get_dataset(ORDERS).uri == ORDERS
    with pytest.raises(ForbiddenException) as caught:
        viewer_api.create_dataset_event(CreateDatasetEvent(LEFT))
    assert caught.value.status == 403 and caught.value.method == "POST"
    with pytest.raises(ForbiddenException):
        viewer_api.delete_dataset_queued_events(LEFT)


def test_unknown_dataset_is_not_found(api):
    with pytest.raises(NotFoundException) as caught:
        api.get_dataset("s3://client-test/no-such-dataset")
    assert caught.value.title == "Dataset not found"
    assert "s3://client-test/no-such-dataset" in caught.value.detail
    with pytest.raises(NotFoundException):
        api.create_dataset_event({"dataset_uri": "s3://client-test/no-such-dataset"})


def test_missing_credentials_are_refused_with_403(anonymous_client):
    # The spec documents 401; Airflow 2.11.2 answers 403.
    with pytest.raises(ForbiddenException):
        dataset_api.DatasetApi(anonymous_client).get_datasets(limit=1)
