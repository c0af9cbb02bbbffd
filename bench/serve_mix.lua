-- serve_mix.lua: wrk's requests for `make bench-serve`, a mix as a page and
-- a script would send: every other request POSTs the made-up example
-- article to /v1/extract as text/plain, the others search the store
-- (/v1/search, a word, then a speaker), so that analysis and SQLite run
-- side by side.  Set LOAD_MIX=extract for extraction alone.
local file = assert(io.open(os.getenv("ARTICLE") or "examples/article.txt", "rb"))
local article = file:read("*a")
file:close()
local extract_only = os.getenv("LOAD_MIX") == "extract"
local searches = {"/v1/search?q=ceasefire&limit=20", "/v1/search?speaker=solberg&limit=20",
                  "/v1/speakers?limit=20"}
local n = 0

request = function()
	n = n + 1
	if extract_only or n % 2 == 1 then
		return wrk.format("POST", "/v1/extract", {["Content-Type"] = "text/plain; charset=utf-8"}, article)
	end
	return wrk.format("GET", searches[math.floor(n / 2) % #searches + 1])
end
