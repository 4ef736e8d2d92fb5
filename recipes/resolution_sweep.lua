-- resolution_sweep.lua — how resolution and samples trade against time: renders one frame at every
-- combination of the given percentages and sample counts, prints a timing table (one row per
-- combination) and lays the images out on a contact sheet (row-major: percent, then samples), each
-- scaled into one cell size and captioned with its percent, samples and render time.
-- blendbatch run resolution_sweep --file shot.blend --frame 24 --percents 25,50,100 --samples 4,16,64 --out sweep
local p = recipe {
  name = "resolution_sweep",
  description = "Render one frame at several percentages and sample counts: timing table + contact sheet",
  params = {
    { name = "file", type = "path", required = true, help = "the .blend to render" },
    { name = "frame", type = "int", help = "the frame to render (default: the scene's first)" },
    { name = "percents", type = "string", default = "25,50,100", help = "resolution percentages, comma-separated" },
    { name = "samples", type = "string", default = "4,16,64", help = "sample counts, comma-separated" },
    { name = "out", type = "path", default = "sweep", help = "output folder (sweep/<combination>/, frames/, contact_sheet.png)" },
  },
}

local render, blend, stitch, store = require "render", require "blend", require "stitch", require "store"

local function numbers(text, what)
  local list = {}
  for item in tostring(text):gmatch("[^,%s]+") do
    local n = math.tointeger(tonumber(item))
    if not n or n < 1 then error(string.format("--%s: '%s' is not a positive integer", what, item), 0) end
    list[#list + 1] = n
  end
  if #list == 0 then error("--" .. what .. ": give at least one value, e.g. 25,50", 0) end
  return list
end

local percents, samples = numbers(p.percents, "percents"), numbers(p.samples, "samples")
local frame = p.frame or assert(blend.info(p.file)).scene.frame_start

-- The frame files in a folder's frames/, as {url=, key=} (hidden temp files left out).
local function frame_files(dir)
  local list = store.list(dir .. "/frames/") or {}
  local out = {}
  for _, item in ipairs(list) do
    local base = item.key:match("([^/]+)$")
    if base and not base:match("^%.") then out[#out + 1] = item end
  end
  return out
end

-- Sheet images from an earlier run would be stale.
for _, item in ipairs(frame_files(p.out)) do assert(store.delete(item.url)) end

local rows, index = {}, 0
for _, percent in ipairs(percents) do
  for _, count in ipairs(samples) do
    index = index + 1
    local dir = string.format("%s/sweep/p%d_s%d", p.out, percent, count)
    -- Render afresh so the time is real (render.submit keeps frames already present).
    for _, item in ipairs(frame_files(dir)) do assert(store.delete(item.url)) end
    local job, err, code = render.submit {
      file = p.file, frames = tostring(frame), percent = percent, samples = count,
      out = dir, workers = 1, video = false,
    }
    if not job then fail(err, code) end
    local report = job:wait {}
    if report.state ~= "succeeded" then
      fail(string.format("%d%% / %d samples: %s", percent, count, tostring(report.reason or report.state)), report.exit_code)
    end
    local files = frame_files(dir)
    if #files == 0 then error(string.format("%d%% / %d samples: no frame was saved in %s", percent, count, dir), 0) end
    local ext = files[1].key:match("%.(%w+)$") or "png"
    assert(store.put(files[1].url, string.format("%s/frames/sweep_%04d.%s", p.out, index, ext)))
    rows[#rows + 1] = { percent = percent, samples = count, seconds = report.wallTime,
                        frame_time = report.meanFrameTime, bytes = files[1].size }
  end
end

print(string.format("frame %d of %s", frame, p.file))
print(string.format("%7s %8s %9s %11s %9s", "percent", "samples", "wall (s)", "render (s)", "bytes"))
for _, row in ipairs(rows) do
  print(string.format("%7d %8d %9.2f %11s %9s", row.percent, row.samples, row.seconds,
    row.frame_time and string.format("%.2f", row.frame_time) or "-", tostring(row.bytes or "-")))
end
local labels = {}
for i, row in ipairs(rows) do
  labels[i] = string.format("%d%%  %d smp  %.1f s", row.percent, row.samples, row.frame_time or row.seconds)
end
local sheet, err = stitch.contact_sheet { out = p.out, frames = "1-" .. index, name = "sweep", labels = labels }
if not sheet then error(err, 0) end
print("contact sheet: " .. sheet)
