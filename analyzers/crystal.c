#include "crystal.h"

#include <json-c/json.h>
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

int
crystal_make(const struct crystal_request *req, struct crystal_edit *out)
{
  struct crystal c;
  int rc;

  if (crystal__setup(&c, req, out))
    return FACET_ENOMEM;
  if (crystal_fragment_find(&c)) {
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
  if (rc < 0 && rc != FACET_ENOMEM) {
    /* A change that did not fit: nothing half-made is handed out. */
    out->made = false;
    out->nfiles = out->nchanges = 0;
    out->why = "the edit is larger than facet makes";
    rc = 0;
  }
  return rc;
}

const char *
crystal_lines(struct crystal *c)
{
  if (c->edit->first_line == c->edit->last_line)
    return arena_printf(c->arena, "line %u", c->edit->first_line + 1);
  return arena_printf(c->arena, "lines %u-%u", c->edit->first_line + 1,
                      c->edit->last_line + 1);
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
