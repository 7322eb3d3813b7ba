/**
 * The documentation text AWS ships in each SDK client (`dist-types/commands/<Op>Command.d.ts`
 * and `dist-types/models/*.d.ts`), as plain sentences: the source the simulator's behaviour is
 * derived from. A contract test quotes the sentence it enforces with `documented(…)`, which
 * fails the test file when the quote is not in the installed client's documentation (a typo, a
 * paraphrase, or a client upgrade that changed the text), so a quote cannot drift from its source.
 * docs/simulator-fidelity.md is generated from these calls (scripts/simulator-fidelity.ts).
 */
import { readdirSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';

/** The SDK clients whose operations the simulator serves, by the part after `@aws-sdk/client-`. */
export const SIMULATED_CLIENTS = ['secrets-manager', 'iam', 'cloudfront', 'api-gateway', 'lightsail', 'sts'] as const;
export type SimulatedClient = (typeof SIMULATED_CLIENTS)[number];

export interface DocumentedRule {
  client: SimulatedClient;
  operation: string;
  sentence: string;
  /** The .d.ts file (relative to the client's package) whose documentation holds the sentence. */
  source: string;
  /** "<operation> · <sentence>", for a test title. */
  title: string;
}

const require = createRequire(import.meta.url);
const cache = new Map<string, { file: string; text: string }[]>();

/** Every documentation comment of one client, per file, as normalised plain text. */
export function documentationOf(client: SimulatedClient): { file: string; text: string }[] {
  const cached = cache.get(client);
  if (cached) return cached;
  const root = dirname(require.resolve(`@aws-sdk/client-${client}/package.json`));
  const files: { file: string; text: string }[] = [];
  for (const dir of ['dist-types/commands', 'dist-types/models']) {
    for (const name of readdirSync(join(root, dir)).filter((f) => f.endsWith('.d.ts')).sort()) {
      const source = readFileSync(join(root, dir, name), 'utf8');
      const comments = [...source.matchAll(/\/\*\*([\s\S]*?)\*\//g)].map((m) => plainText(m[1]!.replace(/^\s*\* ?/gm, ' ')));
      files.push({ file: `${dir}/${name}`, text: comments.join(' ') });
    }
  }
  cache.set(client, files);
  return files;
}

/** HTML to text: tags dropped, entities decoded, whitespace collapsed. */
export function plainText(html: string): string {
  return html
    .replace(/<[^>]+>/g, ' ')
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&quot;/g, '"')
    .replace(/&#39;|&apos;/g, "'")
    .replace(/&amp;/g, '&')
    .replace(/\s+/g, ' ')
    .replace(/\s+([.,;:)])/g, '$1')
    .trim();
}

/**
 * The rule a contract test enforces, quoted from `operation`'s documentation: its command file
 * first, then the models (request and response members, errors). Throws when the sentence is not
 * there, naming the client and the operation.
 */
export function documented(client: SimulatedClient, operation: string, sentence: string): DocumentedRule {
  const wanted = plainText(sentence);
  const files = documentationOf(client);
  const command = files.find((f) => f.file === `dist-types/commands/${operation}Command.d.ts`);
  if (!command) throw new Error(`@aws-sdk/client-${client} has no operation ${operation}`);
  const holder = [command, ...files.filter((f) => f.file.startsWith('dist-types/models/'))].find((f) => f.text.includes(wanted));
  if (!holder) throw new Error(`@aws-sdk/client-${client} does not document for ${operation}: "${sentence}"`);
  return { client, operation, sentence: wanted, source: holder.file, title: `${operation} · ${wanted}` };
}
