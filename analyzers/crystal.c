#include "crystal.h"

#include <json-c/json.h>
#include <stdint.h>
#include <string.h>

#include "artifact.h"
#include "crystal_internal.h"
#include "error.h"

static const char *const crystal__names[CRYSTAL__COUNT] = {
  "schema", "eval", "code",
};

const char *
crystal_target_name(enum crystal_target t)
{
  return crystal__names[t];
}

int
crystal_target_by_name(const char *name)
{
  for (int t = 0; t < CRYSTAL__COUNT; t++)
    if (strcmp(crystal__names[t], name) == 0)
      return t;
  return -1;
}

void
crystal_edit_init(struct crystal_edit *self)
{
  memset(self, 0, sizeof *self);
  arena_init(&self->arena, 0);
}

void
crystal_edit_release(struct crystal_edit *self)
{
  arena_release(&self->arena);
  memset(self, 0, sizeof *self);
}

/* The prompt's name for what is made from it: its file name without the
 * format's extension ("triage" for prompts/triage.prompty). */
static int
crystal__setup(struct crystal *c, const struct crystal_request *req,
               struct crystal_edit *out)
{
  memset(c, 0, sizeof *c);
  c->req = req;
  c->prompt = req->prompt;
  c->edit = out;
  c->arena = &out->arena;
  out->target = req->target;
  c->name = crystal_prompt_name(c->arena, req->prompt_path);
  c->dir = crystal_path_dir(c->arena, req->prompt_path);
  return c->name && c->dir ? 0 : FACET_ENOMEM;
}

static void
crystal__release(struct crystal *c)
{
  crystal_example_release(&c->example);
  json_object_put(c->fields);
}

/* Runs the action once, records naming the fragment's lines moved by
 * shift. */
static int
crystal__run(const struct crystal_request *req, struct crystal_edit *out,
             int32_t shift)
{
  struct crystal c;
  int rc;

  if (crystal__setup(&c, req, out))
    return FACET_ENOMEM;
  c.line_shift = shift;
  rc = crystal_fragment_find(&c);
  if (rc == FACET_ELIMIT) {
    out->why = arena_printf(&out->arena, "the fragment is larger than "
                            "facet crystallises at once (%zu KiB): select "
                            "a part of it", CRYSTAL_FRAGMENT_MAX >> 10);
    out->too_large = true;
    return 0;
  }
  if (rc) {
    out->why = req->prompt->kind == ARTIFACT_PROMPT
                 ? "there is no prompt text here to crystallise: put the "
                   "cursor on a paragraph of the prompt, or select one"
                 : "only a prompt's text can be crystallised";
    return 0;
  }
  crystal_fragment_read(&c);
  switch (req->target) {
  case CRYSTAL_SCHEMA:
    rc = crystal_schema(&c);
    break;
  case CRYSTAL_EVAL:
    rc = crystal_eval(&c);
    break;
  case CRYSTAL_CODE:
    rc = crystal_code(&c);
    break;
  default:
    rc = 0;
    out->why = "unknown target";
    break;
  }
  crystal__release(&c);
  if (rc == 0 && c.text_err == FACET_ENOMEM)
    rc = FACET_ENOMEM;
  if (rc == 0 && c.text_err && out->made) {
    /* A text that lost part of itself is never handed out. */
    out->made = false;
    out->nfiles = out->nchanges = 0;
    out->why = arena_printf(&out->arena, "what this fragment makes is "
                            "larger than facet writes (%zu MiB a file): "
                            "select a part of it", CRYSTAL_TEXT_MAX >> 20);
    out->too_large = true;
    return 0;
  }
  if (rc < 0 && rc != FACET_ENOMEM) {
    /* A change that did not fit: nothing half-made is handed out. */
    out->made = false;
    out->nfiles = out->nchanges = 0;
    out->why = "the edit is larger than facet makes";
    rc = 0;
  }
  return rc;
}

/* Line breaks in n bytes of s: "\n", "\r\n" or a lone "\r", as
 * source.h counts them. */
static int64_t
crystal__breaks(const char *s, size_t n)
{
  int64_t count = 0;

  for (size_t i = 0; i < n; i++)
    if (s[i] == '\n' || (s[i] == '\r' && (i + 1 == n || s[i + 1] != '\n')))
      count++;
  return count;
}

/* Lines the edit's changes to the prompt add above its fragment. */
static int32_t
crystal__shift(const struct crystal_request *req,
               const struct crystal_edit *e)
{
  const char *text = req->prompt->src.text;
  int64_t shift = 0;

  for (size_t i = 0; i < e->nchanges; i++) {
    const struct crystal_change *ch = &e->changes[i];

    if (strcmp(ch->path, req->prompt_path) != 0 ||
        ch->span.end > e->fragment.start)
      continue;
    shift += crystal__breaks(ch->text, strlen(ch->text)) -
             crystal__breaks(text + ch->span.start,
                             ch->span.end - ch->span.start);
  }
  return shift > INT32_MAX || shift < INT32_MIN ? 0 : (int32_t)shift;
}

int
crystal_make(const struct crystal_request *req, struct crystal_edit *out)
{
  int32_t shift;
  int rc = crystal__run(req, out, 0);

  if (rc || !out->made)
    return rc;
  /* The same edit may add lines above the fragment (a Dotprompt's
   * output.schema, a Prompty's outputs): made again, its records name the
   * lines the fragment is at once the edit is applied. The changes do
   * not depend on the records' numbers, so the second run moves nothing
   * more. */
  shift = crystal__shift(req, out);
  if (shift == 0)
    return 0;
  crystal_edit_release(out);
  crystal_edit_init(out);
  return crystal__run(req, out, shift);
}

const char *
crystal_lines(struct crystal *c)
{
  int64_t first = (int64_t)c->edit->first_line + c->line_shift + 1;
  int64_t last = (int64_t)c->edit->last_line + c->line_shift + 1;

  if (first == last)
    return arena_printf(c->arena, "line %lld", (long long)first);
  return arena_printf(c->arena, "lines %lld-%lld", (long long)first,
                      (long long)last);
}

const char *
crystal_prose(struct crystal *c)
{
  struct buf out;

  buf_init(&out, CRYSTAL_TEXT_MAX);
  for (const char *p = c->text; *p;) {
    const char *nl = strchr(p, '\n');
    size_t n = nl ? (size_t)(nl - p) : strlen(p);
    size_t k = 0;

    while (k < n && (p[k] == ' ' || p[k] == '\t'))
      k++;
    if (!(n - k >= 3 && (strncmp(p + k, "```", 3) == 0 ||
                         strncmp(p + k, "~~~", 3) == 0))) {
      buf_append(&out, p, n);
      buf_putc(&out, '\n');
    }
    p += n + (nl != NULL);
  }
  return out.len ? crystal_buf_keep(c, &out) : c->text;
}
