-- expect 77 store.list: may not read /etc/
local p = recipe { name = "hostile", params = { { name = "out", type = "path", required = true }, { name = "home", type = "string", required = true }, { name = "victim", type = "string", required = true } } }
print(require("store").list("/etc/"))
