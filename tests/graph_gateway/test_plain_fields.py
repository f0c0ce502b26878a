"""Plain fields read their attribute directly; fields with resolvers keep Strawberry's path."""

from __future__ import annotations

from graph_gateway.extensions.plain_fields import read_plain_fields_directly
from graph_gateway.schema import build_schema
from graph_gateway.settings import GatewaySettings
from tests.graph_gateway.conftest import Gateway
from tests.graph_gateway.factories import make_event, make_tag


def test_plain_fields_get_attribute_resolvers_and_resolver_fields_keep_theirs(
    gateway_settings: GatewaySettings,
) -> None:
    schema = build_schema(gateway_settings)
    event = schema._schema.type_map["Event"].fields  # type: ignore[attr-defined]
    assert event["startsAt"].resolve.__name__ == "attribute_starts_at"
    assert event["tags"].resolve.__name__ == "attribute_tags"
    assert not event["diaryEntries"].resolve.__name__.startswith("attribute_")
    assert read_plain_fields_directly(schema) == 0  # all done already; nothing left to replace


async def test_a_page_reads_the_same_through_the_attribute_resolvers(
    gateway: Gateway, token: str
) -> None:
    tag = await make_tag(gateway, token, name="가족")
    made = await make_event(gateway, token, title="Dinner 🍜", tagIds=[tag["id"]], allDay=True)
    data = await gateway.ok(
        "{ events(first: 5) { totalCount edges { cursor node"
        " { id title allDay startsAt tags { id name color } } } } }",
        token=token,
    )
    assert data["events"]["totalCount"] == 1
    [edge] = data["events"]["edges"]
    assert edge["cursor"]
    assert edge["node"] == {
        "id": made["id"],
        "title": "Dinner 🍜",
        "allDay": True,
        "startsAt": made["startsAt"],
        "tags": [{"id": tag["id"], "name": "가족", "color": tag["color"]}],
    }
