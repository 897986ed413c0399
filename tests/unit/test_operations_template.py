"""What template.yaml promises an operator and an integrator: alarms, retention, limits, outputs."""

from __future__ import annotations

import json
from functools import cache
from pathlib import Path
from typing import Any

import pytest

from local.template import load_file

ROOT = Path(__file__).resolve().parents[2]


@cache
def template() -> dict[str, Any]:
    body = load_file(ROOT / "template.yaml")
    assert isinstance(body, dict)
    return body


def resources(kind: str) -> dict[str, dict[str, Any]]:
    return {lid: r for lid, r in template()["Resources"].items() if r["Type"] == kind}


def refs(value: Any) -> set[str]:
    """Every logical id a value points at through Ref or GetAtt."""
    text = json.dumps(value)
    found = set()
    for lid in template()["Resources"]:
        if f'{{"Ref": "{lid}"}}' in text or f'"Fn::GetAtt": ["{lid}"' in text or f'"Fn::GetAtt": "{lid}.' in text:
            found.add(lid)
    return found


def alarm_targets(alarm: str) -> set[str]:
    return refs(template()["Resources"][alarm]["Properties"]["Metrics"])


def dead_letter_queues() -> set[str]:
    """Queues something dead-letters into: SQS redrive targets and on-failure destinations."""
    return refs(
        [r["Properties"].get("RedrivePolicy") for r in resources("AWS::SQS::Queue").values()]
        + [
            event["Properties"].get("DestinationConfig")
            for fn in resources("AWS::Serverless::Function").values()
            for event in fn["Properties"].get("Events", {}).values()
        ]
        + [fn["Properties"].get("EventInvokeConfig") for fn in resources("AWS::Serverless::Function").values()]
        + [s["Properties"]["Target"].get("DeadLetterConfig") for s in resources("AWS::Scheduler::Schedule").values()]
    )


def test_a_message_in_any_dead_letter_queue_raises_the_alarm():
    assert dead_letter_queues() == {
        "NoticesDeadLetterQueue",
        "InboundSmsDeadLetterQueue",
        "SweepDeadLetterQueue",
        "SchedulesDeadLetterQueue",
        "WorkflowStarterDeadLetterQueue",
    }
    assert alarm_targets("DeadLetterAlarm") == dead_letter_queues()


@pytest.mark.parametrize("alarm", ["FunctionErrorsAlarm", "FunctionThrottlesAlarm"])
def test_errors_and_throttles_of_every_function_raise_an_alarm(alarm):
    assert alarm_targets(alarm) == set(resources("AWS::Serverless::Function"))


def test_failed_workflows_api_errors_and_the_sms_cap_raise_alarms():
    assert alarm_targets("WorkflowFailuresAlarm") == {"TicketWorkflow", "PermitTimer"}
    metrics = template()["Resources"]["WorkflowFailuresAlarm"]["Properties"]["Metrics"]
    assert {m["MetricStat"]["Metric"]["MetricName"] for m in metrics if "MetricStat" in m} == {
        "ExecutionsFailed",
        "ExecutionsTimedOut",
    }
    assert alarm_targets("Api5xxRateAlarm") == {"HttpApi"}
    cap = template()["Resources"]["SmsDailyCapAlarm"]["Properties"]
    filters = resources("AWS::Logs::MetricFilter").values()
    senders = {
        refs(f["Properties"]["LogGroupName"]).pop() for f in filters if "daily_cap" in f["Properties"]["FilterPattern"]
    }
    assert cap["MetricName"] == "SmsDailyCapReached"
    assert senders == {"NotifierFunctionLogGroup", "SmsInboundFunctionLogGroup"}


def test_every_alarm_notifies_the_alarm_topic_which_emails_the_given_address():
    alarms = resources("AWS::CloudWatch::Alarm")
    assert len(alarms) == 6
    assert all(a["Properties"]["AlarmActions"] == [{"Ref": "AlarmTopic"}] for a in alarms.values())
    subscription = template()["Resources"]["AlarmEmailSubscription"]
    assert subscription["Properties"]["Endpoint"] == {"Ref": "AlarmEmail"}
    assert subscription["Properties"]["Protocol"] == "email"


def test_the_dashboard_shows_the_alarmed_figures_and_the_daily_tickets_and_callbacks():
    body = json.dumps(template()["Resources"]["OperationsDashboard"]["Properties"]["DashboardBody"])
    for figure in ("TicketsCreated", "Action_record_callback", "SmsDailyCapReached", "ExecutionsFailed"):
        assert figure in body
    for function in resources("AWS::Serverless::Function"):
        assert "${" + function + "}" in body


def test_the_dashboard_counts_daily_breaches_by_target_from_the_emitted_metric():
    # The body is !Sub [text, {names}]: the widget JSON is the text, with no ${...} in the breaches widget.
    text = template()["Resources"]["OperationsDashboard"]["Properties"]["DashboardBody"]["Fn::Sub"][0]
    widgets = json.loads(text.replace("${AWS::Region}", "cn-north-1").replace("$default", "default"))["widgets"]
    searches = [
        m[0]["expression"]
        for w in widgets
        if w["properties"].get("period") == 86400
        for m in w["properties"]["metrics"]
        if isinstance(m[0], dict)
    ]
    assert "SEARCH('{PropDesk,service,target} MetricName=\"TargetBreached\"', 'Sum', 86400)" in searches


@pytest.mark.parametrize("logical_id", ["UserPool", "TicketsTable", "DirectoryTable"])
def test_the_people_and_the_tickets_survive_a_stack_deletion(logical_id):
    resource = template()["Resources"][logical_id]
    assert (resource["DeletionPolicy"], resource["UpdateReplacePolicy"]) == ("Retain", "Retain")
    props = resource["Properties"]
    assert props.get("DeletionProtectionEnabled") is True or props.get("DeletionProtection") == "ACTIVE"


def test_the_ticket_stream_reports_partial_batch_failures():
    stream = template()["Resources"]["WorkflowStarterFunction"]["Properties"]["Events"]["TicketStream"]
    assert stream["Properties"]["FunctionResponseTypes"] == ["ReportBatchItemFailures"]
    source = (ROOT / "functions" / "workflow_starter" / "app.py").read_text(encoding="utf-8")
    assert "BatchProcessor(event_type=EventType.DynamoDBStreams)" in source


def test_the_api_allows_the_configured_origins_and_throttles_every_route():
    api = template()["Resources"]["HttpApi"]["Properties"]
    # The desk console's CloudFront origin, then every origin the AllowedOrigins parameter names.
    console_and_configured = [
        {"Fn::Sub": "https://${ConsoleDistribution.DomainName}"},
        {"Fn::Join": [",", {"Ref": "AllowedOrigins"}]},
    ]
    assert api["CorsConfiguration"]["AllowOrigins"] == {"Fn::Split": [",", {"Fn::Join": [",", console_and_configured]}]}
    assert {"authorization", "content-type", "idempotency-key"} <= set(api["CorsConfiguration"]["AllowHeaders"])
    throttling = api["DefaultRouteSettings"]
    assert throttling == {
        "ThrottlingRateLimit": {"Ref": "ApiThrottleRateLimit"},
        "ThrottlingBurstLimit": {"Ref": "ApiThrottleBurstLimit"},
    }
    # DefaultRouteSettings covers every route; no route may switch it off with its own empty settings.
    assert "RouteSettings" not in api


def test_outputs_name_everything_an_integrator_wires():
    outputs = template()["Outputs"]
    assert outputs["TwilioSmsWebhookUrl"]["Value"] == {"Fn::Sub": "${PublicBaseUrl}/webhooks/twilio/sms"}
    assert outputs["TwilioVoiceWebhookUrl"]["Value"] == {"Fn::Sub": "${PublicBaseUrl}/webhooks/twilio/voice"}
    assert outputs["InboundSmsTopicArn"]["Value"] == {"Ref": "InboundSmsTopic"}
    assert outputs["ConnectFunctionArn"]["Value"] == {"Fn::GetAtt": ["ConnectFunction", "Arn"]}
    assert outputs["AttachmentsBucketName"]["Value"] == {"Ref": "AttachmentsBucket"}
    assert outputs["ReportsBucketName"]["Value"] == {"Ref": "ReportsBucket"}
    assert outputs["AlarmTopicArn"]["Value"] == {"Ref": "AlarmTopic"}


@pytest.mark.parametrize("bucket", ["AttachmentsBucket", "ReportsBucket"])
def test_buckets_refuse_plain_http(bucket):
    [policy] = [p for p in resources("AWS::S3::BucketPolicy").values() if p["Properties"]["Bucket"] == {"Ref": bucket}]
    [statement] = policy["Properties"]["PolicyDocument"]["Statement"]
    assert statement["Effect"] == "Deny"
    assert statement["Condition"] == {"Bool": {"aws:SecureTransport": "false"}}


def test_attachments_are_versioned():
    props = template()["Resources"]["AttachmentsBucket"]["Properties"]
    assert props["VersioningConfiguration"] == {"Status": "Enabled"}


def test_functions_do_not_pay_for_tracing_they_cannot_record():
    """Active tracing without an X-Ray SDK in the code records only Lambda's own segment."""
    uses_tracer = any("Tracer" in f.read_text(encoding="utf-8") for f in (ROOT / "functions").rglob("*.py"))
    globals_tracing = template()["Globals"]["Function"].get("Tracing")
    tracing = {r["Properties"].get("Tracing", globals_tracing) for r in resources("AWS::Serverless::Function").values()}
    assert uses_tracer or tracing == {None}
