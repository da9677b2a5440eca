"""``python -m govkg``: the same as the ``govkg`` command."""

from govkg.cli import main

main()
