/** Types of eslint.boundaries.js (the layering of the code base), for the tests that read it. */

/** A layer this layer may import: every import, or type-only imports. */
export type AllowedImport = string | { readonly layer: string; readonly kind: 'type' };

/** Layer name → path from the repository root (a folder, or one `.ts` file). */
export declare const LAYERS: Readonly<Record<string, string>>;
/** Layer name → the layers it may import besides itself. */
export declare const ALLOWED: Readonly<Record<string, readonly AllowedImport[]>>;
/** Settings of eslint-plugin-boundaries. */
export declare function boundariesSettings(): Record<string, unknown>;
/** Options of the `boundaries/dependencies` rule. */
export declare function boundariesRuleOptions(): Record<string, unknown>;
