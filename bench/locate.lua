-- wrk script for GET /api/v1/areas/locate: random points inside the city's
-- grids, read from the file BENCH_POINTS ("lng lat" a line, written by
-- bench/locate), each wrk thread starting at its own offset.
-- Authorization from BENCH_AUTH ("Bearer KEY").
local points = {}
local n, i = 0, 0
local auth = os.getenv("BENCH_AUTH")
local counter = 0

function setup(thread)
   counter = counter + 1
   thread:set("tid", counter)
end

function init(args)
   local path = os.getenv("BENCH_POINTS")
   local f = assert(io.open(path, "r"), "cannot open BENCH_POINTS " .. tostring(path))
   for line in f:lines() do
      local x, y = line:match("^(%S+)%s+(%S+)")
      if x then
         n = n + 1
         points[n] = "/api/v1/areas/locate?lng=" .. x .. "&lat=" .. y
      end
   end
   f:close()
   assert(n > 0, "no points in " .. path)
   i = ((tid or 1) * 7919) % n
   if auth and auth ~= "" then wrk.headers["Authorization"] = auth end
end

function request()
   i = i + 1
   if i > n then i = 1 end
   return wrk.format("GET", points[i])
end
