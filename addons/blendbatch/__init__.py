"""blendbatch for Blender: submit the open scene to blendbatch (this machine or AWS Batch) from
Render properties › blendbatch, or from a script with `bpy.ops.blendbatch.submit(wait=True)`.
The add-on only builds `blendbatch` command lines and reads their output."""

bl_info = {
    "name": "blendbatch",
    "author": "blendbatch",
    "version": (0, 1, 0),
    "blender": (3, 4, 0),
    "location": "Properties › Render › blendbatch",
    "description": "Render the scene as a blendbatch job, here or on AWS Batch, with the studio's recipes",
    "category": "Render",
}

import bpy

from . import jobs, operators, panel, recipe_form, settings

_modules = (settings, recipe_form, operators, panel)


@bpy.app.handlers.persistent
def _prefill(_=None, __=None):
    """Load the recipe list and the studio's defaults once Blender has a window (not in background)."""
    if not bpy.app.background and bpy.context.window_manager.windows:
        try:
            bpy.ops.blendbatch.refresh()
        except RuntimeError:  # bpy.ops raises on its ERROR report (no binary yet), which Blender shows
            pass


def register():
    for module in _modules:
        module.register()
    bpy.app.handlers.load_post.append(_prefill)
    bpy.app.timers.register(_prefill, first_interval=0.5)


def unregister():
    jobs.unregister()
    if _prefill in bpy.app.handlers.load_post:
        bpy.app.handlers.load_post.remove(_prefill)
    if bpy.app.timers.is_registered(_prefill):
        bpy.app.timers.unregister(_prefill)
    for module in reversed(_modules):
        module.unregister()
