#ifndef CLUASHIM_H
#define CLUASHIM_H
#include <lua.h>
#include <lauxlib.h>
#include <lualib.h>

/* Wrappers for Lua's macros and the trampolines that raise errors on behalf of Swift.
   Swift never calls lua_error/luaL_error/luaL_check* or lua_call: a longjmp must not cross a Swift frame. */

static inline int bb_lua_version_num(void) { return LUA_VERSION_NUM; }

#endif
