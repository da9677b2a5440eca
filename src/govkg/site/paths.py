"""The paths of the site: the fixed pages, the index pages, the query catalogue's pages and each
resource's page, as the server answers them and a static copy holds them."""

from __future__ import annotations

from urllib.parse import quote

import pyoxigraph as ox

from govkg.project import Project
from govkg.queries import catalogue
from govkg.site.formats import QUERY_FORMATS
from govkg.site.layout import Layout
from govkg.site.pages import SAFE
from govkg.site.resources import INDEXES
from govkg.store import Store

#: The index pages, as the paths pages link to (each also answers without ``.html``).
INDEX_PATHS: tuple[str, ...] = tuple(f"/{index.name}.html" for index in INDEXES)

#: The pages every site has besides the resources' documents; extend it as the server grows.
FIXED_PATHS: tuple[str, ...] = (
    "/",
    "/style.css",
    *INDEX_PATHS,
    "/matrix.html",
    "/matrix.csv",
    "/matrix/p5.html",
    "/matrix/p5.csv",
)

#: The query page and the files it loads, served by :mod:`govkg.server.querypage`: its script and
#: style, and YASGUI's built files with their licence and README (``static/vendor/yasgui/``).
QUERY_PAGE_PATHS: tuple[str, ...] = (
    "/query.html",
    "/static/query.js",
    "/static/query.css",
    *(
        f"/static/vendor/yasgui/{name}"
        for name in ("yasgui.min.js", "yasgui.min.css", "LICENSE", "README.md")
    ),
)

#: Characters left as they are in a query's name in a link (``checks/unsourced-facts``).
QUERY_NAME_SAFE = "/-_."
_RESOURCES = """SELECT DISTINCT ?r WHERE {{ {{ ?r ?p ?o }} UNION {{ ?s ?p ?r }}
FILTER(isIRI(?r) && STRSTARTS(STR(?r), "{base}")) }} ORDER BY ?r"""


def query_path(name: str, ext: str = "html") -> str:
    """The path of a canned query's answer in one format, from the site's top (no leading /)."""
    return f"queries/{quote(name, safe=QUERY_NAME_SAFE)}.{ext}"


def query_href(root: str, name: str, ext: str = "html", params: str = "") -> str:
    """The relative link to a canned query's answer in one format (``params`` already encoded)."""
    return f"{root}/{query_path(name, ext)}" + (f"?{params}" if params else "")


def catalogue_paths(project: Project) -> tuple[str, ...]:
    """Every page of the catalogue, for a static copy of the site: the listing and each query's
    answer with its default parameters in every format."""
    each = ["/" + query_path(q.name, ext) for q in catalogue(project) for ext in QUERY_FORMATS]
    return ("/queries.html", "/queries.json", *each)


def resource_paths(store: Store, settings: Layout) -> list[str]:
    """The local paths (``state/USA``) of every IRI under the data base that the store mentions."""
    rows = store.query(_RESOURCES.format(base=settings.public_base)).rows
    return [
        row[0].value[len(settings.public_base) :]
        for row in rows
        if isinstance(row[0], ox.NamedNode) and len(row[0].value) > len(settings.public_base)
    ]


def page_paths(resources: list[str], settings: Layout) -> list[str]:
    """The app paths of the resources' HTML pages (``/doc/state/USA.html``)."""
    return [f"{settings.doc_prefix}{quote(path, safe=SAFE)}.html" for path in resources]
