import { createContext, useContext } from 'react';
import type { Me, Role } from './api.js';

const RANK: Record<Role, number> = { viewer: 0, editor: 1, admin: 2, owner: 3 };

/** True when `have` is `need` or above (the server's accounts/roles.ts decides; this only hides what it would refuse). */
export const atLeast = (have: Role | undefined, need: Role) => !!have && RANK[have] >= RANK[need];

/** Why a control is disabled for this role, e.g. “Needs the editor role (you are a viewer)”; '' when allowed. */
export function needs(me: Me | null, need: Role): string {
  if (!me || atLeast(me.role, need)) return '';
  return `Needs the ${need} role or above (you are ${/^[aeiou]/.test(me.role) ? 'an' : 'a'} ${me.role})`;
}

/** Who is signed in, for every page (App provides it). */
export const MeContext = createContext<Me | null>(null);
export const useMe = () => useContext(MeContext);
