"""Parse and validate each distinct document once: valid documents, cached by their text.

Parsing and validating even the four-line `event(id)` document cost the gateway more CPU than
the rest of the request did (py-spy, under `make bench`). A parse tree and its validity depend
only on the document's text, the schema and the validation rules (fixed per schema), never on
who sends it or with which variables, so one user's request can never see another's data
through this cache. Only documents that parsed and validated cleanly are kept, so no error
object is ever shared between requests; the cache is a bounded LRU, so a stream of unique
documents costs what it would without it and cannot grow memory.

Strawberry's own `ParserCache` and `ValidationCache` memoise every document, errors included (an
error object would then be shared between requests, and a failing document would take a slot);
this one keeps only documents that passed, in one LRU for both steps.

Each kept document also has a slot for its execution plans (`graph_gateway/execution`): they
hold only the document's structure, never data, and leave the cache with their document.

`DocumentCacheExtension` is also the gateway's one validation step: it runs the standard rules
(plus Strawberry's own two) after the query limits, hiding "Did you mean …?" suggestions when
asked to (production).
"""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Callable, Iterator
from typing import Any

from graphql import DocumentNode, validate
from strawberry.extensions import SchemaExtension
from strawberry.schema.validation_rules.maybe_null import MaybeNullValidationRule
from strawberry.schema.validation_rules.one_of import OneOfInputValidationRule

from graph_gateway.observability.metrics import DOCUMENT_CACHE

DEFAULT_CAPACITY = 512


class DocumentCache:
    """Valid parsed documents by their text, the least recently used dropped past `capacity`."""

    def __init__(self, capacity: int = DEFAULT_CAPACITY) -> None:
        if capacity < 1:
            raise ValueError("capacity must be at least 1")
        self.capacity = capacity
        self._documents: OrderedDict[str, DocumentNode] = OrderedDict()
        # id(document) -> (document, its plans); the document is kept to check the id's owner.
        self._plans: dict[int, tuple[DocumentNode, dict[Any, Any]]] = {}

    def __len__(self) -> int:
        return len(self._documents)

    def get(self, query: str) -> DocumentNode | None:
        """The document parsed and validated from `query` before, if it is still kept."""
        document = self._documents.get(query)
        if document is not None:
            self._documents.move_to_end(query)
        return document

    def put(self, query: str, document: DocumentNode) -> None:
        """Remember a document that parsed and validated without errors."""
        replaced = self._documents.get(query)
        if replaced is not None:
            self._plans.pop(id(replaced), None)
        self._documents[query] = document
        self._documents.move_to_end(query)
        self._plans[id(document)] = (document, {})
        while len(self._documents) > self.capacity:
            _, evicted = self._documents.popitem(last=False)
            self._plans.pop(id(evicted), None)

    def plans(self, document: DocumentNode) -> dict[Any, Any] | None:
        """The plans slot of `document` if this very document object is kept, else None."""
        entry = self._plans.get(id(document))
        return entry[1] if entry is not None and entry[0] is document else None


class DocumentCacheExtension(SchemaExtension):
    """Serve parse trees from the cache, and validate each new document once."""

    def __init__(self, cache: DocumentCache, *, hide_suggestions: bool) -> None:
        self.cache = cache
        self.hide_suggestions = hide_suggestions
        self.known_valid = False

    def on_parse(self) -> Iterator[None]:
        """Hand Strawberry the cached tree of a known document (it then skips parsing)."""
        context = self.execution_context
        if context.query and context.graphql_document is None:
            document = self.cache.get(context.query)
            DOCUMENT_CACHE.labels("miss" if document is None else "hit").inc()
            if document is not None:
                context.graphql_document = document
                self.known_valid = True
        yield

    def on_validate(self) -> Iterator[None]:
        """Validate a new document (Strawberry then skips its own step); a known one passes."""
        context = self.execution_context
        document = context.graphql_document
        # Earlier extensions (the query limits) may already have refused the document.
        if document is not None and context.pre_execution_errors is None:
            if self.known_valid:
                context.pre_execution_errors = []
            else:
                rules = (
                    *context.validation_rules,
                    MaybeNullValidationRule,
                    OneOfInputValidationRule,
                )
                errors = validate(
                    context.schema._schema, document, rules, hide_suggestions=self.hide_suggestions
                )
                context.pre_execution_errors = errors
                if not errors and context.query:
                    self.cache.put(context.query, document)
        yield


def document_cache_extension(
    cache: DocumentCache, *, hide_suggestions: bool
) -> Callable[[], DocumentCacheExtension]:
    """A per-request factory for `Schema(extensions=[...])` over one shared cache."""
    return lambda: DocumentCacheExtension(cache, hide_suggestions=hide_suggestions)
