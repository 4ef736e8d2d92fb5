#ifndef CLUASHIM_H
#define CLUASHIM_H
#include <lua.h>
#include <lauxlib.h>
#include <lualib.h>

/*
** The C side of LuaKit.
**
** 1. static inline replacements for Lua's function-like macros (Swift cannot import macros);
** 2. the trampoline: the only lua_CFunction that calls into Swift. Swift returns a status and the
**    trampoline raises (lua_error) after every Swift frame has returned, so a longjmp never crosses
**    Swift code. Swift never calls lua_error, luaL_error, luaL_check* or lua_call.
** 3. the protected-call path with a traceback message handler (lua.c's docall/msghandler);
** 4. library selection for the sandbox (linit.c's list, shorter);
** 5. SIGINT handling through a hook (lua.c's laction/lstop).
*/

/* ---- States. */
/* A new state whose allocator refuses to grow past `limit` bytes (0: no limit) while Lua code runs
** (Swift code may exceed it; the trampoline raises "not enough memory" on return if it did). With
** `always_watch`, every thread carries the hook that makes interrupts stick (coroutines included);
** otherwise the main thread gets it when interrupted. Close with bb_close. */
lua_State *bb_newstate(size_t limit, int always_watch);
void bb_close(lua_State *L);
/* Bytes the state holds now. */
size_t bb_memory_used(lua_State *L);
/* Change the limit of a state made by bb_newstate (0: none). */
void bb_set_memory_limit(lua_State *L, size_t limit);

/* ---- Statuses a Swift function returns to the trampoline (>= 0 means "that many results"). */
/* Raise the value on top of the stack as is. */
#define BB_STATUS_RAISE (-1)
/* Raise the string on top, prefixed with the caller's position ("file:line: "), like luaL_error. */
#define BB_STATUS_RAISE_WHERE (-2)
/* The chunk was interrupted (Ctrl-C): raise "interrupted!". */
#define BB_STATUS_INTERRUPT (-3)

/* Swift's side of the trampoline: `box` is the retained Swift function object. */
typedef int (*bb_dispatch_fn)(void *box, lua_State *L);
/* Called once from the closure's __gc to drop the Swift reference. */
typedef void (*bb_release_fn)(void *box);

/* Install Swift's dispatch and release entry points (once per process). */
void bb_set_swift_callbacks(bb_dispatch_fn dispatch, bb_release_fn release);
/* Push a Lua function that calls `box` through the trampoline. Returns a lua status (LUA_OK, or
   LUA_ERRMEM with the message pushed instead). `box` is released when the function is collected. */
int bb_push_swift_function(lua_State *L, void *box);

/* ---- Protected calls. */
/* lua_pcall with a traceback message handler under the function. On error the message (with
   "\nstack traceback:\n..." appended) is on top. */
int bb_pcall_traceback(lua_State *L, int nargs, int nresults);
/* Replace the value at `idx` by luaL_tolstring's result (calls __tostring/__name) in protected
   mode; returns the string or NULL if the metamethod failed (error message then on the stack). */
const char *bb_safe_tostring(lua_State *L, int idx, size_t *len);
/* luaL_newmetatable in protected mode: pushes the metatable; *created says whether it is new. */
int bb_newmetatable(lua_State *L, const char *tname, int *created);
/* luaL_ref in protected mode on the registry (pops the value). Returns the ref or LUA_NOREF. */
int bb_ref(lua_State *L);
/* luaL_loadbufferx: mode "t" (text only), "b" or "bt". Never raises. */
int bb_loadbuffer(lua_State *L, const char *buf, size_t len, const char *name, const char *mode);

/* ---- Libraries. */
/* Open every standard library (trusted chunks), in protected mode. */
int bb_open_all(lua_State *L);
/* Open the sandboxed libraries: base (no dofile/loadfile; load is text-only), package (preload
   searcher only, no loadlib/path/cpath), coroutine, table, string (no dump), math, utf8, and os with
   only time/clock/date. No io, no debug. */
int bb_open_sandbox(lua_State *L);

/* ---- Interrupts (Ctrl-C). */
/* Install a SIGINT handler that stops the running chunk of `L` through a hook, like lua.c's
   laction. Call before a chunk, and bb_sigint_end() after it. With L == NULL the handler only
   records the signal (bb_sigint_take), e.g. while a line editor waits for input; the handler is
   installed without SA_RESTART so a blocking read returns EINTR. */
void bb_sigint_begin(lua_State *L);
void bb_sigint_end(void);
/* 1 if SIGINT arrived since the last call (and forget it). */
int bb_sigint_take(void);
/* Ask the running chunk of `L` to stop (from any thread or signal). On our states the interrupt
   sticks: every Lua instruction run raises "interrupted!" again (so pcall cannot swallow it) until
   bb_interrupt_clear. */
void bb_interrupt(lua_State *L);
/* Interrupt the innermost state between bb_sigint_begin/end (a nested recipe's), if any. */
void bb_interrupt_current(void);
/* 1 when an interrupt of `L` is pending. */
int bb_interrupt_pending(lua_State *L);
/* Forget a pending interrupt. */
void bb_interrupt_clear(lua_State *L);

/* Raise "instruction budget exceeded" after about `count` VM instructions (0 removes the limit;
   states made by bb_newstate only). */
void bb_set_instruction_budget(lua_State *L, int count);

/* ---- Macro wrappers. */
static inline void bb_pop(lua_State *L, int n) { lua_pop(L, n); }
static inline void bb_newtable(lua_State *L) { lua_newtable(L); }
static inline void bb_insert(lua_State *L, int idx) { lua_insert(L, idx); }
static inline void bb_remove(lua_State *L, int idx) { lua_remove(L, idx); }
static inline void bb_replace(lua_State *L, int idx) { lua_replace(L, idx); }
static inline int bb_registryindex(void) { return LUA_REGISTRYINDEX; }
static inline int bb_upvalueindex(int i) { return lua_upvalueindex(i); }
static inline void bb_pushglobaltable(lua_State *L) { lua_pushglobaltable(L); }
static inline int bb_isnoneornil(lua_State *L, int idx) { return lua_isnoneornil(L, idx); }
static inline void *bb_getextra(lua_State *L) { return *(void **)lua_getextraspace(L); }
static inline void bb_setextra(lua_State *L, void *p) { *(void **)lua_getextraspace(L) = p; }
static inline void bb_unref(lua_State *L, int ref) { luaL_unref(L, LUA_REGISTRYINDEX, ref); }
static inline void bb_getref(lua_State *L, int ref) { lua_rawgeti(L, LUA_REGISTRYINDEX, ref); }
static inline int bb_version_num(void) { return LUA_VERSION_NUM; }
static inline const char *bb_release(void) { return LUA_RELEASE; }

#endif
