"""The 2.x UserApi, RoleApi and PermissionApi against a real Airflow 3.3.2: with the FAB auth manager they
reach its API (`/auth/fab/v1`) with FAB users logged in by name and password; without it, every call fails
saying that the server does not run that auth manager."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from typing import Any

import pytest

import airflow_client.client as client
from airflow_client.client.api import permission_api, role_api, user_api
from airflow_client.client.exceptions import ApiException, ConflictException, ForbiddenException, NotFoundException
from airflow_client.client.model.action import Action
from airflow_client.client.model.action_collection import ActionCollection
from airflow_client.client.model.action_resource import ActionResource
from airflow_client.client.model.role import Role
from airflow_client.client.model.role_collection import RoleCollection
from airflow_client.client.model.user import User
from airflow_client.client.model.user_collection import UserCollection
from airflow_client.client.model.user_collection_item import UserCollectionItem

pytestmark = pytest.mark.integration

BUILT_IN_ROLES = {"Admin", "Op", "User", "Viewer", "Public"}
FAB_ACTIONS = {"can_read", "can_edit", "can_create", "can_delete", "menu_access"}


def unique(prefix: str) -> str:
    return f"{prefix}_{uuid.uuid4().hex[:10]}"


def permission(action: str, resource: str) -> dict[str, Any]:
    return {"action": {"name": action}, "resource": {"name": resource}}


def granted(role: Role) -> set[tuple[str, str]]:
    return {(p.action.name, p.resource.name) for p in role.actions}


def names_of(username: str) -> dict[str, str]:
    return {"username": username, "first_name": "Test", "last_name": "Person", "email": f"{username}@example.com"}


def client_for(host: str, user: tuple[str, str]) -> client.ApiClient:
    return client.ApiClient(client.Configuration(host=host, username=user[0], password=user[1]))


@pytest.fixture(scope="module")
def fab_client(airflow3_fab: Any) -> Iterator[client.ApiClient]:
    """The server root as host, the FAB admin logged in by name and password."""
    with client_for(airflow3_fab.base_url, airflow3_fab.admin) as api_client:
        yield api_client


@pytest.fixture(scope="module")
def fab_viewer(airflow3_fab: Any) -> Iterator[client.ApiClient]:
    with client_for(airflow3_fab.host, airflow3_fab.viewer) as api_client:
        yield api_client


@pytest.fixture(scope="module")
def users(fab_client: client.ApiClient) -> user_api.UserApi:
    return user_api.UserApi(fab_client)


@pytest.fixture(scope="module")
def roles(fab_client: client.ApiClient) -> role_api.RoleApi:
    return role_api.RoleApi(fab_client)


# -- users --------------------------------------------------------------------------------------------------


def test_fab_users_log_in_by_name_and_password_and_read_themselves(fab_client, users):
    assert fab_client.server.generation == 3
    admin = users.get_user("admin")
    assert isinstance(admin, UserCollectionItem)
    assert admin.roles == [{"name": "Admin"}] and admin.login_count >= 1
    assert admin.failed_login_count == admin["fail_login_count"] == 0  # FAB's name, readable under 2.x's


def test_user_round_trip_create_read_patch_delete(users):
    username = unique("user_trip")
    names = names_of(username)
    created = users.post_user(User(**names, password="pw-" + uuid.uuid4().hex, roles=[{"name": "Viewer"}]))
    assert isinstance(created, UserCollectionItem)
    assert {k: created[k] for k in names} == names and created.roles == [{"name": "Viewer"}]
    assert "password" not in created

    got = users.get_user(username)
    assert got.email == names["email"] and got.last_login is None

    patched = users.patch_user(username, User(**names, roles=[{"name": "Op"}]), update_mask=["roles"])
    assert isinstance(patched, UserCollectionItem) and patched.roles == [{"name": "Op"}]
    patched = users.patch_user(username, {**names, "first_name": "Renée", "last_name": "Other"},
                               update_mask=["first_name", "last_name"])
    assert (patched.first_name, patched.last_name) == ("Renée", "Other")
    got = users.get_user(username)
    assert (got.first_name, got.last_name, got.roles) == ("Renée", "Other", [{"name": "Op"}])

    page = users.get_users(limit=100)
    assert isinstance(page, UserCollection) and {"admin", "viewer", username} <= {u.username for u in page.users}

    assert users.delete_user(username) is None
    with pytest.raises(NotFoundException) as caught:
        users.get_user(username)
    assert caught.value.status == 404 and username in caught.value.detail


def test_a_taken_username_is_a_conflict(users):
    username = unique("user_dup")
    body = {**names_of(username), "password": "pw", "roles": [{"name": "Viewer"}]}
    users.post_user(body)
    try:
        with pytest.raises(ConflictException) as caught:
            users.post_user(body)
        assert caught.value.status == 409 and username in caught.value.detail
    finally:
        users.delete_user(username)


def test_a_new_fab_user_logs_in_with_its_password_and_its_role_decides(airflow3_fab, users):
    username = unique("user_login")
    password = "pw-" + uuid.uuid4().hex
    users.post_user(User(**names_of(username), password=password, roles=[{"name": "Viewer"}]))
    try:
        with client_for(airflow3_fab.base_url, (username, password)) as own:
            with pytest.raises(ForbiddenException):
                user_api.UserApi(own).get_users()  # a Viewer may not list users
        assert users.get_user(username).login_count >= 1
        with client_for(airflow3_fab.base_url, (username, "wrong")) as wrong:
            with pytest.raises(client.exceptions.UnauthorizedException) as caught:
                user_api.UserApi(wrong).get_user(username)
        assert "wrong" not in str(caught.value)
    finally:
        users.delete_user(username)


# -- roles --------------------------------------------------------------------------------------------------


def test_role_round_trip_create_read_patch_delete(roles):
    name = unique("role x+y")  # percent-encoded in the path
    created = roles.post_role(Role(name=name, actions=[permission("can_read", "DAGs")]))
    assert isinstance(created, Role) and created.name == name
    got = roles.get_role(name)
    assert all(isinstance(p, ActionResource) and isinstance(p.action, Action) for p in got.actions)
    assert granted(got) == {("can_read", "DAGs")}

    patched = roles.patch_role(name, Role(name=name, actions=[permission("can_read", "Pools")]),
                               update_mask=["actions"])
    assert isinstance(patched, Role) and ("can_read", "Pools") in granted(patched)
    assert granted(roles.get_role(name)) == granted(patched)

    listed = roles.get_roles(limit=100)
    assert isinstance(listed, RoleCollection) and BUILT_IN_ROLES | {name} <= {r.name for r in listed.roles}
    assert listed.total_entries == len(listed.roles)

    assert roles.delete_role(name) is None
    with pytest.raises(NotFoundException):
        roles.get_role(name)


# -- permissions --------------------------------------------------------------------------------------------


def test_permissions_list_the_fab_action_names_once_each_and_page(fab_client):
    api = permission_api.PermissionApi(fab_client)
    page = api.get_permissions()
    assert isinstance(page, ActionCollection) and all(isinstance(a, Action) for a in page.actions)
    everything = [a.name for a in page.actions]
    # FAB lists over a hundred (action, resource) pairs; 2.x listed the few action names.
    assert set(everything) == FAB_ACTIONS and page.total_entries == len(everything) == 5
    window = api.get_permissions(limit=2, offset=1)
    assert [a.name for a in window.actions] == everything[1:3] and window.total_entries == 5
    assert api.get_permissions(offset=5).actions == []


def test_viewer_may_not_write_users_or_roles_nor_list_permissions(fab_viewer, users):
    username = unique("user_viewer")
    with pytest.raises(ForbiddenException) as caught:
        user_api.UserApi(fab_viewer).post_user(User(**names_of(username), password="pw", roles=[{"name": "Admin"}]))
    assert caught.value.status == 403 and caught.value.method == "POST"
    with pytest.raises(NotFoundException):
        users.get_user(username)
    with pytest.raises(ForbiddenException):
        role_api.RoleApi(fab_viewer).delete_role("Op")
    with pytest.raises(ForbiddenException):
        permission_api.PermissionApi(fab_viewer).get_permissions()


# -- without the FAB auth manager ----------------------------------------------------------------------------


@pytest.mark.parametrize("name", ["get_users", "post_user", "get_role", "delete_role", "get_permissions"])
def test_without_the_fab_auth_manager_each_call_says_what_the_server_lacks(airflow3, name):
    calls = {
        "get_users": lambda c: user_api.UserApi(c).get_users(),
        "post_user": lambda c: user_api.UserApi(c).post_user(User(**names_of("nobody"), password="pw")),
        "get_role": lambda c: role_api.RoleApi(c).get_role("Admin"),
        "delete_role": lambda c: role_api.RoleApi(c).delete_role("Admin"),
        "get_permissions": lambda c: permission_api.PermissionApi(c).get_permissions(),
    }
    with client_for(airflow3.base_url, airflow3.admin) as api_client, pytest.raises(ApiException) as caught:
        calls[name](api_client)
    message = str(caught.value)
    assert f"{name}() needs the FAB auth manager's API (/auth/fab/v1)" in message
    assert "this Airflow 3 server does not run the FAB auth manager" in message
    assert "<html" not in (caught.value.detail or "")
