-- wrk script: PUT /api/v1/calendar/{date} with {"kind":"holiday","name":"bench"}.
-- Every request picks another date in 2100-01-01 .. 2199-12-31 ("holiday" is
-- allowed on any day). Each wrk thread walks its own slice of that range, so
-- dates repeat only after ~36,500 requests in all (a repeat is an upsert,
-- the same write).
--
-- Environment (all optional):
--   BENCH_AUTH    value of an Authorization header to send
--   BENCH_COOKIE  value of a Cookie header to send
--   BENCH_STATUS  1 = count responses by status code and print them at the end
--                 (costs wrk some CPU per response, so off by default; the
--                 summary's "Non-2xx or 3xx responses" is always printed)

local SPAN = 36524          -- days from 2100-01-01 through 2199-12-31
local DAY0 = 47482          -- 2100-01-01 as days since 1970-01-01

local threads = {}
local nthreads = 0

function setup(thread)
   thread:set("id", nthreads)
   table.insert(threads, thread)
   nthreads = nthreads + 1
end

-- days since 1970-01-01 -> "YYYY-MM-DD" (Howard Hinnant's civil_from_days)
local function civil(z)
   z = z + 719468
   local era = math.floor(z / 146097)
   local doe = z - era * 146097
   local yoe = math.floor((doe - math.floor(doe / 1460) + math.floor(doe / 36524)
                           - math.floor(doe / 146096)) / 365)
   local y = yoe + era * 400
   local doy = doe - (365 * yoe + math.floor(yoe / 4) - math.floor(yoe / 100))
   local mp = math.floor((5 * doy + 2) / 153)
   local d = doy - math.floor((153 * mp + 2) / 5) + 1
   local m = mp < 10 and mp + 3 or mp - 9
   if m <= 2 then y = y + 1 end
   return string.format("%04d-%02d-%02d", y, m, d)
end

local counter = 0
local headers = {}
local body = '{"kind":"holiday","name":"bench"}'
statuses = {}

function init(args)
   -- Spread threads over the range: thread i starts at i * SPAN / 16, which
   -- keeps slices apart for up to 16 threads without needing the total.
   counter = math.floor((id or 0) * SPAN / 16)
   headers["Content-Type"] = "application/json"
   local auth = os.getenv("BENCH_AUTH")
   if auth and auth ~= "" then headers["Authorization"] = auth end
   local cookie = os.getenv("BENCH_COOKIE")
   if cookie and cookie ~= "" then headers["Cookie"] = cookie end
end

function request()
   local date = civil(DAY0 + counter % SPAN)
   counter = counter + 1
   return wrk.format("PUT", "/api/v1/calendar/" .. date, headers, body)
end

if os.getenv("BENCH_STATUS") == "1" then
   function response(status, hdrs, resp_body)
      statuses[status] = (statuses[status] or 0) + 1
   end
end

function done(summary, latency, requests)
   local e = summary.errors
   if e.status > 0 then
      io.write(string.format("put_calendar: Non-2xx or 3xx responses: %d of %d\n",
                             e.status, summary.requests))
   end
   if e.connect + e.read + e.write + e.timeout > 0 then
      io.write(string.format("put_calendar: socket errors connect=%d read=%d write=%d timeout=%d\n",
                             e.connect, e.read, e.write, e.timeout))
   end
   if os.getenv("BENCH_STATUS") == "1" then
      local all = {}
      for _, t in ipairs(threads) do
         local s = t:get("statuses")
         if s then
            for code, n in pairs(s) do all[code] = (all[code] or 0) + n end
         end
      end
      for code, n in pairs(all) do
         io.write(string.format("put_calendar: status %s: %d\n", tostring(code), n))
      end
   end
end
