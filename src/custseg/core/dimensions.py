"""The dimensions trade staff classify customers by besides value: relationship, needs, feedback, and the
customer's time zone with the hours to call.

Pure functions of the customer table (and the rules, the as-of date): each states the columns it reads and
returns the ones it makes. The country -> time zone table is the IANA database's own ``zone.tab`` (the
``tzdata`` package), with the main zone named for the countries that span several.
"""

from __future__ import annotations

import datetime as dt
from functools import cache
from zoneinfo import ZoneInfo

import numpy as np
import pandas as pd

from custseg.config.rules import Rules

RELATIONSHIP_LABELS = {
    "long_term": ("长期客户", "Long-term"),
    "new": ("新客户", "New"),
    "regular": ("一般客户", "Regular"),
    "lapsed": ("流失老客户", "Lapsed"),
    "prospect": ("潜在客户", "Prospect"),
}
NEEDS_LABELS = {
    "custom": ("定制化需求", "Custom"),
    "mixed": ("定制与标准", "Mixed"),
    "standard": ("标准化需求", "Standard"),
}

# The zone most of a country's business runs on, where the IANA table lists several (its first entry is
# the westernmost or oldest, not the main one: Kaliningrad for Russia, Noronha for Brazil).
MAIN_ZONES = {
    "AR": "America/Argentina/Buenos_Aires",
    "AU": "Australia/Sydney",
    "BR": "America/Sao_Paulo",
    "CA": "America/Toronto",
    "CD": "Africa/Kinshasa",
    "CL": "America/Santiago",
    "CN": "Asia/Shanghai",
    "EC": "America/Guayaquil",
    "ES": "Europe/Madrid",
    "ID": "Asia/Jakarta",
    "KZ": "Asia/Almaty",
    "MX": "America/Mexico_City",
    "MN": "Asia/Ulaanbaatar",
    "MY": "Asia/Kuala_Lumpur",
    "NZ": "Pacific/Auckland",
    "PT": "Europe/Lisbon",
    "RU": "Europe/Moscow",
    "UA": "Europe/Kyiv",
    "US": "America/New_York",
    "UZ": "Asia/Tashkent",
    "GL": "America/Nuuk",
    "PG": "Pacific/Port_Moresby",
    "PF": "Pacific/Tahiti",
    "KI": "Pacific/Tarawa",
    "FM": "Pacific/Pohnpei",
    "DE": "Europe/Berlin",
    "CY": "Asia/Nicosia",
}

# Countries whose weekend is Friday and Saturday (the rest: Saturday and Sunday). Public holidays are not
# known to custseg: a follow-up may land on one.
FRIDAY_WEEKEND = frozenset(
    {"AF", "BH", "BD", "DZ", "EG", "IL", "IQ", "JO", "KW", "LY", "OM", "QA", "SA", "SD", "SY", "YE"}
)

WORK_START, WORK_END = 9, 18  # the customer's working day, in its own hours


@cache
def country_zones() -> dict[str, str]:
    """ISO country code -> its main IANA zone: MAIN_ZONES, else the first zone zone.tab lists for it."""
    from importlib import resources

    text = resources.files("tzdata").joinpath("zoneinfo/zone.tab").read_text(encoding="utf-8")
    zones: dict[str, str] = {}
    for line in text.splitlines():
        if line.startswith("#") or not line.strip():
            continue
        code, _coords, zone, *_ = line.split("\t")
        zones.setdefault(code, zone)
    zones.update(MAIN_ZONES)
    return zones


def relationship(table: pd.DataFrame, rules: Rules, as_of: pd.Timestamp) -> pd.Series:
    """Each customer's relationship, from lifetime_frequency, first_order_date, order_years (calendar years
    with an order), recency_days and, where the master gave it, created_date (建档/签约日期):

    - prospect: no order;
    - new: the first order, or the contract when it is earlier, at most ``new_days`` before the as-of date;
    - long_term: a customer for at least ``long_term_years`` (the as-of date on or after that anniversary
      of the same start) with orders in at least
      ``long_term_order_years`` calendar years; lapsed: such a customer silent for more than the
      lifecycle's churn_days;
    - regular: every other customer with orders."""
    r = rules.relationship
    start = pd.to_datetime(table["first_order_date"])
    if "created_date" in table:
        contract = pd.to_datetime(table["created_date"], errors="coerce")
        start = start.where(~(contract < start), contract)
    # A customer for N years: the as-of date is on or after the N-th anniversary of the start.
    anniversary = start + pd.DateOffset(years=r.long_term_years)
    out = pd.Series("regular", index=table.index, dtype=object)
    long_term = (anniversary <= as_of) & (table["order_years"] >= r.long_term_order_years)
    out[long_term.to_numpy(dtype=bool)] = "long_term"
    lapsed = long_term & (table["recency_days"].astype("Float64") > rules.lifecycle.churn_days)
    out[lapsed.fillna(False).to_numpy(dtype=bool)] = "lapsed"
    out[((as_of - start).dt.days <= r.new_days).to_numpy(dtype=bool)] = "new"  # as the lifecycle's new_days
    out[(table["lifetime_frequency"] <= 0).to_numpy(dtype=bool)] = "prospect"
    return out


def needs(table: pd.DataFrame) -> tuple[pd.Series, pd.Series]:
    """(needs: custom, standard or mixed; custom_order_share: custom orders / orders) from custom_orders and
    lifetime_frequency; the master's needs_type (定制/标准/混合, custom/standard/mixed) wins where given.
    Empty for a customer with no order, and for every customer when the lines had no order type, product
    or category to tell (custom_orders absent), unless the master says."""
    orders = table["lifetime_frequency"].astype(float)
    if "custom_orders" in table:
        share = (table["custom_orders"].astype(float) / orders.where(orders > 0)).round(4)
    else:  # no order type, product or category column: nothing says which orders were custom
        share = pd.Series(np.nan, index=table.index)
    out = pd.Series("mixed", index=table.index, dtype=object)
    out[(share == 1).to_numpy(dtype=bool)] = "custom"
    out[(share == 0).to_numpy(dtype=bool)] = "standard"
    out[share.isna().to_numpy(dtype=bool)] = ""
    if "needs_type" in table:
        words = {"定制": "custom", "custom": "custom", "标准": "standard", "standard": "standard"}
        words |= {"混合": "mixed", "mixed": "mixed", "定制化": "custom", "标准化": "standard"}
        given = table["needs_type"].fillna("").astype(str).str.strip().str.casefold().map(words)
        out = given.where(given.notna(), out).astype(object)
    return out, share


def time_zones(codes: pd.Series, given: pd.Series | None, home_country: str, as_of: pd.Timestamp) -> pd.DataFrame:
    """timezone (the master's time zone where it names a valid IANA zone, else the country's main zone),
    hours_from_home (the customer's clock minus the home country's, on the as-of date, DST included) and
    contact_window (the customer's 09:00-18:00 in home time, "+1" for the next day, "-1" the previous)."""
    zones = country_zones()
    zone = codes.fillna("").astype(str).map(zones).fillna("").astype(object)
    if given is not None:
        named = given.fillna("").astype(str).str.strip()
        valid = named.map(_is_zone)
        zone = named.where(valid, zone).astype(object)
    home = zones.get(home_country, "UTC")
    moment = dt.datetime.combine(as_of.date(), dt.time(12))
    home_offset = _offset_hours(home, moment)
    offsets = {z: _offset_hours(z, moment) - home_offset for z in pd.unique(zone) if z}
    hours = zone.map(offsets).astype(float)
    window = hours.map(_window)
    return pd.DataFrame({"timezone": zone, "hours_from_home": hours, "contact_window": window.fillna("")})


@cache
def _is_zone(name: str) -> bool:
    if not name or "/" not in name:
        return False
    try:
        ZoneInfo(name)
    except (ValueError, OSError):  # zoneinfo raises ZoneInfoNotFoundError (a KeyError) or ValueError
        return False
    except KeyError:
        return False
    return True


def _offset_hours(zone: str, moment: dt.datetime) -> float:
    offset = moment.replace(tzinfo=ZoneInfo(zone)).utcoffset()
    return offset.total_seconds() / 3600 if offset is not None else 0.0


def _window(hours: float) -> str | None:
    """The customer's working day in home time: 09:00-18:00 there is (9 - hours)-(18 - hours) here;
    "22:00-07:00+1" when it runs into the next day, "01:00-10:00 (+1)" when it is all on the next day."""
    if pd.isna(hours):
        return None
    (start_day, start), (end_day, end) = _clock(WORK_START - hours), _clock(WORK_END - hours)
    if start_day == end_day:
        return f"{start}-{end}" + (f" ({start_day:+d})" if start_day else "")
    return f"{start}{f'{start_day:+d}' if start_day else ''}-{end}{end_day:+d}"


def _clock(hour: float) -> tuple[int, str]:
    """(days from home's today, "HH:MM") of an hour that may fall before 0 or after 24."""
    day, rest = divmod(hour, 24)
    minutes = int(round(rest * 60))
    return int(day), f"{minutes // 60:02d}:{minutes % 60:02d}"


def next_working_day(dates: pd.Series, codes: pd.Series) -> pd.Series:
    """``dates`` moved forward to the customer's next working day where they fall on its weekend (Saturday
    and Sunday; Friday and Saturday in FRIDAY_WEEKEND countries)."""
    weekday = dates.dt.day_of_week.to_numpy()  # Monday 0 ... Sunday 6
    friday = codes.fillna("").astype(str).isin(FRIDAY_WEEKEND).to_numpy()
    shift = np.where(
        friday, np.select([weekday == 4, weekday == 5], [2, 1], 0), np.select([weekday == 5, weekday == 6], [2, 1], 0)
    )
    return dates + pd.to_timedelta(shift, unit="D")
