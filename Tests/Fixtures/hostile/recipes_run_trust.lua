-- expect 77 recipes.run: trust = true: a sandboxed recipe cannot raise trust
local p = recipe { name = "hostile", params = { { name = "out", type = "path", required = true }, { name = "home", type = "string", required = true }, { name = "victim", type = "string", required = true } } }
print(require("recipes").run("hello", {}, {trust = true}))
