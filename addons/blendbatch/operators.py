"""Submit, Estimate, Open report, Cancel and Refresh: each builds one `blendbatch` command line, runs it
and turns what it prints into the scene's settings and one-line Blender reports."""

import pathlib
import sys

import bpy
from bpy.props import BoolProperty, EnumProperty, StringProperty

from . import cli, command, jobs, recipe_form, settings as settings_module

_studio_defaults = None  # `blendbatch config --json`'s "defaults", read once a session


class NeedsBinary:
    """An operator that runs the blendbatch binary: `run(context, binary)` does its work once it is found."""

    def execute(self, context):
        binary = cli.find_binary(bpy.path.abspath(settings_module.preferences(context).binary))
        if binary is None:
            self.report({"ERROR"}, "blendbatch not found: put it on PATH or set its path in the add-on's preferences")
            return {"CANCELLED"}
        return self.run(context, binary)


def studio_defaults(binary, reload=False):
    """The studio config's submission defaults ({} from a blendbatch without `config`)."""
    global _studio_defaults
    if _studio_defaults is None or reload:
        result = cli.run([binary, "config", "--json"])
        shown = result.json() if result.code == 0 else None
        _studio_defaults = {k: v for k, v in ((shown or {}).get("defaults") or {}).items() if v is not None}
    return _studio_defaults


def this_blender():
    """The Blender running now: its binary, or the Python when Blender is the `bpy` module."""
    return bpy.app.binary_path or sys.executable


def options(context):
    """The panel's settings as `blendbatch render` options (None: the scene's own)."""
    s = context.scene.blendbatch
    out = s.out.strip()
    use_this = settings_module.preferences(context).use_this_blender
    return {
        "scene": context.scene.name,
        "frames": s.frames.strip() or None,
        "frames_in_scene": bool(s.frames.strip()),
        "percent": s.percent or None,
        "samples": s.samples or None,
        "device": None if s.device == "scene" else s.device,
        "out": bpy.path.abspath(out) if out.startswith("//") else out or None,
        "blender": this_blender() if use_this else None,
    }


class BLENDBATCH_OT_submit(NeedsBinary, bpy.types.Operator):
    bl_idname = "blendbatch.submit"
    bl_label = "Submit"
    bl_description = "Render this scene with blendbatch in the background (unsaved changes are saved first)"

    wait: BoolProperty(name="Wait", description="Block until the job ends (scripts and tests)", default=False,
                       options={"SKIP_SAVE"})

    def invoke(self, context, event):
        if not bpy.data.filepath:
            self.report({"ERROR"}, "blendbatch renders the saved file: save the .blend first (File › Save As)")
            return {"CANCELLED"}
        return context.window_manager.invoke_props_dialog(self, width=440)

    def draw(self, context):
        s, layout = context.scene.blendbatch, self.layout
        layout.label(text=f"Render '{context.scene.name}' with the recipe '{s.recipe}' ({s.backend})")
        if bpy.data.is_dirty:
            layout.label(text="The file has unsaved changes: it is saved first.", icon="ERROR")
        recipe = s.recipe.strip() or "render"
        if s.backend == "local" and recipe_form.is_form_of(recipe):
            recipe_form.draw(layout.column(), recipe, context.window_manager.blendbatch_params)

    def run(self, context, binary):
        scene, s = context.scene, context.scene.blendbatch
        settings_module.apply_studio_defaults(s, studio_defaults(binary))
        if not bpy.data.filepath:
            self.report({"ERROR"}, "blendbatch renders the saved file: save the .blend first (File › Save As)")
            return {"CANCELLED"}
        busy = jobs.running(bpy.data.filepath, scene.name)
        if busy is not None:
            self.report({"ERROR"}, f"a blendbatch job from this scene is still running ({busy.last.get('job', 'starting')}): "
                                   "wait for it or cancel it")
            return {"CANCELLED"}
        recipe = s.recipe.strip() or "render"
        if recipe != "render" and not recipe_form.parameters(recipe):
            failed = recipe_form.load(binary)
            if failed is not None or not recipe_form.parameters(recipe):
                self.report({"ERROR"}, failed.message("recipes") if failed else
                            f"no recipe '{recipe}' on the recipe path: pick one from the list (blendbatch recipes)")
                return {"CANCELLED"}
        if bpy.data.is_dirty or bpy.app.background:  # a background Blender 3.x never marks the file dirty
            bpy.ops.wm.save_mainfile()
        extra = recipe_form.argv(recipe, context.window_manager.blendbatch_params) if recipe_form.is_form_of(recipe) else []
        argv = command.submit_argv(binary, bpy.data.filepath, s.backend, recipe, options(context), extra,
                                   recipe_form.declared(recipe) if recipe_form.parameters(recipe) else None, s.queue.strip())
        try:
            job = cli.Job(argv)
        except OSError as error:
            self.report({"ERROR"}, f"cannot run {binary}: {error.strerror}")
            return {"CANCELLED"}
        s.job_state, s.report_path = "submitted", ""
        if not self.wait:
            jobs.start(job, bpy.data.filepath, scene.name)
            self.report({"INFO"}, "blendbatch: submitted; progress is in the status bar")
            return {"FINISHED"}
        level, message = jobs.finish(s, job.wait(), job.last.get("job", ""))
        self.report({level}, message)
        return {"FINISHED"} if level == "INFO" else {"CANCELLED"}


class BLENDBATCH_OT_estimate(NeedsBinary, bpy.types.Operator):
    bl_idname = "blendbatch.estimate"
    bl_label = "Estimate"
    bl_description = "Estimate the render's time here and its cost on AWS (blendbatch estimate)"

    def run(self, context, binary):
        if not bpy.data.filepath:
            self.report({"ERROR"}, "save the .blend first: the estimate reads the saved file")
            return {"CANCELLED"}
        result = cli.run([binary, "estimate", bpy.data.filepath, "--json"])
        if result.lacks_command():
            context.scene.blendbatch.estimate = "this blendbatch has no estimate yet"
            self.report({"WARNING"}, context.scene.blendbatch.estimate)
            return {"CANCELLED"}
        if result.code != 0 or not isinstance(result.json(), dict):
            self.report({"ERROR"}, result.message("estimate"))
            return {"CANCELLED"}
        context.scene.blendbatch.estimate = estimate_text(result.json())
        self.report({"INFO"}, context.scene.blendbatch.estimate)
        return {"FINISHED"}


def estimate_text(estimate):
    """`here ~4m (3m–6m) · AWS from $0.12 spot (c7i.large)` from `estimate --json`."""
    def clock(seconds):
        seconds = int(round(seconds or 0))
        return f"{seconds // 60}m{seconds % 60:02d}s" if seconds >= 60 else f"{seconds}s"
    parts = []
    wall = (estimate.get("here") or {}).get("wall_seconds") or {}
    if "median" in wall:
        parts.append(f"here ~{clock(wall['median'])} ({clock(wall.get('p10'))}–{clock(wall.get('p90'))})")
    priced = [i for i in estimate.get("instances") or [] if i.get("spot_usd") is not None]
    if priced:
        cheapest = min(priced, key=lambda i: i["spot_usd"])
        parts.append(f"AWS from ${cheapest['spot_usd']:.2f} spot ({cheapest.get('instance_type', '?')}, "
                     f"${cheapest.get('on_demand_usd', 0):.2f} on demand)")
    return " · ".join(parts) or "no estimate for this file"


class BLENDBATCH_OT_open_report(NeedsBinary, bpy.types.Operator):
    bl_idname = "blendbatch.open_report"
    bl_label = "Open report"
    bl_description = "Write the last job's HTML report (blendbatch report) and open it"

    @classmethod
    def poll(cls, context):
        return bool(context.scene.blendbatch.job_id)

    def run(self, context, binary):
        s = context.scene.blendbatch
        result = cli.run([binary, "report", s.job_id])
        if result.lacks_command():
            self.report({"WARNING"}, "this blendbatch has no report yet")
            return {"CANCELLED"}
        lines = result.stdout.strip().splitlines()
        if result.code != 0 or not lines:
            self.report({"ERROR"}, result.message("report"))
            return {"CANCELLED"}
        s.report_path = lines[-1].strip()
        if not bpy.app.background:
            bpy.ops.wm.url_open(url=pathlib.Path(s.report_path).as_uri())
        self.report({"INFO"}, f"blendbatch report: {s.report_path}")
        return {"FINISHED"}


class BLENDBATCH_OT_cancel(bpy.types.Operator):
    bl_idname = "blendbatch.cancel"
    bl_label = "Cancel"
    bl_description = "Stop the running job cleanly (blendbatch resume JOB finishes it later)"

    @classmethod
    def poll(cls, context):
        return jobs.running(bpy.data.filepath, context.scene.name) is not None

    def execute(self, context):
        jobs.running(bpy.data.filepath, context.scene.name).cancel()
        return {"FINISHED"}


class BLENDBATCH_OT_refresh(NeedsBinary, bpy.types.Operator):
    bl_idname = "blendbatch.refresh"
    bl_label = "Refresh recipes"
    bl_description = "Read the recipes and the studio's defaults again through blendbatch"

    def run(self, context, binary):
        failed = recipe_form.load(binary)
        if failed is not None:
            self.report({"ERROR"}, failed.message("recipes"))
            return {"CANCELLED"}
        settings_module.apply_studio_defaults(context.scene.blendbatch, studio_defaults(binary, reload=True))
        recipe_form.ensure_form(context.scene.blendbatch.recipe.strip() or "render")
        return {"FINISHED"}


class BLENDBATCH_OT_notify(bpy.types.Operator):
    """A job's end as a Blender report (the timer that watches jobs has no operator of its own)."""
    bl_idname = "blendbatch.notify"
    bl_label = "blendbatch"
    bl_options = {"INTERNAL"}

    level: EnumProperty(items=[(x, x, "") for x in ("INFO", "WARNING", "ERROR")])
    message: StringProperty()

    def execute(self, context):
        self.report({self.level}, self.message)
        return {"FINISHED"}


classes = (BLENDBATCH_OT_submit, BLENDBATCH_OT_estimate, BLENDBATCH_OT_open_report, BLENDBATCH_OT_cancel,
           BLENDBATCH_OT_refresh, BLENDBATCH_OT_notify)


register, unregister = bpy.utils.register_classes_factory(classes)
