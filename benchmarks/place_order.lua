-- wrk script: each request places an order of three products (ids and token from the env).
local token = os.getenv("BENCH_TOKEN")
local products = {os.getenv("BENCH_P1"), os.getenv("BENCH_P2"), os.getenv("BENCH_P3")}
wrk.method = "POST"
wrk.headers["Content-Type"] = "application/json"
wrk.headers["Authorization"] = "Bearer " .. token
wrk.headers["Host"] = "acme.localhost"
wrk.body = string.format(
  '{"items":[{"product_id":"%s","quantity":1},{"product_id":"%s","quantity":1},{"product_id":"%s","quantity":1}]}',
  products[1], products[2], products[3])
