"""Tags over HTTP: create, list, read, update, delete, batch, and every validation edge."""

from __future__ import annotations

import httpx
import pytest

from tests.calendar_svc.conftest import make_event, make_tag


async def test_create_read_list_update_delete(client: httpx.AsyncClient) -> None:
    created = await make_tag(client, name="  Work  ", color="#a1b2c3")
    assert created["name"] == "Work"
    assert created["color"] == "#A1B2C3"
    assert created["created_at"] == created["updated_at"]

    fetched = await client.get(f"/tags/{created['id']}")
    assert fetched.status_code == 200
    assert fetched.json() == created

    updated = await client.patch(f"/tags/{created['id']}", json={"color": "#000000"})
    assert updated.status_code == 200
    assert updated.json()["name"] == "Work"
    assert updated.json()["color"] == "#000000"
    assert updated.json()["updated_at"] > created["updated_at"]

    assert (await client.delete(f"/tags/{created['id']}")).status_code == 204
    assert (await client.get(f"/tags/{created['id']}")).status_code == 404
    assert (await client.delete(f"/tags/{created['id']}")).status_code == 404


async def test_list_is_ordered_by_case_folded_name_then_id(client: httpx.AsyncClient) -> None:
    for name in ("beta", "Alpha", "gamma", "ALPHA2"):
        await make_tag(client, name=name)
    response = await client.get("/tags")
    assert response.status_code == 200
    assert [t["name"] for t in response.json()["items"]] == ["Alpha", "ALPHA2", "beta", "gamma"]


@pytest.mark.parametrize("clash", ["work", "WORK", " Work ", "wOrK"])
async def test_duplicate_name_is_409_ignoring_case(client: httpx.AsyncClient, clash: str) -> None:
    await make_tag(client, name="Work")
    response = await client.post("/tags", json={"name": clash, "color": "#FFFFFF"})
    assert response.status_code == 409
    assert response.json() == {
        "code": "TAG_NAME_TAKEN",
        "message": response.json()["message"],
        "field": "name",
    }
    assert len((await client.get("/tags")).json()["items"]) == 1


async def test_case_folding_covers_non_ascii(client: httpx.AsyncClient) -> None:
    await make_tag(client, name="Straße")
    await make_tag(client, name="Ärger")
    for clash in ("STRASSE", "ärger"):
        response = await client.post("/tags", json={"name": clash, "color": "#FFFFFF"})
        assert response.status_code == 409


async def test_rename_onto_another_tag_is_409_and_changes_nothing(
    client: httpx.AsyncClient,
) -> None:
    first = await make_tag(client, name="One")
    second = await make_tag(client, name="Two")
    response = await client.patch(f"/tags/{second['id']}", json={"name": "ONE", "color": "#000000"})
    assert response.status_code == 409
    assert response.json()["code"] == "TAG_NAME_TAKEN"
    assert (await client.get(f"/tags/{second['id']}")).json() == second
    # Renaming a tag to a different case of its own name is allowed.
    own = await client.patch(f"/tags/{first['id']}", json={"name": "ONE"})
    assert own.status_code == 200
    assert own.json()["name"] == "ONE"


async def test_same_name_is_fine_for_another_owner(client: httpx.AsyncClient) -> None:
    await make_tag(client, name="Shared")
    await make_tag(client, owner_id=2, name="shared")


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"name": "x" * 51, "color": "#000000"}, "name"),
        ({"name": "", "color": "#000000"}, "name"),
        ({"name": "   ", "color": "#000000"}, "name"),
        ({"name": "ok", "color": "#00000"}, "color"),
        ({"name": "ok", "color": "#0000000"}, "color"),
        ({"name": "ok", "color": "000000"}, "color"),
        ({"name": "ok", "color": "#GG0000"}, "color"),
        ({"name": "ok", "color": "red"}, "color"),
        ({"name": "ok"}, "color"),
        ({"name": 5, "color": "#000000"}, "name"),
        ({"name": "ok", "color": "#000000", "extra": 1}, "extra"),
        ({"name": "nul\x00", "color": "#000000"}, "name"),
    ],
)
async def test_invalid_tag_is_422_and_not_written(
    client: httpx.AsyncClient, body: dict[str, object], field: str
) -> None:
    response = await client.post("/tags", json=body)
    assert response.status_code == 422, response.text
    assert response.json()["code"] == "VALIDATION_FAILED"
    assert response.json()["field"] == field
    assert (await client.get("/tags")).json()["items"] == []


async def test_name_edges(client: httpx.AsyncClient) -> None:
    fifty = "가" * 50
    assert (await make_tag(client, name=fifty))["name"] == fifty
    assert (await make_tag(client, name=" " + "b" * 50 + " "))["name"] == "b" * 50
    assert (await make_tag(client, name="c"))["name"] == "c"


async def test_patch_refuses_null_and_unknown_fields(client: httpx.AsyncClient) -> None:
    tag = await make_tag(client)
    for body, field in (({"name": None}, "name"), ({"color": None}, "color"), ({"x": 1}, "x")):
        response = await client.patch(f"/tags/{tag['id']}", json=body)
        assert response.status_code == 422, body
        assert response.json()["field"] == field
    assert (await client.get(f"/tags/{tag['id']}")).json() == tag


async def test_batch_answers_in_request_order_with_duplicates_and_misses(
    client: httpx.AsyncClient,
) -> None:
    a = await make_tag(client)
    b = await make_tag(client)
    response = await client.post("/tags/batch", json={"ids": [b["id"], 999, a["id"], b["id"]]})
    assert response.status_code == 200
    assert response.json() == {"items": [b, None, a, b]}
    assert (await client.post("/tags/batch", json={"ids": []})).json() == {"items": []}
    too_many = await client.post("/tags/batch", json={"ids": list(range(1, 1002))})
    assert too_many.status_code == 422


async def test_deleting_a_tag_removes_its_links(client: httpx.AsyncClient) -> None:
    keep = await make_tag(client, name="keep")
    gone = await make_tag(client, name="gone")
    event = await make_event(client, tag_ids=[keep["id"], gone["id"]])
    assert (await client.delete(f"/tags/{gone['id']}")).status_code == 204
    after = (await client.get(f"/events/{event['id']}")).json()
    assert [t["id"] for t in after["tags"]] == [keep["id"]]
    by_tag = await client.post("/events/by-tag", json={"requests": [{"tag_id": gone["id"]}]})
    assert by_tag.json()["results"][0]["total_count"] == 0
