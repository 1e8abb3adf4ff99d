-- R1 set status over many distinct users: POST /users/u{n}/presence/{resource}/{status} {"ext":"…"}.
-- Users u0..u{BENCH_USERS-1} are visited in turn; each visit moves that user's status along 1 → busy → 0,
-- so every call is a real change (state write; a login or logout every other time).
dofile(os.getenv("BENCH_LUA_DIR") .. "/common.lua")

local users = env_number("BENCH_USERS", 100000)
local resources = { "android_123423453246", "ios_3141592653", "web_6b5610ac-4e11", "pc_2718281828" }
local cycle = { "1", "busy", "0" }
local counter

function init(args)
   auth_headers()
   counter = id
end

function request()
   counter = counter + nthreads
   local user = counter % users
   local visit = math.floor(counter / users)
   local resource = resources[(user % #resources) + 1]
   local status = cycle[(visit % #cycle) + 1]
   local path = string.format("%s/users/u%d/presence/%s/%s", prefix, user, resource, status)
   return wrk.format("POST", path, nil, string.format('{"ext":"bench-%d"}', visit % 10))
end
