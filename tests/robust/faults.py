#!/usr/bin/env python3
"""Fault injection at the system-call level (SQLite's I/O-error testing is
the model): for every N, the Nth write, fsync, close, renameat2, read and
getdents64 of a whole `evb ivo` and `evb fees` on the samples, and of
`evb diff` of the two runs of case 015, fails
(ENOSPC for write, EIO for the others) through
`strace -f -e inject=SYSCALL:error=E:when=N`. A read or a folder listing
that fails must never give a report without the records behind it: the
run exits 2 with a message, or (a read retried: minizip's look for a
zip64 directory in the read-back) finishes as the reference run did,
and the run folder check below holds either way. (A failed read of the
temporary file libxlsxwriter splices a sheet's rows in from gave a
workbook with its last row cut inside and exit 1: zipcheck now counts
whole rows.) A replaced run that cannot be removed after the new one
took its place may stay under its hidden temporary name, when the run
says so and the next run removes it.

Before the sweep a complete run folder exists; every injected run is given
--replace. A reference run traced with `strace -y` names the file of each
call, so each N is classed:
  output  a write to a file of the run (in --out, libxlsxwriter's
          temporary files included), any fsync and renameat2, the close of
          a file of the run written since it was opened: the run must exit
          2 with a message on stderr;
  library the close of a temporary file of libxlsxwriter after its bytes
          went into the workbook, and
  other   a message to stderr, the close of an input, a template, a folder
          or a file opened to read: the run may exit 2 too, or finish as the
          reference run did;
  loader  the dynamic loader's, before evb runs: not injected (counters are
          per thread, so the other thread's call of that number is not
          injected either: a close of an input).
After every run, whatever its class: the run folder is byte-identical to
the earlier one (outputs are deterministic, so a completed --replace gives
the same bytes), --out holds nothing else but the lock file, a run that
ends as the reference did printed what it printed, and the two runs diff
compares are untouched.

A last sweep makes every renameat2 fail with EINVAL (a filesystem without
it: SMB, NFS): the fallback rename dance must complete the run.

`evb verify` and `evb diff` are swept on what they find and read (every
openat, newfstatat, access and getdents64, and every OPEN_READ_STRIDE-th
read, fails in turn with EIO): verify on a run folder that holds one file
more than its manifest names, so the reference verify exits 1 and names
it; diff on case 015's runs, which differ in three cases, so the reference
diff exits 1 and names them. A fault must never make either claim what is
not so: each injected run ends exactly as the reference did (exit 1, the
same lines on stdout) or exits 2 with a message, the run folders (and
diff's own, replaced with the same bytes or kept) are untouched, and no
temporary folder is left in TMPDIR unless the command says it cannot
remove it.

Usage: faults.py BIN [ROOT]   (ROOT: the source tree, default ../..)
"""
import hashlib
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time

BIN = os.path.abspath(sys.argv[1])
ROOT = os.path.abspath(sys.argv[2] if len(sys.argv) > 2 else
                       os.path.join(os.path.dirname(__file__), "..", ".."))
SAMPLES = ["--in", "samples/export", "--config", "samples/evb.conf", "--quiet"]
COMMANDS = {
    "ivo": (["ivo", "--period", "2026Q3", "--as-of", "2026-11-22"] + SAMPLES, "ivo-2026Q3"),
    "fees": (["fees", "--month", "2026-10"] + SAMPLES, "avgift-2026-10"),
}
# `evb diff` of two IVO runs of case 015 (made by diff_runs), not quiet:
# its finding is on stdout as well as in its run folder
DIFF_CASE = "tests/cases/015-diff"
KINDS = [("write", "ENOSPC"), ("fsync", "EIO"), ("close", "EIO"), ("renameat2", "EIO"),
         ("read", "EIO"), ("getdents64", "EIO")]
CLOSE_STRIDE = int(os.environ.get("FAULTS_CLOSE_STRIDE", "1"))
OPEN_KINDS = ["openat", "newfstatat", "access", "getdents64", "read"]
OPEN_READ_STRIDE = int(os.environ.get("FAULTS_OPEN_READ_STRIDE", "3"))

LINE = re.compile(r"^(\d+)\s+(\w+)\((?:(-?\d+)<([^>]*)>(\(deleted\))?)?")


def snapshot(out):
    """Every entry under out: name, mode, and the bytes' SHA-256."""
    snap = {}
    for base, dirs, files in os.walk(out):
        dirs.sort()
        for name in sorted(dirs + files):
            p = os.path.join(base, name)
            st = os.lstat(p)
            rel = os.path.relpath(p, out)
            digest = ""
            if os.path.isfile(p) and not os.path.islink(p):
                with open(p, "rb") as f:
                    digest = hashlib.sha256(f.read()).hexdigest()
            snap[rel] = (st.st_mode, digest)
    return snap


def evb(args, out):
    """evb's command line with args, --csv, --out out and --replace."""
    return [BIN] + args + ["--csv", "--out", out, "--replace"]


def run(args, out, inject=None, trace=None):
    """Runs evb(args, out): (exit, stdout, stderr)."""
    cmd = evb(args, out)
    if inject or trace:
        pre = ["strace", "-f", "-qq"]
        if trace:
            pre += ["-y", "-e", "trace=" + ",".join(k for k, _ in KINDS), "-o", trace]
        else:   # only a traced call can be injected
            pre += ["-e", "trace=" + inject.split(":")[0], "-o", "/dev/null"]
        if inject:
            pre += ["-e", "inject=" + inject]
        cmd = pre + cmd
    p = subprocess.run(cmd, cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                       timeout=120)
    return (p.returncode, p.stdout.decode("utf-8", "replace"),
            p.stderr.decode("utf-8", "replace"))


def diff_runs(work):
    """The two IVO runs `evb diff` compares (case 015: old and new export);
    returns diff's arguments and the two run folders."""
    case = os.path.join(ROOT, DIFF_CASE)
    os.makedirs(work, exist_ok=True)
    folders = []
    for side in ("old", "new"):
        out = os.path.join(work, "diff-" + side)
        p = subprocess.run([BIN, "ivo", "--period", "2026Q3", "--as-of", "2026-11-22",
                            "--in", os.path.join(case, "input-" + side),
                            "--config", os.path.join(case, "evb.conf"), "--out", out,
                            "--quiet"], cwd=ROOT, stdout=subprocess.DEVNULL)
        if p.returncode not in (0, 1):
            sys.exit(f"faults: the {side} run for the diff sweep failed ({p.returncode})")
        folders.append(os.path.join(out, "ivo-2026Q3"))
    return ["diff"] + folders + ["--config", os.path.join(case, "evb.conf")], folders


def classify(trace, out):
    """{syscall: {N: class}} from a reference trace, per thread."""
    seen = {}      # (pid, syscall) -> count
    classes = {}   # syscall -> N -> set of classes
    written = set()  # (pid, fd, path) written to since opened
    out_real = os.path.realpath(out) + "/"
    with open(trace) as f:
        for line in f:
            m = LINE.match(line)
            if not m:
                continue
            pid, sc, fd, path = m.group(1), m.group(2), m.group(3), m.group(4) or ""
            n = seen.get((pid, sc), 0) + 1
            seen[(pid, sc)] = n
            key = (pid, fd, path)
            if path.startswith("/usr/lib") or path.startswith("/lib") or \
                    path == "/etc/ld.so.cache":
                cls = "loader"
            elif sc in ("renameat2", "fsync"):
                cls = "output"
            elif sc == "write":
                cls = "output" if path.startswith(out_real) else "other"
                written.add(key)
            elif m.group(5):
                # libxlsxwriter's temporary file, closed after its bytes
                # went into the workbook (read back by evb)
                cls = "library"
            elif key in written and path.startswith(out_real):
                cls = "output"   # a file of the run, written since opened
            else:
                cls = "other"    # an input, a folder, a file opened to read
            if sc == "close":
                written.discard(key)
            classes.setdefault(sc, {}).setdefault(n, set()).add(cls)
    return classes


def open_sweep(work, label, cmd, ref_check, watched, failures):
    """The sweep of the calls that find and read (see the top) over cmd:
    ref_check(rc, stdout) says whether the reference run is the one meant;
    the folders in watched must not change. Returns the number of runs."""
    tmp = os.path.join(work, label + "-tmp")
    os.mkdir(tmp)
    env = dict(os.environ, TMPDIR=tmp)

    def go(pre):
        p = subprocess.run(pre + cmd, cwd=ROOT, env=env, stdout=subprocess.PIPE,
                           stderr=subprocess.PIPE, timeout=120)
        return (p.returncode, p.stdout.decode("utf-8", "replace"),
                p.stderr.decode("utf-8", "replace"))

    ref_rc, ref_out, err = go([])
    if not ref_check(ref_rc, ref_out):
        failures.append(f"{label}: the reference run gave {ref_rc}: {ref_out} {err}")
        return 0
    before = [snapshot(w) for w in watched]
    trace = os.path.join(work, label + ".trace")
    go(["strace", "-f", "-qq", "-y", "-e", "trace=" + ",".join(OPEN_KINDS), "-o", trace])
    if [snapshot(w) for w in watched] != before:
        failures.append(f"{label}: the traced reference run changed a folder")
        return 0
    seen, loader = {}, {}
    with open(trace) as f:
        for line in f:
            m = LINE.match(line)
            if not m:
                continue
            pid, sc, path = m.group(1), m.group(2), m.group(4) or ""
            n = seen.get((pid, sc), 0) + 1
            seen[(pid, sc)] = n
            # an openat names its path in its arguments, not as a result fd
            if "/lib/" in line.split("=")[0] or "ld.so.cache" in line.split("=")[0] or \
                    path.startswith("/usr/lib") or path.startswith("/lib"):
                loader.setdefault(sc, set()).add(n)
    runs = 0
    for sc in OPEN_KINDS:
        last = max([n for (_, s), n in seen.items() if s == sc], default=0)
        stride = OPEN_READ_STRIDE if sc == "read" else 1
        for n in range(1, last + 1):
            if n in loader.get(sc, ()) or n % stride:
                continue
            runs += 1
            rc, stdout, err = go(["strace", "-f", "-qq", "-o", "/dev/null",
                                  "-e", "trace=" + sc,
                                  "-e", f"inject={sc}:error=EIO:when={n}"])
            what = f"{label}: {sc} #{n} -> exit {rc}"
            if rc == 2:
                if "evb: " not in err and label + ": " not in err:
                    failures.append(what + ": no message")
            elif rc != ref_rc or stdout != ref_out:
                failures.append(what + f": not as the reference: {stdout[-300:]} {err[-300:]}")
            after = [snapshot(w) for w in watched]
            if after != before and "which the next run there removes" in err:
                # what a run could not remove, said: the next run (no
                # fault) removes it
                go([])
                after = [snapshot(w) for w in watched]
            if after != before:
                failures.append(what + ": a folder changed")
                return runs
            # a temporary folder the system would not let go of is said
            left = os.listdir(tmp)
            if left and not all(f"cannot remove {os.path.join(tmp, name)}: " in err and
                                ": Success" not in err for name in left):
                failures.append(what + f": left in TMPDIR, unsaid: {left}: {err[-200:]}")
            for name in left:
                shutil.rmtree(os.path.join(tmp, name), ignore_errors=True)
    return runs


def verify_sweep(work, failures):
    """`evb verify` of an IVO run folder holding one file its manifest does
    not name; returns the number of runs."""
    out = os.path.join(work, "verify")
    args, folder = COMMANDS["ivo"]
    rc, _, err = run(args, out)
    if rc not in (0, 1):
        failures.append(f"verify: the run to verify failed ({rc}): {err}")
        return 0
    with open(os.path.join(out, folder, "extra.txt"), "w") as f:
        f.write("not written by evb\n")
    cmd = [BIN, "verify", os.path.join(out, folder, "manifest.json"),
           "--config", "samples/evb.conf"]
    return open_sweep(work, "verify", cmd,
                      lambda rc, stdout: rc == 1 and "not in the manifest: extra.txt" in stdout,
                      [out], failures)


def diff_sweep(work, failures):
    """`evb diff` of case 015's two runs, which differ: its reading and
    finding; returns the number of runs. (Its writing is swept with ivo's
    and fees' in main.)"""
    args, runs = diff_runs(os.path.join(work, "diff-open"))
    out = os.path.join(work, "diff-open", "out")
    cmd = evb(args, out)
    rc, _, err = run(args, out)
    if rc != 1:
        failures.append(f"diff: the first run gave {rc}: {err}")
        return 0
    return open_sweep(work, "diff", cmd,
                      lambda rc, stdout: rc == 1 and "diff: 1 only in the old run, 1 only "
                      "in the new run, 1 changed" in stdout, runs + [out], failures)


def main():
    if shutil.which("strace") is None:
        print("faults: SKIP (strace is not installed: make deps installs it)")
        return 0
    probe = subprocess.run(["strace", "-f", "-o", "/dev/null", "true"],
                           stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    if probe.returncode != 0:
        why = probe.stderr.decode("utf-8", "replace").strip().splitlines()[-1:]
        print(f"faults: SKIP (strace cannot trace here: {' '.join(why)})")
        return 0
    failures = []
    runs = 0
    t0 = time.time()
    work = tempfile.mkdtemp(prefix="evb-faults-")
    try:
        commands = dict(COMMANDS)
        diff_args, diff_inputs = diff_runs(os.path.join(work, "diff-runs"))
        commands["diff"] = (diff_args, "diff-2026Q3")
        inputs_before = [snapshot(d) for d in diff_inputs]
        for cname, (args, folder) in commands.items():
            out = os.path.join(work, cname)
            rc, ref_out, err = run(args, out)
            if rc not in (0, 1):
                failures.append(f"{cname}: the first run failed ({rc}): {err}")
                continue
            ref_rc = rc
            before = snapshot(out)
            trace = os.path.join(work, cname + ".trace")
            rc, stdout, err = run(args, out, trace=trace)
            if rc != ref_rc or stdout != ref_out or snapshot(out) != before:
                failures.append(f"{cname}: the traced reference run differs ({rc})")
                continue
            classes = classify(trace, out)
            for sc, errno in KINDS:
                counts = classes.get(sc, {})
                stride = CLOSE_STRIDE if sc == "close" else 1
                for n in sorted(counts):
                    cls = counts[n]
                    if "loader" in cls or (stride > 1 and n % stride and "output" not in cls):
                        continue
                    runs += 1
                    rc, stdout, err = run(args, out, inject=f"{sc}:error={errno}:when={n}")
                    what = f"{cname}: {sc} #{n} ({'/'.join(sorted(cls))}) -> exit {rc}"
                    if "output" in cls and rc != 2:
                        failures.append(what + ": expected exit 2")
                    elif rc not in (2, ref_rc):
                        failures.append(what + f": expected 2 or {ref_rc}: {err[-300:]}")
                    elif rc == 2 and "evb: " not in err:
                        failures.append(what + ": no message")
                    elif rc == ref_rc and stdout != ref_out:
                        failures.append(what + f": stdout not as the reference: {stdout[-300:]}")
                    if cname == "diff" and [snapshot(d) for d in diff_inputs] != inputs_before:
                        failures.append(what + ": a run it compares changed")
                        inputs_before = [snapshot(d) for d in diff_inputs]
                    after = snapshot(out)
                    extra = set(after) - set(before)
                    if after != before and rc == ref_rc and \
                            all(k in after and after[k] == v for k, v in before.items()) and \
                            all(k.startswith("." + folder + ".tmp-") for k in extra) and \
                            "which the next run there removes" in err:
                        # the replaced run could not be removed after the
                        # new one took its place: said, and the next run
                        # (no fault) removes it
                        run(args, out)
                        after = snapshot(out)
                    if after != before:
                        extra = sorted(set(after) ^ set(before))[:5]
                        changed = [k for k in before if k in after and after[k] != before[k]][:5]
                        failures.append(what + f": run folder changed: {extra} {changed}")
                        shutil.rmtree(out)
                        run(args, out)
                        before = snapshot(out)
            # no renameat2 here (SMB, NFS): the rename dance must complete
            runs += 1
            rc, _, err = run(args, out, inject="renameat2:error=EINVAL")
            if rc != ref_rc or snapshot(out) != before:
                failures.append(f"{cname}: without renameat2 -> exit {rc}: {err[-300:]}")
            # ... and a new run folder (nothing to replace) must appear too
            runs += 1
            shutil.rmtree(out)
            rc, _, err = run(args, out, inject="renameat2:error=EINVAL")
            if rc != ref_rc or snapshot(out) != before:
                failures.append(f"{cname}: new run folder without renameat2 -> exit {rc}: "
                                f"{err[-300:]}")
        runs += verify_sweep(work, failures)
        runs += diff_sweep(work, failures)
    finally:
        shutil.rmtree(work, ignore_errors=True)
    secs = time.time() - t0
    for f in failures[:40]:
        print("  " + f)
    stride = f" (close: every {CLOSE_STRIDE}th)" if CLOSE_STRIDE > 1 else ""
    print(f"faults: {runs} injected runs{stride}, {len(failures)} failed, {secs:.0f} s")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
