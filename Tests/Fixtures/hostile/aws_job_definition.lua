-- expect 77 render.submit: job_definition=
-- a job definition names the image that runs: a sandboxed recipe uses the stack's unless handed one
local p = recipe { name = "hostile", params = { { name = "out", type = "path", required = true }, { name = "home", type = "string", required = true }, { name = "victim", type = "string", required = true } } }
print(require("render").submit{file = p.out .. "/shot.blend", backend = "aws", queue = "q", job_definition = "studio-admin-shell", out = p.out})
