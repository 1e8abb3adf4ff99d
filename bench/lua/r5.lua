-- R5 sublist page of 100: GET /users/u{n}/presence/sublist?pageNum=1&pageSize=100 over the users
-- u0..u{BENCH_SUBSCRIBERS-1}, each holding exactly 100 live subscriptions (seeded by the memory scenario).
dofile(os.getenv("BENCH_LUA_DIR") .. "/common.lua")

local subscribers = env_number("BENCH_SUBSCRIBERS", 10000)
local counter

function init(args)
   auth_headers()
   wrk.headers["Content-Type"] = nil
   counter = id
end

function request()
   counter = counter + nthreads
   return wrk.format("GET", string.format("%s/users/u%d/presence/sublist?pageNum=1&pageSize=100", prefix, counter % subscribers))
end
