"""The member's side of team mode: what leaves this machine, and the team server's client."""
