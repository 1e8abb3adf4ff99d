-- Shared by every wrk scenario (loaded with dofile). Counts responses per HTTP status in each thread
-- (response hook) and prints one machine-readable line in done(): BENCH_RESULT {json}.
-- Environment: BENCH_TOKEN (bearer token), BENCH_PREFIX (/{org}/{app}), BENCH_THREADS (wrk -t).

local threads = {}
local thread_count = 0

function setup(thread)
   thread:set("id", thread_count)
   thread_count = thread_count + 1
   table.insert(threads, thread)
end

statuses = {}
token = os.getenv("BENCH_TOKEN") or ""
prefix = os.getenv("BENCH_PREFIX") or "/demo/demo"
nthreads = tonumber(os.getenv("BENCH_THREADS") or "1")

function env_number(name, default)
   local value = os.getenv(name)
   if value == nil or value == "" then return default end
   return tonumber(value)
end

-- {"usernames":[…]} naming the w-th window of 100 consecutive users u{100w}..u{100w+99}, built once (R2, R3).
local window_bodies = {}
function usernames_window_body(w)
   local body = window_bodies[w]
   if body == nil then
      local names = {}
      for j = 0, 99 do
         names[#names + 1] = string.format('"u%d"', w * 100 + j)
      end
      body = '{"usernames":[' .. table.concat(names, ",") .. ']}'
      window_bodies[w] = body
   end
   return body
end

function auth_headers()
   wrk.headers["Authorization"] = "Bearer " .. token
   wrk.headers["Content-Type"] = "application/json"
end

function response(status, headers, body)
   statuses[status] = (statuses[status] or 0) + 1
end

function done(summary, latency, requests)
   local merged = {}
   for _, thread in ipairs(threads) do
      local counts = thread:get("statuses")
      if counts ~= nil then
         for status, count in pairs(counts) do
            merged[status] = (merged[status] or 0) + count
         end
      end
   end
   local parts = {}
   for status, count in pairs(merged) do
      table.insert(parts, string.format('"%d":%d', status, count))
   end
   local e = summary.errors
   io.write(string.format(
      'BENCH_RESULT {"requests":%d,"duration_us":%d,"p50_us":%.1f,"p90_us":%.1f,"p99_us":%.1f,"max_us":%.1f,"mean_us":%.1f,' ..
      '"errors":{"connect":%d,"read":%d,"write":%d,"status":%d,"timeout":%d},"statuses":{%s}}\n',
      summary.requests, summary.duration, latency:percentile(50), latency:percentile(90), latency:percentile(99),
      latency.max, latency.mean, e.connect, e.read, e.write, e.status, e.timeout, table.concat(parts, ",")))
end
