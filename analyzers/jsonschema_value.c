/*
 * JSON values as JSON Schema sees them: 1 and 1.0 are the same number,
 * numbers compare exactly (long double holds every double and every
 * 64-bit integer), multipleOf is exact for decimals, lengths count code
 * points.
 */
#include <json-c/json.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "error.h"
#include "jsonschema_internal.h"

/* Characters of a string a message shows before cutting it short. */
#define JSV_PREVIEW_CHARS 40

/* Arrays up to this long are checked for duplicates pair by pair. */
#define JSV_UNIQUE_PAIRWISE_MAX 24

/* Digits an exact decimal may have (10^38 fits in 128 bits). */
#define JSV_DECIMAL_DIGITS 38

long double
jsv_number(struct json_object *v)
{
  int64_t i;

  if (json_object_get_type(v) == json_type_double)
    return json_object_get_double(v);
  i = json_object_get_int64(v);
  /* json-c keeps values past INT64_MAX as unsigned; both read the same
   * at INT64_MAX itself. */
  if (i == INT64_MAX)
    return (long double)json_object_get_uint64(v);
  return (long double)i;
}

const char *
jsv_number_text(struct json_object *v, char *out, size_t size)
{
  const char *text;
  double d;

  if (json_object_get_type(v) == json_type_int) {
    int64_t i = json_object_get_int64(v);

    if (i == INT64_MAX)
      snprintf(out, size, "%llu",
               (unsigned long long)json_object_get_uint64(v));
    else
      snprintf(out, size, "%lld", (long long)i);
    return out;
  }
  /* json-c keeps the text of a parsed double as its userdata; reading it
   * (unlike json_object_get_string) changes nothing in the value. */
  text = json_object_get_userdata(v);
  if (text)
    return text;
  d = json_object_get_double(v);
  for (int precision = 1; precision <= 17; precision++) {
    snprintf(out, size, "%.*g", precision, d);
    if (strtod(out, NULL) == d)
      break;
  }
  return out;
}

bool
jsv_written_as_decimal(struct json_object *v)
{
  char buf[JSV_NUMBER_TEXT_MAX];

  return strpbrk(jsv_number_text(v, buf, sizeof buf), ".eE") != NULL;
}

/* A decimal text as sign, significant digits and the power of ten of
 * the first one: "-120.5e1" is -, "1205", 3. */
struct jsv_digits {
  bool negative;
  const char *digits;     /* into buf, no leading or trailing zeros */
  size_t n;               /* 0 for zero */
  long long point;        /* digits before the decimal point */
  char buf[JSV_NUMBER_TEXT_MAX + 512];
};

static void
jsv__digits(const char *s, struct jsv_digits *d)
{
  size_t n = 0;
  long long point = 0;
  bool seen_point = false;
  long long e = 0;

  d->negative = *s == '-';
  s += *s == '-' || *s == '+';
  for (; (*s >= '0' && *s <= '9') || *s == '.'; s++) {
    if (*s == '.') {
      seen_point = true;
      continue;
    }
    if (n == 0 && *s == '0') {
      /* A leading zero: after the point it moves the first digit. */
      if (seen_point)
        point--;
      continue;
    }
    if (n < sizeof d->buf)
      d->buf[n++] = *s;
    if (!seen_point)
      point++;
  }
  if (*s == 'e' || *s == 'E') {
    bool minus = *++s == '-';

    s += *s == '-' || *s == '+';
    for (; *s >= '0' && *s <= '9'; s++)
      if (e < 1000000000LL)
        e = e * 10 + (*s - '0');
    point += minus ? -e : e;
  }
  while (n && d->buf[n - 1] == '0')
    n--;
  d->digits = d->buf;
  d->n = n;
  d->point = point;
  if (!n)
    d->negative = false;
}

int
jsv_compare(struct json_object *a, long double x, struct json_object *b,
            long double y)
{
  char ta[JSV_NUMBER_TEXT_MAX], tb[JSV_NUMBER_TEXT_MAX];
  struct jsv_digits da, db;
  int c;

  /* Rounding keeps the order, so only a tie can hide a difference; two
   * json-c integers are exact as long doubles. */
  if (x != y)
    return x < y ? -1 : 1;
  if (json_object_get_type(a) == json_type_int &&
      json_object_get_type(b) == json_type_int)
    return 0;
  jsv__digits(jsv_number_text(a, ta, sizeof ta), &da);
  jsv__digits(jsv_number_text(b, tb, sizeof tb), &db);
  if (da.negative != db.negative)
    return da.negative ? -1 : 1;
  if (!da.n || !db.n)
    c = da.n ? 1 : db.n ? -1 : 0;
  else if (da.point != db.point)
    c = da.point < db.point ? -1 : 1;
  else {
    size_t n = da.n < db.n ? da.n : db.n;

    c = memcmp(da.digits, db.digits, n);
    c = c ? (c < 0 ? -1 : 1) : da.n == db.n ? 0 : da.n < db.n ? -1 : 1;
  }
  return da.negative ? -c : c;
}

static bool
jsv__is_number(struct json_object *v)
{
  enum json_type t = json_object_get_type(v);

  return t == json_type_int || t == json_type_double;
}

static bool
jsv__equal_objects(struct json_object *a, struct json_object *b)
{
  struct lh_entry *e;

  if (json_object_object_length(a) != json_object_object_length(b))
    return false;
  for (e = lh_table_head(json_object_get_object(a)); e; e = lh_entry_next(e)) {
    struct json_object *other;

    if (!json_object_object_get_ex(b, lh_entry_k(e), &other) ||
        !jsv_equal(lh_entry_v(e), other))
      return false;
  }
  return true;
}

bool
jsv_equal(struct json_object *a, struct json_object *b)
{
  enum json_type t = json_object_get_type(a);
  size_t n;

  if (jsv__is_number(a) && jsv__is_number(b))
    return jsv_compare(a, jsv_number(a), b, jsv_number(b)) == 0;
  if (t != json_object_get_type(b))
    return false;
  switch (t) {
  case json_type_null: return true;
  case json_type_boolean:
    return json_object_get_boolean(a) == json_object_get_boolean(b);
  case json_type_string:
    return json_object_get_string_len(a) == json_object_get_string_len(b) &&
           memcmp(json_object_get_string(a), json_object_get_string(b),
                  (size_t)json_object_get_string_len(a)) == 0;
  case json_type_object: return jsv__equal_objects(a, b);
  case json_type_array: break;
  default: return false;
  }
  n = json_object_array_length(a);
  if (n != json_object_array_length(b))
    return false;
  for (size_t i = 0; i < n; i++)
    if (!jsv_equal(json_object_array_get_idx(a, i),
                   json_object_array_get_idx(b, i)))
      return false;
  return true;
}

static uint64_t
jsv__mix(uint64_t h)
{
  h ^= h >> 33;
  h *= UINT64_C(0xff51afd7ed558ccd);
  h ^= h >> 33;
  h *= UINT64_C(0xc4ceb9fe1a85ec53);
  return h ^ (h >> 33);
}

static uint64_t
jsv__bytes_hash(const char *s, size_t len)
{
  uint64_t h = UINT64_C(0xcbf29ce484222325);

  for (size_t i = 0; i < len; i++)
    h = (h ^ (unsigned char)s[i]) * UINT64_C(0x100000001b3);
  return h;
}

/* Equal numbers hash alike whether written 1, 1.0 or 1e0. */
static uint64_t
jsv__number_hash(struct json_object *v)
{
  long double x = jsv_number(v);
  double d;
  uint64_t bits;

  if (x == floorl(x) && x >= -9223372036854775808.0L &&
      x < 18446744073709551616.0L)
    return jsv__mix(x < 0 ? (uint64_t)(int64_t)x : (uint64_t)x);
  d = (double)x;
  memcpy(&bits, &d, sizeof bits);
  return jsv__mix(bits ^ UINT64_C(0x5bd1e995));
}

uint64_t
jsv_hash(struct json_object *v)
{
  uint64_t h = 0;
  struct lh_entry *e;

  switch (json_object_get_type(v)) {
  case json_type_null: return 0x6e756c6c;
  case json_type_boolean: return json_object_get_boolean(v) ? 0x74 : 0x66;
  case json_type_int:
  case json_type_double: return jsv__number_hash(v);
  case json_type_string:
    return jsv__bytes_hash(json_object_get_string(v),
                           (size_t)json_object_get_string_len(v));
  case json_type_array:
    for (size_t i = 0; i < json_object_array_length(v); i++)
      h = jsv__mix(h + jsv_hash(json_object_array_get_idx(v, i)));
    return h ^ 0xa1;
  case json_type_object:
    /* A sum: members in any order hash alike. */
    for (e = lh_table_head(json_object_get_object(v)); e;
         e = lh_entry_next(e))
      h += jsv__mix(jsv__bytes_hash(lh_entry_k(e), strlen(lh_entry_k(e))) ^
                    jsv_hash(lh_entry_v(e)));
    return h ^ 0x0b;
  }
  return 0;
}

bool
jsv_equals(const struct jsc_value *value, struct json_object *inst,
           uint64_t *hash, bool *hashed)
{
  if (value->str)
    return json_object_is_type(inst, json_type_string) &&
           (size_t)json_object_get_string_len(inst) == value->len &&
           jsv_same_bytes(json_object_get_string(inst), value->str,
                          value->len);
  if (!*hashed) {
    *hash = jsv_hash(inst);
    *hashed = true;
  }
  return value->hash == *hash && jsv_equal(value->json, inst);
}

bool
jsv_string_enum_index(struct arena *arena, struct jsc_node *s)
{
  uint32_t slots = 4;

  while (slots < 2 * s->nenums)
    slots *= 2;
  s->enum_slots = arena_alloc(arena, slots * sizeof *s->enum_slots);
  if (!s->enum_slots)
    return false;
  s->enum_mask = slots - 1;
  for (uint32_t i = 0; i < s->nenums; i++) {
    uint32_t at = jsv_text_hash(s->enums[i].str, s->enums[i].len);

    while (s->enum_slots[at & s->enum_mask])
      at++;
    s->enum_slots[at & s->enum_mask] = i + 1;
  }
  return true;
}

bool
jsv_in_string_enum(const struct jsc_node *s, const char *str, size_t len)
{
  if (s->enum_slots) {
    uint32_t at = jsv_text_hash(str, len);
    uint32_t i;

    while ((i = s->enum_slots[at & s->enum_mask]) != 0) {
      const struct jsc_value *v = &s->enums[i - 1];

      if (v->len == len && jsv_same_bytes(v->str, str, len))
        return true;
      at++;
    }
    return false;
  }
  for (uint32_t i = 0; i < s->nenums; i++)
    if (s->enums[i].len == len && jsv_same_bytes(s->enums[i].str, str, len))
      return true;
  return false;
}

bool
jsv_in_enum(const struct jsc_node *s, struct json_object *inst,
            uint64_t *hash, bool *hashed)
{
  /* Every value a string: the instance's text is read once. */
  if (s->enum_strings)
    return json_object_is_type(inst, json_type_string) &&
           jsv_in_string_enum(s, json_object_get_string(inst),
                              (size_t)json_object_get_string_len(inst));
  for (uint32_t i = 0; i < s->nenums; i++)
    if (jsv_equals(&s->enums[i], inst, hash, hashed))
      return true;
  return false;
}

struct jsv_hashed {
  uint64_t hash;
  size_t index;
};

static int
jsv__hashed_cmp(const void *a, const void *b)
{
  const struct jsv_hashed *x = a, *y = b;

  if (x->hash != y->hash)
    return x->hash < y->hash ? -1 : 1;
  return x->index < y->index ? -1 : x->index > y->index;
}

/* The first pair of equal items in a long array, by hash. */
static int
jsv__duplicate_hashed(struct json_object *inst, size_t n, size_t *i,
                      size_t *j)
{
  struct jsv_hashed *h = malloc(n * sizeof *h);
  int found = 0;

  if (!h)
    return FACET_ENOMEM;
  for (size_t k = 0; k < n; k++) {
    h[k].hash = jsv_hash(json_object_array_get_idx(inst, k));
    h[k].index = k;
  }
  qsort(h, n, sizeof *h, jsv__hashed_cmp);
  for (size_t a = 0; a < n && !found; a++)
    for (size_t b = a + 1; b < n && h[b].hash == h[a].hash && !found; b++)
      if (jsv_equal(json_object_array_get_idx(inst, h[a].index),
                    json_object_array_get_idx(inst, h[b].index))) {
        *i = h[a].index;
        *j = h[b].index;
        found = 1;
      }
  free(h);
  return found;
}

int
jsv_duplicate(struct json_object *inst, size_t n, size_t *i, size_t *j)
{
  if (n > JSV_UNIQUE_PAIRWISE_MAX)
    return jsv__duplicate_hashed(inst, n, i, j);
  for (*j = 1; *j < n; (*j)++)
    for (*i = 0; *i < *j; (*i)++)
      if (jsv_equal(json_object_array_get_idx(inst, *i),
                    json_object_array_get_idx(inst, *j)))
        return 1;
  return 0;
}

size_t
jsv_code_points(const char *s, size_t len)
{
  size_t n = 0;

  /* Every byte but a continuation byte starts a code point. */
  for (size_t i = 0; i < len; i++)
    n += ((unsigned char)s[i] & 0xC0) != 0x80;
  return n;
}

/* A decimal: mantissa * 10^exponent. */
struct jsv_decimal {
  unsigned __int128 mantissa;
  int exponent;
};

/* Reads the JSON number text into *d; false when it has too many digits
 * to hold exactly (or is not a number). The sign is dropped. wide: the
 * mantissa in 128 bits, else 64 (then false past 19 digits). */
static bool
jsv__decimal_read(const char *s, struct jsv_decimal *d, bool wide)
{
  const unsigned char *p = (const unsigned char *)s;
  uint64_t small = 0;
  unsigned __int128 large = 0;
  int digits = 0;
  int exponent = 0;
  bool fraction = false;
  char *end;

  p += *p == '-' || *p == '+';
  for (;; p++) {
    unsigned digit = *p - (unsigned)'0';

    if (digit > 9) {
      if (*p != '.' || fraction)
        break;
      fraction = true;
      continue;
    }
    exponent -= fraction;
    /* Leading zeros are no digits of the mantissa. */
    if (digits == 0 && digit == 0)
      continue;
    if (++digits > (wide ? JSV_DECIMAL_DIGITS : 19))
      return false;
    if (wide)
      large = large * 10 + digit;
    else
      small = small * 10 + digit;
  }
  d->mantissa = wide ? large : small;
  d->exponent = exponent;
  if (*p == 'e' || *p == 'E') {
    long e = strtol((const char *)p + 1, &end, 10);

    if (*end || e > 100000 || e < -100000)
      return false;
    d->exponent += (int)e;
  } else if (*p) {
    return false;
  }
  return true;
}

/* In 64 bits, the usual case, else in 128. */
static bool
jsv__decimal(const char *s, struct jsv_decimal *d)
{
  return jsv__decimal_read(s, d, false) || jsv__decimal_read(s, d, true);
}

/* Multiplies by 10^n; false on overflow. */
static bool
jsv__scale(unsigned __int128 *m, int n)
{
  const unsigned __int128 limit = ~(unsigned __int128)0 / 10;

  for (; n > 0; n--) {
    if (*m > limit)
      return false;
    *m *= 10;
  }
  return true;
}

void
jsv_multiple_init(struct jsc_multiple *m, struct json_object *json)
{
  char text[JSV_NUMBER_TEXT_MAX];
  struct jsv_decimal d;

  m->json = json;
  m->value = json_object_get_double(json);
  m->integer = 0;
  if (json_object_get_type(json) == json_type_int &&
      json_object_get_int64(json) != INT64_MAX)
    m->integer = json_object_get_int64(json);
  m->exact = jsv__decimal(jsv_number_text(json, text, sizeof text), &d) &&
             d.mantissa != 0;
  m->mantissa = d.mantissa;
  m->exponent = d.exponent;
}

/* Powers of ten that fit in 64 bits. */
static const uint64_t jsv__pow10[20] = {
  1, 10, 100, 1000, 10000, 100000, 1000000, 10000000, 100000000,
  1000000000, 10000000000, 100000000000, 1000000000000, 10000000000000,
  100000000000000, 1000000000000000, 10000000000000000,
  100000000000000000, 1000000000000000000, 10000000000000000000u,
};

/* a * 10^n into *out in 64 bits; false when it does not fit. */
static bool
jsv__scale64(unsigned __int128 a, int n, uint64_t *out)
{
  if (a > UINT64_MAX || n >= 20)
    return false;
  /* One 64 by 64 bit multiplication, with its high half. */
  a *= jsv__pow10[n];
  *out = (uint64_t)a;
  return a <= UINT64_MAX;
}

/* Whether a * 10^ea is a multiple of b * 10^eb (b > 0), or -1 when
 * scaling them to one exponent does not fit in 128 bits. */
static int
jsv__decimal_divides(unsigned __int128 a, int ea, unsigned __int128 b,
                     int eb)
{
  int e = ea < eb ? ea : eb;
  uint64_t a64, b64;

  /* In 64 bits where both fit: a fraction of the cost. */
  if (jsv__scale64(a, ea - e, &a64) && jsv__scale64(b, eb - e, &b64))
    return a64 % b64 == 0;
  if (!jsv__scale(&a, ea - e) || !jsv__scale(&b, eb - e))
    return -1;
  return a % b == 0;
}

/* The usual case of jsv__decimal_multiple, in 64 bits: the text a plain
 * decimal (no exponent) of at most 19 digits, m's mantissa in 64 bits.
 * -1 when it is not that case. */
static int
jsv__multiple_small(const char *text, const struct jsc_multiple *m)
{
  const unsigned char *p = (const unsigned char *)text;
  uint64_t a = 0, b = (uint64_t)m->mantissa, scaled;
  int digits = 0, exponent = 0;
  unsigned digit;

  if (m->mantissa > UINT64_MAX)
    return -1;
  p += *p == '-';
  for (; (digit = *p - (unsigned)'0') <= 9; p++) {
    digits += a != 0 || digit != 0;
    a = a * 10 + digit;
  }
  if (*p == '.')
    for (p++; (digit = *p - (unsigned)'0') <= 9; p++, exponent--) {
      digits += a != 0 || digit != 0;
      a = a * 10 + digit;
    }
  if (*p || digits > 19)
    return -1;
  if (a == 0)
    return 1;
  /* To the smaller exponent, the other side multiplied up. */
  if (exponent >= m->exponent) {
    if (exponent - m->exponent >= 20 ||
        __builtin_mul_overflow(a, jsv__pow10[exponent - m->exponent],
                               &scaled))
      return -1;
    return scaled % b == 0;
  }
  if (m->exponent - exponent >= 20 ||
      __builtin_mul_overflow(b, jsv__pow10[m->exponent - exponent], &scaled))
    return -1;
  return a % scaled == 0;
}

/* Whether v is a multiple of m exactly, or -1 when a decimal does not
 * fit. */
static int
jsv__decimal_multiple(struct json_object *v, const struct jsc_multiple *m)
{
  char text[JSV_NUMBER_TEXT_MAX];
  const char *written;
  struct jsv_decimal a;
  int small;

  if (!m->exact)
    return -1;
  written = jsv_number_text(v, text, sizeof text);
  if ((small = jsv__multiple_small(written, m)) >= 0)
    return small;
  if (!jsv__decimal(written, &a))
    return -1;
  if (a.mantissa == 0)
    return 1;
  return jsv__decimal_divides(a.mantissa, a.exponent, m->mantissa,
                              m->exponent);
}

bool
jsv_multiple_of(struct json_object *v, const struct jsc_multiple *m)
{
  enum json_type type = json_object_get_type(v);
  long double x, q;
  int exact;

  if (type == json_type_int && m->integer) {
    int64_t i = json_object_get_int64(v);

    /* INT64_MAX may stand for a larger unsigned value: see below. */
    if (i != INT64_MAX)
      return i % m->integer == 0;
  }
  if (type == json_type_int &&
      json_object_get_type(m->json) == json_type_int) {
    long double r = fmodl(jsv_number(v), jsv_number(m->json));

    return r == 0;
  }
  exact = jsv__decimal_multiple(v, m);
  if (exact >= 0)
    return exact == 1;
  /* Too many digits for an exact answer: divide, as other validators
   * do, and call an integral quotient a multiple. */
  x = jsv_number(v);
  q = x / (long double)m->value;
  return isfinite(q) && q == floorl(q);
}

const char *
jsv_type_name(unsigned mask)
{
  static const char *const names[] = {
    "null", "boolean", "object", "array", "number", "string", "integer",
  };

  if ((mask & (JST_INTEGER | JST_NUMBER)) == (JST_INTEGER | JST_NUMBER))
    mask &= ~(unsigned)JST_NUMBER;
  for (unsigned i = 0; i < 7; i++)
    if (mask & (1u << i))
      return names[i];
  return "nothing";
}

int
jsv_type_list(struct buf *out, unsigned mask)
{
  /* The order people read best: null last, as in "string or null". */
  static const unsigned order[] = {
    JST_STRING, JST_INTEGER, JST_NUMBER, JST_BOOLEAN, JST_OBJECT,
    JST_ARRAY, JST_NULL,
  };
  unsigned left;
  int rc = 0;

  if (mask & JST_NUMBER)
    mask &= ~(unsigned)JST_INTEGER;
  left = (unsigned)__builtin_popcount(mask);
  for (size_t i = 0; i < 7 && rc == 0; i++) {
    if (!(mask & order[i]))
      continue;
    rc = buf_puts(out, jsv_type_name(order[i]));
    left--;
    if (rc == 0 && left)
      rc = buf_puts(out, left == 1 ? " or " : ", ");
  }
  return rc;
}

/* Appends s as a JSON string literal cut after JSV_PREVIEW_CHARS. */
static int
jsv__preview_string(struct buf *out, const char *s, size_t len)
{
  size_t chars = 0;
  int rc = buf_putc(out, '"');

  for (size_t i = 0; i < len && rc == 0; i++) {
    unsigned char ch = (unsigned char)s[i];

    if ((ch & 0xC0) != 0x80 && ++chars > JSV_PREVIEW_CHARS)
      return buf_puts(out, "...\"");
    if (ch == '"' || ch == '\\')
      rc = buf_printf(out, "\\%c", ch);
    else if (ch == '\n')
      rc = buf_puts(out, "\\n");
    else if (ch < 0x20 || ch == 0x7f)
      rc = buf_printf(out, "\\u%04x", ch);
    else
      rc = buf_putc(out, (char)ch);
  }
  return rc ? rc : buf_putc(out, '"');
}

static int jsv__json(struct buf *out, struct json_object *v);

static int
jsv__json_container(struct buf *out, struct json_object *v)
{
  bool object = json_object_is_type(v, json_type_object);
  size_t n = object ? 0 : json_object_array_length(v);
  struct lh_entry *e = object ? lh_table_head(json_object_get_object(v))
                              : NULL;
  int rc = buf_putc(out, object ? '{' : '[');

  for (size_t i = 0; rc == 0 && (object ? e != NULL : i < n); i++) {
    /* A preview is short: past this, the rest is not worth writing. */
    if (out->len > 4 * JSV_PREVIEW_CHARS)
      break;
    if (i)
      rc = buf_putc(out, ',');
    if (rc == 0 && object) {
      const char *key = lh_entry_k(e);

      rc = jsv__preview_string(out, key, strlen(key));
      rc = rc ? rc : buf_putc(out, ':');
      rc = rc ? rc : jsv__json(out, lh_entry_v(e));
      e = lh_entry_next(e);
    } else if (rc == 0) {
      rc = jsv__json(out, json_object_array_get_idx(v, i));
    }
  }
  return rc ? rc : buf_putc(out, object ? '}' : ']');
}

/* Appends compact JSON for v, without touching json-c's own buffers (so
 * that values shared between threads stay unchanged). */
static int
jsv__json(struct buf *out, struct json_object *v)
{
  char num[JSV_NUMBER_TEXT_MAX];

  switch (json_object_get_type(v)) {
  case json_type_null: return buf_puts(out, "null");
  case json_type_boolean:
    return buf_puts(out, json_object_get_boolean(v) ? "true" : "false");
  case json_type_int:
  case json_type_double:
    return buf_puts(out, jsv_number_text(v, num, sizeof num));
  case json_type_string:
    return jsv__preview_string(out, json_object_get_string(v),
                               (size_t)json_object_get_string_len(v));
  default: return jsv__json_container(out, v);
  }
}

/* Appends compact JSON for v, cut short. */
static int
jsv__preview_json(struct buf *out, struct json_object *v)
{
  struct buf all;
  int rc;

  buf_init(&all, 16 * JSV_PREVIEW_CHARS);
  rc = jsv__json(&all, v);
  if (rc == 0 && all.len <= JSV_PREVIEW_CHARS)
    rc = buf_puts(out, all.data);
  else if (rc == 0)
    rc = buf_printf(out, "%.*s...", JSV_PREVIEW_CHARS, all.data);
  buf_release(&all);
  return rc == FACET_ELIMIT ? 0 : rc;
}

int
jsv_preview(struct buf *out, struct json_object *v, bool with_type)
{
  enum json_type t = json_object_get_type(v);
  const char *type = t == json_type_int ? "integer"
                   : t == json_type_double ? "number"
                   : json_type_to_name(t);
  int rc = 0;

  if (t == json_type_null)
    return buf_puts(out, "null");
  if (with_type && (t == json_type_object || t == json_type_array))
    return buf_puts(out, type);
  if (with_type)
    rc = buf_printf(out, "%s ", type);
  if (rc)
    return rc;
  if (t == json_type_object || t == json_type_array)
    return jsv__preview_json(out, v);
  return jsv__json(out, v);
}
