"""The knowledge base (答客问): a property's entries and the group's, searched by words and category."""

from __future__ import annotations

from functools import cache
from typing import Annotated

from aws_lambda_powertools.event_handler import Response
from aws_lambda_powertools.event_handler.openapi.params import Body, Path, Query
from aws_lambda_powertools.event_handler.router import APIGatewayHttpRouter
from pydantic import Field

from api_settings import settings
from propdesk.access import Principal
from propdesk.books.knowledge import EntryChange, EntryText, KnowledgeEntry, KnowledgeStore
from propdesk.logic import knowledge
from propdesk.logic.commands import AnswerInput
from propdesk.logic.knowledge import MAX_RESULTS, KnowledgeService
from propdesk.models.enums import Action
from propdesk.models.ticket import Ticket
from routes.deps import Caller, ticket_service

router = APIGatewayHttpRouter()  # type: ignore[no-untyped-call]

PropertyId = Annotated[str, Path(min_length=1, max_length=64, pattern=r"^[A-Za-z0-9_.:-]+$")]
EntryId = Annotated[str, Path(min_length=1, max_length=64, pattern=r"^[A-Za-z0-9_.:-]+$", examples=["kb-demo-1"])]
Words = Annotated[
    str | None,
    Query(max_length=200, description="words to look for; Chinese by character pairs", examples=["停车 多少钱"]),
]
CategoryQuery = Annotated[str | None, Query(min_length=1, max_length=40, examples=["fees"])]
Limit = Annotated[int, Query(ge=1, le=MAX_RESULTS)]


class EntryUpdate(EntryText):
    """An entry's new text, with the version the editor read (a change made meanwhile answers 409)."""

    version: int = Field(ge=1, strict=True)


@cache
def knowledge_service() -> KnowledgeService:
    return KnowledgeService(KnowledgeStore(settings().books_table))


def answer_from_book(caller: Principal, ticket_id: str, action: Action, body: AnswerInput) -> Ticket:
    """An answer that cites the book or adds to it (the ticket's action route calls this)."""
    return knowledge.answer_from_book(ticket_service(), knowledge_service(), caller, ticket_id, action, body)


def _created(entry: KnowledgeEntry) -> Response[KnowledgeEntry]:
    return Response(status_code=201, content_type="application/json", body=entry)


# ---- a property's book (with the group's entries, which every property reads) ------------------------


@router.get(
    "/properties/<property_id>/knowledge", summary="Search the book by words and/or category", tags=["knowledge"]
)
def search_knowledge(
    caller: Caller, property_id: PropertyId, q: Words = None, category: CategoryQuery = None, limit: Limit = 20
) -> list[KnowledgeEntry]:
    return knowledge_service().search(caller, property_id, q, category, limit)


@router.post("/properties/<property_id>/knowledge", summary="Add an entry to the property's book", tags=["knowledge"])
def create_knowledge_entry(
    caller: Caller, property_id: PropertyId, request: Annotated[EntryText, Body()]
) -> Response[KnowledgeEntry]:
    return _created(knowledge_service().create(caller, property_id, request))


@router.get("/properties/<property_id>/knowledge/<entry_id>", summary="One entry", tags=["knowledge"])
def get_knowledge_entry(caller: Caller, property_id: PropertyId, entry_id: EntryId) -> KnowledgeEntry:
    return knowledge_service().get(caller, property_id, entry_id)


@router.put("/properties/<property_id>/knowledge/<entry_id>", summary="Change an entry", tags=["knowledge"])
def update_knowledge_entry(
    caller: Caller, property_id: PropertyId, entry_id: EntryId, request: Annotated[EntryUpdate, Body()]
) -> KnowledgeEntry:
    text = EntryText.model_validate(request.model_dump(exclude={"version"}))
    return knowledge_service().update(caller, property_id, entry_id, text, request.version)


@router.get(
    "/properties/<property_id>/knowledge/<entry_id>/history", summary="Who changed an entry, when", tags=["knowledge"]
)
def knowledge_entry_history(caller: Caller, property_id: PropertyId, entry_id: EntryId) -> list[EntryChange]:
    return knowledge_service().history(caller, property_id, entry_id)


# ---- the group's book, kept by group-level managers ---------------------------------------------------


@router.get("/knowledge", summary="Search the group's book", tags=["knowledge"])
def search_group_knowledge(
    caller: Caller, q: Words = None, category: CategoryQuery = None, limit: Limit = 20
) -> list[KnowledgeEntry]:
    return knowledge_service().search(caller, None, q, category, limit)


@router.post("/knowledge", summary="Add an entry for every property of the group", tags=["knowledge"])
def create_group_knowledge_entry(caller: Caller, request: Annotated[EntryText, Body()]) -> Response[KnowledgeEntry]:
    return _created(knowledge_service().create(caller, None, request))


@router.put("/knowledge/<entry_id>", summary="Change a group entry", tags=["knowledge"])
def update_group_knowledge_entry(
    caller: Caller, entry_id: EntryId, request: Annotated[EntryUpdate, Body()]
) -> KnowledgeEntry:
    text = EntryText.model_validate(request.model_dump(exclude={"version"}))
    return knowledge_service().update(caller, None, entry_id, text, request.version)
