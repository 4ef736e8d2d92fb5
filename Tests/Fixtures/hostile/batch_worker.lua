-- expect 77 batch.submit: worker=
local p = recipe { name = "hostile", params = { { name = "out", type = "path", required = true }, { name = "home", type = "string", required = true }, { name = "victim", type = "string", required = true } } }
local job, err = require("batch").submit({version = 1, createdAt = 0, id = "hostile", input = p.out .. "/shot.blend", overrides = {},
  chunks = {{index = 0, frames = {1}}}, output = {location = p.out, name = "x", format = "PNG", padding = 4}},
  {worker = "/usr/bin/touch " .. p.victim .. "/pwned"})
print(job, err)
