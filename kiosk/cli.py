"""``flask --app kiosk …`` commands for administrators at the command line."""
import click
from flask import current_app

from .db import db


def init_app(app):
    app.cli.add_command(create_admin)
    app.cli.add_command(deactivate_admin)
    app.cli.add_command(demo)


@click.command("create-admin")
@click.argument("username")
@click.option("--password", prompt=True, hide_input=True, confirmation_prompt=True,
              help="The password (asked for when not given).")
@click.option("--name", "display_name", default="", help="Name shown in the audit log.")
def create_admin(username, password, display_name):
    """Create an administrator, or set the password of an existing one."""
    from .admin.auth import hash_password
    from .models import AdminUser
    if len(password) < 8:
        raise click.BadParameter("use at least 8 characters", param_hint="--password")
    with db.connection_context(), db.atomic():
        user = AdminUser.get_or_none(AdminUser.username == username)
        if user is None:
            AdminUser.create(username=username, display_name=display_name or username,
                             password_hash=hash_password(password))
            click.echo(f"Created administrator {username}.")
        else:
            user.active = True
            user.set_password_hash(hash_password(password))  # ends their open sessions
            click.echo(f"Set a new password for {username}.")


@click.command("deactivate-admin")
@click.argument("username")
def deactivate_admin(username):
    """Deactivate an administrator: they can no longer log in, and their open sessions end."""
    from .models import AdminUser
    with db.connection_context(), db.atomic():
        user = AdminUser.get_or_none(AdminUser.username == username)
        if user is None:
            raise click.BadParameter(f"no administrator named {username}", param_hint="USERNAME")
        user.deactivate()
    click.echo(f"Deactivated {username}.")


@click.group("demo")
def demo():
    """Demo data: a believable enterprise for trying the kiosk."""


@demo.command("load")
@click.option("--if-empty", is_flag=True, help="Do nothing when the database is set up already.")
@click.option("--members", default=120, show_default=True, help="How many members.")
def demo_load(if_empty, members):
    """Fill the database with demo workshops, teams, members and an admin."""
    from . import demo_data
    with db.connection_context():
        if if_empty and not demo_data.is_empty():
            click.echo("The database is set up already: demo data not loaded.")
            return
        password = demo_data.load(current_app, members=members)
    what = "central's links" if current_app.config["KIOSK_ROLE"] == "central" else f"{members} members"
    click.echo(f"Demo data loaded: {what}. Admin login: {demo_data.DEMO_ADMIN} / {password}")


@demo.command("reset")
@click.confirmation_option(prompt="This deletes every row in the database. Go on?")
@click.option("--members", default=120, show_default=True)
def demo_reset(members):
    """Empty the database and load the demo data again."""
    from . import demo_data
    with db.connection_context():
        demo_data.clear()
        password = demo_data.load(current_app, members=members)
    click.echo(f"Demo data reset. Admin login: {demo_data.DEMO_ADMIN} / {password}")


@demo.command("login")
def demo_login():
    """Print the demo administrator's login, if the demo admin exists."""
    from . import demo_data
    password = demo_data.demo_password(current_app)
    if password:
        click.echo(f"{demo_data.DEMO_ADMIN} / {password}")
