"""SMS texts for every notice kind, in zh-CN and en, filled from the notice's number and params."""

from __future__ import annotations

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
    K.ESCALATION: {ZH: "工单{number}已超时升级：{step}。", EN: "Ticket {number} escalated: {step} is overdue."},
    K.STALE_CLOSED: {ZH: "工单{number}已关闭：{reason}。", EN: "Ticket {number} was closed: {reason}."},
    K.NEEDS_IDENTIFICATION: {
        ZH: "请回复您的楼栋、房号和姓名，以便处理工单{number}。",
        EN: "Please reply with your building, unit and name so we can handle ticket {number}.",
    },
    K.CLOSED: {ZH: "工单{number}已完结，感谢您的支持。", EN: "Ticket {number} is closed. Thank you."},
}


class _Blank(dict[str, Any]):
    """Missing parameters render as '-' rather than failing a notice."""

    def __missing__(self, key: str) -> str:
        return "-"


def render(kind: NoticeKind, language: Language, number: str, params: dict[str, Any]) -> str:
    """The message text; a kind without a template falls back to a neutral update line."""
    texts = TEMPLATES.get(kind) or {ZH: "工单{number}有新的进展。", EN: "Ticket {number} has an update."}
    values = _Blank({k: v for k, v in params.items() if isinstance(v, str | int | float)})
    if "amount_cents" in params and "amount" not in values:
        values["amount"] = f"{int(params['amount_cents']) / 100:.2f}"
    values["number"] = number
    return texts.get(language, texts[ZH]).format_map(values)
