"""template.yaml for intake and notifications: open webhook routes, log groups, queues that end in a DLQ."""

from __future__ import annotations

from tests.support import infra

FUNCTIONS = ("IntakeFunction", "SmsInboundFunction", "ConnectFunction", "NotifierFunction")


def test_webhooks_are_public_routes_authenticated_by_their_signature():
    events = infra.template().resources["IntakeFunction"]["Properties"]["Events"]
    routes = {(e["Properties"]["Method"], e["Properties"]["Path"]): e["Properties"] for e in events.values()}
    assert set(routes) == {("POST", "/webhooks/twilio/sms"), ("POST", "/webhooks/twilio/voice")}
    assert all(r["Auth"] == {"Authorizer": "NONE"} for r in routes.values())


def test_every_function_has_a_log_group_with_retention():
    resources = infra.template().resources
    for name in FUNCTIONS:
        group = resources[f"{name}LogGroup"]["Properties"]
        assert group["RetentionInDays"] == {"Ref": "LogRetentionDays"}
        assert name in str(group["LogGroupName"])


def test_queued_work_retries_then_lands_in_a_dead_letter_queue():
    resources = infra.template().resources
    for queue, dlq in (("InboundSmsQueue", "InboundSmsDeadLetterQueue"), ("NoticesQueue", "NoticesDeadLetterQueue")):
        redrive = resources[queue]["Properties"]["RedrivePolicy"]
        assert redrive["deadLetterTargetArn"] == {"Fn::GetAtt": [dlq, "Arn"]}
    for name in ("SmsInboundFunction", "NotifierFunction"):
        [source] = resources[name]["Properties"]["Events"].values()
        assert source["Type"] == "SQS"
        assert source["Properties"]["FunctionResponseTypes"] == ["ReportBatchItemFailures"]


def test_the_auth_token_parameter_is_a_plain_development_value_only_when_none_is_named():
    resources = infra.template().resources
    assert resources["TwilioAuthTokenParameter"]["Condition"] == "CreateDevTwilioToken"
    env = infra.function_environment("IntakeFunction", {})
    assert env["TWILIO_AUTH_TOKEN_PARAMETER"] == "TwilioAuthTokenParameter"
    assert env["PUBLIC_BASE_URL"] == "http://127.0.0.1:3000"
