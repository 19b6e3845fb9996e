"""学科领域: the two-level discipline list that applications name and experts are matched by.

Below both applications and review, which each point at it, and importing neither."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class FieldOfStudy(models.Model):
    """学科领域, two levels, maintained by the bureau."""

    code = models.CharField(_("代码"), max_length=20, unique=True)
    name = models.CharField(_("名称"), max_length=100)
    parent = models.ForeignKey(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="children",
        verbose_name=_("上级领域"),
    )

    class Meta:
        verbose_name = _("学科领域")
        verbose_name_plural = _("学科领域")
        ordering = ["code"]

    def __str__(self) -> str:
        return f"{self.parent.name} / {self.name}" if self.parent_id else self.name
