from negtrack.cli import main

main()
