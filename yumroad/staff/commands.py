"""`flask staff grant|revoke|list`: the only way to give or take away staff access."""

import click
from flask.cli import AppGroup

from yumroad.staff.services import UnknownUser, set_staff, staff_members

staff_command = AppGroup("staff", help="Give or take away access to the staff area (/staff), or list who has it.")


def _set_staff(email: str, is_staff: bool) -> None:
    try:
        user, changed = set_staff(email, is_staff)
    except UnknownUser as error:
        raise click.ClickException(f"No user has the email {error}.") from error
    if not changed:
        click.echo(f"{user.email} {'is already' if is_staff else 'is not'} staff: nothing changed.")
    elif is_staff:
        click.echo(f"{user.email} is staff now: they can open /staff.")
    else:
        click.echo(f"{user.email} is no longer staff.")


@staff_command.command("grant")
@click.argument("email")
def grant_command(email: str) -> None:
    """Give the user with this email access to the staff area."""
    _set_staff(email, True)


@staff_command.command("revoke")
@click.argument("email")
def revoke_command(email: str) -> None:
    """Take away the staff access of the user with this email."""
    _set_staff(email, False)


@staff_command.command("list")
def list_command() -> None:
    """List the staff members."""
    members = staff_members()
    if not members:
        click.echo("No staff members yet: `flask staff grant EMAIL` makes one.")
    for member in members:
        click.echo(f"{member.email} (user {member.id}){' — suspended' if member.is_suspended else ''}")
