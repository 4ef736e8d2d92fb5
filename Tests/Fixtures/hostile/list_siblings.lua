-- expect 77 store.list: may not read
local p = recipe { name = "hostile", params = { { name = "out", type = "path", required = true }, { name = "home", type = "string", required = true }, { name = "victim", type = "string", required = true } } }
-- a path that is no folder lists the entries of its parent that start with its name
print(require("store").list(p.out .. "-sibling"))
