-- frame_range.lua — fix a few frames of a finished render: deletes the range's frames from an
-- existing output, renders them again (at the settings of the output's last job unless given),
-- then stitches the MP4 again from every frame the output holds. Only the job's own frames count: on
-- a job of every 3rd frame (5-29:3), --frames 10-12 renders frame 11 alone.
-- blendbatch run frame_range --file shot.blend --frames 10-14 --out out
local p = recipe {
  name = "frame_range",
  description = "Re-render a range of frames into an existing output, then re-stitch its MP4",
  params = {
    { name = "file", type = "path", help = "the .blend (default: the input of the output's last job)" },
    { name = "frames", type = "frames", required = true, help = "the frames to render again, e.g. 10-14" },
    { name = "out", type = "path", required = true, help = "the existing output folder" },
    { name = "percent", type = "int", help = "resolution percentage (default: the last job's)" },
    { name = "samples", type = "int", help = "render samples (default: the last job's)" },
    { name = "workers", type = "int", help = "parallel Blender tasks (default: by core count)" },
    { name = "fps", type = "number", help = "video frame rate (default: the last job's, else 24)" },
  },
}

local render, frames, store, stitch, json = require "render", require "frames", require "store", require "stitch", require "json"

-- The output's last job manifest, to reuse its input and settings.
local last, recorded = nil, {}
for _, item in ipairs(store.list(p.out .. "/.blendbatch/jobs/") or {}) do
  if item.key:match("manifest%.json$") then
    recorded[#recorded + 1] = item
    if not last or item.last_modified > last.last_modified then last = item end
  end
end
local manifest = last and json.decode(store.read(last.url) or "") or {}
local overrides, stitched = manifest.overrides or {}, manifest.stitch or {}
local file = p.file or manifest.input
if not file then error("--file: no .blend given and none found in " .. p.out .. "/.blendbatch/jobs", 0) end
local percent = p.percent or overrides.resolutionPercentage
local samples = p.samples or overrides.samples
local fps = p.fps or stitched.frameRate or 24

-- Frame files now in the output: number -> url.
local function present()
  local found = {}
  for _, item in ipairs(store.list(p.out .. "/frames/") or {}) do
    local n = item.key:match("_(%-?%d+)%.%w+$")
    if n and not item.key:match("/%.[^/]*$") then found[math.tointeger(tonumber(n))] = item.url end
  end
  return found
end

-- The requested frames that belong to the output's jobs (their step kept); all of them when no job is recorded.
local requested = assert(frames.parse(p.frames))
local range = requested
if #recorded > 0 then
  local own, listed = {}, {}
  for _, item in ipairs(recorded) do
    for _, chunk in ipairs((json.decode(store.read(item.url) or "") or {}).chunks or {}) do
      for _, n in ipairs(chunk.frames) do
        if not own[n] then own[n] = true; listed[#listed + 1] = n end
      end
    end
  end
  range = {}
  for _, n in ipairs(requested) do if own[n] then range[#range + 1] = n end end
  if #range == 0 then
    table.sort(listed)
    error(string.format("--frames %s: none of these is one of the job's frames (%s); pick frames the job renders",
      p.frames, frames.format(listed)), 0)
  end
end
local before = present()
if next(before) == nil then error(p.out .. "/frames: no frames; render the job first (recipe render)", 0) end
local removed = 0
for _, n in ipairs(range) do
  if before[n] then assert(store.delete(before[n])); removed = removed + 1 end
end

local job, err, code = render.submit {
  file = file, frames = frames.format(range), percent = percent, samples = samples,
  out = p.out, workers = p.workers, video = false,
}
if not job then fail(err, code) end
local report = job:wait { progress = true }
if report.state ~= "succeeded" then
  fail(string.format("job %s %s: %s", job.id, tostring(report.state), tostring(report.reason or "")), report.exit_code)
end

local all = {}
for n in pairs(present()) do all[#all + 1] = n end
table.sort(all)
local video, verr = stitch.video { out = p.out, frames = all, fps = fps }
if not video then error(verr, 0) end
print(string.format("re-rendered %d frames (%s; %d replaced) in %.1f s", report.framesRendered,
  frames.format(range), removed, report.wallTime))
print(string.format("video: %s (%d frames, %s)", video, #all, frames.format(all)))
