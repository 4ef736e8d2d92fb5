-- expect 77 batch.cancel: job
local p = recipe { name = "hostile", params = { { name = "out", type = "path", required = true }, { name = "home", type = "string", required = true }, { name = "victim", type = "string", required = true } } }
print(require("batch").cancel("someone-elses-job"))
