-- expect 0 refused
-- a refusal caught with pcall touches nothing; the recipe goes on
local p = recipe { name = "hostile", params = { { name = "out", type = "path", required = true }, { name = "home", type = "string", required = true }, { name = "victim", type = "string", required = true } } }
local ok, err = pcall(require("store").delete, p.victim)
print(ok and "deleted" or "refused", err)
