// Roles are ranked: each includes the rights of those below it (an admin may approve).
import type { Role } from '@cellfleet/protocol';

const RANK: Record<Role, number> = { metrics: 0, viewer: 1, engineer: 2, approver: 3, admin: 4 };

export function hasRole(actual: Role, needed: Role): boolean {
  return RANK[actual] >= RANK[needed];
}

export interface Actor {
  readonly name: string;
  readonly role: Role;
}
