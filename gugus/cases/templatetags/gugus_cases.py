"""Labels of vocabulary codes and stages in the active language."""

from django import template
from django.utils.translation import get_language

from gugus.cases.stages import load_stages
from gugus.cases.vocabularies import vocabulary

register = template.Library()


def _lang() -> str:
    return "en" if (get_language() or "id").startswith("en") else "id"


@register.filter
def vocab(code, name):
    """``{{ code|vocab:"exploitation_types" }}``; a list of codes gives comma-separated labels."""
    if not code:
        return ""
    codes = code if isinstance(code, list | tuple) else [code]
    words = vocabulary(name)
    return ", ".join(words.label(c, _lang()) if c in words.codes else c for c in codes)


@register.filter
def stage_label(code):
    stage = load_stages().get(code) if code else None
    return stage.label(_lang()) if stage else (code or "")


@register.filter
def lang_text(mapping, key: str = ""):
    """Picks the active language's text from an assessment's reason/article dicts."""
    if not isinstance(mapping, dict):
        return mapping
    lang = _lang()
    return mapping.get(f"{key}{'_' if key else ''}{lang}") or mapping.get(lang) or mapping.get(key) or ""
