/**
 * What a collector returns: metric families of the catalog with their label sets and values (the values as
 * read from the kernel, already in base units), and the checks shared by the /proc parsers.
 */
import type { MetricName } from '../catalog/index.ts';
import { InvalidInputError } from '../errors.ts';

/** One series of a family. */
export interface FamilySample {
  readonly labels: Readonly<Record<string, string>>;
  readonly value: number;
}

/** A metric family: a catalog metric and its series. */
export interface Family {
  readonly name: MetricName;
  readonly samples: readonly FamilySample[];
}

/** Collects families by name while a collector parses. */
export class FamilyBuilder {
  private readonly byName = new Map<MetricName, FamilySample[]>();

  /** Adds a series (creating the family on first use). */
  add(name: MetricName, value: number, labels: Readonly<Record<string, string>> = {}): void {
    let list = this.byName.get(name);
    if (!list) {
      list = [];
      this.byName.set(name, list);
    }
    list.push({ labels, value });
  }

  /** Declares a family that may have no series this time (so stale series of it are dropped). */
  declare(name: MetricName): void {
    if (!this.byName.has(name)) this.byName.set(name, []);
  }

  families(): Family[] {
    return [...this.byName].map(([name, samples]) => ({ name, samples }));
  }
}

/**
 * A non-negative decimal integer token of a /proc file (kernel counters are unsigned).
 * @throws InvalidInputError naming `what` and the token.
 */
export function uint(tok: string | undefined, what: string): number {
  if (tok === undefined || !/^\d+$/.test(tok))
    throw new InvalidInputError(`${what}: expected a non-negative integer, got ${JSON.stringify(tok ?? '')}`);
  return Number(tok);
}

/**
 * A finite decimal number token (e.g. a load average).
 * @throws InvalidInputError naming `what` and the token.
 */
export function decimal(tok: string | undefined, what: string): number {
  if (tok === undefined || !/^\d+(?:\.\d+)?$/.test(tok))
    throw new InvalidInputError(`${what}: expected a decimal number, got ${JSON.stringify(tok ?? '')}`);
  return Number(tok);
}
