"""Scoped reads of the migrants room. Departures are scoped like cases (``accounts.scope.scoped``); the
troubled and deceased workers are cases, read through ``cases.selectors``. Links from a recruiter's phone
to other records start from what the viewer may see — a case outside their scope is never mentioned, not
even as "a match exists"."""

from __future__ import annotations

from dataclasses import dataclass, field

from django.db.models import Q, QuerySet

from gugus.accounts.scope import access_basis, scoped
from gugus.audit.actions import record_event
from gugus.cases.models import Case, CaseKind, CaseOrganisation, Participant, PersonIdentifier
from gugus.cases.selectors import cases_visible_to, get_case
from gugus.core.errors import NotFound
from gugus.migrants import vocab
from gugus.migrants.models import DeceasedWorker, PreventedDeparture, RecruiterContact, TroubledWorker


def departures_visible_to(user) -> QuerySet[PreventedDeparture]:
    base = PreventedDeparture.objects.select_related("person", "destination", "owner_agency", "case")
    return scoped(base, user, object_type=PreventedDeparture.OBJECT_TYPE, capability="person.view")


def _pk(value) -> int:
    try:
        return int(value)
    except (TypeError, ValueError):
        raise NotFound() from None


def get_departure(user, pk, *, purpose: str = "view") -> PreventedDeparture:
    """One departure; the read names the traveller, so it is recorded. Missing and out of scope look alike."""
    departure = departures_visible_to(user).filter(pk=_pk(pk)).first()
    if departure is None:
        raise NotFound()
    grant = access_basis(user, object_type=PreventedDeparture.OBJECT_TYPE, object_id=departure.pk,
                         region_code=departure.scope_code, owner_agency_id=departure.owner_agency_id)
    emergency = grant is not None and grant.kind == grant.Kind.BREAK_GLASS
    record_event(actor=user, action=f"migrants.departure.{purpose}", object_type=PreventedDeparture.OBJECT_TYPE,
                 object_id=departure.pk, break_glass=emergency, reason=grant.reason if emergency else "",
                 data={"persons": [departure.person_id], **({"via": grant.kind} if grant else {})})
    return departure


def list_departures(user, *, q: str = "", exit_point: str = "", destination: str = "") -> QuerySet[PreventedDeparture]:
    qs = departures_visible_to(user)
    if exit_point:
        qs = qs.filter(exit_point=exit_point)
    if destination:
        qs = qs.filter(destination_id=destination.upper())
    if q.strip():
        text = q.strip()
        qs = qs.filter(Q(reference__icontains=text) | Q(agency_name__icontains=text)
                       | Q(recruiter_name__icontains=text))
    return qs


def record_list_read(user, departures) -> None:
    ids = [d.pk for d in departures]
    if ids:
        record_event(actor=user, action="migrants.departure.list", object_type=PreventedDeparture.OBJECT_TYPE,
                     data={"ids": ids, "persons": sorted({d.person_id for d in departures})})


def screening(departure: PreventedDeparture) -> dict:
    """The stored screening for the page: outcome and reasons in the active language."""
    if not departure.result:
        return {}
    lang = vocab.lang()
    result = departure.result
    reasons = [r.get(lang) or r.get("en", "") for r in result.get("reasons", [])]
    label = (result.get("outcome_label") or {}).get(lang, departure.outcome)
    return {"outcome": departure.outcome, "outcome_label": label,
            "reasons": reasons, "rules_version": departure.rules_version, "child_rule": departure.child_rule,
            "suggests_tppo": departure.outcome in vocab.rules()["suggest_tppo_outcomes"]}


# --- the recruiter's other appearances --------------------------------------------------------------------------

@dataclass
class CaseLink:
    case: Case
    kinds: list[str]
    role: str
    role_label: str


@dataclass
class RecruiterLinks:
    cases: list[CaseLink] = field(default_factory=list)
    departures: list[tuple[PreventedDeparture, list[str]]] = field(default_factory=list)
    posts: list[tuple[object, list[str]]] = field(default_factory=list)
    organisations: list[CaseOrganisation] = field(default_factory=list)
    show_posts: bool = False

    @property
    def any(self) -> bool:
        return bool(self.cases or self.departures or self.posts or self.organisations)


def _watch_contacts():
    """gugus.watch's post contacts (same blind index), when that room is installed."""
    try:
        from gugus.watch import access
        from gugus.watch.models import PostContact
    except ImportError:  # pragma: no cover - the watch room is part of Gugus, but optional here
        return None, None
    return access, PostContact


def recruiter_links(user, departure: PreventedDeparture, *, record: bool = True, limit: int = 50) -> RecruiterLinks:
    """Where else the recruiter's phones and accounts appear: persons in cases the user may see (through
    ``PersonIdentifier``'s blind index), other departures the user may see, job posts (for users of the
    watch), and case organisations with the same licence number. The case links are recorded as a read."""
    links = RecruiterLinks()
    contacts = list(departure.contacts.values_list("kind", "index"))
    if contacts:
        q = Q()
        for kind, index in contacts:
            q |= Q(kind=kind, index=index)
        kinds_of: dict[int, set[str]] = {}
        for pid, kind in PersonIdentifier.objects.filter(q).values_list("person_id", "kind"):
            kinds_of.setdefault(pid, set()).add(kind)
        if kinds_of:
            participants = (Participant.objects.filter(person_id__in=list(kinds_of),
                                                       case__in=cases_visible_to(user).values("pk"))
                            .exclude(person_id=departure.person_id)
                            .select_related("case").order_by("case__reference", "role")[:limit])
            for p in participants:
                links.cases.append(CaseLink(case=p.case, kinds=sorted(kinds_of[p.person_id]), role=p.role,
                                            role_label=p.get_role_display()))
        shared: dict[int, set[str]] = {}
        for dep_id, kind in (RecruiterContact.objects.filter(q).exclude(departure_id=departure.pk)
                             .values_list("departure_id", "kind")):
            shared.setdefault(dep_id, set()).add(kind)
        if shared:
            others = departures_visible_to(user).filter(pk__in=list(shared)).order_by("-occurred_on")[:limit]
            links.departures = [(d, sorted(shared[d.pk])) for d in others]
        access, post_contact = _watch_contacts()
        if access is not None and access.can_view(user):
            links.show_posts = True
            post_kinds: dict[int, set[str]] = {}
            for post_id, kind in post_contact.objects.filter(q).values_list("post_id", "kind")[: limit * 4]:
                post_kinds.setdefault(post_id, set()).add(kind)
            if post_kinds:
                from gugus.watch.models import JobPost

                posts = JobPost.objects.filter(pk__in=list(post_kinds)).defer("sketch").order_by("-risk", "-id")
                links.posts = [(p, sorted(post_kinds[p.pk])) for p in posts[:limit]]
    licence = "".join(departure.agency_licence.split()).upper()
    if licence:
        orgs = CaseOrganisation.objects.filter(case__in=cases_visible_to(user).values("pk")).exclude(
            licence_number="").select_related("case")
        if departure.case_id:
            orgs = orgs.exclude(case_id=departure.case_id)
        links.organisations = [o for o in orgs.filter(licence_number__icontains=licence[:40])[:limit]]
    if record and (links.cases or links.organisations):
        record_event(actor=user, action="migrants.recruiter_link_view", object_type=PreventedDeparture.OBJECT_TYPE,
                     object_id=departure.pk,
                     data={"cases": sorted({c.case.pk for c in links.cases}
                                           | {o.case_id for o in links.organisations})})
    return links


# --- troubled and deceased workers ----------------------------------------------------------------------------

def migrant_cases(user, kind: str) -> QuerySet[Case]:
    qs = cases_visible_to(user).filter(kind=kind)
    if kind == CaseKind.TROUBLED_WORKER:
        return qs.select_related("troubled_worker", "troubled_worker__country", "troubled_worker__mission")
    if kind == CaseKind.DECEASED_WORKER:
        return qs.select_related("deceased_worker", "deceased_worker__country", "deceased_worker__mission")
    return qs


def get_migrant_case(user, pk, *, purpose: str = "view") -> tuple[Case, TroubledWorker | None, DeceasedWorker | None]:
    """A case with this room's details (either may be missing, e.g. a re-classified case keeps its
    details; a trafficking case without details has none). The read is recorded by ``get_case``."""
    case = get_case(user, pk, purpose=purpose)
    troubled = TroubledWorker.objects.select_related("country", "mission", "worker__person").filter(case=case).first()
    deceased = (DeceasedWorker.objects.select_related("country", "mission", "home_region", "deceased__person")
                .filter(case=case).first())
    return case, troubled, deceased


def get_claim(user, pk):
    from gugus.migrants.models import RightsClaim

    claim = (RightsClaim.objects.filter(pk=_pk(pk), case__in=cases_visible_to(user).values("pk"))
             .select_related("case").first())
    if claim is None:
        raise NotFound()
    return claim


# --- figures ----------------------------------------------------------------------------------------------------
#
# Counts go through gugus.stats.privacy.protect, the project's one suppression rule: a count about a region
# outside the viewer's jurisdiction is shown only from k (11) up, with complementary suppression in tables
# that add up. A count by region describes that region; a count by country, checkpoint or recruiter
# describes the area the page is filtered to (by default the viewer's own jurisdiction).

FIGURE_KINDS = ("trafficking", "troubled_worker", "deceased_worker", "departure")


@dataclass
class FigureTable:
    title: str
    columns: list[tuple[str, str]]  # (kind, label)
    rows: list[tuple[str, list]]  # (label, protected cells in column order)
    totals: list


def _figure_bases(user):
    from gugus.migrants.models import PreventedDeparture as Dep

    if user.is_authenticated and user.can("stats.view"):
        case_qs = scoped(Case.objects.all(), user, object_type=Case.OBJECT_TYPE, capability="stats.view")
        dep_qs = scoped(Dep.objects.all(), user, object_type=Dep.OBJECT_TYPE, capability="stats.view")
        return case_qs, dep_qs
    return cases_visible_to(user), departures_visible_to(user)


def figure_area(user, requested: str = "") -> str:
    """The area the figures describe: the requested region code, else the viewer's jurisdiction."""
    from gugus.regions.models import Region

    code = (requested or "").strip()
    if code and Region.objects.filter(code=code).exists():
        return code
    return user.jurisdiction or ""


def _records(user, area: str):
    """(kind, scope_code, country code or "") for every record behind the figures."""
    from gugus.cases.models import TraffickingEvent
    from gugus.regions.selectors import descendants_q

    case_qs, dep_qs = _figure_bases(user)
    if area:
        case_qs, dep_qs = case_qs.filter(descendants_q(area, "scope_code")), dep_qs.filter(
            descendants_q(area, "scope_code"))
    rows = []
    cases = list(case_qs.values_list("pk", "kind", "scope_code", "troubled_worker__country_id",
                                     "deceased_worker__country_id"))
    abroad: dict[int, str] = {}
    trafficking_ids = [pk for pk, kind, *_rest in cases if kind == CaseKind.TRAFFICKING]
    events = (TraffickingEvent.objects.filter(case_id__in=trafficking_ids, country__isnull=False)
              .exclude(country_id="ID").order_by("event_type", "date", "id").values_list("case_id", "event_type",
                                                                                          "country_id"))
    for case_id, _event_type, country in events:  # "Exploitation" sorts first: its country, else any abroad
        abroad.setdefault(case_id, country)
    for pk, kind, scope, troubled_country, deceased_country in cases:
        country = {CaseKind.TROUBLED_WORKER: troubled_country,
                   CaseKind.DECEASED_WORKER: deceased_country}.get(kind) or abroad.get(pk) or ""
        rows.append((kind, scope, country))
    for scope, country in dep_qs.values_list("scope_code", "destination_id"):
        rows.append(("departure", scope, country or ""))
    return rows


def _kind_labels() -> list[tuple[str, str]]:
    from django.utils.translation import gettext as _

    return [("trafficking", _("Trafficking (TPPO)")), ("troubled_worker", _("Migrant workers in trouble")),
            ("deceased_worker", _("Deceased migrant workers")), ("departure", _("Prevented departures"))]


def _table(title: str, keys: list[tuple[str, str, str]], counts: dict, area: str, audience, *,
           columns=None, additive: bool = True) -> FigureTable:
    """keys: (key, label, region the cell describes). counts[(column, key)] = n. Each column is one
    breakdown protected on its own (its cells add up to its total)."""
    from gugus.stats.privacy import Breakdown, Cell, protect

    columns = columns or _kind_labels()
    protected = []
    for kind, label in columns:
        cells = [Cell(key=k, label=lab, count=counts.get((kind, k), 0), region=region) for k, lab, region in keys]
        total = Cell(key="total", label="", count=sum(c.count for c in cells), region=area)
        protected.append(protect(Breakdown(name=f"{title}:{kind}", title=label, cells=cells, total=total,
                                           additive=additive), audience))
    rows = [(lab, [b.cells[i] for b in protected]) for i, (_k, lab, _r) in enumerate(keys)]
    return FigureTable(title=title, columns=list(columns), rows=rows, totals=[b.total for b in protected])


def figures(user, *, region: str = "") -> dict:
    """Per region and per destination country for the three migrant kinds beside trafficking; for
    prevented departures also per checkpoint, per screening outcome and per recruiter."""
    from collections import Counter

    from django.utils.translation import gettext as _

    from gugus.regions.models import Country, Region
    from gugus.stats.privacy import audience_for

    area = figure_area(user, region)
    audience = audience_for(user)
    records = _records(user, area)
    level = 0 if not area else area.count(".") + 1

    def sub(scope: str) -> str:
        parts = (scope or "").split(".")
        return ".".join(parts[: level + 1]) if scope and len(parts) > level else (scope or "")

    by_region = Counter((kind, sub(scope)) for kind, scope, _c in records)
    region_keys = sorted({k for _kind, k in by_region})
    names = dict(Region.objects.filter(code__in=[k for k in region_keys if k]).values_list("code", "name"))
    regions = _table(_("By region"), [(k, f"{names.get(k, k or _('National'))} ({k})" if k else _("National"),
                                       k or area) for k in region_keys], by_region, area, audience)

    by_country = Counter((kind, country or "-") for kind, _s, country in records)
    country_keys = sorted({k for _kind, k in by_country})
    lang = vocab.lang()
    cnames = {c.code: (c.name_en if lang == "en" else c.name_id)
              for c in Country.objects.filter(code__in=country_keys)}
    countries = _table(_("By destination country"), [(k, cnames.get(k, _("Unknown")), area) for k in country_keys],
                       by_country, area, audience)
    return {"area": area, "area_name": names.get(area) or Region.objects.filter(code=area).values_list(
        "name", flat=True).first() or _("All Indonesia"), "regions": regions, "countries": countries,
            **departure_figures(user, area, audience)}


def departure_figures(user, area: str, audience) -> dict:
    from collections import Counter

    from django.utils.translation import gettext as _

    from gugus.regions.selectors import descendants_q

    _cases, dep_qs = _figure_bases(user)
    if area:
        dep_qs = dep_qs.filter(descendants_q(area, "scope_code"))
    rows = list(dep_qs.values_list("pk", "exit_point", "outcome", "recruiter_name", "agency_name", "occurred_on"))
    column = [("departure", _("Prevented departures"))]
    ports = Counter(("departure", p) for _pk, p, *_r in rows)
    port_table = _table(_("By checkpoint"), [(k, vocab.label("exit_points", k), area) for _d, k in sorted(ports)],
                        ports, area, audience, columns=column)
    outcomes = Counter(("departure", o or "-") for _pk, _p, o, *_r in rows)
    from gugus.cases.identification import load_rules

    labels = {code: o[vocab.lang()] for code, o in load_rules().outcomes.items()}
    outcome_table = _table(_("By screening outcome"), [(k, labels.get(k, "—"), area) for _d, k in sorted(outcomes)],
                           outcomes, area, audience, columns=column)
    # Recruiters: grouped by the first phone (or account) index, else by the agency's or recruiter's name.
    first_contact: dict[int, str] = {}
    for dep_id, index in (RecruiterContact.objects.filter(departure_id__in=[r[0] for r in rows])
                          .order_by("kind", "id").values_list("departure_id", "index")):
        first_contact.setdefault(dep_id, index)
    groups: dict[str, list] = {}
    for pk, _p, _o, recruiter, agency, day in rows:
        key = first_contact.get(pk) or (agency or recruiter).lower()
        if key:
            groups.setdefault(key, []).append((day, recruiter, agency))
    names_visible = user.can("person.view")
    top = sorted(groups.items(), key=lambda kv: (-len(kv[1]), kv[0]))[: vocab.rules()["top_recruiters"]]
    keys = []
    for n, (key, items) in enumerate(top, 1):
        _day, recruiter, agency = max(items, key=lambda item: item[0])
        shown = " · ".join(x for x in ((recruiter if names_visible else ""), agency) if x)
        keys.append((key, shown or _("Recruiter %(n)s") % {"n": n}, area))
    counts = Counter()
    for key, items in top:
        counts[("departure", key)] = len(items)
    recruiter_table = _table(_("By recruiter (most frequent)"), keys, counts, area, audience, columns=column,
                             additive=False)
    return {"ports": port_table, "outcomes": outcome_table, "recruiters": recruiter_table}
