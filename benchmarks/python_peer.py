#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""The lock, queue and pool workloads of ct_bench, timed in CPython.

For readers coming from the Python tutorials: the same operations with
threading.Lock, queue.Queue and concurrent.futures.ThreadPoolExecutor, so the
report can put the C numbers next to the Python ones. Standard library only.

    python3 benchmarks/python_peer.py [--quick] [--out FILE]

Writes JSON (to FILE, else stdout): each workload's rate or time per operation.
"""
import argparse
import concurrent.futures
import json
import os
import platform
import queue
import sys
import threading
import time

THREAD_COUNTS = (1, 2, 4, 8, 16)
POOL_TASKS = 100_000


def best_of(repeats, fn):
    """The best of several runs: on a shared machine the others measure the neighbours."""
    return min(fn() for _ in range(repeats))


def lock_uncontended(ops):
    lock = threading.Lock()
    acquire, release = lock.acquire, lock.release
    start = time.perf_counter()
    for _ in range(ops):
        acquire()
        release()
    return (time.perf_counter() - start) / ops * 1e9


def run_threads(count, target):
    """Starts count threads on target(index) behind a barrier; returns the
    wall time from the barrier's release to the last thread's end."""
    barrier = threading.Barrier(count + 1)
    threads = [threading.Thread(target=lambda i=i: (barrier.wait(), target(i))) for i in range(count)]
    for t in threads:
        t.start()
    barrier.wait()
    start = time.perf_counter()
    for t in threads:
        t.join()
    return time.perf_counter() - start


def lock_contended(threads, ops_per_thread):
    lock = threading.Lock()
    counter = [0]

    def body(_):
        for _ in range(ops_per_thread):
            with lock:
                counter[0] += 1

    seconds = run_threads(threads, body)
    return threads * ops_per_thread / seconds


def queue_transfer(pairs, maxsize, items_per_producer):
    q = queue.Queue(maxsize)

    def body(index):
        if index % 2 == 0:
            put = q.put
            for i in range(items_per_producer):
                put(i + 1)
        else:
            get = q.get
            for _ in range(items_per_producer):
                get()

    seconds = run_threads(2 * pairs, body)
    return pairs * items_per_producer / seconds


def nothing():
    return None


def pool_many_tasks(executor, tasks):
    start = time.perf_counter()
    futures = [executor.submit(nothing) for _ in range(tasks)]
    for f in futures:
        f.result()
    return tasks / (time.perf_counter() - start)


def pool_round_trip(executor, trips):
    start = time.perf_counter()
    for _ in range(trips):
        executor.submit(nothing).result()
    return (time.perf_counter() - start) / trips * 1e9


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="fewer operations and repeats")
    parser.add_argument("--out", help="write the JSON here instead of stdout")
    args = parser.parse_args()
    scale, repeats = (0.25, 2) if args.quick else (1.0, 3)

    def n(base):
        return max(1, int(base * scale))

    workers = min(32, (os.cpu_count() or 1) + 4)
    results = {
        "lock_uncontended": {"ns_per_op": best_of(repeats, lambda: lock_uncontended(n(2_000_000)))},
        "lock_contended_tiny": {
            str(t): {"ops_per_s": max(lock_contended(t, n(800_000) // t) for _ in range(repeats))}
            for t in THREAD_COUNTS
        },
    }
    for pairs, name in ((1, "1p1c"), (4, "4p4c")):
        for maxsize, bound in ((0, "unbounded"), (16, "bounded16")):
            rate = max(queue_transfer(pairs, maxsize, n(200_000) // pairs) for _ in range(repeats))
            results[f"queue_{name}_{bound}"] = {"items_per_s": rate}
    with concurrent.futures.ThreadPoolExecutor(max_workers=workers) as executor:
        executor.submit(nothing).result()
        results["pool_100k_tasks"] = {
            "tasks_per_s": max(pool_many_tasks(executor, POOL_TASKS) for _ in range(repeats))
        }
        results["pool_round_trip"] = {
            "ns_per_op": best_of(repeats, lambda: pool_round_trip(executor, n(20_000)))
        }

    report = {
        "python": platform.python_implementation() + " " + platform.python_version(),
        "gil": getattr(sys, "_is_gil_enabled", lambda: True)(),
        "pool_workers": workers,
        "results": results,
    }
    text = json.dumps(report, indent=2)
    if args.out:
        with open(args.out, "w") as f:
            f.write(text + "\n")
    else:
        print(text)


if __name__ == "__main__":
    main()
