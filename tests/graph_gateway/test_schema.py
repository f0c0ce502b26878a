"""The schema is the contract SPEC.md writes down: names, types, nullability, arguments, defaults,
and a description on everything GraphiQL shows."""

from __future__ import annotations

from graphql import (
    GraphQLEnumType,
    GraphQLInputObjectType,
    GraphQLNamedType,
    GraphQLObjectType,
    GraphQLSchema,
    build_schema,
)
from graphql.utilities.print_schema import print_input_value

from graph_gateway.schema import build_schema as build_gateway_schema
from graph_gateway.settings import GatewaySettings

# SPEC.md's contract, with its prose comments (connections, inputs) spelled out, and the second
# wave's additions merged in. `days(timeZone:)` has no default any more: left out, it is the
# user's own `User.timeZone` (acknowledged in schema/breaking-changes-ack.txt).
SPEC_SDL = """
scalar DateTime
scalar Date
scalar Upload
enum Mood { JOYFUL HAPPY CALM NEUTRAL TIRED SAD ANXIOUS ANGRY }
enum Weather { SUNNY PARTLY_CLOUDY CLOUDY RAINY STORMY SNOWY FOGGY WINDY }

type User { id: ID! email: String! displayName: String createdAt: DateTime! timeZone: String! }
type AuthPayload { token: String! refreshToken: String! user: User! }

enum ApiKeyScope { READ WRITE }
type ApiKey { id: ID! name: String! scopes: [ApiKeyScope!]! prefix: String!
              createdAt: DateTime! lastUsedAt: DateTime expiresAt: DateTime }
type ApiKeyCreated { key: String! apiKey: ApiKey! }
type DataExport { url: String! expiresAt: DateTime! byteSize: Int! }
input UpdateMeInput { displayName: String timeZone: String }
input CreateApiKeyInput { name: String! scopes: [ApiKeyScope!]! expiresAt: DateTime }

type Tag { id: ID! name: String! color: String!
           events(first: Int = 20, after: String): EventConnection!
           diaryEntries(first: Int = 20, after: String): DiaryEntryConnection }

type Event { id: ID! title: String! description: String location: String
             startsAt: DateTime! endsAt: DateTime! allDay: Boolean!
             tags: [Tag!]!
             diaryEntries: [DiaryEntry!]
             createdAt: DateTime! updatedAt: DateTime! }

type DiaryImage { id: ID! url: String! contentType: String! byteSize: Int!
                  width: Int height: Int createdAt: DateTime! }

type DiaryEntry { id: ID! date: Date! title: String content: String!
                  mood: Mood weather: Weather
                  tags: [Tag!]
                  images: [DiaryImage!]!
                  events: [Event!]
                  createdAt: DateTime! updatedAt: DateTime! }

type Day { date: Date! events: [Event!] diaryEntries: [DiaryEntry!] }

type PageInfo { hasNextPage: Boolean! endCursor: String }
type EventEdge { cursor: String! node: Event! }
type EventConnection { edges: [EventEdge!]! pageInfo: PageInfo! totalCount: Int! }
type DiaryEntryEdge { cursor: String! node: DiaryEntry! }
type DiaryEntryConnection { edges: [DiaryEntryEdge!]! pageInfo: PageInfo! totalCount: Int! }

input TagInput { name: String! color: String! }
input CreateEventInput { title: String! description: String location: String
                         startsAt: DateTime! endsAt: DateTime! allDay: Boolean tagIds: [ID!] }
input UpdateEventInput { title: String description: String location: String
                         startsAt: DateTime endsAt: DateTime allDay: Boolean tagIds: [ID!] }
input CreateDiaryEntryInput { date: Date! title: String content: String! mood: Mood
                              weather: Weather tagIds: [ID!] }
input UpdateDiaryEntryInput { date: Date title: String content: String mood: Mood
                              weather: Weather tagIds: [ID!] }

type Query {
  me: User
  event(id: ID!): Event
  events(from: DateTime, to: DateTime, tagId: ID, search: String,
         first: Int = 20, after: String): EventConnection
  tag(id: ID!): Tag
  tags: [Tag!]
  diaryEntry(id: ID!): DiaryEntry
  diaryEntries(from: Date, to: Date, mood: Mood, tagId: ID,
               first: Int = 20, after: String): DiaryEntryConnection
  days(from: Date!, to: Date!, timeZone: String): [Day!]
  apiKeys: [ApiKey!]!
}

type Mutation {
  signUp(email: String!, password: String!, displayName: String, timeZone: String): AuthPayload!
  refreshToken(refreshToken: String!): AuthPayload!
  logOut: Boolean!
  logOutEverywhere: Boolean!
  changePassword(currentPassword: String!, newPassword: String!): AuthPayload!
  updateMe(input: UpdateMeInput!): User!
  createApiKey(input: CreateApiKeyInput!): ApiKeyCreated!
  revokeApiKey(id: ID!): ID!
  exportMyData: DataExport!
  deleteAccount(password: String!): Boolean!
  logIn(email: String!, password: String!): AuthPayload!
  createTag(input: TagInput!): Tag!
  updateTag(id: ID!, input: TagInput!): Tag!
  deleteTag(id: ID!): ID!
  createEvent(input: CreateEventInput!): Event!
  updateEvent(id: ID!, input: UpdateEventInput!): Event!
  deleteEvent(id: ID!): ID!
  createDiaryEntry(input: CreateDiaryEntryInput!): DiaryEntry!
  updateDiaryEntry(id: ID!, input: UpdateDiaryEntryInput!): DiaryEntry!
  deleteDiaryEntry(id: ID!): ID!
  addDiaryImage(entryId: ID!, file: Upload!): DiaryImage!
  deleteDiaryImage(id: ID!): ID!
}
"""


def gateway_schema() -> GraphQLSchema:
    """The graphql-core schema the gateway serves."""
    return build_gateway_schema(GatewaySettings(environment="test"))._schema


def _kind(named: GraphQLNamedType) -> type[GraphQLNamedType]:
    """The graphql-core class a type is an instance of (Strawberry subclasses some)."""
    for kind in (GraphQLEnumType, GraphQLInputObjectType, GraphQLObjectType):
        if isinstance(named, kind):
            return kind
    return type(named)


def test_every_spec_type_field_and_argument_is_served_exactly() -> None:
    spec, ours = build_schema(SPEC_SDL), gateway_schema()
    mismatches: list[str] = []
    for name, spec_type in spec.type_map.items():
        if name.startswith("__") or name in ("String", "Int", "Boolean", "ID", "Float"):
            continue
        our_type = ours.type_map.get(name)
        if our_type is None or not isinstance(our_type, _kind(spec_type)):
            mismatches.append(f"{name}: missing or of another kind")
            continue
        if isinstance(spec_type, GraphQLEnumType):
            assert isinstance(our_type, GraphQLEnumType)
            if list(our_type.values) != list(spec_type.values):
                mismatches.append(f"{name}: values {list(our_type.values)}")
        if isinstance(spec_type, GraphQLObjectType):
            assert isinstance(our_type, GraphQLObjectType)
            for field_name, field in spec_type.fields.items():
                ours_field = our_type.fields.get(field_name)
                if ours_field is None or str(ours_field.type) != str(field.type):
                    mismatches.append(f"{name}.{field_name}: {ours_field and ours_field.type}")
                    continue
                for arg_name, arg in field.args.items():
                    ours_arg = ours_field.args.get(arg_name)
                    got = ours_arg and print_input_value(arg_name, ours_arg)
                    if got != print_input_value(arg_name, arg):
                        mismatches.append(f"{name}.{field_name}({arg_name}): {got}")
                if set(ours_field.args) != set(field.args):
                    mismatches.append(f"{name}.{field_name}: arguments {sorted(ours_field.args)}")
        if isinstance(spec_type, GraphQLInputObjectType):
            assert isinstance(our_type, GraphQLInputObjectType)
            if set(our_type.fields) != set(spec_type.fields):
                mismatches.append(f"{name}: fields {sorted(our_type.fields)}")
    assert mismatches == [], "\n".join(mismatches)


def test_update_inputs_are_all_optional() -> None:
    ours = gateway_schema()
    for name in ("UpdateEventInput", "UpdateDiaryEntryInput"):
        input_type = ours.type_map[name]
        assert isinstance(input_type, GraphQLInputObjectType)
        required = [f for f, field in input_type.fields.items() if str(field.type).endswith("!")]
        assert required == [], name


def test_everything_graphiql_shows_has_a_description() -> None:
    undescribed: list[str] = []
    ours = gateway_schema()
    for name, named in ours.type_map.items():
        if name.startswith("__") or name in ("String", "Int", "Boolean", "ID", "Float"):
            continue
        if not _described(named):
            undescribed.append(name)
        fields = getattr(named, "fields", {})
        for field_name, field in fields.items():
            if not field.description:
                undescribed.append(f"{name}.{field_name}")
            for arg_name, arg in getattr(field, "args", {}).items():
                if not arg.description:
                    undescribed.append(f"{name}.{field_name}({arg_name})")
    assert undescribed == []


def _described(named: GraphQLNamedType) -> bool:
    """Whether a type has a description (root types may go without one)."""
    return bool(named.description) or named.name in ("Mutation",)
