#include "crystal_re.h"

#include <pthread.h>
#include <string.h>

#define PCRE2_CODE_UNIT_WIDTH 8
#include <pcre2.h>

#include "log.h"

/* A number as prompts write it: digits, or a small number word. */
#define NUM "(\\d+|one|two|three|four|five|six|seven|eight|nine|ten|" \
  "eleven|twelve|fifteen|twenty|thirty|forty|fifty|a\\s+single|" \
  "\\{\\{-?\\s*[A-Za-z_]\\w*(?:\\s*\\|\\s*default\\(\\s*\\d+\\s*\\))?" \
  "\\s*-?\\}\\})"
#define REAL "(-?\\d+(?:\\.\\d+)?)"
/* A quoted text, closed by the quote that opened it: an apostrophe
 * inside double quotes ("Here's") or one followed by a letter inside
 * single ones does not end it. Branch reset keeps the text in group 2. */
#define QUOTED "(?|(\")(.+?)\"|(')(.+?)'(?!\\w)|(`)(.+?)`|" \
  "(\\x{201C})(.+?)\\x{201D}|(\\x{2018})(.+?)\\x{2019}(?!\\w))"
/* A short value in quotes, no group of its own. */
#define QVALUE "(?:\"[^\"\\n]{1,40}\"|'[^'\\n]{1,40}'(?!\\w)|`[^`\\n]{1,40}`|" \
  "\\x{201C}[^\\x{201D}\\n]{1,40}\\x{201D}|" \
  "\\x{2018}[^\\x{2019}\\n]{1,40}\\x{2019}(?!\\w))"
#define ANSWER "(?:(?:your|each|every|the)\\s+(?:answer|reply|response|" \
  "message|output)\\s+)?"

static const char *const re__patterns[RE__COUNT] = {
  [RE_RANGE] =
    "(?<![\\w.])(?:between\\s+" REAL "\\s+and\\s+" REAL
    "|(?:from\\s+)?" REAL "\\s*(?:-|\\x{2013}|\\x{2014}|to)\\s*" REAL
    ")(?![\\w.]|-\\d)(?:\\s*(\\p{L}+))?",
  [RE_MIN] =
    "(?:at\\s+least|minimum(?:\\s+of)?|min\\.?|no\\s+(?:less|fewer)\\s+than|"
    ">=|\\x{2265})\\s*" REAL "(?:\\s*(\\p{L}+))?"
    "|" REAL "\\s*(\\p{L}+)?\\s+or\\s+more\\b",
  [RE_MAX] =
    "(?:at\\s+most|up\\s+to|maximum(?:\\s+of)?|max\\.?|no\\s+more\\s+than|"
    "not\\s+more\\s+than|<=|\\x{2264})\\s*" REAL "(?:\\s*(\\p{L}+))?"
    "|" REAL "\\s*(\\p{L}+)?\\s+or\\s+(?:less|fewer)\\b",
  [RE_ONE_OF] =
    "\\b(?:one\\s+of|(?:(?:from|in)\\s+)?(?:this|the\\s+following|these)"
    "\\s+(?:list|set|options|categories|labels|values|verdicts|classes)|"
    "(?:from|in)\\s+the\\s+(?:list|set|options|categories|labels)|"
    "must\\s+be\\s+either|"
    "either|(?:allowed|valid|possible)\\s+values(?:\\s+(?:are|for\\s+\\S+))?"
    "|choose\\s+(?:from|between)|pick\\s+(?:from|between)|select\\s+from)"
    "\\b",
  [RE_LENGTH] =
    "\\b(at\\s+most|no\\s+more\\s+than|not\\s+more\\s+than|up\\s+to|"
    "a\\s+maximum\\s+of|maximum\\s+of|max(?:imum)?|fewer\\s+than|"
    "less\\s+than|under|below|within|no\\s+longer\\s+than|in|with|using|"
    "exactly)\\s+" NUM "\\s+(?:short\\s+|brief\\s+|concise\\s+|complete\\s+"
    "|full\\s+)?(sentences?|words?|characters?|chars|lines?|paragraphs?|"
    "bullet\\s+points?|bullets?|items?)\\b",
  [RE_SINGLE_WORD] =
    "\\b(?:single|one)[\\s-]word\\s+(?:answer|reply|response|label)\\b",
  [RE_YES_NO] =
    "\\b(?:answer|respond|reply)\\s+(?:only\\s+)?(?:with\\s+)?(?:only\\s+)?"
    "(?:a\\s+)?[\"'`\\x{201C}]?yes[\"'`\\x{201D}]?\\s+or\\s+"
    "[\"'`\\x{201C}]?no\\b",
  /* Answers quoted, joined by "or": answer "approve" or "deny". */
  [RE_ANSWER_QUOTED] =
    "\\b(?:answer|respond|reply)\\s+(?:only\\s+)?(?:with\\s+)?(?:only\\s+)?"
    "(?:either\\s+)?" QVALUE "(?:\\s*,\\s*" QVALUE ")*\\s*,?\\s+or\\s+"
    QVALUE,
  /* Quoted values, then the field they are the values of: "Use only
   * 'true' and 'false' as verdict" (group 1 the field). */
  [RE_VALUES_AS] =
    "\\b(?:use|answer|respond|reply|give|return|output|put|set)\\s+"
    "(?:with\\s+)?(?:only\\s+)?(?:either\\s+)?" QVALUE "(?:\\s*,\\s*" QVALUE
    ")*\\s*,?\\s+(?:and|or)\\s+" QVALUE "\\s+(?:as|for)\\s+(?:the\\s+|a\\s+|"
    "an\\s+|your\\s+|its\\s+)?(?:value\\s+of\\s+(?:the\\s+)?)?[`\"']?(\\w+)",
  [RE_JSON] =
    "\\b(?:respond|answer|reply|return|output|format|write|give|produce)"
    "\\b[^.]*?\\bJSON\\b|\\bJSON\\s+(?:only|object|format)\\b",
  [RE_XML] =
    "\\b(?:valid|well[- ]formed)\\s+XML\\b|\\b(?:respond|answer|reply|output)"
    "\\s+(?:only\\s+)?(?:in|as|with)\\s+XML\\b",
  [RE_LANGUAGE] =
    "\\b(?:answer|respond|reply|write|speak|translate|always)\\b[^.]*?\\b"
    "(?:in|into)\\s+(English|French|German|Spanish|Italian|Portuguese|Dutch|"
    "Japanese|Chinese|Mandarin|Korean|Russian|Arabic|Hindi|Polish|Swedish|"
    "Norwegian|Danish|Finnish|Turkish|Greek|Hebrew|Ukrainian|Czech|"
    "Vietnamese|Thai|Indonesian|Welsh|Irish)\\b",
  [RE_AVOID] =
    "\\b(?:never|do\\s+not|don['\\x{2019}]t|must\\s+not|mustn['\\x{2019}]t|"
    "should\\s+not|shouldn['\\x{2019}]t|avoid|without)\\s+(?:ever\\s+)?"
    "(mention(?:ing)?|say(?:ing)?|use|using|includ(?:e|ing)|writ(?:e|ing)|"
    "output(?:ting)?|print(?:ing)?|nam(?:e|ing)|refer(?:ring)?\\s+to|"
    "talk(?:ing)?\\s+about|reveal(?:ing)?|disclos(?:e|ing)|promis(?:e|ing)|"
    "recommend(?:ing)?|suggest(?:ing)?|discuss(?:ing)?|offer(?:ing)?|"
    "guarantee(?:ing)?)\\b\\s*(.*)$",
  [RE_INCLUDE] =
    "\\b(?:mention|include|say|contain|add|use)\\s+(?:the\\s+(?:words?|"
    "phrases?|text|string)\\s+)?" QUOTED,
  [RE_STARTS] =
    "\\b(?:start|begin|open|prefix)\\s+(?:exactly\\s+)?" ANSWER "with"
    "\\s*:?\\s*\\*?" QUOTED,
  [RE_ENDS] =
    "\\b(?:end|finish|close|sign\\s+off)\\s+" ANSWER "with\\s+" QUOTED,
  [RE_DATE] =
    "\\b(YYYY-MM-DD|YYYY/MM/DD|DD/MM/YYYY|MM/DD/YYYY|DD\\.MM\\.YYYY|"
    "DD-MM-YYYY|ISO[\\s-]?8601)\\b",
  [RE_DECIMALS] =
    "\\b(\\d+|one|two|three|four|five|six)\\s+decimal\\s+"
    "(?:places?|digits?)\\b",
  [RE_SCORE] =
    "\\b(?:score|rate|rating|grade|scale|rank|integer|number|value)\\b"
    "[^.]*?\\b(?:from|between)"
    "\\s+" REAL "\\s+(?:and|to)\\s+" REAL "\\b"
    "|\\bon\\s+a\\s+scale\\s+of\\s+" REAL "\\s*(?:-|\\x{2013}|to)\\s*" REAL,
  [RE_DIRECTIVE] =
    "\\b(?:always|never|must|mustn['\\x{2019}]t|do\\s+not|don['\\x{2019}]t|"
    "should|shouldn['\\x{2019}]t|only|avoid|make\\s+sure|ensure|be\\s+sure|"
    "remember|limit|refuse|cannot|can['\\x{2019}]t|required?)\\b",
  /* A label, then how much of something the answer holds: a statement
   * of what it must be, though no verb says so ("Format: 3-4 short
   * segments (approx 80-100 words each)"). */
  [RE_AMOUNT] =
    "^\\s*[\\w ]{1,40}:\\s+(?:(?:about|approx(?:imately|\\.)?|around|"
    "roughly)\\s+)?" NUM "(?:\\s*(?:-|\\x{2013}|to)\\s*" NUM ")?\\s+"
    "(?:\\w+\\s+)?(?:sentences?|words?|characters?|lines?|paragraphs?|"
    "bullet\\s+points?|bullets?|items?|segments?|sections?|points?|"
    "examples?|questions?|options?|ideas?|steps?|tips?)\\b",
  [RE_IMPERATIVE] =
    /* A label before the verb may quote or ask: 'The "So What?": End'. */
    "^\\s*(?:[\\w ?!'\"\\x{2018}\\x{2019}\\x{201C}\\x{201D}-]{1,40}:\\s+)?"
    "(?:please\\s+)?(?:use|answer|respond|reply|write|return|include|"
    "mention|cite|format|provide|ask|explain|be|keep|give|list|start|begin|"
    "end|summari[sz]e|set|pick|choose|output|add|put|mark|label|classify|"
    "translate|rewrite|sign|address|refer|stay|stick)\\b(?!\\s*:)",
  [RE_TAGS] =
    "<([A-Za-z][\\w-]*)>[^<]{0,40}?</\\1>|<([A-Za-z][\\w-]*)>\\s+and\\s+"
    "</\\2>",
  [RE_SHOT] =
    /* "## Example Task #1 Input:" is the label Input. */
    "^\\s*(?:#{1,6}\\s+(?:(?:example|sample|task|shot)(?:\\s+(?:example|task))?"
    "\\s*#?\\d+\\s*[.:)-]?\\s+)?)?"
    "(?:[-*]\\s+)?(?:\\*\\*)?([A-Za-z][\\w-]*(?:\\s[\\w-]+){0,2}?)"
    "(?:\\*\\*)?\\s*[:\\x{FF1A}](?:\\*\\*)?(?:\\s+(.*)|)$",
  [RE_ARROW] =
    "^\\s*(?:[-*]\\s+)?(.+?)\\s*(?:->|=>|\\x{2192})\\s*(.+?)\\s*$",
};

static pcre2_code *re__code[RE__COUNT];
static pthread_once_t re__once = PTHREAD_ONCE_INIT;

static void
re__compile(void)
{
  for (int i = 0; i < RE__COUNT; i++) {
    int err;
    PCRE2_SIZE at;

    re__code[i] = pcre2_compile((PCRE2_SPTR)re__patterns[i],
                                PCRE2_ZERO_TERMINATED,
                                PCRE2_CASELESS | PCRE2_UTF | PCRE2_UCP |
                                PCRE2_MULTILINE | PCRE2_NO_UTF_CHECK,
                                &err, &at, NULL);
    if (!re__code[i]) {
      PCRE2_UCHAR msg[128];

      pcre2_get_error_message(err, msg, sizeof msg);
      log_error("crystallise pattern %d does not compile at %zu: %s", i,
                (size_t)at, (const char *)msg);
    }
  }
}

bool
crystal_re_find(enum crystal_re re, const char *s, size_t n, size_t from,
                struct crystal_re_match *m)
{
  pcre2_match_data *md;
  PCRE2_SIZE *ov;
  int rc;

  pthread_once(&re__once, re__compile);
  if (!re__code[re] || from > n)
    return false;
  md = pcre2_match_data_create(CRYSTAL_RE_GROUPS, NULL);
  if (!md)
    return false;
  rc = pcre2_match(re__code[re], (PCRE2_SPTR)s, n, from, PCRE2_NO_UTF_CHECK,
                   md, NULL);
  ov = pcre2_get_ovector_pointer(md);
  for (int g = 0; g < CRYSTAL_RE_GROUPS; g++) {
    bool set = rc > 0 && g < rc && ov[2 * g] != PCRE2_UNSET;

    m->start[g] = set ? ov[2 * g] : (size_t)-1;
    m->end[g] = set ? ov[2 * g + 1] : (size_t)-1;
  }
  pcre2_match_data_free(md);
  return rc > 0;
}
