-- render.lua — the whole job; `blendbatch render` IS this recipe (the first render.lua on the recipe
-- path, so a studio can put its own pipeline there). Plans the frames of a .blend, renders them on
-- this machine with fault tolerance (frames already in the output are kept), stitches an MP4, a GIF
-- and a contact sheet, prints the end summary and ends with the job's exit code.
-- blendbatch render shot.blend --frames 1-48 --percent 50 --samples 16 --workers 2
-- blendbatch run render --file shot.blend --frames 1-48 --out out --json
local p = recipe {
  name = "render",
  description = "Render a .blend's frames on this machine and stitch an MP4 (what `blendbatch render` does)",
  params = {
    { name = "file", type = "path", required = true, help = "the .blend to render" },
    { name = "scene", type = "string", help = "scene to render (default: the file's active scene)" },
    { name = "frames", type = "frames", help = "frames to render, OpenJD style (default: the scene's own range)" },
    { name = "frames_in_scene", type = "bool", default = false, help = "refuse frames outside the scene's range instead of rendering them" },
    { name = "chunk", type = "int", help = "frames per task (default: one task per worker, at most 25 frames; one task with workers = 1)" },
    { name = "chunk_time", type = "string", help = "size tasks to run about this long (60s, 2m), from a measured frame" },
    { name = "percent", type = "int", help = "resolution percentage (default: the scene's)" },
    { name = "samples", type = "int", help = "render samples (default: the scene's)" },
    { name = "engine", type = "string", help = "render engine: cycles, eevee, workbench or a Blender engine ID" },
    { name = "device", type = "string", help = "Cycles device: cpu, cuda, optix, hip or oneapi (default: the scene's)" },
    { name = "denoise", type = "string", help = "denoising on or off (default: the scene's, where the Blender has OpenImageDenoise)" },
    { name = "persistent_data", type = "bool", help = "keep render data between a task's frames (default: on for Cycles)" },
    { name = "allow_older_blender", type = "bool", default = false, help = "render even with a Blender older than the file" },
    { name = "keep_existing", type = "bool", default = false, help = "keep frames in out made with other settings instead of rendering them again" },
    { name = "format", type = "string", help = "frame file format: PNG, JPEG, OPEN_EXR, … (default: the scene's own, else PNG)" },
    { name = "workers", type = "int", help = "parallel Blender tasks (default: by core count)" },
    { name = "out", type = "path", help = "output folder or s3://bucket/prefix (default: out/<file name>)" },
    { name = "video", type = "bool", default = true, help = "stitch the MP4, GIF and contact sheet when the frames are done" },
    { name = "allow_gaps", type = "bool", default = false, help = "make the video even if frames failed, repeating the previous frame" },
    { name = "blender", type = "path", help = "the Blender to run (default: $BLENDBATCH_BLENDER, then blender on PATH)" },
    { name = "chaos", type = "string", help = "inject local Spot interruptions: interrupt=30%[,notice=2s][,seed=N][,max=3]" },
    { name = "max_time", type = "string", help = "refuse when the estimated time is over it; stop starting tasks once the job ran this long (30m)" },
    { name = "resume", type = "bool", default = false, help = "continue the last job for out with the same settings" },
    { name = "json", type = "bool", default = false, help = "print the end summary as JSON" },
  },
}

local render = require "render"

local job, err, code = render.submit {
  file = p.file, scene = p.scene, frames = p.frames, chunk = p.chunk, chunk_time = p.chunk_time,
  percent = p.percent, samples = p.samples, engine = p.engine, format = p.format, workers = p.workers,
  device = p.device, denoise = p.denoise, persistent_data = p.persistent_data, allow_older_blender = p.allow_older_blender,
  keep_existing = p.keep_existing, frames_in_scene = p.frames_in_scene,
  out = p.out, video = p.video, allow_gaps = p.allow_gaps, blender = p.blender, chaos = p.chaos,
  resume = p.resume, max_time = p.max_time,
}
if not job then fail(err, code) end
local report = job:wait { progress = true }
print(job:summary { json = p.json })
return report.exit_code
