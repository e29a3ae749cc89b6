import click
from flask.cli import with_appcontext

from yumroad.leaving.services import remove_expired_files


@click.command("remove-expired-files")
@with_appcontext
def remove_expired_files_command() -> None:
    """Remove the files of deleted accounts' products once no buyer may download them (run it daily)."""
    removed = remove_expired_files()
    click.echo(f"Removed {removed} file{'' if removed == 1 else 's'}.")
