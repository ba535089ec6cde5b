"""Land-clearance projects as records that campaigns and plans may link to."""

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from danvan.clearance.selectors import project_list
from danvan.core.links import LinkType, register


def _visible(user):
    return project_list(user).order_by("-year", "search_name", "id")


register(
    LinkType(
        key="clearance.project",
        label=_("Land-clearance project"),
        visible=_visible,
        title=lambda project: f"{project.code} · {project.name}",
        url=lambda project: reverse("clearance:project-detail", args=[project.pk]),
        status=lambda project: project.get_status_display(),
        detail=lambda project: f"{project.territory.name} · {project.year}",
    )
)
