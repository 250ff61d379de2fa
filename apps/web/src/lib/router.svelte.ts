// Hash routing: the hub serves one index.html and the browser keeps the view in the fragment,
// so a reload or a pasted link lands on the same view without any server-side routes.
export type Route =
  | { name: 'fleet' }
  | { name: 'cell'; id: string }
  | { name: 'group'; group: string }
  | { name: 'actions'; id?: string }
  | { name: 'audit' }
  | { name: 'enroll' }
  | { name: 'notifications' }
  | { name: 'certificates' }
  | { name: 'changes' };

function parse(hash: string): Route {
  const parts = hash.replace(/^#\/?/, '').split('/').map(decodeURIComponent);
  const [head, arg] = parts;
  if (head === 'cell' && arg) return { name: 'cell', id: arg };
  if (head === 'group' && arg) return { name: 'group', group: arg };
  if (head === 'actions') return arg ? { name: 'actions', id: arg } : { name: 'actions' };
  if (head === 'audit') return { name: 'audit' };
  if (head === 'enroll') return { name: 'enroll' };
  if (head === 'notifications') return { name: 'notifications' };
  if (head === 'certificates') return { name: 'certificates' };
  if (head === 'changes') return { name: 'changes' };
  return { name: 'fleet' };
}

export const router = $state<{ route: Route }>({ route: parse(location.hash) });

window.addEventListener('hashchange', () => {
  router.route = parse(location.hash);
});

export const href = {
  fleet: () => '#/',
  cell: (id: string) => `#/cell/${encodeURIComponent(id)}`,
  group: (g: string) => `#/group/${encodeURIComponent(g)}`,
  actions: (id?: string) => (id ? `#/actions/${encodeURIComponent(id)}` : '#/actions'),
  audit: () => '#/audit',
  enroll: () => '#/enroll',
  notifications: () => '#/notifications',
  certificates: () => '#/certificates',
  changes: () => '#/changes',
};
