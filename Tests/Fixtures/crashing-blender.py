#!/usr/bin/env python3
"""A Blender that crashes (SIGSEGV) every time it reaches frame $CRASH_FRAME: it runs the real
Blender ($REAL_BLENDER, default `blender`) on the frames before that one, then dies as Blender does
on a fatal bug. Any other invocation is passed through unchanged. Used as `--blender` by the test
of a frame that can never be rendered."""
import os, signal, subprocess, sys

real = os.environ.get("REAL_BLENDER", "blender")
crash = int(os.environ["CRASH_FRAME"])
args = sys.argv[1:]

def frames_of(args):
    if "-f" in args:
        spec = args[args.index("-f") + 1]
        frames = []
        for part in spec.split(","):
            if ".." in part:
                a, b = part.split("..")
                frames += list(range(int(a), int(b) + 1))
            else:
                frames.append(int(part))
        return frames, ("-f", args.index("-f"))
    if "-a" in args and "-s" in args and "-e" in args:
        step = int(args[args.index("-j") + 1]) if "-j" in args else 1
        return list(range(int(args[args.index("-s") + 1]), int(args[args.index("-e") + 1]) + 1, step)), ("-a", args.index("-a"))
    return None, None

frames, where = frames_of(args)
if not frames or crash not in frames:
    os.execvp(real, [real] + args)
before = [f for f in frames if f < crash]
if before:
    head = args[:where[1]] if where[0] == "-f" else [a for i, a in enumerate(args[:where[1]])
                                                     if a not in ("-s", "-e", "-j") and (i == 0 or args[i - 1] not in ("-s", "-e", "-j"))]
    tail = args[where[1] + (2 if where[0] == "-f" else 1):]
    subprocess.call([real] + head + ["-f", ",".join(map(str, before))] + tail)
sys.stdout.write("Fra:%d Mem:1M | Rendering\n" % crash)
sys.stdout.flush()
os.kill(os.getpid(), signal.SIGSEGV)
