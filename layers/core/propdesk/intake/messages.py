"""What the desk says back on the intake channels, in zh-CN and en (SMS replies and IVR prompts)."""

from __future__ import annotations

from typing import Any

from propdesk.models.enums import Language, TicketKind

_TEXTS: dict[str, dict[Language, str]] = {
    "created": {
        Language.ZH_CN: "已收到您的报事，工单号 {number}。我们会尽快安排处理。",
        Language.EN: "We received your report. Your ticket number is {number}. We will arrange it shortly.",
    },
    "appended": {
        Language.ZH_CN: "已将您的补充信息记录到工单 {number}。",
        Language.EN: "We added your message to ticket {number}.",
    },
    "identify": {
        Language.ZH_CN: "已收到您的消息（工单号 {number}）。我们查不到这个号码，"
        "请回复您的楼栋、房号和姓名，例如：3栋 1202 王先生。",
        Language.EN: "We received your message (ticket {number}) but do not know this number. "
        "Please reply with your building, unit and name, e.g. Building 3, 1202, Mr Wang.",
    },
    "callback": {
        Language.ZH_CN: "感谢您的评价（{rating}分），工单 {number} 的回访已记录。",
        Language.EN: "Thank you for rating ticket {number} {rating}/5; your callback answer is recorded.",
    },
    "quote_approved": {
        Language.ZH_CN: "您已同意工单 {number} 的报价，我们将安排施工。",
        Language.EN: "You accepted the quote for ticket {number}; work will be scheduled.",
    },
    "quote_rejected": {
        Language.ZH_CN: "您已拒绝工单 {number} 的报价，工单已关闭。如有需要请随时联系我们。",
        Language.EN: "You declined the quote for ticket {number}; the ticket is closed. Contact us any time.",
    },
    "voice_welcome": {
        Language.ZH_CN: "您好，这里是物业服务中心。",
        Language.EN: "Hello, this is the property service desk.",
    },
    "voice_menu": {
        Language.ZH_CN: "报修请按1，投诉请按2，咨询请按3，人工服务请按0。",
        Language.EN: "For repairs press 1, for complaints press 2, for inquiries press 3, for the desk press 0.",
    },
    "voice_reprompt": {
        Language.ZH_CN: "抱歉，没有听清您的选择。",
        Language.EN: "Sorry, we did not get your choice.",
    },
    "voice_describe": {
        Language.ZH_CN: "请在提示音后简要描述{kind}的情况，说完请按井号键。",
        Language.EN: "After the tone, please describe your {kind} briefly, then press the hash key.",
    },
    "voice_describe_again": {
        Language.ZH_CN: "抱歉，没有听到您的描述。",
        Language.EN: "Sorry, we did not hear a description.",
    },
    "voice_created": {
        Language.ZH_CN: "已为您登记，工单号是 {spoken}。我们会尽快联系您，再见。",
        Language.EN: "Your report is recorded. Your ticket number is {spoken}. We will contact you soon. Goodbye.",
    },
    "voice_desk": {
        Language.ZH_CN: "正在为您转接人工服务，请稍候。",
        Language.EN: "Connecting you to the desk, please hold.",
    },
    "voice_desk_closed": {
        Language.ZH_CN: "人工服务暂时无法接通，请稍后再拨或发送短信报事。再见。",
        Language.EN: "The desk cannot take your call now; please call again later or send us a text. Goodbye.",
    },
}

_KIND_NAMES: dict[TicketKind, dict[Language, str]] = {
    TicketKind.REPAIR: {Language.ZH_CN: "报修", Language.EN: "repair"},
    TicketKind.COMPLAINT: {Language.ZH_CN: "投诉", Language.EN: "complaint"},
    TicketKind.INQUIRY: {Language.ZH_CN: "咨询", Language.EN: "inquiry"},
}


def say(key: str, language: Language, **params: Any) -> str:
    """One phrase in the language, with its parameters filled in."""
    texts = _TEXTS[key]
    return texts.get(language, texts[Language.ZH_CN]).format(**params)


def kind_name(kind: TicketKind, language: Language) -> str:
    return _KIND_NAMES.get(kind, _KIND_NAMES[TicketKind.REPAIR])[language]


def spoken_number(number: str) -> str:
    """SUN-20261123-0007 read out digit by digit, so a speech engine does not say 'twenty million'."""
    return " ".join(ch for ch in number if ch.isalnum())
