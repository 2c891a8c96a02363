"""The connection pool: a call waits at most `Configuration.pool_timeout` for a free connection.

Streamed answers (`_preload_content=False`) hold their connection until they are read and released;
when all of them are held, further calls end in `PoolTimeoutError` instead of waiting for ever.
"""

from __future__ import annotations

import threading
import time

import pytest

import airflow_client.client as client
from airflow_client.client import exceptions
from airflow_client.client.api import variable_api

from .conftest import Answer, count, finishes_within

VARIABLE = {"key": "k", "value": "v"}


def test_the_transport_bounds_have_documented_defaults():
    config = client.Configuration()
    assert config.pool_timeout == 30.0
    assert config.max_retry_after == 30.0
    assert config.max_response_size == 256 * 1024 * 1024
    assert config.trust_env is True


def test_unreleased_streams_end_further_calls_in_pool_timeout_error_in_every_thread(server):
    server.default = Answer(body=VARIABLE)
    config = client.Configuration(host=server.host)
    config.retries = 0
    config.connection_pool_maxsize = 2
    config.pool_timeout = 0.5
    with client.ApiClient(config) as api_client:
        api = variable_api.VariableApi(api_client)
        streams = [api.get_variable("k", _preload_content=False) for _ in range(2)]
        errors: list[BaseException] = []

        def call() -> None:
            try:
                api.get_variable("k")
            except BaseException as exc:
                errors.append(exc)

        threads = [threading.Thread(target=call, daemon=True) for _ in range(4)]
        started = time.monotonic()
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(10)
        assert not any(thread.is_alive() for thread in threads), "calls still waiting for a connection"
        assert time.monotonic() - started < 0.5 + 2.0
        assert len(errors) == 4 and all(type(e) is exceptions.PoolTimeoutError for e in errors), errors
        err = errors[0]
        assert isinstance(err, exceptions.ApiConnectionError) and err.status is None
        message = str(err)
        assert "all 2 connections" in message and "pool_timeout (0.5 s)" in message
        assert "resp.release_conn()" in message and "connection_pool_maxsize" in message
        assert f"GET {server.host}/variables/k" in message
        assert len(server.seen) == 2  # the waiting calls sent nothing

        for stream in streams:
            assert b'"v"' in stream.read()
            stream.release_conn()
        assert finishes_within(10, lambda: api.get_variable("k")).value == "v"
    count("faults survived", 4)


def test_pool_timeout_none_waits_until_a_connection_comes_free(server):
    server.default = Answer(body=VARIABLE)
    config = client.Configuration(host=server.host)
    config.connection_pool_maxsize = 1
    config.pool_timeout = None
    with client.ApiClient(config) as api_client:
        api = variable_api.VariableApi(api_client)
        stream = api.get_variable("k", _preload_content=False)
        threading.Timer(0.5, lambda: (stream.read(), stream.release_conn())).start()
        started = time.monotonic()
        assert finishes_within(10, lambda: api.get_variable("k")).value == "v"
        assert time.monotonic() - started >= 0.4


@pytest.mark.parametrize("name, value", [
    ("pool_timeout", 0), ("pool_timeout", -1.0), ("pool_timeout", "30"),
    ("max_retry_after", -1), ("max_retry_after", float("nan")), ("max_retry_after", None),
    ("max_response_size", 0), ("max_response_size", 1.5), ("max_response_size", True),
])
def test_an_impossible_transport_setting_is_refused_naming_it(name, value):
    config = client.Configuration(host="http://127.0.0.1:9/api/v1")
    setattr(config, name, value)
    with pytest.raises(exceptions.ApiValueError) as caught:
        client.ApiClient(config)
    assert f"Configuration.{name}" in str(caught.value) and repr(value) in str(caught.value)


def test_waiting_for_a_connection_does_not_count_against_the_timeout_of_the_try(server):
    server.default = Answer(body=VARIABLE)
    config = client.Configuration(host=server.host)
    config.connection_pool_maxsize = 1
    config.retries = 0
    with client.ApiClient(config) as api_client:
        api = variable_api.VariableApi(api_client)
        stream = api.get_variable("k", _preload_content=False)
        threading.Timer(1.5, lambda: (stream.read(), stream.release_conn())).start()
        started = time.monotonic()
        assert finishes_within(10, lambda: api.get_variable("k", _request_timeout=1.0)).value == "v"
        assert time.monotonic() - started >= 1.4
