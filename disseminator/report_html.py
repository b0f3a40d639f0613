"""The monthly report as one self-contained HTML file: tables and inline SVG charts.

Charts are drawn with matplotlib (Agg, SVG output embedded in the page: nothing is
fetched from anywhere) in black, white and greys, each channel told apart by a hatch
pattern or a marker and line style, so the report reads the same printed in black and
white.  Every word is in the configured language; numbers sit in tables too (with ids
and ``data-`` attributes), so a program can read the page back.
"""

from __future__ import annotations

import datetime as dt
import html
import io
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from channels.i18n import _, ngettext

from .monthly_report import LEAD_BUCKETS, Figures

if TYPE_CHECKING:
    from matplotlib.figure import Figure

#: Per channel, in order: a grey, a hatch, a marker and a line style (black and white print).
STYLES = (("0.15", "", "o", "-"), ("0.55", "///", "s", "--"), ("0.85", "xx", "^", ":"),
          ("0.35", "..", "D", "-."), ("0.7", "\\\\", "v", (0, (5, 1, 1, 1))))
CHANNEL_NAMES = {"twitter": "X", "facebook": "Facebook", "instagram": "Instagram"}


def channel_name(channel: str) -> str:
    return CHANNEL_NAMES.get(channel, channel)


def _style(i: int) -> tuple[str, str, str, Any]:
    return STYLES[i % len(STYLES)]


def _svg(fig: Figure) -> str:
    """``fig`` as SVG text for inlining (text kept as text; no date, so the same figures
    give the same bytes)."""
    import matplotlib.pyplot as plt

    buf = io.StringIO()
    fig.savefig(buf, format="svg", bbox_inches="tight", metadata={"Date": None})
    plt.close(fig)
    text = buf.getvalue()
    return text[text.index("<svg"):]


def _plt() -> Any:
    import matplotlib

    matplotlib.use("Agg")
    matplotlib.rcParams.update({"svg.fonttype": "none", "font.size": 9, "hatch.linewidth": 0.8})
    import matplotlib.pyplot as plt

    return plt


def chart_posts_per_day(figures: Figures) -> str:
    """Stacked bars, one a day: each channel a grey and a hatch, so print tells them apart."""
    plt = _plt()
    days = figures.period.days()
    fig, ax = plt.subplots(figsize=(8, 3))
    below = [0] * len(days)
    for i, channel in enumerate(figures.channels):
        grey, hatch, _marker, _line = _style(i)
        counts = [figures.per_day[(d, channel)] for d in days]
        ax.bar([d.day for d in days], counts, bottom=below, color=grey, hatch=hatch, edgecolor="black",
               linewidth=0.6, label=channel_name(channel))
        below = [b + c for b, c in zip(below, counts)]
    ax.set_xlabel(_("day of the period") if len(days) > 31 else _("day of the month"))
    ax.set_ylabel(_("posts"))
    ax.yaxis.get_major_locator().set_params(integer=True)
    if figures.channels:
        ax.legend(frameon=False, ncol=len(figures.channels))
    ax.grid(axis="y", color="0.85", linewidth=0.5)
    ax.set_axisbelow(True)
    return _svg(fig)


def _bars(labels: list[str], values: list[float], ylabel: str, *, per_bar_style: bool) -> str:
    plt = _plt()
    fig, ax = plt.subplots(figsize=(6, 3))
    for i, (label, value) in enumerate(zip(labels, values)):
        grey, hatch, _m, _l = _style(i) if per_bar_style else ("0.6", "//", "", "")
        ax.bar(i, value, color=grey, hatch=hatch, edgecolor="black", linewidth=0.8)
        ax.annotate(f"{value:,.0f}", (i, value), ha="center", va="bottom", fontsize=8)
    ax.set_xticks(range(len(labels)), labels)
    ax.set_ylabel(ylabel)
    ax.yaxis.get_major_locator().set_params(integer=True)
    ax.grid(axis="y", color="0.85", linewidth=0.5)
    ax.set_axisbelow(True)
    return _svg(fig)


def bucket_labels() -> list[str]:
    labels, low = [], 0
    for high in LEAD_BUCKETS:
        labels.append(_("{low}-{high} h").format(low=low, high=high) if low else _("up to {high} h").format(high=high))
        low = high
    labels.append(_("over {low} h").format(low=low))
    return labels


def chart_lead(figures: Figures) -> str:
    return _bars(bucket_labels(), [float(n) for n in figures.lead_buckets()], _("articles"), per_bar_style=False)


def chart_engagement(figures: Figures) -> str:
    channels = list(figures.by_channel)
    return _bars([channel_name(c) for c in channels], [float(figures.by_channel[c]["engagement"]) for c in channels],
                 _("likes + comments + shares at 24 h"), per_bar_style=True)


# ---------------------------------------------------------------------------- HTML

CSS = """body{font-family:sans-serif;max-width:60em;margin:2em auto;color:#000;background:#fff}
h1{font-size:1.5em}h2{font-size:1.2em;margin-top:2em;border-bottom:1px solid #000}
table{border-collapse:collapse;margin:1em 0}td,th{border:1px solid #555;padding:.2em .5em;text-align:left}
td.n,th.n{text-align:right}.chart svg{max-width:100%;height:auto}.note{color:#333;font-size:.9em}
@media print{h2{page-break-before:auto}.chart{page-break-inside:avoid}}"""


def _e(value: object) -> str:
    return html.escape(str(value), quote=True)


def _num(value: float) -> str:
    from channels.i18n import current

    text = f"{value:,.0f}" if float(value).is_integer() else f"{value:,.1f}"
    return text.translate(str.maketrans(",.", ".,")) if current() == "id" else text


#: A table cell: what is shown, and the raw value for ``data-value`` (None: none).
Cell = tuple[object, str | None]


def _table(table_id: str, headers: list[str], rows: Sequence[Sequence[Cell]], numeric: set[int]) -> str:
    """A table whose cells carry their raw value in ``data-value`` when one is given."""
    head = "".join(f'<th class="n">{_e(h)}</th>' if i in numeric else f"<th>{_e(h)}</th>" for i, h in enumerate(headers))
    body = []
    for row in rows:
        cells = []
        for i, (shown, raw) in enumerate(row):
            cls = ' class="n"' if i in numeric else ""
            data = f' data-value="{_e(raw)}"' if raw is not None else ""
            text = _e(shown)
            if isinstance(shown, str) and shown.startswith(("https://", "http://")):
                text = f'<a href="{text}">{text}</a>'  # a link to follow, nothing fetched
            cells.append(f"<td{cls}{data}>{text}</td>")
        body.append("<tr>" + "".join(cells) + "</tr>")
    return f'<table id="{table_id}"><thead><tr>{head}</tr></thead><tbody>{"".join(body)}</tbody></table>'


def render(figures: Figures, *, institution: str | None = None, made_at: dt.datetime | None = None) -> str:
    """The whole report as HTML text (UTF-8, no outside resource)."""
    from channels.i18n import current

    from .views import show_human

    tz = figures.period.tz
    title = _("Dissemination report {period}").format(period=figures.period.label)
    days = figures.period.days()
    parts = [f'<!DOCTYPE html><html lang="{_e(current())}"><head><meta charset="utf-8">',
             f"<title>{_e(title)}</title><style>{CSS}</style></head><body>",
             f"<h1>{_e(title)}</h1>"]
    first, last = days[0], days[-1]
    summary = ngettext("{n} post published from {first} to {last} ({zone}).",
                       "{n} posts published from {first} to {last} ({zone}).", figures.posts).format(
        n=_num(figures.posts), first=first.isoformat(), last=last.isoformat(), zone=tz.key)
    parts.append(f'<p id="summary" data-posts="{figures.posts}">{_e(summary)}</p>')
    if made_at is not None:
        parts.append(f'<p class="note">{_e(_("Made {when}.").format(when=show_human(made_at, tz)))}</p>')

    parts.append(f'<h2 id="h-posts">{_e(_("Posts per channel and day"))}</h2>')
    if figures.posts:
        parts.append(f'<div class="chart">{chart_posts_per_day(figures)}</div>')
    names = [channel_name(c) for c in figures.channels]
    rows: list[list[Cell]] = [[(d.isoformat(), d.isoformat()), *((_num(figures.per_day[(d, c)]), str(figures.per_day[(d, c)]))
                                              for c in figures.channels),
             (_num(sum(figures.per_day[(d, c)] for c in figures.channels)), None)]
            for d in days]
    parts.append(_table("posts-per-day", [_("day"), *names, _("total")], rows,
                        set(range(1, len(names) + 2))))

    parts.append(f'<h2 id="h-lead">{_e(_("Time from an article to its first post"))}</h2>')
    median = figures.lead_median()
    if median is None:
        parts.append(f'<p id="lead-median">{_e(_("No article had its first post in this period."))}</p>')
    else:
        text = ngettext("{n} article; its first post went out {hours} hours after its publication "
                        "(or after it was added, when the article has no publication time).",
                        "{n} articles; half of them had their first post within {hours} hours of publication "
                        "(or of being added, when the article has no publication time).", len(figures.leads))
        parts.append(f'<p id="lead-median" data-hours="{median:.2f}">'
                     f'{_e(text.format(n=_num(len(figures.leads)), hours=_num(round(median, 1))))}</p>')
        parts.append(f'<div class="chart">{chart_lead(figures)}</div>')
        rows = [[(lead.article_id, str(lead.article_id)), (lead.title, None),
                 (show_human(lead.since, tz), lead.since.isoformat()),
                 (show_human(lead.first_post, tz), lead.first_post.isoformat()),
                 (channel_name(lead.channel), lead.channel), (_num(round(lead.hours, 1)), f"{lead.hours:.2f}")]
                for lead in figures.leads]
        parts.append(_table("time-to-first-post", [_("article"), _("title"), _("published or added"),
                                                   _("first post"), _("channel"), _("hours")], rows, {0, 5}))

    parts.append(f'<h2 id="h-engagement">{_e(_("Engagement at 24 hours by channel"))}</h2>')
    measured = sum(t["measured"] for t in figures.by_channel.values())
    if not measured:
        parts.append(f'<p class="note">{_e(_("No figures at 24 hours yet: the daemon (or metrics fetch) reads them a day after each post."))}</p>')
    else:
        parts.append(f'<div class="chart">{chart_engagement(figures)}</div>')
    keys = ("posts", "measured", "likes", "comments", "shares", "engagement", "views")
    rows = [[(channel_name(c), c), *((_num(t[k]), str(t[k])) for k in keys)] for c, t in figures.by_channel.items()]
    parts.append(_table("engagement-24h", [_("channel"), _("posts"), _("with 24-hour figures"), _("likes"),
                                           _("comments"), _("shares"), _("engagement"), _("views")], rows,
                        set(range(1, 8))))
    parts.append(f'<p class="note">{_e(_("Engagement: likes (reactions on Facebook), comments and shares (reposts and quotes on X) 24 hours after publishing."))}</p>')

    parts.append(f'<h2 id="h-top">{_e(_("Top posts"))}</h2>')
    if not figures.top:
        parts.append(f'<p class="note">{_e(_("No post has figures at 24 hours yet."))}</p>')
    else:
        rows = [[(i, str(i)), (p.post_id, str(p.post_id)), (channel_name(p.channel), p.channel), (p.account, None),
                 (show_human(p.published_at, tz), p.published_at.isoformat()), (p.title, None),
                 (_num(p.engagement), str(p.engagement)), (_num(p.figures.get("views", 0)), str(p.figures.get("views", 0))),
                 (p.url or "", p.url or "")]
                for i, p in enumerate(figures.top, 1)]
        parts.append(_table("top-posts", [_("rank"), _("post"), _("channel"), _("account"), _("published"), _("title"),
                                          _("engagement"), _("views"), _("address")], rows, {0, 1, 6, 7}))
    if institution:
        parts.append(f'<p class="note">{_e(institution)}</p>')
    parts.append("</body></html>\n")
    return "".join(parts)
