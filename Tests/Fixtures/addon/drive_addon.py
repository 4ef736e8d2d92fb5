"""Drives the blendbatch add-on inside a real Blender for Tests/CLITests/AddonTests.swift:
install and enable it (legacy zip or extension), open a .blend, set scene.blendbatch, submit with
wait=True, submit frames outside the scene, save, reopen, and print what happened as one JSON line.
Run: blender -b --factory-startup --python drive_addon.py   or   <bpy venv python> drive_addon.py
The spec comes from $BB_ADDON_SPEC (JSON): kind, zip, blend, binary."""

import json
import os
import sys

import bpy

spec = json.loads(os.environ["BB_ADDON_SPEC"])
outcome = {}

if spec["kind"] == "legacy":
    bpy.ops.preferences.addon_install(filepath=spec["zip"])
    bpy.ops.preferences.addon_enable(module="blendbatch")
    module = "blendbatch"
else:
    # What `blender --command extension install-file -r user_default -e ZIP` runs.
    from bl_pkg import bl_extension_cli
    outcome["validate"] = bl_extension_cli.cli_extension_handler(["validate", spec["zip"]])
    outcome["install"] = bl_extension_cli.cli_extension_handler(["install-file", "-r", "user_default", "-e", spec["zip"]])
    module = "bl_ext.user_default.blendbatch"
outcome["enabled"] = module in bpy.context.preferences.addons

bpy.ops.wm.open_mainfile(filepath=spec["blend"])
bpy.context.preferences.addons[module].preferences.binary = spec["binary"]
bpy.ops.blendbatch.refresh()
scene = bpy.context.scene
s = scene.blendbatch
outcome["recipes"] = sorted(r.name for r in bpy.context.window_manager.blendbatch_recipes)
outcome["prefilled"] = {"samples": s.samples, "percent": s.percent}
s.frames = "1-3"
s.out = "//out"
form = bpy.context.window_manager.blendbatch_params
form.video = False  # a recipe parameter from the form: --no-video
form.workers = 1
scene.render.fps = 12  # a change that submit must save before the job reads the file
saved_before = os.stat(spec["blend"]).st_mtime_ns


def submit():
    try:
        return {"result": sorted(bpy.ops.blendbatch.submit(wait=True))}
    except RuntimeError as error:  # how bpy.ops hands an operator's ERROR report to a script
        return {"error": str(error).strip()}


outcome["first"] = dict(submit(), job_id=s.job_id, job_state=s.job_state)
outcome["saved"] = os.stat(spec["blend"]).st_mtime_ns > saved_before
s.frames = "500-502"
outcome["outside"] = dict(submit(), job_state=s.job_state)
s.recipe = "preview"  # another recipe: the form becomes its parameters
form = bpy.context.window_manager.blendbatch_params
outcome["preview_form"] = sorted(name for name in form.bl_rna.properties.keys() if name not in ("rna_type", "name"))
form.every = 2
s.frames, s.out = "1-4", "//preview"
outcome["preview"] = dict(submit(), job_state=s.job_state)
s.recipe = "render"
job_id = s.job_id
bpy.ops.wm.save_mainfile()
bpy.ops.wm.open_mainfile(filepath=spec["blend"])
outcome["reopened"] = {"job_id": bpy.context.scene.blendbatch.job_id, "fps": bpy.context.scene.render.fps}
try:
    bpy.ops.blendbatch.open_report()
    outcome["report"] = bpy.context.scene.blendbatch.report_path
except RuntimeError as error:
    outcome["report"] = str(error).strip()
try:
    bpy.ops.blendbatch.estimate()
    outcome["estimate"] = bpy.context.scene.blendbatch.estimate
except RuntimeError as error:
    outcome["estimate"] = str(error).strip()
print("ADDON-OUTCOME: " + json.dumps(outcome), flush=True)
sys.stdout.flush()
