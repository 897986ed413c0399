"""Twilio SMS and Voice webhooks: signed form posts in, tickets out, TwiML back in the caller's language."""

from __future__ import annotations

import threading
import time
from dataclasses import asdict, replace
from functools import cache, cached_property
from typing import Any

from aws_lambda_powertools import Logger
from aws_lambda_powertools.event_handler import APIGatewayHttpResolver, Response
from aws_lambda_powertools.logging import correlation_paths
from aws_lambda_powertools.utilities.idempotency.exceptions import IdempotencyAlreadyInProgressError
from aws_lambda_powertools.utilities.typing import LambdaContext
from twilio.twiml.messaging_response import MessagingResponse
from twilio.twiml.voice_response import Gather, VoiceResponse

from intake_settings import settings
from propdesk import clock
from propdesk.access import SYSTEM
from propdesk.books.duty import DutyStore, Shift
from propdesk.errors import DomainError, Forbidden
from propdesk.intake import messages
from propdesk.intake.conversation import Caller, InboundText, IntakeReply, IntakeRules, IntakeService
from propdesk.intake.ivr import IvrTurn, Turn, next_turn
from propdesk.intake.signature import is_valid, parse_form, public_url
from propdesk.intake.spend import ReplySpend
from propdesk.intake.wiring import Once, intake_service
from propdesk.logging import PhoneMaskingFormatter
from propdesk.logic.duty import DutyLog, shift_at
from propdesk.models.enums import Channel, Language, TicketKind

logger = Logger(logger_formatter=PhoneMaskingFormatter())
app = APIGatewayHttpResolver()

SMS_PATH = "/webhooks/twilio/sms"
VOICE_PATH = "/webhooks/twilio/voice"
TWIML = "text/xml"
_VOICE_LANGUAGE = {Language.ZH_CN: "zh-CN", Language.EN: "en-US"}


class Sandbox:
    """What a warm sandbox keeps: the use case, its idempotent entry points and the cached auth token."""

    def __init__(self) -> None:
        cfg = settings()
        rules = IntakeRules(cfg.default_property_id)
        self.service: IntakeService = intake_service(cfg.tickets_table, cfg.directory_table, rules)
        tickets = self.service.tickets
        self.duty = DutyLog(DutyStore(cfg.books_table), tickets.tickets, tickets.cache)
        self.once = Once(cfg.idempotency_table, cfg.idempotency_seconds)
        self.sms_once = self.once.wrap(self._sms, "message_id", "message")
        self.call_once = self.once.wrap(self._call, "call_id", "call")
        self._token: tuple[float, str] | None = None
        # The MessageSid this request actually handled (not a replay); per thread, as the local stack
        # may run requests of one sandbox side by side.
        self._handled = threading.local()

    @property
    def answered(self) -> str | None:
        return getattr(self._handled, "message_id", None)

    @answered.setter
    def answered(self, message_id: str | None) -> None:
        self._handled.message_id = message_id

    @cached_property
    def spend(self) -> ReplySpend:
        """Built on the first reply, so a cold start builds no DynamoDB client it may not need."""
        import boto3

        from propdesk.dal.limits import UsageStore
        from propdesk.logic.limits import Limits
        from propdesk.notify.cap import DailyCap

        table = settings().tickets_table
        cap = DailyCap(boto3.client("dynamodb"), table)
        return ReplySpend(cap, Limits(UsageStore(table)), self.service.tickets.cache.property)

    def auth_token(self) -> str:
        """The Twilio auth token from SSM (decrypted), cached for a few minutes so rotation still lands."""
        now = time.monotonic()
        if self._token is None or now - self._token[0] > settings().token_cache_seconds:
            import boto3

            ssm = boto3.client("ssm")
            value = ssm.get_parameter(Name=settings().twilio_token_parameter, WithDecryption=True)
            self._token = (now, str(value["Parameter"]["Value"]))
        return self._token[1]

    def _sms(self, message: dict[str, Any]) -> dict[str, Any]:
        self.answered = message["message_id"]
        reply = self.service.handle_text(InboundText(**message))
        self.duty.intake_message(message["message_id"], message["body"], reply)
        if reply.may_reply and not self.spend.allow(reply.property_id, message["sender"], clock.now()):
            reply = replace(reply, may_reply=False)  # the ticket is made; the reply would cost over the limits
        return reply.to_dict()

    def _call(self, call: dict[str, Any]) -> dict[str, Any]:
        caller = self.service.caller(call["phone"] or None, call["description"], call.get("recipient"))
        ticket = self.service.create(
            caller, TicketKind(call["kind"]), Channel.PHONE, call["description"], call.get("recipient")
        )
        self.duty.ticket_opened(SYSTEM, ticket)
        return {"ticket_id": ticket.id, "number": ticket.number, "language": caller.language.value}


@cache
def sandbox() -> Sandbox:
    return Sandbox()


def _verified_form() -> dict[str, str]:
    """The posted form, only if Twilio signed it for our public URL; anything else is a 403 that writes nothing."""
    event = app.current_event
    params = parse_form(event.decoded_body or "")
    headers = {k.lower(): v for k, v in (event.headers or {}).items()}
    url = public_url(str(settings().public_base_url), event.raw_path, event.raw_query_string or "")
    if not is_valid(sandbox().auth_token(), url, params, headers.get("x-twilio-signature")):
        raise Forbidden("the request is not signed by Twilio for this URL")
    return params


@app.exception_handler(Forbidden)
def forbidden(err: Forbidden) -> Response[str]:
    logger.warning("webhook refused", extra={"reason": err.message, "path": app.current_event.raw_path})
    return Response(status_code=403, content_type="text/plain", body="forbidden")


@app.exception_handler(DomainError)
def refused(err: DomainError) -> Response[str]:
    # The resident's message could not move the ticket (a step that already timed out, say): tell them
    # how to reach the desk rather than answer Twilio with an error it would only log.
    logger.info("message not applied", extra={"error": err.code, "path": app.current_event.raw_path})
    text = "抱歉，您的消息未能处理，请联系物业前台。Sorry, we could not process your message; please contact the desk."
    if app.current_event.raw_path == VOICE_PATH:
        voice_answer = VoiceResponse()
        voice_answer.say(text, language="zh-CN")
        voice_answer.hangup()
        return Response(status_code=200, content_type=TWIML, body=str(voice_answer))
    answer = MessagingResponse()
    answer.message(text)
    return Response(status_code=200, content_type=TWIML, body=str(answer))


@app.exception_handler(IdempotencyAlreadyInProgressError)
def in_progress(_: IdempotencyAlreadyInProgressError) -> Response[str]:
    # A concurrent duplicate: the first delivery answers the resident; this one stays silent.
    logger.info("duplicate webhook while the first is in progress")
    return Response(status_code=200, content_type=TWIML, body=str(MessagingResponse()))


@app.post(SMS_PATH)
def sms() -> Response[str]:
    form = _verified_form()
    message = InboundText(
        message_id=form.get("MessageSid") or form.get("SmsSid") or "",
        sender=form.get("From", ""),
        recipient=form.get("To"),
        body=form.get("Body", ""),
    )
    if not message.message_id:
        return Response(status_code=400, content_type="text/plain", body="MessageSid is required")
    sandbox().answered = None
    reply = IntakeReply.from_dict(sandbox().sms_once(message=asdict(message)))
    # A redelivered MessageSid was answered the first time: answering again would be another paid SMS.
    replayed = sandbox().answered != message.message_id
    # The formatter masks the number: the log shows +86*******0001, enough to correlate, never the number.
    logger.info(
        "sms handled",
        extra={"outcome": reply.outcome, "ticket": reply.ticket_number, "from": message.sender, "replay": replayed},
    )
    answer = MessagingResponse()
    if reply.may_reply and not replayed:
        answer.message(reply.text)
    return Response(status_code=200, content_type=TWIML, body=str(answer))


@app.post(VOICE_PATH)
def voice() -> Response[str]:
    form = _verified_form()
    query = app.current_event.query_string_parameters or {}
    attempt = int(query["attempt"]) if query.get("attempt", "").isdigit() else 0
    turn = next_turn(
        query.get("step"), query.get("kind"), attempt, form.get("Digits", ""), form.get("SpeechResult", "")
    )
    caller = sandbox().service.caller(form.get("From") or None, recipient=form.get("To"))
    logger.info("voice turn", extra={"turn": turn.turn.value, "attempt": turn.attempt, "reprompt": turn.reprompt})
    return Response(status_code=200, content_type=TWIML, body=str(_render(turn, caller, form)))


def _staffed_number(recipient: str | None) -> str | None:
    """The desk in the called property's desk hours; outside them the control room, when it has a number."""
    cfg = settings()
    property_id = sandbox().service.property_for(recipient)
    if property_id is not None and cfg.control_room_phone:
        prop = sandbox().service.tickets.cache.property(property_id)
        if shift_at(prop, clock.now()) is Shift.CONTROL_ROOM:
            return cfg.control_room_phone
    return cfg.desk_phone


def _render(turn: IvrTurn, caller: Caller, form: dict[str, str]) -> VoiceResponse:
    lang = caller.language
    voice_lang = _VOICE_LANGUAGE[lang]
    answer = VoiceResponse()
    if turn.turn is Turn.MENU:
        if turn.reprompt:
            answer.say(messages.say("voice_reprompt", lang), language=voice_lang)
        else:
            answer.say(messages.say("voice_welcome", lang), language=voice_lang)
        again = f"{VOICE_PATH}?step=menu&attempt={turn.attempt}"
        gather = Gather(
            input="dtmf speech",
            num_digits=1,
            action=again,
            method="POST",
            timeout=5,
            speech_timeout="auto",
            language=voice_lang,
        )
        gather.say(messages.say("voice_menu", lang), language=voice_lang)
        answer.append(gather)
        answer.redirect(again, method="POST")  # silence falls through to here: the menu again
    elif turn.turn is Turn.DESCRIBE:
        assert turn.kind is not None
        if turn.reprompt:
            answer.say(messages.say("voice_describe_again", lang), language=voice_lang)
        again = f"{VOICE_PATH}?step=describe&kind={turn.kind.value}&attempt={turn.attempt}"
        gather = Gather(
            input="speech",
            action=again,
            method="POST",
            timeout=5,
            speech_timeout="auto",
            finish_on_key="#",
            language=voice_lang,
        )
        gather.say(messages.say("voice_describe", lang, kind=messages.kind_name(turn.kind, lang)), language=voice_lang)
        answer.append(gather)
        answer.redirect(again, method="POST")
    elif turn.turn is Turn.CREATE:
        assert turn.kind is not None and turn.description is not None
        call = {
            "call_id": f"{form.get('CallSid', '')}:describe",
            "phone": form.get("From", ""),
            "recipient": form.get("To"),
            "kind": turn.kind.value,
            "description": turn.description,
        }
        created = sandbox().call_once(call=call)
        logger.info("voice ticket", extra={"ticket": created["number"]})
        spoken = messages.spoken_number(created["number"])
        answer.say(messages.say("voice_created", lang, spoken=spoken), language=voice_lang)
        answer.hangup()
    else:
        desk = _staffed_number(form.get("To"))
        if desk:
            answer.say(messages.say("voice_desk", lang), language=voice_lang)
            answer.dial(desk)
        else:
            answer.say(messages.say("voice_desk_closed", lang), language=voice_lang)
            answer.hangup()
    return answer


@logger.inject_lambda_context(correlation_id_path=correlation_paths.API_GATEWAY_HTTP, clear_state=True)
def lambda_handler(event: dict[str, Any], context: LambdaContext) -> dict[str, Any]:
    sandbox().once.register(context)
    return app.resolve(event, context)
