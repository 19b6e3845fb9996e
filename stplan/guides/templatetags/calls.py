from django import template

from stplan.guides import calls

register = template.Library()


@register.simple_tag
def call_status(direction):
    """The call status of a 方向, for templates of other apps (the 申报书 header, the workspace)."""
    return calls.direction_status(direction)


@register.simple_tag
def call_batches():
    """Every guide's batches with their status, newest guide first (the workspace)."""
    from stplan.guides.models import Guide

    return [
        status for guide in Guide.objects.prefetch_related("batches") for status in calls.guide_summary(guide)
    ]
