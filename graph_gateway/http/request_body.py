"""The GraphQL request's parameters, read and checked once before anything else looks at them.

Whatever the transport (JSON body, GET query string, multipart `operations` + `map`), the request
must decode to one JSON object whose `query` is a string, `variables` and `extensions` objects,
`operationName` a string; nothing nested deeper than `MAX_JSON_DEPTH`; no unpaired UTF-16
surrogate in any string (they cannot be encoded, stored or even logged). A multipart `map` may
only name the `null` placeholders of the operation's variables. Each refusal is a
`RequestRejectedError` (a variable's: `BadUserInputError`) the router answers with a GraphQL
error body and HTTP 400.
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from typing import Any

from strawberry.http import GraphQLRequestData

from graph_gateway.errors import (
    BadUserInputError,
    GatewayError,
    RequestRejectedError,
    UnreadableDocumentError,
)

MAX_JSON_DEPTH = 32
MAX_UPLOAD_FILES = 20

_SURROGATE = re.compile("[\ud800-\udfff]")


def has_lone_surrogate(text: str) -> bool:
    """Whether a string holds an unpaired surrogate (JSON's `"\\ud800"`), i.e. is not Unicode."""
    return not text.isascii() and _SURROGATE.search(text) is not None


def decode_json(raw: str | bytes, *, what: str = "request body") -> Any:
    """Decode JSON text; anything unreadable, or nested past the parser's limit, is a 400."""
    try:
        return json.loads(raw)
    except (ValueError, RecursionError) as exc:  # UnicodeDecodeError is a ValueError
        raise RequestRejectedError(f"The {what} is not valid JSON") from exc


def _check_value(value: Any, *, field: str, refusal: type[GatewayError]) -> None:
    """Refuse unpaired surrogates (keys too) and nesting past `MAX_JSON_DEPTH`, iteratively."""
    pending: list[tuple[Any, int]] = [(value, 1)]
    while pending:
        item, depth = pending.pop()
        if depth > MAX_JSON_DEPTH:
            raise refusal(f"`{field}` is nested deeper than {MAX_JSON_DEPTH} levels", field=field)
        if isinstance(item, str):
            if has_lone_surrogate(item):
                raise refusal(
                    f"`{field}` is not valid Unicode (it holds an unpaired surrogate)", field=field
                )
        elif isinstance(item, dict):
            pending.extend((key, depth) for key in item)
            pending.extend((child, depth + 1) for child in item.values())
        elif isinstance(item, list):
            pending.extend((child, depth + 1) for child in item)


def request_data(data: Any) -> GraphQLRequestData:
    """The checked parameters of one GraphQL request (no batching: a list is refused)."""
    if isinstance(data, list):
        raise RequestRejectedError("Batching is not enabled: send one operation per request")
    if not isinstance(data, dict):
        raise RequestRejectedError("The request must be a JSON object with a `query`")
    query, variables = data.get("query"), data.get("variables")
    operation_name, extensions = data.get("operationName"), data.get("extensions")
    if not isinstance(query, str | None):
        raise RequestRejectedError("The `query` must be a string")
    if not isinstance(variables, dict | None):
        raise RequestRejectedError("The `variables` must be an object or null")
    if not isinstance(extensions, dict | None):
        raise RequestRejectedError("The `extensions` must be an object or null")
    if not isinstance(operation_name, str | None):
        raise RequestRejectedError("The `operationName` must be a string or null")
    if query is not None and has_lone_surrogate(query):
        raise UnreadableDocumentError(
            "The document is not valid Unicode (it holds an unpaired surrogate)"
        )
    if operation_name is not None and has_lone_surrogate(operation_name):
        raise RequestRejectedError("The `operationName` is not valid Unicode")
    for name, value in (variables or {}).items():
        # A variable's value is user input: its refusals name the variable, as coercion's do.
        _check_value(name, field="variables", refusal=BadUserInputError)
        _check_value(value, field=name, refusal=BadUserInputError)
    _check_value(extensions, field="extensions", refusal=RequestRejectedError)
    return GraphQLRequestData(
        query=query,
        variables=variables,
        operation_name=operation_name,
        extensions=extensions,
        protocol="http",
    )


def fill_files(operations: Any, files_map: Any, files: Mapping[str, Any]) -> Any:
    """Put the uploaded files into the operation's `null` placeholders, as `map` says.

    Per the GraphQL multipart request spec, `map` is `{"<file field>": ["variables.<path>", …]}`;
    a path must lead through existing objects and in-range list indexes to a `null`.
    """
    if not isinstance(operations, dict):
        raise RequestRejectedError("The multipart `operations` must be a JSON object")
    if not isinstance(files_map, dict) or len(files_map) > MAX_UPLOAD_FILES:
        raise RequestRejectedError(
            f"The multipart `map` must be an object of at most {MAX_UPLOAD_FILES} files"
        )
    for key, paths in files_map.items():
        if key not in files:
            raise RequestRejectedError(f"The multipart `map` names a missing file field {key!r}")
        if not isinstance(paths, list) or not paths:
            raise RequestRejectedError("Each multipart `map` entry must be a list of paths")
        for path in paths:
            _place(operations, path, files[key])
    return operations


def _place(operations: dict[str, Any], path: Any, file: Any) -> None:
    """Set the `null` at `path` (e.g. `variables.files.0`) to the file, or refuse the path."""
    if not isinstance(path, str) or not path.startswith("variables.") or len(path) > 200:
        raise RequestRejectedError("A multipart `map` path must start with `variables.`")
    *parents, last = path.split(".")
    target: Any = operations
    for key in [*parents, last]:
        holder = target
        if isinstance(holder, dict) and key in holder:
            target = holder[key]
        elif (
            isinstance(holder, list) and key.isascii() and key.isdigit() and int(key) < len(holder)
        ):
            target = holder[int(key)]
        else:
            raise RequestRejectedError(f"The multipart `map` path {path!r} names no variable")
    if target is not None:
        raise RequestRejectedError(f"The multipart `map` path {path!r} does not name a null")
    if isinstance(holder, dict):
        holder[last] = file
    else:
        holder[_index(last)] = file


def _index(key: str) -> int:
    """A list index written in ASCII digits (at most 6), or a huge number that is out of range."""
    return int(key) if key.isascii() and key.isdigit() and len(key) <= 6 else 1 << 62
