"""What the OpenAPI document promises beyond what the routes declare: auth, stable names, errors, examples.

Powertools derives paths, parameters and schemas from the routes; this adds what a client generator and
Swagger's "Try it out" need and the routes cannot say: the bearer JWT, the error body of every 4xx the API
answers, and a worked example of every request body.
"""

from __future__ import annotations

import json
import re
from typing import Any

from aws_lambda_powertools.event_handler.openapi.models import OpenAPI

BEARER = "bearerAuth"
ERROR_REF = {"$ref": "#/components/schemas/Error"}
ERROR_SCHEMA: dict[str, Any] = {
    "title": "Error",
    "type": "object",
    "description": "Every 4xx the API answers: a stable code, a sentence for people, and the fields at fault.",
    "required": ["error", "message", "details"],
    "properties": {
        "error": {"type": "string", "description": "stable code, e.g. not_found, action_not_allowed"},
        "message": {"type": "string"},
        "details": {
            "type": "array",
            "items": {
                "type": "object",
                "properties": {"field": {"type": "string"}, "problem": {"type": "string"}},
                "additionalProperties": True,
            },
        },
    },
}

# API Gateway answers these itself, before the function runs, in its own shape.
GATEWAY_ERROR_SCHEMA: dict[str, Any] = {
    "title": "GatewayError",
    "type": "object",
    "description": "API Gateway's own answer: a missing or expired token (401) or throttling (429).",
    "required": ["message"],
    "properties": {"message": {"type": "string", "examples": ["Unauthorized", "Too Many Requests"]}},
}
_GATEWAY_ERRORS = {401: "No valid bearer token (answered by API Gateway)", 429: "Throttled (answered by API Gateway)"}
GATEWAY_REF = {"$ref": "#/components/schemas/GatewayError"}

# Routes that also answer a per-caller limit of the property (logic/limits.py) with 429, Error and Retry-After.
_LIMITED = {"create_ticket", "create_attachment"}
_LIMIT_429: dict[str, Any] = {
    "description": "A per-caller limit of the property is used up (Error, with Retry-After), "
    "or API Gateway throttled the request (GatewayError)",
    "headers": {
        "Retry-After": {
            "description": "Seconds until the limit frees a unit; sent with the Error body",
            "schema": {"type": "integer", "minimum": 1},
        }
    },
    "content": {"application/json": {"schema": {"anyOf": [ERROR_REF, GATEWAY_REF]}}},
}

_ERRORS = {
    400: "Malformed JSON or a request the API cannot take as it is",
    403: "The caller's role may not do this",
    404: "No such record for this caller (another property's or resident's records answer 404 too)",
    409: "The ticket's status does not allow this action, or it changed meanwhile",
    413: "The request body exceeds 64 KiB",
    415: "The request body is not application/json",
    422: "A field is missing or invalid; details name it",
}

_EXAMPLES: dict[str, dict[str, Any]] = {
    "create_ticket": {"kind": "repair", "description": "厨房水管漏水，地上都是水", "area": "in_unit"},
    "create_ticket_for": {
        "kind": "complaint",
        "channel": "phone",
        "description": "楼上装修噪音，晚上十点以后还在施工",
        "resident_id": "res-wang-fang",
    },
    "create_attachment": {"purpose": "before", "content_type": "image/jpeg"},
    "identify_ticket": {"resident_id": "res-wang-fang", "note": "王芳, 1-0101, 换了新号码"},
    "classify_ticket": {"kind": "repair", "category": "plumbing", "paid": False, "department": "engineering"},
    "dispatch_ticket": {"department": "engineering", "assignee_id": "staff-zhou-qiang"},
    "accept_ticket": {"note": "15 分钟内到"},
    "arrive_ticket": {},
    "book_appointment_ticket": {"appointment_at": "2026-11-24T14:00:00+08:00", "note": "业主下午在家"},
    "pause_ticket": {"reason": "业主出差，周五回来"},
    "resume_ticket": {"reason": "业主已回家"},
    "quote_ticket": {"amount_cents": 8000, "note": "更换角阀"},
    "approve_quote_ticket": {},
    "reject_quote_ticket": {"note": "自己找人修"},
    "route_ticket": {"contractor_id": "staff-zheng-jian", "deadline": "2026-11-30T18:00:00+08:00"},
    "consent_ticket": {},
    "start_ticket": {},
    "complete_ticket": {"fee_cents": 8000, "notes": "更换厨房角阀，试水无渗漏"},
    "resolve_subtask_ticket": {"department": "engineering", "outcome": "done", "note": "已调整施工时间"},
    "sign_off_ticket": {"rating": 5},
    "refuse_ticket": {"reason": "还在滴水"},
    "record_callback_ticket": {"satisfaction": 5, "notes": "业主满意"},
    "answer_ticket": {"answer": "停水通知：明天 9:00-12:00 检修二次供水", "outcome": "answered"},
    "escalate_ticket": {"answer": "涉及收费标准调整，需经理答复"},
    "adopt_ticket": {"answer": "下月在地库增设10个充电桩"},
    "create_knowledge_entry": {
        "category": "fees",
        "tags": ["物业费"],
        "question": {"zh-CN": "物业费怎么交？", "en": "How do I pay the management fee?"},
        "answer": {"zh-CN": "每月5日前在App或前台缴纳。", "en": "By the 5th of each month, in the app or at the desk."},
    },
    "update_knowledge_entry": {
        "category": "fees",
        "tags": ["物业费"],
        "question": {"zh-CN": "物业费怎么交？"},
        "answer": {"zh-CN": "每月10日前在App或前台缴纳。"},
        "version": 1,
    },
    "create_group_knowledge_entry": {
        "category": "hotline",
        "question": {"zh-CN": "400热线几点有人接听？", "en": "When is the 400 hotline staffed?"},
        "answer": {"zh-CN": "全天24小时。", "en": "Around the clock."},
    },
    "update_group_knowledge_entry": {
        "category": "hotline",
        "question": {"zh-CN": "400热线几点有人接听？"},
        "answer": {"zh-CN": "全天24小时，节假日照常。"},
        "version": 1,
    },
    "reinspect_ticket": {"note": "复验合格"},
    "coordinate_ticket": {"owner_id": "staff-li-na", "kind": "communication", "note": "需与业主沟通维修方案"},
    "close_ticket": {"reason": "已回访"},
    "void_ticket": {"reason": "重复报修"},
    "urge_ticket": {"note": "业主第二次来电"},
    "reopen_ticket": {"reason": "同一处又漏水"},
    "mark_invalid_ticket": {"reason": "投诉事项不属于物业服务范围"},
    "comment_ticket": {"text": "已通知业主关闭总阀"},
    # The site office's registers.
    "create_register_signature": {"content_type": "image/png"},
    "create_pass_card": {"resident_id": "res-wang-fang", "card_number": "SUN-0001234"},
    "hand_over_pass_card": {"signature_key": "registers/prop-sun/pass_cards/SUN-PC-20261123-001/signature-1.png"},
    "cancel_pass_card": {"reason": "业主报失 lost"},
    "create_permit": {
        "contractor": "平安装修公司",
        "work": "1栋101 厨房改造",
        "unit_id": "U101",
        "workers": [{"name": "王师傅"}],
        "documents": ["营业执照", "施工方案"],
        "fee_cents": 20000,
    },
    "take_permit_fee": {"amount_cents": 20000},
    "check_permit_documents": {"passed": True, "note": "证件齐全"},
    "create_mail": {"resident_id": "res-wang-fang", "item": "parcel", "sender": "顺丰速运"},
    "hand_over_mail": {
        "signed_by": "res-wang-fang",
        "signature_key": "registers/prop-sun/mail/SUN-ML-20261123-001/signature-1.png",
    },
    "create_subscription": {
        "resident_id": "res-wang-fang",
        "title": "人民日报",
        "first_month": "2027-01",
        "months": 12,
        "monthly_price_cents": 2500,
    },
    "confirm_subscription": {"signature_key": "registers/prop-sun/newspapers/SUN-NP-20261123-001/signature-1.png"},
    "cancel_subscription": {"reason": "搬家 moving out"},
    "create_visit": {"visitor": "赵六", "purpose": "探亲", "resident_id": "res-wang-fang"},
    "answer_visit": {"outcome": "admitted", "confirmed_with": "王芳"},
    "report_progress_ticket": {"done": "已联系业主，维修工明早带配件上门", "next": "明天 10:00 前回报完工情况"},
    "request_time_ticket": {"wanted_at": "2026-11-28T19:30:00+08:00", "note": "业主只在周六晚上在家"},
    "decide_time_ticket": {"decision": "propose", "proposed_at": "2026-11-28T18:00:00+08:00", "note": "晚间最晚 18:00"},
    "put_zone": {"name": "北区 1-3栋", "staff_id": "staff-wang-gang", "building_ids": ["B1", "B2", "B3"]},
    "create_property": {"id": "prop-sun", "code": "SUN", "name": "阳光花园"},
    "update_property": {
        "id": "prop-sun",
        "code": "SUN",
        "name": "阳光花园",
        "desk_closes": "21:00:00",
        "numbers": ["+8610000000000"],
    },
    "create_building": {"id": "B1", "name": "1栋"},
    "update_building": {"id": "B1", "name": "1栋"},
    "create_unit": {"id": "U101", "building_id": "B1", "number": "101", "contract_signed": True},
    "update_unit": {"id": "U101", "building_id": "B1", "number": "101", "contract_signed": True},
    "create_resident": {"id": "res-wang-fang", "unit_id": "U101", "name": "王芳", "phone": "13800000001"},
    "update_resident": {"id": "res-wang-fang", "unit_id": "U101", "name": "王芳", "phone": "+8613800000001"},
    "create_staff": {"id": "staff-zhou-qiang", "name": "周强", "role": "technician", "department": "engineering"},
    "update_staff": {"id": "staff-zhou-qiang", "name": "周强", "role": "technician", "department": "engineering"},
    # household services (家政)
    "create_household_price": {
        "id": "clean-visit",
        "department": "cleaning",
        "name": "包月清洁 每次",
        "unit": "次",
        "price_cents": 15000,
    },
    "update_household_price": {
        "id": "clean-visit",
        "department": "cleaning",
        "name": "包月清洁 每次",
        "unit": "次",
        "price_cents": 16000,
    },
    "create_household_request": {
        "service": "monthly_cleaning",
        "resident_id": "res-wang-fang",
        "description": "每周二上门清洁，三室两厅",
    },
    "assess_household_request": {"price_cents": 15000, "unit": "次", "butler_id": "staff-zhao-lei"},
    "create_household_order": {"appointment_at": "2026-11-25T09:00:00+08:00", "note": "业主确认周三上午"},
    "create_household_plan": {
        "request_id": "hr-demo-wang-clean",
        "weekdays": [2],
        "at": "09:00",
        "starts_on": "2026-12-01",
        "assignee_id": "staff-he-ping",
    },
    "change_household_plan": {"weekdays": [4], "at": "15:30", "note": "业主改为周四下午"},
    "pause_household_plan": {"reason": "业主出国一个月"},
    "resume_household_plan": {"reason": "业主已回来"},
    "end_household_plan": {"reason": "业主搬走", "ends_on": "2026-12-31"},
    "move_household_visit": {"at": "2026-12-02T14:00:00+08:00", "agreed_with_resident": True, "note": "业主周二出差"},
    "create_contact": {
        "channel": "phone",
        "request": "问明天停水几点恢复",
        "outcome": "answered",
        "answer": "明天 9:00-12:00 检修二次供水，12:00 恢复",
        "resident_id": "res-wang-fang",
    },
    "create_duty_review": {"note": "记录完整；停水咨询较多，明早张贴通知"},
}

_REPR = re.compile(r"<[A-Za-z_]\w*\.[A-Za-z_]\w*: ('[^']*'|-?\d+)>")


def plain(message: str) -> str:
    """A validation message without Python enum reprs: "<TicketKind.REPAIR: 'repair'>" reads 'repair'."""
    return _REPR.sub(r"\1", message)


def example(operation_id: str) -> dict[str, Any] | None:
    return _EXAMPLES.get(operation_id)


def _errors_for(method: str, operation: dict[str, Any]) -> list[int]:
    codes = [403, 404, 422]
    if "requestBody" in operation:
        codes += [400, 413, 415]
    if method in ("post", "put"):
        codes.append(409)  # a lifecycle conflict, a lost race, a record that exists, a key still in progress
    return sorted(codes)


def refine(schema: OpenAPI) -> OpenAPI:
    """The document Powertools generated, with security, error bodies and request examples added."""
    doc = schema.model_dump(by_alias=True, exclude_none=True, mode="json")
    components = doc.setdefault("components", {})
    components.setdefault("schemas", {})["Error"] = ERROR_SCHEMA
    components["schemas"]["GatewayError"] = GATEWAY_ERROR_SCHEMA
    components["securitySchemes"] = {
        BEARER: {
            "type": "http",
            "scheme": "bearer",
            "bearerFormat": "JWT",
            "description": "A Cognito ID token; the caller's role comes from its groups.",
        }
    }
    doc["security"] = [{BEARER: []}]
    for operations in doc.get("paths", {}).values():
        for method, operation in operations.items():
            responses = operation.setdefault("responses", {})
            for code in _errors_for(method, operation):
                responses[str(code)] = {
                    "description": _ERRORS[code],
                    "content": {"application/json": {"schema": ERROR_REF}},
                }
            for code, text in _GATEWAY_ERRORS.items():
                responses[str(code)] = {"description": text, "content": {"application/json": {"schema": GATEWAY_REF}}}
            if operation.get("operationId") in _LIMITED:
                responses["429"] = _LIMIT_429
            sample = _EXAMPLES.get(operation.get("operationId", ""))
            if sample is not None and "requestBody" in operation:
                operation["requestBody"]["content"]["application/json"]["example"] = sample
    # Powertools' own 422 shapes are replaced by Error above; drop them once nothing refers to them.
    for name in ("HTTPValidationError", "ResponseValidationError", "ValidationError"):
        if f'#/components/schemas/{name}"' not in json.dumps(doc):
            components["schemas"].pop(name, None)
    return OpenAPI.model_validate(doc)
