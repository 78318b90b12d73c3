#include "lsp_links.h"

#include <json-c/json.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "artifact.h"
#include "buf.h"
#include "evalgraph.h"
#include "fileio.h"
#include "jsonrpc.h"
#include "lsp_features.h"
#include "lspconv.h"
#include "navigate.h"
#include "pathglob.h"
#include "session_internal.h"

/* Other files one answer may read; past this they are left out. */
#define LINKS_FILES_MAX 64
/* Prompts a rename follows. */
#define LINKS_PROMPTS_MAX 64

/* A file's text, to place spans in it: an open document's or the disk's. */
struct links_file {
  char *path;
  char *uri;
  char *text;                  /* owned when read from disk */
  struct source src;
  const struct source *use;    /* src, or an open document's */
};

struct links {
  const struct feature_request *r;
  struct links_file files[LINKS_FILES_MAX];
  size_t nfiles;
  json_object *list;           /* Location[] */
  json_object *changes;        /* rename: uri -> TextEdit[] */
  const char *new_name;
  const char *name;            /* the variable followed */
  struct { uint32_t file; uint32_t start; } seen[1024];
  size_t nseen;
  char *prompts[LINKS_PROMPTS_MAX];   /* prompt files, or configs with
                                         inline prompts */
  size_t nprompts;
  bool elsewhere;              /* some place is in another file */
};

static struct session *
links__session(const struct links *l)
{
  return l->r->session;
}

bool
links_path(const struct feature_request *r, char *out)
{
  if (!r->artifact || !r->artifact->evals || !r->doc->path ||
      !wsindex_normal(r->doc->path, out))
    return false;
  return evalgraph_summary(r->session->index.graph, out) ==
         r->artifact->evals;
}

/* The open document of path whose analysis the index holds, or NULL. */
static struct document *
links__open(struct session *s, const char *path)
{
  struct document *doc = docstore_find_path(&s->docs, path);

  return doc && doc->artifact &&
         evalgraph_summary(s->index.graph, path) == doc->artifact->evals
           ? doc : NULL;
}

static struct links_file *
links__file(struct links *l, const char *path)
{
  struct session *s = links__session(l);
  struct links_file *f;
  struct document *doc;
  size_t len = 0;
  size_t size = 0;

  for (size_t i = 0; i < l->nfiles; i++)
    if (strcmp(l->files[i].path, path) == 0)
      return &l->files[i];
  if (l->nfiles == LINKS_FILES_MAX)
    return NULL;
  f = &l->files[l->nfiles];
  memset(f, 0, sizeof *f);
  doc = links__open(s, path);
  f->path = strdup(path);
  f->uri = doc ? strdup(doc->uri) : docstore_path_to_uri(path);
  if (!f->path || !f->uri)
    goto fail;
  if (doc) {
    f->use = &doc->artifact->src;
  } else {
    if (fileio_read(path, ANALYZE_MAX_BYTES_DEFAULT, &f->text, &len, &size) ||
        source_init(&f->src, f->text, len))
      goto fail;
    f->use = &f->src;
  }
  l->nfiles++;
  return f;
fail:
  free(f->path);
  free(f->uri);
  free(f->text);
  return NULL;
}

static void
links__release(struct links *l)
{
  for (size_t i = 0; i < l->nfiles; i++) {
    if (l->files[i].text)
      source_release(&l->files[i].src);
    free(l->files[i].text);
    free(l->files[i].path);
    free(l->files[i].uri);
  }
  for (size_t i = 0; i < l->nprompts; i++)
    free(l->prompts[i]);
}

/* Adds a Location (or, renaming, a TextEdit) for span of path, once. */
static void
links__add(struct links *l, const char *path, struct span span)
{
  struct links_file *f = links__file(l, path);
  uint32_t index;
  json_object *item;

  if (!f)
    return;
  index = (uint32_t)(f - l->files);
  for (size_t i = 0; i < l->nseen; i++)
    if (l->seen[i].file == index && l->seen[i].start == span.start)
      return;
  if (l->nseen == sizeof l->seen / sizeof l->seen[0])
    return;
  l->seen[l->nseen].file = index;
  l->seen[l->nseen++].start = span.start;
  item = json_object_new_object();
  if (!l->changes)
    json_object_object_add(item, "uri", json_object_new_string(f->uri));
  json_object_object_add(item, "range",
                         lspconv_range(f->use, span,
                                       links__session(l)->encoding));
  if (strcmp(f->uri, l->r->doc->uri) != 0)
    l->elsewhere = true;
  if (l->changes) {
    json_object *edits;

    json_object_object_add(item, "newText",
                           json_object_new_string(l->new_name));
    if (!json_object_object_get_ex(l->changes, f->uri, &edits)) {
      edits = json_object_new_array();
      json_object_object_add(l->changes, f->uri, edits);
    }
    json_object_array_add(edits, item);
    return;
  }
  json_object_array_add(l->list, item);
}

/* ---- the variables tests set ------------------------------------------- */

static void
links__vars_named(struct links *l, const char *path,
                  const struct evalfile *f, uint32_t first, uint32_t n)
{
  for (uint32_t i = 0; i < n; i++)
    if (strcmp(f->vars[first + i].name, l->name) == 0)
      links__add(l, path, f->vars[first + i].key);
}

/* The keys that set the variable in a test, and in its config's
 * defaultTest. */
static void
links__test_sites(const struct evtest_ref *t, void *ctx)
{
  struct links *l = ctx;
  const struct evalfile *cf = t->config
    ? evalgraph_summary(links__session(l)->index.graph, t->config) : NULL;

  links__vars_named(l, t->file, t->summary, t->t->var0, t->t->nvars);
  if (cf)
    links__vars_named(l, t->config, cf, cf->default_var0, cf->ndefault_vars);
}

static bool
links__has_var(const struct evalfile *f, const struct evtest *t,
               const char *name)
{
  for (uint32_t i = 0; i < t->nvars; i++)
    if (strcmp(f->vars[t->var0 + i].name, name) == 0)
      return true;
  return false;
}

/* The test variable written at off in the summary, or NULL. */
static const struct evvar *
links__var_at(const struct evalfile *f, uint32_t off)
{
  for (size_t i = 0; f && i < f->nvars; i++)
    if (off >= f->vars[i].key.start && off <= f->vars[i].key.end &&
        f->vars[i].key.end > f->vars[i].key.start)
      return &f->vars[i];
  return NULL;
}

/* ---- prompts ----------------------------------------------------------- */

static void
links__add_prompt(struct links *l, const char *path)
{
  for (size_t i = 0; i < l->nprompts; i++)
    if (strcmp(l->prompts[i], path) == 0)
      return;
  if (l->nprompts < LINKS_PROMPTS_MAX && (l->prompts[l->nprompts] =
                                            strdup(path)))
    l->nprompts++;
}

static void
links__prompt_of(const struct evprompt_ref *p, void *ctx)
{
  links__add_prompt(ctx, p->file ? p->file : p->config);
}

static void
links__target_prompt(const char *target, void *ctx)
{
  links__add_prompt(ctx, target);
}

/* Every prompt config path runs: the files it names, and itself for the
 * prompts it writes inline. */
static void
links__config_prompts(struct links *l, const char *path,
                      const struct evalfile *cf)
{
  struct evalgraph *g = links__session(l)->index.graph;

  for (uint32_t p = 0; cf && p < cf->nprompts; p++)
    if (cf->prompts[p].ref != EVAL_NONE)
      evalgraph_targets(g, path, cf->prompts[p].ref, links__target_prompt, l);
    else
      links__add_prompt(l, path);
}

/* Whether v is one of the config's defaultTest variables. */
static bool
links__is_default(const struct evalfile *f, const struct evvar *v)
{
  size_t i = (size_t)(v - f->vars);

  return i >= f->default_var0 && i < f->default_var0 + f->ndefault_vars;
}

/* The prompts of the tests that set the variable (in this file), its
 * config's defaultTest setting it for every test. */
static void
links__prompts_setting(const struct evtest_ref *t, void *ctx)
{
  struct links *l = ctx;
  const struct evalfile *cf = t->config
    ? evalgraph_summary(links__session(l)->index.graph, t->config) : NULL;
  bool by_default = false;

  for (uint32_t i = 0; cf && i < cf->ndefault_vars && !by_default; i++)
    by_default = strcmp(cf->vars[cf->default_var0 + i].name, l->name) == 0;
  if (by_default || links__has_var(t->summary, t->t, l->name))
    evalgraph_prompts_of_test(links__session(l)->index.graph, t,
                              links__prompt_of, l);
}

/* The variable of the current file at off (a test's, or defaultTest's)
 * and the prompts it reaches; NULL when none is there. */
static const struct evvar *
links__var_prompts(struct links *l, const char *path, uint32_t off)
{
  const struct evalfile *f = l->r->artifact->evals;
  const struct evvar *v = links__var_at(f, off);

  if (!v)
    return NULL;
  l->name = v->name;
  if (links__is_default(f, v))
    links__config_prompts(l, path, f);
  else
    evalgraph_tests_in(links__session(l)->index.graph, path,
                       links__prompts_setting, l);
  return v;
}

/* Whether off lies in a prompt the promptfoo config a writes inline. */
static bool
links__in_inline_prompt(const struct artifact *a, uint32_t off)
{
  const struct evalfile *f = a->evals;

  for (uint32_t p = 0; f && a->format == FORMAT_PROMPTFOO &&
                       p < f->nprompts; p++)
    if (f->prompts[p].ref == EVAL_NONE && !f->prompts[p].self &&
        off >= f->prompts[p].span.start && off <= f->prompts[p].span.end)
      return true;
  return false;
}

/* Whether the variable under the cursor is a template's: a prompt file's,
 * or one of a config's inline prompts. */
static bool
links__template_at(const struct artifact *a, uint32_t off,
                   struct nav_target *t)
{
  return navigate_at(a, off, t) &&
         (a->kind == ARTIFACT_PROMPT || links__in_inline_prompt(a, off));
}

struct links_uses {
  struct links *l;
  const char *path;
};

static void
links__use_in(struct span span, bool decl, void *ctx)
{
  struct links_uses *u = ctx;

  (void)decl;
  links__add(u->l, u->path, span);
}

/* Calls fn at every place prompt file path names the variable (analysing
 * it when it is not open). */
static void
links__each_use(struct links *l, const char *path, bool with_decl,
                void (*fn)(struct span, bool, void *), void *ctx)
{
  struct session *s = links__session(l);
  struct document *doc = links__open(s, path);
  const struct evalfile *f;
  struct artifact *a;
  int err;

  if (doc) {
    navigate_each(doc->artifact, l->name, with_decl, fn, ctx);
    return;
  }
  f = evalgraph_summary(s->index.graph, path);
  if (!f)
    return;
  a = wsindex_read(path, f->format, s->settings.max_file_bytes, NULL, &err);
  /* The text must be the one the index knows, or spans would drift. */
  if (a && a->evals && a->evals->text_hash == f->text_hash)
    navigate_each(a, l->name, with_decl, fn, ctx);
  artifact_free(a);
}

/* Every place prompt file path names the variable. */
static void
links__uses(struct links *l, const char *path, bool with_decl)
{
  struct links_uses u = { l, path };

  links__each_use(l, path, with_decl, links__use_in, &u);
}

/* The uses of a variable in one file, collected. */
struct links_spans {
  struct span *v;
  size_t n, cap;
  bool failed;
};

static void
links__collect_use(struct span span, bool decl, void *ctx)
{
  struct links_spans *u = ctx;

  (void)decl;
  if (u->n == u->cap) {
    size_t cap = u->cap ? 2 * u->cap : 8;
    struct span *grown = realloc(u->v, cap * sizeof *grown);

    if (!grown) {
      u->failed = true;
      return;
    }
    u->v = grown;
    u->cap = cap;
  }
  u->v[u->n++] = span;
}

/* The first of the uses collected that lies in [start, end], or NULL. */
static const struct span *
links__first_in(const struct links_spans *u, uint32_t start, uint32_t end)
{
  const struct span *best = NULL;

  for (size_t i = 0; i < u->n; i++)
    if (u->v[i].start >= start && u->v[i].end <= end &&
        (!best || u->v[i].start < best->start))
      best = &u->v[i];
  return best;
}

/* ---- answers ----------------------------------------------------------- */

static void
links__init(struct links *l, const struct feature_request *r)
{
  memset(l, 0, sizeof *l);
  l->r = r;
  l->list = json_object_new_array();
}

/* Replies with the list, or returns false (nothing replied) when empty. */
static bool
links__reply_list(struct links *l)
{
  bool any = json_object_array_length(l->list) > 0;

  if (any)
    session_reply(l->r->session, l->r->id, l->list);
  else
    json_object_put(l->list);
  links__release(l);
  return any;
}

static void
links__target(const char *target, void *ctx)
{
  struct links *l = ctx;

  links__add(l, target, span_make(0, 0));
}

/* The file reference written at off, or EVAL_NONE. */
static uint32_t
links__ref_at(const struct evalfile *f, uint32_t off)
{
  for (uint32_t i = 0; f && i < f->nrefs; i++)
    if (off >= f->refs[i].span.start && off <= f->refs[i].span.end)
      return i;
  return EVAL_NONE;
}

/* The first read of the variable in each prompt a test runs: in each
 * piece of a file promptfoo splits on `---`, in each prompt a config
 * writes inline, else in the file. */
static void
links__first_reads(struct links *l)
{
  struct evalgraph *g = links__session(l)->index.graph;

  for (size_t i = 0; i < l->nprompts; i++) {
    const struct evalfile *f = evalgraph_summary(g, l->prompts[i]);
    struct links_spans u = { NULL, 0, 0, false };
    const struct span *at;
    size_t units = 0;

    if (!f)
      continue;
    links__each_use(l, l->prompts[i], false, links__collect_use, &u);
    if (u.n && !u.failed && f->npieces > 1) {
      for (size_t k = 0; k < f->npieces; k++)
        if ((at = links__first_in(&u, f->pieces[k].span.start,
                                  f->pieces[k].span.end)) != NULL) {
          links__add(l, l->prompts[i], *at);
          units++;
        }
    } else if (u.n && !u.failed) {
      for (size_t p = 0; p < f->nprompts; p++)
        if (f->prompts[p].ref == EVAL_NONE && !f->prompts[p].self &&
            (at = links__first_in(&u, f->prompts[p].span.start,
                                  f->prompts[p].span.end)) != NULL) {
          links__add(l, l->prompts[i], *at);
          units++;
        }
    }
    free(u.v);
    if (units)
      continue;
    for (size_t k = 0; k < f->nreads; k++)
      if (strcmp(f->reads[k].name, l->name) == 0) {
        links__add(l, l->prompts[i], f->reads[k].span);
        break;
      }
  }
}

bool
links_definition(const struct feature_request *r, uint32_t off)
{
  struct links l;
  char path[PATHGLOB_PATH_MAX];
  const struct evalfile *f = r->artifact ? r->artifact->evals : NULL;
  struct evalgraph *g = r->session->index.graph;
  const struct evvar *v;
  struct nav_target t;
  uint32_t ref;

  if (!links_path(r, path))
    return false;
  links__init(&l, r);
  if ((ref = links__ref_at(f, off)) != EVAL_NONE) {
    evalgraph_targets(g, path, ref, links__target, &l);
    return links__reply_list(&l);
  }
  if ((v = links__var_prompts(&l, path, off)) != NULL) {
    links__first_reads(&l);
    return links__reply_list(&l);
  }
  if (links__template_at(r->artifact, off, &t)) {
    l.name = t.name;
    if (t.decl)
      links__add(&l, path, t.decl->span);
    evalgraph_tests_of_prompt(g, path, links__test_sites, &l);
    /* Only the declaration: the single-file answer says as much. */
    if (json_object_array_length(l.list) <= (t.decl ? 1u : 0u)) {
      json_object_put(l.list);
      links__release(&l);
      return false;
    }
    return links__reply_list(&l);
  }
  json_object_put(l.list);
  links__release(&l);
  return false;
}

/* Collects the prompts linked to the variable and the tests setting it:
 * from a prompt (seed) or from a test variable of the current file. */
static bool
links__closure(struct links *l, const char *path, uint32_t off)
{
  const struct feature_request *r = l->r;
  struct evalgraph *g = r->session->index.graph;
  const struct evvar *v = links__var_prompts(l, path, off);
  struct nav_target t;
  size_t before;

  if (v) {
    /* its prompts are in l already */
  } else if (links__template_at(r->artifact, off, &t)) {
    l->name = t.name;
    links__add_prompt(l, path);
  } else {
    return false;
  }
  /* Tests of those prompts may run other prompts too: one more step. */
  before = l->nprompts;
  for (size_t i = 0; i < before; i++)
    evalgraph_tests_of_prompt(g, l->prompts[i], links__prompts_setting, l);
  return l->nprompts > 0 || v;
}

static void
links__all_sites(struct links *l, bool with_decl, const char *path,
                 uint32_t off)
{
  struct evalgraph *g = links__session(l)->index.graph;
  const struct evvar *v = links__var_at(l->r->artifact->evals, off);
  size_t n = l->nprompts;

  for (size_t i = 0; i < n; i++) {
    links__uses(l, l->prompts[i], with_decl);
    evalgraph_tests_of_prompt(g, l->prompts[i], links__test_sites, l);
  }
  /* The key under the cursor is a site too, should no test of those
   * prompts reach it (a defaultTest variable, no tests yet). */
  if (v)
    links__add(l, path, v->key);
}

/* A prompt's first line: every test that exercises it. */
static void
links__test_anchor(const struct evtest_ref *t, void *ctx)
{
  links__add(ctx, t->file, t->t->anchor);
}

bool
links_references(const struct feature_request *r, uint32_t off,
                 bool with_decl)
{
  struct links l;
  char path[PATHGLOB_PATH_MAX];
  struct nav_target t;
  uint32_t line0 = source_line_end(&r->artifact->src, 0);
  bool on_var;

  if (!links_path(r, path))
    return false;
  links__init(&l, r);
  on_var = navigate_at(r->artifact, off, &t) ||
           links__var_at(r->artifact->evals, off);
  if (!on_var && off <= line0 && r->artifact->kind == ARTIFACT_PROMPT) {
    evalgraph_tests_of_prompt(r->session->index.graph, path,
                              links__test_anchor, &l);
    return links__reply_list(&l);
  }
  if (!on_var || !links__closure(&l, path, off)) {
    json_object_put(l.list);
    links__release(&l);
    return false;
  }
  links__all_sites(&l, with_decl, path, off);
  /* Within one prompt file, the single-file answer is the same; a
   * config's holds only its templates, not the tests that set them. */
  if (!l.elsewhere && r->artifact->kind == ARTIFACT_PROMPT) {
    json_object_put(l.list);
    links__release(&l);
    return false;
  }
  return links__reply_list(&l);
}

const char *
links_var_name_at(const struct feature_request *r, uint32_t off)
{
  const struct evvar *v = r->artifact ? links__var_at(r->artifact->evals,
                                                      off) : NULL;

  return v ? v->name : NULL;
}

bool
links_prepare_rename(const struct feature_request *r, uint32_t off)
{
  const struct evvar *v = r->artifact ? links__var_at(r->artifact->evals,
                                                      off) : NULL;
  char path[PATHGLOB_PATH_MAX];
  json_object *result;

  if (!v || !links_path(r, path) || !navigate_valid_name(v->name))
    return false;
  result = json_object_new_object();
  json_object_object_add(result, "range",
                         lspconv_range(&r->artifact->src, v->key,
                                       r->session->encoding));
  json_object_object_add(result, "placeholder",
                         json_object_new_string(v->name));
  session_reply(r->session, r->id, result);
  return true;
}

bool
links_rename(const struct feature_request *r, uint32_t off, const char *name)
{
  struct links l;
  char path[PATHGLOB_PATH_MAX];
  json_object *edit;

  if (!links_path(r, path))
    return false;
  links__init(&l, r);
  json_object_put(l.list);
  l.list = NULL;
  l.changes = json_object_new_object();
  l.new_name = name;
  if (!links__closure(&l, path, off) ||
      !(r->artifact->kind == ARTIFACT_PROMPT ||
        links__var_at(r->artifact->evals, off) ||
        links__in_inline_prompt(r->artifact, off))) {
    json_object_put(l.changes);
    links__release(&l);
    return false;
  }
  links__all_sites(&l, true, path, off);
  if (!l.elsewhere && r->artifact->kind == ARTIFACT_PROMPT) {
    json_object_put(l.changes);
    links__release(&l);
    return false;
  }
  edit = json_object_new_object();
  json_object_object_add(edit, "changes", l.changes);
  session_reply(r->session, r->id, edit);
  links__release(&l);
  return true;
}

/* ---- lenses and hovers ------------------------------------------------- */

struct links_lenses {
  const struct feature_request *r;
  json_object *list;
};

static void
links__lens(struct span span, enum evlens_kind kind, const char *title,
            uint32_t test, const struct evresult *res, void *ctx)
{
  struct links_lenses *x = ctx;
  const struct source *src = &x->r->artifact->src;
  json_object *lens = json_object_new_object();
  json_object *command = json_object_new_object();
  json_object *args = json_object_new_array();
  struct span at = span_make(span.start, span.start);

  (void)res;
  (void)test;
  json_object_array_add(args, json_object_new_string(x->r->doc->uri));
  json_object_array_add(args, lspconv_position(src, span.start,
                                               x->r->session->encoding));
  json_object_object_add(command, "title", json_object_new_string(title));
  json_object_object_add(command, "command", json_object_new_string(
                           kind == EVLENS_TEST ? "facet.showEvals"
                                               : "facet.showGrade"));
  if (kind != EVLENS_TEST) {
    json_object_put(args);
    args = json_object_new_array();
    json_object_array_add(args, json_object_new_string(x->r->doc->uri));
  }
  json_object_object_add(command, "arguments", args);
  json_object_object_add(lens, "range", lspconv_range(src, at,
                                                      x->r->session->encoding));
  json_object_object_add(lens, "command", command);
  json_object_array_add(x->list, lens);
}

void
links_code_lenses(const struct feature_request *r, json_object *list)
{
  struct links_lenses x = { r, list };
  char path[PATHGLOB_PATH_MAX];

  if (links_path(r, path))
    evalgraph_lenses(r->session->index.graph, path, session_now(r->session),
                     links__lens, &x);
}

static char *
links__uri_of(const char *path, void *ctx)
{
  struct session *s = ctx;
  struct document *doc = docstore_find_path(&s->docs, path);

  return doc ? strdup(doc->uri) : docstore_path_to_uri(path);
}

json_object *
links_test_hover(const struct feature_request *r, uint32_t off)
{
  char path[PATHGLOB_PATH_MAX];
  const struct evalfile *f = r->artifact ? r->artifact->evals : NULL;
  json_object *hover;
  json_object *contents;
  char *text;
  size_t t;

  if (!links_path(r, path))
    return NULL;
  text = evalgraph_test_hover(r->session->index.graph, path, off,
                              session_now(r->session), links__uri_of,
                              r->session);
  if (!text)
    return NULL;
  for (t = 0; t < f->ntests; t++)
    if (off >= f->tests[t].anchor.start && off <= f->tests[t].anchor.end)
      break;
  hover = json_object_new_object();
  contents = json_object_new_object();
  json_object_object_add(contents, "kind", json_object_new_string("markdown"));
  json_object_object_add(contents, "value", json_object_new_string(text));
  json_object_object_add(hover, "contents", contents);
  if (t < f->ntests)
    json_object_object_add(hover, "range", lspconv_range(
                             &r->artifact->src, f->tests[t].anchor,
                             r->session->encoding));
  free(text);
  return hover;
}

struct links_evidence {
  struct session *session;
  struct buf *out;
  char *files[16];
  unsigned counts[16];
  uint32_t lines[16];
  size_t n;
};

static void
links__evidence_test(const struct evtest_ref *t, void *ctx)
{
  struct links_evidence *e = ctx;

  for (size_t i = 0; i < e->n; i++)
    if (strcmp(e->files[i], t->file) == 0) {
      e->counts[i]++;
      return;
    }
  if (e->n == 16 || !(e->files[e->n] = strdup(t->file)))
    return;
  e->counts[e->n] = 1;
  e->lines[e->n++] = t->t->line;
}

static void
links__evidence_link(struct links_evidence *e, const char *path,
                     uint32_t line)
{
  char *uri = links__uri_of(path, e->session);
  const char *base = strrchr(path, '/') ? strrchr(path, '/') + 1 : path;

  if (uri)
    buf_printf(e->out, "[%s](%s#L%u)", base, uri, line ? line : 1);
  else
    buf_printf(e->out, "`%s`", base);
  free(uri);
}

static void
links__evidence_schema(const char *schema, void *ctx)
{
  struct links_evidence *e = ctx;

  buf_puts(e->out, "\n- its output is checked against ");
  links__evidence_link(e, schema, 1);
}

char *
links_grade_evidence(const struct feature_request *r)
{
  struct links_evidence e = { r->session, NULL, { 0 }, { 0 }, { 0 }, 0 };
  char path[PATHGLOB_PATH_MAX];
  struct evsummary s;
  char title[200];
  struct buf out;

  if (!links_path(r, path) || r->artifact->kind != ARTIFACT_PROMPT)
    return NULL;
  evalgraph_summarise(r->session->index.graph, path,
                      session_now(r->session), &s);
  if (!s.tests)
    return NULL;
  buf_init(&out, 1 << 14);
  e.out = &out;
  evsummary_title(&s, title, sizeof title);
  buf_printf(&out, "\n**Evals** \xC2\xB7 %s", title);
  evalgraph_tests_of_prompt(r->session->index.graph, path,
                            links__evidence_test, &e);
  for (size_t i = 0; i < e.n; i++) {
    buf_printf(&out, "\n- %u test%s in ", e.counts[i],
               e.counts[i] == 1 ? "" : "s");
    links__evidence_link(&e, e.files[i], e.lines[i]);
    free(e.files[i]);
  }
  evalgraph_schemas_of_prompt(r->session->index.graph, path,
                              links__evidence_schema, &e);
  buf_putc(&out, '\n');
  return buf_detach(&out);
}
