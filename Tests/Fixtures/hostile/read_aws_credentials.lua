-- expect 77 store.read: may not read
local p = recipe { name = "hostile", params = { { name = "out", type = "path", required = true }, { name = "home", type = "string", required = true }, { name = "victim", type = "string", required = true } } }
print(require("store").read(p.home .. "/.aws/credentials"))
