"""SMS texts for every notice kind, in zh-CN and en, filled from the notice's number and params.

Values are shown as a person reads them: money in yuan with two decimals, times in the property's
timezone written in the recipient's language, a timer as the step it chases. A template whose value
the notice does not carry raises `MissingNoticeValue`: nobody is ever sent a "-" in its place.
"""

from __future__ import annotations

from datetime import datetime, tzinfo
from typing import Any

from propdesk.models.enums import Language
from propdesk.notices import NoticeKind

K = NoticeKind
ZH, EN = Language.ZH_CN, Language.EN

TEMPLATES: dict[NoticeKind, dict[Language, str]] = {
    K.TICKET_RECEIVED: {ZH: "已受理您的报事，工单号{number}。", EN: "Your report is received: ticket {number}."},
    K.DISPATCHED: {ZH: "新工单{number}已派给您，请尽快接单。", EN: "New work order {number} is assigned to you."},
    K.ACCEPT_OVERDUE: {ZH: "工单{number}超过30分钟未接单。", EN: "Work order {number} not accepted within 30 min."},
    K.ON_SITE_OVERDUE: {
        ZH: "工单{number}超时未到场，请与业主预约上门时间。",
        EN: "Work order {number}: nobody on site in time; please book an appointment with the resident.",
    },
    K.APPOINTMENT_BOOKED: {
        ZH: "工单{number}已预约上门时间：{appointment_at}。",
        EN: "Ticket {number}: visit booked for {appointment_at}.",
    },
    K.QUOTE_TO_APPROVE: {
        ZH: "工单{number}报价{amount}元，同意请回复“是”，不同意请回复“否”。",
        EN: "Ticket {number}: the quote is CNY {amount}. Reply YES to accept or NO to decline.",
    },
    K.QUOTE_REMINDER: {
        ZH: "提醒：工单{number}的报价待您确认，回复“是”或“否”。",
        EN: "Reminder: the quote for ticket {number} awaits your answer; reply YES or NO.",
    },
    K.QUOTE_EXPIRED: {ZH: "工单{number}的报价已过期，工单已关闭。", EN: "The quote for ticket {number} expired."},
    K.ROUTED_TO_CONTRACTOR: {
        ZH: "维保工单{number}已转施工单位，完成期限{deadline}。",
        EN: "Warranty order {number} is routed to the contractor, due {deadline}.",
    },
    K.CONSENT_REQUESTED: {
        ZH: "工单{number}的维修方案待您确认，请联系前台或在App中确认。",
        EN: "Ticket {number}: please confirm the repair plan with the desk or in the app.",
    },
    K.SAME_DAY_MISSED: {
        ZH: "工单{number}未能当日完成，已转协调单跟进。",
        EN: "Ticket {number} could not be finished today and is now followed up as a coordination sheet.",
    },
    K.COORDINATION_CONTACT_DUE: {
        ZH: "协调单{number}：请工程部半个工作日内联系业主。",
        EN: "Coordination sheet {number}: engineering must contact the resident within half a working day.",
    },
    K.COORDINATION_REPLY_DUE: {
        ZH: "协调单{number}：请在24小时内答复业主。",
        EN: "Coordination sheet {number}: reply to the resident within 24 hours.",
    },
    K.COORDINATION_CHECK: {ZH: "协调单{number}：请检查处理进度。", EN: "Coordination sheet {number}: check progress."},
    K.COORDINATION_UPDATE: {
        ZH: "您的工单{number}仍在处理中，我们会持续跟进，感谢耐心等待。",
        EN: "Your ticket {number} is still in progress; we keep following it up. Thank you for your patience.",
    },
    K.JOINT_MEETING: {
        ZH: "协调单{number}一周内两次未达成方案，请前台、工程部与经理共同约见业主。",
        EN: "Coordination sheet {number}: two plans failed in a week; desk, engineering and manager meet the resident.",
    },
    K.BUTLER_REPORT_DUE: {ZH: "工单{number}：请向前台报告进度。", EN: "Ticket {number}: report progress to the desk."},
    K.COMPLETED: {
        ZH: "工单{number}已完工，请验收签字。",
        EN: "Ticket {number} is finished; please inspect and sign off.",
    },
    K.REWORK: {ZH: "工单{number}验收未通过，请返工。", EN: "Ticket {number} was refused at sign-off: rework."},
    K.CALLBACK_SURVEY: {
        ZH: "工单{number}已完成，请回复1-5为本次服务评分（5为非常满意）。",
        EN: "Ticket {number} is done. Please reply 1-5 to rate our service (5 = very satisfied).",
    },
    K.CALLBACK_OVERDUE: {ZH: "工单{number}超过24小时未回访。", EN: "Ticket {number}: callback overdue (24 h)."},
    K.REPLY_OVERDUE: {ZH: "咨询{number}超时未答复。", EN: "Inquiry {number} not answered in time."},
    K.ESCALATION: {ZH: "工单{number}的{step}已超时，已升级处理。", EN: "Ticket {number} escalated: {step} is overdue."},
    K.STALE_CLOSED: {ZH: "工单{number}已关闭：{reason}。", EN: "Ticket {number} was closed: {reason}."},
    K.NEEDS_IDENTIFICATION: {
        ZH: "请回复您的楼栋、房号和姓名，以便处理工单{number}。",
        EN: "Please reply with your building, unit and name so we can handle ticket {number}.",
    },
    K.CLOSED: {ZH: "工单{number}已完结，感谢您的支持。", EN: "Ticket {number} is closed. Thank you."},
    K.INQUIRY_ANSWERED: {ZH: "您的咨询{number}答复：{answer}", EN: "Answer to your inquiry {number}: {answer}"},
    K.INQUIRY_ESCALATED: {
        ZH: "咨询{number}前台无法答复，已转经理处理，请于{due_at}前答复业主。",
        EN: "Inquiry {number} could not be answered by the desk and is yours; reply to the resident by {due_at}.",
    },
    K.SUGGESTION_ADOPTED: {
        ZH: "感谢您的建议（{number}），我们已采纳：{answer}",
        EN: "Thank you for your suggestion ({number}); we have adopted it: {answer}",
    },
    K.SUGGESTION_DECLINED: {
        ZH: "感谢您的建议（{number}），经研究暂不采纳，原因：{answer}",
        EN: "Thank you for your suggestion ({number}); we cannot adopt it because: {answer}",
    },
    K.SUGGESTION_DONE: {
        ZH: "您的建议（{number}）已落实：{answer}",
        EN: "Your suggestion ({number}) has been carried out: {answer}",
    },
    K.COMPLAINT_INVALID: {
        ZH: "投诉{number}经判定为无效投诉，退回呼叫中心，原因：{reason}",
        EN: "Complaint {number} was judged invalid and returned to the call centre. Reason: {reason}",
    },
    K.WARRANTY_INVALID: {
        ZH: "工单{number}不属于维保范围，原因：{reason}。如有疑问请联系前台。",
        EN: "Ticket {number} is not covered by the warranty. Reason: {reason}. Please contact the desk with questions.",
    },
    K.REINSPECTION_DUE: {
        ZH: "维保工单{number}施工单位已完工，请复验。",
        EN: "Warranty order {number}: the contractor has finished; please re-inspect the work.",
    },
    K.CALLBACK_REWORK: {
        ZH: "工单{number}回访业主不满意（评分{satisfaction}分），请返工。",
        EN: "Ticket {number}: the resident rated the job {satisfaction}/5 at the callback. Rework it.",
    },
    K.CALLBACK_UNSATISFIED: {
        ZH: "投诉{number}回访业主不满意（评分{satisfaction}分），已转经理跟进处理。",
        EN: "Complaint {number}: the resident rated it {satisfaction}/5 at the callback; it is yours to follow up.",
    },
    K.COMPLAINT_MAJOR: {
        ZH: "重大投诉{number}：{description}。请经理即时处理，回访由经理或主管进行。",
        EN: "Major complaint {number}: {description}. For the manager now; the manager or a supervisor"
        " makes its callback.",
    },
    K.TIME_DEMANDED: {
        ZH: "工单{number}：业主要求{wanted_at}上门，请主管审批。",
        EN: "Ticket {number}: the resident asks for a visit at {wanted_at}; a supervisor decides.",
    },
    K.TIME_APPROVED: {
        ZH: "工单{number}：您要求的上门时间{appointment_at}已确认。",
        EN: "Ticket {number}: the visit at {appointment_at} you asked for is confirmed.",
    },
    K.TIME_PROPOSED: {
        ZH: "工单{number}：{wanted_at}无法安排，主管建议改为{appointment_at}上门，如有异议请联系前台。",
        EN: "Ticket {number}: {wanted_at} cannot be arranged; we propose {appointment_at} instead."
        " Please contact the desk if it does not suit you.",
    },
}

# The step a timer chases, as the people told about it call it.
STEPS: dict[str, dict[Language, str]] = {
    "on_site": {ZH: "上门", EN: "on site"},
    "accept_inspect": {ZH: "接单查验", EN: "accept and inspect"},
    "same_day": {ZH: "当日完成", EN: "same-day completion"},
    "rework": {ZH: "返工", EN: "rework"},
    "callback": {ZH: "回访", EN: "callback"},
    "desk_reply": {ZH: "答复业主", EN: "reply to the resident"},
    "appointment_escalation": {ZH: "预约上门", EN: "booking an appointment"},
    "reply_escalation": {ZH: "答复业主", EN: "reply to the resident"},
    "coordination_contact": {ZH: "联系业主", EN: "contacting the resident"},
    "coordination_reply": {ZH: "答复业主", EN: "reply to the resident"},
}
DEPARTMENTS: dict[str, dict[Language, str]] = {
    "engineering": {ZH: "工程部", EN: "engineering"},
    "cleaning": {ZH: "环境部", EN: "cleaning"},
    "greening": {ZH: "绿化部", EN: "greening"},
    "security": {ZH: "秩序部", EN: "security"},
    "customer_service": {ZH: "客服部", EN: "customer service"},
}
# Why the end-of-day sweep closed an order (the sweep's outcome names).
CLOSE_REASONS: dict[str, dict[Language, str]] = {
    "quote_unanswered": {ZH: "报价{days}天未获答复", EN: "the quote was not answered within {days} days"},
    "unidentified": {ZH: "{days}天内未能确认您的身份", EN: "we could not identify you within {days} days"},
    "appointment_unconfirmed": {
        ZH: "预约{days}天未获确认",
        EN: "the appointment was not confirmed within {days} days",
    },
}
TIME_VALUES = ("appointment_at", "deadline", "due_at", "wanted_at")


class MissingNoticeValue(KeyError):
    """A template needs a value its notice does not carry: a bug in whoever raised the notice."""


class _Strict(dict[str, Any]):
    def __init__(self, kind: NoticeKind, values: dict[str, Any]) -> None:
        super().__init__(values)
        self.kind = kind

    def __missing__(self, key: str) -> str:
        raise MissingNoticeValue(f"the {self.kind.value} notice carries no {key!r}")


def yuan(cents: int) -> str:
    """Money as the resident reads it: yuan with two decimals (fen are stored)."""
    sign = "-" if cents < 0 else ""
    return f"{sign}{abs(cents) // 100}.{abs(cents) % 100:02d}"


def local_time(at: datetime | str, zone: tzinfo, language: Language) -> str:
    """An instant as a wall-clock time of the property, written the recipient's way."""
    when = (datetime.fromisoformat(at) if isinstance(at, str) else at).astimezone(zone)
    if language is ZH:
        return f"{when.year}年{when.month}月{when.day}日 {when:%H:%M}"
    return f"{when.day} {when:%b %Y}, {when:%H:%M}"


def step_name(timer: str, language: Language) -> str:
    """The step an escalation is about; a department's sub-task is named by its department."""
    if timer.startswith("subtask:"):
        department = timer.split(":", 1)[1]
        name = DEPARTMENTS.get(department, {}).get(language, department)
        return f"{name}处理" if language is ZH else f"{name} sub-task"
    names = STEPS.get(timer)
    if names is None:
        raise MissingNoticeValue(f"no name for the step {timer!r}")
    return names[language]


def render(kind: NoticeKind, language: Language, number: str, params: dict[str, Any], zone: tzinfo) -> str:
    """The message text in the recipient's language; raises MissingNoticeValue rather than guess a value."""
    texts = TEMPLATES[kind]
    values: dict[str, Any] = {k: v for k, v in params.items() if isinstance(v, str | int) and v != ""}
    if isinstance(params.get("amount_cents"), int):
        values["amount"] = yuan(params["amount_cents"])
    for name in TIME_VALUES:
        if isinstance(params.get(name), str | datetime):
            values[name] = local_time(params[name], zone, language)
    if "{step}" in texts[language] and isinstance(params.get("timer"), str) and "step" not in params:
        values["step"] = step_name(params["timer"], language)
    if kind is K.STALE_CLOSED and params.get("reason") in CLOSE_REASONS:
        values["reason"] = CLOSE_REASONS[params["reason"]][language].format(days=params.get("days"))
    values["number"] = number
    return texts[language].format_map(_Strict(kind, values))
