"""Programme (培训项目) pages of this role."""

from portal.blueprints.district import bp  # noqa: F401


@bp.get("/programmes")
def programmes():
    return "programmes: under construction"
