"""A real Virtuoso 7.2 on loopback for the tests: Debian's ``virtuoso-t`` (package
``virtuoso-opensource-7-bin``, installed by scripts/install-test-tools.sh) on a fresh database
folder, with its own ``virtuoso.ini``, stopped at the end.

govkg reaches it as
``sparql+http://127.0.0.1:PORT/?query=sparql&update=sparql&store=sparql-graph-crud``: queries
and SPARQL Update both go to ``/sparql`` (Virtuoso takes an ``update=`` form parameter there),
the Graph Store Protocol is ``/sparql-graph-crud`` (the unauthenticated one; the ``-auth``
variant wants HTTP Digest).  Both run as Virtuoso's ``SPARQL`` user, which may only read until
it is granted ``SPARQL_UPDATE`` (before: an update is 500 "SR186: SECURITY: No permission to
execute procedure DB.DBA.SPARQL_INSERT_DICT_CONTENT", a Graph Store POST 403); in a new
database that is all, as anonymous graph permissions already allow writing (where they were
restricted, ``DB.DBA.RDF_DEFAULT_USER_PERMS_SET ('nobody', 7)`` opens them).  Without FROM,
Virtuoso's default graph is already the union of all graphs, as govkg's queries expect (its own
system graphs included).
"""

from __future__ import annotations

import shutil
import subprocess
import time
import urllib.parse
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from servers import free_port, stop_group

VIRTUOSO = "/usr/bin/virtuoso-t"
ISQL = "/usr/bin/isql-vt"
START_SECONDS = 60

# ResultSetMaxRows: Virtuoso cuts every answer at this many rows and still answers 200 (a SELECT
# carries an X-SPARQL-MaxRows header, a CONSTRUCT no sign at all); the stock ini's 10,000 is too
# few for govkg's full export and dumps.  MaxQueryExecutionTime = 0: a positive value makes a slow
# query an "anytime" answer, partial yet 200, so govkg's own client timeout is the only deadline.
# MaxQueryCostEstimationTime (the stock ini's 400 s) refuses, before running, a query estimated to
# take longer; the estimates can be off by orders of magnitude and vary from one start to the next
# (a page query that runs in milliseconds was once refused as "31,000,000 s"), so it is left out
# unless a test asks for it (OpenLink calls the setting a debugging aid).
# NumberOfBuffers are 8 KiB pages: 50,000 is about 400 MiB, ample for the test graphs and modest
# on a shared 2-core, 24 GB machine (OpenLink's advice is 85,000 per free GB for big data).
INI = """\
[Database]
DatabaseFile = {folder}/virtuoso.db
ErrorLogFile = {folder}/virtuoso.log
LockFile = {folder}/virtuoso.lck
TransactionFile = {folder}/virtuoso.trx
xa_persistent_file = {folder}/virtuoso.pxa
ErrorLogLevel = 7
FileExtend = 200
MaxCheckpointRemap = 2000
Striping = 0
TempStorage = TempDatabase

[TempDatabase]
DatabaseFile = {folder}/virtuoso-temp.db
TransactionFile = {folder}/virtuoso-temp.trx
MaxCheckpointRemap = 2000
Striping = 0

[Parameters]
ServerPort = 127.0.0.1:{isql_port}
ServerThreads = 10
CheckpointInterval = 0
NumberOfBuffers = 50000
MaxDirtyBuffers = 37500
DirsAllowed = ., {folder}
CaseMode = 2
ThreadCleanupInterval = 0
ResourcesCleanupInterval = 0

[HTTPServer]
ServerPort = 127.0.0.1:{http_port}
ServerRoot = {folder}
MaxClientConnections = 10
ServerThreads = 10
EnabledDavVSP = 0

[SPARQL]
ResultSetMaxRows = {max_rows}
MaxQueryExecutionTime = 0
DeferInferenceRulesInit = 0
{cost_limit}"""

# What govkg needs to write over HTTP, run once as dba (whose password is "dba" in a new database).
GRANTS = 'GRANT SPARQL_UPDATE TO "SPARQL";'


def store_spec(http_port: int) -> str:
    """govkg's --store value for a Virtuoso whose HTTP server listens on ``http_port``."""
    return (f"sparql+http://127.0.0.1:{http_port}/"
            "?query=sparql&update=sparql&store=sparql-graph-crud")  # fmt: skip


def write_ini(
    folder: Path, http_port: int, isql_port: int, max_rows: int, cost_limit: int | None = None
) -> Path:
    """The server's ``virtuoso.ini`` in ``folder``, with its database files beside it."""
    ini = folder / "virtuoso.ini"
    limit = "" if cost_limit is None else f"MaxQueryCostEstimationTime = {cost_limit}\n"
    ini.write_text(INI.format(folder=folder, http_port=http_port, isql_port=isql_port,
                              max_rows=max_rows, cost_limit=limit), encoding="utf-8")  # fmt: skip
    return ini


def _answers(http_port: int) -> bool:
    """Whether ``/sparql`` answers a query (it does only once the server is fully up)."""
    query = urllib.parse.urlencode({"query": "ASK {}"})
    try:
        with urllib.request.urlopen(f"http://127.0.0.1:{http_port}/sparql?{query}", timeout=2) as r:
            return r.status == 200
    except OSError:
        return False


def isql(isql_port: int, statements: str) -> str:
    """Run SQL statements as dba through ``isql-vt``; its output (raises if one fails)."""
    done = subprocess.run(
        [ISQL, f"127.0.0.1:{isql_port}", "dba", "dba", f"exec={statements}"],
        capture_output=True, text=True, timeout=60, check=False,
    )  # fmt: skip
    if done.returncode != 0 or "*** Error" in done.stdout + done.stderr:
        raise RuntimeError(f"isql-vt failed: {done.stdout}{done.stderr}")
    return done.stdout


@contextmanager
def running_virtuoso(
    folder: Path, max_rows: int = 1_000_000, cost_limit: int | None = None
) -> Iterator[str]:
    """Virtuoso on free loopback ports with a fresh database in ``folder``, writable by govkg
    over HTTP, until the block ends; yields its --store value.  ``cost_limit``: its
    ``MaxQueryCostEstimationTime`` in seconds (None: no such limit)."""
    assert shutil.which(VIRTUOSO), "run scripts/install-test-tools.sh (Debian's Virtuoso)"
    http_port, isql_port = free_port(), free_port()
    while isql_port == http_port:
        isql_port = free_port()
    ini = write_ini(folder, http_port, isql_port, max_rows, cost_limit)
    log = (folder / "stdout.log").open("wb")
    process = subprocess.Popen(
        [VIRTUOSO, "+configfile", str(ini), "+foreground"],
        cwd=folder, stdout=log, stderr=subprocess.STDOUT, start_new_session=True,
    )  # fmt: skip
    try:
        deadline = time.monotonic() + START_SECONDS
        while not _answers(http_port):
            if process.poll() is not None or time.monotonic() > deadline:
                text = (folder / "virtuoso.log").read_text(errors="replace")[-2000:]
                raise RuntimeError(f"Virtuoso did not start within {START_SECONDS} s:\n{text}")
            time.sleep(0.1)
        isql(isql_port, GRANTS)
        yield store_spec(http_port)
    finally:
        stop_group(process, grace=30)
        log.close()
