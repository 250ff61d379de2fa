// Server-level values that look like configuration but follow the process instead, decided
// from evidence rather than a fixed list (issue 13). Two independent stacks report BuildInfo
// BuildDate as the moment their process started, so every restart changed the snapshot hash and
// showed as drift. A build date that is not before ServerStatus.StartTime by a margin moves with
// StartTime: it is not configuration. A real build predates its start by far more than that; a
// build started within minutes loses nothing by it (SoftwareVersion and BuildNumber still compare).

/** How far before StartTime a BuildDate must lie to count as a real build date. */
export const BUILD_DATE_MARGIN_MS = 10 * 60_000;

/** True when BuildDate moves with StartTime (or cannot be told apart from it). */
export function buildDateFollowsStart(buildDate: unknown, startTime: unknown): boolean {
  const build = typeof buildDate === 'string' ? Date.parse(buildDate) : Number.NaN;
  const start = typeof startTime === 'string' ? Date.parse(startTime) : Number.NaN;
  if (Number.isNaN(build) || Number.isNaN(start)) return false;
  return build >= start - BUILD_DATE_MARGIN_MS;
}

export const BUILD_DATE_NOTE =
  'server.buildDate not recorded: it follows ServerStatus.StartTime (the server reports its start as its build date)';
