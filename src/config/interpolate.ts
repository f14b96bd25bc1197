/**
 * `${VAR}` / `${VAR:-default}` substitution in one string, shell-style: `:-` also applies when
 * VAR is set but empty. `$${` stands for a literal `${`. Pure: the environment is passed in.
 *
 * Hand-written rather than a library because the loader needs, for each failed reference, the
 * exact text of the reference (to point at its line:col), and messages that never echo values.
 */

export interface InterpolationProblem {
  /** The reference as written (`${ALICE_PW}`), to locate it in the source. */
  readonly token: string;
  readonly message: string;
}

export interface Interpolated {
  readonly value: string;
  /** True when at least one reference or `$${` escape was replaced. */
  readonly changed: boolean;
  readonly problems: readonly InterpolationProblem[];
}

const REFERENCE = /^([A-Za-z_][A-Za-z0-9_]*)(?::-([\s\S]*))?$/;

export function interpolate(text: string, env: NodeJS.ProcessEnv): Interpolated {
  if (!text.includes('${')) return { value: text, changed: false, problems: [] };
  const problems: InterpolationProblem[] = [];
  let out = '';
  let i = 0;
  while (i < text.length) {
    if (text.startsWith('$${', i)) {
      out += '${';
      i += 3;
      continue;
    }
    if (!text.startsWith('${', i)) {
      out += text[i];
      i += 1;
      continue;
    }
    const end = text.indexOf('}', i + 2);
    if (end === -1) {
      problems.push({
        token: text.slice(i),
        message: 'unterminated `${`: close the reference with `}`, or write `$${` for a literal `${`',
      });
      out += text.slice(i);
      break;
    }
    const token = text.slice(i, end + 1);
    const match = REFERENCE.exec(text.slice(i + 2, end));
    i = end + 1;
    if (!match) {
      // The text inside is not echoed: it may be a fragment of a password written inline.
      problems.push({
        token,
        message: '`${` must be followed by a variable name (letters, digits, `_`) and `}`, as in `${NAME}` or `${NAME:-default}`; write `$${` for a literal `${`',
      });
      continue;
    }
    const name = match[1] as string;
    const fallback = match[2];
    const set = env[name];
    if (set !== undefined && (set !== '' || fallback === undefined)) {
      out += set;
    } else if (fallback !== undefined) {
      out += fallback;
    } else {
      problems.push({
        token,
        message: `environment variable ${name} is not set: export it, or give a default with \`\${${name}:-default}\``,
      });
    }
  }
  return { value: out, changed: true, problems };
}
