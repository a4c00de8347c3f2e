"""``python -m thrustlab``: the same as the ``thrustlab`` command."""

from thrustlab.cli import main

main()
