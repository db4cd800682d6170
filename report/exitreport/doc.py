# SPDX-License-Identifier: GPL-2.0
"""The report as a list of blocks, rendered twice from the same blocks: REPORT.md and a
self-contained index.html (figures inlined as data: URIs, no network, no script)."""

import base64
import html
import os
import re


class Doc:
    """Blocks: ("h", level, text) ("p", text) ("table", header, rows) ("fig", name, caption)
    ("code", text) ("list", items). Text may hold `code` and **bold** (markdown subset)."""

    def __init__(self, title):
        self.title = title
        self.blocks = []
        self.figures = []  # names, in order

    def h(self, level, text):
        self.blocks.append(("h", level, text))

    def section(self, title, inputs, missing):
        """A section's heading; False (after saying MISSING) when it has no INPUTS."""
        self.h(1, title)
        if not inputs:
            self.p(missing)
            return False
        return True

    def p(self, text):
        self.blocks.append(("p", text))

    def items(self, items):
        self.blocks.append(("list", list(items)))

    def code(self, text):
        self.blocks.append(("code", text))

    def table(self, header, rows):
        self.blocks.append(("table", list(header), [[fmt(c) for c in r] for r in rows]))

    def fig(self, name, caption):
        """name: figures/NAME.png (and .svg) under the report directory."""
        self.blocks.append(("fig", name, caption))
        self.figures.append(name)


def fmt(v):
    """A cell's text: integers with thousands separators, floats to 4 significant digits."""
    if v is None or v == "":
        return "–"
    if isinstance(v, bool):
        return "yes" if v else "no"
    if isinstance(v, int):
        return f"{v:,}"
    if isinstance(v, float):
        if v != 0 and (abs(v) >= 1e6 or abs(v) < 1e-3):
            return f"{v:.4g}"
        return f"{v:,.4g}" if abs(v) < 1000 else f"{v:,.0f}"
    return str(v)


def anchor(text):
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")


def to_markdown(doc):
    out = [f"# {doc.title}", ""]
    for b in doc.blocks:
        if b[0] == "h":
            out += ["#" * (b[1] + 1) + " " + b[2], ""]
        elif b[0] == "p":
            out += [b[1], ""]
        elif b[0] == "list":
            out += [f"- {i}" for i in b[1]] + [""]
        elif b[0] == "code":
            out += ["```", b[1].rstrip("\n"), "```", ""]
        elif b[0] == "table":
            _, header, rows = b
            out.append("| " + " | ".join(header) + " |")
            out.append("|" + "|".join("---" for _ in header) + "|")
            out += ["| " + " | ".join(c.replace("|", "\\|") for c in r) + " |" for r in rows]
            out.append("")
        elif b[0] == "fig":
            out += [f"![{b[2]}](figures/{b[1]}.png)", "", f"*{b[2]}* ([SVG](figures/{b[1]}.svg))", ""]
    return "\n".join(out)


def inline(text):
    """The markdown subset used in blocks -> HTML."""
    t = html.escape(text, quote=False)
    t = re.sub(r"`([^`]+)`", r"<code>\1</code>", t)
    t = re.sub(r"\*\*([^*]+)\*\*", r"<strong>\1</strong>", t)
    t = re.sub(r"(?<![\w*])\*([^*\s][^*]*)\*(?![\w*])", r"<em>\1</em>", t)
    t = re.sub(r"\[([^\]]+)\]\(([^)\s]+)\)", r'<a href="\2">\1</a>', t)
    return t


STYLE = """body{font-family:sans-serif;max-width:70em;margin:2em auto;padding:0 1em;line-height:1.45;color:#222}
table{border-collapse:collapse;margin:0.5em 0 1em;font-size:0.9em}th,td{border:1px solid #bbb;padding:2px 6px;text-align:left}
th{background:#eee}td.n{text-align:right}code{background:#f3f3f3;padding:0 2px}
pre{background:#f6f6f6;padding:0.6em;overflow-x:auto}figure{margin:1em 0}img{max-width:100%;border:1px solid #ddd}
figcaption{font-style:italic;font-size:0.9em}"""


NUMBER = re.compile(r"[-+]?[0-9][0-9,.]*(e[-+]?[0-9]+)?(%|×)?|–")


def to_html(doc, fig_dir):
    out = ["<!DOCTYPE html>", '<html lang="en"><head><meta charset="utf-8">',
           f"<title>{html.escape(doc.title)}</title><style>{STYLE}</style></head><body>",
           f"<h1>{html.escape(doc.title)}</h1>"]
    for b in doc.blocks:
        if b[0] == "h":
            lv = b[1] + 1
            out.append(f'<h{lv} id="{anchor(b[2])}">{inline(b[2])}</h{lv}>')
        elif b[0] == "p":
            out.append(f"<p>{inline(b[1])}</p>")
        elif b[0] == "list":
            out.append("<ul>" + "".join(f"<li>{inline(i)}</li>" for i in b[1]) + "</ul>")
        elif b[0] == "code":
            out.append(f"<pre>{html.escape(b[1])}</pre>")
        elif b[0] == "table":
            _, header, rows = b
            out.append("<table><tr>" + "".join(f"<th>{inline(h)}</th>" for h in header) + "</tr>")
            out += ["<tr>" + "".join(f"<td{' class=n' if NUMBER.fullmatch(c) else ''}>{inline(c)}</td>" for c in r)
                    + "</tr>" for r in rows]
            out.append("</table>")
        elif b[0] == "fig":
            with open(os.path.join(fig_dir, b[1] + ".png"), "rb") as f:
                data = base64.b64encode(f.read()).decode("ascii")
            out.append(f'<figure><img alt="{html.escape(b[2])}" src="data:image/png;base64,{data}">'
                       f"<figcaption>{inline(b[2])}</figcaption></figure>")
    out.append("</body></html>")
    return "\n".join(out) + "\n"
