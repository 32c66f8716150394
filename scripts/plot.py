#!/usr/bin/python3
"""Pictures from qmac sweep results (CSV, or the JSON lines beside it).

Debian's python3 with python3-matplotlib and python3-numpy (scripts/setup.sh);
the shebang names /usr/bin/python3 on purpose: a pyenv python on PATH lacks them.

  plot.py fig5     results/fig5.csv            --out docs/fig5.png
  plot.py fig3     results/fig3.jsonl          --out docs/fig3.png
  plot.py line     results/acc_width.csv --x mac.accumulator.width --y accuracy.sqnr_db \
                   --series workload.gemm.k --out docs/acc_width.png
  plot.py bars     results/int8_vs_fp8.csv --group workload.a.distribution \
                   --series mac.a,mac.b,mac.accumulator.format --y accuracy.sqnr_db --out docs/sqnr.png
  plot.py pareto   results/pareto.csv --x cost.pe_gates --y accuracy.sqnr_db \
                   --label mac.a,mac.accumulator.format --out docs/pareto.png
  plot.py layers   results/networks.jsonl --network resnet18 --out docs/networks_sqnr_resnet18.png
  plot.py netpareto results/networks.jsonl --out docs/networks_pareto.png

Every number drawn comes from the sweep files; the only constants here are the
paper's published values drawn for comparison, each cited where it is defined.
"""
import argparse
import csv
import json
import math
import os
import sys

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402

# van Baalen et al., arXiv 2303.17951, Fig. 5 (chart readings, +-0.1 bit), as
# tabulated in shared/reference/published-numbers.md section 1.
PAPER_FIG5 = {
    "uniform": [8.0, 7.3, 6.4, 5.4, 4.4],
    "normal": [6.7, 7.1, 6.2, 5.2, 4.2],
    "student_t:3": [2.9, 3.2, 4.15, 5.1, 4.2],
}
FIG5_FORMATS = ["int8", "fp8_e2m5", "e3m4_fnuz", "e4m3_fnuz", "e5m2_fnuz"]
FIG5_LABELS = ["INT8", "FP8-E2", "FP8-E3", "FP8-E4", "FP8-E5"]
# Fig. 3 of the paper splits a MAC into these groups (the PE's registers are not in it).
GROUP_ORDER = ["multiplier", "align_add", "normalize_accumulate"]
GROUP_LABEL = {"multiplier": "multiplier", "align_add": "align + add", "normalize_accumulate": "normalise + accumulate"}
FORMAT_LABEL = dict(zip(FIG5_FORMATS, FIG5_LABELS), e2m5_fnuz="FP8-E2")


def die(msg):
    print(f"plot.py: error: {msg}", file=sys.stderr)
    sys.exit(2)


WHERE = []  # (key, value) filters from --where


def read_csv(path):
    try:
        with open(path, newline="") as f:
            rows = list(csv.DictReader(f))
    except OSError as e:
        die(f"{path}: {e.strerror}")
    for key, _ in WHERE:
        if rows and key not in rows[0]:
            die(f"{path}: --where names no column '{key}'")
    return [r for r in rows if r.get("status", "ok") == "ok" and all(r.get(k) == v for k, v in WHERE)]


def read_jsonl(path):
    out = []
    try:
        with open(path) as f:
            for n, line in enumerate(f, 1):
                line = line.strip()
                if not line:
                    continue
                try:
                    obj = json.loads(line)
                except json.JSONDecodeError as e:
                    die(f"{path}:{n}: not JSON ({e.msg})")
                if obj.get("status") == "ok":
                    out.append(obj)
    except OSError as e:
        die(f"{path}: {e.strerror}")
    return out


def number(row, key, path):
    if key not in row:
        die(f"{path}: no column '{key}' (columns: {', '.join(row)})")
    v = row[key]
    try:
        return float(v)
    except ValueError:
        return math.nan


def save(fig, out):
    os.makedirs(os.path.dirname(os.path.abspath(out)), exist_ok=True)
    fig.tight_layout()
    fig.savefig(out, dpi=120)
    print(f"plot.py: wrote {out}")


def plot_fig5(args):
    rows = read_csv(args.input)
    by = {(r["dist"], r["format"]): number(r, "bits_of_accuracy", args.input) for r in rows}
    dists = [d for d in PAPER_FIG5 if any(k[0] == d for k in by)]
    if not dists:
        die(f"{args.input}: no rows for {', '.join(PAPER_FIG5)}")
    fig, ax = plt.subplots(figsize=(8, 4.2))
    width = 0.16
    for i, (fmt, label) in enumerate(zip(FIG5_FORMATS, FIG5_LABELS)):
        xs = [d_i + (i - 2) * width for d_i in range(len(dists))]
        ys = [by.get((d, fmt), math.nan) for d in dists]
        ax.bar(xs, ys, width, label=f"{label} (qmac)")
        ax.scatter(xs, [PAPER_FIG5[d][i] for d in dists], marker="_", s=180, color="black", zorder=3,
                   label="paper (Fig. 5)" if i == 0 else None)
    ax.set_xticks(range(len(dists)))
    ax.set_xticklabels([d.replace("student_t:3", "Student-t (nu=3)") for d in dists])
    ax.set_ylabel("bits of accuracy = log2(sigma / RMSE)")
    ax.set_title("8-bit formats at their MSE-best scale: qmac vs the paper's Fig. 5")
    ax.legend(ncol=3, fontsize=8)
    ax.grid(axis="y", alpha=0.3)
    save(fig, args.out)


def plot_fig3(args):
    rows = read_jsonl(args.input)
    if not rows:
        die(f"{args.input}: no successful points")
    labels, stacks = [], []
    for r in rows:
        cost = r["result"].get("cost", {})
        groups = cost.get("groups")
        if not groups:
            die(f"{args.input}: point {r['point']} has no cost.groups (run the sweep with qmac cost/run)")
        o = r.get("overrides", {})
        acc = o.get("mac.accumulator.format") or o.get("mac.accumulator.type", "")
        fmt = o.get("mac.a", "?")
        labels.append(f"{FORMAT_LABEL.get(fmt, fmt)}\n{acc}")
        stacks.append({g: v for g, v in groups.items() if g in GROUP_ORDER})
    fig, ax = plt.subplots(figsize=(max(8, 0.6 * len(rows)), 4.5))
    bottom = [0.0] * len(rows)
    for g in GROUP_ORDER:
        vals = [s.get(g, 0.0) for s in stacks]
        ax.bar(range(len(rows)), vals, bottom=bottom, label=GROUP_LABEL[g])
        bottom = [b + v for b, v in zip(bottom, vals)]
    ax.set_xticks(range(len(rows)))
    ax.set_xticklabels(labels, fontsize=7)
    ax.set_ylabel("NAND2-equivalent gates per MAC")
    ax.set_title("Gates per MAC by component group (qmac cost model; cf. the paper's Fig. 3)")
    ax.legend(fontsize=8, loc="upper left")
    ax.grid(axis="y", alpha=0.3)
    save(fig, args.out)


def plot_line(args):
    rows = read_csv(args.input)
    series_keys = [s for s in (args.series or "").split(",") if s]
    groups = {}
    for r in rows:
        key = tuple(r.get(k, "") for k in series_keys)
        groups.setdefault(key, []).append((number(r, args.x, args.input), number(r, args.y, args.input)))
    fig, ax = plt.subplots(figsize=(7, 4.2))
    def natural(key):  # numbers in numeric order, then text
        return [(0, float(v), "") if v.replace(".", "", 1).lstrip("-").isdigit() else (1, 0.0, v) for v in key[0]]

    for key, pts in sorted(groups.items(), key=natural):
        pts.sort()
        label = ", ".join(f"{k}={v}" for k, v in zip(series_keys, key)) or None
        ax.plot([p[0] for p in pts], [p[1] for p in pts], marker="o", label=label)
    ax.set_xlabel(args.x)
    ax.set_ylabel(args.y)
    if args.logy:
        ax.set_yscale("log")
    if series_keys:
        ax.legend(fontsize=8)
    ax.grid(alpha=0.3)
    ax.set_title(args.title or f"{args.y} vs {args.x}")
    save(fig, args.out)


def plot_bars(args):
    rows = read_csv(args.input)
    series_keys = [k for k in args.series.split(",") if k]
    groups, series, val = [], [], {}
    for r in rows:
        g = r.get(args.group, "")
        sname = " ".join(v for v in (r.get(k, "") for k in series_keys) if v)
        groups += [g] if g not in groups else []
        series += [sname] if sname not in series else []
        val[(g, sname)] = number(r, args.y, args.input)
    fig, ax = plt.subplots(figsize=(max(7, 1.2 * len(groups) * max(1, len(series)) / 3), 4.5))
    width = 0.8 / max(1, len(series))
    for i, sname in enumerate(series):
        xs = [g_i + (i - (len(series) - 1) / 2) * width for g_i in range(len(groups))]
        ys = [val.get((g, sname), math.nan) for g in groups]
        bars = ax.bar(xs, ys, width, label=sname)
        # A measured point without a value (an empty cell: JSON null, e.g. an SQNR
        # of -inf after an overflow) is marked, not left as a silent gap.
        for x, y, g in zip(xs, ys, groups):
            if math.isnan(y) and (g, sname) in val:
                ax.annotate(args.missing_label, (x, 0), ha="center", va="bottom", fontsize=7, rotation=90,
                            color=bars.patches[0].get_facecolor())
    ax.set_xticks(range(len(groups)))
    ax.set_xticklabels(groups)
    ax.set_xlabel(args.group)
    ax.set_ylabel(args.y)
    ax.set_title(args.title or f"{args.y} by {args.group}")
    ax.legend(fontsize=7, ncol=2)
    ax.grid(axis="y", alpha=0.3)
    save(fig, args.out)


def pareto_front(points):
    """Indices of the points no other point beats on both axes (smaller x, larger y)."""
    front = []
    for i, (x, y) in enumerate(points):
        if any((x2 <= x and y2 >= y) and (x2 < x or y2 > y) for x2, y2 in points):
            continue
        front.append(i)
    return sorted(front, key=lambda i: points[i][0])


def plot_pareto(args):
    rows = read_csv(args.input)
    label_keys = [s for s in (args.label or "").split(",") if s]
    pts, labels = [], []
    for r in rows:
        x, y = number(r, args.x, args.input), number(r, args.y, args.input)
        if math.isnan(x) or math.isnan(y):
            continue
        pts.append((x, y))
        labels.append(" ".join(r.get(k, "") for k in label_keys))
    if not pts:
        die(f"{args.input}: no points with both {args.x} and {args.y}")
    front = pareto_front(pts)
    fig, ax = plt.subplots(figsize=(7.5, 4.8))
    ax.scatter([p[0] for p in pts], [p[1] for p in pts], color="0.6", label="design points")
    ax.plot([pts[i][0] for i in front], [pts[i][1] for i in front], color="C3", marker="o", label="Pareto front")
    for i in front:
        ax.annotate(labels[i], pts[i], fontsize=7, xytext=(4, 4), textcoords="offset points")
    ax.set_xlabel(args.x + " (smaller is better)")
    ax.set_ylabel(args.y + " (larger is better)")
    ax.set_title(args.title or "Cost vs accuracy across formats and accumulators")
    ax.grid(alpha=0.3)
    ax.legend(fontsize=8)
    save(fig, args.out)


# ---- networks (configs/sweeps/networks.yaml: a point is a whole network) ----

def network_label(ov):
    """A short name of a network point's precision, from its sweep overrides."""
    pol = ov.get("policy", "none")
    if pol not in ("none", ""):
        return "mixed: " + os.path.splitext(os.path.basename(pol))[0]
    fmt = {"int8": "INT8", "fp8_e4m3": "FP8-E4M3", "fp8_e5m2": "FP8-E5M2"}.get(ov.get("mac.a"), ov.get("mac.a", "?"))
    acc = ov.get("mac.accumulator.format") or ("int" + ov.get("mac.accumulator.width", ""))
    return f"{fmt} / {acc.upper()}"


def read_networks(path):
    """The finished points of a networks sweep's JSON lines, with their network and label."""
    points = []
    for obj in read_jsonl(path):
        r = obj.get("result", {})
        if "layers" not in r:
            die(f"{path}: point {obj.get('point')} is not a network run (no 'layers')")
        points.append({"network": r["topology"]["name"], "topology": r["topology"]["path"],
                       "label": network_label(obj.get("overrides", {})), "overrides": obj.get("overrides", {}),
                       "result": r})
    if not points:
        die(f"{path}: no finished network points")
    return points


def plot_layers(args):
    pts = [p for p in read_networks(args.input) if p["network"] == args.network]
    if args.labels:
        keep = args.labels.split(",")
        pts = [p for p in pts if p["label"] in keep]
    if not pts:
        die(f"{args.input}: no points of network '{args.network}'")
    names = [l["name"] for l in pts[0]["result"]["layers"]]
    fig, ax = plt.subplots(figsize=(max(8, 0.32 * len(names) * max(1, len(pts)) / 2), 4.6))
    width = 0.8 / len(pts)
    for i, p in enumerate(pts):
        ys = [l["accuracy"]["sqnr_db"] for l in p["result"]["layers"]]
        ys = [math.nan if y is None else y for y in ys]
        xs = [j + (i - (len(pts) - 1) / 2) * width for j in range(len(names))]
        ax.bar(xs, ys, width, label=p["label"])
    ax.set_xticks(range(len(names)))
    ax.set_xticklabels(names, rotation=90, fontsize=6)
    ax.set_ylabel("layer SQNR vs FP64 (dB)")
    ax.set_title(args.title or f"{args.network}: SQNR of every layer by precision")
    ax.legend(fontsize=7, ncol=2)
    ax.grid(axis="y", alpha=0.3)
    save(fig, args.out)


def plot_netpareto(args):
    pts = read_networks(args.input)
    nets = list(dict.fromkeys(p["network"] for p in pts))
    cols = min(3, len(nets))
    rows = (len(nets) + cols - 1) // cols
    fig, axes = plt.subplots(rows, cols, figsize=(5 * cols, 3.8 * rows), squeeze=False)
    for ax, net in zip(axes.flat, nets):
        mine = [p for p in pts if p["network"] == net and p["result"]["accuracy"]["sqnr_db"] is not None]
        xy = [(p["result"]["cost"]["area_um2"] / 1e6, p["result"]["accuracy"]["sqnr_db"]) for p in mine]
        ax.scatter([x for x, _ in xy], [y for _, y in xy], color="0.6")
        front = pareto_front(xy)
        ax.plot([xy[i][0] for i in front], [xy[i][1] for i in front], color="C3", marker="o")
        for (x, y), p in zip(xy, mine):
            ax.annotate(p["label"], (x, y), fontsize=6, xytext=(3, 3), textcoords="offset points")
        ax.set_title(net, fontsize=9)
        ax.set_xlabel("array area, mm² (smaller is better)", fontsize=8)
        ax.set_ylabel("network SQNR, dB", fontsize=8)
        ax.grid(alpha=0.3)
    for ax in list(axes.flat)[len(nets):]:
        ax.axis("off")
    fig.suptitle(args.title or "Area vs accuracy per network (red: Pareto front)", fontsize=10)
    save(fig, args.out)


def main():
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    sub = p.add_subparsers(dest="what", required=True)
    for name in ("fig5", "fig3", "line", "pareto", "bars", "layers", "netpareto"):
        s = sub.add_parser(name)
        s.add_argument("input")
        s.add_argument("--out", required=True, help="FILE.png or FILE.svg")
        s.add_argument("--title")
        s.add_argument("--where", action="append", default=[], help="KEY=VALUE: only rows with this value")
        if name in ("line", "pareto"):
            s.add_argument("--x", required=True)
            s.add_argument("--y", required=True)
        if name == "line":
            s.add_argument("--series")
            s.add_argument("--logy", action="store_true")
        if name == "pareto":
            s.add_argument("--label")
        if name == "layers":
            s.add_argument("--network", required=True, help="the network's name (its topology's `name`)")
            s.add_argument("--labels", help="precisions to draw, comma-separated (default: all)")
        if name == "bars":
            s.add_argument("--group", required=True, help="column whose values are the bar groups")
            s.add_argument("--missing-label", default="n/a",
                           help="text marking a measured point whose value is empty (JSON null)")
            s.add_argument("--series", required=True, help="columns (comma-separated) naming each bar")
            s.add_argument("--y", required=True)
    args = p.parse_args()
    for w in args.where:
        if "=" not in w:
            die(f"--where {w}: expected KEY=VALUE")
        WHERE.append(tuple(w.split("=", 1)))
    {"fig5": plot_fig5, "fig3": plot_fig3, "line": plot_line, "pareto": plot_pareto,
     "bars": plot_bars, "layers": plot_layers, "netpareto": plot_netpareto}[args.what](args)


if __name__ == "__main__":
    main()
