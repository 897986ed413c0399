"""The local runtime's template reader (intrinsic functions, Globals, order) and schedule expressions."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest

from local.schedule_expr import ScheduleExpression, ScheduleExpressionError
from local.template import Physical, Template, TemplateError, load_file

ROOT = Path(__file__).resolve().parents[2]

BODY = """
Parameters:
  Stage: {Type: String, Default: dev, AllowedValues: [dev, prod]}
  Zones: {Type: CommaDelimitedList, Default: "a,b"}
Mappings:
  Sizes:
    dev: {memory: 256}
    prod: {memory: 1024}
Conditions:
  IsProd: !Equals [!Ref Stage, prod]
  NotProd: !Not [!Condition IsProd]
  Both: !And [!Condition NotProd, !Equals [!Ref "AWS::Region", eu-west-1]]
  Either: !Or [!Condition IsProd, !Condition NotProd]
Globals:
  Function:
    Layers: [!Ref Layer]
    Environment:
      Variables: {SHARED: "1", OVERRIDDEN: global}
Resources:
  Table: {Type: AWS::DynamoDB::Table, Properties: {}}
  Layer: {Type: AWS::Serverless::LayerVersion, Properties: {ContentUri: layer/}}
  OnlyInProd: {Type: AWS::SNS::Topic, Condition: IsProd}
  Fn:
    Type: AWS::Serverless::Function
    Properties:
      Layers: [other]
      Environment:
        Variables:
          OVERRIDDEN: local
          TABLE: !Ref Table
          STREAM: !GetAtt Table.StreamArn
          DOTTED: !GetAtt [Table, Arn]
          SUB: !Sub "${AWS::StackName}-${Table}-${Table.Arn}-${!Literal}"
          SUB_VARS: !Sub ["${Name}@${AWS::Region}", {Name: !Ref Stage}]
          JOINED: !Join ["/", [a, !Ref Stage, !Select [1, !Ref Zones]]]
          SPLIT: !Select [2, !Split [":", "arn:aws:sns"]]
          MEMORY: !FindInMap [Sizes, !Ref Stage, memory]
          AZ: !Select [0, !GetAZs ""]
          IF: !If [IsProd, prod-value, !Ref "AWS::NoValue"]
          IF_ELSE: !If [NotProd, not-prod, prod]
          EITHER: !If [Either, "yes", "no"]
          BOTH: !If [Both, "yes", "no"]
          ACCOUNT: !Sub "${AWS::AccountId}:${AWS::Partition}:${AWS::URLSuffix}"
"""


@pytest.fixture
def template(tmp_path: Path) -> Template:
    path = tmp_path / "template.yaml"
    path.write_text(BODY, encoding="utf-8")
    return Template.from_file(path, region="us-east-1", account_id="123456789012", stack_name="st")


def _physical() -> dict[str, Physical]:
    return {
        "Table": Physical("st-Table", {"Arn": "arn:table", "StreamArn": "arn:stream"}),
        "Layer": Physical("arn:layer:1"),
    }


def test_short_form_tags_become_long_form(tmp_path: Path) -> None:
    path = tmp_path / "t.yaml"
    path.write_text("A: !GetAtt X.Y.Z\nB: !Ref P\nC: !Sub s\nD: 2010-09-09\n", encoding="utf-8")

    assert load_file(path) == {
        "A": {"Fn::GetAtt": ["X", "Y.Z"]},
        "B": {"Ref": "P"},
        "C": {"Fn::Sub": "s"},
        "D": "2010-09-09",  # CloudFormation keeps dates as strings
    }


def test_every_intrinsic_function_resolves(template: Template) -> None:
    env = template.resolve(template.resources["Fn"]["Properties"], _physical())["Environment"]["Variables"]

    assert env == {
        "SHARED": "1",
        "OVERRIDDEN": "local",
        "TABLE": "st-Table",
        "STREAM": "arn:stream",
        "DOTTED": "arn:table",
        "SUB": "st-st-Table-arn:table-${Literal}",
        "SUB_VARS": "dev@us-east-1",
        "JOINED": "a/dev/b",
        "SPLIT": "sns",
        "MEMORY": 256,
        "AZ": "us-east-1a",
        "IF_ELSE": "not-prod",
        "EITHER": "yes",
        "BOTH": "no",
        "ACCOUNT": "123456789012:aws:amazonaws.com",
    }  # IF resolved to AWS::NoValue and disappeared


def test_globals_concatenate_lists_and_merge_maps(template: Template) -> None:
    props = template.resources["Fn"]["Properties"]

    assert props["Layers"] == [{"Ref": "Layer"}, "other"]
    assert props["Environment"]["Variables"]["SHARED"] == "1"


def test_parameter_overrides_flip_conditions_and_drop_resources(tmp_path: Path) -> None:
    path = tmp_path / "template.yaml"
    path.write_text(BODY, encoding="utf-8")

    dev = Template.from_file(path)
    prod = Template.from_file(path, parameters={"Stage": "prod"})

    assert "OnlyInProd" not in dev.resources
    assert "OnlyInProd" in prod.resources
    env = prod.resolve(prod.resources["Fn"]["Properties"], _physical())["Environment"]["Variables"]
    assert env["IF"] == "prod-value"
    assert env["MEMORY"] == 1024


def test_bad_parameters_and_unknown_references_are_errors(tmp_path: Path, template: Template) -> None:
    path = tmp_path / "template.yaml"
    path.write_text(BODY, encoding="utf-8")

    with pytest.raises(TemplateError, match="not one of"):
        Template.from_file(path, parameters={"Stage": "staging"})
    with pytest.raises(TemplateError, match="unknown parameters"):
        Template.from_file(path, parameters={"Nope": "x"})
    with pytest.raises(TemplateError, match="before it exists"):
        template.resolve({"Ref": "Table"}, {})
    with pytest.raises(TemplateError, match="no attribute"):
        template.resolve({"Fn::GetAtt": ["Table", "Nope"]}, _physical())


def test_resources_are_created_after_what_they_refer_to(template: Template) -> None:
    order = template.creation_order()

    assert order.index("Table") < order.index("Fn")
    assert order.index("Layer") < order.index("Fn")


def test_a_cycle_is_reported(tmp_path: Path) -> None:
    path = tmp_path / "t.yaml"
    path.write_text(
        "Resources:\n  A: {Type: X, Properties: {P: !Ref B}}\n  B: {Type: X, Properties: {P: !GetAtt A.Arn}}\n",
        encoding="utf-8",
    )

    with pytest.raises(TemplateError, match="circular"):
        Template.from_file(path).creation_order()


def test_the_project_template_resolves_in_order() -> None:
    template = Template.from_file(ROOT / "template.yaml")
    physical: dict[str, Any] = {}

    for logical_id in template.creation_order(skip=lambda _: frozenset({"Events"})):
        props = {k: v for k, v in (template.resources[logical_id].get("Properties") or {}).items() if k != "Events"}
        template.resolve(props, physical)
        physical[logical_id] = Physical(f"{logical_id}-ref", _AnyAttrs())

    assert set(physical) == set(template.resources)


class _AnyAttrs(dict[str, Any]):
    def __contains__(self, key: object) -> bool:
        return True

    def __missing__(self, key: str) -> str:
        return f"attr-{key}"


# ---------------------------------------------------------------- schedule expressions


def _utc(year: int, month: int, day: int, hour: int = 0, minute: int = 0) -> datetime:
    return datetime(year, month, day, hour, minute, tzinfo=UTC)


def test_a_daily_cron_fires_at_local_wall_clock_time() -> None:
    sweep = ScheduleExpression.parse("cron(30 20 * * ? *)", "Asia/Shanghai")

    assert sweep.next_after(_utc(2026, 11, 22, 6, 0), _utc(2026, 11, 22)) == _utc(2026, 11, 22, 12, 30)
    assert sweep.next_after(_utc(2026, 11, 22, 12, 30), _utc(2026, 11, 22)) == _utc(2026, 11, 23, 12, 30)


def test_weekday_month_day_and_daylight_saving() -> None:
    weekdays = ScheduleExpression.parse("cron(0 8 ? * MON-FRI *)", "UTC")
    monthly = ScheduleExpression.parse("cron(0 6 1 * ? *)", "Asia/Shanghai")
    new_york = ScheduleExpression.parse("cron(0 7 * * ? *)", "America/New_York")

    assert weekdays.next_after(_utc(2026, 11, 21, 9), _utc(2026, 1, 1)) == _utc(2026, 11, 23, 8)  # Sat -> Mon
    assert monthly.next_after(_utc(2026, 11, 22), _utc(2026, 1, 1)) == _utc(2026, 11, 30, 22)  # 1 Dec 06:00 +08
    assert new_york.next_after(_utc(2026, 3, 7, 13), _utc(2026, 1, 1)) == _utc(2026, 3, 8, 11)  # EDT starts 8 Mar


def test_rate_and_at_expressions() -> None:
    start = _utc(2026, 11, 22, 0, 0)
    hourly = ScheduleExpression.parse("rate(1 hour)")
    once = ScheduleExpression.parse("at(2026-11-23T09:00:00)", "Asia/Shanghai")

    assert hourly.next_after(start, start) == _utc(2026, 11, 22, 1)
    assert hourly.next_after(_utc(2026, 11, 22, 1), start) == _utc(2026, 11, 22, 2)
    assert once.next_after(start, start) == _utc(2026, 11, 23, 1)
    assert once.next_after(_utc(2026, 11, 23, 1), start) is None


@pytest.mark.parametrize("text", ["cron(0 8 * * * *)", "cron(0 8 * *)", "rate(0 hours)", "every day"])
def test_invalid_expressions_are_refused(text: str) -> None:
    with pytest.raises(ScheduleExpressionError):
        ScheduleExpression.parse(text)
