"""Template helpers for other pages:

    {% load gugus_linkage %}{% if user|can_review_links %}<a href="{% url 'linkage:queue' %}">…</a>{% endif %}
    {% load gugus_linkage %}{% person_cluster person %}   (on the person page: the same person's other records
                                                           and all their cases within the viewer's scope)
"""

from __future__ import annotations

from django import template

from gugus.linkage import access, selectors

register = template.Library()


@register.filter
def can_review_links(user) -> bool:
    return access.can_review(user)


@register.inclusion_tag("linkage/_person_cluster.html", takes_context=True)
def person_cluster(context, person):
    user = context["request"].user
    members = [m for m in selectors.cluster_members(user, person) if m.pk != person.pk]
    participations = list(selectors.cluster_cases(user, person)) if members else []
    return {"person": person, "members": members, "participations": participations,
            "can_review": access.can_review(user), "user": user}
