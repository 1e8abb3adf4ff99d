-- Baseline: GET /{org}/{app}/ping, an authenticated no-op (token check + {"result":"ok"}, no grain call).
dofile(os.getenv("BENCH_LUA_DIR") .. "/common.lua")

local path

function init(args)
   auth_headers()
   wrk.headers["Content-Type"] = nil
   path = prefix .. "/ping"
end

function request()
   return wrk.format("GET", path)
end
