"""What a document reads and writes, as the response cache sees it: cacheable or not, and which
kinds of data ("domains": events, tags, diary) its answer depends on or its mutation changes.

Read from the schema, not guessed: every field the document selects (every operation and
fragment, a safe over-reach) is looked up with graphql-core's `TypeInfo`, and its named type
mapped to domains by `TYPE_DOMAINS`. A composite type missing from that table makes the
document uncacheable, so a type added to the schema later can make answers uncached, never
stale. Only the root fields of `CACHEABLE_ROOTS` are cached: calendar and diary data, never
what depends on the credential (`me`, `apiKeys`) or introspection.
"""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Mapping
from dataclasses import dataclass

from graphql import (
    DocumentNode,
    GraphQLSchema,
    OperationType,
    TypeInfo,
    TypeInfoVisitor,
    Visitor,
    get_named_type,
    is_composite_type,
    visit,
)
from graphql.utilities import get_operation_ast

from graph_gateway.root_fields import root_fields

Domain = str
EVENTS: Domain = "events"
TAGS: Domain = "tags"
DIARY: Domain = "diary"
ALL_DOMAINS: frozenset[Domain] = frozenset({EVENTS, TAGS, DIARY})

# Root fields whose answer is the user's calendar or diary data, and nothing else.
CACHEABLE_ROOTS = frozenset(
    {"event", "events", "tag", "tags", "diaryEntry", "diaryEntries", "days", "__typename"}
)
# The data each composite type's fields show. `Day` holds only its date (the user's time zone
# is in the key); its events and entries are fields of their own types.
TYPE_DOMAINS: Mapping[str, frozenset[Domain]] = {
    "Query": frozenset(),
    "Day": frozenset(),
    "PageInfo": frozenset(),
    "Event": frozenset({EVENTS}),
    "EventConnection": frozenset({EVENTS}),
    "EventEdge": frozenset({EVENTS}),
    "Tag": frozenset({TAGS}),
    "DiaryEntry": frozenset({DIARY}),
    "DiaryEntryConnection": frozenset({DIARY}),
    "DiaryEntryEdge": frozenset({DIARY}),
    "DiaryImage": frozenset({DIARY}),
}
# What each mutation changes. A tag's deletion also takes it off events and entries (and out
# of their `tagId` filters); a rename shows only through `Tag`. Mutations missing here change
# everything: `updateMe` (the time zone moves days), `deleteAccount`, any mutation added later.
MUTATION_DOMAINS: Mapping[str, frozenset[Domain]] = {
    "createEvent": frozenset({EVENTS}),
    "updateEvent": frozenset({EVENTS}),
    "deleteEvent": frozenset({EVENTS}),
    "createTag": frozenset({TAGS}),
    "updateTag": frozenset({TAGS}),
    "deleteTag": ALL_DOMAINS,
    "createDiaryEntry": frozenset({DIARY}),
    "updateDiaryEntry": frozenset({DIARY}),
    "deleteDiaryEntry": frozenset({DIARY}),
    "addDiaryImage": frozenset({DIARY}),
    "deleteDiaryImage": frozenset({DIARY}),
    # Credentials, sessions and exports: no calendar or diary data changes.
    "signUp": frozenset(),
    "logIn": frozenset(),
    "refreshToken": frozenset(),
    "logOut": frozenset(),
    "logOutEverywhere": frozenset(),
    "changePassword": frozenset(),
    "createApiKey": frozenset(),
    "revokeApiKey": frozenset(),
    "exportMyData": frozenset(),
}


@dataclass(frozen=True, slots=True)
class Scope:
    """One operation as the cache sees it."""

    # Query answers only: whether it may be cached, and the domains its answer shows.
    cacheable: bool = False
    reads: frozenset[Domain] = frozenset()
    # Mutations only: the domains whose cached answers it makes stale.
    writes: frozenset[Domain] = frozenset()
    # Whether the answer holds signed image URLs (which start with the request's base URL).
    signs_urls: bool = False


NOT_CACHED = Scope()


class _TypesRead(Visitor):
    """Collects the named types of every field selected; TypeInfoVisitor keeps `type_info`."""

    def __init__(self, type_info: TypeInfo) -> None:
        super().__init__()
        self.type_info = type_info
        self.names: set[str] = set()

    def enter_field(self, *_: object) -> None:
        field_type = self.type_info.get_type()
        if field_type is not None:
            named = get_named_type(field_type)
            if is_composite_type(named):
                self.names.add(named.name)


def types_read(schema: GraphQLSchema, document: DocumentNode) -> set[str]:
    """The names of the composite types of every field the document selects."""
    type_info = TypeInfo(schema)
    collector = _TypesRead(type_info)
    visit(document, TypeInfoVisitor(type_info, collector))
    return collector.names


def domains_of(types: set[str]) -> frozenset[Domain] | None:
    """The domains these types show; None if one of them is not in the table."""
    domains: set[Domain] = set()
    for name in types:
        known = TYPE_DOMAINS.get(name)
        if known is None:
            return None
        domains |= known
    return frozenset(domains)


def scope_of(schema: GraphQLSchema, document: DocumentNode, operation_name: str | None) -> Scope:
    """How the cache treats this (valid) document's operation."""
    operation = get_operation_ast(document, operation_name)
    if operation is None:
        return NOT_CACHED
    roots = {field.name.value for field in root_fields(document, operation)}
    if operation.operation is OperationType.MUTATION:
        writes: set[Domain] = set()
        for name in roots:
            writes |= MUTATION_DOMAINS.get(name, ALL_DOMAINS)
        return Scope(writes=frozenset(writes))
    if operation.operation is not OperationType.QUERY or not roots <= CACHEABLE_ROOTS:
        return NOT_CACHED
    types = types_read(schema, document)
    reads = domains_of(types)
    if reads is None:
        return NOT_CACHED
    return Scope(cacheable=True, reads=reads, signs_urls="DiaryImage" in types)


class Scopes:
    """`scope_of`, remembered for the most recent documents (clients send the same few)."""

    def __init__(self, schema: GraphQLSchema, capacity: int = 1_000) -> None:
        self.schema = schema
        self.capacity = capacity
        self._known: OrderedDict[tuple[str, str | None], Scope] = OrderedDict()

    def of(self, query: str, document: DocumentNode, operation_name: str | None) -> Scope:
        """The scope of this document text's operation."""
        key = (query, operation_name)
        scope = self._known.get(key)
        if scope is None:
            scope = scope_of(self.schema, document, operation_name)
            self._known[key] = scope
            while len(self._known) > self.capacity:
                self._known.popitem(last=False)
        else:
            self._known.move_to_end(key)
        return scope
