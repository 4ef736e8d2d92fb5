-- render.lua — the whole job; `blendbatch render` IS this recipe (the first render.lua on the recipe
-- path, so a studio can put its own pipeline there). Plans the frames of a .blend, renders them on
-- this machine with fault tolerance (frames already in the output are kept), stitches an MP4, a GIF
-- and a contact sheet, prints the end summary and ends with the job's exit code.
-- blendbatch render shot.blend --frames 1-48 --percent 50 --samples 16 --workers 2
-- blendbatch run render --file shot.blend --frames 1-48 --out out --json
local p = recipe {
  name = "render",
  description = "Render a .blend's frames on this machine and stitch an MP4 (what `blendbatch render` does)",
  -- Every field of render.submit{} is a parameter (blendbatch render's options), with its type, default and help.
  extends = "render.submit",
  params = {
    { name = "json", type = "bool", default = false, help = "print the end summary as JSON" },
  },
}

local render = require "render"

local json = p.json
p.json = nil
local job, err, code = render.submit(p)
if not job then fail(err, code) end
local report = job:wait { progress = true }
print(job:summary { json = json })
return report.exit_code
