"""``python -m negtrack``.

Guarded: a worker started with "spawn" (macOS and Windows) imports the main
module again, as ``__mp_main__``, and must not run the command line a second time.
"""

from negtrack.cli import run

if __name__ == "__main__":
    run()
