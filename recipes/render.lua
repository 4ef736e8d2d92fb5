-- render.lua — the whole job, as `blendbatch render` runs it: plan the frames of a .blend, render
-- them on this machine with fault tolerance (frames already in the output are kept), then stitch
-- an MP4 (and print where it is).
-- blendbatch run render --file shot.blend --frames 1-48 --percent 50 --samples 16 --out out --workers 2
local p = recipe {
  name = "render",
  description = "Render a .blend's frames on this machine and stitch an MP4 (what `blendbatch render` does)",
  params = {
    { name = "file", type = "path", required = true, help = "the .blend to render" },
    { name = "frames", type = "frames", help = "frames to render (default: the scene's own range)" },
    { name = "percent", type = "int", help = "resolution percentage (default: the scene's)" },
    { name = "samples", type = "int", help = "render samples (default: the scene's)" },
    { name = "out", type = "path", help = "output folder (default: next to the .blend)" },
    { name = "workers", type = "int", help = "parallel Blender tasks (default: by core count)" },
    { name = "video", type = "bool", default = true, help = "stitch an MP4 when the frames are done" },
  },
}

local render = require "render"

local job, err = render.submit {
  file = p.file, frames = p.frames, percent = p.percent, samples = p.samples,
  out = p.out, workers = p.workers, video = p.video,
}
if not job then error(err, 0) end
local report = job:wait { progress = true }
if report.state ~= "succeeded" then
  error(string.format("job %s %s: %s", job.id, tostring(report.state), tostring(report.reason or "")), 0)
end
print(string.format("job %s: %d/%d frames (%d rendered) in %.1f s", job.id, report.framesDone,
  report.framesTotal, report.framesRendered, report.wallTime))
if report.video then print("video: " .. report.video) end
