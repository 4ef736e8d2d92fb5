-- expect 77 store.get: may not write
local p = recipe { name = "hostile", params = { { name = "out", type = "path", required = true }, { name = "home", type = "string", required = true }, { name = "victim", type = "string", required = true } } }
local store = require "store"
assert(store.write(p.out .. "/payload.txt", "overwritten"))
print(store.get(p.out .. "/payload.txt", p.victim .. "/keep.txt"))
