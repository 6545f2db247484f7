"""The ``lotwise`` command line (typer + rich)."""
