"""Jobs running in the background: a Blender timer polls each child `blendbatch`, shows its progress in
the status bar and the panel, and writes how it ended into the scene that submitted it."""

import bpy

from . import cli

_running = []  # [(Job, blend path, scene name)]
POLL_SECONDS = 0.5


def scene_of(blend, scene_name):
    """The submitting scene while its file is still the one open, else None."""
    return bpy.data.scenes.get(scene_name) if bpy.data.filepath == blend else None


def running(blend, scene_name):
    return next((job for job, b, s in _running if (b, s) == (blend, scene_name)), None)


def describe(line):
    """`3/24 frames · frame 4 · sample 2/16` from a progress line."""
    return f"{line['done']}/{line['total']} frames" + (f" · {line['detail']}" if line.get("detail") else "")


def record(settings, line):
    if line.get("job"):
        settings.job_id = line["job"]
    settings.job_state = "running: " + describe(line)


def finish(settings, result, job_id=""):
    """Write how the job ended into `settings`; returns (level, one-line message) for a Blender report."""
    summary = result.json()
    summary = summary if isinstance(summary, dict) else {}
    job_id = summary.get("id") or job_id
    if settings is not None and job_id:
        settings.job_id = job_id
    if result.code == 0:
        frames = f"{summary['framesDone']}/{summary['framesTotal']} frames" if "framesDone" in summary else ""
        if settings is not None:
            settings.job_state = f"done: {frames}" if frames else "done"
        return "INFO", f"blendbatch: {frames or 'done'}" + (f" (job {job_id})" if job_id else "")
    message = result.message("render", summary.get("reason"))
    if settings is not None:
        settings.job_state = f"failed: {cli.meaning(result.code)} (exit {result.code})"
    return "ERROR", message


def status_bar(text):
    for window in bpy.context.window_manager.windows:
        window.workspace.status_text_set(text)


def redraw():
    for window in bpy.context.window_manager.windows:
        for area in window.screen.areas:
            if area.type == "PROPERTIES":
                area.tag_redraw()


def start(job, blend, scene_name):
    _running.append((job, blend, scene_name))
    if not bpy.app.timers.is_registered(_tick):
        bpy.app.timers.register(_tick, first_interval=POLL_SECONDS)


def _tick():
    for entry in list(_running):
        job, blend, scene_name = entry
        settings = getattr(scene_of(blend, scene_name), "blendbatch", None)
        line = job.progress()
        if line:
            if settings is not None:
                record(settings, line)
            status_bar(f"blendbatch {line.get('job') or ''}: {describe(line)}")
        result = job.result()
        if result is None:
            continue
        _running.remove(entry)
        level, message = finish(settings, result, job.last.get("job", ""))
        status_bar(None)
        try:
            bpy.ops.blendbatch.notify(level=level, message=message)
        except RuntimeError:  # bpy.ops raises on an ERROR report, which Blender has shown by now
            pass
    redraw()
    return POLL_SECONDS if _running else None


def unregister():
    if bpy.app.timers.is_registered(_tick):
        bpy.app.timers.unregister(_tick)
