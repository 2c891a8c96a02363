"""Every ConfigApi, MonitoringApi, PluginApi and ProviderApi operation against a real Airflow 2.11.2.

Most tests use the session's server. A second server, started by this module only when a test asks for
it, loads a plugin from its plugins folder, enables `[core] test_connection` and sets
`[webserver] expose_config = non-sensitive-only`: the session's server has no plugin and keeps the
defaults, and these settings are read at start-up.
"""

from __future__ import annotations

import re
import uuid
from datetime import datetime, timedelta, timezone

import pytest

import airflow_client.client as client
from airflow_client.client.api import config_api, connection_api, monitoring_api, plugin_api, provider_api
from airflow_client.client.exceptions import ApiTypeError, ForbiddenException, NotFoundException
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
from tools import local_airflow

pytestmark = pytest.mark.integration

PLUGIN_SOURCE = '''
from flask import Blueprint

from airflow.hooks.base import BaseHook
from airflow.listeners import hookimpl
from airflow.models.baseoperator import BaseOperatorLink
from airflow.plugins_manager import AirflowPlugin
from airflow.ti_deps.deps.base_ti_dep import BaseTIDep
from airflow.timetables.simple import NullTimetable


def shout(text):
    return text.upper()


class EchoHook(BaseHook):
    pass


class DocsLink(BaseOperatorLink):
    name = "Docs"

    def get_link(self, operator, *, ti_key):
        return "https://example.com/docs"


class NeverTimetable(NullTimetable):
    pass


class AlwaysMetDep(BaseTIDep):
    NAME = "Always met"


class RunListener:
    @hookimpl
    def on_starting(self, component):
        pass


class ClientTestPlugin(AirflowPlugin):
    name = "client_test_plugin"
    hooks = [EchoHook]
    macros = [shout]
    flask_blueprints = [Blueprint("client_test_bp", __name__, url_prefix="/client-test")]
    appbuilder_menu_items = [{"name": "Client test docs", "href": "https://example.com/menu"}]
    global_operator_extra_links = [DocsLink()]
    timetables = [NeverTimetable]
    listeners = [RunListener()]
    ti_deps = [AlwaysMetDep()]
'''

# Installed with apache-airflow 2.11.2 itself.
BUNDLED_PROVIDERS = {
    "apache-airflow-providers-common-io",
    "apache-airflow-providers-common-sql",
    "apache-airflow-providers-fab",
    "apache-airflow-providers-ftp",
    "apache-airflow-providers-http",
    "apache-airflow-providers-imap",
    "apache-airflow-providers-smtp",
    "apache-airflow-providers-sqlite",
}


INSTANCE_NAME = "Tëst ✓ Airflow ünïcode 東京"


@pytest.fixture(scope="module")
def configured_airflow(tmp_path_factory):
    """A second server: a plugin in its plugins folder, connection tests on, secrets hidden in the config."""
    root = tmp_path_factory.mktemp("configured_airflow")
    (root / "dags").mkdir()
    (root / "plugins").mkdir()
    (root / "plugins" / "client_test_plugin.py").write_text(PLUGIN_SOURCE, encoding="utf-8")
    server = local_airflow.LocalAirflow(root / "dags", extra_env={
        "AIRFLOW__CORE__PLUGINS_FOLDER": str(root / "plugins"),
        "AIRFLOW__CORE__TEST_CONNECTION": "Enabled",
        "AIRFLOW__WEBSERVER__EXPOSE_CONFIG": "non-sensitive-only",
        "AIRFLOW__WEBSERVER__INSTANCE_NAME": INSTANCE_NAME,
    })
    try:
        server.start()
        yield server
    finally:
        server.stop()


@pytest.fixture(scope="module")
def configured_client(configured_airflow):
    config = client.Configuration(host=configured_airflow.host, username=configured_airflow.admin[0],
                                  password=configured_airflow.admin[1])
    with client.ApiClient(config) as api_client:
        yield api_client


@pytest.fixture(scope="module")
def config(admin_client) -> config_api.ConfigApi:
    return config_api.ConfigApi(admin_client)


TEXT = {"_headers": {"Accept": "text/plain"}}


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


def test_health_is_readable_without_credentials(anonymous_client, airflow):
    health = monitoring_api.MonitoringApi(anonymous_client).get_health()
    assert isinstance(health, HealthInfo)
    assert health.metadatabase.status == "healthy"
    assert isinstance(health.metadatabase.status, HealthStatus) and isinstance(health.metadatabase.status, str)
    assert health.scheduler.status == HealthStatus("healthy") == "healthy"
    # Text, as apache-airflow-client 2.x types it; an aware timestamp once parsed.
    heartbeat = datetime.fromisoformat(health.scheduler.latest_scheduler_heartbeat)
    assert heartbeat.tzinfo is not None
    assert abs(datetime.now(timezone.utc) - heartbeat) < timedelta(minutes=5)
    # The harness runs no triggerer and no standalone DAG processor: both are reported without a status.
    assert health.triggerer.status is None and health.triggerer.latest_triggerer_heartbeat is None
    assert health.dag_processor.status is None and health.dag_processor.latest_dag_processor_heartbeat is None
    status, raw = airflow.request("GET", "/health")
    assert status == 200
    assert (raw["metadatabase"]["status"], raw["scheduler"]["status"], raw["triggerer"]["status"]) == (
        health.metadatabase.status, health.scheduler.status, health.triggerer.status)


def test_version_is_readable_without_credentials(anonymous_client):
    version = monitoring_api.MonitoringApi(anonymous_client).get_version()
    assert isinstance(version, VersionInfo)
    assert version.version == local_airflow.AIRFLOW_VERSION == "2.11.2"
    assert version.git_version == ""  # a release from PyPI carries no git revision


def test_monitoring_calls_refuse_unknown_arguments_before_sending(anonymous_client):
    api = monitoring_api.MonitoringApi(anonymous_client)
    with pytest.raises(ApiTypeError):
        api.get_health(verbose=True)
    with pytest.raises(ApiTypeError):
        api.get_version("2.11.2")


# -- config -------------------------------------------------------------------------------------------------


def test_whole_config_as_json(config, airflow):
    cfg = config.get_config()
    assert isinstance(cfg, Config)
    assert all(isinstance(s, ConfigSection) for s in cfg.sections)
    assert all(isinstance(o, ConfigOption) and isinstance(o.value, str) for s in cfg.sections for o in s.options)
    sections = {s.name: options_of(s) for s in cfg.sections}
    assert {"core", "database", "webserver", "scheduler", "api", "logging"} <= set(sections)
    assert sections["core"]["dags_folder"] == str(airflow.dags_folder)
    assert sections["core"]["executor"] == "SequentialExecutor"
    assert sections["webserver"]["expose_config"] == "True"
    # With expose_config = True even secrets are shown in the whole config.
    assert sections["webserver"]["secret_key"] == "airflow-client-test-secret-key"
    assert sections["database"]["sql_alchemy_conn"].startswith("sqlite:///")
    status, raw = airflow.request("GET", "/config")
    assert status == 200 and cfg.to_dict() == raw


def test_one_section_as_json(config):
    cfg = config.get_config(section="core")
    (section,) = cfg.sections
    assert section.name == "core"
    whole = {s.name: options_of(s) for s in config.get_config().sections}
    assert options_of(section) == whole["core"]


def test_config_as_text(config):
    text = config.get_config(**TEXT)
    assert isinstance(text, str)
    assert text.startswith("[") and "\n[core]\n" in text
    whole = {s.name: options_of(s) for s in config.get_config().sections}
    assert parse_ini(text) == whole

    core = config.get_config(section="core", **TEXT)
    assert isinstance(core, str) and core.startswith("[core]\n")
    assert parse_ini(core) == {"core": whole["core"]}


def test_one_value_as_json_and_as_text(config):
    value = config.get_value("core", "parallelism")
    assert isinstance(value, Config)
    assert value.to_dict() == {"sections": [{"name": "core", "options": [{"key": "parallelism", "value": "32"}]}]}
    assert value.sections[0].options[0].value == "32"
    text = config.get_value("core", "parallelism", **TEXT)
    assert isinstance(text, str)
    assert text == "[core]\nparallelism = 32\n"
    data, status, headers = config.get_value("core", "parallelism", _return_http_data_only=False, **TEXT)
    assert (data, status) == (text, 200) and headers["Content-Type"].startswith("text/plain")


def test_one_value_hides_secrets_even_when_the_config_shows_them(config):
    assert options_of(config.get_config(section="database").sections[0])["sql_alchemy_conn"].startswith("sqlite:")
    hidden = config.get_value("database", "sql_alchemy_conn")
    assert hidden.sections[0].options[0].value == "< hidden >"
    assert config.get_value("database", "sql_alchemy_conn", **TEXT) == "[database]\nsql_alchemy_conn = < hidden >\n"


def test_missing_config_option_and_section_are_not_found(config):
    with pytest.raises(NotFoundException) as caught:
        config.get_value("core", "no_such_option")
    assert caught.value.status == 404 and "core/no_such_option" in caught.value.detail
    with pytest.raises(NotFoundException) as caught:
        config.get_value("core", "no_such_option", **TEXT)
    assert caught.value.status == 404
    with pytest.raises(NotFoundException) as caught:
        config.get_config(section="no_such_section")
    assert caught.value.status == 404 and "no_such_section" in caught.value.detail


def test_viewer_and_anonymous_may_not_read_the_config(viewer_client, anonymous_client):
    with pytest.raises(ForbiddenException) as caught:
        config_api.ConfigApi(viewer_client).get_config()
    assert caught.value.status == 403
    with pytest.raises(ForbiddenException):
        config_api.ConfigApi(viewer_client).get_value("core", "parallelism")
    # No credentials: the spec documents 401, Airflow 2.11.2 answers 403.
    with pytest.raises(ForbiddenException) as caught:
        config_api.ConfigApi(anonymous_client).get_config(section="core")
    assert caught.value.status == 403


def test_bad_config_arguments_are_refused_before_sending(config):
    with pytest.raises(ApiTypeError):
        config.get_value("core")
    with pytest.raises(ApiTypeError):
        config.get_config(section=["core"])
    with pytest.raises(ApiTypeError):
        config.get_config(sections="core")


def test_non_sensitive_only_hides_secrets_in_the_whole_config(configured_client):
    api = config_api.ConfigApi(configured_client)
    sections = {s.name: options_of(s) for s in api.get_config().sections}
    assert sections["webserver"]["expose_config"] == "non-sensitive-only"
    assert sections["webserver"]["secret_key"] == "< hidden >"
    assert sections["database"]["sql_alchemy_conn"] == "< hidden >"
    assert sections["core"]["executor"] == "SequentialExecutor"
    assert "secret_key = < hidden >" in api.get_config(section="webserver", **TEXT)


def test_non_ascii_config_values_survive_json_and_text(configured_client):
    api = config_api.ConfigApi(configured_client)
    assert api.get_value("webserver", "instance_name").sections[0].options[0].value == INSTANCE_NAME
    assert api.get_value("webserver", "instance_name", **TEXT) == f"[webserver]\ninstance_name = {INSTANCE_NAME}\n"
    assert f"\ninstance_name = {INSTANCE_NAME}\n" in api.get_config(section="webserver", **TEXT)


# -- providers ----------------------------------------------------------------------------------------------


def test_providers_installed_with_airflow_are_listed(admin_client, airflow):
    page = provider_api.ProviderApi(admin_client).get_providers()
    # The spec composes this answer from two schemas: it is the JSON object as received.
    assert type(page) is dict
    by_name = {p["package_name"]: p for p in page["providers"]}
    assert BUNDLED_PROVIDERS <= set(by_name)
    for provider in page["providers"]:
        assert re.fullmatch(r"\d+\.\d+\.\d+\S*", provider["version"]), provider
        assert provider["description"]
    assert "HTTP" in by_name["apache-airflow-providers-http"]["description"]
    assert page["total_entries"] == len(page["providers"])
    status, raw = airflow.request("GET", "/providers")
    assert status == 200 and page == raw


def test_viewer_may_not_list_providers(viewer_client):
    with pytest.raises(ForbiddenException) as caught:
        provider_api.ProviderApi(viewer_client).get_providers()
    assert caught.value.status == 403


def test_providers_call_takes_no_paging_arguments(admin_client):
    with pytest.raises(ApiTypeError):
        provider_api.ProviderApi(admin_client).get_providers(limit=1)


# -- plugins ------------------------------------------------------------------------------------------------


def test_server_without_plugins_lists_none(admin_client):
    page = plugin_api.PluginApi(admin_client).get_plugins()
    assert isinstance(page, PluginCollection)
    assert page.plugins == [] and page.total_entries == 0


def test_plugin_in_the_plugins_folder_is_listed_with_what_it_adds(configured_client, configured_airflow):
    page = plugin_api.PluginApi(configured_client).get_plugins()
    assert isinstance(page, PluginCollection) and page.total_entries == 1
    (plugin,) = page.plugins
    assert isinstance(plugin, PluginCollectionItem)
    assert plugin.name == "client_test_plugin"
    assert plugin.source == "$PLUGINS_FOLDER/client_test_plugin.py"
    assert plugin.hooks == ["client_test_plugin.EchoHook"]
    assert plugin.macros == ["client_test_plugin.shout"]
    assert plugin.timetables == ["client_test_plugin.NeverTimetable"]
    assert plugin.listeners == ["client_test_plugin.RunListener"]
    assert plugin.ti_deps == ["<TIDep(Always met)>"]
    assert plugin.global_operator_extra_links == ["<client_test_plugin.DocsLink object>"]
    assert len(plugin.flask_blueprints) == 1 and "client_test_bp" in plugin.flask_blueprints[0]
    assert plugin.appbuilder_menu_items == [{"name": "Client test docs", "href": "https://example.com/menu"}]
    assert plugin.appbuilder_views == [] and plugin.operator_extra_links == [] and plugin.executors == []
    status, raw = configured_airflow.request("GET", "/plugins")
    assert status == 200 and page.to_dict() == raw


def test_plugins_page_with_limit_and_offset(configured_client):
    api = plugin_api.PluginApi(configured_client)
    first = api.get_plugins(limit=1, offset=0)
    assert [p.name for p in first.plugins] == ["client_test_plugin"] and first.total_entries == 1
    past_the_end = api.get_plugins(limit=1, offset=1)
    assert past_the_end.plugins == [] and past_the_end.total_entries == 1


def test_viewer_may_not_list_plugins(viewer_client):
    with pytest.raises(ForbiddenException) as caught:
        plugin_api.PluginApi(viewer_client).get_plugins()
    assert caught.value.status == 403


# -- connection tests, on the server that enables them ---------------------------------------------------------


def test_connection_test_runs_the_hook_when_the_server_enables_it(configured_client, tmp_path):
    api = connection_api.ConnectionApi(configured_client)
    conn_id = f"conn_test_{uuid.uuid4().hex[:10]}"
    result = api.test_connection(Connection(connection_id=conn_id, conn_type="sqlite", host=str(tmp_path / "t.db")))
    assert isinstance(result, ConnectionTest)
    assert result.status is True and result.message == "Connection successfully tested"

    failed = api.test_connection({"connection_id": conn_id, "conn_type": "sqlite",
                                  "host": str(tmp_path / "missing" / "dir" / "t.db")})
    assert failed.status is False and "unable to open database file" in failed.message
    refused = api.test_connection(Connection(connection_id=conn_id, conn_type="ftp", host="127.0.0.1",
                                             port=local_airflow.free_port(), login="x", password="pw"))
    assert refused.status is False and "refused" in refused.message.lower()
    with pytest.raises(NotFoundException):
        api.get_connection(conn_id)  # testing saves nothing
