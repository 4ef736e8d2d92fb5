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
        layout.use_property_split, layout.use_property_decorate = True, False
        layout.prop(s, "backend")
        if s.backend == "aws":
            layout.prop(s, "queue")
        layout.prop(s, "frames", text="Frames" if s.frames else f"Frames ({context.scene.frame_start}-{context.scene.frame_end})")
        layout.prop(s, "percent")
        layout.prop(s, "samples")
        layout.prop(s, "device")
        layout.prop(s, "out")
        if s.backend == "local":
            row = layout.row(align=True)
            row.prop_search(s, "recipe", wm, "blendbatch_recipes", icon="SCRIPT")
            row.operator("blendbatch.refresh", text="", icon="FILE_REFRESH")

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


class RENDER_PT_blendbatch_recipe(bpy.types.Panel):
    """The chosen recipe's own parameters (local backend)."""
    bl_label = "Recipe options"
    bl_space_type = "PROPERTIES"
    bl_region_type = "WINDOW"
    bl_context = "render"
    bl_parent_id = "RENDER_PT_blendbatch"
    bl_options = {"DEFAULT_CLOSED"}

    @classmethod
    def poll(cls, context):
        s = context.scene.blendbatch
        return s.backend == "local" and recipe_form.is_form_of(s.recipe.strip() or "render")

    def draw(self, context):
        self.layout.use_property_split, self.layout.use_property_decorate = True, False
        recipe_form.draw(self.layout, context.scene.blendbatch.recipe.strip() or "render", context.window_manager.blendbatch_params)


classes = (RENDER_PT_blendbatch, RENDER_PT_blendbatch_recipe)


register, unregister = bpy.utils.register_classes_factory(classes)
