"""Who may see what: Principal.can_see for every role, and every shape of the Cognito groups claim."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from propdesk.access import SYSTEM, Principal, parse_groups, roles_from_claims
from propdesk.errors import Forbidden, NotFound, Unauthenticated
from propdesk.models.enums import Role
from propdesk.models.ticket import Ticket

NOW = datetime(2026, 11, 23, 2, 0, tzinfo=UTC)


def ticket(property_id: str = "SUN", resident_id: str | None = "zhang", assignee_id: str | None = None) -> Ticket:
    return Ticket(
        id="t_1",
        number="SUN-20261123-0001",
        property_id=property_id,
        kind="repair",
        channel="app",
        status="received",
        description="漏水",
        resident_id=resident_id,
        assignee_id=assignee_id,
        created_by="zhang",
        created_at=NOW,
        updated_at=NOW,
    )


OWN = ticket()
OTHER_RESIDENTS = ticket(resident_id="smith")
OTHER_PROPERTYS = ticket(property_id="MOON", resident_id="moonres")


def principal(role: Role, property_id: str | None = "SUN", user_id: str = "u1") -> Principal:
    if role is Role.RESIDENT:
        return Principal("zhang", role, property_id, unit_id="U101")
    return Principal(user_id, role, property_id)


STAFF = [r for r in Role if r not in (Role.RESIDENT, Role.SYSTEM, Role.CONTRACTOR)]


# (role, property of the caller) -> sees (own / other resident's / other property's) ticket
@pytest.mark.parametrize(
    ("role", "where", "sees"),
    [(Role.RESIDENT, "SUN", (True, False, False)), (Role.CONTRACTOR, "SUN", (False, False, False))]
    + [(role, "SUN", (True, True, False)) for role in STAFF]
    + [(role, None, (True, True, True)) for role in (Role.CALLCENTRE_AGENT, Role.MANAGER)],
)
def test_can_see(role, where, sees):
    # Given a caller of this role and property; Then they see exactly the expected tickets
    who = principal(role, where)
    assert (who.can_see(OWN), who.can_see(OTHER_RESIDENTS), who.can_see(OTHER_PROPERTYS)) == sees


def test_contractor_sees_only_what_is_routed_to_them_in_their_property():
    who = principal(Role.CONTRACTOR, user_id="contractor")
    assert who.can_see(ticket(assignee_id="contractor"))
    assert not who.can_see(ticket(assignee_id="tech"))
    assert not who.can_see(ticket(property_id="MOON", assignee_id="contractor"))


def test_a_resident_id_reused_in_another_property_sees_nothing_here():
    # Given a MOON resident whose id happens to equal a SUN resident's id
    moon_zhang = Principal("zhang", Role.RESIDENT, "MOON", unit_id="U101")
    # Then SUN zhang's ticket stays invisible to them: ids are per property
    assert not moon_zhang.can_see(OWN)


def test_system_sees_everything():
    assert SYSTEM.group_level and SYSTEM.can_see(OTHER_PROPERTYS)


def test_require_ticket_is_404_without_data():
    who = principal(Role.RESIDENT)
    assert who.require_ticket(OWN, "t_1") is OWN
    for hidden in (OTHER_RESIDENTS, None):
        with pytest.raises(NotFound) as caught:
            who.require_ticket(hidden, "t_1")
        assert caught.value.status == 404 and caught.value.message == "ticket t_1 not found"


def test_require_property_and_role():
    desk = principal(Role.DESK_AGENT)
    desk.require_property("SUN")
    with pytest.raises(NotFound):
        desk.require_property("MOON")
    desk.require_role(Role.DESK_AGENT, Role.MANAGER)
    with pytest.raises(Forbidden) as caught:
        desk.require_role(Role.MANAGER)
    assert caught.value.status == 403 and "manager" in caught.value.message


def test_residents_are_never_group_level():
    assert not Principal("zhang", Role.RESIDENT, None).group_level
    assert Principal("cc", Role.CALLCENTRE_AGENT, None).group_level


@pytest.mark.parametrize(
    ("raw", "groups"),
    [
        (["desk_agent", "manager"], ["desk_agent", "manager"]),  # a real list
        (("desk_agent",), ["desk_agent"]),
        ("[desk_agent manager]", ["desk_agent", "manager"]),  # API Gateway's stringified list
        ("[desk_agent]", ["desk_agent"]),
        ("[]", []),
        ("desk_agent,manager", ["desk_agent", "manager"]),
        ("desk_agent, manager", ["desk_agent", "manager"]),
        ("desk_agent", ["desk_agent"]),
        ('["desk_agent", "manager"]', ["desk_agent", "manager"]),  # JSON
        ('["desk_agent" "manager"]', ["desk_agent", "manager"]),  # JSON-ish, no comma
        ("['desk_agent']", ["'desk_agent'"]),  # single quotes are not a shape API Gateway sends
        ("  [ desk_agent ,  manager ]  ", ["desk_agent", "manager"]),
        ("", []),
        (None, []),
        ([" desk_agent ", ""], ["desk_agent"]),
    ],
)
def test_parse_groups(raw, groups):
    assert parse_groups(raw) == groups


@pytest.mark.parametrize("raw", [42, {"a": 1}, 3.5])
def test_parse_groups_refuses_unknown_shapes(raw):
    with pytest.raises(Unauthenticated):
        parse_groups(raw)


def test_roles_from_claims_keeps_known_roles_only():
    claims = {"cognito:groups": "[janitor desk_agent system resident]"}
    assert roles_from_claims(claims) == [Role.DESK_AGENT, Role.RESIDENT]  # "system" is never a token role
    assert roles_from_claims({}) == []
