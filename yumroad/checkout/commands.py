import click
from flask.cli import with_appcontext

from yumroad.checkout.services import send_unsent_receipts
from yumroad.urls import link_building_context


@click.command("send-receipts")
@with_appcontext
def send_receipts_command() -> None:
    """Send the receipts and sale notices of paid orders that failed to go out (e.g. mail was down)."""
    with link_building_context():
        receipts, notices = send_unsent_receipts()
    click.echo(f"Sent {receipts} receipt{'' if receipts == 1 else 's'}.")
    click.echo(f"Sent {notices} sale notice{'' if notices == 1 else 's'}.")
