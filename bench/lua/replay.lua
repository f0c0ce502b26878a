-- Replay a file of prepared HTTP requests round-robin, then print wrk's results as one JSON line.
--
-- Each line of the file (the first script argument) is one request, tab-separated:
--   METHOD <TAB> PATH <TAB> BODY <TAB> header name <TAB> header value [<TAB> name <TAB> value ...]
-- BODY may be empty. JSON bodies never hold a raw tab (JSON escapes it), so tabs are safe.

local requests = {}
local next_index = 1
local thread_count = 0

local function split_tabs(line)
  local fields = {}
  local start = 1
  while true do
    local stop = string.find(line, "\t", start, true)
    if not stop then
      fields[#fields + 1] = string.sub(line, start)
      return fields
    end
    fields[#fields + 1] = string.sub(line, start, stop - 1)
    start = stop + 1
  end
end

function setup(thread)
  -- Each thread starts at its own place in the file, so threads do not send the same input.
  thread:set("thread_number", thread_count)
  thread_count = thread_count + 1
end

function init(args)
  local path = args[1]
  for line in io.lines(path) do
    if line ~= "" then
      local fields = split_tabs(line)
      local headers = {}
      for i = 4, #fields - 1, 2 do
        headers[fields[i]] = fields[i + 1]
      end
      local body = fields[3]
      if body == "" then
        body = nil
      end
      requests[#requests + 1] = wrk.format(fields[1], fields[2], headers, body)
    end
  end
  if #requests == 0 then
    error("no requests in " .. path)
  end
  local offset = (thread_number or 0) * math.floor(#requests / 2)
  next_index = (offset % #requests) + 1
end

function request()
  local prepared = requests[next_index]
  next_index = next_index + 1
  if next_index > #requests then
    next_index = 1
  end
  return prepared
end

function done(summary, latency, requests_made)
  local percentiles = {}
  for _, q in ipairs({ 50, 75, 90, 99, 99.9 }) do
    percentiles[#percentiles + 1] = string.format('"%s": %d', tostring(q), latency:percentile(q))
  end
  io.write(string.format(
    'BENCH_JSON {"requests": %d, "duration_us": %d, "bytes": %d, '
      .. '"errors": {"connect": %d, "read": %d, "write": %d, "status": %d, "timeout": %d}, '
      .. '"latency_us": {"min": %d, "max": %d, "mean": %.1f, "stdev": %.1f, "percentiles": {%s}}}\n',
    summary.requests, summary.duration, summary.bytes,
    summary.errors.connect, summary.errors.read, summary.errors.write,
    summary.errors.status, summary.errors.timeout,
    latency.min, latency.max, latency.mean, latency.stdev,
    table.concat(percentiles, ", ")
  ))
end
