"""Every UserApi, RoleApi and PermissionApi operation against a real Airflow 2.11.2 (FAB auth manager)."""

from __future__ import annotations

import uuid
from datetime import datetime, timedelta, timezone

import pytest

import airflow_client.client as client
from airflow_client.client.api import permission_api, pool_api, role_api, user_api, variable_api
from airflow_client.client.exceptions import (
    ApiTypeError,
    ApiValueError,
    BadRequestException,
    ConflictException,
    ForbiddenException,
    NotFoundException,
)
from airflow_client.client.model.action import Action
from airflow_client.client.model.action_collection import ActionCollection
from airflow_client.client.model.action_resource import ActionResource
from airflow_client.client.model.role import Role
from airflow_client.client.model.role_collection import RoleCollection
from airflow_client.client.model.user import User
from airflow_client.client.model.user_collection import UserCollection
from airflow_client.client.model.user_collection_item import UserCollectionItem
from test.server_files import unique
from tools.local_airflow import quote_segment

pytestmark = pytest.mark.integration

BUILT_IN_ROLES = {"Admin", "Op", "User", "Viewer", "Public"}
FAB_ACTIONS = {"can_read", "can_edit", "can_create", "can_delete", "menu_access"}



def permission(action: str, resource: str) -> dict:
    return {"action": {"name": action}, "resource": {"name": resource}}


def granted(role: Role) -> set[tuple[str, str]]:
    return {(p.action.name, p.resource.name) for p in role.actions}


def names_of(username: str) -> dict[str, str]:
    """The fields Airflow 2.11.2 wants in every user body, even a masked patch."""
    return {"username": username, "first_name": "Test", "last_name": "Person", "email": f"{username}@example.com"}



@pytest.fixture(scope="module")
def roles(admin_client) -> role_api.RoleApi:
    return role_api.RoleApi(admin_client)


@pytest.fixture(scope="module")
def users(admin_client) -> user_api.UserApi:
    return user_api.UserApi(admin_client)


def as_utc(text: str) -> datetime:
    """A user timestamp as Airflow sends it (ISO 8601, without an offset, in UTC) as an aware datetime."""
    return datetime.fromisoformat(text).replace(tzinfo=timezone.utc)


def client_as(airflow, username: str, password: str) -> client.ApiClient:
    config = client.Configuration(host=airflow.host, username=username, password=password)
    return client.ApiClient(config)


# -- roles --------------------------------------------------------------------------------------------------


def test_role_round_trip_create_read_patch_delete(roles, cleanup):
    name = unique("röle x+y")
    renamed = unique("renamed röle")
    cleanup += [f"/roles/{quote_segment(name)}", f"/roles/{quote_segment(renamed)}"]

    created = roles.post_role(Role(name=name, actions=[permission("can_read", "DAGs")]))
    # The spec promises the created role; Airflow 2.11.2 answers an empty one, so read it back.
    assert isinstance(created, Role) and created.to_dict() == {}
    got = roles.get_role(name)
    assert isinstance(got, Role) and got.name == name
    assert all(isinstance(p, ActionResource) and isinstance(p.action, Action) for p in got.actions)
    assert granted(got) == {("can_read", "DAGs")}

    # Without a mask the permissions sent are added; the spec suggests a replace, but none is removed.
    patched = roles.patch_role(name, {"name": name, "actions": [permission("can_read", "Pools")]})
    assert isinstance(patched, Role)
    assert granted(patched) == {("can_read", "DAGs"), ("can_read", "Pools")}
    roles.patch_role(name, Role(name=name, actions=[]))
    assert granted(roles.get_role(name)) == {("can_read", "DAGs"), ("can_read", "Pools")}

    # With update_mask=["name"] only the name changes: the permission in the body is not added.
    patched = roles.patch_role(name, Role(name=renamed, actions=[permission("can_edit", "Pools")]),
                               update_mask=["name"])
    assert patched.name == renamed
    assert granted(roles.get_role(renamed)) == {("can_read", "DAGs"), ("can_read", "Pools")}
    with pytest.raises(NotFoundException):
        roles.get_role(name)

    # With update_mask=["actions"] the name in the body is ignored and the permissions are added.
    roles.patch_role(renamed, {"name": "ignored", "actions": [permission("can_edit", "Pools")]},
                     update_mask=["actions"])
    got = roles.get_role(renamed)
    assert got.name == renamed
    assert granted(got) == {("can_read", "DAGs"), ("can_read", "Pools"), ("can_edit", "Pools")}

    assert roles.delete_role(renamed) is None
    with pytest.raises(NotFoundException) as caught:
        roles.get_role(renamed)
    assert caught.value.status == 404 and caught.value.title == "Role not found"
    with pytest.raises(NotFoundException):
        roles.delete_role(renamed)


def test_role_with_unknown_action_or_resource_is_refused(roles):
    name = unique("role_bad")
    with pytest.raises(BadRequestException) as caught:
        roles.post_role({"name": name, "actions": [permission("can_fly", "DAGs")]})
    assert "can_fly" in caught.value.detail
    with pytest.raises(BadRequestException) as caught:
        roles.post_role({"name": name, "actions": [permission("can_read", "No Such Resource")]})
    assert "No Such Resource" in caught.value.detail
    with pytest.raises(NotFoundException):
        roles.get_role(name)


def test_duplicate_role_is_a_conflict(roles, cleanup):
    name = unique("role_dup")
    cleanup.append(f"/roles/{name}")
    roles.post_role({"name": name, "actions": []})
    with pytest.raises(ConflictException) as caught:
        roles.post_role({"name": name, "actions": [permission("can_read", "DAGs")]})
    assert caught.value.status == 409 and name in caught.value.detail
    assert roles.get_role(name).actions == []


def test_listing_roles_pages_and_orders(roles, cleanup):
    prefix = unique("role_list")
    created = [f"{prefix}_{n}" for n in ("a", "b")]
    for name in created:
        cleanup.append(f"/roles/{name}")
        roles.post_role({"name": name, "actions": [permission("can_read", "Pools")]})

    page = roles.get_roles(order_by="name", limit=100)
    assert isinstance(page, RoleCollection)
    everything = [r.name for r in page.roles]
    assert everything == sorted(everything) and page.total_entries == len(everything)
    assert BUILT_IN_ROLES <= set(everything)
    assert [n for n in everything if n.startswith(prefix)] == created
    by_name = {r.name: r for r in page.roles}
    assert ("can_read", "DAGs") in granted(by_name["Viewer"])
    assert ("can_edit", "Variables") not in granted(by_name["Viewer"])
    assert by_name["Public"].actions == []
    by_id = [r.name for r in roles.get_roles(order_by="role_id", limit=100).roles]
    assert by_id[0] == "Admin" and set(by_id) == set(everything)

    start = everything.index(created[0])
    window = roles.get_roles(order_by="name", limit=2, offset=start)
    assert [r.name for r in window.roles] == created
    assert window.total_entries == len(everything)

    # The spec allows a leading "-" for descending order; Airflow 2.11.2 refuses it with 400.
    with pytest.raises(BadRequestException) as caught:
        roles.get_roles(order_by="-name")
    assert "-name" in caught.value.detail


def test_viewer_may_not_create_roles(viewer_client, roles):
    viewer = role_api.RoleApi(viewer_client)
    name = unique("role_viewer")
    with pytest.raises(ForbiddenException) as caught:
        viewer.post_role({"name": name, "actions": []})
    assert caught.value.status == 403 and caught.value.method == "POST"
    with pytest.raises(ForbiddenException):
        viewer.get_roles()
    with pytest.raises(NotFoundException):
        roles.get_role(name)


def test_missing_role_is_not_found(roles):
    name = unique("no_such_role")
    with pytest.raises(NotFoundException) as caught:
        roles.patch_role(name, {"name": name, "actions": []})
    assert caught.value.status == 404 and name in caught.value.detail


def test_bad_role_arguments_are_refused_before_sending(roles, airflow):
    name = unique("role_args")
    with pytest.raises(ApiTypeError):
        Role(name=name, actions=permission("can_read", "DAGs"))  # a list is due
    with pytest.raises(ApiTypeError):
        roles.post_role({"name": name, "actions": [{"action": {"name": 7}, "resource": {"name": "DAGs"}}]})
    with pytest.raises(ApiTypeError):
        roles.get_roles(limit="3")
    status, _ = airflow.request("GET", f"/roles/{name}")
    assert status == 404


# -- users --------------------------------------------------------------------------------------------------


def test_user_round_trip_create_read_patch_delete(users):
    username = unique("user")
    names = names_of(username)
    secret = "pw-" + uuid.uuid4().hex
    body = User(**names, password=secret, roles=[{"name": "Viewer"}])
    for shown in (repr(body), str(body), body.to_str()):
        assert secret not in shown and "***" in shown
    before = datetime.now(timezone.utc) - timedelta(minutes=1)

    created = users.post_user(body)
    assert isinstance(created, User)
    assert {k: created[k] for k in names} == names
    assert created.roles == [{"name": "Viewer"}]
    assert created.active is True
    assert "password" not in created
    # Typed str, as in apache-airflow-client; Airflow sends them without an offset, in UTC.
    assert as_utc(created.created_on) >= before
    assert as_utc(created.changed_on) >= before

    got = users.get_user(username)
    assert isinstance(got, UserCollectionItem)
    assert {k: got[k] for k in names} == names and got.roles == [{"name": "Viewer"}]
    assert "password" not in got
    assert got.last_login is None and got.login_count is None
    # The spec names it failed_login_count; Airflow 2.11.2 sends fail_login_count, kept as sent.
    assert "fail_login_count" in got.to_dict()

    # Even with update_mask the body must carry the names (the spec requires none of them).
    patched = users.patch_user(username, User(**names, roles=[{"name": "Op"}]), update_mask=["roles"])
    assert isinstance(patched, UserCollectionItem) and patched.roles == [{"name": "Op"}]
    assert users.get_user(username).roles == [{"name": "Op"}]

    changed = {**names, "first_name": "Renée", "email": f"new.{username}@example.com"}
    patched = users.patch_user(username, changed)
    assert (patched.first_name, patched.email) == ("Renée", changed["email"])
    got = users.get_user(username)
    assert (got.first_name, got.last_name, got.email, got.roles) == (
        "Renée", "Person", changed["email"], [{"name": "Op"}])

    assert users.delete_user(username) is None
    with pytest.raises(NotFoundException) as caught:
        users.get_user(username)
    assert caught.value.status == 404 and caught.value.title == "User not found"
    with pytest.raises(NotFoundException):
        users.delete_user(username)


def test_patch_user_needs_the_names_even_with_update_mask(users, cleanup):
    username = unique("user_mask")
    cleanup.append(f"/users/{username}")
    users.post_user({**names_of(username), "password": "pw", "roles": [{"name": "Viewer"}]})
    # The spec requires none of these fields; Airflow 2.11.2 refuses the patch without them.
    with pytest.raises(BadRequestException) as caught:
        users.patch_user(username, {"roles": [{"name": "Op"}]}, update_mask=["roles"])
    for field in ("first_name", "last_name", "username", "email"):
        assert field in caught.value.detail
    assert users.get_user(username).roles == [{"name": "Viewer"}]


def test_password_and_role_decide_what_a_new_user_may_do(airflow, users, roles, cleanup):
    role_name, username = unique("pool_reader"), unique("user_login")
    cleanup += [f"/users/{username}", f"/roles/{role_name}"]
    roles.post_role(Role(name=role_name, actions=[permission("can_read", "Pools")]))
    first, second = "pw1-" + uuid.uuid4().hex, "pw2-" + uuid.uuid4().hex
    users.post_user(User(**names_of(username), password=first, roles=[{"name": role_name}]))

    with client_as(airflow, username, first) as own:
        assert "default_pool" in {p.name for p in pool_api.PoolApi(own).get_pools().pools}
        with pytest.raises(ForbiddenException):
            variable_api.VariableApi(own).get_variables()  # the role grants pools only
    user = users.get_user(username)
    assert user.login_count >= 1 and as_utc(user.last_login) >= as_utc(user.created_on)

    # A wrong password is refused with 403 (the spec documents 401) and counted.
    bad = "bad-" + uuid.uuid4().hex
    with client_as(airflow, username, bad) as wrong, pytest.raises(ForbiddenException) as caught:
        pool_api.PoolApi(wrong).get_pools()
    assert caught.value.status == 403 and bad not in str(caught.value)
    user = users.get_user(username)
    # Airflow 2.11.2 names it fail_login_count; the spec says failed_login_count: both names read it.
    assert user.fail_login_count == user["fail_login_count"] == user.to_dict()["fail_login_count"] == 1
    assert user.failed_login_count == 1

    users.patch_user(username, User(**names_of(username), password=second), update_mask=["password"])
    with client_as(airflow, username, first) as old, pytest.raises(ForbiddenException):
        pool_api.PoolApi(old).get_pools()
    with client_as(airflow, username, second) as new:
        assert pool_api.PoolApi(new).get_pools().total_entries >= 1
    user = users.get_user(username)
    assert user.fail_login_count == 0  # reset by the successful login
    assert user.roles == [{"name": role_name}]  # the password patch left the roles alone


def test_user_given_no_roles_gets_the_default_registration_role(users, cleanup):
    username = unique("user_public")
    cleanup.append(f"/users/{username}")
    created = users.post_user(User(**names_of(username), password="pw"))
    assert created.roles == [{"name": "Public"}]


def test_duplicate_username_is_a_conflict(users, cleanup):
    username = unique("user_dup")
    cleanup.append(f"/users/{username}")
    users.post_user({**names_of(username), "password": "pw", "roles": [{"name": "Viewer"}]})
    with pytest.raises(ConflictException) as caught:
        users.post_user({**names_of(username), "email": f"other.{username}@example.com", "password": "pw"})
    assert caught.value.status == 409 and username in caught.value.detail


def test_listing_users_pages_and_orders(users, airflow, cleanup):
    prefix = unique("user_list")
    created = [f"{prefix}_{n}" for n in ("a", "b")]
    for username in created:
        cleanup.append(f"/users/{username}")
        users.post_user({**names_of(username), "password": "pw", "roles": [{"name": "Viewer"}]})

    page = users.get_users(order_by="email", limit=100)
    assert isinstance(page, UserCollection)
    assert all(isinstance(u, UserCollectionItem) and "password" not in u for u in page.users)
    emails = [u.email for u in page.users]
    assert emails == sorted(emails) and page.total_entries == len(emails)
    by_name = {u.username: u for u in page.users}
    assert {"admin", "viewer", *created} <= set(by_name)
    assert by_name["admin"].roles == [{"name": "Admin"}] and by_name["viewer"].roles == [{"name": "Viewer"}]
    assert by_name["admin"].login_count >= 1 and by_name["admin"].last_login is not None
    # Airflow sends the user timestamps without an offset: by default they are kept as sent; with
    # timestamps_as_datetime they are UTC and decode to aware datetimes.
    status, raw = airflow.request("GET", "/users/viewer")
    assert status == 200 and "+" not in raw["created_on"]
    assert by_name["viewer"].created_on == raw["created_on"]
    config = client.Configuration(host=airflow.host, username=airflow.admin[0], password=airflow.admin[1])
    config.timestamps_as_datetime = True
    with client.ApiClient(config) as api_client:
        viewer = user_api.UserApi(api_client).get_users(order_by="email", limit=100)
    (as_datetime,) = [u for u in viewer.users if u.username == "viewer"]
    assert as_datetime.created_on == as_utc(raw["created_on"])

    start = emails.index(f"{created[0]}@example.com")
    window = users.get_users(order_by="email", limit=2, offset=start)
    assert [u.username for u in window.users] == created
    assert window.total_entries == len(emails)
    by_id = [u.username for u in users.get_users(order_by="id", limit=100).users]
    assert by_id[:2] == ["admin", "viewer"]  # the harness creates them first, in that order

    # The spec allows "-" for descending order and `username`; Airflow 2.11.2 refuses both with 400.
    for order_by in ("-email", "username"):
        with pytest.raises(BadRequestException) as caught:
            users.get_users(order_by=order_by)
        assert order_by in caught.value.detail


def test_viewer_may_not_create_users(viewer_client, users):
    viewer = user_api.UserApi(viewer_client)
    username = unique("user_viewer")
    with pytest.raises(ForbiddenException) as caught:
        viewer.post_user(User(**names_of(username), password="pw", roles=[{"name": "Admin"}]))
    assert caught.value.status == 403 and caught.value.method == "POST"
    with pytest.raises(NotFoundException):
        users.get_user(username)


def test_missing_user_is_not_found(users):
    username = unique("no_such_user")
    with pytest.raises(NotFoundException) as caught:
        users.patch_user(username, names_of(username))
    assert caught.value.status == 404 and username in caught.value.detail


def test_bad_user_arguments_are_refused_before_sending(users, airflow):
    username = unique("user_args")
    with pytest.raises(ApiTypeError) as caught:
        User(**names_of(username), password=27182818)
    assert "27182818" not in str(caught.value)
    with pytest.raises(ApiTypeError):
        users.post_user({**names_of(username), "roles": "Viewer"})
    with pytest.raises(ApiValueError) as caught:
        users.post_user(User(**names_of(username), login_count=3))  # read-only: set by the server
    assert "login_count" in str(caught.value)
    status, _ = airflow.request("GET", f"/users/{username}")
    assert status == 404


# -- permissions --------------------------------------------------------------------------------------------


def test_permissions_list_the_fab_actions_and_page(admin_client):
    api = permission_api.PermissionApi(admin_client)
    page = api.get_permissions()
    assert isinstance(page, ActionCollection)
    assert all(isinstance(a, Action) for a in page.actions)
    everything = [a.name for a in page.actions]
    assert set(everything) == FAB_ACTIONS and page.total_entries == len(everything) == 5
    window = api.get_permissions(limit=2, offset=1)
    assert [a.name for a in window.actions] == everything[1:3]
    assert window.total_entries == 5
    assert api.get_permissions(offset=5).actions == []


def test_viewer_may_not_list_permissions(viewer_client):
    with pytest.raises(ForbiddenException) as caught:
        permission_api.PermissionApi(viewer_client).get_permissions()
    assert caught.value.status == 403


def test_bad_permission_arguments_are_refused_before_sending(admin_client):
    api = permission_api.PermissionApi(admin_client)
    with pytest.raises(ApiTypeError):
        api.get_permissions(limit="2")
    with pytest.raises(ApiTypeError):
        api.get_permissions(order_by="name")  # no such parameter
