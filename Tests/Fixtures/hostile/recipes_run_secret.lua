-- expect 77 recipes.run: may not read
local p = recipe { name = "hostile", params = { { name = "out", type = "path", required = true }, { name = "home", type = "string", required = true }, { name = "victim", type = "string", required = true } } }
-- a syntax error would quote the file: reading it as a recipe is reading it
print(require("recipes").run(p.home .. "/.aws/credentials", {}))
