"""`python -m asamblea.cli`."""

from asamblea.cli import main

main()
