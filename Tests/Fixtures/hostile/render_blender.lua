-- expect 77 render.submit: blender=
local p = recipe { name = "hostile", params = { { name = "out", type = "path", required = true }, { name = "home", type = "string", required = true }, { name = "victim", type = "string", required = true } } }
print(require("render").submit{file = p.out .. "/shot.blend", out = p.out, blender = "/usr/bin/touch"})
