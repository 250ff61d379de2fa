// Hash routing: the hub serves one index.html and the browser keeps the view in the fragment,
// so a reload or a pasted link lands on the same view without any server-side routes.
export type Route =
  /** `query`: the fleet view's state (lib/fleet-url.ts), so a pasted link opens the same view. */
  | { name: 'fleet'; query: string }
  | { name: 'cell'; id: string }
  | { name: 'group'; group: string }
  | { name: 'actions'; id?: string }
  | { name: 'audit' }
  | { name: 'enroll' }
  | { name: 'notifications' }
  | { name: 'certificates' }
  /** `query`: the change feed's filters (lib/changes-url.ts). */
  | { name: 'changes'; query: string };

function parse(hash: string): Route {
  const [path = '', query = ''] = hash.replace(/^#\/?/, '').split('?', 2);
  const parts = path.split('/').map(safeDecode);
  const [head, arg] = parts;
  if (head === 'cell' && arg) return { name: 'cell', id: arg };
  if (head === 'group' && arg) return { name: 'group', group: arg };
  if (head === 'actions') return arg ? { name: 'actions', id: arg } : { name: 'actions' };
  if (head === 'audit') return { name: 'audit' };
  if (head === 'enroll') return { name: 'enroll' };
  if (head === 'notifications') return { name: 'notifications' };
  if (head === 'certificates') return { name: 'certificates' };
  if (head === 'changes') return { name: 'changes', query };
  return { name: 'fleet', query };
}

/** A malformed escape in a hand-edited link is taken as written, not thrown. */
function safeDecode(part: string): string {
  try {
    return decodeURIComponent(part);
  } catch {
    return part;
  }
}

export const router = $state<{ route: Route }>({ route: parse(location.hash) });

window.addEventListener('hashchange', () => {
  router.route = parse(location.hash);
});

export const href = {
  fleet: (query = '') => (query ? `#/?${query}` : '#/'),
  cell: (id: string) => `#/cell/${encodeURIComponent(id)}`,
  group: (g: string) => `#/group/${encodeURIComponent(g)}`,
  actions: (id?: string) => (id ? `#/actions/${encodeURIComponent(id)}` : '#/actions'),
  audit: () => '#/audit',
  enroll: () => '#/enroll',
  notifications: () => '#/notifications',
  certificates: () => '#/certificates',
  changes: (query = '') => (query ? `#/changes?${query}` : '#/changes'),
};
