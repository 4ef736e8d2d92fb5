#!/usr/bin/env python3
"""A Blender that crashes (SIGSEGV) every time it reaches frame $CRASH_FRAME: it runs the real
Blender ($REAL_BLENDER, default `blender`) on the frames of the render driver's job spec before that
one, then dies as Blender does on a fatal bug. Any other invocation is passed through unchanged.
Used as `--blender` by the tests of a frame that can never be rendered."""
import json, os, signal, subprocess, sys

real = os.environ.get("REAL_BLENDER", "blender")
crash = int(os.environ["CRASH_FRAME"])
args = sys.argv[1:]
spec_at = args.index("--") + 1 if "--" in args else None
spec = json.load(open(args[spec_at])) if spec_at is not None and spec_at < len(args) else None
if spec is None or crash not in spec["frames"]:
    os.execvp(real, [real] + args)
before = [f for f in spec["frames"] if f < crash]
if before:
    spec["frames"] = before
    partial = args[spec_at] + ".before-crash.json"
    json.dump(spec, open(partial, "w"))
    subprocess.call([real] + args[:spec_at] + [partial] + args[spec_at + 1:])
sys.stdout.write("Fra:%d Mem:1M | Rendering\n" % crash)
sys.stdout.flush()
os.kill(os.getpid(), signal.SIGSEGV)
