/*
 * Few-shot examples in a fragment. Prompts write them as labelled lines
 * ("Input:", "Q:", "question: ... answer: ... stars:") repeated once per
 * example, each value running on to the next label or a blank line; or as
 * "text" -> label lines.
 *
 * A repeating run of labels (A B A B ..., or A B C A B C ...) is read as
 * examples whose last label is the output and the others its inputs,
 * whatever the labels are called. Otherwise an example ends at each label
 * that names an output (Output, A, Answer, Category, ...), its inputs the
 * labelled parts before it. An example whose
 * input holds template tags, or whose output is empty, is the prompt's
 * own slot for the real input, not an example.
 */
#include <ctype.h>
#include <string.h>
#include <strings.h>

#include "arena.h"
#include "crystal_internal.h"
#include "crystal_re.h"

/* Labelled parts one fragment is read into at most. */
#define SHOTS_PARTS_MAX (4 * CRYSTAL_SHOTS_MAX)

static const char *const shots__outputs[] = {
  "output", "example output", "a", "answer", "assistant", "ai", "agent",
  "label", "category", "reply", "response", "sentiment", "result",
  "classification", "summary", NULL,
};

struct shots_part {
  const char *label;
  size_t nlabel;
  size_t start;      /* the value, as offsets into the text */
  size_t end;
};

static bool
shots__named(const char *const *names, const char *s, size_t n)
{
  for (const char *const *w = names; *w; w++)
    if (strlen(*w) == n && strncasecmp(s, *w, n) == 0)
      return true;
  return false;
}

static bool
shots__same(const struct shots_part *a, const struct shots_part *b)
{
  return a->nlabel == b->nlabel &&
         strncasecmp(a->label, b->label, a->nlabel) == 0;
}

/* The value trimmed, and without quotes that hold all of it. */
static char *
shots__value(struct crystal *c, const char *s, size_t n)
{
  while (n > 0 && isspace((unsigned char)s[n - 1]))
    n--;
  while (n > 0 && isspace((unsigned char)*s)) {
    s++;
    n--;
  }
  if (n >= 2 && ((s[0] == '"' && s[n - 1] == '"') ||
                 (s[0] == '\'' && s[n - 1] == '\'')) &&
      !memchr(s + 1, s[0], n - 2)) {
    s++;
    n -= 2;
  }
  return n ? arena_strndup(c->arena, s, n) : NULL;
}

static bool
shots__slot(const char *s)
{
  return strstr(s, "{{") || strstr(s, "{%") || strstr(s, "${");
}

/* One example from parts [first, first + n): the last is the output;
 * inputs under one label ("statement:" four times) are one input, a line
 * each. */
static bool
shots__make(struct crystal *c, const char *s, const struct shots_part *parts,
            size_t n, struct crystal_shot *out)
{
  memset(out, 0, sizeof *out);
  out->output = shots__value(c, s + parts[n - 1].start,
                             parts[n - 1].end - parts[n - 1].start);
  if (!out->output || shots__slot(out->output))
    return false;
  for (size_t i = 0; i + 1 < n; i++) {
    const char *v = shots__value(c, s + parts[i].start,
                                 parts[i].end - parts[i].start);
    size_t k = 0;

    if (!v || shots__slot(v))
      return false;
    while (k < out->ninputs &&
           (strlen(out->labels[k]) != parts[i].nlabel ||
            strncasecmp(out->labels[k], parts[i].label, parts[i].nlabel)))
      k++;
    if (k < out->ninputs) {
      out->inputs[k] = arena_printf(c->arena, "%s\n%s", out->inputs[k], v);
      continue;
    }
    if (out->ninputs == CRYSTAL_SHOT_INPUTS)
      return false;
    out->labels[out->ninputs] = arena_strndup(c->arena, parts[i].label,
                                              parts[i].nlabel);
    out->inputs[out->ninputs++] = v;
  }
  return out->ninputs > 0;
}

/* The period of the labels from offset on (2 to 4), or 0: the labels
 * repeat with it, the last run maybe cut short. */
static size_t
shots__period(const struct shots_part *parts, size_t n, size_t from)
{
  for (size_t p = 2; p <= CRYSTAL_SHOT_INPUTS + 1 && from + p < n; p++) {
    bool ok = true;

    for (size_t k = 1; ok && k < p; k++)
      ok = !shots__same(&parts[from], &parts[from + k]);
    for (size_t i = from + p; ok && i < n; i++)
      ok = shots__same(&parts[i], &parts[from + (i - from) % p]);
    if (ok)
      return p;
  }
  return 0;
}

static size_t
shots__groups(struct crystal *c, const char *s, const struct shots_part *parts,
              size_t n, struct crystal_shot *out, size_t max)
{
  size_t count = 0;

  /* Labels before the examples ("One star: ...") are passed over. */
  for (size_t from = 0; from + 2 <= n; from++) {
    size_t p = shots__period(parts, n, from);

    /* One group alone is an example when it ends in an output's label
     * ("Output: ... Response: ..."). */
    if (!p && n - from >= 2 && n - from <= CRYSTAL_SHOT_INPUTS + 1 &&
        shots__named(shots__outputs, parts[n - 1].label, parts[n - 1].nlabel)
        && !shots__same(&parts[from], &parts[n - 1]))
      p = n - from;
    if (!p)
      continue;
    for (size_t i = from; i + p <= n && count < max; i += p)
      count += shots__make(c, s, parts + i, p, &out[count]);
    return count;
  }
  return 0;
}

/* Whether some group other than [from, to) has an input labelled as
 * part p is. */
static bool
shots__recurs(const struct shots_part *parts, const size_t (*groups)[2],
              size_t ngroups, size_t self, const struct shots_part *p)
{
  for (size_t g = 0; g < ngroups; g++)
    for (size_t k = groups[g][0]; g != self && k < groups[g][1]; k++)
      if (shots__same(&parts[k], p))
        return true;
  return false;
}

/* Examples that end at a label naming an output ("Answer:"), each made
 * of the parts since the last one; for layouts with no fixed run. When
 * there are several, the parts before the first that no other example
 * has ("# System:", "# Examples:") are the prompt's, not the example's. */
static size_t
shots__pairs(struct crystal *c, const char *s, const struct shots_part *parts,
             size_t n, struct crystal_shot *out, size_t max)
{
  size_t groups[CRYSTAL_SHOTS_MAX][2];
  size_t ngroups = 0;
  size_t count = 0;
  size_t from = 0;

  for (size_t i = 0; i < n && ngroups < max && ngroups < CRYSTAL_SHOTS_MAX;
       i++) {
    if (!shots__named(shots__outputs, parts[i].label, parts[i].nlabel))
      continue;
    if (i > from) {
      groups[ngroups][0] = from;
      groups[ngroups++][1] = i;   /* inputs; parts[i] is the output */
    }
    from = i + 1;
  }
  for (size_t g = 0; ngroups > 1 && g < ngroups; g++)
    while (groups[g][1] - groups[g][0] > 1 &&
           !shots__recurs(parts, (const size_t (*)[2])groups, ngroups, g,
                          &parts[groups[g][0]]))
      groups[g][0]++;
  for (size_t g = 0; g < ngroups && count < max; g++)
    if (groups[g][1] - groups[g][0] <= 2 * CRYSTAL_SHOT_INPUTS)
      count += shots__make(c, s, parts + groups[g][0],
                           groups[g][1] - groups[g][0] + 1, &out[count]);
  return count;
}

static size_t
shots__arrows(struct crystal *c, const char *s, size_t len,
              struct crystal_shot *out, size_t max)
{
  size_t n = 0;
  bool quoted = false;

  for (size_t i = 0; i < len && n < max;) {
    const char *nl = memchr(s + i, '\n', len - i);
    size_t end = nl ? (size_t)(nl - s) : len;
    struct crystal_re_match m;

    if (crystal_re_find(RE_ARROW, s + i, end - i, 0, &m)) {
      const char *left = s + i + m.start[1];

      memset(&out[n], 0, sizeof out[n]);
      out[n].inputs[0] = shots__value(c, left, m.end[1] - m.start[1]);
      out[n].output = shots__value(c, s + i + m.start[2],
                                   m.end[2] - m.start[2]);
      out[n].ninputs = 1;
      quoted |= left[0] == '"' || left[0] == '\'';
      if (out[n].inputs[0] && out[n].output)
        n++;
    }
    i = end + 1;
  }
  /* One arrow may be prose ("setup -> deploy"); two, or a quoted input,
   * are examples. */
  return n >= 2 || (n == 1 && quoted) ? n : 0;
}

/* Cuts the text into labelled parts; returns how many. */
static size_t
shots__parts(const char *s, size_t len, struct shots_part *parts)
{
  size_t n = 0;
  bool open = false;

  for (size_t i = 0; i < len;) {
    const char *nl = memchr(s + i, '\n', len - i);
    size_t end = nl ? (size_t)(nl - s) : len;
    bool blank = strspn(s + i, " \t\r") >= end - i;
    struct crystal_re_match m;

    if (crystal_re_find(RE_SHOT, s + i, end - i, 0, &m) &&
        n < SHOTS_PARTS_MAX) {
      struct shots_part *p = &parts[n++];

      p->label = s + i + m.start[1];
      p->nlabel = m.end[1] - m.start[1];
      p->start = i + (crystal_re_has(&m, 2) ? m.start[2] : m.end[0]);
      p->end = end;
      open = true;
    } else if (blank) {
      open = false;   /* a blank line ends a value: prose follows */
    } else if (open) {
      parts[n - 1].end = end;   /* the value goes on */
    }
    i = end + 1;
  }
  return n;
}

static bool
shots__same_str(const char *a, const char *b)
{
  return a == b || (a && b && strcmp(a, b) == 0);
}

/* Drops the examples of out[0..n) that repeat an earlier one, inputs and
 * output alike (a prompt may show one twice): each is one test, made
 * once. Returns how many are left. */
static size_t
shots__dedup(struct crystal_shot *out, size_t n)
{
  size_t kept = 0;

  for (size_t i = 0; i < n; i++) {
    bool seen = false;

    for (size_t k = 0; k < kept && !seen; k++) {
      seen = out[k].ninputs == out[i].ninputs &&
             shots__same_str(out[k].output, out[i].output);
      for (size_t j = 0; seen && j < out[i].ninputs; j++)
        seen = shots__same_str(out[k].labels[j], out[i].labels[j]) &&
               shots__same_str(out[k].inputs[j], out[i].inputs[j]);
    }
    if (!seen)
      out[kept++] = out[i];
  }
  return kept;
}

size_t
crystal_shots_parse(struct crystal *c, const char *s, size_t len,
                    struct crystal_shot *out, size_t max)
{
  struct shots_part parts[SHOTS_PARTS_MAX];
  size_t nparts = shots__parts(s, len, parts);
  size_t n = 0;

  if (nparts >= 2)
    n = shots__groups(c, s, parts, nparts, out, max);
  if (!n && nparts >= 2)
    n = shots__pairs(c, s, parts, nparts, out, max);
  if (!n)
    n = shots__arrows(c, s, len, out, max);
  return shots__dedup(out, n);
}
