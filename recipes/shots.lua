-- shots.lua — a shot list as a whole: one render job per shot into <out>/<shot>/ (MP4, GIF, contact
-- sheet each), several at once where the workers allow, then <out>/edit.mp4: the shots' videos cut
-- together in list order. Every shot is planned before anything renders, so a bad file, scene or
-- frame range, or shots at different frame rates, stop the run before a frame is made.
-- blendbatch run shots --list shots.json --out edit --workers 4
-- shots.json: [{"name": "sh010", "file": "sh010.blend", "frames": "1-48"},
--              {"file": "sh020.blend", "scene": "Alt", "percent": 50, "samples": 16}]
-- shots.csv:  name,file,scene,frames,percent,samples,engine   (a header row, then one row per shot)
local p = recipe {
  name = "shots",
  description = "Render a shot list (JSON or CSV): one job per shot, then DIR/edit.mp4 in list order",
  params = {
    { name = "list", type = "path", required = true,
      help = "the shot list: JSON array or CSV with file and optional name, scene, frames, percent, samples, engine" },
    { name = "out", type = "path", required = true, help = "output folder: <out>/<shot name>/ per shot, <out>/edit.mp4" },
    { name = "workers", type = "int", default = 2, help = "Blender tasks at once over all shots" },
    { name = "percent", type = "int", help = "resolution percentage of shots that set none" },
    { name = "samples", type = "int", help = "render samples of shots that set none" },
    { name = "blender", type = "path", help = "the Blender to run (default: $BLENDBATCH_BLENDER, then blender on PATH)" },
    { name = "edit", type = "bool", default = true, help = "cut <out>/edit.mp4 once every shot rendered" },
  },
}

local render, edit = require "render", require "edit"

local shots, err, code = edit.shots(p.list)
if not shots then fail(err, code) end

local function settings(shot)
  return {
    file = shot.file, scene = shot.scene, frames = shot.frames, engine = shot.engine,
    percent = shot.percent or p.percent, samples = shot.samples or p.samples,
    out = p.out .. "/" .. shot.name, blender = p.blender,
  }
end

-- Plan every shot first: bad input stops the run before anything renders.
local rates = {}
for _, shot in ipairs(shots) do
  local manifest, perr, pcode = render.plan(settings(shot))
  if not manifest then fail(string.format("shot %s: %s", shot.name, perr), pcode) end
  rates[#rates + 1] = { name = shot.name, fps = manifest.stitch and manifest.stitch.frameRate }
end
if p.edit then
  for _, rate in ipairs(rates) do
    if rate.fps ~= rates[1].fps then
      local listed = {}
      for _, r in ipairs(rates) do listed[#listed + 1] = string.format("%s (%g fps)", r.name, r.fps) end
      fail("the shots have different frame rates: " .. table.concat(listed, ", ")
        .. "; render them at one rate, or run with --no-edit", "data_error")
    end
  end
end

-- As many shots at once as there are workers (each with its share of them).
local lanes = math.max(1, math.min(#shots, p.workers))
local share = math.max(1, p.workers // lanes)
local jobs, reports = {}, {}
local function start(i)
  local options = settings(shots[i])
  options.workers = share
  local job, serr, scode = render.submit(options)
  if not job then fail(string.format("shot %s: %s", shots[i].name, serr), scode) end
  jobs[i] = job
end
for i = 1, lanes do start(i) end
local failed = {}
for i, shot in ipairs(shots) do
  reports[i] = jobs[i]:wait {}
  if i + lanes <= #shots then start(i + lanes) end
  local r = reports[i]
  print(string.format("shot %s: %s, %d/%d frames%s", shot.name, r.state, r.framesDone, r.framesTotal,
    r.video and (" → " .. r.video) or (r.reason and ("; " .. r.reason) or "")))
  if r.state ~= "succeeded" then failed[#failed + 1] = shot.name end
end

if #failed > 0 then
  local worst = 0
  for _, r in ipairs(reports) do if r.exit_code > worst then worst = r.exit_code end end
  fail(string.format("%d of %d shots did not render (%s); no edit made; finish them with blendbatch resume <job>",
    #failed, #shots, table.concat(failed, ", ")), worst)
end
if not p.edit then return 0 end

local clips = {}
for i, shot in ipairs(shots) do clips[i] = { name = shot.name, video = reports[i].video } end
local cut, cerr, ccode = edit.concat { shots = clips, out = p.out .. "/edit.mp4" }
if not cut then fail(cerr, ccode) end
print(string.format("edit: %s/edit.mp4 (%d shots, %d frames at %s fps, %dx%d)", p.out, #shots, cut.frames, cut.fps,
  cut.width, cut.height))
return 0
