"""AWS resources for tests, created from template.yaml on moto so they cannot drift."""

from __future__ import annotations

from functools import cache
from pathlib import Path
from typing import Any

import boto3

from local.template import LOCAL_PARAMETERS, Physical, Template

ROOT = Path(__file__).resolve().parents[2]
REGION = "us-east-1"


@cache
def template() -> Template:
    return Template.from_file(ROOT / "template.yaml", region=REGION, parameters=LOCAL_PARAMETERS)


def _table_kwargs(name: str, props: dict[str, Any]) -> dict[str, Any]:
    kwargs: dict[str, Any] = {
        "TableName": name,
        "AttributeDefinitions": props["AttributeDefinitions"],
        "KeySchema": props["KeySchema"],
        "BillingMode": props.get("BillingMode", "PAY_PER_REQUEST"),
    }
    if props.get("GlobalSecondaryIndexes"):
        kwargs["GlobalSecondaryIndexes"] = props["GlobalSecondaryIndexes"]
    if props.get("StreamSpecification"):
        kwargs["StreamSpecification"] = {"StreamEnabled": True, **props["StreamSpecification"]}
    return kwargs


def create_tables() -> dict[str, str]:
    """Every AWS::DynamoDB::Table of the template, named after its logical id."""
    tpl = template()
    client = boto3.client("dynamodb", region_name=REGION)
    names: dict[str, str] = {}
    physical = {lid: Physical(ref=lid) for lid in tpl.resources}
    for logical_id, resource in tpl.resources.items():
        if resource["Type"] != "AWS::DynamoDB::Table":
            continue
        props = tpl.resolve(resource.get("Properties", {}), physical)
        client.create_table(**_table_kwargs(logical_id, props))
        names[logical_id] = logical_id
    return names


def create_buckets() -> dict[str, str]:
    tpl = template()
    client = boto3.client("s3", region_name=REGION)
    names: dict[str, str] = {}
    for logical_id, resource in tpl.resources.items():
        if resource["Type"] == "AWS::S3::Bucket":
            name = logical_id.lower()
            client.create_bucket(Bucket=name)
            names[logical_id] = name
    return names


def function_environment(logical_id: str, physical: dict[str, str]) -> dict[str, str]:
    """The environment the template gives a function, with physical names of our resources."""
    tpl = template()
    resource = tpl.resources[logical_id]
    refs = {lid: Physical(ref=physical.get(lid, lid)) for lid in tpl.resources}
    env = resource.get("Properties", {}).get("Environment", {}).get("Variables", {})
    return {k: str(v) for k, v in tpl.resolve(env, refs).items()}
