-- R3 batch get of 100 users: POST /users/reader{n}/presence {"usernames":[100 users]}.
-- Windows of 100 consecutive users of u0..u{BENCH_USERS-1} in turn (they were set online before).
dofile(os.getenv("BENCH_LUA_DIR") .. "/common.lua")

local users = env_number("BENCH_USERS", 100000)
local windows
local counter

function init(args)
   auth_headers()
   windows = math.max(1, math.floor(users / 100))
   counter = id
end

function request()
   counter = counter + nthreads
   local w = counter % windows
   return wrk.format("POST", string.format("%s/users/reader%d/presence", prefix, counter % 1000), nil, usernames_window_body(w))
end
