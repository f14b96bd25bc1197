/**
 * The vocabulary of the config key table (`config-spec.ts`). One description of every key drives
 * three readers — the validator (`validate.ts`), the JSON Schema (`json-schema.ts`) and the
 * markdown reference (`reference.ts`) — so they cannot drift apart.
 */

interface Described {
  /** One or two sentences for the reference and for editor hovers. */
  readonly description: string;
}

/**
 * How a string value is secret:
 * - `whole`: the value itself (passwords, tokens) — never echoed, always masked in logs;
 * - `url-password`: a URL whose password part is secret — never echoed; the password is masked.
 */
export type SecretKind = 'whole' | 'url-password';

export interface StringSpec extends Described {
  readonly kind: 'string';
  readonly secret?: SecretKind;
  /** Allowed values (validated with a "did you mean"). */
  readonly enum?: readonly string[];
  /** Extra rule: returns what is wrong (phrased "must …"), or undefined. Never sees secrets echoed back. */
  readonly check?: (value: string) => string | undefined;
  /** Mirrors `check` in the JSON Schema where it can be expressed as a regex. */
  readonly pattern?: string;
  /** A path resolved against the config file's folder. */
  readonly isPath?: boolean;
  /** Extra rule on the resolved path of an `isPath` key (a file that must exist now). */
  readonly checkFile?: (absolutePath: string) => string | undefined;
}

export interface IntegerSpec extends Described {
  readonly kind: 'integer';
  readonly min: number;
  readonly max?: number;
}

export interface BooleanSpec extends Described {
  readonly kind: 'boolean';
}

export interface Field {
  readonly spec: Spec;
  readonly required?: boolean;
  /** Value used when the key is absent (or empty). */
  readonly default?: unknown;
  /** When absent, take the value of this sibling key (e.g. an endpoint's `name` defaults to its `path`). */
  readonly defaultFrom?: string;
  /** Shown in "add `key: …`" hints and as the JSON Schema example. */
  readonly example?: string;
  /**
   * An object section that stays absent when it is not written (instead of being filled with its
   * defaults): writing it switches a feature on, e.g. `history`.
   */
  readonly optional?: boolean;
}

export interface ObjectSpec extends Described {
  readonly kind: 'object';
  readonly fields: Readonly<Record<string, Field>>;
  /** A plain string may stand for the whole object: it becomes the value of this field. */
  readonly shorthand?: string;
}

/** A mapping whose keys are the user's own names (auth profiles, headers, app labels). */
export interface MapSpec extends Described {
  readonly kind: 'map';
  readonly values: Spec;
  /** What a key is, for messages: "header name", "profile name". */
  readonly keyLabel: string;
  readonly keyPattern?: string;
  /** Values under keys matching this (case-insensitive) are secrets, e.g. an `Authorization` header. */
  readonly secretKeys?: RegExp;
}

export interface ListSpec extends Described {
  readonly kind: 'list';
  readonly items: Spec;
  readonly minItems?: number;
  /** A single item may be written without the list brackets (`expect: 200`). */
  readonly single?: boolean;
  /** A single string stands for the whole list, split into items like a POSIX shell would (quotes respected; no expansion). */
  readonly splitShell?: boolean;
}

/** A mapping whose `tag` key picks which object shape the rest must have (auth profiles). */
export interface TaggedSpec extends Described {
  readonly kind: 'tagged';
  readonly tag: string;
  readonly variants: Readonly<Record<string, ObjectSpec>>;
}

export type Spec = StringSpec | IntegerSpec | BooleanSpec | ObjectSpec | MapSpec | ListSpec | TaggedSpec;
