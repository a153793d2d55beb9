-- wrk script: replays the requests in the file BENCH_LINES, one a line,
-- "METHOD<TAB>PATH" or "METHOD<TAB>PATH<TAB>JSON BODY", each wrk thread
-- starting at its own offset and wrapping round. One script for every
-- run of bench/requests.sh: linli's intake, request pages, workbench and
-- dashboard, and Request Tracker's REST 2.0 create and fetch.
--
-- Environment:
--   BENCH_LINES   the file (required)
--   BENCH_AUTH    value of an Authorization header to send (optional)
--   BENCH_STATUS  1 = count responses by status code, print them at the end
--                 and the first non-2xx body (costs wrk some CPU)
local lines = {}
local n, i = 0, 0
local counter = 0
local threads = {}
statuses = {}
first_bad = nil

function setup(thread)
   counter = counter + 1
   thread:set("tid", counter)
   table.insert(threads, thread)
end

function init(args)
   local path = os.getenv("BENCH_LINES")
   local f = assert(io.open(path, "r"), "cannot open BENCH_LINES " .. tostring(path))
   for line in f:lines() do
      local m, p, b = line:match("^(%u+)\t([^\t]+)\t?(.*)$")
      if m then
         n = n + 1
         lines[n] = {m, p, b ~= "" and b or nil}
      end
   end
   f:close()
   assert(n > 0, "no requests in " .. path)
   i = ((tid or 1) * 7919) % n
   local auth = os.getenv("BENCH_AUTH")
   if auth and auth ~= "" then wrk.headers["Authorization"] = auth end
   -- wrk.format takes either its own headers or wrk.headers, not both
   json_headers = {["Content-Type"] = "application/json"}
   for k, v in pairs(wrk.headers) do json_headers[k] = v end
end

function request()
   i = i + 1
   if i > n then i = 1 end
   local r = lines[i]
   if r[3] then
      return wrk.format(r[1], r[2], json_headers, r[3])
   end
   return wrk.format(r[1], r[2])
end

if os.getenv("BENCH_STATUS") == "1" then
   function response(status, hdrs, body)
      statuses[status] = (statuses[status] or 0) + 1
      if status >= 300 and not first_bad then first_bad = status .. " " .. body:sub(1, 300) end
   end
end

function done(summary, latency, requests)
   if os.getenv("BENCH_STATUS") ~= "1" then return end
   local all = {}
   for _, t in ipairs(threads) do
      local s = t:get("statuses")
      if s then
         for code, k in pairs(s) do all[code] = (all[code] or 0) + k end
      end
      local b = t:get("first_bad")
      if b then io.write("replay: first non-2xx: " .. b .. "\n") end
   end
   for code, k in pairs(all) do
      io.write(string.format("replay: status %s: %d\n", tostring(code), k))
   end
end
