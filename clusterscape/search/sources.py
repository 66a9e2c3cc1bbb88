"""The kinds of object the one index holds, each registered by the app that owns it.

An app registers a `Source` in its `AppConfig.ready()`:

    register(Source(
        kind=SearchDocument.Kind.NEWS,
        label=lambda: gettext("News"),
        url_name="content:news-detail",   # reversed with kwargs={"slug": document slug}
        documents=news_documents,          # every public item as IndexedDocument, for rebuilds;
    ))                                     # documents(ids): those of these objects only

and keeps its documents current from its services with `search.services.store_documents`
(when an item becomes public or changes) and `search.services.unindex` (when it stops being
public), inside the transaction of the write. `manage.py rebuild_search_index` makes every
registered kind again from the database.
"""

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from .services import IndexedDocument


@dataclass(frozen=True)
class Source:
    kind: str
    label: Callable[[], str]
    url_name: str
    # documents(): every public object's document, for rebuilds; documents(ids): those of
    # the public objects among these ids (to write again the documents that carry a name
    # edited in the admin: services.reindex_labelled)
    documents: Callable[..., Iterable["IndexedDocument"]]


_SOURCES: dict[str, Source] = {}


def register(source: Source) -> None:
    _SOURCES[source.kind] = source


def registered() -> list[Source]:
    """Every registered source, organisations first, then in order of registration."""
    return list(_SOURCES.values())


def source_of(kind: str) -> Source | None:
    return _SOURCES.get(kind)
