"""The add-on in Blender's UI (Tests/CLITests/AddonTests.swift runs it under Xvfb): submit without
waiting, let the add-on's timer follow the job, and print every state the scene's panel showed as one
JSON line. The .blend is opened on Blender's command line; $BB_ADDON_SPEC (JSON) gives zip and binary."""

import json
import os
import time

import bpy

spec = json.loads(os.environ["BB_ADDON_SPEC"])
bpy.ops.preferences.addon_install(filepath=spec["zip"])
bpy.ops.preferences.addon_enable(module="blendbatch")
bpy.context.preferences.addons["blendbatch"].preferences.binary = spec["binary"]
states = []
deadline = time.time() + 240


def start():
    bpy.ops.blendbatch.refresh()
    s = bpy.context.scene.blendbatch
    s.frames, s.out = "1-4", "//out"
    bpy.ops.blendbatch.submit()  # from a script: no dialog, the job runs in the background
    bpy.app.timers.register(watch)


def watch():
    s = bpy.context.scene.blendbatch
    if not states or states[-1] != s.job_state:
        states.append(s.job_state)
    if s.job_state.startswith(("done", "failed")) or time.time() > deadline:
        print("ADDON-OUTCOME: " + json.dumps({"states": states, "job_id": s.job_id}), flush=True)
        bpy.ops.wm.quit_blender()
        return None
    return 0.05


bpy.app.timers.register(start, first_interval=1.0)
