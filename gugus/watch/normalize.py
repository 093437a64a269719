"""Step 1: normalise a post's text.

Produces one canonical lowercase text that the rules, the model and duplicate grouping all read:
emoji and decorative Unicode removed, links replaced by tokens (``__wa__``, ``__tg__``,
``__url__ <domain>``), phone numbers replaced by ``__phone__`` (so a repost with a new number reads
the same), and money written one way (``"15jt"``, ``"Rp 15.000.000"`` -> ``15000000 idr``;
``"gaji 1.500 USD"`` -> ``1500 usd``). Phones, links and amounts found on the way are kept.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field

# Emoji, pictographs, dingbats, variation selectors, joiners, keycaps, tags.
_EMOJI_RE = re.compile(
    "[\U0001f000-\U0001faff\u2190-\u21ff\u2300-\u23ff\u2460-\u24ff\u25a0-\u27bf\u2900-\u297f"
    "\u2b00-\u2bff\u3030\u303d\ufe00-\ufe0f\u200b-\u200f\u2060\u20e3\U000e0000-\U000e007f]+"
)
_SPACE_RE = re.compile(r"\s+")

_URL_RE = re.compile(
    r"(?:https?://|www\.)[^\s<>\"']+"
    r"|\b(?:wa\.me|t\.me|telegram\.me|wa\.link|bit\.ly|s\.id|linktr\.ee|api\.whatsapp\.com)/[^\s<>\"']*",
    re.IGNORECASE,
)
_WA_NUMBER_RE = re.compile(r"(?:wa\.me/|phone=)\+?(\d{8,15})", re.IGNORECASE)
_TG_HANDLE_RE = re.compile(r"(?:t|telegram)\.me/(\+?[\w]{3,64})", re.IGNORECASE)

_SEP = r"[\s.\-]?"
# Indonesian mobiles in +62 / 62 / 0 forms, foreign numbers written with +cc, and landlines
# with an area code and a separator (bare digit runs are left alone: they may be amounts).
_PHONE_RE = re.compile(
    r"(?<![\w+])(?:"
    r"(?:\+|00)?62" + _SEP + r"\(?0?\)?" + _SEP + r"8\d{1,2}" + _SEP + r"\d{3,4}" + _SEP + r"\d{2,5}"
    r"|\(?08\d{1,2}\)?" + _SEP + r"\d{3,4}" + _SEP + r"\d{2,5}"
    r"|\+(?!62)[1-9]\d{0,2}" + _SEP + r"\(?\d{1,4}\)?(?:" + _SEP + r"\d{2,4}){2,4}"
    r"|\(0[2-9]\d{1,2}\)\s?\d{3,4}" + _SEP + r"\d{3,4}"
    r"|0[2-7]\d{1,2}-\d{3,4}-?\d{3,4}"
    r")(?!\d)"
)
# A digit run right after these words is an account number, not a phone.
_ACCOUNT_CONTEXT_RE = re.compile(
    r"(?:rek|rekening|norek|no\.? ?rek|account|a/c|va|virtual account)\b[^\n]{0,25}$"
)

_NUM = r"\d+(?:[.,]\d+)*"
_MULT = r"(?:jt|juta|jeti|rb|ribu|k)"
_CUR_PREFIX = (
    r"(?:rp\.?|idr|usd|us\$|\$|rm|myr|sgd|s\$|nt\$|ntd|twd|hkd|hk\$|sar|aed|jpy|¥|krw|₩|thb|eur|€)"
)
_CUR_SUFFIX = (
    r"(?:usd|dollar|dolar|ringgit|rm|myr|sgd|ntd|twd|hkd|riyal|sar|dirham|aed|yen|won|baht|euro|rupiah|idr)"
)
_MONEY_PREFIX_RE = re.compile(
    r"(?<![\w$])(" + _CUR_PREFIX + r")\s?(" + _NUM + r")\s?(" + _MULT + r")?(?:an)?(?![\w])"
)
_MONEY_SUFFIX_RE = re.compile(
    r"(?<![\w.,])(" + _NUM + r")\s?"
    r"(?:(" + _MULT + r")(?:an)?\b\s?(" + _CUR_SUFFIX + r")?|(" + _CUR_SUFFIX + r"))\b"
)
# "gaji 15.000.000" with no currency: after a pay or fee word, a rupiah-sized number is rupiah.
_BARE_IDR_RE = re.compile(
    r"\b(gaji|salary|upah|penghasilan|biaya|bayar|dp|fee)(\s?:?\s?)(\d{1,3}(?:\.\d{3}){1,3}|\d{6,10})"
    r"(?![\d.,]*\s?(?:" + _CUR_SUFFIX[3:-1] + "|" + _MULT[3:-1] + r"|\$)\b)"
)
_CURRENCY_CODES = {
    "rp": "idr", "rp.": "idr", "idr": "idr", "rupiah": "idr",
    "usd": "usd", "us$": "usd", "$": "usd", "dollar": "usd", "dolar": "usd",
    "rm": "myr", "myr": "myr", "ringgit": "myr",
    "sgd": "sgd", "s$": "sgd",
    "nt$": "twd", "ntd": "twd", "twd": "twd",
    "hkd": "hkd", "hk$": "hkd",
    "sar": "sar", "riyal": "sar",
    "aed": "aed", "dirham": "aed",
    "jpy": "jpy", "¥": "jpy", "yen": "jpy",
    "krw": "krw", "₩": "krw", "won": "krw",
    "thb": "thb", "baht": "thb",
    "eur": "eur", "€": "eur", "euro": "eur",
}
_MULTIPLIERS = {"jt": 1_000_000, "juta": 1_000_000, "jeti": 1_000_000, "rb": 1_000, "ribu": 1_000, "k": 1_000}


@dataclass(slots=True)
class Amount:
    value: int
    currency: str
    start: int  # offset of the canonical amount in Normalized.text


@dataclass(slots=True)
class Normalized:
    text: str
    cased: str
    phones: list[str] = field(default_factory=list)
    telegram: list[str] = field(default_factory=list)
    domains: list[str] = field(default_factory=list)
    amounts: list[Amount] = field(default_factory=list)


def clean(raw: str) -> str:
    """Unicode-normalise (fancy fonts, full-width digits), drop emoji and collapse whitespace."""
    if not raw.isascii():
        raw = unicodedata.normalize("NFKC", raw)
        raw = _EMOJI_RE.sub(" ", raw)
        raw = "".join(ch for ch in raw if ch.isprintable() or ch.isspace())
    return _SPACE_RE.sub(" ", raw).strip()


def normalize_phone(raw: str) -> str | None:
    """``0812-3456-7890`` / ``62 812...`` / ``+62 (0) 812...`` -> ``+628123456789``; None if implausible."""
    plus = raw.lstrip().startswith("+")
    digits = re.sub(r"\D", "", raw)
    if digits.startswith("00"):
        digits, plus = digits[2:], True
    if digits.startswith("620"):
        digits = "62" + digits[3:]
    elif digits.startswith("0"):
        digits = "62" + digits[1:]
    elif not plus and not digits.startswith("62"):
        return None
    if not 9 <= len(digits) <= 15:
        return None
    if digits.startswith("628") and not 10 <= len(digits) <= 14:
        return None
    return "+" + digits


def parse_number(num: str, mult: str | None) -> float | None:
    """Read ``15.000.000``, ``1,500``, ``2,5`` (with a multiplier) the way Indonesian posts write them."""
    parts = re.split(r"[.,]", num)
    if len(parts) == 1:
        value = float(parts[0])
    elif len(parts) == 2 and len(parts[1]) != 3:
        value = float(parts[0] + "." + parts[1])
    elif all(len(p) == 3 for p in parts[1:]):
        value = float("".join(parts))
    else:
        return None
    if mult:
        value *= _MULTIPLIERS[mult]
    return value


def _links(text: str, out: Normalized) -> str:
    def repl(m: re.Match) -> str:
        url = m.group(0).rstrip(".,;:!?)")
        low = url.lower()
        wa = _WA_NUMBER_RE.search(url)
        if wa:
            phone = normalize_phone("+" + wa.group(1))
            if phone:
                out.phones.append(phone)
        if "wa.me" in low or "whatsapp" in low or "wa.link" in low:
            return " __wa__ "
        tg = _TG_HANDLE_RE.search(url)
        if tg:
            out.telegram.append(tg.group(1).lower())
            return " __tg__ "
        domain = re.sub(r"^(?:https?://)?(?:www\.)?", "", low).split("/", 1)[0]
        out.domains.append(domain)
        return f" __url__ {domain} "

    return _URL_RE.sub(repl, text)


def _phones(text: str, out: Normalized) -> str:
    def repl(m: re.Match) -> str:
        if _ACCOUNT_CONTEXT_RE.search(text, max(0, m.start() - 30), m.start()):
            return m.group(0)
        phone = normalize_phone(m.group(0))
        if phone is None:
            return m.group(0)
        out.phones.append(phone)
        return " __phone__ "

    return _PHONE_RE.sub(repl, text)


def _money(text: str) -> str:
    def canon(num: str, mult: str | None, cur: str | None, whole: str) -> str:
        value = parse_number(num, mult)
        if value is None or value <= 0 or value > 1e13:
            return whole
        return f" {int(round(value))} {_CURRENCY_CODES.get(cur or 'rp', 'idr')} "

    def bare(m: re.Match) -> str:
        value = parse_number(m.group(3), None)
        if value is None or not 100_000 <= value <= 1e10:
            return m.group(0)
        return f"{m.group(1)}{m.group(2)}{int(value)} idr"

    text = _BARE_IDR_RE.sub(bare, text)
    text = _MONEY_PREFIX_RE.sub(lambda m: canon(m.group(2), m.group(3), m.group(1), m.group(0)), text)
    return _MONEY_SUFFIX_RE.sub(
        lambda m: canon(m.group(1), m.group(2), m.group(3) or m.group(4), m.group(0)), text
    )


_AMOUNT_RE = re.compile(r"(?<![\w.,])(\d+) (idr|usd|myr|sgd|twd|hkd|sar|aed|jpy|krw|thb|eur)\b")


def normalize(raw: str) -> Normalized:
    """Normalise one post. Never raises on text input."""
    cased = clean(raw)
    out = Normalized(text="", cased=cased)
    text = _links(cased, out)
    text = _phones(text, out)
    text = _money(text.lower())
    text = _SPACE_RE.sub(" ", text).strip()
    out.text = text
    out.amounts = [Amount(int(m.group(1)), m.group(2), m.start()) for m in _AMOUNT_RE.finditer(text)]
    # Keep first occurrence order, drop repeats.
    out.phones = list(dict.fromkeys(out.phones))
    out.telegram = list(dict.fromkeys(out.telegram))
    return out
