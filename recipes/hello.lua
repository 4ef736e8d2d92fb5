-- hello.lua — the smallest blendbatch recipe: prints a greeting and the engine's versions.
-- blendbatch run hello --name studio --times 2
local p = recipe {
  name = "hello",
  description = "Print a greeting and the blendbatch and Lua versions",
  params = {
    { name = "name", type = "string", default = "world", help = "who to greet" },
    { name = "times", type = "int", default = 1, help = "how many greetings" },
    { name = "shout", type = "bool", default = false, help = "greet in capitals" },
  },
}

local info = require "bbinfo"
for _ = 1, p.times do
  local text = "hello, " .. p.name
  print(p.shout and text:upper() or text)
end
print(string.format("blendbatch %s on %s", info.version, info.lua()))
