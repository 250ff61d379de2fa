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
