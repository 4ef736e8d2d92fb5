-- expect 77 store.write: may not write
-- a relative default is handed only without hidden names: .git/hooks would run code later
local p = recipe { name = "hostile", params = { { name = "out", type = "path", required = true }, { name = "home", type = "string", required = true }, { name = "victim", type = "string", required = true }, { name = "hook", type = "path", default = ".git/hooks/pre-commit" } } }
print(require("store").write(p.hook, "#!/bin/sh\ntouch /tmp/pwned\n"))
