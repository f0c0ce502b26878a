-- wrk load for the cluster tests and `make soak`: reads (GraphQL GET) and writes
-- (createEvent POST), every answer checked. A failure is anything but HTTP 200 with a JSON body free of "errors", or a
-- socket error; done() prints one JSON line the test parses.
-- Environment: FC_TOKEN (a bearer token), FC_WRITE_EVERY (1 write per N requests, default 4).

local token = os.getenv("FC_TOKEN")
local write_every = tonumber(os.getenv("FC_WRITE_EVERY") or "4")
local threads = {}

function setup(thread)
  table.insert(threads, thread)
end

function init(args)
  reads, writes, read_failures, write_failures, other_failures, counter = 0, 0, 0, 0, 0, 0
  wrk.headers["Authorization"] = "Bearer " .. token
  wrk.headers["Accept"] = "application/graphql-response+json"
end

local event_reads = "/graphql?query=" ..
  "%7Bevents(first%3A5)%7BtotalCount%20edges%7Bnode%7Bid%20title%7D%7D%7D%7D"
local entry_reads = "/graphql?query=" ..
  "%7BdiaryEntries(first%3A5)%7BtotalCount%20edges%7Bnode%7Bid%20content%7D%7D%7D%7D"

-- Both services, reads and writes: events and diary entries in turn.
function request()
  counter = counter + 1
  if counter % write_every == 0 then
    local body
    if (counter / write_every) % 2 == 0 then
      body = '{"query":"mutation($i:CreateEventInput!){createEvent(input:$i){id}}",' ..
        '"variables":{"i":{"title":"load ' .. counter .. '",' ..
        '"startsAt":"2026-12-01T09:00:00+09:00","endsAt":"2026-12-01T10:00:00+09:00"}}}'
    else
      body = '{"query":"mutation($i:CreateDiaryEntryInput!){createDiaryEntry(input:$i){id}}",' ..
        '"variables":{"i":{"date":"2026-12-01","content":"load ' .. counter .. '"}}}'
    end
    -- (headers given to wrk.format replace wrk.headers, so they are all named here)
    return wrk.format("POST", "/graphql", {
      ["Authorization"] = "Bearer " .. token,
      ["Accept"] = "application/graphql-response+json",
      ["Content-Type"] = "application/json",
    }, body)
  end
  return wrk.format("GET", counter % 2 == 0 and event_reads or entry_reads)
end

-- A thread serves several connections at once, so an answer is told apart by its own body.
function response(status, headers, body)
  local failed = status ~= 200 or body:find('"errors"', 1, true) ~= nil
  if body:find('createEvent', 1, true) or body:find('createDiaryEntry', 1, true) then
    writes = writes + 1
    if failed then write_failures = write_failures + 1 end
  elseif body:find('"events"', 1, true) or body:find('"diaryEntries"', 1, true) then
    reads = reads + 1
    if failed then read_failures = read_failures + 1 end
  elseif failed then
    other_failures = other_failures + 1
  end
  if failed and os.getenv("FC_SHOW_FAILURES") then
    io.stderr:write(status .. " " .. body:sub(1, 300) .. "\n")
  end
end

function done(summary, latency, requests)
  local totals = {reads = 0, writes = 0, read_failures = 0, write_failures = 0, other_failures = 0}
  for _, thread in ipairs(threads) do
    for name, _ in pairs(totals) do
      totals[name] = totals[name] + thread:get(name)
    end
  end
  local errors = summary.errors
  io.write(string.format(
    '{"requests":%d,"reads":%d,"writes":%d,"read_failures":%d,"write_failures":%d,' ..
    '"other_failures":%d,"socket_errors":%d,"connect_errors":%d,"read_errors":%d,' ..
    '"write_errors":%d,"timeouts":%d,"non_2xx":%d,"p50_ms":%.2f,"p99_ms":%.2f}\n',
    summary.requests, totals.reads, totals.writes, totals.read_failures, totals.write_failures,
    totals.other_failures,
    errors.connect + errors.read + errors.write + errors.timeout, errors.connect, errors.read,
    errors.write, errors.timeout, errors.status,
    latency:percentile(50) / 1000, latency:percentile(99) / 1000))
end
