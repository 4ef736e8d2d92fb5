#include "CLuaShim.h"
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ======================================================================
** Our states: a memory limit, an interrupt flag and an instruction budget
** ====================================================================== */

/* The allocator's userdata of a state made by bb_newstate. */
typedef struct bb_state_info {
  size_t used;          /* bytes allocated now */
  size_t limit;         /* 0: no limit */
  int host_depth;       /* > 0 while Swift code runs (the limit is then checked on return) */
  volatile sig_atomic_t interrupted;  /* set by bb_interrupt; cleared by bb_interrupt_clear */
  long budget;          /* instructions left; < 0: no budget */
  int always_watch;     /* the watch hook stays installed (coroutines inherit it) */
} bb_state_info;

/* Refuses growth past the limit (Lua then collects and retries, else raises "not enough memory"),
** except while Swift code runs: a failing allocation there would longjmp across Swift frames. */
static void *limited_alloc(void *ud, void *ptr, size_t osize, size_t nsize) {
  bb_state_info *info = (bb_state_info *)ud;
  size_t old = ptr != NULL ? osize : 0;
  if (nsize == 0) {
    free(ptr);
    info->used -= old;
    return NULL;
  }
  if (nsize > old && info->limit != 0 && info->host_depth == 0 && info->used - old + nsize > info->limit)
    return NULL;
  void *p = realloc(ptr, nsize);
  if (p != NULL) info->used = info->used - old + nsize;
  return p;
}

/* Our state's info, or NULL for a state someone else made (the lua5.4 interpreter). */
static bb_state_info *state_info(lua_State *L) {
  void *ud = NULL;
  if (L == NULL || lua_getallocf(L, &ud) != limited_alloc) return NULL;
  return (bb_state_info *)ud;
}

#define BB_WATCH_EVERY 1000

/* The count hook of our states: every BB_WATCH_EVERY instructions it enforces the instruction budget;
** while an interrupt is pending it runs at every instruction and raises, so the chunk unwinds even
** through pcall (the pcall's caller raises next). Sandboxed states carry it always, so coroutines
** inherit it; other states get it on the main thread when interrupted (as lua.c does), which keeps
** their Lua at full speed. */
static void watch(lua_State *L, lua_Debug *ar) {
  (void)ar;
  bb_state_info *info = state_info(L);
  if (info == NULL) return;
  if (info->interrupted) {
    if (lua_gethookcount(L) != 1) lua_sethook(L, watch, LUA_MASKCOUNT, 1);
    luaL_error(L, "interrupted!");
  }
  if (!info->always_watch && info->budget < 0) { lua_sethook(L, NULL, 0, 0); return; }
  if (lua_gethookcount(L) != BB_WATCH_EVERY) lua_sethook(L, watch, LUA_MASKCOUNT, BB_WATCH_EVERY);
  if (info->budget >= 0) {
    info->budget -= BB_WATCH_EVERY;
    if (info->budget < 0) luaL_error(L, "instruction budget exceeded");
  }
}

static int panic(lua_State *L) {
  const char *msg = lua_tostring(L, -1);
  fprintf(stderr, "PANIC: unprotected error in call to Lua API (%s)\n", msg ? msg : "error object is not a string");
  return 0;
}

static void warn_off(void *ud, const char *msg, int tocont) { (void)ud; (void)msg; (void)tocont; }

lua_State *bb_newstate(size_t limit, int always_watch) {
  bb_state_info *info = (bb_state_info *)calloc(1, sizeof *info);
  if (info == NULL) return NULL;
  info->limit = limit;
  info->budget = -1;
  info->always_watch = always_watch;
  lua_State *L = lua_newstate(limited_alloc, info);
  if (L == NULL) { free(info); return NULL; }
  lua_atpanic(L, panic);
  lua_setwarnf(L, warn_off, NULL);
  if (always_watch) lua_sethook(L, watch, LUA_MASKCOUNT, BB_WATCH_EVERY);
  return L;
}

void bb_close(lua_State *L) {
  void *ud = NULL;
  lua_Alloc f = lua_getallocf(L, &ud);
  lua_close(L);
  if (f == limited_alloc) free(ud);
}

size_t bb_memory_used(lua_State *L) {
  bb_state_info *info = state_info(L);
  return info ? info->used : (size_t)lua_gc(L, LUA_GCCOUNT, 0) * 1024;
}

void bb_set_memory_limit(lua_State *L, size_t limit) {
  bb_state_info *info = state_info(L);
  if (info) info->limit = limit;
}

/* ======================================================================
** Trampoline
** ====================================================================== */

static bb_dispatch_fn swift_dispatch = NULL;
static bb_release_fn swift_release = NULL;

void bb_set_swift_callbacks(bb_dispatch_fn dispatch, bb_release_fn release) {
  swift_dispatch = dispatch;
  swift_release = release;
}

#define BB_FNBOX "blendbatch.SwiftFunction"

/* __gc of the box that holds the Swift function: drop the Swift reference once. */
static int fnbox_gc(lua_State *L) {
  void **slot = (void **)lua_touserdata(L, 1);
  if (slot != NULL && *slot != NULL && swift_release != NULL) {
    void *box = *slot;
    *slot = NULL;
    swift_release(box);
  }
  return 0;
}

/* The only lua_CFunction that calls Swift: Swift returns a status, and errors are raised here,
** after every Swift frame has returned. */
static int trampoline(lua_State *L) {
  void **slot = (void **)lua_touserdata(L, lua_upvalueindex(1));
  if (slot == NULL || *slot == NULL)
    return luaL_error(L, "blendbatch: call to a released host function");
  bb_state_info *info = state_info(L);
  if (info) info->host_depth++;
  int status = swift_dispatch(*slot, L);
  if (info) {
    info->host_depth--;
    if (status >= 0 && info->limit != 0 && info->host_depth == 0 && info->used > info->limit) {
      lua_gc(L, LUA_GCCOLLECT);
      if (info->used > info->limit) return luaL_error(L, "not enough memory");
    }
  }
  switch (status) {
    case BB_STATUS_RAISE:
      return lua_error(L);
    case BB_STATUS_RAISE_WHERE:
      luaL_where(L, 1);  /* msg where */
      lua_insert(L, -2);  /* where msg */
      lua_concat(L, 2);
      return lua_error(L);
    case BB_STATUS_INTERRUPT:
      return luaL_error(L, "interrupted!");
    default:
      return status;
  }
}

static int make_swift_function(lua_State *L) {
  void *box = lua_touserdata(L, 1);
  void **slot = (void **)lua_newuserdatauv(L, sizeof(void *), 0);  /* box slot */
  *slot = NULL;  /* "closed" until the metatable is set, so an error here leaks nothing twice */
  if (luaL_newmetatable(L, BB_FNBOX)) {
    lua_pushcfunction(L, fnbox_gc);
    lua_setfield(L, -2, "__gc");
    lua_pushliteral(L, "host function");
    lua_setfield(L, -2, "__name");
  }
  lua_setmetatable(L, -2);
  *slot = box;
  lua_pushcclosure(L, trampoline, 1);
  return 1;
}

int bb_push_swift_function(lua_State *L, void *box) {
  lua_pushcfunction(L, make_swift_function);
  lua_pushlightuserdata(L, box);
  return lua_pcall(L, 1, 1, 0);
}

/* ======================================================================
** Protected calls
** ====================================================================== */

/* lua.c's msghandler: tostring non-string errors via __tostring, then append a traceback. */
static int msghandler(lua_State *L) {
  const char *msg = lua_tostring(L, 1);
  if (msg == NULL) {
    if (luaL_callmeta(L, 1, "__tostring") && lua_type(L, -1) == LUA_TSTRING)
      return 1;  /* that is the message */
    msg = lua_pushfstring(L, "(error object is a %s value)", luaL_typename(L, 1));
  }
  luaL_traceback(L, L, msg, 1);
  return 1;
}

int bb_pcall_traceback(lua_State *L, int nargs, int nresults) {
  int base = lua_gettop(L) - nargs;  /* function index */
  lua_pushcfunction(L, msghandler);
  lua_insert(L, base);
  bb_state_info *info = state_info(L);
  int host_depth = info ? info->host_depth : 0;
  if (info) info->host_depth = 0;  /* Lua called back from Swift runs under the limit */
  int status = lua_pcall(L, nargs, nresults, base);
  if (info) info->host_depth = host_depth;
  lua_remove(L, base);
  return status;
}

static int tostring_helper(lua_State *L) {
  luaL_tolstring(L, 1, NULL);
  return 1;
}

const char *bb_safe_tostring(lua_State *L, int idx, size_t *len) {
  idx = lua_absindex(L, idx);
  lua_pushcfunction(L, tostring_helper);
  lua_pushvalue(L, idx);
  if (lua_pcall(L, 1, 1, 0) != LUA_OK) {
    lua_replace(L, idx);
    return NULL;
  }
  lua_replace(L, idx);
  return lua_tolstring(L, idx, len);
}

static int newmetatable_helper(lua_State *L) {
  const char *name = lua_tostring(L, 1);
  int created = luaL_newmetatable(L, name);
  lua_pushboolean(L, created);
  return 2;
}

int bb_newmetatable(lua_State *L, const char *tname, int *created) {
  lua_pushcfunction(L, newmetatable_helper);
  lua_pushstring(L, tname);
  int status = lua_pcall(L, 1, 2, 0);
  if (status != LUA_OK) return status;
  *created = lua_toboolean(L, -1);
  lua_pop(L, 1);
  return LUA_OK;
}

static int ref_helper(lua_State *L) {
  lua_pushinteger(L, luaL_ref(L, LUA_REGISTRYINDEX));
  return 1;
}

int bb_ref(lua_State *L) {
  lua_pushcfunction(L, ref_helper);
  lua_insert(L, -2);
  if (lua_pcall(L, 1, 1, 0) != LUA_OK) {
    lua_pop(L, 1);
    return LUA_NOREF;
  }
  int ref = (int)lua_tointeger(L, -1);
  lua_pop(L, 1);
  return ref;
}

int bb_loadbuffer(lua_State *L, const char *buf, size_t len, const char *name, const char *mode) {
  return luaL_loadbufferx(L, buf, len, name, mode);
}

/* ======================================================================
** Libraries
** ====================================================================== */

static int open_all(lua_State *L) {
  luaL_openlibs(L);
  return 0;
}

int bb_open_all(lua_State *L) {
  lua_pushcfunction(L, open_all);
  return lua_pcall(L, 0, 0, 0);
}

/* load(chunk [, chunkname [, mode [, env]]]) with mode forced to text. */
static int sandbox_load(lua_State *L) {
  int nargs = lua_gettop(L);
  if (nargs >= 3 && !lua_isnil(L, 3)) {
    const char *mode = luaL_checkstring(L, 3);
    if (strchr(mode, 'b') != NULL)
      return luaL_error(L, "load: binary chunks are not allowed in the sandbox (run with --trust)");
  }
  lua_pushvalue(L, lua_upvalueindex(1));  /* the real load */
  lua_pushvalue(L, 1);
  if (nargs >= 2) lua_pushvalue(L, 2); else lua_pushnil(L);
  lua_pushliteral(L, "t");
  if (nargs >= 4) { lua_pushvalue(L, 4); lua_call(L, 4, LUA_MULTRET); }
  else lua_call(L, 3, LUA_MULTRET);
  return lua_gettop(L) - nargs;
}

static int sandbox_refused(lua_State *L) {
  return luaL_error(L, "%s is not available in the sandbox (run with --trust to allow it)",
                    lua_tostring(L, lua_upvalueindex(1)));
}

/* Replace `table[field]` by a function that raises a clear sandbox error. */
static void refuse(lua_State *L, int table, const char *field, const char *qualified) {
  lua_pushstring(L, qualified);
  lua_pushcclosure(L, sandbox_refused, 1);
  lua_setfield(L, table, field);
}

static const luaL_Reg sandbox_libs[] = {
  {LUA_GNAME, luaopen_base},
  {LUA_LOADLIBNAME, luaopen_package},
  {LUA_COLIBNAME, luaopen_coroutine},
  {LUA_TABLIBNAME, luaopen_table},
  {LUA_STRLIBNAME, luaopen_string},
  {LUA_MATHLIBNAME, luaopen_math},
  {LUA_UTF8LIBNAME, luaopen_utf8},
  {LUA_OSLIBNAME, luaopen_os},
  {NULL, NULL}
};

static int open_sandbox(lua_State *L) {
  for (const luaL_Reg *lib = sandbox_libs; lib->func; lib++) {
    luaL_requiref(L, lib->name, lib->func, 1);
    lua_pop(L, 1);
  }
  lua_pushglobaltable(L);
  int g = lua_gettop(L);
  refuse(L, g, "dofile", "dofile");
  refuse(L, g, "loadfile", "loadfile");
  lua_getfield(L, g, "load");
  lua_pushcclosure(L, sandbox_load, 1);
  lua_setfield(L, g, "load");

  /* string.dump makes binary chunks. */
  lua_getfield(L, g, "string");
  refuse(L, lua_gettop(L), "dump", "string.dump");
  lua_pop(L, 1);

  /* os: only time, clock, date. */
  lua_newtable(L);
  int os = lua_gettop(L);
  lua_getfield(L, g, "os");
  const char *keep[] = {"time", "clock", "date", "difftime", NULL};
  for (const char **k = keep; *k; k++) {
    lua_getfield(L, -1, *k);
    lua_setfield(L, os, *k);
  }
  lua_pop(L, 1);
  const char *refused[] = {"execute", "remove", "rename", "exit", "getenv", "tmpname", "setlocale", NULL};
  for (const char **r = refused; *r; r++) {
    lua_pushfstring(L, "os.%s", *r);
    const char *q = lua_tostring(L, -1);
    refuse(L, os, *r, q);
    lua_pop(L, 1);
  }
  lua_pushvalue(L, os);
  lua_setfield(L, g, "os");
  luaL_getsubtable(L, LUA_REGISTRYINDEX, LUA_LOADED_TABLE);
  lua_pushvalue(L, os);
  lua_setfield(L, -2, "os");
  lua_pop(L, 2);  /* LOADED, os */

  /* io: absent, but say why when touched. */
  lua_newtable(L);
  int io = lua_gettop(L);
  const char *iofns[] = {"open", "read", "write", "lines", "popen", "close", "input", "output", "tmpfile", NULL};
  for (const char **f = iofns; *f; f++) {
    lua_pushfstring(L, "io.%s", *f);
    refuse(L, io, *f, lua_tostring(L, -1));
    lua_pop(L, 1);
  }
  lua_setfield(L, g, "io");

  /* package: require finds only preloaded (our) modules. */
  lua_getfield(L, g, "package");
  int pkg = lua_gettop(L);
  refuse(L, pkg, "loadlib", "package.loadlib");
  lua_pushnil(L); lua_setfield(L, pkg, "searchpath");
  lua_pushliteral(L, ""); lua_setfield(L, pkg, "path");
  lua_pushliteral(L, ""); lua_setfield(L, pkg, "cpath");
  lua_getfield(L, pkg, "searchers");
  int searchers = lua_gettop(L);
  lua_Integer n = luaL_len(L, searchers);
  for (lua_Integer i = n; i > 1; i--) {  /* keep [1], the preload searcher */
    lua_pushnil(L);
    lua_rawseti(L, searchers, i);
  }
  lua_pop(L, 2);  /* searchers, package */
  lua_pop(L, 1);  /* _G */
  return 0;
}

int bb_open_sandbox(lua_State *L) {
  lua_pushcfunction(L, open_sandbox);
  return lua_pcall(L, 0, 0, 0);
}

/* ======================================================================
** Interrupts (lua.c's laction/lstop)
** ====================================================================== */

static lua_State *volatile interrupt_target = NULL;
static volatile sig_atomic_t sigint_seen = 0;
static struct sigaction previous_sigint;
static int sigint_installed = 0;

/* States we did not make (the lua5.4 interpreter's): lua.c's one-shot hook. */
static void lstop(lua_State *L, lua_Debug *ar) {
  (void)ar;
  lua_sethook(L, NULL, 0, 0);
  luaL_error(L, "interrupted!");
}

void bb_interrupt(lua_State *L) {
  bb_state_info *info = state_info(L);
  if (info != NULL) {
    info->interrupted = 1;
    lua_sethook(L, watch, LUA_MASKCOUNT, 1);  /* stop at the next instruction */
    return;
  }
  int flag = LUA_MASKCALL | LUA_MASKRET | LUA_MASKLINE | LUA_MASKCOUNT;
  if (L != NULL) lua_sethook(L, lstop, flag, 1);
}

void bb_interrupt_current(void) {
  lua_State *L = interrupt_target;
  if (L != NULL) bb_interrupt(L);
}

static void laction(int sig) {
  (void)sig;
  sigint_seen = 1;
  if (interrupt_target != NULL) bb_interrupt(interrupt_target);
}

int bb_sigint_take(void) {
  int seen = sigint_seen;
  sigint_seen = 0;
  return seen;
}

/* Nested begin/end pairs (a recipe run from a REPL chunk) restore the outer target. */
#define BB_TARGETS 16
static lua_State *target_stack[BB_TARGETS];
static int target_depth = 0;

void bb_sigint_begin(lua_State *L) {
  if (target_depth < BB_TARGETS) target_stack[target_depth] = interrupt_target;
  target_depth++;
  interrupt_target = L;
  if (!sigint_installed) {
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = laction;
    sigemptyset(&sa.sa_mask);
    sa.sa_flags = 0;  /* no SA_RESTART: a blocking read returns EINTR */
    if (sigaction(SIGINT, &sa, &previous_sigint) == 0) sigint_installed = 1;
  }
}

void bb_sigint_end(void) {
  if (target_depth > 0) target_depth--;
  interrupt_target = target_depth < BB_TARGETS ? target_stack[target_depth] : NULL;
  if (target_depth == 0 && sigint_installed) {
    sigaction(SIGINT, &previous_sigint, NULL);
    sigint_installed = 0;
  }
}

int bb_interrupt_pending(lua_State *L) {
  bb_state_info *info = state_info(L);
  if (info != NULL) return info->interrupted != 0;
  return L != NULL && lua_gethook(L) == lstop;
}

void bb_interrupt_clear(lua_State *L) {
  bb_state_info *info = state_info(L);
  if (info != NULL) {
    info->interrupted = 0;
    if (info->always_watch || info->budget >= 0) lua_sethook(L, watch, LUA_MASKCOUNT, BB_WATCH_EVERY);
    else lua_sethook(L, NULL, 0, 0);
    return;
  }
  if (L != NULL && lua_gethook(L) == lstop) lua_sethook(L, NULL, 0, 0);
}

/* ======================================================================
** Instruction budget (for evaluating untrusted declarations)
** ====================================================================== */

void bb_set_instruction_budget(lua_State *L, int count) {
  bb_state_info *info = state_info(L);
  if (info == NULL) return;
  info->budget = count > 0 ? count : -1;
  if (info->budget >= 0) lua_sethook(L, watch, LUA_MASKCOUNT, BB_WATCH_EVERY);
}
