"""`tracker demo …`."""

import click


@click.group("demo")
def demo_group() -> None:
    """Demo data."""
