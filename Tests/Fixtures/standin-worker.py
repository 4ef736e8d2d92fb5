#!/usr/bin/env python3
"""A stand-in for `blendbatch worker`, used by the executor and chaos tests that run before (or
without) Blender: it speaks the worker's contract (BLENDBATCH_MANIFEST, AWS_BATCH_JOB_ARRAY_INDEX,
exit codes 0/65/70/75, frames written under a temp name and renamed into <out>/frames/) and can be
told to misbehave, which real Blender cannot be made to do on demand.

STANDIN_FRAME_SECONDS  seconds per frame (default 0.2), printed as 4 Cycles-like sample lines
STANDIN_FIRST_ATTEMPT_SECONDS  seconds per frame on attempt 1 (a task that lasts until it is interrupted)
STANDIN_CRASH_FRAMES   frames that fail every time (exit 70, like a Blender error)
STANDIN_SEGV_FRAMES    frames that crash the worker with SIGSEGV on attempt 1 only
STANDIN_BAD_INPUT      exit 65 at once
STANDIN_CHILD          start a long-running child in a session of its own (a stray "Blender")
STANDIN_IGNORE_TERM    ignore SIGTERM (the executor must SIGKILL after the notice)
STANDIN_REAL_VIDEO     the stitch makes a real MP4 with FFmpeg (else a text file listing the frames)
"""
import os, signal

env = os.environ
child = None

def key(frame):
    digits = str(abs(frame)).rjust(out.get("padding", 4), "0")
    return "frames/%s_%s%s.png" % (out["name"], "-" if frame < 0 else "", digits)

def on_term(signum, _frame):
    if env.get("STANDIN_IGNORE_TERM"):
        print("ignoring SIGTERM", flush=True)
        return
    if child:
        child.kill()
    print("interrupted: keeping finished frames", flush=True)
    os._exit(75)

signal.signal(signal.SIGTERM, on_term)   # first, so an early notice finds it in place

import json, struct, subprocess, sys, time, zlib
manifest = json.load(open(env["BLENDBATCH_MANIFEST"]))
out = manifest["output"]
root = out["location"]
print("env AWS_BATCH_JOB_ID=%s AWS_BATCH_JOB_ATTEMPT=%s AWS_BATCH_JOB_ARRAY_INDEX=%s" % (
    env.get("AWS_BATCH_JOB_ID"), env.get("AWS_BATCH_JOB_ATTEMPT"), env.get("AWS_BATCH_JOB_ARRAY_INDEX")), flush=True)

frames_all = [f for c in manifest["chunks"] for f in c["frames"]]
if "--stage" in sys.argv:
    have = [f for f in frames_all if os.path.exists(os.path.join(root, key(f)))]
    if env.get("STANDIN_REAL_VIDEO"):
        pattern = os.path.join(root, "frames", out["name"] + "_%0" + str(out.get("padding", 4)) + "d.png")
        sys.exit(subprocess.call(["ffmpeg", "-v", "error", "-y", "-framerate", "24", "-start_number", str(min(have)),
                                  "-i", pattern, "-pix_fmt", "yuv420p", os.path.join(root, out["name"] + ".mp4")]))
    with open(os.path.join(root, out["name"] + ".mp4"), "w") as fh:
        fh.write(json.dumps(have))
    print("stitched %d frames" % len(have), flush=True)
    sys.exit(0)

if env.get("STANDIN_BAD_INPUT"):
    print("error: cannot read the .blend", flush=True)
    sys.exit(65)

def png():
    raw = b"".join(b"\x00" + b"\x80\x40\x20" * 4 for _ in range(4))
    def chunk(kind, data):
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data) & 0xffffffff)
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", 4, 4, 8, 2, 0, 0, 0))
            + chunk(b"IDAT", zlib.compress(raw)) + chunk(b"IEND", b""))

index = int(env["AWS_BATCH_JOB_ARRAY_INDEX"])
frames = next(c for c in manifest["chunks"] if c["index"] == index)["frames"]
seconds = float(env.get("STANDIN_FRAME_SECONDS", "0.2"))
if env.get("AWS_BATCH_JOB_ATTEMPT") == "1" and env.get("STANDIN_FIRST_ATTEMPT_SECONDS"):
    seconds = float(env["STANDIN_FIRST_ATTEMPT_SECONDS"])
listed = lambda name: set(int(x) for x in env.get(name, "").split(",") if x)
crash, segv = listed("STANDIN_CRASH_FRAMES"), listed("STANDIN_SEGV_FRAMES")
if env.get("STANDIN_CHILD"):
    child = subprocess.Popen(["sleep", "1000"], start_new_session=True)

for frame in frames:
    path = os.path.join(root, key(frame))
    if os.path.exists(path):
        continue
    if frame in crash:
        print("Error: frame %d crashed Blender" % frame, flush=True)
        if child:
            child.kill()
        sys.exit(70)
    if frame in segv and env.get("AWS_BATCH_JOB_ATTEMPT") == "1":
        os.kill(os.getpid(), signal.SIGSEGV)
    for sample in range(1, 5):
        time.sleep(seconds / 4)
        print("Fra:%d Mem:1.00M | Time:00:00.10 | Sample %d/4" % (frame, sample), flush=True)
    os.makedirs(os.path.dirname(path), exist_ok=True)
    temp = os.path.join(os.path.dirname(path), ".bb-tmp-%d-%d" % (os.getpid(), frame))
    with open(temp, "wb") as fh:
        fh.write(png())
    os.rename(temp, path)
    print("Saved: '%s'" % path, flush=True)
if child:
    child.kill()
