// The bench's reference gateway: Apollo Server 5 serving the five bench operations over the same
// calendar and diary services, written the way Apollo's users write one (a RESTDataSource per
// service, DataLoader for batched lookups, the standalone server, NODE_ENV=production).
//
// It makes the same upstream calls as graph_gateway (same routes, same bodies, the same
// X-Internal-Token / X-User-Id headers, a random Idempotency-Key on writes) and answers the
// bench's documents with the same bytes; `python -m bench.run --apollo` checks that first.
// Only the schema subset those operations need is here, and only their success paths: error
// answers (bad ids, refused inputs, a service down) are not ported and not compared.
//
// Environment: APOLLO_PORT, APOLLO_CALENDAR_URL, APOLLO_DIARY_URL, APOLLO_INTERNAL_TOKEN,
// APOLLO_JWT_SECRET (and optionally APOLLO_JWT_ISSUER, APOLLO_JWT_AUDIENCE).

import { createHmac, randomUUID, timingSafeEqual } from "node:crypto";

import { ApolloServer } from "@apollo/server";
import { startStandaloneServer } from "@apollo/server/standalone";
import { RESTDataSource } from "@apollo/datasource-rest";
import DataLoader from "dataloader";
import { GraphQLError, GraphQLScalarType } from "graphql";

const env = (name, fallback) => {
  const value = process.env[name] ?? fallback;
  if (value === undefined) throw new Error(`${name} is not set`);
  return value;
};

const config = {
  port: Number(env("APOLLO_PORT")),
  calendarUrl: env("APOLLO_CALENDAR_URL"),
  diaryUrl: env("APOLLO_DIARY_URL"),
  internalToken: env("APOLLO_INTERNAL_TOKEN"),
  jwtSecret: env("APOLLO_JWT_SECRET"),
  jwtIssuer: env("APOLLO_JWT_ISSUER", "fortune-compass-gateway"),
  jwtAudience: env("APOLLO_JWT_AUDIENCE", "fortune-compass"),
};

const typeDefs = `#graphql
  scalar Date
  scalar DateTime

  enum Mood { JOYFUL HAPPY CALM NEUTRAL TIRED SAD ANXIOUS ANGRY }

  type Tag { id: ID! name: String! color: String! }

  type Event {
    id: ID!
    title: String!
    startsAt: DateTime!
    endsAt: DateTime!
    tags: [Tag!]!
  }

  type PageInfo { hasNextPage: Boolean! endCursor: String }
  type EventEdge { cursor: String! node: Event! }
  type EventConnection { edges: [EventEdge!]! pageInfo: PageInfo! totalCount: Int! }

  type DiaryEntry {
    id: ID!
    date: Date!
    title: String
    mood: Mood
    tags: [Tag!]
    events: [Event!]
  }
  type DiaryEntryEdge { cursor: String! node: DiaryEntry! }
  type DiaryEntryConnection {
    edges: [DiaryEntryEdge!]!
    pageInfo: PageInfo!
    totalCount: Int!
  }

  type Day { date: Date! events: [Event!] diaryEntries: [DiaryEntry!] }

  input CreateEventInput {
    title: String!
    description: String
    location: String
    startsAt: DateTime!
    endsAt: DateTime!
    allDay: Boolean = false
    tagIds: [ID!] = []
  }

  type Query {
    event(id: ID!): Event
    events(first: Int = 20): EventConnection
    diaryEntries(first: Int = 20): DiaryEntryConnection
    days(from: Date!, to: Date!): [Day!]
  }

  type Mutation { createEvent(input: CreateEventInput!): Event! }
`;

// --- the user ------------------------------------------------------------------------------

// Verifies the gateway's HS256 access token (signature, exp, iss, aud) and takes the user id
// from `sub`. Our gateway also looks the session (`sid`) up in its database; the reference does
// not, which only makes it cheaper: the comparison stays fair to Apollo.
function userIdFromToken(header) {
  const match = /^Bearer (.+)$/.exec(header ?? "");
  if (!match) return null;
  const [head, payload, signature] = match[1].split(".");
  if (!signature) return null;
  const expected = createHmac("sha256", config.jwtSecret).update(`${head}.${payload}`).digest();
  const given = Buffer.from(signature, "base64url");
  if (given.length !== expected.length || !timingSafeEqual(given, expected)) return null;
  if (JSON.parse(Buffer.from(head, "base64url").toString()).alg !== "HS256") return null;
  const claims = JSON.parse(Buffer.from(payload, "base64url").toString());
  const audiences = Array.isArray(claims.aud) ? claims.aud : [claims.aud];
  if (claims.exp * 1000 <= Date.now()) return null;
  if (claims.iss !== config.jwtIssuer || !audiences.includes(config.jwtAudience)) return null;
  return String(claims.sub);
}

function requireUser(context) {
  if (context.userId === null) {
    throw new GraphQLError("Sign in first", { extensions: { code: "UNAUTHENTICATED" } });
  }
}

// --- values as our gateway serializes them ----------------------------------------------------

// Python's `datetime.isoformat()` of what the service sent: `+00:00`, microseconds only when
// not zero, six digits.
function pythonIsoformat(value) {
  const match = /^(\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2})(?:\.(\d+))?(Z|[+-]\d{2}:\d{2})$/.exec(value);
  if (!match) return value;
  const [, base, fraction, zone] = match;
  const micro = (fraction ?? "").padEnd(6, "0").slice(0, 6);
  return `${base}${micro === "000000" ? "" : `.${micro}`}${zone === "Z" ? "+00:00" : zone}`;
}

const DateTime = new GraphQLScalarType({
  name: "DateTime",
  serialize: pythonIsoformat,
  // What the services receive, as our gateway sends it (the bench sends `+00:00` offsets).
  parseValue: pythonIsoformat,
});

const DateScalar = new GraphQLScalarType({ name: "Date" });

// --- the services -------------------------------------------------------------------------

class ServiceAPI extends RESTDataSource {
  constructor(baseURL, userId) {
    super();
    this.baseURL = baseURL;
    this.userId = userId;
  }

  willSendRequest(_path, request) {
    request.headers["x-internal-token"] = config.internalToken;
    request.headers["x-user-id"] = this.userId;
    request.headers["accept"] = "application/json";
  }

  read(path, body) {
    return this.post(path, { body });
  }

  // One POST of every {start, end} range asked for in a tick; one result list per range.
  rangeLoader(path) {
    return new DataLoader(
      async (ranges) => (await this.read(path, { ranges: [...ranges] })).results,
      { cacheKeyFn: (range) => `${range.start}/${range.end}` },
    );
  }

  // The first `first` items of a list route, unfiltered (`filters`: its own filters, all null).
  firstPage(path, filters, first) {
    return this.read(path, { from: null, to: null, ...filters, first, after: null });
  }
}

class CalendarAPI extends ServiceAPI {
  constructor(userId) {
    super(config.calendarUrl, userId);
    this.events = new DataLoader(
      async (ids) => (await this.read("/events/batch", { ids: ids.map(Number) })).items,
    );
    this.tags = new DataLoader(
      async (ids) => (await this.read("/tags/batch", { ids: [...ids] })).items,
    );
    this.overlapping = this.rangeLoader("/events/overlapping");
  }

  searchEvents(first) {
    return this.firstPage("/events/search", { tag_id: null, search: null }, first);
  }

  createEvent(body) {
    const key = randomUUID().replaceAll("-", "");
    return this.post("/events", { body, headers: { "idempotency-key": key } });
  }
}

class DiaryAPI extends ServiceAPI {
  constructor(userId) {
    super(config.diaryUrl, userId);
    this.inDates = this.rangeLoader("/entries/by-date-range");
  }

  searchEntries(first) {
    return this.firstPage("/entries/search", { mood: null, tag_id: null }, first);
  }
}

// --- resolvers ----------------------------------------------------------------------------

const DAY_MS = 86_400_000;
// The bench user's time zone is UTC, the default; a full port would read the user's zone.
const utcDay = (isoDate) => {
  const start = new Date(`${isoDate}T00:00:00Z`);
  return {
    start: pythonIsoformat(start.toISOString()),
    end: pythonIsoformat(new Date(start.getTime() + DAY_MS).toISOString()),
  };
};

const connection = (page) => ({
  edges: page.items.map((node, i) => ({ cursor: page.cursors[i], node })),
  pageInfo: { hasNextPage: page.has_next_page, endCursor: page.end_cursor },
  totalCount: page.total_count,
});

const byNameThenId = (a, b) => {
  const x = a.name.toLowerCase();
  const y = b.name.toLowerCase();
  return x < y ? -1 : x > y ? 1 : a.id - b.id;
};

const resolvers = {
  Date: DateScalar,
  DateTime,
  Query: {
    event: async (_, { id }, ctx) => {
      requireUser(ctx);
      if (!/^\d+$/.test(id)) return null;
      return ctx.calendar.events.load(Number(id));
    },
    events: async (_, { first }, ctx) => {
      requireUser(ctx);
      return connection(await ctx.calendar.searchEvents(first));
    },
    diaryEntries: async (_, { first }, ctx) => {
      requireUser(ctx);
      return connection(await ctx.diary.searchEntries(first));
    },
    days: (_, args, ctx) => {
      requireUser(ctx);
      const first = Date.parse(`${args.from}T00:00:00Z`);
      const count = (Date.parse(`${args.to}T00:00:00Z`) - first) / DAY_MS + 1;
      return Array.from({ length: count }, (_, n) =>
        new Date(first + n * DAY_MS).toISOString().slice(0, 10),
      );
    },
  },
  Mutation: {
    createEvent: async (_, { input }, ctx) => {
      requireUser(ctx);
      return ctx.calendar.createEvent({
        title: input.title,
        description: input.description ?? null,
        location: input.location ?? null,
        starts_at: input.startsAt,
        ends_at: input.endsAt,
        all_day: input.allDay,
        tag_ids: input.tagIds.map(Number),
      });
    },
  },
  Event: {
    id: (event) => String(event.id),
    startsAt: (event) => event.starts_at,
    endsAt: (event) => event.ends_at,
  },
  Tag: { id: (tag) => String(tag.id) },
  Day: {
    date: (day) => day,
    events: (day, _, ctx) => ctx.calendar.overlapping.load(utcDay(day)),
    diaryEntries: (day, _, ctx) => ctx.diary.inDates.load({ start: day, end: day }),
  },
  DiaryEntry: {
    id: (entry) => String(entry.id),
    tags: async (entry, _, ctx) => {
      if (entry.tag_ids.length === 0) return [];
      const tags = await ctx.calendar.tags.loadMany(entry.tag_ids);
      return tags.filter((tag) => tag !== null).sort(byNameThenId);
    },
    events: (entry, _, ctx) => ctx.calendar.overlapping.load(utcDay(entry.date)),
  },
};

const server = new ApolloServer({ typeDefs, resolvers });
const { url } = await startStandaloneServer(server, {
  listen: { host: "127.0.0.1", port: config.port },
  context: async ({ req }) => {
    const userId = userIdFromToken(req.headers.authorization);
    return {
      userId,
      calendar: new CalendarAPI(userId),
      diary: new DiaryAPI(userId),
    };
  },
});
console.log(`apollo reference gateway at ${url}`);
