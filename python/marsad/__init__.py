"""marsad: Arabic conflict news → ACLED-style events.

Python bindings of the marsad extractor. Every event is a dict with the export contract's
fields, exactly what ``marsad extract --format jsonl`` prints for the same document::

    import marsad
    events = marsad.extract(text, id="a1", url="https://…", published="2016-05-01")
    for r in marsad.extract_batch([{"id": "a1", "text": t1}, {"id": "a2", "text": t2}]):
        if r.error: print(r.error)          # one bad document does not stop the batch
        else: print(len(r.events))

The Spark job over WARC, JSONL and text inputs is ``python -m marsad.spark`` (``marsad.spark``).
"""

from __future__ import annotations

import json
import threading
from typing import Any, Iterable, List, Mapping, NamedTuple, Optional

from . import _marsad

__version__ = _marsad.__version__

__all__ = [
    "DocumentError",
    "BatchResult",
    "Extractor",
    "extract",
    "extract_batch",
    "export_fields",
    "content_hash",
]

_FIELDS = ("id", "url", "outlet", "title", "published", "text")


class DocumentError(ValueError):
    """A document that could not be read; ``doc`` names it (its id, or its place in a batch)."""

    def __init__(self, doc: str, reason: str) -> None:
        super().__init__(f"document {doc}: {reason}")
        self.doc = doc
        self.reason = reason


class BatchResult(NamedTuple):
    """One document of a batch: its events, or the error that stopped it (events empty)."""

    doc: str
    events: List[dict]
    error: Optional[DocumentError]


def _line(i: int, doc: Mapping[str, Any]) -> str:
    """A document as the JSONL line ``marsad extract`` would read (same checks, same ids)."""
    if not isinstance(doc, Mapping):
        raise DocumentError(_name(i, None), f"expected a dict with a 'text', got {type(doc).__name__}")
    unknown = set(doc) - set(_FIELDS)
    if unknown:
        raise DocumentError(_name(i, doc.get("id")), f"unknown fields {sorted(unknown)}")
    return json.dumps({k: doc[k] for k in _FIELDS if doc.get(k) is not None}, ensure_ascii=False)


def _name(i: int, id: Any) -> str:
    return repr(id) if id is not None else f"#{i + 1} of the batch"


class Extractor:
    """A marsad extractor: the knowledge base is loaded once (about a second); reuse it.

    ``kb`` replaces the built-in knowledge base with a directory (same files as ``data/``);
    ``event_filter`` drops the events the learned filter scores unlikely. Thread-safe: calls
    release the GIL.
    """

    def __init__(self, kb: Optional[str] = None, *, event_filter: bool = False) -> None:
        self._inner = _marsad.Extractor(kb, event_filter=event_filter)

    def extract(
        self,
        text: str,
        *,
        id: Optional[str] = None,
        url: Optional[str] = None,
        published: Optional[str] = None,
        title: Optional[str] = None,
        outlet: Optional[str] = None,
    ) -> List[dict]:
        """The events of one document; raises :class:`DocumentError` for bad input."""
        if not isinstance(text, str):
            raise TypeError(f"document {id if id is not None else 'doc:1'}: text must be a str, got {type(text).__name__}")
        doc = {"id": id, "url": url, "published": published, "title": title, "outlet": outlet, "text": text}
        r = self.extract_batch([doc], parallel=False)[0]
        if r.error is not None:
            raise r.error
        return r.events

    def extract_batch(self, docs: Iterable[Mapping[str, Any]], *, parallel: bool = True) -> List[BatchResult]:
        """The events of many documents (dicts with ``text`` and optional ``id``, ``url``,
        ``published``, ``title``, ``outlet``), one :class:`BatchResult` per document in order.

        Works without the GIL, over all cores when ``parallel``. A bad document gives a
        result with ``error`` set; the others go on. The n-th document without an id gets
        ``doc:<n>``, as line n of a JSONL file named ``doc.jsonl`` would.
        """
        docs = list(docs)
        lines: List[Optional[str]] = []
        early: dict = {}
        for i, d in enumerate(docs):
            try:
                lines.append(_line(i, d))
            except DocumentError as e:
                early[i] = e
                lines.append("{}")  # keeps numbering; never analyzed
        outcomes = self._inner.extract_lines(lines, parallel=parallel)
        out = []
        for i, (d, (events, err)) in enumerate(zip(docs, outcomes)):
            ident = d.get("id") if isinstance(d, Mapping) else None
            name = str(ident) if ident is not None else f"doc:{i + 1}"
            if i in early:
                out.append(BatchResult(name, [], early[i]))
            elif err is not None:
                out.append(BatchResult(name, [], DocumentError(_name(i, ident), err)))
            else:
                out.append(BatchResult(name, [json.loads(e) for e in events], None))
        return out


_default: Optional[Extractor] = None
_lock = threading.Lock()


def _extractor() -> Extractor:
    global _default
    with _lock:
        if _default is None:
            _default = Extractor()
        return _default


def extract(
    text: str,
    *,
    id: Optional[str] = None,
    url: Optional[str] = None,
    published: Optional[str] = None,
) -> List[dict]:
    """The events of one document as dicts with the export contract's fields (what
    ``marsad extract --format jsonl`` prints). ``published`` (the page's date) anchors
    relative dates such as "yesterday". Raises :class:`DocumentError` for bad input
    (empty text, ...), naming the document."""
    return _extractor().extract(text, id=id, url=url, published=published)


def extract_batch(docs: Iterable[Mapping[str, Any]], *, parallel: bool = True) -> List[BatchResult]:
    """:meth:`Extractor.extract_batch` with the shared built-in extractor."""
    return _extractor().extract_batch(docs, parallel=parallel)


def export_fields() -> List[str]:
    """The export contract's field names, in the order ``marsad extract`` writes them."""
    return list(json.loads(_marsad.export_template()).keys())


def content_hash(text: str) -> str:
    """Hex SHA-256 of the text with whitespace runs collapsed: marsad's duplicate key."""
    return _marsad.content_hash(text)
