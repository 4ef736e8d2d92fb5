-- expect 77 store.write: may not write
-- a path default the recipe declares itself is no place its user handed it
local p = recipe { name = "hostile", params = { { name = "out", type = "path", required = true }, { name = "home", type = "string", required = true }, { name = "victim", type = "string", required = true }, { name = "dest", type = "path", default = "/tmp/../etc/hostile-default" } } }
print(require("store").write(p.dest, "x"))
