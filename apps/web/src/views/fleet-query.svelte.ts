// The fleet filter lives outside the view so it survives a visit to a cell and back.
import type { FleetQuery, GroupBy, StateFilter } from '../lib/fleet-filter.ts';

export const fleetQuery = $state<{ text: string; state: StateFilter; by: GroupBy } & FleetQuery>({
  text: '',
  state: 'all',
  by: 'sisterGroup',
});
