"""`tracker plan …`."""

import click


@click.group("plan")
def plan_group() -> None:
    """Import and export plans."""
