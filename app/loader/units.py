"""What a figure may be, by its unit: one table, so every unit has exactly one rule.

A metric in `seeds/vocabulary/metrics.yaml` whose unit is not in `UNIT_RULES` is an error:
a new unit needs a decision here (is it a count, a share or an area?) before any figure in it
is loaded.
"""

import math
from dataclasses import dataclass


@dataclass(frozen=True)
class UnitRule:
    noun: str  # "a count": what a figure in this unit is
    whole: bool
    minimum: float
    maximum: float | None = None

    def problem(self, value: float) -> str | None:
        """Why `value` cannot be a figure in this unit, or None."""
        if not math.isfinite(value):
            return f"{value} is not a finite number"
        if self.whole and not float(value).is_integer():
            return f"{value:g} is not a whole number; {self.noun} is"
        if value < self.minimum:
            return f"{value:g} is below {self.minimum:g}; {self.noun} cannot be"
        if self.maximum is not None and value > self.maximum:
            return f"{value:g} is above {self.maximum:g}; {self.noun} cannot be"
        return None


COUNT = UnitRule("a count", whole=True, minimum=0)
SHARE = UnitRule("a share in percent", whole=False, minimum=0, maximum=100)
AREA = UnitRule("an area", whole=False, minimum=0)

UNIT_RULES: dict[str, UnitRule] = {
    "persons": COUNT,
    "units": COUNT,  # pieces of equipment
    "brigades": COUNT,
    "settlements": COUNT,
    "assaults": COUNT,
    "percent": SHARE,
    "km2": AREA,
}


def unknown_unit(unit: str) -> str:
    return (
        f"unknown unit {unit!r}: say whether it is a count, a share or an area in "
        "UNIT_RULES (app/loader/units.py)"
    )
