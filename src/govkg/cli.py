"""The ``govkg`` command line: each command parses options, calls the library and picks the exit
code (0 success or conforms, 1 the data does not conform or a check found rows, 2 could not load
or run).  No traceback reaches the user."""

from __future__ import annotations

import json
import math
import os
import sys
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any, NoReturn

import click

from govkg import __version__, textsearch
from govkg.bundled import refuse_bundled
from govkg.errors import (
    EXIT_ERROR,
    EXIT_PROBLEMS,
    GovkgError,
    ParameterError,
    RequestError,
    one_line,
)
from govkg.importer import run_import
from govkg.ingest.accept import accept as accept_review
from govkg.ingest.review import REVIEW_DIR
from govkg.lifecycle import COLUMNS as STATUS_COLUMNS
from govkg.lifecycle import check_day, status_at
from govkg.load import file_count, open_project, rebuild
from govkg.output import FORMATS, format_answer, format_rows, format_triples
from govkg.paging import Page, make_page, page_summary, paging_json, run_page
from govkg.project import ROOT_ENV, find_project
from govkg.queries import Query, catalogue, find_query, result_coverage, run_query
from govkg.site.layout import Layout
from govkg.stats import graph_stats
from govkg.store import Store, shown
from govkg.validate import ENGINES, validate_files, validate_store

if TYPE_CHECKING:
    from govkg.align.report import AlignRequest
    from govkg.export import ExportRequest
    from govkg.server.endpoint import PagesOptions
    from govkg.server.settings import ServerSettings

STORE_ENV = "GOVKG_STORE"


@dataclass(frozen=True)
class Settings:
    """The group's options every command uses: where the project is, which store holds it."""

    root: str | None
    store: str | None


#: The option of the command line that gives each library parameter (RequestError.shown).
OPTION_NAMES = {
    "date_from": "--from",
    "date_to": "--to",
    "instruments": "--instruments",
    "series": "--series",
    "themes": "--theme",
    "types": "--type",
    "weights": "--weight",
    "window": "--window",
    "by_year": "--by-year",
    "pair": "--pair",
    "actors": "--actors",
    "absent": "--absent",
    "bloc_measure": "--measure",
    "min_n": "--min-n",
    "plot": "--plot",
    "measure": "--measure",
    "threshold": "--threshold",
    "out": "--out",
    "layout": "--layout",
    "filters": "--instruments, --series, --from and --to",
    "at": "--at",
    "instrument": "--instrument",
    "actor": "--actor",
    "codes": "--code",
    "actor_types": "--actors-type",
    "kind": "--kind",
    "page": "--page",
    "limit": "--limit",
    "anchor": "--anchor",
    "level": "--level",
}


def _split(text: str | None) -> tuple[str, ...]:
    return tuple(p.strip() for p in (text or "").split(",") if p.strip())


class GovkgGroup(click.Group):
    """A group that turns every error into one line on stderr and an exit code."""

    def parse_args(self, ctx: click.Context, args: list[str]) -> list[str]:
        try:
            return super().parse_args(ctx, args)
        except click.UsageError as error:
            raise _one_line_usage(error) from None

    def invoke(self, ctx: click.Context) -> Any:
        try:
            return super().invoke(ctx)
        except RequestError as error:  # a library parameter: named as the option given
            click.echo(f"Error: {one_line(error.shown(OPTION_NAMES))}", err=True)
            ctx.exit(error.exit_code)
        except GovkgError as error:
            click.echo(f"Error: {error}", err=True)
            ctx.exit(error.exit_code)
        except click.UsageError as error:
            raise _one_line_usage(error) from None
        except (click.exceptions.Exit, click.ClickException, click.Abort, BrokenPipeError):
            raise  # click prints these (a closed pipe quietly)
        except Exception as error:  # a bug: say so in one line, never a traceback
            message = one_line(f"internal error ({type(error).__name__}): {error}")
            click.echo(f"Error: {message}", err=True)
            ctx.exit(EXIT_ERROR)


_NO_ARGS_IS_HELP = getattr(click.exceptions, "NoArgsIsHelpError", ())  # click 8.2: prints help


def _one_line_usage(error: click.UsageError) -> click.UsageError:
    """A usage error that prints as one line (with where to find help), not the usage text."""
    if isinstance(error, _NO_ARGS_IS_HELP) or error.ctx is None:
        return error
    path = error.ctx.command_path
    return click.UsageError(f"{error.format_message()} (see '{path} --help')")


def lifecycle_options(command: Callable) -> Callable:
    """``--at``, ``--code`` and ``--actors-type``: the stance matrix as ``govkg align`` and
    ``govkg ideal-points`` read it (as of a day, coded, of some kinds of actor)."""
    options = [
        click.option("--at", "at", metavar="DATE", default="",
                     help="The matrix as of this day: later acts left out."),
        click.option("--code", "code_specs", multiple=True, metavar="KIND=CODE",
                     help="Code a stance kind yes, abstain, no or missing; repeatable."),
        click.option("--actors-type", "actor_types", multiple=True,
                     type=click.Choice(["state", "organisation", "company",
                                        "research-institution"]),
                     help="Only actors of this type; repeatable (default: state and "
                          "organisation)."),
    ]  # fmt: skip
    for option in reversed(options):
        command = option(command)
    return command


def output_option(choices: tuple[str, ...] = FORMATS, default: str = "table") -> Callable:
    """The shared ``--format`` option of every command that prints rows."""
    return click.option(
        "--format",
        "fmt",
        type=click.Choice(choices),
        default=default,
        show_default=True,
        help="Output format.",
    )


@click.group(cls=GovkgGroup)
@click.version_option(__version__, prog_name="govkg")
@click.option(
    "--root",
    envvar=ROOT_ENV,
    type=click.Path(file_okay=False),
    help=f"The govkg checkout (default: found upwards from here; env {ROOT_ENV}).",
)
@click.option(
    "--store",
    envvar=STORE_ENV,
    metavar="STORE",
    help="memory (default), a folder for Oxigraph on disk, or sparql+http://host:port/ "
    f"for a SPARQL server (env {STORE_ENV}).",
)
@click.pass_context
def cli(ctx: click.Context, root: str | None, store: str | None) -> None:
    """govkg: a knowledge graph of states, summits and commitments in international AI governance.

    Exit codes: 0 success, 1 the data does not conform or a check found problems,
    2 could not load or run.

    \b
    Example:
        govkg validate
    """
    ctx.obj = Settings(root, store)


@cli.command()
@output_option(("text", "json", "turtle"), default="text")
@click.option(
    "--engine",
    type=click.Choice(ENGINES),
    default="auto",
    show_default=True,
    help="pyshacl (pySHACL on an in-memory copy), sparql (the shapes as SPARQL queries on the "
    "embedded store: all 120 W3C SHACL tests, fast at any size) or auto (sparql "
    "on the embedded store, pyshacl on a SPARQL server).",
)
@click.option(
    "--data",
    "data",
    multiple=True,
    type=click.Path(dir_okay=False, path_type=Path),
    help="Validate this Turtle file instead of the project (repeatable).",
)
@click.option(
    "--shapes",
    "shapes",
    multiple=True,
    type=click.Path(dir_okay=False, path_type=Path),
    help="With --data: the shapes file(s); default: the shapes in the data files.",
)
@click.pass_obj
def validate(
    settings: Settings, fmt: str, engine: str, data: tuple[Path, ...], shapes: tuple[Path, ...]
) -> None:
    """Validate the ontology and graph against the SHACL shapes.

    Prints each problem with its graph file, resource, property and message; exits 0 when the
    graph conforms (warnings allowed), 1 on violations, 2 when a file cannot be loaded or a
    shape uses SHACL the engine does not support (named, never skipped).  With --data, validates
    those files (against --shapes, or the shapes they contain) instead of the project.

    \b
    Example:
        govkg validate --format json
        govkg validate --engine sparql --data people.ttl --shapes shapes.ttl
    """
    if shapes and not data:
        raise ParameterError("--shapes needs --data: the project is validated with its own shapes")
    if data:
        report = validate_files(list(data), list(shapes) or None, engine)
    else:
        project, store = open_project(settings.root, settings.store)
        report = validate_store(store, project, engine)
    text = {"text": report.to_text, "json": report.to_json, "turtle": report.to_turtle}[fmt]()
    click.echo(text.rstrip("\n"))
    sys.exit(0 if report.passes else EXIT_PROBLEMS)


def _parse_params(values: tuple[str, ...]) -> dict[str, str]:
    params = {}
    for item in values:
        name, sep, value = item.partition("=")
        if not sep or not name:
            raise ParameterError(f"--param {item!r}: expected NAME=VALUE")
        if name.strip() in params:
            raise ParameterError(f"--param {name.strip()!r} is given twice")
        params[name.strip()] = value
    return params


@cli.command("load")
@click.option("--store", "store_spec", metavar="STORE", help="The store to build (or give it "
              "to the group: govkg --store STORE load).")  # fmt: skip
@click.pass_obj
def load_store(settings: Settings, store_spec: str | None) -> None:
    """Build the store named by --store (a folder, or a SPARQL server) from the project's files.

    Shows progress on stderr. Later commands reopen the store at once, and rebuild an on-disk
    store by themselves when graph/ changed (its content hash is recorded in the store).

    \b
    Example:
        govkg load --store .govkg-store
    """
    spec = store_spec or settings.store
    total = file_count(settings.root, spec)
    with click.progressbar(length=total, label="loading", file=sys.stderr) as bar:
        stamp, files, quads = rebuild(settings.root, spec, lambda _name: bar.update(1))
    click.echo(f"loaded {quads} quads from {files} files into {shown(str(spec))} ({stamp[:19]})")


@cli.command()
@click.argument("name_or_file")
@click.option(
    "--param",
    "-p",
    "params",
    multiple=True,
    metavar="NAME=VALUE",
    help="Bind a query parameter (repeatable).",
)
@click.option("--limit", type=int, default=None, metavar="N",
              help="Show at most N rows (paged in the query; a SELECT query only).")  # fmt: skip
@click.option("--offset", type=int, default=None, metavar="M",
              help="Skip the first M rows (with or without --limit).")  # fmt: skip
@output_option()
@click.pass_obj
def query(
    settings: Settings,
    name_or_file: str,
    params: tuple[str, ...],
    limit: int | None,
    offset: int | None,
    fmt: str,
) -> None:
    """Run a catalogue query by name, or a .rq file.

    Parameters are bound as RDF terms, never pasted into the query. A query in
    queries/checks/ exits 1 when it returns rows.

    Every answer says how complete the lists it rests on are: a notice on stderr after a table
    or CSV; a "coverage" member in json; a last line {"govkg:coverage": ...} in ndjson.

    With --limit/--offset the query itself is paged (LIMIT/OFFSET after its ORDER BY) and the
    whole answer's number of rows is shown: on stderr ("rows 21-40 of 523"), or as "total",
    "limit" and "offset" members in json.

    \b
    Example:
        govkg query stances-on-instrument -p instrument=instrument:paris-statement-2025
        govkg query single-source-facts --limit 20 --offset 40
    """
    paging = limit is not None or offset is not None
    page = make_page(limit, offset) if paging else None
    project, store = open_project(settings.root, settings.store)
    chosen = find_query(project, name_or_file)
    given = _parse_params(params)
    if page is not None:
        _query_page(store, chosen, given, page, fmt)
        return
    result = run_query(store, chosen, given)
    if result.kind == "ask":
        click.echo("true" if result.boolean else "false")
    elif result.kind == "graph":
        click.echo(format_triples(result.triples).rstrip("\n"))
    else:
        coverage = result_coverage(store, chosen, given, result)
        click.echo(format_answer(result.variables, result.rows, fmt, coverage.as_json()), nl=False)
        if fmt in ("table", "csv"):
            for line in coverage.notice():
                click.echo(line, err=True)
    if chosen.kind == "check" and result.rows:
        sys.exit(EXIT_PROBLEMS)


def _query_page(store: Store, chosen: Query, given: dict[str, str], page: Page, fmt: str) -> None:
    """``govkg query --limit/--offset``: one page of a SELECT query and the number of rows."""
    paged = run_page(store, chosen, given, page)
    coverage = result_coverage(store, chosen, given, paged.result)
    text = format_answer(paged.result.variables, paged.result.rows, fmt, coverage.as_json())
    if fmt == "json":
        text = json.dumps({**json.loads(text), **paging_json(paged)}, indent=2, ensure_ascii=False)
        text += "\n"
    click.echo(text, nl=False)
    if fmt != "json":
        click.echo(page_summary(paged), err=True)
    if fmt in ("table", "csv"):
        for line in coverage.notice():
            click.echo(line, err=True)
    if chosen.kind == "check" and paged.total:
        sys.exit(EXIT_PROBLEMS)


@cli.command("queries")
@output_option()
@click.pass_obj
def list_queries(settings: Settings, fmt: str) -> None:
    """List the query catalogue: name, kind, title and parameters.

    \b
    Example:
        govkg queries --format csv
    """
    project = find_project(settings.root)
    rows = [
        (
            q.name,
            q.kind,
            q.title,
            " ".join(
                f"{p.name}={p.default if p.default is not None else '(required)'}"
                for p in q.parameters
            ),
        )
        for q in catalogue(project)
    ]
    click.echo(format_rows(["name", "kind", "title", "parameters"], rows, fmt), nl=False)


@cli.command()
@output_option(("table", "json"))
@click.pass_obj
def stats(settings: Settings, fmt: str) -> None:
    """Show the size of the graph: triples per file, instances per class, facts per source.

    \b
    Example:
        govkg stats --format json
    """
    _project, store = open_project(settings.root, settings.store)
    figures = graph_stats(store)
    if fmt == "json":
        click.echo(json.dumps(figures.__dict__, indent=2, ensure_ascii=False))
        return
    click.echo(f"triples: {figures.triples}\n")
    for title, headers, rows in (
        ("files", ["file", "triples"], figures.per_file),
        ("classes", ["class", "instances"], figures.per_class),
        ("sources", ["source", "title", "facts"], figures.sources),
    ):
        click.echo(f"{title}:")
        click.echo(format_rows(headers, rows, "table"))


@cli.command("search")
@click.argument("text")
@click.option(
    "--kind",
    "kinds",
    multiple=True,
    type=click.Choice(textsearch.KINDS),
    help="Only results of this kind; repeatable (default: every kind).",
)
@click.option(
    "--limit",
    type=click.IntRange(1, textsearch.MAX_PER_PAGE),
    default=20,
    show_default=True,
    help="Most results shown, best first.",
)
@click.option("--page", type=int, default=1, show_default=True,
              help="Which page of --limit results, best first.")  # fmt: skip
@output_option(("table", "json", "csv"))
@click.pass_obj
def search_text(
    settings: Settings, text: str, kinds: tuple[str, ...], limit: int, page: int, fmt: str
) -> None:
    """Search the names, quotations, descriptions, positions and principles of the graph.

    Every word must match, whatever its accents and case; the last also as the start of a word.
    A resource named TEXT comes first, then those whose names hold every word, then the texts
    that do. The table and CSV say on stderr how many matched; exit 0 also when none did (an
    empty answer, as govkg query gives), 2 when TEXT has no letters or digits. On an on-disk
    store (--store FOLDER) the index is kept in FOLDER.search.sqlite, rebuilt when the graph
    changes.

    \b
    Example:
        govkg search "frontier optimism" --kind quote
    """
    request = textsearch.SearchRequest(text, kinds, page, limit)
    if not request.words:
        raise textsearch.TextSearchError(f"{text!r} has no letters or digits to search for")
    _project, store = open_project(settings.root, settings.store)
    found = textsearch.search(store, request)
    if fmt == "json":
        click.echo(json.dumps(textsearch.page_json(found), indent=2, ensure_ascii=False))
        return
    rows = textsearch.hit_rows(found)
    click.echo(format_rows(textsearch.HIT_COLUMNS, rows, fmt), nl=False)
    click.echo(f"{found.total} matched; {len(rows)} shown", err=True)


@cli.group("import")
def import_group() -> None:
    """Import sourced lists from CSV into graph/ (states, organisations, stances).

    Every row is checked (an error names the file, row and column), the resulting graph is
    validated, and only then are the files written; exit 2 and nothing written otherwise.

    \b
    Example:
        govkg import stances ../shared/data/instruments/paris_statement_2025.csv
    """


def _import(settings: Settings, **sources: Any) -> None:
    """Run an import and report each file written, relative to the project."""
    project = find_project(settings.root)
    plan, written = run_import(project, **sources)
    for path in written:
        click.echo(f"wrote {project.relative(path)}")
    click.echo(f"imported {plan.rows} row(s) into {len(written)} file(s)")


CSV_FILE = click.Path(dir_okay=False, path_type=Path)


@import_group.command("states")
@click.argument("csv_file", type=CSV_FILE)
@click.pass_obj
def import_states(settings: Settings, csv_file: Path) -> None:
    """Import states (iso3, iso2, m49, name, wikidata, region, subregion, un_status) into
    graph/reference/states.ttl.

    \b
    Example:
        govkg import states ../shared/data/states.csv
    """
    _import(settings, states=csv_file)


@import_group.command("organisations")
@click.argument("csv_file", type=CSV_FILE)
@click.pass_obj
def import_organisations(settings: Settings, csv_file: Path) -> None:
    """Import international organisations (id, name, wikidata) into
    graph/reference/organisations.ttl.

    \b
    Example:
        govkg import organisations ../shared/data/organisations.csv
    """
    _import(settings, organisations=csv_file)


@import_group.command("stances")
@click.argument("csv_files", type=CSV_FILE, nargs=-1, required=True)
@click.pass_obj
def import_stances(settings: Settings, csv_files: tuple[Path, ...]) -> None:
    """Import stances on instruments, one file per instrument in graph/instruments/.

    Columns: instrument_id, instrument_title, date, actor_name, actor_iso3, actor_org, stance,
    source_url, note (and optionally date_type: act or as_of). Actors are matched by ISO code or
    organisation id, never by name.

    \b
    Example:
        govkg import stances ../shared/data/instruments/*.csv
    """
    _import(settings, stances=list(csv_files))


@import_group.command("reference")
@click.argument("folder", type=click.Path(file_okay=False, exists=True, path_type=Path))
@click.pass_obj
def import_reference(settings: Settings, folder: Path) -> None:
    """Import a whole reference folder: states.csv, organisations.csv and instruments/*.csv,
    validated together.

    \b
    Example:
        govkg import reference ../shared/data
    """
    _import(
        settings,
        states=folder / "states.csv",
        organisations=folder / "organisations.csv",
        stances=sorted((folder / "instruments").glob("*.csv")),
    )


@cli.command("ingest")
@click.argument("article_file", type=click.Path(dir_okay=False, path_type=Path))
@click.option("--url", default="", help="The article's URL.")
@click.option("--title", default="", help="Its title (default: the file's title or first line).")
@click.option("--outlet", default="", help="The outlet that published it.")
@click.option("--published", default="", metavar="YYYY-MM-DD", help="Its publication date.")
@click.option("--review/--no-review", "write", default=True,
              help="Write review/SLUG.json (default) or only print.")  # fmt: skip
@output_option(("table", "json"))
@click.pass_obj
def ingest(settings: Settings, article_file: Path, fmt: str, write: bool, **options: str) -> None:
    """Propose candidate facts from a news article (plain text, Markdown or HTML), each with the
    exact words it comes from.  Prints them and writes them to the review file
    review/SLUG.json, keeping the decisions of an earlier review of the same text (a decided
    candidate is not proposed again); nothing is written to graph/ (`govkg accept` does that).
    Exit 0, also when none is found (then no review file is written); an empty, binary,
    non-UTF-8 or over-5-MB file is an error (exit 2).

    \b
    Example:
        govkg ingest article.txt --published 2026-02-05
    """
    from govkg.ingest.pipeline import HEADERS, candidate_rows, candidates_json, propose
    from govkg.ingest.review import write_review

    project, store = open_project(settings.root, settings.store)
    article, candidates = propose(store, article_file, **options)
    if write and candidates:
        path = write_review(article, candidates, project.root / REVIEW_DIR)
        click.echo(f"wrote {project.relative(path)}", err=True)
    if fmt == "json":
        click.echo(json.dumps(candidates_json(article, candidates), indent=2, ensure_ascii=False))
        return
    if not candidates:
        click.echo(f"no candidate facts found in {article_file}")
        return
    click.echo(format_rows(list(HEADERS), candidate_rows(candidates), "table"))


@cli.command("accept")
@click.argument("review_file", type=click.Path(dir_okay=False, path_type=Path))
@click.option(
    "--all", "accept_all", is_flag=True,
    help='Accept the candidates the file marks "accept" or "correct".',
)  # fmt: skip
@click.option("--id", "ids", multiple=True, metavar="ID", help="Accept this candidate (repeat it).")
@click.pass_obj
def accept(settings: Settings, review_file: Path, accept_all: bool, ids: tuple[str, ...]) -> None:
    """Write a review's accepted candidates to graph/articles/SLUG.ttl, each fact with the
    article as its source and a W3C Web Annotation of the words it comes from.  A fact the graph
    already holds gets the article as one more source; the article's own record is used when the
    graph has one.  Prints each fact (new, or one more source) and the differences from the
    graph: what it says otherwise about the same thing, what it draws from the article that was
    not accepted.

    The graph is validated with the new file first; exit 2 and nothing written when it would not
    validate, when the review file is bad, or when a candidate names no resource of the graph.

    \b
    Example:
        govkg accept review/2026-02-05-us-and-china-decline.json --id c1a2b3c4
    """
    if accept_all == bool(ids):
        raise click.UsageError("give either --all or one or more --id ID")
    project = find_project(settings.root)
    done = accept_review(project, review_file, list(ids) if ids else None)
    click.echo(f"wrote {project.relative(done.path)} ({len(done.facts)} fact(s), "
               f"{len(done.existing)} already in the graph; source {done.source})")  # fmt: skip
    for fact in done.facts:
        click.echo(f"  {fact}{' (one more source)' if fact in done.existing else ' (new)'}")
    if done.differences:
        click.echo(f"{len(done.differences)} difference(s) from the graph:")
        for difference in done.differences:
            click.echo(f"  {difference}")
    click.echo(f"recorded the decisions in {project.relative(done.review)}")


@cli.command("review")
@click.argument("review_file", required=False,
                type=click.Path(dir_okay=False, exists=True, path_type=Path))  # fmt: skip
@click.option("--port", type=click.IntRange(1, 65535), default=8765, show_default=True,
              help="The port on 127.0.0.1.")  # fmt: skip
@click.pass_obj
def review(settings: Settings, review_file: Path | None, port: int) -> None:
    """Open the local review page: the review files of review/ (or of REVIEW_FILE's folder),
    each candidate's words highlighted in the article, to accept, reject or correct, then write
    the accepted facts as `govkg accept --all` does.  Listens on 127.0.0.1 only; never part of
    `govkg serve`.

    \b
    Example:
        govkg review review/2026-02-05-us-and-china-decline.json --port 8765
    """
    from govkg.ingest.review_app import create_review_app, page_url, run_review_page

    project, store = open_project(settings.root, settings.store)
    folder = review_file.resolve().parent if review_file is not None else None
    refuse_bundled(folder or project.root / REVIEW_DIR)  # decisions are saved there
    app = create_review_app(project, store, folder)
    click.echo(f"govkg: review page on {page_url(port, review_file)} (Ctrl-C to stop)")
    run_review_page(app, port)


ALIGN_HELP = """How closely actors stand together on AI-governance instruments, for every pair.

\b
Coding: 1 = yes (signed, endorsed, voted yes, ratified, acceded, accepted
or approved, joined, co-sponsored, lead sponsor), 2 = abstain (abstained),
3 = no (declined on record, voted no, dissociated, withdrew, left). Did not
vote, participated and no record are missing and drop the instrument from
that pair (README, Alignment, has the table). On an instrument whose list
is complete, an actor with no record did not sign: --absent missing
(default) leaves it out, --absent no codes it 3. Took part, did not sign
is not a refusal: coded as that absence, on any list.

\b
Measures over the n instruments both actors have a code for:
agreement 1 - sum|x-y|/(2n); s (Signorino-Ritter S, d_max = 2) and
s_squared; pi (Scott) and kappa (Cohen), nominal; kappa_squared and
kappa_linear (weighted kappa); pi_squared; jaccard of the sets each signed.
Every row shows its n (per period with --by-year/--window; n_min,
n_median and n_max over a bloc's pairs with --blocs).

\b
The note column says why a value is empty (undefined) or a kappa is 0:
when one actor gave the same answer on every instrument in common (France
always said yes), every kappa is 0 and every pi at most 0 whatever the
other did; when both gave one and the same answer, they are undefined (no
variance). After the table, footer lines on stderr (in every format, so
stdout stays one clean table) explain n, these notes and what --min-n
left out.

\b
--min-n (default 3): all pairs, periods and blocs leave out pairs with
fewer instruments in common; blocs and the heatmap leave out actors with
fewer in common with everyone. On the shipped graph 43% of pairs rest on
exactly two instruments, nearly all of them the two UN resolutions almost
every state voted for: 3 keeps them from driving the result. --pair shows
any n and says in the note when n is under --min-n; its --plot marks each
period's n and greys out periods under --min-n.

\b
Lifecycle: an actor with several acts on an instrument is coded by its
latest (signed, then withdrew: no; joined, then left: no). --at DATE
builds the matrix as of that day: later acts are left out, and so are
acts that may fall either side of it (counted after the table). --code
KIND=CODE recodes a stance kind (ratified=missing, withdrew=abstain).
--actors-type: state, organisation, company, research-institution
(default: states and intergovernmental organisations).

\b
Example:
    govkg align --pair USA CHN --by-year
"""


@cli.command(help=ALIGN_HELP)
@click.option("--pair", nargs=2, metavar="A B", help="One pair: measures and instrument table.")
@click.option("--actors", help="Restrict to these actors (comma-separated ISO codes or IRIs).")
@click.option("--min-n", type=click.IntRange(0), default=3, show_default=True,
              help="Leave out pairs (in blocs, actors) with fewer instruments "
                   "in common.")  # fmt: skip
@click.option("--instruments", help="Only these instruments (comma-separated ids).")
@click.option("--series", help="Only instruments adopted at summits of this series (id).")
@click.option("--type", "types", help="Only instruments of this type (declaration, resolution...).")
@click.option("--theme", help="Only instruments committing to this theme (id).")
@click.option("--from", "date_from", metavar="DATE", default="", help="Only instruments from.")
@click.option("--to", "date_to", metavar="DATE", default="", help="Only instruments up to.")
@click.option("--by-year", is_flag=True, help="The measures per year.")
@click.option("--window", type=int, help="The measures per period of this many years.")
@click.option("--blocs", "show_blocs", is_flag=True, help="Communities of the agreement graph.")
@click.option("--measure", "bloc_measure", default="agreement", show_default=True,
              type=click.Choice(["agreement", "s", "kappa", "pi", "jaccard"]),
              help="The measure blocs and the heatmap use.")  # fmt: skip
@click.option("--absent", type=click.Choice(["missing", "no"]), default="missing",
              show_default=True, help="Absences from complete lists: missing or no.")  # fmt: skip
@click.option("--weight", "weight_specs", multiple=True, metavar="ID=W",
              help="Weight an instrument (default 1); adds s_weighted.")  # fmt: skip
@lifecycle_options
@click.option(
    "--plot",
    "plot_path",
    type=click.Path(dir_okay=False, path_type=Path),
    help="Write a heatmap (or, with --pair and --by-year, a line chart): .png or .svg.",
)
@output_option()
@click.pass_obj
def align(settings: Settings, fmt: str, plot_path: Path | None, **options: Any) -> None:
    from govkg.align.report import check_plot, run_align, write_plot  # numpy etc.

    if plot_path is not None:
        check_plot(plot_path)
    request = _align_request(options)
    _project, store = open_project(settings.root, settings.store)
    report = run_align(store, request)
    tables = report.tables if fmt == "table" else report.tables[-1:]  # one table per stream
    for number, table in enumerate(tables):
        if number:
            click.echo()
        click.echo(table.format(fmt), nl=False)
    for line in report.footer:  # on stderr: stdout stays one table in every format
        click.echo(line, err=True)
    if plot_path is not None:
        write_plot(report, plot_path)
        click.echo(f"wrote {plot_path}", err=True)


IDEAL_HELP = """Ideal points: each actor's position on one dimension, with an interval.

\b
An ordinal item-response model (logit, graded response) over govkg align's
stance matrix: yes / abstain / no, missing left out, fitted by joint
posterior mode. Each row: actor, label, position, lower and upper (a
--level interval, Laplace), n (the instruments the position rests on).
Actors with fewer than --min-n answers are not estimable: listed with
their n and no position.

\b
Convention: positions have mean 0 and sd 1 over the actors estimated; the
sign puts --anchor (default USA, else the first estimable actor by code)
on the positive side. --by-year / --window N: positions per period,
bridged by holding each instrument's parameters at their pooled values.
Filters and coding as govkg align; --actors chooses the rows shown (the
model uses every actor the other options keep).

\b
Example:
    govkg ideal-points --series reaim --plot ideal.png
"""


@cli.command("ideal-points", help=IDEAL_HELP)
@click.option("--actors", help="Show only these actors (comma-separated ISO codes or IRIs).")
@click.option("--anchor", default="", metavar="ACTOR",
              help="The actor put on the positive side (default USA).")  # fmt: skip
@click.option("--level", type=float, default=0.95, show_default=True,
              help="The intervals' level.")  # fmt: skip
@click.option("--min-n", type=click.IntRange(0), default=3, show_default=True,
              help="Actors with fewer answers are not estimable.")  # fmt: skip
@click.option("--instruments", help="Only these instruments (comma-separated ids).")
@click.option("--series", help="Only instruments adopted at summits of this series (id).")
@click.option("--type", "types", help="Only instruments of this type (declaration, resolution...).")
@click.option("--theme", help="Only instruments committing to this theme (id).")
@click.option("--from", "date_from", metavar="DATE", default="", help="Only instruments from.")
@click.option("--to", "date_to", metavar="DATE", default="", help="Only instruments up to.")
@click.option("--by-year", is_flag=True, help="Positions per year (bridged).")
@click.option("--window", type=int, help="Positions per period of this many years (bridged).")
@click.option("--absent", type=click.Choice(["missing", "no"]), default="missing",
              show_default=True, help="Absences from complete lists: missing or no.")  # fmt: skip
@lifecycle_options
@click.option("--plot", "plot_path", type=click.Path(dir_okay=False, path_type=Path),
              help="Draw the positions with their intervals: .png or .svg.")  # fmt: skip
@output_option()
@click.pass_obj
def ideal_points(settings: Settings, fmt: str, plot_path: Path | None, anchor: str, level: float,
                 **options: Any) -> None:  # fmt: skip
    from govkg.ideal.report import IdealRequest, check_plot, run_ideal_points, write_plot

    request = IdealRequest(_align_request(options), anchor=anchor, level=level)
    if plot_path is not None:
        check_plot(plot_path, request)
    _project, store = open_project(settings.root, settings.store)
    report = run_ideal_points(store, request)
    rows = [[row.get(c) for c in report.columns] for row in report.rows]
    click.echo(format_rows(report.columns, rows, fmt), nl=False)
    for line in report.footer:  # on stderr: stdout stays one table in every format
        click.echo(line, err=True)
    if plot_path is not None:
        write_plot(report, plot_path)
        click.echo(f"wrote {plot_path}", err=True)


def _align_request(options: dict[str, Any]) -> AlignRequest:
    """The request the options of ``govkg align`` ask for."""
    from govkg.align import Filters  # numpy etc.: only for the commands that need it
    from govkg.align.report import AlignRequest

    window = options.get("window")
    if options.get("by_year"):
        if window not in (None, 1):
            raise GovkgError("give --by-year or --window, not both")
        window = 1
    return AlignRequest(
        filters=Filters(
            instruments=_split(options.get("instruments")),
            series=_split(options.get("series")),
            types=_split(options.get("types")),
            themes=_split(options.get("theme")),
            date_from=options.get("date_from") or "",
            date_to=options.get("date_to") or "",
        ),
        pair=tuple(options["pair"]) if options.get("pair") else None,
        actors=_split(options.get("actors")),
        min_n=options["min_n"],
        window=window,
        show_blocs=bool(options.get("show_blocs")),
        bloc_measure=options.get("bloc_measure") or "agreement",
        absent=options.get("absent") or "missing",
        weights=_weights(options.get("weight_specs") or ()),
        at=options.get("at") or "",
        codes=_codes(options.get("code_specs") or ()),
        actor_types=tuple(options.get("actor_types") or ()),
    )


def _codes(specs: tuple[str, ...]) -> dict[str, str]:
    found = {}
    for spec in specs:
        kind, sep, code = spec.partition("=")
        if not sep or not kind.strip():
            raise GovkgError(f"--code {spec!r}: expected KIND=CODE, CODE one of yes, abstain, "
                             "no or missing")  # fmt: skip
        found[kind.strip().replace("_", "-")] = code.strip()
    return found


def _weights(specs: tuple[str, ...]) -> dict[str, float]:
    found = {}
    for spec in specs:
        name, sep, value = spec.partition("=")
        try:
            weight = float(value)
        except ValueError:
            weight = -1.0
        if not sep or not name or not weight >= 0:
            raise GovkgError(f"--weight {spec!r}: expected INSTRUMENT=WEIGHT with a weight >= 0")
        found[name.strip()] = weight
    return found


def _export_request(fmt: str, options: dict[str, Any]) -> ExportRequest:
    """The request the options of ``govkg export`` ask for."""
    from govkg.align import Filters  # numpy etc.: only for the commands that need it
    from govkg.export import ExportRequest

    out = options.get("out")
    if out and str(out).endswith(("/", os.sep)) and not Path(out).is_dir():
        raise GovkgError(f"--out {out}: folder does not exist")
    threshold = options.get("threshold")
    if threshold is not None:
        try:
            threshold = float(threshold)
        except ValueError:
            threshold = math.nan
        if math.isnan(threshold):
            raise GovkgError(f"--threshold {options.get('threshold')!r}: expected a number")
    return ExportRequest.create(
        fmt,
        options.get("view") or "",
        out=Path(out) if out else None,
        filters=Filters(
            instruments=_split(options.get("instruments")),
            series=_split(options.get("series")),
            date_from=options.get("date_from") or "",
            date_to=options.get("date_to") or "",
        ),
        measure=options.get("measure"),
        threshold=threshold,
        layout=options.get("layout"),
    )


EXPORT_HELP = """Export a view of the graph for Gephi (GEXF 1.3), GraphML or CSV tables.

\b
Views: stances (actors and instruments, an edge per stance, dated for
Gephi's timeline), alignment (actor to actor, weighted by --measure, edges at
or above --threshold), dialogues (actors linked by bilateral dialogues,
meetings and agreements), full (every resource; literals as attributes).

\b
Without --out, gexf and graphml go to stdout; csv needs --out naming a folder
or a file prefix and writes PREFIX-nodes.csv and PREFIX-edges.csv. Files are
replaced atomically; on an error nothing is written.

\b
panel writes research data into the folder --out (made if missing):
panel.csv (one row per actor and instrument of govkg align's matrix, vote
coded 1 yes, 2 abstain, 3 no, 8 absent, 9 not a member), dyads.csv (the
rows of govkg align --format csv), datapackage.json (a Frictionless Data
Package) and codebook.md/.html. It takes govkg align's filters and options
(--actors, --type, --theme, --absent, --at, --code, --actors-type,
--min-n), not --view.

\b
Example:
    govkg export gexf --view stances --series reaim --out reaim.gexf
"""


@cli.command(help=EXPORT_HELP)
@click.argument("fmt", metavar="gexf|graphml|csv|panel")
@click.option("--view", help="stances, alignment, dialogues or full (required but for panel).")
@click.option("--out", type=click.Path(), help="The file (csv: a folder or a prefix).")
@click.option("--instruments", help="Only these instruments (comma-separated ids).")
@click.option("--series", help="Only instruments adopted at summits of this series (id).")
@click.option("--from", "date_from", metavar="DATE", help="Only instruments and stances from.")
@click.option("--to", "date_to", metavar="DATE", help="Only instruments and stances up to.")
@click.option("--measure", help="alignment: agreement (default), kappa, s or jaccard.")
@click.option("--threshold", metavar="X", help="alignment: keep edges with weight >= X (0.5).")
@click.option("--layout", help="spring: positions from networkx's spring layout (seeded).")
@click.option("--actors", help="panel: only these actors (comma-separated ISO codes or ids).")
@click.option("--type", "types", help="panel: only instruments of this type.")
@click.option("--theme", help="panel: only instruments committing to this theme (id).")
@click.option("--absent", type=click.Choice(["missing", "no"]),
              help="panel: absences from complete lists: missing (default) or no.")  # fmt: skip
@click.option("--at", metavar="DATE", help="panel: the matrix as of this day.")
@click.option("--code", "code_specs", multiple=True, metavar="KIND=CODE",
              help="panel: code a stance kind yes, abstain, no or missing.")  # fmt: skip
@click.option("--actors-type", "actor_types", multiple=True,
              type=click.Choice(["state", "organisation", "company", "research-institution"]),
              help="panel: only actors of this type; repeatable.")  # fmt: skip
@click.option("--min-n", type=click.IntRange(0),
              help="panel: dyads with at least this many instruments in common (3).")  # fmt: skip
@click.pass_obj
def export(settings: Settings, fmt: str, **options: Any) -> None:
    from govkg.export import write_export  # lxml, numpy etc.

    if fmt not in EXPORT_FORMATS:
        raise GovkgError(f"unknown format {fmt!r}: choose gexf, graphml, csv or panel")
    if fmt == "panel":
        _export_panel(settings, options)
        return
    _refuse_options(options, PANEL_ONLY, "applies to export panel only")
    if not options.get("view"):
        context = click.get_current_context()
        view = next(p for p in context.command.params if p.name == "view")
        raise click.MissingParameter(ctx=context, param=view)
    request = _export_request(fmt, options)
    _project, store = open_project(settings.root, settings.store)
    stdout = None if request.out else sys.stdout.buffer  # streamed, never held whole
    exported = write_export(store, request, stdout)
    if request.out is None:
        return
    for path in exported.paths:
        click.echo(f"wrote {path}", err=True)
    click.echo(f"{exported.nodes} nodes, {exported.edges} edges", err=True)


#: The formats of ``govkg export``: a network or tables of a view, or the panel.
EXPORT_FORMATS = ("gexf", "graphml", "csv", "panel")
#: The options of ``govkg export`` that only the panel takes, and those it does not.
PANEL_ONLY = ("actors", "types", "theme", "absent", "at", "code_specs", "actor_types", "min_n")
NOT_PANEL = ("view", "measure", "threshold", "layout")


def _refuse_options(options: dict[str, Any], names: tuple[str, ...], why: str) -> None:
    for name in names:
        if options.get(name) not in (None, ()):
            option = "--" + {"types": "type", "code_specs": "code"}.get(name, name)
            raise GovkgError(f"{option.replace('_', '-')} {why}")


def _export_panel(settings: Settings, options: dict[str, Any]) -> None:
    """``govkg export panel --out FOLDER``: the panel with govkg align's options."""
    from govkg.align.report import DEFAULT_MIN_N
    from govkg.panel import write_panel  # numpy etc.

    _refuse_options(options, NOT_PANEL, "does not apply to export panel")
    if not options.get("out"):
        raise GovkgError("export panel writes five files: give --out FOLDER")
    min_n = options.get("min_n")
    request = _align_request({**options, "min_n": DEFAULT_MIN_N if min_n is None else min_n})
    _project, store = open_project(settings.root, settings.store)
    for path in write_panel(store, Path(options["out"]), request):
        click.echo(f"wrote {path}", err=True)


SERVE_HELP = """Serve the graph as linked data: /id/ IRIs, HTML pages and a SPARQL endpoint.

\b
A data IRI https://w3id.org/govkg/id/X is served at /id/X, which answers
303 See Other to /doc/X (HTML) or /doc/X.ttl, .nt, .jsonld, .rdf by the
Accept header. /sparql speaks the SPARQL 1.1 Protocol (read-only). Each SPARQL
query runs in a query process that is stopped at --timeout; answers stop at
--max-rows (a client may ask for less, never more).
With --get PATH, one request goes through the app and its answer is printed,
without opening a socket; it waits for what the page reads from the whole graph
(the alignment, a listing) however long that takes.

\b
Example:
    govkg serve --port 8000
"""


@cli.command(help=SERVE_HELP)
@click.option("--host", default="127.0.0.1", show_default=True, help="The address to listen on.")
@click.option("--port", type=click.IntRange(0, 65535), default=8000, show_default=True)
@click.option(
    "--get", "get_path", metavar="PATH", help="Send one GET request and print the answer."
)
@click.option("--accept", default="*/*", show_default=True, help="The Accept header for --get.")
@click.option(
    "--timeout",
    type=click.FloatRange(min=0.1),
    default=10.0,
    show_default=True,
    help="Seconds a SPARQL query may run.",
)
@click.option(
    "--max-rows",
    type=click.IntRange(min=1),
    default=10_000,
    show_default=True,
    help="Rows (or triples) at most in an answer.",
)
@click.option(
    "--query-workers",
    type=click.IntRange(min=0),
    default=None,
    help="Query processes kept warm (default: one per CPU the server may run on; "
    "0: threads, which cannot stop a query).",
)
@click.option(
    "--access-log/--no-access-log",
    default=False,
    show_default=True,
    help="Log every request on stderr (errors are always logged).",
)
@click.option(
    "--sparql-only",
    is_flag=True,
    help="Serve the SPARQL endpoint alone (/sparql), from its query processes: no pages, "
    "less memory and time a query (the embedded store only).",
)
@click.option(
    "--pages-on-demand",
    is_flag=True,
    help="Start the pages' process at the first page request, not with the server "
    "(an endpoint mostly asked for queries keeps less memory; the first page waits for it).",
)
@click.pass_obj
def serve(
    settings: Settings, host: str, port: int, get_path: str | None, accept: str, **limits: Any
) -> None:
    from govkg.server import ServerSettings, create_app  # starlette, uvicorn
    from govkg.server.endpoint import PagesOptions
    from govkg.server.launch import get_once, run_server

    workers = limits["query_workers"]
    server = ServerSettings(
        timeout_s=limits["timeout"],
        max_rows=limits["max_rows"],
        **({} if workers is None else {"query_workers": workers}),
    )
    project, store = open_project(settings.root, settings.store)
    if limits["sparql_only"]:
        if limits["pages_on_demand"]:
            raise click.UsageError("--pages-on-demand: --sparql-only serves no pages")
        _serve_sparql_only(store, server, host, port, get_path, limits["access_log"])
    if get_path is None and store.embedded and server.query_workers >= 1:
        pages = PagesOptions(str(project.root), limits["pages_on_demand"])
        _exec_supervisor(store, server, host, port, limits["access_log"], pages)
    if limits["pages_on_demand"]:
        raise click.UsageError(
            "--pages-on-demand needs the embedded store and query processes (--query-workers >= 1)"
            + (" and no --get" if get_path is not None else "")
        )
    app = create_app(store, server, project, waits=get_path is not None)
    if get_path is None:
        click.echo(f"govkg: serving on http://{host}:{port}/ (Ctrl-C to stop)", err=True)
        run_server(app, host, port, access_log=limits["access_log"])
        return
    status, head, body = get_once(app, get_path, accept)
    click.echo(head, err=True)
    click.echo(body, nl=False)
    sys.exit(0 if status < 400 else EXIT_PROBLEMS)


def _serve_sparql_only(
    store: Store,
    server: ServerSettings,
    host: str,
    port: int,
    get_path: str | None,
    access_log: bool,
) -> NoReturn:
    """``serve --sparql-only``: this process becomes the endpoint's supervisor."""
    if get_path is not None:
        raise click.UsageError("--get is answered by the full server: leave out --sparql-only")
    if not store.embedded:
        raise GovkgError(
            "--sparql-only serves the embedded store (a folder or memory), not a SPARQL server's"
        )
    if server.query_workers < 1:
        raise click.UsageError("--sparql-only answers from query processes: --query-workers >= 1")
    _exec_supervisor(store, server, host, port, access_log, None)


def _exec_supervisor(
    store: Store,
    server: ServerSettings,
    host: str,
    port: int,
    access_log: bool,
    pages: PagesOptions | None,
) -> NoReturn:
    """This process becomes the supervisor of the query processes (and of the pages')."""
    from govkg.server.endpoint import exec_endpoint
    from govkg.server.runner import snapshot

    folder = store.folder
    limits = {
        "timeout_s": server.timeout_s,
        "max_rows": server.max_rows,
        "max_body": server.max_body,
        "query_workers": server.query_workers,
        "max_query_workers": max(server.query_workers, server.max_query_workers),
        "access_log": access_log,
    }
    exec_endpoint(str(folder or snapshot(store)), host, port, limits, folder is None, pages)


STANCE_LIST_HELP = """Write an instrument's imported stance list as CSV, to edit and import again.

\b
The columns are those `govkg import stances` reads (with date_type); importing
the list unchanged gives the same graph file byte for byte. Without --out the
CSV goes to stdout; with it, the file is replaced atomically. The instrument is
named as elsewhere (instrument:ID or its IRI) or by the importer's instrument_id.

\b
Example:
    govkg stance-list instrument:reaim-2026-pathways-to-action --out reaim-2026.csv
"""


@cli.command("stance-list", help=STANCE_LIST_HELP)
@click.argument("instrument_id")
@click.option("--out", type=click.Path(dir_okay=False, path_type=Path), help="The CSV file.")
@click.pass_obj
def stance_list(settings: Settings, instrument_id: str, out: Path | None) -> None:
    from govkg.stance_list import stance_rows, to_csv, write_stance_list

    _project, store = open_project(settings.root, settings.store)
    if out is None:
        click.echo(to_csv(stance_rows(store, instrument_id)), nl=False)
        return
    count = write_stance_list(store, instrument_id, out)
    click.echo(f"wrote {count} row(s) to {out}", err=True)


STATUS_HELP = """An actor's status on an instrument on a day: ratified, signed, withdrawn, member…

\b
The status on --at DATE (a day) is the actor's latest act on or before it:
ratified (ratified, acceded, accepted or approved), signed-not-ratified (a
convention signed, nothing later), signed, withdrawn, member (joined, not
left), left, endorsed, voted-yes, voted-no, abstained, did-not-vote,
declined, dissociated, co-sponsored, lead-sponsor, took-part, did-not-sign.
An act that may or may not have happened by then (listed only later, a
partial date such as 2025 that straddles the day, no date) makes it
unknown, naming that act. With no act by then: not-a-party when the actor
was not a member of the body that adopted the instrument on the adoption
date, else no-record. Each row gives the act, its date and date_kind (act:
the act's own date; as_of: listed by then, the act may be earlier).

\b
Without --instrument, every instrument with acts; without --actor, every
actor with an act on it or a membership of the body that adopted it.

\b
Example:
    govkg status --at 2025-06-01 --instrument coe-cets-225 --actor GBR
"""


@cli.command("status", help=STATUS_HELP)
@click.option("--at", "day", required=True, metavar="DATE", help="The day (2025-06-01).")
@click.option("--instrument", "instruments", multiple=True, metavar="ID",
              help="This instrument (id, instrument:ID or IRI); repeatable.")  # fmt: skip
@click.option("--actor", "actors", multiple=True, metavar="CODE",
              help="This actor (ISO code, organisation id or IRI); repeatable.")  # fmt: skip
@output_option()
@click.pass_obj
def status(settings: Settings, day: str, instruments: tuple[str, ...], actors: tuple[str, ...],
           fmt: str) -> None:  # fmt: skip
    check_day("at", day)  # before the store is opened
    _project, store = open_project(settings.root, settings.store)
    rows = [list(s.row().values()) for s in status_at(store, day, instruments, actors)]
    click.echo(format_rows(list(STATUS_COLUMNS), rows, fmt), nl=False)


PUBLISH_HELP = """Write the linked-data site to OUTDIR as static files, for any web host.

\b
Every page and RDF document the server gives, byte for byte; the dataset's
VoID and DCAT description; dumps in Turtle, N-Triples, JSON-LD and gzipped
N-Quads, each with a .sha256; the ontology's documentation; an Apache
.htaccess (303s and content negotiation); and w3id.htaccess, the rules
https://w3id.org/govkg/ needs to redirect to --base-url. The site is built
next to OUTDIR and replaces it only when complete.

\b
Example:
    govkg publish site --base-url https://example.org/govkg/
"""


def _publish_progress(done: int, total: int) -> None:
    if done % 500 == 0 or done == total:
        click.echo(f"\rpublishing: {done}/{total} files", err=True, nl=done == total)


@cli.command("publish", help=PUBLISH_HELP)
@click.argument("outdir", type=click.Path(file_okay=False, path_type=Path))
@click.option("--base-url", required=True, metavar="URL", help="Where the site will be served.")
@click.option("--sparql-endpoint", metavar="URL", help="A SPARQL endpoint serving the graph.")
@click.pass_obj
def publish_site(
    settings: Settings, outdir: Path, base_url: str, sparql_endpoint: str | None
) -> None:
    from govkg.publish.static_site import publish  # starlette, httpx

    project, store = open_project(settings.root, settings.store)
    done = publish(
        store,
        Layout(),
        outdir,
        base_url=base_url,
        endpoint=sparql_endpoint,
        project=project,
        progress=_publish_progress,
    )
    click.echo(f"wrote {done.files} files ({done.bytes:,} bytes) for {done.resources} resources "
               f"to {outdir}")  # fmt: skip


RELEASE_HELP = """Write a citable release of the graph to releases/VERSION/, never overwriting one.

\b
The dumps with checksums, the VoID/DCAT description (dcat:version,
dcat:previousVersion, dcterms:issued), CITATION.cff, the panel and its
codebook, SHA256SUMS, and what changed since the previous release: stances,
count claims, quotes, memberships and lifecycle claims added, removed or
changed, by IRI and by value (CHANGES.md, changes.json, changes.atom). The
previous release is the newest older one in the folder unless --previous
names it. The folder is built beside its place and renamed when complete.

\b
Example:
    govkg release 1.0.0
"""


@cli.command("release", help=RELEASE_HELP)
@click.argument("version")
@click.option("--out", type=click.Path(file_okay=False, path_type=Path),
              help="The releases folder (default: the project's releases/).")  # fmt: skip
@click.option("--previous", metavar="VERSION", help="The release to compare with.")
@click.pass_obj
def release(settings: Settings, version: str, out: Path | None, previous: str | None) -> None:
    from govkg.release import check_version, make_release  # feedgen, lxml

    check_version(version)  # before the store is opened
    project, store = open_project(settings.root, settings.store)
    done = make_release(project, store, version, out, previous)
    if not done.panel:
        click.echo("the panel was not written: govkg.panel is not installed", err=True)
    since = f" since {done.diff.previous}" if done.diff.previous else " (first release)"
    click.echo(f"wrote release {version} ({done.files} files) to {done.folder}")
    click.echo(f"changes{since}: {len(done.diff.changes)} resource(s) added, removed or changed")


def main() -> None:
    """The console-script entry point."""
    cli(prog_name="govkg")
