"""The phone menu (IVR): 1 repair, 2 complaint, 3 inquiry, 0 the desk; what the next turn of a call is.

Pure: the voice webhook feeds it the step it asked for and what the caller keyed
or said, and renders the turn it returns as TwiML.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from propdesk.models.enums import TicketKind

MAX_ATTEMPTS = 3  # after this many silent or unknown answers the caller goes to the desk

MENU: dict[str, TicketKind | None] = {
    "1": TicketKind.REPAIR,
    "2": TicketKind.COMPLAINT,
    "3": TicketKind.INQUIRY,
    "0": None,  # the desk
}
_SPOKEN: tuple[tuple[TicketKind | None, tuple[str, ...]], ...] = (
    (TicketKind.REPAIR, ("报修", "维修", "repair")),
    (TicketKind.COMPLAINT, ("投诉", "complain")),
    (TicketKind.INQUIRY, ("咨询", "inquiry", "question")),
    (None, ("人工", "客服", "前台", "desk", "operator", "agent")),
)


class Turn(StrEnum):
    MENU = "menu"  # play (or replay) the menu
    DESCRIBE = "describe"  # ask for the description of the matter
    CREATE = "create"  # record the ticket and read its number
    DESK = "desk"  # transfer to the desk


@dataclass(frozen=True, slots=True)
class IvrTurn:
    turn: Turn
    kind: TicketKind | None = None
    attempt: int = 0  # how many tries of this step have already failed
    reprompt: bool = False
    description: str | None = None


def _choice(digits: str, speech: str) -> tuple[bool, TicketKind | None]:
    if digits:
        key = digits.strip()[:1]
        return (key in MENU, MENU.get(key))
    lowered = speech.lower()
    for kind, words in _SPOKEN:
        if any(w in lowered for w in words):
            return True, kind
    return False, None


def next_turn(step: str | None, kind: str | None, attempt: int, digits: str, speech: str) -> IvrTurn:
    """Decide the next turn; silence and unknown keys reprompt, never fail."""
    if step == Turn.DESCRIBE.value:
        wanted = TicketKind(kind) if kind and kind in TicketKind._value2member_map_ else TicketKind.REPAIR
        text = (speech or "").strip()
        if text:
            return IvrTurn(Turn.CREATE, wanted, description=text)
        if attempt + 1 >= MAX_ATTEMPTS:
            return IvrTurn(Turn.DESK)
        return IvrTurn(Turn.DESCRIBE, wanted, attempt + 1, reprompt=True)
    if step != Turn.MENU.value:
        return IvrTurn(Turn.MENU)  # a new call
    known, chosen = _choice(digits or "", speech or "")
    if known and chosen is None:
        return IvrTurn(Turn.DESK)
    if known and chosen is not None:
        return IvrTurn(Turn.DESCRIBE, chosen)
    if attempt + 1 >= MAX_ATTEMPTS:
        return IvrTurn(Turn.DESK)
    return IvrTurn(Turn.MENU, attempt=attempt + 1, reprompt=True)
