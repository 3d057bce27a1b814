#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""Turns one ct_bench run into the benchmark report.

    python3 benchmarks/report.py --bench ct_bench.json [--python python.json]
        [--strace strace_idle.txt] [--out-dir benchmarks/results] [--title TEXT]

Reads Google Benchmark's JSON (ct_bench --benchmark_out=FILE
--benchmark_out_format=json) and, when given, python_peer.py's JSON and
strace_idle.sh's output. Writes OUT_DIR/latest.md (every suite with the ratio
cthreading / each peer, the targets with their ratios, the sizes and the CPython
numbers) and OUT_DIR/contended.svg (contended throughput against threads,
drawn here: no plotting package needed). Prints the lock throughput table.
Standard library only.
"""
import argparse
import json
import math
import os
import re
import sys

CT = "cthreading"
THREADS = (1, 2, 4, 8, 16)

# suite -> (title, metric, unit, better): metric "time" is Google Benchmark's
# real time per operation; the others are counters the benchmarks report.
SUITES = {
    "lock_uncontended": ("Lock acquire + release, one thread", "time", "ns", "lower"),
    "rlock_uncontended": ("RLock acquire + release, one thread", "time", "ns", "lower"),
    "rlock_reentry": ("RLock acquire + release while already held (re-entry)", "time", "ns", "lower"),
    "lock_contended_tiny": ("Contended lock, tiny critical section", "ops_per_s", "Mops/s", "higher"),
    "lock_contended_work": ("Contended lock, ~100 ns inside and ~100 ns outside", "ops_per_s",
                            "Mops/s", "higher"),
    "lock_fair_sweep_tiny": ("Contended lock, tiny critical section, fairness knob swept", "ops_per_s",
                             "Mops/s", "higher"),
    "lock_fair_sweep_work": ("Contended lock, ~100 ns inside and outside, fairness knob swept",
                             "ops_per_s", "Mops/s", "higher"),
    "pingpong_event": ("Event ping-pong between two threads (round trip)", "round_trip", "ns", "lower"),
    "pingpong_semaphore": ("Semaphore ping-pong between two threads (round trip)", "round_trip", "ns",
                           "lower"),
    "pingpong_condition": ("Condition ping-pong between two threads (round trip)", "round_trip", "ns",
                           "lower"),
    "rwlock_read_uncontended": ("RWLock read acquire + release, one thread", "time", "ns", "lower"),
    "rwlock_write_uncontended": ("RWLock write acquire + release, one thread", "time", "ns", "lower"),
    "rwlock_mix_99": ("RWLock, 99% reads / 1% writes, ~100 ns inside and ~100 ns outside",
                      "ops_per_s", "Mops/s", "higher"),
    "rwlock_mix_90": ("RWLock, 90% reads / 10% writes, ~100 ns inside and ~100 ns outside",
                      "ops_per_s", "Mops/s", "higher"),
    "rwlock_mix_50": ("RWLock, 50% reads / 50% writes, ~100 ns inside and ~100 ns outside",
                      "ops_per_s", "Mops/s", "higher"),
    "once_done": ("call_once on a once already done", "time", "ns", "lower"),
    "idle_event_set": ("Event.set with nobody waiting", "time", "ns", "lower"),
    "idle_condition_notify": ("Condition.notify with nobody waiting", "time", "ns", "lower"),
    "idle_semaphore_release": ("Semaphore.release with nobody waiting", "time", "ns", "lower"),
    "thread_start_join": ("Thread start + join", "time", "us", "lower"),
    "queue_1p1c_unbounded": ("Queue, 1 producer / 1 consumer, unbounded", "items_per_s", "Mitems/s",
                             "higher"),
    "queue_1p1c_bounded16": ("Queue, 1 producer / 1 consumer, maxsize 16", "items_per_s", "Mitems/s",
                             "higher"),
    "queue_4p4c_unbounded": ("Queue, 4 producers / 4 consumers, unbounded", "items_per_s", "Mitems/s",
                             "higher"),
    "queue_4p4c_bounded16": ("Queue, 4 producers / 4 consumers, maxsize 16", "items_per_s", "Mitems/s",
                             "higher"),
    "pool_100k_tasks": ("Pool: 100,000 empty tasks, submit -> all results", "tasks_per_s", "Mtasks/s",
                        "higher"),
    "pool_round_trip": ("Pool: one task's round trip (submit -> result)", "time", "us", "lower"),
    "as_completed_collect": ("Collecting pool results as they finish: as_completed over 100,000 "
                             "futures (futures_wait_loop: FIRST_COMPLETED waits over 10,000)",
                             "futures_per_s", "Mfutures/s", "higher"),
    "pool_map_100k": ("Pool: map over 100,000 empty calls (submit_result_loop: submit all, "
                      "then each result)", "tasks_per_s", "Mtasks/s", "higher"),
}
# Pool peers that give no future per task, only the task's completion: the pool
# target is set against the others, and these are reported beside it.
POOL_SUITES = ("pool_100k_tasks", "pool_round_trip")
NO_FUTURE_PEERS = ("tbb_task_group", "glib_gthreadpool", "asio_thread_pool_post")
# Locks that never put a waiter to sleep: "best sleeping peer" leaves them out.
SPINNING_PEERS = ("ttas_spinlock", "ck_spinlock_mcs", "ck_spinlock_ticket", "tbb_spin_mutex",
                  "tbb_queuing_mutex")
# The fairness knob swept (benchmarks/lock_sweep.c), beside the suite whose workload it runs.
SWEEPS = {"lock_fair_sweep_tiny": "lock_contended_tiny", "lock_fair_sweep_work": "lock_contended_work"}
SCALE = {"ns": 1.0, "us": 1e-3, "Mops/s": 1e-6, "Mitems/s": 1e-6, "Mtasks/s": 1e-6,
         "Mfutures/s": 1e-6}


# ------------------------------------------------------------------ reading

def to_ns(value, unit):
    return value * {"ns": 1.0, "us": 1e3, "ms": 1e6, "s": 1e9}[unit]


def load_bench(path):
    """{(suite, impl, threads): {"time": ns, counters...}} from Google Benchmark JSON;
    with repetitions, the median."""
    with open(path) as f:
        data = json.load(f)
    runs = {}
    has_median = any(b.get("aggregate_name") == "median" for b in data["benchmarks"])
    for b in data["benchmarks"]:
        if b.get("error_occurred"):
            continue
        if has_median and b.get("aggregate_name") != "median":
            continue
        if not has_median and b.get("run_type") == "aggregate":
            continue
        parts = b["run_name"].split("/")
        suite, impl = parts[0], parts[1]
        m = re.search(r"threads:(\d+)", b["run_name"])
        threads = int(m.group(1)) if m else 1
        entry = {"time": to_ns(b["real_time"], b["time_unit"])}
        for key in ("ops_per_s", "jain", "max_wait_us", "max_writer_wait_us", "round_trips_per_s",
                    "items_per_s", "tasks_per_s", "futures_per_s"):
            if key in b:
                entry[key] = b[key]
        if "round_trips_per_s" in entry:
            entry["round_trip"] = 1e9 / entry["round_trips_per_s"]
        runs[(suite, impl, threads)] = entry
    return data.get("context", {}), runs


def value(runs, suite, impl, threads=None):
    metric, unit = SUITES[suite][1], SUITES[suite][2]
    if threads is None:
        threads = next((t for (s, i, t) in runs if s == suite and i == impl), 1)
    entry = runs.get((suite, impl, threads))
    if not entry or metric not in entry:
        return None
    v = entry[metric]
    if metric == "time" or metric == "round_trip":
        return v * SCALE[unit]
    return v * SCALE[unit]


def impls_of(runs, suite):
    seen = []
    for (s, i, _) in runs:
        if s == suite and i not in seen:
            seen.append(i)
    return sorted(seen, key=lambda i: (i != CT, seen.index(i)))


def threads_of(runs, suite):
    return sorted({t for (s, _, t) in runs if s == suite})


# ------------------------------------------------------------------ markdown

def fmt(v):
    if v is None:
        return "—"
    if v >= 100:
        return f"{v:.0f}"
    if v >= 10:
        return f"{v:.1f}"
    return f"{v:.2f}"


def ratio(a, b):
    return a / b if a is not None and b not in (None, 0) else None


def fmt_ratio(r):
    return "—" if r is None else f"{r:.2f}×"


def suite_table(runs, suite):
    """One suite: a row per thread count, a column per implementation, and the
    ratio cthreading / each peer."""
    title, metric, unit, better = SUITES[suite]
    impls = impls_of(runs, suite)
    if not impls:
        return []
    peers = [i for i in impls if i != CT]
    threads = threads_of(runs, suite)
    multi = len(threads) > 1 or threads != [1]
    lines = [f"### {title}", "",
             f"`{suite}`: {unit}, {better} is better; ratio = cthreading / peer "
             f"({'≤' if better == 'lower' else '≥'} 1 means cthreading is as fast or faster).", ""]
    head = (["threads"] if multi else []) + [f"{i}" for i in impls] + [f"÷ {p}" for p in peers]
    contended = suite.startswith("lock_contended")
    mix = suite.startswith("rwlock_mix")
    if contended:
        head += ["Jain (ct)", "max wait ms (ct)"]
    if mix:
        head += ["Jain (ct)", "longest writer wait ms (ct)"]
    lines.append("| " + " | ".join(head) + " |")
    lines.append("|" + "---|" * len(head))
    for t in threads:
        vals = {i: value(runs, suite, i, t) for i in impls}
        row = ([str(t)] if multi else [])
        row += [fmt(vals[i]) for i in impls]
        row += [fmt_ratio(ratio(vals.get(CT), vals[p])) for p in peers]
        if contended:
            entry = runs.get((suite, CT, t), {})
            row.append(f"{entry['jain']:.3f}" if "jain" in entry else "—")
            row.append(f"{entry['max_wait_us'] / 1e3:.2f}" if "max_wait_us" in entry else "—")
        if mix:
            entry = runs.get((suite, CT, t), {})
            row.append(f"{entry['jain']:.3f}" if "jain" in entry else "—")
            row.append(f"{entry['max_writer_wait_us'] / 1e3:.2f}" if "max_writer_wait_us" in entry
                       else "—")
        lines.append("| " + " | ".join(row) + " |")
    if suite in POOL_SUITES:
        bare = [p for p in peers if p in NO_FUTURE_PEERS]
        if bare:
            lines += ["", "No future per task (a task's completion only): "
                      + ", ".join(f"`{p}`" for p in bare) + "."
                      + (" `tbb::task_group::wait()` runs queued tasks on the waiting thread "
                         "itself." if "tbb_task_group" in bare else "")]
    lines.append("")
    return lines


def fairness_table(runs, suite):
    impls = impls_of(runs, suite)
    threads = [t for t in threads_of(runs, suite) if t > 1]
    lines = [f"Fairness in `{suite}`: Jain's index over per-thread acquisition counts "
             "(1 = equal shares) / longest single wait in ms.", "",
             "| threads | " + " | ".join(impls) + " |", "|---|" + "---|" * len(impls)]
    for t in threads:
        cells = []
        for i in impls:
            e = runs.get((suite, i, t), {})
            if "jain" in e and "max_wait_us" in e:
                cells.append(f"{e['jain']:.2f} / {e['max_wait_us'] / 1e3:.1f}")
            else:
                cells.append("—")
        lines.append(f"| {t} | " + " | ".join(cells) + " |")
    lines.append("")
    return lines


def best_sleeping_peer(runs, suite, threads):
    """(name, Mops/s) of the fastest peer in suite at threads that can sleep."""
    peers = [i for i in impls_of(runs, suite) if i != CT and i not in SPINNING_PEERS]
    best = max(peers, key=lambda p: value(runs, suite, p, threads) or 0, default=None)
    return best, (value(runs, suite, best, threads) if best else None)


def knob_points(runs, sweep):
    """The fairness knob's points (impl names) swept in sweep, longest delay first."""
    return sorted(impls_of(runs, sweep), key=lambda p: -int(re.search(r"\d+", p).group()))


def knob_label(point):
    """'500us (default)' for fair_after_500us_default."""
    return point.replace("fair_after_", "").replace("_default", " (default)")


def fair_sweep_section(runs):
    """The fairness knob's curve: for each value of how long the first parked
    waiter waits before it is handed the lock, Jain's index, the longest wait
    and the throughput against the best sleeping peer of the same run."""
    lines = []
    for sweep, suite in SWEEPS.items():
        points = knob_points(runs, sweep)
        if not points:
            continue
        threads = threads_of(runs, sweep)
        lines += [f"### Fairness knob: `{sweep}` ({SUITES[suite][0].lower()})", "",
                  "How long the first parked waiter waits before a release hands it the lock "
                  "(`_default`: the library's value). Each cell: Jain's index / longest wait in ms / "
                  "throughput ÷ the best sleeping peer in `" + suite + "` at that thread count "
                  "(" + ", ".join(f"{t}: {best_sleeping_peer(runs, suite, t)[0] or '—'}" for t in threads)
                  + ").", "",
                  "| fair after | " + " | ".join(f"{t} threads" for t in threads) + " |",
                  "|---|" + "---|" * len(threads)]
        for point in points:
            cells = []
            for t in threads:
                e = runs.get((sweep, point, t), {})
                r = ratio(value(runs, sweep, point, t), best_sleeping_peer(runs, suite, t)[1])
                if "jain" in e and "max_wait_us" in e:
                    cells.append(f"{e['jain']:.2f} / {e['max_wait_us'] / 1e3:.1f} / {fmt_ratio(r)}")
                else:
                    cells.append("—")
            lines.append(f"| {knob_label(point)} | " + " | ".join(cells) + " |")
        lines += ["", knob_choice(runs, sweep, suite, points, threads), ""]
    return lines


def knob_choice(runs, sweep, suite, points, threads):
    """Which point a user would pick from this curve: the shortest delay (the
    fairest) that keeps the throughput target at every thread count."""
    def keeps_pace(point):
        return all((value(runs, sweep, point, t) or 0) >=
                   SLEEPING_PEER_MIN * (best_sleeping_peer(runs, suite, t)[1] or float("inf"))
                   for t in threads)
    default = next((p for p in points if p.endswith("_default")), None)
    shortest = next((p for p in reversed(points) if keeps_pace(p)), None)
    name = lambda p: knob_label(p).replace(" (default)", "")
    if shortest is None:
        return (f"No delay keeps ≥ {SLEEPING_PEER_MIN} × the best sleeping peer at every thread count "
                "in this suite; the default is set by the other suite's curve.")
    return (f"The shortest delay that keeps ≥ {SLEEPING_PEER_MIN} × the best sleeping peer at every thread "
            f"count here (the fairest such point) is {name(shortest)}; the library's default is "
            f"{name(default) if default else 'not in this sweep'}.")


def lock_throughput_table(runs):
    """The table the main job prints: contended throughput, cthreading against
    the best peer at each thread count."""
    lines = []
    for suite in ("lock_contended_tiny", "lock_contended_work"):
        impls = impls_of(runs, suite)
        if CT not in impls:
            continue
        peers = [i for i in impls if i != CT]
        lines.append(f"{SUITES[suite][0]} (Mops/s)")
        head = ["threads", CT] + peers + ["best peer", "ct/best", "Jain", "max wait ms"]
        widths = [max(7, len(h)) for h in head]
        lines.append("  ".join(h.rjust(w) for h, w in zip(head, widths)))
        for t in threads_of(runs, suite):
            vals = {i: value(runs, suite, i, t) for i in impls}
            best = max((p for p in peers if vals[p] is not None), key=lambda p: vals[p], default=None)
            e = runs.get((suite, CT, t), {})
            cells = [str(t)] + [fmt(vals[i]) for i in impls]
            cells += [best or "—", fmt_ratio(ratio(vals[CT], vals.get(best)) if best else None),
                      f"{e['jain']:.3f}" if "jain" in e else "—",
                      f"{e['max_wait_us'] / 1e3:.2f}" if "max_wait_us" in e else "—"]
            lines.append("  ".join(c.rjust(w) for c, w in zip(cells, widths)))
        lines.append("")
    return lines


# ------------------------------------------------------------------- targets

JAIN_MIN = 0.85          # fairness under oversubscription, every thread count
WAIT_MAX_MS = 10.0       # longest single wait for the lock
SLEEPING_PEER_MIN = 1.5  # contended throughput ÷ the best peer that can sleep


def sweep_points(runs, suite):
    """The fairness knob's points swept beside suite: (label, impl), longest delay first."""
    sweep = next((s for s, base in SWEEPS.items() if base == suite), None)
    if sweep is None:
        return None, []
    return sweep, [(knob_label(p), p) for p in knob_points(runs, sweep)]


def knob_point_for(runs, suite, threads, meets):
    """The knob's point that meets a target at threads with the most throughput:
    a 'with the knob at X: ...' text, or the knob's curve named when no point does."""
    sweep, points = sweep_points(runs, suite)
    if not points:
        return ""
    best_peer = best_sleeping_peer(runs, suite, threads)[1]
    found = [(value(runs, sweep, p, threads) or 0, label, runs.get((sweep, p, threads), {}))
             for label, p in points if meets(runs.get((sweep, p, threads), {}))]
    if not found:
        return f"no point of the fairness knob meets it at {threads} threads (curve: `{sweep}` below)"
    rate, label, e = max(found, key=lambda f: f[0])
    if label.endswith("(default)"):
        return (f"the same setting met it at {threads} threads in the knob's sweep (Jain {e['jain']:.2f}, "
                f"longest wait {e['max_wait_us'] / 1e3:.1f} ms): on 2 shared cores both vary from run to run "
                f"(curve: `{sweep}` below)")
    return (f"the fairness knob at {label} meets it at {threads} threads "
            f"(Jain {e['jain']:.2f}, longest wait {e['max_wait_us'] / 1e3:.1f} ms) for "
            f"{fmt_ratio(ratio(rate, best_peer))} the best sleeping peer (curve: `{sweep}` below)")


def sleeping_peers_waits(runs, suite, threads):
    waits = sorted((runs[(suite, p, threads)]["max_wait_us"] / 1e3, p)
                   for p in impls_of(runs, suite)
                   if p != CT and p not in SPINNING_PEERS and "max_wait_us" in runs.get((suite, p, threads), {}))
    if not waits:
        return ""
    return (f"at {threads} threads the locks that put waiters to sleep have longest waits of "
            f"{waits[0][0]:.1f} ({waits[0][1]}) to {waits[-1][0]:.1f} ms ({waits[-1][1]}): with more threads "
            "than processors a woken waiter waits for the scheduler to give it one "
            "(docs/design.md, \"The fairness rule\")")


def contended_targets(runs, suite, check):
    """Issue 15's targets for a contended suite at 2..16 threads: Jain's index,
    the longest wait, and throughput against the best peer that can sleep;
    each one missed comes with its measured reason."""
    peers = [i for i in impls_of(runs, suite) if i != CT]
    rows = []
    for t in (2, 4, 8, 16):
        v, e = value(runs, suite, CT, t), runs.get((suite, CT, t), {})
        if v is None:
            continue
        best_any = max(peers, key=lambda p: value(runs, suite, p, t) or 0, default=None)
        sleeper, sleeper_v = best_sleeping_peer(runs, suite, t)
        rows.append((t, v, e, best_any, value(runs, suite, best_any, t) if best_any else None,
                     sleeper, sleeper_v))
    if not rows:
        return

    t, v, e, best_any, best_any_v, sleeper, sleeper_v = min(rows, key=lambda r: r[1] / (r[4] or r[1]))
    met = best_any_v is not None and v >= best_any_v
    why = ""
    if not met and best_any in SPINNING_PEERS:
        why = (f"{best_any} never puts a waiter to sleep; against the best lock that does "
               f"({sleeper}) cthreading is {fmt_ratio(ratio(v, sleeper_v))} there")
    check(f"`{suite}` 2..16 threads ≥ best peer (lowest ct/best)",
          f"{fmt_ratio(ratio(v, best_any_v))} at {t} threads ({fmt(v)} vs {best_any} {fmt(best_any_v)} Mops/s)",
          met, why)

    t, v, e, best_any, best_any_v, sleeper, sleeper_v = min(rows, key=lambda r: r[1] / (r[6] or r[1]))
    r = ratio(v, sleeper_v)
    met = r is not None and r >= SLEEPING_PEER_MIN
    why = ""
    if not met:
        fastest = max(impls_of(runs, suite), key=lambda p: value(runs, suite, p, t) or 0)
        fastest_v = value(runs, suite, fastest, t)
        if fastest_v is not None and fastest_v < SLEEPING_PEER_MIN * sleeper_v:
            why = (f"no lock in this run, spinning or sleeping, reaches {SLEEPING_PEER_MIN} × {sleeper} "
                   f"({fmt(SLEEPING_PEER_MIN * sleeper_v)} Mops/s) at {t} threads: the fastest is "
                   f"{fastest} at {fmt(fastest_v)} Mops/s, so the critical section, not the lock, "
                   "sets the pace")
        else:
            why = knob_point_for(runs, suite, t,
                                 lambda e: e.get("ops_per_s", 0) * 1e-6 >= SLEEPING_PEER_MIN * sleeper_v)
    check(f"`{suite}` 2..16 threads ≥ {SLEEPING_PEER_MIN} × the best peer that sleeps (lowest)",
          f"{fmt_ratio(r)} at {t} threads ({fmt(v)} vs {sleeper} {fmt(sleeper_v)} Mops/s)", met, why)

    fair_rows = [row for row in rows if row[0] > 1 and "jain" in row[2]]
    if fair_rows:
        t, v, e = min(fair_rows, key=lambda r: r[2]["jain"])[:3]
        met = e["jain"] >= JAIN_MIN
        check(f"`{suite}` Jain ≥ {JAIN_MIN} at 2..16 threads (lowest)", f"{e['jain']:.3f} at {t} threads",
              met, knob_point_for(runs, suite, t, lambda e: e.get("jain", 0) >= JAIN_MIN))

    wait_rows = [row for row in rows if "max_wait_us" in row[2]]
    if wait_rows:
        t, v, e = max(wait_rows, key=lambda r: r[2]["max_wait_us"])[:3]
        met = e["max_wait_us"] / 1e3 <= WAIT_MAX_MS
        why = "; ".join(w for w in (
            sleeping_peers_waits(runs, suite, t),
            knob_point_for(runs, suite, t, lambda e: e.get("max_wait_us", 1e12) / 1e3 <= WAIT_MAX_MS)) if w)
        check(f"`{suite}` longest wait ≤ {WAIT_MAX_MS:g} ms", f"{e['max_wait_us'] / 1e3:.2f} ms at {t} threads",
              met, why)


def targets(runs, context, strace_verdict):
    """(target, measured, met, why) for each target of the benchmark issues;
    why is, for a target not met, its reason as this run measured it."""
    out = []

    def check(name, measured, met, why=""):
        out.append((name, measured, met, "" if met else why))

    def pair(suite, peer):
        """ratio cthreading / peer and a 'ratio (a vs b unit)' text"""
        a, b = value(runs, suite, CT), value(runs, suite, peer)
        r = ratio(a, b)
        return r, f"{fmt_ratio(r)} ({fmt(a)} vs {fmt(b)} {SUITES[suite][2]})"

    floor = value(runs, "lock_uncontended", "cas_release_floor")
    for peer, limit in (("ttas_spinlock", 1.15), ("pthread_mutex", 0.6)):
        r, text = pair("lock_uncontended", peer)
        why = ""
        if floor is not None:
            why = (f"a lock that can sleep releases with a compare-and-swap (to see a parked waiter); "
                   f"that floor (`cas_release_floor`, {fmt(floor)} ns) is itself "
                   f"{fmt_ratio(ratio(floor, value(runs, 'lock_uncontended', peer)))} {peer}, and cthreading is "
                   f"{fmt_ratio(ratio(value(runs, 'lock_uncontended', CT), floor))} the floor")
        check(f"uncontended acquire+release ≤ {limit} × {peer}", text, r is not None and r <= limit, why)
    if floor is not None:
        r, text = pair("lock_uncontended", "cas_release_floor")
        check("(context) uncontended acquire+release vs the floor for a lock that can sleep: "
              "the spinlock released with a CAS (≤ 1.05 ×)", text, r is not None and r <= 1.05)

    if value(runs, "lock_uncontended", "cthreading_with_hook") is not None:
        a, b = value(runs, "lock_uncontended", "cthreading_with_hook"), value(runs, "lock_uncontended", CT)
        r = ratio(a, b)
        check("uncontended acquire+release with a contention hook installed ≤ 1.05 × without",
              f"{fmt_ratio(r)} ({fmt(a)} vs {fmt(b)} ns)", r is not None and r <= 1.05)

    for suite in ("lock_contended_tiny", "lock_contended_work"):
        contended_targets(runs, suite, check)

    rwlock_targets(runs, check)

    for suite, peer in (("pingpong_event", "pthread_cond"), ("pingpong_event", "sem_t"),
                        ("pingpong_semaphore", "sem_t"), ("pingpong_condition", "pthread_cond")):
        r, text = pair(suite, peer)
        check(f"`{suite}` ≤ 1.0 × {peer}", text, r is not None and r <= 1.0)

    check("set / notify / release with nobody waiting: no system call",
          strace_verdict or "not measured", bool(strace_verdict) and "no system call" in strace_verdict)

    r, text = pair("thread_start_join", "pthread")
    check("thread start + join ≤ 1.05 × pthread_create + pthread_join", text, r is not None and r <= 1.05)

    r, text = pair("once_done", "pthread_once")
    check("call_once on a once already done ≤ 1.0 × pthread_once", text, r is not None and r <= 1.0)

    for suite, peer in (("queue_1p1c_unbounded", "glib_gasyncqueue"),
                        ("queue_4p4c_unbounded", "glib_gasyncqueue"),
                        ("queue_1p1c_bounded16", "glib_gcond_ring"),
                        ("queue_4p4c_bounded16", "glib_gcond_ring")):
        r, text = pair(suite, peer)
        check(f"`{suite}` ≥ 1.0 × {peer}", text, r is not None and r >= 1.0)

    for suite in POOL_SUITES:
        better = SUITES[suite][3]
        future_peers = [p for p in impls_of(runs, suite) if p != CT and p not in NO_FUTURE_PEERS]
        texts, met = [], bool(future_peers)
        for peer in future_peers:
            r, text = pair(suite, peer)
            texts.append(f"{peer} {text}")
            met = met and r is not None and (r >= 1.0 if better == "higher" else r <= 1.0)
        if value(runs, suite, "tbb_task_group") is not None:
            texts.append("beside it, tbb_task_group (no future) " + pair(suite, "tbb_task_group")[1])
        bound = "≥ 1.0 ×" if better == "higher" else "≤ 1.0 × (time)"
        check(f"`{suite}` {bound} every peer that also gives a future per task",
              "; ".join(texts) or "no such peer measured", met)

    for name, limit in (("ct_lock", 1), ("ct_event", 4), ("ct_semaphore", 16), ("ct_rlock", 16),
                        ("ct_rwlock", 8), ("ct_once", 8)):
        size = context.get(f"size.{name}")
        check(f"sizeof({name}) ≤ {limit}", f"{size} bytes" if size else "—",
              size is not None and int(size) <= limit)
    return out


def rwlock_targets(runs, check):
    """The read-write lock's targets: an uncontended read as cheap as the floor
    for a lock that can sleep, every mix at least the best peer, and no writer
    waiting more than 10 ms."""
    a = value(runs, "rwlock_read_uncontended", CT)
    b = value(runs, "lock_uncontended", "cas_release_floor")
    r = ratio(a, b)
    check("uncontended RWLock read acquire+release ≤ 1.05 × cas_release_floor",
          f"{fmt_ratio(r)} ({fmt(a)} vs {fmt(b)} ns)", r is not None and r <= 1.05)
    worst, worst_at, worst_key, wait_max, wait_at = None, "", None, None, ""
    for suite in ("rwlock_mix_99", "rwlock_mix_90", "rwlock_mix_50"):
        peers = [i for i in impls_of(runs, suite) if i != CT]
        for t in threads_of(runs, suite):
            v = value(runs, suite, CT, t)
            best_peer = max(peers, key=lambda p: value(runs, suite, p, t) or 0, default=None)
            best = value(runs, suite, best_peer, t) if best_peer else None
            if v is not None and best:
                if worst is None or v / best < worst:
                    worst, worst_key = v / best, (suite, t)
                    worst_at = f" in `{suite}` at {t} threads ({fmt(v)} vs {best_peer} {fmt(best)} Mops/s)"
            e = runs.get((suite, CT, t), {})
            if "max_writer_wait_us" in e and (wait_max is None or e["max_writer_wait_us"] / 1e3 > wait_max):
                wait_max, wait_at = e["max_writer_wait_us"] / 1e3, f" in `{suite}` at {t} threads"
    check("every RWLock mix (99/90/50% reads) at every thread count ≥ best peer (lowest ct/best)",
          fmt_ratio(worst) + worst_at, worst is not None and worst >= 1.0, faster_peers_writer_waits(runs, worst_key))
    check("RWLock mixes: longest writer wait ≤ 10 ms",
          "—" if wait_max is None else f"{wait_max:.2f} ms{wait_at}", wait_max is not None and wait_max <= 10)


def faster_peers_writer_waits(runs, key):
    """Why a mix is slower than its peers: how long those faster peers let a writer wait."""
    if key is None:
        return ""
    suite, t = key
    mine = value(runs, suite, CT, t)
    faster = sorted((runs[(suite, p, t)]["max_writer_wait_us"] / 1e3, p) for p in impls_of(runs, suite)
                    if p != CT and (value(runs, suite, p, t) or 0) > (mine or 0)
                    and "max_writer_wait_us" in runs.get((suite, p, t), {}))
    e = runs.get((suite, CT, t), {})
    if not faster or "max_writer_wait_us" not in e or faster[0][0] <= WAIT_MAX_MS:
        return ""
    return (f"every peer faster there lets a writer wait longer than the {WAIT_MAX_MS:g} ms target: "
            f"{faster[0][0]:.1f} ({faster[0][1]}) to {faster[-1][0]:.1f} ms ({faster[-1][1]}), "
            f"against cthreading's {e['max_writer_wait_us'] / 1e3:.1f} ms")


# ------------------------------------------------------------ README summary

README_BEGIN = "<!-- benchmark summary: written by benchmarks/report.py from latest.md's run -->"
README_END = "<!-- end of benchmark summary -->"


def summary_rows(runs, context):
    """The README's short table: (workload, cthreading, peers, ratios) rows,
    every number from this run."""
    rows = []

    def v(suite, impl, t=None):
        return value(runs, suite, impl, t)

    def per_thread(suite, impls, threads):
        return " / ".join(fmt(v(suite, i, t)) for i, t in zip(impls, threads))

    def ratios(suite, peers, threads):
        return " / ".join(fmt_ratio(ratio(v(suite, CT, t), v(suite, p, t))) for p, t in zip(peers, threads))

    def best_at(suite, t, sleeping_only=False):
        peers = [p for p in impls_of(runs, suite) if p != CT and not (sleeping_only and p in SPINNING_PEERS)]
        return max(peers, key=lambda p: v(suite, p, t) or 0, default=None)

    def unit(suite):
        return SUITES[suite][2]

    floor = v("lock_uncontended", "cas_release_floor")
    rows.append(("Lock acquire + release, one thread", f"{fmt(v('lock_uncontended', CT))} ns",
                 f"`ttas_spinlock` {fmt(v('lock_uncontended', 'ttas_spinlock'))}, `pthread_mutex` "
                 f"{fmt(v('lock_uncontended', 'pthread_mutex'))}, the CAS-release floor {fmt(floor)} ns",
                 " / ".join(fmt_ratio(ratio(v("lock_uncontended", CT), x)) for x in
                            (v("lock_uncontended", "ttas_spinlock"), v("lock_uncontended", "pthread_mutex"), floor))))
    for suite, label in (("lock_contended_tiny", "contended Lock, tiny section"),
                         ("lock_contended_work", "contended Lock, ~100 ns in and out")):
        ts = [t for t in (2, 4, 8, 16) if v(suite, CT, t) is not None]
        if not ts:
            continue
        best = [best_at(suite, t) for t in ts]
        sleeping = [best_at(suite, t, True) for t in ts]
        rows.append((f"{label}, {' / '.join(map(str, ts))} threads",
                     f"{per_thread(suite, [CT] * len(ts), ts)} Mops/s",
                     "best: " + " / ".join(f"{fmt(v(suite, p, t))} `{p}`" for p, t in zip(best, ts))
                     + "; best that sleeps: " + " / ".join(f"{fmt(v(suite, p, t))} `{p}`" for p, t in zip(sleeping, ts)),
                     f"{ratios(suite, best, ts)}; {ratios(suite, sleeping, ts)}"))
        cells = [runs.get((suite, CT, t), {}) for t in ts]
        rows.append((f"{label}: Jain's index / longest wait, {' / '.join(map(str, ts))} threads",
                     " / ".join(f"{e.get('jain', 0):.2f}, {e.get('max_wait_us', 0) / 1e3:.1f} ms" for e in cells),
                     "`pthread_mutex`: " + " / ".join(
                         f"{runs.get((suite, 'pthread_mutex', t), {}).get('jain', 0):.2f}, "
                         f"{runs.get((suite, 'pthread_mutex', t), {}).get('max_wait_us', 0) / 1e3:.1f} ms" for t in ts),
                     ""))
    rw = [("rwlock_read_uncontended", "read"), ("rwlock_write_uncontended", "write")]
    rows.append(("RWLock read / write acquire + release, one thread",
                 " / ".join(fmt(v(s_, CT)) for s_, _ in rw) + " ns",
                 "`pthread_rwlock` " + " / ".join(fmt(v(s_, "pthread_rwlock")) for s_, _ in rw) + " ns",
                 " / ".join(fmt_ratio(ratio(v(s_, CT), v(s_, "pthread_rwlock"))) for s_, _ in rw)))
    for suite, label in (("rwlock_mix_99", "RWLock 99% reads"), ("rwlock_mix_50", "RWLock 50% reads")):
        ts = [t for t in (1, 2, 4, 8, 16) if v(suite, CT, t) is not None]
        if not ts:
            continue
        best = [best_at(suite, t) for t in ts]
        waits = [runs.get((suite, CT, t), {}).get("max_writer_wait_us", 0) / 1e3 for t in ts]
        peer_waits = [runs.get((suite, p, t), {}).get("max_writer_wait_us", 0) / 1e3 for p, t in zip(best, ts)]
        rows.append((f"{label}, {' / '.join(map(str, ts))} threads (longest writer wait)",
                     f"{per_thread(suite, [CT] * len(ts), ts)} Mops/s ({' / '.join(f'{w:.1f}' for w in waits)} ms)",
                     "best: " + " / ".join(f"{fmt(v(suite, p, t))} `{p}`" for p, t in zip(best, ts))
                     + f" ({' / '.join(f'{w:.1f}' for w in peer_waits)} ms)",
                     ratios(suite, best, ts)))
    simple = (("once_done", "`ct_call_once` on a done once", ("pthread_once", "c11_call_once")),
              ("pingpong_event", "Event ping-pong, round trip", ("sem_t", "pthread_cond")),
              ("pingpong_condition", "Condition ping-pong, round trip", ("glib_gcond", "pthread_cond")),
              ("thread_start_join", "Thread start + join", ("pthread",)),
              ("queue_1p1c_unbounded", "Queue 1P/1C, unbounded", ("glib_gasyncqueue", "tbb_concurrent_bounded_queue")),
              ("queue_4p4c_unbounded", "Queue 4P/4C, unbounded", ("glib_gasyncqueue", "tbb_concurrent_bounded_queue")),
              ("queue_1p1c_bounded16", "Queue 1P/1C, maxsize 16", ("tbb_concurrent_bounded_queue", "glib_gcond_ring")),
              ("queue_4p4c_bounded16", "Queue 4P/4C, maxsize 16", ("tbb_concurrent_bounded_queue", "glib_gcond_ring")),
              ("pool_100k_tasks", "Pool, 100,000 empty tasks",
               ("asio_thread_pool_future", "tbb_task_group", "glib_gthreadpool")),
              ("pool_round_trip", "Pool, one task's round trip",
               ("asio_thread_pool_future", "tbb_task_group", "glib_gthreadpool")))
    for suite, label, peers in simple:
        peers = [p for p in peers if v(suite, p) is not None]
        if v(suite, CT) is None or not peers:
            continue
        rows.append((label, f"{fmt(v(suite, CT))} {unit(suite)}",
                     ", ".join(f"`{p}` {fmt(v(suite, p))}" for p in peers) + f" {unit(suite)}",
                     " / ".join(fmt_ratio(ratio(v(suite, CT), v(suite, p))) for p in peers)))
    sizes = {k[5:]: v_ for k, v_ in context.items() if k.startswith("size.")}
    mine = [f"`{n}` {sizes[n]}" for n in ("ct_lock", "ct_event", "ct_once", "ct_rwlock", "ct_semaphore", "ct_rlock")
            if n in sizes]
    theirs = [f"`{n}` {sizes[n]}" for n in sorted(sizes) if not n.startswith("ct_")]
    if mine:
        rows.append(("sizes (bytes)", ", ".join(mine), ", ".join(theirs), ""))
    return rows


def readme_summary(runs, context, where):
    lines = [README_BEGIN,
             f"From one run of `bash ci/main.sh` ({context.get('date', '')[:16].replace('T', ' ')}, {where}, "
             f"load average before the run {', '.join(f'{x:.2f}' for x in context.get('load_avg', [])) or 'unknown'}); "
             "ratio = cthreading ÷ peer (time: lower is better; rates: higher is better).", "",
             "| workload | cthreading | peers | ratio |", "|---|---|---|---|"]
    lines += [f"| {w} | {c} | {p} | {r} |" for w, c, p, r in summary_rows(runs, context)]
    lines.append(README_END)
    return lines


def write_readme_summary(path, lines):
    """Replace the README's summary between its markers."""
    with open(path) as f:
        text = f.read()
    begin, end = text.find(README_BEGIN), text.find(README_END)
    if begin < 0 or end < begin:
        raise SystemExit(f"report.py: {path} has no benchmark summary markers")
    with open(path, "w") as f:
        f.write(text[:begin] + "\n".join(lines) + text[end + len(README_END):])


# ----------------------------------------------------------------------- svg

COLORS = ["#d62728", "#1f77b4", "#2ca02c", "#ff7f0e", "#9467bd", "#8c564b", "#e377c2",
          "#7f7f7f", "#bcbd22", "#17becf", "#393b79", "#637939", "#8c6d31", "#843c39"]


def svg_chart(runs, title):
    suites = [s for s in ("lock_contended_tiny", "lock_contended_work") if impls_of(runs, s)]
    impls = []
    for s in suites:
        for i in impls_of(runs, s):
            if i not in impls:
                impls.append(i)
    color = {i: COLORS[k % len(COLORS)] for k, i in enumerate(impls)}
    pw, ph, left, top, gap = 430, 300, 60, 50, 70
    width = left + len(suites) * (pw + gap)
    height = top + ph + 60 + 18 * ((len(impls) + 2) // 3)
    out = [f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" '
           f'font-family="sans-serif" font-size="12">',
           f'<rect width="{width}" height="{height}" fill="white"/>',
           f'<text x="{width / 2}" y="20" text-anchor="middle" font-size="15">{esc(title)}</text>']
    for k, suite in enumerate(suites):
        x0 = left + k * (pw + gap)
        values = [value(runs, suite, i, t) for i in impls for t in THREADS]
        ymax = nice_max(max([v for v in values if v] or [1]))
        out.append(f'<text x="{x0 + pw / 2}" y="{top - 12}" text-anchor="middle">'
                   f'{esc(SUITES[suite][0])}</text>')
        out.append(f'<rect x="{x0}" y="{top}" width="{pw}" height="{ph}" fill="none" stroke="#999"/>')
        for j in range(6):
            y = top + ph - ph * j / 5
            out.append(f'<line x1="{x0}" y1="{y}" x2="{x0 + pw}" y2="{y}" stroke="#eee"/>')
            out.append(f'<text x="{x0 - 6}" y="{y + 4}" text-anchor="end">{fmt(ymax * j / 5)}</text>')
        xs = {t: x0 + 20 + (pw - 40) * math.log2(t) / math.log2(THREADS[-1]) for t in THREADS}
        for t, x in xs.items():
            out.append(f'<text x="{x}" y="{top + ph + 16}" text-anchor="middle">{t}</text>')
        out.append(f'<text x="{x0 + pw / 2}" y="{top + ph + 34}" text-anchor="middle">threads</text>')
        out.append(f'<text x="{x0 - 45}" y="{top + ph / 2}" text-anchor="middle" '
                   f'transform="rotate(-90 {x0 - 45} {top + ph / 2})">Mops/s</text>')
        for i in impls:
            pts = [(xs[t], top + ph - ph * v / ymax) for t in THREADS
                   if (v := value(runs, suite, i, t)) is not None]
            if not pts:
                continue
            w = 3.5 if i == CT else 1.5
            path = " ".join(f"{x:.1f},{y:.1f}" for x, y in pts)
            out.append(f'<polyline points="{path}" fill="none" stroke="{color[i]}" stroke-width="{w}"/>')
            for x, y in pts:
                out.append(f'<circle cx="{x:.1f}" cy="{y:.1f}" r="{w}" fill="{color[i]}"/>')
    ly = top + ph + 52
    for k, i in enumerate(impls):
        x = left + (k % 3) * 300
        y = ly + 18 * (k // 3)
        w = 3.5 if i == CT else 1.5
        out.append(f'<line x1="{x}" y1="{y}" x2="{x + 24}" y2="{y}" stroke="{color[i]}" stroke-width="{w}"/>')
        out.append(f'<text x="{x + 30}" y="{y + 4}">{esc(i)}</text>')
    out.append("</svg>")
    return "\n".join(out) + "\n"


def nice_max(v):
    exp = 10 ** math.floor(math.log10(v))
    for m in (1, 1.5, 2, 2.5, 3, 4, 5, 6, 8, 10):
        if v <= m * exp:
            return m * exp
    return 10 * exp


def esc(text):
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


# -------------------------------------------------------------------- python

def python_section(py, runs):
    r = py["results"]
    lines = [f"### The same workloads in {py['python']}",
             "", "`benchmarks/python_peer.py`: threading.Lock, queue.Queue and "
             f"ThreadPoolExecutor({py['pool_workers']} workers), best of a few runs.", "",
             "| workload | CPython | cthreading | cthreading speed-up |", "|---|---|---|---|"]

    def row(name, py_value, ct_value, unit, better):
        speed = None
        if py_value and ct_value:
            speed = py_value / ct_value if better == "lower" else ct_value / py_value
        lines.append(f"| {name} | {fmt(py_value)} {unit} | {fmt(ct_value)} {unit} | "
                     f"{'—' if speed is None else f'{speed:.0f}×'} |")

    row("Lock acquire + release", r["lock_uncontended"]["ns_per_op"],
        value(runs, "lock_uncontended", CT), "ns", "lower")
    for t in THREADS:
        row(f"contended Lock, {t} thread{'s' if t > 1 else ''}",
            r["lock_contended_tiny"][str(t)]["ops_per_s"] / 1e6,
            value(runs, "lock_contended_tiny", CT, t), "Mops/s", "higher")
    for q in ("queue_1p1c_unbounded", "queue_1p1c_bounded16", "queue_4p4c_unbounded",
              "queue_4p4c_bounded16"):
        row(SUITES[q][0], r[q]["items_per_s"] / 1e6, value(runs, q, CT), "Mitems/s", "higher")
    row(SUITES["pool_100k_tasks"][0], r["pool_100k_tasks"]["tasks_per_s"] / 1e6,
        value(runs, "pool_100k_tasks", CT), "Mtasks/s", "higher")
    row(SUITES["pool_round_trip"][0], r["pool_round_trip"]["ns_per_op"] / 1e3,
        value(runs, "pool_round_trip", CT), "us", "lower")
    lines.append("")
    return lines


# ---------------------------------------------------------------------- main

def machine():
    model = "unknown CPU"
    try:
        with open("/proc/cpuinfo") as f:
            for line in f:
                if line.startswith("model name"):
                    model = line.split(":", 1)[1].strip()
                    break
    except OSError:
        pass
    return f"{model}, {os.cpu_count()} logical CPUs"


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--bench", required=True, help="ct_bench JSON output")
    parser.add_argument("--python", help="python_peer.py JSON output")
    parser.add_argument("--strace", help="strace_idle.sh output")
    parser.add_argument("--out-dir", default=os.path.join(os.path.dirname(__file__), "results"))
    parser.add_argument("--readme", help="a README whose benchmark summary to rewrite from this run")
    parser.add_argument("--command", default="bash ci/main.sh",
                        help="the command that produced the run, named in the report")
    args = parser.parse_args()

    context, runs = load_bench(args.bench)
    py = None
    if args.python:
        with open(args.python) as f:
            py = json.load(f)
    strace_text = ""
    if args.strace:
        with open(args.strace) as f:
            strace_text = f.read()
    verdict = next((l[len("verdict: "):] for l in strace_text.splitlines() if l.startswith("verdict: ")), "")

    where = machine()
    md = ["# cthreading benchmark results", "",
          f"One run of `{args.command}` on {where} "
          f"(Linux, {context.get('date', '')}, load average before the run "
          f"{', '.join(f'{x:.2f}' for x in context.get('load_avg', [])) or 'unknown'}). "
          "Google Benchmark, `UseRealTime()`; multi-threaded rates are total operations over the "
          "wall time from the first thread's start to the last thread's end. Generated by "
          "`benchmarks/report.py`; how it is measured: `docs/design.md`, \"How the benchmarks are measured\".", "",
          "## Targets", "",
          "A target not met carries its reason, as this run measured it.", "",
          "| target | measured | met | why not |", "|---|---|---|---|"]
    for name, measured, met, why in targets(runs, context, verdict):
        md.append(f"| {name} | {measured} | {'yes' if met else '**no**'} | {why} |")
    md += ["", "## Contended throughput", "", "![contended throughput](contended.svg)", ""]
    for suite in ("lock_contended_tiny", "lock_contended_work"):
        md += suite_table(runs, suite)
        md += fairness_table(runs, suite)
    sweep_md = fair_sweep_section(runs)
    md += sweep_md
    md += ["## Every suite", ""]
    for suite in SUITES:
        if not suite.startswith("lock_contended") and suite not in SWEEPS:
            md += suite_table(runs, suite)
    sizes = sorted(((k[5:], int(v)) for k, v in context.items() if k.startswith("size.")),
                   key=lambda kv: (not kv[0].startswith("ct_"), kv[1], kv[0]))
    md += ["## Sizes", "", "| type | bytes |", "|---|---|"]
    md += [f"| `{name}` | {size} |" for name, size in sizes]
    md.append("")
    if py:
        md += python_section(py, runs)
    if strace_text:
        md += ["## No system call with nobody waiting", "",
               "`bash benchmarks/strace_idle.sh` (program: `benchmarks/idle_syscalls.c`):", "",
               "```", strace_text.rstrip(), "```", ""]

    os.makedirs(args.out_dir, exist_ok=True)
    with open(os.path.join(args.out_dir, "latest.md"), "w") as f:
        f.write("\n".join(md))
    if sweep_md:
        with open(os.path.join(args.out_dir, "lock_fair_sweep.md"), "w") as f:
            f.write("\n".join(["# ct_lock's fairness knob, swept in one run", "",
                                f"From `{args.command}` on {where} (load average before the run "
                                f"{', '.join(f'{x:.2f}' for x in context.get('load_avg', [])) or 'unknown'}); "
                                "generated by `benchmarks/report.py`.", ""] + sweep_md))
    with open(os.path.join(args.out_dir, "contended.svg"), "w") as f:
        f.write(svg_chart(runs, f"Contended lock throughput, {where}"))
    if args.readme:
        write_readme_summary(args.readme, readme_summary(runs, context, where))
    print("\n".join(lock_throughput_table(runs)))
    print(f"report: {os.path.join(args.out_dir, 'latest.md')}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
