-- wrk script for `make load` (bench/load.py writes the data file and runs
-- `wrk -s bench/load.lua URL -- DATA_FILE`).
--
-- DATA_FILE is Lua that returns one table per user:
--   { key = "fy_...", reports = {"rep_...", ...}, exports = {"exp_...", ...} }
-- where each export is a finished one of that user (so its download is a 302).
--
-- Per request: the next user in turn (the 20 keys rotate, each thread starting
-- at its own offset), then a kind drawn at random:
--   40%  GET  /v1/exports?pageSize=20        list (200)
--   25%  GET  /v1/exports/{id}               status (200)
--   15%  GET  /v1/reports                    list (200)
--   10%  POST /v1/exports {"reportId": ...}  start (202; 409 while that report's
--                                            export is queued or running; 429 at
--                                            the user's concurrent limit)
--   10%  GET  /v1/exports/{id}/download      302 to a signed URL (not followed)
-- response() counts statuses per thread and keeps the id of every export a 202
-- started; done() adds the threads up and prints one `FERRY_LOAD ...` line of
-- key=value pairs that bench/load.py parses (wrk's own "Non-2xx or 3xx
-- responses" would count the expected 409/429 as well), and one
-- `FERRY_LOAD_STARTED id,id,...` line, so the script can reconcile the exports
-- the server holds afterwards with those wrk saw started.

local threads = {}
local next_id = 1

function setup(thread)
  thread:set("thread_id", next_id)
  next_id = next_id + 1
  table.insert(threads, thread)
end

local users
local turn = 0
ok2xx, ok3xx, s409, s429, other4xx, s5xx, other = 0, 0, 0, 0, 0, 0, 0
statuses = {}
started = {}
kinds = { list = 0, status = 0, reports = 0, start = 0, download = 0 }

function init(args)
  users = dofile(args[1])
  turn = ((thread_id or 1) - 1) * 7
  math.randomseed(1000 + (thread_id or 1))
end

local function pick(list)
  return list[math.random(#list)]
end

function request()
  turn = turn + 1
  local u = users[(turn % #users) + 1]
  local headers = { ["Authorization"] = "Bearer " .. u.key }
  local r = math.random(100)
  if r <= 40 then
    kinds.list = kinds.list + 1
    return wrk.format("GET", "/v1/exports?pageSize=20", headers)
  elseif r <= 65 then
    kinds.status = kinds.status + 1
    return wrk.format("GET", "/v1/exports/" .. pick(u.exports), headers)
  elseif r <= 80 then
    kinds.reports = kinds.reports + 1
    return wrk.format("GET", "/v1/reports", headers)
  elseif r <= 90 then
    kinds.start = kinds.start + 1
    headers["Content-Type"] = "application/json"
    return wrk.format("POST", "/v1/exports", headers, '{"reportId": "' .. pick(u.reports) .. '"}')
  else
    kinds.download = kinds.download + 1
    return wrk.format("GET", "/v1/exports/" .. pick(u.exports) .. "/download", headers)
  end
end

function response(status, headers, body)
  statuses[status] = (statuses[status] or 0) + 1
  if status == 202 then
    -- Only POST /v1/exports answers 202; its body is the export.
    local id = body and string.match(body, '"id"%s*:%s*"([^"]+)"')
    table.insert(started, id or "?")
  end
  if status >= 200 and status < 300 then
    ok2xx = ok2xx + 1
  elseif status >= 300 and status < 400 then
    ok3xx = ok3xx + 1
  elseif status == 409 then
    s409 = s409 + 1
  elseif status == 429 then
    s429 = s429 + 1
  elseif status >= 400 and status < 500 then
    other4xx = other4xx + 1
  elseif status >= 500 then
    s5xx = s5xx + 1
  else
    other = other + 1
  end
end

function done(summary, latency, requests)
  local t = { ok2xx = 0, ok3xx = 0, s409 = 0, s429 = 0, other4xx = 0, s5xx = 0, other = 0 }
  local by_status, by_kind, ids = {}, {}, {}
  for _, thread in ipairs(threads) do
    for name, _ in pairs(t) do
      t[name] = t[name] + (thread:get(name) or 0)
    end
    for code, n in pairs(thread:get("statuses") or {}) do
      by_status[code] = (by_status[code] or 0) + n
    end
    for kind, n in pairs(thread:get("kinds") or {}) do
      by_kind[kind] = (by_kind[kind] or 0) + n
    end
    for _, id in ipairs(thread:get("started") or {}) do
      table.insert(ids, id)
    end
  end
  local e = summary.errors
  local parts = {
    "requests=" .. summary.requests,
    "duration_us=" .. summary.duration,
    "bytes=" .. summary.bytes,
    "2xx=" .. t.ok2xx, "3xx=" .. t.ok3xx, "409=" .. t.s409, "429=" .. t.s429,
    "other4xx=" .. t.other4xx, "5xx=" .. t.s5xx, "other=" .. t.other,
    "connect_errors=" .. e.connect, "read_errors=" .. e.read, "write_errors=" .. e.write,
    "timeouts=" .. e.timeout, "status_errors=" .. e.status,
    "p50_us=" .. latency:percentile(50), "p90_us=" .. latency:percentile(90),
    "p99_us=" .. latency:percentile(99), "p999_us=" .. latency:percentile(99.9),
    "max_us=" .. latency.max, "mean_us=" .. string.format("%.1f", latency.mean),
  }
  local codes = {}
  for code, n in pairs(by_status) do table.insert(codes, code .. ":" .. n) end
  table.sort(codes)
  table.insert(parts, "statuses=" .. table.concat(codes, ","))
  local ks = {}
  for kind, n in pairs(by_kind) do table.insert(ks, kind .. ":" .. n) end
  table.sort(ks)
  table.insert(parts, "sent=" .. table.concat(ks, ","))
  io.write("FERRY_LOAD " .. table.concat(parts, " ") .. "\n")
  io.write("FERRY_LOAD_STARTED " .. table.concat(ids, ",") .. "\n")
end
