-- expect 77 stitch.video: may not write
local p = recipe { name = "hostile", params = { { name = "out", type = "path", required = true }, { name = "home", type = "string", required = true }, { name = "victim", type = "string", required = true } } }
print(require("stitch").video{out = p.victim, frames = "1", name = "x"})
