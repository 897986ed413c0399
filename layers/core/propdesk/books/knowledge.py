"""The knowledge base (答客问): the desk's book of questions residents ask and their answers, on the books table.

One partition per property (and one for the whole group) holds its entries, each entry's history, and an
inverted index of the entries' words: one item per term with the set of entries that use it. A search reads
the query's terms in one BatchGetItem and the best entries in another, however many entries the book has;
a write is one transaction with the entry, its history record and the terms it adds or drops.
"""

from __future__ import annotations

import json
import re
import unicodedata
from collections.abc import Iterable
from datetime import datetime
from typing import Annotated, Any

from pydantic import AwareDatetime, BaseModel, ConfigDict, Field, StringConstraints, model_validator
from pynamodb.attributes import NumberAttribute, UnicodeAttribute, UnicodeSetAttribute
from pynamodb.connection import Connection
from pynamodb.exceptions import TransactWriteError
from pynamodb.indexes import AllProjection, GlobalSecondaryIndex
from pynamodb.models import Model
from pynamodb.transactions import TransactWrite

from propdesk.errors import ConcurrentUpdate
from propdesk.models.common import LongText
from propdesk.models.enums import Language

GROUP = "*"  # the partition of the group's own entries: "*" is never a property id
MAX_TX_ITEMS = 100  # DynamoDB's limit of items in one TransactWriteItems
MAX_QUERY_TERMS = 40  # a query's terms, property and group alike, fit one BatchGetItem of 100 keys

Category = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=40)]
Tag = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=30)]
Question = Annotated[str, StringConstraints(strip_whitespace=True, min_length=2, max_length=120)]


class EntryText(BaseModel):
    """What an entry says: a question and its answer in zh-CN and/or en, a category and tags."""

    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    category: Category
    tags: list[Tag] = Field(default_factory=list, max_length=10)
    question: dict[Language, Question] = Field(min_length=1)
    answer: dict[Language, LongText] = Field(min_length=1)

    @model_validator(mode="after")
    def _both_sides(self) -> EntryText:
        if set(self.question) != set(self.answer):
            raise ValueError("question and answer must be given in the same languages")
        return self


class KnowledgeEntry(EntryText):
    """An entry as kept: its text, its scope (a property, or the group when property_id is None), who changed it."""

    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra={
            "examples": [
                {
                    "id": "kb-demo-2",
                    "property_id": "prop-sun",
                    "category": "parking",
                    "tags": ["停车", "车位"],
                    "question": {"zh-CN": "地下车位可以月租吗？", "en": "Can I rent a parking space by the month?"},
                    "answer": {"zh-CN": "可以，月租300元。", "en": "Yes: CNY 300 a month."},
                    "version": 2,
                    "created_at": "2026-11-01T02:00:00Z",
                    "created_by": "staff-liu-yang",
                    "updated_at": "2026-11-23T06:30:00Z",
                    "updated_by": "staff-liu-yang",
                }
            ]
        },
    )

    id: str
    property_id: str | None
    version: int = Field(ge=1)
    created_at: AwareDatetime
    created_by: str
    updated_at: AwareDatetime
    updated_by: str

    def answer_in(self, language: Language) -> tuple[Language, str]:
        """The answer in `language`, else in the entry's first language; with the language it is in."""
        if language in self.answer:
            return language, self.answer[language]
        first = next(iter(self.answer))
        return first, self.answer[first]


class EntryChange(BaseModel):
    """One line of an entry's history (修改记录): the entry as it stood after the change."""

    version: int
    at: datetime
    by: str
    change: str  # "created" or "updated"
    entry: KnowledgeEntry


# ---- words -------------------------------------------------------------------------------------------

_CJK = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]+")
_WORD = re.compile(r"[0-9a-z]+")


def terms(text: str) -> set[str]:
    """The searchable terms of a text: Chinese as character bigrams (a lone character as itself), other
    scripts as lower-case words; full-width letters and digits are folded to their ASCII forms first."""
    folded = unicodedata.normalize("NFKC", text).lower()
    found: set[str] = set()
    for run in _CJK.findall(folded):
        found.update([run] if len(run) == 1 else (run[i : i + 2] for i in range(len(run) - 1)))
    found.update(_WORD.findall(_CJK.sub(" ", folded)))
    return found


def category_term(category: str) -> str:
    return "#category:" + unicodedata.normalize("NFKC", category).lower()


def entry_terms(entry: EntryText) -> set[str]:
    """What an entry is found by: the words of its questions and tags, and its category."""
    found = {category_term(entry.category)}
    for text in [*entry.question.values(), *entry.tags]:
        found |= terms(text)
    return found


# ---- stored items --------------------------------------------------------------------------------------


class ByIndex(GlobalSecondaryIndex[Any]):  # type: ignore[no-untyped-call]  # PynamoDB: unannotated
    class Meta:
        index_name = "by-index"
        projection = AllProjection()

    ipk = UnicodeAttribute(hash_key=True)
    isk = UnicodeAttribute(range_key=True)


class KnowledgeItem(Model):
    """An entry (ENTRY#id), a line of its history (HISTORY#id#version) or a term's entries (TERM#term)."""

    class Meta:
        table_name = "unbound"

    pk = UnicodeAttribute(hash_key=True)
    sk = UnicodeAttribute(range_key=True)
    ipk = UnicodeAttribute(null=True)  # entries only: listed by category
    isk = UnicodeAttribute(null=True)
    doc = UnicodeAttribute(null=True)  # the entry as JSON, Chinese kept as UTF-8 (a third of \u escapes)
    version = NumberAttribute(null=True)
    entries = UnicodeSetAttribute(null=True)  # a term's entry ids
    by_index = ByIndex()

    @classmethod
    def bind(cls, table_name: str) -> None:
        cls.Meta.table_name = table_name
        cls._connection = None  # type: ignore[assignment]


def partition(property_id: str | None) -> str:
    return f"{property_id or GROUP}#KB"


def _dump(model: BaseModel) -> str:
    return json.dumps(model.model_dump(mode="json"), ensure_ascii=False, separators=(",", ":"))


class KnowledgeStore:
    """The only code that reads and writes the knowledge base."""

    def __init__(self, table_name: str) -> None:
        KnowledgeItem.bind(table_name)

    def get(self, property_id: str | None, entry_id: str) -> KnowledgeEntry | None:
        try:
            item = KnowledgeItem.get(partition(property_id), f"ENTRY#{entry_id}")
        except KnowledgeItem.DoesNotExist:
            return None
        return KnowledgeEntry.model_validate_json(item.doc or "{}")

    def save(self, entry: KnowledgeEntry, before: KnowledgeEntry | None, change: EntryChange) -> KnowledgeEntry:
        """Write the entry, its history line and its terms: one transaction (more only for a very wordy entry).
        ConcurrentUpdate when the entry changed since `before` was read (or exists already, for a new one)."""
        pk = partition(entry.property_id)
        new_terms, old_terms = entry_terms(entry), entry_terms(before) if before else set()
        item = self._entry_item(entry)
        history = KnowledgeItem(pk=pk, sk=f"HISTORY#{entry.id}#{entry.version:06d}", doc=_dump(change))
        term_changes = [(t, True) for t in sorted(new_terms - old_terms)] + [
            (t, False) for t in sorted(old_terms - new_terms)
        ]
        first = MAX_TX_ITEMS - 2
        chunks = [term_changes[:first]] + [
            term_changes[i : i + MAX_TX_ITEMS] for i in range(first, len(term_changes), MAX_TX_ITEMS)
        ]
        for n, chunk in enumerate(chunks):
            try:
                with TransactWrite(connection=Connection()) as tx:
                    if n == 0:
                        condition = (
                            KnowledgeItem.pk.does_not_exist()
                            if before is None
                            else KnowledgeItem.version == before.version
                        )
                        tx.save(item, condition=condition)
                        tx.save(history, condition=KnowledgeItem.pk.does_not_exist())
                    for term, added in chunk:
                        ids = KnowledgeItem.entries
                        action = ids.add({entry.id}) if added else ids.delete({entry.id})
                        tx.update(KnowledgeItem(pk=pk, sk=f"TERM#{term}"), actions=[action])
            except TransactWriteError as err:
                if n == 0:
                    what = "already exists" if before is None else "was changed by someone else; read it again"
                    raise ConcurrentUpdate(f"knowledge entry {entry.id} {what}") from err
                raise
        return entry

    def import_entries(self, entries: list[KnowledgeEntry]) -> None:
        """Load new entries in bulk (a property's paper book, the demo seed): batched writes, not a transaction
        each; the terms' existing entry sets are read first and kept. An imported entry's history starts at its
        first change (the entry itself says who imported it, and when)."""
        by_term: dict[tuple[str, str], set[str]] = {}
        items: list[KnowledgeItem] = []
        for entry in entries:
            pk = partition(entry.property_id)
            items.append(self._entry_item(entry))
            for term in entry_terms(entry):
                by_term.setdefault((pk, f"TERM#{term}"), set()).add(entry.id)
        for item in KnowledgeItem.batch_get(list(by_term)):
            by_term[(item.pk, item.sk)] |= set(item.entries or ())
        with KnowledgeItem.batch_write() as batch:
            for item in items:
                batch.save(item)
            for (pk, sk), ids in by_term.items():
                batch.save(KnowledgeItem(pk=pk, sk=sk, entries=ids))

    @staticmethod
    def _entry_item(entry: KnowledgeEntry) -> KnowledgeItem:
        pk = partition(entry.property_id)
        return KnowledgeItem(
            pk=pk,
            sk=f"ENTRY#{entry.id}",
            ipk=f"{pk}#{category_term(entry.category)}",
            isk=entry.id,
            doc=_dump(entry),
            version=entry.version,
        )

    def postings(self, scopes: Iterable[str | None], wanted: set[str]) -> dict[tuple[str | None, str], set[str]]:
        """For each scope and wanted term, the ids of the entries that use it: one BatchGetItem of the terms."""
        keys = [(partition(scope), f"TERM#{term}") for scope in scopes for term in sorted(wanted)]
        scope_of = {partition(scope): scope for scope in scopes}
        found: dict[tuple[str | None, str], set[str]] = {}
        for item in KnowledgeItem.batch_get(keys):
            found[(scope_of[item.pk], item.sk.removeprefix("TERM#"))] = set(item.entries or ())
        return found

    def entries(self, keys: Iterable[tuple[str | None, str]]) -> list[KnowledgeEntry]:
        """The entries named, in one BatchGetItem (up to 100)."""
        wanted = [(partition(scope), f"ENTRY#{entry_id}") for scope, entry_id in keys]
        return [KnowledgeEntry.model_validate_json(i.doc or "{}") for i in KnowledgeItem.batch_get(wanted)]

    def in_category(self, scope: str | None, category: str, limit: int) -> list[KnowledgeEntry]:
        """One page of a category's entries (one Query of the by-index index)."""
        ipk = f"{partition(scope)}#{category_term(category)}"
        found = KnowledgeItem.by_index.query(ipk, limit=limit, page_size=limit)
        return [KnowledgeEntry.model_validate_json(i.doc or "{}") for i in found]

    def history(self, property_id: str | None, entry_id: str) -> list[EntryChange]:
        """Every change of the entry, oldest first (one Query)."""
        found = KnowledgeItem.query(partition(property_id), KnowledgeItem.sk.startswith(f"HISTORY#{entry_id}#"))
        return [EntryChange.model_validate_json(i.doc or "{}") for i in found]


__all__ = [
    "GROUP",
    "EntryChange",
    "EntryText",
    "KnowledgeEntry",
    "KnowledgeStore",
    "category_term",
    "entry_terms",
    "terms",
]
