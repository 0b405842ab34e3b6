"""The ``commonplace`` operator command. It reads the same settings as the server."""

from __future__ import annotations

from typing import Annotated
from uuid import UUID

import typer
from rich.console import Console
from rich.table import Table

from domain.access import Role
from domain.errors import DomainError
from infra.bootstrap import Container, build, prepare
from infra.settings import Settings

app = typer.Typer(help="Run and look after a Commonplace archive.", no_args_is_help=True)
demo_app = typer.Typer(help="The demo archive.", no_args_is_help=True)
tokens_app = typer.Typer(
    help="Access tokens (shown once, stored only as hashes).", no_args_is_help=True
)
app.add_typer(demo_app, name="demo")
app.add_typer(tokens_app, name="tokens")
console = Console()


def container() -> Container:
    return build(Settings())


@app.command()
def serve(
    host: Annotated[str | None, typer.Option(help="Interface to listen on")] = None,
    port: Annotated[int | None, typer.Option(help="Port to listen on")] = None,
) -> None:
    """Serve the API (loads the demo archive into an empty store first)."""
    import uvicorn

    from services.api.app import create_app

    settings = Settings()
    built = build(settings)
    prepare(built)
    console.print(f"Commonplace on http://{host or settings.host}:{port or settings.port}")
    uvicorn.run(create_app(container=built), host=host or settings.host, port=port or settings.port)


@demo_app.command("load")
def demo_load() -> None:
    """Load the demo archive (loading it twice adds nothing)."""
    from infra.demo import load_demo

    with container() as built:
        counts = load_demo(built.archive)
    console.print("Demo archive loaded: " + ", ".join(f"{v} {k}" for k, v in counts.items()))


@tokens_app.command("create")
def tokens_create(
    role: Annotated[Role, typer.Option(help="member, partner, editor or admin")],
    name: Annotated[str, typer.Option(help="Whose token this is")],
) -> None:
    """Create a token and print it once."""
    with container() as built:
        try:
            token, token_id = built.archive.issue_token(role.value, name)
        except DomainError as error:
            raise typer.BadParameter(error.detail) from None
    console.print(f"Token for {name} ({role.value}), id {token_id}. It is shown only now:")
    typer.echo(token)


@tokens_app.command("list")
def tokens_list() -> None:
    """List tokens (never the tokens themselves)."""
    table = Table("id", "name", "role", "issued", "revoked")
    with container() as built:
        for record in built.archive.list_tokens():
            table.add_row(
                record["id"], record["name"], record["role"],
                record["issued_at"].isoformat(timespec="seconds"),
                "yes" if record["revoked"] else "",
            )  # fmt: skip
    console.print(table)


@tokens_app.command("revoke")
def tokens_revoke(token_id: Annotated[str, typer.Argument(help="The token's id")]) -> None:
    """Revoke a token; requests with it are refused from now on."""
    with container() as built:
        try:
            built.archive.revoke_token(UUID(token_id))
        except (ValueError, DomainError):
            console.print(f"No token with id {token_id}.")
            raise typer.Exit(1) from None
    console.print(f"Revoked {token_id}.")


def main() -> None:
    app()
