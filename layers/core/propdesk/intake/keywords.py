"""Reading short texts from residents: what kind of matter, which language, and short answers."""

from __future__ import annotations

import re
from dataclasses import dataclass

from propdesk.models.enums import Language, TicketKind

# Checked in order: a complaint about a leak is a complaint, so complaints come first.
_KIND_WORDS: tuple[tuple[TicketKind, tuple[str, ...]], ...] = (
    (TicketKind.COMPLAINT, ("投诉", "噪音", "扰民", "态度差", "不满", "complain", "noise", "noisy", "rude")),
    (TicketKind.WARRANTY, ("裂缝", "开裂", "维保", "保修期", "渗水", "crack", "warranty")),
    (TicketKind.HOUSEHOLD_SERVICE, ("保洁", "家政", "清洁", "开荒", "绿化", "cleaning", "housekeeping", "gardening")),
    (TicketKind.SUGGESTION, ("建议", "suggest", "idea")),
    (
        TicketKind.INQUIRY,
        ("咨询", "请问", "多少钱", "物业费", "收费", "怎么", "inquiry", "question", "how much", "fee"),
    ),
    (
        TicketKind.REPAIR,
        ("维修", "报修", "漏水", "坏", "修", "堵", "停电", "没电", "repair", "leak", "broken", "fix", "blocked"),
    ),
)

_YES = frozenset({"y", "yes", "ok", "okay", "agree", "1", "是", "是的", "好", "好的", "同意", "可以", "确认", "行"})
_NO = frozenset({"n", "no", "reject", "decline", "0", "否", "不", "不同意", "不要", "拒绝", "不行", "算了"})
_CJK = re.compile(r"[\u4e00-\u9fff]")
_PUNCT = re.compile(r"[\s。.!！?？,，~～]+")


def guess_kind(text: str) -> TicketKind:
    """The kind a desk would first guess from the words; repair when nothing matches (the desk classifies later)."""
    lowered = text.lower()
    for kind, words in _KIND_WORDS:
        if any(word in lowered for word in words):
            return kind
    return TicketKind.REPAIR


def guess_language(text: str, default: Language = Language.ZH_CN) -> Language:
    """Chinese characters mean zh-CN; Latin letters alone mean en; otherwise the default."""
    if _CJK.search(text):
        return Language.ZH_CN
    if re.search(r"[A-Za-z]{2,}", text):
        return Language.EN
    return default


@dataclass(frozen=True, slots=True)
class ShortAnswer:
    """A reply of a word or a digit: a rating 1-5, yes, or no."""

    rating: int | None = None
    yes: bool | None = None


def short_answer(text: str) -> ShortAnswer | None:
    """The answer a one-word or one-digit SMS gives, or None for anything longer."""
    word = _PUNCT.sub("", text.strip().lower())
    if not word or len(word) > 8:
        return None
    rating = int(word) if word.isdigit() and len(word) == 1 and 1 <= int(word) <= 5 else None
    yes = True if word in _YES else False if word in _NO else None
    if rating is None and yes is None:
        return None
    return ShortAnswer(rating=rating, yes=yes)
