"""A query process: ``python -m govkg.server.worker STORE_FOLDER``.

It reads pickled jobs on its standard input and writes pickled answers on its standard output;
anything else it prints goes to standard error.  Started and killed by
:class:`govkg.server.runner.ProcessRunner`; never imported by the server itself.
"""

from __future__ import annotations

import contextlib
import os
import sys
from multiprocessing.connection import Connection

from govkg.server.execute import worker_main


def main() -> None:
    """Answer jobs over the original stdin and stdout until the server closes them."""
    answers = os.dup(1)
    os.dup2(2, 1)  # a stray print must never corrupt the channel
    # the server may go away (stopped, or given up on us): then nothing to answer, nothing to say
    with contextlib.suppress(BrokenPipeError, ConnectionResetError):
        worker_main(sys.argv[1], Connection(0, writable=False), Connection(answers, readable=False))


if __name__ == "__main__":
    main()
