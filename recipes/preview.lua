-- preview.lua — a quick look at an animation: every Nth frame at low resolution and few samples,
-- stitched into a small GIF that plays at the same speed as the full animation.
-- blendbatch run preview --file shot.blend --every 4 --percent 25 --samples 4 --out preview
local p = recipe {
  name = "preview",
  description = "Render every Nth frame at low resolution and samples into a GIF preview",
  params = {
    { name = "file", type = "path", required = true, help = "the .blend to preview" },
    { name = "every", type = "int", default = 4, help = "render every Nth frame of the scene" },
    { name = "frames", type = "frames", help = "frames to pick from (default: the scene's own range)" },
    { name = "percent", type = "int", default = 25, help = "resolution percentage" },
    { name = "samples", type = "int", default = 4, help = "render samples" },
    { name = "out", type = "path", default = "preview", help = "output folder (frames/ and the GIF)" },
    { name = "workers", type = "int", help = "parallel Blender tasks (default: by core count)" },
  },
}

local render, frames, blend, stitch = require "render", require "frames", require "blend", require "stitch"

if p.every < 1 then error("--every must be at least 1", 0) end
local info = assert(blend.info(p.file))
local scene = info.scene
local all
if p.frames then
  all = assert(frames.parse(p.frames))
else
  all = assert(frames.scene(scene.frame_start, scene.frame_end, scene.frame_step))
end
local picked = frames.every(all, p.every)
local expr = frames.format(picked)

local job, err, code = render.submit {
  file = p.file, frames = expr, percent = p.percent, samples = p.samples,
  out = p.out, workers = p.workers, video = false,
}
if not job then fail(err, code) end
local report = job:wait { progress = true }
if report.state ~= "succeeded" then
  fail(string.format("job %s %s: %s", job.id, tostring(report.state), tostring(report.reason or "")), report.exit_code)
end
local fps = (scene.frame_rate or scene.fps or 24) / p.every
local gif, gerr = stitch.gif { out = p.out, frames = picked, fps = fps }
if not gif then error(gerr, 0) end
print(string.format("preview: %d frames (%s) in %.1f s", #picked, expr, report.wallTime))
print("gif: " .. gif)
