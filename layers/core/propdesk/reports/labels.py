"""Every label a report shows, in zh-CN and en; renderers print both."""

from __future__ import annotations

LABELS: dict[str, tuple[str, str]] = {
    # report and sections
    "daily": ("日报", "Daily report"),
    "monthly": ("月报", "Monthly report"),
    "group": ("集团汇总", "Group total"),
    "received": ("受理工单", "Tickets received"),
    "finished": ("已完成", "Finished"),
    "unfinished": ("未完成", "Unfinished"),
    "tickets": ("工单（渠道×类型）", "Tickets by channel and kind"),
    "contacts": ("值班记录：来访来电（渠道×结果）", "Duty log: contacts by channel and outcome"),
    "by_outcome": ("按结果", "By outcome"),
    "by_shift": ("按班次", "By shift"),
    "by_category": ("按类别", "By category"),
    "reviewed_days": ("经理已审阅天数", "Days reviewed by the manager"),
    "unreviewed_days": ("经理未审阅", "Not reviewed by the manager"),
    "review": ("经理审阅", "Manager's review"),
    "by_channel": ("按渠道", "By channel"),
    "by_kind": ("按类型", "By kind"),
    "by_department": ("按部门受理", "Received by department"),
    "sla": ("时效达成（按时效目标）", "On time per SLA target"),
    "overdue_by_department": ("超时工单（按部门）", "Overdue by department"),
    "callbacks": ("回访", "Callbacks"),
    "satisfaction": ("满意度", "Satisfaction"),
    "coordination": ("协调单", "Coordination sheets"),
    "paid": ("有偿服务", "Paid jobs"),
    "plan_visits": ("包月上门", "Plan visits"),
    "issued": ("已派单", "Issued"),
    "done": ("已完成", "Done"),
    "missed": ("未完成", "Missed"),
    "pending": ("待上门", "Pending"),
    "properties": ("各项目", "Properties"),
    "unfinished_items": ("未完成工单分析", "Every unfinished item"),
    # measures
    "total": ("合计", "Total"),
    "met_on_time": ("按时", "On time"),
    "met_late": ("超时完成", "Met late"),
    "open_overdue": ("已超时未完成", "Open, overdue"),
    "open_pending": ("未到期", "Open, not yet due"),
    "on_time_rate": ("按时率", "On-time rate"),
    "due": ("应回访", "Due"),
    "made": ("已回访", "Made"),
    "made_on_time": ("按时回访", "Made on time"),
    "late": ("逾期", "Late"),
    "average": ("平均分", "Average"),
    "count": ("评价数", "Ratings"),
    "opened": ("新开", "Opened"),
    "still_open": ("仍未关闭", "Still open"),
    "jobs": ("有偿工单", "Paid jobs"),
    "revenue_cents": ("收入（分）", "Revenue (fen)"),
    # the site office's registers
    "registers": ("管理处登记", "Site office registers"),
    "permits_received": ("受理施工证", "Work permits received"),
    "permits_issued": ("已发施工证", "Work permits issued"),
    "permits_on_time": ("30分钟内办结", "Issued within 30 minutes"),
    "permits_late": ("超时办结", "Issued late"),
    "permits_overdue": ("超时未办结", "Overdue, not issued"),
    "mail_received": ("收到邮件", "Mail received"),
    "mail_waiting": ("待领邮件", "Mail waiting"),
    "revenue": ("收入（元）", "Revenue (CNY)"),
    "free_jobs": ("无偿工单", "Free jobs"),
    "unclassified": ("未分类", "Unclassified"),
    # contact outcomes and shifts
    "answered": ("当场答复", "Answered at once"),
    "ticket_created": ("生成工单", "Ticket created"),
    "ticket_linked": ("关联工单", "About an open ticket"),
    "transferred": ("转交", "Transferred"),
    "desk": ("服务台", "Desk"),
    "control_room": ("中控室（夜间）", "Control room (night)"),
    # channels
    "app": ("App", "App"),
    "phone": ("来电", "Phone"),
    "visit": ("来访", "Walk-in"),
    "sms": ("短信", "SMS"),
    "call_centre": ("400呼叫中心", "Call centre"),
    "self_inspection": ("自检", "Self-inspection"),
    # kinds
    "repair": ("报修", "Repair"),
    "warranty": ("维保", "Warranty"),
    "complaint": ("投诉", "Complaint"),
    "inquiry": ("咨询", "Inquiry"),
    "suggestion": ("建议", "Suggestion"),
    "household_service": ("家政", "Household service"),
    "quick_task": ("口头派工", "Quick task"),
    # departments
    "engineering": ("工程部", "Engineering"),
    "cleaning": ("环境部", "Cleaning"),
    "greening": ("绿化", "Greening"),
    "security": ("秩序部", "Security"),
    "customer_service": ("客服部", "Customer service"),
    "unassigned": ("未分派", "Unassigned"),
    # SLA targets
    "on_site": ("到场", "On site"),
    "accept_inspect": ("接单查验", "Accept & inspect"),
    "appointment": ("预约上门", "Appointment"),
    "same_day": ("当日完成", "Same day"),
    "callback": ("回访", "Callback"),
    "butler_report": ("管家汇报", "Butler report"),
    "coordination_contact": ("协调单联系", "Coordination contact"),
    "coordination_reply": ("协调单答复", "Coordination reply"),
    "coordination_check": ("协调单跟进", "Coordination check"),
    "coordination_update": ("协调单告知", "Coordination update"),
    "rework": ("返工", "Rework"),
    "desk_reply": ("答复", "Desk reply"),
    # unfinished item columns
    "department": ("部门", "Department"),
    "number": ("工单号", "Number"),
    "kind": ("类型", "Kind"),
    "status": ("状态", "Status"),
    "responsible": ("责任人", "Responsible"),
    "age_hours": ("时长(小时)", "Age (hours)"),
    "next_due": ("下一到期", "Next due"),
    "owner": ("负责人", "Owner"),
    "cause": ("未完成原因", "Cause"),
    "breaches": ("超时项", "Breaches"),
}


def zh(key: str) -> str:
    return LABELS.get(key, (key, key))[0]


def en(key: str) -> str:
    return LABELS.get(key, (key, key))[1]


def both(key: str) -> str:
    """ "受理工单 Tickets received": what every heading and axis shows."""
    first, second = LABELS.get(key, (key, key))
    return first if first == second else f"{first} {second}"
