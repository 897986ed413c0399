"""The knowledge base's use cases (答客问): who may read and change it, search, and citing it in an answer."""

from __future__ import annotations

import secrets
from collections import Counter

from pydantic import ValidationError

from propdesk import clock
from propdesk.access import Principal
from propdesk.books.knowledge import (
    MAX_QUERY_TERMS,
    EntryChange,
    EntryText,
    KnowledgeEntry,
    KnowledgeStore,
    category_term,
    terms,
)
from propdesk.errors import ConcurrentUpdate, Forbidden, InvalidRequest, NotFound
from propdesk.logic.commands import AnswerInput
from propdesk.logic.tickets import TicketService
from propdesk.models.enums import Action, Role
from propdesk.models.ticket import Ticket

# Desk staff look answers up; the manager (客户主任) keeps the book.
READERS = frozenset({Role.DESK_AGENT, Role.CALLCENTRE_AGENT, Role.MANAGER, Role.BUTLER, Role.DISPATCHER})
KEEPERS = frozenset({Role.MANAGER})
MAX_RESULTS = 50


def _check_role(principal: Principal, roles: frozenset[Role], doing: str) -> None:
    if principal.role not in roles:
        raise Forbidden(f"{principal.role.value} may not {doing} the knowledge base")


class KnowledgeService:
    def __init__(self, store: KnowledgeStore) -> None:
        self.store = store

    # ---- who may -----------------------------------------------------------------------------

    def may_read(self, principal: Principal, property_id: str | None) -> None:
        """A property's book (with the group's entries): its own desk staff and the group's. The group's book
        alone: group-level staff; a property's staff find the group's entries through their property."""
        _check_role(principal, READERS, "read")
        if property_id is not None:
            principal.require_property(property_id)
        elif not principal.group_level:
            raise Forbidden("the group's book is kept at group level; search your property's book")

    def may_keep(self, principal: Principal, property_id: str | None) -> None:
        """A property's entries are kept by its manager; the group's by a group-level manager."""
        self.may_read(principal, property_id)
        _check_role(principal, KEEPERS, "change")

    # ---- reading -----------------------------------------------------------------------------------

    def get(self, principal: Principal, property_id: str | None, entry_id: str) -> KnowledgeEntry:
        """An entry of the property's book, or of the group's, which every property reads too."""
        self.may_read(principal, property_id)
        return self.cited(property_id, entry_id)

    def cited(self, property_id: str | None, entry_id: str) -> KnowledgeEntry:
        entry = self.store.get(property_id, entry_id) if property_id else None
        entry = entry or self.store.get(None, entry_id)
        if entry is None:
            raise NotFound(f"knowledge entry {entry_id} not found")
        return entry

    def history(self, principal: Principal, property_id: str | None, entry_id: str) -> list[EntryChange]:
        entry = self.get(principal, property_id, entry_id)
        return self.store.history(entry.property_id, entry.id)

    def search(
        self,
        principal: Principal,
        property_id: str | None,
        words: str | None,
        category: str | None,
        limit: int = 20,
    ) -> list[KnowledgeEntry]:
        """Entries of the property and of the group that share the most of the query's words, best first;
        a category alone lists that category. Never a Scan: the words' terms are read, then the entries."""
        self.may_read(principal, property_id)
        limit = max(1, min(limit, MAX_RESULTS))
        scopes: list[str | None] = [property_id, None] if property_id else [None]
        wanted = terms(words or "")
        if not wanted:
            if words and words.strip():
                raise InvalidRequest(
                    "the search has no word to look for", details=[{"field": "q", "problem": "no searchable word"}]
                )
            if not category:
                raise InvalidRequest(
                    "search by words (q) or by category",
                    details=[{"field": "q", "problem": "give q or category"}],
                )
            found: list[KnowledgeEntry] = []
            for scope in scopes:
                found.extend(self.store.in_category(scope, category, limit - len(found)))
                if len(found) >= limit:
                    break
            return found
        if len(wanted) > MAX_QUERY_TERMS:
            raise InvalidRequest(
                "the search is too long", details=[{"field": "q", "problem": f"more than {MAX_QUERY_TERMS} terms"}]
            )
        postings = self.store.postings(scopes, wanted | ({category_term(category)} if category else set()))
        hits: Counter[tuple[str | None, str]] = Counter()
        for (scope, term), ids in postings.items():
            if term in wanted:
                hits.update((scope, entry_id) for entry_id in ids)
        if category:
            listed = {(scope, i) for (scope, term), ids in postings.items() if term not in wanted for i in ids}
            hits = Counter({key: n for key, n in hits.items() if key in listed})
        # Bigrams make partial matches: an entry must share at least half of the query's terms.
        enough = (len(wanted) + 1) // 2
        ranked = sorted(
            (key for key, n in hits.items() if n >= enough),
            key=lambda key: (-hits[key], key[0] is None, key[1]),  # the property's own before the group's
        )[:limit]
        by_key = {(e.property_id, e.id): e for e in self.store.entries(ranked)} if ranked else {}
        return [by_key[key] for key in ranked if key in by_key]

    # ---- changing ------------------------------------------------------------------------------------

    def create(
        self, principal: Principal, property_id: str | None, text: EntryText, entry_id: str | None = None
    ) -> KnowledgeEntry:
        self.may_keep(principal, property_id)
        return self._create(principal, property_id, text, entry_id)

    def add(self, principal: Principal, property_id: str | None, text: EntryText, entry_id: str) -> KnowledgeEntry:
        """An entry the caller's answer adds (checked by the caller before the answer was committed)."""
        return self._create(principal, property_id, text, entry_id)

    def _create(
        self, principal: Principal, property_id: str | None, text: EntryText, entry_id: str | None
    ) -> KnowledgeEntry:
        now = clock.now()
        entry = KnowledgeEntry(
            **text.model_dump(),
            id=entry_id or f"kb-{secrets.token_hex(5)}",
            property_id=property_id,
            version=1,
            created_at=now,
            created_by=principal.user_id,
            updated_at=now,
            updated_by=principal.user_id,
        )
        change = EntryChange(version=1, at=now, by=principal.user_id, change="created", entry=entry)
        return self.store.save(entry, None, change)

    def update(
        self, principal: Principal, property_id: str | None, entry_id: str, text: EntryText, version: int
    ) -> KnowledgeEntry:
        """Change an entry the caller read at `version`; 409 when someone changed it since."""
        self.may_keep(principal, property_id)
        before = self.store.get(property_id, entry_id)
        if before is None:
            raise NotFound(f"knowledge entry {entry_id} not found")
        if before.version != version:
            raise_stale(entry_id, version, before.version)
        now = clock.now()
        entry = before.model_copy(
            update={**text.model_dump(), "version": version + 1, "updated_at": now, "updated_by": principal.user_id}
        )
        change = EntryChange(version=entry.version, at=now, by=principal.user_id, change="updated", entry=entry)
        return self.store.save(entry, before, change)


def answer_from_book(
    tickets: TicketService,
    book: KnowledgeService,
    principal: Principal,
    ticket_id: str,
    action: Action,
    body: AnswerInput,
) -> Ticket:
    """Answer an inquiry or suggestion by citing an entry (in the resident's language, else the entry's own), or
    write the answer and keep it in the property's book in the same step (补充《答客问》, the manager)."""
    ticket = tickets.get(principal, ticket_id)
    payload, addition = body, None
    if body.entry_id:
        _check_role(principal, READERS, "cite")
        try:
            entry = book.cited(ticket.property_id, body.entry_id)
        except NotFound:
            raise InvalidRequest(
                f"knowledge entry {body.entry_id} not found",
                details=[{"field": "entry_id", "problem": "no such entry in this property's book or the group's"}],
            ) from None
        _, text = entry.answer_in(ticket.language)
        payload = body.model_copy(update={"answer": text})
    if body.add_to_book:
        if action is not Action.ANSWER:
            raise InvalidRequest(
                "only an answer is added to the book",
                details=[{"field": "add_to_book", "problem": f"not with {action.value}"}],
            )
        book.may_keep(principal, ticket.property_id)
        wanted = body.add_to_book
        asked = wanted.question or ticket.description[:120]
        try:
            addition = EntryText(
                category=wanted.category,
                tags=wanted.tags,
                question={ticket.language: asked},
                answer={ticket.language: body.answer or ""},
            )
        except ValidationError:
            raise InvalidRequest(
                "the book needs the question as residents ask it",
                details=[{"field": "add_to_book.question", "problem": "give the question (2 to 120 characters)"}],
            ) from None
    answered = tickets.act(principal, ticket_id, action, payload)
    if addition is not None:
        # Named after the answer's action, so a retried request cannot add the entry twice.
        book.add(principal, ticket.property_id, addition, f"kb-{ticket.id}-{answered.person_version}")
    return answered


def raise_stale(entry_id: str, had: int, current: int) -> None:
    raise ConcurrentUpdate(
        f"knowledge entry {entry_id} was changed by someone else; read it again",
        details=[{"field": "version", "problem": "stale", "yours": had, "current": current}],
    )


__all__ = ["KEEPERS", "READERS", "KnowledgeService", "answer_from_book"]
