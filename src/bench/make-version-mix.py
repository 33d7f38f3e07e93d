#!/usr/bin/env python3
"""Writes src/bench/resources/version-mix.txt, the version pairs both benchmarks time.

The mix is what the agent compares in practice: Warehouse release versions against their
neighbours (18.09.01, 26.11.03~rc1), Debian archive versions (2:1.2.3-4+deb12u1, ~bpo, +b1),
a tail of long ones (git snapshots, 30-digit runs), and identical pairs, which scan to the end.
Fixed seed: rerunning gives the same file.
"""
import random
import sys

PAIRS = 1024  # keep in sync with DebianVersionBenchmark.PAIRS
rnd = random.Random(20261101)


def warehouse():
    y, m, n = rnd.randint(17, 27), rnd.randint(1, 12), rnd.randint(1, 12)
    v = f"{y:02d}.{m:02d}.{n:02d}"
    if rnd.random() < 0.3:
        v += f"~rc{rnd.randint(1, 4)}"
    if rnd.random() < 0.2:
        v += f"-{rnd.randint(1, 3)}"
    return v


def warehouse_neighbour(v):
    r = rnd.random()
    if r < 0.3:
        return v.split("~")[0]
    if r < 0.5:
        return v + "~rc1" if "~" not in v else v.replace("~rc", "~rc1")
    parts = v.split("~")[0].split("-")[0].split(".")
    i = rnd.randrange(3)
    parts[i] = f"{max(0, int(parts[i]) + rnd.choice((-1, 1))):02d}"
    return ".".join(parts)


def debian():
    upstream = ".".join(str(rnd.randint(0, 40)) for _ in range(rnd.randint(2, 4)))
    if rnd.random() < 0.2:
        upstream += rnd.choice(("+dfsg", "+ds", "~rc2", "+really1.2", "a"))
    v = upstream
    if rnd.random() < 0.3:
        v = f"{rnd.randint(1, 3)}:{v}"
    rev = str(rnd.randint(1, 9))
    r = rnd.random()
    if r < 0.3:
        rev += f"+deb{rnd.choice((10, 11, 12))}u{rnd.randint(1, 9)}"
    elif r < 0.4:
        rev += f"~bpo{rnd.choice((11, 12))}+{rnd.randint(1, 2)}"
    elif r < 0.5:
        rev += f"+b{rnd.randint(1, 3)}"
    elif r < 0.6:
        rev += f".{rnd.randint(1, 3)}"
    return v + "-" + rev


def debian_neighbour(v):
    r = rnd.random()
    if r < 0.4:
        return v[: v.rfind("-")] + "-" + str(rnd.randint(1, 9))
    if r < 0.6:
        return v + rnd.choice(("+b1", "~bpo12+1", ".1", "+deb12u2"))
    if r < 0.8:
        return debian()
    return v.replace(".", ".0", 1)


def long_version():
    r = rnd.random()
    if r < 0.5:
        return (
            f"{rnd.randint(1, 3)}:{rnd.randint(0, 9)}.{rnd.randint(0, 99)}.{rnd.randint(0, 9)}"
            f"+git{rnd.randint(20200101, 20261231)}.{rnd.randrange(16**7):07x}"
            f"+really{rnd.randint(0, 9)}.{rnd.randint(0, 99)}.{rnd.randint(0, 9)}"
            f"-{rnd.randint(1, 5)}~bpo12+1"
        )
    digits = "".join(rnd.choice("0123456789") for _ in range(30))
    return f"1.{digits}-{rnd.randint(1, 3)}"


def long_neighbour(v):
    i = rnd.randrange(len(v) - 5, len(v))
    c = v[i]
    if c.isdigit():
        c = str((int(c) + 1) % 10)
    return v[:i] + c + v[i + 1 :]


def main(path):
    pairs = []
    while len(pairs) < PAIRS:
        r = rnd.random()
        if r < 0.40:
            a = warehouse()
            b = warehouse_neighbour(a)
        elif r < 0.80:
            a = debian()
            b = debian_neighbour(a)
        elif r < 0.90:
            a = long_version()
            b = long_neighbour(a)
        else:
            a = rnd.choice((warehouse, debian, long_version))()
            b = a
        pairs.append((a, b) if rnd.random() < 0.5 else (b, a))
    with open(path, "w") as f:
        f.write("# Version pairs timed by DebianVersionBenchmark and dpkg_version_bench.c;\n")
        f.write("# written by src/bench/make-version-mix.py. One pair a line: A B.\n")
        for a, b in pairs:
            f.write(f"{a} {b}\n")


main(sys.argv[1] if len(sys.argv) > 1 else "src/bench/resources/version-mix.txt")
