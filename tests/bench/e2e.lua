-- wrk script of tests/bench/e2e.sh: each request posts the example inspection report with an
-- EDocId of its own (thread number and counter in the last group), until this thread has sent
-- its share of the reports; at the end, the intake's latency percentiles and the answers.
--
-- wrk -t THREADS ... -s e2e.lua URL -- TOKEN REPORTS TEMPLATE THREADS

local threads = {}
local counter = 1

function setup(thread)
  thread:set("id", counter)
  counter = counter + 1
  table.insert(threads, thread)
end

function init(args)
  token = args[1]
  local total = tonumber(args[2])
  local file = assert(io.open(args[3], "rb"))
  template = file:read("*a")
  file:close()
  -- Threads are numbered from 1 by setup(); each sends total / threads, the first the rest too.
  local count = tonumber(args[4])
  share = math.floor(total / count)
  if id == 1 then share = share + total % count end
  sent = 0
  answered = 0
  accepted = 0
  wrk.method = "POST"
  wrk.headers["Content-Type"] = "application/xml"
  wrk.headers["Authorization"] = "Bearer " .. token
end

function request()
  sent = sent + 1
  local edoc = string.format("3f2b8c1e-7d4a-4e9b-9c61-%02x%010x", id, sent)
  local body = template:gsub("3f2b8c1e%-7d4a%-4e9b%-9c61%-2a5d8e0f4b17", edoc, 1)
  return wrk.format(nil, nil, nil, body)
end

function response(status, headers, body)
  answered = answered + 1
  if status == 202 then accepted = accepted + 1 end
  if answered >= share then wrk.thread:stop() end
end

function done(summary, latency, requests)
  local total = 0
  for _, t in ipairs(threads) do total = total + (t:get("accepted") or 0) end
  io.write(string.format("accepted %d\n", total))
  io.write(string.format("requests %d\n", summary.requests))
  io.write(string.format("seconds %.3f\n", summary.duration / 1e6))
  io.write(string.format("p50_ms %.1f\n", latency:percentile(50) / 1000))
  io.write(string.format("p99_ms %.1f\n", latency:percentile(99) / 1000))
end
