/**
 * PII masking of log lines and attribute values before anything is stored. One pass over the text first finds
 * which built-in rules (./rules.ts) can match at all (./trigger-scan.ts); those, and every added rule whose
 * pre-checks the text passes (one combined scan stands for most of their pre-checks, ./precheck-gate.ts), are run
 * over the original text; candidates failing their validator are dropped; overlapping findings are resolved by
 * earliest start, then longest span, then rule order; the output is built in one pass. Masking never throws on
 * any input string.
 */
import { isIPv4, isIPv6 } from 'node:net';
import { InvalidInputError } from '../../errors.ts';
import { luhnValid } from './luhn.ts';
import { precheckGate } from './precheck-gate.ts';
import { MATCH_STARTS, TRIGGER_BITS, triggerScan, type MatchStart } from './trigger-scan.ts';
import {
  DEFAULT_PII_RULES,
  DEFAULT_SENSITIVE_KEYS,
  IP_RULES,
  type PiiRule,
  type PiiValidator,
} from './rules.ts';

/** Masking settings (the `logs.pii` configuration section). */
export interface PiiSettings {
  /** Masking on (default true). */
  readonly enabled: boolean;
  /** Mask IPv4 and IPv6 addresses (default true). */
  readonly maskIp: boolean;
  /** Built-in rules switched off, by name. */
  readonly disabledRules: readonly string[];
  /** Rules added after the built-in ones. */
  readonly extraRules: readonly PiiRule[];
  /** Regular expression (case-insensitive) of attribute keys whose values are masked whole. */
  readonly sensitiveKeys: string;
}

/** Default settings: every built-in rule on. */
export const DEFAULT_PII_SETTINGS: PiiSettings = {
  enabled: true,
  maskIp: true,
  disabledRules: [],
  extraRules: [],
  sensitiveKeys: DEFAULT_SENSITIVE_KEYS,
};

/** One masked span of the input: [start, end) in UTF-16 units of the original text. */
export interface PiiFinding {
  readonly rule: string;
  readonly start: number;
  readonly end: number;
}

interface CompiledRule {
  readonly name: string;
  readonly re: RegExp;
  readonly group: number;
  readonly replacement: string;
  readonly validator: PiiValidator | undefined;
  readonly hint: string | undefined;
  readonly precheck: RegExp | undefined;
  /** Whether {@link PiiMasker}'s combined pre-check stands for this rule's pre-check (./precheck-gate.ts). */
  readonly gated: boolean;
  /**
   * A built-in rule's trigger bit (./trigger-scan.ts): the rule runs only when the scan sets it, and its hint and
   * pre-check (implied by the trigger) are not tested; 0 for added rules.
   */
  readonly trigger: number;
  /** A built-in rule's match starts (./trigger-scan.ts), with its pattern compiled sticky; undefined for added rules. */
  readonly starts: { readonly at: MatchStart; readonly sticky: RegExp } | undefined;
  readonly order: number;
}

interface Candidate extends PiiFinding {
  readonly replacement: string;
  readonly order: number;
}

const SECRET = '[secret]';
/** Candidates kept per text (a line made only of matches stays bounded). */
const MAX_FINDINGS = 4096;

function validates(v: PiiValidator | undefined, text: string): boolean {
  switch (v) {
    case undefined:
      return true;
    case 'luhn':
      return luhnValid(text);
    case 'ipv4':
      return isIPv4(text);
    case 'ipv6':
      return isIPv6(text);
  }
}

function compile(rule: PiiRule, order: number, builtIn: boolean): CompiledRule {
  const flags = `gd${(rule.flags ?? '').replace(/[gdy]/g, '')}`;
  let re: RegExp;
  try {
    re = new RegExp(rule.pattern, flags);
  } catch (e) {
    throw new InvalidInputError(
      `PII rule ${JSON.stringify(rule.name)}: invalid pattern: ${(e as Error).message}`,
      { cause: e },
    );
  }
  const group = rule.group ?? 0;
  if (!Number.isInteger(group) || group < 0)
    throw new InvalidInputError(`PII rule ${JSON.stringify(rule.name)}: group must be an integer >= 0`);
  if (new RegExp(`${rule.pattern}|`, flags.replace('g', '')).exec('')!.length - 1 < group)
    throw new InvalidInputError(
      `PII rule ${JSON.stringify(rule.name)}: pattern has no capture group ${group}`,
    );
  let precheck: RegExp | undefined;
  if (rule.precheck !== undefined) {
    try {
      precheck = new RegExp(rule.precheck, flags.replace(/[gd]/g, ''));
    } catch (e) {
      throw new InvalidInputError(
        `PII rule ${JSON.stringify(rule.name)}: invalid precheck: ${(e as Error).message}`,
        { cause: e },
      );
    }
  }
  const at = builtIn ? MATCH_STARTS[rule.name] : undefined;
  return {
    name: rule.name,
    re,
    group,
    replacement: rule.replacement ?? `[${rule.name}]`,
    validator: rule.validator,
    hint: rule.hint,
    precheck,
    gated: false,
    trigger: builtIn ? (TRIGGER_BITS[rule.name] ?? 0) : 0,
    // the whole match's span needs no `d` (indices): m.index and the match's length give it
    starts:
      at === undefined
        ? undefined
        : {
            at,
            sticky: new RegExp(rule.pattern, flags.replace('g', 'y').replace(group === 0 ? 'd' : '', '')),
          },
    order,
  };
}

/**
 * The rule's leftmost match starting at or after `from`, as a global scan from `from` finds it, or null. A
 * built-in rule runs its pattern sticky only where a match can start (./trigger-scan.ts `MATCH_STARTS`).
 */
function nextMatch(r: CompiledRule, text: string, from: number): RegExpExecArray | null {
  if (r.starts === undefined) {
    r.re.lastIndex = from;
    return r.re.exec(text);
  }
  const { at, sticky } = r.starts;
  for (let p = at(text, from); p >= 0; p = at(text, p + 1)) {
    sticky.lastIndex = p;
    const m = sticky.exec(text);
    if (m !== null) return m;
  }
  return null;
}

/** Masks PII in strings with a fixed rule set. */
export class PiiMasker {
  readonly enabled: boolean;
  private readonly rules: readonly CompiledRule[];
  /** One scan standing for the pre-checks of the rules marked `gated` (./precheck-gate.ts). */
  private readonly gate: RegExp | undefined;
  /** The trigger bits of the built-in rules in use (0: none, the trigger scan is skipped). */
  private readonly triggers: number;
  private readonly sensitiveKey: RegExp;

  /**
   * @throws InvalidInputError when a rule's pattern does not compile, names a missing capture group, or a
   *   disabled rule name is unknown
   */
  constructor(settings: PiiSettings = DEFAULT_PII_SETTINGS) {
    const known = new Set(DEFAULT_PII_RULES.map((r) => r.name));
    for (const n of settings.disabledRules)
      if (!known.has(n))
        throw new InvalidInputError(
          `unknown PII rule ${JSON.stringify(n)} (one of ${[...known].join(', ')})`,
        );
    const builtIn = DEFAULT_PII_RULES.filter(
      (r) => !settings.disabledRules.includes(r.name) && (settings.maskIp || !IP_RULES.includes(r.name)),
    );
    this.enabled = settings.enabled;
    const rules = [...builtIn, ...settings.extraRules];
    // only the built-in rules themselves have triggers (an added rule of the same name may match anything);
    // each rule compiled alone first: a bad pre-check is reported with its rule's name
    const compiled = rules.map((r, i) => compile(r, i, i < builtIn.length));
    this.triggers = compiled.reduce((a, r) => a | r.trigger, 0);
    // the gate stands for the pre-checks of rules without a trigger only
    const gate = precheckGate(rules.map((r, i) => (compiled[i]!.trigger === 0 ? r : {})));
    this.gate = gate?.re;
    this.rules = gate === undefined ? compiled : compiled.map((r, i) => ({ ...r, gated: gate.covers[i]! }));
    try {
      this.sensitiveKey = new RegExp(settings.sensitiveKeys, 'i');
    } catch (e) {
      throw new InvalidInputError(`PII sensitiveKeys: invalid pattern: ${(e as Error).message}`, {
        cause: e,
      });
    }
  }

  /** The masked spans of `text` (non-overlapping, in order), before replacement. */
  scan(text: string): PiiFinding[] {
    return this.candidates(text).map(({ rule, start, end }) => ({ rule, start, end }));
  }

  /** `text` with every finding replaced (unchanged when masking is off or nothing is found). */
  mask(text: string): string {
    if (!this.enabled || text.length === 0) return text;
    const found = this.candidates(text);
    if (found.length === 0) return text;
    let out = '';
    let at = 0;
    for (const f of found) {
      out += text.slice(at, f.start) + f.replacement;
      at = f.end;
    }
    return out + text.slice(at);
  }

  /** Masks attribute values: whole value for a sensitive key, else by the rules. */
  maskAttributes(attrs: Readonly<Record<string, string>>): Record<string, string> {
    const out: Record<string, string> = {};
    for (const [k, v] of Object.entries(attrs))
      out[k] = this.enabled && this.sensitiveKey.test(k) ? SECRET : this.mask(v);
    return out;
  }

  private candidates(text: string): Candidate[] {
    const all: Candidate[] = [];
    const fired = this.triggers === 0 ? 0 : triggerScan(text, this.triggers);
    // a line that fails the combined pre-check fails the pre-check of every gated rule
    const gatedOut = this.gate !== undefined && !this.gate.test(text);
    for (const r of this.rules) {
      if (r.trigger !== 0) {
        if ((fired & r.trigger) === 0) continue;
      } else {
        if (gatedOut && r.gated) continue;
        if (r.hint !== undefined && !text.includes(r.hint)) continue;
        if (r.precheck !== undefined && !r.precheck.test(text)) continue;
      }
      let from = 0;
      let m: RegExpExecArray | null;
      while (all.length < MAX_FINDINGS && (m = nextMatch(r, text, from)) !== null) {
        const span: readonly [number, number] | undefined =
          r.group === 0 ? [m.index, m.index + m[0].length] : m.indices?.[r.group];
        const value = m[r.group];
        if (m[0].length === 0) from = m.index + 1;
        else if (
          span === undefined ||
          value === undefined ||
          value.length === 0 ||
          !validates(r.validator, value)
        )
          // a candidate that fails its check may hide a valid one starting inside it: retry one further on
          from = m.index + 1;
        else {
          all.push({
            rule: r.name,
            start: span[0],
            end: span[1],
            replacement: r.replacement,
            order: r.order,
          });
          from = m.index + m[0].length;
        }
      }
    }
    if (all.length <= 1) return all;
    all.sort((a, b) => a.start - b.start || b.end - b.start - (a.end - a.start) || a.order - b.order);
    const kept: Candidate[] = [];
    let end = -1;
    for (const c of all) {
      if (c.start < end) continue;
      kept.push(c);
      end = c.end;
    }
    return kept;
  }
}
