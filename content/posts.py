"""The suggested post for an anniversary: what a unit can publish on its page as it is.

A post is written in the voice of its kind (a holiday, a founding day, a sector's day, a
historical event, a memorial, a leader's birthday; see content/anniversaries.py), opens
with the entry's sourced summary of what happened where, and speaks for the unit that
receives it. The plan may replace the body or pick another kind's post (`posts:`), and
its official slogans are printed as written, once each.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable
from typing import Any

from content.anniversaries import TUONG_NIEM, Occurrence
from content.catalogues import scope_display_name
from content.dates import format_date_long, format_date_short
from content.i18n import normalize_locale, translator
from content.lunar import can_chi
from content.placeholders import fill_placeholders, occurrence_values
from content.plan import Plan
from content.templating import environment, hashtag, tidy

ZALO_TEXT_LIMIT = 2000  # characters per Zalo message: a suggested post must fit in one

# Templates with a body written for one anniversary; every other key uses its kind's.
# Most of them speak of "N năm", so they need an ordinal; Tết and Giỗ Tổ have none.
SPECIFIC_POSTS = frozenset(
    {"thanh_lap_dang", "giai_phong_mien_nam", "sinh_nhat_bac", "thuong_binh_liet_si", "quoc_khanh"}
)
SPECIFIC_POSTS_WITHOUT_ORDINAL = frozenset({"tet", "gio_to"})
CUSTOM_TEMPLATE = "posts/_custom.txt.j2"


def _short_name(name: str) -> str:
    """A name short enough for a hashtag: no parenthesis, and a long name cut at its
    first " - " or comma ("Ngày Thương binh - Liệt sĩ" is short and stays whole)."""
    name = name.split("(", 1)[0].strip()
    if len(name) > 40:
        name = re.split(r" - |,", name, maxsplit=1)[0].strip()
    return name


def post_hashtags(occurrence: Occurrence, plan: Plan | None = None) -> list[str]:
    tags: list[str] = []
    if occurrence.ordinal is not None:
        tags.append(hashtag(f"{occurrence.anniversary.title_verb} {occurrence.ordinal} năm"))
    tags.append(hashtag(_short_name(occurrence.anniversary.name)))
    if plan is not None and plan.province:
        tags.append(hashtag(scope_display_name(plan.province)))
    elif occurrence.anniversary.scope not in ("national", "plan"):
        tags.append(hashtag(scope_display_name(occurrence.anniversary.scope)))
    return list(dict.fromkeys(tags))


def audience(unit: str | None, plan: Plan | None, locale: str = "vi") -> str:
    """Who the post speaks for: the unit that publishes it; without one (a preview), the
    plan's issuer; without a plan, everyone."""
    _ = translator(locale)
    who = unit or (plan.issuer if plan is not None else "")
    if who:
        return _("cán bộ, công chức, viên chức và người lao động %(unit)s") % {"unit": who}
    return _("cán bộ, đảng viên và Nhân dân")


def is_memorial(occurrence: Occurrence, plan: Plan | None = None) -> bool:
    """A day of mourning: no festive headline, no "chào mừng", a sober banner."""
    override = plan.post_override(occurrence.key) if plan is not None else None
    if override is not None and override.template is not None:
        return override.template == "memorial"
    return occurrence.anniversary.kind == "memorial"


def post_template_name(occurrence: Occurrence, plan: Plan | None = None) -> str:
    override = plan.post_override(occurrence.key) if plan is not None else None
    if override is not None and override.text is not None:
        return CUSTOM_TEMPLATE
    if override is not None and override.template is not None:
        return f"posts/_{override.template}.txt.j2"
    key = occurrence.anniversary.key
    if key in SPECIFIC_POSTS_WITHOUT_ORDINAL or (
        key in SPECIFIC_POSTS and occurrence.ordinal is not None
    ):
        return f"posts/{key}.txt.j2"
    return f"posts/_{occurrence.anniversary.kind}.txt.j2"


def _folded(text: str) -> str:
    """What two slogans are compared on: case, punctuation and spacing aside."""
    return " ".join(re.findall(r"\w+", unicodedata.normalize("NFC", text).casefold()))


def distinct(texts: Iterable[str], already: Iterable[str] = ()) -> list[str]:
    """`texts` without repeats, nor any that says what one of `already` says."""
    seen = {_folded(text) for text in already}
    kept: list[str] = []
    for text in texts:
        folded = _folded(text)
        if folded and folded not in seen:
            seen.add(folded)
            kept.append(text)
    return kept


def own_slogan(occurrence: Occurrence, plan: Plan | None = None, locale: str = "vi") -> str:
    """The post's closing line in a round year when the plan gives no slogan of its own;
    memorial days have none."""
    if occurrence.ordinal is None or occurrence.tier == "regular" or is_memorial(occurrence, plan):
        return ""
    _ = translator(locale)
    return _("Nhiệt liệt chào mừng kỷ niệm %(ordinal)d năm %(name)s!") % {
        "ordinal": occurrence.ordinal,
        "name": occurrence.anniversary.name,
    }


def post_slogans(occurrence: Occurrence, plan: Plan | None = None, locale: str = "vi") -> list[str]:
    """The slogans a post (and its banner) carries: the plan's, as written, once each; or
    else the post's own closing line."""
    official = distinct(plan.slogans_for(occurrence)) if plan is not None else []
    if official:
        return official
    own = own_slogan(occurrence, plan, locale)
    return [own] if own else []


def _custom_body(occurrence: Occurrence, plan: Plan, unit: str | None) -> str:
    override = plan.post_override(occurrence.key)
    assert override is not None and override.text is not None
    values = {**occurrence_values(occurrence), "unit": unit or plan.issuer}
    return fill_placeholders(override.text, values)


def render_post(
    occurrence: Occurrence,
    plan: Plan | None = None,
    locale: str = "vi",
    unit: str | None = None,
) -> str:
    """A post ready to forward to a Facebook or Zalo page for one anniversary occurrence,
    in the name of `unit` (the unit's name; a preview without one speaks for the plan's
    issuer): title, date, body, the slogans, hashtags. Under 2,000 characters (Zalo's
    limit): slogans that would not fit are left out."""
    locale = normalize_locale(locale)
    template_name = post_template_name(occurrence, plan)
    template = environment(locale).get_template(template_name)
    anniversary = occurrence.anniversary
    origin = occurrence.origin
    memorial = is_memorial(occurrence, plan)
    context: dict[str, Any] = {
        "title": occurrence.title,
        "title_inline": occurrence.title_inline,
        "name": anniversary.name,
        "verb": TUONG_NIEM if memorial else anniversary.title_verb,
        "ordinal": occurrence.ordinal,
        "tier": occurrence.tier,
        "round": occurrence.tier in ("round10", "round5"),
        "memorial": memorial,
        "year": occurrence.year,
        "year_name": can_chi(occurrence.year),
        "date": format_date_short(occurrence.date, locale),
        "date_long": format_date_long(occurrence.date, locale),
        "origin": format_date_short(origin, locale) if origin is not None else None,
        "summary": anniversary.summary,
        "chosen_by": anniversary.chosen_by,
        "chosen_day": f"{anniversary.day}/{anniversary.month}",
        "origin_year": anniversary.origin_year,
        "audience": audience(unit, plan, locale),
        "hashtags": post_hashtags(occurrence, plan),
        "body": (
            _custom_body(occurrence, plan, unit)
            if plan is not None and template_name == CUSTOM_TEMPLATE
            else ""
        ),
    }
    slogans = post_slogans(occurrence, plan, locale)
    while True:
        text = tidy(template.render(**context, slogans=slogans))
        if len(text) <= ZALO_TEXT_LIMIT or not slogans:
            break
        slogans.pop()
    if len(text) > ZALO_TEXT_LIMIT:
        text = text[: ZALO_TEXT_LIMIT - 1].rstrip() + "…"
    return text
