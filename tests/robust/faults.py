#!/usr/bin/env python3
"""Fault injection at the system-call level (SQLite's I/O-error testing is
the model): for every N, the Nth write, fsync, close, renameat2, read and
getdents64 of a whole `evb ivo` and `evb fees` on the samples fails
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
the same bytes) and --out holds nothing else but the lock file.

A last sweep makes every renameat2 fail with EINVAL (a filesystem without
it: SMB, NFS): the fallback rename dance must complete the run.

`evb verify` is swept the same way (every openat, newfstatat and
getdents64, and every VERIFY_READ_STRIDE-th read, fails in turn with EIO)
on a run folder that holds one file more than its manifest names, so the
reference verify exits 1 and names it. A fault must never make verify
claim what is not so: each injected run ends exactly as the reference did
(exit 1, the same lines on stdout) or exits 2 with a message, the run
folder is untouched, and no temporary folder is left in TMPDIR unless
verify says it cannot remove it.

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
COMMANDS = {
    "ivo": (["ivo", "--period", "2026Q3", "--as-of", "2026-11-22"], "ivo-2026Q3"),
    "fees": (["fees", "--month", "2026-10"], "avgift-2026-10"),
}
COMMON = ["--in", "samples/export", "--config", "samples/evb.conf", "--csv", "--quiet"]
KINDS = [("write", "ENOSPC"), ("fsync", "EIO"), ("close", "EIO"), ("renameat2", "EIO"),
         ("read", "EIO"), ("getdents64", "EIO")]
CLOSE_STRIDE = int(os.environ.get("FAULTS_CLOSE_STRIDE", "1"))
VERIFY_KINDS = ["openat", "newfstatat", "getdents64", "read"]
VERIFY_READ_STRIDE = int(os.environ.get("FAULTS_VERIFY_READ_STRIDE", "3"))

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


def run(args, out, inject=None, trace=None):
    cmd = [BIN] + args + COMMON + ["--out", out, "--replace"]
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
    return p.returncode, p.stderr.decode("utf-8", "replace")


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


def verify_sweep(work, failures):
    """The verify sweep (see the top); returns the number of runs."""
    out = os.path.join(work, "verify")
    tmp = os.path.join(work, "verify-tmp")
    os.mkdir(tmp)
    args, folder = COMMANDS["ivo"]
    rc, err = run(args, out)
    if rc not in (0, 1):
        failures.append(f"verify: the run to verify failed ({rc}): {err}")
        return 0
    with open(os.path.join(out, folder, "extra.txt"), "w") as f:
        f.write("not written by evb\n")
    before = snapshot(out)
    cmd = [BIN, "verify", os.path.join(out, folder, "manifest.json"),
           "--config", "samples/evb.conf"]
    env = dict(os.environ, TMPDIR=tmp)

    def verify(pre):
        p = subprocess.run(pre + cmd, cwd=ROOT, env=env, stdout=subprocess.PIPE,
                           stderr=subprocess.PIPE, timeout=120)
        return (p.returncode, p.stdout.decode("utf-8", "replace"),
                p.stderr.decode("utf-8", "replace"))

    ref_rc, ref_out, err = verify([])
    if ref_rc != 1 or "not in the manifest: extra.txt" not in ref_out:
        failures.append(f"verify: the reference verify gave {ref_rc}: {ref_out} {err}")
        return 0
    trace = os.path.join(work, "verify.trace")
    verify(["strace", "-f", "-qq", "-y", "-e", "trace=" + ",".join(VERIFY_KINDS),
            "-o", trace])
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
    for sc in VERIFY_KINDS:
        last = max([n for (_, s), n in seen.items() if s == sc], default=0)
        stride = VERIFY_READ_STRIDE if sc == "read" else 1
        for n in range(1, last + 1):
            if n in loader.get(sc, ()) or n % stride:
                continue
            runs += 1
            rc, stdout, err = verify(["strace", "-f", "-qq", "-o", "/dev/null",
                                      "-e", "trace=" + sc,
                                      "-e", f"inject={sc}:error=EIO:when={n}"])
            what = f"verify: {sc} #{n} -> exit {rc}"
            if rc == 2:
                if "evb: " not in err and "verify: " not in err:
                    failures.append(what + ": no message")
            elif rc != ref_rc or stdout != ref_out:
                failures.append(what + f": not as the reference: {stdout[-300:]} {err[-300:]}")
            if snapshot(out) != before:
                failures.append(what + ": the run folder changed")
                return runs
            # a temporary folder the system would not let go of is said
            left = os.listdir(tmp)
            if left and not all(f"cannot remove {os.path.join(tmp, name)}: " in err and
                                ": Success" not in err for name in left):
                failures.append(what + f": left in TMPDIR, unsaid: {left}: {err[-200:]}")
            for name in left:
                shutil.rmtree(os.path.join(tmp, name), ignore_errors=True)
    return runs


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
        for cname, (args, folder) in COMMANDS.items():
            out = os.path.join(work, cname)
            rc, err = run(args, out)
            if rc not in (0, 1):
                failures.append(f"{cname}: the first run failed ({rc}): {err}")
                continue
            ref_rc = rc
            before = snapshot(out)
            trace = os.path.join(work, cname + ".trace")
            rc, err = run(args, out, trace=trace)
            if rc != ref_rc or snapshot(out) != before:
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
                    rc, err = run(args, out, inject=f"{sc}:error={errno}:when={n}")
                    what = f"{cname}: {sc} #{n} ({'/'.join(sorted(cls))}) -> exit {rc}"
                    if "output" in cls and rc != 2:
                        failures.append(what + ": expected exit 2")
                    elif rc not in (2, ref_rc):
                        failures.append(what + f": expected 2 or {ref_rc}: {err[-300:]}")
                    elif rc == 2 and "evb: " not in err:
                        failures.append(what + ": no message")
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
            rc, err = run(args, out, inject="renameat2:error=EINVAL")
            if rc != ref_rc or snapshot(out) != before:
                failures.append(f"{cname}: without renameat2 -> exit {rc}: {err[-300:]}")
            # ... and a new run folder (nothing to replace) must appear too
            runs += 1
            shutil.rmtree(out)
            rc, err = run(args, out, inject="renameat2:error=EINVAL")
            if rc != ref_rc or snapshot(out) != before:
                failures.append(f"{cname}: new run folder without renameat2 -> exit {rc}: "
                                f"{err[-300:]}")
        runs += verify_sweep(work, failures)
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
