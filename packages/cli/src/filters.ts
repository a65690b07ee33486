import picomatch from 'picomatch';
import type { Args } from './args.js';
import { UsageError } from './errors.js';

/** One `--include` or `--exclude`, as given. */
export interface FilterRule {
  type: 'include' | 'exclude';
  pattern: string;
}

/**
 * Whether a path of a tree (relative to the tree's root, `/`-separated: `2024/cat.jpg`) takes part
 * in a recursive command.
 */
export type PathFilter = (rel: string) => boolean;

// `aws s3` matches with Python's fnmatch against the whole path: `*` crosses `/` (picomatch's
// `bash` option makes a single star a globstar), dot files are not special, and there are no
// braces or extglobs. One difference is left: picomatch's `?` does not match `/`.
const FNMATCH_LIKE = { bash: true, dot: true, nobrace: true, noextglob: true, posix: true } as const;

/** The `--include`/`--exclude` options of a command line, in the order given. */
export function filterRules(args: Args): FilterRule[] {
  return args.inOrder(['include', 'exclude']).map(({ name, value }) => {
    if (value === '') throw new UsageError(`--${name} takes a glob pattern such as '*.jpg', not an empty string`);
    return { type: name === 'include' ? 'include' : 'exclude', pattern: value };
  });
}

/**
 * The filter of `rules`, as `aws s3` applies them: every path is in to begin with, then each rule
 * whose pattern matches the path decides, so the last match wins. `undefined` when there are no
 * rules (everything is in).
 */
export function compileFilter(rules: readonly FilterRule[]): PathFilter | undefined {
  if (rules.length === 0) return undefined;
  const compiled = rules.map((rule) => ({ include: rule.type === 'include', match: picomatch(rule.pattern, FNMATCH_LIKE) }));
  return (rel) => {
    let included = true;
    for (const rule of compiled) if (rule.match(rel)) included = rule.include;
    return included;
  };
}

/** The filter a command line asks for; a usage error when it asks for one without `--recursive`. */
export function commandFilter(args: Args, recursive: boolean): PathFilter | undefined {
  const rules = filterRules(args);
  if (rules.length > 0 && !recursive) {
    throw new UsageError(`--${rules[0]?.type} works on a tree: add --recursive (sync always is)`);
  }
  return compileFilter(rules);
}
