"""Render properties › blendbatch: the settings, the recipe and its fields, the buttons, the last job."""

import bpy

from . import jobs, recipe_form


class RENDER_PT_blendbatch(bpy.types.Panel):
    bl_label = "blendbatch"
    bl_space_type = "PROPERTIES"
    bl_region_type = "WINDOW"
    bl_context = "render"

    def draw(self, context):
        s, wm, layout = context.scene.blendbatch, context.window_manager, self.layout
        layout.use_property_split = True
        layout.prop(s, "backend")
        if s.backend == "aws":
            layout.prop(s, "queue")
        layout.prop(s, "frames", text="Frames" if s.frames else f"Frames ({context.scene.frame_start}-{context.scene.frame_end})")
        layout.prop(s, "percent")
        layout.prop(s, "samples")
        layout.prop(s, "device")
        layout.prop(s, "out")
        row = layout.row(align=True)
        row.prop_search(s, "recipe", wm, "blendbatch_recipes", icon="SCRIPT")
        row.operator("blendbatch.refresh", text="", icon="FILE_REFRESH")
        form = getattr(wm, "blendbatch_params", None)
        if form is not None and recipe_form.is_form_of(s.recipe.strip() or "render"):
            box = layout.column(heading="Recipe")
            recipe_form.draw(box, s.recipe.strip() or "render", form)

        row = layout.row(align=True)
        row.operator("blendbatch.estimate", icon="TIME")
        running = jobs.running(bpy.data.filepath, context.scene.name) is not None
        row.operator("blendbatch.cancel" if running else "blendbatch.submit", icon="CANCEL" if running else "RENDER_ANIMATION")
        row.operator("blendbatch.open_report", icon="URL")
        if s.estimate:
            layout.label(text=s.estimate, icon="INFO")
        if s.job_id or s.job_state:
            col = layout.column(align=True)
            col.label(text=f"Job {s.job_id or '…'}: {s.job_state}")
            if s.report_path:
                col.label(text=f"Report: {s.report_path}")


def register():
    bpy.utils.register_class(RENDER_PT_blendbatch)


def unregister():
    bpy.utils.unregister_class(RENDER_PT_blendbatch)
