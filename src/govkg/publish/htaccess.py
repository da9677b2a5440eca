"""Server configuration for a published site: content negotiation and 303s with Apache.

:func:`htaccess` is the site's own ``.htaccess``: ``/id/X`` answers 303 See Other to
``doc/X.html`` or ``.ttl``, ``.nt``, ``.jsonld``, ``.rdf`` by the Accept header, as ``govkg serve``
does; ``/ontology`` likewise to ``ontology.html`` or ``.ttl``; ``/void`` and ``/.well-known/void``
give the description in Turtle, JSON-LD or N-Triples; media types are set for every file.  It
works in any folder (the folder's URL path is worked out from the request, never written in).

:func:`w3id_htaccess` is what ``https://w3id.org/govkg/`` needs (w3id.org keeps one ``.htaccess``
per name in its repository): the permanent IRIs redirected to the site at ``--base-url``,
negotiating there already, so the site itself may be on a plain static host.

Apache matches the Accept header with patterns, so q-values are not weighed: a client that names
an RDF type gets it; everything else (browsers, ``*/*``) gets HTML.
"""

from __future__ import annotations

import urllib.parse

from govkg.site.formats import DOC_FORMATS
from govkg.site.layout import Layout
from govkg.site.metadata import METADATA_FORMATS, VOID_PATH, Site

ONTOLOGY_FORMATS = {"ttl": "text/turtle", "html": "text/html"}
#: Extension → media type for every kind of file the site holds.
MEDIA_TYPES = {
    **{ext: media for ext, media in DOC_FORMATS.items()},
    "css": "text/css",
    "js": "text/javascript",
    "json": "application/json",
    "csv": "text/csv",
    "sha256": "text/plain",
    "gz": "application/gzip",
}
_VOID = f"^(\\.well-known/)?{VOID_PATH}$"
_VOID_DEFAULT = next(iter(METADATA_FORMATS))
#: The text types: the server gives them with ``charset=utf-8``.
_UTF8 = ("html", "ttl", "css", "js", "csv", "sha256")
#: Sets GOVKG_BASE to the URL path of the folder this .htaccess is in (``/`` or ``/some/folder/``).
_BASE = (
    "RewriteCond %{REQUEST_URI}::$1 ^(.*?/)(.*)::\\2$",
    "RewriteRule ^(.*)$ - [E=GOVKG_BASE:%1]",
)


def _accept(media: str) -> str:
    """A RewriteCond pattern matching ``media`` in the Accept header."""
    return media.replace(".", "\\.").replace("+", "\\+")


def negotiate(
    pattern: str, target: str, formats: dict[str, str], default: str, flags: str
) -> list[str]:
    """Rules sending ``pattern`` to ``target.EXT`` for the first format the Accept header names,
    else to ``target.DEFAULT``."""
    lines = []
    for ext, media in formats.items():
        if ext != default:
            lines += [
                f"RewriteCond %{{HTTP_ACCEPT}} {_accept(media)} [NC]",
                f"RewriteRule {pattern} {target}.{ext} [{flags}]",
            ]
    return [*lines, f"RewriteRule {pattern} {target}.{default} [{flags}]"]


def _media_types() -> list[str]:
    lines = [f"AddType {media} .{ext}" for ext, media in MEDIA_TYPES.items()]
    return [
        *lines,
        "RemoveEncoding .gz",
        "AddCharset utf-8 " + " ".join(f".{ext}" for ext in _UTF8),
    ]


def _policy(site: Site) -> str:
    """The pages' Content-Security-Policy: their own host only, and the SPARQL endpoint's origin
    for the query page's requests when the copy has one."""
    if site.endpoint is None:
        return "default-src 'self'"
    parts = urllib.parse.urlsplit(site.endpoint)
    return f"default-src 'self'; connect-src 'self' {parts.scheme}://{parts.netloc}"


def _headers(site: Site) -> list[str]:
    return [
        "<IfModule mod_headers.c>",
        '  <FilesMatch "\\.html$">',
        f'    Header set Content-Security-Policy "{_policy(site)}"',
        "  </FilesMatch>",
        "  Header always merge Vary Accept env=GOVKG_VARY",
        "  Header always merge Vary Accept env=REDIRECT_GOVKG_VARY",
        "</IfModule>",
    ]


def _sparql(site: Site, flags: str) -> list[str]:
    if site.endpoint is None:
        return ["# No SPARQL endpoint: sparql/ explains where to download the graph."]
    return [f"RewriteRule ^sparql/?$ {site.endpoint} [{flags}]"]


def htaccess(site: Site, settings: Layout) -> str:
    """The site's ``.htaccess`` for Apache 2.4 (mod_rewrite, mod_mime; mod_headers for Vary and
    the Content-Security-Policy), with ``AllowOverride FileInfo Options`` or ``All``."""
    ids, docs = settings.id_prefix.strip("/"), settings.doc_prefix.strip("/")
    see_other = "R=303,L,E=GOVKG_VARY:1"
    lines = [
        "# govkg: content negotiation for this static copy of the site (Apache 2.4).",
        "# Written by govkg publish. Needs mod_rewrite and mod_mime (mod_headers for Vary and",
        "# the Content-Security-Policy) and AllowOverride All. Works in any folder.",
        "Options -MultiViews",
        "DirectoryIndex index.html",
        *_media_types(),
        *_headers(site),
        "RewriteEngine On",
        "# GOVKG_BASE: the URL path of this folder.",
        *_BASE,
        f"# Data IRIs /{ids}/X: 303 See Other to the document the Accept header asks for.",
        *negotiate(
            f"^{ids}/(.+)$", f"%{{ENV:GOVKG_BASE}}{docs}/$1", DOC_FORMATS, "html", see_other
        ),
        f"# /{docs}/X without an extension is the HTML page.",
        "RewriteCond %{REQUEST_FILENAME} !-f",
        "RewriteCond %{REQUEST_FILENAME}.html -f",
        f"RewriteRule ^{docs}/(.+)$ {docs}/$1.html [END]",
        "# /ontology: 303 See Other to its documentation page or its Turtle; /shapes likewise.",
        *negotiate("^ontology$", "%{ENV:GOVKG_BASE}ontology", ONTOLOGY_FORMATS, "html", see_other),
        f"RewriteRule ^shapes$ %{{ENV:GOVKG_BASE}}shapes.ttl [{see_other}]",
        f"# /{VOID_PATH} and /.well-known/void: the dataset's description.",
        *negotiate(_VOID, VOID_PATH, METADATA_FORMATS, _VOID_DEFAULT, "END,E=GOVKG_VARY:1"),
        "# The SPARQL endpoint.",
        *_sparql(site, "R=307,L"),
    ]
    return "\n".join(lines) + "\n"


def w3id_htaccess(site: Site, settings: Layout) -> str:
    """The ``.htaccess`` of ``https://w3id.org/govkg/``: every permanent IRI to the site."""
    ids, docs = settings.id_prefix.strip("/"), settings.doc_prefix.strip("/")
    base = site.base
    lines = [
        "# w3id.org/govkg: the permanent IRIs of govkg, redirected to the site at",
        f"# {base} (written by govkg publish --base-url {base}).",
        "# Goes in the w3id.org repository as govkg/.htaccess.",
        "Options +FollowSymLinks",
        "RewriteEngine on",
        "# Data IRIs: 303 See Other straight to the document the Accept header asks for.",
        *negotiate(f"^{ids}/(.+)$", f"{base}{docs}/$1", DOC_FORMATS, "html", "R=303,L"),
        "# The ontology (terms are https://w3id.org/govkg/ontology#Term) and its shapes.",
        *negotiate("^ontology$", f"{base}ontology", ONTOLOGY_FORMATS, "html", "R=303,L"),
        f"RewriteRule ^shapes$ {base}shapes.ttl [R=303,L]",
        "# The dataset's description (VoID and DCAT).",
        *negotiate(_VOID, base + VOID_PATH, METADATA_FORMATS, _VOID_DEFAULT, "R=303,L"),
        "# The dumps, the SPARQL endpoint and every other page.",
        *_sparql(site, "R=307,L"),
        f"RewriteRule ^(.*)$ {base}$1 [R=302,L]",
    ]
    return "\n".join(lines) + "\n"
