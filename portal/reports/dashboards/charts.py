"""Server-side SVG charts: the geometry in user units of a fixed viewBox, so a chart scales
to any width (375 px phones included) with no pixel size; the templates draw it and put a
data table beside it (the text alternative, with the links)."""

from collections.abc import Callable
from dataclasses import dataclass, field

WIDTH = 320
LABEL_W = 92  # the row's label, left of the bar
BAR_X = 96
BAR_W = 168  # leaves room for the number right of the longest bar
ROW_H = 24
TOP = 6

# Colour and a text label for each state (colour is never the only cue: the table names them).
STATE_COLOURS = {"active": "#1f5fa8", "passed": "#2e7d32", "withdrawn": "#b45309"}
TRACK = "#cbd5e1"


@dataclass(frozen=True)
class Segment:
    key: str
    x: float
    width: float
    colour: str
    value: int
    href: str


@dataclass(frozen=True)
class Row:
    label: str
    y: float
    total: int
    total_width: float
    href: str
    segments: tuple[Segment, ...] = ()
    text: str = ""


@dataclass(frozen=True)
class Chart:
    key: str
    caption: str
    rows: tuple[Row, ...]
    height: float
    legend: tuple[tuple[str, str], ...] = field(default=())
    label_x = LABEL_W  # labels end here (text-anchor end)
    bar_x = BAR_X

    @property
    def view_box(self) -> str:
        return f"0 0 {WIDTH} {self.height:g}"

    @property
    def summary(self) -> str:
        """The chart in one sentence (aria-label): each row's label and number."""
        return self.caption + "：" + "；".join(f"{r.label} {r.text or r.total}" for r in self.rows)


def _scale(value: int, largest: int) -> float:
    return round(BAR_W * value / largest, 2) if largest else 0.0


def _short(label: str, length: int = 7) -> str:
    return label if len(label) <= length else label[: length - 1] + "…"


def stacked(key: str, caption: str, groups: list[dict], link: Callable[..., str],
            arg: str, states: dict[str, str]) -> Chart:
    """Registered per group as a grey track, with in training / passed / withdrawn stacked
    on it; every part links to the enrolments report filtered by `arg` = the group's key."""
    largest = max((g["counts"]["registered"] for g in groups), default=0)
    rows = []
    for i, g in enumerate(groups):
        counts, x = g["counts"], float(BAR_X)
        segments = []
        for state, colour in STATE_COLOURS.items():
            width = _scale(counts[state], largest)
            segments.append(Segment(state, x, width, colour, counts[state],
                                    link(state=state, **{arg: g["key"]})))
            x += width
        rows.append(Row(_short(g["label"]), TOP + i * ROW_H, counts["registered"],
                        _scale(counts["registered"], largest),
                        link(state="registered", **{arg: g["key"]}), tuple(segments)))
    legend = (("registered", states["registered"]),) + tuple(
        (s, states[s]) for s in STATE_COLOURS)
    return Chart(key, caption, tuple(rows), TOP * 2 + len(rows) * ROW_H, legend)


def bars(key: str, caption: str, items: list[tuple[str, int, str, str]]) -> Chart:
    """One bar per (label, value, text shown, link)."""
    largest = max((value for _, value, _, _ in items), default=0)
    rows = tuple(Row(_short(label), TOP + i * ROW_H, value, _scale(value, largest), href,
                     text=text) for i, (label, value, text, href) in enumerate(items))
    return Chart(key, caption, rows, TOP * 2 + len(rows) * ROW_H)


@dataclass(frozen=True)
class Progress:
    """A bar toward a target (AP-T1) or a cap (HS-P2); `mark` is a threshold in percent."""

    key: str
    caption: str
    value: int
    target: int
    href: str
    mark: int | None = None

    @property
    def pct(self) -> int:
        return min(100, self.value * 100 // self.target) if self.target else 0

    @property
    def fill_width(self) -> float:
        return round(WIDTH * self.pct / 100, 2)

    @property
    def mark_x(self) -> float | None:
        return None if self.mark is None else round(WIDTH * min(self.mark, 100) / 100, 2)

    view_box = f"0 0 {WIDTH} 28"
