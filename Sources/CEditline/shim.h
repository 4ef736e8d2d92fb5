#include <stdio.h>
#include <histedit.h>

/* libedit's el_set/el_get/history are variadic, which Swift cannot call: one small wrapper each. */

static inline char *bb_el_prompt(EditLine *el) {
  void *prompt = NULL;
  el_get(el, EL_CLIENTDATA, &prompt);
  return prompt ? (char *)prompt : (char *)"";
}

/* Create an editor on stdin/stdout/stderr: emacs bindings, the user's ~/.editrc, our prompt. */
static inline EditLine *bb_el_open(const char *program) {
  EditLine *el = el_init(program, stdin, stdout, stderr);
  if (el == NULL) return NULL;
  el_set(el, EL_EDITOR, "emacs");
  el_set(el, EL_SIGNAL, 0);  /* the host owns SIGINT */
  el_set(el, EL_PROMPT, bb_el_prompt);
  el_source(el, NULL);
  /* While editing, ^C is a key (bound by the host to cancel the line), not SIGINT. */
  el_set(el, EL_SETTY, "-d", "-isig", NULL);
  return el;
}

/* `prompt` must stay valid until the next call. */
static inline void bb_el_set_prompt(EditLine *el, const char *prompt) { el_set(el, EL_CLIENTDATA, (void *)prompt); }

static inline void bb_el_add_function(EditLine *el, const char *name, const char *help,
                                      unsigned char (*fn)(EditLine *, int)) {
  el_set(el, EL_ADDFN, name, help, fn);
}

static inline void bb_el_bind(EditLine *el, const char *key, const char *function) {
  el_set(el, EL_BIND, key, function, NULL);
}

static inline void bb_el_use_history(EditLine *el, History *h) { el_set(el, EL_HIST, history, h); }

static inline History *bb_history_open(int size) {
  History *h = history_init();
  HistEvent ev;
  if (h == NULL) return NULL;
  history(h, &ev, H_SETSIZE, size);
  history(h, &ev, H_SETUNIQUE, 1);
  return h;
}

static inline void bb_history_add(History *h, const char *line) { HistEvent ev; history(h, &ev, H_ENTER, line); }
static inline int bb_history_load(History *h, const char *path) { HistEvent ev; return history(h, &ev, H_LOAD, path); }
static inline int bb_history_save(History *h, const char *path) { HistEvent ev; return history(h, &ev, H_SAVE, path); }
