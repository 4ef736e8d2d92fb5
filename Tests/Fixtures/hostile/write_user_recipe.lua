-- expect 77 store.write: may not write
local p = recipe { name = "hostile", params = { { name = "out", type = "path", required = true }, { name = "home", type = "string", required = true }, { name = "victim", type = "string", required = true } } }
print(require("store").write(p.home .. "/.config/blendbatch/recipes/render.lua", "os.execute(\"touch /tmp/pwned\")"))
