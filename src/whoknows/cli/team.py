"""`whoknows team …`: a firm or a group pools who-knows-whom on a team server.

cli/main.py registers the group; each module's commands are registered below.

The commands come from three modules, one per side of team mode (docs/team-design.md):
the server host's (`init`, `serve`, `invite`), the member's own machine (`join`, `preview`,
`push`, `pull`, sharing settings) and the firm-wide questions (`who-knows`, `path`, `ask`).
"""

from __future__ import annotations

import typer

from whoknows.cli import (
    team_chapter,
    team_meetings,
    team_member,
    team_power,
    team_reach,
    team_server,
    team_visitors,
)

app = typer.Typer(
    help="Team mode: pool who-knows-whom with a firm or a group, sharing only what you choose.",
    no_args_is_help=True,
)

# The server host's commands (docs/team.md, "Setting up a server").
app.command("init")(team_server.init)
app.command("serve")(team_server.serve)
app.command("invite")(team_server.invite)

# The member's own machine (docs/team.md, "Sharing your network").

app.command("join")(team_member.join)
app.command("share")(team_member.share)
app.command("private")(team_member.private)
app.command("block")(team_member.block)
app.command("preview")(team_member.preview)
app.command("push")(team_member.push)
app.command("pull")(team_member.pull)

# The firm-wide questions (docs/team.md, "Asking the firm").
app.command("who-knows")(team_reach.who_knows)
app.command("path")(team_reach.path)
app.command("ask")(team_reach.ask)
app.command("intros")(team_reach.intros)
app.command("accept")(team_reach.accept)
app.command("decline")(team_reach.decline)
app.command("withdraw")(team_reach.withdraw)

# A chapter's weekly business (docs/team.md, "Chapters").
app.add_typer(team_chapter.slip, name="slip")
app.add_typer(team_chapter.thanks, name="thanks")
app.add_typer(team_chapter.week, name="week")
app.add_typer(team_meetings.one_to_one, name="one-to-one")
app.add_typer(team_meetings.lights, name="lights")
app.command("power-team")(team_power.power_team)
app.add_typer(team_visitors.visitor, name="visitor")
