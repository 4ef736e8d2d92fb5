# blendbatch's render driver: runs inside Blender (`blender -b --python render_driver.py -- SPEC`) or in a
# Python that can `import bpy` (`python render_driver.py SPEC`), opens the .blend, applies the job's
# settings with the API of the Blender it runs in, renders the task's frames, and prints one line per
# event for the worker:
#   blendbatch-driver: {"blender": "4.5.3", "engine": "CYCLES", "devices": [...], ...}   once, before the first frame
#   blendbatch-warning: <text>                                                            a setting it had to change
#   blendbatch-frame: {"frame": 12, "file": "...", "seconds": 1.25, "peak_memory": 123456789}
#   blendbatch-error: <text>                                                              then exits 65 (bad input) or 69 (unavailable)
# SPEC is a JSON file written by the worker (see BlenderDriver.swift).
import json
import os
import resource
import sys
import time

DATA_ERROR, UNAVAILABLE, RENDER_FAILURE = 65, 69, 70


def say(marker, payload):
    text = payload if isinstance(payload, str) else json.dumps(payload, separators=(",", ":"))
    sys.stdout.write("blendbatch-%s: %s\n" % (marker, text))
    sys.stdout.flush()


def fail(message, code=DATA_ERROR):
    say("error", message)
    sys.stderr.flush()
    os._exit(code)


def spec_path():
    args = sys.argv[sys.argv.index("--") + 1:] if "--" in sys.argv else sys.argv[1:]
    if not args:
        fail("render driver: no job spec given", RENDER_FAILURE)
    return args[0]


try:
    import bpy
except ImportError as error:
    fail("this Python cannot import bpy (%s): pip install bpy, or point --blender at Blender" % error, UNAVAILABLE)

VERSION = bpy.app.version
EEVEE = "BLENDER_EEVEE_NEXT" if (4, 2) <= VERSION[:2] < (5, 0) else "BLENDER_EEVEE"
ENGINE_NAMES = {
    "CYCLES": "CYCLES",
    "EEVEE": EEVEE, "BLENDER_EEVEE": EEVEE, "BLENDER_EEVEE_NEXT": EEVEE,
    "WORKBENCH": "BLENDER_WORKBENCH", "BLENDER_WORKBENCH": "BLENDER_WORKBENCH",
}
GPU_DEVICES = {"cuda": "CUDA", "optix": "OPTIX", "hip": "HIP", "oneapi": "ONEAPI", "metal": "METAL"}


def open_file(spec):
    try:
        trust = {} if spec.get("blendScripts") is None else {"use_scripts": spec["blendScripts"]}
        bpy.ops.wm.open_mainfile(filepath=spec["file"], load_ui=False, **trust)
    except RuntimeError as error:
        fail("cannot read %s: %s" % (spec["file"], str(error).strip().splitlines()[-1]))
    scene = bpy.context.scene
    wanted = spec.get("scene")
    if wanted and scene.name != wanted:
        scene = bpy.data.scenes.get(wanted)
        if scene is None:
            fail("scene %r not found; the file has: %s" % (wanted, ", ".join(s.name for s in bpy.data.scenes)))
    return scene


def set_engine(render, requested):
    name = ENGINE_NAMES.get(requested.upper(), requested.upper())
    try:
        render.engine = name
    except TypeError:
        known = [item.identifier for item in render.bl_rna.properties["engine"].enum_items]
        fail("unknown render engine %r for Blender %s (this one has: %s)" % (requested, bpy.app.version_string, ", ".join(known)))


def select_device(scene, device):
    """Cycles device: 'cpu', or a GPU backend whose devices are all enabled. Returns their names.
    Without --device, a scene set to GPU uses whatever GPU Cycles finds here, else the CPU (with a warning)."""
    if scene.render.engine != "CYCLES":
        return []
    if device is None:
        if scene.cycles.device == "CPU":
            return []
        found = enable_gpu(scene, list(GPU_DEVICES.values()))
        if found:
            return found
        say("warning", "the scene renders on the GPU, but Cycles finds none on this machine: rendering on the CPU")
        device = "cpu"
    if device == "cpu":
        scene.cycles.device = "CPU"
        return ["CPU"]
    found = enable_gpu(scene, [GPU_DEVICES[device]])
    if not found:
        fail("no %s device found for Cycles on this machine (Blender %s); render with --device cpu, or on a machine with that GPU"
             % (device.upper(), bpy.app.version_string), UNAVAILABLE)
    return found


def enable_gpu(scene, backends):
    """Enable every device of the first of `backends` that has any; returns their names ([] if none)."""
    preferences = bpy.context.preferences.addons["cycles"].preferences
    for backend in backends:
        try:
            preferences.compute_device_type = backend
        except TypeError:
            continue
        preferences.get_devices()
        found = [d for d in preferences.devices if d.type == backend]
        if found:
            for d in preferences.devices:
                d.use = d.type == backend
            scene.cycles.device = "GPU"
            return ["%s (%s)" % (d.name, d.type) for d in found]
    return []


def has_oidn():
    try:
        import _cycles
        return bool(getattr(_cycles, "with_openimagedenoise", False))
    except ImportError:
        return False


def set_denoising(scene, denoise):
    """Keep the scene's choice where OpenImageDenoise exists (off with a warning where it does not), or force it."""
    if scene.render.engine != "CYCLES":
        return
    cycles = scene.cycles
    wants = cycles.use_denoising if denoise is None else denoise
    # A build without OpenImageDenoise (Debian's) has no denoiser to pick: its denoiser reads as ''.
    if wants and cycles.denoiser in ("OPENIMAGEDENOISE", "") and not has_oidn():
        if denoise:
            fail("this Blender %s has no OpenImageDenoise, so --denoise on cannot work; use a Blender from blender.org or PyPI bpy"
                 % bpy.app.version_string, UNAVAILABLE)
        say("warning", "Blender %s has no OpenImageDenoise: denoising turned off (frames are noisier than in the scene)"
            % bpy.app.version_string)
        wants = False
    cycles.use_denoising = wants
    for layer in scene.view_layers:
        if hasattr(layer, "cycles") and not wants:
            layer.cycles.use_denoising = False


def set_format(settings, file_format):
    if settings.file_format == file_format:
        return
    try:
        settings.file_format = file_format
    except TypeError:
        if file_format == "OPEN_EXR_MULTILAYER" and hasattr(settings, "media_type"):
            settings.media_type = "MULTI_LAYER_IMAGE"
        else:
            fail("file format %s is not available in Blender %s" % (file_format, bpy.app.version_string))


def escape_template(path):
    """Blender 4.5+ expands {variables} in output paths: keep literal braces literal."""
    return path.replace("{", "{{").replace("}", "}}") if VERSION[:2] >= (4, 5) else path


def configure(scene, spec):
    o = spec.get("overrides", {})
    r = scene.render
    if o.get("engine"):
        set_engine(r, o["engine"])
    if o.get("camera"):
        camera = bpy.data.objects.get(o["camera"])
        if camera is None or camera.type != "CAMERA":
            fail("camera %r not found; cameras: %s" % (o["camera"], ", ".join(x.name for x in bpy.data.objects if x.type == "CAMERA")))
        scene.camera = camera
    if scene.camera is None:
        fail("scene %r has no camera: add one in Blender (Add > Camera) and make it the scene's camera" % scene.name)
    for key, attribute in (("resolutionPercentage", "resolution_percentage"), ("resolutionX", "resolution_x"), ("resolutionY", "resolution_y")):
        if o.get(key):
            setattr(r, attribute, o[key])
    if o.get("samples"):
        if r.engine == "CYCLES":
            scene.cycles.samples = o["samples"]
        elif hasattr(scene, "eevee"):
            scene.eevee.taa_render_samples = o["samples"]
    if o.get("threads"):
        r.threads_mode = "FIXED"
        r.threads = o["threads"]
    devices = select_device(scene, o.get("device"))
    set_denoising(scene, o.get("denoise"))
    persistent = o.get("persistentData")
    if persistent is None:
        persistent = r.engine == "CYCLES" and len(spec["frames"]) > 1
    r.use_persistent_data = bool(persistent)
    set_format(r.image_settings, spec["format"])
    r.use_file_extension = True
    r.use_overwrite = True
    r.use_placeholder = False
    r.filepath = escape_template(spec["output"])
    spec["paths"] = {frame: scene.render.frame_path(frame=frame) for frame in spec["frames"]}
    say("driver", {"blender": bpy.app.version_string.split()[0], "engine": r.engine, "devices": devices,
                   "denoise": bool(r.engine == "CYCLES" and scene.cycles.use_denoising),
                   "persistent_data": r.use_persistent_data, "format": r.image_settings.file_format})


def save_preview(scene, path):
    """A display-referred PNG of the render just made (the scene's view transform applied), for the video."""
    preview = os.path.splitext(path)[0] + ".preview.png"
    settings = scene.render.image_settings
    saved = (settings.file_format, settings.color_mode, settings.color_depth)
    set_format(settings, "PNG")
    settings.color_mode, settings.color_depth = "RGB", "8"
    try:
        bpy.data.images["Render Result"].save_render(filepath=preview, scene=scene)
    finally:
        set_format(settings, saved[0])
        settings.color_mode, settings.color_depth = saved[1], saved[2]
    return preview


def render(scene, spec):
    for frame in spec["frames"]:
        # A still is written to the output path as it stands: give it this frame's name.
        path = spec["paths"][frame]
        scene.render.filepath = escape_template(path)
        scene.frame_set(frame)
        started = time.monotonic()
        result = bpy.ops.render.render(write_still=True, scene=scene.name)
        seconds = time.monotonic() - started
        if "FINISHED" not in result or not os.path.exists(path):
            fail("Blender did not save frame %d (render returned %s)" % (frame, ", ".join(result)), RENDER_FAILURE)
        peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024
        event = {"frame": frame, "file": path, "seconds": round(seconds, 3), "peak_memory": peak}
        if spec.get("previews"):
            event["preview"] = save_preview(scene, path)
        say("frame", event)


def main():
    with open(spec_path()) as handle:
        spec = json.load(handle)
    scene = open_file(spec)
    configure(scene, spec)
    render(scene, spec)


if __name__ == "__main__":
    main()
