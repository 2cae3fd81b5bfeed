"""Finding runs: by words (in name, folder, model, data, tags, note), by tag, and by a
final metric (``val_accuracy > 0.9``). The Runs tab's filter bar and ``runs --search``.

A metric condition is parsed by a regular expression into (metric, operator, number)
and compared with ``operator``'s functions: nothing the user types is ever evaluated.
"""

from __future__ import annotations

import math
import operator
import re
from dataclasses import dataclass

from workbench.errors import WorkbenchError

OPERATORS = {"<": operator.lt, "<=": operator.le, ">": operator.gt, ">=": operator.ge,
             "=": operator.eq, "==": operator.eq, "!=": operator.ne}
_CONDITION = re.compile(r"\s*([A-Za-z_][\w.\-/]*)\s*(<=|>=|==|!=|<|>|=)\s*"
                        r"([-+]?(?:\d+\.?\d*|\.\d+)(?:[eE][-+]?\d+)?)\s*")
_SEPARATOR = re.compile(r"\s*(?:,|;|&&|\band\b)\s*", re.IGNORECASE)


@dataclass(frozen=True)
class Condition:
    metric: str
    op: str
    value: float

    def holds(self, final: dict) -> bool:
        """Whether the run's final ``metric`` satisfies it; a run without the metric does not."""
        have = final.get(self.metric)
        if not isinstance(have, (int, float)) or not math.isfinite(have):
            return False
        return OPERATORS[self.op](float(have), self.value)

    def __str__(self) -> str:
        return f"{self.metric} {self.op} {self.value:g}"


def parse_conditions(text: str) -> list[Condition]:
    """``val_accuracy > 0.9 and loss < 0.3`` -> two conditions (``and``, ``,`` or ``;`` join them);
    anything else raises ``WorkbenchError`` with a sentence that shows the form."""
    conditions = []
    for part in _SEPARATOR.split(text or ""):
        if not part.strip():
            continue
        match = _CONDITION.fullmatch(part)
        if not match:
            raise WorkbenchError(f"{part.strip()!r} is not a metric condition: write METRIC OP NUMBER, "
                                 "e.g. val_accuracy > 0.9 (OP one of < <= > >= = !=; join with 'and')")
        conditions.append(Condition(match.group(1), match.group(2), float(match.group(3))))
    return conditions


def haystack(run) -> str:
    """The text a search looks in: name, folder, sweep, model, data, tags and note."""
    meta = run.meta
    return " ".join([meta.name, run.name, run.sweep, run.model, run.data, *meta.tags, meta.note]).casefold()


def matches(run, words: str = "", tags=(), conditions=()) -> bool:
    """Every word of ``words`` appears (case-insensitive), the run has every tag of ``tags``,
    and every condition holds for its final metrics."""
    text = haystack(run)
    if any(word not in text for word in (words or "").casefold().split()):
        return False
    if any(tag not in run.meta.tags for tag in tags):
        return False
    final = run.final
    return all(condition.holds(final) for condition in conditions)


def filter_runs(runs, words: str = "", tags=(), where: str = "") -> list:
    """The runs that match, in their order; ``where`` is parsed by ``parse_conditions``."""
    conditions = parse_conditions(where)
    return [run for run in runs if matches(run, words, tags, conditions)]


def all_tags(runs) -> list[str]:
    """Every tag used by these runs, sorted, each once."""
    return sorted({tag for run in runs for tag in run.meta.tags}, key=str.casefold)
