/*
 * Crystallise into code: the last step of the gradient, offered on
 * fragments that state a mechanical rule (a fixed list of allowed values,
 * a length limit, a date or number format, a banned phrase). It writes a
 * small deterministic validator in the workspace's language (Python or
 * TypeScript) that returns what is wrong with a model's answer, and a
 * unit test built from the prompt's own examples (which must pass) and
 * one answer per rule that breaks it (which must not).
 *
 * Python and TypeScript take the same string literals as JSON, so every
 * literal is written by the JSON emitter.
 */
#include <ctype.h>
#include <json-c/json.h>
#include <math.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "artifact.h"
#include "crystal_internal.h"
#include "tree.h"

#define CODE_EXAMPLES_MAX 16

struct code {
  struct crystal *c;
  bool ts;
  const char *module;       /* the validator's file name, no extension */
  const char *fn;           /* its function */
  const struct crystal_rule *rules[CRYSTAL_RULES_MAX];
  size_t nrules;
  bool json;                /* a rule reads a field of a JSON answer */
  const char *param;        /* a limit the template takes as a variable */
  long param_default;
  struct buf consts;        /* module constants the checks use */
  bool dates;               /* the date constants are in consts */
  const char *pass[CODE_EXAMPLES_MAX];   /* answers that follow the rules, as
                                            literals or expressions */
  const char *answers[CODE_EXAMPLES_MAX];  /* their text, or NULL */
  size_t npass;
  const char *dropped;      /* an example of the prompt's that breaks them */
};

static const char *code__quoted(struct crystal *c, const char *s);

/* Limitation: quoted text the answer must hold, start or end with
 * ("Always include \"Ref:\"") is left to the eval; code checks text that
 * must be there only for tags (docs/limitations.md). */
static bool
code__mechanical(const struct crystal_rule *r)
{
  switch (r->kind) {
  case RULE_ONE_OF:
    return r->whole || r->field;
  case RULE_LENGTH:
  case RULE_SINGLE_WORD:
  case RULE_DATE:
  case RULE_RANGE:
  case RULE_DECIMALS:
    return true;
  case RULE_AVOID:
  case RULE_INCLUDE:
    return r->literal && r->nvalues > 0;
  default:
    return false;
  }
}

/* The regex of a date format, as Python and JavaScript both read it. */
static const char *
code__date_regex(const char *format)
{
  static const char *const table[][2] = {
    { "YYYY-MM-DD", "\\d{4}-\\d{2}-\\d{2}" },
    { "YYYY/MM/DD", "\\d{4}/\\d{2}/\\d{2}" },
    { "DD/MM/YYYY", "\\d{2}/\\d{2}/\\d{4}" },
    { "MM/DD/YYYY", "\\d{2}/\\d{2}/\\d{4}" },
    { "DD.MM.YYYY", "\\d{2}\\.\\d{2}\\.\\d{4}" },
    { "DD-MM-YYYY", "\\d{2}-\\d{2}-\\d{4}" },
  };

  for (size_t i = 0; i < sizeof table / sizeof table[0]; i++)
    if (strcasecmp(format, table[i][0]) == 0)
      return table[i][1];
  return "\\d{4}-\\d{2}-\\d{2}(?:T\\d{2}:\\d{2}(?::\\d{2}(?:\\.\\d+)?)?"
         "(?:Z|[+-]\\d{2}:\\d{2})?)?";
}

/* Dates in any common style, to find those not in the required one. */
#define CODE_ANY_DATE "\\b(?:\\d{4}[-/.]\\d{1,2}[-/.]\\d{1,2}|\\d{1,2}[-/.]" \
  "\\d{1,2}[-/.]\\d{2,4})(?:T[\\d:.]+(?:Z|[+-]\\d{2}:\\d{2})?)?\\b"

static const char *
code__unit_word(enum crystal_unit u)
{
  static const char *const words[] = {
    "sentences", "words", "characters", "lines", "paragraphs", "items",
  };

  return words[u];
}

/* What the answer's JSON value is called in the generated code. */
static const char *
code__value(struct code *x, const struct crystal_rule *r)
{
  struct buf out;

  if (!r->field)
    return x->ts ? "output.trim()" : "output.strip()";
  buf_init(&out, CRYSTAL_TEXT_MAX);
  buf_puts(&out, x->ts ? "data[" : "data.get(");
  crystal_emit_json_string(&out, r->field, strlen(r->field));
  buf_putc(&out, x->ts ? ']' : ')');
  return crystal_buf_keep(x->c, &out);
}

/* The rule's values as a list literal: on one line when the statement
 * fits in 79 columns, else one value a line, a level deeper. */
static void
code__list(struct code *x, struct buf *out, const struct crystal_rule *r)
{
  size_t start = out->len;
  size_t col = start;
  int step = x->ts ? 2 : 4;

  while (col > 0 && out->data[col - 1] != '\n')
    col--;
  col = start - col;
  buf_putc(out, '[');
  for (size_t i = 0; i < r->nvalues; i++) {
    buf_puts(out, i ? ", " : "");
    crystal_emit_json_string(out, r->values[i], strlen(r->values[i]));
  }
  buf_putc(out, ']');
  if (col + out->len - start + 2 <= 79)
    return;
  out->len = start;
  out->data[start] = '\0';
  buf_puts(out, "[\n");
  for (size_t i = 0; i < r->nvalues; i++) {
    buf_printf(out, "%*s", 2 * step, "");
    crystal_emit_json_string(out, r->values[i], strlen(r->values[i]));
    buf_puts(out, ",\n");
  }
  buf_printf(out, "%*s]", step, "");
}

static const char *
code__limit(struct code *x, const struct crystal_rule *r)
{
  if (r->limit_var)
    return x->ts ? crystal_ident(x->c->arena, r->limit_var, true)
                 : crystal_ident(x->c->arena, r->limit_var, false);
  return arena_printf(x->c->arena, "%ld", r->limit);
}

/* tmpl with each "output" made name (tmpl itself when name is NULL). */
static const char *
code__subst(struct crystal *c, const char *tmpl, const char *name)
{
  struct buf out;

  if (!name)
    return tmpl;
  buf_init(&out, CRYSTAL_TEXT_MAX);
  for (const char *p = tmpl; *p;) {
    if (strncmp(p, "output", 6) == 0) {
      buf_puts(&out, name);
      p += 6;
    } else {
      buf_putc(&out, *p++);
    }
  }
  return crystal_buf_keep(c, &out);
}

/* The patterns a date rule checks with, once per module. */
static void
code__date_consts(struct code *x, const struct crystal_rule *r)
{
  if (x->dates)
    return;
  x->dates = true;
  if (x->ts)
    buf_printf(&x->consts, "// Dates in any of the usual styles, and the one "
               "the prompt asks for.\nconst ANY_DATE =\n  /%s/g;\nconst "
               "DATE_FORMAT = /^%s$/;\n", CODE_ANY_DATE,
               code__date_regex(r->format));
  else
    buf_printf(&x->consts, "# Dates in any of the usual styles, and the one "
               "the prompt asks for.\nANY_DATE = re.compile(\n    r\"%s\"\n)"
               "\nDATE_FORMAT = re.compile(r\"%s\")\n", CODE_ANY_DATE,
               code__date_regex(r->format));
}

/*
 * s as text inside a Python f-string (in double quotes) or a TypeScript
 * template literal: what would end it or start an expression there is
 * escaped, so a field's name or a format is only ever text.
 */
static const char *
code__in_format(struct code *x, const char *s)
{
  struct buf out;

  buf_init(&out, CRYSTAL_TEXT_MAX);
  for (; *s; s++) {
    unsigned char ch = (unsigned char)*s;

    if (ch == '\\' || (x->ts ? ch == '`' || ch == '$' : ch == '"'))
      buf_printf(&out, "\\%c", ch);
    else if (!x->ts && (ch == '{' || ch == '}'))
      buf_printf(&out, "%c%c", ch, ch);
    else if (ch < 0x20 || ch == 0x7f)
      buf_printf(&out, "\\x%02x", ch);
    else
      buf_putc(&out, (char)ch);
  }
  return crystal_buf_keep(x->c, &out);
}

/* What lets a field that may be null pass before its check: Python's
 * "x is not None and ", TypeScript's "x != null && ". Limitation: a
 * field left out passes too, as data.get reads it as None, while the
 * schema requires the key (docs/limitations.md). */
static const char *
code__unless_null(struct code *x, const struct crystal_rule *r,
                  const char *name)
{
  if (!r->field || !r->nullable)
    return "";
  return arena_printf(x->c->arena, x->ts ? "%s != null && " :
                      "%s is not None and ", name);
}

/*
 * The Python lines that check rule r, appending to problems. An f-string
 * holds only plain names in its braces and escaped text around them:
 * before Python 3.12 it may not hold its own quote inside (PEP 701).
 */
static void
code__py_rule(struct code *x, const struct crystal_rule *r, struct buf *out)
{
  const char *v = code__value(x, r);

  switch (r->kind) {
  case RULE_ONE_OF:
    if (r->boolean) {
      /* isinstance: 0 and 1 are no answer, though 0 == False. */
      buf_printf(out, "    value = %s\n    if %snot isinstance(value, bool):\n"
                 "        problems.append(f\"{value!r} is not true or "
                 "false\")\n", v, code__unless_null(x, r, "value"));
      return;
    }
    buf_puts(out, "    allowed = ");
    code__list(x, out, r);
    buf_printf(out, "\n    %s = %s%s\n    if %s%s not in allowed:\n"
               "        problems.append(f\"{%s!r} is not one of: "
               "{', '.join(allowed)}\")\n", r->field ? "value" : "answer", v,
               r->field ? "" : ".rstrip(\".!\")",
               code__unless_null(x, r, "value"),
               r->field ? "value" : "answer", r->field ? "value" : "answer");
    return;
  case RULE_SINGLE_WORD:
    buf_puts(out, "    if len(output.split()) != 1:\n        problems."
             "append(\"the answer is not a single word\")\n");
    return;
  case RULE_LENGTH: {
    static const char *const counts[] = {
      "len([s for s in re.split(r\"[.!?]+(?:\\s|$)\", output) if s.strip()])",
      "len(output.split())", "len(output.strip())",
      "len(output.strip().splitlines())",
      "len([p for p in re.split(r\"\\n\\s*\\n\", output.strip()) if p])",
      "len(re.findall(r\"^\\s*(?:[-*]|\\d+[.)])\\s\", output, re.M))",
    };

    if (r->field)
      buf_printf(out, "    text = data.get(%s)\n    text = \"\" if text is "
                 "None else str(text)\n", code__quoted(x->c, r->field));
    buf_printf(out, "    count = %s\n    if count > %s:\n        problems."
               "append(f\"{count} %s%s%s, more than %s%s%s\")\n",
               code__subst(x->c, counts[r->unit], r->field ? "text" : NULL),
               code__limit(x, r), code__unit_word(r->unit),
               r->field ? " in " : "",
               r->field ? code__in_format(x, r->field) : "",
               r->limit_var ? "{" : "", code__limit(x, r),
               r->limit_var ? "}" : "");
    return;
  }
  case RULE_DATE:
    code__date_consts(x, r);
    if (r->field)
      buf_printf(out, "    date = %s\n    is_date = isinstance(date, str) "
                 "and DATE_FORMAT.fullmatch(date)\n    if %snot is_date:\n"
                 "        problems.append(f\"{date!r} is not a date as %s\")\n",
                 v, code__unless_null(x, r, "date"),
                 code__in_format(x, r->format));
    else
      buf_printf(out, "    for date in ANY_DATE.findall(output):\n"
                 "        if not DATE_FORMAT.fullmatch(date):\n"
                 "            problems.append(f\"{date!r} is not written as "
                 "%s\")\n", code__in_format(x, r->format));
    return;
  case RULE_RANGE:
    if (r->field)
      /* A JSON number, as the schema's type says: not a string of one,
       * not true (which Python counts as 1). */
      buf_printf(out, "    number = %s\n    in_range = (\n        "
                 "isinstance(number, (int, float))\n        and not "
                 "isinstance(number, bool)\n        and %g <= number <= "
                 "%g%s\n    )\n    if %snot in_range:\n        "
                 "problems.append(f\"{number!r} is not %s from %g to %g\")\n",
                 v, r->min, r->max, r->integer ? "\n        and number % 1 "
                 "== 0" : "", code__unless_null(x, r, "number"),
                 r->integer ? "a whole number" : "a number", r->min, r->max);
    else
      buf_printf(out, "    answer = %s\n    try:\n        number = "
                 "float(answer)\n    except ValueError:\n        number = "
                 "None\n    if number is None or not %g <= number <= %g%s:\n"
                 "        problems.append(f\"{answer!r} is not %s from %g to "
                 "%g\")\n", v, r->min, r->max,
                 r->integer ? " or number % 1" : "",
                 r->integer ? "a whole number" : "a number", r->min, r->max);
    return;
  case RULE_DECIMALS:
    buf_printf(out, "    for number in re.findall(r\"\\d+\\.\\d+\", "
               "str(%s)):\n        if len(number.split(\".\")[1]) != %ld:\n"
               "            problems.append(f\"{number} does not have %ld "
               "decimal places\")\n", r->field ? v : "output", r->limit,
               r->limit);
    return;
  case RULE_AVOID:
    buf_puts(out, "    for phrase in ");
    code__list(x, out, r);
    buf_puts(out, ":\n        if phrase.lower() in output.lower():\n"
             "            problems.append(f\"it says {phrase!r}\")\n");
    return;
  case RULE_INCLUDE:
    buf_puts(out, "    for text in ");
    code__list(x, out, r);
    buf_puts(out, ":\n        if text not in output:\n"
             "            problems.append(f\"it does not say {text!r}\")\n");
    return;
  default:
    return;
  }
}

static void
code__ts_rule(struct code *x, const struct crystal_rule *r, struct buf *out)
{
  const char *v = code__value(x, r);

  switch (r->kind) {
  case RULE_ONE_OF:
    if (r->boolean) {
      buf_printf(out, "  const value = %s;\n  if (%stypeof value !== "
                 "\"boolean\") {\n    problems.push(`${JSON.stringify(value)}"
                 " is not true or false`);\n  }\n", v,
                 code__unless_null(x, r, "value"));
      return;
    }
    buf_puts(out, "  const allowed: unknown[] = ");
    code__list(x, out, r);
    buf_printf(out, ";\n  const value = %s%s;\n  if (%s!allowed.includes("
               "value)) {\n    problems.push(`${JSON.stringify(value)} is not "
               "one of: ${allowed.join(\", \")}`);\n  }\n", v,
               r->field ? "" : ".replace(/[.!]+$/, \"\")",
               code__unless_null(x, r, "value"));
    return;
  case RULE_SINGLE_WORD:
    buf_puts(out, "  if (output.trim().split(/\\s+/).length !== 1) {\n"
             "    problems.push(\"the answer is not a single word\");\n  }\n");
    return;
  case RULE_LENGTH: {
    static const char *const counts[] = {
      "output.split(/[.!?]+(?:\\s|$)/).filter((s) => s.trim()).length",
      "output.trim().split(/\\s+/).filter(Boolean).length",
      "output.trim().length", "output.trim().split(\"\\n\").length",
      "output.trim().split(/\\n\\s*\\n/).filter(Boolean).length",
      "(output.match(/^\\s*(?:[-*]|\\d+[.)])\\s/gm) ?? []).length",
    };

    if (r->field)
      buf_printf(out, "  const text = String(%s ?? \"\");\n", v);
    buf_printf(out, "  const count = %s;\n  if (count > %s) {\n    problems."
               "push(`${count} %s%s%s, more than %s%s%s`);\n  }\n",
               code__subst(x->c, counts[r->unit], r->field ? "text" : NULL),
               code__limit(x, r), code__unit_word(r->unit),
               r->field ? " in " : "",
               r->field ? code__in_format(x, r->field) : "",
               r->limit_var ? "${" : "", code__limit(x, r),
               r->limit_var ? "}" : "");
    return;
  }
  case RULE_DATE:
    code__date_consts(x, r);
    if (r->field)
      buf_printf(out, "  const date = %s;\n  if (%s(typeof date !== "
                 "\"string\" || !DATE_FORMAT.test(date))) {\n    problems."
                 "push(`${JSON.stringify(date)} is not a date as %s`);\n  }\n",
                 v, code__unless_null(x, r, "date"),
                 code__in_format(x, r->format));
    else
      buf_printf(out, "  for (const date of output.match(ANY_DATE) ?? []) {\n"
                 "    if (!DATE_FORMAT.test(date)) {\n      problems.push(`${"
                 "date} is not written as %s`);\n    }\n  }\n",
                 code__in_format(x, r->format));
    return;
  case RULE_RANGE:
    /* Number(null) and Number("") are 0: a field is a JSON number or
     * wrong, and an empty answer is no number. */
    if (r->field)
      buf_printf(out, "  const number = %s;\n  const inRange =\n    typeof "
                 "number === \"number\" &&\n    %snumber >= %g &&\n    "
                 "number <= %g;\n  if (%s!inRange) {\n    problems.push(`${"
                 "JSON.stringify(number)} is not %s from %g to %g`);\n  }\n",
                 v, r->integer ? "Number.isInteger(number) &&\n    " : "",
                 r->min, r->max, code__unless_null(x, r, "number"),
                 r->integer ? "a whole number" : "a number", r->min, r->max);
    else
      buf_printf(out, "  const answer = %s;\n  const number = answer === "
                 "\"\" ? NaN : Number(answer);\n  if (%s || number < %g || "
                 "number > %g) {\n    problems.push(`${JSON.stringify(answer)}"
                 " is not %s from %g to %g`);\n  }\n", v,
                 r->integer ? "!Number.isInteger(number)"
                            : "Number.isNaN(number)", r->min, r->max,
                 r->integer ? "a whole number" : "a number", r->min, r->max);
    return;
  case RULE_DECIMALS:
    buf_printf(out, "  for (const number of String(%s).match(/\\d+\\.\\d+/g) "
               "?? []) {\n    if (number.split(\".\")[1].length !== %ld) {\n"
               "      problems.push(`${number} does not have %ld decimal "
               "places`);\n    }\n  }\n", r->field ? v : "output", r->limit,
               r->limit);
    return;
  case RULE_AVOID:
    buf_puts(out, "  for (const phrase of ");
    code__list(x, out, r);
    buf_puts(out, ") {\n    if (output.toLowerCase().includes(phrase."
             "toLowerCase())) {\n      problems.push(`it says "
             "${JSON.stringify(phrase)}`);\n    }\n  }\n");
    return;
  case RULE_INCLUDE:
    buf_puts(out, "  for (const text of ");
    code__list(x, out, r);
    buf_puts(out, ") {\n    if (!output.includes(text)) {\n      problems."
             "push(`it does not say ${JSON.stringify(text)}`);\n    }\n  }\n");
    return;
  default:
    return;
  }
}

/* Words of text as comment lines after lead, wrapped at 76 columns. */
static void
code__wrap(struct buf *out, const char *lead, const char *text)
{
  size_t col = 0;

  while (*text) {
    size_t n = strcspn(text, " ");

    if (col > 0 && col + 1 + n > 76) {
      buf_putc(out, '\n');
      col = 0;
    }
    if (col == 0) {
      buf_puts(out, lead);
      col = strlen(lead);
    }
    buf_printf(out, " %.*s", (int)n, text);
    col += n + 1;
    text += n;
    while (*text == ' ')
      text++;
  }
  buf_putc(out, '\n');
}

/* One line of the fragment, quoted after lead; a long one goes on over
 * more lines, cut at a space before column 78. */
static void
code__quote_line(struct buf *out, const char *lead, const char *s, size_t n)
{
  size_t room = 78 - strlen(lead) - 3;

  if (n == 0) {
    buf_printf(out, "%s\n", lead);
    return;
  }
  while (n > 0) {
    size_t cut = n;

    if (n > room) {
      cut = room;
      while (cut > room / 2 && s[cut] != ' ')
        cut--;
      if (s[cut] != ' ')
        cut = room;
    }
    buf_printf(out, "%s   %.*s\n", lead, (int)cut, s);
    while (cut < n && s[cut] == ' ')
      cut++;
    s += cut;
    n -= cut;
  }
}

/* Whether the validator checks some rule of this sentence. */
static bool
code__checks_sentence(const struct code *x, const char *sentence)
{
  for (size_t i = 0; i < x->nrules; i++)
    if (x->rules[i]->sentence == sentence)
      return true;
  return false;
}

static bool
code__same_field(const struct crystal_rule *a, const struct crystal_rule *b)
{
  return a->field == b->field ||
         (a->field && b->field && strcmp(a->field, b->field) == 0);
}

/* Whether the numbers sentence names, standing alone ("1 or 2 or 3"), are
 * just the whole numbers of range r: then it says what r says. */
static bool
code__names_the_range(const char *sentence, const struct crystal_rule *r)
{
  bool seen[CRYSTAL_VALUES_MAX] = { false };
  size_t want;

  if (!r->integer || r->max < r->min || r->max - r->min >= CRYSTAL_VALUES_MAX)
    return false;
  want = (size_t)(r->max - r->min) + 1;
  for (const char *p = sentence; *p;) {
    char *end;
    double d;

    if (!isdigit((unsigned char)*p) ||
        (p > sentence && (isalnum((unsigned char)p[-1]) || p[-1] == '.'))) {
      p++;
      continue;
    }
    d = strtod(p, &end);
    if (isalpha((unsigned char)*end))
      return false;   /* "5th", "3x": not a value */
    if (d < r->min || d > r->max || d != floor(d))
      return false;
    seen[(size_t)(d - r->min)] = true;
    p = end;
  }
  for (size_t i = 0; i < want; i++)
    if (!seen[i])
      return false;
  return true;
}

/* Whether a rule the validator checks says what rule says already: the
 * same values or the same range, of the same field. */
static bool
code__covers(const struct code *x, const struct crystal_rule *rule)
{
  for (size_t i = 0; i < x->nrules; i++) {
    const struct crystal_rule *r = x->rules[i];

    if (!code__same_field(r, rule))
      continue;
    if (r->kind == RULE_RANGE && rule->kind == RULE_RANGE &&
        r->min == rule->min && r->max == rule->max)
      return true;
    if (r->kind == RULE_RANGE && (rule->kind == RULE_OTHER ||
                                  rule->kind == RULE_ONE_OF) &&
        code__names_the_range(rule->sentence, r))
      return true;
    if (r->kind == RULE_ONE_OF && rule->kind == RULE_ONE_OF &&
        r->nvalues == rule->nvalues) {
      size_t same = 0;

      for (size_t a = 0; a < rule->nvalues; a++)
        for (size_t b = 0; b < r->nvalues; b++)
          if (strcasecmp(rule->values[a], r->values[b]) == 0) {
            same++;
            break;
          }
      if (same == rule->nvalues)
        return true;
    }
  }
  return false;
}

/* The fragment's rules code does not check, said so: the eval is where
 * they go. A rule that says again what a checked one says is checked. */
static void
code__unchecked(struct code *x, struct buf *out, const char *lead)
{
  struct crystal *c = x->c;
  struct buf list;
  size_t n = 0;

  bool parses = false;

  for (size_t i = 0; i < x->nrules; i++)
    parses |= x->rules[i]->field != NULL;
  buf_init(&list, CRYSTAL_TEXT_MAX);
  for (size_t i = 0; i < c->nrules; i++) {
    const char *sentence = c->rules[i].sentence;

    /* A validator of JSON fields parses the JSON; a field list's
     * descriptions say what a field means, not what to do. */
    if ((c->rules[i].kind == RULE_JSON && parses) ||
        (c->rules[i].kind == RULE_OTHER && c->fields) ||
        code__checks_sentence(x, sentence) || code__covers(x, &c->rules[i]) ||
        (i > 0 && c->rules[i - 1].sentence == sentence))
      continue;
    buf_printf(&list, "%s\"%s\"", n++ ? " " : "", sentence);
  }
  crystal_buf_check(c, &list);
  if (n)
    code__wrap(out, lead, arena_printf(c->arena, "It does not check %s "
                                       "(crystallise %s into an eval): %s",
                                       n == 1 ? "this rule" : "these rules",
                                       n == 1 ? "it" : "them", list.data));
  buf_release(&list);
}

/* The fragment as comment lines, with what the function does. */
static void
code__quote(struct code *x, struct buf *out)
{
  const char *lead = x->ts ? "//" : "#";
  const char *s = x->c->text;

  buf_printf(out, "%s\n", lead);
  code__wrap(out, lead, arena_printf(x->c->arena, "The rule%s this "
                                     "enforces, from %s (%s):",
                                     x->nrules == 1 ? "" : "s",
                                     x->c->req->prompt_path,
                                     crystal_lines(x->c)));
  buf_printf(out, "%s\n", lead);
  while (*s) {
    size_t n = strcspn(s, "\n");

    code__quote_line(out, lead, s, n);
    s += n + (s[n] == '\n');
  }
  buf_printf(out, "%s\n", lead);
  code__wrap(out, lead, arena_printf(x->c->arena, "%s(output) returns what "
                                     "is wrong with a model's answer; an "
                                     "empty list means it follows the "
                                     "rule%s. Call it on each answer before "
                                     "using it.", x->fn,
                                     x->nrules == 1 ? "" : "s"));
  code__unchecked(x, out, lead);
}

/* Whether the Python checks use the re module. */
static bool
code__needs_re(const struct code *x)
{
  for (size_t i = 0; i < x->nrules; i++) {
    const struct crystal_rule *r = x->rules[i];

    if (r->kind == RULE_DATE || r->kind == RULE_DECIMALS ||
        (r->kind == RULE_LENGTH && (r->unit == UNIT_SENTENCES ||
                                    r->unit == UNIT_PARAGRAPHS ||
                                    r->unit == UNIT_ITEMS)))
      return true;
  }
  return false;
}

/* Appends the lines of rule, in a block one level deeper when asked. */
static void
code__block(struct buf *out, const struct buf *rule, bool block)
{
  const char *s = rule->data ? rule->data : "";

  if (block)
    buf_puts(out, "  {\n");
  while (*s) {
    size_t n = strcspn(s, "\n");

    buf_printf(out, "%s%.*s\n", block && n ? "  " : "", (int)n, s);
    s += n + (s[n] == '\n');
  }
  if (block)
    buf_puts(out, "  }\n");
}

/* Whether two rules would declare the same names in TypeScript. */
static bool
code__clash(const struct code *x)
{
  for (size_t i = 0; i < x->nrules; i++)
    for (size_t k = i + 1; k < x->nrules; k++)
      if (x->rules[i]->kind == x->rules[k]->kind &&
          (x->rules[i]->kind == RULE_ONE_OF ||
           x->rules[i]->kind == RULE_LENGTH ||
           x->rules[i]->kind == RULE_RANGE ||
           (x->rules[i]->kind == RULE_DATE && x->rules[i]->field &&
            x->rules[k]->field)))
        return true;
  return false;
}

/* The checks of every rule, in the language's syntax. */
static void
code__rules_into(struct code *x, struct buf *out)
{
  bool blocks = x->ts && code__clash(x);

  buf_init(out, CRYSTAL_TEXT_MAX);
  for (size_t i = 0; i < x->nrules; i++) {
    struct buf rule;

    if (!x->ts) {
      code__py_rule(x, x->rules[i], out);
      continue;
    }
    /* Rules that declare the same names get a block each. */
    buf_init(&rule, CRYSTAL_TEXT_MAX);
    code__ts_rule(x, x->rules[i], &rule);
    crystal_buf_check(x->c, &rule);
    code__block(out, &rule, blocks);
    buf_release(&rule);
  }
}

static const char *
code__python(struct code *x, const char *record)
{
  struct buf out;
  struct buf rules;

  buf_init(&out, CRYSTAL_TEXT_MAX);
  buf_printf(&out, "# facet: %s\n", record);
  code__quote(x, &out);
  /* list[str] in the signature is evaluated when the function is made,
   * which Python 3.8 cannot do: the future import leaves it unread. */
  buf_puts(&out, "\nfrom __future__ import annotations\n\n");
  if (x->json)
    buf_puts(&out, "import json\n");
  if (code__needs_re(x))
    buf_puts(&out, "import re\n");
  buf_puts(&out, x->json || code__needs_re(x) ? "\n\n" : "\n");
  code__rules_into(x, &rules);
  crystal_buf_check(x->c, &rules);
  crystal_buf_check(x->c, &x->consts);
  if (x->consts.len)
    buf_printf(&out, "%s\n\n", x->consts.data);
  buf_printf(&out, "def %s(output: str", x->fn);
  if (x->param)
    buf_printf(&out, x->param_default > 0 ? ", %s: int = %ld" : ", %s: int",
               crystal_ident(x->c->arena, x->param, false),
               x->param_default);
  buf_puts(&out, ") -> list[str]:\n    \"\"\"What is wrong with output; empty "
           "when it follows the rules.\"\"\"\n    problems = []\n");
  if (x->json)
    buf_puts(&out, "    try:\n        data = json.loads(output)\n    except "
             "ValueError:\n        return [\"the answer is not JSON\"]\n"
             "    if not isinstance(data, dict):\n        return [\"the "
             "answer is not a JSON object\"]\n");
  buf_append(&out, rules.data ? rules.data : "", rules.len);
  buf_release(&rules);
  buf_puts(&out, "    return problems\n");
  return crystal_buf_keep(x->c, &out);
}

static const char *
code__typescript(struct code *x, const char *record)
{
  struct buf out;
  struct buf rules;

  buf_init(&out, CRYSTAL_TEXT_MAX);
  buf_printf(&out, "// facet: %s\n", record);
  code__quote(x, &out);
  code__rules_into(x, &rules);
  crystal_buf_check(x->c, &rules);
  crystal_buf_check(x->c, &x->consts);
  if (x->consts.len)
    buf_printf(&out, "\n%s", x->consts.data);
  buf_printf(&out, "\n/** What is wrong with output; empty when it follows "
             "the rules. */\nexport function %s(output: string", x->fn);
  if (x->param)
    buf_printf(&out, x->param_default > 0 ? ", %s = %ld" : ", %s: number",
               crystal_ident(x->c->arena, x->param, true), x->param_default);
  buf_puts(&out, "): string[] {\n  const problems: string[] = [];\n");
  if (x->json)
    buf_puts(&out, "  let data: Record<string, unknown>;\n  try {\n    data "
             "= JSON.parse(output);\n  } catch {\n    return [\"the answer "
             "is not JSON\"];\n  }\n  if (typeof data !== \"object\" || data "
             "=== null || Array.isArray(data)) {\n    return [\"the answer "
             "is not a JSON object\"];\n  }\n");
  buf_append(&out, rules.data ? rules.data : "", rules.len);
  buf_release(&rules);
  buf_puts(&out, "  return problems;\n}\n");
  return crystal_buf_keep(x->c, &out);
}

/* How many of unit the text has, counted as the generated code counts. */
static long
code__count(const char *s, enum crystal_unit unit)
{
  long n = 0;
  bool in = false;

  for (const char *p = s; *p; p++) {
    bool mark = false;

    switch (unit) {
    case UNIT_SENTENCES:
      mark = strchr(".!?", *p) && (!p[1] || isspace((unsigned char)p[1]));
      in |= !strchr(".!? \t\n", *p);
      if (mark && in) {
        n++;
        in = false;
      }
      continue;
    case UNIT_WORDS:
      mark = !isspace((unsigned char)*p) &&
             (p == s || isspace((unsigned char)p[-1]));
      break;
    case UNIT_CHARACTERS:
      mark = ((unsigned char)*p & 0xC0) != 0x80;
      break;
    case UNIT_LINES:
      mark = p == s || p[-1] == '\n';
      break;
    case UNIT_PARAGRAPHS:
      mark = !isspace((unsigned char)*p) &&
             (p == s || (p[-1] == '\n' && p - s >= 2 && p[-2] == '\n'));
      break;
    case UNIT_ITEMS:
      mark = (p == s || p[-1] == '\n') && (*p == '-' || *p == '*') &&
             p[1] == ' ';
      break;
    }
    n += mark;
  }
  return n + (unit == UNIT_SENTENCES && in);
}

/* Whether output follows rule r, as far as facet can tell without
 * running the code: an example that does not is left out of the test. */
static bool
code__follows(const struct code *x, const struct crystal_rule *r,
              const char *output)
{
  struct json_object *data = r->field ? json_tokener_parse(output) : NULL;
  struct json_object *v = data ? json_object_object_get(data, r->field)
                               : NULL;
  const char *s = r->field ? json_object_get_string(v) : output;
  char *trim = s ? strndup(s + strspn(s, " \t\n"), strlen(s)) : NULL;
  bool ok = true;
  size_t n = trim ? strlen(trim) : 0;

  if (r->field && r->nullable && data &&
      (!v || json_object_is_type(v, json_type_null))) {
    free(trim);
    json_object_put(data);
    return true;
  }
  while (n > 0 && isspace((unsigned char)trim[n - 1]))
    trim[--n] = '\0';
  if (r->kind == RULE_ONE_OF && r->boolean) {
    ok = json_object_is_type(v, json_type_boolean);
  } else if (r->kind == RULE_ONE_OF) {
    while (!r->field && n > 0 && strchr(".!", trim[n - 1]))
      trim[--n] = '\0';
    ok = false;
    for (size_t i = 0; trim && i < r->nvalues; i++)
      ok |= strcmp(trim, r->values[i]) == 0;
  } else if (r->kind == RULE_SINGLE_WORD) {
    ok = code__count(output, UNIT_WORDS) == 1;
  } else if (r->kind == RULE_LENGTH) {
    long limit = r->limit_var ? x->param_default : r->limit;

    ok = limit <= 0 || code__count(output, r->unit) <= limit;
  } else if (r->kind == RULE_AVOID) {
    for (size_t i = 0; i < r->nvalues; i++)
      ok &= strcasestr(output, r->values[i]) == NULL;
  } else if (r->kind == RULE_INCLUDE) {
    for (size_t i = 0; i < r->nvalues; i++)
      ok &= strstr(output, r->values[i]) != NULL;
  } else if (r->kind == RULE_RANGE) {
    /* A field's value is a JSON number, as the validator wants it. */
    bool number = !r->field || json_object_is_type(v, json_type_int) ||
                  json_object_is_type(v, json_type_double);
    double d = trim ? strtod(trim, NULL) : NAN;

    ok = trim && number && d >= r->min && d <= r->max &&
         (!r->integer || d == floor(d));
  }
  free(trim);
  json_object_put(data);
  return ok;
}

static void code__add_example(struct code *x, const char *answer,
                              const char *expr);

/* One of the prompt's examples, kept when it follows every rule. */
static void
code__keep_example(struct code *x, const char *output)
{
  for (size_t i = 0; i < x->nrules; i++)
    if (!code__follows(x, x->rules[i], output)) {
      x->dropped = output;
      return;
    }
  code__add_example(x, output, code__quoted(x->c, output));
}

/* Whether two answers are the same: the same text, or the same JSON
 * value however it is spaced (a prompt's example, and its schema's copy
 * of it written compact). */
static bool
code__same_answer(const char *a, const char *b)
{
  struct json_object *va;
  struct json_object *vb;
  bool same;

  if (strcmp(a, b) == 0)
    return true;
  va = json_tokener_parse(a);
  vb = va ? json_tokener_parse(b) : NULL;
  same = va && vb && json_object_equal(va, vb);
  json_object_put(va);
  json_object_put(vb);
  return same;
}

/* An answer that follows the rules (its text, or NULL when it is only
 * an expression), as a literal or an expression; once. */
static void
code__add_example(struct code *x, const char *answer, const char *expr)
{
  for (size_t i = 0; i < x->npass; i++)
    if (strcmp(x->pass[i], expr) == 0 ||
        (answer && x->answers[i] &&
         code__same_answer(x->answers[i], answer)))
      return;
  if (x->npass < CODE_EXAMPLES_MAX) {
    x->answers[x->npass] = answer;
    x->pass[x->npass++] = expr;
  }
}

/* n of unit written out, for a JSON field's value. */
static const char *
code__units_text(struct crystal *c, enum crystal_unit unit, long n)
{
  static const char *const one[] = {
    "A sentence. ", "word ", "x", "line\n", "A paragraph.\n\n", "- item\n",
  };
  struct buf out;

  buf_init(&out, CRYSTAL_TEXT_MAX);
  for (long i = 0; i < n && i < 100000; i++)
    buf_puts(&out, one[unit]);
  return crystal_buf_keep(c, &out);
}

/* An expression for n of unit, "A sentence. " * 4 or its TypeScript. */
static const char *
code__units(struct code *x, enum crystal_unit unit, long n)
{
  static const char *const one[] = {
    "A sentence. ", "word ", "x", "line\\n", "A paragraph.\\n\\n",
    "- item\\n",
  };

  return arena_printf(x->c->arena, x->ts ? "\"%s\".repeat(%ld)" : "\"%s\" * %ld",
                      one[unit], n);
}

static const char *
code__date_sample(const char *format)
{
  static const char *const table[][2] = {
    { "YYYY/MM/DD", "2024/03/05" }, { "DD/MM/YYYY", "05/03/2024" },
    { "MM/DD/YYYY", "03/05/2024" }, { "DD.MM.YYYY", "05.03.2024" },
    { "DD-MM-YYYY", "05-03-2024" },
  };

  for (size_t i = 0; i < sizeof table / sizeof table[0]; i++)
    if (strcasecmp(format, table[i][0]) == 0)
      return table[i][1];
  return "2024-03-05";
}

/* An answer as JSON with only field set to the JSON value v. */
static const char *
code__json_answer(struct crystal *c, const char *field, const char *v)
{
  struct buf out;

  buf_init(&out, CRYSTAL_TEXT_MAX);
  buf_putc(&out, '{');
  crystal_emit_json_string(&out, field, strlen(field));
  buf_printf(&out, ": %s}", v);
  return crystal_buf_keep(c, &out);
}

/* A string literal for s: in double quotes, or in single quotes when
 * that spares escaping its double quotes (both languages read either). */
static const char *
code__quoted(struct crystal *c, const char *s)
{
  struct buf out;
  bool single = strchr(s, '"') && !strchr(s, '\'') && !strchr(s, '\\');

  for (const char *p = s; single && *p; p++)
    single = (unsigned char)*p >= 0x20;
  if (single)
    return arena_printf(c->arena, "'%s'", s);
  buf_init(&out, CRYSTAL_TEXT_MAX);
  crystal_emit_json_string(&out, s, strlen(s));
  return crystal_buf_keep(c, &out);
}

/* An answer that breaks rule r (and, where it can, only r), as an
 * expression. */
static const char *
code__breaking(struct code *x, const struct crystal_rule *r)
{
  struct crystal *c = x->c;
  long limit = r->limit_var ? x->param_default : r->limit;
  const char *text;

  switch (r->kind) {
  case RULE_ONE_OF:
    text = r->field ? code__json_answer(c, r->field, "\"something else\"")
                    : "something else";
    break;
  case RULE_SINGLE_WORD:
    text = "two words";
    break;
  case RULE_LENGTH:
    if (r->field)
      return code__quoted(c, code__json_answer(c, r->field, code__quoted(
        c, code__units_text(c, r->unit, (limit > 0 ? limit : 3) + 1))));
    return code__units(x, r->unit, (limit > 0 ? limit : 3) + 1);
  case RULE_DATE:
    text = r->field ? code__json_answer(c, r->field, "\"March 5, 2024\"")
         : arena_printf(c->arena, "Due on %s.", strcmp(code__date_sample(
             r->format), "2024-03-05") == 0 ? "05/03/2024" : "2024-03-05");
    break;
  case RULE_RANGE:
    text = r->field ? code__json_answer(c, r->field, arena_printf(
                        c->arena, "%g", r->max + 1))
                    : arena_printf(c->arena, "%g", r->max + 1);
    break;
  case RULE_DECIMALS:
    text = r->limit == 1 ? "Total: 1.25" : "Total: 1.5";
    break;
  case RULE_AVOID:
    text = arena_printf(c->arena, "This answer says %s.", r->values[0]);
    break;
  case RULE_INCLUDE:
    text = "An answer that leaves it out.";
    break;
  default:
    text = "";
    break;
  }
  return code__quoted(c, text);
}

/* An answer that follows r, when the prompt shows none, as an
 * expression. */
static const char *
code__following(struct code *x, const struct crystal_rule *r)
{
  struct crystal *c = x->c;
  long limit = r->limit_var ? x->param_default : r->limit;
  const char *text;

  switch (r->kind) {
  case RULE_ONE_OF:
    text = r->boolean ? code__json_answer(c, r->field, "true")
           : r->field ? code__json_answer(c, r->field,
                                          code__quoted(c, r->values[0]))
                      : r->values[0];
    break;
  case RULE_SINGLE_WORD:
    text = "Yes";
    break;
  case RULE_LENGTH:
    if (r->field)
      return code__quoted(c, code__json_answer(c, r->field, code__quoted(
        c, code__units_text(c, r->unit, limit > 0 ? limit : 3))));
    return code__units(x, r->unit, limit > 0 ? limit : 3);
  case RULE_DATE:
    text = r->field ? code__json_answer(c, r->field, code__quoted(
                        c, code__date_sample(r->format)))
                    : arena_printf(c->arena, "Due on %s.",
                                   code__date_sample(r->format));
    break;
  case RULE_RANGE:
    text = r->field ? code__json_answer(c, r->field, arena_printf(
                        c->arena, "%g", r->min))
                    : arena_printf(c->arena, "%g", r->min);
    break;
  case RULE_DECIMALS:
    text = arena_printf(c->arena, "Total: 1.%0*d", (int)r->limit, 0);
    break;
  case RULE_AVOID:
    text = "An answer that follows the rule.";
    break;
  case RULE_INCLUDE: {
    struct buf all;

    buf_init(&all, CRYSTAL_TEXT_MAX);
    for (size_t i = 0; i < r->nvalues; i++)
      buf_printf(&all, "%s%s", i ? " " : "", r->values[i]);
    text = crystal_buf_keep(c, &all);
    break;
  }
  default:
    return NULL;
  }
  return code__quoted(c, text);
}

/* When every rule is about a field of a JSON answer, one answer that
 * follows them all: each field at a value its rules allow. */
static void
code__fields_example(struct code *x)
{
  struct crystal *c = x->c;
  struct json_object *answer = json_object_new_object();
  const char *json;
  const char *text;

  for (size_t i = 0; i < x->nrules; i++) {
    const struct crystal_rule *r = x->rules[i];
    struct json_object *v = NULL;

    if (!r->field) {
      json_object_put(answer);
      return;
    }
    if (r->kind == RULE_ONE_OF)
      v = json_object_new_string(r->values[0]);
    else if (r->kind == RULE_LENGTH)
      v = json_object_new_string(code__units_text(c, r->unit, 1));
    else if (r->kind == RULE_DATE)
      v = json_object_new_string(code__date_sample(r->format));
    else if (r->kind == RULE_RANGE)
      v = r->min == (int64_t)r->min ? json_object_new_int64((int64_t)r->min)
                                    : json_object_new_double(r->min);
    if (v)
      json_object_object_add(answer, r->field, v);
  }
  json = json_object_to_json_string_ext(
    answer, JSON_C_TO_STRING_SPACED | JSON_C_TO_STRING_NOSLASHESCAPE);
  text = arena_strndup(c->arena, json, strlen(json));
  code__add_example(x, text, code__quoted(c, text));
  json_object_put(answer);
}

/* The examples the test expects to pass: the prompt's own (few-shot
 * outputs anywhere in it, .prompt.yml expected values), else one per
 * allowed value or one made up for a single rule. */
static void
code__examples(struct code *x)
{
  struct crystal *c = x->c;
  const struct node *data = c->prompt->format == FORMAT_GITHUB_MODELS
    ? node_resolve(node_get(c->prompt->root, "testData")) : NULL;

  const char *json = crystal_prompt_example(c);

  for (size_t i = 0; i < c->nall_shots; i++)
    code__keep_example(x, c->all_shots[i].output);
  /* The prompt's JSON example is an answer too, when it follows them. */
  for (size_t i = 0; json && i < x->nrules; i++)
    if (!code__follows(x, x->rules[i], json))
      json = NULL;
  if (json)
    code__add_example(x, json, code__quoted(c, json));
  for (uint32_t i = 0; data && data->kind == NODE_SEQ && i < data->count;
       i++) {
    const char *v = node_str(node_get(data->u.items[i], "expected"));

    if (v)
      code__keep_example(x, v);
  }
  if (!x->npass)
    code__fields_example(x);
  if (x->npass || x->nrules != 1)
    return;
  if (x->rules[0]->kind == RULE_ONE_OF && !x->rules[0]->field) {
    for (size_t i = 0; i < x->rules[0]->nvalues; i++)
      code__keep_example(x, x->rules[0]->values[i]);
    return;
  }
  if (code__following(x, x->rules[0]))
    code__add_example(x, NULL, code__following(x, x->rules[0]));
}

static const char *
code__test_name(struct code *x, size_t i)
{
  static const char *const names[] = {
    [RULE_ONE_OF] = "a value outside the list is caught",
    [RULE_SINGLE_WORD] = "more than one word is caught",
    [RULE_LENGTH] = "too many %s are caught",
    [RULE_DATE] = "a date in another format is caught",
    [RULE_RANGE] = "a number out of range is caught",
    [RULE_DECIMALS] = "other decimal places are caught",
    [RULE_AVOID] = "a banned phrase is caught",
    [RULE_INCLUDE] = "a missing text is caught",
  };
  const struct crystal_rule *r = x->rules[i];
  unsigned same = 1;

  for (size_t k = 0; k < i; k++)
    same += x->rules[k]->kind == r->kind;
  return arena_printf(x->c->arena, same > 1 ? "%s (%u)" : "%s",
                      arena_printf(x->c->arena, names[r->kind],
                                   code__unit_word(r->unit)), same);
}

static const char *
code__param_arg(struct code *x)
{
  if (!x->param || x->param_default > 0)
    return "";
  return arena_printf(x->c->arena, x->ts ? ", 3" : ", %s=3",
                      crystal_ident(x->c->arena, x->param, false));
}

/* The passing examples as a list literal, one a line when long. */
static void
code__examples_list(struct code *x, struct buf *out)
{
  size_t start = out->len;
  size_t col = 0;

  while (start - col > 0 && out->data[start - col - 1] != '\n')
    col++;
  buf_putc(out, '[');
  for (size_t i = 0; i < x->npass; i++)
    buf_printf(out, "%s%s", i ? ", " : "", x->pass[i]);
  buf_putc(out, ']');
  if (col + out->len - start + 1 <= 79)
    return;
  out->len = start;
  out->data[start] = '\0';
  buf_puts(out, "[\n");
  for (size_t i = 0; i < x->npass; i++)
    buf_printf(out, "%s%s,\n", x->ts ? "  " : "    ", x->pass[i]);
  buf_putc(out, ']');
}

static const char *
code__py_test(struct code *x)
{
  struct buf out;

  buf_init(&out, CRYSTAL_TEXT_MAX);
  buf_printf(&out, "# facet: tests for %s in %s.py\nfrom %s import %s\n",
             x->fn, x->module, x->module, x->fn);
  if (x->npass) {
    buf_puts(&out, "\nEXAMPLES = ");
    code__examples_list(x, &out);
    buf_printf(&out, "\n\n\ndef test_the_prompts_examples_follow_the_rules"
               "():\n    for output in EXAMPLES:\n        assert %s(output%s)"
               " == [], output\n", x->fn, code__param_arg(x));
  }
  for (size_t i = 0; i < x->nrules; i++)
    buf_printf(&out, "\n\ndef test_%s():\n    assert %s(%s%s) != []\n",
               crystal_ident(x->c->arena, code__test_name(x, i), false),
               x->fn, code__breaking(x, x->rules[i]), code__param_arg(x));
  return crystal_buf_keep(x->c, &out);
}

static const char *
code__ts_test(struct code *x)
{
  enum crystal_runner runner = x->c->req->runner;
  const char *ok = runner == CRYSTAL_RUNNER_NODE
    ? "assert.deepEqual(%s(output%s), [], output)"
    : "expect(%s(output%s)).toEqual([])";
  const char *bad = runner == CRYSTAL_RUNNER_NODE
    ? "assert.notDeepEqual(%s(%s%s), [])"
    : "expect(%s(%s%s)).not.toEqual([])";
  struct buf out;

  buf_init(&out, CRYSTAL_TEXT_MAX);
  buf_printf(&out, "// facet: tests for %s in %s.ts\n", x->fn, x->module);
  /* Node runs no TypeScript of its own before 22.6, so the command that
   * runs these is said where they are. */
  if (runner == CRYSTAL_RUNNER_NODE)
    buf_printf(&out, "// Run: npx tsx --test %s.test.ts (Node 20), or node "
               "--experimental-strip-types --test %s.test.ts (Node 22.6+)\n"
               "import assert from \"node:assert/strict\";\nimport { "
               "test } from \"node:test\";\n\n", x->module, x->module);
  else if (runner == CRYSTAL_RUNNER_VITEST)
    buf_puts(&out, "import { expect, test } from \"vitest\";\n\n");
  buf_printf(&out, "import { %s } from \"./%s%s\";\n", x->fn, x->module,
             runner == CRYSTAL_RUNNER_NODE ? ".ts" : "");
  if (x->npass) {
    buf_puts(&out, "\nconst examples = ");
    code__examples_list(x, &out);
    buf_puts(&out, ";\n\ntest(\"the prompt's examples follow the rules\", "
             "() => {\n  for (const output of examples) {\n    ");
    buf_printf(&out, ok, x->fn, code__param_arg(x));
    buf_puts(&out, ";\n  }\n});\n");
  }
  for (size_t i = 0; i < x->nrules; i++) {
    buf_printf(&out, "\ntest(\"%s\", () => {\n  ", code__test_name(x, i));
    buf_printf(&out, bad, x->fn, code__breaking(x, x->rules[i]),
               code__param_arg(x));
    buf_puts(&out, ";\n});\n");
  }
  return crystal_buf_keep(x->c, &out);
}

/* Free names for the validator and its test, numbered together. */
static bool
code__paths(struct code *x, const char **impl, const char **test)
{
  struct crystal *c = x->c;
  const char *dir = c->req->code_dir ? c->req->code_dir : "validators";
  const char *base = crystal_ident(c->arena, c->name, false);

  for (int i = 1; i < 100; i++) {
    const char *m = i == 1 ? base : arena_printf(c->arena, "%s_%d", base, i);
    const char *mod = x->ts ? arena_printf(c->arena, "%s", m) : m;

    if (x->ts)
      for (char *p = (char *)mod; *p; p++)
        *p = *p == '_' ? '-' : *p;
    *impl = crystal_path_join(c->arena, dir, arena_printf(
      c->arena, "%s.%s", mod, x->ts ? "ts" : "py"));
    *test = crystal_path_join(c->arena, dir, x->ts
      ? arena_printf(c->arena, "%s.test.ts", mod)
      : arena_printf(c->arena, "test_%s.py", mod));
    if ((c->req->exists && (c->req->exists(c->req->exists_ctx, *impl) ||
                            c->req->exists(c->req->exists_ctx, *test))))
      continue;
    x->module = mod;
    return true;
  }
  return false;
}

static const char *
code__note(struct code *x)
{
  struct crystal *c = x->c;
  const char *note = NULL;

  if (x->dropped)
    note = arena_printf(c->arena, "the prompt's example \"%s\" breaks the "
                        "rule, so the test leaves it out",
                        x->dropped);
  if (!x->npass)
    note = arena_printf(c->arena, "%s%sthe prompt shows no answer that "
                        "follows the rules: add some to the test",
                        note ? note : "", note ? "; " : "");
  return note;
}

int
crystal_code(struct crystal *c)
{
  struct code x = { .c = c, .ts = c->req->lang == CRYSTAL_TYPESCRIPT };
  const char *impl;
  const char *test;
  const char *record;

  for (size_t i = 0; i < c->nrules; i++) {
    const struct crystal_rule *r = &c->rules[i];

    if (!code__mechanical(r))
      continue;
    x.rules[x.nrules++] = r;
    x.json |= r->field != NULL;
    if (r->limit_var && !x.param) {
      x.param = r->limit_var;
      x.param_default = r->limit;
    }
  }
  if (x.nrules == 0) {
    c->edit->why = "the fragment states no rule code can check: a list of "
                   "allowed values, a length limit, a date or number "
                   "format, or a banned phrase in quotes";
    return 0;
  }
  if (!code__paths(&x, &impl, &test)) {
    c->edit->why = "no free name for the validator";
    return 0;
  }
  x.fn = x.ts ? crystal_ident(c->arena, arena_printf(c->arena, "check %s",
                                                     c->name), true)
              : crystal_ident(c->arena, arena_printf(c->arena, "check_%s",
                                                     c->name), false);
  code__examples(&x);
  buf_init(&x.consts, CRYSTAL_TEXT_MAX);
  record = crystal_record(c, impl);
  c->edit->files[c->edit->nfiles++] = (struct crystal_file){
    impl, x.ts ? code__typescript(&x, record) : code__python(&x, record) };
  c->edit->files[c->edit->nfiles++] = (struct crystal_file){
    test, x.ts ? code__ts_test(&x) : code__py_test(&x) };
  buf_release(&x.consts);
  c->edit->note = code__note(&x);
  c->edit->title = arena_printf(c->arena, "Crystallise into code (%s)",
                                impl);
  c->edit->made = true;
  return 0;
}
