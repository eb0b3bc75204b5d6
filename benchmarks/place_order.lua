-- wrk script: each request places an order of three products, with the token from the env.
-- BENCH_PRODUCTS is a comma-separated list of product ids. With exactly three, every order
-- buys the same three (hot rows); with more, each order buys three distinct random ones.
local token = os.getenv("BENCH_TOKEN")
local ids = {}
for id in string.gmatch(os.getenv("BENCH_PRODUCTS"), "[^,]+") do
  table.insert(ids, id)
end
wrk.method = "POST"
wrk.headers["Content-Type"] = "application/json"
wrk.headers["Authorization"] = "Bearer " .. token
wrk.headers["Host"] = "acme.localhost"

local function pick()
  if #ids == 3 then return ids[1], ids[2], ids[3] end
  local a = math.random(#ids)
  local b repeat b = math.random(#ids) until b ~= a
  local c repeat c = math.random(#ids) until c ~= a and c ~= b
  return ids[a], ids[b], ids[c]
end

request = function()
  local a, b, c = pick()
  local body = string.format(
    '{"items":[{"product_id":"%s","quantity":1},{"product_id":"%s","quantity":1},{"product_id":"%s","quantity":1}]}',
    a, b, c)
  return wrk.format(nil, nil, nil, body)
end
