"""`whoknows team …`: a firm or a group pools who-knows-whom on a team server.

cli/main.py registers the group once it has its first command.

The commands come from three modules, one per side of team mode (docs/team-design.md):
the server host's (`init`, `serve`, `invite`), the member's own machine (`join`, `preview`,
`push`, `pull`, sharing settings) and the firm-wide questions (`who-knows`, `path`, `ask`).
"""

from __future__ import annotations

import typer

app = typer.Typer(
    help="Team mode: pool who-knows-whom with a firm or a group, sharing only what you choose.",
    no_args_is_help=True,
)
