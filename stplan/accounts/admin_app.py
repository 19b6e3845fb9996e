from django.contrib.admin.apps import AdminConfig


class VerifiedAdminConfig(AdminConfig):
    """Django's admin on a site that asks for 两步验证; the site is imported once models are."""

    default_site = "stplan.accounts.admin_site.VerifiedAdminSite"
