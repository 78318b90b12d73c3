/* The eval graph's own structures, shared by its files; not for others. */
#ifndef FACET_EVALGRAPH_INTERNAL_H
#define FACET_EVALGRAPH_INTERNAL_H

#include "evalgraph.h"

/* Where one reference of a file resolved: targets[first, first+count). */
struct evres {
  uint32_t first;
  uint32_t count;
};

/* A reference into a file from another: the source node and its ref. */
struct evin {
  uint32_t node;
  uint32_t ref;
};

struct evnode;

/*
 * The reference an edge into a file stands for, or NULL when its source
 * has no such reference. A summary replaced drops its edges at once
 * (evgraph__set_summary), so this is a guard, not a case that arises.
 */
const struct evref *evgraph_in_ref(const struct evalgraph *g,
                                   const struct evin *in);

struct evnode {
  char *path;
  uint64_t hash;            /* of path */
  uint32_t next;            /* in its hash chain */
  bool alive;               /* the file exists (removed files keep ids) */
  bool dirty;               /* its references need resolving again */
  struct evalfile *f;       /* its summary, one reference, or NULL */
  struct evres *res;        /* one per reference of f */
  uint32_t *targets;
  size_t ntargets;
  size_t cap_targets;
  struct evin *in;          /* references into it */
  size_t nin;
  size_t cap_in;
  unsigned stamp;           /* for visiting each node once */
  unsigned gen;             /* bumped at each resolve, and when its
                               summary changes: older watches of it are
                               stale */
  size_t too_large;         /* not read: its size, over limit; else 0 */
  size_t limit;
  bool unlinked;            /* a file linked from it lost that link when
                               its summary changed: show it again at the
                               next resolve */
};

/*
 * What a resolved file waits for: a path one of its references named and
 * found missing (by hash), or a glob it resolved. When a file comes or
 * goes, only these are looked at. Entries of an older gen are stale.
 */
struct evwatch {
  uint64_t hash;            /* of the missing path; 0 for a glob */
  uint32_t node;
  uint32_t ref;
  unsigned gen;
};

/* A recorded case, keyed for lookup: by description or by variables. */
struct evkey {
  uint64_t key;
  uint32_t node;
  uint32_t index;           /* into the node's cases */
};

struct evalgraph {
  struct evnode *nodes;
  size_t nnodes;
  size_t cap_nodes;
  uint32_t *buckets;
  size_t nbuckets;
  size_t nartifacts;
  struct evalgraph_io io;
  bool has_io;
  bool results_dirty;       /* the keys below are dropped: rebuild them
                               before a lookup (evgraph_keys) */
  bool results_changed;     /* a results file changed since the last
                               resolve: every test is shown again */
  struct evkey *by_desc;
  size_t nby_desc;
  struct evkey *by_vars;
  size_t nby_vars;
  unsigned stamp;
  struct evwatch *watches;
  size_t nwatches;
  size_t cap_watches;
};

/* The path reference r of node i names, resolved as the graph resolves
 * it, into out (size bytes); false when it cannot be. */
bool evgraph_ref_path(const struct evalgraph *g, uint32_t i,
                      const struct evref *r, char *out, size_t size);

/* Whether the path reference r of node i names lies inside the workspace
 * (the graph's io says; false when it cannot). */
bool evgraph_ref_inside(const struct evalgraph *g, uint32_t i,
                        const struct evref *r);

/* The node of path, or EVAL_NONE (also for a removed file). */
uint32_t evgraph_find(const struct evalgraph *g, const char *path);

/* Brings the results keys up to date (they are a cache: const is kept). */
void evgraph_index_results(struct evalgraph *g);

/* The same, for a lookup: a query between a summary's change and the
 * next resolve rebuilds them, never reads keys of a summary gone. */
void evgraph_keys(const struct evalgraph *g);

/* The first key not below key in a sorted list (n when none). */
size_t evgraph_lower(const struct evkey *keys, size_t n, uint64_t key);

/* The key of a description (white space around it left out), and of a
 * set of variables (0: none). */
uint64_t evgraph_desc_key(const char *description);

/* Whether two descriptions agree but for white space around them. */
bool evgraph_desc_same(const char *a, const char *b);
uint64_t evgraph_var_key(const char *name, const char *text);

/* The tests of config node c: fn(node holding it, index) for each. */
void evgraph_config_tests(const struct evalgraph *g, uint32_t c,
                          void (*fn)(const struct evalgraph *g, uint32_t c,
                                     uint32_t file, uint32_t test,
                                     void *ctx),
                          void *ctx);

/* Whether test (of file) runs prompt p of config c, by its filter. */
bool evgraph_test_runs(const struct evalgraph *g, uint32_t c, uint32_t file,
                       uint32_t test, uint32_t p);

/* The prompt file node of prompt p of config c, or EVAL_NONE. */
uint32_t evgraph_prompt_file(const struct evalgraph *g, uint32_t c,
                             uint32_t p);

/* Fills a test reference. */
void evgraph_test_ref(const struct evalgraph *g, uint32_t c, uint32_t file,
                      uint32_t test, struct evtest_ref *out);

/* One test as one config runs it. */
struct evinst {
  const struct evalgraph *g;
  uint32_t c;                 /* the config node */
  uint32_t file;              /* the node holding the test */
  uint32_t test;
  const struct evalfile *cf;  /* the config's summary */
  const struct evalfile *tf;  /* the test file's */
  const struct evtest *t;
  /* The keys a recorded case is looked up by, the same for every prompt:
   * set by evinst_keys for a test whose prompts are all looked at. */
  bool keyed;
  bool vars_ok;               /* every variable has a text */
  uint64_t vars_key;
  uint64_t desc_key;
};


void evinst_init(struct evinst *in, const struct evalgraph *g, uint32_t c,
                 uint32_t file, uint32_t test);

/* Computes in's lookup keys once, for evinst_result over its prompts. */
void evinst_keys(struct evinst *in);

/* The test's value of name: its own, else its config's default. */
const struct evvar *evinst_var(const struct evinst *in, const char *name);

/* Calls fn for every variable the test runs with, defaults included,
 * until fn returns false. */
bool evinst_each_var(const struct evinst *in,
                     bool (*fn)(const struct evvar *v, void *ctx),
                     void *ctx);

/* The i-th assertion of the test (its own, then its config's defaults);
 * *owner_node is the node whose summary holds it. */
const struct evassert *evinst_assert(const struct evinst *in, uint32_t i,
                                     uint32_t *owner_node);
uint32_t evinst_nasserts(const struct evinst *in);

/*
 * Whether assertion as of node can run: one whose code or value file
 * (file://checks/x.js) resolves nowhere cannot, so it checks nothing.
 * Before the node's references are resolved every assertion counts.
 */
bool evgraph_assert_runs(const struct evalgraph *g, uint32_t node,
                         const struct evassert *as);

/* How many of the test's assertions (defaults too) can run; *missing
 * (unless NULL) gets the first file that resolves nowhere, or NULL. */
uint32_t evinst_runnable(const struct evinst *in, const char **missing);

/* Where the test stands against prompt p of its config. */
void evinst_result(const struct evinst *in, uint32_t p,
                   struct evresult *out);

struct assert_verdict;

/* Runs each assertion of the test on output, as facet can, and calls fn
 * with its verdict. */
void evinst_check(const struct evinst *in, const char *output,
                  void (*fn)(const struct evassert *as,
                             const struct assert_verdict *v, void *ctx),
                  void *ctx);

/* How bad a result's verdict is: higher is worse. */
int evresult_rank(const struct evresult *r);

/* Folds r into worst (first: worst holds nothing yet): the worse of the
 * two (the newer, when alike), with the staleness and verdicts of both. */
void evresult_merge(struct evresult *worst, const struct evresult *r,
                    bool first);

#endif
