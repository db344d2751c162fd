"""The expert's home page: the list of their assignments, to score first (HS-W3)."""

from portal.blueprints.expert.blueprint import bp
from portal.high_skill.review import expert_pages

bp.add_url_rule("/", "home", expert_pages.assignment_list)
