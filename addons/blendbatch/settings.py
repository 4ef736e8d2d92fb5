"""`scene.blendbatch`: what to render and where, saved with the .blend, and the last job's id, state
and report so reopening the file shows them. Empty or 0 means "the scene's own"."""

import bpy
from bpy.props import EnumProperty, IntProperty, StringProperty

DEVICES = [("scene", "Scene's", "The device the scene is set to render on"),
           ("cpu", "CPU", ""), ("cuda", "CUDA", ""), ("optix", "OptiX", ""), ("hip", "HIP", ""), ("oneapi", "oneAPI", "")]

# The settings a studio's `blendbatch config` defaults may pre-fill.
STUDIO_KEYS = ("backend", "queue", "out", "recipe", "device", "percent", "samples")


def _recipe_changed(self, context):
    """Show the newly chosen recipe's fields (once the recipe list is loaded)."""
    from . import recipe_form
    recipe = self.recipe.strip() or "render"
    if recipe_form.parameters(recipe):
        recipe_form.ensure_form(recipe)


class BlendbatchSettings(bpy.types.PropertyGroup):
    backend: EnumProperty(name="Backend", items=[
        ("local", "Local", "Render on this machine"),
        ("aws", "AWS Batch", "Render on AWS Batch (needs an s3:// output and a queue)"),
        ("slurm", "Slurm", "Render on the studio's Slurm cluster (sbatch --array; the output on a filesystem every node mounts)")],
        default="local")
    frames: StringProperty(name="Frames", description="Frames to render, e.g. 1-100, 1-100:5, 1,5,9-12 (empty: the scene's range)")
    percent: IntProperty(name="Resolution %", min=0, max=100, default=0, description="Resolution percentage (0: the scene's)")
    samples: IntProperty(name="Samples", min=0, default=0, description="Render samples (0: the scene's)")
    device: EnumProperty(name="Device", items=DEVICES, default="scene", description="Cycles device")
    out: StringProperty(name="Output", default="//render/", description="Output folder (// is the .blend's folder) or s3://bucket/prefix")
    recipe: StringProperty(name="Recipe", default="render", description="The recipe that renders (blendbatch recipes)",
                          update=_recipe_changed)
    queue: StringProperty(name="Queue", description="AWS Batch job queue (empty: the studio's default)")
    job_id: StringProperty(name="Job", description="The last job submitted from this scene")
    job_state: StringProperty(name="State", description="How the last job ended, or where it stands")
    report_path: StringProperty(name="Report", subtype="FILE_PATH", description="The last job's HTML report")
    estimate: StringProperty(name="Estimate", description="The last estimate of time and cost")


class BlendbatchPreferences(bpy.types.AddonPreferences):
    bl_idname = __package__

    binary: StringProperty(name="blendbatch binary", subtype="FILE_PATH",
                           description="The blendbatch program (empty: blendbatch on PATH)")
    use_this_blender: bpy.props.BoolProperty(
        name="Render with this Blender", default=True,
        description="Jobs render with the Blender you are running, so the file renders with the version that saved it")

    def draw(self, context):
        self.layout.prop(self, "binary")
        self.layout.prop(self, "use_this_blender")


def preferences(context=None):
    return (context or bpy.context).preferences.addons[__package__].preferences


def apply_studio_defaults(settings, defaults):
    """Pre-fill what the artist has not set on this scene from the studio config's `defaults`."""
    for key in STUDIO_KEYS:
        if key in defaults and not settings.is_property_set(key):
            try:
                setattr(settings, key, defaults[key])
            except (TypeError, ValueError):  # a value this add-on cannot show (a device it does not list)
                pass


_register, _unregister = bpy.utils.register_classes_factory((BlendbatchSettings, BlendbatchPreferences))


def register():
    _register()
    bpy.types.Scene.blendbatch = bpy.props.PointerProperty(type=BlendbatchSettings)


def unregister():
    del bpy.types.Scene.blendbatch
    _unregister()
