"""The pages' alignment of a store on disk, read in a process of its own, with its actors' ideal
points: ``python -m govkg.site.alignment_process FOLDER`` writes it, pickled, on standard output.

Started by :func:`govkg.site.agreement.read_apart`, never imported by the server.  It opens the
folder read-only (as the query processes do), reads the alignment at a lower priority than the
server's requests, writes it and ends; it ends as well, with nothing written, once the process
that started it is gone.  A failure is one line on standard error and exit status 2.
"""

from __future__ import annotations

import os
import pickle
import sys
import threading
import time

from govkg.errors import GovkgError
from govkg.site.agreement import read
from govkg.site.ideal_pages import WORKED_OUT, ideal_points
from govkg.store import OxigraphStore

#: How often (seconds) the process looks whether the process that started it is still there.
PARENT_CHECK_S = 1.0


def _end_with_parent() -> None:
    """End this process once the process that started it has ended (it is then adopted)."""
    parent = os.getppid()

    def watch() -> None:
        while os.getppid() == parent:
            time.sleep(PARENT_CHECK_S)
        os._exit(0)

    threading.Thread(target=watch, name="govkg-parent-watch", daemon=True).start()


def main() -> None:
    """Read the alignment of the store in ``sys.argv[1]`` with its ideal points, and write it on
    standard output."""
    _end_with_parent()
    os.nice(5)  # the server's requests first
    try:
        found = read(OxigraphStore.read_only(sys.argv[1]))
        found.worked_out[WORKED_OUT] = ideal_points(found)
    except GovkgError as error:
        print(str(error).splitlines()[0], file=sys.stderr)
        sys.exit(2)
    except Exception as error:  # one line, never a traceback
        print(f"internal error ({type(error).__name__})", file=sys.stderr)
        sys.exit(2)
    sys.stdout.buffer.write(pickle.dumps(found, protocol=pickle.HIGHEST_PROTOCOL))
    sys.stdout.flush()


if __name__ == "__main__":
    main()
