from negtrack.cli import run

run()
