"""The ``commonplace`` operator command. It reads the same settings as the server."""

from __future__ import annotations

import sys
from typing import Annotated
from uuid import UUID

import typer
from rich.console import Console
from rich.table import Table

from domain.access import Role
from domain.errors import DomainError
from infra.bootstrap import Container, build, prepare
from infra.settings import Settings
from services.banner import banner, demo_state

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
    indexer: Annotated[bool, typer.Option(help="Also run the indexer process")] = True,
    access_log: Annotated[bool, typer.Option(help="Log every request")] = True,
) -> None:
    """Serve the API and run the indexer beside it (restarted if it dies); Ctrl-C or SIGTERM
    stops both."""
    import signal

    import uvicorn

    from services.api.app import create_app
    from services.indexer.supervisor import Supervisor

    # uvicorn re-raises the signal it stopped for; as an exception it lets the `finally` run.
    signal.signal(signal.SIGTERM, _exit_on_signal)
    overrides = {k: v for k, v in (("host", host), ("port", port)) if v is not None}
    settings = Settings(**overrides)  # type: ignore[arg-type]
    built = build(settings)
    supervisor = Supervisor(built.coordination) if indexer else None
    try:
        head_before = built.archive.head
        prepare(built)
        if supervisor is not None:
            supervisor.start()
        for line in banner(settings, demo_state(settings, head_before)):
            typer.echo(line)
        sys.stdout.flush()  # before uvicorn's own lines, also when stdout is a file
        app = create_app(container=built)
        uvicorn.run(app, host=settings.host, port=settings.port, access_log=access_log)
    finally:
        signal.signal(signal.SIGTERM, signal.SIG_IGN)  # a second SIGTERM must not cut this short
        if supervisor is not None:
            supervisor.stop()


def _exit_on_signal(signum: int, frame: object) -> None:
    raise SystemExit(128 + signum)


@app.command("indexer")
def run_indexer_command() -> None:
    """Run the indexer: follow the log and keep the search index current."""
    from services.indexer.main import run_indexer

    run_indexer()


@app.command()
def reindex() -> None:
    """Rebuild the search index from the whole log, then swap it in; search stays up."""
    from rich.progress import Progress

    from services.indexer.rebuild import rebuild

    with container() as built, Progress(console=console) as progress:
        task = progress.add_task("Reading the log", total=None)

        def advance(done: int, total: int) -> None:
            progress.update(task, completed=done, total=total)

        report = rebuild(built.archive, built.search, built.coordination, progress=advance)
    rate = report.documents / report.seconds if report.seconds else 0.0
    console.print(
        f"Rebuilt: {report.documents} documents up to position {report.position} "
        f"in {report.seconds:.2f}s ({rate:,.0f}/s)."
    )


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
    email: Annotated[
        str | None, typer.Option(help="Where this principal's notifications are emailed")
    ] = None,
) -> None:
    """Create a token and print it once."""
    with container() as built:
        try:
            token, token_id = built.archive.tokens.issue(role.value, name, email=email)
        except DomainError as error:
            raise typer.BadParameter(error.detail) from None
    console.print(f"Token for {name} ({role.value}), id {token_id}. It is shown only now:")
    typer.echo(token)


@tokens_app.command("list")
def tokens_list() -> None:
    """List tokens (never the tokens themselves)."""
    table = Table("id", "name", "role", "issued", "revoked")
    with container() as built:
        for record in built.archive.tokens.issued():
            table.add_row(
                record["id"],
                record["name"],
                record["role"],
                record["issued_at"].isoformat(timespec="seconds"),
                "yes" if record["revoked"] else "",
            )
    console.print(table)


@tokens_app.command("revoke")
def tokens_revoke(token_id: Annotated[str, typer.Argument(help="The token's id")]) -> None:
    """Revoke a token; requests with it are refused from now on."""
    with container() as built:
        try:
            built.archive.tokens.revoke(UUID(token_id))
        except (ValueError, DomainError):
            console.print(f"No token with id {token_id}.")
            raise typer.Exit(1) from None
    console.print(f"Revoked {token_id}.")


media_app = typer.Typer(help="Media files in object storage.", no_args_is_help=True)
app.add_typer(media_app, name="media")


@media_app.command("gc")
def media_gc(
    delete: Annotated[bool, typer.Option("--delete", help="Remove what is reported")] = False,
) -> None:
    """Report (and with --delete remove) stored bytes that no event refers to any more."""
    with container() as built:
        garbage = built.media.garbage()
        for key in garbage:
            console.print(key)
            if delete:
                built.media.store.delete(key)
    verb = "Removed" if delete else "Unreferenced"
    console.print(f"{verb}: {len(garbage)} object(s).")


def main() -> None:
    app()
