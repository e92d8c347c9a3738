"""A d-portal-shaped server on 127.0.0.1 for the live-data tests and the benchmark: real
publishers' activities (tests/iati/real, read with lxml, not projreg) served in pages
as d-portal's `/q.raw.xml` serves them, with the faults real servers have.

    server = PageServer(activities, page_size=5)
    server.faults[5] = ["503", "503"]      # the next two requests for offset 5 fail
    with server: ... server.url ...

Past the last page it answers `{"result":[],"duration":...}`, as d-portal does.
"""

from __future__ import annotations

import gzip
import http.server
import threading
import time
import urllib.parse
from pathlib import Path

from lxml import etree

DPORTAL = Path(__file__).resolve().parent / "iati" / "dportal"
PAST_END = (DPORTAL / "page-past-end.xml").read_bytes()


def real_activities(paths=None) -> list[bytes]:
    """Each activity of the d-portal-shaped page (19 publishers), serialised on its own by
    lxml (with the namespaces it uses)."""
    out = []
    for path in sorted(paths or [DPORTAL / "page-014.xml"]):
        root = etree.parse(str(path)).getroot()
        items = [root] if root.tag == "iati-activity" else root.iter("iati-activity")
        out += [etree.tostring(a, encoding="utf-8") for a in items]
    return out


def page_xml(activities: list[bytes]) -> bytes:
    """A page as d-portal's query.js writes it: no declaration, one activity a line."""
    return (
        b'<iati-activities version="2.03">\n' + b"\n".join(activities) + b"\n</iati-activities>\n"
    )


class PageServer:
    def __init__(self, activities: list[bytes], page_size: int = 5, gzip_pages: bool = False):
        self.activities = list(activities)
        self.page_size = page_size
        self.gzip_pages = gzip_pages
        self.faults: dict[int, list[str]] = {}  # offset -> faults for the next requests
        self.requests: list[tuple[str, dict]] = []  # (path, query) as asked
        self.agents: list[str] = []
        self.extra: dict[int, list[bytes]] = {}  # offset -> activities added to that page
        self.json_end = False  # past the end: {"result":[],...} instead of an empty XML page
        self.solr = False  # answer as the IATI Datastore v3 does: Solr JSON, iati_xml per doc
        self.keys: list[str | None] = []  # the Datastore key header of each request
        self._server = None

    @property
    def url(self) -> str:
        host, port = self._server.server_address[:2]
        return f"http://{host}:{port}/q"

    def __enter__(self):
        owner = self

        class Handler(http.server.BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"
            # Headers and body go out as two writes: with Nagle's algorithm the second waits
            # for the client's delayed ACK of the first (40 ms on Linux) on every small answer
            # (a 503, a redirect). Real servers send them together; urllib3 sets TCP_NODELAY.
            disable_nagle_algorithm = True

            def log_message(self, *args):
                pass

            def do_GET(self):
                owner._answer(self)

        self._server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self._server.daemon_threads = True
        # A client that hangs up mid-answer (a timeout, a refused page) is what the tests want.
        self._server.handle_error = lambda request, address: None
        # serve_forever looks for shutdown() every poll_interval: 0.5 s by default, which was
        # half a second at the end of every test.
        self._thread = threading.Thread(
            target=self._server.serve_forever, kwargs={"poll_interval": 0.005}, daemon=True
        )
        self._thread.start()
        return self

    def __exit__(self, *exc):
        self._server.shutdown()
        self._server.server_close()

    def page(self, offset: int, limit: int) -> bytes | None:
        chosen = self.activities[offset : offset + limit] + self.extra.get(offset, [])
        return page_xml(chosen) if chosen else None

    def _answer(self, handler) -> None:
        parsed = urllib.parse.urlsplit(handler.path)
        query = dict(urllib.parse.parse_qsl(parsed.query))
        self.requests.append((parsed.path, query))
        self.agents.append(handler.headers.get("User-Agent", ""))
        self.keys.append(handler.headers.get("Ocp-Apim-Subscription-Key"))
        offset = int(query.get("offset", query.get("start", 0)))
        limit = int(query.get("limit", query.get("rows", self.page_size)))
        pending = self.faults.get(offset)
        if pending and "redirected" not in query:
            fault = pending.pop(0)
            if _fault(handler, fault, self.page(offset, limit) or b""):
                return
        if self.solr:
            _send(handler, 200, self._solr(offset, limit), "application/json")
            return
        body = self.page(offset, limit)
        if body is None:
            if self.json_end:
                _send(handler, 200, b'{"result":[],"duration":0.003}', "application/json")
            else:
                _send(handler, 200, PAST_END, "text/xml")
            return
        if self.gzip_pages and "gzip" in handler.headers.get("Accept-Encoding", ""):
            _send(
                handler, 200, gzip.compress(body), "application/xml", {"Content-Encoding": "gzip"}
            )
            return
        _send(handler, 200, body, "application/xml")

    def _solr_page(self, offset: int, limit: int) -> list[dict]:
        docs = []
        for item in self.activities[offset : offset + limit]:
            element = etree.fromstring(item)
            identifier = " ".join(element.findtext("iati-identifier").split())
            docs.append({"iati_identifier": identifier, "iati_xml": item.decode("utf-8")})
        return docs

    def _solr(self, offset: int, limit: int) -> bytes:
        import json

        docs = self._solr_page(offset, limit)
        answer = {
            "responseHeader": {"zkConnected": True, "status": 0, "QTime": 3},
            "response": {"numFound": len(self.activities), "start": offset, "docs": docs},
        }
        return json.dumps(answer).encode()


def _send(handler, status: int, body: bytes, kind: str, headers=None, length=None) -> None:
    handler.send_response(status)
    handler.send_header("Content-Type", kind)
    handler.send_header("Content-Length", str(len(body) if length is None else length))
    for name, value in (headers or {}).items():
        handler.send_header(name, value)
    handler.end_headers()
    handler.wfile.write(body)
    handler.wfile.flush()


def _fault(handler, fault: str, body: bytes) -> bool:
    """Answer with the fault; True when the answer is complete (False: answer normally)."""
    name, _, argument = fault.partition(":")
    if name in ("500", "502", "503", "504"):
        _send(handler, int(name), b"<html><body>busy</body></html>", "text/html")
    elif name == "429":
        _send(handler, 429, b"slow down", "text/plain", {"Retry-After": argument or "1"})
    elif name == "stall":
        time.sleep(float(argument or 5))
        return False
    elif name == "stall-body":  # headers and half the body, then nothing
        handler.send_response(200)
        handler.send_header("Content-Length", str(len(body)))
        handler.end_headers()
        handler.wfile.write(body[: len(body) // 2])
        handler.wfile.flush()
        time.sleep(float(argument or 5))
        handler.close_connection = True
    elif name == "truncated":  # a complete HTTP answer whose XML stops in the middle
        _send(handler, 200, body[: len(body) // 2], "application/xml")
    elif name == "cut":  # Content-Length says more than is sent, then the connection closes
        _send(handler, 200, body[: len(body) // 2], "application/xml", length=len(body))
        handler.close_connection = True
    elif name == "html":
        page = b"<!DOCTYPE html>\n<html><head><title>Maintenance</title></head><body>Back soon</body></html>"
        _send(handler, 200, page, "text/html")
    elif name == "empty":
        _send(handler, 200, b"", "application/xml")
    elif name == "result":  # an XML wrapper with no activities
        _send(handler, 200, b"<result><error>query failed</error></result>", "application/xml")
    elif name == "redirect":
        target = handler.path + "&redirected=1"
        _send(handler, 302, b"", "text/plain", {"Location": target})
    elif name == "redirect-loop":
        _send(handler, 302, b"", "text/plain", {"Location": handler.path})
    elif name == "huge":  # more bytes than any limit a test sets, sent without a length
        handler.send_response(200)
        handler.send_header("Content-Type", "application/xml")
        handler.end_headers()
        handler.close_connection = True
        try:
            handler.wfile.write(b"<iati-activities>")
            for _ in range(64):
                handler.wfile.write(b"<!--" + b"x" * 65536 + b"-->")
        except OSError:
            pass  # the client hung up, as it should
    elif name == "huge-length":  # a length no page should have; nothing follows
        _send(handler, 200, b"", "application/xml", length=10 * 1024**3)
        handler.close_connection = True
    elif name == "bad-gzip":
        _send(
            handler, 200, b"not gzip at all" * 10, "application/xml", {"Content-Encoding": "gzip"}
        )
    elif name == "404":
        _send(handler, 404, b"not found", "text/plain")
    else:
        raise ValueError(fault)
    return True
