"""Each role's face of the proposal pages (the host edits, the centre lists city-wide, an
assigned expert only reads)."""

from dataclasses import dataclass

from portal.high_skill import HOST_BLUEPRINTS
from portal.web.routes import RoleView


@dataclass(frozen=True)
class ProposalView(RoleView):
    title: str = "我的研修项目"
    hosts: bool = False  # the host: new, edit, submit, withdraw
    city_wide: bool = False  # the centre: every host, filters by year, state and call


VIEWS = {
    **{name: ProposalView(blueprint=name, hosts=True) for name in HOST_BLUEPRINTS},
    "center": ProposalView(blueprint="center", title="研修项目实施方案（全市）", city_wide=True),
    "expert": ProposalView(blueprint="expert", title="评审的实施方案"),
}
