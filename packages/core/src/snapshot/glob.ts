// Globs for rules: `*` matches within one path segment, `**` across segments, `?` one
// character; case-insensitive because vendors are not consistent (`_DateTime`, `Datetime`).
const cache = new Map<string, RegExp>();

export function globToRegExp(glob: string): RegExp {
  const hit = cache.get(glob);
  if (hit) return hit;
  let src = '';
  for (let i = 0; i < glob.length; i++) {
    const ch = glob[i]!;
    if (glob.startsWith('**/', i)) {
      src += '(?:.*/)?';
      i += 2;
    } else if (glob.startsWith('**', i)) {
      src += '.*';
      i += 1;
    } else if (ch === '*') src += '[^/]*';
    else if (ch === '?') src += '[^/]';
    else src += ch.replace(/[.+^${}()|[\]\\]/g, '\\$&');
  }
  const re = new RegExp(`^${src}$`, 'i');
  cache.set(glob, re);
  return re;
}

export function globMatch(glob: string, text: string): boolean {
  return globToRegExp(glob).test(text);
}

export type Matcher = (path: string) => boolean;
const matchers = new Map<string, Matcher>();

/** A fast matcher for the common shapes (`**`, `**\/<one segment>`): a snapshot of 100,000
 * nodes runs every rule on every node, and anchored `(?:.*\/)?` patterns backtrack per slash. */
export function globMatcher(glob: string): Matcher {
  const hit = matchers.get(glob);
  if (hit) return hit;
  let m: Matcher;
  if (glob === '**') m = () => true;
  else if (glob.startsWith('**/') && !glob.slice(3).includes('/') && !glob.slice(3).includes('**')) {
    const last = globToRegExp(glob.slice(3));
    m = (path) => last.test(path.slice(path.lastIndexOf('/') + 1));
  } else {
    const re = globToRegExp(glob);
    m = (path) => re.test(path);
  }
  matchers.set(glob, m);
  return m;
}
