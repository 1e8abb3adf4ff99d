-- R2 subscribe to 100 users: POST /users/s{n}/presence/86400 {"usernames":[100 users]}.
-- Subscribers s0..s{BENCH_SUBSCRIBERS-1} in turn, each always naming the same window of 100 of the users
-- u0..u{BENCH_USERS-1} (window = n mod windows): a repeat renews the same 100 subscriptions, so no subscriber
-- nears the 3,000-subscription cap, no target nears the 3,000-subscriber cap, and nothing expires during the run.
dofile(os.getenv("BENCH_LUA_DIR") .. "/common.lua")

local users = env_number("BENCH_USERS", 100000)
local subscribers = env_number("BENCH_SUBSCRIBERS", 10000)
local windows
local counter

function init(args)
   auth_headers()
   windows = math.max(1, math.floor(users / 100))
   counter = id
end

function request()
   counter = counter + nthreads
   local subscriber = counter % subscribers
   return wrk.format("POST", string.format("%s/users/s%d/presence/86400", prefix, subscriber), nil, usernames_window_body(subscriber % windows))
end
