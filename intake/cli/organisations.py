"""`intake org ...`: the organisations a host serves. The group is defined here; its
subcommands live in the modules that own their subject and are added in ``ORG_COMMANDS``
order by ``intake.cli``."""

from __future__ import annotations

import click

org_group = click.Group("org", help="The organisations this installation serves.")

COMMANDS = (org_group,)
