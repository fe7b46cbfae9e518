"""Runs this project's side and the reference side of a benchmark in lockstep: both processes start,
warm up one after the other, then take turns, BLOCKS times, each running UNITS timed units (training
updates, sampled grids) while the other waits. On a machine shared with other work the load changes
from one second to the next; turns of a few seconds make both sides see the same load, which whole
runs one after the other do not.

usage: python3 lockstep.py BLOCKS UNITS 'OURS COMMAND' 'REFERENCE COMMAND'

Each command is run by the shell and speaks this protocol on stdin/stdout (other output is ignored):
  it prints "@ready" once warmed up;
  on "run N" it runs N units and prints "@times WALL_MS,CPU_MS WALL_MS,CPU_MS ..." (one pair per
  unit; CPU time of its whole process);
  on "quit" it prints "@info KEY VALUE" lines (anything it measured besides) and exits.
Prints, per side ("ours", "reference"): "<side> median_wall_ms X", "<side> median_cpu_ms X",
"<side> turns W1 W2 ..." (the median wall time of each turn) and its info lines as "<side> KEY VALUE".
"""
import statistics
import subprocess
import sys


def read_until(process, prefix):
    while True:
        line = process.stdout.readline()
        if not line:
            raise SystemExit("a benchmark process ended early (exit code %s)" % process.wait())
        if line.startswith(prefix):
            return line[len(prefix):].strip()


def main():
    blocks, units = int(sys.argv[1]), int(sys.argv[2])
    sides = {"ours": sys.argv[3], "reference": sys.argv[4]}
    processes, walls, cpus, turns = {}, {}, {}, {}
    for side, command in sides.items():  # one after the other, so warm-ups do not overlap
        processes[side] = subprocess.Popen(
            command, shell=True, stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
        read_until(processes[side], "@ready")
        walls[side], cpus[side], turns[side] = [], [], []
    for _ in range(blocks):
        for side, process in processes.items():
            process.stdin.write("run %d\n" % units)
            process.stdin.flush()
            pairs = [p.split(",") for p in read_until(process, "@times").split()]
            wall = [float(w) for w, _ in pairs]
            walls[side] += wall
            cpus[side] += [float(c) for _, c in pairs]
            turns[side].append(statistics.median(wall))
    for side, process in processes.items():
        process.stdin.write("quit\n")
        process.stdin.flush()
        info = [line[len("@info"):].strip() for line in process.stdout if line.startswith("@info")]
        if process.wait() != 0:
            raise SystemExit("the %s process failed" % side)
        print("%s median_wall_ms %.3f" % (side, statistics.median(walls[side])))
        print("%s median_cpu_ms %.3f" % (side, statistics.median(cpus[side])))
        print("%s turns %s" % (side, " ".join("%.1f" % t for t in turns[side])))
        for line in info:
            print("%s %s" % (side, line))


if __name__ == "__main__":
    main()
