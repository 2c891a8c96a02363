"""Error statuses become the matching exceptions; the documented call options do what they say."""

from __future__ import annotations

import json
import socket
import threading

import pytest
import urllib3

import airflow_client.client as client
from airflow_client.client import exceptions
from airflow_client.client.api import task_instance_api
from airflow_client.client.model.task_instance import TaskInstance

from .conftest import Answer, task_instance_json

ERROR_DOC = {
    "type": "https://airflow.apache.org/docs/apache-airflow/2.11.2/stable-rest-api-ref.html#section/Errors/NotFound",
    "title": "Task instance not found",
    "detail": "Task instance 'say_hello' of run 'r1' does not exist",
    "status": 404,
}


@pytest.mark.parametrize(
    "status, cls",
    [
        (400, exceptions.BadRequestException),
        (401, exceptions.UnauthorizedException),
        (403, exceptions.ForbiddenException),
        (404, exceptions.NotFoundException),
        (409, exceptions.ConflictException),
        (500, exceptions.ServiceException),
        (502, exceptions.ServiceException),
        (503, exceptions.ServiceException),
        (418, exceptions.ApiException),
    ],
)
def test_each_error_status_raises_its_exception_with_status_reason_body_and_headers(server, ti_api, status, cls):
    doc = dict(ERROR_DOC, status=status)
    server.reply(Answer(status=status, body=doc, headers={"X-Request-Id": "abc"}))
    with pytest.raises(cls) as caught:
        ti_api.get_task_instance("d", "r1", "say_hello")
    err = caught.value
    assert type(err) is cls
    assert isinstance(err, client.ApiException)
    assert err.status == status
    assert err.reason  # the server's reason phrase
    assert json.loads(err.body) == doc
    assert err.headers["X-Request-Id"] == "abc"
    assert err.title == "Task instance not found"
    assert err.detail == "Task instance 'say_hello' of run 'r1' does not exist"
    assert err.method == "GET"
    assert err.url == server.host + "/dags/d/dagRuns/r1/taskInstances/say_hello"


def test_error_message_names_status_title_detail_and_the_failed_request(server, ti_api):
    server.reply(Answer(status=404, body=ERROR_DOC))
    with pytest.raises(exceptions.NotFoundException) as caught:
        ti_api.get_task_instance("d", "r1", "say_hello")
    text = str(caught.value)
    assert text.startswith("(404)\nReason: Not Found\n")
    assert f"Request: GET {server.host}/dags/d/dagRuns/r1/taskInstances/say_hello" in text
    assert "Title: Task instance not found" in text
    assert "Detail: Task instance 'say_hello' of run 'r1' does not exist" in text


def test_an_error_page_that_is_not_json_is_kept_as_text(server, ti_api):
    page = "<html><body><h1>502 Bad Gateway</h1></body></html>"
    server.reply(Answer(status=502, body=page, headers={"Content-Type": "text/html"}))
    with pytest.raises(exceptions.ServiceException) as caught:
        ti_api.get_task_instance("d", "r", "t")
    assert caught.value.body == page
    assert caught.value.title is None


def test_session_cookie_in_error_headers_is_redacted_from_the_message(server, ti_api):
    server.reply(Answer(status=403, body=ERROR_DOC, headers={"Set-Cookie": "session=SECRETVALUE; HttpOnly"}))
    with pytest.raises(exceptions.ForbiddenException) as caught:
        ti_api.get_task_instance("d", "r", "t")
    assert caught.value.headers["Set-Cookie"].startswith("session=SECRETVALUE")  # still there for the caller
    assert "SECRETVALUE" not in str(caught.value)
    assert "SECRETVALUE" not in repr(caught.value)


def test_connection_refused_raises_api_connection_error_naming_the_request():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    config = client.Configuration(host=f"http://127.0.0.1:{port}/api/v1")
    config.retries = 0
    with client.ApiClient(config) as api_client:
        with pytest.raises(exceptions.ApiConnectionError) as caught:
            task_instance_api.TaskInstanceApi(api_client).get_task_instance("d", "r", "t")
    assert caught.value.status is None
    assert caught.value.url == f"http://127.0.0.1:{port}/api/v1/dags/d/dagRuns/r/taskInstances/t"
    assert isinstance(caught.value.__cause__, urllib3.exceptions.HTTPError)


def test_request_timeout_ends_a_call_to_a_server_that_does_not_answer(server, ti_api):
    server.reply(Answer(body=task_instance_json(), delay=2.0))
    with pytest.raises(exceptions.ApiConnectionError) as caught:
        ti_api.get_task_instance("d", "r", "t", _request_timeout=0.3)
    assert "timed out" in str(caught.value).lower()


def test_request_timeout_accepts_a_connect_read_pair(server, ti_api):
    server.reply(Answer(body=task_instance_json(), delay=0.1))
    assert ti_api.get_task_instance("d", "r", "t", _request_timeout=(1, 5)).task_id == "say_hello"


def test_preload_content_false_returns_the_raw_urllib3_response(server, ti_api):
    server.reply(Answer(body=task_instance_json()))
    resp = ti_api.get_task_instance("d", "r", "t", _preload_content=False)
    assert isinstance(resp, urllib3.HTTPResponse)
    assert resp.status == 200
    assert json.loads(resp.data)["task_id"] == "say_hello"
    resp.release_conn()


def test_preload_content_false_still_raises_on_error_status(server, ti_api):
    server.reply(Answer(status=404, body=ERROR_DOC))
    with pytest.raises(exceptions.NotFoundException) as caught:
        ti_api.get_task_instance("d", "r", "t", _preload_content=False)
    assert caught.value.title == "Task instance not found"


def test_return_http_data_only_false_returns_data_status_and_headers(server, ti_api):
    server.reply(Answer(body=task_instance_json(), headers={"X-Answer": "42"}))
    data, status, headers = ti_api.get_task_instance("d", "r", "t", _return_http_data_only=False)
    assert isinstance(data, TaskInstance)
    assert status == 200
    assert headers["X-Answer"] == "42"


def test_async_req_returns_a_result_whose_get_gives_the_model(server, config):
    server.default = Answer(body=task_instance_json())
    with client.ApiClient(config, pool_threads=4) as api_client:
        api = task_instance_api.TaskInstanceApi(api_client)
        pending = [api.get_task_instance("d", "r", f"t{i}", async_req=True) for i in range(8)]
        results = [p.get(timeout=10) for p in pending]
    assert all(isinstance(r, TaskInstance) for r in results)
    assert sorted(s.path.rsplit("/", 1)[1] for s in server.seen) == sorted(f"t{i}" for i in range(8))


def test_async_req_error_is_raised_by_get(server, ti_api):
    server.reply(Answer(status=404, body=ERROR_DOC))
    pending = ti_api.get_task_instance("d", "r", "t", async_req=True)
    with pytest.raises(exceptions.NotFoundException):
        pending.get(timeout=10)


def test_async_req_bad_argument_is_raised_at_call_time_not_later(server, ti_api):
    with pytest.raises(client.ApiTypeError):
        ti_api.get_task_instance("d", "r", 5, async_req=True)
    assert server.seen == []


def test_check_input_type_false_sends_values_unchecked(server, ti_api):
    server.reply(Answer(body={"task_instances": [], "total_entries": 0}))
    ti_api.get_task_instances("d", "r", limit="7", _check_input_type=False)
    assert server.last.query == {"limit": ["7"]}


def test_content_type_option_must_be_one_the_endpoint_accepts(server, ti_api):
    with pytest.raises(client.ApiValueError, match="_content_type must be one of application/json"):
        ti_api.set_task_instance_note("d", "r", "t", {"note": "x"}, _content_type="text/xml")
    assert server.seen == []


def test_host_index_zero_is_the_configured_host(server, ti_api):
    server.reply(Answer(body=task_instance_json()))
    ti_api.get_task_instance("d", "r", "t", _host_index=0)
    assert server.last.path == "/api/v1/dags/d/dagRuns/r/taskInstances/t"


def test_one_client_serves_many_threads(server, config):
    server.default = Answer(body=task_instance_json())
    errors: list[BaseException] = []
    with client.ApiClient(config) as api_client:
        api = task_instance_api.TaskInstanceApi(api_client)

        def work() -> None:
            try:
                for _ in range(20):
                    assert api.get_task_instance("d", "r", "t").state == "success"
            except BaseException as exc:  # collected for the assertion below
                errors.append(exc)

        threads = [threading.Thread(target=work) for _ in range(8)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
    assert errors == []
    assert len(server.seen) == 160


def test_api_class_without_client_uses_the_shared_default(server, config):
    client.ApiClient.set_default(client.ApiClient(config))
    try:
        server.reply(Answer(body=task_instance_json()))
        assert task_instance_api.TaskInstanceApi().get_task_instance("d", "r", "t").task_id == "say_hello"
    finally:
        client.ApiClient.get_default().close()
        client.ApiClient.set_default(None)


def test_configured_timeout_applies_when_a_call_gives_none(server, config):
    config.timeout = 0.3
    server.reply(Answer(body=task_instance_json(), delay=2.0))
    with client.ApiClient(config) as api_client:
        with pytest.raises(exceptions.ApiConnectionError, match=r"(?i)timed out"):
            task_instance_api.TaskInstanceApi(api_client).get_task_instance("d", "r", "t")


def test_default_timeout_is_finite():
    config = client.Configuration()
    connect, read = config.timeout
    assert 0 < connect < 60 and 0 < read <= 300


def test_connections_stay_within_the_pool_size_under_many_threads(server, config):
    server.default = Answer(body=task_instance_json(), delay=0.01)
    config.connection_pool_maxsize = 3
    with client.ApiClient(config) as api_client:
        api = task_instance_api.TaskInstanceApi(api_client)
        threads = [threading.Thread(target=lambda: [api.get_task_instance("d", "r", "t") for _ in range(10)])
                   for _ in range(12)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
    assert len(server.seen) == 120
    assert 1 <= len(server.peers) <= 3
