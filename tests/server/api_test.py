#!/usr/bin/env python3
"""api_test.py — every endpoint and every error status of `whosaid serve`.

    api_test.py WHOSAID

WHOSAID is the command (it may start with a wrapper such as valgrind).  The
test makes a small store from tests/corpus/make_corpus.py, starts two
servers on free loopback ports (one with the store and the usual limits,
one with tight limits and no store), checks what they answer against what
the command line prints for the same input, stops them with SIGTERM and
checks that they exit 0.  Prints one line per check and "N passed,
N failed"; exits 1 when a check fails.
"""
import concurrent.futures
import csv
import io
import json
import os
import shutil
import socket
import sqlite3
import subprocess
import tempfile
import time
import urllib.parse

from harness import ACCENTED, ARTICLE, WHOSAID, check, error_of, finish, made_store, raw, request, run, start, stop


# An article read from a file, as bytes: invalid UTF-8, a NUL, an accent
# and a character beyond the BMP, so that the stored text must be shown as
# the analysis shows it for its code point offsets to fit.
ODD_BYTES = (b'Ana Ruiz said the \xff\xfe ferry \x00 was late. "It was ' + "caf\u00e9 time \U0001F6A2 again,".encode()
             + b'" she told reporters.\n\nOmar Reyes said that =SUM(A1:A9) was the total.')


def shown(data):
    """bytes as the analysis shows them: one U+FFFD per invalid byte, NUL
    and U+001A as U+FFFD too (docs/schema.md, "Offsets")."""
    import codecs
    codecs.register_error("perbyte", lambda e: ("\ufffd", e.start + 1))
    return data.decode("utf-8", "perbyte").replace("\0", "\ufffd").replace("\x1a", "\ufffd")


def spans_of(record):
    for a in record["attributions"]:
        for span in [a["source"], a["cue"], a["addressee"]] + a["content"]:
            if span:
                yield span
    for e in record.get("entities", []):
        yield from e["mentions"]


def csv_rows(data):
    return list(csv.reader(io.StringIO(data.decode("utf-8"), newline="")))


def plain(rows):
    return [[" ".join(cell.replace("\r", " ").replace("\t", " ").split("\n")) for cell in row] for row in rows]


def main():
    work = tempfile.mkdtemp()
    db = made_store(work, 40)
    # one article from a file with odd bytes, whose id (its path) has slashes
    odd = os.path.join(work, "odd", "bytes.txt")
    os.makedirs(os.path.dirname(odd))
    with open(odd, "wb") as f:
        f.write(ODD_BYTES)
    run(["index", "--db", db, "-q", odd])

    server, port = start(["--db", db, "-j", "2"])
    try:
        status, headers, data = request(port, "GET", "/healthz")
        check("GET /healthz", status == 200 and json.loads(data) == {"status": "ok"}, data)

        status, headers, data = request(port, "GET", "/v1/version")
        v = json.loads(data)
        check("GET /v1/version names library, schema, model and store",
              status == 200 and v["schema"] == 1 and v["model"] and v["store"] is True and v["store_schema"] == 6, v)

        cli = json.loads(run(["--format", "jsonl", "-q"], ARTICLE.encode()))
        status, headers, data = request(port, "POST", "/v1/extract", ARTICLE.encode(),
                                        {"Content-Type": "text/plain; charset=utf-8"})
        check("POST /v1/extract text/plain: the command's record",
              status == 200 and headers["content-type"] == "application/json" and json.loads(data) == cli, data)

        status, _, data = request(port, "POST", "/v1/extract?id=pier-7", ARTICLE.encode(),
                                  {"Content-Type": "text/plain"})
        check("POST /v1/extract?id= sets the id", status == 200 and json.loads(data)["id"] == "pier-7", data)

        line = json.dumps({"id": "a1", "text": ARTICLE, "outlet": "Eastport Courier"})
        cli = json.loads(run(["--jsonl", "--format", "jsonl", "-q"], line.encode()))
        status, _, data = request(port, "POST", "/v1/extract", line.encode(), {"Content-Type": "application/json"})
        check("POST /v1/extract JSON: id and passed-through members", status == 200 and json.loads(data) == cli
              and cli["id"] == "a1" and cli["outlet"] == "Eastport Courier", data)

        batch = "\n".join([line, "", json.dumps({"id": "a2", "text": ACCENTED}), '{"id": "a3", "text": ',
                           json.dumps({"id": "a4", "text": 7})]) + "\n"
        cli = [json.loads(x) for x in run(["--jsonl", "--format", "jsonl", "-q"], batch.encode()).splitlines()]
        status, headers, data = request(port, "POST", "/v1/extract", batch.encode(),
                                        {"Content-Type": "application/x-ndjson"})
        got = [json.loads(x) for x in data.splitlines()]
        got_without_origin = [dict(r, id=r["id"].replace("body:", "stdin:")) if r["id"].startswith("body:") else r
                              for r in got]
        check("POST /v1/extract JSON Lines: one record per line, in order, error records included",
              status == 200 and headers["content-type"] == "application/x-ndjson" and len(got) == 4
              and [r["id"] for r in got] == ["a1", "a2", "body:4", "a4"]
              and [len(r["errors"]) for r in got] == [0, 0, 1, 1]
              and got_without_origin[:2] == cli[:2], data[:300])

        cli = json.loads(run(["--format", "jsonl", "--offsets", "bytes", "-q"], ACCENTED.encode()))
        status, _, data = request(port, "POST", "/v1/extract?offsets=bytes", ACCENTED.encode(),
                                  {"Content-Type": "text/plain"})
        check("?offsets=bytes counts bytes", status == 200 and json.loads(data) == cli, data)

        # the model is shared by the threads: answers under load are the same
        cli = json.loads(run(["--format", "jsonl", "-q"], ARTICLE.encode()))
        with concurrent.futures.ThreadPoolExecutor(8) as pool:
            answers = list(pool.map(lambda _: request(port, "POST", "/v1/extract", ARTICLE.encode(),
                                                      {"Content-Type": "text/plain"}), range(16)))
        check("16 requests at once on 2 threads: all right",
              all(s == 200 and json.loads(d) == cli for s, _, d in answers), [s for s, _, _ in answers])

        cli = [json.loads(x) for x in run(["search", "--db", db, "ceasefire", "--limit", "3", "-f", "jsonl"]).splitlines()]
        status, _, data = request(port, "GET", "/v1/search?q=ceasefire&limit=3")
        check("GET /v1/search: the command's hits", status == 200 and json.loads(data)["hits"] == cli
              and len(cli) == 3, data[:300])

        cli = [json.loads(x) for x in run(["search", "--db", db, "--speaker", "okafor", "--kind", "direct",
                                           "--since", "2031-04", "-f", "jsonl"]).splitlines()]
        status, _, data = request(port, "GET", "/v1/search?speaker=okafor&kind=direct&since=2031-04&q=")
        check("GET /v1/search with filters, empty q meaning none", status == 200 and json.loads(data)["hits"] == cli
              and len(cli) > 0, data[:300])

        cli = [json.loads(x) for x in run(["quotes", "--db", db, "-f", "jsonl"]).splitlines()]
        status, _, data = request(port, "GET", "/v1/quotes")
        check("GET /v1/quotes: the command's clusters, most carried first",
              status == 200 and json.loads(data)["quotes"] == cli and len(cli) > 1
              and cli[0]["articles"] >= cli[-1]["articles"] >= 2, data[:300])
        cli = [json.loads(x) for x in run(["quotes", "--db", db, "--conflicting", "--min-articles", "3",
                                           "--since", "2031-04", "-f", "jsonl"]).splitlines()]
        status, _, data = request(port, "GET", "/v1/quotes?conflicting=true&min_articles=3&since=2031-04&speaker=")
        got = json.loads(data)["quotes"]
        check("GET /v1/quotes?conflicting=true&min_articles=3&since=: the command's filters",
              status == 200 and got == cli and got and all(q["conflicting"] and len(q["speakers"]) > 1 for q in got), data[:300])
        first = json.loads(run(["quotes", "--db", db, "-f", "jsonl", "--limit", "1"]))
        cli = json.loads(run(["quotes", "--db", db, "--id", str(first["id"]), "-f", "json"]))
        status, _, data = request(port, "GET", f"/v1/quotes/{first['id']}")
        check("GET /v1/quotes/ID: one cluster with its members, as quotes --id",
              status == 200 and json.loads(data) == cli and len(cli["members"]) == cli["attributions"], data[:300])
        cli = [json.loads(x) for x in run(["speakers", "--db", db, "--by", "month", "-f", "jsonl"]).splitlines()]
        status, _, data = request(port, "GET", "/v1/speakers?by=month")
        check("GET /v1/speakers?by=month: the command's rows", status == 200 and json.loads(data)["speakers"] == cli,
              data[:300])

        status, _, data = request(port, "GET", "/v1/store")
        o = json.loads(data)
        # the 40 generated articles and the one with odd bytes, which has no outlet or date
        check("GET /v1/store: counts, outlets and months", status == 200 and o["articles"] == 41
              and len(o["outlets"]) == 3 and [m["month"] for m in o["months"]] == ["2031-03", "2031-04", "2031-05"], o)

        status, headers, data = request(port, "GET", "/")
        check("GET /: the page, with a Content-Security-Policy", status == 200
              and headers["content-type"].startswith("text/html") and b"<textarea" in data
              and "script-src 'self'" in headers.get("content-security-policy", ""), headers)
        status, headers, data = request(port, "GET", "/app.js")
        check("GET /app.js", status == 200 and headers["content-type"].startswith("text/javascript") and data, headers)
        status, headers, data = request(port, "HEAD", "/app.css")
        check("HEAD /app.css", status == 200 and headers["content-type"].startswith("text/css") and not data, headers)

        # paging: pages of the API, one after the other, are the command's
        # whole answer, ranks going on from page to page
        everything = [json.loads(x) for x in run(["search", "--db", db, "--limit", "0", "-f", "jsonl"]).splitlines()]
        pages, offset, answers = [], 0, 0
        while offset is not None and answers < 100:
            status, _, data = request(port, "GET", f"/v1/search?limit=25&offset={offset}")
            answer = json.loads(data)
            pages += answer["hits"]
            offset = answer["next_offset"]
            answers += 1
        check("GET /v1/search?offset=&limit=: pages through every hit, next_offset null at the end",
              pages == everything and len(everything) > 50 and answers == -(-len(everything) // 25)
              and [h["rank"] for h in pages] == list(range(1, len(pages) + 1)), (len(pages), len(everything)))
        cli = [json.loads(x) for x in run(["search", "--db", db, "ceasefire", "--limit", "5", "--offset", "3",
                                           "-f", "jsonl"]).splitlines()]
        status, _, data = request(port, "GET", "/v1/search?q=ceasefire&limit=5&offset=3")
        check("GET /v1/search?offset=3: the command's --offset 3, ranks from 4",
              status == 200 and json.loads(data)["hits"] == cli and [h["rank"] for h in cli] == [4, 5, 6, 7, 8], data[:300])

        # CSV: the command's CSV, byte for byte, as a download
        cli = run(["search", "--db", db, "--speaker", "okafor", "--limit", "30", "-f", "csv"])
        status, headers, data = request(port, "GET", "/v1/search?speaker=okafor&limit=30&format=csv")
        check("GET /v1/search?format=csv: the command's CSV, as a download", status == 200 and data == cli
              and headers["content-type"].startswith("text/csv")
              and headers.get("content-disposition") == 'attachment; filename="whosaid-search.csv"'
              and len(csv_rows(data)) > 2, (status, headers, data[:200]))
        status, _, data = request(port, "GET", "/v1/search?format=json&limit=2")
        check("GET /v1/search?format=json: the JSON answer", status == 200 and len(json.loads(data)["hits"]) == 2, data[:200])

        tsv = run(["--format", "csv", "-q"], ARTICLE.encode())
        status, headers, data = request(port, "POST", "/v1/extract?format=csv&id=pier-7", ARTICLE.encode(),
                                        {"Content-Type": "text/plain"})
        rows = csv_rows(data)
        want = csv_rows(tsv)
        check("POST /v1/extract?format=csv: the command's CSV columns and cells",
              status == 200 and headers["content-type"].startswith("text/csv") and rows[0] == want[0]
              and [r[1:] for r in rows[1:]] == [r[1:] for r in want[1:]] and all(r[0] == "pier-7" for r in rows[1:])
              and len(rows) > 2, (status, data[:300]))
        status, _, data = request(port, "POST", "/v1/extract?format=csv&offsets=bytes", ACCENTED.encode(),
                                  {"Content-Type": "text/plain"})
        want = csv_rows(run(["--format", "csv", "--offsets", "bytes", "-q"], ACCENTED.encode()))
        check("POST /v1/extract?format=csv&offsets=bytes: byte offsets", status == 200
              and [r[1:] for r in csv_rows(data)] == [r[1:] for r in want], data[:300])
        line = json.dumps({"id": "=HYPERLINK(\"x\",\"y\")", "text": ODD_BYTES.decode("utf-8", "replace")})
        status, _, data = request(port, "POST", "/v1/extract?format=csv", line.encode(),
                                  {"Content-Type": "application/json"})
        rows = csv_rows(data)
        check("  a cell a spreadsheet would run gets a ' in front, inside its quotes",
              status == 200 and len(rows) > 1 and all(r[0] == "'=HYPERLINK(\"x\",\"y\")" for r in rows[1:])
              and data.count(b'"\'=HYPERLINK(""x"",""y"")"') == len(rows) - 1, rows)

        # a stored article: its text, as the analysis shows it, with the
        # attributions and entities the analysis gave it
        corpus = [json.loads(x) for x in open(os.path.join(work, "corpus-40.jsonl"), encoding="utf-8")]
        first = corpus[3]
        cli = json.loads(run(["--jsonl", "--format", "jsonl", "-q"], json.dumps(first).encode()))
        status, _, data = request(port, "GET", "/v1/articles/" + urllib.parse.quote(first["id"], safe=""))
        got = json.loads(data)
        check("GET /v1/articles/ID: the text, and the record's attributions and entities",
              status == 200 and got["text"] == first["text"] and got["attributions"] == cli["attributions"]
              and got["entities"] == cli["entities"] and got["error"] is None
              and got["article"] == {"id": first["id"], "outlet": first["outlet"], "date": first["date"],
                                     "url": first.get("url"), "title": first.get("title")}, data[:300])
        cli = json.loads(run(["--format", "jsonl", "-q", odd]))
        status, _, data = request(port, "GET", "/v1/articles/" + urllib.parse.quote(odd, safe=""))
        got = json.loads(data)
        check("GET /v1/articles/ID of an id with slashes, of a text with invalid bytes and a NUL: "
              "every span's text at its code point offsets",
              status == 200 and got["text"] == shown(ODD_BYTES) and got["attributions"] == cli["attributions"]
              and len(got["attributions"]) >= 2
              and all(got["text"][s["start"]:s["end"]] == s["text"] for s in spans_of(got)), data[:400])
        status, headers, data = request(port, "GET", "/v1/articles/" + urllib.parse.quote(odd, safe="") + "?format=csv")
        rows = csv_rows(data)
        check("GET /v1/articles/ID?format=csv: one row an attribution", status == 200
              and headers["content-type"].startswith("text/csv") and len(rows) == len(got["attributions"]) + 1
              and all(r[0] == odd for r in rows[1:]), data[:300])

        # a speaker's months: the command's --by month rows for the key,
        # and every month between, empty ones as 0
        rows = [json.loads(x) for x in run(["speakers", "--db", db, "--by", "month", "-f", "jsonl"]).splitlines()]
        okafor = {r["month"]: r for r in rows if r["key"] == "tj okafor"}
        status, _, data = request(port, "GET", "/v1/speakers/tj%20okafor/months")
        got = json.loads(data)
        check("GET /v1/speakers/KEY/months: the command's --by month counts of the key",
              status == 200 and got["key"] == "tj okafor" and got["speaker"]
              and {m["month"]: (m["attributions"], m["direct"], m["articles"]) for m in got["months"]}
              == {k: (r["attributions"], r["direct"], r["articles"]) for k, r in okafor.items() if k}
              and got["attributions"] == sum(r["attributions"] for r in okafor.values()), data[:300])
        status, _, data = request(port, "GET", "/v1/speakers/" + urllib.parse.quote("Sen. T.J. Okafor") + "/months")
        check("  a name finds its key", status == 200 and json.loads(data)["key"] == "tj okafor", data[:200])
        status, _, data = request(port, "GET", "/v1/speakers/tj%20okafor/months?since=2031-04&outlet=Harbour%20Herald")
        want = sum(json.loads(x)["attributions"] for x in run(["speakers", "--db", db, "--since", "2031-04", "--outlet",
                                                              "Harbour Herald", "-f", "jsonl"]).splitlines()
                   if json.loads(x)["key"] == "tj okafor")
        check("  with the filters of the lists", status == 200 and json.loads(data)["attributions"] == want
              and all(m["month"] >= "2031-04" for m in json.loads(data)["months"]), data[:200])

        def expect_error(name, want, method, path, body=None, headers=None):
            status, h, data = request(port, method, path, body, headers)
            code, message = error_of(data)
            check(f"{name}: {want}", status == want and code == want and h["content-type"] == "application/json",
                  f"{status} {message}")
            return h, message

        expect_error("invalid JSON", 400, "POST", "/v1/extract", b'{"text": ', {"Content-Type": "application/json"})
        _, message = expect_error("JSON without text", 400, "POST", "/v1/extract", b'{"id": "x"}',
                                  {"Content-Type": "application/json"})
        check("  says which field is missing", message == 'no field "text"', message)
        expect_error("unknown offsets", 400, "POST", "/v1/extract?offsets=words", b"x", {"Content-Type": "text/plain"})
        expect_error("search kind", 400, "GET", "/v1/search?q=a&kind=quoted")
        expect_error("search date", 400, "GET", "/v1/search?q=a&since=yesterday")
        expect_error("search limit", 400, "GET", "/v1/search?q=a&limit=-3")
        expect_error("no unlimited search", 400, "GET", "/v1/search?q=a&limit=0")
        expect_error("search query FTS5 cannot parse", 400, "GET", "/v1/search?q=OR")
        expect_error("speakers grouping", 400, "GET", "/v1/speakers?by=year")
        expect_error("quote cluster that does not exist", 404, "GET", "/v1/quotes/999999")
        expect_error("quote cluster id that is not a number", 404, "GET", "/v1/quotes/abc")
        expect_error("quotes min_articles", 400, "GET", "/v1/quotes?min_articles=0")
        expect_error("quotes conflicting", 400, "GET", "/v1/quotes?conflicting=maybe")
        expect_error("wrong content type", 415, "POST", "/v1/extract", b"a=b",
                     {"Content-Type": "application/x-www-form-urlencoded"})
        expect_error("no content type", 415, "POST", "/v1/extract", b"text")
        expect_error("unknown path", 404, "GET", "/v2/extract")
        h, _ = expect_error("GET on /v1/extract", 405, "GET", "/v1/extract")
        check("  with an Allow header", "allow" in h, h)
        expect_error("POST on /healthz", 405, "POST", "/healthz", b"x", {"Content-Type": "text/plain"})
        expect_error("DELETE on /v1/search", 405, "DELETE", "/v1/search")
        expect_error("search offset", 400, "GET", "/v1/search?offset=-1")
        expect_error("search offset too large", 400, "GET", "/v1/search?offset=1000000001")
        expect_error("search format", 400, "GET", "/v1/search?format=xml")
        expect_error("extract format", 400, "POST", "/v1/extract?format=tsv", b"x", {"Content-Type": "text/plain"})
        expect_error("format=csv of a batch", 400, "POST", "/v1/extract?format=csv", b'{"text": "x"}\n',
                     {"Content-Type": "application/x-ndjson"})
        expect_error("article that does not exist", 404, "GET", "/v1/articles/no-such-article")
        expect_error("article without an id", 404, "GET", "/v1/articles/")
        expect_error("article format", 400, "GET", "/v1/articles/x?format=xml")
        expect_error("POST on /v1/articles/ID", 405, "POST", "/v1/articles/x", b"x", {"Content-Type": "text/plain"})
        expect_error("speaker that does not exist", 404, "GET", "/v1/speakers/nobody%20at%20all/months")
        expect_error("speaker path without months", 404, "GET", "/v1/speakers/tj%20okafor")
        expect_error("speaker months date", 400, "GET", "/v1/speakers/tj%20okafor/months?until=2031-02-30")
    finally:
        stop(server, "server with a store")

    # a store of schema 5, before texts were kept: migrated when the server
    # opens it, its articles answered without text
    old_db = os.path.join(work, "schema5.db")
    shutil.copy(db, old_db)
    with sqlite3.connect(old_db) as c:
        c.executescript("DROP TABLE article_texts; PRAGMA user_version = 5;")
    older, port = start(["--db", old_db, "-j", "1"])
    try:
        status, _, data = request(port, "GET", "/v1/articles/" + urllib.parse.quote(corpus[3]["id"], safe=""))
        got = json.loads(data)
        check("a store of schema 5: an article without its text, with its attributions",
              status == 200 and got["text"] is None and len(got["attributions"]) > 0, data[:200])
        with sqlite3.connect(f"file:{old_db}?mode=ro", uri=True) as c:
            version = c.execute("PRAGMA user_version").fetchone()[0]
        check("  and the store migrated to schema 6", version == 6, version)
    finally:
        stop(older, "server with a migrated store")

    tight, port = start(["-j", "1", "--max-body", "4096", "--max-header", "4096", "--timeout", "2",
                         "--max-connections", "4", "--max-requests", "1"])
    try:
        status, _, data = request(port, "POST", "/v1/extract", b"x" * 5000, {"Content-Type": "text/plain"})
        check("a body over --max-body (Content-Length): 413", status == 413 and error_of(data)[0] == 413, data)
        got = raw(port, b"POST /v1/extract HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: text/plain\r\n"
                  b"Transfer-Encoding: chunked\r\nConnection: close\r\n\r\n" +
                  b"".join(b"400\r\n" + b"y" * 1024 + b"\r\n" for _ in range(6)) + b"0\r\n\r\n")
        check("a chunked body over --max-body: 413", got.startswith(b"HTTP/1.1 413"), got[:80])
        status, _, data = request(port, "POST", "/v1/extract", b"Ana Ruiz said so.", {"Content-Type": "text/plain"})
        check("a body under the limit still works", status == 200, data)
        got = raw(port, b"GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Padding: " + b"p" * 8000 + b"\r\n\r\n")
        check("headers over --max-header: 431", got.startswith(b"HTTP/1.1 431"), got[:80])
        status, _, data = request(port, "GET", "/v1/search?q=x")
        check("search without a store: 404", status == 404 and "--db" in error_of(data)[1], data)

        # a request held open (headers sent, body not) fills --max-requests 1
        held = socket.create_connection(("127.0.0.1", port), timeout=10)
        held.sendall(b"POST /v1/extract HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: text/plain\r\nContent-Length: 50\r\n\r\n")
        time.sleep(0.3)
        status, headers, data = request(port, "GET", "/healthz")
        check("more requests than --max-requests: 503 with Retry-After",
              status == 503 and error_of(data)[0] == 503 and headers.get("retry-after") == "1", (status, data))
        held.sendall(b"Ana Ruiz said the ferry was late, again and again.")
        answer = held.recv(65536)
        held.close()
        check("  and the held request is answered", answer.startswith(b"HTTP/1.1 200"), answer[:80])

        # --timeout: a connection gone silent in its body is closed
        t0 = time.time()
        got = raw(port, b"POST /v1/extract HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: text/plain\r\n"
                  b"Content-Length: 10\r\n\r\nAna", wait=20)
        waited = time.time() - t0
        check("a connection silent for --timeout is closed", not got.startswith(b"HTTP/1.1 200")
              and 1.5 <= waited < 15, (got[:80], waited))
    finally:
        stop(tight, "server with tight limits")

    # --max-connections: with two uploads held open, a third request
    # waits, unanswered, until one of them closes
    narrow, port = start(["-j", "1", "--max-connections", "2"])
    try:
        held = []
        for _ in range(2):
            s = socket.create_connection(("127.0.0.1", port), timeout=5)
            s.sendall(b"POST /v1/extract HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: text/plain\r\n"
                      b"Content-Length: 50\r\n\r\n")
            held.append(s)
        time.sleep(0.3)
        third = socket.create_connection(("127.0.0.1", port), timeout=1)
        third.sendall(b"GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n")
        try:
            early = third.recv(100)
        except socket.timeout:
            early = None
        held[0].close()
        third.settimeout(10)
        later = third.recv(100)
        third.close()
        held[1].close()
        check("a connection over --max-connections waits until another closes",
              early is None and later.startswith(b"HTTP/1.1 200"), (early, later[:40]))
    finally:
        stop(narrow, "server with two connections")

    for args, name in ((["--port", "70000"], "a port out of range"), (["--bind", "localhost"], "a host name for --bind"),
                       (["--db", os.path.join(work, "missing.db")], "a missing store"),
                       (["--max-header", "100"], "a header limit below 4096")):
        p = subprocess.run(WHOSAID + ["serve"] + args, capture_output=True, timeout=120)
        want = 1 if "store" in name else 2
        check(f"serve refuses {name} (exit {want})", p.returncode == want and p.stderr.startswith(b"whosaid: serve:"),
              (p.returncode, p.stderr[:200]))

    finish()


if __name__ == "__main__":
    main()
