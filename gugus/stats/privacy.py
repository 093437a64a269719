"""The one place where statistics are made safe to show. Every dashboard, export, report and public figure
is built from :class:`Breakdown` objects that went through :func:`protect`.

The rules (plain words in docs/stats.md):

1. A count is *owned* by the viewer when the region it describes lies inside the viewer's jurisdiction
   (a national office owns everything; a kab/kota office owns its kab/kota; the public owns nothing).
   Owned counts are shown exactly.
2. A count that is not owned and is below k (default 11, CTDC's k; ``data/privacy.toml`` or the setting
   ``GUGUS_STATS_K``), zero included, is shown as "<11".
3. Complementary suppression: in a breakdown whose cells add up to its total, a single suppressed cell
   could be recovered by subtraction, so the smallest other cell that is not owned is suppressed too (or,
   if there is none, the total).
4. Amounts (restitution) and medians are shown only where the number of records behind them is shown.
5. The public owns nothing, so it sees suppressed counts, and the counts it does see are rounded to the
   nearest multiple of 5 (never to a number below k: 11 and 12 become 15); optionally, Laplace noise with a
   documented privacy budget is added first.
"""

from __future__ import annotations

import hashlib
import hmac
import math
import zlib
from dataclasses import dataclass, field, replace

import numpy as np
from django.conf import settings

from gugus.regions.models import is_inside
from gugus.stats import config


@dataclass(frozen=True)
class Audience:
    """Who is looking. ``jurisdiction``: "" all Indonesia, a region code, or None (nothing owned)."""

    jurisdiction: str | None
    public: bool = False
    epsilon: float = 0.0
    seed: int | None = None

    def owns(self, region_code: str) -> bool:
        if self.public or self.jurisdiction is None:
            return False
        if self.jurisdiction == "":
            return True
        return bool(region_code) and is_inside(region_code, self.jurisdiction)


PUBLIC = Audience(jurisdiction=None, public=True)


def audience_for(user) -> Audience:
    if user is None or not user.is_authenticated:
        return PUBLIC
    return Audience(jurisdiction=user.jurisdiction)


PUBLIC_TABLES = 20  # tables on a public dashboard: key figures, 13 breakdowns, funnel, map, 4 trends


def public_audience(*, epsilon: float | None = None, seed: int | None = None) -> Audience:
    """The public. ``epsilon`` is the budget of one release, split evenly over the page's tables."""
    eps = config.public_epsilon() if epsilon is None else epsilon
    return Audience(jurisdiction=None, public=True, epsilon=eps / PUBLIC_TABLES, seed=seed)


def release_seed(*parts: str) -> int:
    """A seed fixed for one release (e.g. region, period, day), so reloading does not draw new noise."""
    digest = hmac.new(settings.SECRET_KEY.encode(), "|".join(parts).encode(), hashlib.sha256).digest()
    return int.from_bytes(digest[:8], "big")


@dataclass
class Cell:
    """One figure. ``shown`` is what may leave the server (None when suppressed); ``count`` never does."""

    key: str
    label: str
    count: int
    region: str = ""
    amount: int | None = None
    shown: int | None = None
    shown_amount: int | None = None
    suppressed: bool = False
    owned: bool = False
    link: str = ""

    @property
    def display(self) -> str:
        if self.suppressed or self.shown is None:
            return f"<{config.threshold()}"
        return f"{self.shown:,}".replace(",", ".")

    @property
    def display_amount(self) -> str:
        if self.shown_amount is None:
            return "—"
        return "Rp " + f"{self.shown_amount:,}".replace(",", ".")


@dataclass
class Breakdown:
    name: str
    title: str
    cells: list[Cell]
    total: Cell | None = None
    additive: bool = False  # the cells partition the total
    extra: dict = field(default_factory=dict)
    protected: bool = False


def protect(breakdown: Breakdown, audience: Audience, *, rng: np.random.Generator | None = None) -> Breakdown:
    """Applies the rules above to a breakdown; returns a new, protected breakdown."""
    k = config.threshold()
    cells = [replace(c) for c in breakdown.cells]
    total = replace(breakdown.total) if breakdown.total else None
    everything = cells + ([total] if total else [])
    noise = audience.public and audience.epsilon > 0
    if noise and rng is None:
        seed = None if audience.seed is None else [audience.seed, zlib.crc32(breakdown.name.encode())]
        rng = np.random.default_rng(seed)
    for cell in everything:
        cell.owned = audience.owns(cell.region)
        value = cell.count
        if noise:
            value = max(0, int(round(value + rng.laplace(0.0, 1.0 / audience.epsilon))))
        cell.suppressed = not cell.owned and value < k
        cell.shown = None if cell.suppressed else value
    if breakdown.additive and total and not total.suppressed:
        _complement(cells, total)
    for cell in everything:
        if cell.suppressed:
            cell.shown = None
        elif audience.public:
            base = config.public_round_base()
            # nearest multiple of the base, but never a number below k (11 and 12 are shown as 15)
            cell.shown = max(int(base * math.floor(cell.shown / base + 0.5)), base * math.ceil(k / base))
        cell.shown_amount = None if (cell.suppressed or cell.amount is None) else cell.amount
    return Breakdown(name=breakdown.name, title=breakdown.title, cells=cells, total=total,
                     additive=breakdown.additive, extra=dict(breakdown.extra), protected=True)


def _complement(cells: list[Cell], total: Cell) -> None:
    suppressed = [c for c in cells if c.suppressed]
    if len(suppressed) != 1:
        return
    candidates = sorted((c for c in cells if not c.suppressed and not c.owned), key=lambda c: (c.count, c.key))
    if candidates:
        candidates[0].suppressed = True
    else:
        total.suppressed = True


def protect_statistic(value, *, n_shown: int | None):
    """A statistic over records (a median, an amount) is shown only when their count is shown."""
    return value if n_shown is not None else None
