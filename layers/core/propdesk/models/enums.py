"""The vocabulary of the desk: roles, departments, kinds, channels, statuses, actions."""

from __future__ import annotations

from enum import StrEnum


class Role(StrEnum):
    RESIDENT = "resident"  # 业主/住户
    DESK_AGENT = "desk_agent"  # 客服, 信息员
    CALLCENTRE_AGENT = "callcentre_agent"  # 400 呼叫中心
    BUTLER = "butler"  # 贴心管家
    DISPATCHER = "dispatcher"  # 调度
    TECHNICIAN = "technician"  # 维修技工
    WARRANTY_ENGINEER = "warranty_engineer"  # 维保工程师
    CONTRACTOR = "contractor"  # 施工单位
    MANAGER = "manager"  # 管理处经理, 客户主任
    SYSTEM = "system"  # the workflow, the sweep, the intake channels
    OFFICE_CLERK = "office_clerk"  # 管理处文员: the site office's registers
    FINANCE = "finance"  # 财务: takes fees
    SECURITY = "security"  # 保安/门岗: the gate, checks contractors' documents
    SUPERVISOR = "supervisor"  # 主管: decides residents' time demands, calls back major complaints
    TEAM_LEADER = "team_leader"  # 班长: leads a cleaning or greening team; prices household work on site
    CONTROL_ROOM = "control_room"  # 监控中心 / 中控室: takes the desk's contacts outside desk hours


STAFF_ROLES = frozenset(Role) - {Role.RESIDENT, Role.SYSTEM}
DESK_ROLES = frozenset({Role.DESK_AGENT, Role.CALLCENTRE_AGENT, Role.MANAGER})


class Department(StrEnum):
    ENGINEERING = "engineering"
    CLEANING = "cleaning"  # environment / cleaning
    GREENING = "greening"
    SECURITY = "security"
    CUSTOMER_SERVICE = "customer_service"


class TicketKind(StrEnum):
    REPAIR = "repair"  # 报修/请修
    WARRANTY = "warranty"  # 维保
    COMPLAINT = "complaint"  # 投诉
    INQUIRY = "inquiry"  # 咨询
    SUGGESTION = "suggestion"  # 建议
    HOUSEHOLD_SERVICE = "household_service"  # 家政
    QUICK_TASK = "quick_task"  # 口头派工


class Channel(StrEnum):
    APP = "app"
    PHONE = "phone"  # 来电
    VISIT = "visit"  # 来访
    SMS = "sms"
    CALL_CENTRE = "call_centre"  # 400
    SELF_INSPECTION = "self_inspection"  # 自检


class Area(StrEnum):
    IN_UNIT = "in_unit"
    PUBLIC = "public"


class Language(StrEnum):
    ZH_CN = "zh-CN"
    EN = "en"


class Status(StrEnum):
    NEEDS_IDENTIFICATION = "needs_identification"  # an SMS from an unknown number
    RECEIVED = "received"  # 受理
    CLASSIFIED = "classified"  # 分类
    DISPATCHED = "dispatched"  # 分派
    ACCEPTED = "accepted"
    ON_SITE = "on_site"
    QUOTED = "quoted"
    QUOTE_APPROVED = "quote_approved"
    ROUTED = "routed"  # warranty: with the responsible contractor
    PLAN_AGREED = "plan_agreed"  # warranty: the resident consented to the repair plan
    IN_PROGRESS = "in_progress"
    COORDINATION = "coordination"  # 协调单: missed its day
    COMPLETED = "completed"
    REINSPECTED = "reinspected"  # warranty: the warranty engineer re-inspected the contractor's work (复验)
    REWORK = "rework"  # sign-off refused
    SIGNED_OFF = "signed_off"
    CALLBACK_DONE = "callback_done"  # 回访
    ESCALATED = "escalated"  # an inquiry or suggestion the desk could not answer, with the manager
    ADOPTED = "adopted"  # a suggestion adopted (采纳): tracked until it is carried out and the resident told
    CLOSED = "closed"  # 完结
    INVALID = "invalid"  # complaint judged invalid
    VOIDED = "voided"  # 作废


FINAL_STATUSES = frozenset({Status.CLOSED, Status.INVALID, Status.VOIDED})


class Action(StrEnum):
    IDENTIFY = "identify"
    CLASSIFY = "classify"
    DISPATCH = "dispatch"
    ACCEPT = "accept"
    ARRIVE = "arrive"
    BOOK_APPOINTMENT = "book_appointment"
    PAUSE = "pause"  # the desk: the resident is away; the clocks wait (with a reason)
    RESUME = "resume"  # the desk: the resident is back; the clocks run again (with a reason)
    QUOTE = "quote"
    APPROVE_QUOTE = "approve_quote"
    REJECT_QUOTE = "reject_quote"
    ROUTE = "route"
    CONSENT = "consent"
    START = "start"
    COMPLETE = "complete"
    RESOLVE_SUBTASK = "resolve_subtask"
    REINSPECT = "reinspect"  # 复验
    SIGN_OFF = "sign_off"
    REFUSE = "refuse"
    RECORD_CALLBACK = "record_callback"
    ANSWER = "answer"
    ESCALATE = "escalate"
    ADOPT = "adopt"  # a suggestion is adopted; `answer` with outcome "done" reports it carried out
    COORDINATE = "coordinate"
    CLOSE = "close"
    VOID = "void"
    URGE = "urge"
    REOPEN = "reopen"
    MARK_INVALID = "mark_invalid"
    COMMENT = "comment"
    ATTACH = "attach"
    REPORT_PROGRESS = "report_progress"  # the butler's progress report to the desk (管家汇报)
    REQUEST_TIME = "request_time"  # the desk records a resident's demand for a specific time
    DECIDE_TIME = "decide_time"  # the supervisor approves that time or proposes another


class Severity(StrEnum):
    """How grave a complaint is; a major one goes to the manager at once (重大投诉)."""

    NORMAL = "normal"
    MAJOR = "major"


class CoordinationKind(StrEnum):
    """What a coordination sheet waits for: communication sheets are followed up every 3 days, others weekly."""

    COMMUNICATION = "communication"  # 沟通类
    ENGINEERING = "engineering"  # 工程类
    OTHER = "other"
