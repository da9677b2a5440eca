"""``govkg publish OUTDIR``: the linked-data site as static files, byte for byte what the server
gives.

The pages come from the app itself, requested in-process (``httpx.ASGITransport`` over
:func:`~govkg.server.create_app`): the home page, the style sheet and the index pages
(:data:`govkg.site.paths.FIXED_PATHS`), the query page with its script and the vendored YASGUI
(:data:`~govkg.site.paths.QUERY_PAGE_PATHS`), and every resource's page (``doc/KIND/SLUG.html``).
Each resource's RDF documents (``.ttl``, ``.nt``, ``.jsonld``, ``.rdf``) are made by the functions
the server uses (:mod:`govkg.site`), one description per resource rather than one request per format
(three times faster).  Then come the VoID and DCAT description for ``--base-url``, the dumps with
their checksums, the ontology's documentation and Turtle (the server's own generator), and the
server configuration (:mod:`govkg.publish.htaccess`).  Links are relative, so the site works from
any host and folder.

The site is built in a temporary folder next to OUTDIR and renamed into place: an existing OUTDIR
(an earlier site, marked by :data:`MARKER`) is replaced only when the whole site was written.
"""

from __future__ import annotations

import asyncio
import re
import shutil
import tempfile
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from html import escape
from pathlib import Path, PurePosixPath
from urllib.parse import quote, unquote, urljoin, urlsplit

import httpx
from starlette.applications import Starlette

from govkg.errors import PublishError
from govkg.project import Project
from govkg.publish.htaccess import htaccess, w3id_htaccess
from govkg.server.app import create_app
from govkg.site import pages
from govkg.site.bundle import Publication
from govkg.site.dumps import DUMPS_DIR
from govkg.site.formats import RDF_EXTENSIONS
from govkg.site.layout import Layout
from govkg.site.metadata import METADATA_FORMATS, VOID_PATH, Site
from govkg.site.paths import (
    FIXED_PATHS,
    QUERY_PAGE_PATHS,
    catalogue_paths,
    page_paths,
    resource_paths,
)
from govkg.site.resources import describe
from govkg.store import Store

#: A file in every published site: OUTDIR is replaced only when it has one (or does not exist).
MARKER = ".govkg-site"

Progress = Callable[[int, int], None]


@dataclass(frozen=True)
class Published:
    """What :func:`publish` wrote."""

    outdir: Path
    files: int
    bytes: int
    resources: int


def write_documents(store: Store, settings: Layout, resources: list[str], out: SiteWriter) -> None:
    """Each resource's RDF documents, made as the server makes them (:func:`describe`, then
    ``Description.serialize``) but with one description per resource instead of one request per
    format.  A test holds them byte-identical to the server's."""
    for path in resources:
        description = describe(store, settings.iri(path))
        stem = f"{settings.doc_prefix}{quote(path, safe=pages.SAFE)}"
        for ext in RDF_EXTENSIONS:
            out.write(file_for(f"{stem}.{ext}"), description.serialize(ext))


def file_for(path: str) -> PurePosixPath:
    """The file that holds the answer to an app path: ``/`` is ``index.html``."""
    local = unquote(path.split("?", 1)[0]).lstrip("/")
    if local == "" or local.endswith("/"):
        local += "index.html"
    relative = PurePosixPath(local)
    if relative.is_absolute() or any(part in ("", ".", "..") for part in local.split("/")):
        raise PublishError(f"{path}: not a path a static site can hold")
    return relative


class SiteWriter:
    """Writes files below a folder, counting them and telling ``progress``."""

    def __init__(self, root: Path, total: int, progress: Progress | None) -> None:
        self.root = root
        self.total = total
        self.progress = progress
        self.files = 0
        self.bytes = 0
        self.resources = 0

    def write(self, relative: str | PurePosixPath, data: bytes) -> None:
        target = self.root / relative
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(data)
        self.files += 1
        self.bytes += len(data)
        if self.progress is not None:
            self.progress(self.files, self.total)


#: Links a crawl follows: from a page to another of its pages (``./USA.page-2.html``), to its
#: downloads (``./reaim-2023-call-to-action.stances.csv``, ``./USA.json``), and from a state's
#: page to its comparisons (``../../compare/CHN/USA.html``).
_FOLLOWED = re.compile(
    r'href="(\./[^"/]+\.(?:page-[0-9]+\.html|stances\.(?:csv|json))'
    r"|(?:\.\./)*compare/[A-Za-z0-9_-]+/[A-Za-z0-9_-]+\.(?:html|csv|json)"
    r'|\./[A-Za-z0-9_-]+\.(?:csv|json))"'
)


async def _crawl(app: Starlette, paths: list[str], out: SiteWriter) -> None:
    """Fetch every path, and every further page of a paged resource page as it is found."""
    transport = httpx.ASGITransport(app=app, raise_app_exceptions=False)
    queue, seen = list(paths), set(paths)
    async with httpx.AsyncClient(transport=transport, base_url="http://govkg.local") as client:
        while queue:
            path = queue.pop(0)
            response = await client.get(path)
            if response.status_code != 200:
                raise PublishError(f"{path}: the server answered {response.status_code}")
            out.write(file_for(path), response.content)
            for link in _FOLLOWED.findall(response.text) if path.endswith(".html") else []:
                page = urljoin(path, link)
                if page not in seen:
                    seen.add(page)
                    queue.append(page)
                    out.total += 1


def crawl(
    store: Store,
    settings: Layout,
    paths: list[str],
    out: SiteWriter,
    project: Project | None = None,
    endpoint: str | None = None,
) -> None:
    """Request every path from the app, in-process, and write each answer to its file; the
    query page is the copy's own, on the graph's SPARQL ``endpoint`` (or saying it has none)."""
    app = create_app(store, settings, project, copy_endpoint=endpoint or "")
    asyncio.run(_crawl(app, paths, out))


def _dataset_files(publication: Publication) -> list[tuple[str, bytes]]:
    """The VoID/DCAT description, the dumps with their checksums, the ontology's files."""
    files = [(f"{VOID_PATH}.{ext}", publication.metadata(ext)) for ext in METADATA_FORMATS]
    files.append((".well-known/void", publication.metadata("ttl")))
    files += [(f"{DUMPS_DIR}/{d.name}", d.data) for d in publication.dumps.files]
    files.append(("ontology.html", publication.ontology_html().encode()))
    files.append(("ontology.ttl", publication.ontology_turtle))
    if publication.shapes_turtle is not None:
        files.append(("shapes.ttl", publication.shapes_turtle))
    return files


def _server_files(site: Site, settings: Layout) -> list[tuple[str, bytes]]:
    """The Apache configuration, the w3id.org rules and the stand-in for the SPARQL endpoint."""
    return [
        (".htaccess", htaccess(site, settings).encode()),
        ("w3id.htaccess", w3id_htaccess(site, settings).encode()),
        ("sparql/index.html", sparql_stand_in(site).encode()),
        (MARKER, b"A static copy of the govkg linked-data site, written by govkg publish.\n"),
    ]


def sparql_stand_in(site: Site) -> str:
    """The page at ``sparql/``: a static site has no SPARQL endpoint; say where to go instead."""
    where = (
        f'<p>The graph\'s SPARQL endpoint is <a href="{escape(site.endpoint)}">'
        f"{escape(site.endpoint)}</a>.</p>"
        if site.endpoint
        else "<p>This copy of the site has no SPARQL endpoint.</p>"
    )
    dumps = ", ".join(
        f'<a href="../{DUMPS_DIR}/govkg.{ext}">govkg.{ext}</a>'
        for ext in ("ttl", "nt", "jsonld", "nq.gz")
    )
    body = (
        f"<h1>SPARQL</h1>{where}<p>Download the whole graph to query it yourself: {dumps}; "
        'its <a href="../void.ttl">dataset description</a> (VoID and DCAT) lists them.</p>'
    )
    return pages.page("SPARQL", body, "..")


def build_site(publication: Publication, root: Path, progress: Progress | None) -> SiteWriter:
    """Write the whole site below ``root`` (an empty folder)."""
    store, settings, site = publication.store, publication.settings, publication.site
    resources = resource_paths(store, settings)
    project = publication.project
    canned = list(catalogue_paths(project)) if project is not None else []
    paths = [*FIXED_PATHS, *QUERY_PAGE_PATHS, *canned, *page_paths(resources, settings)]
    extra = _dataset_files(publication) + _server_files(site, settings)
    total = len(paths) + len(resources) * len(RDF_EXTENSIONS) + len(extra)
    out = SiteWriter(root, total, progress)
    out.resources = len(resources)
    crawl(store, settings, paths, out, project, site.endpoint)
    write_documents(store, settings, resources, out)
    for name, data in extra:
        out.write(name, data)
    return out


def _check_outdir(outdir: Path) -> None:
    if outdir.exists() and not outdir.is_dir():
        raise PublishError(f"{outdir}: exists and is not a folder")
    if outdir.is_dir() and any(outdir.iterdir()) and not (outdir / MARKER).is_file():
        raise PublishError(
            f"{outdir}: exists and is not a site govkg published (it has no {MARKER}); "
            "remove it or choose another folder"
        )


@contextmanager
def staging(outdir: Path) -> Iterator[Path]:
    """A temporary folder next to ``outdir`` that replaces it when the block ends without error.

    On an error the temporary folder is removed and ``outdir`` is left as it was.
    """
    _check_outdir(outdir)
    outdir.parent.mkdir(parents=True, exist_ok=True)
    temporary = Path(tempfile.mkdtemp(prefix=f".{outdir.name}.", dir=outdir.parent))
    try:
        yield temporary
        _swap(temporary, outdir)
    except BaseException:
        shutil.rmtree(temporary, ignore_errors=True)
        raise


def _swap(new: Path, outdir: Path) -> None:
    """Rename ``new`` to ``outdir``, moving an existing ``outdir`` aside first and removing it."""
    new.chmod(0o755)  # mkdtemp makes it private; a site is for serving
    if not outdir.exists():
        new.rename(outdir)
        return
    old = Path(tempfile.mkdtemp(prefix=f".{outdir.name}.old.", dir=outdir.parent))
    outdir.rename(old / "site")
    try:
        new.rename(outdir)
    except OSError:
        (old / "site").rename(outdir)
        raise
    finally:
        shutil.rmtree(old, ignore_errors=True)


def site_for(base_url: str, endpoint: str | None = None) -> Site:
    """The site at ``base_url`` (an absolute http(s) URL), with its SPARQL endpoint if any."""
    for name, url in (("base URL", base_url), ("SPARQL endpoint", endpoint)):
        parsed = urlsplit(url or "https://x/")
        if parsed.scheme not in ("http", "https") or not parsed.netloc:
            raise PublishError(f"the {name} {url!r} is not an absolute http(s) URL")
    return Site(base_url, endpoint)


def publish(
    store: Store,
    settings: Layout,
    outdir: Path,
    *,
    base_url: str,
    endpoint: str | None = None,
    project: Project | None = None,
    progress: Progress | None = None,
) -> Published:
    """Write the static site of ``store``, to be served at ``base_url``, to ``outdir``.

    ``project`` gives the SHACL shapes (``shapes.ttl``), which are not in the store.
    Atomically: an existing ``outdir`` is replaced only once the whole site is written.
    """
    publication = Publication(store, settings, site_for(base_url, endpoint), project)
    try:
        with staging(outdir) as temporary:
            out = build_site(publication, temporary, progress)
    except OSError as error:
        raise PublishError(f"{outdir}: cannot write the site: {error}") from None
    return Published(outdir, out.files, out.bytes, out.resources)
