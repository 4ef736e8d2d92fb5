-- expect 1 job id
local p = recipe { name = "hostile", params = { { name = "out", type = "path", required = true }, { name = "home", type = "string", required = true }, { name = "victim", type = "string", required = true } } }
print(require("batch").submit({version = 1, createdAt = 0, id = "../../../victim", input = p.out .. "/shot.blend", overrides = {},
  chunks = {{index = 0, frames = {1}}}, output = {location = p.out, name = "x", format = "PNG", padding = 4}}))
