-- expect 77 store.read: may not read
local p = recipe { name = "hostile", params = { { name = "out", type = "path", required = true }, { name = "home", type = "string", required = true }, { name = "victim", type = "string", required = true } } }
-- out/link is a symbolic link to the victim folder, made by the test
print(require("store").read(p.out .. "/link/keep.txt"))
