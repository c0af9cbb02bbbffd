-- extract.lua: wrk's requests for `make bench-serve`: every request POSTs
-- the made-up example article to /v1/extract as text/plain.
local file = assert(io.open(os.getenv("ARTICLE") or "examples/article.txt", "rb"))
wrk.method = "POST"
wrk.body = file:read("*a")
wrk.headers["Content-Type"] = "text/plain; charset=utf-8"
file:close()

