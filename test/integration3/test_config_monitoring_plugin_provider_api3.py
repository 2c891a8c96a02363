"""The 2.x ConfigApi, MonitoringApi, PluginApi and ProviderApi against a real Airflow 3.3.2, and
ConnectionApi.test_connection where the server enables it.

Most tests use the session's server. A second server, started by this module only when a test asks for
it, loads a plugin from its plugins folder and sets `[core] test_connection = Enabled`: the session's
server has no plugin and keeps Airflow's default (Disabled), and both are read at start-up.
"""

from __future__ import annotations

import re
import uuid
from collections.abc import Iterator
from datetime import datetime, timedelta, timezone
from typing import Any

import pytest

import airflow_client.client as client
from airflow_client.client.api import config_api, connection_api, monitoring_api, plugin_api, provider_api
from airflow_client.client.exceptions import (
    ApiTypeError,
    ForbiddenException,
    NotFoundException,
    UnauthorizedException,
)
from airflow_client.client.model.config import Config
from airflow_client.client.model.config_option import ConfigOption
from airflow_client.client.model.config_section import ConfigSection
from airflow_client.client.model.connection import Connection
from airflow_client.client.model.connection_test import ConnectionTest
from airflow_client.client.model.health_info import HealthInfo
from airflow_client.client.model.health_status import HealthStatus
from airflow_client.client.model.plugin_collection import PluginCollection
from airflow_client.client.model.plugin_collection_item import PluginCollectionItem
from airflow_client.client.model.version_info import VersionInfo
from tools.local_airflow import free_port
from tools.local_airflow3 import LocalAirflow3

pytestmark = pytest.mark.integration

PLUGIN_SOURCE = '''
from airflow.listeners import hookimpl
from airflow.plugins_manager import AirflowPlugin
from airflow.sdk import BaseOperatorLink
from airflow.timetables.simple import NullTimetable


def shout(text):
    return text.upper()


class DocsLink(BaseOperatorLink):
    name = "Docs"

    def get_link(self, operator, *, ti_key):
        return "https://example.com/docs"


class NeverTimetable(NullTimetable):
    pass


class RunListener:
    @hookimpl
    def on_starting(self, component):
        pass


class ClientTestPlugin(AirflowPlugin):
    name = "client_test_plugin"
    macros = [shout]
    global_operator_extra_links = [DocsLink()]
    timetables = [NeverTimetable]
    listeners = [RunListener()]
    external_views = [{"name": "Client test docs", "href": "https://example.com/menu", "destination": "nav"}]
'''

TEXT = {"_headers": {"Accept": "text/plain"}}


def make_client(host: str, user: tuple[str, str] | None) -> Iterator[client.ApiClient]:
    config = client.Configuration(host=host, **({"username": user[0], "password": user[1]} if user else {}))
    with client.ApiClient(config) as api_client:
        yield api_client


@pytest.fixture(scope="module")
def admin_client(airflow3: Any) -> Iterator[client.ApiClient]:
    yield from make_client(airflow3.base_url, airflow3.admin)


@pytest.fixture(scope="module")
def viewer_client(airflow3: Any) -> Iterator[client.ApiClient]:
    yield from make_client(airflow3.host, airflow3.viewer)


@pytest.fixture(scope="module")
def anonymous_client(airflow3: Any) -> Iterator[client.ApiClient]:
    yield from make_client(airflow3.host, None)


class ApiServerOnly(LocalAirflow3):
    """Airflow 3.3.2's REST API server alone: plugins are listed and connections tested there, and
    without a scheduler, DAG processor, triggerer and execution API it starts in a fraction of the time."""

    def _commands(self) -> dict[str, list[str]]:
        return {"api_server": super()._commands()["api_server"]}

    def _is_ready(self, health: Any) -> bool:
        return isinstance(health, dict) and (health.get("metadatabase") or {}).get("status") == "healthy"


@pytest.fixture(scope="module")
def configured_airflow3(tmp_path_factory) -> Iterator[LocalAirflow3]:
    """A second server: a plugin in its plugins folder, connection tests enabled."""
    root = tmp_path_factory.mktemp("configured_airflow3")
    (root / "dags").mkdir()
    (root / "plugins").mkdir()
    (root / "plugins" / "client_test_plugin.py").write_text(PLUGIN_SOURCE, encoding="utf-8")
    with ApiServerOnly(root / "dags", extra_env={
        "AIRFLOW__CORE__PLUGINS_FOLDER": str(root / "plugins"),
        "AIRFLOW__CORE__TEST_CONNECTION": "Enabled",
    }) as server:
        yield server


@pytest.fixture(scope="module")
def configured_client(configured_airflow3: LocalAirflow3) -> Iterator[client.ApiClient]:
    yield from make_client(configured_airflow3.base_url, configured_airflow3.admin)


def options_of(section: ConfigSection) -> dict[str, str]:
    return {o.key: o.value for o in section.options}


def parse_ini(text: str) -> dict[str, dict[str, str]]:
    """The sections and options of Airflow's text answer, read line by line."""
    sections: dict[str, dict[str, str]] = {}
    current: dict[str, str] = {}
    for line in text.splitlines():
        if line.startswith("[") and line.endswith("]"):
            current = sections.setdefault(line[1:-1], {})
        elif " = " in line:
            key, value = line.split(" = ", 1)
            current[key] = value
        elif line.endswith(" ="):
            current[line[:-2]] = ""
    return sections


# -- monitoring ---------------------------------------------------------------------------------------------


def test_health_is_read_from_monitor_health_without_credentials(anonymous_client, airflow3):
    health = monitoring_api.MonitoringApi(anonymous_client).get_health()
    assert anonymous_client.server.generation == 3
    assert isinstance(health, HealthInfo)
    assert isinstance(health.metadatabase.status, HealthStatus) and health.metadatabase.status == "healthy"
    assert health.scheduler.status == HealthStatus("healthy") == "healthy"
    # Text, as apache-airflow-client 2.x types it; an aware timestamp once parsed.
    for heartbeat in (health.scheduler.latest_scheduler_heartbeat, health.triggerer.latest_triggerer_heartbeat,
                      health.dag_processor.latest_dag_processor_heartbeat):
        when = datetime.fromisoformat(heartbeat)
        assert when.tzinfo is not None and abs(datetime.now(timezone.utc) - when) < timedelta(minutes=5)
    # The harness runs a triggerer and a standalone DAG processor, which Airflow 3 always has.
    assert health.triggerer.status == "healthy" and health.dag_processor.status == "healthy"
    status, raw = airflow3.request("GET", "/monitor/health")
    assert status == 200 and set(raw) == {"metadatabase", "scheduler", "triggerer", "dag_processor"}


def test_version_is_readable_without_credentials(anonymous_client):
    version = monitoring_api.MonitoringApi(anonymous_client).get_version()
    assert isinstance(version, VersionInfo)
    assert version.version == "3.3.2"
    assert version.git_version.startswith(".release:")


def test_monitoring_calls_refuse_unknown_arguments_before_sending(anonymous_client):
    api = monitoring_api.MonitoringApi(anonymous_client)
    with pytest.raises(ApiTypeError):
        api.get_health(verbose=True)
    with pytest.raises(ApiTypeError):
        api.get_version("3.3.2")


# -- config -------------------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def config(admin_client) -> config_api.ConfigApi:
    return config_api.ConfigApi(admin_client)


def test_whole_config_as_json(config, airflow3):
    cfg = config.get_config()
    assert isinstance(cfg, Config)
    assert all(isinstance(s, ConfigSection) for s in cfg.sections)
    assert all(isinstance(o, ConfigOption) and isinstance(o.value, str) for s in cfg.sections for o in s.options)
    sections = {s.name: options_of(s) for s in cfg.sections}
    assert {"core", "database", "api", "scheduler", "logging", "dag_processor"} <= set(sections)
    assert sections["core"]["dags_folder"] == str(airflow3.dags_folder)
    assert sections["core"]["executor"] == "LocalExecutor"
    assert sections["api"]["expose_config"] == "True"
    status, raw = airflow3.request("GET", "/config")
    assert status == 200 and cfg.to_dict() == raw


def test_one_section_as_json(config):
    (section,) = config.get_config(section="core").sections
    assert section.name == "core"
    whole = {s.name: options_of(s) for s in config.get_config().sections}
    assert options_of(section) == whole["core"]


def one_line(sections: dict[str, dict[str, str]]) -> dict[str, dict[str, str]]:
    """The options whose value fits on one line (a JSON list setting spans several lines of the text)."""
    return {name: {k: v for k, v in options.items() if "\n" not in v} for name, options in sections.items()}


def test_config_as_text(config):
    text = config.get_config(**TEXT)
    assert isinstance(text, str) and text.startswith("[") and "\n[core]\n" in text
    whole = {s.name: options_of(s) for s in config.get_config().sections}
    parsed = parse_ini(text)
    assert set(parsed) == set(whole)
    assert {n: {k: parsed[n].get(k) for k in opts} for n, opts in one_line(whole).items()} == one_line(whole)
    core = config.get_config(section="core", **TEXT)
    assert isinstance(core, str) and core.startswith("[core]\n")
    assert parse_ini(core) == {"core": whole["core"]}


def test_one_value_as_json_and_as_text(config):
    value = config.get_value("core", "parallelism")
    assert isinstance(value, Config)
    assert value.to_dict() == {"sections": [{"name": "core", "options": [{"key": "parallelism", "value": "8"}]}]}
    text = config.get_value("core", "parallelism", **TEXT)
    assert text == "[core]\nparallelism = 8\n"  # the text 2.x gave
    data, status, headers = config.get_value("core", "parallelism", _return_http_data_only=False, **TEXT)
    assert (data, status) == (text, 200) and headers["Content-Type"].startswith("text/plain")


def test_one_value_hides_secrets(config):
    hidden = config.get_value("database", "sql_alchemy_conn")
    assert hidden.sections[0].options[0].value == "< hidden >"


def test_missing_config_option_and_section_are_not_found(config):
    with pytest.raises(NotFoundException) as caught:
        config.get_value("core", "no_such_option")
    assert caught.value.status == 404 and "core/no_such_option" in caught.value.detail
    with pytest.raises(NotFoundException) as caught:
        config.get_config(section="no_such_section")
    assert caught.value.status == 404 and "no_such_section" in caught.value.detail


def test_viewer_reads_the_config_and_anonymous_is_refused(viewer_client, anonymous_client):
    # Airflow 3's viewer role may read the config (2.x's Viewer got 403).
    (section,) = config_api.ConfigApi(viewer_client).get_config(section="core").sections
    assert section.name == "core"
    with pytest.raises(UnauthorizedException) as caught:
        config_api.ConfigApi(anonymous_client).get_config(section="core")
    assert caught.value.status == 401


def test_bad_config_arguments_are_refused_before_sending(config):
    with pytest.raises(ApiTypeError):
        config.get_value("core")
    with pytest.raises(ApiTypeError):
        config.get_config(section=["core"])


# -- providers ----------------------------------------------------------------------------------------------


def test_every_provider_is_listed_in_one_call_across_airflow_3_pages(admin_client, airflow3):
    page = provider_api.ProviderApi(admin_client).get_providers()
    assert type(page) is dict  # the 2.x spec composes this answer from two schemas: plain JSON
    names = [p["package_name"] for p in page["providers"]]
    status, raw = airflow3.request("GET", "/providers?limit=100")
    assert status == 200 and page["total_entries"] == raw["total_entries"] == len(names)
    assert names == [p["package_name"] for p in raw["providers"]]
    assert {"apache-airflow-providers-standard", "apache-airflow-providers-fab"} <= set(names)
    for provider in page["providers"]:
        assert re.fullmatch(r"\d+\.\d+\.\d+\S*", provider["version"]), provider
        assert provider["description"]


def test_providers_call_takes_no_paging_arguments(admin_client):
    with pytest.raises(ApiTypeError):
        provider_api.ProviderApi(admin_client).get_providers(limit=1)


# -- plugins ------------------------------------------------------------------------------------------------


def test_server_without_plugins_lists_none(admin_client):
    page = plugin_api.PluginApi(admin_client).get_plugins()
    assert isinstance(page, PluginCollection) and page.plugins == [] and page.total_entries == 0


def test_plugin_in_the_plugins_folder_is_listed_with_what_it_adds(configured_client, configured_airflow3):
    page = plugin_api.PluginApi(configured_client).get_plugins()
    assert isinstance(page, PluginCollection) and page.total_entries == 1
    (plugin,) = page.plugins
    assert isinstance(plugin, PluginCollectionItem)
    assert plugin.name == "client_test_plugin"
    assert plugin.source == "$PLUGINS_FOLDER/client_test_plugin.py"
    assert plugin.macros == ["client_test_plugin.shout"]
    assert plugin.timetables == ["client_test_plugin.NeverTimetable"]
    assert plugin.listeners == ["client_test_plugin.RunListener"]
    assert plugin.global_operator_extra_links == ["<client_test_plugin.DocsLink object>"]
    assert plugin.flask_blueprints == [] and plugin.appbuilder_views == [] and plugin.operator_extra_links == []
    # Airflow 3 lists no hooks, executors or ti_deps: the fields 2.x had stay unset.
    assert plugin.get("hooks") is None and plugin.get("executors") is None and plugin.get("ti_deps") is None
    assert plugin["external_views"][0]["href"] == "https://example.com/menu"  # an Airflow 3 field, kept
    status, raw = configured_airflow3.request("GET", "/plugins")
    assert status == 200 and page.to_dict() == raw
    first = plugin_api.PluginApi(configured_client).get_plugins(limit=1, offset=0)
    assert [p.name for p in first.plugins] == ["client_test_plugin"] and first.total_entries == 1
    past_the_end = plugin_api.PluginApi(configured_client).get_plugins(limit=1, offset=1)
    assert past_the_end.plugins == [] and past_the_end.total_entries == 1


# -- connection tests, on the server that enables them ---------------------------------------------------------


def test_connection_test_runs_the_hook_when_the_server_enables_it(configured_client, tmp_path):
    api = connection_api.ConnectionApi(configured_client)
    conn_id = f"conn_test_{uuid.uuid4().hex[:10]}"
    result = api.test_connection(Connection(connection_id=conn_id, conn_type="http", host="127.0.0.1",
                                            port=free_port()))
    assert isinstance(result, ConnectionTest) and isinstance(result.status, bool)
    assert isinstance(result.message, str) and result.message
    unknown = api.test_connection({"connection_id": conn_id, "conn_type": "no_such_type"})
    assert unknown.status is False and "no_such_type" in unknown.message
    with pytest.raises(NotFoundException):
        api.get_connection(conn_id)  # testing saves nothing


def test_a_viewer_may_not_test_connections(configured_airflow3):
    user, password = configured_airflow3.viewer
    config = client.Configuration(host=configured_airflow3.base_url, username=user, password=password)
    with client.ApiClient(config) as viewer_client, pytest.raises(ForbiddenException) as caught:
        connection_api.ConnectionApi(viewer_client).test_connection({"connection_id": "c", "conn_type": "http"})
    assert caught.value.status == 403 and caught.value.method == "POST"
