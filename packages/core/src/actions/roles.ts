// Roles are ranked: each includes the rights of those below it (an admin may approve).
import type { Role } from '@cellfleet/protocol';

const RANK: Record<Role, number> = { viewer: 0, engineer: 1, approver: 2, admin: 3 };

export function hasRole(actual: Role, needed: Role): boolean {
  return RANK[actual] >= RANK[needed];
}

export interface Actor {
  readonly name: string;
  readonly role: Role;
}
