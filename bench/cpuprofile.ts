/**
 * Reading a V8 `.cpuprofile` (Chrome DevTools format, as `node --cpu-prof` writes it) for the benches' profile
 * summaries (logs-profile-summary.ts, probe-profile-summary.ts): the nodes, and each sample's stack as frame names
 * `function@dir/file` (innermost first; `(anon)` for an unnamed function).
 */
import { readFileSync } from 'node:fs';

export interface ProfileNode {
  readonly id: number;
  readonly callFrame: { readonly functionName: string; readonly url: string };
  readonly children?: readonly number[];
}
export interface Profile {
  readonly nodes: readonly ProfileNode[];
  /** Node id of each sample. */
  readonly samples: readonly number[];
  /** Microseconds from the previous sample (the first: from the profile's start). */
  readonly timeDeltas: readonly number[];
}

/** A read profile and the stack of a node. */
export interface ReadProfile {
  readonly profile: Profile;
  /** Frame names from node `id` out to the root. */
  stackOf(id: number): string[];
  /** Whether the node is the idle pseudo-frame. */
  isIdle(id: number): boolean;
}

/** Reads `file`. @throws when it is not readable or not JSON. */
export function readProfile(file: string): ReadProfile {
  const profile = JSON.parse(readFileSync(file, 'utf8')) as Profile;
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const parent = new Map<number, number>();
  for (const n of profile.nodes) for (const c of n.children ?? []) parent.set(c, n.id);
  const name = (n: ProfileNode): string =>
    `${n.callFrame.functionName || '(anon)'}@${n.callFrame.url.split('/').slice(-2).join('/')}`;
  return {
    profile,
    stackOf(id) {
      const out: string[] = [];
      for (let i: number | undefined = id; i !== undefined; i = parent.get(i)) out.push(name(byId.get(i)!));
      return out;
    },
    isIdle: (id) => byId.get(id)?.callFrame.functionName === '(idle)',
  };
}
