"""Builds WARC.gz test files from corpus pages (in the test run; no article text is committed)."""

from __future__ import annotations

import gzip
import html
import json
import uuid
from typing import List, Tuple


def corpus_pages(path: str, n: int) -> List[dict]:
    out = []
    with open(path, encoding="utf-8") as f:
        for line in f:
            if len(out) >= n:
                break
            if line.strip():
                out.append(json.loads(line))
    return out


def _record(kind: str, uri: str, ctype: str, block: bytes, rid: str) -> bytes:
    head = (
        "WARC/1.0\r\n"
        f"WARC-Type: {kind}\r\n"
        f"WARC-Record-ID: <urn:uuid:{rid}>\r\n"
        "WARC-Date: 2024-01-15T10:00:00Z\r\n"
        + (f"WARC-Target-URI: {uri}\r\n" if uri else "")
        + f"Content-Type: {ctype}\r\n"
        f"Content-Length: {len(block)}\r\n\r\n"
    )
    return head.encode() + block + b"\r\n\r\n"


def _http(status: str, ctype: str, body: bytes) -> bytes:
    return (f"HTTP/1.1 {status}\r\nContent-Type: {ctype}\r\n"
            f"Content-Length: {len(body)}\r\n\r\n").encode() + body


def _html(page: dict) -> bytes:
    paras = "".join(f"<p>{html.escape(p)}</p>" for p in page["text"].split("\n") if p.strip())
    title = html.escape(page.get("title") or page["id"])
    return (f"<!DOCTYPE html><html><head><meta charset=\"utf-8\"><title>{title}</title></head>"
            f"<body><nav><a href=\"/\">home</a></nav><article>{paras}</article>"
            f"<footer>footer</footer></body></html>").encode()


def records(pages: List[dict], seed: int = 16) -> List[bytes]:
    """Uncompressed WARC records: a warcinfo, then the pages alternately as an HTML
    `response` and a text/plain `resource`, every 97th page again under a new id (an
    exact duplicate), and one HTTP 404."""
    ids = (uuid.UUID(int=(seed << 64) + i) for i in range(10**9))
    out = [_record("warcinfo", "", "application/warc-fields", b"software: marsad tests\r\n",
                   str(next(ids)))]
    for i, p in enumerate(pages):
        uri = p.get("url") or f"https://example.org/{p['id']}"
        if i % 2 == 0:
            block = _http("200 OK", "text/html; charset=utf-8", _html(p))
            out.append(_record("response", uri, "application/http; msgtype=response", block,
                               str(next(ids))))
        else:
            out.append(_record("resource", uri, "text/plain; charset=utf-8",
                               p["text"].encode(), str(next(ids))))
        if i % 97 == 5:
            out.append(_record("resource", uri + "?copy", "text/plain", p["text"].encode(),
                               str(next(ids))))
        if i == 10:
            block = _http("404 Not Found", "text/html", b"<html><body>gone</body></html>")
            out.append(_record("response", uri + "/404", "application/http; msgtype=response",
                               block, str(next(ids))))
    return out


def write(path: str, recs: List[bytes]) -> None:
    with open(path, "wb") as f:
        for r in recs:
            f.write(gzip.compress(r, mtime=0))


def write_broken(path: str, recs: List[bytes], broken_at: int, extra: bytes,
                 last: bytes) -> Tuple[int, int]:
    """`recs` as gzip members with, before record `broken_at`, a member whose deflate data
    is corrupted, and at the end a member cut in half. Returns both members' offsets."""
    with open(path, "wb") as f:
        broken_offset = truncated_offset = -1
        for i, r in enumerate(recs):
            if i == broken_at:
                m = bytearray(gzip.compress(extra, mtime=0))
                mid = len(m) // 2
                m[mid:mid + 16] = b"\xff" * 16
                broken_offset = f.tell()
                f.write(bytes(m))
            f.write(gzip.compress(r, mtime=0))
        truncated_offset = f.tell()
        m = gzip.compress(last, mtime=0)
        f.write(m[: len(m) // 2])
    return broken_offset, truncated_offset
