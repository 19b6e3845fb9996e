from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ProjectsConfig(AppConfig):
    name = "stplan.projects"
    verbose_name = _("项目管理")

    def ready(self):
        from stplan.projects import predicates  # noqa: F401  (registers the permissions)
