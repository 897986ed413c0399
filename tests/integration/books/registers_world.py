"""The site office's people beside the test world: a clerk, finance and the gate, with managers who have phones."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import boto3
import pytest

from propdesk.dal.directory import DirectoryStore
from propdesk.models.directory import Staff
from propdesk.models.enums import Department, Language, Role
from tests.support.seed import World, user

OFFICE_STAFF = [
    ("clerk", "SUN", Role.OFFICE_CLERK, Department.CUSTOMER_SERVICE, None, Language.ZH_CN),
    ("finance", "SUN", Role.FINANCE, Department.CUSTOMER_SERVICE, None, Language.ZH_CN),
    ("gate", "SUN", Role.SECURITY, Department.SECURITY, None, Language.ZH_CN),
    ("moonclerk", "MOON", Role.OFFICE_CLERK, Department.CUSTOMER_SERVICE, None, Language.ZH_CN),
    ("manager_en", "SUN", Role.MANAGER, Department.CUSTOMER_SERVICE, "+8613900000002", Language.EN),
]


def add_office(world: World, directory_table: str) -> World:
    """The office's staff, and the property's Chinese-speaking manager given a phone for escalations."""
    store = DirectoryStore(directory_table)
    for sid, pid, role, dept, phone, language in OFFICE_STAFF:
        member = Staff(
            id=sid,
            property_id=pid,
            name=sid.title(),
            role=role,
            department=dept,
            phone=phone,
            language=language,
            user_sub=f"sub-{sid}",
        )
        store.put(member, create=True)
        world.users[sid] = user(f"sub-{sid}", role.value)
    manager = store.get(Staff, "SUN", "manager")
    assert manager is not None
    store.put(manager.model_copy(update={"phone": "+8613900000001"}), create=False)
    return world


def sms_sent() -> list[tuple[str, str]]:
    """Every SMS sent through SNS in this moto account: (phone, text), in order."""
    from moto.sns.models import sns_backends

    return list(sns_backends["123456789012"]["us-east-1"].sms_messages.values())


def upload_signature(api: Any, who: dict[str, Any], path: str, bucket: str) -> str:
    """Ask for the signature's upload URL and put the image there, as the office's tablet does."""
    reply = api.post(f"{path}/signature", who, body={"content_type": "image/png"})
    assert reply.status == 201, reply.body
    boto3.client("s3", region_name="us-east-1").put_object(Bucket=bucket, Key=reply.body["key"], Body=b"\x89PNG")
    return str(reply.body["key"])


class Office:
    """One moto account for a whole test module: the world, the office, and the API driving it."""

    def __init__(self, physical: dict[str, str], world: World, api: Any) -> None:
        self.physical = physical
        self.world = world
        self.api = api

    def __getitem__(self, name: str) -> dict[str, Any]:
        return self.world[name]

    def fresh_books(self) -> None:
        """Empty registers and outbox for the next test: the books table is made again, SMS are forgotten."""
        from moto.sns.models import sns_backends

        from tests.support import infra

        client = boto3.client("dynamodb", region_name=infra.REGION)
        name = self.physical["BooksTable"]
        client.delete_table(TableName=name)
        tpl = infra.template()
        props = tpl.resources["BooksTable"]["Properties"]
        client.create_table(
            TableName=name,
            AttributeDefinitions=props["AttributeDefinitions"],
            KeySchema=props["KeySchema"],
            BillingMode="PAY_PER_REQUEST",
            GlobalSecondaryIndexes=props["GlobalSecondaryIndexes"],
        )
        sns_backends["123456789012"]["us-east-1"].sms_messages.clear()


def office_account(environment: dict[str, str]) -> Iterator[Office]:
    """A module's moto account built from template.yaml, with the API's environment (and `environment` over it)."""
    from moto import mock_aws

    from tests.support import infra
    from tests.support.api import ApiClient, reset_api_state
    from tests.support.seed import seed

    with mock_aws(config={"stepfunctions": {"execute_state_machine": True}}), pytest.MonkeyPatch.context() as patch:
        physical = {**infra.create_tables(), **infra.create_buckets()}
        for key, value in {**infra.function_environment("ApiFunction", physical), **environment}.items():
            patch.setenv(key, value)
        world = add_office(seed(physical["DirectoryTable"]), physical["DirectoryTable"])
        reset_api_state()
        yield Office(physical, world, ApiClient())
        reset_api_state()
