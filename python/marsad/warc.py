"""Reading inputs into marsad documents, record by record, with provenance.

WARC files are split into records by warcio (a PyPI WARC reader); each record's headers
and content block go to marsad's own record reader (``_marsad.read_warc_record``), so a
document is exactly the one ``marsad ingest`` reads from the same record. JSONL, text and
HTML files go whole to marsad's file reader (``_marsad.read_bytes``).

Unlike ``marsad ingest``, a broken gzip member does not end a WARC.gz file: it is reported
with its file and offset, and reading goes on at the next gzip member.
"""

from __future__ import annotations

import os
from typing import Iterator, List, NamedTuple, Optional, Tuple

from . import _marsad

GZIP_MAGIC = b"\x1f\x8b\x08"


class Doc(NamedTuple):
    """A document read from `file`: `offset`/`length` are the bytes of its WARC record
    (gzip member) or JSONL line in the file; `seq` orders documents within the file."""

    file: str
    seq: int
    offset: int
    length: int
    url: Optional[str]
    content_hash: str
    json: str  # the marsad document, serialized


class Problem(NamedTuple):
    """A record, line or file that gave no document: `kind` is "error" or "warning"."""

    kind: str
    file: str
    offset: Optional[int]
    origin: str
    message: str


Item = Tuple[str, object]  # ("doc", Doc) or ("problem", Problem)


def is_warc(path: str) -> bool:
    name = os.path.basename(path).lower()
    return name.endswith(".warc") or name.endswith(".warc.gz")


def list_inputs(paths: List[str]) -> List[str]:
    """Files under `paths` in the order ``marsad ingest`` reads them (directories walked
    with entries sorted by name, hidden ones skipped)."""
    out: List[str] = []
    for p in paths:
        if os.path.isdir(p):
            names = sorted(n for n in os.listdir(p) if not n.startswith("."))
            out.extend(list_inputs([os.path.join(p, n) for n in names]))
        else:
            out.append(p)
    return out


def read_file(path: str, max_bytes: int = 32 << 20) -> Iterator[Item]:
    if is_warc(path):
        yield from read_warc(path, max_bytes)
    else:
        yield from read_other(path, max_bytes)


def _doc_fields(doc_json: str) -> Tuple[Optional[str], str]:
    import json

    d = json.loads(doc_json)
    return d.get("url"), d["content_hash"]


def read_other(path: str, max_bytes: int) -> Iterator[Item]:
    """JSONL, text or HTML: documents with the byte range of their JSONL line (or the file)."""
    try:
        with open(path, "rb") as f:
            data = f.read()
    except OSError as e:
        yield "problem", Problem("error", path, None, path, str(e))
        return
    line_starts: Optional[List[int]] = None
    seq = 0
    for kind, origin, payload in _marsad.read_bytes(path, data, max_bytes=max_bytes):
        offset, length = None, None
        line = origin[len(path) + 1 :] if origin.startswith(path + ":") else ""
        if line.isdigit():
            if line_starts is None:
                line_starts = [0] + [i + 1 for i, b in enumerate(data) if b == 10]
            n = int(line) - 1
            if n < len(line_starts):
                offset = line_starts[n]
                end = line_starts[n + 1] if n + 1 < len(line_starts) else len(data)
                length = end - offset
        elif origin == path:
            offset, length = 0, len(data)
        if kind == "doc":
            url, h = _doc_fields(payload)
            yield "doc", Doc(path, seq, offset or 0, length or 0, url, h, payload)
            seq += 1
        else:
            yield "problem", Problem(kind, path, offset, origin, payload)


def _next_member(f, start: int) -> Optional[int]:
    """Offset of the next gzip member header after `start`, or None."""
    f.seek(start + 1)
    pos = start + 1
    tail = b""
    while True:
        chunk = f.read(1 << 20)
        if not chunk:
            return None
        buf = tail + chunk
        i = buf.find(GZIP_MAGIC)
        if i >= 0:
            return pos - len(tail) + i
        tail = buf[-2:]
        pos += len(chunk)


def read_warc(path: str, max_bytes: int) -> Iterator[Item]:
    """The documents of a WARC(.gz) file with their record's offset and length."""
    from warcio.archiveiterator import ArchiveIterator

    try:
        f = open(path, "rb")
    except OSError as e:
        yield "problem", Problem("error", path, None, path, str(e))
        return
    with f:
        gz = f.read(3) == GZIP_MAGIC
        size = os.fstat(f.fileno()).st_size
        start: Optional[int] = 0
        n = 0  # complete records read, all types (marsad's record numbers)
        seq = 0
        while start is not None and start < size:
            f.seek(start)
            it = ArchiveIterator(f, no_record_parse=True)
            at = start  # where the record being read starts
            try:
                for rec in it:
                    at = it.offset
                    headers = list(rec.rec_headers.headers)
                    want = (rec.rec_headers.get_header("Content-Length") or "").strip()
                    want_n = int(want) if want.isdigit() else None
                    if want_n is not None and want_n > max_bytes:
                        it.read_to_end()
                        n += 1
                        at = it.offset
                        yield "problem", Problem(
                            "error", path, it.get_record_offset(), f"{path}:record {n}",
                            f"too big: {want_n} bytes (limit {max_bytes})",
                        )
                        continue
                    body = rec.raw_stream.read()
                    it.read_to_end()
                    offset, length = it.get_record_offset(), it.get_record_length()
                    at = it.offset
                    if want_n is None or len(body) < want_n:
                        yield "problem", Problem(
                            "error", path, offset, f"{path}:record {n + 1}",
                            f"truncated record: {len(body)} of {want or '?'} bytes",
                        )
                        continue
                    n += 1
                    for kind, origin, payload in _marsad.read_warc_record(
                        path, n, headers, body, max_bytes=max_bytes
                    ):
                        if kind == "doc":
                            url, h = _doc_fields(payload)
                            yield "doc", Doc(path, seq, offset, length, url, h, payload)
                            seq += 1
                        else:
                            yield "problem", Problem(kind, path, offset, origin, payload)
                start = None
            except Exception as e:  # zlib.error, EOFError, warcio's ArchiveLoadFailed, ...
                yield "problem", Problem(
                    "error", path, at, f"{path}:offset {at}",
                    f"broken record ({type(e).__name__}: {e})",
                )
                start = _next_member(f, at) if gz else None
